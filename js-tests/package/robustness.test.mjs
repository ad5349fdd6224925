// Many refused calls in a row must leave the module working. A JS exception that unwinds
// through wasm frames without being caught leaks the wasm shadow stack; after enough of
// them the instance (shared by every client, by require and by import) is corrupt for the
// rest of the process. This file runs in its own process (node --test isolates files), so
// a corrupted instance here cannot break the other test files. The last test is the one
// most likely to corrupt it, so it runs last.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy } from '../support/fetch-spy.mjs';

const { cjs, esm } = await loadPackage();
const emu = await emulatorFixture();
const ROUNDS = 5000; // far beyond what the wasm shadow stack survives if each leaks a frame

let nextInstanceId = 990000;
/** A good call through both loads succeeds, and a signRequest works. */
async function moduleStillWorks() {
  for (const mod of [cjs, esm]) {
    const dagInstanceId = String(nextInstanceId++);
    emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '1' });
    const client = new mod.DmsClient({ ...KEY, endpoint: emu.url });
    assert.equal((await client.stopTaskFlowInstance({ dagId: 1001, dagInstanceId })).success, true);
    assert.equal(emu.getInstance('1001', dagInstanceId).status, 'stopped');
    const signed = mod.signRequest(KEY, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 }, { timestamp: '2023-10-26T10:22:32Z', nonce: 'n' });
    assert.match(signed.body, /&Signature=[^&]+$/);
  }
}

/** Runs `attempt` ROUNDS times; each must be refused with a DmsError (sync or async). */
async function refuseManyTimes(attempt, DmsError) {
  const outcomes = new Map();
  for (let i = 0; i < ROUNDS; i += 1) {
    let kind;
    try {
      const promise = attempt();
      kind = await Promise.resolve(promise).then(
        () => 'resolved',
        (error) => (error instanceof DmsError ? `rejected ${error.code}` : `rejected ${error?.name}: ${error?.message}`),
      );
    } catch (error) {
      kind = error instanceof DmsError ? `threw ${error.code}` : `threw ${error?.name}: ${error?.message}`;
    }
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
  }
  return Object.fromEntries(outcomes);
}

const hostileThings = {
  'a throwing ownKeys trap': () => new Proxy({}, { ownKeys() { throw new Error('trap'); } }),
  'a throwing getter': () => Object.defineProperty({}, 'dagId', { enumerable: true, get() { throw new Error('getter'); } }),
  'an unsafe id': () => ({ dagId: 2 ** 53, dagInstanceId: 1 }),
  'a symbol id': () => ({ dagId: Symbol('x'), dagInstanceId: 1 }),
  'an unknown key': () => ({ dagId: 1, dagInstanceId: 1, x: 1 }),
};

for (const [name, make] of Object.entries(hostileThings)) {
  test(`${ROUNDS} client calls with ${name} are refused and the module still works`, async () => {
    const fetch = createFetchSpy();
    const client = new cjs.DmsClient({ ...KEY, endpoint: emu.url, fetch });
    const before = emu.requestCount;
    const outcomes = await refuseManyTimes(() => client.stopTaskFlowInstance(make()), cjs.DmsError);
    assert.deepEqual(Object.keys(outcomes).length, 1, JSON.stringify(outcomes));
    assert.match(Object.keys(outcomes)[0], /^rejected (InvalidParameter|MissingParameter)$/);
    assert.equal(fetch.count, 0);
    assert.equal(emu.requestCount, before);
    await moduleStillWorks();
  });
}

test(`${ROUNDS} bad client options (constructor) are refused and the module still works`, async () => {
  const outcomes = await refuseManyTimes(() => new esm.DmsClient({ ...KEY, endpoint: 'ftp://x' }), esm.DmsError);
  assert.deepEqual(outcomes, { 'threw InvalidParameter': ROUNDS });
  await moduleStillWorks();
});

test(`${ROUNDS} bad signRequest calls are refused and the module still works`, async () => {
  const outcomes = await refuseManyTimes(() => esm.signRequest(KEY, 'NoSuchAction', {}), esm.DmsError);
  assert.deepEqual(outcomes, { 'threw InvalidParameter': ROUNDS });
  await moduleStillWorks();
});

// Last: today a revoked Proxy escapes as a TypeError thrown through the wasm frames.
test(`${ROUNDS} revoked Proxies (params, one-shot argument, options) are refused and the module still works`, async () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const client = new cjs.DmsClient({ ...KEY, endpoint: emu.url });
  const outcomes = {
    params: await refuseManyTimes(() => client.stopTaskFlowInstance(revoked()), cjs.DmsError),
    oneShot: await refuseManyTimes(() => esm.resumeTaskFlowInstance(revoked()), esm.DmsError),
    options: await refuseManyTimes(() => new esm.DmsClient(revoked()), esm.DmsError),
  };
  assert.deepEqual(outcomes, {
    params: { 'rejected InvalidParameter': ROUNDS },
    oneShot: { 'rejected InvalidParameter': ROUNDS },
    options: { 'threw InvalidParameter': ROUNDS },
  });
  await moduleStillWorks();
});
