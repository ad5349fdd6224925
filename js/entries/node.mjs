// Node (bundled to dist/node.cjs): the wasm-bindgen `nodejs` glue compiles the .wasm beside
// it synchronously with fs, so there is no init step. dist/node.mjs re-exports this CommonJS
// module, so `require` and `import` users share one instance and one DmsError class.
import * as wasm from '../../pkg/node/dms_taskflow.js';
import { createApi } from '../api.mjs';

export const { DmsClient, DmsError, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest } = createApi(wasm);
