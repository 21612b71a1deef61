import { useEffect, useRef, useState } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type Notes } from '../api'
import { Markdown } from '../components/Markdown'
import { ErrorAlert } from '../components/Modal'
import { Loading } from '../components/States'
import { SaveIndicator, useAutosave } from './autosave'

export const NOTES_MAX = 100_000

/** A copy of notes not yet saved, kept in this browser until the server has them. */
const backupKey = (sessionId: string, userId: string) => `coderoom.notes.${sessionId}.${userId}`

function readBackup(key: string): string | null {
  try {
    return window.localStorage.getItem(key)
  } catch {
    return null
  }
}

function writeBackup(key: string, text: string | null) {
  try {
    if (text === null) window.localStorage.removeItem(key)
    else window.localStorage.setItem(key, text)
  } catch {
    /* storage full or refused: the retries still hold the text */
  }
}

/**
 * The interviewer's private notes (Markdown): autosaved 400 ms after typing stops, on leaving
 * the field and when the page is closed; a failed save keeps the text (here and in this
 * browser's storage) and is retried. Only ever rendered for the host, co-interviewers and
 * administrators.
 */
export function NotesPanel({ sessionId, userId, ended }: { sessionId: string; userId: string; ended: boolean }) {
  const qc = useQueryClient()
  const notes = useQuery({
    queryKey: keys.notes(sessionId),
    queryFn: ({ signal }) => api.notes(sessionId, signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  })
  const bkey = backupKey(sessionId, userId)
  const [text, setText] = useState<string | null>(null)
  const [preview, setPreview] = useState(false)
  const saver = useAutosave<string>((markdown) => api.saveNotes(sessionId, markdown), {
    onSaved: (markdown, result) => {
      qc.setQueryData<Notes>(keys.notes(sessionId), result as Notes)
      if (readBackup(bkey) === markdown) writeBackup(bkey, null)
    },
  })

  // The server's notes, unless this browser holds newer ones that never reached it.
  useEffect(() => {
    if (text !== null || !notes.data) return
    const backup = readBackup(bkey)
    if (backup !== null && backup !== notes.data.markdown) {
      setText(backup)
      saver.change(backup)
    } else {
      if (backup !== null) writeBackup(bkey, null)
      setText(notes.data.markdown)
    }
  }, [notes.data, text, bkey, saver])

  // Closing the tab or navigating away: a request that outlives the page.
  const pending = useRef({ dirty: saver.dirty, latest: saver.latest })
  pending.current = { dirty: saver.dirty, latest: saver.latest }
  useEffect(() => {
    const onHide = () => {
      const { dirty, latest } = pending.current
      const value = latest()
      if (!dirty() || value === undefined) return
      void fetch(`/api/sessions/${encodeURIComponent(sessionId)}/notes`, {
        method: 'PUT',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ markdown: value }),
      }).catch(() => {})
    }
    window.addEventListener('pagehide', onHide)
    return () => window.removeEventListener('pagehide', onHide)
  }, [sessionId])

  if (notes.isPending) return <Loading label="Loading your notes…" testId="notes-loading" />
  if (notes.isError) return <ErrorAlert message={errorMessage(notes.error)} testId="notes-error" />
  const value = text ?? notes.data.markdown

  return (
    <section aria-label="Your notes" className="flex min-h-0 flex-1 flex-col gap-2" data-testid="notes-panel">
      <div className="flex flex-wrap items-center gap-2">
        <div role="tablist" aria-label="Notes view" className="join">
          <button type="button" role="tab" aria-selected={!preview} className={`btn join-item btn-xs ${!preview ? 'btn-active' : ''}`} onClick={() => setPreview(false)} data-testid="notes-write">
            Write
          </button>
          <button type="button" role="tab" aria-selected={preview} className={`btn join-item btn-xs ${preview ? 'btn-active' : ''}`} onClick={() => setPreview(true)} data-testid="notes-preview-toggle">
            Preview
          </button>
        </div>
        <span className="ml-auto">
          <SaveIndicator state={saver.state} dirty={saver.dirty()} onRetry={() => void saver.flush()} testId="notes-status" />
        </span>
      </div>
      {preview ? (
        <div className="min-h-40 flex-1 overflow-y-auto rounded-box border border-base-300 p-2 text-sm" data-testid="notes-preview">
          {value.trim() ? <Markdown source={value} /> : <p className="text-base-content/60">Nothing written yet.</p>}
        </div>
      ) : (
        <textarea
          className="textarea min-h-40 w-full flex-1 font-mono text-sm"
          aria-label="Your notes (Markdown)"
          placeholder={'Private to the interviewers. Markdown works: **bold**, - lists, `code`.'}
          value={value}
          maxLength={NOTES_MAX}
          onChange={(e) => {
            const next = e.target.value
            setText(next)
            writeBackup(bkey, next)
            saver.change(next)
          }}
          onBlur={() => void saver.flush()}
          data-testid="notes-input"
        />
      )}
      {ended && <OthersNotes sessionId={sessionId} userId={userId} />}
      <p className="text-xs text-base-content/55">
        Only you see your notes during the interview; the other interviewers see them in the report once it is over.
        {value.length > NOTES_MAX * 0.9 && (
          <span className="ml-1 text-warning">
            {value.length.toLocaleString()}/{NOTES_MAX.toLocaleString()} characters
          </span>
        )}
      </p>
    </section>
  )
}

/** Once the interview is over: the other interviewers' notes this person may read. */
function OthersNotes({ sessionId, userId }: { sessionId: string; userId: string }) {
  const all = useQuery({ queryKey: keys.allNotes(sessionId), queryFn: ({ signal }) => api.allNotes(sessionId, signal), retry: false })
  const others = (all.data ?? []).filter((n) => n.user.id !== userId && n.markdown.trim())
  if (others.length === 0) return null
  return (
    <details className="rounded-box border border-base-300 p-2 text-sm" data-testid="others-notes">
      <summary className="cursor-pointer text-xs font-semibold text-base-content/70">Other interviewers’ notes ({others.length})</summary>
      <div className="mt-2 space-y-3">
        {others.map((n) => (
          <div key={n.user.id}>
            <p className="text-xs font-semibold">{n.user.name}</p>
            <Markdown source={n.markdown} />
          </div>
        ))}
      </div>
    </details>
  )
}
