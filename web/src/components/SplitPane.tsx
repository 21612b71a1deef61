import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react'

interface Props {
  /** 'row': side by side (drag left/right); 'col': stacked (drag up/down). */
  direction: 'row' | 'col'
  first: ReactNode
  second: ReactNode
  /** Initial size of the first pane, percent. */
  initial?: number
  min?: number
  max?: number
  label: string
  /** Remembers the size between visits. */
  storageKey?: string
  className?: string
}

function loadSize(key: string | undefined, fallback: number): number {
  if (!key) return fallback
  try {
    const v = Number(localStorage.getItem(`coderoom-split-${key}`))
    return Number.isFinite(v) && v > 0 ? v : fallback
  } catch {
    return fallback
  }
}

/**
 * Two resizable panes with a draggable, keyboard-operable separator (arrow keys, Home/End).
 * In 'row' direction the panes stack on narrow screens (below the `lg` breakpoint).
 */
export function SplitPane({ direction, first, second, initial = 50, min = 20, max = 80, label, storageKey, className = '' }: Props) {
  const [size, setSize] = useState(() => loadSize(storageKey, initial))
  const box = useRef<HTMLDivElement>(null)
  const dragging = useRef(false)

  const set = useCallback(
    (v: number) => {
      const clamped = Math.min(max, Math.max(min, v))
      setSize(clamped)
      if (storageKey) {
        try {
          localStorage.setItem(`coderoom-split-${storageKey}`, String(Math.round(clamped)))
        } catch {
          /* ignore */
        }
      }
    },
    [min, max, storageKey],
  )

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    dragging.current = true
    e.currentTarget.setPointerCapture(e.pointerId)
    e.preventDefault()
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current || !box.current) return
    const r = box.current.getBoundingClientRect()
    const v = direction === 'row' ? ((e.clientX - r.left) / r.width) * 100 : ((e.clientY - r.top) / r.height) * 100
    set(v)
  }
  const onPointerUp = () => {
    dragging.current = false
  }
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const less = direction === 'row' ? 'ArrowLeft' : 'ArrowUp'
    const more = direction === 'row' ? 'ArrowRight' : 'ArrowDown'
    if (e.key === less) set(size - 5)
    else if (e.key === more) set(size + 5)
    else if (e.key === 'Home') set(min)
    else if (e.key === 'End') set(max)
    else return
    e.preventDefault()
  }

  const row = direction === 'row'
  return (
    <div
      ref={box}
      className={`flex min-h-0 ${row ? 'flex-col lg:flex-row' : 'flex-col'} ${className}`}
      style={{ ['--split' as string]: `${size}%` }}
    >
      <div className={`min-h-0 min-w-0 ${row ? 'lg:w-[var(--split)] lg:flex-none' : 'h-[var(--split)] flex-none'}`}>{first}</div>
      <div
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-orientation={row ? 'vertical' : 'horizontal'}
        aria-valuenow={Math.round(size)}
        aria-valuemin={min}
        aria-valuemax={max}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        className={`group flex flex-none touch-none items-center justify-center ${
          row ? 'hidden cursor-col-resize lg:flex lg:w-2' : 'h-2 cursor-row-resize'
        }`}
      >
        <span className={`rounded-full bg-base-300 transition-colors group-hover:bg-primary group-focus-visible:bg-primary ${row ? 'h-10 w-1' : 'h-1 w-10'}`} />
      </div>
      <div className="min-h-0 min-w-0 flex-1">{second}</div>
    </div>
  )
}
