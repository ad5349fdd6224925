// Bad values for the retry/timeout/credentials/hook options and the per-call options: each
// is refused with a DmsError (InvalidParameter) naming the field, synchronously by the
// constructor or as a rejection by a call, before anything is sent; and the next good call
// still works. Odd but valid shapes (frozen objects, Proxies, null prototypes) must work.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy } from '../support/fetch-spy.mjs';
import { assertDmsError } from '../support/assertions.mjs';
import { pause, rejectionOf, trackProcessFailures } from '../support/resilience.mjs';

const { variants } = await loadPackage();
const tracker = trackProcessFailures();
const emu = await emulatorFixture();

let nextInstanceId = 500_000;
function freshInstance() {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '2' });
  return { dagId: '1001', dagInstanceId };
}

const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const throwingGetter = (name) =>
  Object.defineProperty({}, name, {
    enumerable: true,
    get() {
      throw new Error(`getter of ${name}`);
    },
  });
const label = (value) => {
  if (typeof value === 'symbol') return 'Symbol()';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return inspect(value, { depth: 1, breakLength: Infinity });
};

// [field, value, what the message must contain (default: the field name)]
const BAD_CLIENT_OPTIONS = [
  ...[0, 11, 1.5, NaN, '3', -1, Infinity, -Infinity, 3n, null, true, {}, [], Symbol('n'), 2 ** 32 + 3, Number.MIN_VALUE, new Number(3)].map((v) => [
    'maxAttempts',
    v,
  ]),
  ...[0, -5, 2 ** 31, NaN, '100', Infinity, -Infinity, null, 1.5, 3n, 2 ** 32 + 100, true, new Number(100)].map((v) => ['timeoutMs', v]),
  ...[-1, 1.5, NaN, '10', Infinity, 60_001, null, 3n, 2 ** 32, false].map((v) => ['retryBaseDelayMs', v]),
  ...[-1, NaN, '10', Infinity, 600_001, null, 2.5, 3n, 2 ** 32, {}].map((v) => ['retryMaxDelayMs', v]),
  ...[42, 'x', {}, null, Symbol('c'), true, [], new Date(0)].map((v) => ['credentials', v]),
  ...[42, 'x', {}, null, Symbol('h'), []].map((v) => ['onRequest', v]),
  ...[42, 'x', {}, null, Symbol('h'), true].map((v) => ['onResponse', v]),
  ...[42, 'x', {}, null, Symbol('f'), 'fetch'].map((v) => ['fetch', v]),
];
// Option objects laid over good options: [label, own properties, message part]. An unknown
// key is an unknown client option to the constructor and an unknown parameter (or client
// option) to the one-shot form: both messages quote it.
const BAD_CLIENT_OPTION_OBJECTS = [
  ['unknown key maxattempts', { maxattempts: 3 }, "'maxattempts'"],
  ['unknown key retries', { retries: 3 }, "'retries'"],
  ['unknown key timeout', { timeout: 100 }, "'timeout'"],
  ['own __proto__ key', JSON.parse('{"__proto__": {"maxAttempts": 1}}'), "'__proto__'"],
  ['own constructor key', { constructor: () => {} }, "'constructor'"],
  ['a throwing getter for maxAttempts', throwingGetter('maxAttempts'), 'maxAttempts'],
  ['a throwing getter for credentials', throwingGetter('credentials'), 'credentials'],
];
const WHOLE_BAD_CLIENT_OPTIONS = [
  ['a revoked Proxy', revoked, 'client options'],
  ['a Proxy whose ownKeys throws', () => new Proxy({}, { ownKeys() { throw new Error('trap'); } }), 'client options'],
  ['null', () => null, 'client options'],
  ['an array', () => [], 'client options'],
  ['a number', () => 42, 'client options'],
];

const goodSignal = () => new AbortController().signal;
// [label, call options, message part]
const BAD_CALL_OPTIONS = [
  ...[0, -5, 2 ** 31, NaN, '100', Infinity, -Infinity, null, 1.5, 3n, 2 ** 32 + 100, true, {}].map((v) => [`timeoutMs: ${label(v)}`, { timeoutMs: v }, 'timeoutMs']),
  ...[
    ['{}', {}],
    ["'x'", 'x'],
    ['null', null],
    ['42', 42],
    ['a plain object with aborted but no addEventListener', { aborted: false, reason: undefined }],
    ['aborted not a boolean', { aborted: 'no', addEventListener() {}, removeEventListener() {} }],
    ['addEventListener not a function', { aborted: false, addEventListener: 1 }],
    ['an EventTarget (no aborted)', new EventTarget()],
    ['an AbortController (not its signal)', new AbortController()],
    ['a revoked Proxy', revoked()],
    ['a throwing aborted getter', Object.defineProperty({ addEventListener() {} }, 'aborted', { get() { throw new Error('x'); } })],
  ].map(([name, v]) => [`signal: ${name}`, { signal: v }, 'signal']),
  ['unknown key signa1', { signa1: goodSignal() }, "unknown call option 'signa1'"],
  ['unknown key timeout', { timeout: 100 }, "unknown call option 'timeout'"],
  ['unknown key maxAttempts (a client option)', { maxAttempts: 1 }, "unknown call option 'maxAttempts'"],
  ['own __proto__ key', JSON.parse('{"__proto__": {"timeoutMs": 1}}'), "unknown call option '__proto__'"],
  ['own constructor key', { constructor: Object }, "unknown call option 'constructor'"],
  ['a throwing getter for timeoutMs', throwingGetter('timeoutMs'), 'timeoutMs'],
  ['null', null, 'call options'],
  ['an array', [], 'call options'],
  ['a revoked Proxy', revoked(), 'call options'],
  ['a Proxy whose ownKeys throws', new Proxy({}, { ownKeys() { throw new Error('trap'); } }), 'call options'],
  ['a number', 42, 'call options'],
  ["'x'", 'x', 'call options'],
  ['a symbol', Symbol('o'), 'call options'],
  ['true', true, 'call options'],
  ['a function', () => ({ timeoutMs: 5 }), 'call options'],
];

test('the tables hold at least 60 bad values', () => {
  const total = BAD_CLIENT_OPTIONS.length + BAD_CLIENT_OPTION_OBJECTS.length + WHOLE_BAD_CLIENT_OPTIONS.length + BAD_CALL_OPTIONS.length;
  assert.ok(BAD_CLIENT_OPTIONS.length >= 60, `${BAD_CLIENT_OPTIONS.length} bad option values`);
  assert.ok(total >= 120, `${total} bad values in all`);
});

for (const [variant, mod] of variants) {
  const { DmsClient, DmsError } = mod;

  /** A good call (a fresh client, a fresh instance) still works. */
  async function goodCallWorks(client = new DmsClient({ ...KEY, endpoint: emu.url })) {
    const instance = freshInstance();
    const before = emu.requestCount;
    const result = await client.stopTaskFlowInstance(instance);
    assert.equal(result.success, true);
    assert.equal(emu.requestCount, before + 1);
    assert.equal(emu.getInstance(instance.dagId, instance.dagInstanceId).status, 'stopped');
  }

  /**
   * Good options (with a fetch spy) overlaid with `bad`'s own properties as they are
   * (getters and own `__proto__` keys kept), plus `extra` (operation parameters).
   */
  const overlay = (fetch, bad, extra = {}) =>
    Object.defineProperties({ fetch, ...KEY, endpoint: emu.url, ...extra }, Object.getOwnPropertyDescriptors(bad));

  /** The constructor throws; the one-shot form rejects the same way; nothing is sent. */
  async function refusedEverywhere(bad, part) {
    const fetch = createFetchSpy();
    const before = emu.requestCount;
    let thrown;
    assert.throws(
      () => new DmsClient(overlay(fetch, bad)),
      (error) => {
        thrown = error;
        return assertDmsError(error, DmsError, { code: 'InvalidParameter', status: 'absent', retryable: false, messageIncludes: [part] });
      },
    );
    let promise;
    assert.doesNotThrow(() => {
      promise = mod.stopTaskFlowInstance(overlay(fetch, bad, freshInstance()));
    }, 'the one-shot function never throws');
    const error = await rejectionOf(promise, 'the one-shot call');
    assertDmsError(error, DmsError, { code: 'InvalidParameter', status: 'absent', messageIncludes: [part] });
    await pause(0);
    assert.equal(fetch.count, 0, 'fetch never called');
    assert.equal(emu.requestCount, before, 'the emulator saw nothing');
    return thrown;
  }

  describe(`${variant}: bad client options`, () => {
    for (const [field, value, part = field] of BAD_CLIENT_OPTIONS) {
      test(`${field}: ${label(value)}`, async () => {
        const error = await refusedEverywhere({ [field]: value }, part);
        assert.ok(error.message.startsWith(`${field} must be`), error.message);
        await goodCallWorks();
      });
    }
    for (const [name, extra, part] of BAD_CLIENT_OPTION_OBJECTS) {
      test(name, async () => {
        await refusedEverywhere(extra, part);
        await goodCallWorks();
      });
    }
    for (const [name, make, part] of WHOLE_BAD_CLIENT_OPTIONS) {
      test(`options: ${name}`, async () => {
        const fetch = createFetchSpy();
        const before = emu.requestCount;
        assert.throws(() => new DmsClient(make()), (error) => assertDmsError(error, DmsError, { code: 'InvalidParameter', messageIncludes: [part] }));
        const error = await rejectionOf(mod.stopTaskFlowInstance(make()), 'the one-shot call');
        assertDmsError(error, DmsError, { code: 'InvalidParameter' });
        assert.equal(fetch.count, 0);
        assert.equal(emu.requestCount, before);
        await goodCallWorks();
      });
    }
  });

  describe(`${variant}: bad call options`, () => {
    const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
    const client = new DmsClient({ ...KEY, endpoint: emu.url, fetch });
    for (const [name, options, part] of BAD_CALL_OPTIONS) {
      test(name, async () => {
        fetch.reset();
        const before = emu.requestCount;
        const instance = freshInstance();
        let promise;
        assert.doesNotThrow(() => {
          promise = client.stopTaskFlowInstance(instance, options);
        }, 'a call never throws');
        const error = await rejectionOf(promise);
        assertDmsError(error, DmsError, { code: 'InvalidParameter', status: 'absent', retryable: false, messageIncludes: [part] });
        const oneShot = await rejectionOf(mod.stopTaskFlowInstance({ ...KEY, endpoint: emu.url, fetch, ...instance }, options));
        assertDmsError(oneShot, DmsError, { code: 'InvalidParameter', messageIncludes: [part] });
        const resume = await rejectionOf(client.resumeTaskFlowInstance({ ...instance, dagVersion: '2' }, options));
        assertDmsError(resume, DmsError, { code: 'InvalidParameter', messageIncludes: [part] });
        await pause(0);
        assert.equal(fetch.count, 0, 'fetch never called');
        assert.equal(emu.requestCount, before, 'the emulator saw nothing');
        assert.equal(emu.getInstance(instance.dagId, instance.dagInstanceId).status, 'running');
        await goodCallWorks(client);
      });
    }
  });

  describe(`${variant}: odd but valid shapes work`, () => {
    const good = () => ({ ...KEY, endpoint: emu.url, maxAttempts: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 5, timeoutMs: 10_000 });
    const VALID_CLIENT_OPTIONS = [
      ['frozen options', () => Object.freeze(good())],
      ['a transparent Proxy', () => new Proxy(good(), {})],
      ['a Proxy with get/ownKeys traps', () => {
        const target = good();
        return new Proxy(target, { get: (t, k) => Reflect.get(t, k), ownKeys: (t) => Reflect.ownKeys(t) });
      }],
      ['a null-prototype object', () => Object.assign(Object.create(null), good())],
      ['undefined for every new option', () => ({ ...KEY, endpoint: emu.url, maxAttempts: undefined, timeoutMs: undefined, retryBaseDelayMs: undefined, retryMaxDelayMs: undefined, credentials: undefined, onRequest: undefined, onResponse: undefined, fetch: undefined })],
      ['the bounds: maxAttempts 10, delays 0, timeoutMs 2^31-1', () => ({ ...KEY, endpoint: emu.url, maxAttempts: 10, retryBaseDelayMs: 0, retryMaxDelayMs: 0, timeoutMs: 2 ** 31 - 1 })],
      ['maxAttempts 1 and -0 delays', () => ({ ...KEY, endpoint: emu.url, maxAttempts: 1, retryBaseDelayMs: -0, retryMaxDelayMs: -0 })],
      ['a frozen credentials function and hooks', () => ({
        endpoint: emu.url,
        credentials: Object.freeze(() => KEY),
        onRequest: Object.freeze(() => {}),
        onResponse: async () => {},
      })],
      ['a class instance with own fields', () => {
        class Options {
          constructor() {
            Object.assign(this, good());
          }
        }
        return new Options();
      }],
    ];
    for (const [name, make] of VALID_CLIENT_OPTIONS) {
      test(`client options: ${name}`, async () => {
        await goodCallWorks(new DmsClient(make()));
        const instance = freshInstance();
        assert.equal((await mod.stopTaskFlowInstance({ ...make(), ...instance })).success, true, 'one-shot too');
      });
    }

    const client = new DmsClient(good());
    const VALID_CALL_OPTIONS = [
      ['undefined', () => undefined],
      ['{}', () => ({})],
      ['undefined values', () => ({ signal: undefined, timeoutMs: undefined })],
      ['frozen { timeoutMs }', () => Object.freeze({ timeoutMs: 5000 })],
      ['a Proxy over { signal, timeoutMs }', () => new Proxy({ signal: goodSignal(), timeoutMs: 5000 }, {})],
      ['a null-prototype object', () => Object.assign(Object.create(null), { signal: goodSignal() })],
      ['AbortSignal.timeout(60000)', () => ({ signal: AbortSignal.timeout(60_000) })],
      ['AbortSignal.any([...])', () => ({ signal: AbortSignal.any([goodSignal(), goodSignal()]) })],
      ['a frozen AbortSignal', () => ({ signal: Object.freeze(goodSignal()) })],
      ['inherited keys are ignored', () => Object.create({ timeoutMs: 0, bogus: 1 })],
    ];
    for (const [name, make] of VALID_CALL_OPTIONS) {
      test(`call options: ${name}`, async () => {
        const instance = freshInstance();
        const before = emu.requestCount;
        assert.equal((await client.stopTaskFlowInstance(instance, make())).success, true);
        assert.equal(emu.requestCount, before + 1);
        const other = freshInstance();
        assert.equal((await mod.stopTaskFlowInstance({ ...KEY, endpoint: emu.url, ...other }, make())).success, true, 'one-shot too');
      });
    }
  });
}

test('no unhandled rejection and no uncaught exception in this file', async () => {
  await pause(50);
  tracker.assertNone();
});
