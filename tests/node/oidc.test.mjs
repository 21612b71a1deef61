// Company sign-in against a real, certified OpenID provider (the `oidc-provider` package) on
// loopback, see ./identity-provider.mjs: coderoom discovers it, signs people in with the
// authorization code flow and PKCE, maps groups to roles, follows a key rotation, and refuses
// what an attacker or a broken provider could hand it: a wrong audience, an expired token, a
// token signed by a key the provider does not publish, a replayed or foreign `state`, a
// disabled account.
//
// Run from this folder: `npm ci && CODEROOM_BIN=… node --test oidc.test.mjs`.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binary, startServer } from './bench-lib.mjs'
import { CLIENT_ID, CLIENT_SECRET, IdentityProvider, accounts, resign, signingKey } from './identity-provider.mjs'

const PASSWORD = 'break glass 0123'

// ---- a browser: cookies per host and port, redirects followed by hand ---------------------

class Browser {
  constructor () { this.jars = new Map() }

  async get (url, init = {}) {
    const target = new URL(url)
    const jar = this.jars.get(target.host) ?? new Map()
    this.jars.set(target.host, jar)
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(target, { ...init, redirect: 'manual', headers: { ...init.headers, ...(cookie && { cookie }) } })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)]
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires=/i.test(a) && new Date(a.split('=')[1]) < new Date())
      if (gone) jar.delete(name); else jar.set(name, value)
    }
    return response
  }

  cookie (host, name) { return this.jars.get(host)?.get(name) }
}

/**
 * Starts a company sign-in at coderoom and clicks through the provider; returns the callback
 * address the provider sends the browser back to (not yet opened).
 */
async function throughProvider (browser, coderoomUrl, next = '/dashboard') {
  let response = await browser.get(`${coderoomUrl}/api/auth/oidc/start?next=${encodeURIComponent(next)}`)
  assert.equal(response.status, 303, 'start redirects to the provider')
  let location = response.headers.get('location')
  for (let hops = 0; hops < 10; hops++) {
    if (location.startsWith(`${coderoomUrl}/api/auth/oidc/callback`)) return location
    response = await browser.get(location)
    assert.ok([302, 303].includes(response.status), `provider step ${location} answered ${response.status}: ${await response.text()}`)
    location = new URL(response.headers.get('location'), location).toString()
  }
  throw new Error('the provider never sent the browser back')
}

/** Opens the callback; returns where coderoom sends the browser and who is signed in. */
async function finish (browser, coderoomUrl, callbackUrl) {
  const response = await browser.get(callbackUrl)
  assert.equal(response.status, 303, response.status === 303 ? '' : await response.text())
  const location = response.headers.get('location')
  const session = await (await browser.get(`${coderoomUrl}/api/auth/session`)).json()
  return { location, user: session.user, error: location.startsWith('/login?') ? new URL(location, coderoomUrl).searchParams.get('error') : null }
}

async function expectJson (response, status) {
  const body = await response.json()
  assert.equal(response.status, status, JSON.stringify(body))
  return body
}

let identity = null

async function signIn (as, coderoomUrl, next) {
  identity.signingInAs = as
  const browser = new Browser()
  return { browser, ...(await finish(browser, coderoomUrl, await throughProvider(browser, coderoomUrl, next))) }
}

// ---- the run --------------------------------------------------------------------------

test('company sign-in against a real OpenID provider', async (t) => {
  identity = await IdentityProvider.start()
  const root = mkdtempSync(join(tmpdir(), 'coderoom-oidc-'))
  const created = spawnSync(binary(), ['users', 'create', '--data-dir', join(root, 'data'), '--name', 'Break Glass',
    '--email', 'root@corp.test', '--password', PASSWORD, '--role', 'admin'], { encoding: 'utf8' })
  assert.equal(created.status, 0, created.stderr)
  const server = await startServer({
    dataDir: root,
    env: {
      ...identity.coderoomSettings(),
      CODEROOM_OIDC_KEYS_MIN_REFRESH_SECS: '1',
      CODEROOM_SESSIONS_WHO_MAY_HOST: 'interviewers'
    }
  })
  const url = server.url
  let key = signingKey('first')
  identity.use(url, key)
  t.after(() => { server.stop(); identity.close(); rmSync(root, { recursive: true, force: true }) })

  await t.test('the sign-in page learns of the provider; the client secret stays on the server', async () => {
    const config = await (await fetch(`${url}/api/config`)).json()
    assert.equal(config.authProvider, 'oidc')
    assert.deepEqual(config.oidc, { label: 'Corp SSO', localSignIn: 'admins' })
    assert.ok(!JSON.stringify(config).includes(CLIENT_SECRET))
  })

  await t.test('people are created on first sign-in with the role their groups map to', async () => {
    const ada = await signIn('ada', url, '/session/abc')
    assert.equal(ada.error, null)
    assert.equal(ada.location, '/session/abc', 'back where the sign-in started')
    assert.equal(ada.user.role, 'admin')
    assert.equal(ada.user.name, 'Ada Admin')
    assert.equal(ada.user.email, 'ada@corp.test')
    assert.ok(ada.user.id.startsWith('oidc_'))
    assert.equal(ada.browser.cookie(new URL(url).host, 'coderoom_oidc'), undefined, 'the pending sign-in cookie is cleared')

    const ivan = await signIn('ivan', url)
    assert.equal(ivan.location, '/dashboard')
    assert.equal(ivan.user.role, 'interviewer')
    const cara = await signIn('cara', url, 'https://evil.example/')
    assert.equal(cara.location, '/dashboard', 'never sent to another site')
    assert.equal(cara.user.role, 'candidate')
    assert.equal(cara.user.name, 'Cara Colleague')
  })

  await t.test('roles follow the provider at the next sign-in, and the old role\'s sign-in ends', async () => {
    const before = await signIn('ivan', url)
    accounts.ivan.groups = ['/coderoom-admins']
    const after = await signIn('ivan', url)
    accounts.ivan.groups = ['interviewers']
    assert.equal(after.user.id, before.user.id, 'the same person')
    assert.equal(after.user.role, 'admin')
    const stale = await (await before.browser.get(`${url}/api/auth/session`)).json()
    assert.equal(stale.user, null, 'the sign-in made with the old role no longer works')
    const log = await (await after.browser.get(`${url}/api/admin/audit?action=user.role_changed`)).json()
    assert.ok(log.entries.some((e) => e.target === after.user.id && e.detail?.to === 'admin'), JSON.stringify(log))
    await signIn('ivan', url) // back to interviewer for the tests below
  })

  await t.test('a replayed state, or one from another browser, signs nobody in', async () => {
    identity.signingInAs = 'ada'
    const browser = new Browser()
    const callback = await throughProvider(browser, url)
    const first = await finish(browser, url, callback)
    assert.equal(first.user.role, 'admin')
    const replay = await finish(new Browser(), url, callback)
    assert.equal(replay.user, null)
    assert.equal(replay.error, 'used')
    const again = await finish(browser, url, callback)
    assert.equal(again.error, 'used', 'the same browser cannot use it twice either')

    // Login CSRF: an attacker's own finished sign-in, opened in the victim's browser.
    const attacker = new Browser()
    const planted = await throughProvider(attacker, url)
    const victim = await finish(new Browser(), url, planted)
    assert.equal(victim.user, null)
    assert.equal(victim.error, 'other-browser')
  })

  await t.test('the provider rotates its signing key: sign-in goes on', async () => {
    key = signingKey('second')
    identity.use(url, key)
    // Keys are re-read at most once a second here (`keys_min_refresh_secs`).
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const ada = await signIn('ada', url)
    assert.equal(ada.error, null)
    assert.equal(ada.user.role, 'admin')
  })

  await t.test('an ID token for another audience, an expired one, or a forged one is refused', async (t) => {
    const cases = [
      ['another audience', (p) => { p.aud = 'another-app' }, key],
      ['expired', (p) => { p.iat -= 7200; p.exp = Math.floor(Date.now() / 1000) - 3600 }, key],
      ['another nonce', (p) => { p.nonce = 'not-the-one-coderoom-sent' }, key],
      ['signed by a key the provider does not publish', () => {}, signingKey('first')]
    ]
    for (const [name, change, signer] of cases) {
      identity.tamper = (token) => resign(token, signer, change)
      const refused = await signIn('ada', url)
      identity.tamper = null
      assert.equal(refused.user, null, name)
      assert.equal(refused.error, 'failed', name)
    }
    const log = await (await (await signIn('ada', url)).browser.get(`${url}/api/admin/audit?action=auth.sign_in_failed`)).json()
    const reasons = log.entries.map((e) => e.detail?.reason ?? '').join('\n')
    assert.match(reasons, /aud/i, 'the audit log says why')
    assert.match(reasons, /expired/i)
  })

  await t.test('a disabled person cannot sign in with the provider', async () => {
    const dora = await signIn('dora', url)
    const admin = await signIn('ada', url)
    const disabled = await admin.browser.get(`${url}/api/admin/users/${dora.user.id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ disabled: true })
    })
    await expectJson(disabled, 200)
    const again = await signIn('dora', url)
    assert.equal(again.user, null)
    assert.equal(again.error, 'disabled')
  })

  await t.test('passwords: only break-glass administrators; no registration', async () => {
    const login = (email) => fetch(`${url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD })
    })
    assert.equal((await login('root@corp.test')).status, 200)
    const register = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Walk In', email: 'walk@corp.test', password: PASSWORD })
    })
    assert.equal(register.status, 403)
    assert.match((await register.json()).message, /Corp SSO/)
  })

  await t.test('candidates with an interview link need no company account', async () => {
    const ivan = await signIn('ivan', url)
    const headers = { 'content-type': 'application/json' }
    const created = await ivan.browser.get(`${url}/api/sessions`, { method: 'POST', headers, body: JSON.stringify({ problem: 'two-sum' }) })
    const { session } = await expectJson(created, 201)
    const invite = await ivan.browser.get(`${url}/api/sessions/${session.id}/invites`, { method: 'POST', headers, body: JSON.stringify({ role: 'candidate' }) })
    const token = (await expectJson(invite, 201)).invite.token
    const guest = new Browser()
    const accepted = await guest.get(`${url}/api/invites/${token}/accept`, { method: 'POST', headers, body: JSON.stringify({ name: 'Gina Guest' }) })
    await expectJson(accepted, 200)
    const me = await (await guest.get(`${url}/api/auth/session`)).json()
    assert.equal(me.user.role, 'guest')
    assert.equal(me.user.sessionId, session.id)
  })

  await t.test('signing out ends coderoom\'s sign-in and offers the provider\'s sign-out', async () => {
    const ada = await signIn('ada', url)
    const out = await ada.browser.get(`${url}/api/auth/logout`, { method: 'POST' })
    assert.equal(out.status, 200)
    const { logoutUrl } = await out.json()
    const target = new URL(logoutUrl)
    assert.equal(target.origin, identity.issuer)
    assert.equal(target.searchParams.get('client_id'), CLIENT_ID)
    assert.equal(target.searchParams.get('post_logout_redirect_uri'), `${url}/login`)
    const after = await (await ada.browser.get(`${url}/api/auth/session`)).json()
    assert.equal(after.user, null)
  })

  await t.test('config check --online reaches the provider, and names it when it cannot', async () => {
    const file = join(root, 'oidc.toml')
    // Asynchronously: the provider answers from this process, which must not block on the child.
    const check = (issuer) => new Promise((resolve) => {
      writeFileSync(file, `[auth]\nprovider = "oidc"\n\n[oidc]\nissuer = "${issuer}"\nclient_id = "${CLIENT_ID}"\n`)
      execFile(binary(), ['config', 'check', '--online', file], (err, stdout, stderr) => {
        resolve({ status: err ? err.code : 0, stdout, stderr })
      })
    })
    const good = await check(identity.issuer)
    assert.equal(good.status, 0, good.stdout + good.stderr)
    const bad = await check('http://127.0.0.1:9/nothing')
    assert.notEqual(bad.status, 0)
    assert.match(bad.stdout, /oidc\.issuer/)
  })

  await t.test('an unreachable provider is a clear message, not an error page', async () => {
    const down = await startServer({
      env: { CODEROOM_AUTH_PROVIDER: 'oidc', CODEROOM_OIDC_ISSUER: 'http://127.0.0.1:9/nothing', CODEROOM_OIDC_CLIENT_ID: CLIENT_ID }
    })
    try {
      const response = await fetch(`${down.url}/api/auth/oidc/start`, { redirect: 'manual' })
      assert.equal(response.status, 303)
      assert.match(new URL(response.headers.get('location'), down.url).searchParams.get('error'), /^unreachable$/)
    } finally {
      down.stop()
    }
  })
})
