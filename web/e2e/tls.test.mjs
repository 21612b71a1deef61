// Browser test of HTTPS on an intranet name (issue 12). Browsers give the camera, the
// microphone and the clipboard only to secure pages, and every other browser test runs on
// 127.0.0.1, which browsers always treat as secure. Here Chromium reaches coderoom by a name
// that is not loopback (its resolver maps coderoom.test to 127.0.0.1):
//  - over HTTPS, with certificates from coderoom's own authority, which this browser trusts
//    (imported into the browser's certificate database as `coderoom tls ca` says): the page
//    is a secure context, two people see each other's camera, and "Copy link" fills the clipboard;
//  - over plain HTTP, where the video panel explains why the camera is unavailable and links
//    to the HTTPS address.
//
// Run:  CODEROOM_BIN=target/debug/coderoom CODEROOM_URL=… node --test web/e2e/tls.test.mjs
// (scripts/browser-tests.sh sets both). This file starts its own two servers.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SKIP as NO_SERVER, PASSWORD, RUN, createHarness, register, shot, startOwnServer, stopOwnServers, OWN_SERVERS_SKIP } from './harness.mjs'

const NAME = 'coderoom.test'
const TIMEOUT = 20_000
const SKIP = NO_SERVER || OWN_SERVERS_SKIP

const extraArgs = [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']
let secure = null
let plain = null
let home = null
const realHome = process.env.HOME

/** The two servers, and this browser's trust in the HTTPS one's authority. */
async function prepare() {
  if (SKIP) return
  secure = await startOwnServer({ CODEROOM_TLS_MODE: 'auto', CODEROOM_TLS_NAMES: `["${NAME}"]` })
  assert.equal(secure.scheme, 'https')
  secure.url = `https://${NAME}:${secure.port}`
  // A person trusts coderoom's authority once, with the step `coderoom tls ca` prints for
  // Chromium on Linux: import ca.crt into the NSS database in their home folder. This browser
  // gets a home folder of its own for that.
  home = mkdtempSync(path.join(tmpdir(), 'coderoom-tls-home-'))
  const nssdb = path.join(home, '.pki', 'nssdb')
  mkdirSync(nssdb, { recursive: true })
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password'])
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'coderoom', '-i', path.join(secure.data, 'tls', 'ca.crt')])
  process.env.HOME = home
  // The same appliance reached directly over plain HTTP, e.g. around the HTTPS proxy that
  // public_url names; sign-in still works there (no Secure cookie) so the room can be opened.
  plain = await startOwnServer({ CODEROOM_TLS_MODE: 'off', CODEROOM_PUBLIC_URL: secure.url, CODEROOM_AUTH_SECURE_COOKIE: 'false' })
  plain.url = `http://${NAME}:${plain.port}`
}

after(() => {
  process.env.HOME = realHome
  if (home) rmSync(home, { recursive: true, force: true })
  stopOwnServers()
})

const harness = createHarness({ timeout: TIMEOUT, extraArgs, localHosts: [NAME], beforeLaunch: prepare })
const { external, consoleErrors } = harness

/** Registers the server's administrator with its setup token (hosting takes an administrator or interviewer). */
async function registerAdmin(page, who, server) {
  assert.ok(server.setupToken, 'the fresh server printed its setup token')
  await page.goto('/register')
  await page.getByTestId('input-setup-token').waitFor()
  await page.getByTestId('input-name').fill(`${who} ${RUN}`)
  await page.getByTestId('input-email').fill(`${who.toLowerCase()}-${RUN}@example.test`)
  await page.getByTestId('input-password').fill(PASSWORD)
  await page.getByTestId('input-setup-token').fill(server.setupToken)
  await page.getByTestId('submit').click()
  await page.waitForURL('**/dashboard')
  await page.getByTestId('create-session').waitFor()
}

/** A pair-programming session (`open`): the other person joins with the session's address. */
async function createSession(page) {
  await page.goto('/dashboard')
  await page.getByTestId('create-session').click()
  const dialog = page.getByTestId('create-session-dialog')
  await dialog.getByTestId('problem-option-two-sum').click()
  await dialog.getByTestId('visibility-open').check()
  await dialog.getByTestId('confirm-create').click()
  await page.waitForURL(/\/session\/[^/]+$/)
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
}

/** Resolves once the other person's video has frames and its time moves on. */
async function remoteVideoPlays(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="video-tile"]:not([data-self]) video')].some((v) => v.videoWidth > 0 && v.currentTime > 0),
    null,
    { timeout: TIMEOUT },
  )
  const time = () => page.evaluate(() => document.querySelector('[data-testid="video-tile"]:not([data-self]) video').currentTime)
  const first = await time()
  await page.waitForFunction((t) => document.querySelector('[data-testid="video-tile"]:not([data-self]) video').currentTime > t + 0.5, first, { timeout: TIMEOUT })
}

test('HTTPS by an intranet name: secure context, video both ways, copy link; plain HTTP explains', { skip: SKIP, timeout: 300_000 }, async (t) => {
  const clipboard = { permissions: ['clipboard-read', 'clipboard-write'] }
  const A = await harness.newPage('A', { baseURL: secure.url, ...clipboard })
  const B = await harness.newPage('B', { baseURL: secure.url, ...clipboard })
  let sessionId = ''

  await t.test('over HTTPS the page is a secure context with a camera', async () => {
    await registerAdmin(A.page, 'Ines', secure)
    await register(B.page, 'Omar')
    const ctx = await A.page.evaluate(() => ({ secure: window.isSecureContext, media: !!navigator.mediaDevices, clipboard: !!navigator.clipboard, origin: location.origin }))
    assert.deepEqual(ctx, { secure: true, media: true, clipboard: true, origin: secure.url })
  })

  await t.test('two people start their cameras and each sees the other playing', async () => {
    sessionId = await createSession(A.page)
    await B.page.goto(`/session/${encodeURIComponent(sessionId)}`)
    await B.page.getByTestId('join-button').click()
    await B.page.getByTestId('leave-session').waitFor()
    for (const P of [A, B]) await P.page.locator('[data-testid="video-start"]:not([disabled])').waitFor()
    await A.page.getByTestId('video-start').click()
    await B.page.getByTestId('video-start').click()
    await remoteVideoPlays(A.page)
    await remoteVideoPlays(B.page)
    await shot(A.page, 'tls-01-video-a.png')
    await shot(B.page, 'tls-02-video-b.png')
  })

  await t.test('copy link puts the session address on the clipboard', async () => {
    await A.page.getByTestId('copy-link').click()
    await A.page.locator('[data-testid="copy-link"][data-state="copied"]').waitFor()
    const copied = await A.page.evaluate(() => navigator.clipboard.readText())
    assert.equal(copied, `${secure.url}/session/${encodeURIComponent(sessionId)}`)
    await A.page.getByTestId('video-leave').click()
    await B.page.getByTestId('video-leave').click()
  })

  await t.test('over plain HTTP by the same kind of name the video panel explains and links to HTTPS', async () => {
    const C = await harness.newPage('C', { baseURL: plain.url, ...clipboard })
    await registerAdmin(C.page, 'Uma', plain)
    const ctx = await C.page.evaluate(() => ({ secure: window.isSecureContext, media: !!navigator.mediaDevices, clipboard: !!navigator.clipboard }))
    assert.deepEqual(ctx, { secure: false, media: false, clipboard: false })
    const id = await createSession(C.page)
    const panel = C.page.getByTestId('video-insecure')
    await panel.waitFor()
    assert.match(await panel.innerText(), /only on HTTPS pages/)
    assert.match(await panel.innerText(), new RegExp(`plain HTTP at ${NAME}:${plain.port}`))
    const link = await C.page.getByTestId('video-https-link').getAttribute('href')
    assert.equal(link, `${secure.url}/session/${encodeURIComponent(id)}`)
    assert.equal(await C.page.getByTestId('video-start').count(), 0)
    // Without a clipboard, the link is offered selected, to copy by hand.
    await C.page.getByTestId('copy-link').click()
    assert.equal(await C.page.getByTestId('copy-link-fallback').inputValue(), `${plain.url}/session/${encodeURIComponent(id)}`)
    await shot(C.page, 'tls-03-insecure.png')
  })

  await t.test('no external requests and no console errors', () => {
    assert.deepEqual(external, [], 'requests to hosts other than this machine')
    assert.deepEqual(consoleErrors, [], 'console errors')
  })
})
