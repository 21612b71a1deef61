import type { Verdict } from './api'

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d)
}

export function timeAgo(iso: string): string {
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return ''
  const s = Math.max(0, Math.round((Date.now() - t) / 1000))
  if (s < 60) return 'just now'
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 24) return `${h} h ago`
  return formatDate(iso)
}

/** "expires in 23 h", "expires in 5 min", "expired": how long a link stays valid. */
export function expiresIn(iso: string): string {
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return ''
  const s = Math.round((t - Date.now()) / 1000)
  if (s <= 0) return 'expired'
  const m = Math.ceil(s / 60)
  if (m < 60) return `expires in ${m} min`
  const h = Math.round(m / 60)
  if (h < 48) return `expires in ${h} h`
  return `expires ${formatDate(iso)}`
}

/** A run time in milliseconds, as precise as it is useful: "0.04 ms", "3.2 ms", "145 ms". */
export function formatMs(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return ''
  if (ms < 0.01) return '<0.01 ms'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 10) return `${ms.toFixed(1)} ms`
  return `${Math.round(ms)} ms`
}

const VERDICT_LABEL: Record<Verdict, string> = {
  accepted: 'Accepted',
  wrong_answer: 'Wrong answer',
  runtime_error: 'Runtime error',
  time_limit: 'Time limit exceeded',
  memory_limit: 'Memory limit exceeded',
  compile_error: 'Compilation error',
}

/** The judge's verdict in words; one this app does not know yet (a newer server) spelled out. */
export function verdictLabel(v: string | null | undefined): string {
  return v ? (VERDICT_LABEL[v as Verdict] ?? v.replace(/_/g, ' ')) : '—'
}
