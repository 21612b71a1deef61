import { Suspense, lazy, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { Link, useParams } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { api, errorMessage, isApiError, type JudgeResult, type ProblemDetail } from '../api'
import { useMe, useProblem, useRuntimes } from '../api/hooks'
import { useJudge } from '../api/useJudge'
import { Markdown } from '../components/Markdown'
import { Whiteboard } from '../whiteboard'
import { CodeOrBoard } from '../whiteboard/CodeOrBoard'
import { ProblemDescription } from '../components/ProblemDescription'
import { SplitPane } from '../components/SplitPane'
import { ErrorAlert } from '../components/Modal'
import { EmptyState, Loading } from '../components/States'
import { LanguagePicker } from '../editor/LanguagePicker'
import { languageInfo, problemLanguages, runtimeFor } from '../editor/languages'
import { clearCode, loadCode, loadLanguage, saveCode, saveLanguage } from '../practice/storage'
import { EditorOverOutput, JudgeOutput, RunControls } from '../components/RunControls'

const CodeEditor = lazy(() => import('../editor/CodeEditor'))

export function EditorFallback() {
  return (
    <div className="flex h-full min-h-40 items-center justify-center rounded-box bg-base-100">
      <Loading label="Loading the editor…" testId="editor-loading" />
    </div>
  )
}

export default function PracticePage() {
  const { slug = '' } = useParams()
  const problem = useProblem(slug)

  if (problem.isPending) return <Loading label="Loading problem…" />
  if (problem.isError) {
    if (isApiError(problem.error, 404)) {
      return (
        <EmptyState title="Problem not found" testId="problem-missing">
          <Link to="/problems" className="link link-primary">
            Back to problems
          </Link>
        </EmptyState>
      )
    }
    return <ErrorAlert message={errorMessage(problem.error)} />
  }
  if (problem.data.kind === 'design') return <DesignWorkspace key={slug} problem={problem.data} />
  return <Workspace key={slug} problem={problem.data} />
}

/** Where a private board is kept in this browser, per problem. */
const boardKey = (slug: string) => `coderoom-board-${slug}`

/** The practice page's frame: a way back, the statement on the left, the work on the right. */
function PracticeLayout({ problem, work, workLabel, initial }: { problem: ProblemDetail; work: ReactNode; workLabel: string; initial: number }) {
  return (
    <div className="flex flex-col gap-2 lg:h-[calc(100dvh-5rem)]" data-testid="practice-page">
      <div className="flex flex-wrap items-center gap-2 px-1">
        <Link to="/problems" className="link link-hover text-sm">
          ← Problems
        </Link>
      </div>
      <SplitPane
        direction="row"
        label={`Resize the description and the ${workLabel}`}
        storageKey="practice"
        initial={initial}
        className="min-h-0 flex-1 gap-2 lg:gap-0"
        first={
          <section className="h-full space-y-4 overflow-y-auto rounded-box bg-base-100 p-4 shadow-sm" aria-label="Problem">
            <ProblemDescription problem={problem} />
            <ProblemGuidance slug={problem.slug} />
          </section>
        }
        second={work}
      />
    </div>
  )
}

/** A design prompt practised alone: the statement, and a private whiteboard. */
function DesignWorkspace({ problem }: { problem: ProblemDetail }) {
  return (
    <PracticeLayout
      problem={problem}
      workLabel="whiteboard"
      initial={34}
      work={
        <section className="h-[75vh] min-h-0 overflow-hidden rounded-box border border-base-300 bg-base-100 lg:h-full" aria-label="Whiteboard">
          <Whiteboard mode="practice" storageKey={boardKey(problem.slug)} />
        </section>
      }
    />
  )
}

/** The interviewer guidance, for interviewer and administrator accounts only. */
function ProblemGuidance({ slug }: { slug: string }) {
  const me = useMe()
  const allowed = me.data?.role === 'interviewer' || me.data?.role === 'admin'
  const guidance = useQuery({
    queryKey: ['problems', 'guidance', slug],
    queryFn: ({ signal }) => api.problemGuidance(slug, signal),
    enabled: allowed,
    retry: false,
  })
  if (!allowed || !guidance.data?.trim()) return null
  return (
    <details className="rounded-box border border-info/40 bg-info/5 p-3" data-testid="problem-guidance">
      <summary className="cursor-pointer text-sm font-semibold">Interviewer guidance</summary>
      <p className="my-2 text-xs text-base-content/60">Shown to interviewers only; candidates never see it.</p>
      <Markdown source={guidance.data} className="text-sm" />
    </details>
  )
}

function Workspace({ problem }: { problem: ProblemDetail }) {
  const runtimes = useRuntimes()
  const langs = useMemo(() => problemLanguages(problem.languages ?? Object.keys(problem.starterCode ?? {})), [problem])
  const [language, setLanguage] = useState(() => {
    const saved = loadLanguage()
    return langs.find((l) => l.id === saved)?.id ?? langs.find((l) => l.id === 'python')?.id ?? langs[0]?.id ?? 'python'
  })
  const starter = useCallback((lang: string) => problem.starterCode?.[lang] ?? '', [problem])
  const [code, setCode] = useState(() => loadCode(problem.slug, language) ?? starter(language))
  const [result, setResult] = useState<JudgeResult | null>(null)

  // Each language keeps its own code (in this browser) while switching.
  useEffect(() => {
    const t = setTimeout(() => saveCode(problem.slug, language, code), 300)
    return () => clearTimeout(t)
  }, [problem.slug, language, code])

  const switchLanguage = (next: string) => {
    saveCode(problem.slug, language, code)
    saveLanguage(next)
    setLanguage(next)
    setCode(loadCode(problem.slug, next) ?? starter(next))
  }

  const judge = useJudge({ problem, request: () => ({ language, code }), onResult: setResult })
  const { busy } = judge
  const rt = runtimeFor(language, runtimes.data)

  return (
    <PracticeLayout
      problem={problem}
      workLabel="editor"
      initial={40}
      work={
        <CodeOrBoard design={false} board={<Whiteboard mode="practice" storageKey={boardKey(problem.slug)} />}>
          <section className="flex h-full min-h-0 flex-col gap-2" aria-label="Code">
            <div className="flex flex-wrap items-center gap-2 rounded-box bg-base-100 p-2 shadow-sm">
              <LanguagePicker value={language} onChange={switchLanguage} offered={langs.map((l) => l.id)} runtimes={runtimes.data} disabled={busy} />
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                onClick={() => {
                  if (code === starter(language) || window.confirm('Replace your code with the starter code?')) {
                    clearCode(problem.slug, language)
                    setCode(starter(language))
                  }
                }}
                data-testid="reset-code"
              >
                Reset
              </button>
              <div className="flex-1" />
              <RunControls judge={judge} />
            </div>
            {runtimes.data && !rt && (
              <div role="status" className="alert alert-warning alert-soft py-2 text-sm" data-testid="runtime-missing">
                {languageInfo(language).label} is not installed in this server's sandbox; running it will fail.
              </div>
            )}
            <EditorOverOutput
              storageKey="practice-output"
              initial={62}
              max={85}
              height="h-[75vh]"
              editor={
                <Suspense fallback={<EditorFallback />}>
                  <CodeEditor language={languageInfo(language).monaco} value={code} onChange={setCode} onRun={judge.run} />
                </Suspense>
              }
              output={
                <JudgeOutput
                  judge={judge}
                  inputId="stdin"
                  result={result}
                  empty={`Run your code on the examples${judge.custom ? ' or your own input' : ''} (Ctrl+Enter), or submit it to be judged on every test.`}
                />
              }
            />
          </section>
        </CodeOrBoard>
      }
    />
  )
}
