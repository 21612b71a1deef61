const PREFIX = 'coderoom-code'

export function loadCode(slug: string, language: string): string | null {
  try {
    return localStorage.getItem(`${PREFIX}:${slug}:${language}`)
  } catch {
    return null
  }
}

export function saveCode(slug: string, language: string, code: string) {
  try {
    localStorage.setItem(`${PREFIX}:${slug}:${language}`, code)
  } catch {
    /* storage full or unavailable: the code stays in the page */
  }
}

export function clearCode(slug: string, language: string) {
  try {
    localStorage.removeItem(`${PREFIX}:${slug}:${language}`)
  } catch {
    /* ignore */
  }
}

export function loadLanguage(): string | null {
  try {
    return localStorage.getItem('coderoom-language')
  } catch {
    return null
  }
}

export function saveLanguage(language: string) {
  try {
    localStorage.setItem('coderoom-language', language)
  } catch {
    /* ignore */
  }
}
