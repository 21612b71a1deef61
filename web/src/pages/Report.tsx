import type { ReactNode } from 'react'
import { Link, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type BoardElement, type PublicUser, type Report, type ReportSubmission, type TimelineEvent } from '../api'
import { candidates, interviewers, useMe } from '../api/hooks'
import { Avatar } from '../components/Avatar'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { Markdown } from '../components/Markdown'
import { ErrorAlert } from '../components/Modal'
import { Loading } from '../components/States'
import { languageInfo } from '../editor/languages'
import { formatDate, formatMs, verdictLabel } from '../format'
import { describe, kindOf, markerColor } from '../replay/markers'
import { formatClock } from '../replay/timeline'
import { ScorecardView, recommendationBadge, recommendationLabel } from '../room/Scorecard'
import { RecordGate, useRecordSession } from './Replay'
import { WhiteboardSvg } from '../whiteboard'

export default function ReportPage() {
  const { id = '' } = useParams()
  const { session, allowed } = useRecordSession(id)
  if (!allowed || !session.data) return <RecordGate session={session} allowed={allowed} what="report" />
  return <ReportLoader id={session.data.id} />
}

function ReportLoader({ id }: { id: string }) {
  const report = useQuery({ queryKey: keys.report(id), queryFn: ({ signal }) => api.report(id, signal), retry: false })
  if (report.isPending) return <Loading label="Putting the report together…" testId="report-loading" />
  if (report.isError) return <ErrorAlert message={errorMessage(report.error)} testId="report-error" />
  return <ReportView report={report.data} />
}

function Section({ title, children, testId, count }: { title: string; children: ReactNode; testId: string; count?: number }) {
  return (
    <section className="report-section rounded-box bg-base-100 p-4 shadow-sm" aria-label={title} data-testid={testId}>
      <h2 className="mb-3 text-lg font-semibold">
        {title}
        {count !== undefined && <span className="ml-2 text-sm font-normal text-base-content/60">({count})</span>}
      </h2>
      {children}
    </section>
  )
}

/** Who made a submission: the account's name while it exists. */
const submitter = (x: ReportSubmission) => x.userName ?? 'Someone'

function Duration({ ms }: { ms: number | null | undefined }) {
  return <>{typeof ms === 'number' ? formatClock(ms) : '—'}</>
}

function ReportView({ report: r }: { report: Report }) {
  const s = r.session
  const admin = useMe().data?.role === 'admin'
  const id = encodeURIComponent(s.id)
  const people: Array<{ person: PublicUser; role: string }> = [
    { person: s.host, role: 'host' },
    ...interviewers(s).map((person) => ({ person, role: 'interviewer' })),
    ...candidates(s).map((person) => ({ person, role: 'candidate' })),
  ]
  const counts = new Map<string, number>()
  for (const e of r.timeline) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1)
  const notable = r.timeline.filter((e) => e.kind !== 'chat')
  const lang = languageInfo(r.language)

  return (
    <article className="report mx-auto max-w-5xl space-y-4" data-testid="report-page" data-session-id={s.id}>
      <header className="report-section rounded-box bg-base-100 p-4 shadow-sm">
        <div className="flex flex-wrap items-start gap-3">
          <div className="min-w-0 flex-1">
            <p className="text-xs uppercase tracking-wide text-base-content/60">Interview report</p>
            <h1 className="text-2xl font-bold" data-testid="report-problem">
              {s.problem.title}
            </h1>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
              <DifficultyBadge difficulty={s.problem.difficulty ?? s.difficulty} />
              <span className={`badge badge-sm ${s.status === 'active' ? 'badge-success' : 'badge-neutral'}`} data-testid="report-status">
                {s.status === 'active' ? 'In progress' : 'Completed'}
              </span>
              {r.scorecards.map((c) => (
                <span key={c.user.id} className={`badge badge-sm ${recommendationBadge(c.recommendation)}`} title={`${c.user.name}: ${recommendationLabel(c.recommendation)}`}>
                  {c.user.name}: {recommendationLabel(c.recommendation)}
                </span>
              ))}
            </div>
          </div>
          <div className="flex flex-wrap gap-2 print:hidden" data-testid="report-actions">
            <Link to={`/session/${id}`} className="btn btn-ghost btn-sm">
              Session
            </Link>
            <Link to={`/session/${id}/replay`} className="btn btn-outline btn-sm" data-testid="report-replay">
              Replay
            </Link>
            <a href={api.reportMarkdownUrl(s.id)} download={`interview-${s.id}.md`} className="btn btn-outline btn-sm" data-testid="report-markdown" title="Markdown for your ATS">
              Markdown
            </a>
            <button type="button" className="btn btn-primary btn-sm" onClick={() => window.print()} data-testid="report-print">
              Print / PDF
            </button>
          </div>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4" data-testid="report-times">
          <div>
            <dt className="text-xs text-base-content/60">Started</dt>
            <dd>{formatDate(s.startedAt ?? s.createdAt)}</dd>
          </div>
          <div>
            <dt className="text-xs text-base-content/60">Ended</dt>
            <dd>{s.endedAt ? formatDate(s.endedAt) : 'not yet'}</dd>
          </div>
          <div>
            <dt className="text-xs text-base-content/60">Duration</dt>
            <dd data-testid="report-duration">
              <Duration ms={r.durationMs} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-base-content/60">Time box</dt>
            <dd>{s.timeBoxMinutes ? `${s.timeBoxMinutes} min` : 'none'}</dd>
          </div>
        </dl>
      </header>

      <Section title="People" testId="report-people" count={people.length}>
        <ul className="flex flex-wrap gap-x-6 gap-y-2">
          {people.map(({ person, role }) => (
            <li key={person.id} className="flex items-center gap-2 text-sm" data-testid="report-person" data-role={role}>
              <Avatar name={person.name} image={person.image ?? null} size="xs" />
              <span className="font-medium">{person.name}</span>
              <span className="badge badge-ghost badge-sm">{role}</span>
            </li>
          ))}
        </ul>
      </Section>

      <Section title={`Final code · ${lang.label}`} testId="report-code">
        <pre className="max-h-[32rem] overflow-auto whitespace-pre rounded-box bg-base-200 p-3 font-mono text-xs print:max-h-none print:whitespace-pre-wrap" data-testid="report-final-code">
          {r.finalCode || '(empty)'}
        </pre>
      </Section>

      {r.whiteboard && r.whiteboard.elements.length > 0 && (
        <Section title="Whiteboard" testId="report-board" count={r.whiteboard.elements.length}>
          <WhiteboardSvg elements={r.whiteboard.elements as BoardElement[]} />
        </Section>
      )}

      <Section title="Runs and submissions" testId="report-submissions" count={r.submissions.length}>
        {r.submissions.length === 0 ? (
          <p className="text-sm text-base-content/60">No code was run.</p>
        ) : (
          <ol className="space-y-2">
            {r.submissions.map((x) => (
              <li key={x.id} className="report-item rounded-box border border-base-300 p-2 text-sm" data-testid="report-submission" data-mode={x.mode} data-verdict={x.verdict}>
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                  <span className="badge badge-sm badge-outline">{x.mode === 'submit' ? 'Submit' : 'Run'}</span>
                  <span className={`font-semibold ${x.verdict === 'accepted' ? 'text-success' : 'text-error'}`}>{verdictLabel(x.verdict)}</span>
                  <span>
                    {x.passed}/{x.total} tests
                    {x.hidden && x.hidden.total > 0 && <> · hidden {x.hidden.passed}/{x.hidden.total}</>}
                  </span>
                  {typeof x.timeMs === 'number' && <span className="text-base-content/60">{formatMs(x.timeMs)}</span>}
                  <span className="text-base-content/60">{languageInfo(x.language).label}</span>
                  <span className="ml-auto text-xs text-base-content/60">
                    {submitter(x)} · {formatDate(x.createdAt)}
                  </span>
                </div>
                {x.tests.length > 0 && (
                  <ul className="mt-1.5 flex flex-wrap gap-1" aria-label="Tests">
                    {x.tests.map((t) => (
                      <li
                        key={t.index}
                        className={`badge badge-sm ${t.status === 'passed' ? 'badge-success' : t.status === 'skipped' ? 'badge-ghost' : 'badge-error'}`}
                        data-testid="report-test"
                        data-status={t.status}
                      >
                        Test {t.index + 1}: {t.status.replace(/_/g, ' ')}
                        {typeof t.timeMs === 'number' && <span className="opacity-70"> · {formatMs(t.timeMs)}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section title="Scorecards" testId="report-scorecards" count={r.scorecards.length}>
        {r.scorecards.length === 0 ? (
          <p className="text-sm text-base-content/60">No scorecard you may read has been submitted yet.</p>
        ) : (
          <div className="grid gap-3 md:grid-cols-2">
            {r.scorecards.map((c) => (
              <div key={c.user.id} className="report-item space-y-1" data-testid="report-scorecard" data-user-id={c.user.id}>
                <ScorecardView card={c} title={c.user.name} />
                {admin && c.status === 'submitted' && <ReopenScorecard sessionId={s.id} userId={c.user.id} name={c.user.name} />}
              </div>
            ))}
          </div>
        )}
      </Section>

      <Section title="Notes" testId="report-notes" count={r.notes.length}>
        {r.notes.filter((n) => n.markdown.trim()).length === 0 ? (
          <p className="text-sm text-base-content/60">No notes you may read.</p>
        ) : (
          <div className="space-y-3">
            {r.notes
              .filter((n) => n.markdown.trim())
              .map((n) => (
                <div key={n.user.id} className="report-item rounded-box border border-base-300 p-3" data-testid="report-note" data-user-id={n.user.id}>
                  <p className="mb-1 text-xs text-base-content/60">
                    <span className="font-semibold text-base-content">{n.user.name}</span> · {formatDate(n.updatedAt)}
                  </p>
                  <Markdown source={n.markdown} className="text-sm" />
                </div>
              ))}
          </div>
        )}
      </Section>

      <Section title="Chat" testId="report-chat" count={r.chat.length}>
        {r.chat.length === 0 ? (
          <p className="text-sm text-base-content/60">No messages.</p>
        ) : (
          <ol className="space-y-1 text-sm">
            {r.chat.map((m) => (
              <li key={m.id} className="report-item" data-testid="report-chat-message">
                <span className="mr-2 text-xs text-base-content/60">{new Date(m.createdAt).toLocaleTimeString()}</span>
                <span className="font-semibold">{m.user.name}:</span> <span className="whitespace-pre-wrap break-words">{m.text}</span>
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section title="Timeline" testId="report-timeline" count={r.timeline.length}>
        <ul className="mb-3 flex flex-wrap gap-2 text-xs" data-testid="report-timeline-summary">
          {[...counts].map(([kind, n]) => (
            <li key={kind} className="badge badge-sm border-0 text-white" style={{ backgroundColor: kindOf(kind).color }} data-kind={kind}>
              {kindOf(kind).label}: {n}
            </li>
          ))}
        </ul>
        {notable.length > 0 && (
          <table className="table table-xs">
            <tbody>
              {notable.map((e: TimelineEvent, i) => (
                <tr key={i} className="report-item" data-testid="report-event" data-kind={e.kind}>
                  <td className="w-16 pl-0 font-mono tabular-nums">{formatClock(e.at)}</td>
                  <td className="w-24">
                    <span className="inline-block h-2 w-2 rounded-full align-middle" style={{ backgroundColor: markerColor(e) }} aria-hidden="true" />{' '}
                    {kindOf(e.kind).label}
                  </td>
                  <td>{describe(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </article>
  )
}

/** An administrator sends a submitted scorecard back to draft, for its author to change. */
function ReopenScorecard({ sessionId, userId, name }: { sessionId: string; userId: string; name: string }) {
  const qc = useQueryClient()
  const reopen = useMutation({
    mutationFn: () => api.adminReopenScorecard(sessionId, userId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.report(sessionId) })
      void qc.invalidateQueries({ queryKey: keys.scorecards(sessionId) })
    },
  })
  return (
    <div className="flex flex-wrap items-center gap-2 print:hidden">
      <button
        type="button"
        className="btn btn-ghost btn-xs"
        disabled={reopen.isPending}
        onClick={() => window.confirm(`Reopen ${name}'s scorecard as a draft they can change?`) && reopen.mutate()}
        data-testid="reopen-scorecard"
      >
        Reopen for changes
      </button>
      {reopen.isError && <span className="text-xs text-error">{errorMessage(reopen.error)}</span>}
    </div>
  )
}
