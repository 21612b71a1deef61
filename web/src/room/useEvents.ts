import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChatMessage, IceServer, JudgeResult, RoomPeer, RoomRole } from '../api'
import { wsOrigin } from './ws'
import { wsToken } from '../auth/provider'

export type ConnState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** The server closed the room for this person: the session ended (4409), they left, lost
 * access or were removed by the interviewer (4403, with the server's reason), or their sign-in
 * was revoked (4401). Reconnecting would not help. */
export interface RoomClosed {
  code: number
  reason: string
}

/** Close codes after which the room is not reopened (the stock y-websocket provider stops too). */
export const isFinalClose = (code: number) => code >= 4400 && code < 4500

/** A WebRTC signalling message relayed by the server (`from` and `user` added by it). */
export interface Signal {
  type: 'offer' | 'answer' | 'ice' | 'hangup'
  from: string
  user?: { id: string; name: string }
  sdp?: RTCSessionDescriptionInit
  candidate?: RTCIceCandidateInit | null
}

export interface RoomEvents {
  state: ConnState
  peerId: string | null
  /** This person's role in the room, as the server's welcome says (null before it). */
  role: RoomRole | null
  peers: RoomPeer[]
  messages: ChatMessage[]
  iceServers: IceServer[]
  ended: boolean
  /** The latest run/submit result shared in the room. */
  lastResult: JudgeResult | null
  error: string | null
  /** Why the server closed the room for this person, when it did. */
  closed: RoomClosed | null
  /** Counts the server's `session` events: who is seated changed (someone came in, left or was removed). */
  seatsChanged: number
  sendChat: (text: string) => boolean
  signal: (to: string, body: Omit<Signal, 'from' | 'user'>) => void
  onSignal: (fn: (s: Signal) => void) => () => void
}

/**
 * The room's event channel (`/api/sessions/:id/events`): presence, chat, shared results, the
 * session's end and WebRTC signalling. Reconnects by itself with a growing delay.
 */
export function useRoomEvents(sessionId: string, enabled: boolean): RoomEvents {
  const [state, setState] = useState<ConnState>('connecting')
  const [peerId, setPeerId] = useState<string | null>(null)
  const [role, setRole] = useState<RoomRole | null>(null)
  const [peers, setPeers] = useState<RoomPeer[]>([])
  const [messages, setMessages] = useState<ChatMessage[]>([])
  const [iceServers, setIceServers] = useState<IceServer[]>([])
  const [ended, setEnded] = useState(false)
  const [lastResult, setLastResult] = useState<JudgeResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [closed, setClosed] = useState<RoomClosed | null>(null)
  const [seatsChanged, setSeatsChanged] = useState(0)
  const ws = useRef<WebSocket | null>(null)
  const listeners = useRef(new Set<(s: Signal) => void>())

  useEffect(() => {
    if (!enabled) return
    let stopped = false
    let attempt = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let ping: ReturnType<typeof setInterval> | undefined
    // Whether this page is in view, told to the server on connecting and at every change (the
    // interviewer's timeline shows when the candidate looked elsewhere).
    const sendFocus = () => {
      const sock = ws.current
      if (sock && sock.readyState === WebSocket.OPEN) sock.send(JSON.stringify({ type: 'focus', visible: document.visibilityState === 'visible' }))
    }
    document.addEventListener('visibilitychange', sendFocus)

    const connect = () => {
      if (stopped) return
      setState(attempt === 0 ? 'connecting' : 'reconnecting')
      const url = `${wsOrigin()}/api/sessions/${encodeURIComponent(sessionId)}/events`
      // With Clerk, a fresh session token goes in the URL; in local mode the cookie is enough.
      const token = wsToken()
      if (token) void token.then((t) => open(t ? `${url}?token=${encodeURIComponent(t)}` : url))
      else open(url)
    }
    const open = (url: string) => {
      if (stopped) return
      const sock = new WebSocket(url)
      ws.current = sock
      sock.onopen = () => {
        attempt = 0
        setState('open')
        setError(null)
        ping = setInterval(() => sock.readyState === WebSocket.OPEN && sock.send('{"type":"ping"}'), 25_000)
        sendFocus()
      }
      sock.onmessage = (e) => {
        let ev: Record<string, unknown>
        try {
          ev = JSON.parse(String(e.data)) as Record<string, unknown>
        } catch {
          return
        }
        switch (ev.type) {
          case 'welcome':
            setPeerId(String(ev.peerId ?? ''))
            if (typeof ev.role === 'string') setRole(ev.role as RoomRole)
            setPeers((ev.peers as RoomPeer[]) ?? [])
            if (Array.isArray(ev.messages)) setMessages(ev.messages as ChatMessage[])
            setIceServers((ev.iceServers as IceServer[]) ?? [])
            if (ev.ended) setEnded(true)
            break
          case 'presence':
            setPeers((ev.peers as RoomPeer[]) ?? [])
            break
          case 'chat': {
            const m = ev.message as ChatMessage
            setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m]))
            break
          }
          case 'result': {
            const r = (ev.result ?? ev) as JudgeResult
            setLastResult({ ...r, tests: r.tests ?? [], user: r.user ?? (ev.user as JudgeResult['user']) })
            break
          }
          case 'ended':
            setEnded(true)
            break
          case 'session':
            setSeatsChanged((n) => n + 1)
            break
          case 'error':
            setError(String(ev.message ?? 'The room reported an error'))
            break
          case 'offer':
          case 'answer':
          case 'ice':
          case 'hangup':
            for (const fn of listeners.current) fn(ev as unknown as Signal)
            break
        }
      }
      sock.onclose = (e) => {
        clearInterval(ping)
        if (ws.current === sock) ws.current = null
        if (stopped) return
        if (isFinalClose(e.code)) {
          setClosed({ code: e.code, reason: e.reason || 'The room was closed' })
          if (e.code === 4409) setEnded(true)
          setState('closed')
          return
        }
        // 1008: not allowed (policy) — do not hammer the server.
        if (e.code === 1008 && attempt > 3) {
          setState('closed')
          return
        }
        attempt++
        setState('reconnecting')
        timer = setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)))
      }
    }
    connect()
    return () => {
      stopped = true
      document.removeEventListener('visibilitychange', sendFocus)
      clearTimeout(timer)
      clearInterval(ping)
      ws.current?.close()
      ws.current = null
    }
  }, [sessionId, enabled])

  const send = useCallback((msg: unknown) => {
    const sock = ws.current
    if (!sock || sock.readyState !== WebSocket.OPEN) return false
    sock.send(JSON.stringify(msg))
    return true
  }, [])

  const sendChat = useCallback((text: string) => send({ type: 'chat', text }), [send])
  const signal = useCallback((to: string, body: Omit<Signal, 'from' | 'user'>) => void send({ ...body, to }), [send])
  const onSignal = useCallback((fn: (s: Signal) => void) => {
    listeners.current.add(fn)
    return () => void listeners.current.delete(fn)
  }, [])

  return { state, peerId, role, peers, messages, iceServers, ended, lastResult, error, closed, seatsChanged, sendChat, signal, onSignal }
}
