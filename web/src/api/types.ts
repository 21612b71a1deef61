export type Role = 'admin' | 'interviewer' | 'candidate' | 'guest'
/** Who may enter a session: by invitation link only (interviews), or any signed-in user (pair programming). */
export type Visibility = 'invite' | 'open'
export type InviteRole = 'candidate' | 'interviewer'
export type InviteStatus = 'unused' | 'opened' | 'in_room' | 'left' | 'revoked' | 'expired'
export type Difficulty = 'easy' | 'medium' | 'hard'
export type Registration = 'open' | 'invite' | 'closed'
export type SessionStatus = 'active' | 'completed'

export interface User {
  id: string
  name: string
  email: string
  image: string | null
  role: Role
  /** For a guest (someone who came by an invitation link): the one session it may open. */
  sessionId?: string | null
}

export interface PublicUser {
  id: string
  name: string
  image: string | null
}

export interface AppConfig {
  authProvider: 'local' | string
  registration: Registration
  setupRequired: boolean
  version: string
  seats?: number
  /** Roles whose accounts may create sessions; absent on older servers (then admin and interviewer). */
  hostRoles?: Role[]
  /** The https address of this server, when it is reached over plain HTTP by mistake. */
  httpsUrl?: string | null
  /** Company sign-in (OpenID Connect), when the server uses it: the button's label and who may
   *  still use a coderoom password. */
  oidc?: { label: string; localSignIn: 'admins' | 'everyone' | 'nobody' } | null
  /** The whiteboard's caps (`realtime.max_board_elements`, `realtime.max_board_kb`). */
  whiteboard?: { maxElements: number; maxKb: number }
}

/** A coding problem is judged; a design problem is a prompt discussed on the whiteboard. */
export type ProblemKind = 'coding' | 'design'

export interface Problem {
  slug: string
  title: string
  /** Absent on servers that predate design problems (then `coding`). */
  kind?: ProblemKind
  difficulty: Difficulty
  category: string
  tags: string[]
  summary: string
}

export interface SessionProblem {
  slug: string
  title: string
  difficulty: Difficulty
}

export interface Session {
  id: string
  problem: SessionProblem
  difficulty: Difficulty
  host: PublicUser
  participant: PublicUser | null
  /** People in candidate seats. */
  participants: PublicUser[]
  /** Co-interviewers (the host is not among them). */
  interviewers?: PublicUser[]
  /** Candidate seats plus the host. */
  seats: number
  interviewerSeats?: number
  visibility?: Visibility
  status: SessionStatus
  callId: string | null
  createdAt: string
  updatedAt: string
  endedAt: string | null
  /** When the first candidate took a seat; null until then (absent on older servers). */
  startedAt?: string | null
  /** The interview's planned length, when the host set one. */
  timeBoxMinutes?: number | null
  /** startedAt + timeBoxMinutes, once both exist. */
  endsAt?: string | null
}

/** Language ids of the judge (`POST /api/problems/:slug/run`). */
export type LanguageId =
  | 'python'
  | 'javascript'
  | 'typescript'
  | 'java'
  | 'c'
  | 'cpp'
  | 'go'
  | 'rust'
  | 'ruby'
  | 'php'
  | 'csharp'
  | 'swift'
  | (string & {})

export interface ProblemExample {
  input: string
  output: string
  explanation?: string | null
}

export interface VisibleTest {
  index: number
  input: Record<string, unknown>
  expected: unknown
}

export interface ProblemDetail extends Problem {
  /** Markdown. */
  description: string
  examples: ProblemExample[]
  constraints: string[]
  hints?: string[]
  /** `null` for a design problem. */
  signature?: {
    text: string
    function: string | null
    params: Array<{ name: string; type: string }>
    returns: string | null
    mutates?: string | null
  } | null
  timeLimitMs?: number
  languages: LanguageId[]
  starterCode: Record<string, string>
  visibleTests: VisibleTest[]
  hiddenTestCount?: number
}

export type Verdict = 'accepted' | 'wrong_answer' | 'runtime_error' | 'time_limit' | 'memory_limit' | 'compile_error'
export type TestStatus = 'passed' | 'wrong_answer' | 'runtime_error' | 'time_limit' | 'memory_limit' | 'skipped'

export interface TestResult {
  index: number
  status: TestStatus
  input: unknown
  expected?: unknown
  actual?: unknown
  /** What the program printed during this test. */
  output: string
  error?: string
  timeMs?: number
}

export interface JudgeResult {
  verdict: Verdict
  passed: number
  total: number
  mode?: 'run' | 'submit'
  language?: LanguageId
  custom?: boolean
  tests: TestResult[]
  hidden?: { passed: number; total: number; firstFailure: TestStatus | null }
  compileOutput?: string
  stderr?: string
  message?: string
  timeMs?: number
  solutionTimeMs?: number
  memoryBytes?: number
  submissionId?: string
  /** Set when the result reaches the room through the events channel. */
  user?: { id: string; name: string }
}

export interface JudgeRequest {
  language: LanguageId
  code: string
  stdin?: string
  sessionId?: string
}

/** A Piston runtime of the sandbox (`GET /api/v2/runtimes`). */
export interface Runtime {
  language: string
  version: string
  aliases: string[]
  runtime?: string
}

export interface ChatMessage {
  id: string
  text: string
  user: { id: string; name: string }
  createdAt: string
}

/** One entry of the audit log (`GET /api/admin/audit`). */
export interface AuditEntry {
  at: string
  action: string
  /** Who acted; null for a failed sign-in (the target is the email tried). */
  actor: { id: string | null; name: string; email: string | null } | null
  target: string | null
  detail: unknown
  address: string | null
}

export interface AdminUser extends User {
  disabled?: boolean
  createdAt?: string
}

export interface ComponentStatus {
  status: 'ok' | 'error' | 'disabled' | 'unavailable' | string
  message?: string
  [key: string]: unknown
}

/** `GET /readyz`. */
export interface Readiness {
  status: 'ok' | 'unavailable' | string
  components: { database?: ComponentStatus; sandbox?: ComponentStatus; stream?: ComponentStatus }
}

export interface RoomPeer {
  peerId: string
  user: { id: string; name: string }
  role: 'host' | 'participant' | 'interviewer' | 'guest' | 'admin' | (string & {})
}

/** An invitation link to one seat of a session (`/join/<token>`). */
export interface Invite {
  id: string
  token: string
  /** The absolute link to send. */
  url: string
  role: InviteRole
  status: InviteStatus
  expiresAt: string
  createdAt: string
  openedAt: string | null
  /** Who came in with it, once someone did. */
  guest: PublicUser | null
}

/** `GET /api/invites/:token`: what the join page shows before anyone signs in. */
export interface InviteInfo {
  session: { id: string; problemTitle: string; hostName: string; status: SessionStatus }
  role: InviteRole
  valid: boolean
  expiresAt: string
  /** This browser already holds this invitation's seat. */
  rejoin: boolean
  /** Why the link cannot be used (`valid` false: someone else already came in with it). */
  message?: string
}

export interface IceServer {
  urls: string[] | string
  username?: string
  credential?: string
}

// ---------------------------------------------------------------------------------------------
// The interviewer's record: notes, scorecards, replay, timeline, report, past interviews.

/** Who the room's events channel says this person is (`welcome.role`). */
export type RoomRole = 'host' | 'interviewer' | 'participant' | 'admin'

export interface PersonRef {
  id: string
  name: string
  image?: string | null
}

/** The caller's private notes on a session (Markdown). */
export interface Notes {
  markdown: string
  updatedAt: string | null
}

/** Someone's notes, as `notes/all` and the report list them. */
export interface PersonNotes extends Notes {
  user: PersonRef
}

export interface Criterion {
  id: string
  name: string
  guidance: string
}

export interface Rubric {
  id: string
  name: string
  description: string
  isDefault: boolean
  criteria: Criterion[]
}

export type Rating = 1 | 2 | 3 | 4
export type Recommendation = 'strong_no' | 'no' | 'yes' | 'strong_yes'
export type ScorecardStatus = 'draft' | 'submitted'

export interface Scorecard {
  rubricId: string
  rubric: { id: string; name: string; criteria: Criterion[] }
  ratings: Record<string, Rating>
  recommendation: Recommendation | null
  comments: string
  status: ScorecardStatus
  updatedAt: string | null
  submittedAt: string | null
}

export interface ScorecardInput {
  rubricId: string
  ratings: Record<string, Rating>
  recommendation: Recommendation | null
  comments: string
}

export interface PersonScorecard extends Scorecard {
  user: PersonRef
}

/** One op: `[index, deleteCount, insert]`, indices in UTF-16 code units. */
export type ReplayOp = [number, number, string]

export interface ReplayStep {
  /** Milliseconds since the session's createdAt. */
  at: number
  /** Index into `authors`; null for the starter code. */
  author: number | null
  ops: ReplayOp[]
  /** Present when the language changed in this step. */
  language?: string
}

export interface ReplayData {
  createdAt: string
  durationMs: number
  live: boolean
  authors: PersonRef[]
  initial: { code: string; language: string }
  steps: ReplayStep[]
}

export type TimelineKind = 'join' | 'leave' | 'language' | 'run' | 'submit' | 'chat' | 'paste' | 'focus' | 'ended' | (string & {})

export interface TimelineTest {
  index: number
  status: TestStatus
  timeMs?: number
}

export interface TimelineEvent {
  at: number
  kind: TimelineKind
  user: PersonRef | null
  role?: string
  language?: string
  verdict?: Verdict
  passed?: number
  total?: number
  message?: string | null
  timeMs?: number | null
  tests?: TimelineTest[]
  hidden?: { passed: number; total: number; firstFailure: TestStatus | null } | null
  submissionId?: string
  text?: string
  chars?: number
  visible?: boolean
}

export interface Timeline {
  createdAt: string
  durationMs: number
  live: boolean
  events: TimelineEvent[]
}

export interface ReportSubmission {
  id: string
  user: string | PersonRef | null
  userName?: string | null
  language: string
  mode: 'run' | 'submit' | (string & {})
  verdict: Verdict
  passed: number
  total: number
  timeMs?: number | null
  createdAt: string
  tests: TimelineTest[]
  hidden?: { passed: number; total: number; firstFailure: TestStatus | null } | null
}

export interface Report {
  session: Session
  durationMs: number | null
  language: string
  finalCode: string
  submissions: ReportSubmission[]
  chat: ChatMessage[]
  notes: PersonNotes[]
  scorecards: PersonScorecard[]
  timeline: TimelineEvent[]
  /** The final board; `null` when nobody drew. */
  whiteboard?: { elements: BoardElement[] } | null
}

/** A whiteboard shape as the drawing library keeps it (only the fields coderoom reads are named). */
export interface BoardElement {
  id: string
  type: string
  version: number
  versionNonce?: number
  index?: string | null
  isDeleted?: boolean
  [field: string]: unknown
}

export interface InterviewSummary extends Session {
  durationMs: number | null
  recommendations: Array<{ user: PersonRef; recommendation: Recommendation | null }>
}
