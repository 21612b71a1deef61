import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { ChatMessage } from '../api'
import { timeAgo } from '../format'
import { colorFor } from './ws'

export function ChatPanel({
  messages,
  meId,
  onSend,
  disabled,
  disabledReason,
}: {
  messages: ChatMessage[]
  meId: string
  onSend?: (text: string) => boolean
  disabled?: boolean
  disabledReason?: string
}) {
  const [text, setText] = useState('')
  const [failed, setFailed] = useState(false)
  const list = useRef<HTMLOListElement>(null)

  useEffect(() => {
    const el = list.current
    if (el) el.scrollTop = el.scrollHeight
  }, [messages.length])

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const t = text.trim()
    if (!t || !onSend) return
    if (onSend(t)) {
      setText('')
      setFailed(false)
    } else setFailed(true)
  }

  return (
    <section aria-label="Chat" className="flex min-h-0 flex-col gap-2" data-testid="chat">
      <ol ref={list} className="max-h-72 min-h-24 flex-1 space-y-2 overflow-y-auto rounded-box bg-base-200/60 p-2 text-sm lg:max-h-none" aria-live="polite" data-testid="chat-messages">
        {messages.length === 0 && <li className="py-4 text-center text-xs text-base-content/60">No messages yet.</li>}
        {messages.map((m) => (
          <li key={m.id} className={`flex flex-col ${m.user.id === meId ? 'items-end' : 'items-start'}`} data-testid="chat-message">
            <span className="text-[0.7rem] text-base-content/60">
              <span style={{ color: colorFor(m.user.id) }} className="font-semibold">
                {m.user.id === meId ? 'You' : m.user.name}
              </span>{' '}
              · {timeAgo(m.createdAt)}
            </span>
            <span className={`max-w-[90%] whitespace-pre-wrap break-words rounded-box px-2 py-1 ${m.user.id === meId ? 'bg-primary text-primary-content' : 'bg-base-100'}`}>
              {m.text}
            </span>
          </li>
        ))}
      </ol>
      {onSend && (
        <form onSubmit={submit} className="flex gap-1">
          <label htmlFor="chat-input" className="sr-only">
            Message
          </label>
          <input
            id="chat-input"
            className="input input-sm flex-1"
            placeholder={disabled ? disabledReason : 'Message'}
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.target.value)}
            disabled={disabled}
            autoComplete="off"
            data-testid="chat-input"
          />
          <button type="submit" className="btn btn-sm btn-primary" disabled={disabled || !text.trim()} data-testid="chat-send">
            Send
          </button>
        </form>
      )}
      {failed && <p className="text-xs text-error">Not connected: the message was not sent.</p>}
    </section>
  )
}
