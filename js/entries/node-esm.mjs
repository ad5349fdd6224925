// Node `import` (copied to dist/node.mjs): the CommonJS build, re-exported, so one process
// has one wasm instance and one DmsError class whichever way it loads the package.
import api from './node.cjs';

export const { DmsClient, DmsError, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = api;
