import type { ReactNode } from 'react'
import { errorMessage, isApiError, type JudgeResult, type ProblemDetail } from '../api'
import { ErrorAlert } from './Modal'
import { ResultPanel } from './ResultPanel'
import { Loading } from './States'

/** The judge's error, with a clearer message when this server has no judge. */
export function judgeError(e: unknown): string {
  if (isApiError(e, 404) && /no such api endpoint|^not found\.?$/i.test(errorMessage(e))) {
    return 'This server has no judge yet: code cannot be run.'
  }
  return errorMessage(e)
}

/** The first example's arguments, one JSON value per line: a starting point for custom input. */
export function sampleInput(problem: ProblemDetail): string {
  const test = problem.visibleTests?.[0]
  const params = problem.signature?.params
  if (!test || !params) return ''
  return params.map((p) => JSON.stringify(test.input[p.name] ?? null)).join('\n')
}

export function RunControls({
  busy,
  running,
  submitting,
  onRun,
  onSubmit,
  custom,
  setCustom,
  disabled,
}: {
  busy: boolean
  running: boolean
  submitting: boolean
  onRun: () => void
  onSubmit: () => void
  custom: boolean
  setCustom: (v: boolean) => void
  disabled?: boolean
}) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="label cursor-pointer gap-1 text-sm">
        <input type="checkbox" className="checkbox checkbox-xs" checked={custom} onChange={(e) => setCustom(e.target.checked)} data-testid="custom-toggle" />
        Custom input
      </label>
      <button type="button" className="btn btn-sm" onClick={onRun} disabled={busy || disabled} data-testid="run" title="Run (Ctrl+Enter)">
        {running && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        Run
      </button>
      <button type="button" className="btn btn-primary btn-sm" onClick={onSubmit} disabled={busy || disabled} data-testid="submit-code">
        {submitting && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
        Submit
      </button>
    </div>
  )
}

/** Below the editor: the custom input when chosen, then the judge's answer or `empty`. */
export function JudgeOutput({
  inputId,
  custom,
  stdin,
  setStdin,
  params,
  error,
  running,
  submitting,
  result,
  title,
  empty,
}: {
  inputId: string
  custom: boolean
  stdin: string
  setStdin: (v: string) => void
  /** How many parameters the function takes: the input's height in lines. */
  params: number
  error: unknown
  running: boolean
  submitting: boolean
  result: JudgeResult | null
  title?: (r: JudgeResult) => string
  empty: ReactNode
}) {
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
