// Loaded only when /api/config says `authProvider: "clerk"` (a separate chunk): Clerk's React SDK,
// which itself loads clerk-js from the instance's Frontend API.
import { useEffect, useState, type ReactNode } from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router'
import { useQueryClient } from '@tanstack/react-query'
import { ClerkProvider, SignIn, SignUp, UserButton, useAuth } from '@clerk/clerk-react'
import { keys, type User } from '../api'
import { useConfig, useMe } from '../api/hooks'
import { Loading } from '../components/States'
import { setTokenGetter } from './provider'
import { SetupClaim } from './setup'

/**
 * Keeps coderoom's view of "who am I" in step with Clerk: the server reads Clerk's `__session`
 * cookie, so /api/auth/session is asked again once Clerk has loaded (it may have refreshed a stale
 * token) and whenever the signed-in Clerk user changes. Also exposes `getToken()` for WebSocket URLs.
 */
function ClerkBridge({ children }: { children: ReactNode }) {
  const { isLoaded, isSignedIn, userId, getToken } = useAuth()
  const qc = useQueryClient()
  const [ready, setReady] = useState(false)

  useEffect(() => {
    setTokenGetter(() => getToken())
    return () => setTokenGetter(null)
  }, [getToken])

  useEffect(() => {
    if (!isLoaded) return
    // Reset (not just invalidate): the guard then waits for the answer instead of acting on a
    // stale "signed out" from before Clerk refreshed its token.
    void qc.resetQueries({ queryKey: keys.me })
    setReady(true)
  }, [isLoaded, isSignedIn, userId, qc])

  if (!ready) return <Loading label="Checking your session…" testId="auth-loading" />
  return <>{children}</>
}

export default function ClerkRoot({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  const navigate = useNavigate()
  return (
    <ClerkProvider
      publishableKey={publishableKey}
      routerPush={(to) => navigate(to)}
      routerReplace={(to) => navigate(to, { replace: true })}
      signInUrl="/login"
      signUpUrl="/register"
      afterSignOutUrl="/"
    >
      <ClerkBridge>{children}</ClerkBridge>
    </ClerkProvider>
  )
}

function useReturnTo(): string {
  const from = (useLocation().state as { from?: string } | null)?.from
  return from && from.startsWith('/') && !from.startsWith('//') ? from : '/dashboard'
}

function Centered({ children }: { children: ReactNode }) {
  return (
    <div className="mx-auto flex w-full max-w-md justify-center" data-testid="clerk-auth">
      {children}
    </div>
  )
}

export function ClerkSignInPage() {
  const me = useMe()
  const to = useReturnTo()
  if (me.data) return <Navigate to={to} replace />
  return (
    <Centered>
      <SignIn routing="hash" signUpUrl="/register" fallbackRedirectUrl={to} />
    </Centered>
  )
}

export function ClerkSignUpPage() {
  const me = useMe()
  const config = useConfig()
  const to = useReturnTo()
  // Nobody becomes the administrator by signing up first: while there is none, a signed-in
  // person is offered the setup-token form here.
  if (me.data) return config.data?.setupRequired ? <SetupClaim /> : <Navigate to={to} replace />
  return (
    <Centered>
      <SignUp routing="hash" signInUrl="/login" fallbackRedirectUrl={to} />
    </Centered>
  )
}

function AdminIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
      <path d="M10 1.5 3 4.5v5c0 4.2 3 7.9 7 9 4-1.1 7-4.8 7-9v-5l-7-3Z" />
    </svg>
  )
}

/** Clerk's account button; coderoom's role (not Clerk's) decides whether Administration shows. */
export function ClerkUserMenu({ user }: { user: User }) {
  return (
    <div className="flex items-center gap-2" data-testid="user-menu">
      <span className="hidden max-w-[10rem] truncate text-sm sm:inline">{user.name}</span>
      <UserButton>
        {user.role === 'admin' && (
          <UserButton.MenuItems>
            <UserButton.Link label="Administration" labelIcon={<AdminIcon />} href="/admin" />
          </UserButton.MenuItems>
        )}
      </UserButton>
    </div>
  )
}
