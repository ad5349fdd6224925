// Node and Bun (bundled to dist/node.cjs): the .wasm beside this file is read with fs and
// compiled synchronously, so there is no init step. dist/node.mjs re-exports this CommonJS
// module, so `require` and `import` users share one instance and one DmsError class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wasm from '../../pkg/web/dms_taskflow.js';
import { createApi } from '../api.mjs';

// `__dirname` is dist/ once bundled as CommonJS.
wasm.initSync({ module: readFileSync(join(__dirname, 'dms_taskflow_bg.wasm')) });

// The variables the vendor's tools read, and DMS_ENDPOINT. Only the one-shot functions (and
// the CLI) use them: the credentials when the input names none, the endpoint or region when
// it names neither.
function defaultsFromEnvironment() {
  const env = globalThis.process?.env ?? {};
  const defaults = {};
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID || env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
    defaults.accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    defaults.accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    defaults.securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined;
  }
  if (env.DMS_ENDPOINT) defaults.endpoint = env.DMS_ENDPOINT;
  if (env.ALIBABA_CLOUD_REGION_ID) defaults.regionId = env.ALIBABA_CLOUD_REGION_ID;
  return defaults;
}

export const { DmsClient, DmsError, InstanceStatus, instanceStatusName, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm, {
  defaults: defaultsFromEnvironment,
});
