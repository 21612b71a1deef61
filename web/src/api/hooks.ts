import { useQuery } from '@tanstack/react-query'
import { api, isApiError, keys } from './index'
import type { AppConfig, PublicUser, Role, Session, User } from './types'

export function useConfig() {
  return useQuery({ queryKey: keys.config, queryFn: ({ signal }) => api.config(signal), staleTime: 60_000 })
}

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: ({ signal }) => api.me(signal), staleTime: 30_000 })
}

export function useProblems() {
  return useQuery({ queryKey: keys.problems, queryFn: ({ signal }) => api.problems(signal), staleTime: 5 * 60_000 })
}

/** The people in candidate seats (never the host), without duplicates. */
export function candidates(s: Session): PublicUser[] {
  const out: PublicUser[] = []
  const extra = [...(s.participants ?? []), ...(s.participant ? [s.participant] : [])]
  for (const p of extra) if (p.id !== s.host.id && !out.some((u) => u.id === p.id)) out.push(p)
  return out
}

/** Co-interviewers (the host is not among them). */
export function interviewers(s: Session): PublicUser[] {
  return (s.interviewers ?? []).filter((p, i, all) => p.id !== s.host.id && all.findIndex((q) => q.id === p.id) === i)
}

/** The seats `Session.seats` counts: the host plus the candidates. */
export function seated(s: Session): PublicUser[] {
  return [s.host, ...candidates(s)]
}

/** Everyone in the room: the host, the co-interviewers and the candidates. */
export function everyone(s: Session): PublicUser[] {
  const out = seated(s)
  for (const p of interviewers(s)) if (!out.some((u) => u.id === p.id)) out.push(p)
  return out
}

export function isHost(s: Session, user: User | null | undefined): boolean {
  return !!user && s.host.id === user.id
}

export function isMember(s: Session, user: User | null | undefined): boolean {
  return !!user && everyone(s).some((u) => u.id === user.id)
}

/** Who runs the room: its host, or an administrator. */
export function canManage(s: Session, user: User | null | undefined): boolean {
  return isHost(s, user) || user?.role === 'admin'
}

/**
 * Who may read the interviewer's record (notes, scorecards, replay, report): the host, a
 * co-interviewer (an account, or a guest who came by an interviewer link), or an
 * administrator. Never a candidate.
 */
export function isRecordViewer(s: Session, user: User | null | undefined): boolean {
  if (!user) return false
  // A guest who came by an interviewer link holds an interviewer seat, and the record with it.
  if (user.role === 'admin' || s.host.id === user.id) return true
  return (s.interviewers ?? []).some((p) => p.id === user.id)
}

/** Whether this account may list past interviews (interviewers and administrators). */
export function canReview(user: User | null | undefined): boolean {
  return user?.role === 'admin' || user?.role === 'interviewer'
}

/** Whether anyone can take a free seat with Join (pair programming), rather than only by a link. */
export function isOpen(s: Session): boolean {
  return s.visibility === undefined || s.visibility === 'open'
}

const DEFAULT_HOST_ROLES: Role[] = ['admin', 'interviewer']

/** Whether this account may create sessions (`/api/config` `hostRoles`). */
export function canHost(config: AppConfig | undefined, user: User | null | undefined): boolean {
  if (!user || user.role === 'guest') return false
  return (config?.hostRoles ?? DEFAULT_HOST_ROLES).includes(user.role)
}

export function isGuest(user: User | null | undefined): user is User & { role: 'guest' } {
  return user?.role === 'guest'
}

/** Where a signed-in person starts: a guest's one interview, everyone else's dashboard. */
export function homePath(user: User | null | undefined): string {
  if (isGuest(user) && user.sessionId) return `/session/${encodeURIComponent(user.sessionId)}`
  return user ? '/dashboard' : '/'
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

/** Installed sandbox runtimes; undefined when the sandbox does not answer (older server) or not asked (`enabled` false: a guest, whom the Piston API refuses). */
export function useRuntimes(enabled = true) {
  return useQuery({
    queryKey: keys.runtimes,
    queryFn: ({ signal }) => api.runtimes(signal),
    enabled,
    staleTime: 60_000,
    retry: false,
  })
}
