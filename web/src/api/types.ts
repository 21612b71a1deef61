// The web app's names for the API's types. Every body the server sends or accepts is generated
// from its OpenAPI document (generated.ts, by scripts/api-types.sh), so these cannot drift from
// the server; only what travels on the room's sockets, which the document does not describe, is
// written here by hand.
import type * as api from './generated'

export type Role = api.Role
export type Visibility = api.Visibility
export type InviteRole = api.Seat
export type InviteStatus = api.InviteStatus
export type Difficulty = api.Difficulty
export type Registration = api.RegistrationMode
export type SessionStatus = api.SessionStatus
export type User = api.User
export type PublicUser = api.Person
export type AppConfig = api.PublicConfig
export type ProblemKind = api.ProblemKind
export type Problem = api.ProblemSummary
export type SessionProblem = api.ProblemRef
export type Session = api.Session
export type ProblemExample = api.Example
export type VisibleTest = api.VisibleTest
export type ProblemDetail = api.ProblemDetail
export type Verdict = api.Verdict
export type TestStatus = api.TestStatus
export type TestResult = api.VisibleResult
/** A run or submit result: the judge's report, and in a session who asked for it. */
export type JudgeResult = api.JudgeResult & { user?: { id: string; name: string } }
export type JudgeRequest = api.JudgeRequest
export type Runtime = api.RuntimeInfo
export type ChatMessage = api.ChatMessage
export type AuditEntry = api.Entry
export type AdminUser = api.AdminUser
export type Readiness = api.Readiness
/** One component of `/readyz`, as the administration page shows it. */
export type ComponentStatus = { status: api.Condition; message?: string | null }
export type Invite = api.Invite
export type InviteInfo = api.InvitePreview
export type PersonRef = api.Author
export type Notes = api.Notes
export type PersonNotes = api.AuthoredNotes
export type Criterion = api.Criterion
export type Rubric = api.Rubric
export type Recommendation = api.Recommendation
export type ScorecardStatus = api.ScorecardStatus
export type Scorecard = api.Scorecard
/** A scorecard being edited: every field the server accepts (`PUT …/scorecard`), filled in. */
export type ScorecardInput = {
  rubricId: string
  ratings: NonNullable<api.ScorecardInput['ratings']>
  recommendation: api.Recommendation | null
  comments: string
}
export type PersonScorecard = api.AuthoredScorecard
export type ReplayOp = api.EditOp
export type ReplayStep = api.ReplayStep
export type ReplayData = api.Replay
export type TimelineEvent = api.TimelineEvent
export type TimelineKind = api.TimelineEvent['kind']
/** A run or submit on the timeline. */
export type AttemptEvent = Extract<TimelineEvent, { kind: 'run' | 'submit' }>
export const isAttempt = (e: TimelineEvent): e is AttemptEvent => e.kind === 'run' || e.kind === 'submit'
export type TimelineTest = api.TestVerdict
export type Timeline = api.Timeline
export type ReportSubmission = api.Submission
export type Report = api.InterviewReport
export type InterviewSummary = api.Interview

export interface RoomPeer {
  peerId: string
  user: { id: string; name: string }
  role: 'host' | 'participant' | 'interviewer' | 'guest' | 'admin' | (string & {})
}

export interface IceServer {
  urls: string[] | string
  username?: string
  credential?: string
}

/** Who the room's events channel says this person is (`welcome.role`). */
export type RoomRole = 'host' | 'interviewer' | 'participant' | 'admin'

export type Rating = 1 | 2 | 3 | 4

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
