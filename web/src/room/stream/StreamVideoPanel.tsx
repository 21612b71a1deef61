// Lazy chunk: loaded only when the server has Stream keys.
import { useEffect, useState } from 'react'
import {
  CallControls,
  SpeakerLayout,
  StreamCall,
  StreamTheme,
  StreamVideo,
  StreamVideoClient,
  type Call,
} from '@stream-io/video-react-sdk'
import '@stream-io/video-react-sdk/dist/css/styles.css'
import { fetchStreamToken, streamUser, tokenProvider } from './token'

/** The room's video through Stream: call type `default`, id = the session's `callId` (the server creates it). */
export default function StreamVideoPanel({ apiKey, callId }: { apiKey: string; callId: string }) {
  const [client, setClient] = useState<StreamVideoClient | null>(null)
  const [call, setCall] = useState<Call | null>(null)
  const [joined, setJoined] = useState(false)
  const [joining, setJoining] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    let created: StreamVideoClient | null = null
    fetchStreamToken()
      .then((t) => {
        if (cancelled) return
        created = new StreamVideoClient({ apiKey: t.apiKey || apiKey, user: streamUser(t), tokenProvider })
        setClient(created)
        setCall(created.call('default', callId))
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)))
    return () => {
      cancelled = true
      setCall((c) => {
        void c?.leave().catch(() => undefined)
        return null
      })
      setClient(null)
      setJoined(false)
      void created?.disconnectUser().catch(() => undefined)
    }
  }, [apiKey, callId])

  const join = async () => {
    if (!call) return
    setJoining(true)
    setError(null)
    try {
      await call.join()
      setJoined(true)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setJoining(false)
    }
  }

  return (
    <section aria-label="Video" className="flex flex-col gap-2" data-testid="stream-video">
      {error && (
        <div role="alert" className="alert alert-warning alert-soft py-1 text-sm">
          {error}
        </div>
      )}
      {client && call && joined ? (
        <StreamVideo client={client}>
          <StreamCall call={call}>
            <StreamTheme className="overflow-hidden rounded-box">
              <SpeakerLayout participantsBarPosition="bottom" />
              <CallControls onLeave={() => setJoined(false)} />
            </StreamTheme>
          </StreamCall>
        </StreamVideo>
      ) : (
        <button type="button" className="btn btn-sm btn-primary" onClick={() => void join()} disabled={!call || joining} data-testid="stream-join">
          {(joining || (!call && !error)) && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
          Join video
        </button>
      )}
    </section>
  )
}
