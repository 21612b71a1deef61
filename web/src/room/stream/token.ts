import { wsToken } from '../../auth/provider'

/** `GET /api/chat/token`: a short-lived Stream user token (the same one serves video and chat). */
export interface StreamToken {
  token: string
  userId: string
  userName: string
  userImage: string | null
  apiKey: string
  expiresAt?: string | number | null
}

/** In Clerk mode, a Bearer token too (same origin already sends the `__session` cookie). */
async function authHeaders(): Promise<Record<string, string>> {
  const t = await wsToken()
  return t ? { Authorization: `Bearer ${t}` } : {}
}

export async function fetchStreamToken(): Promise<StreamToken> {
  const res = await fetch('/api/chat/token', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(await authHeaders()) },
  })
  if (!res.ok) {
    let message = `Stream is not available (HTTP ${res.status})`
    try {
      const body = (await res.json()) as { error?: string; message?: string }
      message = body.message ?? body.error ?? message
    } catch {
      /* not JSON */
    }
    throw new Error(message)
  }
  return (await res.json()) as StreamToken
}

/** A Stream `tokenProvider`: asked again by the SDKs whenever the token expires. */
export const tokenProvider = async (): Promise<string> => (await fetchStreamToken()).token

export function streamUser(t: StreamToken) {
  return { id: t.userId, name: t.userName, ...(t.userImage ? { image: t.userImage } : {}) }
}

export function currentTheme(): 'light' | 'dark' {
  const t = document.documentElement.getAttribute('data-theme')
  if (t === 'dark' || t === 'light') return t
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}
