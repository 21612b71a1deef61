// The bundled Monaco editor: its core API, the editor contributions (find, folding, multi-cursor,
// suggestions, …) and the syntax highlighting of the judged languages only. Nothing is loaded
// from a CDN; the one web worker (diffs, word suggestions) is bundled by Vite.
import * as monaco from 'monaco-editor/editor/editor.api'
import EditorWorker from 'monaco-esm/editor/editor.worker.js?worker'
import 'monaco-esm/editor/contrib/anchorSelect/browser/anchorSelect.js';
import 'monaco-esm/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-esm/editor/contrib/caretOperations/browser/transpose.js';
import 'monaco-esm/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-esm/editor/contrib/codeAction/browser/codeActionContributions.js';
import 'monaco-esm/editor/browser/widget/codeEditor/codeEditorWidget.js';
import 'monaco-esm/editor/contrib/codelens/browser/codelensController.js';
import 'monaco-esm/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-esm/editor/contrib/colorPicker/browser/colorPickerContribution.js';
import 'monaco-esm/editor/contrib/comment/browser/comment.js';
import 'monaco-esm/editor/contrib/contextmenu/browser/contextmenu.js';
import 'monaco-esm/editor/contrib/cursorUndo/browser/cursorUndo.js';
import 'monaco-esm/editor/contrib/dnd/browser/dnd.js';
import 'monaco-esm/editor/contrib/documentSymbols/browser/documentSymbols.js';
import 'monaco-esm/editor/contrib/dropOrPasteInto/browser/dropIntoEditorContribution.js';
import 'monaco-esm/features/find/register.js';
import 'monaco-esm/editor/contrib/folding/browser/folding.js';
import 'monaco-esm/editor/contrib/fontZoom/browser/fontZoom.js';
import 'monaco-esm/editor/contrib/format/browser/formatActions.js';
import 'monaco-esm/editor/contrib/gotoError/browser/gotoError.js';
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneGotoLineQuickAccess.js';
import 'monaco-esm/editor/contrib/gotoSymbol/browser/link/goToDefinitionAtPosition.js';
import 'monaco-esm/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-esm/editor/contrib/indentation/browser/indentation.js';
import 'monaco-esm/editor/contrib/inlayHints/browser/inlayHintsContribution.js';
import 'monaco-esm/editor/contrib/inlineCompletions/browser/inlineCompletions.contribution.js';
import 'monaco-esm/editor/contrib/inlineProgress/browser/inlineProgress.js';
import 'monaco-esm/editor/contrib/inPlaceReplace/browser/inPlaceReplace.js';
import 'monaco-esm/editor/contrib/insertFinalNewLine/browser/insertFinalNewLine.js';
import 'monaco-esm/editor/contrib/lineSelection/browser/lineSelection.js';
import 'monaco-esm/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-esm/editor/contrib/linkedEditing/browser/linkedEditing.js';
import 'monaco-esm/editor/contrib/links/browser/links.js';
import 'monaco-esm/editor/contrib/longLinesHelper/browser/longLinesHelper.js';
import 'monaco-esm/editor/contrib/middleScroll/browser/middleScroll.contribution.js';
import 'monaco-esm/editor/contrib/multicursor/browser/multicursor.js';
import 'monaco-esm/editor/contrib/parameterHints/browser/parameterHints.js';
import 'monaco-esm/editor/contrib/placeholderText/browser/placeholderText.contribution.js';
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneCommandsQuickAccess.js';
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneHelpQuickAccess.js';
import 'monaco-esm/editor/standalone/browser/quickAccess/standaloneGotoSymbolQuickAccess.js';
import 'monaco-esm/editor/contrib/readOnlyMessage/browser/contribution.js';
import 'monaco-esm/editor/standalone/browser/referenceSearch/standaloneReferenceSearch.js';
import 'monaco-esm/editor/contrib/rename/browser/rename.js';
import 'monaco-esm/editor/contrib/sectionHeaders/browser/sectionHeaders.js';
import 'monaco-esm/editor/contrib/semanticTokens/browser/viewportSemanticTokens.js';
import 'monaco-esm/editor/contrib/smartSelect/browser/smartSelect.js';
import 'monaco-esm/editor/contrib/snippet/browser/snippetController2.js';
import 'monaco-esm/editor/contrib/stickyScroll/browser/stickyScrollContribution.js';
import 'monaco-esm/editor/contrib/suggest/browser/suggestInlineCompletions.js';
import 'monaco-esm/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode.js';
import 'monaco-esm/editor/contrib/tokenization/browser/tokenization.js';
import 'monaco-esm/editor/contrib/unicodeHighlighter/browser/unicodeHighlighter.js';
import 'monaco-esm/editor/contrib/unusualLineTerminators/browser/unusualLineTerminators.js';
import 'monaco-esm/editor/contrib/wordHighlighter/browser/wordHighlighter.js';
import 'monaco-esm/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-esm/editor/contrib/wordPartOperations/browser/wordPartOperations.js';
import 'monaco-esm/editor/browser/coreCommands.js';
import 'monaco-esm/editor/contrib/caretOperations/browser/caretOperations.js';
import 'monaco-esm/editor/contrib/dropOrPasteInto/browser/copyPasteContribution.js';
import 'monaco-esm/editor/contrib/find/browser/findController.js';
import 'monaco-esm/editor/contrib/gotoSymbol/browser/goToCommands.js';
import 'monaco-esm/editor/contrib/gotoError/browser/markerSelectionStatus.js';
import 'monaco-esm/editor/contrib/semanticTokens/browser/documentSemanticTokens.js';
import 'monaco-esm/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-esm/editor/common/standaloneStrings.js';
import 'monaco-esm/base/browser/ui/codicons/codicon/codicon-modifiers.css';
import 'monaco-esm/languages/definitions/python/register.js'
import 'monaco-esm/languages/definitions/javascript/register.js'
import 'monaco-esm/languages/definitions/typescript/register.js'
import 'monaco-esm/languages/definitions/java/register.js'
import 'monaco-esm/languages/definitions/cpp/register.js'
import 'monaco-esm/languages/definitions/go/register.js'
import 'monaco-esm/languages/definitions/rust/register.js'
import 'monaco-esm/languages/definitions/ruby/register.js'
import 'monaco-esm/languages/definitions/php/register.js'
import 'monaco-esm/languages/definitions/csharp/register.js'
import 'monaco-esm/languages/definitions/swift/register.js'
import 'monaco-esm/languages/definitions/markdown/register.js'

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment
  }
}

// Every label (editorWorkerService, typescript, json, css, html, …) gets the generic editor
// worker: the language services are not bundled, so no other worker is ever needed, and no
// label can fall through to a network fetch.
self.MonacoEnvironment = {
  getWorker(_workerId: string, _label: string) {
    return new EditorWorker()
  },
}

monaco.editor.defineTheme('coderoom-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: {},
})
monaco.editor.defineTheme('coderoom-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#1d232a' },
})

// Solutions are PHP without the opening tag, as on LeetCode: tokenize them as PHP from the
// first line, where Monaco's grammar expects an HTML page until `<?php`.
monaco.languages.registerTokensProviderFactory('php', {
  create: async () => {
    const { language } = await import('monaco-esm/languages/definitions/php/php.js')
    return { ...language, start: 'phpInSimpleState.root' }
  },
})

export { monaco }
