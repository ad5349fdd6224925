// The observability hooks (onRequest/onResponse: exact payloads per attempt, a throwing
// hook does not break the call), the credentials function (one call for many concurrent
// callers, cached until a minute before expiration, failures as MissingCredentials), and
// the environment credentials of the one-shot functions (in child processes).
import { describe, test, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, STS, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy } from '../support/fetch-spy.mjs';
import { assertDmsError } from '../support/assertions.mjs';
import { lastJsonLine, pause, rejectionOf, runNode, trackProcessFailures, until } from '../support/resilience.mjs';

const { esm } = await loadPackage();
const { DmsClient, DmsError } = esm;
const tracker = trackProcessFailures();
after(() => tracker.stop());
const emu = await emulatorFixture();
afterEach(() => emu.clearFaults()); // an unused fault must not decide the next test's answer
const CHILD = fileURLToPath(new URL('./children/call.mjs', import.meta.url));
const realNow = Date.now;

const STOP = 'StopTaskFlowInstance';
const RESUME = 'ResumeTaskFlowInstance';

let nextInstanceId = 600_000;
function freshInstance(status = 'running') {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status, dagVersion: '4' });
  return { dagId: '1001', dagInstanceId };
}
const statusOf = ({ dagId, dagInstanceId }) => emu.getInstance(dagId, dagInstanceId).status;

/** A client recording its hook payloads (in order) and what it sent (a fetch spy). */
function hookedClient(options = {}) {
  const events = [];
  const fetch = createFetchSpy({ secret: options.accessKeySecret ?? KEY.accessKeySecret });
  const client = new DmsClient({
    ...KEY,
    endpoint: emu.url,
    fetch,
    retryBaseDelayMs: 2,
    retryMaxDelayMs: 5,
    onRequest: (event) => events.push(['request', event]),
    onResponse: (event) => events.push(['response', event]),
    ...options,
  });
  return { client, events, fetch };
}

/** The payloads with durationMs checked (a finite number ≥ 0) and taken out. */
function withoutDurations(events) {
  return events.map(([hook, event]) => {
    assert.equal(Object.getPrototypeOf(event), Object.prototype, 'a plain object');
    if (hook === 'request') return [hook, { ...event }];
    const { durationMs, ...rest } = event;
    assert.equal(typeof durationMs, 'number', 'durationMs is a number');
    assert.ok(Number.isFinite(durationMs) && durationMs >= 0, `durationMs ${durationMs}`);
    return [hook, rest];
  });
}

const answeredRequestId = (call) => JSON.parse(call.response.body).RequestId;

describe('onRequest / onResponse payloads', () => {
  test('success at the first attempt', async () => {
    const { client, events } = hookedClient();
    const result = await client.stopTaskFlowInstance(freshInstance());
    assert.deepEqual(withoutDurations(events), [
      ['request', { action: STOP, attempt: 1 }],
      ['response', { action: STOP, attempt: 1, retrying: false, status: 200, requestId: result.requestId }],
    ]);
  });

  test('503, connection reset, then success: one pair per attempt', async () => {
    const { client, events, fetch } = hookedClient();
    emu.schedule([{ kind: 'status', status: 503 }, { kind: 'reset' }]);
    const result = await client.stopTaskFlowInstance(freshInstance());
    assert.equal(fetch.count, 3);
    assert.deepEqual(withoutDurations(events), [
      ['request', { action: STOP, attempt: 1 }],
      [
        'response',
        { action: STOP, attempt: 1, retrying: true, code: 'ServiceUnavailable', status: 503, requestId: answeredRequestId(fetch.calls[0]) },
      ],
      ['request', { action: STOP, attempt: 2 }],
      ['response', { action: STOP, attempt: 2, retrying: true, code: 'NetworkError' }],
      ['request', { action: STOP, attempt: 3 }],
      ['response', { action: STOP, attempt: 3, retrying: false, status: 200, requestId: result.requestId }],
    ]);
  });

  test('a final failure: retrying false, with the code, status and request id', async () => {
    const { client, events, fetch } = hookedClient();
    const error = await rejectionOf(client.resumeTaskFlowInstance({ ...freshInstance('running'), dagVersion: '4' }));
    assertDmsError(error, DmsError, { code: 'InvalidStatus', status: 200 });
    assert.deepEqual(withoutDurations(events), [
      ['request', { action: RESUME, attempt: 1 }],
      ['response', { action: RESUME, attempt: 1, retrying: false, code: 'InvalidStatus', status: 200, requestId: answeredRequestId(fetch.calls[0]) }],
    ]);
    assert.equal(error.requestId, answeredRequestId(fetch.calls[0]));
  });

  test('exhausted retries: the last attempt says retrying false', async () => {
    const { client, events } = hookedClient({ maxAttempts: 2 });
    emu.fault({ kind: 'throttle', code: 'Throttling.Api' }, { times: 2 });
    await rejectionOf(client.stopTaskFlowInstance(freshInstance()));
    assert.deepEqual(
      withoutDurations(events).map(([hook, e]) => [hook, e.attempt, e.retrying, e.code, e.status]),
      [
        ['request', 1, undefined, undefined, undefined],
        ['response', 1, true, 'Throttling.Api', 400],
        ['request', 2, undefined, undefined, undefined],
        ['response', 2, false, 'Throttling.Api', 400],
      ],
    );
  });

  test('a timeout: one response event with code Timeout and no status', async () => {
    const { client, events } = hookedClient({ timeoutMs: 1000 });
    emu.fault({ kind: 'hang' });
    await rejectionOf(client.stopTaskFlowInstance(freshInstance()));
    assert.equal(emu.pendingFaults, 0, 'the request reached the emulator');
    assert.deepEqual(withoutDurations(events), [
      ['request', { action: STOP, attempt: 1 }],
      ['response', { action: STOP, attempt: 1, retrying: false, code: 'Timeout' }],
    ]);
  });

  test('the one-shot functions take the hooks too', async () => {
    const events = [];
    const instance = freshInstance('suspended');
    await esm.resumeTaskFlowInstance({
      ...KEY,
      endpoint: emu.url,
      onRequest: (event) => events.push(['request', event]),
      onResponse: (event) => events.push(['response', event]),
      ...instance,
      dagVersion: '4',
    });
    assert.deepEqual(
      withoutDurations(events).map(([hook, e]) => [hook, e.action, e.attempt, e.retrying, e.status]),
      [
        ['request', RESUME, 1, undefined, undefined],
        ['response', RESUME, 1, false, 200],
      ],
    );
    assert.equal(statusOf(instance), 'running');
  });

  test('clock correction: each onResponse names the attempt its onRequest announced', async () => {
    const { client, events } = hookedClient();
    emu.setClock(() => realNow() + 20 * 60_000);
    let result;
    try {
      result = await client.stopTaskFlowInstance(freshInstance());
    } finally {
      emu.setClock(realNow);
    }
    assert.equal(result.success, true);
    const seen = withoutDurations(events);
    assert.equal(seen.length, 4, 'two attempts: Expired, then the corrected one');
    assert.deepEqual(seen[0], ['request', { action: STOP, attempt: 1 }]);
    assert.equal(seen[1][1].code, 'InvalidTimeStamp.Expired');
    assert.equal(seen[1][1].retrying, true);
    // The Expired answer was the answer to attempt 1.
    assert.equal(seen[1][1].attempt, 1, `onResponse of the attempt announced as attempt 1 says attempt ${seen[1][1].attempt}`);
    assert.equal(seen[3][1].attempt, seen[2][1].attempt, 'the corrected attempt: onResponse and onRequest agree');
    assert.ok(seen.every(([, e]) => e.attempt >= 1), 'attempts count from 1');
  });
});

describe('hooks that throw', () => {
  test('throwing hooks break neither the call nor its retries', async () => {
    let requests = 0;
    let responses = 0;
    const client = new DmsClient({
      ...KEY,
      endpoint: emu.url,
      retryBaseDelayMs: 2,
      onRequest: () => {
        requests += 1;
        throw new Error('logger down (request)');
      },
      onResponse: () => {
        responses += 1;
        throw new TypeError('logger down (response)');
      },
    });
    const instance = freshInstance();
    emu.fault({ kind: 'status', status: 502 });
    const result = await client.stopTaskFlowInstance(instance);
    assert.equal(result.success, true);
    assert.equal(statusOf(instance), 'stopped');
    assert.deepEqual([requests, responses], [2, 2]);

    // A throwing hook on a failing call: still the call's own error.
    const error = await rejectionOf(client.stopTaskFlowInstance(freshInstance('stopped')));
    assertDmsError(error, DmsError, { code: 'InvalidStatus' });
    const weird = new DmsClient({
      ...KEY,
      endpoint: emu.url,
      onRequest: () => {
        throw Object.create(null); // not even an Error
      },
    });
    assert.equal((await weird.stopTaskFlowInstance(freshInstance())).success, true);
    await pause(20);
    tracker.assertNone();
  });
});

describe('a credentials function', () => {
  test('50 concurrent calls: called once; STS token sent; cached for later calls', async () => {
    let calls = 0;
    const client = new DmsClient({
      endpoint: emu.url,
      credentials: async () => {
        calls += 1;
        await pause(30);
        return { ...STS, expiration: new Date(realNow() + 3_600_000) };
      },
    });
    const before = emu.requestCount;
    const instances = Array.from({ length: 50 }, () => freshInstance());
    const results = await Promise.all(instances.map((instance) => client.stopTaskFlowInstance(instance)));
    assert.equal(calls, 1, 'one provider call for 50 concurrent callers');
    assert.ok(results.every((r) => r.success === true));
    assert.ok(instances.every((instance) => statusOf(instance) === 'stopped'));
    const records = emu.requests.slice(before);
    assert.equal(records.length, 50);
    assert.ok(records.every((r) => r.accessKeyId === STS.accessKeyId && r.params.SecurityToken === STS.securityToken && r.success === true));

    for (let i = 0; i < 5; i += 1) await client.stopTaskFlowInstance(freshInstance());
    emu.fault({ kind: 'status', status: 503 });
    await client.stopTaskFlowInstance(freshInstance()); // a retry re-signs with the cached credentials
    assert.equal(calls, 1, 'cached across calls and retries');
    assert.equal(String(client), `DmsClient { endpoint: ${emu.url}/, credentials: from a function }`);
  });

  test('a synchronous function, 50 concurrent calls: called once', async () => {
    let calls = 0;
    const client = new DmsClient({
      endpoint: emu.url,
      credentials: () => {
        calls += 1;
        return KEY;
      },
    });
    await Promise.all(Array.from({ length: 50 }, () => client.stopTaskFlowInstance(freshInstance())));
    assert.equal(calls, 1);
  });

  test('credentials expiring within 60 s are refreshed once, then cached', async () => {
    const expirations = [
      new Date(realNow() + 30_000), // inside the one-minute margin: used for one call, then stale
      realNow() + 3_600_000, // milliseconds
    ];
    let calls = 0;
    const client = new DmsClient({
      endpoint: emu.url,
      credentials: async () => {
        const expiration = expirations[Math.min(calls, expirations.length - 1)];
        calls += 1;
        await pause(10);
        return { ...STS, expiration };
      },
    });
    await client.stopTaskFlowInstance(freshInstance());
    assert.equal(calls, 1);
    await Promise.all(Array.from({ length: 20 }, () => client.stopTaskFlowInstance(freshInstance())));
    assert.equal(calls, 2, 'stale credentials: refreshed once for 20 concurrent callers');
    for (let i = 0; i < 3; i += 1) await client.stopTaskFlowInstance(freshInstance());
    assert.equal(calls, 2, 'the refreshed credentials are cached');
  });

  test('an ISO expiration an hour away is cached; one already past is asked for every call', async () => {
    let fresh = 0;
    const iso = new Date(realNow() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const cached = new DmsClient({ endpoint: emu.url, credentials: () => ((fresh += 1), { ...KEY, expiration: iso }) });
    for (let i = 0; i < 3; i += 1) await cached.stopTaskFlowInstance(freshInstance());
    assert.equal(fresh, 1);
    let stale = 0;
    const staleClient = new DmsClient({ endpoint: emu.url, credentials: () => ((stale += 1), { ...KEY, expiration: realNow() - 1000 }) });
    for (let i = 0; i < 3; i += 1) await staleClient.stopTaskFlowInstance(freshInstance());
    assert.equal(stale, 3);
  });

  for (const [how, makeOptions] of [
    ['an aborted caller', (controller) => ({ signal: controller.signal })],
    ['a caller that timed out', () => ({ timeoutMs: 20 })],
  ]) {
    test(`${how} among concurrent callers does not start a second provider call`, async () => {
      let calls = 0;
      const pending = [];
      const client = new DmsClient({
        endpoint: emu.url,
        credentials: () => {
          calls += 1;
          return new Promise((resolve) => pending.push(() => resolve(KEY)));
        },
      });
      const controller = new AbortController();
      const first = client.stopTaskFlowInstance(freshInstance(), makeOptions(controller)).then(
        () => 'resolved',
        (error) => error.code,
      );
      const others = Array.from({ length: 10 }, () => client.stopTaskFlowInstance(freshInstance()));
      await until(() => calls === 1, 'the provider was called');
      controller.abort(new Error('cancelled while waiting for credentials'));
      assert.match(await first, /^(Aborted|Timeout)$/);
      // The provider call is still in flight: a new caller must wait for it too.
      const late = client.stopTaskFlowInstance(freshInstance());
      await pause(30);
      for (const resolve of pending) resolve();
      const results = await Promise.all([...others, late]);
      assert.ok(results.every((r) => r.success === true));
      assert.equal(calls, 1, `provider calls while one was in flight: ${calls}`);
    });
  }

  test('a rejecting or throwing function → MissingCredentials with the error as cause; asked again next call', async () => {
    const failure = new Error('STS AssumeRole failed');
    let calls = 0;
    const fetch = createFetchSpy();
    const client = new DmsClient({
      endpoint: emu.url,
      fetch,
      credentials: async () => {
        calls += 1;
        if (calls === 1) throw failure;
        return KEY;
      },
    });
    const error = await rejectionOf(client.stopTaskFlowInstance(freshInstance()));
    assertDmsError(error, DmsError, { code: 'MissingCredentials', status: 'absent', retryable: false });
    assert.equal(error.cause, failure);
    assert.equal(fetch.count, 0, 'nothing sent');
    assert.equal((await client.stopTaskFlowInstance(freshInstance())).success, true, 'a failure is not cached');
    assert.equal(calls, 2);

    const thrown = new TypeError('no profile');
    const sync = new DmsClient({
      endpoint: emu.url,
      fetch,
      credentials: () => {
        throw thrown;
      },
    });
    const syncError = await rejectionOf(sync.stopTaskFlowInstance(freshInstance()));
    assertDmsError(syncError, DmsError, { code: 'MissingCredentials', status: 'absent' });
    assert.equal(syncError.cause, thrown);
    assert.equal(fetch.count, 1, 'only the successful call was sent');
  });

  test('missing credentials reject each call before anything is sent', async () => {
    const fetch = createFetchSpy();
    const before = emu.requestCount;
    for (const options of [{}, { accessKeyId: KEY.accessKeyId }, { accessKeySecret: KEY.accessKeySecret }]) {
      const client = new DmsClient({ endpoint: emu.url, fetch, ...options });
      const error = await rejectionOf(client.stopTaskFlowInstance(freshInstance()));
      assertDmsError(error, DmsError, { code: 'MissingCredentials', status: 'absent', retryable: false });
    }
    const oneShot = await rejectionOf(esm.stopTaskFlowInstance({ endpoint: emu.url, fetch, ...freshInstance() }));
    // In this process ALIBABA_CLOUD_* are not set (the test runner's environment).
    if (!process.env.ALIBABA_CLOUD_ACCESS_KEY_ID && !process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
      assertDmsError(oneShot, DmsError, { code: 'MissingCredentials' });
    }
    assert.equal(fetch.count, 0);
    assert.equal(emu.requestCount, before);
  });

  test('static keys and a function together → InvalidParameter', async () => {
    const provider = () => KEY;
    for (const keys of [KEY, { accessKeyId: KEY.accessKeyId }, { accessKeySecret: KEY.accessKeySecret }, { securityToken: STS.securityToken }]) {
      assert.throws(
        () => new DmsClient({ ...keys, credentials: provider, endpoint: emu.url }),
        (error) =>
          assertDmsError(error, DmsError, {
            code: 'InvalidParameter',
            message: 'pass either a credentials function or accessKeyId/accessKeySecret/securityToken, not both',
          }),
      );
    }
    const fetch = createFetchSpy();
    const error = await rejectionOf(esm.stopTaskFlowInstance({ ...KEY, credentials: provider, endpoint: emu.url, fetch, ...freshInstance() }));
    assertDmsError(error, DmsError, { code: 'InvalidParameter', messageIncludes: ['credentials function'] });
    assert.equal(fetch.count, 0);
  });
});

describe('environment credentials of the one-shot functions (child processes)', () => {
  /** Runs the child with only PATH and `vars` in its environment; returns its result and what the emulator saw. */
  // An empty home and no ECS metadata service: the credentials chain finds only these variables.
  const emptyHome = mkdtempSync(join(tmpdir(), 'dms-taskflow-home-'));
  after(() => rmSync(emptyHome, { recursive: true, force: true }));
  async function child(config, vars) {
    const env = { PATH: process.env.PATH, HOME: emptyHome, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };
    for (const [name, value] of Object.entries(vars)) env[name] = value;
    const before = emu.requestCount;
    const run = await runNode(CHILD, [JSON.stringify({ ...config, options: { endpoint: emu.url, maxAttempts: 1, ...config.options } })], { env });
    assert.equal(run.code, 0, run.stderr);
    return { result: lastJsonLine(run.stdout), records: emu.requests.slice(before) };
  }
  const longTerm = { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret };
  const temporary = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken,
  };

  test('a long-term key from the environment', async () => {
    const instance = freshInstance();
    const { result, records } = await child({ how: 'oneShot', params: instance }, longTerm);
    assert.equal(result.ok?.success, true, JSON.stringify(result));
    assert.equal(records.length, 1);
    assert.equal(records[0].accessKeyId, KEY.accessKeyId);
    assert.ok(!('SecurityToken' in records[0].params));
    assert.equal(statusOf(instance), 'stopped');
  });

  test('STS credentials (with ALIBABA_CLOUD_SECURITY_TOKEN) from the environment', async () => {
    const instance = freshInstance();
    const { result, records } = await child({ how: 'oneShot', params: instance }, temporary);
    assert.equal(result.ok?.success, true, JSON.stringify(result));
    assert.equal(records[0].accessKeyId, STS.accessKeyId);
    assert.equal(records[0].params.SecurityToken, STS.securityToken);
  });

  test('without the variables: MissingCredentials, nothing sent', async () => {
    const { result, records } = await child({ how: 'oneShot', params: freshInstance() }, {});
    assert.equal(result.error?.code, 'MissingCredentials');
    assert.equal(records.length, 0);
  });

  test('only the key id in the environment: MissingCredentials, nothing sent', async () => {
    const { result, records } = await child({ how: 'oneShot', params: freshInstance() }, { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId });
    assert.equal(result.error?.code, 'MissingCredentials');
    assert.equal(records.length, 0);
  });

  test('explicit keys win over the environment', async () => {
    const wrongEnv = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tSomebodyElse', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'somebody-elses-secret', ALIBABA_CLOUD_SECURITY_TOKEN: 'somebody-elses-token' };
    const instance = freshInstance();
    const { result, records } = await child({ how: 'oneShot', params: instance, options: { ...KEY } }, wrongEnv);
    assert.equal(result.ok?.success, true, JSON.stringify(result));
    assert.equal(records[0].accessKeyId, KEY.accessKeyId);
    assert.ok(!('SecurityToken' in records[0].params), 'no token from the environment mixed in');
  });

  test('a credentials function in the input wins over the environment', async () => {
    const instance = freshInstance();
    const { result, records } = await child({ how: 'oneShot', params: instance, provider: { ...STS } }, longTerm);
    assert.equal(result.ok?.success, true, JSON.stringify(result));
    assert.equal(records[0].accessKeyId, STS.accessKeyId);
  });

  test('a DmsClient given no credentials finds them in the environment (the default chain)', async () => {
    const { result, records } = await child({ how: 'client', params: freshInstance() }, temporary);
    assert.equal(result.ok?.success, true, JSON.stringify(result));
    assert.equal(records[0].accessKeyId, STS.accessKeyId);
  });

  test('a DmsClient given keys does not read the environment', async () => {
    const wrongEnv = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tSomebodyElse', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'somebody-elses-secret' };
    const { result, records } = await child({ how: 'client', params: freshInstance(), options: { ...KEY } }, wrongEnv);
    assert.equal(result.ok?.success, true, JSON.stringify(result));
    assert.equal(records[0].accessKeyId, KEY.accessKeyId);
  });
});

test('no unhandled rejection and no uncaught exception in this file', async () => {
  await pause(100);
  tracker.assertNone();
});
