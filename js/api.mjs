// The public API over one wasm-bindgen build, shared by every entry point: the entries
// differ only in how they load the wasm (see HACKING.md).
import { DmsError } from './dms-error.mjs';
import { defineDmsClient } from './client.mjs';
import { pack, packedIoSigner, unpackRequest } from './packed.mjs';

/**
 * What only Node's entry passes:
 * - `defaultCredentials()` returns credentials from the environment, which the one-shot
 *   functions use when their input names none;
 * - `fillRandom(bytes)` fills the Uint8Array from a CSPRNG and returns true, for nonces;
 *   without it, or when it returns anything else, the module calls
 *   `crypto.getRandomValues`, looked up when a nonce is needed;
 * - `packedCodec`, how signRequest's text goes into and out of wasm memory (js/packed.mjs).
 */
export function createApi(wasm, { defaultCredentials = () => undefined, fillRandom, packedCodec } = {}) {
  wasm.__setErrorFactory((init) => new DmsError(init));
  if (fillRandom) wasm.__setRandomSource(fillRandom);
  const signPacked = packedIoSigner(wasm, packedCodec);
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
