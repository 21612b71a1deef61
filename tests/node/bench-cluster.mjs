// Rooms shared across instances (run through scripts/bench-cluster.sh). Loopback only.
//
// Edit propagation when the two people of a room are connected to different coderoom
// instances sharing one SurrealDB server, side by side in one run with the baselines it is
// built on:
//   1. one instance, embedded database (the default appliance): both clients on it;
//   2. two instances on a SurrealDB server, both clients on the same instance;
//   3. the same two instances, one client on each: every edit crosses the relay (a row
//      written to the server, pushed to the other instance by its live query).
// Each with 1 room × 2 clients and ROOMS rooms × 2 clients, every client making 10
// one-character edits a second (see bench-realtime.mjs for the client and the pacing).
// CPU per edit is of the coderoom processes together (the SurrealDB server's is not counted,
// nor is the embedded store's absence of one: see docs/benchmarks.md).

import { CoderoomClient, createSessions, propagationRun, register, sleep, startPeer, startServer } from './bench-lib.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS || 30)
const ROOMS = Number(process.env.BENCH_ROOMS || 20)
const SURREAL = process.env.CODEROOM_SURREAL_BIN
if (!SURREAL) throw new Error('set CODEROOM_SURREAL_BIN to the surreal binary (scripts/build-surrealdb-server.sh)')
const SECRET = 'bench-cluster-secret-0123456789abcdef0123456789abcdef'

async function surrealServer () {
  return startPeer(SURREAL, {}, (port) => ['start', '--bind', `127.0.0.1:${port}`, '--user', 'root', '--pass', 'root', '--log', 'warn', 'memory'])
}

/** Two instances on one fresh SurrealDB server, or one on its embedded store. */
async function deployment (instances) {
  const database = instances === 2 ? await surrealServer() : null
  const env = database
    ? { CODEROOM_DATABASE_URL: database.url.replace('http', 'ws'), CODEROOM_DATABASE_USERNAME: 'root', CODEROOM_DATABASE_PASSWORD: 'root', CODEROOM_AUTH_SECRET: SECRET, CODEROOM_LOG_LEVEL: 'warn' }
    : {}
  const servers = []
  for (let n = 0; n < instances; n++) servers.push(await startServer({ env }))
  const host = await register(servers[0].url, 'benchhost')
  const guest = await register(servers[0].url, 'benchguest')
  return {
    servers,
    host,
    guest,
    stop: () => { for (const server of servers) server.stop(); database?.stop() }
  }
}

async function run (label, instances, across) {
  const results = []
  for (const rooms of [1, ROOMS]) {
    const target = await deployment(instances)
    try {
      const ids = await createSessions(target.servers[0].url, target.host, target.guest, rooms)
      const [first, second] = target.servers
      const result = await propagationRun({
        pid: target.servers.map((server) => server.pid),
        ids,
        seconds: SECONDS,
        connect: (side, id) => side && across
          ? new CoderoomClient(second.url, target.guest, id)
          : new CoderoomClient(first.url, side ? target.guest : target.host, id)
      })
      results.push({ label, ...result })
    } finally {
      target.stop()
    }
    await sleep(1000)
  }
  return results
}

{
  const results = [
    ...await run('one instance, embedded database', 1, false),
    ...await run('two instances, both clients on one', 2, false),
    ...await run('two instances, one client on each', 2, true)
  ]
  console.log(JSON.stringify(results, null, 2))
  const base = (r) => results.find((other) => other.rooms === r.rooms)
  console.log('\n| deployment | rooms × 2 clients | edits/s | p50 | p99 | p50 / p99 vs. one instance | coderoom CPU per edit |')
  console.log('|---|---|---|---|---|---|---|')
  for (const r of results) {
    const b = base(r)
    console.log(`| ${r.label} | ${r.rooms} | ${r.editsPerSecond.toFixed(0)} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${(r.p50 / b.p50).toFixed(1)}× / ${(r.p99 / b.p99).toFixed(1)}× | ${r.cpuMicrosPerEdit.toFixed(0)} µs |`)
  }
}
