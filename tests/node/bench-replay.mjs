// Replay benchmark (run through scripts/bench-replay.sh). Loopback only.
//
// Records an interview of 10,000 edits through the real y-websocket endpoint (a candidate
// typing, deleting and pasting, an interviewer making a tenth of the edits), restarts the
// server so that nothing is cached, then measures what the replay page does:
//   - first frame: GET /api/sessions/:id/replay, JSON parse, buildReplay and the code at 0 —
//     everything but Monaco's painting — for a live session just after a restart (rebuilt from
//     the log; then again from the steps that stored), for the ended session just after a
//     restart (its stored steps), and cached;
//   - a seek: codeAt at 2,000 random moments, side by side with the same reconstruction
//     without checkpoints (every step applied from the start: the plain approach);
//   - the server's code?at= at 200 random moments;
//   - disk: the data folder before and after the edits, per edit and per 10,000 edits.
// The edits arrive faster than a person types (the server stamps them as they come); the
// replay's costs depend on the number of edits, not on the minutes they span.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { frame, percentile, register, sleep, startServer } from './bench-lib.mjs'

const EDITS = Number(process.env.BENCH_EDITS || 10000)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The replay page's own reconstruction module, compiled with the web app's TypeScript. */
async function loadTimeline () {
  const out = mkdtempSync(path.join(tmpdir(), 'replay-bench-'))
  execFileSync(path.join(root, 'web/node_modules/.bin/tsc'), [
    '--ignoreConfig', '--outDir', out, '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler',
    '--strict', '--skipLibCheck', '--types', '', path.join(root, 'web/src/replay/timeline.ts')
  ], { stdio: 'inherit' })
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}')
  const module = await import(pathToFileURL(path.join(out, 'timeline.js')).href)
  rmSync(out, { recursive: true, force: true })
  return module
}

function du (dir) {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0])
}

const TYPED = 'abcdefghijklmnopqrstuvwxyz (){};='

class Writer {
  constructor (url, who, session) {
    this.doc = new Y.Doc()
    this.text = this.doc.getText('code')
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/api/collab/${session}`, { headers: { cookie: who.cookie }, perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.synced = new Promise((resolve) => { this.resolveSynced = resolve })
    this.ws.on('open', () => this.ws.send(frame(0, 0, Y.encodeStateVector(this.doc))))
    this.ws.on('message', (data) => {
      if (data[0] !== 0) return
      const sub = data[1]
      // Header: type, sub, length (varuint); payloads here are small or the sync answer.
      let i = 2; let length = 0; let mult = 1
      for (;;) { const b = data[i++]; length += (b & 0x7f) * mult; if (b < 0x80) break; mult *= 128 }
      const payload = data.subarray(i, i + length)
      if (sub === 0) { this.ws.send(frame(0, 1, Y.encodeStateAsUpdate(this.doc, payload))); return }
      Y.applyUpdate(this.doc, payload, 'remote')
      if (sub === 1) this.resolveSynced()
    })
    this.doc.on('update', (update, origin) => { if (origin !== 'remote') this.ws.send(frame(0, 2, update)) })
    this.cursor = 0
  }

  /** One edit as a person makes them: mostly typing at a cursor, some backspaces, rare pastes. */
  edit (rand, n) {
    const len = this.text.length
    this.cursor = Math.min(this.cursor, len)
    const r = rand()
    if (n % 500 === 250) {
      this.text.insert(this.cursor, '    for (let i = 0; i < values.length; i++) {\n      total += values[i]\n    }\n'.repeat(2))
    } else if (r < 0.25 && this.cursor > 0) {
      this.text.delete(this.cursor - 1, 1)
      this.cursor--
    } else {
      // Now and then the candidate clicks elsewhere before typing.
      if (r > 0.97) this.cursor = Math.floor(rand() * (len + 1))
      const ch = r < 0.3 ? '\n    ' : TYPED[Math.floor(rand() * TYPED.length)]
      this.text.insert(this.cursor, ch)
      this.cursor += ch.length
    }
  }

  close () { this.ws.terminate() }
}

async function json (url, options) {
  const response = await fetch(url, options)
  const body = await response.json()
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`)
  return body
}

const timeline = await loadTimeline()
const env = { CODEROOM_REALTIME_MESSAGES_PER_SECOND: '20000', CODEROOM_REALTIME_MESSAGE_BURST: '20000' }
let server = await startServer({ env })
const result = { edits: EDITS }
try {
  const host = await register(server.url, 'replayhost')
  const guest = await register(server.url, 'replayguest')
  const { session } = await json(`${server.url}/api/sessions`, { method: 'POST', headers: host.headers, body: '{"problem":"two-sum","visibility":"open"}' })
  await json(`${server.url}/api/sessions/${session.id}/join`, { method: 'POST', headers: guest.headers })
  const candidate = new Writer(server.url, guest, session.id)
  const interviewer = new Writer(server.url, host, session.id)
  await Promise.all([candidate.synced, interviewer.synced])
  await sleep(1000)
  const diskBefore = du(server.dataDir)
  let seed = 7
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  const t0 = performance.now()
  for (let n = 0; n < EDITS; n++) {
    (n % 10 === 9 ? interviewer : candidate).edit(rand, n)
    if (n % 40 === 39) await sleep(10)
  }
  result.recordSeconds = (performance.now() - t0) / 1000
  // Until the server holds what both writers hold (every edit applied and logged).
  const expected = candidate.text.toString()
  for (let tries = 0; ; tries++) {
    await sleep(500)
    const { code } = await json(`${server.url}/api/sessions/${session.id}/code`, { headers: host.headers })
    if (code === expected && interviewer.text.toString() === expected) break
    if (tries > 120) throw new Error('the server never caught up with the edits')
  }
  await sleep(2000)
  candidate.close(); interviewer.close()
  result.codeChars = expected.length
  await server.kill()
  const diskAfterEdits = du(server.dataDir)
  result.diskBytesPerEdit = (diskAfterEdits - diskBefore) / EDITS
  server = await startServer({ dataDir: server.dataDir, env })

  // First frame, cold and warm.
  const firstFrame = async () => {
    const t = performance.now()
    const response = await fetch(`${server.url}/api/sessions/${session.id}/replay`, { headers: { cookie: host.cookie, 'accept-encoding': 'gzip' } })
    const text = await response.text()
    const fetched = performance.now()
    const { replay } = JSON.parse(text)
    const built = timeline.buildReplay(replay)
    const first = timeline.codeAt(built, 0)
    const done = performance.now()
    if (typeof first.code !== 'string') throw new Error('no first frame')
    return { totalMs: done - t, fetchMs: fetched - t, buildMs: done - fetched, bytes: text.length, steps: replay.steps.length, built }
  }
  const restart = async () => {
    await server.kill()
    server = await startServer({ dataDir: server.dataDir, env })
  }
  // A live session whose replay nobody opened yet, nothing cached: the server rebuilds the
  // history from the edit log (and stores it).
  const liveCold = await firstFrame()
  // Restarted: the live session's replay goes on from the stored steps.
  await restart()
  const liveStored = await firstFrame()
  // The interview ends (its history is stored in the background); restarted again.
  await json(`${server.url}/api/sessions/${session.id}/end`, { method: 'POST', headers: host.headers })
  await sleep(2000)
  await restart()
  // The stored steps (twice: while live, then at the end), the end and the event rows.
  result.storedHistoryKiB = (du(server.dataDir) - diskAfterEdits) / 1024
  const cold = await firstFrame()
  const warm = await firstFrame()
  result.firstFrame = {
    liveColdMs: liveCold.totalMs,
    liveStoredMs: liveStored.totalMs,
    coldMs: cold.totalMs,
    coldFetchMs: cold.fetchMs,
    warmMs: warm.totalMs,
    warmFetchMs: warm.fetchMs,
    buildMs: warm.buildMs,
    jsonBytes: cold.bytes,
    steps: cold.steps
  }

  // Seeks, with checkpoints and without, at the same moments.
  const built = warm.built
  const plain = timeline.buildReplay(built.input, Number.MAX_SAFE_INTEGER)
  const moments = Array.from({ length: 2000 }, () => rand() * built.durationMs)
  const time = (replay) => moments.map((at) => {
    const t = performance.now()
    timeline.codeAt(replay, at)
    return performance.now() - t
  }).sort((a, b) => a - b)
  time(built) // warm the JIT
  const withCheckpoints = time(built)
  const fromStart = time(plain)
  for (const at of moments.slice(0, 50)) {
    if (timeline.codeAt(built, at).code !== timeline.codeAt(plain, at).code) throw new Error(`seek to ${at} differs`)
  }
  result.seek = {
    p50: percentile(withCheckpoints, 50), p99: percentile(withCheckpoints, 99), max: withCheckpoints.at(-1),
    plainP50: percentile(fromStart, 50), plainP99: percentile(fromStart, 99), plainMax: fromStart.at(-1)
  }

  // The server's code at a moment.
  const serverSeeks = []
  for (const at of moments.slice(0, 200)) {
    const t = performance.now()
    await json(`${server.url}/api/sessions/${session.id}/code?at=${Math.round(at)}`, { headers: host.headers })
    serverSeeks.push(performance.now() - t)
  }
  serverSeeks.sort((a, b) => a - b)
  result.serverCodeAt = { p50: percentile(serverSeeks, 50), p99: percentile(serverSeeks, 99) }
} finally {
  server.stop()
  rmSync(server.dataDir, { recursive: true, force: true })
}

const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`
console.log(JSON.stringify(result, null, 2))
console.log(`\n${result.edits} edits recorded in ${result.recordSeconds.toFixed(1)} s; final code ${result.codeChars} characters; replay JSON ${(result.firstFrame.jsonBytes / 1024).toFixed(0)} KiB (${result.firstFrame.steps} steps)`)
console.log('\n| measure | coderoom | without checkpoints | ratio |')
console.log('|---|---|---|---|')
console.log(`| first frame of a live session, server just started (history rebuilt from the edit log) | ${ms(result.firstFrame.liveColdMs)} | | |`)
console.log(`| first frame of a live session, server just started, steps stored earlier | ${ms(result.firstFrame.liveStoredMs)} | | |`)
console.log(`| first frame of an ended session, server just started (stored steps) | ${ms(result.firstFrame.coldMs)} | | |`)
console.log(`| first frame, cached | ${ms(result.firstFrame.warmMs)} (of which building the replay in the page ${ms(result.firstFrame.buildMs)}) | | |`)
console.log(`| seek p50 / p99 / max | ${ms(result.seek.p50)} / ${ms(result.seek.p99)} / ${ms(result.seek.max)} | ${ms(result.seek.plainP50)} / ${ms(result.seek.plainP99)} / ${ms(result.seek.plainMax)} | ${(result.seek.plainP99 / result.seek.p99).toFixed(0)}× at p99 |`)
console.log(`| server code?at= p50 / p99 | ${ms(result.serverCodeAt.p50)} / ${ms(result.serverCodeAt.p99)} | | |`)
console.log(`| disk per edit | ${result.diskBytesPerEdit.toFixed(0)} B (${(result.diskBytesPerEdit * 10000 / 1048576).toFixed(1)} MiB per 10,000 edits) | | |`)
console.log(`| disk for the stored steps (written twice), the end and its events | ${result.storedHistoryKiB.toFixed(0)} KiB | | |`)
