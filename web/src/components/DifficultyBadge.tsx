import type { Difficulty } from '../api'

const CLASS: Record<Difficulty, string> = {
  easy: 'badge-success',
  medium: 'badge-warning',
  hard: 'badge-error',
}

export function DifficultyBadge({ difficulty, size = 'sm' }: { difficulty: Difficulty; size?: 'xs' | 'sm' | 'md' }) {
  const cls = CLASS[difficulty] ?? 'badge-ghost'
  const sz = size === 'xs' ? 'badge-xs' : size === 'sm' ? 'badge-sm' : ''
  return (
    <span className={`badge ${cls} ${sz} capitalize`} data-testid="difficulty-badge" data-difficulty={difficulty}>
      {difficulty}
    </span>
  )
}
