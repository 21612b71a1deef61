import { Link, useNavigate } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type Session, type User } from '../api'
import { candidates, isHost, isMember, isOpen, seated, seatsFree } from '../api/hooks'
import { CopyLinkButton } from './CopyLink'
import { InviteStatusBadge, currentCandidateInvite, useInvites } from '../room/Invites'
import { Avatar } from './Avatar'
import { DifficultyBadge } from './DifficultyBadge'
import { timeAgo } from '../format'

export function SessionCard({ session, me }: { session: Session; me: User }) {
  const qc = useQueryClient()
  const navigate = useNavigate()
  const people = seated(session)
  const member = isMember(session, me)
  const free = seatsFree(session) > 0
  const host = isHost(session, me)
  const open = isOpen(session)
  const path = `/session/${encodeURIComponent(session.id)}`

  const join = useMutation({
    mutationFn: () => api.joinSession(session.id),
    onSuccess: (s) => {
      qc.setQueryData(keys.session(s.id), s)
      void qc.invalidateQueries({ queryKey: keys.active })
      navigate(path)
    },
  })

  return (
    <li className="card card-border bg-base-100" data-testid="session-card" data-session-id={session.id}>
      <div className="card-body flex-col gap-3 p-4 sm:flex-row sm:items-center">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="truncate font-semibold" data-testid="session-problem">
              {session.problem.title}
            </h3>
            <DifficultyBadge difficulty={session.problem.difficulty ?? session.difficulty} />
          </div>
          <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-base-content/70">
            <span className="flex items-center gap-1.5">
              <Avatar name={session.host.name} image={session.host.image} size="xs" />
              <span>
                Host: <span data-testid="session-host">{session.host.name}</span>
              </span>
            </span>
            <span data-testid="session-seats" aria-label={`${people.length} of ${session.seats} seats taken`}>
              {people.length}/{session.seats} seats
            </span>
            <span>{timeAgo(session.createdAt)}</span>
            {!open && <span className="badge badge-ghost badge-sm">by invitation</span>}
            {candidates(session).length > 0 && (
              <span className="truncate" data-testid="session-candidates">
                with {candidates(session).map((p) => p.name).join(', ')}
              </span>
            )}
          </div>
          {host && <CandidateLinkStatus sessionId={session.id} />}
          {join.isError && (
            <p className="mt-1 text-sm text-error" role="alert">
              {errorMessage(join.error)}
            </p>
          )}
        </div>
        <div className="flex-none">
          {member ? (
            <Link to={path} className="btn btn-primary btn-sm w-full sm:w-auto" data-testid="join-button" data-state="rejoin">
              {host ? 'Open' : 'Rejoin'}
            </Link>
          ) : me.role === 'admin' && !open ? (
            <Link to={path} className="btn btn-outline btn-sm w-full sm:w-auto" data-testid="join-button" data-state="open">
              Open
            </Link>
          ) : !open ? (
            <button type="button" className="btn btn-sm w-full sm:w-auto" disabled data-testid="join-button" data-state="invite-only">
              By invitation
            </button>
          ) : free ? (
            <button
              type="button"
              className="btn btn-primary btn-sm w-full sm:w-auto"
              onClick={() => join.mutate()}
              disabled={join.isPending}
              data-testid="join-button"
              data-state="join"
            >
              {join.isPending && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
              Join
            </button>
          ) : (
            <button type="button" className="btn btn-sm w-full sm:w-auto" disabled data-testid="join-button" data-state="full">
              Full
            </button>
          )}
        </div>
      </div>
    </li>
  )
}

/** For the host: where the candidate link stands (polled), with a copy button. */
function CandidateLinkStatus({ sessionId }: { sessionId: string }) {
  const invites = useInvites(sessionId, { enabled: true, live: false, interval: 5000 })
  const link = currentCandidateInvite(invites.data)
  if (invites.isPending || invites.isError) return null
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2 text-sm" data-testid="candidate-link" data-status={link?.status ?? 'none'}>
      <span className="text-base-content/60">Candidate link:</span>
      {link ? (
        <>
          <InviteStatusBadge invite={link} />
          <CopyLinkButton url={link.url} label="Copy link" testId="copy-invite" className="btn btn-ghost btn-xs" />
        </>
      ) : (
        <span className="text-base-content/60">none yet — open the session to make one</span>
      )}
    </div>
  )
}
