// The public API over one wasm-bindgen build, shared by every entry point: the entries
// differ only in how they load the wasm (see HACKING.md).
import { DmsError } from './dms-error.mjs';
import { defineDmsClient } from './client.mjs';
import { pack, packedIoSigner, unpackRequest } from './packed.mjs';

/**
 * `defaultCredentials()` (Node only) returns credentials from the environment, which the
 * one-shot functions use when their input names none. `randomHex(n)` (Node only) returns n
 * bytes from a CSPRNG as 2n hex digits, for nonces; without it, or when it returns anything
 * else, the module calls `crypto.getRandomValues`, looked up when a nonce is needed.
 */
export function createApi(wasm, { defaultCredentials = () => undefined, randomHex } = {}) {
  wasm.__setErrorFactory((init) => new DmsError(init));
  if (randomHex) wasm.__setRandomSource(randomHex);
  const signPacked = packedIoSigner(wasm);
  return {
    DmsClient: defineDmsClient(wasm, DmsError),
    DmsError,
    stopTaskFlowInstance: (input, options) => wasm.stopTaskFlowInstance(input, options, defaultCredentials()),
    resumeTaskFlowInstance: (input, options) => wasm.resumeTaskFlowInstance(input, options, defaultCredentials()),
    signRequest(options, action, params, signing) {
      const packed = pack(options, action, params, signing);
      const signed = packed === undefined ? undefined : signPacked(packed);
      return signed === undefined ? wasm.signRequest(options, action, params, signing) : unpackRequest(signed);
    },
    wasmMemoryBytes: () => wasm.wasmMemoryBytes(),
  };
}
