// Node (bundled to dist/node.cjs): the wasm-bindgen `nodejs` glue compiles the .wasm beside
// it synchronously with fs, so there is no init step. dist/node.mjs re-exports this CommonJS
// module, so `require` and `import` users share one instance and one DmsError class.
import { closeSync, openSync, readSync } from 'node:fs';
import * as wasm from '../../pkg/node/dms_taskflow.js';
import { createApi } from '../api.mjs';
import { bufferCodec } from '../buffer-codec.mjs';

// Nonces' random bytes from the kernel's CSPRNG, read straight into the wasm memory the
// module hands over (`__setRandomSource`, js/random-source.mjs). Node 20 loads its whole
// crypto stack on the first use of `crypto` (about 5 ms, a third of loading this package and
// signing once: bench/cold), and the package needs nothing else from it, since it signs in
// wasm; /dev/urandom is one read of the bytes `getRandomValues` would have drawn on. Where
// there is no /dev/urandom (Windows), it is not the kernel's device (a stand-in file in a
// sandbox would repeat its bytes) or a read gives short, it returns false: the module then
// calls `crypto.getRandomValues`.
function fillRandom(bytes) {
  if (urandom === undefined) urandom = openUrandom();
  if (urandom === null) return false;
  try {
    return readSync(urandom, bytes, 0, bytes.length, null) === bytes.length;
  } catch {
    return false;
  }
}

// /dev/urandom, opened and checked at the first nonce and then kept: each later pool of
// nonces is one read. null where it cannot be used.
let urandom;
function openUrandom() {
  if (globalThis.process?.platform === 'win32') return null;
  try {
    const fd = openSync('/dev/urandom', 'r');
    if (givesFreshBytes(fd)) return fd;
    closeSync(fd);
  } catch {
    // Not readable here (a sandbox, Node's permission model), or not at an offset (a pipe).
  }
  return null;
}

// The kernel's device gives new bytes at every read, even of the same offset; a stand-in
// (a plain file in a sandbox image, /dev/zero) gives the same ones again. Two reads of 16
// bytes at offset 0 tell them apart (the device repeating itself is a 2^-128 chance, and
// then this only falls back), and cost less than the first `fstatSync` of a process.
function givesFreshBytes(fd) {
  const first = new Uint8Array(16);
  const second = new Uint8Array(16);
  return readSync(fd, first, 0, 16, 0) === 16 && readSync(fd, second, 0, 16, 0) === 16 && first.some((byte, i) => byte !== second[i]);
}

// The variables the vendor's tools read. Only the one-shot functions (and the CLI) use them,
// and only when given no credentials.
function credentialsFromEnvironment() {
  const env = globalThis.process?.env ?? {};
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId && !accessKeySecret) return undefined;
  return { accessKeyId, accessKeySecret, securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined };
}

export const { DmsClient, DmsError, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm, {
  defaultCredentials: credentialsFromEnvironment,
  fillRandom,
  packedCodec: bufferCodec,
});
