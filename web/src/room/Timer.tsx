import { useEffect, useRef, useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type Session } from '../api'
import { formatClock } from '../replay/timeline'

/** The current time, updated every `ms`. */
export function useNow(ms = 1000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!enabled) return
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms, enabled])
  return now
}

const time = (iso: string | null | undefined) => {
  const t = iso ? new Date(iso).getTime() : NaN
  return Number.isNaN(t) ? null : t
}

export const TIME_BOXES = [30, 45, 60, 90]
const WARN_MS = 5 * 60_000

/**
 * The room's clock, for everyone: time since the interview started (since the session was made
 * while no candidate has come); with a time box, the time left, amber in the last five minutes
 * (and a one-time notice), red once over. The host (or an administrator) sets the time box.
 */
export function RoomTimer({ session: s, ended, canSet }: { session: Session; ended: boolean; canSet: boolean }) {
  const now = useNow(1000, !ended)
  const start = time(s.startedAt) ?? time(s.createdAt) ?? now
  const stop = ended ? (time(s.endedAt) ?? now) : now
  const elapsed = Math.max(0, stop - start)
  const endsAt = time(s.endsAt)
  const left = endsAt !== null ? endsAt - stop : null
  const level = left === null ? 'none' : left <= 0 ? 'over' : left <= WARN_MS ? 'warn' : 'ok'

  // The five-minute notice, once per session in this tab (not again after a reload).
  const [notice, setNotice] = useState(false)
  const noticed = useRef(false)
  useEffect(() => {
    if (ended || level !== 'warn' || noticed.current) return
    noticed.current = true
    const key = `coderoom.timer-warned.${s.id}`
    try {
      if (window.sessionStorage.getItem(key)) return
      window.sessionStorage.setItem(key, '1')
    } catch {
      /* no storage: shown anyway */
    }
    setNotice(true)
  }, [level, ended, s.id])
  useEffect(() => {
    if (!notice) return
    const t = setTimeout(() => setNotice(false), 20_000)
    return () => clearTimeout(t)
  }, [notice])

  const cls =
    level === 'over' ? 'badge-error' : level === 'warn' ? 'badge-warning' : 'badge-ghost'
  return (
    <span className="flex flex-wrap items-center gap-1" data-testid="room-timer" data-level={level}>
      <span
        className="badge badge-outline gap-1 font-mono tabular-nums"
        title={s.startedAt ? `Started ${new Date(s.startedAt).toLocaleTimeString()}` : 'Counting from when the session was made; restarts when the candidate arrives'}
        data-testid="timer-elapsed"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="2">
          <circle cx="12" cy="13" r="8" />
          <path strokeLinecap="round" d="M12 9v4l2.5 2.5M9.5 2.5h5" />
        </svg>
        <span className="sr-only">Elapsed </span>
        {formatClock(elapsed)}
      </span>
      {left !== null ? (
        <span className={`badge font-mono tabular-nums ${cls}`} data-testid="timer-left" role="timer" aria-label={left > 0 ? `${formatClock(left)} left` : `${formatClock(-left)} over time`}>
          {left > 0 ? `${formatClock(left)} left` : `+${formatClock(-left)} over`}
        </span>
      ) : (
        s.timeBoxMinutes != null && (
          <span className="badge badge-ghost badge-sm" data-testid="timer-box" title="The countdown starts when the candidate arrives">
            {s.timeBoxMinutes} min box
          </span>
        )
      )}
      {canSet && !ended && <TimeBoxControl session={s} />}
      {notice && (
        <span role="alert" className="toast toast-top toast-center z-50" data-testid="timer-warning">
          <span className="alert alert-warning shadow-md">
            <span>5 minutes left in the time box.</span>
            <button type="button" className="btn btn-ghost btn-xs" onClick={() => setNotice(false)} aria-label="Dismiss">
              ✕
            </button>
          </span>
        </span>
      )}
    </span>
  )
}

/** The host's time box: none, 30/45/60/90 minutes or a custom length. */
function TimeBoxControl({ session: s }: { session: Session }) {
  const qc = useQueryClient()
  const [open, setOpen] = useState(false)
  const [custom, setCustom] = useState(String(s.timeBoxMinutes ?? 50))
  const box = useRef<HTMLDivElement>(null)
  const set = useMutation({
    mutationFn: (minutes: number | null) => api.setTimer(s.id, minutes),
    onSuccess: (session) => {
      qc.setQueryData(keys.session(s.id), session)
      setOpen(false)
    },
  })
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false)
    }
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false)
    document.addEventListener('mousedown', close)
    document.addEventListener('keydown', esc)
    return () => {
      document.removeEventListener('mousedown', close)
      document.removeEventListener('keydown', esc)
    }
  }, [open])
  const n = Number(custom)
  const customOk = Number.isInteger(n) && n >= 1 && n <= 480

  return (
    <div className="relative" ref={box}>
      <button type="button" className="btn btn-ghost btn-xs" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="timebox-toggle">
        {s.timeBoxMinutes ? 'Time box' : 'Set time box'}
      </button>
      {open && (
        <div className="absolute left-0 top-full z-50 mt-1 w-60 space-y-2 rounded-box border border-base-300 bg-base-100 p-3 shadow-lg" data-testid="timebox-menu">
          <p className="text-xs text-base-content/70">Length of the interview, counted from when the candidate arrives.</p>
          <div className="flex flex-wrap gap-1">
            <button type="button" className={`btn btn-xs ${s.timeBoxMinutes == null ? 'btn-active' : ''}`} disabled={set.isPending} onClick={() => set.mutate(null)} data-testid="timebox-none">
              None
            </button>
            {TIME_BOXES.map((m) => (
              <button
                key={m}
                type="button"
                className={`btn btn-xs ${s.timeBoxMinutes === m ? 'btn-active btn-primary' : ''}`}
                disabled={set.isPending}
                onClick={() => set.mutate(m)}
                data-testid={`timebox-${m}`}
              >
                {m} min
              </button>
            ))}
          </div>
          <form
            className="flex items-center gap-1"
            onSubmit={(e) => {
              e.preventDefault()
              if (customOk) set.mutate(n)
            }}
          >
            <label className="input input-xs flex-1">
              <input type="number" min={1} max={480} value={custom} onChange={(e) => setCustom(e.target.value)} aria-label="Custom time box in minutes" data-testid="timebox-custom" />
              <span className="text-base-content/60">min</span>
            </label>
            <button type="submit" className="btn btn-primary btn-xs" disabled={!customOk || set.isPending} data-testid="timebox-custom-set">
              Set
            </button>
          </form>
          {set.isError && <p className="text-xs text-error">{errorMessage(set.error)}</p>}
        </div>
      )}
    </div>
  )
}
