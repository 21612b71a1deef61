// Browser test of first-run setup: on a server without an administrator, the sign-up page
// asks for the one-time setup token that `coderoom serve` printed; a wrong token is refused
// with a message, the right one makes the administrator. scripts/browser-tests.sh starts such a
// server and passes CODEROOM_SETUP_URL and CODEROOM_SETUP_TOKEN.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD, RUN, createHarness, shot } from './harness.mjs'

const SETUP_URL = process.env.CODEROOM_SETUP_URL?.replace(/\/+$/, '')
const SETUP_TOKEN = process.env.CODEROOM_SETUP_TOKEN
const SKIP_SETUP =
  SETUP_URL && SETUP_TOKEN ? false : 'CODEROOM_SETUP_URL and CODEROOM_SETUP_TOKEN (a server without an administrator) are not set'

const harness = createHarness({ timeout: 15_000 })

after(() => {
  assert.deepEqual(harness.external, [], 'requests left the machine')
})

test('first run: the setup token makes the administrator', { skip: SKIP_SETUP, timeout: 60_000 }, async () => {
  const { page, context } = await harness.newPage('setup', { baseURL: SETUP_URL })
  await page.goto('/register')
  await page.getByTestId('auth-title').getByText('create the administrator account').waitFor()
  await page.getByTestId('input-name').fill(`Owner ${RUN}`)
  await page.getByTestId('input-email').fill(`owner-${RUN}@example.test`)
  await page.getByTestId('input-password').fill(PASSWORD)
  await page.getByTestId('input-setup-token').fill('not-the-token')
  await page.getByTestId('submit').click()
  await page.getByTestId('auth-error').getByText('setup token is not valid').waitFor()
  await shot(page, 'setup-01-first-run.png')

  await page.getByTestId('input-setup-token').fill(SETUP_TOKEN)
  await page.getByTestId('submit').click()
  await page.waitForURL('**/dashboard')
  const me = await (await context.request.get('/api/me')).json()
  assert.equal(me.user.role, 'admin')
  const config = await (await context.request.get('/api/config')).json()
  assert.equal(config.setupRequired, false)
  // The only console errors are the browser's note about the refused wrong token.
  assert.deepEqual(harness.consoleErrors.filter((e) => !e.includes('403')), [])
})
