const COLORS = ['bg-primary text-primary-content', 'bg-secondary text-secondary-content', 'bg-accent text-accent-content', 'bg-info text-info-content', 'bg-success text-success-content', 'bg-warning text-warning-content']

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  if (parts.length === 0) return '?'
  const first = parts[0]?.[0] ?? ''
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : ''
  return (first + last).toUpperCase()
}

function colorFor(seed: string): string {
  let h = 0
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0
  return COLORS[h % COLORS.length] ?? COLORS[0]!
}

/** Initials avatar. Only same-origin images are shown: nothing is loaded from the internet. */
export function Avatar({ name, image, size = 'sm' }: { name: string; image?: string | null; size?: 'xs' | 'sm' | 'md' }) {
  const dim = size === 'xs' ? 'w-6 text-[0.6rem]' : size === 'sm' ? 'w-8 text-xs' : 'w-12 text-base'
  const local = image && image.startsWith('/') && !image.startsWith('//') ? image : null
  return (
    <div className={`avatar ${local ? '' : 'avatar-placeholder'}`} aria-hidden="true">
      <div className={`${dim} rounded-full ${local ? '' : colorFor(name)}`}>
        {local ? <img src={local} alt="" /> : <span className="font-semibold">{initials(name)}</span>}
      </div>
    </div>
  )
}
