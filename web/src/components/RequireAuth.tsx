import type { ReactNode } from 'react'
import { Navigate, useLocation, useParams } from 'react-router'
import { isGuest, useMe } from '../api/hooks'
import { errorMessage } from '../api'
import { Loading } from './States'
import { ErrorAlert } from './Modal'
import { GuestEndedPage, GuestOnlyPage, formerGuest, rememberGuest } from './GuestGate'

/**
 * Renders children only for a signed-in user; otherwise redirects to /login. A guest (signed in
 * by an invitation link) passes only where `guest="own-session"` and the route's `:id` is their
 * session; anywhere else they see the way back to it.
 */
export function RequireAuth({ children, guest }: { children: ReactNode; guest?: 'own-session' }) {
  const me = useMe()
  const location = useLocation()
  const { id } = useParams()
  if (me.isPending) return <Loading label="Checking your session…" />
  if (me.isError) return <ErrorAlert message={errorMessage(me.error)} />
  if (!me.data) {
    // A guest has no account to sign in to: say what happened instead.
    if (formerGuest()) return <GuestEndedPage />
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
  }
  if (isGuest(me.data)) {
    rememberGuest(me.data)
    if (guest !== 'own-session' || !id || id !== me.data.sessionId) return <GuestOnlyPage user={me.data} />
  }
  return <>{children}</>
}
