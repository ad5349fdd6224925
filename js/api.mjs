// The public API over the wasm-bindgen build, shared by every entry point: the entries
// differ only in how they load the wasm (see HACKING.md).
import { DmsError } from './dms-error.mjs';
import { annotate, callSite, defineDmsClient } from './client.mjs';
import { InstanceStatus, instanceStatusName } from './statuses.mjs';

/** A one-shot call whose failure, like a client call's, carries the action and the caller's frames. */
function oneShot(action, send) {
  const name = action[0].toLowerCase() + action.slice(1);
  // Named after the operation (stack traces, inspection), as the client methods are.
  const call = {
    [name](input, options) {
      const site = callSite(call);
      return send(input, options).catch((error) => {
        throw annotate(error, DmsError, action, site);
      });
    },
  }[name];
  return call;
}

/**
 * Only Node's entry passes `defaults()` (the credentials chain, endpoint and region from the
 * environment, which the one-shot functions use when their input names none) and
 * `nodeDefaults(options)` (the same for a DmsClient: its own chain, the endpoint or region).
 */
export function createApi(wasm, { defaults = () => undefined, nodeDefaults } = {}) {
  wasm.__setErrorFactory((init) => new DmsError(init));
  return {
    DmsClient: defineDmsClient(wasm, DmsError, { nodeDefaults }),
    DmsError,
    stopTaskFlowInstance: oneShot('StopTaskFlowInstance', (input, options) => wasm.stopTaskFlowInstance(input, options, defaults())),
    resumeTaskFlowInstance: oneShot('ResumeTaskFlowInstance', (input, options) => wasm.resumeTaskFlowInstance(input, options, defaults())),
    InstanceStatus,
    instanceStatusName,
    signRequest: (options, action, params, signing) => wasm.signRequest(options, action, params, signing),
    wasmMemoryBytes: () => wasm.wasmMemoryBytes(),
  };
}
