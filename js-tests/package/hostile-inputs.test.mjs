// Hostile inputs, table-driven, through the packed tarball (require and import): bad ids,
// bad strings, bad parameter objects, bad client options and missing credentials. Each one
// must reject (the constructor and signRequest: throw) a DmsError naming the field, send
// nothing (the fetch spy saw no call, the emulator no request), and leave the module
// working: a good call right after it succeeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, SECRETS, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy } from '../support/fetch-spy.mjs';
import { assertDmsError, assertNoSecrets } from '../support/assertions.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture();

const STOP_FIELDS = 'dagId, dagInstanceId, tid';
const CLIENT_OPTIONS = 'accessKeyId, accessKeySecret, securityToken, credentials, endpoint, regionId, network, signingHost, signatureVersion, fetch, maxAttempts, retryBaseDelayMs, retryMaxDelayMs, timeoutMs, onRequest, onResponse';

const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const throwingOwnKeys = (target = {}) =>
  new Proxy(target, {
    ownKeys() {
      throw new Error('ownKeys trap');
    },
  });
const throwingDescriptor = (target) =>
  new Proxy(target, {
    getOwnPropertyDescriptor() {
      throw new Error('getOwnPropertyDescriptor trap');
    },
  });
const withThrowingGetter = (base, name) =>
  Object.defineProperty({ ...base }, name, {
    enumerable: true,
    get() {
      throw new Error(`getter of ${name}`);
    },
  });

// [label, value (a thunk, so each run gets a fresh one), what the message says it got]
const BAD_IDS = [
  ['a fraction', () => 1.5, 'a number with a fraction'],
  ['NaN', () => NaN, 'NaN'],
  ['Infinity', () => Infinity, 'an infinite number'],
  ['-Infinity', () => -Infinity, 'an infinite number'],
  ['a negative number', () => -1, 'a negative number'],
  ['2^53, an unsafe integer', () => 2 ** 53, 'a number beyond 2^53-1'],
  ['9007199254740993 as a number (rounded by JS)', () => 9007199254740993, 'a number beyond 2^53-1'],
  ['Number.MAX_VALUE', () => Number.MAX_VALUE, 'a number beyond 2^53-1'],
  ['a negative bigint', () => -1n, 'a negative number'],
  ['a bigint beyond int64', () => 2n ** 63n, 'a bigint outside int64'],
  ["'12abc'", () => '12abc', 'the string "12abc"'],
  ["''", () => '', 'an empty string'],
  ["' 1'", () => ' 1', 'the string " 1"'],
  ["'1 '", () => '1 ', 'the string "1 "'],
  ["'+1'", () => '+1', 'the string "+1"'],
  ["'1e3'", () => '1e3', 'the string "1e3"'],
  ["'1.0'", () => '1.0', 'the string "1.0"'],
  ["'-5'", () => '-5', 'a negative number'],
  ["'0x10'", () => '0x10', 'the string "0x10"'],
  ['full-width digits', () => '１２', 'the string "１２"'],
  ['Arabic-Indic digits', () => '١٢', 'the string'],
  ["'9223372036854775808' (int64 max + 1)", () => '9223372036854775808', 'the string "9223372036854775808"'],
  ['true', () => true, 'true'],
  ['false', () => false, 'false'],
  ['an empty object', () => ({}), 'an object'],
  ['an array', () => ['1'], 'an array'],
  ['a symbol', () => Symbol('id'), 'a symbol'],
  ['a function', () => () => 1, 'a function'],
  ['a Number object', () => new Number(5), 'an object'],
  ['a String object', () => new String('5'), 'an object'],
  ['a Date', () => new Date(0), 'an object'],
  ['a string with a lone surrogate', () => '1\uD800', 'a string with a lone surrogate'],
  ['a string with a lone low surrogate', () => '1\uDC00', 'a string with a lone surrogate'],
  ['a string with a reversed surrogate pair', () => '\uDC00\uD800', 'a string with a lone surrogate'],
  ['U+FFFD and a surrogate pair (well-formed, not an id)', () => '1\uFFFD\uD83D\uDE00', 'the string "1\uFFFD\uD83D\uDE00"'],
  ['an object whose toJSON throws', () => ({ toJSON() { throw new Error('toJSON'); } }), 'an object'],
  ['a revoked Proxy', revokedProxy, 'an object'],
  ['a string over 1 MiB', () => '1'.repeat(2 ** 20 + 1), 'a value longer than 1 MiB'],
];
// The shorter lists used for the other id fields.
const SOME_BAD_IDS = BAD_IDS.filter(([label]) =>
  ['a fraction', 'NaN', 'a negative number', '2^53, an unsafe integer', "'12abc'", "''", "'+1'", 'true', 'an array', 'a symbol', 'a negative bigint'].includes(label),
);
const BAD_DAG_VERSIONS = [
  ["''", () => '', 'an empty string'],
  ['a fraction', () => 1.5, 'a number with a fraction'],
  ['NaN', () => NaN, 'NaN'],
  ['an unsafe integer', () => 2 ** 53, 'a number beyond 2^53-1'],
  ['an object', () => ({ version: 3 }), 'an object'],
  ['an array', () => ['3'], 'an array'],
  ['true', () => true, 'true'],
  ['a symbol', () => Symbol('v'), 'a symbol'],
  ['a function', () => () => '3', 'a function'],
];

const STOP = { dagId: '1001', dagInstanceId: '5004' };
const RESUME = { dagId: '1001', dagInstanceId: '5002', dagVersion: '3' };

// Parameter cases: { name, op, params: () => object, code, starts, includes }
const PARAM_CASES = [
  ...BAD_IDS.map(([label, value, got]) => ({
    name: `dagId: ${label}`,
    op: 'stop',
    params: () => ({ ...STOP, dagId: value() }),
    starts: 'dagId must be an id: ',
    includes: [`; got ${got}`],
  })),
  ...SOME_BAD_IDS.map(([label, value, got]) => ({
    name: `dagInstanceId: ${label}`,
    op: 'resume',
    params: () => ({ ...RESUME, dagInstanceId: value() }),
    starts: 'dagInstanceId must be an id: ',
    includes: [`; got ${got}`],
  })),
  ...SOME_BAD_IDS.map(([label, value, got]) => ({
    name: `tid: ${label}`,
    op: 'stop',
    params: () => ({ ...STOP, tid: value() }),
    starts: 'tid must be an id: ',
    includes: [`; got ${got}`],
  })),
  ...BAD_DAG_VERSIONS.map(([label, value, got]) => ({
    name: `dagVersion: ${label}`,
    op: 'resume',
    params: () => ({ ...RESUME, dagVersion: value() }),
    starts: 'dagVersion must be a non-empty string; got ',
    includes: [got],
  })),
  // Missing (or undefined) required parameters.
  { name: 'no parameters at all ({})', op: 'stop', params: () => ({}), code: 'MissingParameter', exact: 'dagId is required for StopTaskFlowInstance' },
  { name: 'params undefined', op: 'stop', params: () => undefined, code: 'MissingParameter', exact: 'dagId is required for StopTaskFlowInstance' },
  { name: 'dagInstanceId missing', op: 'stop', params: () => ({ dagId: 1001 }), code: 'MissingParameter', exact: 'dagInstanceId is required for StopTaskFlowInstance' },
  { name: 'dagId null', op: 'stop', params: () => ({ ...STOP, dagId: null }), code: 'MissingParameter', exact: 'dagId is required for StopTaskFlowInstance' },
  { name: 'dagVersion null', op: 'resume', params: () => ({ ...RESUME, dagVersion: null }), code: 'MissingParameter', exact: 'dagVersion is required for ResumeTaskFlowInstance' },
  { name: 'dagId undefined', op: 'stop', params: () => ({ ...STOP, dagId: undefined }), code: 'MissingParameter', exact: 'dagId is required for StopTaskFlowInstance' },
  { name: 'dagVersion missing', op: 'resume', params: () => ({ dagId: 1001, dagInstanceId: 5002 }), code: 'MissingParameter', exact: 'dagVersion is required for ResumeTaskFlowInstance' },
  { name: 'dagVersion undefined', op: 'resume', params: () => ({ ...RESUME, dagVersion: undefined }), code: 'MissingParameter', exact: 'dagVersion is required for ResumeTaskFlowInstance' },
  {
    objectLevel: true,
    name: 'only inherited properties (prototype values are not parameters)',
    op: 'stop',
    params: () => Object.create({ ...STOP }),
    code: 'MissingParameter',
    exact: 'dagId is required for StopTaskFlowInstance',
  },
  // Unknown keys.
  { name: "unknown key 'x'", op: 'stop', params: () => ({ ...STOP, x: 1 }), exact: `unknown parameter 'x' for StopTaskFlowInstance; allowed: ${STOP_FIELDS}` },
  { name: "wrong case 'DagId'", op: 'stop', params: () => ({ ...STOP, DagId: 1 }), exact: `unknown parameter 'DagId' for StopTaskFlowInstance; allowed: ${STOP_FIELDS}` },
  { name: "'dagVersion' is not a Stop parameter", op: 'stop', params: () => ({ ...STOP, dagVersion: '3' }), starts: "unknown parameter 'dagVersion' for StopTaskFlowInstance" },
  {
    objectLevel: true,
    name: "an own '__proto__' key (JSON.parse)",
    op: 'stop',
    params: () => JSON.parse('{"dagId":"1001","dagInstanceId":"5004","__proto__":{"tid":"1"}}'),
    exact: `unknown parameter '__proto__' for StopTaskFlowInstance; allowed: ${STOP_FIELDS}`,
  },
  { name: "a 'constructor' key", op: 'stop', params: () => ({ ...STOP, constructor: 'x' }), exact: `unknown parameter 'constructor' for StopTaskFlowInstance; allowed: ${STOP_FIELDS}` },
  { name: "a 'toString' key", op: 'resume', params: () => ({ ...RESUME, toString: () => 'x' }), starts: "unknown parameter 'toString' for ResumeTaskFlowInstance; allowed: dagId, dagInstanceId, dagVersion, tid" },
  { name: 'a key with a control character', op: 'stop', params: () => ({ ...STOP, 'a\nb': 1 }), exact: `unknown parameter 'a?b' for StopTaskFlowInstance; allowed: ${STOP_FIELDS}` },
  {
    name: 'a 100 000-character key (message stays short)',
    op: 'stop',
    params: () => ({ ...STOP, ['k'.repeat(100_000)]: 1 }),
    starts: "unknown parameter 'kkkk",
    // The key is cut to 40 characters; the rest is the list of allowed names (the one-shot
    // form lists the 13 client options too).
    maxLength: 400,
  },
  // The parameter object itself.
  { objectLevel: true, name: 'params null', op: 'stop', params: () => null, exact: 'params must be an object; got null' },
  { objectLevel: true, name: 'params an array', op: 'stop', params: () => ['1001', '5004'], exact: 'params must be an object; got an array' },
  { objectLevel: true, name: 'params a string', op: 'stop', params: () => 'dagId=1001', exact: 'params must be an object; got a string' },
  { objectLevel: true, name: 'params a number', op: 'resume', params: () => 42, exact: 'params must be an object; got a number' },
  { objectLevel: true, name: 'params a function', op: 'stop', params: () => () => STOP, exact: 'params must be an object; got a function' },
  { objectLevel: true, name: 'a Proxy whose ownKeys trap throws', op: 'stop', params: () => throwingOwnKeys({ ...STOP }), starts: 'params could not be read' },
  { objectLevel: true, name: 'a Proxy whose getOwnPropertyDescriptor trap throws', op: 'stop', params: () => throwingDescriptor({ ...STOP }), starts: 'params could not be read' },
  { objectLevel: true, name: 'a revoked Proxy as params', op: 'stop', params: revokedProxy, starts: 'params ' },
  { objectLevel: true, name: 'a throwing getter on dagId', op: 'stop', params: () => withThrowingGetter(STOP, 'dagId'), starts: 'params.dagId could not be read' },
  { objectLevel: true, name: 'a throwing getter on dagVersion', op: 'resume', params: () => withThrowingGetter(RESUME, 'dagVersion'), starts: 'params.dagVersion could not be read' },
];

// Client option cases: { name, options (merged over the good ones), starts, oneShotStarts }
const OPTION_CASES = [
  { name: 'accessKeyId a number', options: { accessKeyId: 42 }, exact: 'accessKeyId must be a string; got a number' },
  { name: 'accessKeyId empty', options: { accessKeyId: '' }, starts: 'accessKeyId must be a non-empty string' },
  { name: 'accessKeyId with a space', options: { accessKeyId: 'LTAI5t Emulator' }, starts: 'accessKeyId must not contain whitespace' },
  { name: 'accessKeyId null', options: { accessKeyId: null }, starts: 'accessKeyId must be a string; got null' },
  { name: 'accessKeySecret an object', options: { accessKeySecret: { secret: 'x' } }, starts: 'accessKeySecret must be a string; got an object' },
  { name: 'accessKeySecret padded with spaces', options: { accessKeySecret: ' padded-secret-value ' }, starts: 'accessKeySecret must not contain', secret: 'padded-secret-value' },
  { name: 'accessKeySecret with a newline', options: { accessKeySecret: 'line\nbreak-secret' }, starts: 'accessKeySecret must not contain', secret: 'break-secret' },
  { name: 'securityToken a number', options: { securityToken: 5 }, exact: 'securityToken must be a string; got a number' },
  { name: 'securityToken empty', options: { securityToken: '' }, starts: 'securityToken must be a non-empty string' },
  { name: 'endpoint empty', options: { endpoint: '' }, starts: 'endpoint must be a non-empty string' },
  { name: "endpoint 'ftp://x'", options: { endpoint: 'ftp://x' }, starts: 'endpoint must be an http(s) URL', includes: ['only http and https'] },
  { name: "endpoint 'https://' (no host)", options: { endpoint: 'https://' }, starts: 'endpoint must be an http(s) URL', includes: ['host'] },
  { name: 'endpoint with a query', options: { endpoint: 'https://x.example.com/?a=1' }, starts: 'endpoint must be an http(s) URL', includes: ['query'] },
  { name: 'endpoint with user credentials', options: { endpoint: 'https://user:pw@x.example.com/' }, starts: 'endpoint must be an http(s) URL', secret: 'user:pw' },
  { name: 'endpoint a URL object', options: { endpoint: new URL('https://x.example.com') }, starts: 'endpoint must be a string' },
  { name: 'endpoint with a space', options: { endpoint: 'https://x .example.com' }, starts: 'endpoint must not contain whitespace' },
  { name: "regionId 'CN-HANGZHOU'", options: { regionId: 'CN-HANGZHOU', endpoint: undefined }, starts: 'regionId "CN-HANGZHOU" has no known DMS endpoint; known: cn-qingdao,' },
  { name: 'regionId smuggling a host', options: { regionId: 'cn-hangzhou.evil.com', endpoint: undefined }, starts: 'regionId "cn-hangzhou.evil.com" has no known DMS endpoint' },
  { name: 'a closed region', options: { regionId: 'ap-southeast-2', endpoint: undefined }, starts: 'regionId "ap-southeast-2" has no known DMS endpoint' },
  { name: "network 'private'", options: { network: 'private' }, exact: 'network must be "public" or "vpc"' },
  { name: 'network vpc without a region', options: { network: 'vpc', endpoint: undefined }, starts: 'network: "vpc" needs a regionId' },
  { name: 'fetch: 42', options: { fetch: 42 }, exact: 'fetch must be a function; got a number' },
  { name: "fetch: 'fetch'", options: { fetch: 'fetch' }, starts: 'fetch must be a function' },
  { name: 'fetch: an object', options: { fetch: { fetch() {} } }, starts: 'fetch must be a function' },
  { name: 'fetch: null', options: { fetch: null }, starts: 'fetch must be a function' },
  {
    name: "unknown option 'accessKeyID'",
    options: { accessKeyID: 'x' },
    exact: `unknown client option 'accessKeyID'; allowed: ${CLIENT_OPTIONS}`,
    oneShotExact: `unknown parameter 'accessKeyID' for StopTaskFlowInstance; allowed: ${STOP_FIELDS}, or a client option: ${CLIENT_OPTIONS}`,
  },
  {
    name: "unknown option 'timeout'",
    options: { timeout: 5000 },
    starts: "unknown client option 'timeout'",
    oneShotStarts: "unknown parameter 'timeout' for StopTaskFlowInstance",
  },
];

// The options object itself: constructor and signRequest only.
const OPTION_OBJECT_CASES = [
  { name: 'options null', options: () => null, exact: 'client options must be an object; got null' },
  { name: 'options a string', options: () => 'LTAI5t:secret', exact: 'client options must be an object; got a string', secret: 'secret' },
  { name: 'options an array', options: () => [KEY.accessKeyId, KEY.accessKeySecret], exact: 'client options must be an object; got an array' },
  { name: 'options a Proxy whose ownKeys trap throws', options: () => throwingOwnKeys({ ...KEY }), starts: 'client options could not be read' },
  { name: 'a throwing getter on accessKeySecret', options: () => withThrowingGetter(KEY, 'accessKeySecret'), starts: 'client options.accessKeySecret could not be read' },
  { name: 'options a revoked Proxy', options: revokedProxy, starts: 'client options' },
];

// The one-shot functions' single argument itself.
const ONE_SHOT_ARGUMENT_CASES = [
  { name: 'null', arg: () => null, exact: 'the argument must be an object; got null' },
  { name: 'an array', arg: () => [KEY, STOP], exact: 'the argument must be an object; got an array' },
  { name: 'a string', arg: () => 'dagId=1', exact: 'the argument must be an object; got a string' },
  { name: 'a Proxy whose ownKeys trap throws', arg: (good) => throwingOwnKeys(good), starts: 'the argument could not be read' },
  { name: 'a throwing getter on dagId', arg: (good) => withThrowingGetter(good, 'dagId'), starts: 'the argument.dagId could not be read' },
  { name: 'a throwing getter on fetch', arg: (good) => withThrowingGetter(good, 'fetch'), starts: 'the argument.fetch could not be read' },
  { name: 'a revoked Proxy', arg: revokedProxy, starts: 'the argument' },
];

/** The error's expected shape, from a case. */
function expectation(c, { exact = c.exact, starts = c.starts } = {}) {
  return {
    code: c.code ?? 'InvalidParameter',
    status: 'absent',
    retryable: false,
    ...(exact !== undefined ? { message: exact } : {}),
    ...(starts !== undefined ? { messageStartsWith: starts } : {}),
    messageIncludes: c.includes ?? [],
  };
}

/** Calls `start` (which must return a promise, never throw) and checks the rejection. */
async function expectRejection(start, DmsError, expected, extra = {}) {
  let promise;
  assert.doesNotThrow(() => {
    promise = start();
  }, 'a promise-returning function must reject, not throw synchronously');
  assert.ok(promise instanceof Promise, 'it returns a promise');
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return assertDmsError(e, DmsError, expected);
  });
  checkExtra(error, extra);
  return error;
}

function checkExtra(error, { maxLength, secret } = {}) {
  if (maxLength !== undefined) assert.ok(error.message.length <= maxLength, `message too long: ${error.message.length}`);
  assertNoSecrets(error.message, [...SECRETS, ...(secret ? [secret] : [])], 'message');
  assertNoSecrets(JSON.stringify(error), [...SECRETS, ...(secret ? [secret] : [])], 'JSON');
}

let nextInstanceId = 900000;
/** A good call right after a refused one: the module still works. */
async function goodCallSucceeds(mod) {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '1' });
  const client = new mod.DmsClient({ ...KEY, endpoint: emu.url });
  const result = await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId });
  assert.equal(result.success, true);
  assert.equal(emu.getInstance('1001', dagInstanceId).status, 'stopped');
}

for (const [label, mod] of variants) {
  describe(`${label}: bad parameters to the client methods reject and send nothing`, () => {
    for (const c of PARAM_CASES) {
      test(c.name, async () => {
        const fetch = createFetchSpy();
        const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, fetch });
        const before = emu.requestCount;
        const method = c.op === 'stop' ? 'stopTaskFlowInstance' : 'resumeTaskFlowInstance';
        await expectRejection(() => client[method](c.params()), mod.DmsError, expectation(c), c);
        assert.equal(fetch.count, 0, 'fetch was not called');
        assert.equal(emu.requestCount, before, 'the emulator saw no request');
        await goodCallSucceeds(mod);
      });
    }
  });

  describe(`${label}: bad parameters to the one-shot functions reject and send nothing`, () => {
    // Only cases whose parameters are plain data: the one-shot argument is built by spreading.
    const plain = PARAM_CASES.filter((c) => !c.objectLevel);
    assert.ok(plain.length > 50, `${plain.length} one-shot cases`);
    for (const c of plain) {
      test(c.name, async () => {
        const fetch = createFetchSpy();
        const before = emu.requestCount;
        const fn = c.op === 'stop' ? mod.stopTaskFlowInstance : mod.resumeTaskFlowInstance;
        // An unknown key's message also lists the client options.
        const exact = c.exact?.startsWith('unknown parameter') ? `${c.exact}, or a client option: ${CLIENT_OPTIONS}` : c.exact;
        await expectRejection(() => fn({ ...KEY, endpoint: emu.url, fetch, ...c.params() }), mod.DmsError, expectation(c, { exact }), c);
        assert.equal(fetch.count, 0);
        assert.equal(emu.requestCount, before);
      });
    }
    for (const c of ONE_SHOT_ARGUMENT_CASES) {
      test(`the argument is ${c.name}`, async () => {
        const fetch = createFetchSpy();
        const before = emu.requestCount;
        const good = { ...KEY, endpoint: emu.url, fetch, ...STOP };
        await expectRejection(() => mod.stopTaskFlowInstance(c.arg(good)), mod.DmsError, expectation(c), c);
        assert.equal(fetch.count, 0);
        assert.equal(emu.requestCount, before);
        await goodCallSucceeds(mod);
      });
    }
  });

  describe(`${label}: bad client options throw from the constructor, reject from one-shot calls`, () => {
    for (const c of OPTION_CASES) {
      test(c.name, async () => {
        const fetch = createFetchSpy();
        const before = emu.requestCount;
        const options = { ...KEY, endpoint: emu.url, fetch, ...c.options };
        let thrown;
        assert.throws(
          () => new mod.DmsClient(options),
          (e) => {
            thrown = e;
            return assertDmsError(e, mod.DmsError, expectation(c));
          },
        );
        checkExtra(thrown, c);

        const oneShot = expectation(c, { exact: c.oneShotExact ?? c.exact, starts: c.oneShotStarts ?? c.starts });
        await expectRejection(() => mod.stopTaskFlowInstance({ ...options, ...STOP }), mod.DmsError, oneShot, c);

        assert.throws(
          () => mod.signRequest(options, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5004' }),
          (e) => assertDmsError(e, mod.DmsError, expectation(c)),
        );
        assert.equal(fetch.count, 0);
        assert.equal(emu.requestCount, before);
        await goodCallSucceeds(mod);
      });
    }
    for (const c of OPTION_OBJECT_CASES) {
      test(c.name, async () => {
        const before = emu.requestCount;
        let thrown;
        assert.throws(
          () => new mod.DmsClient(c.options()),
          (e) => {
            thrown = e;
            return assertDmsError(e, mod.DmsError, expectation(c));
          },
        );
        checkExtra(thrown, c);
        assert.throws(
          () => mod.signRequest(c.options(), 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5004' }),
          (e) => assertDmsError(e, mod.DmsError, expectation(c)),
        );
        assert.equal(emu.requestCount, before);
        await goodCallSucceeds(mod);
      });
    }
  });

  describe(`${label}: parameter objects that must work`, () => {
    const cases = [
      ['Object.create(null) with good values', (ids) => Object.assign(Object.create(null), ids)],
      ['a frozen object', (ids) => Object.freeze({ ...ids })],
      ['a frozen Object.create(null)', (ids) => Object.freeze(Object.assign(Object.create(null), ids))],
      ['a sealed object', (ids) => Object.seal({ ...ids })],
      ['a class instance with the fields as own properties', (ids) => new (class Params { constructor() { Object.assign(this, ids); } })()],
      ['a Proxy that forwards everything', (ids) => new Proxy({ ...ids }, {})],
      ['ids with leading zeros', (ids) => ({ dagId: `000${ids.dagId}`, dagInstanceId: `0${ids.dagInstanceId}` })],
      ['tid undefined (optional, absent)', (ids) => ({ ...ids, tid: undefined })],
      ['tid 0', (ids) => ({ ...ids, tid: 0 })],
    ];
    for (const [name, build] of cases) {
      test(name, async () => {
        const dagInstanceId = String(nextInstanceId++);
        emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '1' });
        const fetch = createFetchSpy();
        const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, fetch });
        const result = await client.stopTaskFlowInstance(build({ dagId: '1001', dagInstanceId }));
        assert.equal(result.success, true);
        assert.equal(fetch.count, 1);
        assert.equal(emu.getInstance('1001', dagInstanceId).status, 'stopped');
        const seen = emu.requests.at(-1).params;
        assert.deepEqual([seen.DagId, seen.DagInstanceId], ['1001', dagInstanceId], 'leading zeros are dropped');
      });
    }

    test('frozen client options (and a frozen one-shot argument) work', async () => {
      const dagInstanceId = String(nextInstanceId++);
      emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '1' });
      const client = new mod.DmsClient(Object.freeze({ ...KEY, endpoint: emu.url }));
      assert.equal((await client.stopTaskFlowInstance(Object.freeze({ dagId: '1001', dagInstanceId }))).success, true);
      const second = String(nextInstanceId++);
      emu.addInstance({ dagId: '1001', dagInstanceId: second, status: 'running', dagVersion: '1' });
      const result = await mod.stopTaskFlowInstance(Object.freeze({ ...KEY, endpoint: emu.url, dagId: 1001, dagInstanceId: second }));
      assert.equal(result.success, true);
    });

    test('a polluted Object.prototype adds no parameter', async () => {
      const dagInstanceId = String(nextInstanceId++);
      emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '1' });
      const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, fetch });
      Object.prototype.tid = '666'; // eslint-disable-line no-extend-native
      let promise;
      try {
        promise = client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId });
      } finally {
        delete Object.prototype.tid;
      }
      assert.equal((await promise).success, true);
      assert.ok(!('Tid' in fetch.calls[0].params), 'an inherited tid is not sent');
    });
  });

  describe(`${label}: missing credentials reject with MissingCredentials and send nothing`, () => {
    // Node's build looks for credentials when given none (the default chain): here it finds
    // none, with no variables, an empty home and no metadata service.
    const saved = { ...process.env };
    const emptyHome = mkdtempSync(join(tmpdir(), 'dms-taskflow-home-'));
    before(() => {
      for (const name of Object.keys(process.env)) if (name.startsWith('ALIBABA_CLOUD_')) delete process.env[name];
      Object.assign(process.env, { HOME: emptyHome, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' });
    });
    after(() => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      rmSync(emptyHome, { recursive: true, force: true });
    });
    const CHAIN = 'no credentials were found; looked at, in order: the environment';
    const NONE = 'no credentials: pass accessKeyId and accessKeySecret, or a credentials function';
    const cases = [
      ['no credentials at all', {}, { starts: CHAIN, signing: NONE, shown: 'from a function' }],
      ['only accessKeyId', { accessKeyId: KEY.accessKeyId }, { message: 'accessKeySecret is missing (accessKeyId was given)' }],
      ['only accessKeySecret', { accessKeySecret: KEY.accessKeySecret }, { message: 'accessKeyId is missing (accessKeySecret was given)' }],
      ['both undefined', { accessKeyId: undefined, accessKeySecret: undefined }, { starts: CHAIN, signing: NONE, shown: 'from a function' }],
    ];
    for (const [name, credentials, { message, starts, signing = message, shown = 'missing' }] of cases) {
      test(name, async () => {
        const fetch = createFetchSpy();
        const before = emu.requestCount;
        const client = new mod.DmsClient({ ...credentials, endpoint: emu.url, fetch });
        const expected = { code: 'MissingCredentials', status: 'absent', retryable: false, ...(message ? { message } : { messageStartsWith: starts }) };
        await expectRejection(() => client.stopTaskFlowInstance(STOP), mod.DmsError, expected);
        await expectRejection(() => client.resumeTaskFlowInstance(RESUME), mod.DmsError, expected);
        await expectRejection(() => mod.stopTaskFlowInstance({ ...credentials, endpoint: emu.url, fetch, ...STOP }), mod.DmsError, expected);
        // signRequest is synchronous: it never looks for credentials.
        assert.throws(
          () => mod.signRequest({ ...credentials, endpoint: emu.url }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 }),
          (e) => assertDmsError(e, mod.DmsError, { code: 'MissingCredentials', status: 'absent', retryable: false, message: signing }),
        );
        assert.equal(fetch.count, 0);
        assert.equal(emu.requestCount, before);
        assert.match(String(client), new RegExp(`credentials: ${shown}`));
        assert.deepEqual(JSON.parse(JSON.stringify(client)), { endpoint: `${emu.url}/`, credentials: shown, maxAttempts: 3, timeoutMs: 30000 });
      });
    }

    test('a constructor call without any argument works, and its calls reject', async () => {
      const client = new mod.DmsClient();
      await expectRejection(() => client.stopTaskFlowInstance(STOP), mod.DmsError, { code: 'MissingCredentials', status: 'absent' });
      assert.deepEqual(JSON.parse(JSON.stringify(client)), { endpoint: 'https://dms-enterprise.aliyuncs.com/', credentials: 'from a function', maxAttempts: 3, timeoutMs: 30000 });
    });

    test('bad parameters are reported before missing credentials', async () => {
      const client = new mod.DmsClient({ endpoint: emu.url });
      await expectRejection(() => client.stopTaskFlowInstance({ dagId: 'x', dagInstanceId: 1 }), mod.DmsError, {
        code: 'InvalidParameter',
        messageStartsWith: 'dagId must be an id',
      });
    });
  });
}
