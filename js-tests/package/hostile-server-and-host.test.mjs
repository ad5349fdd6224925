// What a hostile server (or proxy) and a hostile host must not do to a call, one test per
// finding of the review behind it: huge and endless answers, a credentials function that
// never settles, secrets echoed in any field or encoding, a one-letter key id, impossible
// dates, repeated JSON keys, host functions that throw, numbers a double cannot hold and
// JSON parameters that are not JSON. Servers bind to 127.0.0.1 on ephemeral ports and stop
// themselves; every case runs against the installed tarball, CommonJS and ESM. The two
// cases whose defect was a call that never settles have a timeout, so they fail, not hang.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { inspect } from 'node:util';

import { loadPackage } from '../support/load-package.mjs';
import { TIMESTAMP_RE } from '../support/assertions.mjs';

const { variants } = await loadPackage();

const KEY_ID = 'LTAIscanKeyId42';
const SECRET = 'scan-Secret/Value+01=';
// Real STS tokens run to hundreds of characters: longer than any excerpt or message window.
const TOKEN = `CAIS${'Abc/Def+Ghi=Jkl'.repeat(80)}End`;
const CREDENTIALS = { accessKeyId: KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN };
const LIST = { dagId: 1, pageIndex: 1, pageSize: 10 };
const OK_BODY = JSON.stringify({ RequestId: 'R-OK', Success: true });

/** A server on 127.0.0.1 answering with `handler(req, res, body)`; closed after the file. */
async function serve(handler) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      requests.push({ headers: req.headers, body, params: new URLSearchParams(body) });
      handler(req, res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  return { url: `http://127.0.0.1:${server.address().port}/`, requests, server };
}

const json = (status, body, headers = {}) => (req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

// --- every encoding of every secret ------------------------------------------------------

/** RFC 3986 percent-encoding (what the gateway echoes), upper-case hex. */
const percent = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Every form a secret may take on the way back: case variants, encoded once or twice (either hex case), JSON-escaped, form-encoded. */
function encodings(secret) {
  const once = percent(secret);
  const twice = percent(once);
  return [secret, secret.toUpperCase(), secret.toLowerCase(), once, once.toLowerCase(), twice, twice.toLowerCase(), secret.replaceAll('/', '\\/'), secret.replaceAll(' ', '+')];
}

/** Whether `text` shows any form of the credentials (the key id only as a whole token). */
function leaks(text) {
  const lowered = String(text).toLowerCase();
  for (const secret of [SECRET, TOKEN]) {
    for (const form of encodings(secret)) if (lowered.includes(form.toLowerCase())) return `a form of ${secret === TOKEN ? 'the token' : 'the secret'}`;
  }
  for (const form of encodings(KEY_ID)) {
    const escaped = form.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(lowered)) return 'a form of the key id';
  }
  return null;
}

/** Every string a user can reach from an error: message, fields, cause chain, renderings. */
function reachableStrings(error) {
  const out = [];
  for (let link = error, depth = 0; link !== undefined && link !== null && depth < 8; link = link.cause, depth += 1) {
    if (typeof link !== 'object') {
      out.push(String(link));
      break;
    }
    for (const key of ['message', 'code', 'requestId', 'hostId', 'recommend', 'stack']) if (link[key] !== undefined) out.push(String(link[key]));
  }
  out.push(JSON.stringify(error), inspect(error, { depth: 8 }), String(error));
  return out;
}

function assertNothingLeaks(strings, label) {
  for (const text of strings) {
    const leak = leaks(text);
    assert.equal(leak, null, `${label} shows ${leak}`);
  }
}

// A token placed where a window or a cut may fall: at the start, at the excerpt's edge,
// past the old 480-character window, deep in a long message.
const POSITIONS = [0, 100, 115, 470, 600, 4000];

for (const [variant, { DmsClient, DmsError }] of variants) {
  describe(`${variant}: a hostile server`, () => {
    test('item 1: an 8 MB answer is refused unread, within the deadline, and wasm memory stays bounded', async () => {
      const big = JSON.stringify({ RequestId: 'R', Success: true, Data: 'x'.repeat(8 * 1024 * 1024) });
      const { url } = await serve((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: streamed
        res.write(big.slice(0, 1 << 20));
        res.end(big.slice(1 << 20));
      });
      const { wasmMemoryBytes } = variant === 'cjs' ? variants[0][1] : variants[1][1];
      const before = wasmMemoryBytes();
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, timeoutMs: 1000 });
      const started = performance.now();
      const { error } = await settle(client.listTaskFlowInstance(LIST));
      const elapsed = performance.now() - started;
      assert.ok(error instanceof DmsError);
      assert.equal(error.code, 'InvalidResponse');
      assert.match(error.message, /larger than the 1048576 bytes read of an answer \(more than 1048576 bytes\)/);
      assert.equal(error.retryable, false);
      assert.ok(elapsed < 1000 + 500, `settled ${Math.round(elapsed)} ms after the call began`);
      assert.ok(wasmMemoryBytes() - before < 16 * 1024 * 1024, `wasm memory grew by ${wasmMemoryBytes() - before} bytes`);
    });

    test('item 2: an endless answer is cancelled at the budget and not retried', async () => {
      let written = 0;
      let closed = false;
      const { url, requests } = await serve((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"RequestId":"R","Success":true,"Data":"');
        const chunk = 'y'.repeat(64 * 1024);
        const pump = () => {
          // Bounded: the test server stops by itself after 64 MiB.
          while (!closed && written < 64 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => {
          closed = true;
        });
        pump();
      });
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, maxAttempts: 3, retryBaseDelayMs: 0 });
      const { error } = await settle(client.listTaskFlowInstance(LIST));
      assert.equal(error?.code, 'InvalidResponse');
      assert.match(error.message, /more than 1048576 bytes/);
      assert.equal(requests.length, 1, 'an answer too large is not asked for again');
      // The cancel reaches the server as a closed connection; a loaded machine may take a moment.
      for (let waited = 0; !closed && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(closed, 'the client closed the stream');
      assert.ok(written < 32 * 1024 * 1024, `the server wrote ${written} bytes before the client stopped reading`);
    });

    test('item 2: an answer that declares a content-length over the budget is not read', async () => {
      let written = 0;
      const { url, requests } = await serve((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) });
        res.write('{"RequestId":"R","Success":true}');
        written += 32;
        // Never finishes on its own: the client must not wait for the rest.
      });
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, timeoutMs: 5000 });
      const started = performance.now();
      const { error } = await settle(client.listTaskFlowInstance(LIST));
      assert.equal(error?.code, 'InvalidResponse');
      assert.match(error.message, /\(content-length 209715200\)/);
      assert.equal(error.retryable, false);
      assert.equal(requests.length, 1);
      assert.ok(performance.now() - started < 2000, 'refused without waiting for the body');
      assert.equal(written, 32);
    });

    test('items 4 and 5: no field, cause, rendering or hook payload shows any encoding of the key id, secret or token', async () => {
      const once = percent(TOKEN);
      const answers = [];
      for (const at of POSITIONS) {
        const prefix = 'p'.repeat(at);
        // A gateway-shaped error echoing the credentials in every field.
        answers.push([400, {
          RequestId: `${prefix}${once}`,
          HostId: TOKEN.toLowerCase(),
          Code: `Forbidden.${percent(SECRET).toLowerCase()}`,
          Recommend: `https://api.example/?t=${percent(once)}&k=${KEY_ID}`,
          Message: `${prefix}${TOKEN} ${KEY_ID.toUpperCase()} ${SECRET.toUpperCase()} ${TOKEN.replaceAll('/', '\\/')}`,
        }]);
        // A business failure, and a proxy's HTML page quoting the request.
        answers.push([200, { RequestId: `R-${at}`, Success: false, ErrorCode: `Bad${KEY_ID}`, ErrorMessage: `${prefix}${percent(once).toLowerCase()}` }]);
        answers.push([502, `<html>${prefix}${TOKEN} AccessKeyId=${KEY_ID}&SecurityToken=${once}</html>`]);
      }
      // A success whose RequestId echoes the token: the onResponse payload shows it.
      answers.push([200, { RequestId: once, Success: true }]);
      let next = 0;
      const { url } = await serve((req, res) => {
        const [status, body] = answers[next++];
        res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      });
      const payloads = [];
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, maxAttempts: 1, onResponse: (event) => payloads.push(event), onRequest: (event) => payloads.push(event) });
      for (let i = 0; i < answers.length; i += 1) {
        const { error } = await settle(client.listTaskFlowInstance(LIST));
        if (i === answers.length - 1) {
          assert.equal(error, undefined, 'the last answer is a success');
          continue;
        }
        assert.ok(error instanceof DmsError, `answer ${i}`);
        assertNothingLeaks(reachableStrings(error), `answer ${i}'s error`);
      }
      assert.equal(payloads.length, answers.length * 2);
      assertNothingLeaks(payloads.map((payload) => JSON.stringify(payload)), 'a hook payload');
      assertNothingLeaks(payloads.map((payload) => inspect(payload)), 'a hook payload');
      // What is left of the fields is still useful.
      assert.equal(payloads.at(-1).requestId, '[redacted]');
    });

    test('item 5: a one-letter key id is redacted only where it stands as a word', async () => {
      const { url } = await serve(json(400, { RequestId: 'R1', Code: 'InvalidParameter', Message: 'a value for parameter DagId is invalid: a' }));
      const client = new DmsClient({ accessKeyId: 'a', accessKeySecret: 'b', endpoint: url, maxAttempts: 1 });
      const { error } = await settle(client.listTaskFlowInstance(LIST));
      assert.equal(error.message, '[redacted] value for parameter DagId is invalid: [redacted]');
      assert.equal(error.code, 'InvalidParameter');
      assert.equal(error.requestId, 'R1');
    });

    test('item 6: an impossible Date is not learned as the server clock', async () => {
      const stamps = [];
      const { url } = await serve((req, res, body) => {
        stamps.push(new URLSearchParams(body).get('Timestamp'));
        json(400, { RequestId: 'R', Code: 'InvalidTimeStamp.Expired', Message: 'expired' }, { date: 'Sun, 31 Feb 2024 23:59:60 GMT' })(req, res);
      });
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, maxAttempts: 3 });
      for (let i = 0; i < 2; i += 1) {
        const { error } = await settle(client.listTaskFlowInstance(LIST));
        assert.equal(error?.code, 'InvalidTimeStamp.Expired');
      }
      assert.equal(stamps.length, 2, 'no resend: nothing was learned');
      for (const stamp of stamps) {
        assert.match(stamp, TIMESTAMP_RE);
        assert.ok(Math.abs(Date.parse(stamp) - Date.now()) < 60_000, `signed for ${stamp}, not now`);
      }
    });

    test('item 7: an answer that repeats a key is unreadable, not a success', async () => {
      const { url } = await serve(json(200, '{"RequestId":"FIRST","Success":true,"RequestId":"SECOND","Success":false}'));
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, maxAttempts: 1 });
      const { value, error } = await settle(client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }));
      assert.equal(value, undefined);
      assert.equal(error?.code, 'InvalidResponse');
      assert.match(error.message, /not a JSON object/);
    });

    test('item 9: a number a double cannot hold comes back as its literal, like an id', async () => {
      const { url } = await serve(json(200, '{"RequestId":"R","Success":true,"TotalCount":1e400,"DagInstanceList":{"DAGInstance":[]},"Extra":-1e400,"Small":2.5}'));
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url });
      const result = await client.listTaskFlowInstance(LIST);
      assert.equal(result.totalCount, '1e400');
      assert.equal(result.extra, '-1e400');
      assert.equal(result.small, 2.5);
    });
  });

  describe(`${variant}: a hostile host`, () => {
    test('item 3: a credentials function that never settles fails each call at its deadline, and a later call asks again', { timeout: 20_000 }, async () => {
      const { url, requests } = await serve(json(200, OK_BODY));
      let asked = 0;
      let settleLater = null;
      const client = new DmsClient({
        endpoint: url,
        timeoutMs: 150,
        credentials: () => {
          asked += 1;
          // The first never settles; the third answers.
          if (asked === 1) return new Promise(() => {});
          return new Promise((resolve) => {
            settleLater = () => resolve(CREDENTIALS);
            if (asked >= 3) settleLater();
          });
        },
      });
      for (let round = 1; round <= 2; round += 1) {
        const started = performance.now();
        const { error } = await settle(client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }));
        assert.equal(error?.code, 'Timeout', `round ${round}`);
        assert.ok(performance.now() - started < 1000, 'bounded by the call deadline');
      }
      assert.equal(asked, 2, 'the second call asked again rather than wait on the first');
      const { value } = await settle(client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }));
      assert.equal(value?.success, true);
      assert.equal(asked, 3);
      assert.equal(requests.length, 1);
    });

    test('item 8: Date.now, Math.random and Date.prototype.getTime that throw fail or slow a call, never escape it', { timeout: 20_000 }, async (t) => {
      const { url } = await serve(json(503, { RequestId: 'R', Code: 'ServiceUnavailable', Message: 'busy' }));
      const uncaught = [];
      const onUncaught = (error) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      t.after(() => process.off('uncaughtException', onUncaught));

      // Math.random drives the retry jitter: a throwing one still lets the retries run.
      t.mock.method(Math, 'random', () => {
        throw new Error('Math.random patched (test)');
      });
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url, maxAttempts: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 2, timeoutMs: 3000 });
      const retried = await settle(client.listTaskFlowInstance(LIST));
      assert.equal(retried.error?.code, 'ServiceUnavailable');
      t.mock.restoreAll();

      // A credentials expiration read through a throwing Date.prototype.getTime.
      const getTime = Date.prototype.getTime;
      const expiring = new DmsClient({ endpoint: url, maxAttempts: 1, credentials: () => ({ ...CREDENTIALS, expiration: new Date(Date.now() + 3_600_000) }) });
      Date.prototype.getTime = () => {
        throw new Error('getTime patched (test)');
      };
      let viaGetTime;
      try {
        viaGetTime = await settle(expiring.listTaskFlowInstance(LIST));
      } finally {
        Date.prototype.getTime = getTime;
      }
      assert.ok(viaGetTime.error instanceof DmsError, String(viaGetTime.error));

      // A throwing Date.now: the call cannot be signed, and says so.
      const now = Date.now;
      Date.now = () => {
        throw new Error('Date.now patched (test)');
      };
      let viaNow;
      try {
        viaNow = await settle(client.listTaskFlowInstance(LIST));
      } finally {
        Date.now = now;
      }
      assert.ok(viaNow.error instanceof DmsError);
      assert.equal(viaNow.error.code, 'UnsupportedRuntime');
      assert.match(viaNow.error.message, /Date\.now/);

      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(uncaught, []);
      // The client still works.
      const { url: okUrl } = await serve(json(200, OK_BODY));
      const fine = new DmsClient({ ...CREDENTIALS, endpoint: okUrl });
      assert.equal((await fine.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 })).success, true);
    });

    test('item 9: a JSON parameter that is not JSON is refused before anything is sent', async () => {
      const { url, requests } = await serve(json(200, OK_BODY));
      const client = new DmsClient({ ...CREDENTIALS, endpoint: url });
      for (const [edges, why] of [['not json', 'a string that is not JSON'], ['"a string"', 'the string "a string"'], ['[{"NodeFrom":1,', 'a string that is not JSON']]) {
        const { error } = await settle(client.addTaskFlowEdges({ dagId: 1, edges }));
        assert.equal(error?.code, 'InvalidParameter', edges);
        assert.match(error.message, new RegExp(`^edges must be .*; got ${why}$`), error.message);
      }
      assert.equal(requests.length, 0);
      const { value } = await settle(client.addTaskFlowEdges({ dagId: 1, edges: '[{"NodeFrom":1,"NodeEnd":2}]' }));
      assert.equal(value?.success, true);
    });
  });
}
