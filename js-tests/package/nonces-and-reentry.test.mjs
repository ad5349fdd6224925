// Two ways a process can break signing that the package must survive:
// - whatever a process does to its file descriptors, nonces come from
//   crypto.getRandomValues, one call per nonce, and stay distinct and non-zero;
// - a stack overflow inside a signRequest (a getter that calls signRequest from inside
//   itself until the stack runs out) fails that call only: later calls sign exactly.
// Each case runs in a fresh process loading the installed tarball by name (in \`node -e\`,
// a bare \`crypto\` is node:crypto, so the children name \`globalThis.crypto\`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { loadPackage } from '../support/load-package.mjs';
import { NONCE_RE } from '../support/assertions.mjs';

await loadPackage(); // fails clearly when the packed package is not installed
const consumerDir = fileURLToPath(new URL('../../.scratch/consumer/', import.meta.url));

// The published V1 vector (dms-api.md): what a fixed timestamp and nonce must sign to.
const VECTOR_BODY = 'AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&Format=JSON&SignatureMethod=HMAC-SHA1' +
  '&SignatureNonce=3156853299f313e23d1673dc12e1703d&SignatureVersion=1.0&Tid=3&Timestamp=2023-10-26T10%3A22%3A32Z' +
  '&Version=2018-11-01&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D';

function child(source, ...args) {
  return JSON.parse(execFileSync(process.execPath, ['-e', source, ...args], { cwd: consumerDir, encoding: 'utf8' }));
}

const NONCES = `
const fs = require('node:fs');
const { signRequest } = require('dms-taskflow');
const calls = { getRandomValues: 0 };
const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
globalThis.crypto.getRandomValues = (bytes) => { calls.getRandomValues += 1; return original(bytes); };
const nonce = () => new URLSearchParams(signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 }).body).get('SignatureNonce');
const nonces = [];
for (let i = 0; i < 100; i += 1) nonces.push(nonce());
// Close every file and device descriptor above stdio the process has (not the event
// loop's own), then fill the numbers with files that give zeros or the same bytes at
// every read.
for (let fd = 3; fd < 256; fd += 1) {
  try { const stat = fs.fstatSync(fd); if (stat.isFile() || stat.isCharacterDevice()) fs.closeSync(fd); } catch {}
}
const reused = [];
for (let i = 0; i < 64; i += 1) reused.push(fs.openSync(i % 2 ? '/dev/zero' : process.execPath, 'r'));
for (let i = 0; i < 100; i += 1) nonces.push(nonce());
process.stdout.write(JSON.stringify({ nonces, calls, reused: reused.length }));
`;

test('nonces come from crypto.getRandomValues and stay distinct and non-zero whatever the process does to its descriptors', { skip: process.platform === 'win32' && 'no /dev/zero' }, () => {
  const { nonces, calls, reused } = child(NONCES);
  assert.equal(reused, 64);
  assert.equal(nonces.length, 200);
  for (const nonce of nonces) {
    assert.match(nonce, NONCE_RE);
    assert.notEqual(nonce, '0'.repeat(32));
  }
  assert.equal(new Set(nonces).size, 200, 'every nonce is new');
  // 200 x 128 bits: a byte value missing from all of them would mean a broken source.
  assert.equal(new Set(nonces.flatMap((nonce) => nonce.match(/../g))).size, 256);
  assert.equal(calls.getRandomValues, 200, 'one crypto.getRandomValues call per nonce');
});

const NO_RANDOMNESS = `
const { signRequest } = require('dms-taskflow');
const sign = () => signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 });
const original = globalThis.crypto.getRandomValues;
const outcomes = [];
for (const patch of [() => { throw new Error('no entropy (test)'); }, undefined]) {
  globalThis.crypto.getRandomValues = patch;
  try { sign(); outcomes.push('signed'); } catch (error) { outcomes.push([error.name, error.code, error.message]); }
}
globalThis.crypto.getRandomValues = original;
const after = new URLSearchParams(sign().body).get('SignatureNonce');
process.stdout.write(JSON.stringify({ outcomes, after }));
`;

test('a crypto.getRandomValues that throws or is gone fails the call with a DmsError, and signing works once it is back', () => {
  const { outcomes, after } = child(NO_RANDOMNESS);
  for (const outcome of outcomes) {
    assert.deepEqual(outcome.slice(0, 2), ['DmsError', 'UnsupportedRuntime'], JSON.stringify(outcome));
    assert.match(outcome[2], /random/);
  }
  assert.match(after, NONCE_RE);
});

const OVERFLOW = `
const { signRequest } = require('dms-taskflow');
const KEYS = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const PARAMS = { DagId: '7', DagInstanceId: '47', Tid: 3 };
const FIXED = { timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' };
// The options' getter signs again from inside the call, until the stack runs out.
const recursive = {
  accessKeySecret: 'testsecret',
  get accessKeyId() { signRequest(recursive, 'StopTaskFlowInstance', PARAMS, FIXED); return 'testid'; },
};
const failures = [];
const bodies = [];
for (let round = 0; round < ${'${ROUNDS}'}; round += 1) {
  try { signRequest(recursive, 'StopTaskFlowInstance', PARAMS, FIXED); failures.push('signed'); } catch (error) { failures.push(error?.name ?? String(error)); }
  bodies.push(signRequest(KEYS, 'StopTaskFlowInstance', PARAMS, FIXED).body);
}
process.stdout.write(JSON.stringify({ failures, bodies }));
`.replace('${ROUNDS}', '50');

test('a signRequest after a stack overflow inside one still works, round after round', () => {
  const { failures, bodies } = child(OVERFLOW);
  assert.equal(failures.length, 50);
  for (const failure of failures) assert.notEqual(failure, 'signed');
  // Whichever frame the overflow hit, it surfaces as an error, never as `undefined`.
  for (const failure of failures) assert.ok(['DmsError', 'RangeError'].includes(failure), failure);
  for (const body of bodies) assert.equal(body, VECTOR_BODY);
});
