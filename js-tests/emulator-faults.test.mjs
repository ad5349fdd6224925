// Tests of the emulator's fault modes (emulator/faults.mjs): what a client
// receives for each fault, how faults are recorded, the order of fault(),
// failNext(), schedule() and faultShare(), setClock, 1,000 concurrent requests,
// and close() with requests that hang. Run: node --test js-tests/emulator-faults.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startEmulator } from '../emulator/index.mjs';
import {
  assertGateway as assertGatewayAnswer,
  assertSuccess,
  call,
  formEncode,
  post,
  runNode,
  signedParams,
  withEmulator,
} from './support/emulator-requests.mjs';

const MINUTE = 60 * 1000;
const INDEX_URL = new URL('../emulator/index.mjs', import.meta.url).href;

// --- helpers ----------------------------------------------------------------
// Requests are signed and sent with ./support/emulator-requests.mjs:
// signedParams(action, opParams, { timeMs, nonce, secret, ... }) and post(url, params, { signal }).

/** A gateway error, its x-acs-request-id header included. */
const assertGateway = (res, status, code) => assertGatewayAnswer(res, status, code, { requestIdHeader: true });

/** A signed StopTaskFlowInstance of dagId/dagInstanceId (other options: see signedParams, signal). */
function stop(emu, dagId, dagInstanceId, options = {}) {
  return call(emu, 'StopTaskFlowInstance', { DagId: dagId, DagInstanceId: dagInstanceId }, options);
}

function assertNotJson(text) {
  assert.throws(() => JSON.parse(text), SyntaxError);
}

/** ms between a Date header and the given time. */
const dateOffset = (res, fromMs) => Date.parse(res.headers.get('date')) - fromMs;

async function waitFor(condition, what, timeoutMs = 5000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Adds `count` running instances under task flow `dagId`, ids 1..count. */
function addRunning(emu, dagId, count) {
  for (let i = 1; i <= count; i++) emu.addInstance({ dagId, dagInstanceId: String(i), status: 'running', dagVersion: '1' });
}

// --- each fault -----------------------------------------------------------------

describe('fault kinds: what the client receives, and the record', () => {
  test('status: 500/502/503/504 gateway errors with the default codes, or the given ones; nothing changes', async () => {
    await withEmulator({}, async (emu) => {
      const expected = { 500: 'InternalError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout' };
      for (const [status, code] of Object.entries(expected)) {
        emu.fault({ kind: 'status', status: Number(status) });
        const res = await stop(emu, '1001', '5001');
        assertGateway(res, Number(status), code);
        assert.equal(res.json.Recommend, `https://api.aliyun.com/troubleshoot?q=${code}&product=dms-enterprise`);
      }
      emu.fault({ kind: 'status', status: 503, code: 'ServiceUnavailable.Busy', message: 'try later' });
      const custom = await stop(emu, '1001', '5001');
      assertGateway(custom, 503, 'ServiceUnavailable.Busy');
      assert.equal(custom.json.Message, 'try later');
      emu.fault({ kind: 'status' }); // 503 by default
      assertGateway(await stop(emu, '1001', '5001'), 503, 'ServiceUnavailable');

      assert.equal(emu.getInstance('1001', '5001').status, 'running', 'a faulted request is not processed');
      assert.deepEqual(
        emu.requests.map((r) => [r.fault, r.status, r.code, r.action]),
        [
          ['status', 500, 'InternalError', 'StopTaskFlowInstance'],
          ['status', 502, 'BadGateway', 'StopTaskFlowInstance'],
          ['status', 503, 'ServiceUnavailable', 'StopTaskFlowInstance'],
          ['status', 504, 'GatewayTimeout', 'StopTaskFlowInstance'],
          ['status', 503, 'ServiceUnavailable.Busy', 'StopTaskFlowInstance'],
          ['status', 503, 'ServiceUnavailable', 'StopTaskFlowInstance'],
        ],
      );
      assertSuccess(await stop(emu, '1001', '5001'));
      assert.equal(emu.requests.at(-1).fault, null);
    });
  });

  test('throttle: HTTP 400 Throttling.User (or Throttling, Throttling.Api) with the gateway message', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'throttle' });
      const user = await stop(emu, '1001', '5001');
      assertGateway(user, 400, 'Throttling.User');
      assert.equal(user.json.Message, 'Request was denied due to user flow control.');
      emu.fault({ kind: 'throttle', code: 'Throttling' });
      assertGateway(await stop(emu, '1001', '5001'), 400, 'Throttling');
      emu.fault({ kind: 'throttle', code: 'Throttling.Api' });
      const api = await stop(emu, '1001', '5001');
      assertGateway(api, 400, 'Throttling.Api');
      assert.equal(api.json.Message, 'Request was denied due to api flow control.');
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.code]), [
        ['throttle', 'Throttling.User'],
        ['throttle', 'Throttling'],
        ['throttle', 'Throttling.Api'],
      ]);
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });

  test('hang: the request is read and recorded, never answered; the client times out; the server goes on', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'hang' });
      const started = Date.now();
      const params = signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' });
      await assert.rejects(post(emu.url, params, { signal: AbortSignal.timeout(300) }), (error) => {
        assert.equal(error.name, 'TimeoutError');
        return true;
      });
      assert.ok(Date.now() - started >= 250, 'it waited for the timeout');
      const [record] = emu.requests;
      assert.equal(record.fault, 'hang');
      assert.equal(record.status, null);
      assert.equal(record.action, 'StopTaskFlowInstance');
      assert.equal(record.nonce, params.SignatureNonce);
      assert.equal(record.timestamp, params.Timestamp);
      assert.deepEqual(record.params, params);
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      assertSuccess(await stop(emu, '1001', '5001'));
    });
  });

  test('reset: the connection is reset without an answer; fetch rejects; the next request works', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'reset' }, { times: 2 });
      for (let i = 0; i < 2; i++) {
        await assert.rejects(stop(emu, '1001', '5001'), (error) => {
          assert.equal(error.name, 'TypeError'); // 'fetch failed', the socket error as its cause
          assert.ok(error.cause, 'a cause');
          return true;
        });
      }
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status, r.action]), [
        ['reset', null, 'StopTaskFlowInstance'],
        ['reset', null, 'StopTaskFlowInstance'],
      ]);
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      assertSuccess(await stop(emu, '1001', '5001'));
    });
  });

  test('truncated: a well-formed 200 whose body is half a JSON object', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'truncated' });
      const res = await stop(emu, '1001', '5001');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json;charset=utf-8');
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(res.text));
      assert.ok(res.text.startsWith('{"RequestId":"'), res.text);
      assert.ok(res.text.length > 10);
      assertNotJson(res.text);
      assert.equal(emu.requests[0].fault, 'truncated');
      assert.equal(emu.requests[0].status, 200);
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });

  test('html: an nginx error page, 502 by default', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'html' });
      const res = await stop(emu, '1001', '5001');
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'text/html');
      assert.equal(res.headers.get('server'), 'nginx');
      assert.match(res.text, /<title>502 Bad Gateway<\/title>/);
      assert.match(res.text, /<center>nginx<\/center>/);
      assertNotJson(res.text);
      emu.fault({ kind: 'html', status: 504 });
      const timeout = await stop(emu, '1001', '5001');
      assert.equal(timeout.status, 504);
      assert.match(timeout.text, /504 Gateway Timeout/);
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status]), [['html', 502], ['html', 504]]);
    });
  });

  test('empty: an empty body, 200 by default', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'empty' });
      const res = await stop(emu, '1001', '5001');
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      assert.equal(res.headers.get('content-length'), '0');
      emu.fault({ kind: 'empty', status: 503 });
      const unavailable = await stop(emu, '1001', '5001');
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.text, '');
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status]), [['empty', 200], ['empty', 503]]);
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });

  test('huge: 5 MB by default of a JSON string never closed; bytes and status can be set', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'huge' });
      const res = await stop(emu, '1001', '5001');
      assert.equal(res.status, 200);
      assert.equal(Buffer.byteLength(res.text), 5 * 1024 * 1024);
      assert.equal(res.headers.get('content-length'), String(5 * 1024 * 1024));
      assert.ok(res.text.startsWith('{"RequestId":"'));
      assertNotJson(res.text);
      emu.fault({ kind: 'huge', bytes: 12 * 1024 * 1024, status: 502 });
      const bigger = await stop(emu, '1001', '5001');
      assert.equal(bigger.status, 502);
      assert.equal(bigger.text.length, 12 * 1024 * 1024);
      emu.fault({ kind: 'huge', bytes: 5 });
      const tiny = await stop(emu, '1001', '5001');
      assert.equal(tiny.text, '{"Req');
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status]), [['huge', 200], ['huge', 502], ['huge', 200]]);
      assertSuccess(await stop(emu, '1001', '5001'));
    });
  });

  test('slow-body: headers and half the body at once, the rest after delayMs; the request is processed', async () => {
    await withEmulator({}, async (emu) => {
      const delayMs = 600;
      emu.fault({ kind: 'slow-body', delayMs });
      const started = Date.now();
      const res = await fetch(emu.url, {
        method: 'POST',
        body: formEncode(signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' })),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started < delayMs, 'headers arrive before the delay');
      const length = Number(res.headers.get('content-length'));
      const reader = res.body.getReader();
      const chunks = [];
      const first = await reader.read();
      assert.ok(Date.now() - started < delayMs, 'the first bytes arrive before the delay');
      assert.ok(first.value.length > 0 && first.value.length < length);
      chunks.push(first.value);
      for (let part = await reader.read(); !part.done; part = await reader.read()) chunks.push(part.value);
      assert.ok(Date.now() - started >= delayMs - 20, `the rest arrives after the delay (${Date.now() - started} ms)`);
      const text = Buffer.concat(chunks).toString('utf8');
      assert.equal(Buffer.byteLength(text), length);
      const json = JSON.parse(text);
      assert.equal(json.Success, true);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped', 'processed before the answer was sent');
      assert.deepEqual([emu.requests[0].fault, emu.requests[0].status, emu.requests[0].success], ['slow-body', 200, true]);
    });
  });

  test('slow-body: a client timeout aborts the body, yet the state changed', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'slow-body', delayMs: 5000 });
      const started = Date.now();
      await assert.rejects(stop(emu, '1001', '5001', { signal: AbortSignal.timeout(200) }), (error) => {
        assert.equal(error.name, 'TimeoutError');
        return true;
      });
      assert.ok(Date.now() - started < 2000);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      const again = await stop(emu, '1001', '5001');
      assert.equal(again.json.ErrorCode, 'InvalidStatus', 'a retry sees the stop already done');
    });
  });

  test('skewed-clock: checked against clock() + offsetMs, with the Date header of that clock', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'skewed-clock', offsetMs: 20 * MINUTE });
      const expired = await stop(emu, '1001', '5001');
      assertGateway(expired, 400, 'InvalidTimeStamp.Expired');
      const skew = dateOffset(expired, Date.now());
      assert.ok(Math.abs(skew - 20 * MINUTE) < 5000, `Date is 20 min ahead: ${skew} ms`);

      // Within the 15 minutes: processed, still with the skewed Date.
      emu.fault({ kind: 'skewed-clock', offsetMs: -10 * MINUTE });
      const ok = await stop(emu, '1001', '5001');
      assertSuccess(ok);
      assert.ok(Math.abs(dateOffset(ok, Date.now()) + 10 * MINUTE) < 5000);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');

      // A client that corrects its clock from the Date header gets through.
      emu.fault({ kind: 'skewed-clock', offsetMs: 20 * MINUTE });
      const corrected = await stop(emu, '1001', '5002', { timeMs: Date.parse(expired.headers.get('date')) });
      assertSuccess(corrected);

      const normal = await stop(emu, '1001', '5003');
      assert.ok(Math.abs(dateOffset(normal, Date.now())) < 5000, 'later requests use the real clock');
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status, r.code]), [
        ['skewed-clock', 400, 'InvalidTimeStamp.Expired'],
        ['skewed-clock', 200, null],
        ['skewed-clock', 200, null],
        [null, 200, null],
      ]);
    });
  });

  test('cached-expired: InvalidTimeStamp.Expired with a skewed Date and an Age header, nothing checked', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'cached-expired', offsetMs: -30 * MINUTE });
      const res = await stop(emu, '1001', '5001', { secret: 'wrong secret' });
      assertGateway(res, 400, 'InvalidTimeStamp.Expired');
      assert.equal(res.headers.get('age'), '120');
      assert.ok(Math.abs(dateOffset(res, Date.now()) + 30 * MINUTE) < 5000);
      emu.fault({ kind: 'cached-expired', offsetMs: 16 * MINUTE, age: 7 });
      const other = await stop(emu, '1001', '5001');
      assert.equal(other.headers.get('age'), '7');
      assert.ok(Math.abs(dateOffset(other, Date.now()) - 16 * MINUTE) < 5000);
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.code]), [
        ['cached-expired', 'InvalidTimeStamp.Expired'],
        ['cached-expired', 'InvalidTimeStamp.Expired'],
      ]);
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      // Normal answers carry no Age.
      const normal = await stop(emu, '1001', '5001');
      assertSuccess(normal);
      assert.equal(normal.headers.get('age'), null);
    });
  });

  test('nonce-used: 400 SignatureNonceUsed for a fresh nonce, which is not consumed', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'nonce-used' });
      const params = signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' });
      assertGateway(await post(emu.url, params), 400, 'SignatureNonceUsed');
      // Nothing was checked or recorded: the very same request now goes through.
      assertSuccess(await post(emu.url, params));
      assertGateway(await post(emu.url, params), 400, 'SignatureNonceUsed'); // the real check, this time
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.code, r.nonce]), [
        ['nonce-used', 'SignatureNonceUsed', params.SignatureNonce],
        [null, null, params.SignatureNonce],
        [null, 'SignatureNonceUsed', params.SignatureNonce],
      ]);
    });
  });

  test('raw: the failNext answer, as a fault', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'raw', status: 418, body: 'teapot', headers: { 'Content-Type': 'text/plain' } }, { times: 2 });
      for (let i = 0; i < 2; i++) {
        const res = await stop(emu, '1001', '5001');
        assert.equal(res.status, 418);
        assert.equal(res.text, 'teapot');
        assert.equal(res.headers.get('content-type'), 'text/plain');
      }
      emu.failNext({ status: 503, body: { Code: 'ServiceUnavailable' } });
      assert.equal((await stop(emu, '1001', '5001')).status, 503);
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status, r.code]), [
        ['raw', 418, null],
        ['raw', 418, null],
        ['raw', 503, 'ServiceUnavailable'],
      ]);
    });
  });

  test('faults apply before any check: a wrong path or method still gets the fault and is recorded', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'status', status: 502 });
      const res = await fetch(emu.url + '/elsewhere', { method: 'PUT', body: 'x' });
      assert.equal(res.status, 502);
      await res.text();
      assert.deepEqual([emu.requests[0].method, emu.requests[0].path, emu.requests[0].fault], ['PUT', '/elsewhere', 'status']);
    });
  });
});

// --- ordering, records, clock -------------------------------------------------------

describe('fault plans and records', () => {
  test('a retry loop: every retry is recorded with its fault, a new nonce and a fresh Timestamp', async () => {
    await withEmulator({}, async (emu) => {
      emu.schedule([{ kind: 'status', status: 503 }, { kind: 'throttle' }, { kind: 'reset' }, { kind: 'truncated' }]);
      const sent = [];
      let result;
      for (let attempt = 0; attempt < 6 && !result; attempt++) {
        // A client builds (and signs) each attempt anew, one second apart here.
        const params = signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }, { timeMs: Date.now() + attempt * 1000 });
        sent.push(params);
        try {
          const res = await post(emu.url, params);
          if (res.json?.Success === true) result = res;
        } catch {
          // reset: try again
        }
      }
      assertSuccess(result);
      assert.equal(emu.requestCount, 5);
      assert.deepEqual(emu.requests.map((r) => r.fault), ['status', 'throttle', 'reset', 'truncated', null]);
      assert.deepEqual(emu.nonces, sent.map((p) => p.SignatureNonce));
      assert.equal(new Set(emu.nonces).size, 5, 'every retry carried a new nonce');
      const stamps = emu.requests.map((r) => r.timestamp);
      assert.deepEqual(stamps, sent.map((p) => p.Timestamp));
      for (let i = 1; i < stamps.length; i++) assert.ok(Date.parse(stamps[i]) > Date.parse(stamps[i - 1]), 'a fresh Timestamp each time');
    });
  });

  test('fault, failNext and schedule share one FIFO; times; null slots answer normally', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'throttle' }, { times: 2 });
      emu.failNext({ status: 500, body: 'x' });
      emu.schedule([null, { kind: 'empty' }, null]);
      emu.fault({ kind: 'status', status: 504 });
      assert.equal(emu.pendingFaults, 7);
      addRunning(emu, '77', 10);
      for (let i = 1; i <= 9; i++) await stop(emu, '77', String(i)).catch(() => {});
      assert.equal(emu.pendingFaults, 0);
      assert.deepEqual(emu.requests.map((r) => [r.fault, r.status]), [
        ['throttle', 400],
        ['throttle', 400],
        ['raw', 500],
        [null, 200],
        ['empty', 200],
        [null, 200],
        ['status', 504],
        [null, 200],
        [null, 200],
      ]);
      // Only the requests answered normally acted.
      const stopped = emu.listInstances().filter((i) => i.dagId === '77' && i.status === 'stopped').map((i) => i.dagInstanceId);
      assert.deepEqual(stopped, ['4', '6', '8', '9']);
    });
  });

  test('CORS preflights use up no fault and are recorded with fault null', async () => {
    await withEmulator({ cors: true }, async (emu) => {
      emu.fault({ kind: 'status', status: 503 });
      emu.faultShare({ kind: 'throttle' }, { every: 1 });
      const preflight = await fetch(emu.url, { method: 'OPTIONS', headers: { Origin: 'http://localhost', 'Access-Control-Request-Method': 'POST' } });
      assert.equal(preflight.status, 204);
      const res = await stop(emu, '1001', '5001');
      assertGateway(res, 503, 'ServiceUnavailable');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assertGateway(await stop(emu, '1001', '5001'), 400, 'Throttling.User');
      assert.deepEqual(emu.requests.map((r) => [r.method, r.fault]), [['OPTIONS', null], ['POST', 'status'], ['POST', 'throttle']]);
    });
  });

  test('faultShare: every n-th request from the call, deterministically, until clearFaults()', async () => {
    await withEmulator({}, async (emu) => {
      await stop(emu, '1001', '5001'); // before the call: not counted
      emu.faultShare({ kind: 'status', status: 503 }, { every: 3 });
      for (let i = 0; i < 9; i++) await stop(emu, '1001', '5004');
      assert.deepEqual(emu.requests.slice(1).map((r) => r.fault), [null, null, 'status', null, null, 'status', null, null, 'status']);

      // The FIFO decides while it holds something; the share keeps counting.
      emu.resetRequests();
      emu.fault({ kind: 'throttle' }, { times: 4 });
      for (let i = 0; i < 6; i++) await stop(emu, '1001', '5004');
      assert.deepEqual(emu.requests.map((r) => r.fault), ['throttle', 'throttle', 'throttle', 'throttle', null, 'status']);

      emu.clearFaults();
      emu.resetRequests();
      for (let i = 0; i < 6; i++) await stop(emu, '1001', '5004');
      assert.deepEqual(emu.requests.map((r) => r.fault), [null, null, null, null, null, null]);

      // Two shares: each counts on its own; the first registered wins a shared turn.
      emu.faultShare({ kind: 'empty' }, { every: 2 });
      emu.faultShare({ kind: 'throttle' }, { every: 3 });
      emu.resetRequests();
      for (let i = 0; i < 6; i++) await stop(emu, '1001', '5004');
      assert.deepEqual(emu.requests.map((r) => r.fault), [null, 'empty', 'throttle', 'empty', null, 'empty']);
      emu.clearFaults();
    });
  });

  test('clearFaults drops pending fault, failNext and schedule entries', async () => {
    await withEmulator({}, async (emu) => {
      emu.fault({ kind: 'hang' }, { times: 3 });
      emu.failNext({ status: 500 });
      emu.schedule([{ kind: 'reset' }]);
      emu.clearFaults();
      assert.equal(emu.pendingFaults, 0);
      assertSuccess(await stop(emu, '1001', '5001'));
    });
  });

  test('setClock changes the clock of every later request; Date follows it; null restores real time', async () => {
    await withEmulator({}, async (emu) => {
      emu.setClock(() => Date.now() + 60 * MINUTE);
      const expired = await stop(emu, '1001', '5001');
      assertGateway(expired, 400, 'InvalidTimeStamp.Expired');
      assert.ok(Math.abs(dateOffset(expired, Date.now()) - 60 * MINUTE) < 5000);
      const corrected = await stop(emu, '1001', '5001', { timeMs: Date.parse(expired.headers.get('date')) });
      assertSuccess(corrected);
      assert.ok(Math.abs(dateOffset(corrected, Date.now()) - 60 * MINUTE) < 5000);
      // A skewed-clock fault adds to the current clock.
      emu.fault({ kind: 'skewed-clock', offsetMs: -60 * MINUTE });
      const back = await stop(emu, '1001', '5002');
      assertSuccess(back);
      assert.ok(Math.abs(dateOffset(back, Date.now())) < 5000);
      emu.setClock(null);
      const normal = await stop(emu, '1001', '5005', {});
      assert.ok(Math.abs(dateOffset(normal, Date.now())) < 5000);
      assert.equal(normal.json.ErrorCode, 'InvalidStatus');
      assert.throws(() => emu.setClock(42), TypeError);
    });
  });

  test('bad specs are refused when given, not when a request arrives', async () => {
    await withEmulator({}, async (emu) => {
      assert.throws(() => emu.fault({ kind: 'explode' }), TypeError);
      assert.throws(() => emu.fault(null), TypeError);
      assert.throws(() => emu.fault({ kind: 'status', status: 404 }), RangeError);
      assert.throws(() => emu.fault({ kind: 'throttle', code: 'Throttling.Other' }), RangeError);
      assert.throws(() => emu.fault({ kind: 'huge', bytes: 0 }), RangeError);
      assert.throws(() => emu.fault({ kind: 'slow-body', delayMs: -1 }), RangeError);
      assert.throws(() => emu.fault({ kind: 'skewed-clock' }), TypeError);
      assert.throws(() => emu.fault({ kind: 'cached-expired', offsetMs: Number.NaN }), TypeError);
      assert.throws(() => emu.fault({ kind: 'raw', headers: { 'bad header': 'x' } }), TypeError);
      assert.throws(() => emu.fault({ kind: 'hang' }, { times: 0 }), RangeError);
      assert.throws(() => emu.schedule({ kind: 'hang' }), TypeError);
      assert.throws(() => emu.schedule([null, { kind: 'nope' }]), /schedule\[1\]/);
      assert.throws(() => emu.faultShare({ kind: 'hang' }, { every: 0 }), RangeError);
      assert.throws(() => emu.faultShare({ kind: 'hang' }), RangeError);
      assert.equal(emu.pendingFaults, 0, 'a refused schedule queues nothing');
      assertSuccess(await stop(emu, '1001', '5001'));
    });
  });

  test('the log marks faulted requests', async () => {
    const lines = [];
    await withEmulator({ log: (line) => lines.push(line) }, async (emu) => {
      emu.schedule([{ kind: 'throttle' }, { kind: 'reset' }, null]);
      await stop(emu, '1001', '5001');
      await stop(emu, '1001', '5001').catch(() => {});
      await stop(emu, '1001', '5001');
      assert.deepEqual(lines, [
        'POST / StopTaskFlowInstance -> 400 Throttling.User [fault throttle]',
        'POST / StopTaskFlowInstance -> connection reset [fault reset]',
        'POST / StopTaskFlowInstance -> 200 Success',
      ]);
    });
  });
});

// --- load and lifecycle --------------------------------------------------------------

describe('load and lifecycle', () => {
  test('1,000 concurrent keep-alive POSTs, every 5th throttled: exactly 200 throttled, 800 succeed', async () => {
    await withEmulator({}, async (emu) => {
      const count = 1000;
      addRunning(emu, '3001', count);
      emu.faultShare({ kind: 'throttle' }, { every: 5 });
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) => stop(emu, '3001', String(i + 1)).catch((error) => ({ error }))),
      );
      const failures = results.filter((r) => r.error);
      assert.equal(failures.length, 0, `every request answered: ${failures[0]?.error?.cause?.message ?? failures[0]?.error}`);
      const throttled = results.filter((r) => r.status === 400 && r.json?.Code === 'Throttling.User');
      const succeeded = results.filter((r) => r.status === 200 && r.json?.Success === true);
      assert.equal(throttled.length, 200);
      assert.equal(succeeded.length, 800);
      assert.equal(emu.requestCount, count);
      assert.equal(emu.requests.filter((r) => r.fault === 'throttle').length, 200);
      assert.equal(new Set(emu.nonces).size, count);
      const statuses = emu.listInstances().filter((i) => i.dagId === '3001').map((i) => i.status);
      assert.equal(statuses.filter((s) => s === 'stopped').length, 800);
      assert.equal(statuses.filter((s) => s === 'running').length, 200);
      // Exactly the throttled requests left their instance running.
      for (const r of throttled) assert.equal(emu.getInstance('3001', r.params.DagInstanceId).status, 'running');
      // The server is still fine afterwards.
      emu.clearFaults();
      assertSuccess(await stop(emu, '1001', '5001'));
    });
  });

  test('close() ends promptly while requests hang and a slow body is pending', async () => {
    const emu = await startEmulator();
    emu.fault({ kind: 'hang' }, { times: 3 });
    emu.fault({ kind: 'slow-body', delayMs: 60_000 });
    const pending = [1, 2, 3].map(() => stop(emu, '1001', '5001').then(
      () => 'answered',
      (error) => error.name,
    ));
    const slow = fetch(emu.url, {
      method: 'POST',
      body: formEncode(signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' })),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }).then((res) => res.text()).then(() => 'answered', (error) => error.name);
    await waitFor(() => emu.requests.length === 4 && emu.requests.every((r) => r.nonce !== null), 'four requests read');
    await waitFor(() => emu.requests[3].status === 200, 'the slow headers sent');
    const started = Date.now();
    await emu.close();
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1000, `close() took ${elapsed} ms`);
    assert.deepEqual(await Promise.all(pending), ['TypeError', 'TypeError', 'TypeError'], 'the hanging fetches fail');
    assert.equal(await slow, 'TypeError', 'the slow body is cut off');
  });

  test('a process with hanging and slow requests exits once close() is called', async () => {
    const script = `
      import { startEmulator } from ${JSON.stringify(INDEX_URL)};
      const emu = await startEmulator();
      emu.fault({ kind: 'hang' });
      emu.fault({ kind: 'slow-body', delayMs: 600000 });
      const a = fetch(emu.url, { method: 'POST' }).catch(() => 'failed');
      const b = fetch(emu.url, { method: 'POST' }).then((r) => r.text()).catch(() => 'failed');
      while (emu.requests.filter((r) => r.fault === 'hang').length === 0 || emu.requests.every((r) => r.status === null)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const started = Date.now();
      await emu.close();
      console.log('closed in', Date.now() - started, 'ms', await a, await b);
    `;
    const { code, stdout, stderr, elapsed } = await runNode(['--input-type=module', '-e', script], 15_000);
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /^closed in [0-9]+ ms failed failed/);
    assert.ok(elapsed < 5000, `exited after ${elapsed} ms`);
  });
});

