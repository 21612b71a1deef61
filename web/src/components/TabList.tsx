/**
 * A row of tabs (ARIA `tablist`): tab `t` is `#<prefix>-tab-<t>`, controls `#<prefix>-panel-<t>`
 * and is found by tests as `<prefix>-tab-<t>`.
 */
export function TabList<T extends string>({
  prefix,
  label,
  tabs,
  selected,
  onSelect,
  className = '',
}: {
  prefix: string
  label: string
  tabs: ReadonlyArray<{ id: T; label: string }>
  selected: T
  onSelect: (tab: T) => void
  className?: string
}) {
  return (
    <div role="tablist" aria-label={label} className={`tabs tabs-box tabs-sm flex-none ${className}`} data-testid={`${prefix}-tabs`}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${prefix}-tab-${t.id}`}
          aria-selected={selected === t.id}
          aria-controls={`${prefix}-panel-${t.id}`}
          className={`tab ${prefix === 'side' ? 'flex-1' : ''} ${selected === t.id ? 'tab-active' : ''}`}
          onClick={() => onSelect(t.id)}
          data-testid={`${prefix}-tab-${t.id}`}
        >
          {t.label}
        </button>
      ))}
    </div>
  )
}
