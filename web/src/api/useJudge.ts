import { useMutation } from '@tanstack/react-query'
import { api } from './index'
import type { JudgeRequest, JudgeResult } from './types'

/**
 * Run and submit for one problem, as the practice page and the interview room both offer
 * them: one request at a time, and the error and pending state of the latest. `request`
 * builds the body when the button is pressed (the room reads the shared document then);
 * `enabled` false makes both do nothing.
 */
export function useJudge({
  slug,
  request,
  onResult,
  enabled = true,
}: {
  slug: string | undefined
  request: (mode: 'run' | 'submit') => JudgeRequest
  onResult: (result: JudgeResult) => void
  enabled?: boolean
}) {
  const run = useMutation({ mutationFn: () => api.run(slug!, request('run')), onSuccess: onResult })
  const submit = useMutation({ mutationFn: () => api.submit(slug!, request('submit')), onSuccess: onResult })
  const busy = run.isPending || submit.isPending
  const ready = !busy && !!slug && enabled
  return {
    busy,
    running: run.isPending,
    submitting: submit.isPending,
    error: run.error ?? submit.error,
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
