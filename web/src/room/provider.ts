import type * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { isFinalClose } from './useEvents'
import { wsToken } from '../auth/provider'
import { wsOrigin } from './ws'

/**
 * Connects a shared document of the room (`room`: the session id for the code, `<id>/board`
 * for the whiteboard) to the server. With Clerk, the URL carries a session token: fetched before
 * the first connection and kept fresh for reconnections (y-websocket reads `params` each time it
 * connects). `dispose` stops the refresh and the provider.
 *
 * A 44xx close is final (the provider then emits `closed`), and so is any close code listed in
 * `finalCodes`: one that reconnecting would only repeat.
 */
export function openRoomProvider(
  room: string,
  doc: Y.Doc,
  finalCodes: readonly number[] = [],
): { provider: WebsocketProvider; dispose: () => void } {
  const token = wsToken()
  const provider = new WebsocketProvider(`${wsOrigin()}/api/collab`, room, doc, {
    disableBc: true,
    maxBackoffTime: 5000,
    connect: !token,
    shouldReconnect: (event) => !isFinalClose(event.code) && !finalCodes.includes(event.code),
  })
  let refresh: ReturnType<typeof setInterval> | undefined
  if (token) {
    const update = (t: string | null) => {
      provider.params = t ? { token: t } : {}
    }
    void token.then((t) => {
      if (doc.isDestroyed) return
      update(t)
      provider.connect()
    })
    refresh = setInterval(() => void wsToken()?.then(update), 30_000)
    provider.on('connection-close', () => void wsToken()?.then(update))
  }
  return {
    provider,
    dispose: () => {
      clearInterval(refresh)
      provider.destroy()
    },
  }
}
