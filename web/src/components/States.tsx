import type { ReactNode } from 'react'

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
