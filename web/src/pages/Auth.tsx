import { Suspense, useState, type FormEvent, type ReactNode } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type User } from '../api'
import { homePath, useConfig, useMe } from '../api/hooks'
import { ErrorAlert } from '../components/Modal'
import { Loading } from '../components/States'
import { ClerkSignInPage, ClerkSignUpPage, useAuthMode } from '../auth/provider'
import { SETUP_TOKEN_HINT, SetupClaim } from '../auth/setup'

/** Where the sign-in was asked for (the guard passes it along), or the dashboard. */
function useReturnPath() {
  const from = (useLocation().state as { from?: string } | null)?.from
  return from && from.startsWith('/') && !from.startsWith('//') ? from : '/dashboard'
}

function useAfterAuth() {
  const qc = useQueryClient()
  const navigate = useNavigate()
  const next = useReturnPath()
  return (user: User) => {
    qc.setQueryData(keys.me, user)
    // The first account may change setupRequired.
    void qc.invalidateQueries({ queryKey: keys.config })
    navigate(next, { replace: true })
  }
}

function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-md">
      <div className="card bg-base-100 shadow-sm">
        <div className="card-body gap-4">
          <h1 className="text-2xl font-bold" data-testid="auth-title">
            {title}
          </h1>
          {subtitle && <div className="text-sm text-base-content/70">{subtitle}</div>}
          {children}
        </div>
      </div>
    </div>
  )
}

function Field(props: {
  id: string
  label: string
  type: string
  value: string
  onChange: (v: string) => void
  autoComplete: string
  minLength?: number
  maxLength?: number
  hint?: string
  autoFocus?: boolean
  className?: string
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={props.id} className="text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.id}
        type={props.type}
        className={`input w-full ${props.className ?? ''}`}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        required
        minLength={props.minLength}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        data-testid={`input-${props.id}`}
      />
      {props.hint && (
        <p id={`${props.id}-hint`} className="text-xs text-base-content/60">
          {props.hint}
        </p>
      )}
    </div>
  )
}

// With Clerk configured, its own sign-in and sign-up components replace coderoom's forms.
export function LoginPage() {
  return useAuthMode() === 'clerk' ? <Suspense fallback={<Loading />}><ClerkSignInPage /></Suspense> : <LocalLoginPage />
}

export function RegisterPage() {
  return useAuthMode() === 'clerk' ? <Suspense fallback={<Loading />}><ClerkSignUpPage /></Suspense> : <LocalRegisterPage />
}

const COMPANY_SIGN_IN_ERRORS: Record<string, string> = {
  failed: 'Company sign-in did not complete. Please sign in again.',
  busy: 'Too many sign-ins were started from this address. Wait a minute and try again.',
  unreachable: 'The company sign-in provider cannot be reached. Try again later.',
  cancelled: 'Sign-in was cancelled or refused at the company sign-in provider.',
  used: 'This sign-in link was already used or has expired. Please sign in again.',
  'other-browser': 'This sign-in was started in another browser or tab. Please sign in again.',
  disabled: 'This account is disabled. Ask an administrator.',
}

function companySignInError(code: string | null): string | null {
  if (code === null) return null
  return COMPANY_SIGN_IN_ERRORS[code] ?? COMPANY_SIGN_IN_ERRORS.failed ?? null
}

/** The company sign-in button: a plain link, since the provider's pages are a full navigation. */
function CompanySignIn({ label }: { label: string }) {
  const next = useReturnPath()
  return (
    <a href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`} className="btn btn-primary" data-testid="oidc-sign-in">
      Sign in with {label}
    </a>
  )
}

function LocalLoginPage() {
  const me = useMe()
  const config = useConfig()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const done = useAfterAuth()
  const login = useMutation({ mutationKey: ['auth', 'login'], mutationFn: api.login, onSuccess: done })
  // Set by the server when a company sign-in did not complete: a code, worded here.
  const companyError = companySignInError(new URLSearchParams(useLocation().search).get('error'))

  if (me.data) return <Navigate to={homePath(me.data)} replace />

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    login.mutate({ email: email.trim(), password })
  }
  const oidc = config.data?.oidc
  const regClosed = config.data?.registration === 'closed' && !config.data.setupRequired
  const passwordForm = (
    <form className="flex flex-col gap-4" onSubmit={onSubmit} noValidate={false} data-testid="login-form">
      <Field id="email" label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" autoFocus={!oidc} />
      <Field id="password" label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
      {login.isError && <ErrorAlert message={errorMessage(login.error)} testId="auth-error" />}
      <button type="submit" className={`btn ${oidc ? 'btn-outline' : 'btn-primary'}`} disabled={login.isPending} data-testid="submit">
        {login.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
        Sign in
      </button>
    </form>
  )

  if (oidc) {
    return (
      <AuthCard title="Sign in to coderoom">
        {companyError && <ErrorAlert message={companyError} testId="oidc-error" />}
        <CompanySignIn label={oidc.label} />
        {oidc.localSignIn !== 'nobody' && (
          <details className="text-sm" data-testid="password-sign-in" open={oidc.localSignIn === 'everyone'}>
            <summary className="cursor-pointer text-base-content/70">
              {oidc.localSignIn === 'admins' ? 'Administrators: sign in with a password' : 'Sign in with a password'}
            </summary>
            <div className="mt-3">{passwordForm}</div>
          </details>
        )}
        <p className="text-sm text-base-content/70">Candidates: open the interview link you were sent; no account is needed.</p>
      </AuthCard>
    )
  }

  return (
    <AuthCard title="Sign in to coderoom">
      {passwordForm}
      {!regClosed && (
        <p className="text-sm">
          No account yet?{' '}
          <Link to="/register" className="link link-primary">
            Create one
          </Link>
        </p>
      )}
    </AuthCard>
  )
}

function LocalRegisterPage() {
  const me = useMe()
  const config = useConfig()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [setupToken, setSetupToken] = useState('')
  const done = useAfterAuth()
  const register = useMutation({ mutationKey: ['auth', 'register'], mutationFn: api.register, onSuccess: done })

  if (config.isPending) return <Loading />
  const setup = config.data?.setupRequired === true
  if (me.data) return setup ? <SetupClaim /> : <Navigate to={homePath(me.data)} replace />

  const registration = config.data?.registration
  const closed = registration === 'closed' && !setup
  // Accounts come from the company provider; a password account only for the first administrator.
  const oidc = config.data?.oidc
  if (oidc && oidc.localSignIn !== 'everyone' && !setup) {
    return (
      <AuthCard title="Accounts come from your company sign-in" subtitle="Signing in the first time creates your coderoom account.">
        <CompanySignIn label={oidc.label} />
      </AuthCard>
    )
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    register.mutate({ name: name.trim(), email: email.trim(), password, ...(setup ? { setupToken: setupToken.trim() } : {}) })
  }

  return (
    <AuthCard
      title={setup ? 'Set up coderoom — create the administrator account' : 'Create your coderoom account'}
      subtitle={
        setup
          ? 'This is a new server. Create its administrator account with the one-time setup token.'
          : registration === 'invite'
            ? 'Registration on this server is by invitation only.'
            : undefined
      }
    >
      {closed ? (
        <div className="space-y-4">
          <div role="status" className="alert alert-warning alert-soft" data-testid="registration-closed">
            Registration is closed on this server. Ask an administrator for an account.
          </div>
          <Link to="/login" className="btn btn-primary w-full">
            Go to sign in
          </Link>
        </div>
      ) : (
        <form className="flex flex-col gap-4" onSubmit={onSubmit} data-testid="register-form">
          <Field id="name" label="Name" type="text" value={name} onChange={setName} autoComplete="name" maxLength={100} autoFocus />
          <Field id="email" label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
          <Field
            id="password"
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
            minLength={8}
            hint="At least 8 characters."
          />
          {setup && (
            <Field
              id="setup-token"
              label="Setup token"
              type="text"
              value={setupToken}
              onChange={setSetupToken}
              autoComplete="off"
              hint={SETUP_TOKEN_HINT}
              className="font-mono"
            />
          )}
          {register.isError && <ErrorAlert message={errorMessage(register.error)} testId="auth-error" />}
          <button type="submit" className="btn btn-primary" disabled={register.isPending} data-testid="submit">
            {register.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
            {setup ? 'Create administrator account' : 'Create account'}
          </button>
        </form>
      )}
      <p className="text-sm">
        Already have an account?{' '}
        <Link to="/login" className="link link-primary">
          Sign in
        </Link>
      </p>
    </AuthCard>
  )
}
