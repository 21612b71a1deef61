/**
 * Turns what an administrator picks into the body `POST /api/admin/problems` accepts: the whole
 * problem definition as JSON (what `coderoom problems show --json` prints), or a problem folder
 * as `coderoom problems import` reads it (problem.toml, description.md, guidance.md, tests.json,
 * solutions/*). The server checks the result exactly as the command line does.
 */

export type ProblemBody = Record<string, unknown>

const DEFAULT_TIME_LIMIT_MS = 3000

/** Reads the picked files. Throws an Error with a readable message when they cannot form a problem. */
export async function readProblemFiles(files: File[]): Promise<ProblemBody> {
  if (files.length === 0) throw new Error('Choose a problem file first.')
  const single = files.length === 1 ? files[0] : undefined
  if (single && /\.json$/i.test(single.name) && single.name !== 'tests.json') {
    const text = await single.text()
    try {
      const body = JSON.parse(text) as unknown
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object')
      // `coderoom problems show --json` may wrap it as {"problem": {...}}.
      const obj = body as Record<string, unknown>
      return (obj.problem && typeof obj.problem === 'object' ? obj.problem : obj) as ProblemBody
    } catch (e) {
      throw new Error(`${single.name}: not a JSON problem definition (${e instanceof Error ? e.message : 'invalid'})`)
    }
  }
  // A folder (or several files of one): keyed by the path inside the problem folder.
  const byPath = new Map<string, File>()
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name
    const parts = rel.split('/')
    const inner = parts.length > 1 ? parts.slice(1).join('/') : rel
    byPath.set(inner, f)
  }
  const toml = byPath.get('problem.toml')
  if (!toml) throw new Error('problem.toml is missing: choose a problem folder or a .json definition.')
  const description = byPath.get('description.md')
  if (!description) throw new Error('description.md is missing from the problem folder.')
  let meta: Record<string, unknown>
  try {
    meta = parseToml(await toml.text())
  } catch (e) {
    throw new Error(`problem.toml: ${e instanceof Error ? e.message : 'invalid'}`)
  }
  // A design problem (a prompt for the whiteboard) has no tests.
  const tests = byPath.get('tests.json')
  if (!tests && meta.kind !== 'design') throw new Error('tests.json is missing from the problem folder.')
  let testCases: unknown = { visible: [], hidden: [] }
  try {
    if (tests) testCases = JSON.parse(await tests.text())
  } catch (e) {
    throw new Error(`tests.json: ${e instanceof Error ? e.message : 'invalid JSON'}`)
  }
  const guidance = byPath.get('guidance.md')
  const solutions: Record<string, string> = {}
  for (const [p, f] of byPath) {
    if (p.startsWith('solutions/')) solutions[p.slice('solutions/'.length)] = await f.text()
  }
  return {
    compare: 'exact',
    time_limit_ms: DEFAULT_TIME_LIMIT_MS,
    tags: [],
    constraints: [],
    hints: [],
    starter: {},
    ...meta,
    description: await description.text(),
    ...(guidance ? { guidance: await guidance.text() } : {}),
    tests: testCases,
    solutions,
  }
}

/**
 * The subset of TOML problem.toml uses: `key = value` with strings (basic, literal and their
 * multi-line forms), integers, booleans and arrays of those, and `[table]` headers.
 */
export function parseToml(src: string): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  let table = root
  let i = 0
  let line = 1
  const fail = (msg: string): never => {
    throw new Error(`line ${line}: ${msg}`)
  }
  const peek = () => src[i]
  const skipSpace = (newlines: boolean) => {
    for (;;) {
      const c = src[i]
      if (c === ' ' || c === '\t' || c === '\r') i++
      else if (c === '\n' && newlines) {
        line++
        i++
      } else if (c === '#') {
        while (i < src.length && src[i] !== '\n') i++
      } else break
    }
  }
  const readKey = (): string => {
    if (peek() === '"' || peek() === "'") {
      const v = readValue()
      return String(v)
    }
    const m = /^[A-Za-z0-9_-]+/.exec(src.slice(i))
    if (!m) fail('expected a key')
    i += m![0].length
    return m![0]
  }
  const readBasic = (multi: boolean): string => {
    let out = ''
    for (;;) {
      if (i >= src.length) fail('unterminated string')
      if (multi ? src.startsWith('"""', i) : src[i] === '"') {
        i += multi ? 3 : 1
        return out
      }
      const c = src[i++]
      if (c === '\n') {
        if (!multi) fail('newline in a string')
        line++
      }
      if (c === '\\') {
        const e = src[i++] ?? ''
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' }
        if (e in simple) out += simple[e]
        else if (e === 'u' || e === 'U') {
          const n = e === 'u' ? 4 : 8
          out += String.fromCodePoint(parseInt(src.slice(i, i + n), 16))
          i += n
        } else if (multi && (e === '\n' || e === ' ' || e === '\r' || e === '\t')) {
          // line-ending backslash: trim following whitespace
          i--
          while (/\s/.test(src[i] ?? '')) {
            if (src[i] === '\n') line++
            i++
          }
        } else fail(`unknown escape \\${e}`)
      } else out += c
    }
  }
  const readLiteral = (multi: boolean): string => {
    const end = multi ? "'''" : "'"
    const at = src.indexOf(end, i)
    if (at < 0) fail('unterminated string')
    const out = src.slice(i, at)
    if (!multi && out.includes('\n')) fail('newline in a string')
    line += out.split('\n').length - 1
    i = at + end.length
    return out
  }
  function readValue(): unknown {
    if (src.startsWith('"""', i)) {
      i += 3
      if (src[i] === '\n') {
        i++
        line++
      } else if (src.startsWith('\r\n', i)) {
        i += 2
        line++
      }
      return readBasic(true)
    }
    if (src.startsWith("'''", i)) {
      i += 3
      if (src[i] === '\n') {
        i++
        line++
      }
      return readLiteral(true)
    }
    if (peek() === '"') {
      i++
      return readBasic(false)
    }
    if (peek() === "'") {
      i++
      return readLiteral(false)
    }
    if (peek() === '[') {
      i++
      const arr: unknown[] = []
      for (;;) {
        skipSpace(true)
        if (peek() === ']') {
          i++
          return arr
        }
        arr.push(readValue())
        skipSpace(true)
        if (peek() === ',') i++
        else if (peek() !== ']') fail('expected , or ] in an array')
      }
    }
    const m = /^(true|false|[+-]?[0-9][0-9_]*(\.[0-9_]+)?)/.exec(src.slice(i))
    if (!m) fail('expected a value')
    i += m![0].length
    if (m![0] === 'true' || m![0] === 'false') return m![0] === 'true'
    return Number(m![0].replace(/_/g, ''))
  }
  for (;;) {
    skipSpace(true)
    if (i >= src.length) return root
    if (peek() === '[') {
      i++
      const name = readKey()
      if (peek() !== ']') fail('expected ] after the table name')
      i++
      const t: Record<string, unknown> = {}
      root[name] = t
      table = t
    } else {
      const key = readKey()
      skipSpace(false)
      if (peek() !== '=') fail(`expected = after ${key}`)
      i++
      skipSpace(false)
      table[key] = readValue()
    }
    skipSpace(false)
    if (i < src.length && peek() !== '\n') fail('unexpected text after the value')
  }
}
