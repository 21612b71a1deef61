// Real-time benchmark client (run through scripts/bench-realtime.sh). Loopback only, bounded
// in connections and time. Speaks the y-websocket protocol directly over `ws` with yjs
// documents, so the client adds as little as possible to what is measured.
//
// Measures, against a coderoom binary it starts itself:
//   1. one room × 2 clients, each making 10 edits/s: edit propagation p50/p99;
//   2. 100 rooms × 2 clients, each making 10 edits/s (2,000 edits/s): p50/p99 and server CPU per edit;
//   3. 1,000 open editor connections (500 rooms × 2): the server's extra resident memory.
// Pacing: every client edits on its own fixed 100 ms timer, started at a random phase so that
// the load is spread evenly; an edit is a one-character insert at a random position.
// Propagation = time from the sender's WebSocket send to the moment the other client has
// applied the update (both clients live in this process, so they share one clock).

import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { binary, cpuSeconds, frame, percentile, readVaruint, register, rssKiB, sleep, startServer } from './bench-lib.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS || 20)
// One room yields 20 samples a second: run it longer so that its p99 is not just the 4th-worst edit.
const ONE_ROOM_SECONDS = Number(process.env.BENCH_ONE_ROOM_SECONDS || 60)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 1000)
binary()

async function createSessions (url, host, guest, count) {
  const ids = []
  for (let n = 0; n < count; n++) {
    const response = await fetch(`${url}/api/sessions`, { method: 'POST', headers: host.headers, body: '{"problem":"two-sum","visibility":"open"}' })
    const body = await response.json()
    if (response.status !== 201) throw new Error(`cannot create a session: ${response.status} ${JSON.stringify(body)}`)
    const { session } = body
    await fetch(`${url}/api/sessions/${session.id}/join`, { method: 'POST', headers: guest.headers })
    ids.push(session.id)
  }
  return ids
}

// --- a client ----------------------------------------------------------------------------
class Client {
  constructor (url, who, session) {
    this.doc = new Y.Doc()
    this.text = this.doc.getText('code')
    this.sent = [] // [clock, time] of own edits not yet seen by the peer
    this.peer = null
    this.onUpdateApplied = null
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/api/collab/${session}`, { headers: { cookie: who.cookie }, perMessageDeflate: false })
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

  edit () {
    const index = Math.floor(Math.random() * (this.text.length + 1))
    this.text.insert(index, 'x') // sends synchronously through the update handler
    this.sent.push([Y.getState(this.doc.store, this.doc.clientID), performance.now()])
  }

  close () { this.ws.terminate() }
}

/// Wires two clients so that each measures how long the other's edits take to arrive.
function pair (a, b, samples) {
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

async function editRun (server, host, guest, rooms, seconds) {
  const ids = await createSessions(server.url, host, guest, rooms)
  const clients = []
  const samples = []
  for (const id of ids) {
    const a = new Client(server.url, host, id)
    const b = new Client(server.url, guest, id)
    clients.push(a, b)
    pair(a, b, samples)
  }
  await Promise.all(clients.map((c) => c.synced))
  await sleep(500)
  const timers = []
  const warmup = 2000
  for (const client of clients) {
    const phase = Math.random() * 100
    timers.push(setTimeout(() => timers.push(setInterval(() => client.edit(), 100)), phase))
  }
  await sleep(warmup)
  samples.length = 0
  const cpuBefore = cpuSeconds(server.pid)
  const t0 = performance.now()
  await sleep(seconds * 1000)
  const elapsed = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(server.pid) - cpuBefore
  const count = samples.length
  for (const timer of timers) { clearTimeout(timer); clearInterval(timer) }
  await sleep(500)
  for (const c of clients) c.close()
  const sorted = samples.slice(0, count).sort((x, y) => x - y)
  return {
    rooms,
    clients: clients.length,
    edits: count,
    editsPerSecond: count / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    cpuMicrosPerEdit: (cpu / count) * 1e6
  }
}

async function connectionRun (server, host, guest, connections) {
  // BENCH_MEMORY_ROOMS (a diagnostic) spreads the connections over fewer rooms.
  const rooms = Number(process.env.BENCH_MEMORY_ROOMS || connections / 2)
  const ids = await createSessions(server.url, host, guest, rooms)
  await sleep(3000) // let earlier rooms unload and the allocator settle
  const before = rssKiB(server.pid)
  const clients = []
  for (let n = 0; clients.length < connections; n++) {
    const id = ids[n % ids.length]
    clients.push(new Client(server.url, host, id), new Client(server.url, guest, id))
    // Ten handshakes at a time: a thousand at once would measure the allocator's high-water
    // mark of a thousand concurrent HTTP requests rather than what open connections hold.
    if (clients.length % 10 === 0) await Promise.all(clients.slice(-10).map((c) => c.synced))
  }
  await Promise.all(clients.map((c) => c.synced))
  await sleep(3000)
  const after = rssKiB(server.pid)
  for (const c of clients) c.close()
  return { connections: clients.length, rooms: ids.length, rssBeforeMiB: before / 1024, rssAfterMiB: after / 1024, extraMiB: (after - before) / 1024, perConnectionKiB: (after - before) / clients.length }
}

async function withServer (work) {
  const server = await startServer()
  try {
    const host = await register(server.url, 'benchhost')
    const guest = await register(server.url, 'benchguest')
    return await work(server, host, guest)
  } finally {
    server.stop()
  }
}

{
  // Memory first, on a server of its own, so earlier runs' allocations do not hide the cost.
  const memory = await withServer((server, host, guest) => connectionRun(server, host, guest, CONNECTIONS))
  if (process.env.BENCH_MEMORY_ONLY) {
    console.log(JSON.stringify(memory))
    process.exit(0)
  }
  const { one, hundred } = await withServer(async (server, host, guest) => {
    const one = await editRun(server, host, guest, 1, ONE_ROOM_SECONDS)
    await sleep(2000)
    const hundred = await editRun(server, host, guest, 100, SECONDS)
    return { one, hundred }
  })
  const ms = (x) => x.toFixed(2)
  console.log(JSON.stringify({ one, hundred, memory }, null, 2))
  console.log('\n| scenario | edits measured | p50 | p99 | max | server CPU per edit |')
  console.log('|---|---|---|---|---|---|')
  for (const [name, r] of [['1 room × 2 clients, 10 edits/s each', one], ['100 rooms × 2 clients, 10 edits/s each', hundred]]) {
    console.log(`| ${name} | ${r.edits} (${r.editsPerSecond.toFixed(0)}/s) | ${ms(r.p50)} ms | ${ms(r.p99)} ms | ${ms(r.max)} ms | ${r.cpuMicrosPerEdit.toFixed(0)} µs |`)
  }
  console.log(`\n${memory.connections} open connections (${memory.rooms} rooms): RSS ${memory.rssBeforeMiB.toFixed(1)} → ${memory.rssAfterMiB.toFixed(1)} MiB, +${memory.extraMiB.toFixed(1)} MiB (${memory.perConnectionKiB.toFixed(1)} KiB each)`)
}
