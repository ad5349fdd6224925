// Node entry point for `import`: the CommonJS entry, re-exported, so that an application
// mixing `require` and `import` gets one wasm instance and one DmsError class.
import api from './node.cjs';

export const { DmsClient, DmsError, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest } = api;
