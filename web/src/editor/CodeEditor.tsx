import { useEffect, useRef, useState } from 'react'
import { monaco } from './monaco'
import { useAppTheme } from '../useAppTheme'
import type { Theme } from '../theme'

export type Editor = monaco.editor.IStandaloneCodeEditor

const monacoTheme = (theme: Theme) => (theme === 'dark' ? 'coderoom-dark' : 'coderoom-light')

/** Follows the app's light/dark theme (runs before the editor is created: effects run in order). */
function useMonacoTheme() {
  const theme = useAppTheme()
  useEffect(() => monaco.editor.setTheme(monacoTheme(theme)), [theme])
}

interface Props {
  /** Monaco language id. */
  language: string
  /** Controlled text; omit when something else (a Yjs binding) owns the model. */
  value?: string
  onChange?: (value: string) => void
  readOnly?: boolean
  /** Called once with the editor; the returned function runs on unmount. */
  onMount?: (editor: Editor) => void | (() => void)
  ariaLabel?: string
  testId?: string
  /** Ctrl/Cmd+Enter. */
  onRun?: () => void
}

export default function CodeEditor({ language, value, onChange, readOnly, onMount, ariaLabel = 'Code editor', testId = 'code-editor', onRun }: Props) {
  const host = useRef<HTMLDivElement>(null)
  const [editor, setEditor] = useState<Editor | null>(null)
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const onRunRef = useRef(onRun)
  onRunRef.current = onRun
  const onMountRef = useRef(onMount)
  onMountRef.current = onMount
  useMonacoTheme()

  useEffect(() => {
    const el = host.current
    if (!el) return
    const model = monaco.editor.createModel(value ?? '', language)
    const ed = monaco.editor.create(el, {
      model,
      // The theme is global in Monaco: set just before, by useMonacoTheme's effect.
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      tabSize: 4,
      scrollBeyondLastLine: false,
      readOnly: !!readOnly,
      ariaLabel,
      fixedOverflowWidgets: true,
      padding: { top: 8 },
    })
    const sub = ed.onDidChangeModelContent(() => onChangeRef.current?.(ed.getValue()))
    ed.addAction({
      id: 'coderoom.run',
      label: 'Run code',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => onRunRef.current?.(),
    })
    // Lets browser tests set or read the whole text without simulating keystrokes.
    Object.defineProperty(el, '__editor', { value: ed, configurable: true })
    const cleanup = onMountRef.current?.(ed)
    setEditor(ed)
    return () => {
      if (typeof cleanup === 'function') cleanup()
      sub.dispose()
      ed.dispose()
      model.dispose()
      setEditor(null)
    }
    // The editor is created once; props are applied by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    const model = editor?.getModel()
    if (model) monaco.editor.setModelLanguage(model, language)
  }, [editor, language])

  useEffect(() => {
    editor?.updateOptions({ readOnly: !!readOnly, ariaLabel })
  }, [editor, readOnly, ariaLabel])

  useEffect(() => {
    if (!editor || value === undefined) return
    if (editor.getValue() !== value) {
      const model = editor.getModel()
      if (model) {
        editor.pushUndoStop()
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null)
        editor.pushUndoStop()
      }
    }
  }, [editor, value])

  return <div ref={host} className="h-full min-h-0 w-full" data-testid={testId} data-ready={editor ? 'true' : 'false'} />
}
