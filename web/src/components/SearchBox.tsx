/** A search field with a magnifier; `width` sizes it, `label` names it for screen readers. */
export function SearchBox({
  label,
  width,
  placeholder,
  value,
  onChange,
  testId,
}: {
  label: string
  width: string
  placeholder: string
  value: string
  onChange: (value: string) => void
  testId?: string
}) {
  return (
    <label className={`input input-sm ${width}`}>
      <span className="sr-only">{label}</span>
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-4 w-4 opacity-60" fill="none" stroke="currentColor" strokeWidth="2">
        <circle cx="11" cy="11" r="7" />
        <path strokeLinecap="round" d="m20 20-3.5-3.5" />
      </svg>
      <input type="search" placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  )
}
