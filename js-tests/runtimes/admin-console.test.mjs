// The browser admin console example (examples/admin-console/) in real Chromium: its backend
// (the page bundled with esbuild, STS credentials from the emulator's stand-in, /api/dms/
// through dms-taskflow/proxy to the emulator) started in-process, the page driven through its
// buttons, and the emulator's state checked after each action. Saves docs/admin-console.png.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startConsole } from '../../examples/admin-console/server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOT = join(root, 'docs/admin-console.png');
const VIEWPORT = { width: 1000, height: 700 };
const TIMEOUT_MS = 30_000;

let app;
let browser;
let page;
const problems = []; // page errors and console errors, for the last test

before(async () => {
  app = await startConsole();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  context.setDefaultTimeout(TIMEOUT_MS);
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push({ pageError: String(error) }));
  page.on('console', (message) => message.type() === 'error' && problems.push({ text: message.text(), url: message.location().url }));
  // Every text the live-status line shows, in order (each `textContent =` adds one text node).
  await page.addInitScript(() => {
    window.__activity = [];
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.target.id !== 'activity') continue;
        for (const node of record.addedNodes) window.__activity.push(node.textContent);
      }
    }).observe(document, { subtree: true, childList: true });
  });
  await page.goto(app.url);
  await idle();
});

after(async () => {
  await browser?.close();
  await app?.close();
});

const row = (id) => page.locator(`tr[data-instance-id="${id}"]`);
const statusOf = (id) => row(id).locator('.status-cell').textContent();
const button = (id, label) => row(id).getByRole('button', { name: label, exact: true });
const shownIds = () => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.instanceId));
const emulatorStatus = (id) => app.emulator.getInstance('1001', String(id)).status;
const lastRequest = (action) => app.emulator.requests.findLast((r) => r.action === action);

/** Waits until no list or action is in flight (the page re-enables its buttons). */
async function idle() {
  await page.waitForFunction(() => document.querySelector('tbody tr') && !document.querySelector('#picker button').disabled);
}

/** Clicks `label` in the instance's row and waits for the action's last word. */
async function act(id, label, last) {
  const before = await page.evaluate(() => window.__activity.length);
  await button(id, label).click();
  await page.waitForFunction(
    ([from, id, label]) => window.__activity.slice(from).some((text) => text.startsWith(`${label} ${id}: done`) || text === `${label} ${id}: failed.`),
    [before, id, label],
  );
  await idle();
  const texts = await page.evaluate((from) => window.__activity.slice(from), before);
  assert.equal(texts.at(-1), last, `activity: ${JSON.stringify(texts)}`);
  return texts;
}

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

test('admin console: the first page lists 20 instances with status names; screenshot saved', async () => {
  assert.deepEqual(await shownIds(), range(5001, 5020));
  assert.deepEqual(
    await Promise.all(range(5001, 5006).map(statusOf)),
    ['running', 'suspended', 'succeeded', 'completed', 'failed', 'running'],
  );
  assert.equal(await page.textContent('#caption'), 'Task flow 1001 · emulator-task-flow-1001');
  assert.equal(await page.textContent('#page-label'), 'Page 1 · instances 1–20');
  assert.equal(await page.isDisabled('#previous'), true);
  assert.equal(await page.isDisabled('#next'), false);
  assert.equal(await page.getByRole('alert').isHidden(), true);
  for (const label of ['Stop', 'Suspend', 'Resume', 'Rerun']) assert.equal(await button('5001', label).count(), 1, label);

  await page.evaluate(() => document.fonts.ready);
  mkdirSync(join(root, 'docs'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  const png = readFileSync(SCREENSHOT);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [VIEWPORT.width, VIEWPORT.height]);
});

test('admin console: Stop on a running instance stops it in DMS, with live status while it settles', async () => {
  const texts = await act('5001', 'Stop', 'Stop 5001: done, now completed.');
  assert.deepEqual(texts.slice(0, 3), ['Stop 5001: sending…', 'Stop 5001: accepted, waiting for the instance…', 'Stop 5001: completed (poll 1)']);
  assert.equal(emulatorStatus('5001'), 'stopped');
  assert.equal(await statusOf('5001'), 'completed');
  assert.equal(await page.getByRole('alert').isHidden(), true);
});

test('admin console: Resume on a suspended instance resumes it with its dagVersion', async () => {
  await act('5002', 'Resume', 'Resume 5002: done, now running.');
  assert.equal(emulatorStatus('5002'), 'running');
  assert.equal(await statusOf('5002'), 'running');
  const sent = lastRequest('ResumeTaskFlowInstance');
  assert.deepEqual([sent.params.DagId, sent.params.DagInstanceId, sent.params.DagVersion, sent.success], ['1001', '5002', '3', true]);
});

test('admin console: Suspend and Rerun act on the instance too', async () => {
  await act('5002', 'Suspend', 'Suspend 5002: done, now suspended.');
  assert.equal(emulatorStatus('5002'), 'suspended');
  await act('5005', 'Rerun', 'Rerun 5005: done, now running.');
  assert.equal(emulatorStatus('5005'), 'running');
  assert.equal(lastRequest('ReRunTaskFlowInstance').params.DagVersion, '3');
  assert.deepEqual(await Promise.all(['5002', '5005'].map(statusOf)), ['suspended', 'running']);
});

test('admin console: a refused action shows its DmsError (code, message, request id) in the alert and changes nothing', async () => {
  const answer = page.waitForResponse((r) => r.url() === `${app.url}api/dms/` && /(^|&)Action=ResumeTaskFlowInstance(&|$)/.test(r.request().postData() ?? ''));
  await act('5006', 'Resume', 'Resume 5006: failed.');
  const response = await answer;
  assert.equal(response.status(), 200, 'a business error is HTTP 200');
  const { RequestId: requestId, ErrorCode: errorCode } = await response.json();
  assert.equal(errorCode, 'InvalidStatus');

  const alert = page.getByRole('alert');
  assert.equal(await alert.isVisible(), true);
  assert.equal(await alert.locator('.error-code').textContent(), 'InvalidStatus');
  assert.equal(await alert.locator('.request-id').textContent(), requestId);
  const text = await alert.textContent();
  assert.match(text, /Resume of instance 5006 failed/);
  assert.match(text, /The task flow instance 5006 of task flow 1001 is running and cannot be resumed\./);
  assert.equal(emulatorStatus('5006'), 'running');
  assert.equal(await statusOf('5006'), 'running');
});

test('admin console: Next and Previous page through the list, 20 at a time', async () => {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('tbody tr')?.dataset.instanceId === '5021');
  await idle();
  assert.deepEqual(await shownIds(), range(5021, 5040));
  assert.equal(await page.textContent('#page-label'), 'Page 2 · instances 21–40');
  assert.equal(await page.getByRole('alert').isHidden(), true, 'the earlier error is cleared');

  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('tbody tr')?.dataset.instanceId === '5041');
  await idle();
  assert.deepEqual(await shownIds(), range(5041, 5050));
  assert.equal(await page.textContent('#page-label'), 'Page 3 · instances 41–50');
  assert.equal(await page.isDisabled('#next'), true, 'the last page');

  await page.getByRole('button', { name: 'Previous', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('tbody tr')?.dataset.instanceId === '5021');
  await idle();
  assert.deepEqual(await shownIds(), range(5021, 5040));
  assert.equal(await page.isDisabled('#previous'), false);

  // An action on page 2 refreshes page 2.
  await act('5027', 'Stop', 'Stop 5027: done, now completed.');
  assert.equal(emulatorStatus('5027'), 'stopped');
  assert.deepEqual(await shownIds(), range(5021, 5040));
});

test('admin console: the page logged no errors (a refused action is an HTTP 200 answer)', () => {
  assert.deepEqual(problems, []);
});

test('admin console: only short-lived STS credentials reach the page; the proxy forwards the five actions only', async () => {
  const answer = await fetch(`${app.url}console/dms-credentials`);
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  const credentials = await answer.json();
  assert.deepEqual(Object.keys(credentials).sort(), ['accessKeyId', 'accessKeySecret', 'expiration', 'securityToken']);
  assert.ok(credentials.accessKeyId.startsWith('STS.'));
  const lifetime = Date.parse(credentials.expiration) - app.emulator.now();
  assert.ok(lifetime > 880_000 && lifetime <= 900_000, `expires in ${lifetime} ms`);
  assert.ok(app.sts.issued.every((issued) => issued.via === 'AssumeRoleWithOIDC'));

  // Every DMS request the page made was signed with an issued STS key.
  const issued = new Set(app.sts.issued.map((i) => i.accessKeyId));
  assert.ok(app.emulator.requests.length > 0);
  assert.deepEqual(app.emulator.requests.filter((r) => !issued.has(r.accessKeyId)), []);
  const bundle = await (await fetch(`${app.url}page.js`)).text();
  for (const account of app.emulator.accounts.filter((a) => !a.securityToken)) {
    assert.equal(bundle.includes(account.accessKeyId), false, 'no long-term key id in the page');
  }

  const seen = app.emulator.requests.length;
  const refused = await fetch(`${app.url}api/dms/`, { method: 'POST', body: new URLSearchParams({ Action: 'DeleteTaskFlow', DagId: '1001' }) });
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).Code, 'Forbidden.Action');
  assert.equal(app.emulator.requests.length, seen, 'the refused action never reached DMS');
  assert.deepEqual([...new Set(app.emulator.requests.map((r) => r.action))].sort(), [
    'ListTaskFlowInstance',
    'ReRunTaskFlowInstance',
    'ResumeTaskFlowInstance',
    'StopTaskFlowInstance',
    'SuspendTaskFlowInstance',
  ]);
});

/** Runs the server script; resolves to { url, exited } once it prints its URL. */
function runServer(args) {
  const child = spawn(process.execPath, [join(root, 'examples/admin-console/server.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out, err })));
  const url = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^Admin console: (http:\/\/127\.0\.0\.1:[0-9]+\/)$/m.exec(out);
      if (match) resolve(match[1]);
    });
    exited.then(({ code }) => reject(new Error(`the server exited (${code}) before printing its URL: ${err}`)));
  });
  return { child, url, exited };
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(`admin console: the server script (npm run console -- --port 0) prints its URL, serves the page and stops on ${signal}`, async () => {
    const server = runServer(['--port', '0']);
    try {
      const url = await server.url;
      const answer = await fetch(url);
      assert.equal(answer.status, 200);
      assert.match(await answer.text(), /<script type="module" src="\/page\.js"><\/script>/);
      const list = await fetch(`${url}api/dms/`, { method: 'POST', body: new URLSearchParams({ Action: 'ListTaskFlowInstance' }) });
      assert.equal(list.status, 400, 'forwarded to the emulator, which wants a signature');
    } finally {
      server.child.kill(signal);
    }
    const { code, signal: killedBy, err } = await server.exited;
    assert.deepEqual({ code, killedBy }, { code: 0, killedBy: null }, err);
  });
}

test('admin console: the server script refuses a malformed --port', async () => {
  const { url, exited } = runServer(['--port', 'eighty']);
  url.catch(() => {}); // it never prints one
  const { code, err } = await exited;
  assert.equal(code, 2);
  assert.match(err, /--port must be a port number/);
});
