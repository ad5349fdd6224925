// The public API over the wasm-bindgen build, shared by every entry point: the entries
// differ only in how they load the wasm (see HACKING.md).
import { DmsError } from './dms-error.mjs';
import { defineDmsClient } from './client.mjs';

/**
 * `defaultCredentials()`, which only Node's entry passes, returns credentials from the
 * environment, which the one-shot functions use when their input names none.
 */
export function createApi(wasm, { defaultCredentials = () => undefined } = {}) {
  wasm.__setErrorFactory((init) => new DmsError(init));
  return {
    DmsClient: defineDmsClient(wasm, DmsError),
    DmsError,
    stopTaskFlowInstance: (input, options) => wasm.stopTaskFlowInstance(input, options, defaultCredentials()),
    resumeTaskFlowInstance: (input, options) => wasm.resumeTaskFlowInstance(input, options, defaultCredentials()),
    signRequest: (options, action, params, signing) => wasm.signRequest(options, action, params, signing),
    wasmMemoryBytes: () => wasm.wasmMemoryBytes(),
  };
}
