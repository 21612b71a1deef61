// The final board drawn as SVG for the report, by the drawing library itself (loaded lazily,
// see ./index.tsx).
import './assetPath'
import { useEffect, useRef, useState } from 'react'
import { exportToCanvas, exportToSvg } from '@excalidraw/excalidraw'
import type { BoardElement } from '../api'

export default function BoardSvg({ elements }: { elements: BoardElement[] }) {
  const host = useRef<HTMLDivElement | null>(null)
  const [failed, setFailed] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    // Embedding the fonts in the SVG subsets them with code that needs `eval`, which the page's
    // policy forbids. The SVG names them instead, and drawing to a one-pixel canvas first is
    // what adds them (served by coderoom) to this page, so the inline SVG is drawn with them.
    exportToCanvas({ elements: elements as never, files: null, maxWidthOrHeight: 1 })
      .catch(() => null)
      .then(() =>
        exportToSvg({
          elements: elements as never,
          appState: { exportBackground: true, viewBackgroundColor: '#ffffff', exportWithDarkMode: false },
          files: null,
          exportPadding: 16,
          skipInliningFonts: true,
        }),
      )
      .then((svg: SVGSVGElement) => {
        if (cancelled || !host.current) return
        svg.setAttribute('width', '100%')
        svg.removeAttribute('height')
        svg.style.maxHeight = '70vh'
        host.current.replaceChildren(svg)
      })
      .catch((e: unknown) => !cancelled && setFailed(e instanceof Error ? e.message : 'cannot draw the board'))
    return () => {
      cancelled = true
    }
  }, [elements])
  if (failed) return <p className="text-sm text-error">The whiteboard could not be drawn: {failed}</p>
  return <div ref={host} className="overflow-hidden rounded-box border border-base-300 bg-white print:break-inside-avoid" data-testid="report-whiteboard" />
}
