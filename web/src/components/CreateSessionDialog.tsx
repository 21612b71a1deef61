import { useEffect, useId, useState, type ReactNode } from 'react'
import { useNavigate } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, keys, type Visibility } from '../api'
import { useProblems } from '../api/hooks'
import { Modal, ErrorAlert } from './Modal'
import { DifficultyBadge } from './DifficultyBadge'
import { SearchBox } from './SearchBox'
import { EmptyState, Loading, QueryState } from './States'

/** How long the candidate link made with a new session stays valid. */
export const DEFAULT_INVITE_HOURS = 24

const VISIBILITY: Array<{ value: Visibility; title: string; text: string }> = [
  { value: 'invite', title: 'People with a link', text: 'An interview: you send the candidate a link; no account needed.' },
  { value: 'open', title: 'Any signed-in user', text: 'Pair programming: anyone with an account can join a free seat.' },
]

/** How a choice card lines its radio up with its text: one line (centred) or several (at the top). */
const CARD_ALIGN = {
  center: { card: 'items-center gap-3', radio: 'radio radio-primary radio-sm' },
  top: { card: 'items-start gap-2', radio: 'radio radio-primary radio-sm mt-0.5' },
}

/** One option of a radio group drawn as a card, highlighted while chosen. */
function ChoiceCard({
  name,
  value,
  chosen,
  onChoose,
  align,
  testId,
  radioTestId,
  children,
}: {
  name: string
  value: string
  chosen: boolean
  onChoose: () => void
  align: keyof typeof CARD_ALIGN
  testId?: string
  radioTestId?: string
  children: ReactNode
}) {
  return (
    <label
      className={`flex cursor-pointer ${CARD_ALIGN[align].card} rounded-box border px-3 py-2 focus-within:outline-2 focus-within:outline-primary ${
        chosen ? 'border-primary bg-primary/10' : 'border-base-300 hover:bg-base-200'
      }`}
      data-testid={testId}
    >
      <input type="radio" name={name} className={CARD_ALIGN[align].radio} value={value} checked={chosen} onChange={onChoose} data-testid={radioTestId} />
      {children}
    </label>
  )
}

export function CreateSessionDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const problems = useProblems()
  const [selected, setSelected] = useState<string | null>(null)
  const [filter, setFilter] = useState('')
  const [visibility, setVisibility] = useState<Visibility>('invite')
  // The time box: '' for none, a preset, or 'custom' with its own minutes.
  const [box, setBox] = useState<string>('')
  const [customBox, setCustomBox] = useState('50')
  const qc = useQueryClient()
  const navigate = useNavigate()
  const listId = useId()

  // The session, then at once its candidate link: the host lands in the room with the link on screen.
  const create = useMutation({
    mutationFn: async (input: { problem: string; visibility: Visibility; timeBoxMinutes?: number }) => {
      const session = await api.createSession(input)
      let inviteError: string | null = null
      try {
        const invite = await api.createInvite(session.id, { role: 'candidate', expiresInHours: DEFAULT_INVITE_HOURS })
        qc.setQueryData(keys.invites(session.id), [invite])
      } catch (e) {
        inviteError = errorMessage(e)
      }
      return { session, inviteError }
    },
    onSuccess: ({ session, inviteError }) => {
      qc.setQueryData(keys.session(session.id), session)
      void qc.invalidateQueries({ queryKey: keys.active })
      onClose()
      navigate(`/session/${encodeURIComponent(session.id)}`, { state: { invite: true, inviteError } })
    },
  })

  useEffect(() => {
    if (!open) {
      setSelected(null)
      setFilter('')
      setVisibility('invite')
      setBox('')
      create.reset()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open])

  const q = filter.trim().toLowerCase()
  const list = (problems.data ?? []).filter(
    (p) => !q || p.title.toLowerCase().includes(q) || p.category.toLowerCase().includes(q) || p.tags.some((t) => t.toLowerCase().includes(q)),
  )
  const current = problems.data?.find((p) => p.slug === selected) ?? null
  const minutes = box === 'custom' ? Number(customBox) : box ? Number(box) : undefined
  const boxOk = minutes === undefined || (Number.isInteger(minutes) && minutes >= 1 && minutes <= 480)

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
            disabled={!selected || create.isPending || !boxOk}
            onClick={() => selected && create.mutate({ problem: selected, visibility, ...(minutes !== undefined ? { timeBoxMinutes: minutes } : {}) })}
            data-testid="confirm-create"
          >
            {create.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
            Create session
          </button>
        </>
      }
    >
      <QueryState
        query={problems}
        loading={<Loading label="Loading problems…" />}
        empty={
          <EmptyState title="No problems available" testId="problems-empty">
            The server has no problems configured yet.
          </EmptyState>
        }
      >
        {() => (
          <div className="space-y-3">
            <SearchBox label="Filter problems" width="w-full" placeholder="Filter by title, category or tag" value={filter} onChange={setFilter} />
            <fieldset>
              <legend className="sr-only">Problem</legend>
              <ul id={listId} className="max-h-72 space-y-1 overflow-y-auto pr-1" data-testid="problem-list">
                {list.map((p) => (
                  <li key={p.slug}>
                    <ChoiceCard name="problem" value={p.slug} chosen={selected === p.slug} onChoose={() => setSelected(p.slug)} align="center" testId={`problem-option-${p.slug}`}>
                      <span className="min-w-0 flex-1">
                        <span className="block truncate font-medium">{p.title}</span>
                        <span className="block truncate text-xs text-base-content/60">{p.category}</span>
                      </span>
                      <DifficultyBadge difficulty={p.difficulty} />
                    </ChoiceCard>
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
            <fieldset className="rounded-box border border-base-300 p-3" data-testid="visibility">
              <legend className="px-1 text-sm font-medium">Who can join</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                {VISIBILITY.map((v) => (
                  <ChoiceCard
                    key={v.value}
                    name="visibility"
                    value={v.value}
                    chosen={visibility === v.value}
                    onChoose={() => setVisibility(v.value)}
                    align="top"
                    radioTestId={`visibility-${v.value}`}
                  >
                    <span className="min-w-0">
                      <span className="block text-sm font-medium">{v.title}</span>
                      <span className="block text-xs text-base-content/60">{v.text}</span>
                    </span>
                  </ChoiceCard>
                ))}
              </div>
            </fieldset>
            <fieldset className="rounded-box border border-base-300 p-3" data-testid="timebox">
              <legend className="px-1 text-sm font-medium">Time box (optional)</legend>
              <div className="flex flex-wrap items-center gap-2">
                <select className="select select-bordered select-sm w-auto" value={box} onChange={(e) => setBox(e.target.value)} aria-label="Time box" data-testid="timebox-select">
                  <option value="">None</option>
                  {[30, 45, 60, 90].map((m) => (
                    <option key={m} value={String(m)}>
                      {m} minutes
                    </option>
                  ))}
                  <option value="custom">Custom…</option>
                </select>
                {box === 'custom' && (
                  <label className="input input-sm w-32">
                    <input type="number" min={1} max={480} value={customBox} onChange={(e) => setCustomBox(e.target.value)} aria-label="Minutes" data-testid="timebox-minutes" />
                    <span className="text-base-content/60">min</span>
                  </label>
                )}
                <span className="text-xs text-base-content/60">
                  {boxOk ? 'Everyone sees the time left, counted from when the candidate arrives.' : 'Between 1 and 480 minutes.'}
                </span>
              </div>
            </fieldset>
            {create.isError && <ErrorAlert message={errorMessage(create.error)} />}
          </div>
        )}
      </QueryState>
    </Modal>
  )
}
