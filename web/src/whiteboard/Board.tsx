// The whiteboard, loaded only when its tab is first opened (see ./index.tsx): the drawing
// library is large, and most of an interview never needs it.
import './assetPath'
import '@excalidraw/excalidraw/index.css'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import * as Y from 'yjs'
import { CaptureUpdateAction, Excalidraw, MainMenu, WelcomeScreen } from '@excalidraw/excalidraw'
import type { Collaborator, ExcalidrawImperativeAPI, SocketId } from '@excalidraw/excalidraw/types'
import { api as server, errorMessage, type BoardElement } from '../api'
import { openRoomProvider } from '../room/provider'
import { colorFor } from '../room/ws'
import { isFinalClose } from '../room/useEvents'
import { useAppTheme } from '../useAppTheme'
import { BoardBinding, byIndex, reconcile } from './sync'

export type BoardProps =
  /** The room's shared board, live. */
  | { mode: 'room'; sessionId: string; user: { id: string; name: string }; maxElements: number }
  /** An ended session's board, read only. */
  | { mode: 'final'; sessionId: string }
  /** A private board kept in this browser (the practice page). */
  | { mode: 'practice'; storageKey: string }

/** Pointer positions sent at most this often: enough for a smooth cursor, far below the rate limit. */
const POINTER_EVERY_MS = 50
/** The close code of a board the server refuses to grow (too many shapes or bytes). */
const TOO_BIG = 1009

/** This person's awareness state on the board: who, and where their pointer is. */
interface BoardPresence {
  user: { id: string; name: string; color: string }
  pointer: { x: number; y: number } | null
  button: 'up' | 'down'
}

type Scene = readonly BoardElement[]

/**
 * Everything the library could load from outside is left out: images (not synced either), files,
 * and, below, embedded web pages and the shape libraries (their browser is a public site).
 */
const UI_OPTIONS = {
  tools: { image: false },
  canvasActions: { loadScene: false, saveToActiveFile: false, export: false as const, toggleTheme: null },
}

/** For the browser tests: what the scene holds, read through the page. */
function expose(api: ExcalidrawImperativeAPI | null) {
  const target = window as unknown as {
    coderoomWhiteboard?: {
      shapes: () => Array<{ id: string; type: string; version: number; text?: string; points?: number }>
      collaborators: () => Array<{ name: string | null | undefined; pointer: { x: number; y: number } | undefined }>
      viewMode: () => boolean
    }
  }
  if (!api) {
    delete target.coderoomWhiteboard
    return
  }
  target.coderoomWhiteboard = {
    shapes: () =>
      api.getSceneElements().map((e) => ({
        id: e.id,
        type: e.type,
        version: e.version,
        text: 'text' in e ? e.text : undefined,
        points: 'points' in e ? e.points.length : undefined,
      })),
    collaborators: () => [...api.getAppState().collaborators.values()].map((c) => ({ name: c.username, pointer: c.pointer })),
    viewMode: () => api.getAppState().viewModeEnabled,
  }
}

function Canvas({
  onApi,
  onChange,
  onPointerUpdate,
  initial,
  viewMode,
  testId,
}: {
  onApi: (api: ExcalidrawImperativeAPI) => void
  onChange?: (scene: Scene) => void
  onPointerUpdate?: (pointer: { x: number; y: number }, button: 'up' | 'down') => void
  initial?: Scene
  viewMode?: boolean
  testId: string
}) {
  const theme = useAppTheme()
  const initialData = useMemo(
    () => ({ elements: (initial ?? []) as never, appState: { viewBackgroundColor: '#ffffff' }, scrollToContent: !!initial?.length }),
    [initial],
  )
  return (
    <div className="h-full w-full [&_.default-sidebar-trigger]:hidden!" data-testid={testId}>
      <Excalidraw
        excalidrawAPI={onApi}
        initialData={initialData}
        viewModeEnabled={viewMode}
        theme={theme}
        UIOptions={UI_OPTIONS}
        onChange={onChange ? (elements) => onChange(elements as unknown as Scene) : undefined}
        onPointerUpdate={onPointerUpdate ? ({ pointer, button }) => onPointerUpdate(pointer, button) : undefined}
        isCollaborating={!!onPointerUpdate}
        aiEnabled={false}
        validateEmbeddable={false}
        renderEmbeddable={() => <p className="p-2 text-xs">Web pages are not shown on this board.</p>}
      >
        <MainMenu>
          {!viewMode && <MainMenu.DefaultItems.ClearCanvas />}
          <MainMenu.DefaultItems.SaveAsImage />
          <MainMenu.DefaultItems.ChangeCanvasBackground />
        </MainMenu>
        <WelcomeScreen>
          <WelcomeScreen.Hints.ToolbarHint />
          <WelcomeScreen.Center>
            <WelcomeScreen.Center.Heading>
              {onPointerUpdate ? 'Draw here: everyone in the room sees it as you draw.' : 'Draw here: this board stays in this browser.'}
            </WelcomeScreen.Center.Heading>
          </WelcomeScreen.Center>
        </WelcomeScreen>
      </Excalidraw>
    </div>
  )
}

function RoomBoard({ sessionId, user, maxElements }: { sessionId: string; user: { id: string; name: string }; maxElements: number }) {
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null)
  const [synced, setSynced] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [closed, setClosed] = useState<string | null>(null)
  const binding = useRef<BoardBinding | null>(null)
  const pointer = useRef<{ send: (p: { x: number; y: number }, button: 'up' | 'down') => void } | null>(null)

  useEffect(() => {
    if (!api) return
    expose(api)
    const doc = new Y.Doc()
    // Past the server's size cap (1009), reconnecting would resend the same refused change.
    const { provider, dispose } = openRoomProvider(`${sessionId}/board`, doc, [TOO_BIG])
    const scene = () => api.getSceneElementsIncludingDeleted() as unknown as Scene
    const merge = (shapes: BoardElement[]) => {
      const { scene: next, kept } = reconcile(scene(), shapes)
      if (next) api.updateScene({ elements: next as never, captureUpdate: CaptureUpdateAction.NEVER })
      return kept
    }
    const bound = new BoardBinding(doc, doc.getMap<string>('elements'), maxElements, merge, () =>
      setNotice(`The whiteboard is full: at most ${maxElements} shapes (erased ones count too). New shapes stay on your screen only.`),
    )
    binding.current = bound
    const awareness = provider.awareness
    awareness.setLocalState({ user: { id: user.id, name: user.name, color: colorFor(user.id) }, pointer: null, button: 'up' } satisfies BoardPresence)

    // One awareness update per pointer report, at most every POINTER_EVERY_MS; the last report
    // of a burst is sent late rather than dropped, so that a released button is seen.
    let latest: Pick<BoardPresence, 'pointer' | 'button'> | null = null
    let lastSent = 0
    let trailing: ReturnType<typeof setTimeout> | null = null
    let wasDown = false
    const publish = () => {
      trailing = null
      const state = awareness.getLocalState()
      if (!latest || !state) return
      lastSent = performance.now()
      awareness.setLocalState({ ...state, ...latest })
      latest = null
    }
    pointer.current = {
      send: (p, button) => {
        // A stroke ends: what it drew goes out now rather than at the next tick.
        if (wasDown && button === 'up') bound.flush()
        wasDown = button === 'down'
        latest = { pointer: { x: Math.round(p.x), y: Math.round(p.y) }, button }
        const wait = POINTER_EVERY_MS - (performance.now() - lastSent)
        if (wait <= 0) publish()
        else trailing ??= setTimeout(publish, wait)
      },
    }
    // Unsynced while (re)connecting; what was drawn meanwhile goes out once synced.
    let shown = false
    const onSync = (isSynced: boolean) => {
      if (isSynced) {
        bound.resync()
        bound.changed(scene())
        // Someone who comes in late is shown what is drawn, wherever it is; later syncs
        // (reconnections) leave the view alone.
        if (!shown && api.getSceneElements().length) api.scrollToContent(undefined, { animate: false })
        shown = true
      }
      setSynced(isSynced)
    }
    const onAwareness = (_change: unknown, origin: unknown) => {
      if (origin === 'local') return
      const collaborators = new Map<SocketId, Collaborator>()
      for (const [client, state] of awareness.getStates()) {
        if (client === doc.clientID) continue
        const { user: person, pointer: at, button } = state as Partial<BoardPresence>
        if (!person?.name) continue
        const tint = /^#[0-9a-f]{6}$/i.test(person.color ?? '') ? person.color : '#2563eb'
        collaborators.set(String(client) as SocketId, {
          username: person.name,
          id: person.id,
          pointer: at ? { x: at.x, y: at.y, tool: 'pointer' } : undefined,
          button: button === 'down' ? 'down' : 'up',
          color: { background: tint, stroke: tint },
        })
      }
      api.updateScene({ collaborators })
    }
    const onConnectionClose = (event: CloseEvent | null) => {
      if (event && !isFinalClose(event.code) && event.code !== TOO_BIG && event.reason) setNotice(`The whiteboard was disconnected: ${event.reason}`)
    }
    const onClosed = ({ code, reason }: { code: number; reason: string }) =>
      setClosed(
        code === TOO_BIG
          ? `The whiteboard stopped syncing: ${reason || 'the board is too large'}. Reload the page to see the shared board.`
          : reason || 'The room was closed',
      )
    provider.on('sync', onSync)
    provider.on('connection-close', onConnectionClose)
    provider.on('closed', onClosed)
    awareness.on('change', onAwareness)
    const flushHidden = () => document.visibilityState === 'hidden' && bound.flush()
    document.addEventListener('visibilitychange', flushHidden)
    return () => {
      if (trailing) clearTimeout(trailing)
      document.removeEventListener('visibilitychange', flushHidden)
      awareness.off('change', onAwareness)
      provider.off('sync', onSync)
      provider.off('connection-close', onConnectionClose)
      provider.off('closed', onClosed)
      bound.destroy()
      binding.current = null
      pointer.current = null
      dispose()
      doc.destroy()
      expose(null)
      setSynced(false)
    }
  }, [api, sessionId, user.id, user.name, maxElements])

  return (
    <div className="relative h-full" data-testid="whiteboard-room" data-synced={synced ? 'true' : 'false'}>
      {(notice || closed) && (
        <div role="alert" className="alert alert-warning absolute inset-x-2 top-14 z-20 py-2 text-sm" data-testid="whiteboard-notice">
          <span>{closed ?? notice}</span>
          {!closed && (
            <button type="button" className="btn btn-ghost btn-xs" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          )}
        </div>
      )}
      <Canvas
        testId="whiteboard-canvas"
        onApi={setApi}
        viewMode={closed !== null}
        onChange={(scene) => binding.current?.changed(scene)}
        onPointerUpdate={(p, button) => pointer.current?.send(p, button)}
      />
    </div>
  )
}

function FinalBoard({ sessionId }: { sessionId: string }) {
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null)
  const board = useQuery({
    queryKey: ['sessions', 'whiteboard', sessionId],
    queryFn: ({ signal }) => server.sessionWhiteboard(sessionId, signal),
    retry: false,
  })
  useEffect(() => {
    expose(api)
    return () => expose(null)
  }, [api])
  if (board.isPending) return <p className="p-4 text-sm text-base-content/60">Loading the whiteboard…</p>
  if (board.isError) return <p className="p-4 text-sm text-error">The whiteboard could not be loaded: {errorMessage(board.error)}</p>
  return (
    <div className="h-full" data-testid="whiteboard-final">
      <Canvas testId="whiteboard-canvas" onApi={setApi} initial={board.data} viewMode />
    </div>
  )
}

function readPrivate(key: string): Scene {
  try {
    const stored = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown
    return Array.isArray(stored) ? (stored as BoardElement[]).filter((e) => e && typeof e.id === 'string').sort(byIndex) : []
  } catch {
    return []
  }
}

function PracticeBoard({ storageKey }: { storageKey: string }) {
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null)
  const initial = useMemo(() => readPrivate(storageKey), [storageKey])
  const save = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => {
    expose(api)
    return () => {
      expose(null)
      if (save.current) clearTimeout(save.current)
    }
  }, [api])
  const onChange = (scene: Scene) => {
    if (save.current) clearTimeout(save.current)
    save.current = setTimeout(() => {
      try {
        localStorage.setItem(storageKey, JSON.stringify(scene.filter((e) => !e.isDeleted)))
      } catch {
        /* storage full or unavailable: the board still works for this visit */
      }
    }, 500)
  }
  return (
    <div className="h-full" data-testid="whiteboard-practice">
      <Canvas testId="whiteboard-canvas" onApi={setApi} initial={initial} onChange={onChange} />
    </div>
  )
}

export default function Board(props: BoardProps) {
  switch (props.mode) {
    case 'room':
      return <RoomBoard sessionId={props.sessionId} user={props.user} maxElements={props.maxElements} />
    case 'final':
      return <FinalBoard sessionId={props.sessionId} />
    case 'practice':
      return <PracticeBoard storageKey={props.storageKey} />
  }
}
