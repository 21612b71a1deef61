import { useCallback, useEffect, useRef, useState } from 'react'
import { errorMessage } from '../api'

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error'

export interface SaveState {
  status: SaveStatus
  savedAt: Date | null
  error: string | null
}

export interface Autosave<T> {
  state: SaveState
  /** A new value to save: saved `delay` ms after the last change. */
  change: (value: T) => void
  /** Saves now whatever is not saved yet; resolves once it is (or failed). */
  flush: () => Promise<void>
  /** Whether a value is waiting to be saved (changed, in flight or failed). */
  dirty: () => boolean
  /** The newest value given to `change`. */
  latest: () => T | undefined
}

const MAX_RETRY_MS = 30_000

/**
 * Saves a value some time after it last changed, one request at a time. A failed save keeps
 * the value and is tried again, sooner or later (2 s, 4 s, … up to 30 s), and at every flush:
 * nothing typed is dropped because the server was away for a while.
 */
export function useAutosave<T>(save: (value: T) => Promise<unknown>, { delay = 400, onSaved }: { delay?: number; onSaved?: (value: T, result: unknown) => void } = {}): Autosave<T> {
  const [state, setState] = useState<SaveState>({ status: 'idle', savedAt: null, error: null })
  const saveRef = useRef(save)
  saveRef.current = save
  const onSavedRef = useRef(onSaved)
  onSavedRef.current = onSaved
  const latest = useRef<T | undefined>(undefined)
  const dirty = useRef(false)
  const running = useRef<Promise<void> | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const backoff = useRef(2000)
  const mounted = useRef(true)

  const flush = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current)
    clearTimeout(retry.current)
    // One request at a time: a change made meanwhile is saved right after.
    while (running.current) await running.current
    if (!dirty.current || latest.current === undefined) return
    const value = latest.current
    dirty.current = false
    if (mounted.current) setState((s) => ({ ...s, status: 'saving', error: null }))
    const job = (async () => {
      try {
        const result = await saveRef.current(value)
        backoff.current = 2000
        onSavedRef.current?.(value, result)
        if (mounted.current) setState({ status: dirty.current ? 'saving' : 'saved', savedAt: new Date(), error: null })
      } catch (e) {
        // Unless something newer came meanwhile, this value is still the one to save.
        dirty.current = true
        if (mounted.current) {
          setState((s) => ({ ...s, status: 'error', error: errorMessage(e) }))
          const wait = backoff.current
          backoff.current = Math.min(MAX_RETRY_MS, backoff.current * 2)
          retry.current = setTimeout(() => void flush(), wait)
        }
        throw e
      }
    })()
    running.current = job.catch(() => {})
    try {
      await job
    } catch {
      return
    } finally {
      running.current = null
    }
    if (dirty.current) await flush()
  }, [])

  const change = useCallback(
    (value: T) => {
      latest.current = value
      dirty.current = true
      clearTimeout(timer.current)
      timer.current = setTimeout(() => void flush(), delay)
    },
    [delay, flush],
  )

  // Leaving the page within the app: what is not saved yet is sent at once.
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
      clearTimeout(retry.current)
      if (dirty.current) void flush()
    }
  }, [flush])

  return {
    state,
    change,
    flush,
    dirty: useCallback(() => dirty.current || running.current !== null, []),
    latest: useCallback(() => latest.current, []),
  }
}

/** "Saved · 14:03:27", "Saving…", "Not saved — retrying": the state of an autosaved field. */
export function SaveIndicator({ state, dirty, onRetry, testId }: { state: SaveState; dirty: boolean; onRetry: () => void; testId: string }) {
  const time = state.savedAt ? state.savedAt.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : ''
  if (state.status === 'error')
    return (
      <span role="alert" className="flex items-center gap-1 text-xs text-error" data-testid={testId} data-status="error">
        Not saved: {state.error} — retrying.
        <button type="button" className="btn btn-ghost btn-xs text-error" onClick={onRetry} data-testid={`${testId}-retry`}>
          Retry now
        </button>
      </span>
    )
  const status = state.status === 'saving' || (dirty && state.status !== 'idle') ? 'saving' : state.status
  return (
    <span className="text-xs text-base-content/60" aria-live="polite" data-testid={testId} data-status={dirty && state.status === 'idle' ? 'pending' : status}>
      {status === 'saving' ? 'Saving…' : status === 'saved' ? `Saved · ${time}` : dirty ? 'Not saved yet' : ''}
    </span>
  )
}
