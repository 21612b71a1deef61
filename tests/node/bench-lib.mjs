// What the Node benchmarks share: the y-websocket framing and a bare client of one shared
// document, a coderoom binary started on loopback with a data folder of its own, sessions,
// registration, process counters and percentiles, and a client of the peer, Rustpad.

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import * as Y from 'yjs'

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// --- y-websocket framing (varuint-prefixed fields) ---------------------------------------
function varuint (n, out) {
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
}
export function frame (type, sub, payload) {
  const head = []
  varuint(type, head); varuint(sub, head); varuint(payload.length, head)
  const buf = new Uint8Array(head.length + payload.length)
  buf.set(head, 0); buf.set(payload, head.length)
  return buf
}
export function readVaruint (buf, pos) {
  let n = 0; let mult = 1
  for (;;) {
    const byte = buf[pos.i++]
    n += (byte & 0x7f) * mult
    if (byte < 0x80) return n
    mult *= 128
  }
}

// --- server ------------------------------------------------------------------------------
// coderoom reads every CODEROOM_* variable as configuration and rejects unknown ones, so the
// build and test switches that share the prefix must not reach it.
function serverEnvironment () {
  // A developer's shell often has RUST_BACKTRACE set; a production server does not, and with
  // it every internal error captures a backtrace.
  const ignored = new Set(['CODEROOM_BIN', 'CODEROOM_SKIP_WEB_BUILD', 'RUST_BACKTRACE', 'RUST_LIB_BACKTRACE'])
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !ignored.has(key)))
}

export function binary () {
  const bin = process.env.CODEROOM_BIN
  if (!bin || !existsSync(bin)) throw new Error('set CODEROOM_BIN to the coderoom binary')
  return bin
}

/**
 * Starts the binary on a free loopback port. `dataDir`: reuse a data folder (a restart);
 * otherwise a new temporary one, removed by `stop()`. `env`: extra configuration.
 */
export async function startServer ({ dataDir, env = {} } = {}) {
  const own = !dataDir
  const root = dataDir || mkdtempSync(join(tmpdir(), 'coderoom-bench-'))
  const child = spawn(binary(), ['serve', '--bind', '127.0.0.1:0', '--data-dir', join(root, 'data')], {
    // Production logging (info), enough active sessions per host for the runs, and rooms made
    // from two plain registrations.
    env: {
      ...serverEnvironment(),
      CODEROOM_LOG_LEVEL: 'info',
      CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST: '1000',
      CODEROOM_SESSIONS_WHO_MAY_HOST: 'everyone',
      ...env
    },
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const lines = createInterface({ input: child.stdout })
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`coderoom exited (${code})`)))
    lines.on('line', (line) => {
      const match = line.match(/^coderoom is listening on (http:\/\/\S+)/)
      if (match) resolve(match[1])
    })
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return {
    url,
    pid: child.pid,
    dataDir: root,
    /** SIGKILL, keeping the data folder. */
    kill: async () => { child.kill('SIGKILL'); await exited },
    stop: () => { child.kill('SIGKILL'); if (own) rmSync(root, { recursive: true, force: true }) }
  }
}

export function rssKiB (pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(status.match(/VmRSS:\s+(\d+)/)[1])
}
export function processCpuSeconds (pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in clock ticks of 10 ms
}

export async function register (url, name) {
  const email = `${name}-${Date.now()}@example.test`
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password: 'correct horse battery' })
  })
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('coderoom_session=')).split(';')[0]
  return { cookie, headers: { cookie, 'content-type': 'application/json' } }
}

export function percentile (sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

// --- rooms and their documents ---------------------------------------------------------------
/** `count` open sessions of `problem` hosted by `host`, each joined by `guest`. */
export async function createSessions (url, host, guest, count, problem = 'two-sum') {
  const ids = []
  for (let n = 0; n < count; n++) {
    const response = await fetch(`${url}/api/sessions`, { method: 'POST', headers: host.headers, body: JSON.stringify({ problem, visibility: 'open' }) })
    const body = await response.json()
    if (response.status !== 201) throw new Error(`cannot create a session: ${response.status} ${JSON.stringify(body)}`)
    const { session } = body
    await fetch(`${url}/api/sessions/${session.id}/join`, { method: 'POST', headers: guest.headers })
    ids.push(session.id)
  }
  return ids
}

/**
 * A y-websocket client of one shared document at `path`, speaking the protocol directly over
 * `ws` so that it adds as little as possible to what is measured. Subclasses change the
 * document; each change is sent at once, and `markSent` records when, for `pair`.
 */
export class YClient {
  constructor (url, who, path) {
    this.doc = new Y.Doc()
    this.sent = [] // [clock, time] of own changes not yet seen by the peer
    this.onUpdateApplied = null
    this.ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers: { cookie: who.cookie }, perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('unexpected-response', (request, response) => {
      let body = ''
      response.on('data', (chunk) => { body += chunk })
      response.on('end', () => { throw new Error(`${request.path}: ${response.statusCode} ${body}`) })
    })
    this.synced = new Promise((resolve) => { this.resolveSynced = resolve })
    this.ws.on('open', () => this.ws.send(frame(0, 0, Y.encodeStateVector(this.doc))))
    this.ws.on('message', (data) => this.receive(data))
    this.doc.on('update', (update, origin) => {
      if (origin !== 'remote') this.ws.send(frame(0, 2, update))
    })
  }

  receive (data) {
    const pos = { i: 0 }
    const type = readVaruint(data, pos)
    if (type !== 0) return // awareness, saved notices
    const sub = readVaruint(data, pos)
    const length = readVaruint(data, pos)
    const payload = data.subarray(pos.i, pos.i + length)
    if (sub === 0) {
      this.ws.send(frame(0, 1, Y.encodeStateAsUpdate(this.doc, payload)))
      return
    }
    Y.applyUpdate(this.doc, payload, 'remote')
    if (sub === 1) this.resolveSynced()
    if (this.onUpdateApplied) this.onUpdateApplied()
  }

  markSent () {
    this.sent.push([Y.getState(this.doc.store, this.doc.clientID), performance.now()])
  }

  close () { this.ws.terminate() }
}

/** A coderoom editor client: one-character inserts at random positions of the code. */
export class CoderoomClient extends YClient {
  constructor (url, who, session) {
    super(url, who, `/api/collab/${session}`)
    this.text = this.doc.getText('code')
  }

  edit () {
    const index = Math.floor(Math.random() * (this.text.length + 1))
    this.text.insert(index, 'x') // sends synchronously through the update handler
    this.markSent()
  }
}

/** Wires two clients so that each measures how long the other's changes take to arrive. */
export function pair (a, b, samples) {
  for (const [sender, receiver] of [[a, b], [b, a]]) {
    receiver.onUpdateApplied = () => {
      const seen = Y.getState(receiver.doc.store, sender.doc.clientID)
      const now = performance.now()
      while (sender.sent.length && sender.sent[0][0] <= seen) {
        samples.push(now - sender.sent.shift()[1])
      }
    }
  }
}

/**
 * Two clients in each room of `ids` (made by `connect(side, roomId)`, side 0 or 1, and wired
 * by `wire(a, b, samples)`), every client calling its `edit()` on its own 100 ms timer started
 * at a random phase, for `seconds` after a warm-up: propagation p50/p99/max of the changes and
 * the CPU per change of the server process `pid` and of this client process (the client's
 * share of the same two cores: a slow client adds to every sample's latency).
 */
export async function propagationRun ({ pid, ids, seconds, connect, wire = pair }) {
  // One server process, or several sharing the work (instances of one cluster).
  const cpuSeconds = () => [pid].flat().reduce((sum, one) => sum + processCpuSeconds(one), 0)
  const clients = []
  const samples = []
  for (const id of ids) {
    const a = connect(0, id)
    const b = connect(1, id)
    clients.push(a, b)
    wire(a, b, samples)
  }
  await Promise.all(clients.map((c) => c.synced))
  await sleep(500)
  const timers = []
  for (const client of clients) {
    const phase = Math.random() * 100
    timers.push(setTimeout(() => timers.push(setInterval(() => client.edit(), 100)), phase))
  }
  await sleep(2000)
  samples.length = 0
  const cpuBefore = cpuSeconds()
  const clientCpuBefore = process.cpuUsage()
  const t0 = performance.now()
  await sleep(seconds * 1000)
  const elapsed = (performance.now() - t0) / 1000
  const cpu = cpuSeconds() - cpuBefore
  const clientCpu = process.cpuUsage(clientCpuBefore)
  const count = samples.length
  for (const timer of timers) { clearTimeout(timer); clearInterval(timer) }
  await sleep(500)
  for (const c of clients) c.close()
  const sorted = samples.slice(0, count).sort((x, y) => x - y)
  return {
    rooms: ids.length,
    clients: clients.length,
    edits: count,
    editsPerSecond: count / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    cpuMicrosPerEdit: (cpu / count) * 1e6,
    clientCpuMicrosPerEdit: (clientCpu.user + clientCpu.system) / count,
    clientCpuShare: (clientCpu.user + clientCpu.system) / 1e6 / elapsed
  }
}

/**
 * Starts a peer's server binary (one that takes its port from `PORT`, or from the arguments
 * `args(port)` gives) on a free port and waits until it accepts connections; the benchmarks
 * reach it on 127.0.0.1 only.
 */
export async function startPeer (bin, env = {}, args = () => []) {
  if (!bin || !existsSync(bin)) throw new Error(`no peer binary at ${bin}`)
  const port = await freePort()
  const child = spawn(bin, args(port), { env: { ...process.env, PORT: String(port), ...env }, stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  for (let tries = 0; ; tries++) {
    if (await accepts(port)) break
    if (tries > 100) { child.kill('SIGKILL'); throw new Error(`${bin} did not start`) }
    await sleep(100)
  }
  return { url, pid: child.pid, stop: () => child.kill('SIGKILL') }
}

function freePort () {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function accepts (port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

// --- the peer: Rustpad's protocol -----------------------------------------------------------
/**
 * A Rustpad client: JSON messages, operations as `[retain, "insert", retain]`. It keeps the
 * text as the server's history says and sends each edit against the revision it has seen;
 * the server transforms it over anything newer, so the client never needs to.
 */
export class RustpadClient {
  constructor (url, room) {
    this.text = ''
    this.revision = 0
    this.identity = null
    this.sent = [] // send times of own edits not yet seen by the peer
    this.onHistory = null
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/api/socket/${room}`, { perMessageDeflate: false })
    this.synced = new Promise((resolve) => { this.resolveSynced = resolve })
    this.ws.on('message', (data) => this.receive(JSON.parse(data.toString())))
  }

  receive (message) {
    if (message.Identity !== undefined) {
      this.identity = message.Identity
      this.resolveSynced()
    } else if (message.History) {
      const { start, operations } = message.History
      for (const { id, operation } of operations.slice(this.revision - start)) {
        this.text = applyOperation(this.text, operation)
        if (this.onHistory) this.onHistory(id)
      }
      this.revision = start + operations.length
    }
  }

  edit () {
    const index = Math.floor(Math.random() * (this.text.length + 1))
    const operation = [index, 'x', this.text.length - index].filter((part) => part !== 0)
    this.ws.send(JSON.stringify({ Edit: { revision: this.revision, operation } }))
    this.sent.push(performance.now())
  }

  close () { this.ws.terminate() }
}

function applyOperation (text, operation) {
  let out = ''
  let at = 0
  for (const part of operation) {
    if (typeof part === 'string') out += part
    else if (part > 0) { out += text.slice(at, at + part); at += part } else at -= part
  }
  return out + text.slice(at)
}

/** Each Rustpad client times the other's edits as they come back in the history, in order. */
export function wireRustpad (a, b, samples) {
  for (const [sender, receiver] of [[a, b], [b, a]]) {
    receiver.onHistory = (id) => {
      if (id === sender.identity && sender.sent.length) samples.push(performance.now() - sender.sent.shift())
    }
  }
}
