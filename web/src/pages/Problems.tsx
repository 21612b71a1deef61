import { startTransition, useMemo, useOptimistic } from 'react'
import { Link, useSearchParams } from 'react-router'
import type { Difficulty } from '../api'
import { useProblems } from '../api/hooks'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { SearchBox } from '../components/SearchBox'
import { EmptyState, QueryState, SkeletonList } from '../components/States'

const FILTERS: Array<{ value: Difficulty | 'all'; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'easy', label: 'Easy' },
  { value: 'medium', label: 'Medium' },
  { value: 'hard', label: 'Hard' },
]

export function ProblemsPage() {
  const problems = useProblems()
  // Filters live in the URL, so a filtered list can be shared and survives a reload. The
  // router applies a URL change in a transition; until it lands the controls show the chosen
  // value, rather than a radio snapping back or the search box dropping keystrokes.
  const [params, setParams] = useSearchParams()
  const [shown, show] = useOptimistic(params, (_: URLSearchParams, next: URLSearchParams) => next)
  const filter = (shown.get('difficulty') as Difficulty | null) ?? 'all'
  const tag = shown.get('tag') ?? ''
  const kind = shown.get('kind') ?? ''
  const q = shown.get('q') ?? ''
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(shown)
    if (value && value !== 'all') next.set(key, value)
    else next.delete(key)
    startTransition(() => {
      show(next)
      setParams(next, { replace: true })
    })
  }

  const all = problems.data ?? []
  const tags = useMemo(() => [...new Set(all.flatMap((p) => p.tags))].sort(), [all])
  const needle = q.trim().toLowerCase()
  const list = all.filter(
    (p) =>
      (filter === 'all' || p.difficulty === filter) &&
      (!tag || p.tags.includes(tag)) &&
      (!kind || (p.kind ?? 'coding') === kind) &&
      (!needle ||
        p.title.toLowerCase().includes(needle) ||
        p.summary.toLowerCase().includes(needle) ||
        p.category.toLowerCase().includes(needle) ||
        p.tags.some((t) => t.toLowerCase().includes(needle))),
  )
  const count = (d: Difficulty) => all.filter((p) => p.difficulty === d).length

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
              aria-label={f.value === 'all' || !problems.data ? f.label : `${f.label} (${count(f.value)})`}
              checked={filter === f.value}
              onChange={() => update('difficulty', f.value)}
              data-testid={`filter-${f.value}`}
            />
          ))}
        </div>
      </div>
      <div className="flex flex-col gap-2 sm:flex-row">
        <SearchBox
          label="Search problems"
          width="w-full sm:flex-1"
          placeholder="Search by title, topic or tag"
          value={q}
          onChange={(v) => update('q', v)}
          testId="problem-search"
        />
        <label className="sr-only" htmlFor="kind-filter">
          Filter by kind
        </label>
        <select id="kind-filter" className="select select-sm w-full sm:w-44" value={kind} onChange={(e) => update('kind', e.target.value)} data-testid="kind-filter">
          <option value="">Coding and design</option>
          <option value="coding">Coding (judged)</option>
          <option value="design">System design</option>
        </select>
        <label className="sr-only" htmlFor="tag-filter">
          Filter by tag
        </label>
        <select id="tag-filter" className="select select-sm w-full sm:w-56" value={tag} onChange={(e) => update('tag', e.target.value)} data-testid="tag-filter">
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <QueryState
        query={problems}
        loading={<SkeletonList rows={4} />}
        isEmpty={() => list.length === 0}
        empty={
          <EmptyState title={all.length === 0 ? 'No problems yet' : 'No problem matches these filters'} testId="problems-empty">
            {all.length > 0 && (
              <button type="button" className="link link-primary" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                Clear the filters
              </button>
            )}
          </EmptyState>
        }
      >
        {() => (
          <>
            <p className="text-sm text-base-content/60" aria-live="polite" data-testid="problems-count">
              {list.length} of {all.length} problems
            </p>
            <ul className="grid gap-3 sm:grid-cols-2" data-testid="problems">
              {list.map((p) => (
                <li key={p.slug} className="card card-border bg-base-100" data-testid="problem-card" data-slug={p.slug}>
                  <div className="card-body gap-2 p-4">
                    <div className="flex items-start justify-between gap-2">
                      <Link to={`/problem/${encodeURIComponent(p.slug)}`} className="link link-hover font-semibold">
                        {p.title}
                      </Link>
                      <span className="flex flex-none items-center gap-1">
                        {p.kind === 'design' && (
                          <span className="badge badge-info badge-sm" data-testid="design-badge" title="A design prompt for the whiteboard: nothing is run">
                            Design
                          </span>
                        )}
                        <DifficultyBadge difficulty={p.difficulty} />
                      </span>
                    </div>
                    <p className="text-xs text-base-content/60">{p.category}</p>
                    <p className="line-clamp-2 text-sm text-base-content/80">{p.summary}</p>
                    {p.tags.length > 0 && (
                      <div className="flex flex-wrap gap-1">
                        {p.tags.map((t) => (
                          <button key={t} type="button" className="badge badge-ghost badge-sm cursor-pointer hover:badge-primary" onClick={() => update('tag', t)}>
                            {t}
                          </button>
                        ))}
                      </div>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryState>
    </div>
  )
}
