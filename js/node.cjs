'use strict';
// Node entry point, for `require` (and, through node.mjs, for `import`): the wasm-bindgen
// `nodejs` build compiles the .wasm synchronously from the file beside it, so there is no
// init step. ESM re-exports this same module instance, so `require` and `import` users
// share one DmsError class and one wasm instance.

const wasm = require('../pkg/node/dms_taskflow.js');
const { DmsError } = require('./dms-error.cjs');
const { defineDmsClient } = require('./client.cjs');

wasm.__setErrorFactory((init) => new DmsError(init));

module.exports = {
  DmsClient: defineDmsClient(wasm, DmsError),
  DmsError,
  stopTaskFlowInstance: wasm.stopTaskFlowInstance,
  resumeTaskFlowInstance: wasm.resumeTaskFlowInstance,
  signRequest: wasm.signRequest,
};
