import { useEffect, useState } from 'react'
import type { Theme } from './theme'

function documentTheme(): Theme {
  const attr = document.documentElement.getAttribute('data-theme')
  const dark = attr ? attr === 'dark' : window.matchMedia?.('(prefers-color-scheme: dark)').matches
  return dark ? 'dark' : 'light'
}

/**
 * The theme the page is drawn in (its data-theme attribute, else the system preference), kept
 * current: for the widgets that draw themselves (the code editor, the whiteboard).
 */
export function useAppTheme(): Theme {
  const [theme, setTheme] = useState(documentTheme)
  useEffect(() => {
    const update = () => setTheme(documentTheme())
    const obs = new MutationObserver(update)
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)')
    mq?.addEventListener('change', update)
    return () => {
      obs.disconnect()
      mq?.removeEventListener('change', update)
    }
  }, [])
  return theme
}
