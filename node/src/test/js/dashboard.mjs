// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core.
// Run by DashboardBrowserTest against a node it started, with TEF_URL, TEF_ADMIN_KEY,
// TEF_READER_KEY, CHROMIUM and SCREENSHOTS in the environment. Exits non-zero on the first
// failed check, or when any page logged an error (console, uncaught, or a refused resource).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const base = process.env.TEF_URL;
const adminKey = process.env.TEF_ADMIN_KEY;
const readerKey = process.env.TEF_READER_KEY;
const shots = process.env.SCREENSHOTS;
const problems = [];
const T = 20000;

async function rest(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function until(what, check, ms = T) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error('timed out waiting for ' + what);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

// Until a page has its key, its calls are answered 401 (and Chromium logs each one as an error).
const keyed = new Set();
const refused = [];

function watch(page, name) {
  page.on('console', m => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of/.test(m.text())) {
      problems.push(name + ': console error: ' + m.text());
    }
  });
  page.on('response', r => {
    if (r.status() === 401 && !keyed.has(page)) {
      refused.push(name + ' ' + r.url());
    } else if (r.status() >= 400) {
      problems.push(name + ': ' + r.status() + ' from ' + r.request().method() + ' ' + r.url());
    }
  });
  page.on('pageerror', e => problems.push(name + ': uncaught: ' + e.message));
  page.on('requestfailed', r => {
    // A call still in flight when the page goes away is aborted (the live feed always is);
    // anything else failing is a fault.
    if (!(r.failure() && r.failure().errorText === 'net::ERR_ABORTED')) {
      problems.push(name + ': request failed: ' + r.url() + ' ' + (r.failure() && r.failure().errorText));
    }
  });
  page.on('request', r => {
    if (!r.url().startsWith(base)) {
      problems.push(name + ': loaded from elsewhere: ' + r.url());
    }
  });
}

async function shot(page, file) {
  await page.screenshot({ path: shots + '/' + file, fullPage: true });
}

async function giveKey(page, key, right = true) {
  const dialog = page.locator('#key-dialog');
  await dialog.waitFor({ state: 'visible', timeout: T });
  await page.fill('#key-input', key);
  await page.click('#key-dialog button[type=submit]');
  if (right) {
    await dialog.waitFor({ state: 'hidden', timeout: T });
    keyed.add(page);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watch(page, 'admin');

  // The key prompt: it blocks a wrong key and lets the right one in.
  await page.goto(base + '/');
  await giveKey(page, 'not-a-key-of-this-node', false);
  await page.waitForFunction(() => document.getElementById('key-dialog').open
    && /not accepted/.test(document.getElementById('key-message').textContent), null, { timeout: T });
  assert.equal(await page.locator('main h1').count(), 0, 'no page behind a wrong key');
  await shot(page, 'key-prompt.png');
  await giveKey(page, adminKey);
  await page.locator('main h1', { hasText: 'Overview' }).waitFor({ timeout: T });
  assert.equal(await page.locator('#key-dialog').evaluate(d => d.open), false);
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'the key is not kept in local storage unless asked');
  await page.locator('#live-status', { hasText: 'live' }).waitFor({ timeout: T });
  await page.locator('#dispatcher-state', { hasText: 'running' }).waitFor({ timeout: T });
  await page.locator('#throughput-chart').waitFor();

  // Pause and run again from the overview's switch: REST sees it.
  await page.check('input[name=dispatcher-state][value=paused]');
  await until('the dispatcher paused', async () => (await rest('GET', '/api/dispatcher/state')).body.state === 'paused');
  await page.locator('#dispatcher-state', { hasText: 'paused' }).waitFor({ timeout: T });
  await page.check('input[name=dispatcher-state][value=running]');
  await until('the dispatcher running', async () => (await rest('GET', '/api/dispatcher/state')).body.state === 'running');

  // A task submitted by REST appears on the open tasks page and reaches completed there.
  await page.click('nav a[data-nav=tasks]');
  await page.locator('main h1', { hasText: 'Tasks' }).waitFor();
  const guid = 'ui-live-' + Date.now();
  assert.equal((await rest('POST', '/api/tasks', { task_type: 'sleep', guid, task_data: { ms: 1500 }, suite_guid: 'ui-done' })).status, 201);
  const line = page.locator('#task-list tr', { has: page.locator('a', { hasText: guid }) });
  await line.waitFor({ timeout: T });
  await line.locator('.state', { hasText: 'completed' }).waitFor({ timeout: T });
  await shot(page, 'tasks.png');

  // Its page: timeline, result; times in the browser's zone with UTC on hover.
  await line.locator('a', { hasText: guid }).click();
  await page.locator('main h1', { hasText: guid }).waitFor();
  await page.locator('#task-state', { hasText: 'completed' }).waitFor();
  assert.match(await page.locator('#timeline time').first().getAttribute('title'), / UTC$/);
  assert.ok((await page.locator('#timeline li').count()) >= 3, 'submitted, working, completed');
  await shot(page, 'task.png');

  // Cancel from the task's page, then retry it now; priority of a waiting one.
  const later = 'ui-later-' + Date.now();
  await rest('POST', '/api/tasks', { task_type: 'echo', guid: later, run_at: '2999-01-01T00:00:00Z' });
  await page.goto(base + '/ui/tasks/' + later);
  await page.locator('#cancel-task').click();
  await page.locator('#task-state', { hasText: 'cancelled' }).waitFor({ timeout: T });
  assert.equal((await rest('GET', '/api/tasks/' + later)).body.state, 'cancelled');
  await page.locator('#retry-task').click();
  await page.locator('#task-state', { hasText: 'completed' }).waitFor({ timeout: T });
  assert.equal((await rest('GET', '/api/tasks/' + later)).body.attempt, 1);
  const waiting = 'ui-waiting-' + Date.now();
  await rest('POST', '/api/tasks', { task_type: 'ui-nobody', guid: waiting, suite_guid: 'ui-suite' });
  await rest('POST', '/api/tasks', { task_type: 'ui-nobody', guid: waiting + '-2', suite_guid: 'ui-suite' });
  await page.goto(base + '/ui/tasks/' + waiting);
  await page.fill('#priority-input', '7');
  await page.click('#task-actions button[type=submit]');
  await until('priority 7', async () => (await rest('GET', '/api/tasks/' + waiting)).body.priority === 7);

  // A suite: counts, a bar, pause from the page.
  await page.goto(base + '/ui/suites/ui-suite');
  await page.locator('#suite-queued-count', { hasText: '2' }).waitFor({ timeout: T });
  await page.click('#suite-pause');
  await page.locator('#suite-paused-count', { hasText: '2' }).waitFor({ timeout: T });
  assert.equal((await rest('GET', '/api/suites/ui-suite?limit=0')).body.counts.paused, 2);
  await shot(page, 'suite.png');

  // Every page loads (by its link: keyboard-reachable), with its table.
  for (const [nav, heading, file, table] of [['workers', 'Workers', 'workers.png', '#worker-list tbody tr'],
    ['resources', 'Resources', 'resources.png', '#resource-list tbody tr'], ['task-types', 'Task types', 'task-types.png', '#type-list tbody tr'],
    ['suites', 'Suites', 'suites.png', '#recent-suites tbody tr'], ['overview', 'Overview', 'overview.png', '#nodes tbody tr']]) {
    await page.focus('nav a[data-nav=' + nav + ']');
    await page.keyboard.press('Enter');
    await page.locator('main h1', { hasText: heading }).waitFor();
    await page.locator(table).first().waitFor();
    await shot(page, file);
  }
  await page.goto(base + '/ui/workers');
  await page.locator('#worker-list tbody th', { hasText: 'demo-' }).first().waitFor({ timeout: T });
  await page.locator('#worker-list details summary').first().click();
  await page.locator('#worker-list details[open] div').first().waitFor({ timeout: T });
  await page.goto(base + '/ui/resources');
  const db = page.locator('#resource-list tbody tr', { has: page.locator('th', { hasText: 'ui-db' }) });
  await db.locator('button', { hasText: 'Edit' }).click();
  await page.fill('#resource-json', JSON.stringify({ limit: 3 }));
  await page.click('#resource-editor button[type=submit]');
  await until('the limit 3', async () => (await rest('GET', '/api/resources/ui-db')).body.limit === 3);
  await db.locator('td', { hasText: '3' }).first().waitFor({ timeout: T });

  // A new task type, as JSON; a broken one is refused naming the field, and nothing is stored.
  await page.goto(base + '/ui/task-types');
  await page.click('#new-type');
  await page.fill('#type-name', 'ui-type');
  await page.fill('#type-json', JSON.stringify({ name: 'UI type', max_attempts: 'many' }));
  await page.click('#type-editor button[type=submit]');
  await page.locator('#notice', { hasText: 'max_attempts' }).waitFor({ timeout: T });
  assert.equal((await rest('GET', '/api/task-types/ui-type')).status, 404);
  problems.splice(0, problems.length, ...problems.filter(p => !/400 from PUT .*\/api\/task-types\/ui-type$/.test(p)));
  await page.fill('#type-json', JSON.stringify({ name: 'UI type', max_attempts: 2 }));
  await page.click('#type-editor button[type=submit]');
  await page.locator('#type-list tbody th', { hasText: 'ui-type' }).waitFor({ timeout: T });
  assert.equal((await rest('GET', '/api/task-types/ui-type')).body.max_attempts, 2);

  // The first Tab reaches the skip link; the page fits a phone's width.
  await page.goto(base + '/ui/');
  await page.locator('main h1', { hasText: 'Overview' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + '/ui/tasks');
  await page.locator('#task-list tbody tr').first().waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll on a phone');
  await shot(page, 'tasks-phone.png');

  // A read-only key sees no actions.
  const reader = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  watch(reader, 'reader');
  await reader.goto(base + '/ui/tasks/' + waiting + '-2');
  await giveKey(reader, readerKey);
  await reader.locator('main h1', { hasText: waiting }).waitFor({ timeout: T });
  await reader.locator('#task-state').waitFor();
  assert.equal(await reader.locator('#task-actions button').count(), 0, 'no actions for a reader');
  await reader.goto(base + '/ui/'); // a reload in the same tab keeps the key (sessionStorage): no prompt
  await reader.locator('main h1', { hasText: 'Overview' }).waitFor({ timeout: T });
  assert.equal(await reader.locator('input[name=dispatcher-state]:not([disabled])').count(), 0, 'the switch is the admin\'s');
} finally {
  await browser.close();
}
console.log('refused before a key was given: ' + refused.join(', '));
assert.deepEqual(problems, [], 'pages logged errors:\n' + problems.join('\n'));
console.log('dashboard: every check passed');
