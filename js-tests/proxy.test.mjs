// dms-taskflow/proxy, as a console's backend uses it: both shapes (the Node handler on a
// node:http server, the fetch handler behind a node:http server that speaks Request and
// Response, and called directly) in front of the emulator, with the packed package's
// DmsClient and signRequest as the page. Nothing here reaches the internet: every server
// listens on 127.0.0.1 and is closed after its tests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_ACCOUNTS, startEmulator } from '../emulator/index.mjs';
import { closedPortUrl } from './support/emulator.mjs';
import { loadPackage } from './support/load-package.mjs';
import { binary, childEnv, runProcess } from './runtimes/fixtures/processes.mjs';
import { execFileSync } from 'node:child_process';

const { esm } = await loadPackage();
// The proxy as a user imports it: `dms-taskflow/proxy` through the installed package's exports.
const consumerDir = fileURLToPath(new URL('../.scratch/consumer/', import.meta.url));
let proxyModulePath;
try {
  proxyModulePath = createRequire(`${consumerDir}load.cjs`).resolve('dms-taskflow/proxy');
} catch (error) {
  throw new Error(`the packed package has no dms-taskflow/proxy; run node scripts/pack-for-tests.mjs (${error.message})`);
}
const { createFetchProxy, createNodeProxy } = await import(pathToFileURL(proxyModulePath).href);

const KEY = DEFAULT_ACCOUNTS[0];
const ALLOW = ['StopTaskFlowInstance', 'ResumeTaskFlowInstance', 'ListTaskFlowInstance'];
const LIST_PARAMS = { DagId: '1001', PageIndex: '1', PageSize: '10' };

// ---------------------------------------------------------------------------------------
// Servers

async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${server.address().port}`;
}

async function closeServer(server) {
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(() => resolve()));
}

/** A node:http server that hands each request, as a Request, to a fetch-style handler. */
function fetchBridge(handler) {
  return http.createServer(async (req, res) => {
    try {
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers,
        body: hasBody ? Readable.toWeb(req) : undefined,
        duplex: 'half',
      });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`bridge: ${error?.stack ?? error}`);
    }
  });
}

const SHAPES = {
  /** createNodeProxy on a node:http server; `next` answers 200 'next' when `withNext`. */
  node(options, { withNext = false } = {}) {
    const middleware = createNodeProxy(options);
    return http.createServer((req, res) => {
      if (!withNext) return middleware(req, res);
      return middleware(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('next');
      });
    });
  },
  /** createFetchProxy behind a node:http server converting to Request and from Response. */
  fetch(options) {
    return fetchBridge(createFetchProxy(options));
  },
};

/** Starts a proxy of `shape` and closes it after the current test. */
async function startProxy(t, shape, options, extra) {
  const server = SHAPES[shape](options, extra);
  const url = await listen(server);
  t.after(() => closeServer(server));
  return url;
}

/** A tiny upstream for the current test: `answer(req, body, res)`; records what it received. */
async function startUpstream(t, answer) {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: body.toString('latin1') });
      answer(req, body, res);
    });
  });
  const url = await listen(server);
  t.after(() => closeServer(server));
  return { url, seen };
}

/** A raw HTTP request: the path is sent exactly as given (no URL normalization). */
function rawRequest(base, { method = 'GET', path = '/', headers = {}, body, chunks } = {}) {
  const { hostname, port } = new URL(base);
  if (body !== undefined) headers = { 'content-length': String(Buffer.byteLength(body)), ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      const parts = [];
      res.on('data', (chunk) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (chunks) {
      for (const chunk of chunks) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Sends only a request head over a socket and reads whatever answer comes back. */
function headOnly(base, head) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(head));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (data) => {
      text += data;
      if (/\r\n\r\n/.test(text) && /"Code"/.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no answer; got ${JSON.stringify(text)}`));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Requests as the page makes them

/**
 * A request signed by the packed package for the emulator (so that V3's signed host is the
 * emulator's), then pointed at the proxy: `{ method, url, headers, body }`.
 */
function signedFor(emu, proxyUrl, action, params, { method, signatureVersion } = {}) {
  const options = { accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret, endpoint: emu.url };
  if (signatureVersion) options.signatureVersion = signatureVersion;
  const signed = esm.signRequest(options, action, params, method ? { method } : {});
  const { pathname, search } = new URL(signed.url);
  assert.equal(pathname, '/');
  return { method: signed.method, url: `${proxyUrl}/api/dms/${search}`, headers: { ...signed.headers }, body: signed.body };
}

const send = (request) => fetch(request.url, { method: request.method, headers: request.headers, body: request.body });

function client(proxyUrl, extra = {}) {
  return new esm.DmsClient({
    accessKeyId: KEY.accessKeyId,
    accessKeySecret: KEY.accessKeySecret,
    endpoint: `${proxyUrl}/api/dms`,
    maxAttempts: 1,
    ...extra,
  });
}

async function json(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    assert.fail(`not JSON (status ${response.status}): ${text}`);
  }
}

/** Runs `fn` and checks the emulator received nothing meanwhile. */
async function nothingReaches(emu, fn) {
  const before = emu.requests.length;
  const result = await fn();
  assert.equal(emu.requests.length, before, 'the request reached DMS');
  return result;
}

// ---------------------------------------------------------------------------------------
// Both shapes, the same behaviour

for (const shape of ['node', 'fetch']) {
  describe(`${shape} shape in front of the emulator`, () => {
    let emu;
    let proxyUrl;
    let proxyServer;

    before(async () => {
      emu = await startEmulator({ port: 0 });
      proxyServer = SHAPES[shape]({ allow: ALLOW, target: emu.url });
      proxyUrl = await listen(proxyServer);
    });
    after(async () => {
      if (proxyServer) await closeServer(proxyServer);
      await emu?.close();
    });

    test('an allowed V1 stop goes through and stops the instance', async () => {
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      const result = await client(proxyUrl).stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5001' });
      assert.equal(result.success, true);
      assert.match(result.requestId, /\S/);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      const last = emu.requests.at(-1);
      assert.equal(last.action, 'StopTaskFlowInstance');
      assert.equal(last.path, '/');
      assert.equal(last.status, 200);
    });

    test('an allowed V3 stop goes through and stops the instance', async () => {
      assert.equal(emu.getInstance('1002', '5102').status, 'running');
      const v3 = client(proxyUrl, { signatureVersion: 'v3', signingHost: new URL(emu.url).host });
      const result = await v3.stopTaskFlowInstance({ dagId: '1002', dagInstanceId: '5102' });
      assert.equal(result.success, true);
      assert.equal(emu.getInstance('1002', '5102').status, 'stopped');
      assert.equal(emu.requests.at(-1).signatureVersion, 'v3');
      assert.equal(emu.requests.at(-1).action, 'StopTaskFlowInstance');
    });

    test('a V1 presigned GET for an allowed action works, at the prefix with and without a slash', async () => {
      for (const strip of [false, true]) {
        const signed = signedFor(emu, proxyUrl, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
        assert.equal(signed.method, 'GET');
        const url = strip ? signed.url.replace('/api/dms/?', '/api/dms?') : signed.url;
        const response = await fetch(url);
        const body = await json(response);
        assert.equal(response.status, 200, JSON.stringify(body));
        assert.equal(body.Success, true);
        assert.ok(body.DAGInstanceList.DAGInstance.length > 0);
        assert.match(response.headers.get('x-acs-request-id'), /\S/);
        assert.equal(emu.requests.at(-1).method, 'GET');
      }
    });

    test('a disallowed action is answered 403 Forbidden.Action and never reaches DMS', async () => {
      await nothingReaches(emu, async () => {
        // V1 through the client: the client sees the proxy's answer as a DmsError.
        await assert.rejects(client(proxyUrl).suspendTaskFlowInstance({ dagId: '1001', dagInstanceId: '5002' }), (error) => {
          assert.equal(error.name, 'DmsError');
          assert.equal(error.code, 'Forbidden.Action');
          assert.equal(error.status, 403);
          return true;
        });
        // V3 through the client.
        const v3 = client(proxyUrl, { signatureVersion: 'v3', signingHost: new URL(emu.url).host });
        await assert.rejects(v3.reRunTaskFlowInstance({ dagId: '1001', dagInstanceId: '5005', dagVersion: '3' }), { code: 'Forbidden.Action', status: 403 });
        // A presigned GET.
        const signed = signedFor(emu, proxyUrl, 'DeleteTaskFlow', { DagId: '1001' }, { method: 'GET' });
        const response = await fetch(signed.url);
        assert.equal(response.status, 403);
        assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
        const body = await json(response);
        assert.equal(body.Code, 'Forbidden.Action');
        assert.match(body.Message, /DeleteTaskFlow/);
      });
      assert.equal(emu.getInstance('1001', '5002').status, 'suspended');
    });

    test('an oversized body is answered 413 without reaching DMS (declared, and streamed without Content-Length)', async () => {
      const big = `Action=StopTaskFlowInstance&Pad=${'x'.repeat(70 * 1024)}`;
      await nothingReaches(emu, async () => {
        // Declared: fetch sends a Content-Length.
        const declared = await fetch(`${proxyUrl}/api/dms/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: big,
        });
        assert.equal(declared.status, 413);
        assert.equal((await json(declared)).Code, 'PayloadTooLarge');

        // Streamed: chunked, no Content-Length; the proxy counts while reading.
        const chunk = `${'y'.repeat(8 * 1024)}`;
        const streamed = await rawRequest(proxyUrl, {
          method: 'POST',
          path: '/api/dms/',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          chunks: ['Action=StopTaskFlowInstance&Pad=', ...Array.from({ length: 10 }, () => chunk)],
        });
        assert.equal(streamed.status, 413, streamed.text);
        assert.equal(JSON.parse(streamed.text).Code, 'PayloadTooLarge');

        // A web stream body through fetch (duplex: 'half', chunked as well).
        const stream = new ReadableStream({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(chunk));
            controller.close();
          },
        });
        const webStreamed = await fetch(`${proxyUrl}/api/dms/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: stream,
          duplex: 'half',
        });
        assert.equal(webStreamed.status, 413);
        await webStreamed.arrayBuffer();
      });
    });

    test('two Action parameters are answered 400 without reaching DMS', async () => {
      await nothingReaches(emu, async () => {
        const post = signedFor(emu, proxyUrl, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' });
        for (const extra of ['&Action=StopTaskFlowInstance', '&Action=DeleteTaskFlow', '&action=DeleteTaskFlow', '&Act%69on=DeleteTaskFlow']) {
          const response = await send({ ...post, body: post.body + extra });
          assert.equal(response.status, 400, extra);
          assert.equal((await json(response)).Code, 'BadRequest');
        }
        const get = signedFor(emu, proxyUrl, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
        for (const extra of ['&Action=ListTaskFlowInstance', '&Action=DeleteTaskFlow', '&ACTION=DeleteTaskFlow']) {
          const response = await fetch(get.url + extra);
          assert.equal(response.status, 400, extra);
          await response.arrayBuffer();
        }
      });
    });

    test('an Action smuggled in the query string of a form POST is refused without reaching DMS', async () => {
      await nothingReaches(emu, async () => {
        const post = signedFor(emu, proxyUrl, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' });
        const cases = [
          // An allowed action in the body, another in the query.
          { ...post, url: `${post.url}?Action=DeleteTaskFlow` },
          // A disallowed action in the body, an allowed one in the query for the check to see.
          { ...post, url: `${post.url}?Action=StopTaskFlowInstance`, body: post.body.replace('Action=StopTaskFlowInstance', 'Action=DeleteTaskFlow') },
          // No Action in the body at all, only in the query.
          { ...post, url: `${post.url}?Action=StopTaskFlowInstance`, body: post.body.replace('Action=StopTaskFlowInstance&', '') },
        ];
        for (const request of cases) {
          const response = await send(request);
          assert.ok([400, 403].includes(response.status), `status ${response.status}`);
          await response.arrayBuffer();
        }
      });
    });

    test('V3 with an allowed x-acs-action but an Action parameter (query or body), or disagreeing indications, is refused', async () => {
      await nothingReaches(emu, async () => {
        const v3 = signedFor(emu, proxyUrl, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' }, { signatureVersion: 'v3' });
        assert.match(v3.headers.authorization, /^ACS3-/);
        const cases = [
          { ...v3, url: `${v3.url}&Action=DeleteTaskFlow` },
          { ...v3, url: `${v3.url}&Action=StopTaskFlowInstance` },
          { ...v3, headers: { ...v3.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DeleteTaskFlow' },
          // x-acs-action without an ACS3 signature, an ACS3 signature without x-acs-action.
          { ...v3, headers: { ...v3.headers, authorization: undefined } },
          { ...v3, headers: { ...v3.headers, 'x-acs-action': undefined } },
          // A V1 form POST that also carries x-acs-action.
          (() => {
            const post = signedFor(emu, proxyUrl, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' });
            return { ...post, headers: { ...post.headers, 'x-acs-action': 'StopTaskFlowInstance' } };
          })(),
          // Another signature scheme.
          { ...v3, headers: { ...v3.headers, authorization: 'Bearer abc' } },
        ];
        for (const request of cases) {
          const headers = Object.fromEntries(Object.entries(request.headers).filter(([, value]) => value !== undefined));
          const response = await send({ ...request, headers });
          assert.equal(response.status, 400, JSON.stringify(request.headers));
          await response.arrayBuffer();
        }
      });
    });

    test('paths other than the prefix, traversal included, are answered 404', async () => {
      const get = signedFor(emu, proxyUrl, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
      const query = new URL(get.url).search;
      // What any shape sees as it was sent (a fetch-style runtime normalizes `..` and `.`
      // segments before the handler sees them, so those that resolve to the prefix are
      // checked for the Node shape only, below).
      const paths = ['/api/dms/../x', '/api/dms/%2e%2e/', '/api/dms/%2E%2E', '/api/dms//x', '/api/dms//', '/api/dmsx', '/api/dms/x', '/api/dms%2f', '/api/dms%2F', '/API/DMS/', '//api/dms/', '/', '/x'];
      if (shape === 'node') paths.push('/api/dms/.', '/api/dms/./', '/api/dms/..', '/api/./dms/', '/api/x/../dms/', '/api/dms/x/..', '/api/%64ms/');
      await nothingReaches(emu, async () => {
        for (const path of paths) {
          const response = await rawRequest(proxyUrl, { path: path + query });
          assert.equal(response.status, 404, path);
          assert.equal(JSON.parse(response.text).Code, 'NotFound');
        }
      });
    });

    test('methods other than GET and POST are answered 405', async () => {
      await nothingReaches(emu, async () => {
        for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
          const response = await rawRequest(proxyUrl, {
            method,
            path: '/api/dms/',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: method === 'HEAD' ? undefined : 'Action=StopTaskFlowInstance',
          });
          assert.equal(response.status, 405, method);
          assert.equal(response.headers.allow, 'GET, POST');
        }
      });
    });

    test('DMS answers are relayed: status, body, content-type and x-acs-request-id', async () => {
      const post = signedFor(emu, proxyUrl, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' });
      const tampered = { ...post, body: post.body.replace(/Signature=[^&]+/, 'Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D') };
      const response = await send(tampered);
      const body = await json(response);
      assert.equal(response.status, 400);
      assert.equal(body.Code, 'SignatureDoesNotMatch');
      assert.match(response.headers.get('x-acs-request-id'), /\S/);
      assert.match(response.headers.get('content-type'), /^application\/json/);
      // A business failure (HTTP 200, Success false) comes through too.
      const resume = await client(proxyUrl).call('ResumeTaskFlowInstance', { DagId: '1001', DagInstanceId: '999999', DagVersion: '3' }).catch((error) => error);
      assert.equal(resume.code, 'InvalidDagInstance');
    });

    test('an upstream redirect is not followed: 502 BadGateway.Redirect', async (t) => {
      const redirector = await startUpstream(t, (req, body, res) => {
        res.writeHead(302, { location: `${emu.url}/?${new URL(req.url, 'http://x').searchParams}`, 'content-type': 'text/plain' });
        res.end('moved');
      });
      const viaRedirect = await startProxy(t, shape, { allow: ALLOW, target: redirector.url });
      await nothingReaches(emu, async () => {
        const signed = signedFor(emu, viaRedirect, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
        const response = await fetch(signed.url, { redirect: 'manual' });
        assert.equal(response.status, 502);
        assert.equal(response.headers.get('location'), null);
        assert.equal((await json(response)).Code, 'BadGateway.Redirect');
      });
      assert.equal(redirector.seen.length, 1);
    });

    test('upstream down: 502 BadGateway without the error text', async (t) => {
      const down = await startProxy(t, shape, { allow: ALLOW, target: await closedPortUrl() });
      const signed = signedFor(emu, down, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
      const response = await fetch(signed.url);
      const text = await response.text();
      assert.equal(response.status, 502);
      const body = JSON.parse(text);
      assert.equal(body.Code, 'BadGateway');
      assert.doesNotMatch(text, /ECONN|refused|fetch failed|127\.0\.0\.1|:\d{2,5}\b|Error/);
      // The client sees a DmsError with the proxy's code.
      await assert.rejects(client(down).stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5002' }), { status: 502 });
    });

    test('an answer over 1 MiB is not relayed: 502 BadGateway.ResponseTooLarge', async (t) => {
      const huge = 'x'.repeat(1024 * 1024 + 1);
      const upstream = await startUpstream(t, (req, body, res) => {
        const chunked = req.url.includes('chunked');
        res.writeHead(200, chunked ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': String(huge.length) });
        if (chunked) {
          for (let i = 0; i < huge.length; i += 65536) res.write(huge.slice(i, i + 65536));
          res.end();
        } else {
          res.end(huge);
        }
      });
      const viaHuge = await startProxy(t, shape, { allow: ALLOW, target: upstream.url });
      for (const extra of ['', '&chunked=1']) {
        const signed = signedFor(emu, viaHuge, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
        const response = await fetch(signed.url + extra);
        assert.equal(response.status, 502);
        assert.equal((await json(response)).Code, 'BadGateway.ResponseTooLarge');
      }
    });

    test('only content-type, x-acs-*, authorization and accept are forwarded; query and body byte for byte; only content-type and x-acs-request-id come back', async (t) => {
      const echo = await startUpstream(t, (req, body, res) => {
        res.writeHead(200, {
          'content-type': 'application/json;charset=utf-8',
          'x-acs-request-id': 'ECHO-REQUEST-ID',
          'set-cookie': 'session=upstream; Path=/',
          'x-powered-by': 'echo',
          'access-control-allow-origin': '*',
        });
        res.end('{"RequestId":"ECHO-REQUEST-ID","Success":true}');
      });
      const viaEcho = await startProxy(t, shape, { allow: ALLOW, target: echo.url });
      const hostile = {
        cookie: 'console-session=secret-cookie',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        forwarded: 'for=203.0.113.9',
        'x-real-ip': '203.0.113.9',
        origin: 'https://console.example',
        referer: 'https://console.example/page',
        'x-custom': 'nope',
        accept: 'application/json',
        'x-acs-extra': 'kept',
      };

      // V1 form POST.
      const post = signedFor(emu, viaEcho, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' });
      const response = await send({ ...post, headers: { ...post.headers, ...hostile } });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '{"RequestId":"ECHO-REQUEST-ID","Success":true}');
      assert.equal(response.headers.get('x-acs-request-id'), 'ECHO-REQUEST-ID');
      assert.equal(response.headers.get('content-type'), 'application/json;charset=utf-8');
      for (const name of ['set-cookie', 'x-powered-by', 'access-control-allow-origin']) assert.equal(response.headers.get(name), null, name);

      const seen = echo.seen.at(-1);
      assert.equal(seen.method, 'POST');
      assert.equal(seen.url, '/');
      assert.equal(seen.body, post.body);
      for (const name of ['cookie', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip', 'origin', 'referer', 'x-custom']) {
        assert.equal(seen.headers[name], undefined, `${name} was forwarded`);
      }
      assert.equal(seen.headers.host, new URL(echo.url).host);
      assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(seen.headers.accept, 'application/json');
      assert.equal(seen.headers['x-acs-extra'], 'kept');
      assert.doesNotMatch(JSON.stringify(seen.rawHeaders), /secret-cookie|203\.0\.113\.9|evil\.example|console\.example/);

      // V3 with an odd but valid query: forwarded exactly as received.
      const v3 = signedFor(emu, viaEcho, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }, { signatureVersion: 'v3' });
      const oddQuery = 'b=2&a=%7E&c=a+b&d=%2f&e=&A=%E4%B8%AD';
      const v3Response = await fetch(`${viaEcho}/api/dms/?${oddQuery}`, { method: 'POST', headers: { ...v3.headers, ...hostile } });
      assert.equal(v3Response.status, 200);
      await v3Response.arrayBuffer();
      const seenV3 = echo.seen.at(-1);
      assert.equal(seenV3.url, `/?${oddQuery}`);
      assert.equal(seenV3.body, '');
      for (const name of ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'authorization']) {
        assert.equal(seenV3.headers[name], v3.headers[name], name);
      }
      assert.equal(seenV3.headers.cookie, undefined);
      assert.equal(seenV3.headers['x-forwarded-for'], undefined);
    });
  });
}

// ---------------------------------------------------------------------------------------
// What only one shape has

describe('Node shape only', () => {
  let emu;
  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(() => emu?.close());

  test('with next, other paths go to next() and the proxy path is still served', async (t) => {
    const url = await startProxy(t, 'node', { allow: ALLOW, target: emu.url }, { withNext: true });
    for (const path of ['/', '/other', '/api/dms/x', '/api/dmsx', '/api/dms/../x']) {
      const response = await rawRequest(url, { path });
      assert.equal(response.status, 200, path);
      assert.equal(response.text, 'next');
    }
    const signed = signedFor(emu, url, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
    const response = await fetch(signed.url);
    assert.equal(response.status, 200);
    assert.equal((await json(response)).Success, true);
  });

  test('a declared Content-Length over the limit is answered 413 before any body byte arrives', async (t) => {
    const url = await startProxy(t, 'node', { allow: ALLOW, target: emu.url });
    const answer = await nothingReaches(emu, () =>
      headOnly(url, 'POST /api/dms/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000\r\n\r\n'),
    );
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /PayloadTooLarge/);
  });

  test('the raw target is judged, Express-style originalUrl first', async (t) => {
    const middleware = createNodeProxy({ allow: ALLOW, target: emu.url });
    const server = http.createServer((req, res) => {
      // As Express does under app.use('/api/dms', ...): url relative to the mount point.
      req.originalUrl = req.url;
      req.url = req.url.replace(/^\/api\/dms/, '') || '/';
      middleware(req, res, () => {
        res.writeHead(299);
        res.end();
      });
    });
    const url = await listen(server);
    t.after(() => closeServer(server));
    const signed = signedFor(emu, url, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
    assert.equal((await fetch(signed.url)).status, 200);
    // '/api/dms/x' is '/x' to the mounted middleware but not the proxy's path.
    assert.equal((await rawRequest(url, { path: '/api/dms/x' })).status, 299);
  });

  test('duplicated DMS headers are refused', async (t) => {
    const url = await startProxy(t, 'node', { allow: ALLOW, target: emu.url });
    const get = signedFor(emu, url, 'ListTaskFlowInstance', LIST_PARAMS, { method: 'GET' });
    const path = new URL(get.url).pathname + new URL(get.url).search;
    const { port } = new URL(url);
    const text = await nothingReaches(emu, () =>
      headOnly(url, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Acs-Action: StopTaskFlowInstance\r\nx-acs-action: DeleteTaskFlow\r\nConnection: close\r\n\r\n`),
    );
    assert.match(text, /^HTTP\/1\.1 400 /);
  });

  test('a body already read by a body parser is reported, not forwarded empty', async (t) => {
    const middleware = createNodeProxy({ allow: ALLOW, target: emu.url });
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => middleware(req, res));
    });
    const url = await listen(server);
    t.after(() => closeServer(server));
    const post = signedFor(emu, url, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' });
    const response = await nothingReaches(emu, () => send(post));
    assert.equal(response.status, 500);
    assert.match((await json(response)).Message, /body parser/);
  });
});

describe('fetch shape only (called directly with Request)', () => {
  const TARGET = 'http://dms.invalid';

  /** A stand-in fetch: records each call and answers `answer()`. */
  function stubFetch(answer = () => new Response('{"Success":true}', { status: 200, headers: { 'content-type': 'application/json' } })) {
    const calls = [];
    const fn = async (url, init) => {
      calls.push({ url, init });
      return answer(url, init);
    };
    return { fn, calls };
  }

  const formPost = (url, body, headers = {}) =>
    new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

  test('forwards to target + "/" with redirect: manual, the query as received and only the DMS headers; relays two headers', async () => {
    const stub = stubFetch(() => new Response('{"Success":true}', {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-acs-request-id': 'R-1', 'set-cookie': 'a=b', 'x-other': '1' },
    }));
    const handle = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET, fetch: stub.fn });
    const body = 'Action=StopTaskFlowInstance&DagId=1';
    const ok = await handle(formPost('https://console.example/api/dms/?x=%7E+1', body, { cookie: 'c=1', 'x-acs-foo': 'f', accept: 'application/json', 'x-forwarded-for': '1.2.3.4' }));
    assert.equal(ok.status, 200);
    assert.deepEqual([...ok.headers], [['content-type', 'application/json'], ['x-acs-request-id', 'R-1']]);
    assert.equal(stub.calls.length, 1);
    const { url, init } = stub.calls[0];
    assert.equal(url, `${TARGET}/?x=%7E+1`);
    assert.equal(init.method, 'POST');
    assert.equal(init.redirect, 'manual');
    assert.equal(new TextDecoder().decode(init.body), body);
    assert.deepEqual([...new Headers(init.headers)].map(([name]) => name).sort(), ['accept', 'content-type', 'x-acs-foo']);
  });

  test('traversal forms as a Request carries them are answered 404', async () => {
    const stub = stubFetch();
    const handle = createFetchProxy({ allow: ['ListTaskFlowInstance'], target: TARGET, fetch: stub.fn });
    for (const path of ['/api/dms/../x', '/api/dms/%2e%2e/', '/api/dms//x', '/api/dmsx', '/api/dms/x', '/api/dms%2f', '/', '/api/dms/..%2f']) {
      const response = await handle(new Request(`https://console.example${path}?Action=ListTaskFlowInstance`));
      assert.equal(response.status, 404, path);
    }
    assert.equal(stub.calls.length, 0);
  });

  test('413: a declared Content-Length, a stream without one, and a custom maxBodyBytes (exactly the limit passes)', async () => {
    const stub = stubFetch();
    const handle = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET, fetch: stub.fn });
    const declared = await handle(formPost('https://c.example/api/dms', 'Action=StopTaskFlowInstance', { 'content-length': '999999' }));
    assert.equal(declared.status, 413);
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x61));
      },
    }); // endless: the proxy must stop reading
    const streamed = await handle(new Request('https://c.example/api/dms', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: stream, duplex: 'half',
    }));
    assert.equal(streamed.status, 413);

    const body = 'Action=StopTaskFlowInstance&DagId=1';
    const exact = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET, fetch: stub.fn, maxBodyBytes: body.length });
    assert.equal((await exact(formPost('https://c.example/api/dms', body))).status, 200);
    assert.equal((await exact(formPost('https://c.example/api/dms', `${body}1`))).status, 413);
    assert.equal(stub.calls.length, 1);
  });

  test('the default fetch is globalThis.fetch, looked up at each request', async () => {
    const handle = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET });
    const original = globalThis.fetch;
    const urls = [];
    try {
      globalThis.fetch = async (url) => {
        urls.push(url);
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      };
      assert.equal((await handle(formPost('https://c.example/api/dms/', 'Action=StopTaskFlowInstance'))).status, 200);
      globalThis.fetch = async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.1:443 secret');
      };
      const failed = await handle(formPost('https://c.example/api/dms/', 'Action=StopTaskFlowInstance'));
      assert.equal(failed.status, 502);
      assert.doesNotMatch(await failed.text(), /ECONNREFUSED|secret|10\.0\.0\.1/);
    } finally {
      globalThis.fetch = original;
    }
    assert.deepEqual(urls, [`${TARGET}/`]);
  });

  test('a custom prefix, and other statuses relayed as they are', async () => {
    const stub = stubFetch(() => new Response(null, { status: 204, headers: { 'x-acs-request-id': 'R-2' } }));
    const handle = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: 'http://127.0.0.1:9/', prefix: '/console/dms/', fetch: stub.fn });
    const response = await handle(formPost('https://c.example/console/dms', 'Action=StopTaskFlowInstance'));
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('x-acs-request-id'), 'R-2');
    assert.equal(stub.calls[0].url, 'http://127.0.0.1:9/');
    assert.equal((await handle(formPost('https://c.example/api/dms/', 'Action=StopTaskFlowInstance'))).status, 404);
    const root = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET, prefix: '/', fetch: stub.fn });
    assert.equal((await root(formPost('https://c.example/', 'Action=StopTaskFlowInstance'))).status, 204);
    assert.equal((await root(formPost('https://c.example/x', 'Action=StopTaskFlowInstance'))).status, 404);
  });

  test('an ACS3 Authorization in any case makes it V3 (as the gateway reads it): an Action in its body is refused', async () => {
    const stub = stubFetch();
    const handle = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET, fetch: stub.fn });
    for (const authorization of ['acs3-hmac-sha256 Credential=x', 'Acs3-HMAC-SHA256 Credential=x']) {
      const response = await handle(formPost('https://c.example/api/dms/', 'Action=StopTaskFlowInstance', { authorization, 'x-acs-action': 'StopTaskFlowInstance' }));
      assert.equal(response.status, 400, authorization);
    }
    assert.equal(stub.calls.length, 0);
  });

  test('malformed input is a 400, never forwarded', async () => {
    const stub = stubFetch();
    const handle = createFetchProxy({ allow: ['StopTaskFlowInstance'], target: TARGET, fetch: stub.fn });
    const cases = [
      formPost('https://c.example/api/dms/', 'Action=StopTaskFlowInstance&Bad=%zz'),
      formPost('https://c.example/api/dms/', 'Action=Stop%E0%A4'),
      formPost('https://c.example/api/dms/', 'Action=stopTaskFlowInstance'),
      new Request('https://c.example/api/dms/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Action=StopTaskFlowInstance' }),
      new Request('https://c.example/api/dms/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"Action":"StopTaskFlowInstance"}' }),
      new Request('https://c.example/api/dms/?Action=StopTaskFlowInstance', { method: 'POST' }),
      new Request('https://c.example/api/dms/'),
      new Request('https://c.example/api/dms/?Action=StopTaskFlowInstance&x=%'),
    ];
    for (const request of cases) {
      const response = await handle(request);
      assert.equal(response.status, 400, `${request.method} ${request.url}`);
    }
    assert.equal(stub.calls.length, 0);
  });
});

describe('options', () => {
  const bad = [
    undefined,
    null,
    {},
    { allow: [] },
    { allow: 'StopTaskFlowInstance' },
    { allow: ['stopTaskFlowInstance'] },
    { allow: ['Stop TaskFlowInstance'] },
    { allow: [`A${'b'.repeat(64)}`] },
    { allow: [42] },
    { allow: ALLOW, target: 'https://dms-enterprise.aliyuncs.com/api' },
    { allow: ALLOW, target: 'https://dms-enterprise.aliyuncs.com/?x=1' },
    { allow: ALLOW, target: 'https://user:pw@dms-enterprise.aliyuncs.com' },
    { allow: ALLOW, target: 'ftp://dms-enterprise.aliyuncs.com' },
    { allow: ALLOW, target: 'dms-enterprise.aliyuncs.com' },
    { allow: ALLOW, target: 42 },
    { allow: ALLOW, prefix: 'api/dms' },
    { allow: ALLOW, prefix: '/api/../dms' },
    { allow: ALLOW, prefix: '/api//dms' },
    { allow: ALLOW, prefix: '/api/%64ms' },
    { allow: ALLOW, prefix: '' },
    { allow: ALLOW, prefix: 'api' },
    { allow: ALLOW, maxBodyBytes: -1 },
    { allow: ALLOW, maxBodyBytes: 1.5 },
    { allow: ALLOW, maxBodyBytes: '65536' },
    { allow: ALLOW, fetch: 'fetch' },
    { allow: ALLOW, allowed: ['DeleteTaskFlow'] },
  ];

  for (const [name, create] of [['createFetchProxy', createFetchProxy], ['createNodeProxy', createNodeProxy]]) {
    test(`${name} refuses malformed options with a TypeError`, () => {
      for (const options of bad) assert.throws(() => create(options), TypeError, JSON.stringify(options));
    });

    test(`${name} accepts well-formed options`, () => {
      assert.equal(typeof create({ allow: ALLOW }), 'function');
      assert.equal(typeof create({ allow: ['ListTaskFlowInstance'], target: 'http://127.0.0.1:1234/', prefix: '/api/dms/', maxBodyBytes: 0, fetch }), 'function');
      assert.equal(typeof create({ allow: ALLOW, target: 'HTTPS://DMS-ENTERPRISE.ALIYUNCS.COM', prefix: '/' }), 'function');
    });
  }
});

// ---------------------------------------------------------------------------------------
// Any runtime: no Node imports, and the same answers in Deno and Bun

describe('portability', () => {
  test('the shipped module imports nothing and uses no Node globals', () => {
    const source = readFileSync(proxyModulePath, 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /^\s*import\s/m);
    assert.doesNotMatch(code, /\bimport\s*\(/);
    assert.doesNotMatch(code, /\brequire\s*\(/);
    assert.doesNotMatch(code, /\b(process|Buffer|__dirname|__filename|global)\b/);
    assert.doesNotMatch(code, /node:/);
  });

  const runtimes = [
    ['deno', (script, emu) => [['run', '--no-remote', '--no-prompt', `--allow-net=${new URL(emu.url).host}`, script], { DENO_NO_UPDATE_CHECK: '1' }]],
    ['bun', (script) => [['run', '--no-install', '--no-env-file', script], {}]],
  ];
  for (const [name, command] of runtimes) {
    const skip = existsSync(binary(name)) ? false : `node_modules/.bin/${name} is not installed`;
    test(`${name}: the fetch handler forwards an allowed action to the emulator and refuses others`, { timeout: 60_000, skip }, async (t) => {
      const emu = await startEmulator({ port: 0 });
      t.after(() => emu.close());
      const dir = mkdtempSync(join(tmpdir(), `dms-proxy-${name}-`));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const sign = (action, params) =>
        esm.signRequest({ accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret, endpoint: 'http://console.test/api/dms' }, action, params, { method: 'GET' }).url;
      const input = { target: emu.url, allowed: sign('ListTaskFlowInstance', LIST_PARAMS), refused: sign('DeleteTaskFlow', { DagId: '1001' }) };
      const script = join(dir, 'proxy-check.mjs');
      writeFileSync(script, `import { createFetchProxy } from ${JSON.stringify(pathToFileURL(proxyModulePath).href)};
const input = ${JSON.stringify(input)};
const handle = createFetchProxy({ allow: ['ListTaskFlowInstance'], target: input.target });
const ok = await handle(new Request(input.allowed));
const okBody = await ok.json();
const refused = await handle(new Request(input.refused));
const refusedBody = await refused.json();
const other = await handle(new Request('http://console.test/api/dms/x'));
console.log(JSON.stringify({ ok: ok.status, success: okBody.Success, headers: [...ok.headers.keys()].sort(), refused: refused.status, code: refusedBody.Code, other: other.status }));
`);
      const [args, env] = command(script, emu);
      const before = emu.requests.length;
      const run = await runProcess(t, binary(name), args, { cwd: dir, env: childEnv({ DENO_DIR: join(dir, 'deno-dir'), ...env }), timeoutMs: 50_000 });
      assert.equal(run.code, 0, run.describe());
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
      assert.deepEqual(result, { ok: 200, success: true, headers: ['content-type', 'x-acs-request-id'], refused: 403, code: 'Forbidden.Action', other: 404 });
      assert.equal(emu.requests.length, before + 1);
      assert.equal(emu.requests.at(-1).action, 'ListTaskFlowInstance');
    });
  }
});

// ---------------------------------------------------------------------------------------
// The declarations, as a TypeScript user meets them

describe('types', () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const typeRoots = fileURLToPath(new URL('../node_modules/@types', import.meta.url));
  const usage = `import { createFetchProxy, createNodeProxy, type ProxyOptions } from 'dms-taskflow/proxy';
const options: ProxyOptions = { allow: ['StopTaskFlowInstance'], target: 'http://127.0.0.1:8080', prefix: '/api/dms', maxBodyBytes: 65536, fetch };
export const handle: (request: Request) => Promise<Response> = createFetchProxy(options);
export const middleware = createNodeProxy({ allow: ['ListTaskFlowInstance'] as const });
// @ts-expect-error allow is required
createFetchProxy({ target: 'https://dms-enterprise.aliyuncs.com' });
// @ts-expect-error maxBodyBytes is a number
createNodeProxy({ allow: ['StopTaskFlowInstance'], maxBodyBytes: '1' });
`;
  const withNode = `import http from 'node:http';
import { createNodeProxy } from 'dms-taskflow/proxy';
const middleware = createNodeProxy({ allow: ['StopTaskFlowInstance'] });
http.createServer((req, res) => middleware(req, res));
http.createServer((req, res) => middleware(req, res, () => res.end()));
`;
  const settings = [
    ['node16, ESM', { module: 'node16', moduleResolution: 'node16', types: [] }, 'usage.mts', usage],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler', types: [] }, 'usage.ts', usage],
    ['node16, ESM, with node:http', { module: 'node16', moduleResolution: 'node16', types: ['node'], typeRoots: [typeRoots] }, 'usage.mts', withNode],
  ];
  for (const [name, options, file, text] of settings) {
    test(`tsc --strict accepts dms-taskflow/proxy (${name})`, { timeout: 60_000 }, () => {
      const dir = join(consumerDir, 'types-check', `proxy-${name.replace(/\W+/g, '-')}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, file), text);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], skipLibCheck: false, ...options },
        files: [file],
      }));
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      } catch (error) {
        assert.fail(`tsc reported:\n${error.stdout}${error.stderr}`);
      }
    });
  }
});
