import { useEffect, useState } from 'react'
import { Link } from 'react-router'
import { useInfiniteQuery } from '@tanstack/react-query'
import { api, errorMessage, keys, type SessionStatus, type User } from '../api'
import { candidates, canReview, useMe } from '../api/hooks'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { SearchBox } from '../components/SearchBox'
import { ErrorAlert } from '../components/Modal'
import { EmptyState, QueryState, SkeletonList } from '../components/States'
import { formatDate } from '../format'
import { formatClock } from '../replay/timeline'
import { recommendationBadge, recommendationLabel } from '../room/Scorecard'

const PAGE = 25

/** Past and live interviews the interviewer hosted or sat in (all of them, for an administrator). */
export default function InterviewsPage() {
  const me = useMe()
  const user = me.data as User
  const [input, setInput] = useState('')
  const [q, setQ] = useState('')
  const [status, setStatus] = useState<SessionStatus | ''>('')

  // The search is sent 300 ms after typing stops.
  useEffect(() => {
    const t = setTimeout(() => setQ(input.trim()), 300)
    return () => clearTimeout(t)
  }, [input])

  const list = useInfiniteQuery({
    queryKey: keys.interviews(q, status),
    queryFn: ({ pageParam, signal }) => api.interviews({ q, status, limit: PAGE, before: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    enabled: canReview(user),
    retry: false,
  })

  if (!canReview(user)) {
    return (
      <EmptyState title="For interviewers" testId="interviews-forbidden">
        <Link to="/dashboard" className="link link-primary">
          Back to the dashboard
        </Link>
      </EmptyState>
    )
  }

  const rows = list.data?.pages.flatMap((p) => p.interviews) ?? []

  return (
    <div className="space-y-4" data-testid="interviews-page">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex-1">
          <h1 className="text-2xl font-bold">Interviews</h1>
          <p className="text-sm text-base-content/70">
            {user.role === 'admin' ? 'Every interview on this server.' : 'Interviews you hosted or sat in on.'} Open one for its report.
          </p>
        </div>
        <SearchBox label="Search" width="w-full sm:w-64" placeholder="Candidate or problem" value={input} onChange={setInput} testId="interviews-search" />
        <select className="select select-bordered select-sm w-auto" value={status} onChange={(e) => setStatus(e.target.value as SessionStatus | '')} aria-label="Status" data-testid="interviews-status">
          <option value="">All</option>
          <option value="active">Live</option>
          <option value="completed">Completed</option>
        </select>
      </div>

      <QueryState
        query={list}
        loading={<SkeletonList rows={4} />}
        isEmpty={() => rows.length === 0}
        empty={
          <EmptyState title={q || status ? 'No interview matches' : 'No interviews yet'} testId="interviews-empty">
            {q || status ? 'Try another search or status.' : 'Interviews you host or sit in on are listed here.'}
          </EmptyState>
        }
      >
        {() => (
          <div className="overflow-x-auto rounded-box bg-base-100 shadow-sm">
            <table className="table table-sm" data-testid="interviews">
              <thead>
                <tr>
                  <th>Candidate</th>
                  <th>Problem</th>
                  <th>Date</th>
                  <th>Duration</th>
                  <th>Recommendations</th>
                  <th>Status</th>
                  <th>
                    <span className="sr-only">Links</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => {
                  const who = candidates(s)
                  const path = `/session/${encodeURIComponent(s.id)}`
                  return (
                    <tr key={s.id} data-testid="interview-row" data-session-id={s.id} data-status={s.status}>
                      <td className="font-medium">{who.length ? who.map((p) => p.name).join(', ') : <span className="text-base-content/50">—</span>}</td>
                      <td>
                        <span className="flex flex-wrap items-center gap-1">
                          {s.problem.title}
                          <DifficultyBadge difficulty={s.problem.difficulty ?? s.difficulty} />
                        </span>
                      </td>
                      <td className="whitespace-nowrap">{formatDate(s.startedAt ?? s.createdAt)}</td>
                      <td className="font-mono tabular-nums">{typeof s.durationMs === 'number' ? formatClock(s.durationMs) : '—'}</td>
                      <td>
                        <span className="flex flex-wrap gap-1">
                          {s.recommendations.length === 0 ? (
                            <span className="text-xs text-base-content/50">none yet</span>
                          ) : (
                            s.recommendations.map((r) => (
                              <span key={r.user.id} className={`badge badge-sm ${recommendationBadge(r.recommendation)}`} title={r.user.name} data-testid="interview-recommendation" data-value={r.recommendation ?? ''}>
                                {r.user.name.split(' ')[0]}: {recommendationLabel(r.recommendation)}
                              </span>
                            ))
                          )}
                        </span>
                      </td>
                      <td>
                        <span className={`badge badge-sm ${s.status === 'active' ? 'badge-success' : 'badge-neutral'}`}>{s.status === 'active' ? 'Live' : 'Completed'}</span>
                      </td>
                      <td className="whitespace-nowrap text-right">
                        <Link to={`${path}/report`} className="btn btn-ghost btn-xs" data-testid="interview-report">
                          Report
                        </Link>
                        <Link to={s.status === 'active' ? path : `${path}/replay`} className="btn btn-ghost btn-xs">
                          {s.status === 'active' ? 'Room' : 'Replay'}
                        </Link>
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {list.hasNextPage && (
        <div className="text-center">
          <button type="button" className="btn btn-outline btn-sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid="interviews-more">
            {list.isFetchingNextPage && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Load more
          </button>
        </div>
      )}
      {list.isFetchNextPageError && <ErrorAlert message={errorMessage(list.error)} />}
    </div>
  )
}
