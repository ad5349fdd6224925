// Where Node's nonces come from. The Node entry draws them from /dev/urandom, because Node 20
// loads its whole web crypto stack (about 5 ms of a cold start) on the first use of
// `globalThis.crypto`; it falls back to `crypto.getRandomValues` where /dev/urandom cannot
// be read. Each case runs in a fresh process (the installed tarball, loaded by name) that
// watches `globalThis.crypto` and reports what it saw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { loadPackage } from '../support/load-package.mjs';
import { NONCE_RE } from '../support/assertions.mjs';

await loadPackage(); // fails clearly when the packed package is not installed
const consumerDir = fileURLToPath(new URL('../../.scratch/consumer/', import.meta.url));
const CALLS = 200; // more than three pools of 64 nonces

const CHILD = `
const fs = require('node:fs');
const open = fs.openSync;
if (process.argv[1] === 'no-urandom') {
  fs.openSync = (path, ...rest) => {
    if (path === '/dev/urandom') throw Object.assign(new Error('denied (test)'), { code: 'EACCES' });
    return open(path, ...rest);
  };
}
if (process.argv[1] === 'file-urandom') {
  // A sandbox whose /dev/urandom is a plain file: its bytes would repeat in every process.
  fs.openSync = (path, ...rest) => open(path === '/dev/urandom' ? process.execPath : path, ...rest);
}
if (process.argv[1] === 'zero-urandom') {
  // A character device, but not a random one.
  fs.openSync = (path, ...rest) => open(path === '/dev/urandom' ? '/dev/zero' : path, ...rest);
}
if (process.argv[1] === 'short-read') {
  // A read of /dev/urandom that gives fewer bytes than asked (the device is not a file, so
  // the entry asks for exactly the pool): the pool must not be used partly filled.
  const read = fs.readSync;
  let urandomFd;
  fs.openSync = (path, ...rest) => {
    const fd = open(path, ...rest);
    if (path === '/dev/urandom') urandomFd = fd;
    return fd;
  };
  // Only the pool's reads (at the current position), not the entry's check at offset 0.
  fs.readSync = (fd, buffer, offset, length, position) => read(fd, buffer, offset, fd === urandomFd && position === null ? length - 1 : length, position);
}
const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
let cryptoReads = 0;
Object.defineProperty(globalThis, 'crypto', {
  configurable: true,
  get() { cryptoReads += 1; return original.get ? original.get.call(globalThis) : original.value; },
});
const { signRequest } = require('dms-taskflow');
const nonces = [];
for (let i = 0; i < ${CALLS}; i += 1) {
  const body = signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 }).body;
  nonces.push(new URLSearchParams(body).get('SignatureNonce'));
}
const webCryptoLoaded = process.moduleLoadList.includes('NativeModule internal/crypto/webcrypto');
process.stdout.write(JSON.stringify({ nonces, cryptoReads, webCryptoLoaded }));
`;

function run(mode) {
  const out = execFileSync(process.execPath, ['-e', CHILD, mode], { cwd: consumerDir, encoding: 'utf8' });
  return JSON.parse(out);
}

function assertFreshNonces(nonces) {
  assert.equal(nonces.length, CALLS);
  for (const nonce of nonces) assert.match(nonce, NONCE_RE);
  assert.equal(new Set(nonces).size, CALLS, 'every nonce is new');
  // 200 x 128 bits: a byte value missing from all of them would mean a broken source.
  const seen = new Set(nonces.flatMap((nonce) => nonce.match(/../g)));
  assert.equal(seen.size, 256);
}

test('Node: nonces come from /dev/urandom, without loading web crypto', { skip: process.platform === 'win32' && 'no /dev/urandom' }, () => {
  const { nonces, cryptoReads, webCryptoLoaded } = run('default');
  assertFreshNonces(nonces);
  assert.equal(cryptoReads, 0, 'globalThis.crypto was read');
  assert.equal(webCryptoLoaded, false, "Node's web crypto module was loaded");
});

for (const [mode, why] of [['no-urandom', 'cannot be opened'], ['file-urandom', 'is a plain file'], ['zero-urandom', 'is /dev/zero'], ['short-read', 'gives short reads']]) {
  test(`Node: where /dev/urandom ${why}, nonces come from crypto.getRandomValues`, () => {
    const { nonces, cryptoReads, webCryptoLoaded } = run(mode);
    assertFreshNonces(nonces);
    // One pool of 64 nonces per call of getRandomValues.
    assert.ok(cryptoReads >= Math.ceil(CALLS / 64), `globalThis.crypto read ${cryptoReads} times`);
    assert.equal(webCryptoLoaded, true);
  });
}
