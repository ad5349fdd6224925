// client.waitForInstance: polls ListTaskFlowInstance until an instance reaches one of the
// wanted statuses. Plain JS over the client's public methods (no wasm of its own): it pages
// through the task flow's instances, maps the documented Status numbers to names, and keeps
// the client's rules (rejects with DmsError, never throws, timers cleared when it settles).

import { describeValue as describe } from './describe.mjs';
import { MAX_PAGES, PAGE_SIZE, entriesOf, isLastPage } from './paging.mjs';
import { INSTANCE_STATUSES, STATUS_RULE, instanceStatusCode } from './statuses.mjs';

/** Statuses a run does not leave by itself: the default `until`. */
export const FINAL_STATUSES = Object.freeze(['failed', 'succeeded', 'completed']);

const OPTION_NAMES = ['dagId', 'dagInstanceId', 'tid', 'until', 'intervalMs', 'timeoutMs', 'signal', 'onProgress'];
const DEFAULT_INTERVAL_MS = 5000;
const MIN_INTERVAL_MS = 10;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit
const INT64_MAX = (1n << 63n) - 1n;
const ID_RULE = 'a non-negative integer up to 2^63-1, as a safe-integer number, a bigint or a decimal string';

/** An int64 id as its canonical decimal string, or a DmsError naming the field. */
function idOf(name, value, DmsError, { required }) {
  if (value === undefined) {
    if (!required) return undefined;
    throw new DmsError({ code: 'MissingParameter', message: `${name} is required for waitForInstance` });
  }
  let id = null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) id = BigInt(value);
  else if (typeof value === 'bigint' && value >= 0n && value <= INT64_MAX) id = value;
  else if (typeof value === 'string' && /^[0-9]{1,19}$/.test(value) && BigInt(value) <= INT64_MAX) id = BigInt(value);
  if (id === null) {
    throw new DmsError({ code: 'InvalidParameter', message: `${name} must be an id: ${ID_RULE}; got ${describe(value)}` });
  }
  return id.toString();
}

function msOf(name, value, fallback, min, DmsError) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new DmsError({ code: 'InvalidParameter', message: `${name} must be an integer number of milliseconds from ${min} to ${MAX_TIMER_MS}; got ${describe(value)}` });
  }
  return value;
}

function untilOf(value, DmsError) {
  if (value === undefined) return new Set(FINAL_STATUSES);
  const given = Array.isArray(value) ? [...value] : [value];
  const expected = `${STATUS_RULE}, or a non-empty array of them`;
  if (given.length === 0) {
    throw new DmsError({ code: 'InvalidParameter', message: `until must be ${expected}; got an empty array` });
  }
  const names = given.map((status) => {
    const code = instanceStatusCode(status);
    if (code === undefined) {
      throw new DmsError({ code: 'InvalidParameter', message: `until has an unknown status ${describe(status)}; expected ${expected}` });
    }
    return INSTANCE_STATUSES[code];
  });
  return new Set(names);
}

function isSignal(value) {
  return value !== null && typeof value === 'object' && typeof value.aborted === 'boolean' &&
    typeof value.addEventListener === 'function' && typeof value.removeEventListener === 'function';
}

/** Everything checked before any request; a DmsError (InvalidParameter) names the field. */
function readOptions(options, DmsError) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DmsError({ code: 'InvalidParameter', message: `waitForInstance takes an options object ({ dagId, dagInstanceId, until?, intervalMs?, timeoutMs?, signal?, onProgress? }); got ${describe(options)}` });
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new DmsError({ code: 'InvalidParameter', message: `waitForInstance has no option ${JSON.stringify(key)}; allowed: ${OPTION_NAMES.join(', ')}` });
    }
  }
  const { signal, onProgress } = options;
  if (signal !== undefined && !isSignal(signal)) {
    throw new DmsError({ code: 'InvalidParameter', message: `signal must be an AbortSignal; got ${describe(signal)}` });
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new DmsError({ code: 'InvalidParameter', message: `onProgress must be a function; got ${describe(onProgress)}` });
  }
  return {
    dagId: idOf('dagId', options.dagId, DmsError, { required: true }),
    dagInstanceId: idOf('dagInstanceId', options.dagInstanceId, DmsError, { required: true }),
    tid: idOf('tid', options.tid, DmsError, { required: false }),
    until: untilOf(options.until, DmsError),
    intervalMs: msOf('intervalMs', options.intervalMs, DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS, DmsError),
    timeoutMs: msOf('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, DmsError),
    signal,
    onProgress,
  };
}

function abortedError(signal, DmsError) {
  return new DmsError({ code: 'Aborted', message: 'waitForInstance was aborted', cause: signal.reason });
}

/** The instance's list entry, paging through the task flow's instances; null if absent. */
async function findInstance(client, opts, state) {
  const callOptions = opts.signal ? { signal: opts.signal } : undefined;
  const fetchPage = async (pageIndex) => {
    const params = { dagId: opts.dagId, pageIndex, pageSize: PAGE_SIZE };
    if (opts.tid !== undefined) params.tid = opts.tid;
    const page = await client.listTaskFlowInstance(params, callOptions);
    const list = entriesOf(page, 'dagInstanceList');
    const found = list.find((entry) => entry !== null && typeof entry === 'object' && String(entry.id) === opts.dagInstanceId);
    return { found, last: isLastPage(page, list, pageIndex, PAGE_SIZE) };
  };
  // Instances keep their place in the list, so the page it was on last time comes first.
  if (state.page !== undefined) {
    const { found } = await fetchPage(state.page);
    if (found) return found;
  }
  for (let pageIndex = 1; pageIndex <= MAX_PAGES; pageIndex += 1) {
    if (pageIndex === state.page) continue;
    const { found, last } = await fetchPage(pageIndex);
    if (found) {
      state.page = pageIndex;
      return found;
    }
    if (last) break;
  }
  return null;
}

function statusCodeOf(instance) {
  const raw = instance.status;
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  return code;
}

/**
 * Polls until the instance's status is one of `options.until`; resolves
 * `{ status, statusCode, polls, elapsedMs, instance }`. See README "Waiting for an instance".
 */
export async function waitForInstance(client, options, DmsError) {
  let opts;
  try {
    opts = readOptions(options, DmsError);
  } catch (error) {
    if (error instanceof DmsError) throw error;
    // A hostile options object (a revoked Proxy, a throwing getter).
    throw new DmsError({ code: 'InvalidParameter', message: 'waitForInstance could not read its options', cause: error });
  }
  const { signal, onProgress, until, intervalMs, timeoutMs } = opts;
  if (signal?.aborted) throw abortedError(signal, DmsError);
  const setTimer = globalThis.setTimeout;
  const clearTimer = globalThis.clearTimeout;

  return new Promise((resolve, reject) => {
    const started = Date.now();
    const state = { page: undefined };
    let polls = 0;
    let timer;
    let settled = false;
    const onAbort = () => settle(reject, abortedError(signal, DmsError));
    function settle(how, value) {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      signal?.removeEventListener('abort', onAbort);
      how(value);
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const poll = async () => {
      timer = undefined;
      if (settled) return;
      let instance;
      try {
        instance = await findInstance(client, opts, state);
      } catch (error) {
        settle(reject, error);
        return;
      }
      if (settled) return;
      polls += 1;
      const elapsedMs = Date.now() - started;
      if (instance === null) {
        settle(reject, new DmsError({
          code: 'InstanceNotFound',
          message: `instance ${opts.dagInstanceId} of task flow ${opts.dagId} is not among the task flow's instances`,
        }));
        return;
      }
      const statusCode = statusCodeOf(instance);
      const status = INSTANCE_STATUSES[statusCode] ?? 'unknown';
      const event = { status, statusCode, polls, elapsedMs, instance };
      if (onProgress) {
        try {
          const returned = onProgress({ ...event });
          if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
            Promise.resolve(returned).catch(() => {});
          }
        } catch {
          // A throwing callback does not stop the wait.
        }
      }
      if (settled) return; // onProgress may have aborted
      if (until.has(status)) {
        settle(resolve, event);
      } else if (elapsedMs >= timeoutMs) {
        settle(reject, new DmsError({
          code: 'Timeout',
          message: `instance ${opts.dagInstanceId} of task flow ${opts.dagId} did not reach ${[...until].join(' or ')} within ${timeoutMs} ms (${polls} polls; last status ${status})`,
          retryable: true,
        }));
      } else {
        timer = setTimer(poll, Math.min(intervalMs, timeoutMs - elapsedMs));
      }
    };
    poll();
  });
}
