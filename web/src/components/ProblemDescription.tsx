import type { ProblemDetail } from '../api'
import { DifficultyBadge } from './DifficultyBadge'
import { Markdown, inline } from './Markdown'

export function ProblemDescription({ problem, headingLevel = 1 }: { problem: ProblemDetail; headingLevel?: 1 | 2 }) {
  const H = headingLevel === 1 ? 'h1' : 'h2'
  return (
    <article className="space-y-4" data-testid="problem-description">
      <header className="space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <H className="text-xl font-bold" data-testid="problem-title">
            {problem.title}
          </H>
          {problem.kind === 'design' && <span className="badge badge-info badge-sm">Design</span>}
          <DifficultyBadge difficulty={problem.difficulty} />
        </div>
        <p className="text-sm text-base-content/60">{problem.category}</p>
      </header>
      <Markdown source={problem.description || problem.summary} />
      {problem.signature?.text && (
        <p className="text-sm">
          <span className="text-base-content/60">Function: </span>
          <code className="rounded bg-base-200 px-1.5 py-0.5 font-mono text-xs">{problem.signature.text}</code>
        </p>
      )}
      {problem.examples?.length > 0 && (
        <section className="space-y-2" aria-label="Examples">
          {problem.examples.map((ex, i) => (
            <div key={i} className="rounded-box bg-base-200 p-3 text-sm" data-testid="problem-example">
              <p className="mb-1 font-semibold">Example {i + 1}</p>
              <p className="font-mono text-xs break-all">
                <span className="font-sans font-medium">Input: </span>
                {ex.input}
              </p>
              <p className="font-mono text-xs break-all">
                <span className="font-sans font-medium">Output: </span>
                {ex.output}
              </p>
              {ex.explanation && (
                <p className="mt-1 text-xs text-base-content/80">
                  <span className="font-medium">Explanation: </span>
                  {inline(ex.explanation)}
                </p>
              )}
            </div>
          ))}
        </section>
      )}
      {problem.constraints?.length > 0 && (
        <section aria-label="Constraints">
          <h3 className="mb-1 font-semibold">Constraints</h3>
          <ul className="list-disc space-y-0.5 pl-6 text-sm">
            {problem.constraints.map((c, i) => (
              <li key={i}>{inline(c, `c${i}`)}</li>
            ))}
          </ul>
        </section>
      )}
      {problem.hints && problem.hints.length > 0 && (
        <section aria-label="Hints" className="space-y-1">
          {problem.hints.map((h, i) => (
            <details key={i} className="collapse-arrow collapse border border-base-300 bg-base-100 text-sm">
              <summary className="collapse-title min-h-0 py-2 font-medium">Hint {i + 1}</summary>
              <div className="collapse-content">{inline(h, `h${i}`)}</div>
            </details>
          ))}
        </section>
      )}
      {problem.tags.length > 0 && (
        <div className="flex flex-wrap gap-1">
          {problem.tags.map((t) => (
            <span key={t} className="badge badge-ghost badge-sm">
              {t}
            </span>
          ))}
        </div>
      )}
    </article>
  )
}
