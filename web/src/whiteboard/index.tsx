import { lazy, Suspense } from 'react'
import type { BoardElement } from '../api'
import type { BoardProps } from './Board'

// Both load the drawing library on first use only, in chunks of their own.
const Board = lazy(() => import('./Board'))
const BoardSvg = lazy(() => import('./BoardSvg'))

function Fallback() {
  return (
    <div className="flex h-full min-h-48 items-center justify-center text-sm text-base-content/60" data-testid="whiteboard-loading">
      Loading the whiteboard…
    </div>
  )
}

export function Whiteboard(props: BoardProps) {
  return (
    <Suspense fallback={<Fallback />}>
      <Board {...props} />
    </Suspense>
  )
}

export function WhiteboardSvg({ elements }: { elements: BoardElement[] }) {
  return (
    <Suspense fallback={<Fallback />}>
      <BoardSvg elements={elements} />
    </Suspense>
  )
}
