import { BrowserRouter, Route, Routes } from 'react-router'
import { Layout } from './components/Layout'
import { RequireAuth } from './components/RequireAuth'
import { LandingPage } from './pages/Landing'
import { LoginPage, RegisterPage } from './pages/Auth'
import { DashboardPage } from './pages/Dashboard'
import { ProblemPage, ProblemsPage } from './pages/Problems'
import { SessionPage } from './pages/Session'
import { NotFoundPage } from './pages/NotFound'

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<LandingPage />} />
          <Route path="login" element={<LoginPage />} />
          <Route path="register" element={<RegisterPage />} />
          <Route path="dashboard" element={<RequireAuth><DashboardPage /></RequireAuth>} />
          <Route path="problems" element={<RequireAuth><ProblemsPage /></RequireAuth>} />
          <Route path="problem/:slug" element={<RequireAuth><ProblemPage /></RequireAuth>} />
          <Route path="session/:id" element={<RequireAuth><SessionPage /></RequireAuth>} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  )
}
