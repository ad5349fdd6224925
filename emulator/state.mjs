// Task-flow instances and the state machine behind the instance operations.
//
// Instances are keyed by the (DagId, DagInstanceId) pair: instance 5001 exists
// only under its own task flow. Ids are canonical decimal strings (see ids.mjs),
// never Numbers, so ids beyond 2^53 stay exact.

import { canonicalId, parseInt64 } from './ids.mjs';

export const STATUSES = Object.freeze(['running', 'suspended', 'stopped', 'succeeded', 'failed']);

// ListTaskFlowInstance reports Status as a number. The API reference documents,
// for its Status filter: 0 waiting for scheduling, 1 running, 2 suspended,
// 3 failed, 4 succeeded, 5 completed. "Stopped" is not in that list; the
// emulator reports it as 5 (finished without succeeding or failing).
export const LIST_STATUS_CODES = Object.freeze({ running: 1, suspended: 2, failed: 3, succeeded: 4, stopped: 5 });

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const instance = (dagId, dagInstanceId, status, dagVersion) => ({ dagId, dagInstanceId, status, dagVersion });

/** The instances every emulator starts with unless given another seed. JSON-able. */
export const DEFAULT_SEED = deepFreeze({
  instances: [
    instance('1001', '5001', 'running', '3'),
    instance('1001', '5002', 'suspended', '3'),
    instance('1001', '5003', 'succeeded', '3'),
    instance('1001', '5004', 'stopped', '3'),
    instance('1001', '5005', 'failed', '3'),
    // Both ids are beyond 2^53: as Numbers they would round to ...992 and ...996.
    instance('9007199254740995', '9007199254740993', 'suspended', '7'),
  ],
});

function checkStatus(status) {
  if (!STATUSES.includes(status)) {
    throw new TypeError(`status must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
  }
  return status;
}

const keyOf = (dagId, dagInstanceId) => `${dagId}/${dagInstanceId}`;

// Operation results, as the server turns them into business responses.
const ok = (fields = {}) => ({ success: true, fields });
const fail = (errorCode, errorMessage) => ({ success: false, errorCode, errorMessage });

export class TaskFlowState {
  #instances = new Map(); // 'dagId/dagInstanceId' → { dagId, dagInstanceId, status, dagVersion }

  constructor(seed = DEFAULT_SEED) {
    if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) {
      throw new TypeError('the seed must be an object like { "instances": [...] }');
    }
    const instances = seed.instances ?? [];
    if (!Array.isArray(instances)) throw new TypeError('seed.instances must be an array');
    instances.forEach((item, index) => {
      try {
        this.add(item);
      } catch (error) {
        throw new TypeError(`seed.instances[${index}]: ${error.message}`);
      }
    });
  }

  /** Adds or replaces an instance; returns a copy of it. */
  add({ dagId, dagInstanceId, status, dagVersion = '1' } = {}) {
    const record = {
      dagId: canonicalId(dagId),
      dagInstanceId: canonicalId(dagInstanceId),
      status: checkStatus(status),
      dagVersion: String(dagVersion),
    };
    this.#instances.set(keyOf(record.dagId, record.dagInstanceId), record);
    return { ...record };
  }

  /**
   * A copy of the instance, or undefined. An id that is not an int64 (or a
   * Number beyond 2^53, already rounded) throws: looking it up would silently
   * answer for another id.
   */
  get(dagId, dagInstanceId) {
    const record = this.#instances.get(keyOf(canonicalId(dagId), canonicalId(dagInstanceId)));
    return record && { ...record };
  }

  setStatus(dagId, dagInstanceId, status) {
    const record = this.#instances.get(keyOf(canonicalId(dagId), canonicalId(dagInstanceId)));
    if (!record) throw new RangeError(`no task flow instance ${dagInstanceId} under task flow ${dagId}`);
    record.status = checkStatus(status);
    return { ...record };
  }

  list() {
    return [...this.#instances.values()].map((record) => ({ ...record }));
  }

  /**
   * Runs a business operation whose parameters already passed the gateway
   * checks (so ids are valid int64 text). Returns { success: true, fields }
   * or { success: false, errorCode, errorMessage }.
   */
  handle(action, params) {
    const handler = Object.hasOwn(HANDLERS, action) ? HANDLERS[action] : undefined;
    if (!handler) {
      return fail('NotImplementedInEmulator', `The DMS emulator accepts ${action} but does not implement it.`);
    }
    return handler(this.#instances, params);
  }
}

// --- operations -----------------------------------------------------------

function findInstance(instances, params) {
  const dagId = parseInt64(params.DagId).toString();
  const dagInstanceId = parseInt64(params.DagInstanceId).toString();
  return { dagId, dagInstanceId, record: instances.get(keyOf(dagId, dagInstanceId)) };
}

/**
 * The common shape of the instance operations: find the instance, check that
 * its status is one the operation starts from (and, when the operation names
 * one, the DagVersion), then move it to `to`. The status is checked before the
 * version: an instance in the wrong state cannot be acted on at any version.
 */
function transition({ from, to, verb, checkVersion = 'never' }) {
  return (instances, params) => {
    const { dagId, dagInstanceId, record } = findInstance(instances, params);
    if (!record) {
      return fail('InvalidDagInstance', `The task flow instance ${dagInstanceId} of task flow ${dagId} does not exist.`);
    }
    if (!from.includes(record.status)) {
      return fail(
        'InvalidStatus',
        `The task flow instance ${dagInstanceId} of task flow ${dagId} is ${record.status} and cannot be ${verb}.`,
      );
    }
    const version = params.DagVersion;
    const versionGiven = version !== undefined && version !== '';
    if ((checkVersion === 'always' || (checkVersion === 'if-given' && versionGiven)) && version !== record.dagVersion) {
      return fail(
        'InvalidDagVersion',
        `The DagVersion ${JSON.stringify(version ?? '')} does not match version ${record.dagVersion} of task flow instance ${dagInstanceId}.`,
      );
    }
    record.status = to;
    return ok();
  };
}

const NOT_SUCCEEDED = STATUSES.filter((status) => status !== 'succeeded');

function listTaskFlowInstance(instances, params) {
  const dagId = parseInt64(params.DagId).toString();
  const statusFilter = params.Status === undefined ? null : Number(parseInt64(params.Status));
  const matching = [...instances.values()].filter(
    (record) => record.dagId === dagId && (statusFilter === null || LIST_STATUS_CODES[record.status] === statusFilter),
  );
  // Out-of-range paging is clamped rather than refused: this listing exists
  // for smoke tests, not to emulate the real paging rules.
  const pageSize = clamp(params.PageSize, 1, 100);
  const pageIndex = clamp(params.PageIndex, 1, 1_000_000);
  const page = matching.slice((pageIndex - 1) * pageSize, pageIndex * pageSize);
  return ok({
    TotalCount: matching.length,
    DAGInstanceList: {
      DAGInstance: page.map((record) => ({
        Id: BigInt(record.dagInstanceId), // a JSON number literal, exact (see responses.mjs)
        DagId: record.dagId, // a string, as the real API sends it
        DagName: `emulator-task-flow-${record.dagId}`,
        DagVersion: record.dagVersion,
        Status: LIST_STATUS_CODES[record.status],
        TriggerType: 1,
        Message: '',
      })),
    },
  });
}

function clamp(text, min, max) {
  const value = parseInt64(text);
  if (value === null || value < BigInt(min)) return min;
  return value > BigInt(max) ? max : Number(value);
}

const HANDLERS = {
  StopTaskFlowInstance: transition({ from: ['running', 'suspended'], to: 'stopped', verb: 'stopped' }),
  SuspendTaskFlowInstance: transition({ from: ['running'], to: 'suspended', verb: 'suspended' }),
  ResumeTaskFlowInstance: transition({ from: ['suspended'], to: 'running', verb: 'resumed', checkVersion: 'always' }),
  ReRunTaskFlowInstance: transition({
    from: ['stopped', 'failed', 'succeeded'],
    to: 'running',
    verb: 're-run',
    checkVersion: 'if-given', // DagVersion is optional for ReRun
  }),
  MakeTaskFlowInstanceSuccess: transition({ from: NOT_SUCCEEDED, to: 'succeeded', verb: 'marked as succeeded' }),
  ListTaskFlowInstance: listTaskFlowInstance,
};
