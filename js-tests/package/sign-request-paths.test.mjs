// signRequest has two ways into wasm (js/packed.mjs): plain-object arguments are packed
// into one string, anything else is read value by value. Both must give the same answer,
// request or DmsError, for every input. Plain objects take the packed path; the same
// properties on an object with another prototype take the general one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { loadPackage } from '../support/load-package.mjs';

const { variants } = await loadPackage();

const KEYS = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const IDS = { DagId: '7', DagInstanceId: '47' };
const FIXED = { timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' };
const STOP = 'StopTaskFlowInstance';

const cases = [];
const add = (name, options, action, params, signing = FIXED) => cases.push({ name, options, action, params, signing });

for (const [name, options] of Object.entries({
  'keys only': KEYS,
  'STS token': { ...KEYS, securityToken: 'sts-token' },
  'undefined token': { ...KEYS, securityToken: undefined },
  region: { ...KEYS, regionId: 'cn-beijing' },
  'vpc region': { ...KEYS, regionId: 'cn-hangzhou', network: 'vpc' },
  'proxy endpoint': { ...KEYS, endpoint: 'https://admin.example.com/api/dms' },
  v3: { ...KEYS, signatureVersion: 'v3' },
  'v3 with token': { ...KEYS, signatureVersion: 'v3', securityToken: 'tok' },
  'retry and timeout options': { ...KEYS, maxAttempts: 3, timeoutMs: 5000, retryBaseDelayMs: 0 },
  'no options': undefined,
  'empty options': {},
  'numeric key id': { ...KEYS, accessKeyId: 42 },
  'empty key id': { ...KEYS, accessKeyId: '' },
  'blank secret': { ...KEYS, accessKeySecret: '  ' },
  'key id with a newline': { ...KEYS, accessKeyId: 'a\nb' },
  'missing secret': { accessKeyId: 'testid' },
  'unknown option': { ...KEYS, foo: 1 },
  'unknown option, undefined': { ...KEYS, timeout: undefined },
  'fetch a string': { ...KEYS, fetch: 'fetch' },
  'credentials a number': { ...KEYS, credentials: 42 },
  'onRequest null': { ...KEYS, onRequest: null },
  'onResponse undefined': { ...KEYS, onResponse: undefined },
  'unknown region': { ...KEYS, regionId: 'mars-1' },
  'ftp endpoint': { ...KEYS, endpoint: 'ftp://x' },
  'maxAttempts 0': { ...KEYS, maxAttempts: 0 },
  'maxAttempts a bigint': { ...KEYS, maxAttempts: 3n },
  'maxAttempts true': { ...KEYS, maxAttempts: true },
  'timeoutMs null': { ...KEYS, timeoutMs: null },
  'signatureVersion v2': { ...KEYS, signatureVersion: 'v2' },
  'network a number': { ...KEYS, network: 1 },
  'a lone surrogate in the key id': { ...KEYS, accessKeyId: 'a\ud800' },
  'a lone low surrogate after U+FFFD in the key id': { ...KEYS, accessKeyId: 'a\ufffd\udc00b' },
  'a reversed surrogate pair in the key id': { ...KEYS, accessKeyId: '\ufffd\udc00\ud800' },
  'U+FFFD and a surrogate pair in the key id (well-formed)': { ...KEYS, accessKeyId: 'a\ufffd\ud83d\ude00' },
  'a fractional number': { ...KEYS, timeoutMs: 1.5 },
  'negative zero': { ...KEYS, maxAttempts: -0 },
})) {
  add(`options: ${name}`, options, STOP, IDS);
}

for (const [name, params] of Object.entries({
  'string ids': IDS,
  'bigint ids': { DagId: 7n, DagInstanceId: 2n ** 62n },
  'number ids': { DagId: 7, DagInstanceId: 9007199254740991 },
  'a bigint beyond int64': { DagId: 2n ** 70n, DagInstanceId: '1' },
  'a negative bigint': { DagId: -5n, DagInstanceId: '1' },
  'a negative number': { DagId: -1, DagInstanceId: '1' },
  'a decimal string with a sign': { DagId: '+7', DagInstanceId: '1' },
  'a word for an id': { DagId: 'seven', DagInstanceId: '1' },
  'an id of true': { DagId: true, DagInstanceId: '1' },
  'an id of null': { DagId: null, DagInstanceId: '1' },
  'an undefined id': { DagId: undefined, DagInstanceId: '1' },
  'a missing id': { DagId: '7' },
  'with Tid': { ...IDS, Tid: 3 },
  'Tid as a bigint': { ...IDS, Tid: 3n },
  'an unknown parameter': { ...IDS, Foo: 'bar' },
  'a camelCase name': { dagId: '7', DagInstanceId: '1' },
  'a reserved name': { ...IDS, Signature: 'x' },
  'no params': undefined,
  'empty params': {},
  'unicode in a key': { ...IDS, 'Ünïcode': 'x' },
  // NUL separates the packed parts: text holding one goes the general way.
  'a NUL in a value': { ...IDS, Tid: '3\0' },
  'a NUL in a key': { ...IDS, 'Tid\0': '3' },
  // The packing checks the whole packed text for lone surrogates, once: a pair split across
  // a key and its value, or across two values, must not pass as well-formed.
  'a lone surrogate in a value': { ...IDS, Tid: '3\ud800' },
  'a surrogate pair split across a key and its value': { ...IDS, 'Tid\ud83d': '\ude00' },
  'a surrogate pair split across two values': { DagId: '7\ud83d', DagInstanceId: '\ude001' },
})) {
  add(`params: ${name}`, KEYS, STOP, params);
}

add('resume', KEYS, 'ResumeTaskFlowInstance', { ...IDS, DagVersion: '3' });
add('a list with strings to encode', KEYS, 'ListTaskFlowInstance', { StartTimeBegin: '2024-01-01 00:00:00', StartTimeEnd: '2024-01-02 00:00:00', PageIndex: 1, PageSize: 20, Tid: 3 });
add('non-ASCII values', KEYS, 'UpdateTaskFlowNameAndDesc', { DagId: '7', DagName: 'nächtlicher Lauf ✓ 夜间', Description: "a/b?c=d&e f*'()!~" });
// The packed text goes through a 64 KiB buffer in wasm memory when it surely fits (3 bytes per
// UTF-16 unit at most), else the call goes the general way; the request comes back through
// the buffer when it fits, else as a string. Each way must give the same answer.
add('a request longer than the packed-call buffer', KEYS, 'UpdateTaskFlowNameAndDesc', { DagId: '7', DagName: '中'.repeat(21000) });
add('arguments too long for the packed-call buffer', KEYS, 'UpdateTaskFlowNameAndDesc', { DagId: '7', DagName: 'x'.repeat(30000) });
add('an error for arguments too long for the buffer', KEYS, 'UpdateTaskFlowNameAndDesc', { DagId: 'x'.repeat(30000) });
add('a NUL in the key id', { ...KEYS, accessKeyId: 'test\0id' }, STOP, IDS);
for (const action of ['', 'StopTaskFlowInstance\0', 'NoSuchAction', 'stopTaskFlowInstance', 'ListTaskFlow']) add(`action ${JSON.stringify(action)}`, KEYS, action, IDS);
for (const [name, signing] of Object.entries({
  GET: { ...FIXED, method: 'GET' },
  POST: { ...FIXED, method: 'POST' },
  'method PUT': { ...FIXED, method: 'PUT' },
  'a bad timestamp': { ...FIXED, timestamp: '2023-10-26 10:22:32' },
  'an empty nonce': { ...FIXED, nonce: '' },
  'a nonce with a space': { ...FIXED, nonce: 'a b' },
  'an unknown signing option': { ...FIXED, region: 'x' },
  'a numeric nonce': { ...FIXED, nonce: 12345 },
})) {
  add(`signing: ${name}`, KEYS, STOP, IDS, signing);
}

/** The same own properties on an object whose prototype is not Object.prototype. */
function unplain(object) {
  if (object === undefined) return undefined;
  return Object.assign(Object.create({ inherited: 'ignored' }), object);
}

function outcome(signRequest, args) {
  try {
    return { request: signRequest(...args) };
  } catch (error) {
    return { error: { name: error.name, code: error.code, message: error.message, isDmsError: error.constructor.name } };
  }
}

for (const [kind, pkg] of variants) {
  describe(`${kind}: packed and general signRequest agree`, () => {
    for (const { name, options, action, params, signing } of cases) {
      test(name, () => {
        const packed = outcome(pkg.signRequest, [options, action, params, signing]);
        const general = outcome(pkg.signRequest, [unplain(options), action, unplain(params), unplain(signing)]);
        assert.deepEqual(packed, general);
        // Key order too: users serialize requests.
        assert.equal(JSON.stringify(packed), JSON.stringify(general));
      });
    }
  });

  test(`${kind}: the packed path reuses a configuration only for the same options`, () => {
    // The module keeps the last options' checked configuration; an options object changed
    // in place, or another one, must sign with what it holds now.
    const options = { ...KEYS };
    const first = pkg.signRequest(options, STOP, IDS, FIXED).body;
    options.accessKeySecret = 'other-secret';
    const second = pkg.signRequest(options, STOP, IDS, FIXED).body;
    assert.notEqual(second, first);
    assert.equal(second, pkg.signRequest(unplain(options), STOP, IDS, FIXED).body);
    assert.equal(pkg.signRequest({ ...KEYS }, STOP, IDS, FIXED).body, first);
    options.endpoint = 'https://proxy.example.com/dms';
    assert.equal(pkg.signRequest(options, STOP, IDS, FIXED).url, 'https://proxy.example.com/dms/');
  });

  test(`${kind}: signing goes on after long requests`, () => {
    // Long requests grow the wasm memory (the first time), which detaches every view of the
    // old buffer, the packed-call buffer's included (packed-io.test.mjs grows it for sure).
    for (let i = 0; i < 3; i++) pkg.signRequest(KEYS, 'UpdateTaskFlowNameAndDesc', { DagId: '7', DagName: `${i}`.repeat(2 ** 20 - 1) }, FIXED);
    assert.equal(pkg.signRequest(KEYS, STOP, { ...IDS, Tid: '3' }, FIXED).body.split('&Signature=')[1], 'KTYcM%2FjbJejLw4UUT4294Ox5xec%3D');
  });

  test(`${kind}: a signRequest made from inside one (a patched Date.now) signs correctly, and so does the outer`, () => {
    // The outer call reads its packed arguments from the module's buffer while it signs;
    // the inner one must not write there.
    const realNow = Date.now;
    let inner;
    Date.now = () => {
      Date.now = realNow;
      inner = pkg.signRequest(KEYS, STOP, { ...IDS, Tid: '3' }, FIXED);
      return Date.UTC(2023, 9, 26, 10, 22, 32);
    };
    try {
      const outer = pkg.signRequest(KEYS, STOP, { ...IDS, Tid: '3' }, { nonce: FIXED.nonce });
      assert.equal(inner.body.split('&Signature=')[1], 'KTYcM%2FjbJejLw4UUT4294Ox5xec%3D');
      assert.equal(outer.body, inner.body, 'the same request: the patched clock gave the fixed time');
    } finally {
      Date.now = realNow;
    }
  });

  test(`${kind}: plain objects take the packed path (their keys are read once)`, () => {
    let ownKeysCalls = 0;
    const options = new Proxy({ ...KEYS }, { ownKeys: (target) => (ownKeysCalls++, Reflect.ownKeys(target)) });
    const request = pkg.signRequest(options, STOP, IDS, FIXED);
    assert.match(request.body, /^AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&.*&Signature=[^&]+$/);
    assert.equal(ownKeysCalls, 1, 'a fallback to the general path would read the keys again');
  });
}
