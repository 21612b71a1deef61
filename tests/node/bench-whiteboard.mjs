// Whiteboard benchmark client (run through scripts/bench-whiteboard.sh). Loopback only, bounded
// in connections and time. Against a coderoom binary it starts itself, side by side in one run:
//   1. stroke propagation: 100 rooms × 2 clients, each sending a stroke update every 100 ms (a
//      free-hand line growing by one point, as a browser sends it while someone draws), p50/p99
//      and server CPU per update — beside the code editor's one-character edits at the same
//      rate in the same 100 rooms, the baseline;
//   2. memory per open board: 100 rooms, each with two board connections and a board of 100
//      shapes, against 100 rooms with two code-editor connections each, on fresh servers.
// Propagation = from the sender's WebSocket send to the other client having applied the update.

import { YClient, binary, createSessions, propagationRun, register, rssKiB, sleep, startServer } from './bench-lib.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS || 20)
const ROOMS = Number(process.env.BENCH_ROOMS || 100)
const SHAPES = Number(process.env.BENCH_SHAPES || 100)
const POINTS_PER_STROKE = 40
// Browsers store each shape as JSON text; BENCH_SHAPES_AS=objects measures the alternative, a
// shape as a tree of Yjs values.
const encode = process.env.BENCH_SHAPES_AS === 'objects' ? (shape) => shape : (shape) => JSON.stringify(shape)
binary()

let nextId = 0
/** A shape with the fields a browser's drawing library stores (about 30 of them). */
function shape (type, extra = {}) {
  nextId += 1
  return {
    id: `shape-${process.pid}-${nextId}`,
    type,
    x: Math.random() * 1000,
    y: Math.random() * 800,
    width: 120,
    height: 60,
    angle: 0,
    strokeColor: '#1e1e1e',
    backgroundColor: 'transparent',
    fillStyle: 'solid',
    strokeWidth: 2,
    strokeStyle: 'solid',
    roughness: 1,
    opacity: 100,
    groupIds: [],
    frameId: null,
    index: `a${nextId.toString(36)}`,
    roundness: null,
    seed: Math.floor(Math.random() * 2 ** 31),
    version: 1,
    versionNonce: Math.floor(Math.random() * 2 ** 31),
    isDeleted: false,
    boundElements: null,
    updated: Date.now(),
    link: null,
    locked: false,
    ...extra
  }
}

/** A board client that keeps drawing: each change adds a point to its current stroke. */
class Drawer extends YClient {
  constructor (url, who, session) {
    super(url, who, `/api/collab/${session}/board`)
    this.elements = this.doc.getMap('elements')
    this.stroke = null
  }

  edit () {
    if (!this.stroke || this.stroke.points.length >= POINTS_PER_STROKE) {
      this.stroke = shape('freedraw', { points: [[0, 0]], pressures: [], simulatePressure: true, lastCommittedPoint: null })
    } else {
      const [x, y] = this.stroke.points[this.stroke.points.length - 1]
      this.stroke = {
        ...this.stroke,
        points: [...this.stroke.points, [x + 3 + Math.random() * 4, y + Math.random() * 6 - 3]],
        version: this.stroke.version + 1,
        versionNonce: Math.floor(Math.random() * 2 ** 31)
      }
    }
    this.elements.set(this.stroke.id, encode(this.stroke)) // sends synchronously through the update handler
    this.markSent()
  }
}

class Typist extends YClient {
  constructor (url, who, session) {
    super(url, who, `/api/collab/${session}`)
    this.text = this.doc.getText('code')
  }

  edit () {
    this.text.insert(Math.floor(Math.random() * (this.text.length + 1)), 'x')
    this.markSent()
  }
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

/** Extra resident memory of `ROOMS` rooms with two connections each to what `open` makes. */
async function memoryRun (server, host, guest, open) {
  const ids = await createSessions(server.url, host, guest, ROOMS)
  await sleep(3000)
  const before = rssKiB(server.pid)
  const clients = []
  for (const id of ids) {
    const pair = [open(host, id), open(guest, id)]
    clients.push(...pair)
    await Promise.all(pair.map((c) => c.synced))
    await pair[0].fill()
  }
  // The server hands freed memory back to the system once a minute; BENCH_SETTLE_SECONDS waits
  // for that, to tell what the boards hold from what drawing them left behind.
  await sleep(Number(process.env.BENCH_SETTLE_SECONDS || 3) * 1000)
  const after = rssKiB(server.pid)
  for (const c of clients) c.close()
  return { rooms: ids.length, extraMiB: (after - before) / 1024, perRoomKiB: (after - before) / ids.length }
}

/** A board of `SHAPES` shapes: two in three boxes and labels, one in three strokes. */
async function drawBoard (client) {
  for (let n = 0; n < SHAPES; n++) {
    const kind = n % 3
    const value = kind === 2
      ? shape('freedraw', { points: Array.from({ length: POINTS_PER_STROKE }, (_, i) => [i * 4, Math.sin(i) * 10]) })
      : shape(kind === 0 ? 'rectangle' : 'text', kind === 1 ? { text: `Service ${n}`, fontSize: 20, fontFamily: 5 } : {})
    client.elements.set(value.id, encode(value))
    if (n % 20 === 19) await sleep(5)
  }
}

{
  const boardMemory = await withServer((server, host, guest) => memoryRun(server, host, guest, (who, id) => {
    const client = new Drawer(server.url, who, id)
    client.fill = () => drawBoard(client)
    return client
  }))
  const codeMemory = await withServer((server, host, guest) => memoryRun(server, host, guest, (who, id) => {
    const client = new Typist(server.url, who, id)
    client.fill = async () => {}
    return client
  }))
  if (process.env.BENCH_MEMORY_ONLY) {
    console.log(JSON.stringify({ boardMemory, codeMemory }))
    process.exit(0)
  }
  const { board, code } = await withServer(async (server, host, guest) => {
    const run = async (Kind) => propagationRun({
      pid: server.pid,
      ids: await createSessions(server.url, host, guest, ROOMS),
      seconds: SECONDS,
      connect: (side, id) => new Kind(server.url, side ? guest : host, id)
    })
    const board = await run(Drawer)
    await sleep(2000)
    return { board, code: await run(Typist) }
  })
  const ms = (x) => x.toFixed(2)
  console.log(JSON.stringify({ board, code, boardMemory, codeMemory }, null, 2))
  console.log(`\n| ${ROOMS} rooms × 2 clients, 10 changes/s each | changes measured | p50 | p99 | max | server CPU per change |`)
  console.log('|---|---|---|---|---|---|')
  for (const [name, r] of [['whiteboard strokes', board], ['code edits (baseline)', code]]) {
    console.log(`| ${name} | ${r.edits} (${r.editsPerSecond.toFixed(0)}/s) | ${ms(r.p50)} ms | ${ms(r.p99)} ms | ${ms(r.max)} ms | ${r.cpuMicrosPerEdit.toFixed(0)} µs |`)
  }
  console.log(`| ratio board / code | | ${(board.p50 / code.p50).toFixed(2)}× | ${(board.p99 / code.p99).toFixed(2)}× | | ${(board.cpuMicrosPerEdit / code.cpuMicrosPerEdit).toFixed(2)}× |`)
  console.log(`\nMemory: ${ROOMS} open boards of ${SHAPES} shapes, 2 connections each: +${boardMemory.extraMiB.toFixed(1)} MiB (${boardMemory.perRoomKiB.toFixed(0)} KiB per board); ${ROOMS} open code rooms, 2 connections each: +${codeMemory.extraMiB.toFixed(1)} MiB (${codeMemory.perRoomKiB.toFixed(0)} KiB per room)`)
}
