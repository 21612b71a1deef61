// What every browser test shares: the server under test, Debian's Chromium (never a
// downloaded browser), pages whose requests off this machine are aborted and recorded, console
// errors collected, screenshots, and registration through the real sign-up page.
import { before, after } from 'node:test'
import { mkdirSync } from 'node:fs'
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
