import { useEffect, useId, useRef, type ReactNode } from 'react'
import { errorMessage } from '../api'

interface ModalProps {
  open: boolean
  onClose: () => void
  title: string
  children: ReactNode
  actions?: ReactNode
  wide?: boolean
  testId?: string
}

/** Accessible modal built on the native <dialog> element (focus trap, Escape to close). */
export function Modal({ open, onClose, title, children, actions, wide, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()

  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])

  return (
    <dialog
      ref={ref}
      className="modal modal-bottom sm:modal-middle"
      aria-labelledby={titleId}
      data-testid={testId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <div className={`modal-box ${wide ? 'sm:max-w-2xl' : ''}`}>
        <h2 id={titleId} className="text-lg font-bold">
          {title}
        </h2>
        <div className="py-4">{children}</div>
        {actions && <div className="modal-action flex-wrap">{actions}</div>}
      </div>
      <div className="modal-backdrop">
        <button type="button" tabIndex={-1} aria-label="Close dialog" onClick={onClose}>
          close
        </button>
      </div>
    </dialog>
  )
}

interface ConfirmProps {
  open: boolean
  title: string
  body: ReactNode
  confirmLabel: string
  danger?: boolean
  busy?: boolean
  error?: string | null
  onConfirm: () => void
  onClose: () => void
  confirmTestId?: string
}

export function ConfirmDialog({ open, title, body, confirmLabel, danger, busy, error, onConfirm, onClose, confirmTestId }: ConfirmProps) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={title}
      testId="confirm-dialog"
      actions={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${danger ? 'btn-error' : 'btn-primary'}`}
            onClick={onConfirm}
            disabled={busy}
            data-testid={confirmTestId}
          >
            {busy && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="space-y-3">
        <div>{body}</div>
        {error && <ErrorAlert message={error} />}
      </div>
    </Modal>
  )
}

/** What `ConfirmMutation` needs of a react-query mutation taking `T`. */
interface SubjectMutation<T> {
  isPending: boolean
  isError: boolean
  error: unknown
  mutate: (subject: T) => void
  reset: () => void
}

/**
 * Asks before applying `mutation` to `subject`: open while there is a subject, busy while the
 * mutation runs, showing its error. Closing forgets the subject (`onClose`) and the error.
 */
export function ConfirmMutation<T>({
  subject,
  mutation,
  onClose,
  ...text
}: Omit<ConfirmProps, 'open' | 'busy' | 'error' | 'onConfirm'> & { subject: T | null; mutation: SubjectMutation<T> }) {
  return (
    <ConfirmDialog
      {...text}
      open={subject !== null}
      busy={mutation.isPending}
      error={mutation.isError ? errorMessage(mutation.error) : null}
      onConfirm={() => subject !== null && mutation.mutate(subject)}
      onClose={() => {
        onClose()
        mutation.reset()
      }}
    />
  )
}

export function ErrorAlert({ message, testId = 'error' }: { message: string; testId?: string }) {
  return (
    <div role="alert" className="alert alert-error alert-soft" data-testid={testId}>
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 shrink-0" fill="none" stroke="currentColor" strokeWidth="2">
        <circle cx="12" cy="12" r="9" />
        <path strokeLinecap="round" d="M12 8v5m0 3h.01" />
      </svg>
      <span>{message}</span>
    </div>
  )
}
