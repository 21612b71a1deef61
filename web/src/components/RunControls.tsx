import type { ReactNode } from 'react'
import { errorMessage, isApiError, type JudgeResult } from '../api'
import type { Judge } from '../api/useJudge'
import { ErrorAlert } from './Modal'
import { ResultPanel } from './ResultPanel'
import { SplitPane } from './SplitPane'
import { Loading } from './States'

/** The judge's error, with a clearer message when this server has no judge. */
export function judgeError(e: unknown): string {
  if (isApiError(e, 404) && /no such api endpoint|^not found\.?$/i.test(errorMessage(e))) {
    return 'This server has no judge yet: code cannot be run.'
  }
  return errorMessage(e)
}

export function RunControls({ judge, disabled }: { judge: Judge; disabled?: boolean }) {
  const { busy, running, submitting, custom, setCustom } = judge
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="label cursor-pointer gap-1 text-sm">
        <input type="checkbox" className="checkbox checkbox-xs" checked={custom} onChange={(e) => setCustom(e.target.checked)} data-testid="custom-toggle" />
        Custom input
      </label>
      <button type="button" className="btn btn-sm" onClick={judge.run} disabled={busy || disabled} data-testid="run" title="Run (Ctrl+Enter)">
        {running && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        Run
      </button>
      <button type="button" className="btn btn-primary btn-sm" onClick={judge.submit} disabled={busy || disabled} data-testid="submit-code">
        {submitting && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        Submit
      </button>
    </div>
  )
}

/** Below the editor: the custom input when chosen, then the judge's answer or `empty`. */
export function JudgeOutput({
  judge,
  inputId,
  result,
  title,
  empty,
}: {
  judge: Judge
  inputId: string
  result: JudgeResult | null
  title?: (r: JudgeResult) => string
  empty: ReactNode
}) {
  const { custom, stdin, setStdin, params, error, running, submitting } = judge
  return (
    <div className="h-full space-y-3 overflow-y-auto rounded-box bg-base-100 p-3 shadow-sm" data-testid="output-panel">
      {custom && (
        <div>
          <label htmlFor={inputId} className="text-sm font-medium">
            Custom input <span className="font-normal text-base-content/60">— one JSON value per line, one line per parameter</span>
          </label>
          <textarea
            id={inputId}
            className="textarea textarea-sm mt-1 w-full font-mono"
            rows={Math.max(2, params)}
            value={stdin}
            onChange={(e) => setStdin(e.target.value)}
            data-testid="custom-input"
          />
        </div>
      )}
      {error != null && <ErrorAlert message={judgeError(error)} testId="run-error" />}
      {running || submitting ? (
        <Loading label={running ? 'Running…' : 'Judging every test…'} testId="judging" />
      ) : result ? (
        <ResultPanel key={result.submissionId ?? JSON.stringify([result.verdict, result.passed, result.user?.id])} result={result} title={title?.(result)} />
      ) : (
        error == null && (
          <p className="text-sm text-base-content/60" data-testid="output-empty">
            {empty}
          </p>
        )
      )}
    </div>
  )
}

/**
 * The editor, framed, above the judge's output, the split resizable and remembered under
 * `storageKey`; below the `lg` breakpoint the pair takes `height` of the screen. `overlay`
 * (notices drawn over the editor) makes the frame their positioning box.
 */
export function EditorOverOutput({
  storageKey,
  initial,
  max,
  height,
  editor,
  overlay,
  output,
}: {
  storageKey: string
  initial: number
  max: number
  height: string
  editor: ReactNode
  overlay?: ReactNode
  output: ReactNode
}) {
  const frame = 'h-full overflow-hidden rounded-box border border-base-300 bg-base-100'
  return (
    <SplitPane
      direction="col"
      label="Resize the editor and the results"
      storageKey={storageKey}
      initial={initial}
      min={25}
      max={max}
      className={`${height} min-h-0 flex-none lg:h-auto lg:flex-1`}
      first={
        <div className={overlay === undefined ? frame : `relative ${frame}`}>
          {overlay}
          {editor}
        </div>
      }
      second={output}
    />
  )
}
