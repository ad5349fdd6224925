// Node `import` (copied to dist/node.mjs): the CommonJS build, re-exported, so one process
// has one wasm instance and one DmsError class whichever way it loads the package.
// Loaded with createRequire, not `import ... from './node.cjs'`: importing CommonJS from ESM
// makes Node set up its CommonJS export lexer first, which took about 50 ms of a cold start
// (bench/cold, `npm run bench -- --only coldstart`).
import { createRequire } from 'node:module';

const api = createRequire(import.meta.url)('./node.cjs');

export const { DmsClient, DmsError, InstanceStatus, instanceStatusName, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest, wasmMemoryBytes } = api;
