// Generated from the server's OpenAPI document by web/scripts/api-types.mjs; do not edit.
// Regenerate with scripts/api-types.sh after changing an API type in the server.

export type AcceptInvite = {
  email?: string | null
  /** The name the others see (a guest's; ignored for a signed-in interviewer's own account). */
  name: string
}

/** Who acted: a person, or the command line / a service token (no person). */
export type Actor = {
  email: string | null
  /** The person's user id; `null` for the command line. */
  id: string | null
  /** The person's name, or `command line`. */
  name: string
}

/** An account as administrators see it: the user, and whether the account is disabled. */
export type AdminUser = User & {
  /** A disabled account cannot sign in. */
  disabled: boolean
}

export type AdminUserList = {
  /** Oldest account first. */
  users: AdminUser[]
}

export type AdminUserResponse = {
  user: AdminUser
}

export type AllNotes = {
  /** Oldest save first. */
  notes: AuthoredNotes[]
  /**
   * Whether the others' notes are among them (the server's `record.share_notes`: always,
   * after the end, or never).
   */
  othersVisible: boolean
}

/** A run or submit on the timeline. */
export type Attempt = {
  hidden: null | HiddenSummary
  language: Language
  message: string | null
  passed: number
  submissionId: string
  tests: TestVerdict[]
  timeMs: number
  total: number
  verdict: Verdict
}

export type Author = {
  id: string
  name: string
}

/** Someone's notes, with who wrote them. */
export type AuthoredNotes = {
  markdown: string
  updatedAt: string | null
  user: Author
}

/** Someone's scorecard, as the scorecards listing shows it. */
export type AuthoredScorecard = Scorecard & {
  user: Author
}

/** The shapes on a whiteboard, deleted ones left out, in stacking order. */
export type BoardElements = {
  /**
   * Each shape as the browser's drawing library keeps it (an object with at least its `id`,
   * `type`, `version` and fractional `index`).
   */
  elements: Record<string, unknown>[]
}

/** The room's recent chat messages, oldest first. */
export type ChatHistory = {
  messages: ChatMessage[]
}

export type ChatMessage = {
  createdAt: string
  id: string
  text: string
  user: Author
}

/** What the browser's Stream clients need to connect as one user. */
export type ChatToken = {
  /** The Stream app's public key. */
  apiKey: string
  /** When `token` expires, in seconds since the Unix epoch. */
  expiresAt: number
  /** A Stream user token (HS256 JWT). */
  token: string
  userId: string
  userImage: string | null
  userName: string
}

export type CompanySignIn = {
  /** The sign-in button's words. */
  label: string
  /** Who may still use a coderoom password. */
  localSignIn: LocalSignIn
}

export type Components = {
  database: DatabaseHealth
  /** The writer of the shared documents. */
  documents: PersistenceHealth
  sandbox: SandboxReadiness
  /** Reported, but never makes coderoom unready: sessions work without Stream. */
  stream: StreamHealth
}

/** How one component is doing. */
export type Condition = "ok" | "degraded" | "error" | "disabled"

/** A key just created. */
export type CreatedKey = {
  apiKey: KeyInfo
  /** The key (`crk_…`), for `Authorization: Bearer <key>`: shown this once, never stored. */
  key: string
}

export type CreateInvite = {
  /** 1 to 8760 hours; `sessions.invite_hours` when absent. */
  expiresInHours?: number | null
  /** The seat the link gives. */
  role: Seat
}

export type CreateRequest = {
  /** 1 to 64 letters, digits, dots, dashes or underscores; unique. */
  name: string
}

export type CreateSession = {
  difficulty?: null | Difficulty
  /** The problem's slug. */
  problem: string
  /** 1 to 480 minutes; none when absent or `null`. */
  timeBoxMinutes?: number | null
  visibility?: null | Visibility
}

/** One thing a rubric rates, 1 to 4. */
export type Criterion = {
  /** What each rating means, for the interviewer (at most 2,000 characters). */
  guidance?: string
  /** 1 to 40 lowercase letters, digits, `-` or `_`, unique in the rubric. */
  id: string
  /** 1 to 80 characters. */
  name: string
}

export type DatabaseHealth = {
  message?: string
  status: Condition
}

export type DefinitionList = {
  /** Easy to hard, then by title. */
  problems: Problem[]
}

export type DefinitionReply = {
  problem: Problem
}

export type Difficulty = "easy" | "medium" | "hard"

/** One text operation, `[index, delete, insert]`: at `index` remove `delete` units, then insert `insert` */
export type EditOp = [number, number, string]

/** One Docker engine in [`SandboxReadiness`]. */
export type EngineReport = {
  capacity: number
  healthy: boolean
  /** Why the engine cannot be reached, if it cannot. */
  message: string | null
  /** Default images this engine lacks. */
  missing: string[]
  name: string
  running: number
}

/** A stored entry, as every reader shows it. */
export type Entry = {
  /** What was done: `auth.signed_in`, `user.role_changed`, `apikey.created`… */
  action: string
  actor: null | Actor
  /** The client's address, for the actions that record it (sign-ins and their failures). */
  address: string | null
  /** When (RFC 3339, UTC). */
  at: string
  /** The action's particulars, which differ by action; `null` when it has none. */
  detail: Record<string, unknown> | null
  /** What was acted on: a user id, a session id, a problem slug, a key name, an email. */
  target: string | null
}

export type EntryPage = {
  /** Newest first; page on with `before` set to the last entry's `at`. */
  entries: Entry[]
}

/** Every error answer: a status and a sentence for a person. */
export type ErrorBody = {
  /** What went wrong, written to be shown as it is. */
  message: string
}

/** A visible test as LeetCode shows it in a statement. */
export type Example = {
  explanation: string | null
  /** `name = value` pairs. */
  input: string
  /** The expected answer, as JSON text. */
  output: string
}

/**
 * An execution request in Piston's terms; also the judge's entry point. Unknown fields are
 * ignored. A limit that is absent, `null`, `0`, `""` or `false` means the server's maximum; a
 * request may lower a limit, never raise it.
 */
export type ExecuteRequest = {
  /** Arguments of the run stage, after the main file. */
  args?: string[]
  /** CPU milliseconds of the compile stage. */
  compile_cpu_time?: number | null
  /** Bytes of memory of the compile stage; `-1` means the server's maximum. */
  compile_memory_limit?: number | null
  /** Wall-clock milliseconds of the compile stage. */
  compile_timeout?: number | null
  /** At least one utf8 file; the first utf8 file is the main file. */
  files: RequestFile[]
  /** A language name or alias. */
  language: string
  /** CPU milliseconds of the run stage. */
  run_cpu_time?: number | null
  /** Bytes of memory of the run stage; `-1` means the server's maximum. */
  run_memory_limit?: number | null
  /** Wall-clock milliseconds of the run stage. */
  run_timeout?: number | null
  /** Standard input; a final newline is added when missing. */
  stdin?: string
  /** A semver range (`3.12.0`, `3.x`, `3`, `*`): the highest installed match runs. */
  version: string
}

/** The outcome of one execution, in Piston's shape. */
export type ExecuteResult = {
  /** Only for runtimes that compile. */
  compile?: StageResult
  /** The canonical name, never the alias that was sent. */
  language: string
  /** When compilation failed, the run stage was skipped and this is a copy of `compile`. */
  run: StageResult
  version: string
}

/**
 * The room (shared editor, chat, presence, built-in video) is part of every server; said for
 * API clients written when it was optional.
 */
export type Features = {
  realtime: boolean
}

/** One interviewer's submitted recommendation. */
export type GivenRecommendation = {
  recommendation: Recommendation
  user: Author
}

/**
 * What the interviewers are told about a problem: what to look for, follow-up questions
 * (Markdown; empty when the problem has none). Never shown to candidates.
 */
export type Guidance = {
  guidance: string
}

/** The hidden tests of a submit, as counts (a run has none: `0` of `0`). */
export type HiddenSummary = {
  firstFailure: null | TestStatus
  passed: number
  total: number
}

export type InitialCode = {
  code: string
  language: string
}

/** A session with what the interviewers concluded. */
export type Interview = Session & {
  /** From the candidate's arrival (or the creation) to the end; `null` while live. */
  durationMs: number | null
  /** The submitted scorecards' recommendations. */
  recommendations: GivenRecommendation[]
}

/** A page of interviews. */
export type InterviewList = {
  /** Newest first. */
  interviews: Interview[]
  /** Where the next page starts (pass it as `before`); `null` on the last page. */
  nextBefore: string | null
}

/** Everything the record holds about one interview, as far as the reader may read it. */
export type InterviewReport = {
  chat: ChatMessage[]
  /** From the creation to the end, or to now while live. */
  durationMs: number
  finalCode: string
  /** The editor's language at the end (or now). */
  language: string
  /** The reader's own notes, and the others' as the server's notes sharing allows. */
  notes: AuthoredNotes[]
  /** The submitted scorecards, once the reader submitted theirs (administrators: always). */
  scorecards: AuthoredScorecard[]
  session: Session
  /** Oldest first. */
  submissions: Submission[]
  timeline: TimelineEvent[]
  whiteboard: null | ReportWhiteboard
}

/** An invitation as its session's host sees it. */
export type Invite = {
  createdAt: string
  expiresAt: string
  guest: null | Person
  id: string
  openedAt: string | null
  role: Seat
  status: InviteStatus
  /** The secret in the link: whoever has it may take the seat. */
  token: string
  /** The link to send: `<origin>/join/<token>`. */
  url: string
}

/** The session an invitation opens, as much as someone not yet in it may know. */
export type InvitedSession = {
  hostName: string
  id: string
  problemTitle: string
  status: SessionStatus
}

/** A session's invitations, newest first. */
export type InviteList = {
  invites: Invite[]
}

/** What an invitation link opens, for the join page. */
export type InvitePreview = {
  expiresAt: string
  /** Why the link cannot be used; only when `valid` is `false`. */
  message?: string
  /** The caller entered with this link before and may return to the seat. */
  rejoin: boolean
  /** The seat the link gives. */
  role: Seat
  session: InvitedSession
  /** `false` when someone else has already entered with the link. */
  valid: boolean
}

/** One invitation. */
export type InviteReply = {
  invite: Invite
}

export type InviteStatus = "unused" | "opened" | "in_room" | "left" | "revoked" | "expired"

/** Whether a judgement was a run or a submit. */
export type JudgeMode = "run" | "submit"

export type JudgeReply = {
  result: JudgeResult
}

/** What the judge found: the verdict, each visible test, the hidden tests' counts. */
export type JudgeReport = {
  /** Compiler output for `compile_error`. */
  compileOutput?: string
  custom: boolean
  hidden: HiddenSummary
  language: Language
  memoryBytes: number
  /** One-line explanation of the verdict. */
  message: string
  mode: JudgeMode
  passed: number
  solutionTimeMs: number
  /**
   * What the visible run wrote to stderr outside of any test (crashes). The hidden run's
   * is never shown.
   */
  stderr: string
  tests: VisibleResult[]
  /**
   * Wall-clock time, the program's own total time inside tests (informational) and peak
   * memory, all of the visible run: the hidden run's could encode its input.
   */
  timeMs: number
  total: number
  verdict: Verdict
}

/** Code to judge. */
export type JudgeRequest = {
  /** The candidate's function (at most 64 KiB). */
  code: string
  /** A language id (`python`, `cpp`, …) or a common alias (`py`, `c++`, `js`, …). */
  language: string
  /** The session this is part of: everyone in its room sees the result. Required of guests. */
  sessionId?: string | null
  /**
   * A run only: one custom input instead of the visible tests, one JSON value per line and
   * parameter (at most 64 KiB).
   */
  stdin?: string | null
}

/** A judgement's report with the id of the submission that stores it. */
export type JudgeResult = JudgeReport & {
  submissionId: string
}

/** What may be shown about a key: never the key, nor its hash. */
export type KeyInfo = {
  /** When it was created (RFC 3339). */
  createdAt: string
  /** When it was last used (recorded at most once a minute); `null` when never. */
  lastUsedAt: string | null
  name: string
}

export type KeyList = {
  /** Oldest first. */
  apiKeys: KeyInfo[]
}

export type Language = "python" | "javascript" | "typescript" | "java" | "c" | "cpp" | "go" | "rust" | "ruby" | "php" | "csharp" | "swift"

export type Liveness = {
  /** Always `ok`: the process answers. */
  status: Condition
}

/** Who may still sign in with a coderoom password when company sign-in is on. */
export type LocalSignIn = "admins" | "everyone" | "nobody"

export type LoginRequest = {
  email: string
  password: string
}

/** Signed out of coderoom; the browser should also end the company sign-in there. */
export type LogoutResponse = {
  /** The company provider's sign-out address. */
  logoutUrl: string
}

/** One interviewer's notes on a session. */
export type Notes = {
  /** Empty until the first save. */
  markdown: string
  /** When they were last saved; `null` before the first save. */
  updatedAt: string | null
}

/** Notes to save: they replace the caller's notes on the session. */
export type NotesInput = {
  /** At most 100,000 characters. */
  markdown: string
}

export type NotesReply = {
  notes: Notes
}

/** A runtime of the registry, as Piston lists its packages. */
export type PackageInfo = {
  /** Whether its image is present, so that it can run code. */
  installed: boolean
  language: string
  language_version: string
}

export type ParamView = {
  name: string
  /** `int`, `long`, `double`, `bool`, `char`, `string`, `list`, `tree`, or `T[]` / `T[][]`. */
  type: string
}

/** The document writer as `/readyz` reports it. */
export type PersistenceHealth = {
  message?: string
  /** Writes the database refused, kept aside (see the log). */
  setAside: number
  status: Condition
}

/** A user as everyone else sees them: never the e-mail address. */
export type Person = {
  id: string
  image: string | null
  name: string
}

/**
 * The whole definition, as stored in the database (hidden tests and solutions included;
 * the public view is built from it field by field in `super::routes`).
 */
export type Problem = {
  category: string
  /**
   * How answers are compared: `exact`, `unordered`, `unordered-nested`, `float` or
   * `float:TOLERANCE`.
   */
  compare: string
  constraints?: string[]
  /** The statement (Markdown). */
  description: string
  difficulty: Difficulty
  /**
   * What the interviewers are told (what to look for, follow-up questions); never shown to
   * candidates.
   */
  guidance?: string
  hints?: string[]
  kind?: ProblemKind
  /** For `-> void` signatures: the parameter whose final value is the answer. */
  mutates?: string | null
  /**
   * Deliberately wrong solutions: file name (`<verdict>-<label>.<ext>`) → code. They keep
   * the hidden tests honest: validation fails unless each gets exactly its verdict.
   */
  rejected?: Record<string, string>
  /** Empty for a design problem. */
  signature?: string
  slug: string
  /** Reference solutions: file name (e.g. `solution.py`) → code. */
  solutions?: Record<string, string>
  /** Starter code given explicitly (language id → code); others are generated. */
  starter?: Record<string, string>
  summary: string
  tags?: string[]
  tests?: Tests
  time_limit_ms: number
  title: string
}

/** A problem's statement, as candidates see it: nothing of the hidden tests but their count. */
export type ProblemDetail = ProblemSummary & {
  /**
   * How answers are compared (`exact`, `unordered`, `unordered-nested`, `float`,
   * `float:TOLERANCE`); absent for a design problem.
   */
  compare?: string
  constraints: string[]
  /** The statement (Markdown). */
  description: string
  /** The visible tests as the statement shows them; none for a design problem. */
  examples: Example[]
  hiddenTestCount: number
  hints: string[]
  /** The languages a submission may use now; none for a design problem. */
  languages: Language[]
  signature: null | SignatureView
  /** Language id → starter code, for every judged language; empty for a design problem. */
  starterCode: Record<string, string>
  /** The time limit, in milliseconds, for all of a run's tests; absent for a design problem. */
  timeLimitMs?: number
  visibleTests: VisibleTest[]
}

/** What an interview on a problem is about. */
export type ProblemKind = "coding" | "design"

export type ProblemList = {
  /** Easy to hard, then by title. */
  problems: ProblemSummary[]
}

/** How a session names its problem. */
export type ProblemRef = {
  difficulty: Difficulty
  slug: string
  title: string
}

export type ProblemRemoved = {
  /** The removed problem's slug. */
  removed: string
}

export type ProblemReply = {
  problem: ProblemDetail
}

/** What a problem list shows: the same fields everywhere a problem is summarised. */
export type ProblemSummary = {
  category: string
  difficulty: Difficulty
  kind: ProblemKind
  slug: string
  /** One line about the problem. */
  summary: string
  tags: string[]
  title: string
}

/** What the browser app needs to know before anyone signs in. Nothing secret. */
export type PublicConfig = {
  authProvider: SignInProvider
  /** Public by design (the browser SDKs need them); the secrets never leave the server. */
  clerkPublishableKey: string | null
  features: Features
  /** The roles that may host a session. */
  hostRoles: Role[]
  /** Where the camera works when this page was opened over plain HTTP. */
  httpsUrl: string | null
  oidc: null | CompanySignIn
  registration: RegistrationMode
  /** Candidate seats a new session has. */
  seats: number
  /** No administrator exists yet: the first-run page asks for the setup code. */
  setupRequired: boolean
  streamApiKey: string | null
  version: string
  whiteboard: WhiteboardLimits
}

export type Readiness = {
  components: Components
  /** `ok`, or `unavailable` while the database or every Docker engine fails. */
  status: ReadyStatus
}

export type ReadyStatus = "ok" | "unavailable"

/** The interviewer's overall recommendation. */
export type Recommendation = "strong_no" | "no" | "yes" | "strong_yes"

export type RegisterRequest = {
  email: string
  /** 1 to 100 printable characters. */
  name: string
  password: string
  /** The first-run setup token: makes this account the administrator while there is none. */
  setupToken?: string | null
}

export type RegistrationMode = "open" | "invite" | "closed"

/** The code's whole edit history, for the replay page to play back. */
export type Replay = {
  /** Who made the steps: a step's `author` indexes this list. */
  authors: Author[]
  createdAt: string
  /** From the creation to the end, or to now while live. */
  durationMs: number
  /** The code before the first step. */
  initial: InitialCode
  /** Whether the session still runs (the history grows). */
  live: boolean
  /** In order; each step's `at` is milliseconds since the session was created. */
  steps: ReplayStep[]
}

export type ReplayReply = {
  replay: Replay
}

/** One change to the code: the operations of one logged update, in order. */
export type ReplayStep = {
  /** Milliseconds since the session was created. */
  at: number
  /** Index into the replay's `authors`; `null` for the starter code. */
  author: number | null
  /** The language the editor switched to with this step, if it did. */
  language?: string
  ops: EditOp[]
}

export type ReportReply = {
  report: InterviewReport
}

/** The shapes on the whiteboard, in stacking order. */
export type ReportWhiteboard = {
  /** Each shape as the browser's drawing library keeps it. */
  elements: Record<string, unknown>[]
}

/** One file as the client sent it. */
export type RequestFile = {
  content: string
  /** `utf8` (default), `base64` or `hex`. */
  encoding?: string | null
  /** A relative path in the workspace (sub-folders allowed); `file{i}.code` when missing. */
  name?: string | null
}

export type Role = "admin" | "interviewer" | "candidate" | "guest"

/** A scorecard template. */
export type Rubric = {
  criteria: Criterion[]
  description: string
  id: string
  /** The rubric new scorecards start from (exactly one is). */
  isDefault: boolean
  name: string
}

/** The rubric as it was when the scorecard was first saved. */
export type RubricCopy = {
  criteria: Criterion[]
  id: string
  name: string
}

/** What an administrator sends to create or replace a rubric. */
export type RubricInput = {
  /** 1 to 12 criteria. */
  criteria: Criterion[]
  /** At most 1,000 characters. */
  description?: string
  /** When given, the same as the id in the path. */
  id?: string | null
  /** 1 to 80 characters. */
  name: string
}

export type RubricList = {
  /** The default first, then by name. */
  rubrics: Rubric[]
}

export type RubricRemoved = {
  /** The removed rubric's id. */
  removed: string
}

export type RubricReply = {
  rubric: Rubric
}

/** A runtime that can run code now, in Piston's shape. */
export type RuntimeInfo = {
  /** Other names the language may be given by. */
  aliases: string[]
  language: string
  /** The toolchain, when one provides several languages (`gcc` for `c` and `c++`). */
  runtime?: string
  version: string
}

/**
 * The sandbox as `/readyz` reports it: ready while one engine answers and the default images
 * are on the engines that do; degraded, never an error, otherwise, since the rest of coderoom
 * works without code execution.
 */
export type SandboxReadiness = {
  engines: EngineReport[]
  message: string | null
  queued: number
  running: number
  /** Installed runtimes, as `language-version`. */
  runtimes: string[]
  status: Condition
  /** Idle warm containers by image. */
  warm: Record<string, number>
}

/** One interviewer's scorecard on a session. */
export type Scorecard = {
  comments: string
  /** Criterion id → rating, 1 (weak) to 4 (strong). */
  ratings: Record<string, number>
  recommendation: null | Recommendation
  rubric: RubricCopy
  rubricId: string
  status: ScorecardStatus
  /** `null` unless submitted. */
  submittedAt: string | null
  /** `null` for a blank draft that was never saved. */
  updatedAt: string | null
}

/** A draft scorecard to save: it replaces the ratings, recommendation and comments. */
export type ScorecardInput = {
  /** At most 20,000 characters. */
  comments?: string
  /** Criterion id → rating, 1 (weak) to 4 (strong). */
  ratings?: Record<string, number>
  recommendation?: null | Recommendation
  /** Another rubric to rate against; the draft's own (or the default) when absent. */
  rubricId?: string | null
}

export type ScorecardList = {
  /** Whether the caller's own scorecard is submitted. */
  ownSubmitted: boolean
  /**
   * The submitted scorecards, oldest submission first; empty until the caller submitted
   * their own (administrators see them all). Drafts are never listed.
   */
  scorecards: AuthoredScorecard[]
}

export type ScorecardReply = {
  scorecard: Scorecard
}

/**
 * A draft is editable by its author; a submitted scorecard is locked until an administrator
 * reopens it.
 */
export type ScorecardStatus = "draft" | "submitted"

/** The two kinds of seat, and the two kinds of invitation link. */
export type Seat = "candidate" | "interviewer"

/** The seat taken with a link: the session and who the caller now is in it. */
export type SeatTaken = {
  session: Session
  /** A new guest account, or the caller's own account (an interviewer link, or returning). */
  user: User
}

/** A session as every API response shows it. */
export type Session = {
  callId: string
  createdAt: string
  difficulty: Difficulty
  endedAt: string | null
  /** When the time box runs out: `startedAt` plus the time box, once both are known. */
  endsAt: string | null
  host: Person
  id: string
  interviewerSeats: number
  /** Co-interviewers: people in interviewer seats besides the host. */
  interviewers: Person[]
  participant: null | Person
  /** The people in candidate seats. */
  participants: Person[]
  problem: ProblemRef
  /** Candidate seats plus the host. */
  seats: number
  /** When the first candidate took a seat: the interview clock starts there. */
  startedAt: string | null
  status: SessionStatus
  /** The time box the host set, if any. */
  timeBoxMinutes: number | null
  updatedAt: string
  visibility: Visibility
}

/** A session's code and the editor's language. */
export type SessionCode = {
  /**
   * The moment asked for with `?at=`, in milliseconds since the session was created; only
   * then.
   */
  at?: number
  code: string
  /** The editor's language as the room set it (`javascript` until someone picks another). */
  language: string
}

/** The session as it ended. */
export type SessionEnded = {
  /** Always `Session ended successfully`. */
  message: string
  session: Session
}

/** A page of sessions, newest first. */
export type SessionList = {
  sessions: Session[]
}

/** One session: the answer of every route that shows or changes a session. */
export type SessionReply = {
  session: Session
}

/** Who this request is signed in as, if anyone. */
export type SessionResponse = {
  user: null | User
}

/** Whether a session is live. */
export type SessionStatus = "active" | "completed"

export type SetupRequest = {
  /** The token `coderoom serve` printed at its first start (also in the data folder). */
  setupToken: string
}

export type SignatureView = {
  /** The function's name; `null` when the signature does not parse. */
  function: string | null
  /** For a `void` function: the parameter whose final value is the answer. */
  mutates: string | null
  params: ParamView[]
  /** The return type; `null` when the signature does not parse. */
  returns: string | null
  /** As the definition writes it: `twoSum(nums: int[], target: int) -> int[]`. */
  text: string
}

/** Who signs people in. */
export type SignInProvider = "local" | "clerk" | "oidc"

/** The outcome of one stage, in Piston's shape. */
export type StageResult = {
  /** The exit code; `null` when the process was killed. */
  code: number | null
  /** CPU milliseconds. */
  cpu_time: number
  /** Peak memory in bytes. */
  memory: number
  /** A short text for a non-`null` `status` ("Time limit exceeded"). */
  message: string | null
  /** Standard output and error interleaved in the order they arrived. */
  output: string
  /** The signal that killed the process (`SIGKILL`), or `null`. */
  signal: string | null
  /**
   * `null` when it ran normally; `RE` non-zero exit, `SG` killed by a signal, `TO` wall or
   * CPU time limit, `OL` stdout limit, `EL` stderr limit, `XX` internal error.
   */
  status: string | null
  stderr: string
  stdout: string
  /** Wall-clock milliseconds. */
  wall_time: number
}

/** The last call to Stream that failed. */
export type StreamFailure = {
  /** When (RFC 3339). */
  at: string | null
  callId: string
  message: string
  /** What coderoom was doing (`create call`, `queue`, …). */
  operation: string
}

/** Stream as `/readyz` reports it: its calls since start, and the last failure. */
export type StreamHealth = {
  failedCalls?: number
  lastError?: StreamFailure
  status: Condition
  succeededCalls?: number
}

/** A judged attempt as stored: the report's summary and the code (never hidden-test data). */
export type Submission = {
  code: string
  createdAt: string
  hidden: null | HiddenSummary
  id: string
  language: Language
  memoryBytes: number
  message: string | null
  mode: JudgeMode
  passed: number
  /** The problem's slug. */
  problem: string
  /** The session it was made in; `null` on the practice pages. */
  session: string | null
  /** Each visible test's outcome (empty for submissions stored before they were kept). */
  tests: TestVerdict[]
  timeMs: number
  total: number
  /** The id of the account that made it. */
  user: string | null
  /** That account's name; `null` once the account is gone. */
  userName: string | null
  verdict: Verdict
}

export type SubmissionList = {
  /** Newest first. */
  submissions: Submission[]
}

export type SummaryReply = {
  problem: ProblemSummary
}

export type TestCase = {
  /** The expected answer: any JSON value of the signature's return type. */
  expected: unknown
  explanation?: string
  /** Parameter name → value. */
  input: Record<string, unknown>
}

export type Tests = {
  hidden: TestCase[]
  visible: TestCase[]
}

/** One test's outcome; `Skipped` tests were not reached because the program died earlier. */
export type TestStatus = "passed" | "wrong_answer" | "runtime_error" | "time_limit" | "memory_limit" | "skipped"

/** One visible test's outcome in a stored submission. */
export type TestVerdict = {
  index: number
  status: TestStatus
  timeMs: number
}

export type TimeBoxRequest = {
  /** 1 to 480 minutes; absent or `null` clears the time box. */
  minutes?: number | null
}

export type Timeline = {
  createdAt: string
  /** From the creation to the end, or to now while live. */
  durationMs: number
  /** In order of time. */
  events: TimelineEvent[]
  /** Whether the session still runs. */
  live: boolean
}

/** One entry of the timeline. */
export type TimelineEvent = TimelineWhat & {
  /** Milliseconds since the session was created. */
  at: number
  user: null | Author
}

/** What happened, by `kind`. */
export type TimelineWhat = {
  kind: "join"
  /** Their place in the room: `host`, `interviewer`, `participant` or `admin`. */
  role?: string
} | {
  kind: "leave"
  /** Their place in the room: `host`, `interviewer`, `participant` or `admin`. */
  role?: string
} | {
  kind: "focus"
  /** `true`: back on the interview tab; `false`: left it. */
  visible?: boolean
} | {
  kind: "language"
  language: string
} | {
  /** Characters inserted. */
  chars: number
  kind: "paste"
} | Attempt & {
  kind: "run"
} | Attempt & {
  kind: "submit"
} | {
  kind: "chat"
  messageId: string
  text: string
} | {
  kind: "ended"
}

/** A user as the signed-in person and administrators see it. */
export type User = {
  email: string
  id: string
  image: string | null
  name: string
  role: Role
  /** A guest's one session. */
  sessionId?: string
}

/**
 * What an administrator may change about an account: the same as `coderoom users set-role`,
 * `disable` and `enable`.
 */
export type UserChanges = {
  disabled?: boolean | null
  role?: null | Role
}

/** The signed-in person: the answer of registration, sign-in, setup and `/me`. */
export type UserResponse = {
  user: User
}

export type Verdict = "accepted" | "wrong_answer" | "runtime_error" | "time_limit" | "memory_limit" | "compile_error"

/** Who may enter a session. */
export type Visibility = "invite" | "open"

/** A visible test as the candidate sees it after a run. */
export type VisibleResult = {
  /** The program's answer (any JSON value); `null` when it gave none. */
  actual?: unknown
  error?: string
  /** The expected answer (any JSON value); `null` for a custom input, which has none. */
  expected?: unknown
  /** The test's position among the visible tests (0 for a custom input). */
  index: number
  /** Parameter name → the value passed. */
  input: Record<string, unknown>
  /** What the candidate printed during this test (stdout and stderr). */
  output: string
  status: TestStatus
  timeMs: number
}

/** A visible test's data. */
export type VisibleTest = {
  /** The expected answer (any JSON value). */
  expected: unknown
  index: number
  /** Parameter name → value. */
  input: Record<string, unknown>
}

/** A Clerk webhook event. */
export type WebhookEvent = {
  /** The event's object (for user events, Clerk's user). */
  data: Record<string, unknown>
  /**
   * `user.created`, `user.updated` and `user.deleted` are acted on; other types are received
   * and ignored.
   */
  type: string
}

/** What a webhook delivery did. */
export type WebhookReceipt = {
  /** `true` when this delivery id was handled before and this one was ignored; absent otherwise. */
  duplicate?: boolean
  /**
   * Whether coderoom acts on this event's type (`user.created`, `user.updated`,
   * `user.deleted`); absent for a duplicate.
   */
  handled?: boolean
  /** Always `true`: the delivery was taken (Svix stops retrying it). */
  received: boolean
}

export type WhiteboardLimits = {
  maxElements: number
  maxKb: number
}
