import { useEffect, useRef, useState, type RefObject } from 'react'

type CopyState = 'idle' | 'copied' | 'failed'

/**
 * Copies a link to the clipboard. Browsers offer the clipboard only to secure pages (HTTPS or
 * localhost); elsewhere the link is shown selected, ready to copy by hand — in a field of its
 * own, or in `field` when the link is already on screen.
 */
export function CopyLinkButton({
  url,
  label = 'Copy link',
  testId = 'copy-link',
  field: shown,
  className = 'btn btn-outline btn-sm',
}: {
  url: string
  label?: string
  testId?: string
  field?: RefObject<HTMLInputElement | null>
  className?: string
}) {
  const [state, setState] = useState<CopyState>('idle')
  const own = useRef<HTMLInputElement>(null)
  const field = shown ?? own

  useEffect(() => {
    if (state === 'failed') {
      field.current?.focus()
      field.current?.select()
    }
    if (state !== 'copied') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state, field])

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard on an insecure page')
      await navigator.clipboard.writeText(url)
      setState('copied')
    } catch {
      setState('failed')
    }
  }

  return (
    <span className="inline-flex items-center gap-1">
      <button type="button" className={className} onClick={copy} data-testid={testId} data-state={state}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      {state === 'failed' && !shown && (
        <input
          ref={own}
          readOnly
          value={url}
          aria-label="Link to copy"
          title="This browser allows copying only on HTTPS pages: copy the link by hand"
          className="input input-bordered input-sm w-56"
          data-testid={`${testId}-fallback`}
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </span>
  )
}
