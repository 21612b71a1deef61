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

import { YClient, binary, createSessions, propagationRun, register, rssKiB, sleep, startServer } from './bench-lib.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS || 20)
// One room yields 20 samples a second: run it longer so that its p99 is not just the 4th-worst edit.
const ONE_ROOM_SECONDS = Number(process.env.BENCH_ONE_ROOM_SECONDS || 60)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 1000)
binary()

// --- a client ----------------------------------------------------------------------------
/** An editor client: one-character inserts at random positions of the code. */
class Client extends YClient {
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

function editRun (server, host, guest, rooms, seconds) {
  return propagationRun(server, host, guest, { rooms, seconds, connect: (who, id) => new Client(server.url, who, id) })
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
