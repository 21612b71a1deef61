import { useEffect, useRef, useState } from 'react'

type CopyState = 'idle' | 'copied' | 'failed'

/**
 * Copies a link to the clipboard. Browsers offer the clipboard only to secure pages (HTTPS or
 * localhost); elsewhere the link is shown selected, ready to copy by hand.
 */
export function CopyLinkButton({ url, label = 'Copy link' }: { url: string; label?: string }) {
  const [state, setState] = useState<CopyState>('idle')
  const field = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (state === 'failed') field.current?.select()
    if (state !== 'copied') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])

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
      <button type="button" className="btn btn-outline btn-sm" onClick={copy} data-testid="copy-link" data-state={state}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      {state === 'failed' && (
        <input
          ref={field}
          readOnly
          value={url}
          aria-label="Link to copy"
          title="This browser allows copying only on HTTPS pages: copy the link by hand"
          className="input input-bordered input-sm w-56"
          data-testid="copy-link-fallback"
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </span>
  )
}
