// Checks and times the replay's reconstruction (src/replay/timeline.ts) in Node: a generated
// 60-minute interview with 10,000 edits, every seek compared with a plain replay of the log.
// Run: node scripts/check-timeline.mjs   (compiles the module with the project's tsc first)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import assert from 'node:assert/strict'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(path.join(tmpdir(), 'timeline-'))
try {
  execFileSync(
    path.join(web, 'node_modules/.bin/tsc'),
    ['--ignoreConfig', '--outDir', out, '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--strict', '--skipLibCheck', '--types', '', path.join(web, 'src/replay/timeline.ts')],
    { stdio: 'inherit' },
  )
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}')
  const T = await import(pathToFileURL(path.join(out, 'timeline.js')).href)

  // A deterministic generator: typing, deleting, pasting, language changes, two authors.
  let seed = 42
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  const initial = { code: 'def twoSum(nums, target):\n    pass\n', language: 'python' }
  const steps = []
  let code = initial.code
  const N = 10_000
  const duration = 60 * 60 * 1000
  for (let i = 0; i < N; i++) {
    const at = Math.round((i / N) * duration + rand() * 100)
    const ops = []
    const nOps = 1 + Math.floor(rand() * 3)
    for (let k = 0; k < nOps; k++) {
      const index = Math.floor(rand() * (code.length + 1))
      const r = rand()
      let del = 0
      let insert = ''
      if (r < 0.6) insert = 'abcdefghij😀\n'.slice(0, 1 + Math.floor(rand() * 5))
      else if (r < 0.9) del = Math.min(code.length - index, Math.floor(rand() * 4))
      else if (r < 0.98) {
        del = Math.min(code.length - index, Math.floor(rand() * 3))
        insert = 'x'.repeat(200 + Math.floor(rand() * 300))
      } else {
        del = Math.min(code.length - index, Math.floor(rand() * 300))
      }
      ops.push([index, del, insert])
      code = code.slice(0, index) + insert + code.slice(index + del)
    }
    const step = { at, author: rand() < 0.5 ? 0 : 1, ops }
    if (rand() < 0.001) step.language = rand() < 0.5 ? 'javascript' : 'python'
    steps.push(step)
  }
  steps.sort((a, b) => a.at - b.at)
  const replay = { createdAt: new Date().toISOString(), durationMs: duration, live: false, authors: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], initial, steps }

  const naive = (at) => {
    let c = initial.code
    let l = initial.language
    let idx = -1
    for (let i = 0; i < steps.length && steps[i].at <= at; i++) {
      for (const [index, del, ins] of steps[i].ops) c = c.slice(0, index) + ins + c.slice(index + del)
      if (steps[i].language) l = steps[i].language
      idx = i
    }
    return { code: c, language: l, stepIndex: idx }
  }

  let t0 = performance.now()
  const built = T.buildReplay(replay)
  const first = T.codeAt(built, 0)
  const firstFrameMs = performance.now() - t0
  assert.deepEqual(first, naive(0))

  // Correctness at random positions and at the edges.
  for (const at of [-1, 0, duration, duration + 1, steps[0].at, steps[199].at, steps[200].at, steps[N - 1].at]) assert.deepEqual(T.codeAt(built, at), naive(at), `at ${at}`)
  for (let i = 0; i < 60; i++) {
    const at = Math.floor(rand() * duration)
    assert.deepEqual(T.codeAt(built, at), naive(at), `at ${at}`)
  }

  // Seek timings.
  let worst = 0
  for (let i = 0; i < 500; i++) {
    const at = Math.floor(rand() * duration)
    t0 = performance.now()
    const f = T.codeAt(built, at)
    T.recentSpans(built, at)
    worst = Math.max(worst, performance.now() - t0)
    if (f.stepIndex < -1) throw new Error('impossible')
  }

  // Recent spans: an insertion by author 1, then an edit before it, keeps pointing at the text.
  const small = T.buildReplay({
    createdAt: '', durationMs: 10, live: false, authors: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }],
    initial: { code: 'hello', language: 'python' },
    steps: [
      { at: 1, author: 1, ops: [[5, 0, ' world']] },
      { at: 2, author: 0, ops: [[0, 1, 'J']] },
      { at: 3, author: 0, ops: [[0, 0, '>> ']] },
    ],
  })
  const f = T.codeAt(small, 3)
  assert.equal(f.code, '>> Jello world')
  const spans = T.recentSpans(small, 3)
  const text = (s) => f.code.slice(s.start, s.end)
  assert.deepEqual(spans.map((s) => [text(s), s.author]), [['>> J', 0], [' world', 1]])

  // Skip idle: a 20 s gap is jumped to just before the next activity.
  const act = T.activityTimes(small, [5000, 25_000])
  assert.equal(T.skipIdleTarget(act, 5000, 30_000), 24_500)
  assert.equal(T.skipIdleTarget(act, 1, 30_000), null)
  assert.equal(T.formatClock(3_723_000), '1:02:03')
  assert.equal(T.formatClock(65_000), '01:05')

  console.log(`first frame ${firstFrameMs.toFixed(1)} ms (limit 1000), worst seek ${worst.toFixed(2)} ms (limit 50) over 500 seeks, ${N} edits, ${built.checkpoints.length} checkpoints`)
  assert.ok(firstFrameMs <= 1000, 'first frame within 1 s')
  assert.ok(worst <= 50, 'every seek within 50 ms')
  console.log('1 passed, 0 failed')
} finally {
  rmSync(out, { recursive: true, force: true })
}
