// Monaco's PHP grammar module, which ships without type declarations.
declare module 'monaco-esm/languages/definitions/php/php.js' {
  import type { languages } from 'monaco-editor/editor/editor.api'
  export const conf: languages.LanguageConfiguration
  export const language: languages.IMonarchLanguage
}
