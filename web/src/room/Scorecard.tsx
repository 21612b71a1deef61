import { useEffect, useState, type ReactNode } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  api,
  errorMessage,
  isApiError,
  keys,
  type Criterion,
  type PersonScorecard,
  type Rating,
  type Recommendation,
  type Scorecard,
  type ScorecardInput,
} from '../api'
import { ConfirmDialog, ErrorAlert } from '../components/Modal'
import { Loading } from '../components/States'
import { formatDate } from '../format'
import { SaveIndicator, useAutosave } from './autosave'

export const RATINGS: Array<{ value: Rating; label: string }> = [
  { value: 1, label: 'Weak' },
  { value: 2, label: 'Mixed' },
  { value: 3, label: 'Good' },
  { value: 4, label: 'Strong' },
]

export const RECOMMENDATIONS: Array<{ value: Recommendation; label: string; cls: string; active: string }> = [
  { value: 'strong_no', label: 'Strong no', cls: 'btn-outline btn-error', active: 'btn-error' },
  { value: 'no', label: 'No', cls: 'btn-outline btn-warning', active: 'btn-warning' },
  { value: 'yes', label: 'Yes', cls: 'btn-outline btn-success', active: 'btn-success' },
  { value: 'strong_yes', label: 'Strong yes', cls: 'btn-outline btn-success', active: 'btn-success' },
]

export function recommendationLabel(r: Recommendation | null | undefined): string {
  return RECOMMENDATIONS.find((x) => x.value === r)?.label ?? 'No recommendation'
}

/** The badge colour of a recommendation. */
export function recommendationBadge(r: Recommendation | null | undefined): string {
  switch (r) {
    case 'strong_no':
      return 'badge-error'
    case 'no':
      return 'badge-warning'
    case 'yes':
      return 'badge-success badge-soft'
    case 'strong_yes':
      return 'badge-success'
    default:
      return 'badge-ghost'
  }
}

export function ratingLabel(r: number | undefined): string {
  const x = RATINGS.find((y) => y.value === r)
  return x ? `${x.value} · ${x.label}` : 'not rated'
}

/** One choice of a radio group drawn as a button (`data-value` names the choice for tests). */
function RadioButton({
  checked,
  className,
  onSelect,
  testId,
  value,
  title,
  children,
}: {
  checked: boolean
  className: string
  onSelect: () => void
  testId: string
  value: string | number
  title?: string
  children: ReactNode
}) {
  return (
    <button type="button" role="radio" aria-checked={checked} className={className} onClick={onSelect} data-testid={testId} data-value={value} title={title}>
      {children}
    </button>
  )
}

const toInput = (s: Scorecard): ScorecardInput => ({ rubricId: s.rubricId, ratings: s.ratings ?? {}, recommendation: s.recommendation, comments: s.comments ?? '' })

/**
 * The interviewer's scorecard: a rubric's criteria rated 1–4, an overall recommendation and
 * comments, autosaved as a draft; submitted once (after confirming), then read-only. Once
 * submitted, the other interviewers' submitted scorecards are listed below it.
 */
export function ScorecardPanel({ sessionId, meId }: { sessionId: string; meId: string }) {
  const qc = useQueryClient()
  const card = useQuery({
    queryKey: keys.scorecard(sessionId),
    queryFn: ({ signal }) => api.scorecard(sessionId, signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  })
  const rubrics = useQuery({ queryKey: keys.rubrics, queryFn: ({ signal }) => api.rubrics(signal), staleTime: 5 * 60_000, retry: false })
  const [draft, setDraft] = useState<ScorecardInput | null>(null)
  const [confirming, setConfirming] = useState(false)
  const saver = useAutosave<ScorecardInput>(
    async (body) => {
      try {
        return await api.saveScorecard(sessionId, body)
      } catch (e) {
        // Submitted meanwhile (another tab): nothing left to save; show what the server holds.
        if (isApiError(e, 409)) {
          void qc.invalidateQueries({ queryKey: keys.scorecard(sessionId) })
          return undefined
        }
        throw e
      }
    },
    { onSaved: (_v, result) => result && qc.setQueryData(keys.scorecard(sessionId), result as Scorecard) },
  )

  useEffect(() => {
    if (draft === null && card.data) setDraft(toInput(card.data))
  }, [card.data, draft])

  const submit = useMutation({
    mutationFn: async () => {
      await saver.flush()
      if (saver.dirty()) throw new Error(saver.state.error ?? 'The draft could not be saved; try again.')
      return api.submitScorecard(sessionId)
    },
    onSuccess: (s) => {
      qc.setQueryData(keys.scorecard(sessionId), s)
      setConfirming(false)
      void qc.invalidateQueries({ queryKey: keys.scorecards(sessionId) })
    },
    onError: (e) => {
      // Someone (or another tab) already submitted it: show what the server holds.
      if (isApiError(e, 409)) void card.refetch()
    },
  })

  if (card.isPending) return <Loading label="Loading your scorecard…" testId="scorecard-loading" />
  if (card.isError) return <ErrorAlert message={errorMessage(card.error)} testId="scorecard-error" />
  const s = card.data
  if (s.status === 'submitted') {
    return (
      <section aria-label="Your scorecard" className="space-y-3" data-testid="scorecard-panel" data-status="submitted">
        <ScorecardView card={s} title="Your scorecard" />
        <OthersScorecards sessionId={sessionId} meId={meId} />
      </section>
    )
  }

  const d = draft ?? toInput(s)
  const criteria: Criterion[] =
    d.rubricId === s.rubricId ? s.rubric.criteria : (rubrics.data?.find((r) => r.id === d.rubricId)?.criteria ?? s.rubric.criteria)
  const update = (next: ScorecardInput) => {
    setDraft(next)
    saver.change(next)
  }
  const unrated = criteria.filter((c) => !d.ratings[c.id]).length
  const ready = unrated === 0 && d.recommendation !== null

  return (
    <section aria-label="Your scorecard" className="space-y-3" data-testid="scorecard-panel" data-status="draft">
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex min-w-0 flex-1 items-center gap-2 text-xs">
          <span className="text-base-content/60">Rubric</span>
          <select
            className="select select-bordered select-xs min-w-0 flex-1"
            value={d.rubricId}
            disabled={!rubrics.data}
            onChange={(e) => {
              const rubric = rubrics.data?.find((r) => r.id === e.target.value)
              const keep = Object.fromEntries(Object.entries(d.ratings).filter(([k]) => rubric?.criteria.some((c) => c.id === k)))
              update({ ...d, rubricId: e.target.value, ratings: keep })
            }}
            data-testid="scorecard-rubric"
          >
            {(rubrics.data ?? [{ id: s.rubricId, name: s.rubric.name }]).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <SaveIndicator state={saver.state} dirty={saver.dirty()} onRetry={() => void saver.flush()} testId="scorecard-status" />
      </div>

      <ol className="space-y-3" data-testid="scorecard-criteria">
        {criteria.map((c) => (
          <li key={c.id} className="rounded-box bg-base-200/60 p-2" data-testid="criterion" data-criterion={c.id}>
            <p className="text-sm font-medium">{c.name}</p>
            {c.guidance && <p className="text-xs text-base-content/65">{c.guidance}</p>}
            <div role="radiogroup" aria-label={`Rating for ${c.name}`} className="mt-1.5 grid grid-cols-4 gap-1">
              {RATINGS.map((r) => {
                const on = d.ratings[c.id] === r.value
                return (
                  <RadioButton
                    key={r.value}
                    checked={on}
                    className={`btn btn-xs h-auto min-h-7 flex-col gap-0 px-1 py-0.5 leading-tight ${on ? 'btn-primary' : 'btn-outline'}`}
                    onSelect={() => update({ ...d, ratings: { ...d.ratings, [c.id]: r.value } })}
                    testId="rating"
                    value={r.value}
                    title={`${r.value} — ${r.label}`}
                  >
                    <span className="font-bold">{r.value}</span>
                    <span className="text-[0.65rem] font-normal">{r.label}</span>
                  </RadioButton>
                )
              })}
            </div>
          </li>
        ))}
      </ol>

      <fieldset>
        <legend className="mb-1 text-sm font-medium">Overall recommendation</legend>
        <div role="radiogroup" aria-label="Overall recommendation" className="grid grid-cols-2 gap-1">
          {RECOMMENDATIONS.map((r) => {
            const on = d.recommendation === r.value
            return (
              <RadioButton
                key={r.value}
                checked={on}
                className={`btn btn-sm ${on ? r.active : r.cls}`}
                onSelect={() => update({ ...d, recommendation: r.value })}
                testId="recommendation"
                value={r.value}
              >
                {r.label}
              </RadioButton>
            )
          })}
        </div>
      </fieldset>

      <label className="block">
        <span className="text-sm font-medium">Comments</span>
        <textarea
          className="textarea mt-1 min-h-24 w-full text-sm"
          value={d.comments}
          maxLength={20_000}
          placeholder="What stood out, what the hiring team should know."
          onChange={(e) => update({ ...d, comments: e.target.value })}
          onBlur={() => void saver.flush()}
          data-testid="scorecard-comments"
        />
      </label>

      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn btn-primary btn-sm" onClick={() => setConfirming(true)} data-testid="scorecard-submit">
          Submit scorecard
        </button>
        <span className="text-xs text-base-content/60" data-testid="scorecard-missing">
          {ready
            ? 'Ready to submit.'
            : `${unrated > 0 ? `${unrated} criterion${unrated === 1 ? '' : 'a'} to rate` : ''}${unrated > 0 && !d.recommendation ? ', ' : ''}${!d.recommendation ? 'no recommendation yet' : ''}`}
        </span>
      </div>
      {submit.isError && !confirming && <ErrorAlert message={errorMessage(submit.error)} testId="scorecard-submit-error" />}
      <p className="text-xs text-base-content/55">
        Others’ scorecards are shown once you submit yours, so that each is written independently.
      </p>

      <ConfirmDialog
        open={confirming}
        title="Submit your scorecard?"
        body="Once submitted it can no longer be changed (an administrator can reopen it). You then see the other interviewers’ submitted scorecards."
        confirmLabel="Submit"
        busy={submit.isPending}
        error={submit.isError ? errorMessage(submit.error) : null}
        onConfirm={() => submit.mutate()}
        onClose={() => {
          setConfirming(false)
          submit.reset()
        }}
        confirmTestId="confirm-scorecard-submit"
      />
    </section>
  )
}

/** A submitted scorecard, read-only: ratings, recommendation and comments. */
export function ScorecardView({ card, title, compact }: { card: Scorecard | PersonScorecard; title: string; compact?: boolean }) {
  return (
    <article className="space-y-2 rounded-box border border-base-300 p-3" data-testid="scorecard-view" data-status={card.status}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-semibold">{title}</h3>
        <span className={`badge badge-sm ${recommendationBadge(card.recommendation)}`} data-testid="scorecard-recommendation" data-value={card.recommendation ?? ''}>
          {recommendationLabel(card.recommendation)}
        </span>
        {card.status === 'submitted' ? (
          <span className="text-xs text-base-content/60">submitted {formatDate(card.submittedAt)}</span>
        ) : (
          <span className="badge badge-ghost badge-sm">draft</span>
        )}
      </div>
      <p className="text-xs text-base-content/60">Rubric: {card.rubric.name}</p>
      <table className={`table ${compact ? 'table-xs' : 'table-sm'}`}>
        <tbody>
          {card.rubric.criteria.map((c) => (
            <tr key={c.id} data-testid="scorecard-rating" data-criterion={c.id} data-value={card.ratings[c.id] ?? ''}>
              <td className="pl-0">{c.name}</td>
              <td className="text-right font-medium whitespace-nowrap">{ratingLabel(card.ratings[c.id])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {card.comments && <p className="whitespace-pre-wrap text-sm" data-testid="scorecard-comments-view">{card.comments}</p>}
    </article>
  )
}

function OthersScorecards({ sessionId, meId }: { sessionId: string; meId: string }) {
  const list = useQuery({
    queryKey: keys.scorecards(sessionId),
    queryFn: ({ signal }) => api.scorecards(sessionId, signal),
    refetchInterval: 15_000,
    retry: false,
  })
  if (list.isPending) return null
  if (list.isError) return <ErrorAlert message={errorMessage(list.error)} />
  const others = list.data.scorecards.filter((c) => c.user.id !== meId)
  return (
    <div className="space-y-2" data-testid="other-scorecards">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-base-content/60">Other interviewers</h3>
      {others.length === 0 ? (
        <p className="text-xs text-base-content/60">No one else has submitted a scorecard yet.</p>
      ) : (
        others.map((c) => <ScorecardView key={c.user.id} card={c} title={c.user.name} compact />)
      )}
    </div>
  )
}
