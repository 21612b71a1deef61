import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { MonacoBinding } from 'y-monaco'
import type { JudgeResult, ProblemDetail, User } from '../api'
import { useRuntimes } from '../api/hooks'
import { useJudge } from '../api/useJudge'
import CodeEditor, { type Editor } from '../editor/CodeEditor'
import { LanguagePicker } from '../editor/LanguagePicker'
import { languageInfo, problemLanguages } from '../editor/languages'
import { EditorOverOutput, JudgeOutput, RunControls } from '../components/RunControls'
import { Loading } from '../components/States'
import { colorFor } from './ws'
import { openRoomProvider } from './provider'
import { isFinalClose, type RoomClosed } from './useEvents'

const TEXT = 'code'
const META = 'meta'
const DEFAULT_LANGUAGE = 'javascript'

type CollabStatus = 'connecting' | 'connected' | 'disconnected'

interface AwarenessUser {
  id: string
  name: string
  color: string
}

/** CSS for the remote cursors y-monaco decorates (`yRemoteSelection-<clientID>`). */
function cursorCss(states: Map<number, Record<string, unknown>>, self: number): string {
  const rules: string[] = []
  for (const [client, state] of states) {
    if (client === self) continue
    const u = state.user as AwarenessUser | undefined
    if (!u) continue
    const color = /^#[0-9a-f]{6}$/i.test(u.color) ? u.color : '#2563eb'
    const name = String(u.name ?? '').replace(/[^\p{L}\p{N} ._-]/gu, '').slice(0, 40)
    rules.push(
      `.yRemoteSelection-${client}{background-color:${color}33}`,
      `.yRemoteSelectionHead-${client}{position:absolute;border-left:2px solid ${color};height:100%;box-sizing:border-box}`,
      `.yRemoteSelectionHead-${client}::after{content:"${name}";position:absolute;top:-1.3em;left:-2px;padding:0 4px;font:11px/1.3em system-ui,sans-serif;white-space:nowrap;color:#fff;background:${color};border-radius:3px 3px 3px 0;pointer-events:none;z-index:10}`,
    )
  }
  return rules.join('\n')
}

interface Collab {
  doc: Y.Doc
  provider: WebsocketProvider
  text: Y.Text
  meta: Y.Map<unknown>
}

function useCollab(sessionId: string, user: User, enabled: boolean) {
  const [collab, setCollab] = useState<Collab | null>(null)
  const [status, setStatus] = useState<CollabStatus>('connecting')
  const [synced, setSynced] = useState(false)
  const [language, setLanguage] = useState<string>(DEFAULT_LANGUAGE)
  const [others, setOthers] = useState<AwarenessUser[]>([])
  const [closed, setClosed] = useState<RoomClosed | null>(null)
  const styleRef = useRef<HTMLStyleElement | null>(null)

  useEffect(() => {
    if (!enabled) return
    const doc = new Y.Doc()
    const { provider, dispose } = openRoomProvider(sessionId, doc)
    const text = doc.getText(TEXT)
    const meta = doc.getMap<unknown>(META)
    provider.awareness.setLocalStateField('user', { id: user.id, name: user.name, color: colorFor(user.id) } satisfies AwarenessUser)
    const style = document.createElement('style')
    style.dataset.coderoom = 'cursors'
    document.head.appendChild(style)
    styleRef.current = style

    const onStatus = ({ status: s }: { status: CollabStatus }) => setStatus(s)
    // The provider stops reconnecting after a 44xx close; the reason is shown to the person.
    const onClosed = ({ code, reason }: RoomClosed) => {
      if (isFinalClose(code)) setClosed({ code, reason: reason || 'The room was closed' })
    }
    const onSync = (isSynced: boolean) => setSynced((was) => was || isSynced)
    const onMeta = () => {
      const l = meta.get('language')
      if (typeof l === 'string' && l) setLanguage(l)
    }
    const onAwareness = () => {
      const states = provider.awareness.getStates() as Map<number, Record<string, unknown>>
      style.textContent = cursorCss(states, doc.clientID)
      const list: AwarenessUser[] = []
      for (const [client, st] of states) {
        const u = st.user as AwarenessUser | undefined
        if (client !== doc.clientID && u && u.id !== user.id && !list.some((x) => x.id === u.id)) list.push(u)
      }
      setOthers(list)
    }
    provider.on('status', onStatus)
    provider.on('closed', onClosed)
    provider.on('sync', onSync)
    meta.observe(onMeta)
    provider.awareness.on('change', onAwareness)
    onMeta()
    setCollab({ doc, provider, text, meta })
    return () => {
      provider.awareness.off('change', onAwareness)
      meta.unobserve(onMeta)
      provider.off('status', onStatus)
      provider.off('closed', onClosed)
      provider.off('sync', onSync)
      dispose()
      doc.destroy()
      style.remove()
      setCollab(null)
      setSynced(false)
      setClosed(null)
    }
  }, [sessionId, user.id, user.name, enabled])

  return { collab, status, synced, language, others, closed }
}

interface Props {
  sessionId: string
  user: User
  problem: ProblemDetail | null
  readOnly: boolean
  /** The latest result someone in the room shared. */
  sharedResult: JudgeResult | null
  /** Final code of a completed session (read-only view, no live connection). */
  finalCode?: { code: string; language: string } | null
}

export default function RoomWorkbench({ sessionId, user, problem, readOnly: endedOrFinal, sharedResult, finalCode }: Props) {
  const live = !finalCode
  const { collab, status, synced, language, others, closed } = useCollab(sessionId, user, live)
  const readOnly = endedOrFinal || closed !== null
  // A guest may only judge through the problem's run/submit; the list of runtimes is not theirs to read.
  const runtimes = useRuntimes(user.role !== 'guest')
  const [result, setResult] = useState<JudgeResult | null>(null)
  const editorRef = useRef<Editor | null>(null)
  const lang = finalCode ? finalCode.language : language
  const starter = useCallback((l: string) => problem?.starterCode?.[l] ?? '', [problem])
  // A design problem has nothing to run: the editor holds notes beside the whiteboard.
  const design = problem?.kind === 'design'

  // Results shared by others arrive through the events channel; ours come back from the request.
  const seen = useRef(new Set<string>())
  useEffect(() => {
    if (!sharedResult) return
    const id = sharedResult.submissionId
    if (id && seen.current.has(id)) return
    if (id) seen.current.add(id)
    setResult(sharedResult)
  }, [sharedResult])
  const onResult = (r: JudgeResult) => {
    if (r.submissionId) seen.current.add(r.submissionId)
    setResult({ ...r, user: r.user ?? { id: user.id, name: user.name } })
  }

  const code = () => collab?.text.toString() ?? editorRef.current?.getValue() ?? ''
  const judge = useJudge({ problem, request: () => ({ language: lang, code: code(), sessionId }), onResult, enabled: !readOnly })
  const { busy } = judge

  // Binds Monaco to the shared text once both exist; the binding replaces the editor's text
  // with the document's (the server seeds the starter code into the document).
  const [editor, setEditor] = useState<Editor | null>(null)
  useEffect(() => {
    if (!editor || !collab) return
    const model = editor.getModel()
    if (!model) return
    const binding = new MonacoBinding(collab.text, model, new Set([editor]), collab.provider.awareness)
    return () => binding.destroy()
  }, [editor, collab])

  const switchLanguage = (next: string) => {
    if (!collab || next === language) return
    const current = collab.text.toString()
    const untouched = current.trim() === '' || current.trim() === starter(language).trim()
    const replace = starter(next) !== '' && (untouched || window.confirm(`Switch everyone to ${languageInfo(next).label} and replace the code with its starter code?`))
    if (!untouched && !replace) return
    collab.doc.transact(() => {
      collab.meta.set('language', next)
      if (replace) {
        collab.text.delete(0, collab.text.length)
        collab.text.insert(0, starter(next))
      }
    })
  }

  const offered = useMemo(() => problemLanguages(problem?.languages ?? Object.keys(problem?.starterCode ?? {})).map((l) => l.id), [problem])
  const connLabel = !live
    ? 'Final code'
    : closed
      ? 'Closed'
      : status === 'connected'
        ? synced
          ? 'Editor connected'
          : 'Syncing…'
        : status === 'connecting'
          ? 'Connecting…'
          : 'Reconnecting…'

  return (
    <div className="flex h-full min-h-0 flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2 rounded-box bg-base-100 p-2 shadow-sm">
        <LanguagePicker value={lang} onChange={switchLanguage} offered={offered} runtimes={runtimes.data} disabled={readOnly || !synced || busy} />
        <span
          className={`badge badge-sm ${!live ? 'badge-neutral' : status === 'connected' && synced ? 'badge-success' : 'badge-warning'}`}
          data-testid="collab-status"
          data-status={live ? (closed ? 'closed' : status === 'connected' && synced ? 'synced' : status) : 'final'}
        >
          {connLabel}
        </span>
        {others.length > 0 && (
          <span className="flex items-center gap-1 text-xs" data-testid="editor-presence">
            {others.map((o) => (
              <span key={o.id} className="badge badge-sm border-0 text-white" style={{ backgroundColor: o.color }}>
                {o.name}
              </span>
            ))}
          </span>
        )}
        <div className="flex-1" />
        {!readOnly && judge.runnable && <RunControls judge={judge} disabled={!synced} />}
      </div>
      <EditorOverOutput
        storageKey="room-output"
        initial={65}
        max={88}
        height="h-[70vh]"
        overlay={
          <>
            {live && closed && closed.code !== 4409 && (
              <div role="alert" className="alert alert-warning absolute inset-x-2 top-2 z-20 py-2 text-sm" data-testid="editor-closed" data-code={closed.code}>
                {closed.reason}
              </div>
            )}
            {live && !synced && !closed && (
              <div className="absolute inset-0 z-10 flex items-center justify-center bg-base-100/70">
                <Loading label={status === 'connected' ? 'Loading the shared code…' : 'Connecting to the room…'} testId="collab-loading" />
              </div>
            )}
          </>
        }
        editor={
          <CodeEditor
            language={languageInfo(lang).monaco}
            value={finalCode ? finalCode.code : undefined}
            readOnly={readOnly}
            onRun={judge.run}
            onMount={(ed) => {
              editorRef.current = ed
              setEditor(ed)
              return () => {
                editorRef.current = null
                setEditor(null)
              }
            }}
            ariaLabel={readOnly ? 'Final code (read only)' : 'Shared code editor'}
          />
        }
        output={
          <JudgeOutput
            judge={judge}
            inputId="room-stdin"
            result={result}
            title={(r) => `${r.mode === 'submit' ? 'Submitted' : 'Run'}${r.user ? ` by ${r.user.name}` : ''}`}
            empty={
              readOnly
                ? 'This session has ended.'
                : design
                  ? 'A design problem: nothing is run. Draw on the Whiteboard tab; write APIs, data models and numbers here.'
                  : !judge.runnable
                    ? 'Running code needs the judge, which this server does not offer yet.'
                    : 'Run or submit: everyone in the room sees the result.'
            }
          />
        }
      />
    </div>
  )
}

