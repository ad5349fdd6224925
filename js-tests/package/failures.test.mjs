// Failures, through the packed tarball (require and import): business failures (HTTP 200,
// Success false), gateway failures (4xx/5xx), bodies that are not DMS JSON, network
// failures, and no secret in any error a user could print.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, SECRETS, STS, closedPortUrl, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy } from '../support/fetch-spy.mjs';
import { assertDmsError, assertNoSecrets, assertWellFormedCall, errorRenderings } from '../support/assertions.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture();

const WRONG_SECRET = 'wrong-secret-value-Q7';
const UNKNOWN_KEY_ID = 'LTAI5tNobodyKnowsThisId';
// Strings no error may contain: the real secrets, the wrong secret a client signed with,
// and the access key ids (the gateway echoes them in its string-to-sign).
const NEVER_SHOWN = [...SECRETS, WRONG_SECRET];

/** Every error the tests below produce, checked for secrets by the last test. */
const collected = [];

let nextInstanceId = 800000;
/** A new instance of task flow 1001 at DagVersion '5'; returns its ids (stop's parameters). */
function freshInstance(status) {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status, dagVersion: '5' });
  return { dagId: '1001', dagInstanceId };
}

/** Awaits a promise that must reject; returns the rejection (and remembers it). */
async function rejection(promise, label) {
  let settled;
  try {
    settled = await promise;
  } catch (error) {
    collected.push({ label, error });
    return error;
  }
  assert.fail(`${label}: expected a rejection, got ${JSON.stringify(settled)}`);
}

const answeredRequestId = (call) => JSON.parse(call.response.body).RequestId;

// These tests classify one answer each, so clients here send once (maxAttempts: 1); what
// retries do is tested in js-tests/resilience/.
const ONCE = { maxAttempts: 1 };

for (const [label, mod] of variants) {
  const client = (extra = {}) => {
    const fetch = createFetchSpy({ secret: extra.accessKeySecret ?? KEY.accessKeySecret });
    return { client: new mod.DmsClient({ ...KEY, ...ONCE, endpoint: emu.url, fetch, ...extra }), fetch };
  };

  describe(`${label}: business failures (HTTP 200, Success false)`, () => {
    const cases = [
      {
        name: 'resuming a running instance: InvalidStatus',
        setup: () => freshInstance('running'),
        call: (c, i) => c.resumeTaskFlowInstance({ ...i, dagVersion: '5' }),
        code: 'InvalidStatus',
        unchanged: 'running',
      },
      {
        name: 'resuming the seeded running instance 5001: InvalidStatus',
        setup: () => {
          emu.addInstance({ dagId: '1001', dagInstanceId: '5001', status: 'running', dagVersion: '3' });
          return { dagId: 1001, dagInstanceId: 5001, dagVersion: '3' };
        },
        call: (c, i) => c.resumeTaskFlowInstance(i),
        code: 'InvalidStatus',
        unchanged: 'running',
      },
      {
        name: 'stopping a succeeded instance: InvalidStatus',
        setup: () => freshInstance('succeeded'),
        call: (c, i) => c.stopTaskFlowInstance(i),
        code: 'InvalidStatus',
        unchanged: 'succeeded',
      },
      {
        name: 'resuming with the wrong dagVersion: InvalidDagVersion',
        setup: () => freshInstance('suspended'),
        call: (c, i) => c.resumeTaskFlowInstance({ ...i, dagVersion: '4' }),
        code: 'InvalidDagVersion',
        unchanged: 'suspended',
      },
      {
        name: 'stopping an unknown instance: InvalidDagInstance',
        setup: () => ({ dagId: '1001', dagInstanceId: '999999999' }),
        call: (c, i) => c.stopTaskFlowInstance(i),
        code: 'InvalidDagInstance',
      },
      {
        name: 'an instance id under another task flow: InvalidDagInstance',
        setup: () => ({ dagId: '1002', dagInstanceId: '5002', dagVersion: '3' }),
        call: (c, i) => c.resumeTaskFlowInstance(i),
        code: 'InvalidDagInstance',
      },
      {
        name: 'a rounded big id (…992) does not exist: InvalidDagInstance',
        setup: () => ({ dagId: '9007199254740995', dagInstanceId: '9007199254740992', dagVersion: '7' }),
        call: (c, i) => c.resumeTaskFlowInstance(i),
        code: 'InvalidDagInstance',
      },
    ];

    for (const { name, setup, call, code, unchanged } of cases) {
      test(name, async () => {
        const instance = setup();
        const { client: c, fetch } = client();
        const error = await rejection(call(c, instance), `${label} ${name}`);
        assertDmsError(error, mod.DmsError, { code, status: 200, retryable: false });
        assert.equal(fetch.count, 1);
        assert.equal(error.requestId, answeredRequestId(fetch.calls[0]), 'requestId is the one the server sent');
        assert.ok(error.message.length > 0);
        assert.equal(error.message, JSON.parse(fetch.calls[0].response.body).ErrorMessage, 'the server message is kept');
        assert.equal(error.hostId, undefined, 'business failures have no HostId');
        assert.equal(emu.requests.at(-1).errorCode, code);
        if (unchanged) assert.equal(emu.getInstance(instance.dagId, instance.dagInstanceId).status, unchanged);
        assertWellFormedCall(fetch.calls[0], { accessKeyId: KEY.accessKeyId });
      });
    }

    test('one-shot business failure rejects the same way', async () => {
      const instance = freshInstance('stopped');
      const error = await rejection(
        mod.resumeTaskFlowInstance({ ...KEY, endpoint: emu.url, ...instance, dagVersion: '5' }),
        `${label} one-shot InvalidStatus`,
      );
      assertDmsError(error, mod.DmsError, { code: 'InvalidStatus', status: 200, retryable: false });
      assert.equal(typeof error.requestId, 'string');
      assert.ok(error.requestId.length > 0);
    });
  });

  describe(`${label}: gateway failures`, () => {
    test('wrong secret: SignatureDoesNotMatch, 400, echo redacted', async () => {
      const instance = freshInstance('running');
      const { client: c, fetch } = client({ accessKeySecret: WRONG_SECRET });
      const error = await rejection(c.stopTaskFlowInstance(instance), `${label} SignatureDoesNotMatch`);
      assertDmsError(error, mod.DmsError, {
        code: 'SignatureDoesNotMatch',
        status: 400,
        retryable: false,
        messageIncludes: ['[redacted]'],
      });
      // What the emulator really said, before the package redacted it.
      const sent = JSON.parse(fetch.calls[0].response.body);
      assert.match(sent.Message, /string to sign is:POST&%2F&AccessKeyId%3D/);
      assert.equal(error.requestId, sent.RequestId);
      assert.equal(error.hostId, sent.HostId);
      assert.equal(error.recommend, sent.Recommend);
      for (const forbidden of [WRONG_SECRET, KEY.accessKeySecret, KEY.accessKeyId, 'AccessKeyId%3D', 'AccessKeyId=', 'SignatureNonce', 'Timestamp%3D']) {
        assert.ok(!error.message.includes(forbidden), `message must not contain ${forbidden}: ${error.message}`);
        assert.ok(!JSON.stringify(error).includes(forbidden), `JSON must not contain ${forbidden}`);
      }
      // The package signed correctly with the secret it was given: the server just knows another.
      assertWellFormedCall(fetch.calls[0], { accessKeyId: KEY.accessKeyId });
      assert.equal(emu.getInstance(instance.dagId, instance.dagInstanceId).status, 'running');
    });

    test('wrong STS secret: the echoed token and key id are not shown either', async () => {
      const { client: c } = client({ ...STS, accessKeySecret: WRONG_SECRET });
      const error = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} STS SignatureDoesNotMatch`);
      assertDmsError(error, mod.DmsError, { code: 'SignatureDoesNotMatch', status: 400, messageIncludes: ['[redacted]'] });
      for (const forbidden of [STS.securityToken, STS.accessKeyId, STS.accessKeySecret, WRONG_SECRET, 'SecurityToken']) {
        assert.ok(!JSON.stringify(error).includes(forbidden), `must not contain ${forbidden}: ${JSON.stringify(error)}`);
      }
    });

    test('unknown key id: 404 InvalidAccessKeyId.NotFound', async () => {
      const { client: c, fetch } = client({ accessKeyId: UNKNOWN_KEY_ID });
      const error = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} NotFound`);
      assertDmsError(error, mod.DmsError, { code: 'InvalidAccessKeyId.NotFound', status: 404, retryable: false });
      assert.equal(error.requestId, answeredRequestId(fetch.calls[0]));
      assert.equal(error.hostId, 'dms-enterprise.aliyuncs.com');
      assert.match(error.recommend, /InvalidAccessKeyId\.NotFound/);
    });

    test('a replayed nonce: SignatureNonceUsed, retryable', async () => {
      // A fetch that sends the first request's body again: the same nonce, twice.
      let firstBody;
      const replaying = createFetchSpy({
        inner: (url, init) => {
          firstBody ??= init.body;
          return fetch(url, { ...init, body: firstBody });
        },
      });
      const { client: c } = client({ fetch: replaying });
      const instance = freshInstance('running');
      const first = await c.stopTaskFlowInstance(instance);
      assert.equal(first.success, true);
      const error = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} SignatureNonceUsed`);
      assertDmsError(error, mod.DmsError, { code: 'SignatureNonceUsed', status: 400, retryable: true });
      assert.notEqual(replaying.calls[0].params.SignatureNonce, replaying.calls[1].params.SignatureNonce,
        'the package itself used a new nonce for the second call');
    });

    test('a 503 ServiceUnavailable JSON answer is retryable and keeps its fields', async () => {
      emu.failNext({
        status: 503,
        body: {
          RequestId: 'REQ-503-TEST',
          HostId: 'dms-enterprise.aliyuncs.com',
          Code: 'ServiceUnavailable',
          Message: 'The request has failed due to a temporary failure of the server.',
          Recommend: 'https://api.aliyun.com/troubleshoot?q=ServiceUnavailable',
        },
      });
      const instance = freshInstance('running');
      const { client: c } = client();
      const error = await rejection(c.stopTaskFlowInstance(instance), `${label} 503`);
      assertDmsError(error, mod.DmsError, {
        code: 'ServiceUnavailable',
        status: 503,
        retryable: true,
        requestId: 'REQ-503-TEST',
        message: 'The request has failed due to a temporary failure of the server.',
      });
      assert.equal(error.hostId, 'dms-enterprise.aliyuncs.com');
      assert.equal(error.recommend, 'https://api.aliyun.com/troubleshoot?q=ServiceUnavailable');
      assert.equal(emu.getInstance(instance.dagId, instance.dagInstanceId).status, 'running');
    });

    test('a 400 Throttling.User answer is retryable; a 403 Forbidden.RAM is not', async () => {
      emu.failNext({ status: 400, body: { RequestId: 'R-T', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' } });
      emu.failNext({ status: 403, body: { RequestId: 'R-F', Code: 'Forbidden.RAM', Message: `User ${KEY.accessKeyId} not authorized.` } });
      const { client: c } = client();
      const throttled = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} throttled`);
      assertDmsError(throttled, mod.DmsError, { code: 'Throttling.User', status: 400, retryable: true, requestId: 'R-T' });
      const forbidden = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} forbidden`);
      assertDmsError(forbidden, mod.DmsError, { code: 'Forbidden.RAM', status: 403, retryable: false, requestId: 'R-F' });
      assert.ok(!forbidden.message.includes(KEY.accessKeyId), `the key id is redacted: ${forbidden.message}`);
      assert.ok(forbidden.message.includes('not authorized'));
    });

    test('a business failure whose message echoes the key id, secret and token is redacted', async () => {
      emu.failNext({
        status: 200,
        body: {
          RequestId: 'R-ECHO',
          Success: false,
          ErrorCode: 'InvalidStatus',
          ErrorMessage: `key ${STS.accessKeyId} token ${STS.securityToken} secret ${STS.accessKeySecret}`,
        },
      });
      const { client: c } = client({ ...STS });
      const error = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} echo`);
      assertDmsError(error, mod.DmsError, {
        code: 'InvalidStatus',
        status: 200,
        requestId: 'R-ECHO',
        message: 'key [redacted] token [redacted] secret [redacted]',
      });
    });

    test('a redirect is not followed: the signed body (with the STS token) never goes elsewhere', async (t) => {
      // Another origin (another port) that records what it receives and answers "success".
      const received = [];
      const elsewhere = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
          received.push({ method: req.method, body });
          res.setHeader('Content-Type', 'application/json');
          res.end('{"RequestId":"FROM-ELSEWHERE","Success":true}');
        });
      });
      await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
      t.after(() => new Promise((resolve) => { elsewhere.close(resolve); elsewhere.closeAllConnections(); }));
      const location = `http://127.0.0.1:${elsewhere.address().port}/collect`;

      for (const status of [307, 308]) {
        emu.failNext({ status, body: '', headers: { Location: location } });
        const { client: c } = client({ ...STS });
        const outcome = await c.stopTaskFlowInstance(freshInstance('running')).then(
          (result) => ({ result }),
          (error) => ({ error }),
        );
        assert.deepEqual(received, [], `HTTP ${status}: the request was re-sent to ${location}: ${JSON.stringify(received)}`);
        assert.ok(outcome.error, `HTTP ${status}: the answer of another origin was taken as success: ${JSON.stringify(outcome.result)}`);
        assertDmsError(outcome.error, mod.DmsError, {});
        collected.push({ label: `${label} redirect ${status}`, error: outcome.error });
      }
    });

    test('Success true with an error code still resolves (decided on Success alone)', async () => {
      emu.failNext({ status: 200, body: { RequestId: 'R-OK', Success: true, ErrorCode: 'UnknownError', ErrorMessage: 'x' } });
      const { client: c } = client();
      assert.deepEqual(await c.stopTaskFlowInstance(freshInstance('running')), { requestId: 'R-OK', success: true });
    });
  });

  describe(`${label}: bodies that are not DMS JSON: InvalidResponse`, () => {
    const cases = [
      {
        name: 'an HTML 502 page',
        response: {
          status: 502,
          body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>',
          headers: { 'Content-Type': 'text/html' },
        },
        status: 502,
        retryable: true,
        includes: ['HTTP 502', '502 Bad Gateway'],
      },
      {
        name: 'a truncated JSON body',
        response: { status: 200, body: '{"RequestId":"A1B2","Succ' },
        status: 200,
        retryable: false,
        includes: ['HTTP 200', '{"RequestId":"A1B2","Succ'],
      },
      {
        name: 'an empty body',
        response: { status: 200, body: '' },
        status: 200,
        retryable: false,
        includes: ['HTTP 200', 'empty'],
      },
      {
        name: 'an empty 504',
        response: { status: 504, body: '' },
        status: 504,
        retryable: true,
        includes: ['HTTP 504'],
      },
      {
        name: 'JSON without Success (HTTP 200)',
        response: { status: 200, body: { RequestId: 'R-NS' } },
        status: 200,
        retryable: false,
        includes: ['Success'],
      },
      {
        name: 'a JSON array',
        response: { status: 200, body: '[1,2,3]' },
        status: 200,
        includes: ['[1,2,3]'],
      },
      {
        name: 'an error body without Code (HTTP 400)',
        response: { status: 400, body: { Message: 'no code here' } },
        status: 400,
        includes: ['Code'],
      },
      {
        name: 'a proxy page that echoes the secret and key id',
        response: {
          status: 500,
          body: `<html>upstream said: AccessKeyId=${KEY.accessKeyId}&secret=${KEY.accessKeySecret}</html>`,
          headers: { 'Content-Type': 'text/html' },
        },
        status: 500,
        retryable: true,
        includes: ['HTTP 500', 'upstream said'],
        excludes: [KEY.accessKeyId, KEY.accessKeySecret],
      },
    ];

    for (const { name, response, status, retryable, includes, excludes = [] } of cases) {
      test(name, async () => {
        emu.failNext(response);
        const { client: c, fetch } = client();
        const error = await rejection(c.stopTaskFlowInstance(freshInstance('running')), `${label} ${name}`);
        assertDmsError(error, mod.DmsError, { code: 'InvalidResponse', status, retryable, messageIncludes: includes });
        assert.equal(fetch.count, 1);
        assert.ok(error.message.length < 400, `the excerpt is short: ${error.message.length} characters`);
        for (const text of excludes) assert.ok(!error.message.includes(text), `must not contain ${text}: ${error.message}`);
      });
    }

    test('a huge HTML body gives a short message', async () => {
      emu.failNext({ status: 502, body: `<html>${'<p>busy</p>'.repeat(100_000)}</html>`, headers: { 'Content-Type': 'text/html' } });
      const error = await rejection(client().client.stopTaskFlowInstance(freshInstance('running')), `${label} huge`);
      assertDmsError(error, mod.DmsError, { code: 'InvalidResponse', status: 502 });
      assert.ok(error.message.length < 400, `${error.message.length} characters`);
    });
  });

  describe(`${label}: network failures: NetworkError`, () => {
    test('connection refused: NetworkError with cause, no status', async () => {
      const endpoint = await closedPortUrl();
      const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
      const c = new mod.DmsClient({ ...KEY, ...ONCE, endpoint, fetch });
      const error = await rejection(c.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 5001 }), `${label} refused`);
      assertDmsError(error, mod.DmsError, { code: 'NetworkError', status: 'absent', retryable: true });
      assert.ok(error.cause instanceof Error, 'cause is the fetch error');
      assert.equal(error.cause, fetch.calls[0].error, 'cause is exactly what fetch threw');
      assert.ok(error.message.includes(`${endpoint}/`), `the message names the URL: ${error.message}`);
      assert.equal(error.requestId, undefined);
      assertWellFormedCall(fetch.calls[0], { url: `${endpoint}/` });
    });

    test('one-shot, connection refused', async () => {
      const endpoint = await closedPortUrl();
      const error = await rejection(
        mod.stopTaskFlowInstance({ ...STS, ...ONCE, endpoint, dagId: 1, dagInstanceId: 2 }),
        `${label} one-shot refused`,
      );
      assertDmsError(error, mod.DmsError, { code: 'NetworkError', status: 'absent' });
      assert.ok(error.cause instanceof Error);
    });

    test('a fetch that throws synchronously, or resolves to a non-Response', async () => {
      const boom = new Error('sync boom');
      const throwing = new mod.DmsClient({ ...KEY, ...ONCE, endpoint: emu.url, fetch: () => { throw boom; } });
      const error = await rejection(throwing.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }), `${label} sync throw`);
      assertDmsError(error, mod.DmsError, { code: 'NetworkError', status: 'absent' });
      assert.equal(error.cause, boom);

      const odd = new mod.DmsClient({ ...KEY, ...ONCE, endpoint: emu.url, fetch: async () => ({ ok: true }) });
      const oddError = await rejection(odd.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }), `${label} non-Response`);
      assertDmsError(oddError, mod.DmsError, { code: 'InvalidResponse' });
    });
  });

  describe(`${label}: expired timestamp`, async () => {
    const skewed = await emulatorFixture({ clock: () => Date.now() + 20 * 60_000 });

    test('a server clock 20 minutes ahead: the client learns it from Date and succeeds', async () => {
      skewed.addInstance({ dagId: '1001', dagInstanceId: '5101', status: 'running', dagVersion: '1' });
      skewed.addInstance({ dagId: '1001', dagInstanceId: '5102', status: 'running', dagVersion: '1' });
      const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
      const c = new mod.DmsClient({ ...KEY, ...ONCE, endpoint: skewed.url, fetch });
      const result = await c.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 5101 });
      assert.equal(result.success, true);
      assert.equal(skewed.getInstance('1001', '5101').status, 'stopped');
      // The first attempt was refused, the second re-signed with the server's time.
      assert.equal(fetch.calls.length, 2);
      assert.equal(fetch.calls[0].response.status, 400);
      assert.equal(JSON.parse(fetch.calls[0].response.body).Code, 'InvalidTimeStamp.Expired');
      const [first, second] = fetch.calls.map((call) => new URLSearchParams(call.init.body));
      assert.notEqual(first.get('SignatureNonce'), second.get('SignatureNonce'));
      const skew = Date.parse(second.get('Timestamp')) - Date.parse(first.get('Timestamp'));
      assert.ok(Math.abs(skew - 20 * 60_000) < 5_000, `the second timestamp is ~20 min later: ${skew} ms`);
      for (const call of fetch.calls) assertWellFormedCall(call);
      // Later calls on the same client start from the learned offset: one request.
      await c.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 5102 });
      assert.equal(fetch.calls.length, 3);
    });
  });
}

// Last in the file: the tests above ran (node:test runs a file's tests in order).
test('no error above shows a secret in its message, JSON, inspect output or stack', () => {
  assert.ok(collected.length >= 2 * 25, `errors collected: ${collected.length}`);
  for (const { label, error } of collected) {
    for (const [how, text] of Object.entries(errorRenderings(error))) {
      assertNoSecrets(text, NEVER_SHOWN, `${label} (${how})`);
    }
  }
});
