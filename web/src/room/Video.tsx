import { useCallback, useEffect, useRef, useState } from 'react'
import type { IceServer, RoomPeer } from '../api'
import { useConfig } from '../api/hooks'
import type { RoomEvents, Signal } from './useEvents'

interface Remote {
  peerId: string
  name: string
  stream: MediaStream
}

function peerNumber(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0
}

function VideoTile({ stream, name, muted, mirrored, off }: { stream: MediaStream | null; name: string; muted?: boolean; mirrored?: boolean; off?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null)
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream
  }, [stream])
  return (
    <figure className="relative aspect-video overflow-hidden rounded-box bg-neutral" data-testid="video-tile" data-self={muted ? '' : undefined}>
      <video ref={ref} autoPlay playsInline muted={muted} className={`h-full w-full object-cover ${mirrored ? '-scale-x-100' : ''} ${off ? 'invisible' : ''}`} />
      {off && <div className="absolute inset-0 flex items-center justify-center text-sm text-neutral-content/70">Camera off</div>}
      <figcaption className="absolute bottom-1 left-1 rounded bg-black/60 px-1.5 text-xs text-white">{name}</figcaption>
    </figure>
  )
}

/**
 * Browsers offer the camera and microphone only to secure pages: HTTPS, or localhost. On any
 * other plain-HTTP address `navigator.mediaDevices` does not exist, so say why and where to go.
 */
function InsecureOrigin() {
  const httpsUrl = useConfig().data?.httpsUrl
  const here = `${window.location.pathname}${window.location.search}`
  return (
    <div role="note" className="rounded-box border border-warning bg-warning/15 p-3 text-sm" data-testid="video-insecure">
      <div className="min-w-0 space-y-1 break-words">
        <p className="font-semibold">Video needs a secure connection</p>
        <p>
          Browsers allow the camera and microphone only on HTTPS pages (or on the server itself, at localhost). This page
          was opened over plain HTTP at <code>{window.location.host}</code>.
        </p>
        {httpsUrl ? (
          <p>
            Open{' '}
            <a className="link font-semibold break-all" href={`${httpsUrl.replace(/\/+$/, '')}${here}`} data-testid="video-https-link">
              {httpsUrl.replace(/\/+$/, '')}
              {here}
            </a>{' '}
            instead.
          </p>
        ) : (
          <p>Ask the administrator to turn on HTTPS (coderoom serves it itself with <code>[tls] mode = &quot;auto&quot;</code>).</p>
        )}
      </div>
    </div>
  )
}

function Icon({ d }: { d: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d={d} />
    </svg>
  )
}

/**
 * Built-in video: one RTCPeerConnection per other person in the room, negotiated over the
 * room's event channel ("perfect negotiation": the peer with the higher id is polite).
 */
export function VideoPanel({ events, disabled }: { events: RoomEvents; disabled?: boolean }) {
  const { peerId, peers, iceServers, signal, onSignal } = events
  const [local, setLocal] = useState<MediaStream | null>(null)
  const [mic, setMic] = useState(true)
  const [cam, setCam] = useState(true)
  const [sharing, setSharing] = useState(false)
  const [remotes, setRemotes] = useState<Remote[]>([])
  const [error, setError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const pcs = useRef(new Map<string, { pc: RTCPeerConnection; makingOffer: boolean; ignoreOffer: boolean }>())
  const localRef = useRef<MediaStream | null>(null)
  const screenRef = useRef<MediaStreamTrack | null>(null)
  const iceRef = useRef<IceServer[]>(iceServers)
  iceRef.current = iceServers
  const peersRef = useRef<RoomPeer[]>(peers)
  peersRef.current = peers
  const selfRef = useRef(peerId)
  selfRef.current = peerId

  const nameOf = (id: string) => peersRef.current.find((p) => p.peerId === id)?.user.name ?? 'Guest'

  const close = useCallback((id: string) => {
    const entry = pcs.current.get(id)
    if (entry) {
      entry.pc.close()
      pcs.current.delete(id)
    }
    setRemotes((list) => list.filter((r) => r.peerId !== id))
  }, [])

  const connection = useCallback(
    (id: string) => {
      const existing = pcs.current.get(id)
      if (existing) return existing
      const pc = new RTCPeerConnection({ iceServers: iceRef.current as RTCIceServer[] })
      const entry = { pc, makingOffer: false, ignoreOffer: false }
      pcs.current.set(id, entry)
      pc.onicecandidate = ({ candidate }) => signal(id, { type: 'ice', candidate: candidate ? candidate.toJSON() : null })
      pc.onnegotiationneeded = async () => {
        try {
          entry.makingOffer = true
          await pc.setLocalDescription()
          if (pc.localDescription) signal(id, { type: 'offer', sdp: pc.localDescription.toJSON() })
        } catch (e) {
          setError(e instanceof Error ? e.message : 'Could not start the call')
        } finally {
          entry.makingOffer = false
        }
      }
      pc.ontrack = ({ streams, track }) => {
        const stream = streams[0] ?? new MediaStream([track])
        setRemotes((list) => [...list.filter((r) => r.peerId !== id), { peerId: id, name: nameOf(id), stream }])
      }
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'failed') pc.restartIce()
      }
      for (const t of localRef.current?.getTracks() ?? []) pc.addTrack(t, localRef.current!)
      return entry
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [signal],
  )

  // Signalling from the others.
  useEffect(
    () =>
      onSignal(async (s: Signal) => {
        const self = selfRef.current
        if (!self) return
        try {
          if (s.type === 'hangup') return close(s.from)
          if (s.type === 'offer' || s.type === 'answer') {
            if (!s.sdp) return
            const entry = connection(s.from)
            const { pc } = entry
            const polite = peerNumber(self) > peerNumber(s.from)
            const collision = s.type === 'offer' && (entry.makingOffer || pc.signalingState !== 'stable')
            entry.ignoreOffer = !polite && collision
            if (entry.ignoreOffer) return
            await pc.setRemoteDescription(s.sdp)
            if (s.type === 'offer') {
              await pc.setLocalDescription()
              if (pc.localDescription) signal(s.from, { type: 'answer', sdp: pc.localDescription.toJSON() })
            }
          } else if (s.type === 'ice') {
            const entry = pcs.current.get(s.from)
            if (!entry) return
            try {
              await entry.pc.addIceCandidate(s.candidate ?? undefined)
            } catch (e) {
              if (!entry.ignoreOffer) throw e
            }
          }
        } catch (e) {
          setError(e instanceof Error ? e.message : 'Video signalling failed')
        }
      }),
    [onSignal, connection, close, signal],
  )

  // People who left: drop their connection. People who arrived while our camera is on: call them.
  useEffect(() => {
    const here = new Set(peers.map((p) => p.peerId))
    for (const id of [...pcs.current.keys()]) if (!here.has(id)) close(id)
    if (localRef.current && peerId) for (const p of peers) if (p.peerId !== peerId) connection(p.peerId)
    setRemotes((list) => list.map((r) => ({ ...r, name: peers.find((p) => p.peerId === r.peerId)?.user.name ?? r.name })))
  }, [peers, peerId, close, connection])

  const leave = useCallback(() => {
    for (const id of pcs.current.keys()) signal(id, { type: 'hangup' })
    for (const id of [...pcs.current.keys()]) close(id)
    localRef.current?.getTracks().forEach((t) => t.stop())
    screenRef.current?.stop()
    screenRef.current = null
    localRef.current = null
    setLocal(null)
    setSharing(false)
  }, [signal, close])

  useEffect(() => () => leave(), [leave])
  useEffect(() => {
    if (disabled && localRef.current) leave()
  }, [disabled, leave])

  const start = async () => {
    setError(null)
    setStarting(true)
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser cannot use a camera here (video needs HTTPS or localhost).')
      let stream: MediaStream
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true })
      } catch {
        stream = await navigator.mediaDevices.getUserMedia({ video: false, audio: true })
        setCam(false)
      }
      localRef.current = stream
      setLocal(stream)
      setMic(true)
      setCam(stream.getVideoTracks().length > 0)
      for (const p of peersRef.current) {
        if (p.peerId === selfRef.current) continue
        const entry = connection(p.peerId)
        for (const t of stream.getTracks()) if (!entry.pc.getSenders().some((s) => s.track === t)) entry.pc.addTrack(t, stream)
      }
    } catch (e) {
      setError(e instanceof Error && e.name === 'NotAllowedError' ? 'Camera and microphone access was refused.' : e instanceof Error ? e.message : 'Could not start the camera')
    } finally {
      setStarting(false)
    }
  }

  const toggle = (kind: 'audio' | 'video') => {
    const stream = localRef.current
    if (!stream) return
    const on = kind === 'audio' ? !mic : !cam
    stream.getTracks().filter((t) => t.kind === kind).forEach((t) => (t.enabled = on))
    if (kind === 'audio') setMic(on)
    else setCam(on)
  }

  const replaceVideo = async (track: MediaStreamTrack | null) => {
    for (const { pc } of pcs.current.values()) {
      const sender = pc.getSenders().find((s) => s.track?.kind === 'video')
      if (sender) await sender.replaceTrack(track)
    }
  }

  const share = async () => {
    if (sharing) {
      screenRef.current?.stop()
      screenRef.current = null
      await replaceVideo(localRef.current?.getVideoTracks()[0] ?? null)
      setSharing(false)
      return
    }
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true })
      const track = display.getVideoTracks()[0]
      if (!track) return
      screenRef.current = track
      track.onended = () => {
        void replaceVideo(localRef.current?.getVideoTracks()[0] ?? null)
        setSharing(false)
      }
      await replaceVideo(track)
      setSharing(true)
    } catch (e) {
      if (!(e instanceof Error && e.name === 'NotAllowedError')) setError(e instanceof Error ? e.message : 'Screen sharing failed')
    }
  }

  const screenStream = sharing && screenRef.current ? new MediaStream([screenRef.current]) : null
  if (!window.isSecureContext) {
    return (
      <section aria-label="Video" className="space-y-2" data-testid="video-panel" data-state="insecure">
        <InsecureOrigin />
      </section>
    )
  }

  return (
    <section aria-label="Video" className="space-y-2" data-testid="video-panel" data-state={local ? 'on' : 'off'}>
      <div className="grid grid-cols-2 gap-2">
        {local && <VideoTile stream={screenStream ?? local} name={sharing ? 'You (screen)' : 'You'} muted mirrored={!sharing} off={!cam && !sharing} />}
        {remotes.map((r) => (
          <VideoTile key={r.peerId} stream={r.stream} name={r.name} />
        ))}
      </div>
      {!local && remotes.length === 0 && <p className="text-xs text-base-content/60">Start your camera to talk face to face. Video goes directly between browsers.</p>}
      <div className="flex flex-wrap gap-1">
        {!local ? (
          <button type="button" className="btn btn-sm btn-primary" onClick={start} disabled={starting || disabled || !peerId} data-testid="video-start">
            {starting && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Start camera
          </button>
        ) : (
          <>
            <button type="button" className={`btn btn-sm ${mic ? '' : 'btn-warning'}`} onClick={() => toggle('audio')} aria-pressed={!mic} data-testid="toggle-mic">
              <Icon d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3" />
              {mic ? 'Mute' : 'Unmute'}
            </button>
            <button type="button" className={`btn btn-sm ${cam ? '' : 'btn-warning'}`} onClick={() => toggle('video')} aria-pressed={!cam} data-testid="toggle-cam">
              <Icon d="M15 10l5-3v10l-5-3M3 7h12v10H3z" />
              {cam ? 'Camera off' : 'Camera on'}
            </button>
            {'getDisplayMedia' in (navigator.mediaDevices ?? {}) && (
              <button type="button" className={`btn btn-sm ${sharing ? 'btn-info' : ''}`} onClick={share} aria-pressed={sharing} data-testid="toggle-screen">
                <Icon d="M3 4h18v12H3zM8 20h8M12 16v4" />
                {sharing ? 'Stop sharing' : 'Share screen'}
              </button>
            )}
            <button type="button" className="btn btn-sm btn-error btn-outline" onClick={leave} data-testid="video-leave">
              Leave call
            </button>
          </>
        )}
      </div>
      {error && (
        <p role="alert" className="text-xs text-error">
          {error}
        </p>
      )}
    </section>
  )
}
