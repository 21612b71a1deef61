import type { TimelineEvent } from '../api'
import { verdictLabel } from '../format'

/** How each kind of timeline event looks on the scrubber and in lists. */
export const KIND: Record<string, { label: string; color: string }> = {
  join: { label: 'Joined', color: '#0891b2' },
  leave: { label: 'Left', color: '#64748b' },
  language: { label: 'Language', color: '#7c3aed' },
  run: { label: 'Run', color: '#2563eb' },
  submit: { label: 'Submit', color: '#16a34a' },
  chat: { label: 'Chat', color: '#db2777' },
  paste: { label: 'Paste', color: '#d97706' },
  focus: { label: 'Focus', color: '#f97316' },
  ended: { label: 'Ended', color: '#111827' },
}

export const kindOf = (kind: string) => KIND[kind] ?? { label: kind, color: '#6b7280' }

/** The colour of a marker: a failed submit is red rather than green. */
export function markerColor(e: TimelineEvent): string {
  if ((e.kind === 'submit' || e.kind === 'run') && e.verdict && e.verdict !== 'accepted') return e.kind === 'submit' ? '#dc2626' : '#6366f1'
  if (e.kind === 'focus' && e.visible) return '#a3a3a3'
  return kindOf(e.kind).color
}

/** One line saying what happened, for tooltips and lists. */
export function describe(e: TimelineEvent): string {
  const who = e.user?.name ?? 'Someone'
  switch (e.kind) {
    case 'join':
      return `${who} joined${e.role ? ` (${e.role})` : ''}`
    case 'leave':
      return `${who} left`
    case 'language':
      return `${who} switched to ${e.language ?? 'another language'}`
    case 'run':
    case 'submit': {
      const hidden = e.hidden && e.hidden.total > 0 ? `, hidden ${e.hidden.passed}/${e.hidden.total}` : ''
      return `${who} ${e.kind === 'run' ? 'ran' : 'submitted'}${e.language ? ` ${e.language}` : ''}: ${verdictLabel(e.verdict)} ${e.passed ?? 0}/${e.total ?? 0}${hidden}`
    }
    case 'chat':
      return `${who}: ${(e.text ?? '').slice(0, 140)}`
    case 'paste':
      return `${who} pasted ${e.chars ?? '?'} characters`
    case 'focus':
      return e.visible ? `${who} has the room's tab in view` : `${who} switched away from the room's tab`
    case 'ended':
      return `${e.user ? `${who} ended the session` : 'The session ended'}`
    default:
      // A kind this page does not know yet (a newer server): say at least who.
      return `${who}: ${(e as { kind: string }).kind}`
  }
}
