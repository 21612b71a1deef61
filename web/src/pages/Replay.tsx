import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useParams } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { api, errorMessage, isApiError, keys, isAttempt, type AttemptEvent, type ReplayData, type Session, type Timeline, type TimelineEvent, type User } from '../api'
import { isRecordViewer, useMe } from '../api/hooks'
import { ErrorAlert } from '../components/Modal'
import { EmptyState, Loading } from '../components/States'
import { languageInfo } from '../editor/languages'
import { formatMs, verdictLabel } from '../format'
import { activityTimes, buildReplay, codeAt, formatClock, recentSpans, skipIdleTarget } from '../replay/timeline'
import { describe, kindOf, markerColor } from '../replay/markers'
import { colorFor } from '../room/ws'
import { EditorFallback } from './Practice'
import { Whiteboard } from '../whiteboard'
import { CodeOrBoard } from '../whiteboard/CodeOrBoard'
import type { Editor } from '../editor/CodeEditor'

const CodeEditor = lazy(() => import('../editor/CodeEditor'))

export const SPEEDS = [1, 2, 4, 8, 16, 32]
/** How long before now counts as "at the live edge" of a live session. */
const LIVE_EDGE_MS = 1500

/** The interview's session, for who may see the replay: asked before anything else. */
export function useRecordSession(id: string) {
  const me = useMe()
  const user = me.data as User
  const session = useQuery({
    queryKey: keys.session(id),
    queryFn: ({ signal }) => api.session(id, signal),
    retry: (n, e) => !isApiError(e, 404) && !isApiError(e, 403) && n < 2,
  })
  const allowed = !!session.data && isRecordViewer(session.data, user)
  return { user, session, allowed }
}

/** What a page of the interviewer's record shows instead, while loading or when not allowed. */
export function RecordGate({ session, allowed, what }: { session: ReturnType<typeof useRecordSession>['session']; allowed: boolean; what: string }) {
  if (session.isPending) return <Loading label="Loading session…" />
  if (session.isError)
    return isApiError(session.error, 404) ? (
      <EmptyState title="Session not found" testId="session-missing">
        <Link to="/dashboard" className="link link-primary">
          Back to the dashboard
        </Link>
      </EmptyState>
    ) : (
      <ErrorAlert message={errorMessage(session.error)} />
    )
  if (!allowed)
    return (
      <EmptyState title={`The ${what} is for the interviewers`} testId="record-forbidden">
        Only the host, the co-interviewers and administrators can open it.
      </EmptyState>
    )
  return null
}

export default function ReplayPage() {
  const { id = '' } = useParams()
  const { session, allowed } = useRecordSession(id)
  if (!allowed || !session.data) return <RecordGate session={session} allowed={allowed} what="replay" />
  return <Replay session={session.data} />
}

function Replay({ session: s }: { session: Session }) {
  const [follow, setFollow] = useState(false)
  const replay = useQuery({
    queryKey: keys.replay(s.id),
    queryFn: ({ signal }) => api.replay(s.id, signal),
    refetchInterval: (q) => (follow && q.state.data?.live ? 3000 : false),
    refetchOnWindowFocus: false,
    retry: false,
  })
  const timeline = useQuery({
    queryKey: keys.timeline(s.id),
    queryFn: ({ signal }) => api.timeline(s.id, signal),
    refetchInterval: (q) => (follow && q.state.data?.live ? 3000 : false),
    refetchOnWindowFocus: false,
    retry: false,
  })
  if (replay.isPending || timeline.isPending) return <Loading label="Loading the replay…" testId="replay-loading" />
  if (replay.isError) return <ErrorAlert message={errorMessage(replay.error)} testId="replay-error" />
  if (timeline.isError) return <ErrorAlert message={errorMessage(timeline.error)} testId="replay-error" />
  return (
    <ReplayView
      session={s}
      replay={replay.data}
      timeline={timeline.data}
      follow={follow}
      setFollow={setFollow}
      catchUp={async () => {
        await Promise.all([replay.refetch(), timeline.refetch()])
      }}
    />
  )
}

function ReplayView({
  session: s,
  replay,
  timeline,
  follow,
  setFollow,
  catchUp,
}: {
  session: Session
  replay: ReplayData
  timeline: Timeline
  follow: boolean
  setFollow: (f: boolean) => void
  catchUp: () => Promise<void>
}) {
  const built = useMemo(() => buildReplay(replay), [replay])
  const events = timeline.events
  const duration = Math.max(built.durationMs, timeline.durationMs || 0, events.length ? events[events.length - 1]!.at : 0)
  const activity = useMemo(() => activityTimes(built, events.map((e) => e.at)), [built, events])
  const live = replay.live || timeline.live
  // A live session opens at now; a finished one where the code first appears (the starter code).
  const [pos, setPosState] = useState(() => (live ? duration : built.times.length > 0 ? built.times[0]! : 0))
  const [playing, setPlaying] = useState(false)
  const [speed, setSpeed] = useState(4)
  const [skipIdle, setSkipIdle] = useState(true)
  const [catching, setCatching] = useState(false)
  const posRef = useRef(pos)
  const setPos = useCallback((p: number) => {
    posRef.current = p
    setPosState(p)
  }, [])

  // A live session opens at its live edge, following it.
  useEffect(() => {
    if (live) setFollow(true)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // Following a live session: every refetch moves the position to the new end.
  useEffect(() => {
    if (follow && live) setPos(duration)
    if (!live && follow) setFollow(false)
  }, [follow, live, duration, setPos, setFollow])

  const seek = (p: number) => {
    const next = Math.min(Math.max(0, p), duration)
    setPos(next)
    if (follow && duration - next > LIVE_EDGE_MS) setFollow(false)
  }

  // Playback: the position advances with real time times the speed; with "skip idle", any
  // stretch longer than 5 s without an edit or an event is jumped.
  const opts = useRef({ speed, skipIdle, duration, activity, live })
  opts.current = { speed, skipIdle, duration, activity, live }
  useEffect(() => {
    if (!playing) return
    let last = performance.now()
    let raf = 0
    const tick = (now: number) => {
      const { speed: sp, skipIdle: skip, duration: d, activity: act } = opts.current
      let p = posRef.current + (now - last) * sp
      last = now
      if (skip) {
        const target = skipIdleTarget(act, p, d)
        if (target !== null) p = target
      }
      if (p >= d) {
        setPos(d)
        setPlaying(false)
        // Played up to now in a live session: from here on, follow it.
        if (opts.current.live) setFollow(true)
        return
      }
      setPos(p)
      raf = requestAnimationFrame(tick)
    }
    raf = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(raf)
  }, [playing, setPos, setFollow])

  const frame = useMemo(() => codeAt(built, pos), [built, pos])
  // The same step: nothing to redo in the editor.
  const stepKey = frame.stepIndex
  const spans = useMemo(() => recentSpans(built, pos), [built, pos])

  const latestResult = useMemo(() => {
    let r: AttemptEvent | null = null
    for (const e of events) {
      if (e.at > pos) break
      if (isAttempt(e)) r = e
    }
    return r
  }, [events, pos])

  const authors = replay.authors
  const colors = useMemo(() => authors.map((a) => colorFor(a.id)), [authors])
  const startMs = new Date(replay.createdAt || s.createdAt).getTime()
  const atLiveEdge = live && duration - pos <= LIVE_EDGE_MS

  return (
    <div className="flex flex-col gap-2 lg:h-[calc(100dvh-5rem)]" data-testid="replay-page" data-session-id={s.id}>
      <header className="flex flex-col gap-2 rounded-box bg-base-100 p-3 shadow-sm sm:flex-row sm:items-center sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <Link to={`/session/${encodeURIComponent(s.id)}`} className="btn btn-ghost btn-xs" aria-label="Back to the session">
              ←
            </Link>
            <h1 className="text-lg font-bold">Replay · {s.problem.title}</h1>
            {live ? <span className="badge badge-success">Live</span> : <span className="badge badge-neutral">Completed</span>}
          </div>
          <p className="text-xs text-base-content/60">
            {built.steps.length.toLocaleString()} edits · {events.length} events · {formatClock(duration)} long
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-base-content/60">Authors</span>
          <ul className="flex flex-wrap gap-1" data-testid="replay-authors" aria-label="Authors">
            {authors.map((a, i) => (
              <li key={a.id} className="badge badge-sm border-0 text-white" style={{ backgroundColor: colors[i] }} data-testid="replay-author">
                {a.name}
              </li>
            ))}
          </ul>
          <Link to={`/session/${encodeURIComponent(s.id)}/report`} className="btn btn-ghost btn-sm" data-testid="open-report">
            Report
          </Link>
        </div>
      </header>

      <section className="rounded-box bg-base-100 p-3 shadow-sm" aria-label="Playback" data-testid="replay-controls">
        <div className="flex flex-wrap items-center gap-2">
          <button
            type="button"
            className="btn btn-primary btn-sm w-20"
            onClick={() => {
              if (!playing && pos >= duration) setPos(0)
              if (follow) setFollow(false)
              setPlaying(!playing)
            }}
            data-testid="replay-play"
            data-state={playing ? 'playing' : 'paused'}
          >
            {playing ? 'Pause' : 'Play'}
          </button>
          <span className="font-mono text-sm tabular-nums" data-testid="replay-position" data-at={Math.round(pos)}>
            {formatClock(pos)} / {formatClock(duration)}
          </span>
          <span className="text-xs text-base-content/60" title="Wall-clock time of this moment">
            {new Date(startMs + pos).toLocaleTimeString()}
          </span>
          <div className="join ml-auto" role="group" aria-label="Speed">
            {SPEEDS.map((x) => (
              <button
                key={x}
                type="button"
                className={`btn join-item btn-xs ${speed === x ? 'btn-active btn-primary' : ''}`}
                aria-pressed={speed === x}
                onClick={() => setSpeed(x)}
                data-testid={`replay-speed-${x}`}
              >
                {x}×
              </button>
            ))}
          </div>
          <label className="flex cursor-pointer items-center gap-1 text-xs">
            <input type="checkbox" className="toggle toggle-xs" checked={skipIdle} onChange={(e) => setSkipIdle(e.target.checked)} data-testid="replay-skip-idle" />
            Skip idle
          </label>
          {live && (
            <button
              type="button"
              className={`btn btn-xs ${atLiveEdge && follow ? 'btn-success' : 'btn-outline btn-success'}`}
              disabled={catching}
              onClick={async () => {
                setCatching(true)
                setPlaying(false)
                try {
                  await catchUp()
                  setFollow(true)
                } finally {
                  setCatching(false)
                }
              }}
              data-testid="replay-live"
              data-following={follow ? 'true' : 'false'}
            >
              {catching && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
              {follow ? 'Live — following' : 'Live — catch up'}
            </button>
          )}
        </div>
        <Scrubber duration={duration} pos={pos} events={events} onSeek={(p) => seek(p)} startMs={startMs} />
      </section>

      <div className="flex min-h-0 flex-1 flex-col gap-2 lg:flex-row">
        {/* The board is not replayed step by step: its tab shows its latest state. */}
        <div className="flex min-h-0 flex-col lg:flex-1">
          <CodeOrBoard design={false} board={<Whiteboard mode="final" sessionId={s.id} />} boardLabel={live ? 'Whiteboard (latest)' : 'Whiteboard (final)'}>
            <div className="relative h-[60vh] min-h-0 overflow-hidden rounded-box border border-base-300 bg-base-100 lg:h-auto lg:flex-1">
              <Suspense fallback={<EditorFallback />}>
                <ReplayEditor code={frame.code} language={frame.language} stepKey={stepKey} spans={spans} colors={colors} />
              </Suspense>
            </div>
          </CodeOrBoard>
        </div>
        <aside className="flex min-h-0 flex-col gap-3 rounded-box bg-base-100 p-3 shadow-sm lg:w-96 lg:flex-none lg:overflow-y-auto" aria-label="At this moment">
          <LatestResult event={latestResult} />
          <EventList events={events} pos={pos} onSeek={(p) => seek(p)} />
        </aside>
      </div>
    </div>
  )
}

/** The read-only editor showing one frame, with the recent changes coloured by author. */
function ReplayEditor({ code, language, stepKey, spans, colors }: { code: string; language: string; stepKey: number; spans: ReturnType<typeof recentSpans>; colors: string[] }) {
  const [editor, setEditor] = useState<Editor | null>(null)
  const decorations = useRef<ReturnType<Editor['createDecorationsCollection']> | null>(null)

  // One CSS class per author for the highlight.
  useEffect(() => {
    const style = document.createElement('style')
    style.dataset.coderoom = 'replay-authors'
    style.textContent = colors
      .map((c, i) => `.replay-author-${i}{background-color:${/^#[0-9a-f]{6}$/i.test(c) ? c : '#2563eb'}40;border-bottom:2px solid ${c}}`)
      .join('\n')
    document.head.appendChild(style)
    return () => style.remove()
  }, [colors])

  // A new frame: only the part that differs is replaced, so the view does not jump.
  useEffect(() => {
    const model = editor?.getModel()
    if (!editor || !model) return
    const old = model.getValue()
    if (old !== code) {
      let a = 0
      const max = Math.min(old.length, code.length)
      while (a < max && old.charCodeAt(a) === code.charCodeAt(a)) a++
      let b = 0
      while (b < max - a && old.charCodeAt(old.length - 1 - b) === code.charCodeAt(code.length - 1 - b)) b++
      const start = model.getPositionAt(a)
      const end = model.getPositionAt(old.length - b)
      model.applyEdits([{ range: { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column }, text: code.slice(a, code.length - b) }])
    }
    const list = spans.map((sp) => {
      const from = model.getPositionAt(sp.start)
      const to = model.getPositionAt(sp.end)
      return {
        range: { startLineNumber: from.lineNumber, startColumn: from.column, endLineNumber: to.lineNumber, endColumn: to.column },
        options: { inlineClassName: `replay-author-${sp.author}`, hoverMessage: { value: 'Recent change' } },
      }
    })
    if (!decorations.current) decorations.current = editor.createDecorationsCollection(list)
    else decorations.current.set(list)
    // The latest change is kept in view.
    const lastSpan = spans[spans.length - 1]
    if (lastSpan) editor.revealPositionInCenterIfOutsideViewport(model.getPositionAt(lastSpan.end))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editor, code, stepKey, spans])

  return (
    <CodeEditor
      language={languageInfo(language).monaco}
      readOnly
      ariaLabel="Code at this moment of the replay (read only)"
      onMount={(ed) => {
        setEditor(ed)
        return () => {
          decorations.current = null
          setEditor(null)
        }
      }}
    />
  )
}

/** The scrubber: a range input under a row of markers, one per timeline event. */
function Scrubber({ duration, pos, events, onSeek, startMs }: { duration: number; pos: number; events: TimelineEvent[]; onSeek: (p: number) => void; startMs: number }) {
  const [hover, setHover] = useState<TimelineEvent | null>(null)
  const pct = (at: number) => (duration > 0 ? Math.min(100, Math.max(0, (at / duration) * 100)) : 0)
  return (
    <div className="relative mt-3 pb-1" data-testid="replay-scrubber">
      <div className="relative h-5" aria-label="Events" role="group">
        {events.map((e, i) => (
          <button
            key={i}
            type="button"
            className="absolute top-0 h-5 w-2 -translate-x-1/2 cursor-pointer rounded-sm border border-base-100 p-0 hover:scale-x-150 focus-visible:scale-x-150"
            style={{ left: `${pct(e.at)}%`, backgroundColor: markerColor(e) }}
            title={`${formatClock(e.at)} · ${kindOf(e.kind).label}: ${describe(e)}`}
            aria-label={`${formatClock(e.at)} ${describe(e)}`}
            onClick={() => onSeek(e.at)}
            onMouseEnter={() => setHover(e)}
            onMouseLeave={() => setHover((h) => (h === e ? null : h))}
            onFocus={() => setHover(e)}
            onBlur={() => setHover((h) => (h === e ? null : h))}
            data-testid="timeline-marker"
            data-kind={e.kind}
            data-at={e.at}
          />
        ))}
        {hover && (
          <div
            role="tooltip"
            className="pointer-events-none absolute bottom-full z-30 mb-1 max-w-72 -translate-x-1/2 rounded-box bg-neutral px-2 py-1 text-xs text-neutral-content shadow"
            style={{ left: `${Math.min(85, Math.max(15, pct(hover.at)))}%` }}
            data-testid="marker-tooltip"
          >
            <span className="font-semibold">{kindOf(hover.kind).label}</span> · {formatClock(hover.at)} ({new Date(startMs + hover.at).toLocaleTimeString()})
            <br />
            {describe(hover)}
            {isAttempt(hover) && hover.tests.length > 0 && (
              <>
                <br />
                {hover.tests.map((t) => (t.status === 'passed' ? '✓' : '✗')).join(' ')}
              </>
            )}
          </div>
        )}
      </div>
      <input
        type="range"
        className="range range-primary range-xs mt-1 w-full"
        min={0}
        max={Math.max(1, Math.round(duration))}
        step={100}
        value={Math.round(pos)}
        onChange={(e) => onSeek(Number(e.target.value))}
        aria-label="Position in the interview"
        aria-valuetext={formatClock(pos)}
        data-testid="replay-range"
      />
      <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-[0.7rem] text-base-content/70" aria-label="Marker colours">
        {['join', 'run', 'submit', 'chat', 'paste', 'focus', 'language', 'ended'].map((k) => (
          <li key={k} className="flex items-center gap-1">
            <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: kindOf(k).color }} aria-hidden="true" />
            {kindOf(k).label}
          </li>
        ))}
      </ul>
    </div>
  )
}

const TEST_BADGE: Record<string, string> = { passed: 'badge-success', skipped: 'badge-ghost' }

function LatestResult({ event: e }: { event: AttemptEvent | null }) {
  return (
    <section aria-label="Latest result" data-testid="replay-result" data-verdict={e?.verdict ?? ''}>
      <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-base-content/60">Latest run or submit</h2>
      {!e ? (
        <p className="text-sm text-base-content/60">Nothing run yet at this point.</p>
      ) : (
        <div className="space-y-1.5 text-sm">
          <p>
            <span className={`font-bold ${e.verdict === 'accepted' ? 'text-success' : 'text-error'}`}>{verdictLabel(e.verdict)}</span>{' '}
            <span className="text-base-content/70">
              {e.kind === 'submit' ? 'submit' : 'run'} · {e.passed ?? 0}/{e.total ?? 0} tests
              {e.hidden && e.hidden.total > 0 && <> · hidden {e.hidden.passed}/{e.hidden.total}</>}
              {typeof e.timeMs === 'number' && <> · {formatMs(e.timeMs)}</>}
            </span>
          </p>
          <p className="text-xs text-base-content/60">
            {e.user?.name ?? 'Someone'} at {formatClock(e.at)}
            {e.language && <> · {e.language}</>}
          </p>
          {e.message && <p className="text-xs">{e.message}</p>}
          {e.tests && e.tests.length > 0 && (
            <ul className="flex flex-wrap gap-1" aria-label="Tests">
              {e.tests.map((t) => (
                <li key={t.index} className={`badge badge-sm ${TEST_BADGE[t.status] ?? 'badge-error'}`} title={t.status.replace(/_/g, ' ')} data-testid="replay-test" data-status={t.status}>
                  Test {t.index + 1}: {t.status === 'passed' ? 'passed' : t.status.replace(/_/g, ' ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  )
}

function EventList({ events, pos, onSeek }: { events: TimelineEvent[]; pos: number; onSeek: (p: number) => void }) {
  const current = useRef<HTMLLIElement>(null)
  let lastIndex = -1
  for (let i = 0; i < events.length; i++) if (events[i]!.at <= pos) lastIndex = i
  useEffect(() => {
    current.current?.scrollIntoView({ block: 'nearest' })
  }, [lastIndex])
  return (
    <section aria-label="Events" className="min-h-0 flex-1">
      <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-base-content/60">Events</h2>
      {events.length === 0 ? (
        <p className="text-sm text-base-content/60">No events recorded.</p>
      ) : (
        <ol className="max-h-80 space-y-0.5 overflow-y-auto text-xs lg:max-h-none" data-testid="replay-events">
          {events.map((e, i) => (
            <li key={i} ref={i === lastIndex ? current : undefined}>
              <button
                type="button"
                className={`flex w-full items-start gap-2 rounded px-1 py-0.5 text-left hover:bg-base-200 ${i === lastIndex ? 'bg-primary/10' : ''} ${e.at > pos ? 'opacity-60' : ''}`}
                onClick={() => onSeek(e.at)}
                data-testid="replay-event"
                data-kind={e.kind}
              >
                <span className="font-mono tabular-nums text-base-content/60">{formatClock(e.at)}</span>
                <span className="mt-1 inline-block h-2 w-2 flex-none rounded-full" style={{ backgroundColor: markerColor(e) }} aria-hidden="true" />
                <span className="min-w-0 break-words">{describe(e)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
