// Where the slowest edits spend their time (run through scripts/bench-edit-tail.sh). The
// workloads of bench-realtime.mjs — 1 room and then 100 rooms × 2 clients, each client inserting
// one character every 100 ms — against coderoom and, when RUSTPAD_BIN is set, Rustpad.
//
// Every edit's send → applied latency is split at the loopback interface, whose packet times
// tcpdump records without touching either process:
//   server  the edit's frame arriving from the sender → the server's frame leaving for the peer;
//   client  the rest, which includes the peer's handler applying the change (apply).
// The client reads the system clock through `performance`, which can differ from the
// capture's by a few tenths of a millisecond, so only intervals within one clock are used.
// With `perf` present, the one-room runs are also recorded by `perf sched`: for every time the
// client's main thread waited more than 1 ms for a CPU, the task that held that CPU is counted.
// Loopback only; bounded (at most 200 connections per server, BENCH_SECONDS per run).

import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PerformanceObserver, performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { CoderoomClient, RustpadClient, binary, createSessions, percentile, register, sleep, startPeer, startServer } from './bench-lib.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS || 30)
const ROOMS = (process.env.BENCH_ROOMS || '1,100').split(',').map(Number)
const SLOW_WAIT_MS = 1
binary()

/** The wall clock in ms, on the same scale as tcpdump's timestamps. */
const wallNow = () => performance.timeOrigin + performance.now()

/**
 * Each receiver reports, for every change of the sender it has just applied, the send time,
 * the time its handler was entered and the time the change was applied.
 */
function timeCoderoomEdits (a, b, onEdit) {
  for (const [sender, receiver] of [[a, b], [b, a]]) {
    receiver.onUpdateApplied = () => {
      const seen = Y.getState(receiver.doc.store, sender.doc.clientID)
      const applied = wallNow()
      while (sender.sent.length && sender.sent[0][0] <= seen) {
        onEdit(sender, receiver, performance.timeOrigin + sender.sent.shift()[1], receiver.entered, applied)
      }
    }
  }
}

function timeRustpadEdits (a, b, onEdit) {
  for (const [sender, receiver] of [[a, b], [b, a]]) {
    receiver.onHistory = (id) => {
      if (id === sender.identity && sender.sent.length) {
        onEdit(sender, receiver, performance.timeOrigin + sender.sent.shift(), receiver.entered, wallNow())
      }
    }
  }
}

/** Records when each client's message handler is entered. */
function timeHandlers (client) {
  const receive = client.receive.bind(client)
  client.receive = (data) => {
    client.entered = wallNow()
    receive(data)
  }
}

/**
 * tcpdump of the server's port on loopback: the times of the data-carrying segments, by
 * `from>to` port pair, in order.
 */
function capture (port) {
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-tt', '--time-stamp-precision=micro', '-B', '8192', '-l',
    `tcp port ${port} and tcp[tcpflags] & tcp-push != 0`], { stdio: ['ignore', 'pipe', 'ignore'] })
  let text = ''
  child.stdout.on('data', (chunk) => { text += chunk })
  return {
    started: sleep(1500),
    async stop () {
      child.kill('SIGINT')
      await new Promise((resolve) => child.once('exit', resolve))
      const segments = new Map()
      for (const line of text.split('\n')) {
        const m = line.match(/^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+):/)
        if (!m) continue
        const key = `${m[2]}>${m[3]}`
        if (!segments.has(key)) segments.set(key, [])
        segments.get(key).push(Number(m[1]) * 1000)
      }
      return segments
    }
  }
}

/** `perf sched record` of the whole machine, when perf is installed. */
function schedRecord () {
  if (process.env.BENCH_SCHED === '0' || !hasPerf()) return null
  const dir = mkdtempSync(join(tmpdir(), 'coderoom-sched-'))
  const file = join(dir, 'sched.data')
  const child = spawn('perf', ['sched', 'record', '-a', '-o', file], { stdio: 'ignore' })
  return {
    async stop () {
      child.kill('SIGINT')
      await new Promise((resolve) => child.once('exit', resolve))
      try {
        return execFileSync('perf', ['sched', 'timehist', '-i', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

function hasPerf () {
  try { execFileSync('perf', ['--version'], { stdio: 'ignore' }); return true } catch { return false }
}

/**
 * From `perf sched timehist`: how often this process's main thread waited more than
 * SLOW_WAIT_MS for a CPU, and which task ran on that CPU just before it got it.
 */
function preemptions (timehist) {
  const main = `[${process.pid}]`
  const lastOnCpu = new Map()
  const holders = new Map()
  let waits = 0
  for (const line of timehist.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields.length < 6 || !/^\[\d+\]$/.test(fields[1])) continue
    const [, cpu, task] = fields
    const schedDelay = Number(fields[4])
    if (task.endsWith(main) && !task.includes('/') && schedDelay > SLOW_WAIT_MS) {
      waits++
      const holder = (lastOnCpu.get(cpu) || '?').replace(/\[.*$/, '')
      holders.set(holder, (holders.get(holder) || 0) + 1)
    }
    lastOnCpu.set(cpu, task)
  }
  return { waits, holders: Object.fromEntries([...holders].sort((x, y) => y[1] - x[1])) }
}

/** The first of the ascending `times` within [from, to], if any. */
function firstBetween (times = [], from, to) {
  let low = 0
  let high = times.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (times[middle] < from) low = middle + 1
    else high = middle
  }
  return low < times.length && times[low] <= to ? times[low] : undefined
}

async function measure (start, rooms) {
  const target = await start(rooms)
  const samples = []
  const gcs = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcs.push([performance.timeOrigin + entry.startTime, entry.duration])
  })
  const loopback = capture(target.port)
  await loopback.started
  const clients = []
  const edits = []
  for (const id of target.ids) {
    const pair = [target.connect(0, id), target.connect(1, id)]
    target.timeEdits(...pair, (sender, receiver, sent, entered, applied) => edits.push({ sender, receiver, sent, entered, applied }))
    clients.push(...pair)
  }
  await Promise.all(clients.map((client) => client.synced))
  const ports = new Map(clients.map((client) => [client, client.ws._socket.localPort]))
  clients.forEach(timeHandlers)
  // Each client on its own 100 ms timer at a random phase, as in bench-realtime.mjs.
  const timers = []
  for (const client of clients) {
    timers.push(setTimeout(() => timers.push(setInterval(() => client.edit(), 100)), Math.random() * 100))
  }
  await sleep(2000)
  edits.length = 0
  observer.observe({ entryTypes: ['gc'] })
  const sched = rooms === 1 ? schedRecord() : null
  await sleep(SECONDS * 1000)
  const timehist = sched && await sched.stop()
  observer.disconnect()
  for (const timer of timers) { clearTimeout(timer); clearInterval(timer) }
  await sleep(300)
  const segments = await loopback.stop()
  clients.forEach((client) => client.close())
  target.stop()

  for (const edit of edits) {
    const from = ports.get(edit.sender)
    const to = ports.get(edit.receiver)
    // The two clocks differ by less than a millisecond; one client's edits are 100 ms apart.
    const arrived = firstBetween(segments.get(`${from}>${target.port}`), edit.sent - 2, edit.applied)
    const left = arrived === undefined ? undefined : firstBetween(segments.get(`${target.port}>${to}`), arrived, edit.applied + 2)
    if (left === undefined) continue
    const total = edit.applied - edit.sent
    const server = left - arrived
    const apply = edit.applied - edit.entered
    const gc = gcs.filter(([at, ms]) => at < edit.applied && at + ms > edit.sent).reduce((sum, [, ms]) => sum + ms, 0)
    samples.push({ total, server, client: total - server, apply, gc })
  }
  const parts = ['total', 'server', 'client', 'apply', 'gc']
  const at = (q) => Object.fromEntries(parts.map((part) => [part, percentile(samples.map((s) => s[part]).sort((x, y) => x - y), q)]))
  const slowest = samples.slice().sort((x, y) => y.total - x.total)
  const tail = slowest.slice(0, Math.max(1, Math.ceil(samples.length / 100)))
  const mean = Object.fromEntries(parts.map((part) => [part, tail.reduce((sum, s) => sum + s[part], 0) / tail.length]))
  return { name: target.name, rooms, edits: edits.length, matched: samples.length, p50: at(50), p99: at(99), slowestPercent: mean, clientCpuWaits: timehist && preemptions(timehist) }
}

async function coderoom (rooms) {
  const server = await startServer()
  const host = await register(server.url, 'tailhost')
  const guest = await register(server.url, 'tailguest')
  const ids = await createSessions(server.url, host, guest, rooms)
  await sleep(1000)
  return {
    name: 'coderoom',
    port: Number(new URL(server.url).port),
    ids,
    stop: server.stop,
    connect: (side, id) => new CoderoomClient(server.url, side ? guest : host, id),
    timeEdits: timeCoderoomEdits
  }
}

async function rustpad (rooms) {
  const peer = await startPeer(process.env.RUSTPAD_BIN)
  await sleep(1000)
  return {
    name: 'Rustpad',
    port: Number(new URL(peer.url).port),
    ids: Array.from({ length: rooms }, (_, n) => `tail${process.pid}r${n}`),
    stop: peer.stop,
    connect: (_side, id) => new RustpadClient(peer.url, id),
    timeEdits: timeRustpadEdits
  }
}

{
  const servers = [coderoom]
  if (process.env.RUSTPAD_BIN && existsSync(process.env.RUSTPAD_BIN)) servers.push(rustpad)
  const results = []
  for (const rooms of ROOMS) {
    for (const start of servers) results.push(await measure(start, rooms))
  }
  console.log(JSON.stringify(results, null, 2))
  const ms = (x) => x.toFixed(2)
  console.log('\nms per edit: total = server (wire in → wire out) + client (of which apply: the handler); gc = client GC pauses during the edit')
  console.log('| | total | server | client | apply | gc |')
  console.log('|---|---|---|---|---|---|')
  for (const r of results) {
    for (const [label, row] of [['p50', r.p50], ['p99', r.p99], ['slowest 1 %, mean', r.slowestPercent]]) {
      console.log(`| ${r.name}, ${r.rooms} room${r.rooms > 1 ? 's' : ''}, ${label} | ${ms(row.total)} | ${ms(row.server)} | ${ms(row.client)} | ${ms(row.apply)} | ${ms(row.gc)} |`)
    }
  }
  for (const r of results) {
    if (r.clientCpuWaits) {
      console.log(`${r.name}, ${r.rooms} room: the client's main thread waited > ${SLOW_WAIT_MS} ms for a CPU ${r.clientCpuWaits.waits} times; the CPU was held by ${JSON.stringify(r.clientCpuWaits.holders)}`)
    }
  }
}
