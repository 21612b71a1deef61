import { useId } from 'react'
import type { Runtime } from '../api'
import { problemLanguages, runtimeFor } from './languages'

export function LanguagePicker({
  value,
  onChange,
  offered,
  runtimes,
  disabled,
}: {
  value: string
  onChange: (id: string) => void
  offered?: string[]
  runtimes?: Runtime[]
  disabled?: boolean
}) {
  const id = useId()
  const langs = problemLanguages(offered)
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Language
      </label>
      <select
        id={id}
        className="select select-sm w-40"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        data-testid="language-picker"
      >
        {langs.map((l) => {
          const rt = runtimeFor(l.id, runtimes)
          const missing = runtimes !== undefined && !rt
          return (
            <option key={l.id} value={l.id} disabled={missing && l.id !== value}>
              {l.label}
              {rt ? ` ${rt.version}` : missing ? ' (not installed)' : ''}
            </option>
          )
        })}
      </select>
    </div>
  )
}
