import { Outlet, useMatch } from 'react-router'
import { Navbar } from './Navbar'

export function Layout() {
  // The practice page and the interview room use the whole width and height of the window.
  const problem = useMatch('/problem/:slug')
  const room = useMatch('/session/:id')
  const replay = useMatch('/session/:id/replay')
  const workspace = !!(problem || room || replay)
  return (
    <div className="flex min-h-screen flex-col bg-base-200/40">
      <a href="#main" className="btn btn-sm btn-primary sr-only z-50 focus:not-sr-only focus:fixed focus:left-2 focus:top-2">
        Skip to content
      </a>
      <Navbar />
      <main
        id="main"
        className={workspace ? 'w-full flex-1 px-2 py-2 sm:px-3' : 'mx-auto w-full max-w-6xl flex-1 px-3 py-6 sm:px-4 sm:py-8'}
      >
        <Outlet />
      </main>
      {!workspace && <footer className="py-4 text-center print:hidden text-xs text-base-content/50">coderoom — self-hosted coding interviews</footer>}
    </div>
  )
}
