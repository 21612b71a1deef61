// What every browser test shares: the server under test, Debian's Chromium (never a
// downloaded browser), pages whose requests off this machine are aborted and recorded, console
// errors collected, screenshots, and registration through the real sign-up page.
import { before, after } from 'node:test'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

export const BASE = process.env.CODEROOM_URL?.replace(/\/+$/, '')
export const SKIP = BASE
  ? false
  : 'CODEROOM_URL is not set: start the coderoom server and set CODEROOM_URL=http://127.0.0.1:PORT to run the browser tests'
export const SHOTS = process.env.SCREENSHOT_DIR || path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots')
/** Unique per run, so that tests against one shared server never collide. */
export const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
export const PASSWORD = 'correct-horse-battery-9'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])
// Without the background-networking flags Chromium calls out to Google at start-up.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * One browser for a test file, launched before its tests and closed after them (not at all
 * when SKIP). `external` and `consoleErrors` collect what each test file asserts is empty.
 * `localHosts`: names that the browser's resolver rules map to this machine; `beforeLaunch`
 * runs first (servers to start, certificates to trust).
 */
export function createHarness({ timeout, extraArgs = [], localHosts = [], beforeLaunch = async () => {} }) {
  const harness = {
    browser: null,
    contexts: [],
    /** Requests to anything but this machine: each one fails the test. */
    external: [],
    /** Console errors and uncaught page errors: each one fails the test. */
    consoleErrors: [],

    async launch() {
      mkdirSync(SHOTS, { recursive: true })
      const { chromium } = await import('playwright-core')
      harness.browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] })
    },

    async close() {
      for (const context of harness.contexts) await context.close().catch(() => {})
      await harness.browser?.close()
      await adminRequest?.dispose().catch(() => {})
      adminRequest = null
    },

    async newPage(name, options = {}) {
      const context = await harness.browser.newContext({ baseURL: BASE, ...options })
      harness.contexts.push(context)
      await context.route('**/*', (route) => {
        const url = route.request().url()
        let host = ''
        try {
          host = new URL(url).hostname
        } catch {
          /* not a URL with a host */
        }
        if (!LOCAL_HOSTS.has(host) && !localHosts.includes(host)) {
          harness.external.push(`${name}: ${url}`)
          return route.abort()
        }
        return route.continue()
      })
      const page = await context.newPage()
      page.setDefaultTimeout(timeout)
      page.on('console', (msg) => {
        if (msg.type() === 'error') harness.consoleErrors.push(`${name}: ${msg.text()} (${msg.location()?.url ?? ''})`)
      })
      page.on('pageerror', (err) => harness.consoleErrors.push(`${name}: uncaught ${err.message}`))
      return { name, context, page }
    },
  }
  before(async () => {
    if (SKIP) return
    await beforeLaunch()
    await harness.launch()
  })
  after(() => harness.close())
  return harness
}

export async function shot(page, file) {
  await page.screenshot({ path: path.join(SHOTS, file), fullPage: true, animations: 'disabled' })
}

/** Registers `who` (unique per run) through the sign-up page and waits for the dashboard. */
export async function register(page, who) {
  const user = { name: `${who} ${RUN}`, email: `${who.toLowerCase()}-${RUN}@example.test` }
  await page.goto('/register')
  await page.getByTestId('auth-title').waitFor()
  await page.getByTestId('input-name').fill(user.name)
  await page.getByTestId('input-email').fill(user.email)
  await page.getByTestId('input-password').fill(PASSWORD)
  await page.getByTestId('submit').click()
  await page.waitForURL('**/dashboard')
  await page.getByTestId('welcome').getByText(user.name).waitFor()
  return user
}

/** The administrator scripts/browser-tests.sh creates; null when the environment names none. */
export const ADMIN =
  process.env.CODEROOM_ADMIN_EMAIL && process.env.CODEROOM_ADMIN_PASSWORD
    ? { email: process.env.CODEROOM_ADMIN_EMAIL, password: process.env.CODEROOM_ADMIN_PASSWORD }
    : null
/** Hosting sessions takes an interviewer, which takes the administrator to promote one. */
export const NO_ADMIN = ADMIN ? false : 'CODEROOM_ADMIN_EMAIL / CODEROOM_ADMIN_PASSWORD are not set: no administrator to make an interviewer'

/**
 * Signs `request` (a browser context's `context.request`, sharing its cookies, or an API
 * context) in. Sign-in attempts are rate-limited per client, and every test signs in from this
 * machine: a 429 is waited out (Retry-After) and tried again.
 */
export async function signIn(request, email, password) {
  for (let attempt = 0; ; attempt++) {
    const res = await request.post('/api/auth/login', { data: { email, password } })
    if (res.status() === 429 && attempt < 8) {
      const wait = Number(res.headers()['retry-after'] ?? '5')
      await new Promise((r) => setTimeout(r, (Number.isFinite(wait) && wait > 0 ? Math.min(wait, 30) : 5) * 1000 + 250))
      continue
    }
    if (res.status() !== 200) throw new Error(`sign in as ${email}: ${res.status()} ${await res.text()}`)
    return (await res.json()).user
  }
}

let adminRequest = null
/** An API client signed in as the administrator (one per test file). */
export async function admin() {
  if (!ADMIN) throw new Error(NO_ADMIN)
  if (!adminRequest) {
    const { request } = await import('playwright-core')
    const ctx = await request.newContext({ baseURL: BASE })
    await signIn(ctx, ADMIN.email, ADMIN.password)
    adminRequest = ctx
  }
  return adminRequest
}

/**
 * Registers `who` through the sign-up page, has the administrator make the account an
 * interviewer (the role change signs it out) and signs it in again; ends on the dashboard,
 * where an interviewer may create sessions.
 */
export async function registerInterviewer(ctx, who) {
  const user = await register(ctx.page, who)
  const me = (await (await ctx.context.request.get('/api/me')).json()).user
  const api = await admin()
  const res = await api.patch(`/api/admin/users/${encodeURIComponent(me.id)}`, { data: { role: 'interviewer' } })
  if (res.status() !== 200) throw new Error(`promote ${user.email}: ${res.status()} ${await res.text()}`)
  await signIn(ctx.context.request, user.email, PASSWORD)
  await ctx.page.goto('/dashboard')
  await ctx.page.getByTestId('create-session').waitFor()
  return { ...user, id: me.id }
}

/**
 * Creates a session on `problem` from the dashboard's dialog: `invite` (people come by link,
 * the default) or `open` (any signed-in user may Join). Resolves to its id, on its page.
 */
export async function createSession(page, { visibility = 'invite', problem = 'two-sum' } = {}) {
  await page.goto('/dashboard')
  await page.getByTestId('create-session').click()
  const dialog = page.getByTestId('create-session-dialog')
  await dialog.waitFor({ state: 'visible' })
  await dialog.getByTestId(`problem-option-${problem}`).click()
  await dialog.getByTestId(`visibility-${visibility}`).check()
  await dialog.getByTestId('confirm-create').click()
  await page.waitForURL(/\/session\/[^/]+$/)
  await page.getByTestId('end-session').waitFor()
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
}

/** The newest live candidate link in the host's invitation panel. */
export async function candidateLink(page) {
  const row = page.locator('[data-testid="invite-panel"] [data-testid="invite"][data-role="candidate"]').first()
  await row.waitFor()
  return row.getByTestId('invite-link').inputValue()
}

/** Opens an invitation link (by its path, on this server), types `name` and joins; ends in the room. */
export async function joinByLink(page, link, name) {
  await page.goto(new URL(link).pathname)
  await page.getByTestId('join-page').waitFor()
  await page.getByTestId('join-name').fill(name)
  await page.getByTestId('join-submit').click()
  await page.waitForURL(/\/session\/[^/]+$/)
  await page.getByTestId('session-page').waitFor()
}

// ---- servers a test file starts itself, with a configuration of its own ---------------------

const BIN = process.env.CODEROOM_BIN
export const OWN_SERVERS_SKIP = BIN ? false : 'CODEROOM_BIN is not set: this test starts its own coderoom servers'
const ownServers = []

/** Starts coderoom with `env` on a free loopback port; resolves to its scheme, port, data folder
 * and the setup token it prints (a fresh server has no administrator; the token makes one). */
export function startOwnServer(env) {
  const dir = mkdtempSync(path.join(tmpdir(), 'coderoom-e2e-'))
  const child = spawn(BIN, ['serve', '--bind', '127.0.0.1:0', '--data-dir', path.join(dir, 'data')], {
    env: { ...process.env, CODEROOM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  ownServers.push({ child, dir })
  const server = { data: path.join(dir, 'data'), setupToken: null }
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`coderoom exited (${code}) before it was ready`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const token = /^setup token: (\S+)/.exec(line)
      if (token) server.setupToken = token[1]
      const m = /^coderoom is listening on (https?):\/\/[^:]+:(\d+)/.exec(line)
      if (m) resolve(Object.assign(server, { scheme: m[1], port: Number(m[2]) }))
    })
  })
}

export function stopOwnServers() {
  for (const { child, dir } of ownServers.splice(0)) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}
