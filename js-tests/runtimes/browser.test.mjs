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
  // The console's backend: credentials at /console/dms-credentials, /api/dms/* proxied
  // unchanged to DMS (here the emulator), everything else from the static build.
  const backend = http.createServer((req, res) => {
    if (req.url === '/console/dms-credentials') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(sts));
    } else if (req.url.startsWith('/api/dms')) {
      const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
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
