import { Component, Suspense, lazy, type ReactNode } from 'react'
import { useIntegrations } from '../../auth/provider'

/**
 * Stream video and chat, used by the room instead of the built-in ones when the server has Stream
 * keys (`streamApiKey` in /api/config). The SDKs (and their CSS) are separate chunks loaded only then.
 */
export function useStreamApiKey(): string | null {
  return useIntegrations()?.streamApiKey ?? null
}

const Video = lazy(() => import('./StreamVideoPanel'))
const Chat = lazy(() => import('./StreamChatPanel'))

/** Keeps a failure to load the SDK chunk (or in the SDK) inside its panel. */
class PanelBoundary extends Component<{ label: string; children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null }
  render() {
    if (!this.state.error) return this.props.children
    return (
      <div role="alert" className="alert alert-warning alert-soft py-2 text-sm">
        {this.props.label} is unavailable: {this.state.error.message}
      </div>
    )
  }
}

// Assigned outside the class body: Tailwind would read that keyword (the name of a utility) there
// and add it to the main stylesheet.
Object.assign(PanelBoundary, { getDerivedStateFromError: (error: Error) => ({ error }) })

function Fallback({ label }: { label: string }) {
  return (
    <div className="flex items-center gap-2 py-2 text-sm text-base-content/60" aria-busy="true">
      <span className="loading loading-spinner loading-sm" aria-hidden="true" /> {label}
    </div>
  )
}

export function StreamVideo({ apiKey, callId }: { apiKey: string; callId: string }) {
  return (
    <PanelBoundary label="Video">
      <Suspense fallback={<Fallback label="Loading video…" />}>
        <Video apiKey={apiKey} callId={callId} />
      </Suspense>
    </PanelBoundary>
  )
}

export function StreamChat({ apiKey, callId }: { apiKey: string; callId: string }) {
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-base-content/60">Chat</h2>
      <PanelBoundary label="Chat">
        <Suspense fallback={<Fallback label="Loading chat…" />}>
          <Chat apiKey={apiKey} callId={callId} />
        </Suspense>
      </PanelBoundary>
    </div>
  )
}
