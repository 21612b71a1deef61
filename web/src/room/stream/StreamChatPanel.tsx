// Lazy chunk: loaded only when the server has Stream keys.
import { useEffect, useState } from 'react'
import { StreamChat, type Channel as StreamChannel } from 'stream-chat'
import { Channel, Chat, MessageComposer, MessageList, Window } from 'stream-chat-react'
import 'stream-chat-react/dist/css/index.css'
import { currentTheme, fetchStreamToken, streamUser, tokenProvider } from './token'

// One connection per page, shared by every panel that needs it (React StrictMode mounts twice):
// released a little after the last panel goes away.
let shared: { key: string; users: number; ready: Promise<StreamChat>; timer?: ReturnType<typeof setTimeout> } | null = null

function acquire(apiKey: string): Promise<StreamChat> {
  if (shared && shared.key === apiKey) {
    clearTimeout(shared.timer)
    shared.users++
    return shared.ready
  }
  const ready = (async () => {
    const t = await fetchStreamToken()
    const client = StreamChat.getInstance(t.apiKey || apiKey)
    if (client.userID !== t.userId) {
      if (client.userID) await client.disconnectUser()
      await client.connectUser(streamUser(t), tokenProvider)
    }
    return client
  })()
  shared = { key: apiKey, users: 1, ready }
  ready.catch(() => {
    if (shared?.ready === ready) shared = null
  })
  return ready
}

function release(apiKey: string) {
  const s = shared
  if (!s || s.key !== apiKey) return
  if (--s.users > 0) return
  s.timer = setTimeout(() => {
    if (shared !== s || s.users > 0) return
    shared = null
    void s.ready.then((c) => c.disconnectUser()).catch(() => undefined)
  }, 1000)
}

/** The room's chat through Stream: channel type `messaging`, id = the session's `callId` (the server creates it). */
export default function StreamChatPanel({ apiKey, callId }: { apiKey: string; callId: string }) {
  const [client, setClient] = useState<StreamChat | null>(null)
  const [channel, setChannel] = useState<StreamChannel | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    acquire(apiKey)
      .then(async (c) => {
        const ch = c.channel('messaging', callId)
        await ch.watch()
        if (cancelled) return
        setClient(c)
        setChannel(ch)
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)))
    return () => {
      cancelled = true
      setChannel(null)
      setClient(null)
      release(apiKey)
    }
  }, [apiKey, callId])

  if (error) {
    return (
      <div role="alert" className="alert alert-warning alert-soft py-1 text-sm">
        {error}
      </div>
    )
  }
  if (!client || !channel) {
    return (
      <div className="flex items-center gap-2 py-2 text-sm text-base-content/60" aria-busy="true">
        <span className="loading loading-spinner loading-sm" aria-hidden="true" /> Connecting to the chat…
      </div>
    )
  }
  return (
    <section aria-label="Chat" className="flex flex-1 flex-col overflow-hidden rounded-box" style={{ minHeight: '18rem' }} data-testid="stream-chat">
      <Chat client={client} theme={`str-chat__theme-${currentTheme()}`}>
        <Channel channel={channel}>
          <Window>
            <MessageList />
            <MessageComposer />
          </Window>
        </Channel>
      </Chat>
    </section>
  )
}
