import { useEffect, useState, type ReactNode } from 'react'
import { TabList } from '../components/TabList'

type Tab = 'code' | 'whiteboard'

/**
 * The code and a whiteboard, one tab each. The board (`board`, a lazily loaded component) is
 * mounted when its tab is first opened and then kept, hidden, so that a shared board stays in
 * sync and a drawing in progress is not lost.
 */
export function CodeOrBoard({
  design,
  board,
  boardLabel = 'Whiteboard',
  children,
}: {
  design: boolean
  board: ReactNode
  boardLabel?: string
  children: ReactNode
}) {
  const [chosen, setChosen] = useState<Tab | null>(null)
  const tab: Tab = chosen ?? (design ? 'whiteboard' : 'code')
  const boardShown = tab === 'whiteboard'
  const [boardOpened, setBoardOpened] = useState(false)
  useEffect(() => {
    if (boardShown) setBoardOpened(true)
  }, [boardShown])
  const tabs: Array<{ id: Tab; label: string }> = [
    { id: 'code', label: design ? 'Notes & code' : 'Code' },
    { id: 'whiteboard', label: boardLabel },
  ]
  return (
    <div className="flex h-full min-h-0 flex-col gap-2">
      <TabList prefix="main" label="Code or whiteboard" tabs={tabs} selected={tab} onSelect={setChosen} className="self-start" />
      <div id="main-panel-code" role="tabpanel" aria-labelledby="main-tab-code" className={`min-h-0 flex-1 ${tab === 'code' ? 'flex flex-col' : 'hidden'}`}>
        {children}
      </div>
      {(boardOpened || boardShown) && (
        <div
          id="main-panel-whiteboard"
          role="tabpanel"
          aria-labelledby="main-tab-whiteboard"
          className={`h-[70vh] min-h-0 overflow-hidden rounded-box border border-base-300 bg-base-100 lg:h-auto lg:flex-1 ${boardShown ? 'block' : 'hidden'}`}
        >
          {board}
        </div>
      )}
    </div>
  )
}
