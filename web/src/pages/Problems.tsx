import { useState } from 'react'
import { Link, useParams } from 'react-router'
import type { Difficulty } from '../api'
import { errorMessage } from '../api'
import { useProblems } from '../api/hooks'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { EmptyState, Loading } from '../components/States'
import { ErrorAlert } from '../components/Modal'

const FILTERS: Array<{ value: Difficulty | 'all'; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'easy', label: 'Easy' },
  { value: 'medium', label: 'Medium' },
  { value: 'hard', label: 'Hard' },
]

export function ProblemsPage() {
  const problems = useProblems()
  const [filter, setFilter] = useState<Difficulty | 'all'>('all')
  const list = (problems.data ?? []).filter((p) => filter === 'all' || p.difficulty === filter)

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <h1 className="text-2xl font-bold">Problems</h1>
        <div role="radiogroup" aria-label="Filter by difficulty" className="join" data-testid="difficulty-filter">
          {FILTERS.map((f) => (
            <input
              key={f.value}
              type="radio"
              name="difficulty"
              className="join-item btn btn-sm"
              aria-label={f.label}
              checked={filter === f.value}
              onChange={() => setFilter(f.value)}
              data-testid={`filter-${f.value}`}
            />
          ))}
        </div>
      </div>
      {problems.isPending ? (
        <Loading label="Loading problems…" />
      ) : problems.isError ? (
        <ErrorAlert message={errorMessage(problems.error)} />
      ) : list.length === 0 ? (
        <EmptyState title={filter === 'all' ? 'No problems yet' : `No ${filter} problems`} testId="problems-empty" />
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2" data-testid="problems">
          {list.map((p) => (
            <li key={p.slug} className="card card-border bg-base-100" data-testid="problem-card">
              <div className="card-body gap-2 p-4">
                <div className="flex items-start justify-between gap-2">
                  <Link to={`/problem/${encodeURIComponent(p.slug)}`} className="link link-hover font-semibold">
                    {p.title}
                  </Link>
                  <DifficultyBadge difficulty={p.difficulty} />
                </div>
                <p className="text-xs text-base-content/60">{p.category}</p>
                <p className="line-clamp-2 text-sm text-base-content/80">{p.summary}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function ProblemPage() {
  const { slug = '' } = useParams()
  const problems = useProblems()
  if (problems.isPending) return <Loading />
  if (problems.isError) return <ErrorAlert message={errorMessage(problems.error)} />
  const p = problems.data.find((x) => x.slug === slug)
  if (!p) {
    return (
      <EmptyState title="Problem not found" testId="problem-missing">
        <Link to="/problems" className="link link-primary">
          Back to problems
        </Link>
      </EmptyState>
    )
  }
  return (
    <article className="card bg-base-100 shadow-sm" data-testid="problem-detail">
      <div className="card-body gap-3">
        <Link to="/problems" className="link link-hover text-sm">
          ← Problems
        </Link>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-bold">{p.title}</h1>
          <DifficultyBadge difficulty={p.difficulty} size="md" />
        </div>
        <p className="text-sm text-base-content/60">{p.category}</p>
        <p className="whitespace-pre-line">{p.summary}</p>
        {p.tags.length > 0 && (
          <div className="flex flex-wrap gap-1">
            {p.tags.map((t) => (
              <span key={t} className="badge badge-ghost badge-sm">
                {t}
              </span>
            ))}
          </div>
        )}
        <p className="text-sm text-base-content/60">The full problem view with the editor is coming soon.</p>
      </div>
    </article>
  )
}
