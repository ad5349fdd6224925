// Retries, timeouts, cancellation and clock skew against every fault the emulator can
// inject, through the packed tarball. For each fault: what the call resolves or rejects
// with, how many attempts the emulator saw, that every attempt was re-signed (its own
// nonce, a Timestamp read again from the clock), and what happened to the instance.
//
// The client's clock: the package reads `Date.now()` for each attempt's Timestamp. Here
// `Date.now` as the client sees it moves 61 s forward at every attempt (in `onRequest`,
// which runs after the attempt was signed), so a re-read Timestamp differs from the one
// before by at least 61 s while a reused one would not. The emulator keeps the real clock
// (it captured `Date.now` when it started) and accepts 15 minutes of difference.
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, closedPortUrl, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy, parseForm } from '../support/fetch-spy.mjs';
import { assertDmsError } from '../support/assertions.mjs';
import {
  assertFreshAttempts,
  lastJsonLine,
  pause,
  rejectionOf,
  runNode,
  timestampSeconds,
  trackProcessFailures,
  until,
} from '../support/resilience.mjs';

const { cjs, esm } = await loadPackage();
// dist/node.mjs re-exports the CommonJS build: one wasm instance, one DmsClient. The
// fault table below therefore runs once, through `import`.
assert.equal(esm.DmsClient, cjs.DmsClient);
const { DmsClient, DmsError } = esm;

const tracker = trackProcessFailures();
const emu = await emulatorFixture();
const allNonces = new Set(); // every nonce any attempt in this file sent

const realNow = Date.now;
let clientShiftMs = 0;
Date.now = () => realNow() + clientShiftMs;
after(() => {
  Date.now = realNow;
  tracker.stop();
});
// A fault a test left unused (say, a request that never reached the emulator) must not
// decide the next test's answer.
afterEach(() => emu.clearFaults());

const CHILD = fileURLToPath(new URL('./children/call.mjs', import.meta.url));
const ATTEMPT_CLOCK_STEP_MS = 61_000;
const STOP = 'StopTaskFlowInstance';

let nextInstanceId = 700_000;
/** A new running instance of task flow 1001; returns Stop's parameters. */
function freshInstance(status = 'running') {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status, dagVersion: '3' });
  return { dagId: '1001', dagInstanceId };
}
const statusOf = ({ dagId, dagInstanceId }) => emu.getInstance(dagId, dagInstanceId).status;

/**
 * A client with fast retries whose clock moves 61 s per attempt; `events` collects the
 * hook payloads. `stepClock: false` keeps the client's clock real (clock-skew tests).
 */
function makeClient(options = {}, { stepClock = true } = {}) {
  const events = [];
  const client = new DmsClient({
    ...KEY,
    endpoint: emu.url,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    timeoutMs: 10_000,
    onRequest: (event) => {
      events.push({ hook: 'request', ...event });
      if (stepClock) clientShiftMs += ATTEMPT_CLOCK_STEP_MS;
    },
    onResponse: (event) => events.push({ hook: 'response', ...event }),
    ...options,
  });
  return { client, events };
}

/**
 * Runs one call with a fresh client clock; returns `{ value | error, records }`, `records`
 * being what the emulator saw of this call (after letting any late attempt show up).
 */
async function run(makePromise, { settleMs = 50 } = {}) {
  clientShiftMs = 0;
  const before = emu.requestCount;
  let value;
  let error;
  try {
    value = await makePromise();
  } catch (caught) {
    error = caught;
  }
  await pause(settleMs); // a retry after the end would show up here
  clientShiftMs = 0;
  const records = emu.requests.slice(before);
  assertFreshAttempts(records, allNonces);
  return { value, error, records };
}

/** Each attempt's Timestamp was read again: it follows the client clock's 61 s steps. */
function assertTimestampsStepped(records) {
  const seconds = records.map((record) => timestampSeconds(record.timestamp));
  for (let i = 1; i < seconds.length; i += 1) {
    const step = seconds[i] - seconds[i - 1];
    assert.ok(
      step >= ATTEMPT_CLOCK_STEP_MS / 1000 && step < ATTEMPT_CLOCK_STEP_MS / 1000 + 30,
      `attempt ${i + 1} was signed with a new Timestamp (${records[i].timestamp} after ${records[i - 1].timestamp})`,
    );
  }
}

/** Every record is this call's Stop of `instance`. */
function assertSameCall(records, instance) {
  for (const record of records) {
    assert.equal(record.action, STOP);
    assert.equal(record.params.DagId, instance.dagId);
    assert.equal(record.params.DagInstanceId, instance.dagInstanceId);
    assert.equal(record.accessKeyId, KEY.accessKeyId);
  }
}

const successes = (records) => records.filter((record) => record.success === true).length;

// --- faults that pass: retried once, then the stop is applied exactly once ----------------

const RECOVERABLE = [
  { name: 'HTTP 500 InternalError', spec: { kind: 'status', status: 500 }, first: { status: 500, code: 'InternalError' } },
  { name: 'HTTP 502 BadGateway', spec: { kind: 'status', status: 502 }, first: { status: 502, code: 'BadGateway' } },
  { name: 'HTTP 503 ServiceUnavailable', spec: { kind: 'status', status: 503 }, first: { status: 503, code: 'ServiceUnavailable' } },
  { name: 'HTTP 504 GatewayTimeout', spec: { kind: 'status', status: 504 }, first: { status: 504, code: 'GatewayTimeout' } },
  { name: 'throttle Throttling', spec: { kind: 'throttle', code: 'Throttling' }, first: { status: 400, code: 'Throttling' } },
  { name: 'throttle Throttling.User', spec: { kind: 'throttle', code: 'Throttling.User' }, first: { status: 400, code: 'Throttling.User' } },
  { name: 'throttle Throttling.Api', spec: { kind: 'throttle', code: 'Throttling.Api' }, first: { status: 400, code: 'Throttling.Api' } },
  { name: 'connection reset', spec: { kind: 'reset' }, first: { status: null, code: null }, firstCode: 'NetworkError' },
  { name: 'nginx HTML page (502)', spec: { kind: 'html' }, first: { status: 502, code: null }, firstCode: 'InvalidResponse' },
  { name: 'empty body with 503', spec: { kind: 'empty', status: 503 }, first: { status: 503, code: null }, firstCode: 'InvalidResponse' },
  { name: 'nonce used', spec: { kind: 'nonce-used' }, first: { status: 400, code: 'SignatureNonceUsed' } },
  {
    name: 'non-JSON text body with 503',
    spec: { kind: 'raw', status: 503, body: 'Service Temporarily Unavailable', headers: { 'Content-Type': 'text/plain' } },
    first: { status: 503, code: null },
    firstCode: 'InvalidResponse',
  },
];

describe('a fault that passes is retried, re-signed, and the stop applied once', () => {
  for (const { name, spec, first, firstCode } of RECOVERABLE) {
    test(name, async () => {
      const { client, events } = makeClient();
      const instance = freshInstance();
      emu.fault(spec);
      const { value, error, records } = await run(() => client.stopTaskFlowInstance(instance));
      assert.equal(error, undefined, `resolves after one retry; got ${error?.code}: ${error?.message}`);
      assert.equal(value.success, true);
      assert.equal(records.length, 2, 'two attempts: the faulted one and one retry');
      assert.deepEqual(
        records.map((r) => [r.fault, r.status, r.code]),
        [
          [spec.kind, first.status, first.code],
          [null, 200, null],
        ],
      );
      assertSameCall(records, instance);
      assertTimestampsStepped(records);
      assert.equal(successes(records), 1);
      assert.equal(statusOf(instance), 'stopped');
      const responses = events.filter((e) => e.hook === 'response');
      assert.deepEqual(
        responses.map((e) => [e.attempt, e.retrying, e.code ?? null]),
        [
          [1, true, firstCode ?? first.code],
          [2, false, null],
        ],
      );
      assert.equal(responses[1].requestId, value.requestId);
    });
  }
});

// --- the same faults every time: retries exhausted after exactly maxAttempts ---------------

describe('a fault that persists: rejected after exactly 3 attempts with the last answer', () => {
  const cases = [
    { name: '3 × HTTP 503', spec: { kind: 'status', status: 503 }, want: { code: 'ServiceUnavailable', status: 503 } },
    { name: '3 × HTTP 500', spec: { kind: 'status', status: 500 }, want: { code: 'InternalError', status: 500 } },
    { name: '3 × HTTP 502', spec: { kind: 'status', status: 502 }, want: { code: 'BadGateway', status: 502 } },
    { name: '3 × HTTP 504', spec: { kind: 'status', status: 504 }, want: { code: 'GatewayTimeout', status: 504 } },
    { name: '3 × Throttling', spec: { kind: 'throttle', code: 'Throttling' }, want: { code: 'Throttling', status: 400 } },
    { name: '3 × Throttling.User', spec: { kind: 'throttle', code: 'Throttling.User' }, want: { code: 'Throttling.User', status: 400 } },
    { name: '3 × Throttling.Api', spec: { kind: 'throttle', code: 'Throttling.Api' }, want: { code: 'Throttling.Api', status: 400 } },
    { name: '3 × connection reset', spec: { kind: 'reset' }, want: { code: 'NetworkError', status: 'absent' } },
    { name: '3 × nginx HTML 502', spec: { kind: 'html' }, want: { code: 'InvalidResponse', status: 502 } },
    { name: '3 × empty 503', spec: { kind: 'empty', status: 503 }, want: { code: 'InvalidResponse', status: 503 } },
    { name: '3 × nonce used', spec: { kind: 'nonce-used' }, want: { code: 'SignatureNonceUsed', status: 400 } },
  ];
  for (const { name, spec, want } of cases) {
    test(name, async () => {
      const { client, events } = makeClient();
      const instance = freshInstance();
      emu.fault(spec, { times: 5 }); // more than the client will try
      const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 100 });
      emu.clearFaults();
      assertDmsError(error, DmsError, { ...want, retryable: true });
      assert.equal(records.length, 3, 'exactly maxAttempts (3) attempts, none after');
      assert.ok(records.every((r) => r.fault === spec.kind));
      assertSameCall(records, instance);
      assertTimestampsStepped(records);
      assert.equal(statusOf(instance), 'running', 'the faulted requests changed nothing');
      assert.deepEqual(
        events.filter((e) => e.hook === 'response').map((e) => [e.attempt, e.retrying, e.code]),
        [
          [1, true, want.code],
          [2, true, want.code],
          [3, false, want.code],
        ],
      );
      if (want.code === 'NetworkError') assert.ok(error.cause instanceof Error, 'the fetch failure is the cause');
    });
  }

  test('maxAttempts: 1 disables retries (HTTP 503 → one attempt)', async () => {
    const { client } = makeClient({ maxAttempts: 1 });
    const instance = freshInstance();
    emu.fault({ kind: 'status', status: 503 }, { times: 3 });
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 100 });
    emu.clearFaults();
    assertDmsError(error, DmsError, { code: 'ServiceUnavailable', status: 503, retryable: true });
    assert.equal(records.length, 1);
    assert.equal(statusOf(instance), 'running');
  });

  test('maxAttempts: 5 makes 5 attempts (throttled 5 times)', async () => {
    const { client } = makeClient({ maxAttempts: 5 });
    const instance = freshInstance();
    emu.fault({ kind: 'throttle' }, { times: 6 });
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 100 });
    emu.clearFaults();
    assertDmsError(error, DmsError, { code: 'Throttling.User', status: 400, retryable: true });
    assert.equal(records.length, 5);
    assertTimestampsStepped(records);
  });

  test('throttled twice, then answered: the stop applied once after 3 attempts', async () => {
    const { client } = makeClient();
    const instance = freshInstance();
    emu.schedule([{ kind: 'throttle', code: 'Throttling' }, { kind: 'status', status: 503 }]);
    const { value, records } = await run(() => client.stopTaskFlowInstance(instance));
    assert.equal(value?.success, true);
    assert.deepEqual(records.map((r) => r.fault), ['throttle', 'status', null]);
    assertTimestampsStepped(records);
    assert.equal(successes(records), 1);
    assert.equal(statusOf(instance), 'stopped');
  });
});

// --- answers that are final: never retried --------------------------------------------

describe('a final answer is not retried', () => {
  const cases = [
    { name: 'truncated JSON (200)', spec: { kind: 'truncated' }, want: { code: 'InvalidResponse', status: 200 } },
    { name: 'nginx HTML page with 200', spec: { kind: 'html', status: 200 }, want: { code: 'InvalidResponse', status: 200 } },
    { name: 'empty body (200)', spec: { kind: 'empty' }, want: { code: 'InvalidResponse', status: 200 } },
    { name: 'huge body, 5 MiB (200)', spec: { kind: 'huge' }, want: { code: 'InvalidResponse', status: 200 } },
    {
      name: 'huge body beyond the read limit, 9 MiB (200)',
      spec: { kind: 'huge', bytes: 9 * 1024 * 1024 },
      want: { code: 'InvalidResponse', status: 200, messageIncludes: ['the body is larger than the 1048576 bytes read of an answer (content-length 9437184)'] },
    },
    {
      name: 'an Expired answer served by a cache (Age header): no clock learned',
      spec: { kind: 'cached-expired', offsetMs: 3_600_000 },
      want: { code: 'InvalidTimeStamp.Expired', status: 400 },
    },
  ];
  for (const { name, spec, want } of cases) {
    test(name, async () => {
      const { client } = makeClient();
      const instance = freshInstance();
      emu.fault(spec, { times: 3 });
      const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 100 });
      emu.clearFaults();
      assertDmsError(error, DmsError, { ...want, retryable: false });
      assert.equal(records.length, 1, 'one attempt');
      assert.equal(records[0].fault, spec.kind);
      assert.equal(statusOf(instance), 'running');
    });
  }

  test('business failure (Success false, InvalidStatus) and SignatureDoesNotMatch: one attempt each', async () => {
    const { client } = makeClient();
    const done = freshInstance('succeeded');
    const business = await run(() => client.stopTaskFlowInstance(done), { settleMs: 100 });
    assertDmsError(business.error, DmsError, { code: 'InvalidStatus', status: 200, retryable: false });
    assert.equal(business.records.length, 1);

    const { client: wrong } = makeClient({ accessKeySecret: 'not-the-secret-of-this-key' });
    const instance = freshInstance();
    const signature = await run(() => wrong.stopTaskFlowInstance(instance), { settleMs: 100 });
    assertDmsError(signature.error, DmsError, { code: 'SignatureDoesNotMatch', status: 400, retryable: false });
    assert.equal(signature.records.length, 1);
    assert.equal(statusOf(instance), 'running');
  });
});

// --- a body that breaks off mid-way (not an emulator fault: a server that drops the socket)

test('a body that breaks off is retried, and after 3 attempts rejects NetworkError with the status', async () => {
  const bodies = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '120' });
      res.write('{"RequestId":"5E1F0000-0000-4000-8000-00000000BEEF","Succ');
      setTimeout(() => res.socket.destroy(), 5);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { client } = makeClient({ endpoint: `http://127.0.0.1:${server.address().port}` });
    clientShiftMs = 0;
    const error = await rejectionOf(client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }));
    clientShiftMs = 0;
    await pause(100);
    assertDmsError(error, DmsError, { code: 'NetworkError', status: 200, retryable: true });
    assert.ok(error.cause !== undefined, 'the read failure is the cause');
    assert.equal(bodies.length, 3, 'three attempts');
    const records = bodies.map((body) => {
      const { params } = parseForm(body);
      return { nonce: params.SignatureNonce, timestamp: params.Timestamp };
    });
    assertFreshAttempts(records, allNonces);
    assertTimestampsStepped(records);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('connection refused: retried, NetworkError (no status) after 3 attempts', async () => {
  const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
  const { client } = makeClient({ endpoint: await closedPortUrl(), fetch });
  clientShiftMs = 0;
  const error = await rejectionOf(client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }));
  clientShiftMs = 0;
  assertDmsError(error, DmsError, { code: 'NetworkError', status: 'absent', retryable: true });
  assert.equal(fetch.count, 3);
  assertFreshAttempts(
    fetch.calls.map((call) => ({ nonce: call.params.SignatureNonce, timestamp: call.params.Timestamp })),
    allNonces,
  );
  assert.ok(fetch.calls.every((call) => call.signatureValid), 'every attempt correctly signed');
});

// --- slow answers and timeouts -------------------------------------------------------------

describe('timeouts: the budget of the whole call', () => {
  test('a hang with timeoutMs 1000 → Timeout after exactly one attempt', async () => {
    const { client, events } = makeClient({ timeoutMs: 1000 });
    const instance = freshInstance();
    emu.fault({ kind: 'hang' });
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 300 });
    assertDmsError(error, DmsError, { code: 'Timeout', status: 'absent', retryable: true, message: 'the call did not finish within 1000 ms' });
    assert.equal(records.length, 1, 'no attempt after the timeout');
    assert.equal(records[0].fault, 'hang');
    assert.equal(records[0].status, null, 'never answered');
    assert.equal(statusOf(instance), 'running');
    assert.deepEqual(
      events.filter((e) => e.hook === 'response').map((e) => [e.attempt, e.retrying, e.code, e.status]),
      [[1, false, 'Timeout', undefined]],
    );
  });

  test('the per-call timeoutMs wins over the client default (30 s)', async () => {
    const client = new DmsClient({ ...KEY, endpoint: emu.url });
    const instance = freshInstance();
    emu.fault({ kind: 'hang' });
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance, { timeoutMs: 800 }), { settleMs: 200 });
    assertDmsError(error, DmsError, { code: 'Timeout', message: 'the call did not finish within 800 ms' });
    assert.equal(records.length, 1);
  });

  test('the one-shot function takes { timeoutMs } as its second argument', async () => {
    const instance = freshInstance();
    emu.fault({ kind: 'hang' });
    const { error, records } = await run(
      () => esm.stopTaskFlowInstance({ ...KEY, endpoint: emu.url, ...instance }, { timeoutMs: 800 }),
      { settleMs: 200 },
    );
    assertDmsError(error, DmsError, { code: 'Timeout', message: 'the call did not finish within 800 ms' });
    assert.equal(records.length, 1);
  });

  test('a slow body (2nd half after 5 s) with timeoutMs 1000 → Timeout after one attempt', async () => {
    const { client } = makeClient({ timeoutMs: 1000 });
    const instance = freshInstance();
    emu.fault({ kind: 'slow-body', delayMs: 5000 });
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 300 });
    assertDmsError(error, DmsError, { code: 'Timeout', status: 'absent', retryable: true });
    assert.equal(records.length, 1);
    assert.equal(records[0].fault, 'slow-body');
    // The emulator processed the request before answering slowly: the stop was applied even
    // though the client gave up waiting (which is why a timeout is not retried blindly).
    assert.equal(statusOf(instance), 'stopped');
  });

  test('a slow body within the budget (50 ms late, timeoutMs 5000) → success, one attempt', async () => {
    const { client } = makeClient({ timeoutMs: 5000 });
    const instance = freshInstance();
    emu.fault({ kind: 'slow-body', delayMs: 50 });
    const { value, records } = await run(() => client.stopTaskFlowInstance(instance));
    assert.equal(value?.success, true);
    assert.equal(records.length, 1);
    assert.equal(statusOf(instance), 'stopped');
  });

  test('the budget includes backoffs: a long backoff is cut by the timeout (one attempt)', async (t) => {
    // Math.random drives the full-jitter backoff: pin it near 1 so the backoff is ~60 s.
    t.mock.method(Math, 'random', () => 0.999999);
    const { client } = makeClient({ retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000, timeoutMs: 1000 });
    const instance = freshInstance();
    emu.fault({ kind: 'status', status: 503 }, { times: 3 });
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 200 });
    emu.clearFaults();
    assertDmsError(error, DmsError, { code: 'Timeout', status: 'absent', retryable: true, message: 'the call did not finish within 1000 ms' });
    assert.equal(records.length, 1);
  });
});

// --- cancellation ------------------------------------------------------------------------

describe('abort', () => {
  test('during a hang → Aborted, the reason as cause, no further attempt', async () => {
    const { client, events } = makeClient();
    const instance = freshInstance();
    emu.fault({ kind: 'hang' });
    const controller = new AbortController();
    const reason = new Error('the user pressed cancel');
    const before = emu.requestCount;
    const { error, records } = await run(
      async () => {
        const promise = client.stopTaskFlowInstance(instance, { signal: controller.signal });
        await until(() => emu.requestCount > before, 'the request reached the emulator');
        controller.abort(reason);
        return promise;
      },
      { settleMs: 200 },
    );
    assertDmsError(error, DmsError, { code: 'Aborted', status: 'absent', retryable: false });
    assert.equal(error.cause, reason, 'cause is the signal reason itself');
    assert.equal(records.length, 1);
    assert.equal(statusOf(instance), 'running');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'the listener was removed');
    assert.deepEqual(
      events.filter((e) => e.hook === 'response').map((e) => [e.attempt, e.retrying, e.code]),
      [[1, false, 'Aborted']],
    );
  });

  test('during a backoff → Aborted at once, no further attempt', async (t) => {
    t.mock.method(Math, 'random', () => 0.999999); // a ~60 s backoff
    const controller = new AbortController();
    const { client } = makeClient({
      retryBaseDelayMs: 60_000,
      retryMaxDelayMs: 60_000,
      onResponse: (event) => {
        if (event.retrying) setTimeout(() => controller.abort('changed my mind'), 20);
      },
    });
    const instance = freshInstance();
    emu.fault({ kind: 'status', status: 503 }, { times: 3 });
    const started = performance.now();
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance, { signal: controller.signal }), { settleMs: 200 });
    const elapsed = performance.now() - started;
    emu.clearFaults();
    assertDmsError(error, DmsError, { code: 'Aborted', status: 'absent', retryable: false });
    assert.equal(error.cause, 'changed my mind');
    assert.equal(records.length, 1, 'the backoff was abandoned, nothing sent after it');
    assert.ok(elapsed < 30_000, 'the call did not wait for the backoff');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  test('an already-aborted signal → Aborted before anything is sent (no hook, no credentials)', async () => {
    let providerCalls = 0;
    const fetch = createFetchSpy();
    const events = [];
    const client = new DmsClient({
      endpoint: emu.url,
      fetch,
      credentials: () => {
        providerCalls += 1;
        return KEY;
      },
      onRequest: (event) => events.push(event),
      onResponse: (event) => events.push(event),
    });
    const reason = new RangeError('aborted earlier');
    const before = emu.requestCount;
    const error = await rejectionOf(client.stopTaskFlowInstance(freshInstance(), { signal: AbortSignal.abort(reason) }));
    assertDmsError(error, DmsError, { code: 'Aborted', status: 'absent', retryable: false });
    assert.equal(error.cause, reason);
    const withDefaultReason = new AbortController();
    withDefaultReason.abort();
    const second = await rejectionOf(esm.stopTaskFlowInstance({ ...KEY, endpoint: emu.url, fetch, ...freshInstance() }, { signal: withDefaultReason.signal }));
    assertDmsError(second, DmsError, { code: 'Aborted' });
    assert.equal(second.cause, withDefaultReason.signal.reason);
    await pause(50);
    assert.equal(fetch.count, 0, 'fetch never called');
    assert.equal(emu.requestCount, before, 'the emulator saw nothing');
    assert.equal(providerCalls, 0, 'credentials never asked for');
    assert.deepEqual(events, []);
  });

  test('aborting after the call settled changes nothing and leaves no listener', async () => {
    const controller = new AbortController();
    const { client } = makeClient();
    const instance = freshInstance();
    const { value } = await run(() => client.stopTaskFlowInstance(instance, { signal: controller.signal }));
    assert.equal(value?.success, true);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    controller.abort(new Error('too late'));
    await pause(20);
    assert.equal(statusOf(instance), 'stopped');
  });
});

// --- clock skew ------------------------------------------------------------------------

describe('clock skew', () => {
  const SKEW_MS = 20 * 60_000; // beyond the 15-minute window

  test('skewed-clock within the window (5 min): answered at once, one attempt', async () => {
    const { client } = makeClient({}, { stepClock: false });
    const instance = freshInstance();
    emu.fault({ kind: 'skewed-clock', offsetMs: 5 * 60_000 });
    const { value, records } = await run(() => client.stopTaskFlowInstance(instance));
    assert.equal(value?.success, true);
    assert.equal(records.length, 1);
    assert.equal(statusOf(instance), 'stopped');
  });

  test('skewed-clock beyond the window (2 answers at +20 min): learned, re-signed, applied once', async () => {
    const { client } = makeClient({}, { stepClock: false });
    const instance = freshInstance();
    emu.fault({ kind: 'skewed-clock', offsetMs: SKEW_MS }, { times: 2 });
    const { value, records } = await run(() => client.stopTaskFlowInstance(instance));
    assert.equal(value?.success, true);
    assert.equal(records.length, 2);
    assert.deepEqual(records.map((r) => [r.fault, r.status, r.code]), [
      ['skewed-clock', 400, 'InvalidTimeStamp.Expired'],
      ['skewed-clock', 200, null],
    ]);
    const [first, second] = records.map((r) => timestampSeconds(r.timestamp));
    const learned = second - first;
    assert.ok(Math.abs(learned - SKEW_MS / 1000) <= 5, `the retry is signed on the server's clock (+${learned} s)`);
    assert.equal(successes(records), 1);
    assert.equal(statusOf(instance), 'stopped');
  });

  test("a server clock 20 min ahead: learned once (even with maxAttempts 1), used by later calls, re-learned when it changes", async () => {
    const { client } = makeClient({ maxAttempts: 1 }, { stepClock: false });
    emu.setClock(() => realNow() + SKEW_MS);
    try {
      const a = freshInstance();
      const first = await run(() => client.stopTaskFlowInstance(a));
      assert.equal(first.error, undefined, `the corrected attempt does not count against maxAttempts; got ${first.error?.code}`);
      assert.deepEqual(first.records.map((r) => r.code), ['InvalidTimeStamp.Expired', null]);
      assert.equal(statusOf(a), 'stopped');

      const b = freshInstance();
      const second = await run(() => client.stopTaskFlowInstance(b));
      assert.equal(second.value?.success, true);
      assert.equal(second.records.length, 1, 'the learned offset is used: no Expired round trip');
      const offset = timestampSeconds(second.records[0].timestamp) - realNow() / 1000;
      assert.ok(Math.abs(offset - SKEW_MS / 1000) <= 5, `signed on the server's clock (offset ${offset} s)`);

      const other = makeClient({ maxAttempts: 1 }, { stepClock: false }).client;
      const c = freshInstance();
      const third = await run(() => other.stopTaskFlowInstance(c));
      assert.equal(third.records.length, 2, 'another client learns on its own');
    } finally {
      emu.setClock(realNow);
    }
    const d = freshInstance();
    const fourth = await run(() => client.stopTaskFlowInstance(d));
    assert.equal(fourth.value?.success, true, 'the server clock went back: learned again');
    assert.deepEqual(fourth.records.map((r) => r.code), ['InvalidTimeStamp.Expired', null]);
    assert.equal(statusOf(d), 'stopped');
  });

  test('the clock is corrected once per call: Expired again after correcting → rejected', async () => {
    const { client } = makeClient({}, { stepClock: false });
    const instance = freshInstance();
    emu.schedule([
      { kind: 'skewed-clock', offsetMs: SKEW_MS },
      { kind: 'skewed-clock', offsetMs: 2 * SKEW_MS },
      { kind: 'skewed-clock', offsetMs: 3 * SKEW_MS },
    ]);
    const { error, records } = await run(() => client.stopTaskFlowInstance(instance), { settleMs: 100 });
    emu.clearFaults();
    assertDmsError(error, DmsError, { code: 'InvalidTimeStamp.Expired', status: 400, retryable: false });
    assert.equal(records.length, 2);
    assert.equal(statusOf(instance), 'running');
  });

  test('cached-expired (Age header): nothing learned, the next call signs on the real clock', async () => {
    const { client } = makeClient({}, { stepClock: false });
    emu.fault({ kind: 'cached-expired', offsetMs: SKEW_MS });
    const first = await run(() => client.stopTaskFlowInstance(freshInstance()), { settleMs: 100 });
    assertDmsError(first.error, DmsError, { code: 'InvalidTimeStamp.Expired', status: 400 });
    assert.equal(first.records.length, 1);
    const instance = freshInstance();
    const second = await run(() => client.stopTaskFlowInstance(instance));
    assert.equal(second.value?.success, true);
    assert.equal(second.records.length, 1);
    const offset = timestampSeconds(second.records[0].timestamp) - realNow() / 1000;
    assert.ok(Math.abs(offset) <= 5, `no offset was learned from the cached answer (offset ${offset} s)`);
  });

  test('Expired with an unreadable Date header: nothing learned, rejected after one attempt', async () => {
    const { client } = makeClient({}, { stepClock: false });
    emu.failNext({
      status: 400,
      headers: { Date: 'yesterday-ish' },
      body: {
        RequestId: '0C0FFEE0-0000-4000-8000-000000000001',
        HostId: 'dms-enterprise.aliyuncs.com',
        Code: 'InvalidTimeStamp.Expired',
        Message: 'Specified time stamp or date value is expired.',
      },
    });
    const { error, records } = await run(() => client.stopTaskFlowInstance(freshInstance()), { settleMs: 100 });
    assertDmsError(error, DmsError, { code: 'InvalidTimeStamp.Expired', status: 400, retryable: false });
    assert.equal(records.length, 1);
  });
});

// --- the process -------------------------------------------------------------------------

describe('nothing keeps the process alive after the calls finished', () => {
  test('no timer of the package is left once calls settled', async () => {
    // A fetch answering without sockets, so the only timers are the package's own: the
    // call deadline (30 s by default) and the retry backoff.
    const answers = [];
    const fakeFetch = async () => {
      const [status, body] = answers.shift() ?? [200, { RequestId: 'F00D0000-0000-4000-8000-000000000001', Success: true }];
      return { status, headers: new Headers({ 'content-type': 'application/json' }), text: async () => JSON.stringify(body) };
    };
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    await pause(50);
    const before = timers();
    const client = new DmsClient({ ...KEY, endpoint: 'http://127.0.0.1:9', fetch: fakeFetch }); // 30 s default budget
    await Promise.all([client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }), client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 3 })]);
    answers.push([503, { RequestId: 'F00D0000-0000-4000-8000-000000000002', Code: 'ServiceUnavailable', Message: 'busy' }]);
    await client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 4 }); // a backoff timer and a deadline
    answers.push([200, { RequestId: 'F00D0000-0000-4000-8000-000000000003', Success: false, ErrorCode: 'InvalidStatus', ErrorMessage: 'no' }]);
    await rejectionOf(client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 5 }));
    assert.equal(answers.length, 0);
    assert.equal(timers(), before, 'every deadline and backoff timer was cleared');
  });

  const base = () => ({ options: { ...KEY, endpoint: emu.url }, params: freshInstance() });
  const LIVENESS_BOUND_MS = 10_000; // generous: the default budget is 30 s

  test('a child making one successful call (default 30 s budget) exits promptly', async () => {
    const config = base();
    const child = await runNode(CHILD, [JSON.stringify(config)]);
    assert.equal(child.code, 0, child.stderr);
    assert.equal(lastJsonLine(child.stdout).ok?.success, true, child.stdout);
    assert.equal(statusOf(config.params), 'stopped');
    assert.ok(child.ms < LIVENESS_BOUND_MS, `exited after ${Math.round(child.ms)} ms`);
  });

  test('a child whose one-shot call was rejected (Success false) exits promptly', async () => {
    const config = { ...base(), how: 'oneShot', params: freshInstance('succeeded') };
    const child = await runNode(CHILD, [JSON.stringify(config)]);
    assert.equal(child.code, 0, child.stderr);
    assert.equal(lastJsonLine(child.stdout).error?.code, 'InvalidStatus');
    assert.ok(child.ms < LIVENESS_BOUND_MS, `exited after ${Math.round(child.ms)} ms`);
  });

  test('a child whose call timed out on a hang exits promptly', async () => {
    emu.fault({ kind: 'hang' });
    const config = { ...base(), callOptions: { timeoutMs: 2000 } };
    const before = emu.requestCount;
    const child = await runNode(CHILD, [JSON.stringify(config)]);
    emu.clearFaults();
    assert.deepEqual(emu.requests.slice(before).map((r) => r.fault), ['hang'], 'the request reached the emulator and hung');
    assert.equal(child.code, 0, child.stderr);
    assert.equal(lastJsonLine(child.stdout).error?.code, 'Timeout');
    assert.ok(child.ms < LIVENESS_BOUND_MS, `exited after ${Math.round(child.ms)} ms`);
  });

  test('a child that aborted during a 60 s backoff exits promptly (the backoff timer is cleared)', async () => {
    emu.fault({ kind: 'status', status: 503 }, { times: 3 });
    const config = {
      ...base(),
      options: { ...KEY, endpoint: emu.url, retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 },
      abortOnRetry: true,
      maxRandom: true,
    };
    const before = emu.requestCount;
    const child = await runNode(CHILD, [JSON.stringify(config)]);
    emu.clearFaults();
    const seen = emu.requests.slice(before).map((r) => [r.fault, r.status]);
    assert.equal(child.code, 0, child.stderr);
    const { error } = lastJsonLine(child.stdout);
    assert.equal(error?.code, 'Aborted', `child said ${child.stdout.trim()}; the emulator saw ${JSON.stringify(seen)}`);
    assert.equal(error?.causeMessage, 'child gave up');
    assert.equal(emu.requestCount - before, 1);
    assert.ok(child.ms < LIVENESS_BOUND_MS, `exited after ${Math.round(child.ms)} ms`);
  });
});

test('no unhandled rejection and no uncaught exception in this file', async () => {
  await pause(100);
  tracker.assertNone();
});
