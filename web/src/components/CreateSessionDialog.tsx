import { useEffect, useId, useState } from 'react'
import { useNavigate } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys } from '../api'
import { useProblems } from '../api/hooks'
import { Modal, ErrorAlert } from './Modal'
import { DifficultyBadge } from './DifficultyBadge'
import { Loading, EmptyState } from './States'

export function CreateSessionDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const problems = useProblems()
  const [selected, setSelected] = useState<string | null>(null)
  const [filter, setFilter] = useState('')
  const qc = useQueryClient()
  const navigate = useNavigate()
  const listId = useId()

  const create = useMutation({
    mutationFn: api.createSession,
    onSuccess: (session) => {
      qc.setQueryData(keys.session(session.id), session)
      void qc.invalidateQueries({ queryKey: keys.active })
      onClose()
      navigate(`/session/${encodeURIComponent(session.id)}`)
    },
  })

  useEffect(() => {
    if (!open) {
      setSelected(null)
      setFilter('')
      create.reset()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open])

  const q = filter.trim().toLowerCase()
  const list = (problems.data ?? []).filter(
    (p) => !q || p.title.toLowerCase().includes(q) || p.category.toLowerCase().includes(q) || p.tags.some((t) => t.toLowerCase().includes(q)),
  )
  const current = problems.data?.find((p) => p.slug === selected) ?? null

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Create a session"
      wide
      testId="create-session-dialog"
      actions={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={create.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!selected || create.isPending}
            onClick={() => selected && create.mutate(selected)}
            data-testid="confirm-create"
          >
            {create.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
            Create session
          </button>
        </>
      }
    >
      {problems.isPending ? (
        <Loading label="Loading problems…" />
      ) : problems.isError ? (
        <ErrorAlert message={errorMessage(problems.error)} />
      ) : problems.data.length === 0 ? (
        <EmptyState title="No problems available" testId="problems-empty">
          The server has no problems configured yet.
        </EmptyState>
      ) : (
        <div className="space-y-3">
          <label className="input input-sm w-full">
            <span className="sr-only">Filter problems</span>
            <svg aria-hidden="true" viewBox="0 0 24 24" className="h-4 w-4 opacity-60" fill="none" stroke="currentColor" strokeWidth="2">
              <circle cx="11" cy="11" r="7" />
              <path strokeLinecap="round" d="m20 20-3.5-3.5" />
            </svg>
            <input type="search" placeholder="Filter by title, category or tag" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </label>
          <fieldset>
            <legend className="sr-only">Problem</legend>
            <ul id={listId} className="max-h-72 space-y-1 overflow-y-auto pr-1" data-testid="problem-list">
              {list.map((p) => (
                <li key={p.slug}>
                  <label
                    className={`flex cursor-pointer items-center gap-3 rounded-box border px-3 py-2 focus-within:outline-2 focus-within:outline-primary ${
                      selected === p.slug ? 'border-primary bg-primary/10' : 'border-base-300 hover:bg-base-200'
                    }`}
                    data-testid={`problem-option-${p.slug}`}
                  >
                    <input
                      type="radio"
                      name="problem"
                      className="radio radio-primary radio-sm"
                      value={p.slug}
                      checked={selected === p.slug}
                      onChange={() => setSelected(p.slug)}
                    />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium">{p.title}</span>
                      <span className="block truncate text-xs text-base-content/60">{p.category}</span>
                    </span>
                    <DifficultyBadge difficulty={p.difficulty} />
                  </label>
                </li>
              ))}
              {list.length === 0 && <li className="py-4 text-center text-sm text-base-content/60">No problem matches “{filter}”.</li>}
            </ul>
          </fieldset>
          <div className="min-h-16 rounded-box bg-base-200 p-3 text-sm" aria-live="polite" data-testid="problem-excerpt">
            {current ? (
              <>
                <p className="font-medium">{current.title}</p>
                <p className="mt-1 line-clamp-4 text-base-content/80">{current.summary}</p>
                {current.tags.length > 0 && (
                  <div className="mt-2 flex flex-wrap gap-1">
                    {current.tags.map((t) => (
                      <span key={t} className="badge badge-ghost badge-xs">
                        {t}
                      </span>
                    ))}
                  </div>
                )}
              </>
            ) : (
              <p className="text-base-content/60">Select a problem to see its description.</p>
            )}
          </div>
          {create.isError && <ErrorAlert message={errorMessage(create.error)} />}
        </div>
      )}
    </Modal>
  )
}
