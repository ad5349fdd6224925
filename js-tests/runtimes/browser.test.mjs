// The runtime suite in real Chromium, from the packed tarball, as three bundlers build it
// for a user's app: esbuild, Vite and webpack 5, each with no plugins and no wasm config.
// Each page is served from its own 127.0.0.1 port and calls the emulator on another, so
// every API call is a real cross-origin request.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { runInEmulator } from './harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const consumer = fileURLToPath(new URL('../../.scratch/consumer/', import.meta.url));
const installed = join(consumer, 'node_modules/dms-taskflow/package.json');
const PAGE_TIMEOUT_MS = 30_000;

// The favicon link keeps Chromium from requesting /favicon.ico (a 404 console error).
const html = (script) =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>dms-taskflow</title>\n` +
  `${script}\n</head><body>running…</body></html>\n`;

/**
 * Each bundler builds `<app>/src/page.mjs` into `<app>/out/` with its API and defaults for a
 * browser production build: no plugins, no wasm options. Resolves to any warnings' text.
 */
const bundlers = {
  async esbuild(app, out) {
    const { build } = await import('esbuild');
    await build({
      absWorkingDir: app,
      entryPoints: ['src/page.mjs'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      outfile: join(out, 'page.js'),
      logLevel: 'silent',
    });
    writeFileSync(join(out, 'index.html'), html('<script type="module" src="page.js"></script>'));
  },
  async vite(app, out) {
    const { build } = await import('vite');
    // Vite's entry is the app's index.html.
    writeFileSync(join(app, 'index.html'), html('<script type="module" src="/src/page.mjs"></script>'));
    await build({ root: app, configFile: false, mode: 'production', logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  },
  async webpack(app, out) {
    const { default: webpack } = await import('webpack');
    const compiler = webpack({
      mode: 'production',
      target: 'web',
      context: app,
      entry: './src/page.mjs',
      output: { path: out, filename: 'page.js' },
    });
    const stats = await new Promise((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
    await new Promise((resolve) => compiler.close(resolve));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    writeFileSync(join(out, 'index.html'), html('<script src="page.js"></script>'));
    // Warnings (e.g. the asset size hint) are what a user would see: shown, not fatal.
    if (stats.hasWarnings()) return stats.toString({ all: false, warnings: true });
  },
};

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** A static file server for `root` on an ephemeral 127.0.0.1 port; `served` lists the paths asked for. */
async function serve(root) {
  const served = [];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    served.push(path);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, served, close: () => new Promise((resolve) => server.close(resolve)) };
}

const filesIn = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));

let browser;
before(async () => {
  assert.ok(existsSync(installed), 'run `node scripts/build.mjs --if-needed && node scripts/pack-for-tests.mjs` first');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
after(() => browser?.close());

// Chromium logs every 4xx fetch as a console error; the suite's gateway-failure case gets
// exactly one 400 (SignatureDoesNotMatch) from the emulator on purpose.
const expectedConsoleError = (text, url, endpoint) =>
  text.startsWith('Failed to load resource: the server responded with a status of 400') && url.startsWith(endpoint);

for (const [name, bundle] of Object.entries(bundlers)) {
  test(`browser (${name})`, async (t) => {
    // The app lives inside the consumer project, so `dms-taskflow` resolves from its
    // node_modules (the installed tarball), exactly as in a user's app.
    const app = join(consumer, `browser-${name}`);
    const out = join(app, 'out');
    rmSync(app, { recursive: true, force: true });
    mkdirSync(join(app, 'src'), { recursive: true });
    cpSync(join(here, 'browser/page.mjs'), join(app, 'src/page.mjs'));
    cpSync(join(here, 'suite.mjs'), join(app, 'suite.mjs'));
    const warnings = await bundle(app, out);
    if (warnings) t.diagnostic(`${name} warnings: ${warnings}`);

    const files = filesIn(out);
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(f));
    const raw = code.reduce((n, c) => n + c.length, 0);
    const gz = code.reduce((n, c) => n + gzipSync(c, { level: 9 }).length, 0);
    t.diagnostic(`${name}: ${code.length} JS file(s), ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`);

    const site = await serve(out);
    t.after(site.close);

    await t.test('the runtime suite passes in Chromium against the emulator, cross-origin, without preflight', async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const problems = [];
        let endpoint;
        page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error}`));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push({ text: m.text(), url: m.location().url });
        });
        const log = [];
        await runInEmulator({ cors: true, log: (line) => log.push(line) }, async (env) => {
          endpoint = env.endpoint;
          await page.goto(`${site.url}#${new URLSearchParams(env)}`);
          await page.waitForFunction(() => window.__results, null, { timeout: PAGE_TIMEOUT_MS });
          return page.evaluate(() => window.__results);
        });
        const unexpected = problems.filter((p) => !(p.text && expectedConsoleError(p.text, p.url, endpoint)));
        assert.deepEqual(unexpected, [], 'no page errors, no console errors but the one expected 400');
        assert.equal(problems.length, 1, 'the gateway failure\'s 400 was logged once');
        // The package sends CORS "simple requests" (form-encoded POST, no custom headers).
        assert.deepEqual(log.filter((line) => line.startsWith('OPTIONS')), [], 'no CORS preflight');
      } finally {
        await context.close();
      }
    });

    await t.test('the wasm is inlined: no .wasm file emitted, named or fetched', () => {
      assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), [], 'no .wasm file emitted');
      const named = code.flatMap((c) => c.toString().match(/[\w.-]{0,80}\.wasm\b/g) ?? []);
      assert.deepEqual(named, [], 'the bundle names no .wasm file');
      assert.deepEqual(site.served.filter((p) => p.endsWith('.wasm')), [], 'no .wasm fetched');
    });
  });
}

/**
 * A console's backend on 127.0.0.1: STS credentials at /console/dms-credentials, /api/dms/*
 * proxied to `upstream` (headers unchanged, or with Host rewritten to the upstream's as a
 * plain reverse proxy does; each proxied request noted in `proxied`), everything else from
 * the static build. Closed when the test ends.
 */
async function consoleBackend(t, { sts, upstream, statics, rewriteHost = false, proxied = [] }) {
  const backend = http.createServer((req, res) => {
    if (req.url === '/console/dms-credentials') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(sts));
    } else if (req.url.startsWith('/api/dms')) {
      proxied.push({ method: req.method, host: req.headers.host });
      const headers = rewriteHost ? { ...req.headers, host: upstream.host } : req.headers;
      const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    } else {
      http.get(new URL(req.url, statics.url), (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    }
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => backend.close(resolve)));
  return backend;
}

// The README's browser-console pattern, for real: the page gets STS credentials from its
// own backend and calls DMS through a same-origin proxy path. The emulator sends no CORS
// headers here, so this only works because nothing crosses origins.
test('browser admin console: same-origin proxy path and STS credentials from the backend', async (t) => {
  const app = join(consumer, 'browser-console');
  const out = join(app, 'out');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, 'src'), { recursive: true });
  cpSync(join(here, 'browser/console-example.mjs'), join(app, 'src/page.mjs'));
  await bundlers.esbuild(app, out);

  const { startEmulator, DEFAULT_ACCOUNTS } = await import('../../emulator/index.mjs');
  const emulator = await startEmulator({ pathPrefix: '/api/dms' });
  t.after(() => emulator.close());
  const sts = DEFAULT_ACCOUNTS.find((account) => account.securityToken);
  const upstream = new URL(emulator.url);

  const statics = await serve(out);
  t.after(statics.close);
  const backend = await consoleBackend(t, { sts, upstream, statics });

  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`http://127.0.0.1:${backend.address().port}/`);
  await page.waitForFunction(() => document.body.textContent.startsWith('stopped ('), null, { timeout: PAGE_TIMEOUT_MS });

  assert.deepEqual(problems, []);
  assert.equal(emulator.getInstance('1001', '5001').status, 'stopped');
  const [request] = emulator.requests;
  assert.equal(emulator.requests.length, 1);
  assert.equal(request.path, '/api/dms/');
  assert.equal(request.params.SecurityToken, sts.securityToken);
  assert.equal(request.accessKeyId, sts.accessKeyId);
});

/** Bundles `browser/<fixture>` with esbuild as a page app inside the consumer project; resolves to its output directory. */
async function buildFixturePage(name, fixture) {
  const app = join(consumer, name);
  const out = join(app, 'out');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, 'src'), { recursive: true });
  cpSync(join(here, 'browser', fixture), join(app, 'src/page.mjs'));
  await bundlers.esbuild(app, out);
  return out;
}

/** A new page in its own context (closed by t.after), and the page errors and console errors it gets. */
async function watchedPage(t) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push({ pageError: String(error) }));
  page.on('console', (m) => m.type() === 'error' && problems.push({ text: m.text(), url: m.location().url }));
  return { page, problems };
}

/** Waits for the fixture's JSON report in the page's body and parses it. */
async function pageResults(page) {
  await page.waitForFunction(() => document.body.textContent.startsWith('{'), null, { timeout: PAGE_TIMEOUT_MS });
  return JSON.parse(await page.textContent('body'));
}

// A plain reverse proxy (nginx `proxy_pass`) sends the upstream's host as Host. The V1
// signature does not cover the host, so V1 works through it; V3 signs the host header, so it
// works only when the page signs for the upstream host with `signingHost`.
test('browser admin console: a Host-rewriting reverse proxy, V1, V3 and V3 with signingHost', async (t) => {
  const out = await buildFixturePage('browser-signing-host', 'signing-host.mjs');

  const { startEmulator, DEFAULT_ACCOUNTS } = await import('../../emulator/index.mjs');
  const emulator = await startEmulator({ pathPrefix: '/api/dms' });
  t.after(() => emulator.close());
  for (const dagInstanceId of ['5101', '5102', '5103']) emulator.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '3' });
  const sts = DEFAULT_ACCOUNTS.find((account) => account.securityToken);
  const upstream = new URL(emulator.url);

  const statics = await serve(out);
  t.after(statics.close);
  const proxied = [];
  const backend = await consoleBackend(t, { sts, upstream, statics, rewriteHost: true, proxied });
  const origin = `http://127.0.0.1:${backend.address().port}`;

  const { page, problems } = await watchedPage(t);
  await page.goto(`${origin}/?${new URLSearchParams({ upstream: upstream.host })}`);
  const { v1, v3, v3SigningHost } = await pageResults(page);

  assert.equal(v1.ok, true, `V1 through the proxy: ${JSON.stringify(v1)}`);
  assert.match(v1.requestId, /^[0-9A-F-]{36}$/);
  // Signed for the page's origin, checked by the upstream for its own host.
  assert.equal(v3.ok, false);
  assert.deepEqual(
    { isDmsError: v3.isDmsError, code: v3.code, status: v3.status, retryable: v3.retryable },
    { isDmsError: true, code: 'SignatureDoesNotMatch', status: 400, retryable: false },
  );
  assert.equal(v3SigningHost.ok, true, `V3 with signingHost: ${JSON.stringify(v3SigningHost)}`);
  assert.match(v3SigningHost.requestId, /^[0-9A-F-]{36}$/);

  assert.equal(emulator.getInstance('1001', '5101').status, 'stopped');
  assert.equal(emulator.getInstance('1001', '5102').status, 'running', 'the refused V3 call changed nothing');
  assert.equal(emulator.getInstance('1001', '5103').status, 'stopped');
  assert.deepEqual(
    emulator.requests.map((r) => [r.path, r.params.DagInstanceId, r.signatureVersion ?? 'v1', r.status, r.code, r.accessKeyId]),
    [
      ['/api/dms/', '5101', 'v1', 200, null, sts.accessKeyId],
      ['/api/dms/', '5102', 'v3', 400, 'SignatureDoesNotMatch', sts.accessKeyId],
      ['/api/dms/', '5103', 'v3', 200, null, sts.accessKeyId],
    ],
  );
  // All three were same-origin (Host is the page's), so V3's x-acs-* headers caused no preflight.
  assert.deepEqual(proxied, Array(3).fill({ method: 'POST', host: new URL(origin).host }));
  // Chromium logs the 400 answer to the V3 call without signingHost; nothing else.
  assert.deepEqual(problems, [
    { text: 'Failed to load resource: the server responded with a status of 400 (Bad Request)', url: `${origin}/api/dms/?DagId=1001&DagInstanceId=5102` },
  ]);
});

// In a page, a fetch that CORS refused rejects like any network failure ("Failed to fetch").
// When the endpoint is another origin, the NetworkError says CORS may be why; when it is the
// page's own origin, it does not.
test('browser: a failed cross-origin fetch hints at CORS and a same-origin proxy; a same-origin one does not', async (t) => {
  const out = await buildFixturePage('browser-network-error', 'network-error-hint.mjs');

  // Another origin that answers like a server with no CORS support: 200, no CORS headers.
  const crossHits = [];
  const cross = http.createServer((req, res) => {
    crossHits.push(req.method);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise((resolve) => cross.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => cross.close(resolve)));

  // The page's origin: the static build, and /api/dropped, which drops the connection unanswered.
  const statics = await serve(out);
  t.after(statics.close);
  const droppedHits = [];
  const site = http.createServer((req, res) => {
    if (req.url.startsWith('/api/dropped')) {
      droppedHits.push(req.method);
      req.socket.destroy();
    } else {
      // Connection: close, so the page's fetch to /api/dropped opens a fresh connection:
      // Chromium sends a request again by itself when a reused keep-alive connection
      // closes unanswered, which would show up here as a second hit.
      http.get(new URL(req.url, statics.url), (answer) => {
        res.writeHead(answer.statusCode, { ...answer.headers, connection: 'close' });
        answer.pipe(res);
      });
    }
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => site.close(resolve)));
  const origin = `http://127.0.0.1:${site.address().port}`;
  const crossOrigin = `http://127.0.0.1:${cross.address().port}`;

  const { page, problems } = await watchedPage(t);
  await page.goto(`${origin}/?${new URLSearchParams({ crossOrigin })}`);
  const results = await pageResults(page);

  const hint =
    "(in a web page, a cross-origin request that CORS refused fails this way too: DMS does not allow calls from web pages, so send them through a same-origin proxy, as the README's browser section shows)";
  const { crossOrigin: refused, sameOrigin: dropped } = results;
  assert.deepEqual(
    { ok: refused.ok, isDmsError: refused.isDmsError, code: refused.code, status: refused.status, retryable: refused.retryable },
    { ok: false, isDmsError: true, code: 'NetworkError', status: undefined, retryable: true },
  );
  assert.match(refused.message, /CORS/);
  assert.match(refused.message, /same-origin proxy/);
  assert.ok(refused.message.endsWith(` ${hint}`), refused.message);
  assert.ok(refused.message.startsWith(`request to ${crossOrigin}/ failed: `), refused.message);
  // The request did arrive: only the browser's CORS check turned its answer into a failure.
  assert.deepEqual(crossHits, ['POST']);

  assert.deepEqual(
    { ok: dropped.ok, isDmsError: dropped.isDmsError, code: dropped.code, status: dropped.status, retryable: dropped.retryable },
    { ok: false, isDmsError: true, code: 'NetworkError', status: undefined, retryable: true },
  );
  assert.ok(dropped.message.startsWith(`request to ${origin}/api/dropped/ failed: `), dropped.message);
  assert.doesNotMatch(dropped.message, /CORS|same-origin proxy|in a web page/);
  assert.deepEqual(droppedHits, ['POST'], 'one attempt (maxAttempts: 1), on a fresh connection');

  // Chromium's own console errors for the two failures, and nothing else.
  assert.equal(problems.length, 3, JSON.stringify(problems));
  assert.ok(
    problems[0].text.startsWith(`Access to fetch at '${crossOrigin}/' from origin '${origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header`),
    problems[0].text,
  );
  assert.deepEqual(problems.slice(1), [
    { text: 'Failed to load resource: net::ERR_FAILED', url: `${crossOrigin}/` },
    { text: 'Failed to load resource: net::ERR_EMPTY_RESPONSE', url: `${origin}/api/dropped/` },
  ]);
});
