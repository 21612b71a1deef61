import { Suspense, lazy, type ReactNode } from 'react'
import { useConfig } from '../api/hooks'
import type { AppConfig } from '../api'
import { Loading } from '../components/States'

/**
 * Which sign-in this server uses. `local` (the default) is coderoom's own accounts and nothing
 * here loads anything external; `clerk` wraps the app in Clerk's React SDK, loaded on demand
 * from a separate chunk (see ./clerk.tsx) only when /api/config says so.
 */
export type AuthMode = 'pending' | 'local' | 'clerk'

/** The public keys /api/config carries when an administrator configured Clerk and/or Stream. */
export type IntegrationConfig = AppConfig & {
  clerkPublishableKey?: string | null
  streamApiKey?: string | null
}

export function useIntegrations(): IntegrationConfig | undefined {
  return useConfig().data as IntegrationConfig | undefined
}

export function useAuthMode(): AuthMode {
  const config = useIntegrations()
  if (!config) return 'pending'
  return config.authProvider === 'clerk' && config.clerkPublishableKey ? 'clerk' : 'local'
}

// ---- session tokens for WebSocket URLs ------------------------------------------------------

type TokenGetter = () => Promise<string | null>
let tokenGetter: TokenGetter | null = null

/** Set by the Clerk bridge while Clerk is mounted; null in local mode. */
export function setTokenGetter(fn: TokenGetter | null) {
  tokenGetter = fn
}

/**
 * In Clerk mode, a fresh session token to append as `?token=` to a WebSocket URL (browsers cannot
 * set headers on WebSockets). Returns null — synchronously, so callers stay synchronous — in local
 * mode, where the cookie is enough.
 */
export function wsToken(): Promise<string | null> | null {
  if (!tokenGetter) return null
  return tokenGetter().catch(() => null)
}

// ---- lazy Clerk pieces ----------------------------------------------------------------------

const ClerkRoot = lazy(() => import('./clerk'))
export const ClerkSignInPage = lazy(() => import('./clerk').then((m) => ({ default: m.ClerkSignInPage })))
export const ClerkSignUpPage = lazy(() => import('./clerk').then((m) => ({ default: m.ClerkSignUpPage })))
export const ClerkUserMenu = lazy(() => import('./clerk').then((m) => ({ default: m.ClerkUserMenu })))

/** Wraps the routes; in local mode (and until the config is known) it renders them unchanged. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const config = useIntegrations()
  if (useAuthMode() !== 'clerk' || !config?.clerkPublishableKey) return <>{children}</>
  return (
    <Suspense fallback={<Loading label="Loading sign-in…" testId="auth-loading" />}>
      <ClerkRoot publishableKey={config.clerkPublishableKey}>{children}</ClerkRoot>
    </Suspense>
  )
}
