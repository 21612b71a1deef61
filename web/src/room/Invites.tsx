import { useRef, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type Invite, type InviteRole, type InviteStatus, type Session } from '../api'
import { CopyLinkButton } from '../components/CopyLink'
import { DEFAULT_INVITE_HOURS } from '../components/CreateSessionDialog'
import { ConfirmMutation, ErrorAlert } from '../components/Modal'
import { expiresIn, formatDate } from '../format'

const STATUS: Record<InviteStatus, { label: string; cls: string }> = {
  unused: { label: 'Not opened yet', cls: 'badge-ghost' },
  opened: { label: 'Opened, not joined yet', cls: 'badge-info' },
  in_room: { label: 'In the room', cls: 'badge-success' },
  left: { label: 'Left the room', cls: 'badge-warning' },
  revoked: { label: 'Revoked', cls: 'badge-neutral' },
  expired: { label: 'Expired', cls: 'badge-neutral' },
}

/** Links that still let someone in (or hold someone's seat). */
export const isLive = (i: Invite) => i.status !== 'revoked' && i.status !== 'expired'

/** The candidate link to show first: the newest one still in use. */
export function currentCandidateInvite(invites: Invite[] | undefined): Invite | null {
  return invites?.find((i) => i.role === 'candidate' && isLive(i)) ?? null
}

export function InviteStatusBadge({ invite }: { invite: Invite }) {
  const st = STATUS[invite.status] ?? { label: invite.status, cls: 'badge-ghost' }
  const who = invite.guest && (invite.status === 'in_room' || invite.status === 'left') ? ` · ${invite.guest.name}` : ''
  return (
    <span className={`badge badge-sm ${st.cls} max-w-full truncate`} data-testid="invite-status" data-status={invite.status}>
      {st.label}
      {who}
    </span>
  )
}

/** A session's links, polled every 2 s while `live` (the status moves as the candidate arrives), else every `interval` ms. */
export function useInvites(sessionId: string, { enabled, live, interval }: { enabled: boolean; live: boolean; interval?: number }) {
  return useQuery({
    queryKey: keys.invites(sessionId),
    queryFn: ({ signal }) => api.invites(sessionId, signal),
    enabled,
    refetchInterval: live ? 2000 : (interval ?? false),
    retry: false,
  })
}

const NEW_LINKS: { role: InviteRole; label: string; cls: string }[] = [
  { role: 'candidate', label: 'New candidate link', cls: 'btn-primary' },
  { role: 'interviewer', label: 'New interviewer link', cls: 'btn-outline' },
]

const EXPIRY = [
  { hours: 1, label: '1 hour' },
  { hours: 4, label: '4 hours' },
  { hours: 24, label: '1 day' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
]

/**
 * The host's invitations: a link per seat (candidate or co-interviewer), each with a copy
 * button, its expiry and live status, and a way to revoke it.
 */
export function InvitePanel({
  session,
  live,
  seatedCandidates,
  createError,
  onHide,
}: {
  session: Session
  live: boolean
  seatedCandidates: number
  createError?: string | null
  onHide?: () => void
}) {
  const qc = useQueryClient()
  const invites = useInvites(session.id, { enabled: true, live })
  const [hours, setHours] = useState(DEFAULT_INVITE_HOURS)
  const [revoking, setRevoking] = useState<Invite | null>(null)

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.invites(session.id) })
    void qc.invalidateQueries({ queryKey: keys.session(session.id) })
  }
  const create = useMutation({
    mutationFn: (role: InviteRole) => api.createInvite(session.id, { role, expiresInHours: hours }),
    onSuccess: (invite) => {
      qc.setQueryData<Invite[]>(keys.invites(session.id), (list) => [invite, ...(list ?? []).filter((i) => i.id !== invite.id)])
      refresh()
    },
  })
  const revoke = useMutation({
    mutationFn: (invite: Invite) => api.revokeInvite(invite.id),
    onSuccess: (invite) => {
      qc.setQueryData<Invite[]>(keys.invites(session.id), (list) => (list ?? []).map((i) => (i.id === invite.id ? invite : i)))
      setRevoking(null)
      refresh()
    },
  })

  const all = invites.data ?? []
  const current = all.filter(isLive)
  const old = all.filter((i) => !isLive(i))
  const candidateLinks = current.filter((i) => i.role === 'candidate')
  const waiting = live && seatedCandidates === 0
  const askRevoke = (i: Invite) => (i.status === 'in_room' ? setRevoking(i) : revoke.mutate(i))

  return (
    <section
      className="rounded-box border border-primary/30 bg-base-100 p-3 shadow-sm"
      aria-labelledby="invite-heading"
      data-testid="invite-panel"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id="invite-heading" className="font-semibold">
            {waiting ? 'Send this link to your candidate' : 'Invitation links'}
          </h2>
          <p className="text-xs text-base-content/65">
            Whoever opens a link types their name and comes straight into this room — no account needed. One link, one
            person.
          </p>
        </div>
        {onHide && (
          <button type="button" className="btn btn-ghost btn-xs" onClick={onHide} data-testid="invite-hide" aria-label="Hide the invitation links">
            Hide
          </button>
        )}
      </div>

      {createError && <p className="mt-2 text-sm text-error">The candidate link could not be made: {createError}</p>}
      {invites.isError && <div className="mt-2"><ErrorAlert message={errorMessage(invites.error)} testId="invites-error" /></div>}

      {invites.isPending ? (
        <div className="skeleton mt-3 h-20 w-full" />
      ) : (
        <ul className="mt-3 grid gap-2 xl:grid-cols-2" data-testid="invites">
          {current.map((i) => (
            <InviteRow key={i.id} invite={i} onRevoke={live ? () => askRevoke(i) : undefined} busy={revoke.isPending && revoke.variables?.id === i.id} />
          ))}
          {candidateLinks.length === 0 && live && (
            <li className="rounded-box border border-dashed border-base-300 p-3 text-sm text-base-content/70" data-testid="no-candidate-link">
              No candidate link yet. Make one and send it to the person you are interviewing.
            </li>
          )}
        </ul>
      )}

      {live && (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          {NEW_LINKS.map(({ role, label, cls }) => (
            <button
              key={role}
              type="button"
              className={`btn btn-sm ${cls}`}
              onClick={() => create.mutate(role)}
              disabled={create.isPending}
              data-testid={`create-${role}-invite`}
            >
              {create.isPending && create.variables === role && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
              {label}
            </button>
          ))}
          <label className="flex items-center gap-1 text-xs text-base-content/70">
            valid for
            <select
              className="select select-bordered select-xs w-auto"
              value={hours}
              onChange={(e) => setHours(Number(e.target.value))}
              data-testid="invite-expiry"
            >
              {EXPIRY.map((x) => (
                <option key={x.hours} value={x.hours}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {create.isError && <p className="mt-2 text-sm text-error" role="alert">{errorMessage(create.error)}</p>}
      {revoke.isError && !revoking && <p className="mt-2 text-sm text-error" role="alert">{errorMessage(revoke.error)}</p>}

      {old.length > 0 && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-base-content/60">Revoked and expired links ({old.length})</summary>
          <ul className="mt-2 space-y-1">
            {old.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center gap-2 text-xs text-base-content/60" data-testid="old-invite" data-status={i.status}>
                <span className="capitalize">{i.role}</span>
                <InviteStatusBadge invite={i} />
                {i.guest && <span>used by {i.guest.name}</span>}
                <span>made {formatDate(i.createdAt)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}

      <ConfirmMutation
        subject={revoking}
        mutation={revoke}
        onClose={() => setRevoking(null)}
        title="Revoke this link?"
        body={
          <>
            <span className="font-semibold">{revoking?.guest?.name ?? 'The person who used it'}</span> is in the room with this link.
            Revoking it removes them from the session at once, and the link stops working.
          </>
        }
        confirmLabel="Revoke and remove"
        danger
        confirmTestId="confirm-revoke"
      />
    </section>
  )
}

function InviteRow({ invite, onRevoke, busy }: { invite: Invite; onRevoke?: () => void; busy: boolean }) {
  const field = useRef<HTMLInputElement>(null)
  return (
    <li
      className="flex min-w-0 flex-col gap-2 rounded-box bg-base-200/70 p-2.5"
      data-testid="invite"
      data-invite-id={invite.id}
      data-role={invite.role}
      data-status={invite.status}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className={`badge badge-sm ${invite.role === 'candidate' ? 'badge-primary' : 'badge-secondary'}`}>
          {invite.role === 'candidate' ? 'Candidate' : 'Interviewer'}
        </span>
        <InviteStatusBadge invite={invite} />
        <span className="ml-auto text-xs text-base-content/60" title={formatDate(invite.expiresAt)} data-testid="invite-expiry-text">
          {expiresIn(invite.expiresAt)}
        </span>
      </div>
      <div className="flex min-w-0 items-center gap-1.5">
        <input
          ref={field}
          readOnly
          value={invite.url}
          aria-label={`${invite.role === 'candidate' ? 'Candidate' : 'Interviewer'} link`}
          className="input input-sm min-w-0 flex-1 font-mono text-xs"
          data-testid="invite-link"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyLinkButton url={invite.url} label="Copy" testId="copy-invite" field={field} className="btn btn-primary btn-sm btn-soft" />
        {onRevoke && (
          <button type="button" className="btn btn-ghost btn-sm text-error" onClick={onRevoke} disabled={busy} data-testid="revoke-invite">
            {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Revoke
          </button>
        )}
      </div>
    </li>
  )
}
