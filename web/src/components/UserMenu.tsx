import { Suspense, useEffect, useId, useRef, useState } from 'react'
import { Link } from 'react-router'
import { useQueryClient } from '@tanstack/react-query'
import { api, type User } from '../api'
import { Avatar } from './Avatar'
import { ClerkUserMenu, useAuthMode } from '../auth/provider'

export function UserMenu({ user }: { user: User }) {
  // With Clerk configured, Clerk's UserButton (sign out, profile) replaces coderoom's menu.
  if (useAuthMode() === 'clerk') return <Suspense fallback={null}><ClerkUserMenu user={user} /></Suspense>
  return <LocalUserMenu user={user} />
}

function LocalUserMenu({ user }: { user: User }) {
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuId = useId()
  const qc = useQueryClient()

  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false)
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false)
        buttonRef.current?.focus()
      }
    }
    document.addEventListener('mousedown', onDown)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('mousedown', onDown)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  async function signOut() {
    setBusy(true)
    let next = '/'
    try {
      // Signed in with the company provider: end that sign-in too, or the next visit to the
      // sign-in page would sign the same person straight back in.
      next = (await api.logout())?.logoutUrl ?? '/'
    } catch {
      /* even if the server call fails, drop local state */
    }
    // A full page load drops every cached query and cannot race with the
    // sign-in guard (which would otherwise redirect to /login first).
    qc.clear()
    window.location.assign(next)
  }

  return (
    <div className="relative" ref={ref}>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn-ghost btn-sm gap-2 px-2"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        data-testid="user-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <Avatar name={user.name} image={user.image} size="xs" />
        <span className="hidden max-w-[10rem] truncate sm:inline">{user.name}</span>
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
          <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z" />
        </svg>
      </button>
      {open && (
        <ul
          id={menuId}
          role="menu"
          className="menu absolute right-0 z-50 mt-2 w-56 rounded-box border border-base-300 bg-base-100 p-2 shadow-lg"
        >
          <li className="menu-title" role="none">
            <span className="truncate">{user.name}</span>
            <span className="truncate text-xs font-normal">{user.email}</span>
            <span className="badge badge-ghost badge-xs mt-1 capitalize">{user.role}</span>
          </li>
          {user.role === 'admin' && (
            <li role="none">
              <Link to="/admin" role="menuitem" onClick={() => setOpen(false)} data-testid="admin-link">
                Administration
              </Link>
            </li>
          )}
          <li role="none">
            <button type="button" role="menuitem" onClick={signOut} disabled={busy} data-testid="sign-out">
              {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
              Sign out
            </button>
          </li>
        </ul>
      )}
    </div>
  )
}
