import { Fragment, type ReactNode } from 'react'

// A small Markdown renderer for problem statements. It builds React elements only (every piece
// of text is a text node), so no HTML in the source can ever reach the page. Supported:
// paragraphs, # headings, - / 1. lists, > quotes, ``` code blocks, ---, `code`, **bold**,
// *italic*, ~~strike~~, [links](https://…) (http, https, mailto and same-site paths only).

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'h'; level: number; text: string }
  | { kind: 'ul' | 'ol'; items: string[]; start: number }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'hr' }

function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let i = 0
  const isBlank = (l: string) => l.trim() === ''
  const startsBlock = (l: string) => /^(#{1,6}\s|```|>\s?|\s*[-*+]\s+|\s*\d+[.)]\s+|(-{3,}|\*{3,}|_{3,})\s*$)/.test(l)
  while (i < lines.length) {
    const line = lines[i] ?? ''
    if (isBlank(line)) {
      i++
      continue
    }
    const fence = /^```\s*([\w+-]*)/.exec(line)
    if (fence) {
      const body: string[] = []
      i++
      while (i < lines.length && !/^```\s*$/.test(lines[i] ?? '')) body.push(lines[i++] ?? '')
      i++
      blocks.push({ kind: 'code', lang: fence[1] ?? '', text: body.join('\n') })
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      blocks.push({ kind: 'h', level: heading[1]!.length, text: heading[2]!.replace(/\s#+\s*$/, '') })
      i++
      continue
    }
    if (/^(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      blocks.push({ kind: 'hr' })
      i++
      continue
    }
    if (/^>\s?/.test(line)) {
      const body: string[] = []
      while (i < lines.length && /^>\s?/.test(lines[i] ?? '')) body.push((lines[i++] ?? '').replace(/^>\s?/, ''))
      blocks.push({ kind: 'quote', text: body.join('\n') })
      continue
    }
    const bullet = /^\s*([-*+]|\d+[.)])\s+/.exec(line)
    if (bullet) {
      const ordered = /\d/.test(bullet[1]!)
      const items: string[] = []
      const start = ordered ? parseInt(bullet[1]!, 10) : 1
      const itemRe = ordered ? /^\s*\d+[.)]\s+/ : /^\s*[-*+]\s+/
      while (i < lines.length) {
        const l = lines[i] ?? ''
        if (itemRe.test(l)) items.push(l.replace(itemRe, ''))
        else if (!isBlank(l) && /^\s{2,}/.test(l) && items.length) items[items.length - 1] += ' ' + l.trim()
        else break
        i++
      }
      blocks.push({ kind: ordered ? 'ol' : 'ul', items, start })
      continue
    }
    const para: string[] = []
    while (i < lines.length && !isBlank(lines[i] ?? '') && (para.length === 0 || !startsBlock(lines[i] ?? ''))) para.push(lines[i++] ?? '')
    blocks.push({ kind: 'p', text: para.join('\n') })
  }
  return blocks
}

function safeHref(url: string): string | null {
  const u = url.trim()
  if (/^(https?:|mailto:)/i.test(u)) return u
  if (u.startsWith('/') && !u.startsWith('//')) return u
  if (u.startsWith('#')) return u
  return null
}

const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|~~([\s\S]+?)~~|\*([^\s*][\s\S]*?)\*|(?<![\w])_([^\s_][\s\S]*?)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)|  \n|\\\n/

export function inline(text: string, key = 'i'): ReactNode[] {
  const out: ReactNode[] = []
  let rest = text
  let n = 0
  while (rest.length > 0) {
    const m = INLINE.exec(rest)
    if (!m) {
      out.push(rest)
      break
    }
    if (m.index > 0) out.push(rest.slice(0, m.index))
    const k = `${key}-${n++}`
    if (m[1] !== undefined) out.push(<code key={k}>{m[2]!.trim() === '' ? m[2] : m[2]!.replace(/^ (.*) $/, '$1')}</code>)
    else if (m[3] !== undefined || m[4] !== undefined) out.push(<strong key={k}>{inline(m[3] ?? m[4]!, k)}</strong>)
    else if (m[5] !== undefined) out.push(<del key={k}>{inline(m[5], k)}</del>)
    else if (m[6] !== undefined || m[7] !== undefined) out.push(<em key={k}>{inline(m[6] ?? m[7]!, k)}</em>)
    else if (m[8] !== undefined) {
      const href = safeHref(m[9]!)
      out.push(
        href ? (
          <a key={k} href={href} className="link link-primary" target={href.startsWith('http') ? '_blank' : undefined} rel="noopener noreferrer">
            {inline(m[8], k)}
          </a>
        ) : (
          <Fragment key={k}>{inline(m[8], k)}</Fragment>
        ),
      )
    } else out.push(<br key={k} />)
    rest = rest.slice(m.index + m[0].length)
  }
  return out
}

export function Markdown({ source, className = '' }: { source: string; className?: string }) {
  const blocks = parseBlocks(source)
  return (
    <div className={`markdown space-y-3 leading-relaxed ${className}`}>
      {blocks.map((b, i) => {
        const k = `b${i}`
        switch (b.kind) {
          case 'p':
            return <p key={k}>{inline(b.text, k)}</p>
          case 'h': {
            const cls = b.level <= 2 ? 'text-lg font-semibold' : 'font-semibold'
            const H = (`h${Math.min(6, b.level + 2)}`) as 'h3'
            return (
              <H key={k} className={cls}>
                {inline(b.text, k)}
              </H>
            )
          }
          case 'ul':
            return (
              <ul key={k} className="list-disc space-y-1 pl-6">
                {b.items.map((it, j) => (
                  <li key={j}>{inline(it, `${k}-${j}`)}</li>
                ))}
              </ul>
            )
          case 'ol':
            return (
              <ol key={k} start={b.start} className="list-decimal space-y-1 pl-6">
                {b.items.map((it, j) => (
                  <li key={j}>{inline(it, `${k}-${j}`)}</li>
                ))}
              </ol>
            )
          case 'quote':
            return (
              <blockquote key={k} className="border-l-4 border-base-300 pl-3 text-base-content/80">
                {inline(b.text, k)}
              </blockquote>
            )
          case 'code':
            return (
              <pre key={k} className="overflow-x-auto rounded-box bg-base-200 p-3 text-sm">
                <code>{b.text}</code>
              </pre>
            )
          case 'hr':
            return <hr key={k} className="border-base-300" />
        }
      })}
    </div>
  )
}
