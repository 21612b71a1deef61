import { del, get, patch, post, put } from './client'
import type {
  AdminUser,
  AuditEntry,
  AppConfig,
  BoardElement,
  ChatMessage,
  Invite,
  InviteInfo,
  InterviewSummary,
  InviteRole,
  JudgeRequest,
  JudgeResult,
  Notes,
  PersonNotes,
  PersonScorecard,
  Problem,
  ProblemDetail,
  Readiness,
  ReplayData,
  Report,
  Role,
  Rubric,
  Runtime,
  Scorecard,
  ScorecardInput,
  Session,
  SessionStatus,
  Timeline,
  User,
  Visibility,
} from './types'

import { ApiError } from './client'

export * from './client'
export * from './types'

const enc = encodeURIComponent

export const api = {
  config: (signal?: AbortSignal) => get<AppConfig>('/api/config', signal),

  /** The signed-in user, or null for a visitor (asked without a 401, so the console stays clean). */
  me: async (signal?: AbortSignal): Promise<User | null> =>
    (await get<{ user: User | null }>('/api/auth/session', signal)).user,
  register: (input: { name: string; email: string; password: string; setupToken?: string }) =>
    post<{ user: User }>('/api/auth/register', input).then((r) => r.user),
  login: (input: { email: string; password: string }) =>
    post<{ user: User }>('/api/auth/login', input).then((r) => r.user),
  /** `logoutUrl`: the company sign-in provider's sign-out, for people who signed in with it. */
  logout: () => post<{ logoutUrl?: string } | undefined>('/api/auth/logout'),

  problems: (signal?: AbortSignal) => get<{ problems: Problem[] }>('/api/problems', signal).then((r) => r.problems),

  problem: (slug: string, signal?: AbortSignal) =>
    get<{ problem: ProblemDetail }>(`/api/problems/${enc(slug)}`, signal).then((r) => r.problem),
  /** Visible tests, or one custom input (`stdin`: one JSON value per line, per parameter). */
  run: (slug: string, body: JudgeRequest) =>
    post<{ result?: JudgeResult } & Partial<JudgeResult>>(`/api/problems/${enc(slug)}/run`, body).then(unwrapResult),
  /** Every test, hidden ones included. */
  submit: (slug: string, body: JudgeRequest) =>
    post<{ result?: JudgeResult } & Partial<JudgeResult>>(`/api/problems/${enc(slug)}/submit`, { ...body, stdin: undefined }).then(
      unwrapResult,
    ),
  runtimes: (signal?: AbortSignal) => get<Runtime[]>('/api/v2/runtimes', signal),

  sessionMessages: (id: string, signal?: AbortSignal) =>
    get<{ messages: ChatMessage[] }>(`/api/sessions/${enc(id)}/messages`, signal).then((r) => r.messages),
  /** The session's whiteboard: shapes in stacking order, deleted ones left out. */
  sessionWhiteboard: (id: string, signal?: AbortSignal) =>
    get<{ elements: BoardElement[] }>(`/api/sessions/${enc(id)}/whiteboard`, signal).then((r) => r.elements),
  /** Interviewer guidance of the session's problem (host, co-interviewers, administrators). */
  sessionGuidance: (id: string, signal?: AbortSignal) =>
    get<{ guidance: string }>(`/api/sessions/${enc(id)}/guidance`, signal).then((r) => r.guidance),
  /** Interviewer guidance of a problem (interviewer and administrator accounts). */
  problemGuidance: (slug: string, signal?: AbortSignal) =>
    get<{ guidance: string }>(`/api/problems/${enc(slug)}/guidance`, signal).then((r) => r.guidance),
  sessionCode: (id: string, signal?: AbortSignal) =>
    get<{ code: string; language: string }>(`/api/sessions/${enc(id)}/code`, signal),
  /** The code as it stood `at` ms after the session's creation. */
  sessionCodeAt: (id: string, at: number, signal?: AbortSignal) =>
    get<{ code: string; language: string; at: number }>(`/api/sessions/${enc(id)}/code?at=${Math.max(0, Math.round(at))}`, signal),
  sessionSubmissions: (id: string, signal?: AbortSignal) =>
    get<{ submissions: Array<Record<string, unknown>> }>(`/api/sessions/${enc(id)}/submissions`, signal).then((r) => r.submissions),

  adminUsers: (signal?: AbortSignal) => get<{ users: AdminUser[] }>('/api/admin/users', signal).then((r) => r.users),
  /** The audit log, newest first; `action` is a prefix (`auth.`), `user` an id or email. */
  adminAudit: (filter: { action?: string; user?: string }, signal?: AbortSignal) => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][])
    return get<{ entries: AuditEntry[] }>(`/api/admin/audit?${query}`, signal).then((r) => r.entries)
  },
  /** Role change or disable/enable; the server refuses self-demotion and the last administrator. */
  adminUpdateUser: (id: string, changes: { role?: Role; disabled?: boolean }) =>
    patch<{ user: AdminUser }>(`/api/admin/users/${enc(id)}`, changes).then((r) => r.user),
  /** Adds or replaces a problem (the definition `coderoom problems import` uploads). */
  adminImportProblem: (problem: Record<string, unknown>) =>
    post<{ problem: Problem }>('/api/admin/problems', problem).then((r) => r.problem),
  adminRemoveProblem: (slug: string) => del<{ removed: string }>(`/api/admin/problems/${enc(slug)}`),
  /** Readiness of the database, sandbox and Stream; answered with 503 (and the same body) when not ready. */
  readiness: async (signal?: AbortSignal): Promise<Readiness> => {
    const res = await fetch('/readyz', { headers: { Accept: 'application/json' }, signal })
    try {
      return (await res.json()) as Readiness
    } catch {
      throw new ApiError(res.status, `Readiness check failed (${res.status}).`)
    }
  },

  createSession: (input: { problem: string; visibility?: Visibility; timeBoxMinutes?: number }) =>
    post<{ session: Session }>('/api/sessions', input).then((r) => r.session),
  activeSessions: (signal?: AbortSignal) =>
    get<{ sessions: Session[] }>('/api/sessions/active', signal).then((r) => r.sessions),
  myRecentSessions: (signal?: AbortSignal) =>
    get<{ sessions: Session[] }>('/api/sessions/my-recent', signal).then((r) => r.sessions),
  session: (id: string, signal?: AbortSignal) =>
    get<{ session: Session }>(`/api/sessions/${enc(id)}`, signal).then((r) => r.session),
  joinSession: (id: string) => post<{ session: Session }>(`/api/sessions/${enc(id)}/join`).then((r) => r.session),
  leaveSession: (id: string) => post<{ session: Session }>(`/api/sessions/${enc(id)}/leave`).then((r) => r.session),
  endSession: (id: string) => post<{ session: Session; message?: string }>(`/api/sessions/${enc(id)}/end`),
  /** The host (or an administrator) takes someone out of the room; a guest's link stops working. */
  removeParticipant: (id: string, userId: string) =>
    post<{ session: Session }>(`/api/sessions/${enc(id)}/participants/${enc(userId)}/remove`).then((r) => r.session),

  /** A new invitation link to a candidate's or a co-interviewer's seat (host or administrator). */
  createInvite: (sessionId: string, input: { role: InviteRole; expiresInHours?: number }) =>
    post<{ invite: Invite }>(`/api/sessions/${enc(sessionId)}/invites`, input).then((r) => r.invite),
  /** A session's invitation links, newest first, with their live status. */
  invites: (sessionId: string, signal?: AbortSignal) =>
    get<{ invites: Invite[] }>(`/api/sessions/${enc(sessionId)}/invites`, signal).then((r) => r.invites),
  revokeInvite: (inviteId: string) => del<{ invite: Invite }>(`/api/invites/${enc(inviteId)}`).then((r) => r.invite),
  /** What an invitation link opens; needs no sign-in (404 unknown, 410 expired or withdrawn). */
  inviteInfo: (token: string, signal?: AbortSignal) => get<InviteInfo>(`/api/invites/${enc(token)}`, signal),
  /** Takes the invitation's seat: the server signs this browser in as a guest of that one session. */
  acceptInvite: (token: string, input: { name: string; email?: string }) =>
    post<{ session: Session; user: User }>(`/api/invites/${enc(token)}/accept`, input),

  /** The host (or an administrator) sets or clears the interview's time box. */
  setTimer: (id: string, minutes: number | null) =>
    put<{ session: Session }>(`/api/sessions/${enc(id)}/timer`, { minutes }).then((r) => r.session),

  /** The caller's own notes on a session. */
  notes: (id: string, signal?: AbortSignal) => get<{ notes: Notes }>(`/api/sessions/${enc(id)}/notes`, signal).then((r) => r.notes),
  saveNotes: (id: string, markdown: string) =>
    put<{ notes: Notes }>(`/api/sessions/${enc(id)}/notes`, { markdown }).then((r) => r.notes),
  /** Everyone's notes the caller may read (their own always; others' once the session ended). */
  allNotes: (id: string, signal?: AbortSignal) =>
    get<{ notes: PersonNotes[] }>(`/api/sessions/${enc(id)}/notes/all`, signal).then((r) => r.notes),

  rubrics: (signal?: AbortSignal) => get<{ rubrics: Rubric[] }>('/api/rubrics', signal).then((r) => r.rubrics),
  adminSaveRubric: (id: string, body: Pick<Rubric, 'name' | 'description' | 'criteria'>) =>
    put<{ rubric: Rubric }>(`/api/rubrics/${enc(id)}`, body).then((r) => r.rubric),
  adminRemoveRubric: (id: string) => del<{ removed: string }>(`/api/rubrics/${enc(id)}`),
  adminDefaultRubric: (id: string) => post<{ rubric: Rubric }>(`/api/rubrics/${enc(id)}/default`).then((r) => r.rubric),

  scorecard: (id: string, signal?: AbortSignal) =>
    get<{ scorecard: Scorecard }>(`/api/sessions/${enc(id)}/scorecard`, signal).then((r) => r.scorecard),
  saveScorecard: (id: string, body: ScorecardInput) =>
    put<{ scorecard: Scorecard }>(`/api/sessions/${enc(id)}/scorecard`, body).then((r) => r.scorecard),
  submitScorecard: (id: string) =>
    post<{ scorecard: Scorecard }>(`/api/sessions/${enc(id)}/scorecard/submit`).then((r) => r.scorecard),
  scorecards: (id: string, signal?: AbortSignal) =>
    get<{ scorecards: PersonScorecard[]; ownSubmitted: boolean }>(`/api/sessions/${enc(id)}/scorecards`, signal),
  adminReopenScorecard: (id: string, userId: string) =>
    post<{ scorecard: Scorecard }>(`/api/sessions/${enc(id)}/scorecards/${enc(userId)}/reopen`).then((r) => r.scorecard),

  replay: (id: string, signal?: AbortSignal) => get<{ replay: ReplayData }>(`/api/sessions/${enc(id)}/replay`, signal).then((r) => r.replay),
  timeline: (id: string, signal?: AbortSignal) => get<Timeline>(`/api/sessions/${enc(id)}/timeline`, signal),
  report: (id: string, signal?: AbortSignal) => get<{ report: Report }>(`/api/sessions/${enc(id)}/report`, signal).then((r) => r.report),
  /** The report as Markdown, for an applicant tracking system. */
  reportMarkdownUrl: (id: string) => `/api/sessions/${enc(id)}/report?format=md`,

  interviews: (q: { q?: string; status?: SessionStatus | ''; limit?: number; before?: string | null }, signal?: AbortSignal) => {
    const params = new URLSearchParams()
    if (q.q) params.set('q', q.q)
    if (q.status) params.set('status', q.status)
    if (q.limit) params.set('limit', String(q.limit))
    if (q.before) params.set('before', q.before)
    const qs = params.toString()
    return get<{ interviews: InterviewSummary[]; nextBefore: string | null }>(`/api/interviews${qs ? `?${qs}` : ''}`, signal)
  },
}

/** The judge answers `{result}`; accept a bare report too. */
function unwrapResult(r: { result?: JudgeResult } & Partial<JudgeResult>): JudgeResult {
  const out = (r.result ?? r) as JudgeResult
  return { ...out, tests: out.tests ?? [] }
}

export const keys = {
  config: ['config'] as const,
  me: ['me'] as const,
  problems: ['problems'] as const,
  active: ['sessions', 'active'] as const,
  myRecent: ['sessions', 'my-recent'] as const,
  session: (id: string) => ['sessions', 'detail', id] as const,
  invites: (id: string) => ['sessions', 'invites', id] as const,
  inviteInfo: (token: string) => ['invite', token] as const,
  problem: (slug: string) => ['problems', 'detail', slug] as const,
  runtimes: ['runtimes'] as const,
  adminUsers: ['admin', 'users'] as const,
  adminAudit: (action: string, user: string) => ['admin', 'audit', action, user] as const,
  readiness: ['readiness'] as const,
  notes: (id: string) => ['sessions', 'notes', id] as const,
  allNotes: (id: string) => ['sessions', 'notes-all', id] as const,
  scorecard: (id: string) => ['sessions', 'scorecard', id] as const,
  scorecards: (id: string) => ['sessions', 'scorecards', id] as const,
  rubrics: ['rubrics'] as const,
  replay: (id: string) => ['sessions', 'replay', id] as const,
  timeline: (id: string) => ['sessions', 'timeline', id] as const,
  report: (id: string) => ['sessions', 'report', id] as const,
  interviews: (q: string, status: string) => ['interviews', q, status] as const,
}
