// The admin console's backend (Node, node:http). It
//   - serves the page at / (page.mjs bundled with esbuild at start-up, in memory),
//   - hands out short-lived DMS credentials at /console/dms-credentials,
//   - forwards /api/dms/ to DMS, the five actions the page uses and nothing else
//     (dms-taskflow/proxy: any other action is answered 403 without reaching DMS).
// No long-term key ever reaches the browser.
//
//   npm run console -- --port 8080        (from the dms-taskflow repository)
//   node examples/admin-console/server.mjs --port 8080
//
// As a demo it runs against the package's local emulator: task flow 1001 with 50 instances,
// credentials from the emulator's STS stand-in (AssumeRoleWithOIDC). In real use, replace
// `demoCredentials` with STS AssumeRole made with the backend's own RAM key and scoped by
// CONSOLE_POLICY; the backend would read, e.g.:
//   ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET  the backend's RAM key, allowed sts:AssumeRole
//   DMS_CONSOLE_ROLE_ARN   the RAM role to assume (acs:ram::<account>:role/<name>), trusted by that key's account
// and pass `target: 'https://dms-enterprise.<region>.aliyuncs.com'` (or the default endpoint).
// It must also authenticate the console's own users before handing out credentials.
import http from 'node:http';
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNodeProxy } from 'dms-taskflow/proxy';

const here = dirname(fileURLToPath(import.meta.url));

/** The DMS actions the page calls; the proxy refuses every other one. */
export const ALLOWED_ACTIONS = Object.freeze([
  'ListTaskFlowInstance',
  'StopTaskFlowInstance',
  'SuspendTaskFlowInstance',
  'ResumeTaskFlowInstance',
  'ReRunTaskFlowInstance',
]);

/** The session policy the issued credentials are scoped by: no more than the page needs. */
export const CONSOLE_POLICY = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: ALLOWED_ACTIONS.map((action) => `dms:${action}`), Resource: '*' }],
});

const API_PREFIX = '/api/dms';
const CREDENTIALS_PATH = '/console/dms-credentials';

// The wasm is compiled from bytes in the page ('wasm-unsafe-eval'); everything else is same-origin.
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * Bundles page.mjs for browsers with esbuild (the `browser` condition gives dms-taskflow's
 * dist/web.mjs, with the wasm inlined); resolves to the files the backend serves.
 * `dms-taskflow` is resolved as Node resolves it from here: an installed package, or this
 * repository itself (a package may import itself by name in Node; esbuild does not do that,
 * so a temporary node_modules link to the package is given to it as a fallback path).
 */
export async function bundlePage() {
  const { build } = await import('esbuild');
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dms-taskflow/package.json'));
  const scratch = await mkdtemp(join(tmpdir(), 'dms-admin-console-'));
  try {
    await symlink(packageRoot, join(scratch, 'dms-taskflow'), 'junction');
    const result = await build({
      entryPoints: [join(here, 'page.mjs')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      nodePaths: [scratch],
      outfile: join(scratch, 'page.js'),
      write: false,
      logLevel: 'silent',
    });
    return {
      '/': { type: 'text/html; charset=utf-8', body: await readFile(join(here, 'index.html')) },
      '/page.js': { type: 'text/javascript; charset=utf-8', body: Buffer.from(result.outputFiles[0].contents) },
      '/console.css': { type: 'text/css; charset=utf-8', body: await readFile(join(here, 'console.css')) },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The backend's request handler.
 * @param {object} options
 * @param {() => Promise<{ accessKeyId: string, accessKeySecret: string, securityToken: string, expiration: string }>} options.issueCredentials
 *   short-lived credentials for one page (STS); called once per request to CREDENTIALS_PATH
 * @param {string} options.target where /api/dms/ goes: DMS (https://dms-enterprise.aliyuncs.com) or the emulator
 * @param {Record<string, { type: string, body: Buffer }>} options.files the page (bundlePage())
 * @param {(line: string) => void} [options.log]
 */
export function createConsoleHandler({ issueCredentials, target, files, log = () => {} }) {
  const proxy = createNodeProxy({ allow: [...ALLOWED_ACTIONS], target, prefix: API_PREFIX });
  const notFound = (res) => res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');

  return (req, res) => {
    const path = new URL(req.url, 'http://console.invalid').pathname;
    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
      proxy(req, res, () => notFound(res));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === CREDENTIALS_PATH) {
      // Real use: authenticate the console's user here (session cookie, SSO) before issuing.
      issueCredentials().then(
        (credentials) => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(credentials));
        },
        (error) => {
          log(`credentials: ${error?.message ?? error}`);
          res.writeHead(502, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"error":"no credentials"}');
        },
      );
      return;
    }
    const file = Object.hasOwn(files, path) ? files[path] : undefined;
    if (!file) {
      notFound(res);
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, ...PAGE_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
}

// 5006 running, 5007 succeeded, 5008 failed, 5009 running, 5010 suspended, 5011 stopped, 5012 succeeded, 5013 running, ...
const STATUSES = ['running', 'succeeded', 'failed', 'running', 'suspended', 'stopped', 'succeeded'];

/** Task flow 1001's 5 seeded instances (5001-5005) and 45 more (5006-5050), in fixed statuses and times. */
function addDemoInstances(emulator) {
  for (let n = 6; n <= 50; n += 1) {
    const day = String(1 + (n % 28)).padStart(2, '0');
    const hour = String(n % 24).padStart(2, '0');
    emulator.addInstance({
      dagId: '1001',
      dagInstanceId: String(5000 + n),
      status: STATUSES[(n - 6) % STATUSES.length],
      dagVersion: n % 4 === 0 ? '2' : '3',
      startTime: `2024-07-${day} ${hour}:15:00`,
    });
  }
}

/**
 * The demo's credentials: AssumeRoleWithOIDC at the emulator's STS stand-in (which needs no
 * signature). Real use: STS AssumeRole (https://sts.aliyuncs.com), V1-signed with the
 * backend's own RAM key, RoleArn from DMS_CONSOLE_ROLE_ARN, Policy CONSOLE_POLICY,
 * DurationSeconds 900; the answer is mapped the same way.
 */
function demoCredentials(stsUrl, role) {
  return async () => {
    const response = await fetch(stsUrl, {
      method: 'POST',
      body: new URLSearchParams({
        Action: 'AssumeRoleWithOIDC',
        Version: '2015-04-01',
        Format: 'JSON',
        Timestamp: new Date().toISOString().replace(/\.[0-9]{3}Z$/, 'Z'),
        RoleArn: role.roleArn,
        OIDCProviderArn: role.oidcProviderArn,
        OIDCToken: role.oidcToken,
        RoleSessionName: 'dms-admin-console',
        DurationSeconds: '900',
        Policy: CONSOLE_POLICY,
      }),
    });
    const answer = await response.json();
    if (!response.ok || !answer.Credentials) throw new Error(`STS answered ${response.status} ${answer.Code ?? ''}`.trimEnd());
    const { AccessKeyId, AccessKeySecret, SecurityToken, Expiration } = answer.Credentials;
    return { accessKeyId: AccessKeyId, accessKeySecret: AccessKeySecret, securityToken: SecurityToken, expiration: Expiration };
  };
}

/**
 * Starts the demo: the emulator (with the demo's instances), its STS stand-in and the
 * console's backend on 127.0.0.1:`port` (0: any free port). Resolves to
 * `{ url, emulator, sts, close() }`; `close()` stops all three.
 */
export async function startConsole({ port = 0, log = () => {} } = {}) {
  const { startEmulator, startStsStandIn, DEFAULT_ROLE } = await import('dms-taskflow/emulator');
  const files = await bundlePage();
  const emulator = await startEmulator();
  const closing = [() => emulator.close()];
  try {
    addDemoInstances(emulator);
    const sts = await startStsStandIn(emulator);
    closing.unshift(() => sts.close());
    const handler = createConsoleHandler({ issueCredentials: demoCredentials(sts.url, DEFAULT_ROLE), target: emulator.url, files, log });
    const server = http.createServer(handler);
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    closing.unshift(() => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections(); // a browser's keep-alive connections would hold close() open
      return closed;
    });
    let closed = null;
    return {
      url: `http://127.0.0.1:${server.address().port}/`,
      emulator,
      sts,
      close: () => (closed ??= closing.reduce((done, step) => done.then(step), Promise.resolve())),
    };
  } catch (error) {
    for (const step of closing) await step();
    throw error;
  }
}

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!/^[0-9]+$/.test(values.port) || port > 65535) {
    console.error(`--port must be a port number from 0 to 65535, not ${JSON.stringify(values.port)}`);
    process.exit(2);
  }
  const app = await startConsole({ port, log: (line) => console.error(line) });
  console.log(`Admin console: ${app.url}`);
  console.log('Against the local emulator (task flow 1001). Ctrl-C stops it.');
  const stop = () => {
    app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
