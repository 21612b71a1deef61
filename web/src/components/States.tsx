import type { ReactNode } from 'react'
import { errorMessage } from '../api'
import { ErrorAlert } from './Modal'

export function Loading({ label = 'Loading…', testId = 'loading' }: { label?: string; testId?: string }) {
  return (
    <div className="flex items-center justify-center gap-3 py-10 text-base-content/70" role="status" data-testid={testId}>
      <span className="loading loading-spinner loading-md" aria-hidden="true" />
      <span>{label}</span>
    </div>
  )
}

export function SkeletonList({ rows = 3 }: { rows?: number }) {
  return (
    <div className="space-y-3" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton h-16 w-full" />
      ))}
    </div>
  )
}

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="rounded-box border border-dashed border-base-300 px-6 py-10 text-center" data-testid={testId}>
      <p className="font-medium">{title}</p>
      {children && <div className="mt-2 text-sm text-base-content/70">{children}</div>}
    </div>
  )
}

/** The states of a react-query answer that `QueryState` tells apart. */
type Answer<T> =
  | { isPending: true; isError: false; error: unknown; data: undefined }
  | { isPending: false; isError: true; error: unknown; data: T | undefined }
  | { isPending: false; isError: false; error: unknown; data: T }

const isEmptyList = (data: unknown) => Array.isArray(data) && data.length === 0

/**
 * What a query has to show: `loading` until it answers, then its error, or `empty` when the
 * answer is an empty list (or `isEmpty` says there is nothing to show), or `children`.
 */
export function QueryState<T>({
  query,
  loading,
  empty,
  isEmpty = isEmptyList,
  errorText = errorMessage,
  children,
}: {
  query: Answer<T>
  loading: ReactNode
  empty?: ReactNode
  isEmpty?: (data: T) => boolean
  errorText?: (error: unknown) => string
  children: (data: T) => ReactNode
}) {
  if (query.isPending) return loading
  if (query.isError) return <ErrorAlert message={errorText(query.error)} />
  if (empty !== undefined && isEmpty(query.data)) return empty
  return children(query.data)
}
