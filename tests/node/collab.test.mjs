// The stock y-websocket provider and yjs against a real coderoom binary: two browsers'
// worth of documents connect to one session, type at once and converge, and the server's
// copy (GET /api/sessions/:id/code) agrees.
//
// Run from this folder: `npm ci && node --test`. The binary is $CODEROOM_BIN, else
// $CARGO_TARGET_DIR/debug/coderoom, else ../../target/debug/coderoom.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

function binary () {
  const candidates = [
    process.env.CODEROOM_BIN,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'debug', 'coderoom'),
    resolve(import.meta.dirname, '../../target/debug/coderoom')
  ].filter(Boolean)
  const found = candidates.find((path) => existsSync(path))
  assert.ok(found, `coderoom binary not found (tried ${candidates.join(', ')}); build it or set CODEROOM_BIN`)
  return found
}

// coderoom reads every CODEROOM_* variable as configuration and rejects unknown ones, so the
// build and test switches that share the prefix must not reach it.
function serverEnvironment () {
  const ignored = new Set(['CODEROOM_BIN', 'CODEROOM_SKIP_WEB_BUILD'])
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !ignored.has(key)))
}

async function startServer () {
  const dataDir = mkdtempSync(join(tmpdir(), 'coderoom-node-'))
  const child = spawn(binary(), ['serve', '--bind', '127.0.0.1:0', '--data-dir', join(dataDir, 'data')], {
    // Any account may host, so that two plain registrations make a room (hosting rules have
    // their own tests).
    env: { ...serverEnvironment(), CODEROOM_LOG_LEVEL: 'warn', CODEROOM_SESSIONS_WHO_MAY_HOST: 'everyone' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const lines = createInterface({ input: child.stdout })
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`coderoom exited (${code}) before it was ready`)))
    lines.on('line', (line) => {
      const match = line.match(/^coderoom is listening on (http:\/\/\S+)/)
      if (match) resolve(match[1])
    })
  })
  return {
    url,
    stop () {
      child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

async function register (url, name) {
  const email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(16).slice(2)}@example.test`
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password: 'correct horse battery' })
  })
  assert.equal(response.status, 201)
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('coderoom_session='))
  const token = cookie.split(';')[0].slice('coderoom_session='.length)
  return { token, headers: { cookie: `coderoom_session=${token}`, 'content-type': 'application/json' } }
}

function whenSynced (provider) {
  return new Promise((resolve) => {
    if (provider.synced) return resolve()
    provider.once('sync', (synced) => synced && resolve())
  })
}

async function until (condition, what) {
  const deadline = Date.now() + 20000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test('stock y-websocket providers connect to coderoom and converge', async () => {
  const server = await startServer()
  const providers = []
  try {
    const host = await register(server.url, 'Hana')
    const guest = await register(server.url, 'Gus')
    const created = await fetch(`${server.url}/api/sessions`, {
      method: 'POST', headers: host.headers, body: JSON.stringify({ problem: 'two-sum', visibility: 'open' })
    })
    assert.equal(created.status, 201)
    const { session } = await created.json()
    const joined = await fetch(`${server.url}/api/sessions/${session.id}/join`, { method: 'POST', headers: guest.headers })
    assert.equal(joined.status, 200)

    const origin = server.url.replace('http://', 'ws://')
    const docs = [new Y.Doc(), new Y.Doc()]
    for (const [index, who] of [host, guest].entries()) {
      const provider = new WebsocketProvider(`${origin}/api/collab`, session.id, docs[index], {
        params: { token: who.token },
        WebSocketPolyfill: WebSocket,
        // Two providers in one process would otherwise also sync over a BroadcastChannel, and
        // convergence could pass without the server relaying anything.
        disableBc: true
      })
      provider.awareness.setLocalStateField('user', { name: index === 0 ? 'Hana' : 'Gus', color: '#30bced' })
      providers.push(provider)
    }
    await Promise.all(providers.map(whenSynced))

    const [a, b] = docs.map((doc) => doc.getText('code'))
    const { problem } = await (await fetch(`${server.url}/api/problems/two-sum`, { headers: host.headers })).json()
    assert.equal(a.toString(), problem.starterCode.javascript, 'starter code is in the shared document')
    assert.equal(docs[1].getMap('meta').get('language'), 'javascript')

    for (let n = 0; n < 25; n++) {
      a.insert(0, `[a${n}]`)
      b.insert(b.length, `[b${n}]`)
    }
    const complete = (text) => [...Array(25).keys()].every((n) => text.includes(`[a${n}]`) && text.includes(`[b${n}]`))
    await until(() => complete(a.toString()) && complete(b.toString()) && a.toString() === b.toString(), 'convergence')

    // Cursors: each provider sees the other's awareness state.
    await until(() => providers.every((p) => p.awareness.getStates().size === 2), 'awareness of both peers')

    // The language is shared too: one person switches it, the other follows.
    docs[0].getMap('meta').set('language', 'python')
    await until(() => docs[1].getMap('meta').get('language') === 'python', 'the shared language')

    const code = await fetch(`${server.url}/api/sessions/${session.id}/code`, { headers: host.headers })
    assert.equal(code.status, 200)
    assert.deepEqual(await code.json(), { code: a.toString(), language: 'python' })
  } finally {
    for (const provider of providers) {
      provider.destroy()
      // The awareness keeps a timer of its own that would hold the process open.
      provider.awareness.destroy()
      provider.doc.destroy()
    }
    server.stop()
  }
})
