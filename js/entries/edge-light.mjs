// Vercel / Next.js edge runtime (bundled to dist/edge-light.mjs): like workerd it refuses
// to compile wasm from bytes; its bundler turns a `.wasm?module` import into a
// WebAssembly.Module, which is instantiated synchronously.
import * as wasm from '../../pkg/web/dms_taskflow.js';
import wasmModule from './dms_taskflow_bg.wasm?module';
import { createApi } from '../api.mjs';

wasm.initSync({ module: wasmModule });

export const { DmsClient, DmsError, InstanceStatus, instanceStatusName, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm);
