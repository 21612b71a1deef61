import { Link } from 'react-router'
import type { User } from '../api'
import { homePath } from '../api/hooks'

/**
 * What this tab remembers about a guest (someone who came in by an invitation link): when their
 * sign-in stops working — the interviewer removed them or withdrew the link — the app explains
 * that instead of sending them to a sign-in page they have no account for.
 */
const memory: { guest: User | null; closed: { code: number; reason: string } | null } = { guest: null, closed: null }

export function rememberGuest(user: User) {
  memory.guest = user
}

/** The server's reason for closing a guest's room (e.g. "You were removed from the session by the interviewer"). */
export function rememberRoomClosed(code: number, reason: string) {
  memory.closed = { code, reason }
}

export function formerGuest(): User | null {
  return memory.guest
}

function Panel({ testId, title, children }: { testId: string; title: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-lg" data-testid={testId}>
      <div className="card bg-base-100 shadow-sm">
        <div className="card-body items-center gap-4 text-center">
          <div className="rounded-full bg-primary/10 p-3 text-primary" aria-hidden="true">
            <svg viewBox="0 0 24 24" className="h-7 w-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
              <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
              <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
            </svg>
          </div>
          <h1 className="text-xl font-bold sm:text-2xl">{title}</h1>
          {children}
        </div>
      </div>
    </div>
  )
}

/** A guest anywhere but their own interview: one clear way back, no loop. */
export function GuestOnlyPage({ user }: { user: User }) {
  return (
    <Panel testId="guest-only" title="This link opens one interview">
      <p className="text-base-content/75">
        You joined as <span className="font-semibold">{user.name}</span> with an invitation link. It gives access to your
        interview only — not to the rest of coderoom.
      </p>
      <Link to={homePath(user)} className="btn btn-primary" data-testid="guest-back">
        Back to your interview
      </Link>
    </Panel>
  )
}

/** A guest whose sign-in stopped working while the page was open. */
export function GuestEndedPage() {
  const closed = memory.closed
  return (
    <Panel testId="guest-ended" title="You are no longer in this interview">
      {closed && (
        <p role="alert" className="alert alert-warning alert-soft w-full justify-center" data-testid="room-closed" data-code={closed.code}>
          {closed.reason}
        </p>
      )}
      <p className="text-base-content/75">
        The invitation link you used no longer works. If you think this is a mistake, ask your interviewer for a new link.
      </p>
    </Panel>
  )
}
