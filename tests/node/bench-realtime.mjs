// Real-time benchmark client (run through scripts/bench-realtime.sh). Loopback only, bounded
// in connections and time. Speaks each server's protocol directly over `ws` so that the client
// adds as little as possible to what is measured.
//
// Measures, against a coderoom binary it starts itself and — when RUSTPAD_BIN is set — against
// Rustpad (the peer: collaborative editing in Rust, operational transform, in memory) in the
// same run, with the same client code and workload:
//   1. idle resident memory 2 s after start, before any client (and for coderoom also after
//      its first two sign-ups, which run the password hash and the account queries);
//   2. 1,000 open editor connections (500 rooms × 2): the server's extra resident memory;
//   3. one room × 2 clients, each making 10 edits/s: edit propagation p50/p99;
//   4. 100 rooms × 2 clients, each making 10 edits/s (2,000 edits/s): p50/p99 and server CPU per edit.
// Pacing: every client edits on its own fixed 100 ms timer, started at a random phase so that
// the load is spread evenly; an edit is a one-character insert at a random position.
// Propagation = time from the sender's WebSocket send to the moment the other client has
// applied the change (both clients live in this process, so they share one clock).

import { CoderoomClient, RustpadClient, binary, createSessions, propagationRun, register, rssKiB, sleep, startPeer, startServer, wireRustpad } from './bench-lib.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS || 20)
// One room yields 20 samples a second: run it longer so that its p99 is not just the 4th-worst edit.
const ONE_ROOM_SECONDS = Number(process.env.BENCH_ONE_ROOM_SECONDS || 60)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 1000)
binary()

// --- coderoom ------------------------------------------------------------------------------
async function coderoom () {
  const server = await startServer()
  await sleep(2000)
  const idle = rssKiB(server.pid) / 1024
  const host = await register(server.url, 'benchhost')
  const guest = await register(server.url, 'benchguest')
  await sleep(2000)
  return {
    name: 'coderoom',
    idle,
    afterSignUps: rssKiB(server.pid) / 1024,
    pid: server.pid,
    stop: server.stop,
    rooms: (count) => createSessions(server.url, host, guest, count),
    connect: (side, id) => new CoderoomClient(server.url, side ? guest : host, id)
  }
}

// --- Rustpad -------------------------------------------------------------------------------
async function rustpad () {
  const peer = await startPeer(process.env.RUSTPAD_BIN)
  await sleep(2000)
  let next = 0
  return {
    name: 'Rustpad',
    idle: rssKiB(peer.pid) / 1024,
    pid: peer.pid,
    stop: peer.stop,
    rooms: async (count) => Array.from({ length: count }, () => `bench${process.pid}r${next++}`),
    connect: (_side, id) => new RustpadClient(peer.url, id),
    wire: wireRustpad
  }
}

// --- the runs -------------------------------------------------------------------------------
async function connectionRun (target, connections) {
  // BENCH_MEMORY_ROOMS (a diagnostic) spreads the connections over fewer rooms.
  const ids = await target.rooms(Number(process.env.BENCH_MEMORY_ROOMS || connections / 2))
  await sleep(3000) // let earlier rooms unload and the allocator settle
  const before = rssKiB(target.pid)
  const clients = []
  for (let n = 0; clients.length < connections; n++) {
    const id = ids[n % ids.length]
    clients.push(target.connect(0, id), target.connect(1, id))
    // Ten handshakes at a time: a thousand at once would measure the allocator's high-water
    // mark of a thousand concurrent HTTP requests rather than what open connections hold.
    if (clients.length % 10 === 0) await Promise.all(clients.slice(-10).map((c) => c.synced))
  }
  await Promise.all(clients.map((c) => c.synced))
  await sleep(3000)
  const after = rssKiB(target.pid)
  for (const c of clients) c.close()
  return { connections: clients.length, rooms: ids.length, rssBeforeMiB: before / 1024, rssAfterMiB: after / 1024, extraMiB: (after - before) / 1024, perConnectionKiB: (after - before) / clients.length }
}

async function editRun (target, rooms, seconds) {
  return propagationRun({ pid: target.pid, ids: await target.rooms(rooms), seconds, connect: target.connect, wire: target.wire })
}

/** Every measurement of one server, memory first on a fresh process. */
async function measure (start) {
  let target = await start()
  const { idle, afterSignUps } = target
  let memory
  try {
    memory = await connectionRun(target, CONNECTIONS)
  } finally {
    target.stop()
  }
  if (process.env.BENCH_MEMORY_ONLY) return { name: target.name, idle, afterSignUps, memory }
  target = await start()
  try {
    const one = await editRun(target, 1, ONE_ROOM_SECONDS)
    await sleep(2000)
    const hundred = await editRun(target, 100, SECONDS)
    return { name: target.name, idle, afterSignUps, memory, one, hundred }
  } finally {
    target.stop()
  }
}

{
  const results = [await measure(coderoom)]
  if (process.env.RUSTPAD_BIN) results.push(await measure(rustpad))
  console.log(JSON.stringify(results, null, 2))
  const ms = (x) => `${x.toFixed(2)} ms`
  const rows = [
    ['idle RSS (2 s after start)', (r) => `${r.idle.toFixed(1)} MiB`, (r) => r.idle],
    ['RSS 2 s after two sign-ups', (r) => r.afterSignUps === undefined ? '—' : `${r.afterSignUps.toFixed(1)} MiB`, () => NaN],
    [`+RSS for ${CONNECTIONS} open connections`, (r) => `${r.memory.extraMiB.toFixed(1)} MiB`, (r) => r.memory.extraMiB],
    ...(process.env.BENCH_MEMORY_ONLY
      ? []
      : [
          ['1 room × 2 clients, p50', (r) => ms(r.one.p50), (r) => r.one.p50],
          ['1 room × 2 clients, p99', (r) => ms(r.one.p99), (r) => r.one.p99],
          ['100 rooms × 2 clients, p50', (r) => ms(r.hundred.p50), (r) => r.hundred.p50],
          ['100 rooms × 2 clients, p99', (r) => ms(r.hundred.p99), (r) => r.hundred.p99],
          ['server CPU per edit (100 rooms)', (r) => `${r.hundred.cpuMicrosPerEdit.toFixed(0)} µs`, (r) => r.hundred.cpuMicrosPerEdit],
          ['client CPU per edit (100 rooms; share of one core)', (r) => `${r.hundred.clientCpuMicrosPerEdit.toFixed(0)} µs (${(100 * r.hundred.clientCpuShare).toFixed(0)} %)`, (r) => r.hundred.clientCpuMicrosPerEdit],
          ['edits measured (100 rooms)', (r) => `${r.hundred.edits} (${r.hundred.editsPerSecond.toFixed(0)}/s)`, () => NaN]
        ])
  ]
  const [ours, peer] = results
  console.log(`\n| | ${results.map((r) => r.name).join(' | ')} |${peer ? ' ratio coderoom / Rustpad |' : ''}`)
  console.log(`|---|${results.map(() => '---|').join('')}${peer ? '---|' : ''}`)
  for (const [label, show, value] of rows) {
    const ratio = peer && Number.isFinite(value(ours)) ? ` ${(value(ours) / value(peer)).toFixed(2)}× |` : peer ? ' |' : ''
    console.log(`| ${label} | ${results.map(show).join(' | ')} |${ratio}`)
  }
}
