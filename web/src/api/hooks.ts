import { useQuery } from '@tanstack/react-query'
import { api, isApiError, keys } from './index'
import type { PublicUser, Session, User } from './types'

export function useConfig() {
  return useQuery({ queryKey: keys.config, queryFn: ({ signal }) => api.config(signal), staleTime: 60_000 })
}

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: ({ signal }) => api.me(signal), staleTime: 30_000 })
}

export function useProblems() {
  return useQuery({ queryKey: keys.problems, queryFn: ({ signal }) => api.problems(signal), staleTime: 5 * 60_000 })
}

/** Everyone seated in a session: the host plus participants, without duplicates. */
export function seated(s: Session): PublicUser[] {
  const out: PublicUser[] = [s.host]
  const extra = [...(s.participants ?? []), ...(s.participant ? [s.participant] : [])]
  for (const p of extra) if (!out.some((u) => u.id === p.id)) out.push(p)
  return out
}

export function isHost(s: Session, user: User | null | undefined): boolean {
  return !!user && s.host.id === user.id
}

export function isMember(s: Session, user: User | null | undefined): boolean {
  return !!user && seated(s).some((u) => u.id === user.id)
}

export function seatsFree(s: Session): number {
  return Math.max(0, s.seats - seated(s).length)
}

export function useProblem(slug: string) {
  return useQuery({
    queryKey: keys.problem(slug),
    queryFn: ({ signal }) => api.problem(slug, signal),
    staleTime: 5 * 60_000,
    retry: (n, e) => !isApiError(e) && n < 2,
  })
}

/** Installed sandbox runtimes; undefined when the sandbox does not answer (older server). */
export function useRuntimes() {
  return useQuery({
    queryKey: keys.runtimes,
    queryFn: ({ signal }) => api.runtimes(signal),
    staleTime: 60_000,
    retry: false,
  })
}
