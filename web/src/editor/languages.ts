import type { LanguageId, Runtime } from '../api'

export interface LanguageInfo {
  id: LanguageId
  label: string
  /** Monaco's language id for highlighting. */
  monaco: string
  /** Names the sandbox (Piston runtimes) may use for it. */
  sandbox: string[]
}

export const LANGUAGES: LanguageInfo[] = [
  { id: 'python', label: 'Python', monaco: 'python', sandbox: ['python', 'python3', 'py'] },
  { id: 'javascript', label: 'JavaScript', monaco: 'javascript', sandbox: ['javascript', 'js', 'node', 'node-js'] },
  { id: 'typescript', label: 'TypeScript', monaco: 'typescript', sandbox: ['typescript', 'ts'] },
  { id: 'java', label: 'Java', monaco: 'java', sandbox: ['java'] },
  { id: 'c', label: 'C', monaco: 'c', sandbox: ['c', 'gcc'] },
  { id: 'cpp', label: 'C++', monaco: 'cpp', sandbox: ['c++', 'cpp', 'g++'] },
  { id: 'go', label: 'Go', monaco: 'go', sandbox: ['go', 'golang'] },
  { id: 'rust', label: 'Rust', monaco: 'rust', sandbox: ['rust', 'rs'] },
  { id: 'ruby', label: 'Ruby', monaco: 'ruby', sandbox: ['ruby', 'rb', 'ruby3'] },
  { id: 'php', label: 'PHP', monaco: 'php', sandbox: ['php', 'php8'] },
  { id: 'csharp', label: 'C#', monaco: 'csharp', sandbox: ['csharp', 'c#', 'cs', 'mono'] },
  { id: 'swift', label: 'Swift', monaco: 'swift', sandbox: ['swift'] },
]

export function languageInfo(id: string): LanguageInfo {
  return LANGUAGES.find((l) => l.id === id) ?? { id, label: id, monaco: 'plaintext', sandbox: [id] }
}

/** The sandbox runtime serving a language, if installed. */
export function runtimeFor(id: string, runtimes: Runtime[] | undefined): Runtime | undefined {
  if (!runtimes) return undefined
  const names = languageInfo(id).sandbox
  return runtimes.find((r) => names.includes(r.language.toLowerCase()) || r.aliases?.some((a) => names.includes(a.toLowerCase())))
}

/** The languages the problem offers, in the usual order. */
export function problemLanguages(offered: string[] | undefined): LanguageInfo[] {
  if (!offered || offered.length === 0) return LANGUAGES
  const known = LANGUAGES.filter((l) => offered.includes(l.id))
  const extra = offered.filter((id) => !LANGUAGES.some((l) => l.id === id)).map(languageInfo)
  return [...known, ...extra]
}
