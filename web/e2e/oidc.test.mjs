// Browser test of company sign-in (OpenID Connect): a coderoom whose accounts come from a
// real OpenID provider on loopback (tests/node/identity-provider.mjs). The sign-in page offers
// "Sign in with Corp SSO" and keeps passwords behind a fold for break-glass administrators; the
// button goes through the provider and back to the page that asked for a sign-in, with the
// role the person's groups map to; a failed sign-in is explained on the sign-in page; signing
// out also ends the provider's sign-in.
//
// Run: CODEROOM_BIN=… CODEROOM_URL=… node --test web/e2e/oidc.test.mjs, after `npm ci` in
// tests/node (the provider's packages); scripts/browser-tests.sh does both.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { SKIP as NO_SERVER, OWN_SERVERS_SKIP, createHarness, shot, startOwnServer, stopOwnServers } from './harness.mjs'
import { CLIENT_ID, IdentityProvider, signingKey } from '../../tests/node/identity-provider.mjs'

const SKIP = NO_SERVER || OWN_SERVERS_SKIP
let identity = null
let url = null

async function prepare() {
  identity = await IdentityProvider.start()
  const server = await startOwnServer(identity.coderoomSettings())
  url = `http://127.0.0.1:${server.port}`
  identity.use(url, signingKey('e2e'))
}

after(() => {
  stopOwnServers()
  identity?.close()
})

const harness = createHarness({ timeout: 20_000, beforeLaunch: prepare })

after(() => {
  assert.deepEqual(harness.external, [], 'requests left the machine')
  assert.deepEqual(harness.consoleErrors, [])
})

test('company sign-in: through the provider and back, with the mapped role', { skip: SKIP, timeout: 90_000 }, async () => {
  const { page, context } = await harness.newPage('oidc', { baseURL: url })
  identity.signingInAs = 'ivan'
  await page.goto('/interviews')
  await page.waitForURL('**/login')
  const button = page.getByTestId('oidc-sign-in')
  await button.getByText('Sign in with Corp SSO').waitFor()
  const passwords = page.getByTestId('password-sign-in')
  assert.equal(await passwords.getAttribute('open'), null, 'passwords are folded away for administrators')
  await passwords.getByText('Administrators: sign in with a password').waitFor()
  await shot(page, 'oidc-01-sign-in.png')

  await button.click()
  await page.waitForURL('**/interviews')
  const me = await (await context.request.get('/api/auth/session')).json()
  assert.equal(me.user.name, 'Ivan Interviewer')
  assert.equal(me.user.role, 'interviewer')
  await shot(page, 'oidc-02-signed-in.png')

  // Signing out ends the provider's sign-in too: the browser is sent to its end-session page
  // (answered here, since the provider's own page is styled with web fonts from outside).
  await context.route(`${identity.issuer}/session/end**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>signed out</title><p>signed out</p>' }),
  )
  await page.getByTestId('user-menu').click()
  await page.getByTestId('sign-out').click()
  await page.waitForURL(`${identity.issuer}/session/end**`)
  const after = new URL(page.url())
  assert.equal(after.searchParams.get('client_id'), CLIENT_ID)
  assert.equal(after.searchParams.get('post_logout_redirect_uri'), `${url}/login`)
  const session = await (await context.request.get(`${url}/api/auth/session`)).json()
  assert.equal(session.user, null)
})

test('a failed company sign-in is explained on the sign-in page', { skip: SKIP, timeout: 60_000 }, async () => {
  const { page } = await harness.newPage('oidc-error', { baseURL: url })
  // The provider's answer opened again, in another browser: its `state` was used and is refused.
  identity.signingInAs = 'cara'
  let callback = null
  // Seen as a request event: routes do not see the targets of redirects.
  page.on('request', (request) => {
    if (request.url().includes('/api/auth/oidc/callback')) callback ??= request.url()
  })
  await page.goto('/login')
  await page.getByTestId('oidc-sign-in').click()
  await page.waitForURL('**/dashboard')
  const { page: other } = await harness.newPage('oidc-replay', { baseURL: url })
  await other.goto(callback)
  await other.waitForURL('**/login?error=*')
  await other.getByTestId('oidc-error').getByText('already used or has expired').waitFor()
  await shot(other, 'oidc-03-refused.png')
})
