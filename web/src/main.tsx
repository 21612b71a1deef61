import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App } from './App'
import { isApiError, keys, type User } from './api'
import { applyTheme, storedTheme } from './theme'
import './index.css'

// An explicit choice wins; otherwise DaisyUI follows prefers-color-scheme by itself.
const saved = storedTheme()
if (saved) applyTheme(saved, false)

// Any 401 means the cookie is gone or expired: forget the user so RequireAuth sends them to /login.
// A guest's sign-in ends when the interviewer removes them; the room's socket says why a moment
// later, so for a guest the server is asked again rather than the user dropped at once.
const onError = (e: unknown) => {
  if (!isApiError(e, 401)) return
  const me = queryClient.getQueryData<User | null>(keys.me)
  if (me?.role === 'guest') void queryClient.invalidateQueries({ queryKey: keys.me })
  else queryClient.setQueryData(keys.me, null)
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({
    onError: (e, _v, _c, mutation) => {
      // Wrong credentials on login are a 401 too; that is not an expired session.
      const key = mutation.options.mutationKey?.[0]
      if (key !== 'auth') onError(e)
    },
  }),
  defaultOptions: {
    queries: {
      retry: (count, e) => !(isApiError(e) && e.status >= 400 && e.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
)
