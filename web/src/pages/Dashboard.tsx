import { useState } from 'react'
import { Link } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { api, keys, type User } from '../api'
import { canHost, isHost, isMember, isRecordViewer, useConfig, useMe } from '../api/hooks'
import { CreateSessionDialog } from '../components/CreateSessionDialog'
import { SessionCard } from '../components/SessionCard'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { EmptyState, QueryState, SkeletonList } from '../components/States'
import { formatDate } from '../format'

export function DashboardPage() {
  const me = useMe()
  // RequireAuth guarantees a user here.
  const user = me.data as User
  const [creating, setCreating] = useState(false)
  const config = useConfig()
  const hosting = canHost(config.data, user)

  const active = useQuery({
    queryKey: keys.active,
    queryFn: ({ signal }) => api.activeSessions(signal),
    refetchInterval: 5000,
  })
  const recent = useQuery({ queryKey: keys.myRecent, queryFn: ({ signal }) => api.myRecentSessions(signal) })

  const live = active.data ?? []
  const mine = live.filter((s) => isMember(s, user)).length
  const hosted = live.filter((s) => isHost(s, user)).length

  return (
    <div className="space-y-8">
      <section className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-bold sm:text-3xl" data-testid="welcome">
            Welcome, {user.name}
          </h1>
          <p className="mt-1 text-base-content/70" data-testid="dashboard-intro">
            {hosting
              ? 'Start a session on a problem and send the candidate its link. Your live interviews are below.'
              : 'Your interviews arrive as links: open the link your interviewer sends you to join. Sessions you take part in are listed here.'}
          </p>
        </div>
        {hosting && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="create-session">
            <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
              <path strokeLinecap="round" d="M12 5v14M5 12h14" />
            </svg>
            Create session
          </button>
        )}
      </section>

      <section aria-label="Statistics" className="stats stats-vertical w-full bg-base-100 shadow-sm sm:stats-horizontal">
        <div className="stat">
          <div className="stat-title">Live sessions</div>
          <div className="stat-value text-primary" data-testid="stat-live">
            {active.data ? live.length : '—'}
          </div>
          <div className="stat-desc">
            {!active.data ? 'loading…' : hosting ? `${hosted} hosted by you, ${mine - hosted} you sit in` : `${mine} with you in them`}
          </div>
        </div>
        <div className="stat">
          <div className="stat-title">My past sessions</div>
          <div className="stat-value" data-testid="stat-past">
            {recent.data ? recent.data.length : '—'}
          </div>
          <div className="stat-desc">completed sessions you took part in</div>
        </div>
      </section>

      <section aria-labelledby="live-heading" className="space-y-3">
        <div className="flex items-center gap-2">
          <h2 id="live-heading" className="text-lg font-semibold">
            Live sessions
          </h2>
          {active.isFetching && active.data && <span className="loading loading-dots loading-xs" aria-label="Refreshing" />}
        </div>
        <QueryState
          query={active}
          loading={<SkeletonList />}
          isEmpty={() => live.length === 0}
          empty={
            <EmptyState title="No live sessions right now" testId="live-empty">
              {hosting
                ? 'Create one to get started: you get a link to send to the candidate, who needs no account.'
                : 'When an interviewer invites you, open the link they send; sessions you join show up here.'}
            </EmptyState>
          }
        >
          {() => (
            <ul className="space-y-3" data-testid="live-sessions">
              {live.map((s) => (
                <SessionCard key={s.id} session={s} me={user} />
              ))}
            </ul>
          )}
        </QueryState>
      </section>

      <section aria-labelledby="past-heading" className="space-y-3">
        <h2 id="past-heading" className="text-lg font-semibold">
          My past sessions
        </h2>
        <QueryState
          query={recent}
          loading={<SkeletonList rows={2} />}
          empty={
            <EmptyState title="No past sessions yet" testId="past-empty">
              Sessions you finish will be listed here.
            </EmptyState>
          }
        >
          {(sessions) => (
            <ul className="divide-y divide-base-300 rounded-box bg-base-100 shadow-sm" data-testid="past-sessions">
              {sessions.map((s) => (
                <li key={s.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3" data-testid="past-session">
                  <Link to={`/session/${encodeURIComponent(s.id)}`} className="link link-hover font-medium">
                    {s.problem.title}
                  </Link>
                  <DifficultyBadge difficulty={s.problem.difficulty ?? s.difficulty} />
                  <span className="ml-auto text-sm text-base-content/60">{formatDate(s.endedAt ?? s.updatedAt ?? s.createdAt)}</span>
                  {isRecordViewer(s, user) && (
                    <Link to={`/session/${encodeURIComponent(s.id)}/report`} className="btn btn-ghost btn-xs" data-testid="past-session-report">
                      Report
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </section>

      {hosting && <CreateSessionDialog open={creating} onClose={() => setCreating(false)} />}
    </div>
  )
}
