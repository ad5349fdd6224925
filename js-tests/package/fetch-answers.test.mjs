// What a custom fetch and its objects can do to one attempt, and the outcome each must give:
// fetch throwing or returning a thenable, getters that throw, statuses that are not HTTP
// statuses, redirects, bodies that fail or are not strings, odd date/age headers. Each case
// states its expected DmsError (code, status, message, cause) in plain JS, written from the
// binding's rules (src/wasm/fetch.rs, js/attempt.mjs), not from the package's output.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { loadPackage } from '../support/load-package.mjs';
import { assertDmsError } from '../support/assertions.mjs';

const { variants } = await loadPackage();

const ENDPOINT = 'https://dms.example.test';
const URL_SENT = `${ENDPOINT}/`;
const OK_BODY = '{"RequestId":"5E1F0000-0000-4000-8000-000000000001","Success":true}';
const EXPIRED_BODY = '{"RequestId":"5E1F0000-0000-4000-8000-000000000002","Code":"InvalidTimeStamp.Expired","Message":"expired"}';
const NOT_A_RESPONSE = 'fetch resolved to something that is not a Response (no HTTP status)';
const REDIRECT_TAIL = '; signed requests are never re-sent elsewhere: set endpoint to the final URL';

/** A Response-like object; `overrides` replace or add properties (getters included). */
function fakeResponse({ status = 200, body = OK_BODY, headers = {} } = {}, overrides = {}) {
  const base = {
    type: 'basic',
    status,
    headers: { get: (name) => (Object.hasOwn(headers, name) ? headers[name] : null) },
    text: () => Promise.resolve(body),
  };
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(overrides));
}

const boom = new Error('boom');
const reset = Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }) });

// [name, fetch implementation, expected]: expected is { ok: true } or the error's fields and
// what its cause must be.
const cases = [
  ['a Response', () => Promise.resolve(new Response(OK_BODY, { status: 200 })), { ok: true }],
  ['a plain object shaped like a Response', async () => fakeResponse(), { ok: true }],
  ['a thenable resolving to a Response', () => ({ then: (resolve) => resolve(fakeResponse()) }), { ok: true }],
  ['a thenable whose then throws', () => ({ then() { throw boom; } }),
    { code: 'NetworkError', status: 'absent', retryable: true, message: `request to ${URL_SENT} failed: boom`, cause: boom }],
  ['fetch throwing synchronously', () => { throw boom; },
    { code: 'NetworkError', status: 'absent', retryable: true, message: `request to ${URL_SENT} failed: boom`, cause: boom }],
  ['fetch rejecting with a Node-style cause', () => Promise.reject(reset),
    { code: 'NetworkError', status: 'absent', retryable: true, message: `request to ${URL_SENT} failed: terminated (ECONNRESET)`, cause: reset }],
  ['fetch rejecting with a string', () => Promise.reject('plain words'),
    { code: 'NetworkError', status: 'absent', message: `request to ${URL_SENT} failed: plain words`, cause: 'plain words' }],
  ['a non-Response', async () => ({ ok: true }), { code: 'InvalidResponse', status: 'absent', retryable: false, message: NOT_A_RESPONSE }],
  ['undefined', async () => undefined, { code: 'InvalidResponse', status: 'absent', message: NOT_A_RESPONSE }],
  ['a status getter that throws', async () => fakeResponse({}, { get status() { throw boom; } }),
    { code: 'InvalidResponse', status: 'absent', message: NOT_A_RESPONSE }],
  ['status 200.5', async () => fakeResponse({ status: 200.5 }), { code: 'InvalidResponse', status: 'absent', message: NOT_A_RESPONSE }],
  ['status "200"', async () => fakeResponse({ status: '200' }), { code: 'InvalidResponse', status: 'absent', message: NOT_A_RESPONSE }],
  ['status 600', async () => fakeResponse({ status: 600 }), { code: 'InvalidResponse', status: 'absent', message: NOT_A_RESPONSE }],
  ['status 0 (not opaque)', async () => fakeResponse({ status: 0 }), { code: 'InvalidResponse', status: 'absent', message: NOT_A_RESPONSE }],
  ['an opaque redirect', async () => fakeResponse({ status: 0 }, { type: 'opaqueredirect' }),
    { code: 'InvalidResponse', status: 'absent', retryable: false, message: `the endpoint ${URL_SENT} answered with a redirect${REDIRECT_TAIL}` }],
  ['HTTP 302', async () => fakeResponse({ status: 302, body: '' }),
    { code: 'InvalidResponse', status: 302, retryable: false, message: `the endpoint ${URL_SENT} answered with a redirect (HTTP 302)${REDIRECT_TAIL}` }],
  ['a type getter that throws', async () => fakeResponse({}, { get type() { throw boom; } }), { ok: true }],
  ['a headers getter that throws', async () => fakeResponse({}, { get headers() { throw boom; } }), { ok: true }],
  ['headers.get that throws', async () => fakeResponse({}, { headers: { get() { throw boom; } } }), { ok: true }],
  ['text() throwing synchronously', async () => fakeResponse({}, { text() { throw boom; } }),
    { code: 'NetworkError', status: 200, retryable: true, message: `reading the response body from ${URL_SENT} failed: boom`, cause: boom }],
  ['text() rejecting', async () => fakeResponse({ status: 503 }, { text: () => Promise.reject(reset) }),
    { code: 'NetworkError', status: 503, message: `reading the response body from ${URL_SENT} failed: terminated (ECONNRESET)`, cause: reset }],
  ['text() giving a number', async () => fakeResponse({}, { text: async () => 42 }),
    { code: 'NetworkError', status: 200, message: `reading the response body from ${URL_SENT} failed: text() did not give a string`, cause: 'text() did not give a string' }],
  ['text() giving a thenable', async () => fakeResponse({}, { text: () => ({ then: (resolve) => resolve(OK_BODY) }) }), { ok: true }],
  ['a body beyond the read limit', async () => fakeResponse({ body: `{"RequestId":"${'x'.repeat(9 * 1024 * 1024)}"}` }),
    { code: 'InvalidResponse', status: 200, retryable: false, messageIncludes: ['the body is larger than the 1048576 bytes read of an answer (9437200 characters)'] }],
  // The date and age headers travel with the body: odd ones must not spill into it.
  ['date and age headers with spaces, digits and astral characters',
    async () => fakeResponse({ headers: { date: '12 3 - 😀 ü', age: ' 7 \n 8 ' } }), { ok: true }],
  ['a date header that is a number', async () => fakeResponse({ headers: { date: 5, age: '' } }), { ok: true }],
  ['a non-ASCII body after non-ASCII headers',
    async () => fakeResponse({ body: OK_BODY.replace('"Success"', ' "Success"'), headers: { date: 'ü😀', age: '😀' } }), { ok: true }],
  ['an Expired answer with an unreadable date: no clock learned, the answer kept whole',
    async () => fakeResponse({ status: 400, body: EXPIRED_BODY, headers: { date: 'Sun, 😀 Nov', age: '3' } }),
    { code: 'InvalidTimeStamp.Expired', status: 400, retryable: false, requestId: '5E1F0000-0000-4000-8000-000000000002' }],
];

for (const [label, mod] of variants) {
  describe(`${label}: what a custom fetch answers`, () => {
    for (const [name, implementation, expected] of cases) {
      test(name, async () => {
        const calls = [];
        const fetch = function (url, init) {
          calls.push({ self: this, url, init });
          return implementation(url, init);
        };
        const client = new mod.DmsClient({ accessKeyId: 'AKID', accessKeySecret: 'not-a-real-secret', endpoint: ENDPOINT, maxAttempts: 1, fetch });
        let value;
        let error;
        try {
          value = await client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 });
        } catch (thrown) {
          error = thrown;
        }
        assert.equal(calls.length, 1, 'one attempt');
        const [{ self, url, init }] = calls;
        assert.equal(self, globalThis, 'fetch is called with this = globalThis');
        assert.equal(url, URL_SENT);
        assert.deepEqual(Object.keys(init), ['method', 'headers', 'body', 'redirect', 'signal']);
        assert.equal(init.method, 'POST');
        assert.deepEqual(init.headers, { 'content-type': 'application/x-www-form-urlencoded' });
        assert.equal(init.redirect, 'manual');
        assert.ok(init.signal instanceof AbortSignal);
        if (expected.ok) {
          assert.equal(error, undefined, `no error: ${error?.message}`);
          assert.equal(value.success, true);
          return;
        }
        const { cause, ...fields } = expected;
        assertDmsError(error, mod.DmsError, fields);
        if ('cause' in expected) assert.equal(error.cause, cause);
        else assert.ok(!('cause' in error), 'no cause');
      });
    }
  });
}
