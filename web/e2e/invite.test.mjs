// Browser test of joining by invitation link: an interviewer creates an interview and has the
// candidate link on screen at once; someone with no account opens it, types a name and is in
// the room (shared editor, chat, video); the host sees them arrive within a second, without a
// reload; a guest finds nothing but their interview; the host removes the candidate, whose page
// says so, and the link stops working. Screenshots of the join page and the host's view at phone
// and desktop sizes.
//
// Run:  CODEROOM_URL=… CODEROOM_ADMIN_EMAIL=… CODEROOM_ADMIN_PASSWORD=… node --test web/e2e/invite.test.mjs
// (scripts/browser-tests.sh sets them). Uses Debian's Chromium through playwright-core.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, NO_ADMIN, RUN, SKIP, candidateLink, createHarness, createSession, registerInterviewer, shot } from './harness.mjs'

const TIMEOUT = 20_000
const harness = createHarness({ timeout: TIMEOUT, extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] })
const { external, consoleErrors } = harness

const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }
const DESKTOP = { viewport: { width: 1440, height: 900 } }
const clipboard = { permissions: ['clipboard-read', 'clipboard-write'] }

const noHorizontalScroll = async (page, what) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `${what}: no horizontal scrolling (overflow ${overflow}px)`)
}

test('invitation link: join without an account, live presence, guest limits, removal', { skip: SKIP || NO_ADMIN, timeout: 300_000 }, async (t) => {
  const H = await harness.newPage('host', { ...DESKTOP, ...clipboard })
  const host = await registerInterviewer(H, 'Hana')
  const candidateName = `Ada ${RUN}`
  let sessionId = ''
  let link = ''
  let token = ''
  let C = null
  /** Console errors before this index are unexpected; after the removal, refusals to the removed guest are expected. */
  let removedAt = Infinity

  await t.test('the host creates an interview and the candidate link is on screen, with copy and status', async () => {
    sessionId = await createSession(H.page)
    link = await candidateLink(H.page)
    const url = new URL(link)
    assert.match(url.pathname, /^\/join\/[^/]+$/, `the link is /join/<token>: ${link}`)
    token = decodeURIComponent(url.pathname.split('/').pop())
    const row = H.page.locator('[data-testid="invite-panel"] [data-testid="invite"][data-role="candidate"]').first()
    assert.equal(await row.getByTestId('invite-status').getAttribute('data-status'), 'unused')
    assert.match(await row.getByTestId('invite-expiry-text').innerText(), /expires/)
    await row.getByTestId('copy-invite').click()
    await row.locator('[data-testid="copy-invite"][data-state="copied"]').waitFor()
    assert.equal(await H.page.evaluate(() => navigator.clipboard.readText()), link)
    // The link names this server, as the host's browser reached it.
    assert.equal(url.origin, BASE, 'the invitation link points at this server')
    await shot(H.page, 'invite-01-host-link-desktop.png')
  })

  await t.test('the join page, at desktop and phone size', async () => {
    const D = await harness.newPage('join-desktop', DESKTOP)
    await D.page.goto(new URL(link).pathname)
    await D.page.getByTestId('join-page').waitFor()
    assert.equal(await D.page.getByTestId('join-problem').innerText(), 'Two Sum')
    assert.equal(await D.page.getByTestId('join-host').innerText(), host.name)
    // Nothing to sign in to: no "Sign in" in the navigation.
    assert.equal(await D.page.getByRole('link', { name: 'Sign in' }).count(), 0)
    await shot(D.page, 'invite-02-join-desktop.png')
    await D.context.close()

    C = await harness.newPage('candidate', PHONE)
    await C.page.goto(new URL(link).pathname)
    await C.page.getByTestId('join-page').waitFor()
    await noHorizontalScroll(C.page, 'join page at 375 px')
    await shot(C.page, 'invite-03-join-phone.png')
    // The name is required: nothing is sent without it.
    await C.page.getByTestId('join-submit').click()
    await C.page.getByText('Please enter your name.').waitFor()
    assert.match(C.page.url(), /\/join\//)
    // The optional camera and microphone check shows a local preview.
    await C.page.getByTestId('check-media').click()
    await C.page.waitForFunction(() => {
      const v = document.querySelector('[data-testid="media-preview"]')
      return !!v && v.videoWidth > 0
    })
    await shot(C.page, 'invite-04-join-phone-camera.png')
    await C.page.getByTestId('media-stop').click()
  })

  await t.test('the candidate joins with a name and is in the room; the host sees them within a second', async () => {
    await C.page.getByTestId('join-name').fill(candidateName)
    await C.page.getByTestId('join-submit').click()
    await C.page.waitForURL(`**/session/${encodeURIComponent(sessionId)}`)
    await C.page.locator('[data-testid="room-connection"][data-state="open"]').waitFor()
    // Live within a second, without a reload: seated and present, in the People panel and the header.
    const fast = { timeout: 1500 }
    const person = H.page.locator('[data-testid="person"][data-role="candidate"]')
    await person.getByText(candidateName).waitFor(fast)
    await H.page.locator('[data-testid="person"][data-role="candidate"][data-online="true"]').waitFor(fast)
    await H.page.getByTestId('session-seated').getByText('2/2 seated').waitFor(fast)
    // The link's status follows (polled every 2 s, or at once on the room's event) in the panel,
    // which stays open as the candidate arrives; folded away, the Invite button carries it.
    await H.page.locator('[data-testid="invite"][data-role="candidate"] [data-testid="invite-status"][data-status="in_room"]').first().waitFor({ timeout: 5000 })
    await H.page.getByTestId('invite-hide').click()
    await H.page.getByTestId('invite-toggle-status').getByText('in', { exact: true }).waitFor()
    await H.page.getByTestId('invite-toggle').click()
    await H.page.getByTestId('invite-panel').waitFor()

    // The candidate has the shared editor, the chat and the video panel.
    await C.page.locator('[data-testid="collab-status"][data-status="synced"]').waitFor()
    await C.page.getByTestId('chat-input').waitFor()
    await C.page.getByTestId('video-start').waitFor()
    // The candidate sees the host as present too, and has no way to the dashboard.
    await C.page.locator('[data-testid="person"][data-role="host"][data-online="true"]').waitFor()
    assert.equal(await C.page.getByRole('link', { name: 'Dashboard' }).count(), 0)
    assert.equal(await C.page.getByTestId('remove-person').count(), 0)
    assert.equal(await C.page.getByTestId('invite-panel').count(), 0)
  })

  await t.test('both write in the shared editor and chat', async () => {
    await H.page.locator('[data-testid="collab-status"][data-status="synced"]').waitFor()
    await C.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    await C.page.locator('[data-testid="code-editor"] .view-lines').click()
    await C.page.keyboard.press('Control+End')
    await C.page.keyboard.type(`\n// from the candidate ${RUN}`)
    await H.page.waitForFunction(
      (n) => document.querySelector('[data-testid="code-editor"]')?.__editor?.getValue().includes(n),
      `from the candidate ${RUN}`,
    )
    await C.page.getByTestId('chat-input').fill(`hello from ${candidateName}`)
    await C.page.getByTestId('chat-send').click()
    await H.page.getByTestId('chat-messages').getByText(`hello from ${candidateName}`).waitFor()
    await H.page.getByTestId('chat-input').fill('welcome!')
    await H.page.keyboard.press('Enter')
    await C.page.getByTestId('chat-messages').getByText('welcome!').waitFor()
    await shot(H.page, 'invite-05-host-room-desktop.png')
    await shot(C.page, 'invite-06-candidate-room-phone.png')
  })

  await t.test("the host's view and dashboard at phone size", async () => {
    const P = await harness.newPage('host-phone', { ...PHONE, storageState: await H.context.storageState() })
    await P.page.goto('/dashboard')
    const card = P.page.locator(`[data-testid="session-card"][data-session-id="${sessionId}"]`)
    await card.locator('[data-testid="candidate-link"][data-status="in_room"]').waitFor()
    await noHorizontalScroll(P.page, 'dashboard at 375 px')
    await shot(P.page, 'invite-07-host-dashboard-phone.png')
    await P.page.goto(`/session/${encodeURIComponent(sessionId)}`)
    await P.page.locator('[data-testid="person"][data-role="candidate"]').getByText(candidateName).waitFor()
    // With the candidate in, the links are one tap away.
    await P.page.getByTestId('invite-toggle').click()
    await P.page.getByTestId('invite-panel').waitFor()
    await noHorizontalScroll(P.page, 'room at 375 px')
    await shot(P.page, 'invite-08-host-room-phone.png')
    await P.context.close()
  })

  await t.test('a guest anywhere but their interview sees the way back', async () => {
    const G = await C.context.newPage()
    for (const path of ['/dashboard', '/problems', '/admin', '/problem/two-sum', '/session/not-theirs']) {
      await G.goto(path)
      await G.getByTestId('guest-only').waitFor()
      assert.equal(await G.getByRole('link', { name: 'Problems' }).count(), 0, `no Problems link on ${path}`)
    }
    await shot(G, 'invite-09-guest-elsewhere.png')
    await G.getByTestId('guest-back').click()
    await G.waitForURL(`**/session/${encodeURIComponent(sessionId)}`)
    await G.getByTestId('session-page').waitFor()
    await G.close()
    // The API refuses a guest too.
    const res = await C.context.request.get('/api/sessions/active')
    assert.equal(res.status(), 403)
  })

  await t.test('the host removes the candidate: their page says so, the link stops working', async () => {
    removedAt = consoleErrors.length
    const row = H.page.locator('[data-testid="person"][data-role="candidate"]').filter({ hasText: candidateName })
    await row.getByTestId('remove-person').click()
    await H.page.getByTestId('confirm-remove').click()
    const notice = H.page.getByTestId('people-notice')
    await notice.waitFor()
    assert.match(await notice.innerText(), new RegExp(`${candidateName} was removed; the link they used no longer works`))
    await C.page.getByTestId('room-closed').getByText('You were removed from the session by the interviewer').waitFor()
    // A guest is not sent to a dashboard they do not have.
    assert.equal(await C.page.getByRole('link', { name: /dashboard/i }).count(), 0)
    await H.page.locator('[data-testid="person"][data-role="candidate"]').waitFor({ state: 'detached' })
    await H.page.getByTestId('session-seated').getByText('1/2 seated').waitFor()
    await shot(H.page, 'invite-10-host-removed-desktop.png')
    await shot(C.page, 'invite-11-candidate-removed-phone.png')

    const info = await C.context.request.get(`/api/invites/${encodeURIComponent(token)}`)
    assert.equal(info.status(), 410, 'the removed candidate’s link answers 410')
    const L = await harness.newPage('late', PHONE)
    await L.page.goto(new URL(link).pathname)
    await L.page.getByTestId('join-expired').waitFor()
    assert.match(await L.page.getByTestId('join-expired').innerText(), /ask your interviewer for a new one/i)
    await shot(L.page, 'invite-12-link-withdrawn-phone.png')
    const unknown = await L.context.request.get('/api/invites/not-a-real-token')
    assert.equal(unknown.status(), 404)
    await L.page.goto('/join/not-a-real-token')
    await L.page.getByTestId('join-invalid').waitFor()
  })

  await t.test('no external requests and no unexpected console errors', () => {
    assert.deepEqual(external, [], 'requests to hosts other than this machine')
    // After the removal: the removed guest's refused requests, and the refused links' 404/410.
    const expected = (e, i) =>
      i >= removedAt && /^(candidate|late): /.test(e) && /status of (401|403|404|410)\b|WebSocket/.test(e)
    assert.deepEqual(consoleErrors.filter((e, i) => !expected(e, i)), [], 'console errors')
  })
})
