// Browser test of the live interview room and the practice page (issue 6):
// an interviewer and a candidate who came by the invitation link (no account) share an editor,
// run and submit code and both see the results, chat, start video, and the host ends the
// session; a third person with a second link finds no free seat;
// a practice-page submit; a phone-sized pass. Every part that needs a server feature this
// server lacks (the endpoint answers 404) is skipped with a message, so a partial server is green.
//
// Run:  CODEROOM_URL=http://127.0.0.1:8080 node --test web/e2e/
// Uses Debian's Chromium (/usr/bin/chromium) through playwright-core; never downloads a browser.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NO_ADMIN, RUN, SKIP, candidateLink, createHarness, createSession, joinByLink, register, registerInterviewer, shot } from './harness.mjs'

const TIMEOUT = 20_000
const harness = createHarness({ timeout: TIMEOUT, extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] })
const { external, consoleErrors } = harness
const newPage = (name, options) => harness.newPage(name, options)


const JUDGE_TIMEOUT = 90_000

// Accepted Two Sum solutions, in the order they are tried (the first installed language wins).
const SOLUTIONS = {
  python: `class Solution:
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
  javascript: `function twoSum(nums, target) {
  const seen = new Map();
  for (let i = 0; i < nums.length; i++) {
    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
    seen.set(nums[i], i);
  }
  return [];
}
`,
}

/** Endpoints this server lacks (probed 404): the app's own 404 for them is expected, not a bug. */
const missing = new Set()
/** Refusals the test provokes on purpose (C's second link finds no free seat). */
const provoked = [/^C: .*status of 409\b/]


/** Asks the server directly (with the page's cookies; nothing reaches the console). */
async function probe(ctx, urlPath) {
  const res = await ctx.context.request.get(urlPath)
  if (res.status() === 404) missing.add(urlPath)
  let body = null
  try {
    body = await res.json()
  } catch {
    /* not JSON */
  }
  return { status: res.status(), body }
}

const editorValue = (page) => page.evaluate(() => document.querySelector('[data-testid="code-editor"]').__editor.getValue())
const setEditorValue = (page, text) =>
  page.evaluate((t) => document.querySelector('[data-testid="code-editor"]').__editor.getModel().setValue(t), text)

async function typeAtEnd(page, text) {
  await page.locator('[data-testid="code-editor"] .view-lines').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

async function waitForText(page, needle, timeout = TIMEOUT) {
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="code-editor"]')?.__editor?.getValue().includes(n),
    needle,
    { timeout },
  )
}

test('room: shared editor, run/submit, chat, video, end; practice; phone', { skip: SKIP || NO_ADMIN, timeout: 600_000 }, async (t) => {
  const A = await newPage('A')
  const B = await newPage('B')
  const C = await newPage('C')
  let sessionId = ''
  let language = null

  await registerInterviewer(A, 'Ada')
  await register(C.page, 'Cy')

  // What this server offers.
  const detail = await probe(A, '/api/problems/two-sum')
  const judge = detail.status === 200 && !!detail.body?.problem?.starterCode
  const runtimes = await probe(A, '/api/v2/runtimes')
  const installed = Array.isArray(runtimes.body) ? runtimes.body.map((r) => [r.language, ...(r.aliases ?? [])]).flat() : []
  const has = (lang) => installed.includes(lang) || (lang === 'javascript' && installed.includes('node'))
  if (judge) language = Object.keys(SOLUTIONS).find((l) => has(l)) ?? null
  const judgeSkip = !judge ? 'the judge is not on this server (GET /api/problems/two-sum has no starter code)' : !language ? 'no Python or JavaScript runtime is installed in the sandbox' : false

  await t.test('problems list: search and difficulty filter', async () => {
    await A.page.goto('/problems')
    await A.page.getByTestId('problems').waitFor()
    await A.page.getByTestId('problem-search').fill('two sum')
    await A.page.locator('[data-testid="problem-card"][data-slug="two-sum"]').waitFor()
    await A.page.getByTestId('filter-hard').check()
    assert.equal(await A.page.locator('[data-testid="problem-card"][data-slug="two-sum"]').count(), 0)
    await A.page.getByTestId('filter-all').check()
    await shot(A.page, 'room-01-problems.png')
  })

  await t.test('practice page: submit is accepted', { skip: judgeSkip }, async () => {
    await A.page.goto('/problem/two-sum')
    await A.page.getByTestId('problem-description').waitFor()
    await A.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    await A.page.getByTestId('language-picker').selectOption(language)
    await setEditorValue(A.page, SOLUTIONS[language])
    await A.page.getByTestId('run').click()
    await A.page.getByTestId('result').waitFor({ timeout: JUDGE_TIMEOUT })
    await A.page.getByTestId('submit-code').click()
    await A.page.locator('[data-testid="result"][data-verdict="accepted"]').waitFor({ timeout: JUDGE_TIMEOUT })
    await shot(A.page, 'room-02-practice-accepted.png')
    // The code is kept per language across a reload.
    await A.page.reload()
    await A.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    assert.match(await editorValue(A.page), /twoSum/)
  })

  await t.test('practice page: C# and Swift are offered with their starters and highlighting', { skip: judgeSkip }, async () => {
    await A.page.goto('/problem/two-sum')
    await A.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    const picker = A.page.getByTestId('language-picker')
    const offered = await picker.locator('option').evaluateAll((options) => options.map((o) => [o.value, o.textContent, o.disabled]))
    for (const [id, label] of [['csharp', 'C#'], ['swift', 'Swift']]) {
      const option = offered.find(([value]) => value === id)
      assert.ok(option && option[1].startsWith(label) && !option[2], `${id} offered and installed: ${JSON.stringify(offered)}`)
    }
    for (const [id, starter, keyword] of [['csharp', 'public int[] TwoSum(int[] nums, int target)', 'public'], ['swift', 'func twoSum(_ nums: [Int], _ target: Int) -> [Int]', 'func']]) {
      await picker.selectOption(id)
      await A.page.waitForFunction((text) => document.querySelector('[data-testid="code-editor"]').__editor.getValue().includes(text), starter)
      const model = await A.page.evaluate(() => document.querySelector('[data-testid="code-editor"]').__editor.getModel().getLanguageId())
      assert.equal(model, id)
      // Highlighting: the keyword is drawn as a keyword token, not as plain text.
      await A.page.waitForFunction((word) => [...document.querySelectorAll('[data-testid="code-editor"] .view-line span span')].some((s) => s.textContent === word && s.className !== 'mtk1'), keyword)
    }
    await shot(A.page, 'room-02b-practice-swift.png')
    await picker.selectOption(language)
  })

  await t.test('A creates an interview, B comes in by its link, C with a second link finds no seat', async () => {
    sessionId = await createSession(A.page)
    const link = await candidateLink(A.page)
    await joinByLink(B.page, link, `Ben ${RUN}`)
    assert.equal(B.page.url().endsWith(`/session/${encodeURIComponent(sessionId)}`), true)
    await B.page.locator('[data-testid="room-connection"][data-state="open"]').waitFor()
    await A.page.locator('[data-testid="person"][data-role="candidate"]').getByText(`Ben ${RUN}`).waitFor()

    // Nobody can Join an interview; a second candidate link finds the only candidate seat taken.
    const refused = await C.context.request.post(`/api/sessions/${encodeURIComponent(sessionId)}/join`, { data: {} })
    assert.equal(refused.status(), 403)
    // The links stay on screen as the candidate arrives (the host opened the page before).
    await A.page.locator('[data-testid="invite"][data-role="candidate"] [data-testid="invite-status"][data-status="in_room"]').waitFor({ timeout: 5000 })
    await A.page.getByTestId('create-candidate-invite').click()
    await A.page.locator('[data-testid="invite"][data-role="candidate"][data-status="unused"]').waitFor()
    const second = await A.page.locator('[data-testid="invite"][data-role="candidate"][data-status="unused"]').first().getByTestId('invite-link').inputValue()
    assert.notEqual(second, link)
    await C.page.goto(new URL(second).pathname)
    await C.page.getByTestId('join-page').waitFor()
    // C is signed in with an account: the page says what joining would do to it.
    await C.page.getByTestId('join-signed-in').waitFor()
    await C.page.getByTestId('join-submit').click()
    await C.page.locator('[data-testid="join-error"][data-status="409"]').waitFor()
    await shot(C.page, 'room-03-full.png')
    // C is still signed in as themself.
    assert.equal((await (await C.context.request.get('/api/me')).json()).user.role, 'candidate')
    await A.page.getByTestId('invite-hide').click()
  })

  const room = await probe(A, `/api/sessions/${encodeURIComponent(sessionId)}/messages`)
  const roomSkip = room.status === 404 ? 'the real-time room is not on this server (GET /api/sessions/:id/messages answers 404)' : false

  await t.test('both type in the shared editor and see each other', { skip: roomSkip }, async () => {
    for (const P of [A, B]) await P.page.locator('[data-testid="collab-status"][data-status="synced"]').waitFor()
    await typeAtEnd(A.page, `\n// from Ada ${RUN}`)
    await waitForText(B.page, `from Ada ${RUN}`)
    await typeAtEnd(B.page, `\n// from Ben ${RUN}`)
    await waitForText(A.page, `from Ben ${RUN}`)
    // Remote cursors carry the other person's name.
    await A.page.getByTestId('editor-presence').getByText('Ben', { exact: false }).waitFor()
    await shot(A.page, 'room-04-shared-editor-a.png')
    await shot(B.page, 'room-05-shared-editor-b.png')
  })

  await t.test('chat reaches the other person', { skip: roomSkip }, async () => {
    await A.page.getByTestId('chat-input').fill(`hello Ben ${RUN}`)
    await A.page.getByTestId('chat-send').click()
    await B.page.getByTestId('chat-messages').getByText(`hello Ben ${RUN}`).waitFor()
    await B.page.getByTestId('chat-input').fill(`hi Ada ${RUN}`)
    await B.page.keyboard.press('Enter')
    await A.page.getByTestId('chat-messages').getByText(`hi Ada ${RUN}`).waitFor()
  })

  await t.test('run and submit: both see the output and the verdict', { skip: roomSkip || judgeSkip }, async () => {
    // Switching the shared language switches it for both.
    // The edited code is replaced by the new language's starter: A confirms that first.
    A.page.once('dialog', (d) => d.accept())
    await A.page.getByTestId('language-picker').selectOption(language)
    await B.page.waitForFunction((l) => document.querySelector('[data-testid="language-picker"]')?.value === l, language)
    await setEditorValue(A.page, SOLUTIONS[language])
    await waitForText(B.page, 'twoSum')
    await A.page.getByTestId('run').click()
    await A.page.getByTestId('result').waitFor({ timeout: JUDGE_TIMEOUT })
    await B.page.getByTestId('result').waitFor({ timeout: JUDGE_TIMEOUT })
    await B.page.getByTestId('submit-code').click()
    for (const P of [A, B]) await P.page.locator('[data-testid="result"][data-verdict="accepted"]').waitFor({ timeout: JUDGE_TIMEOUT })
    await shot(B.page, 'room-06-verdict-b.png')
  })

  await t.test('video: both start the camera and see each other', { skip: roomSkip }, async () => {
    await A.page.getByTestId('video-start').click()
    await B.page.getByTestId('video-start').click()
    for (const P of [A, B]) {
      await P.page.waitForFunction(() => document.querySelectorAll('[data-testid="video-tile"]').length >= 2, null, { timeout: TIMEOUT })
    }
    await A.page.getByTestId('toggle-mic').click()
    await shot(A.page, 'room-07-video-a.png')
    await A.page.getByTestId('video-leave').click()
  })

  await t.test('phone-sized room: panes stack, no horizontal scrolling', async () => {
    const P = await newPage('phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await B.context.storageState() })
    await P.page.goto(`/session/${encodeURIComponent(sessionId)}`)
    await P.page.getByTestId('session-page').waitFor()
    if (!roomSkip) await P.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
    const overflow = await P.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `no horizontal scrolling at phone width (overflow ${overflow}px)`)
    await shot(P.page, 'room-08-phone.png')
    await P.context.close()
  })

  await t.test('host ends the session after confirming; both see it end', async () => {
    await A.page.getByTestId('end-session').click()
    await A.page.getByTestId('confirm-end').click()
    for (const P of [A, B]) await P.page.locator('[data-testid="session-status"][data-status="completed"]').waitFor({ timeout: TIMEOUT })
    await B.page.getByTestId('session-ended-note').waitFor()
    await shot(B.page, 'room-09-ended-b.png')
    if (!roomSkip) {
      // The completed session shows its final code, read-only.
      await B.page.reload()
      await B.page.locator('[data-testid="code-editor"][data-ready="true"]').waitFor()
      assert.match(await editorValue(B.page), new RegExp(judgeSkip ? `from Ben ${RUN}` : 'twoSum'))
      await shot(B.page, 'room-10-final-code.png')
    }
  })

  await t.test('no external requests and no console errors', () => {
    assert.deepEqual(external, [], 'requests to hosts other than this machine')
    const expected = (e) => {
      const m = /status of 404 .*\((https?:\/\/[^)]+)\)$/.exec(e)
      return !!m && missing.has(new URL(m[1]).pathname)
    }
    if (missing.size) console.log(`# endpoints this server lacks (their 404s are not counted): ${[...missing].join(', ')}`)
    assert.deepEqual(consoleErrors.filter((e) => !expected(e) && !provoked.some((p) => p.test(e))), [], 'console errors')
  })
})
