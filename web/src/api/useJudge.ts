import { useState } from 'react'
import { useMutation } from '@tanstack/react-query'
import { api } from './index'
import type { JudgeRequest, JudgeResult, ProblemDetail } from './types'

/** The first example's arguments, one JSON value per line: a starting point for custom input. */
function sampleInput(problem: ProblemDetail): string {
  const test = problem.visibleTests?.[0]
  const params = problem.signature?.params
  if (!test || !params) return ''
  return params.map((p) => JSON.stringify(test.input[p.name] ?? null)).join('\n')
}

/**
 * Run and submit for one problem, as the practice page and the interview room both offer
 * them: one request at a time, the error and pending state of the latest, and the custom
 * input a run may use instead of the visible tests. `request` builds the body when the
 * button is pressed (the room reads the shared document then); `enabled` false makes both
 * do nothing and hides the custom input. A design problem (or none) has nothing to run.
 */
export function useJudge({
  problem,
  request,
  onResult,
  enabled = true,
}: {
  problem: ProblemDetail | null
  request: () => Omit<JudgeRequest, 'stdin'>
  onResult: (result: JudgeResult) => void
  enabled?: boolean
}) {
  const slug = problem?.kind === 'design' ? undefined : problem?.slug
  const [custom, setCustom] = useState(false)
  const [stdin, setStdin] = useState(() => (problem ? sampleInput(problem) : ''))
  const body = (mode: 'run' | 'submit'): JudgeRequest => ({
    ...request(),
    ...(mode === 'run' && custom && stdin.trim() ? { stdin } : {}),
  })
  const run = useMutation({ mutationFn: () => api.run(slug!, body('run')), onSuccess: onResult })
  const submit = useMutation({ mutationFn: () => api.submit(slug!, body('submit')), onSuccess: onResult })
  const busy = run.isPending || submit.isPending
  const ready = !busy && !!slug && enabled
  return {
    runnable: !!slug,
    busy,
    running: run.isPending,
    submitting: submit.isPending,
    error: run.error ?? submit.error,
    custom: custom && enabled,
    setCustom,
    stdin,
    setStdin,
    /** How many parameters the function takes: the custom input's height in lines. */
    params: problem?.signature?.params.length ?? 2,
    run: () => {
      if (ready) {
        submit.reset()
        run.mutate()
      }
    },
    submit: () => {
      if (ready) {
        run.reset()
        submit.mutate()
      }
    },
  }
}

export type Judge = ReturnType<typeof useJudge>
