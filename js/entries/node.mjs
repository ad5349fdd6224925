// Node and Bun (bundled to dist/node.cjs): the .wasm beside this file is read with fs and
// compiled synchronously, so there is no init step. dist/node.mjs re-exports this CommonJS
// module, so `require` and `import` users share one instance and one DmsError class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as wasm from '../../pkg/web/dms_taskflow.js';
import { createApi } from '../api.mjs';

// `__dirname` is dist/ once bundled as CommonJS.
wasm.initSync({ module: readFileSync(join(__dirname, 'dms_taskflow_bg.wasm')) });

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
});
