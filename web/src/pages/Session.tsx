import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, isApiError, keys, type User } from '../api'
import { isHost, isMember, seated, seatsFree, useMe } from '../api/hooks'
import { Avatar } from '../components/Avatar'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { ConfirmDialog, ErrorAlert } from '../components/Modal'
import { EmptyState, Loading } from '../components/States'
import { formatDate } from '../format'

export function SessionPage() {
  const { id = '' } = useParams()
  const me = useMe()
  const user = me.data as User
  const qc = useQueryClient()
  const navigate = useNavigate()
  const [confirmEnd, setConfirmEnd] = useState(false)

  const session = useQuery({
    queryKey: keys.session(id),
    queryFn: ({ signal }) => api.session(id, signal),
    refetchInterval: (q) => (q.state.data?.status === 'active' ? 5000 : false),
    retry: (n, e) => !isApiError(e, 404) && !isApiError(e, 403) && n < 2,
  })

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.active })
    void qc.invalidateQueries({ queryKey: keys.myRecent })
  }

  const end = useMutation({
    mutationFn: () => api.endSession(id),
    onSuccess: (r) => {
      qc.setQueryData(keys.session(id), r.session)
      setConfirmEnd(false)
      refresh()
    },
  })
  const leave = useMutation({
    mutationFn: () => api.leaveSession(id),
    onSuccess: (s) => {
      qc.setQueryData(keys.session(id), s)
      refresh()
      navigate('/dashboard')
    },
  })
  const join = useMutation({
    mutationFn: () => api.joinSession(id),
    onSuccess: (s) => {
      qc.setQueryData(keys.session(id), s)
      refresh()
    },
  })

  if (session.isPending) return <Loading label="Loading session…" />
  if (session.isError) {
    return isApiError(session.error, 404) ? (
      <EmptyState title="Session not found" testId="session-missing">
        <Link to="/dashboard" className="link link-primary">
          Back to the dashboard
        </Link>
      </EmptyState>
    ) : (
      <ErrorAlert message={errorMessage(session.error)} />
    )
  }

  const s = session.data
  const host = isHost(s, user)
  const member = isMember(s, user)
  const activeNow = s.status === 'active'
  const people = seated(s)
  const actionError = end.error ?? leave.error ?? join.error

  return (
    <div className="space-y-6" data-testid="session-page" data-session-id={s.id} data-status={s.status}>
      <Link to="/dashboard" className="link link-hover text-sm">
        ← Dashboard
      </Link>
      <div className="card bg-base-100 shadow-sm">
        <div className="card-body gap-4">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
            <div className="min-w-0">
              <div className="flex flex-wrap items-center gap-2">
                <h1 className="text-2xl font-bold" data-testid="session-problem">
                  {s.problem.title}
                </h1>
                <DifficultyBadge difficulty={s.problem.difficulty ?? s.difficulty} size="md" />
              </div>
              <p className="mt-1 text-sm text-base-content/70">
                Started {formatDate(s.createdAt)}
                {s.endedAt && <> · ended {formatDate(s.endedAt)}</>}
              </p>
            </div>
            <span
              className={`badge ${activeNow ? 'badge-success' : 'badge-neutral'} badge-lg self-start`}
              data-testid="session-status"
              data-status={s.status}
            >
              {activeNow ? 'Active' : 'Completed'}
            </span>
          </div>

          <div>
            <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-base-content/60">
              People ({people.length}/{s.seats})
            </h2>
            <ul className="flex flex-col gap-2" data-testid="session-people">
              {people.map((p) => (
                <li key={p.id} className="flex items-center gap-2">
                  <Avatar name={p.name} image={p.image} />
                  <span className="font-medium">{p.name}</span>
                  {p.id === s.host.id && <span className="badge badge-primary badge-sm">host</span>}
                  {p.id === user.id && <span className="badge badge-ghost badge-sm">you</span>}
                </li>
              ))}
            </ul>
          </div>

          {actionError && <ErrorAlert message={errorMessage(actionError)} />}

          <div className="card-actions flex-wrap">
            {activeNow && host && (
              <button type="button" className="btn btn-error" onClick={() => setConfirmEnd(true)} data-testid="end-session">
                End session
              </button>
            )}
            {activeNow && !host && member && (
              <button
                type="button"
                className="btn btn-outline"
                onClick={() => leave.mutate()}
                disabled={leave.isPending}
                data-testid="leave-session"
              >
                {leave.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
                Leave
              </button>
            )}
            {activeNow && !member && (
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => join.mutate()}
                disabled={join.isPending || seatsFree(s) === 0}
                data-testid="join-button"
              >
                {seatsFree(s) === 0 ? 'Full' : 'Join'}
              </button>
            )}
            {!activeNow && (
              <p className="text-sm text-base-content/70" data-testid="session-ended-note">
                This session has ended.
              </p>
            )}
          </div>
          <p className="text-xs text-base-content/50">The live coding room (editor, video and chat) is coming soon.</p>
        </div>
      </div>

      <ConfirmDialog
        open={confirmEnd}
        title="End this session?"
        body="Everyone in the room will be disconnected and the session will be marked as completed. This cannot be undone."
        confirmLabel="End session"
        danger
        busy={end.isPending}
        error={end.isError ? errorMessage(end.error) : null}
        onConfirm={() => end.mutate()}
        onClose={() => {
          setConfirmEnd(false)
          end.reset()
        }}
        confirmTestId="confirm-end"
      />
    </div>
  )
}
