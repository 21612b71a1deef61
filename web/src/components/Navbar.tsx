import { Link, NavLink, useMatch } from 'react-router'
import { canReview, homePath, isGuest, useMe } from '../api/hooks'
import { ThemeToggle } from './ThemeToggle'
import { UserMenu } from './UserMenu'

const linkClass = ({ isActive }: { isActive: boolean }) => `btn btn-ghost btn-sm ${isActive ? 'btn-active' : ''}`

function NavLinks({ review }: { review: boolean }) {
  return (
    <>
      <NavLink to="/dashboard" className={linkClass}>
        Dashboard
      </NavLink>
      <NavLink to="/problems" className={linkClass}>
        Problems
      </NavLink>
      {review && (
        <NavLink to="/interviews" className={linkClass} data-testid="nav-interviews">
          Interviews
        </NavLink>
      )}
    </>
  )
}

export function Navbar() {
  const me = useMe()
  const user = me.data ?? null
  // A guest (in by an invitation link) has one interview and nothing else to navigate to.
  const links = !!user && !isGuest(user)
  // Someone opening an invitation needs no account: no "Sign in" to distract them there.
  const joining = useMatch('/join/:token')
  return (
    <header className="sticky top-0 z-40 border-b print:hidden border-base-300 bg-base-100/90 backdrop-blur">
      <nav className="navbar mx-auto max-w-6xl gap-1 px-2 sm:px-4" aria-label="Main">
        <div className="flex min-w-0 flex-1 items-center gap-1">
          <Link to={homePath(user)} className="btn btn-ghost btn-sm px-2 font-mono text-lg font-bold" data-testid="logo">
            <span className="text-primary" aria-hidden="true">{'</>'}</span> coderoom
          </Link>
          {links && (
            <div className="hidden gap-1 sm:flex">
              <NavLinks review={canReview(user)} />
            </div>
          )}
        </div>
        <div className="flex flex-none items-center gap-1">
          <ThemeToggle />
          {user ? (
            <UserMenu user={user} />
          ) : me.isPending || joining ? null : (
            <Link to="/login" className="btn btn-primary btn-sm">
              Sign in
            </Link>
          )}
        </div>
      </nav>
      {links && (
        <nav className="flex gap-1 border-t border-base-300 px-2 py-1 sm:hidden" aria-label="Sections">
          <NavLinks review={canReview(user)} />
        </nav>
      )}
    </header>
  )
}
