// Browser test of the interviewer's record (issue 14): an interviewer sets a time box; a
// candidate who came by link types, pastes a solution, switches tabs, runs and submits; the host
// writes private notes and submits a scorecard, ends the interview and reads the report (people,
// runs with per-test verdicts, notes, scorecard; Markdown; printed), plays the replay and seeks
// by clicking a marker, which shows the code the server says stood there. The candidate never
// sees or asks for notes or scorecards, and the notes endpoint refuses them. Past interviews and
// the administrator's rubrics close it. Screenshots record-01… of each.
//
// Run:  CODEROOM_URL=… CODEROOM_ADMIN_EMAIL=… CODEROOM_ADMIN_PASSWORD=… node --test web/e2e/record.test.mjs
// (scripts/browser-tests.sh sets them). Uses Debian's Chromium through playwright-core.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { ADMIN, NO_ADMIN, RUN, SHOTS, SKIP, candidateLink, createHarness, joinByLink, registerInterviewer, shot, signIn } from './harness.mjs'

const TIMEOUT = 20_000
const JUDGE_TIMEOUT = 90_000
const harness = createHarness({ timeout: TIMEOUT })
const { external, consoleErrors } = harness

const DESKTOP = { viewport: { width: 1440, height: 900 } }
const clipboard = { permissions: ['clipboard-read', 'clipboard-write'] }

// Accepted Two Sum solutions, each over 200 characters (a paste the server notices).
const SOLUTIONS = {
  python: `# Two Sum: one pass with a dictionary of the values seen so far.
class Solution:
    def twoSum(self, nums, target):
        seen = {}
        for i, n in enumerate(nums):
            if target - n in seen:
                return [seen[target - n], i]
            seen[n] = i
        return []


def twoSum(nums, target):
    return Solution().twoSum(nums, target)
`,
  javascript: `// Two Sum: one pass with a map of the values seen so far, O(n) time.
function twoSum(nums, target) {
  const seen = new Map();
  for (let i = 0; i < nums.length; i++) {
    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
    seen.set(nums[i], i);
  }
  return [];
}
`,
}

/** Requests for the interviewer's record: a candidate's page must never make one. */
const RECORD = /\/api\/(sessions\/[^/]+\/(notes|scorecards?|replay|timeline|report)|rubrics|interviews)\b/

const editorValue = (page) => page.evaluate(() => document.querySelector('[data-testid="code-editor"]').__editor.getValue())

/** Makes the page look hidden, then visible again (as switching browser tabs does). */
async function setVisibility(page, state) {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' })
    document.dispatchEvent(new Event('visibilitychange'))
  }, state)
}

test('interviewer’s record: notes, scorecard, timer, report, replay; nothing for the candidate', { skip: SKIP || NO_ADMIN, timeout: 600_000 }, async (t) => {
  const H = await harness.newPage('host', DESKTOP)
  const host = await registerInterviewer(H, 'Rina')
  const candidateName = `Cleo ${RUN}`
  const notesText = `Strong start on **Two Sum** ${RUN}\n\n- asked about duplicates\n- pasted a solution at the end`
  const comments = `Clear reasoning ${RUN}`
  let sessionId = ''
  let C = null
  const candidateRecordRequests = []
  /** Console errors in this range are the refused saves the test provokes. */
  let failedSavesFrom = -1
  let failedSavesTo = -1

  // What this server offers: the judge and an installed runtime for run/submit.
  const runtimes = await (await H.context.request.get('/api/v2/runtimes')).json().catch(() => [])
  const installed = Array.isArray(runtimes) ? runtimes.flatMap((r) => [r.language, ...(r.aliases ?? [])]) : []
  const language = Object.keys(SOLUTIONS).find((l) => installed.includes(l) || (l === 'javascript' && installed.includes('node'))) ?? null
  const judgeSkip = language ? false : 'no Python or JavaScript runtime is installed in the sandbox'
  const solution = SOLUTIONS[language ?? 'javascript']

  await t.test('the host sets a 30-minute time box; the candidate comes by link and the countdown starts', async () => {
    // Created with a 45-minute time box, changed in the room to 30.
    await H.page.goto('/dashboard')
    await H.page.getByTestId('create-session').click()
    const dialog = H.page.getByTestId('create-session-dialog')
    await dialog.getByTestId('problem-option-two-sum').click()
    await dialog.getByTestId('timebox-select').selectOption('45')
    await dialog.getByTestId('confirm-create').click()
    await H.page.waitForURL(/\/session\/[^/]+$/)
    sessionId = decodeURIComponent(new URL(H.page.url()).pathname.split('/').pop())
    const link = await candidateLink(H.page)
    await H.page.getByTestId('invite-hide').click()
    await H.page.getByTestId('timer-box').getByText('45 min box').waitFor()
    await H.page.getByTestId('timebox-toggle').click()
    await H.page.getByTestId('timebox-30').click()
    await H.page.getByTestId('timer-box').getByText('30 min box').waitFor()

    C = await harness.newPage('candidate', { ...DESKTOP, ...clipboard })
    C.page.on('request', (r) => RECORD.test(new URL(r.url()).pathname) && candidateRecordRequests.push(r.url()))
    await joinByLink(C.page, link, candidateName)
    await C.page.locator('[data-testid="room-connection"][data-state="open"]').waitFor()
    // The seat is taken: the interview's clock now counts down for everyone.
    for (const P of [H, C]) await P.page.getByTestId('timer-left').waitFor()
    const left = await C.page.getByTestId('timer-left').innerText()
    assert.match(left, /^(29|30):\d\d left$/, `countdown shown to the candidate: ${left}`)
    assert.match(await H.page.getByTestId('timer-elapsed').innerText(), /\d\d:\d\d/)
    assert.equal(await C.page.getByTestId('timebox-toggle').count(), 0, 'only the host sets the time box')
    const session = (await (await H.context.request.get(`/api/sessions/${encodeURIComponent(sessionId)}`)).json()).session
    assert.equal(session.timeBoxMinutes, 30)
    assert.ok(session.startedAt && session.endsAt, 'startedAt and endsAt set once the candidate sat down')

    // Five minutes: the last five minutes at once, for everyone (the room hears of the change).
    await H.page.getByTestId('timebox-toggle').click()
    await H.page.getByTestId('timebox-custom').fill('5')
    await H.page.getByTestId('timebox-custom-set').click()
    for (const P of [H, C]) {
      await P.page.locator('[data-testid="room-timer"][data-level="warn"]').waitFor({ timeout: 8000 })
      await P.page.getByTestId('timer-warning').waitFor()
    }
    assert.match(await C.page.getByTestId('timer-left').innerText(), /^0[45]:\d\d left$/)
    await shot(C.page, 'record-01-timer-warning.png')
    await H.page.locator('[data-testid="session-page"] > header').screenshot({ path: path.join(SHOTS, 'record-02-timer-host.png'), animations: 'disabled' })
    for (const P of [H, C]) await P.page.getByTestId('timer-warning').getByRole('button', { name: 'Dismiss' }).click()
    await H.page.getByTestId('timebox-toggle').click()
    await H.page.getByTestId('timebox-30').click()
    await C.page.locator('[data-testid="room-timer"][data-level="ok"]').waitFor({ timeout: 8000 })
  })

  await t.test('the candidate types, pastes a solution, switches tabs, runs and submits', async () => {
    await C.page.locator('[data-testid="collab-status"][data-status="synced"]').waitFor()
    await C.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    if (language) {
      await C.page.getByTestId('language-picker').selectOption(language)
      await H.page.waitForFunction((l) => document.querySelector('[data-testid="language-picker"]')?.value === l, language)
    }
    await C.page.locator('[data-testid="code-editor"] .view-lines').click()
    await C.page.keyboard.press('Control+End')
    await C.page.keyboard.type(`\n// thinking ${RUN}`)
    await H.page.waitForFunction((n) => document.querySelector('[data-testid="code-editor"]')?.__editor?.getValue().includes(n), `thinking ${RUN}`)

    // A large paste over everything: through the clipboard, as a person pastes.
    await C.page.evaluate((text) => navigator.clipboard.writeText(text), solution)
    await C.page.keyboard.press('Control+A')
    await C.page.keyboard.press('Control+V')
    await C.page.waitForFunction((s) => document.querySelector('[data-testid="code-editor"]').__editor.getValue().includes(s.split('\n')[1]), solution)
    assert.equal((await editorValue(C.page)).trim(), solution.trim(), 'the pasted text is in the editor as pasted')
    await H.page.waitForFunction((s) => document.querySelector('[data-testid="code-editor"]')?.__editor?.getValue().trim() === s.trim(), solution)

    // The candidate looks at another tab for a moment.
    await setVisibility(C.page, 'hidden')
    await C.page.waitForTimeout(400)
    await setVisibility(C.page, 'visible')

    if (!judgeSkip) {
      await C.page.getByTestId('run').click()
      await C.page.getByTestId('result').waitFor({ timeout: JUDGE_TIMEOUT })
      await C.page.getByTestId('submit-code').click()
      for (const P of [C, H]) await P.page.locator('[data-testid="result"][data-verdict="accepted"]').waitFor({ timeout: JUDGE_TIMEOUT })
    }
    await C.page.getByTestId('chat-input').fill(`done, ${host.name}`)
    await C.page.getByTestId('chat-send').click()
    await H.page.getByTestId('chat-messages').getByText(`done, ${host.name}`).waitFor()
  })

  await t.test('the host writes private notes: autosaved', async () => {
    await H.page.getByTestId('side-tab-notes').click()
    const input = H.page.getByTestId('notes-input')
    await input.click()
    await input.fill(notesText)
    await H.page.locator('[data-testid="notes-status"][data-status="saved"]').waitFor()
    assert.match(await H.page.getByTestId('notes-status').innerText(), /^Saved · \d/)
    const saved = await (await H.context.request.get(`/api/sessions/${encodeURIComponent(sessionId)}/notes`)).json()
    assert.equal(saved.notes.markdown, notesText)
    // The server refuses a save for a while: the text stays, the page says so and tries again.
    const failing = '**/api/sessions/*/notes'
    let refused = 0
    failedSavesFrom = consoleErrors.length
    await H.page.route(failing, (route) => {
      if (route.request().method() !== 'PUT') return route.continue()
      refused++
      return route.fulfill({ status: 503, contentType: 'application/json', body: '{"message":"The database is busy."}' })
    })
    await input.press('End')
    await input.pressSequentially('\n- kept through a failed save')
    await H.page.locator('[data-testid="notes-status"][data-status="error"]').waitFor()
    assert.match(await H.page.getByTestId('notes-status').innerText(), /Not saved: The database is busy/)
    assert.ok(refused >= 1)
    assert.equal(await input.inputValue(), `${notesText}\n- kept through a failed save`)
    await H.page.unroute(failing)
    failedSavesTo = consoleErrors.length
    // Retried by itself within seconds, or at once with the button.
    await H.page.getByTestId('notes-status-retry').click({ timeout: 1000 }).catch(() => {})
    await H.page.locator('[data-testid="notes-status"][data-status="saved"]').waitFor()
    const retried = await (await H.context.request.get(`/api/sessions/${encodeURIComponent(sessionId)}/notes`)).json()
    assert.equal(retried.notes.markdown, `${notesText}\n- kept through a failed save`)

    await H.page.getByTestId('notes-preview-toggle').click()
    await H.page.getByTestId('notes-preview').locator('strong').getByText('Two Sum').waitFor()
    await shot(H.page, 'record-03-room-notes.png')
    await H.page.getByTestId('notes-write').click()
  })

  await t.test('the host fills in and submits a scorecard; it is locked after', async () => {
    await H.page.getByTestId('side-tab-scorecard').click()
    const panel = H.page.locator('[data-testid="scorecard-panel"][data-status="draft"]')
    await panel.waitFor()
    // Submitting early says what is missing.
    const criteria = panel.getByTestId('criterion')
    const n = await criteria.count()
    assert.ok(n >= 1, 'the default rubric has criteria')
    for (let i = 0; i < n; i++) await criteria.nth(i).locator(`[data-testid="rating"][data-value="${i % 2 ? 3 : 4}"]`).click()
    await panel.locator('[data-testid="recommendation"][data-value="yes"]').click()
    await panel.getByTestId('scorecard-comments').fill(comments)
    await H.page.locator('[data-testid="scorecard-status"][data-status="saved"]').waitFor()
    await shot(H.page, 'record-04-room-scorecard.png')
    await panel.getByTestId('scorecard-submit').click()
    await H.page.getByTestId('confirm-scorecard-submit').click()
    await H.page.locator('[data-testid="scorecard-panel"][data-status="submitted"]').waitFor()
    await H.page.getByTestId('other-scorecards').waitFor()
    const own = (await (await H.context.request.get(`/api/sessions/${encodeURIComponent(sessionId)}/scorecard`)).json()).scorecard
    assert.equal(own.status, 'submitted')
    assert.equal(own.recommendation, 'yes')
    assert.equal(own.comments, comments)
  })

  await t.test('the replay of the live interview catches up with the candidate’s typing', async () => {
    const R = await H.context.newPage()
    await R.goto(`/session/${encodeURIComponent(sessionId)}/replay`)
    await R.getByTestId('replay-page').waitFor()
    await R.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    await R.getByTestId('replay-live').click()
    await R.locator('[data-testid="replay-live"][data-following="true"]').waitFor()
    await C.page.locator('[data-testid="code-editor"] .view-lines').click()
    await C.page.keyboard.press('Control+End')
    await C.page.keyboard.type(`\n${language === 'python' ? '#' : '//'} checked ${RUN}`)
    // Polled every few seconds while following.
    await R.waitForFunction((n) => document.querySelector('[data-testid="code-editor"]').__editor.getValue().includes(n), `checked ${RUN}`, { timeout: 15_000 })
    await R.close()
  })

  await t.test('the candidate sees no notes or scorecard and the notes endpoint refuses them', async () => {
    assert.equal(await C.page.getByTestId('side-tabs').count(), 0)
    assert.equal(await C.page.getByTestId('notes-panel').count(), 0)
    assert.equal(await C.page.getByTestId('scorecard-panel').count(), 0)
    assert.equal(await C.page.getByTestId('open-report').count(), 0)
    assert.equal(await C.page.getByText(notesText.split('\n')[0]).count(), 0)
    for (const path of ['notes', 'notes/all', 'scorecard', 'scorecards', 'replay', 'report']) {
      const res = await C.context.request.get(`/api/sessions/${encodeURIComponent(sessionId)}/${path}`)
      assert.equal(res.status(), 403, `the candidate asking for ${path}: ${res.status()}`)
    }
    assert.deepEqual(candidateRecordRequests, [], 'the candidate’s page asked for none of the record')
  })

  await t.test('the host ends the interview and opens the report', async () => {
    await H.page.getByTestId('end-session').click()
    await H.page.getByTestId('confirm-end').click()
    for (const P of [H, C]) await P.page.locator('[data-testid="session-status"][data-status="completed"]').waitFor()
    await H.page.getByTestId('open-report').click()
    await H.page.waitForURL(`**/session/${encodeURIComponent(sessionId)}/report`)
    const report = H.page.getByTestId('report-page')
    await report.waitFor()
    assert.equal(await H.page.getByTestId('report-problem').innerText(), 'Two Sum')
    await H.page.locator('[data-testid="report-person"][data-role="host"]').getByText(host.name).waitFor()
    await H.page.locator('[data-testid="report-person"][data-role="candidate"]').getByText(candidateName).waitFor()
    assert.equal(await H.page.getByTestId('report-status').innerText(), 'Completed')
    assert.match(await H.page.getByTestId('report-final-code').innerText(), /twoSum/)
    if (!judgeSkip) {
      const submit = H.page.locator('[data-testid="report-submission"][data-mode="submit"][data-verdict="accepted"]')
      await submit.first().waitFor()
      const tests = submit.first().getByTestId('report-test')
      assert.ok((await tests.count()) >= 1, 'per-test verdicts listed')
      assert.equal(await submit.first().locator('[data-testid="report-test"]:not([data-status="passed"])').count(), 0)
      await H.page.locator('[data-testid="report-submission"][data-mode="run"]').first().waitFor()
    }
    await H.page.getByTestId('report-note').locator('strong').getByText('Two Sum').waitFor()
    await H.page.getByTestId('report-scorecard').getByText(comments).waitFor()
    assert.equal(await H.page.locator('[data-testid="report-scorecard"] [data-testid="scorecard-recommendation"]').first().getAttribute('data-value'), 'yes')
    await H.page.getByTestId('report-chat').getByText(`done, ${host.name}`).waitFor()
    await H.page.locator('[data-testid="report-timeline-summary"] [data-kind="paste"]').waitFor()
    await H.page.locator('[data-testid="report-timeline-summary"] [data-kind="focus"]').waitFor()
    await shot(H.page, 'record-05-report.png')

    // Printed: no navigation or buttons, light background.
    // Printed from a dark screen: still dark text on white.
    await H.page.emulateMedia({ media: 'print', colorScheme: 'dark' })
    assert.equal(await H.page.locator('header.sticky').isVisible(), false, 'no navigation bar in print')
    assert.equal(await H.page.getByTestId('report-print').isVisible(), false, 'no buttons in print')
    const bg = await H.page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    assert.match(bg, /rgb\(255, 255, 255\)|rgba\(0, 0, 0, 0\)/, `white page in print: ${bg}`)
    const card = await H.page.evaluate(() => {
      const el = document.querySelector('[data-testid="report-people"]')
      const st = getComputedStyle(el)
      return [st.backgroundColor, st.color]
    })
    assert.match(card[0], /rgb\(255, 255, 255\)|oklch\(1 0 0\)|#fff/, `white sections in print: ${card[0]}`)
    await shot(H.page, 'record-06-report-print.png')
    await H.page.emulateMedia({ media: 'screen', colorScheme: 'light' })
  })

  await t.test('the report as Markdown', async () => {
    const href = await H.page.getByTestId('report-markdown').getAttribute('href')
    assert.equal(href, `/api/sessions/${encodeURIComponent(sessionId)}/report?format=md`)
    const res = await H.context.request.get(href)
    assert.equal(res.status(), 200)
    assert.match(res.headers()['content-type'] ?? '', /markdown/)
    const md = await res.text()
    assert.match(md, /Two Sum/)
    assert.ok(md.includes(candidateName), 'the candidate is named in the Markdown')
  })

  await t.test('the replay: play, then a click on a marker shows the code of that moment', async () => {
    await H.page.getByTestId('report-replay').click()
    await H.page.waitForURL(`**/session/${encodeURIComponent(sessionId)}/replay`)
    await H.page.getByTestId('replay-page').waitFor()
    await H.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    assert.ok((await H.page.getByTestId('replay-author').count()) >= 1, 'authors legend')
    const at = async () => Number(await H.page.getByTestId('replay-position').getAttribute('data-at'))
    await H.page.getByTestId('replay-speed-32').click()
    const start = await at()
    await H.page.getByTestId('replay-play').click()
    await H.page.waitForFunction((b) => Number(document.querySelector('[data-testid="replay-position"]').dataset.at) > b, start)
    await H.page.getByTestId('replay-play').click()
    assert.equal(await H.page.getByTestId('replay-play').getAttribute('data-state'), 'paused')

    for (const kind of ['paste', ...(judgeSkip ? [] : ['submit']), 'chat']) {
      const marker = H.page.locator(`[data-testid="timeline-marker"][data-kind="${kind}"]`).first()
      await marker.waitFor()
      const markerAt = Number(await marker.getAttribute('data-at'))
      await marker.click()
      await H.page.waitForFunction((m) => Number(document.querySelector('[data-testid="replay-position"]').dataset.at) === m, Math.round(markerAt))
      assert.equal(await at(), Math.round(markerAt))
      const server = await (await H.context.request.get(`/api/sessions/${encodeURIComponent(sessionId)}/code?at=${Math.round(markerAt)}`)).json()
      await H.page.waitForFunction((c) => document.querySelector('[data-testid="code-editor"]').__editor.getValue() === c, server.code, { timeout: 5000 }).catch(() => {})
      assert.equal(await editorValue(H.page), server.code, `the editor at the ${kind} marker (${markerAt} ms) shows the server's code of that moment`)
      if (kind === 'paste') assert.equal(server.code.trim(), solution.trim(), 'just after the paste: the pasted solution')
      if (kind === 'submit') await H.page.locator('[data-testid="replay-result"][data-verdict="accepted"]').waitFor()
    }
    await H.page.locator('[data-testid="timeline-marker"][data-kind="paste"]').first().hover()
    await H.page.getByTestId('marker-tooltip').getByText(/pasted \d+ characters/).waitFor()
    await shot(H.page, 'record-07-replay.png')
  })

  await t.test('past interviews list it, with the recommendation', async () => {
    await H.page.goto('/interviews')
    await H.page.getByTestId('interviews-page').waitFor()
    const row = H.page.locator(`[data-testid="interview-row"][data-session-id="${sessionId}"]`)
    await row.waitFor()
    await row.getByText(candidateName).waitFor()
    assert.equal(await row.getByTestId('interview-recommendation').first().getAttribute('data-value'), 'yes')
    await H.page.getByTestId('interviews-search').fill(`no such candidate ${RUN}`)
    await H.page.getByTestId('interviews-empty').waitFor()
    await H.page.getByTestId('interviews-search').fill(candidateName)
    await row.waitFor()
    await H.page.getByTestId('interviews-status').selectOption('active')
    await H.page.getByTestId('interviews-empty').waitFor()
    await H.page.getByTestId('interviews-status').selectOption('completed')
    await row.waitFor()
    await shot(H.page, 'record-08-interviews.png')
    // The dashboard's past sessions link to the report.
    await H.page.goto('/dashboard')
    await H.page.getByTestId('past-session-report').first().waitFor()
  })

  await t.test('report and replay at phone size: no horizontal scrolling', async () => {
    const P = await harness.newPage('host-phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await H.context.storageState() })
    for (const [page, ready, file] of [
      ['report', 'report-page', 'record-10-report-phone.png'],
      ['replay', 'replay-page', 'record-11-replay-phone.png'],
    ]) {
      await P.page.goto(`/session/${encodeURIComponent(sessionId)}/${page}`)
      await P.page.getByTestId(ready).waitFor()
      if (page === 'replay') await P.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
      const overflow = await P.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `${page} at 390 px: no horizontal scrolling (overflow ${overflow}px)`)
      await shot(P.page, file)
    }
    await P.context.close()
  })

  await t.test('a guest has no way to the report or the replay', async () => {
    const G = await C.context.newPage()
    for (const path of ['report', 'replay']) {
      await G.goto(`/session/${encodeURIComponent(sessionId)}/${path}`)
      await G.getByTestId('guest-only').waitFor()
    }
    await G.close()
    assert.deepEqual(candidateRecordRequests, [], 'the candidate’s pages asked for none of the record')
  })

  await t.test('the administrator adds a rubric, makes it the default, and deletes it', { skip: !ADMIN && 'no administrator' }, async () => {
    const A = await harness.newPage('admin', DESKTOP)
    await signIn(A.context.request, ADMIN.email, ADMIN.password)
    await A.page.goto('/admin')
    const section = A.page.getByTestId('admin-rubrics')
    await section.getByTestId('rubric').first().waitFor()
    const defaultBefore = await section.locator('[data-testid="rubric"][data-default="true"]').getAttribute('data-rubric-id')
    await section.getByTestId('rubric-new').click()
    const dialog = A.page.getByTestId('rubric-dialog')
    await dialog.getByTestId('rubric-name').fill(`Pairing ${RUN}`)
    await dialog.getByTestId('rubric-description').fill('For pair-programming interviews.')
    await dialog.getByTestId('criterion-name').first().fill('Collaboration')
    await dialog.getByTestId('criterion-guidance').first().fill('1: works alone; 4: thinks aloud, takes hints well.')
    await dialog.getByTestId('criterion-add').click()
    await dialog.getByTestId('criterion-name').nth(1).fill('Testing')
    await dialog.getByTestId('criterion-guidance').nth(1).fill('1: never runs the code; 4: tests edge cases first.')
    const id = await dialog.getByTestId('rubric-id').inputValue()
    assert.equal(id, `pairing-${RUN}`)
    await dialog.getByTestId('rubric-save').click()
    const row = section.locator(`[data-testid="rubric"][data-rubric-id="${id}"]`)
    await row.waitFor()
    await row.getByTestId('rubric-default').click()
    await section.locator(`[data-testid="rubric"][data-rubric-id="${id}"][data-default="true"]`).waitFor()
    await shot(A.page, 'record-09-admin-rubrics.png')
    // Back as it was: the old default, then the new rubric deleted.
    await section.locator(`[data-testid="rubric"][data-rubric-id="${defaultBefore}"]`).getByTestId('rubric-default').click()
    await section.locator(`[data-testid="rubric"][data-rubric-id="${defaultBefore}"][data-default="true"]`).waitFor()
    await row.getByTestId('rubric-delete').click()
    await A.page.getByTestId('confirm-rubric-delete').click()
    await row.waitFor({ state: 'detached' })
  })

  await t.test('no external requests and no console errors', () => {
    assert.deepEqual(external, [], 'requests to hosts other than this machine')
    const provoked = (e, i) => i >= failedSavesFrom && i < failedSavesTo && /^host: .*status of 503\b.*\/notes\b/.test(e)
    assert.deepEqual(consoleErrors.filter((e, i) => !provoked(e, i)), [], 'console errors')
  })
})
