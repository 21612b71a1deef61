import { Link, Navigate } from 'react-router'
import { homePath, useConfig, useMe } from '../api/hooks'
import { Loading } from '../components/States'

const FEATURES = [
  { title: 'Self-hosted', text: 'One binary on your own machine. No third-party services, no data leaves your network.' },
  { title: 'Live sessions', text: 'An interviewer hosts a session on a problem and sends the candidate a link — no account needed to join.' },
  { title: 'Problem library', text: 'Curated problems by difficulty and category, ready to pick when you start a session.' },
]

export function LandingPage() {
  const me = useMe()
  const config = useConfig()
  if (me.isPending) return <Loading />
  if (me.data) return <Navigate to={homePath(me.data)} replace />

  const setup = config.data?.setupRequired
  const regClosed = config.data?.registration === 'closed' && !setup

  return (
    <div className="space-y-12">
      <section className="hero rounded-box bg-base-100 py-12 shadow-sm sm:py-20">
        <div className="hero-content max-w-2xl text-center">
          <div>
            <p className="font-mono text-sm text-primary">{'</>'} coderoom</p>
            <h1 className="mt-2 text-3xl font-bold sm:text-5xl">Coding interviews, on your own server</h1>
            <p className="mt-5 text-base-content/80 sm:text-lg">
              coderoom is a self-hosted coding-interview room: pick a problem, open a session and send the candidate a
              link — everything runs from a single binary you control.
            </p>
            {setup && (
              <p className="alert alert-info alert-soft mt-6 justify-center" data-testid="setup-notice">
                This server is new. Create the administrator account to get started.
              </p>
            )}
            <div className="mt-8 flex flex-col justify-center gap-3 sm:flex-row">
              <Link to="/login" className="btn btn-primary" data-testid="landing-sign-in">
                Sign in
              </Link>
              {!regClosed && (
                <Link to="/register" className="btn btn-outline" data-testid="landing-register">
                  {setup ? 'Set up coderoom' : 'Create account'}
                </Link>
              )}
            </div>
          </div>
        </div>
      </section>
      <section className="grid gap-4 sm:grid-cols-3" aria-label="Features">
        {FEATURES.map((f) => (
          <div key={f.title} className="card bg-base-100 shadow-sm">
            <div className="card-body">
              <h2 className="card-title text-base">{f.title}</h2>
              <p className="text-sm text-base-content/75">{f.text}</p>
            </div>
          </div>
        ))}
      </section>
      {config.data?.version && <p className="text-center text-xs text-base-content/50">version {config.data.version}</p>}
    </div>
  )
}
