// The replay's reconstruction of the code at any moment of an interview, from the server's
// edit log (`GET /api/sessions/:id/replay`). Pure and DOM-free: no React, no Monaco, no
// imports at all, so that it runs (and is timed) in Node as well as in the page.
//
// Each step's ops apply in order to the code string: `code = code.slice(0, index) + insert +
// code.slice(index + deleteCount)`, indices in UTF-16 code units (JS string indices).
// `buildReplay` keeps the full code every CHECKPOINT_EVERY steps, so that `codeAt` applies at
// most that many steps after a binary search, whatever the position. The code is held in
// chunks while ops apply, so that a large file does not make every op copy all of it.

export type Op = [index: number, deleteCount: number, insert: string]

export interface Step {
  /** Milliseconds since the session's creation. */
  at: number
  /** Index into `authors`; null for the starter code. */
  author: number | null
  ops: Op[]
  /** Set when the language changed in this step. */
  language?: string
}

export interface ReplayInput {
  createdAt: string
  durationMs: number
  live: boolean
  authors: Array<{ id: string; name: string }>
  initial: { code: string; language: string }
  steps: Step[]
}

interface Checkpoint {
  /** The code at that point, in chunks (shared, never changed: copy the array to edit). */
  chunks: readonly string[]
  length: number
  language: string
}

export interface BuiltReplay {
  readonly input: ReplayInput
  /** The steps, ordered by `at`. */
  readonly steps: readonly Step[]
  /** `steps[i].at`, for binary search. */
  readonly times: Float64Array
  /** `checkpoints[k]`: the state before step `k * every` (after steps `0 … k*every-1`). */
  readonly checkpoints: readonly Checkpoint[]
  readonly every: number
  /** The last moment of the replay: the session's length, or the last step's time if later. */
  readonly durationMs: number
}

export interface Frame {
  code: string
  language: string
  /** Index of the last step applied; -1 when none is (the initial code). */
  stepIndex: number
}

export const CHECKPOINT_EVERY = 200

/** Applies one op to a string; out-of-range indices are clamped, so a damaged log never throws. */
export function applyOp(code: string, op: Op): string {
  const len = code.length
  const index = Math.min(Math.max(0, op[0] | 0), len)
  const del = Math.min(Math.max(0, op[1] | 0), len - index)
  const insert = op[2] ?? ''
  if (del === 0 && insert === '') return code
  return code.slice(0, index) + insert + code.slice(index + del)
}

const CHUNK = 1024

/**
 * The code as an array of chunks of about CHUNK code units: an op touches one or two chunks
 * instead of copying the whole text, so a long session's large file stays fast to replay.
 */
class ChunkedText {
  chunks: string[]
  length: number

  constructor(chunks: string[], length: number) {
    this.chunks = chunks
    this.length = length
  }

  static from(text: string): ChunkedText {
    return new ChunkedText(split(text), text.length)
  }

  apply(op: Op): void {
    const index = Math.min(Math.max(0, op[0] | 0), this.length)
    const del = Math.min(Math.max(0, op[1] | 0), this.length - index)
    const insert = op[2] ?? ''
    if (del === 0 && insert === '') return
    const chunks = this.chunks
    if (chunks.length === 0) {
      this.chunks = split(insert)
      this.length = insert.length
      return
    }
    // The chunk holding `index` (an index at a boundary belongs to the chunk before it).
    let ci = 0
    let pos = 0
    while (ci < chunks.length - 1 && pos + chunks[ci]!.length < index) pos += chunks[ci++]!.length
    // The chunk holding the end of the deleted range.
    let cj = ci
    let endPos = pos + chunks[ci]!.length
    while (cj < chunks.length - 1 && endPos < index + del) endPos += chunks[++cj]!.length
    // A small piece is merged into its neighbour, so that chunks do not crumble.
    if (cj < chunks.length - 1 && endPos - pos - del + insert.length < CHUNK / 4) endPos += chunks[++cj]!.length
    const merged = cj === ci ? chunks[ci]! : chunks.slice(ci, cj + 1).join('')
    const off = index - pos
    const local = merged.slice(0, off) + insert + merged.slice(off + del)
    const pieces = local.length === 0 ? [] : local.length > 2 * CHUNK ? split(local) : [local]
    chunks.splice(ci, cj - ci + 1, ...pieces)
    this.length += insert.length - del
  }

  toString(): string {
    return this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('')
  }
}

function split(text: string): string[] {
  if (text.length <= 2 * CHUNK) return text.length ? [text] : []
  const out: string[] = []
  for (let i = 0; i < text.length; i += CHUNK) out.push(text.slice(i, i + CHUNK))
  return out
}

/** Precomputes the checkpoints. Steps out of order (never expected) are sorted, stably, by time. */
export function buildReplay(input: ReplayInput, every: number = CHECKPOINT_EVERY): BuiltReplay {
  const raw = input.steps ?? []
  let ordered = true
  for (let i = 1; i < raw.length; i++) {
    if (raw[i]!.at < raw[i - 1]!.at) {
      ordered = false
      break
    }
  }
  const steps = ordered ? raw : raw.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i).map((x) => x.s)
  const times = new Float64Array(steps.length)
  const checkpoints: Checkpoint[] = []
  const step = Math.max(1, Math.floor(every))
  const doc = ChunkedText.from(input.initial?.code ?? '')
  let language = input.initial?.language ?? ''
  for (let i = 0; i < steps.length; i++) {
    if (i % step === 0) checkpoints.push({ chunks: doc.chunks.slice(), length: doc.length, language })
    const s = steps[i]!
    times[i] = s.at
    for (const op of s.ops) doc.apply(op)
    if (s.language) language = s.language
  }
  if (steps.length % step === 0) checkpoints.push({ chunks: doc.chunks.slice(), length: doc.length, language })
  const last = steps.length > 0 ? times[steps.length - 1]! : 0
  return { input, steps, times, checkpoints, every: step, durationMs: Math.max(input.durationMs || 0, last) }
}

/** How many steps happen at or before `atMs` (an upper bound by binary search). */
export function stepsUpTo(built: BuiltReplay, atMs: number): number {
  const t = built.times
  let lo = 0
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid]! <= atMs) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The code after the first `count` steps. */
export function codeAfterSteps(built: BuiltReplay, count: number): Frame {
  const n = Math.min(Math.max(0, count | 0), built.steps.length)
  const k = Math.max(0, Math.min(Math.floor(n / built.every), built.checkpoints.length - 1))
  const cp = built.checkpoints[k]
  if (!cp) return { code: built.input.initial?.code ?? '', language: built.input.initial?.language ?? '', stepIndex: -1 }
  if (k * built.every === n) return { code: cp.chunks.join(''), language: cp.language, stepIndex: n - 1 }
  const doc = new ChunkedText(cp.chunks.slice(), cp.length)
  let language = cp.language
  for (let i = k * built.every; i < n; i++) {
    const s = built.steps[i]!
    for (const op of s.ops) doc.apply(op)
    if (s.language) language = s.language
  }
  return { code: doc.toString(), language, stepIndex: n - 1 }
}

/** The code, its language and the last step applied, as they stood `atMs` after the session began. */
export function codeAt(built: BuiltReplay, atMs: number): Frame {
  return codeAfterSteps(built, stepsUpTo(built, atMs))
}

export interface Span {
  start: number
  end: number
  author: number
}

/**
 * The text each author changed recently: the insertions of the steps within `windowMs` before
 * `atMs` (at most `maxSteps` of them), mapped through the later edits onto the code at `atMs`.
 * Offsets are into `codeAt(built, atMs).code`; spans of the starter code (author null) are left out.
 */
export function recentSpans(built: BuiltReplay, atMs: number, windowMs = 8000, maxSteps = 400): Span[] {
  const n = stepsUpTo(built, atMs)
  let first = n
  while (first > 0 && n - first < maxSteps && built.times[first - 1]! > atMs - windowMs) first--
  let spans: Span[] = []
  for (let i = first; i < n; i++) {
    const step = built.steps[i]!
    for (const [rawIndex, rawDel, insert] of step.ops) {
      const index = Math.max(0, rawIndex | 0)
      const del = Math.max(0, rawDel | 0)
      const ins = insert?.length ?? 0
      const next: Span[] = []
      for (const sp of spans) {
        let { start, end } = sp
        // The deleted range [index, index + del) disappears; what follows moves left.
        if (del > 0) {
          start = mapDelete(start, index, del)
          end = mapDelete(end, index, del)
        }
        // The insertion at `index` pushes what is at or after it to the right.
        if (ins > 0) {
          if (start >= index) start += ins
          if (end > index) end += ins
        }
        if (end > start) next.push({ start, end, author: sp.author })
      }
      if (ins > 0 && step.author !== null && step.author !== undefined) next.push({ start: index, end: index + ins, author: step.author })
      spans = next
    }
  }
  return mergeSpans(spans)
}

function mapDelete(pos: number, index: number, del: number): number {
  if (pos <= index) return pos
  if (pos >= index + del) return pos - del
  return index
}

/** Sorts spans and joins touching ones of the same author. */
function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || a.end - b.end)
  const out: Span[] = []
  for (const s of spans) {
    const last = out[out.length - 1]
    if (last && last.author === s.author && s.start <= last.end) last.end = Math.max(last.end, s.end)
    else out.push({ ...s })
  }
  return out
}

/** Sorted, de-duplicated moments: the edits' times and any other times given (timeline events). */
export function activityTimes(built: BuiltReplay, extra: readonly number[] = []): Float64Array {
  const all = new Float64Array(built.times.length + extra.length)
  all.set(built.times, 0)
  for (let i = 0; i < extra.length; i++) all[built.times.length + i] = extra[i]!
  all.sort()
  let w = 0
  for (let r = 0; r < all.length; r++) if (w === 0 || all[r] !== all[w - 1]) all[w++] = all[r]!
  return all.slice(0, w)
}

/** The first moment in `sorted` strictly after `t`, or null. */
export function nextActivity(sorted: Float64Array, t: number): number | null {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo < sorted.length ? sorted[lo]! : null
}

/**
 * Where playback goes next with "skip idle": from `t`, if nothing happens for longer than
 * `idleMs`, to `lead` ms before the next activity (or the end); otherwise null (play on).
 */
export function skipIdleTarget(sorted: Float64Array, t: number, durationMs: number, idleMs = 5000, lead = 500): number | null {
  const next = nextActivity(sorted, t)
  const target = next ?? durationMs
  if (target - t > idleMs) return Math.max(t, target - lead)
  return null
}

/** "m:ss" or "h:mm:ss" for a length of time. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`
}
