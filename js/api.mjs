// The public API over one wasm-bindgen build, shared by every entry point: the entries
// differ only in how they load the wasm (see HACKING.md).
import { DmsError } from './dms-error.mjs';
import { defineDmsClient } from './client.mjs';

export function createApi(wasm) {
  wasm.__setErrorFactory((init) => new DmsError(init));
  return {
    DmsClient: defineDmsClient(wasm, DmsError),
    DmsError,
    stopTaskFlowInstance: wasm.stopTaskFlowInstance,
    resumeTaskFlowInstance: wasm.resumeTaskFlowInstance,
    signRequest: wasm.signRequest,
  };
}
