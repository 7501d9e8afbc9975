/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The operator console in Debian's Chromium, driven by playwright-core, against the service on 127.0.0.1:0
// over the emulator: the key gate, search, paging forward and back, a rename seen after a reload, the form's
// own validation, the status panel's counters moving, a read-only key that cannot rename, the hint of a 403
// after the demo role is removed, the CSP header, and no console errors on the way. Screenshots of both views
// are taken; with CONSOLE_SCREENSHOTS=1 they are written to docs/console/ for docs/console.md.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { removeRoles, startHarness, type Harness } from './helpers/harness.js';

export const CHROMIUM = '/usr/bin/chromium';

let h: Harness;
let base: string;
let context: BrowserContext;
let page: Page;
const profile = mkdtempSync(join(tmpdir(), 'users-service-chromium-'));
const shots = mkdtempSync(join(tmpdir(), 'users-service-shots-'));
const consoleErrors: string[] = [];

before(async () => {
  h = await startHarness({ users: 60 });
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
});
after(async () => {
  await context?.close();
  await h?.close();
  if (process.env['CONSOLE_SCREENSHOTS'] === '1') {
    const docs = fileURLToPath(new URL('../../../docs/console/', import.meta.url));
    mkdirSync(docs, { recursive: true });
    for (const name of ['users.png', 'status.png']) copyFileSync(join(shots, name), join(docs, name));
  }
  rmSync(profile, { recursive: true, force: true });
  rmSync(shots, { recursive: true, force: true });
});

const rows = () => page.locator('#users-table tbody tr');
const firstLogin = () => rows().first().locator('td').first().textContent();

void test('the page is served with a strict CSP and asks for a key; a wrong key is refused', async () => {
  const response = await page.goto(`${base}/`);
  assert.ok(response);
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /style-src 'self'/);
  assert.ok(!csp.includes('unsafe-inline'));
  assert.equal(response.headers()['x-content-type-options'], 'nosniff');
  await page.locator('#key-gate').waitFor();
  await page.fill('#api-key', 'usk_not-a-key');
  await page.click('#key-form button[type=submit]');
  await page.locator('#key-error', { hasText: 'not accepted' }).waitFor();
  consoleErrors.length = 0; // the refused key's 401 is logged by the browser as a failed load; expected
});

void test('enter the write key: a page of users; search narrows it; paging goes forward and back', async () => {
  await page.fill('#api-key', h.writeKey);
  await page.click('#key-form button[type=submit]');
  await page.locator('#who', { hasText: 'writer (read and rename)' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#users-table tbody tr').length === 20);
  assert.equal(await page.evaluate(() => sessionStorage.length), 1);
  assert.equal(await page.evaluate(() => document.cookie), '');

  const page1 = await firstLogin();
  await page.click('#next-page');
  await page.locator('#page-label', { hasText: 'Page 2' }).waitFor();
  await page.waitForFunction(
    (l) => document.querySelector('#users-table tbody td')?.textContent !== l,
    page1,
  );
  const page2 = await firstLogin();
  assert.notEqual(page2, page1);
  await page.click('#prev-page');
  await page.locator('#page-label', { hasText: 'Page 1' }).waitFor();
  await page.waitForFunction(
    (l) => document.querySelector('#users-table tbody td')?.textContent === l,
    page1,
  );
  assert.equal(await page.isDisabled('#prev-page'), true);

  await page.fill('#search', 'profile.lastName sw "S"');
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => {
    const last = [...document.querySelectorAll('#users-table tbody tr td:nth-child(3)')].map(
      (t) => t.textContent,
    );
    return last.length > 0 && last.every((n) => n?.startsWith('S'));
  });
  await page.click('button.example[data-search*="Engineering"]');
  assert.equal(await page.inputValue('#search'), 'profile.department eq "Engineering"');
  await page.click('#clear-search');
  await page.waitForFunction(() => document.querySelectorAll('#users-table tbody tr').length === 20);
});

void test('rename: the form checks like the API (nothing sent), then the new name shows after a reload', async () => {
  const id = await rows().nth(2).getAttribute('data-id');
  assert.ok(id);
  await rows().nth(2).locator('button.rename').click();
  await page.fill('#first-name', '');
  await page.fill('#last-name', 'Hopper');
  const before = h.apiRequests();
  await page.click('#rename-form button[type=submit]');
  await page.locator('#rename-error', { hasText: 'firstName must not be empty.' }).waitFor();
  assert.equal(h.apiRequests(), before);
  await page.fill('#first-name', 'Grace');
  await page.click('#rename-form button[type=submit]');
  await page.locator('#rename-done', { hasText: 'to Grace Hopper' }).waitFor();
  assert.equal(await page.isVisible('#rename-form'), false, 'the form closes after saving');
  await page.screenshot({ path: join(shots, 'users.png'), fullPage: true });
  await page.reload();
  const row = page.locator(`#users-table tbody tr[data-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('td').nth(1).textContent(), 'Grace');
  assert.equal(await row.locator('td').nth(2).textContent(), 'Hopper');
});

void test('status panel: DPoP token with scopes, counters that move after calls, a latency chart', async () => {
  await page.click('#nav-status');
  await page.locator('#st-type', { hasText: 'DPoP' }).waitFor();
  assert.match((await page.textContent('#st-scopes')) ?? '', /okta\.users\.read/);
  assert.match((await page.textContent('#st-expiry')) ?? '', /^\d+ min \d\d s$/);
  const hits = Number(await page.textContent('#st-hits'));
  const twoxx = (await page.textContent('#st-classes')) ?? '';
  assert.ok((await page.locator('#st-chart rect').count()) >= 1);
  await page.screenshot({ path: join(shots, 'status.png'), fullPage: true });
  await page.click('#nav-users');
  await page.click('#next-page');
  await page.locator('#page-label', { hasText: 'Page 2' }).waitFor();
  await page.click('#nav-status');
  await page.waitForFunction((n) => Number(document.querySelector('#st-hits')?.textContent) > n, hits);
  assert.notEqual(await page.textContent('#st-classes'), twoxx);
  assert.equal(await page.textContent('#st-breaker'), 'closed');
  assert.match((await page.textContent('#st-rate')) ?? '', /\d+ of \d+ left/);
  const html = await page.content();
  assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(html), 'no token on the page');
  assert.deepEqual(consoleErrors, [], 'no console errors on the happy path');
});

void test('a read-only key sees users but cannot rename', async () => {
  await page.click('#forget-key');
  await page.locator('#key-gate').waitFor();
  await page.fill('#api-key', h.readKey);
  await page.click('#key-form button[type=submit]');
  await page.locator('#who', { hasText: 'reader (read only)' }).waitFor();
  await page.click('#nav-users');
  await page.waitForFunction(() => document.querySelectorAll('#users-table tbody tr').length === 20);
  assert.equal(await rows().first().locator('button.rename').isDisabled(), true);
  assert.deepEqual(consoleErrors, []);
});

void test('after the demo role is removed, a rename shows the 502 and the hint naming the fix', async () => {
  await page.click('#forget-key');
  await page.fill('#api-key', h.writeKey);
  await page.click('#key-form button[type=submit]');
  await page.locator('#who', { hasText: 'writer' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#users-table tbody tr').length === 20);
  assert.ok((await removeRoles(h.emu, h.clientId)) >= 1);
  await rows().first().locator('button.rename').click();
  await page.fill('#first-name', 'Ada');
  await page.fill('#last-name', 'Lovelace');
  await page.click('#rename-form button[type=submit]');
  await page.locator('#rename-error', { hasText: '502' }).waitFor();
  assert.match((await page.textContent('#rename-error')) ?? '', /OKTA_M2M_OKTA_API/);
  assert.match((await page.textContent('#rename-hint')) ?? '', /role|resource set/i);
  // The only console errors are the browser's own notes of the refused call.
  assert.ok(
    consoleErrors.every((e) => /status of 502/.test(e)),
    consoleErrors.join('\n'),
  );
});
