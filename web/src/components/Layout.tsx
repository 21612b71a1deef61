import { Outlet } from 'react-router'
import { Navbar } from './Navbar'

export function Layout() {
  return (
    <div className="flex min-h-screen flex-col bg-base-200/40">
      <a href="#main" className="btn btn-sm btn-primary sr-only z-50 focus:not-sr-only focus:fixed focus:left-2 focus:top-2">
        Skip to content
      </a>
      <Navbar />
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-3 py-6 sm:px-4 sm:py-8">
        <Outlet />
      </main>
      <footer className="py-4 text-center text-xs text-base-content/50">coderoom — self-hosted coding interviews</footer>
    </div>
  )
}
