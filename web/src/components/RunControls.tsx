import { errorMessage, isApiError, type ProblemDetail } from '../api'

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
