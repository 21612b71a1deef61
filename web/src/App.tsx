import { Suspense, lazy, type ReactNode } from 'react'
import { BrowserRouter, Route, Routes } from 'react-router'
import { AuthProvider } from './auth/provider'
import { Layout } from './components/Layout'
import { RequireAuth } from './components/RequireAuth'
import { Loading } from './components/States'
import { LandingPage } from './pages/Landing'
import { LoginPage, RegisterPage } from './pages/Auth'
import { DashboardPage } from './pages/Dashboard'
import { ProblemsPage } from './pages/Problems'
import { NotFoundPage } from './pages/NotFound'
import { JoinPage } from './pages/Join'

// The pages with the editor (Monaco, Yjs, WebRTC) are loaded only when opened.
const PracticePage = lazy(() => import('./pages/Practice'))
const SessionPage = lazy(() => import('./pages/Session'))
const AdminPage = lazy(() => import('./pages/Admin'))
const ReplayPage = lazy(() => import('./pages/Replay'))
const ReportPage = lazy(() => import('./pages/Report'))
const InterviewsPage = lazy(() => import('./pages/Interviews'))

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading label="Loading…" testId="page-loading" />}>{children}</Suspense>
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<LandingPage />} />
            <Route path="login" element={<LoginPage />} />
            <Route path="register" element={<RegisterPage />} />
            {/* An invitation link: no account needed, so not behind RequireAuth. */}
            <Route path="join/:token" element={<JoinPage />} />
            <Route path="dashboard" element={<RequireAuth><DashboardPage /></RequireAuth>} />
            <Route path="problems" element={<RequireAuth><ProblemsPage /></RequireAuth>} />
            <Route path="problem/:slug" element={<RequireAuth><Lazy><PracticePage /></Lazy></RequireAuth>} />
            <Route path="session/:id" element={<RequireAuth guest="own-session"><Lazy><SessionPage /></Lazy></RequireAuth>} />
            {/* The interviewer's record: never a guest's (RequireAuth shows a guest the way back). */}
            <Route path="session/:id/replay" element={<RequireAuth><Lazy><ReplayPage /></Lazy></RequireAuth>} />
            <Route path="session/:id/report" element={<RequireAuth><Lazy><ReportPage /></Lazy></RequireAuth>} />
            <Route path="interviews" element={<RequireAuth><Lazy><InterviewsPage /></Lazy></RequireAuth>} />
            <Route path="admin" element={<RequireAuth><Lazy><AdminPage /></Lazy></RequireAuth>} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  )
}
