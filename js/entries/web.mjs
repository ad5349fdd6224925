// Browsers, bundlers (Vite, webpack 5, esbuild) and Deno (bundled to dist/web.mjs): the
// wasm is inlined as base64 and compiled synchronously at import, so no bundler needs a
// wasm loader or config and there is no init step. (Chromium allows synchronous
// compilation of a module this size on the main thread.)
import * as wasm from '../../pkg/web/dms_taskflow.js';
import wasmBase64 from '../../pkg/web/wasm-base64.mjs';
import { createApi } from '../api.mjs';

const binary = atob(wasmBase64);
const bytes = new Uint8Array(binary.length);
for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
wasm.initSync({ module: bytes });

export const { DmsClient, DmsError, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = createApi(wasm);
