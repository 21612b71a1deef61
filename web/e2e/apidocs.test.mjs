// Browser test of the API document's viewer at /api/docs: it renders coderoom's own OpenAPI
// document with the viewer bundled in the binary, and nothing is fetched from off this machine.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SKIP, createHarness, shot } from './harness.mjs'

const TIMEOUT = 20_000
const harness = createHarness({ timeout: TIMEOUT })
const { external, consoleErrors } = harness

test('the API document renders offline at /api/docs', { skip: SKIP, timeout: 60_000 }, async () => {
  const { page } = await harness.newPage('docs')
  const requested = []
  page.on('request', (request) => requested.push(new URL(request.url()).pathname))
  const response = await page.goto('/api/docs')
  assert.equal(response.status(), 200)
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'coderoom' }).waitFor()
  // Operations of several areas are listed, grouped by tag.
  for (const path of ['/api/sessions', '/api/problems/{slug}/submit', '/api/v2/execute', '/readyz']) {
    await page.locator('.opblock-summary-path', { hasText: path }).first().waitFor()
  }
  // One operation opens and shows its response schema.
  await page.locator('.opblock-summary-path', { hasText: '/readyz' }).first().click()
  await page.locator('.opblock-body .responses-table').first().waitFor()
  await shot(page, 'api-docs.png')
  assert.ok(requested.includes('/api/openapi.json'), `the viewer reads this server's document: ${requested}`)
  assert.deepEqual(external, [], 'requests to hosts other than this machine')
  assert.deepEqual(consoleErrors, [], 'console errors')
})
