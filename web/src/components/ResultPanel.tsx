import { useState } from 'react'
import type { JudgeResult, TestResult, TestStatus, Verdict } from '../api'
import { verdictLabel } from '../format'

const VERDICT_CLASS: Record<Verdict, string> = {
  accepted: 'text-success',
  wrong_answer: 'text-error',
  runtime_error: 'text-error',
  time_limit: 'text-warning',
  memory_limit: 'text-warning',
  compile_error: 'text-error',
}

const STATUS: Record<TestStatus, { label: string; badge: string }> = {
  passed: { label: 'Passed', badge: 'badge-success' },
  wrong_answer: { label: 'Wrong answer', badge: 'badge-error' },
  runtime_error: { label: 'Runtime error', badge: 'badge-error' },
  time_limit: { label: 'Time limit', badge: 'badge-warning' },
  memory_limit: { label: 'Memory limit', badge: 'badge-warning' },
  skipped: { label: 'Not run', badge: 'badge-ghost' },
}

function show(v: unknown): string {
  if (v === undefined) return '—'
  if (typeof v === 'string') return JSON.stringify(v)
  try {
    return JSON.stringify(v)
  } catch {
    return String(v)
  }
}

function formatInput(input: unknown): string {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    return Object.entries(input as Record<string, unknown>)
      .map(([k, v]) => `${k} = ${show(v)}`)
      .join(', ')
  }
  return show(input)
}

function Pre({ label, text, tone }: { label: string; text: string; tone?: 'error' }) {
  return (
    <div>
      <p className="mb-0.5 text-xs font-medium text-base-content/70">{label}</p>
      <pre
        className={`max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-base-200 p-2 font-mono text-xs ${tone === 'error' ? 'text-error' : ''}`}
      >
        {text}
      </pre>
    </div>
  )
}

function TestDetail({ t }: { t: TestResult }) {
  return (
    <div className="space-y-2" data-testid="test-detail">
      <Pre label="Input" text={formatInput(t.input)} />
      {'expected' in t && t.expected !== undefined && <Pre label="Expected" text={show(t.expected)} />}
      {t.status !== 'skipped' && <Pre label="Your answer" text={t.actual === undefined || t.actual === null ? (t.status === 'passed' ? show(t.actual) : '—') : show(t.actual)} />}
      {t.output && <Pre label="Output (stdout / stderr)" text={t.output} />}
      {t.error && <Pre label="Error" text={t.error} tone="error" />}
    </div>
  )
}

/** A run or submit result: verdict, per-test tabs with input/expected/answer/output. */
export function ResultPanel({ result, title }: { result: JudgeResult; title?: string }) {
  const [sel, setSel] = useState(() => Math.max(0, result.tests.findIndex((t) => t.status !== 'passed')))
  const current = result.tests[sel] ?? result.tests[0]
  return (
    <div className="space-y-3" data-testid="result" data-verdict={result.verdict} aria-live="polite">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <p className={`text-lg font-bold ${VERDICT_CLASS[result.verdict] ?? ''}`} data-testid="verdict">
          {verdictLabel(result.verdict)}
        </p>
        <p className="text-sm text-base-content/70" data-testid="result-count">
          {result.passed}/{result.total} tests passed
          {result.mode === 'submit' && result.hidden && result.hidden.total > 0 && (
            <> · hidden {result.hidden.passed}/{result.hidden.total}</>
          )}
          {typeof result.timeMs === 'number' && <> · {result.timeMs} ms</>}
        </p>
        {title && <p className="text-xs text-base-content/60">{title}</p>}
      </div>
      {result.message && <p className="text-sm text-base-content/80">{result.message}</p>}
      {result.compileOutput && <Pre label="Compiler output" text={result.compileOutput} tone="error" />}
      {result.tests.length > 0 && (
        <>
          <div role="tablist" aria-label="Tests" className="flex flex-wrap gap-1" data-testid="test-tabs">
            {result.tests.map((t, i) => (
              <button
                key={i}
                type="button"
                role="tab"
                aria-selected={i === sel}
                className={`btn btn-xs ${i === sel ? 'btn-active' : 'btn-ghost'} gap-1`}
                onClick={() => setSel(i)}
                data-testid="test-tab"
                data-status={t.status}
              >
                <span className={`badge badge-xs ${STATUS[t.status]?.badge ?? 'badge-ghost'}`} aria-hidden="true" />
                {result.custom ? 'Custom input' : `Test ${t.index + 1}`}
                <span className="sr-only">: {STATUS[t.status]?.label ?? t.status}</span>
              </button>
            ))}
          </div>
          {current && <TestDetail t={current} />}
        </>
      )}
      {result.stderr && <Pre label="Program error output" text={result.stderr} tone="error" />}
    </div>
  )
}
