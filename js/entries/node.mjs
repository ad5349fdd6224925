// Node and Bun (bundled to dist/node.cjs): the .wasm beside this file is read with fs and
// compiled synchronously, so there is no init step. dist/node.mjs re-exports this CommonJS
// module, so `require` and `import` users share one instance and one DmsError class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wasm from '../../pkg/web/dms_taskflow.js';
import { createApi } from '../api.mjs';

// `__dirname` is dist/ once bundled as CommonJS.
wasm.initSync({ module: readFileSync(join(__dirname, 'dms_taskflow_bg.wasm')) });

// A DmsClient given no credentials, and the one-shot functions given none, use the vendor's
// default chain (js/credentials-chain.mjs), whose STS requests the wasm signs. Its code (and
// `ini`'s) is loaded at its first use, not at import: most processes pass keys.
const chainFor = (options) => {
  const fetch = typeof options?.fetch === 'function' ? options.fetch : undefined;
  let chain;
  return async function credentialsFromTheDefaultChain() {
    if (chain === undefined) {
      const { defaultCredentialsChain } = await import('../credentials-chain.mjs');
      chain = defaultCredentialsChain({ signRpcPost: wasm.__signRpcPost, fetch });
    }
    return chain();
  };
};
// One chain for the one-shot functions: what it found is reused across calls.
const oneShotChain = chainFor(undefined);

// Defaults for what the input names none of: the credentials chain, the endpoint
// (DMS_ENDPOINT) or the region (ALIBABA_CLOUD_REGION_ID).
function defaultsFromEnvironment(credentials = oneShotChain) {
  const env = globalThis.process?.env ?? {};
  const defaults = { credentials };
  if (env.DMS_ENDPOINT) defaults.endpoint = env.DMS_ENDPOINT;
  else if (env.ALIBABA_CLOUD_REGION_ID) defaults.regionId = env.ALIBABA_CLOUD_REGION_ID;
  return defaults;
}

export const { DmsClient, DmsError, InstanceStatus, instanceStatusName, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm, {
  defaults: () => defaultsFromEnvironment(),
  nodeDefaults: (options) => defaultsFromEnvironment(chainFor(options)),
});
