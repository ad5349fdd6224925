// Cloudflare Workers (bundled to dist/workerd.mjs): workerd refuses to compile wasm from
// bytes ("Wasm code generation disallowed by embedder"), but a `.wasm` import is a
// WebAssembly.Module compiled at deploy time; instantiating it synchronously is allowed.
import * as wasm from '../../pkg/web/dms_taskflow.js';
import wasmModule from './dms_taskflow_bg.wasm';
import { createApi } from '../api.mjs';

wasm.initSync({ module: wasmModule });

export const { DmsClient, DmsError, InstanceStatus, instanceStatusName, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm);
