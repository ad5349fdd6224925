// Constants and result builders shared by state.mjs and model.mjs.

export const STATUSES = Object.freeze(['running', 'suspended', 'stopped', 'succeeded', 'failed']);
export const TERMINAL_STATUSES = Object.freeze(['stopped', 'succeeded', 'failed']);

// ListTaskFlowInstance reports Status as a number. The API reference documents,
// for its Status filter: 0 waiting for scheduling, 1 running, 2 suspended,
// 3 failed, 4 succeeded, 5 completed. "Stopped" is not in that list; the
// emulator reports it as 5 (finished without succeeding or failing).
export const LIST_STATUS_CODES = Object.freeze({ running: 1, suspended: 2, failed: 3, succeeded: 4, stopped: 5 });

/** Task-flow lifecycle: never published, published and deployed, taken offline. */
export const FLOW_STATUSES = Object.freeze(['draft', 'deployed', 'offline']);

// Operation results, as the server turns them into business responses.
export const ok = (fields = {}) => ({ success: true, fields });
export const fail = (errorCode, errorMessage) => ({ success: false, errorCode, errorMessage });
