// What the Node benchmarks share: the y-websocket framing, a coderoom binary started on
// loopback with a data folder of its own, registration, process counters and percentiles.

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

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
  const ignored = new Set(['CODEROOM_BIN', 'CODEROOM_SKIP_WEB_BUILD'])
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
export function cpuSeconds (pid) {
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
