import { useState, type FormEvent } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from 'react-router'
import { errorMessage, keys, post, type User } from '../api'
import { ErrorAlert } from '../components/Modal'

/** Where the person setting up a server finds the one-time token; shown next to every token field. */
export const SETUP_TOKEN_HINT =
  'Printed by `coderoom serve` when it started (and kept in the file setup-token in its data folder until used).'

/**
 * For someone already signed in (a Clerk user, or an account made before setup) while the
 * server has no administrator: the setup token makes them the administrator.
 */
export function SetupClaim() {
  const qc = useQueryClient()
  const navigate = useNavigate()
  const [token, setToken] = useState('')
  const claim = useMutation({
    mutationKey: ['auth', 'setup'],
    mutationFn: (setupToken: string) => post<{ user: User }>('/api/auth/setup', { setupToken }).then((r) => r.user),
    onSuccess: (user) => {
      qc.setQueryData(keys.me, user)
      void qc.invalidateQueries({ queryKey: keys.config })
      navigate('/admin', { replace: true })
    },
  })
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    claim.mutate(token.trim())
  }
  return (
    <div className="mx-auto w-full max-w-md">
      <div className="card bg-base-100 shadow-sm">
        <form className="card-body gap-4" onSubmit={onSubmit} data-testid="setup-claim-form">
          <h1 className="text-2xl font-bold" data-testid="auth-title">
            Set up coderoom
          </h1>
          <p className="text-sm text-base-content/70">
            This server has no administrator yet. Enter the setup token to become its administrator.
          </p>
          <div className="flex flex-col gap-1">
            <label htmlFor="setup-token" className="text-sm font-medium">
              Setup token
            </label>
            <input
              id="setup-token"
              name="setup-token"
              className="input w-full font-mono"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              required
              aria-describedby="setup-token-hint"
              data-testid="input-setup-token"
            />
            <p id="setup-token-hint" className="text-xs text-base-content/60">
              {SETUP_TOKEN_HINT}
            </p>
          </div>
          {claim.isError && <ErrorAlert message={errorMessage(claim.error)} testId="auth-error" />}
          <button type="submit" className="btn btn-primary" disabled={claim.isPending} data-testid="submit">
            {claim.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
            Become the administrator
          </button>
        </form>
      </div>
    </div>
  )
}
