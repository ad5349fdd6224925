// Browsers, bundlers (Vite, webpack 5, esbuild) and Deno (bundled to dist/web.mjs): the
// wasm is inlined as base64 of its raw DEFLATE, inflated (fflate) and compiled synchronously
// at import, so no bundler needs a wasm loader or config and there is no init step.
// (DecompressionStream would make the import asynchronous. Chromium allows synchronous
// compilation of a module this size on the main thread.)
import { inflateSync } from 'fflate';
import * as wasm from '../../pkg/web/dms_taskflow.js';
import { deflatedBase64, wasmLength } from '../../pkg/web/wasm-deflated.mjs';
import { createApi } from '../api.mjs';

const binary = atob(deflatedBase64);
const deflated = new Uint8Array(binary.length);
for (let i = 0; i < binary.length; i++) deflated[i] = binary.charCodeAt(i);
wasm.initSync({ module: inflateSync(deflated, { out: new Uint8Array(wasmLength) }) });

export const { DmsClient, DmsError, InstanceStatus, instanceStatusName, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm);
