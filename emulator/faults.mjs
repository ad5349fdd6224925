// Fault injection: the answers a client meets when something between it and
// the gateway goes wrong (5xx, throttling, hangs, resets, broken bodies, slow
// bodies, skewed clocks), for the client's retry, timeout and clock-skew tests.
//
// normalizeFault() checks a spec and fills in its defaults; FaultPlan decides,
// request by request, which spec (if any) applies; the body builders make the
// broken bodies. index.mjs does the answering.

import http from 'node:http';

export const FAULT_KINDS = Object.freeze([
  'status',
  'throttle',
  'hang',
  'reset',
  'truncated',
  'html',
  'empty',
  'huge',
  'slow-body',
  'skewed-clock',
  'cached-expired',
  'nonce-used',
  'raw',
]);

/** Kinds whose request still goes through the checks and the state machine. */
export const PROCESSED_KINDS = new Set(['slow-body', 'skewed-clock']);

// The gateway's codes and messages for its own 5xx answers.
const STATUS_DEFAULTS = {
  500: ['InternalError', 'The request processing has failed due to some unknown error, exception or failure.'],
  502: ['BadGateway', 'The request has failed due to a bad gateway.'],
  503: ['ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'],
  504: ['GatewayTimeout', 'The request has failed due to a gateway timeout.'],
};

export const THROTTLE_MESSAGES = Object.freeze({
  Throttling: 'Request was denied due to request throttling.',
  'Throttling.User': 'Request was denied due to user flow control.',
  'Throttling.Api': 'Request was denied due to api flow control.',
});

const MAX_HUGE_BYTES = 512 * 1024 * 1024;
const MAX_DELAY_MS = 2_147_483_647; // setTimeout's limit

function httpStatus(value, fallback, where, min = 200) {
  const status = value ?? fallback;
  if (!Number.isInteger(status) || status < min || status > 599) {
    throw new RangeError(`${where}: status must be an integer from ${min} to 599, not ${status}`);
  }
  return status;
}

function optionalText(value, name, where) {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new TypeError(`${where}: ${name} must be a non-empty string when given`);
  }
  return value;
}

function finiteNumber(value, name, where) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${name} must be a finite number of milliseconds, not ${value}`);
  }
  return value;
}

function checkHeaders(headers, where) {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object') throw new TypeError(`${where}: headers must be an object`);
  // Refuse bad headers now rather than fail later inside a request.
  for (const [name, value] of Object.entries(headers)) {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
  }
  return { ...headers };
}

/**
 * A checked, frozen copy of a fault spec with its defaults filled in. Throws a
 * TypeError (wrong shape or kind) or a RangeError (a value out of range).
 */
export function normalizeFault(spec, where = 'fault') {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError(`${where}: a fault spec is an object such as { kind: 'status', status: 503 }`);
  }
  const { kind } = spec;
  switch (kind) {
    case 'status': {
      const status = httpStatus(spec.status, 503, where, 500);
      const [code, message] = STATUS_DEFAULTS[status] ?? STATUS_DEFAULTS[500];
      return Object.freeze({
        kind,
        status,
        code: optionalText(spec.code, 'code', where) ?? code,
        message: optionalText(spec.message, 'message', where) ?? message,
      });
    }
    case 'throttle': {
      const code = spec.code ?? 'Throttling.User';
      if (!Object.hasOwn(THROTTLE_MESSAGES, code)) {
        throw new RangeError(`${where}: a throttle code is one of ${Object.keys(THROTTLE_MESSAGES).join(', ')}, not ${code}`);
      }
      return Object.freeze({ kind, code, message: optionalText(spec.message, 'message', where) ?? THROTTLE_MESSAGES[code] });
    }
    case 'hang':
    case 'reset':
    case 'truncated':
    case 'nonce-used':
      return Object.freeze({ kind });
    case 'html':
      return Object.freeze({ kind, status: httpStatus(spec.status, 502, where) });
    case 'empty':
      return Object.freeze({ kind, status: httpStatus(spec.status, 200, where) });
    case 'huge': {
      const bytes = spec.bytes ?? 5 * 1024 * 1024;
      if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_HUGE_BYTES) {
        throw new RangeError(`${where}: bytes must be an integer from 1 to ${MAX_HUGE_BYTES}, not ${bytes}`);
      }
      return Object.freeze({ kind, bytes, status: httpStatus(spec.status, 200, where) });
    }
    case 'slow-body': {
      const delayMs = spec.delayMs ?? 2000;
      if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
        throw new RangeError(`${where}: delayMs must be a non-negative integer, not ${delayMs}`);
      }
      return Object.freeze({ kind, delayMs });
    }
    case 'skewed-clock':
      return Object.freeze({ kind, offsetMs: finiteNumber(spec.offsetMs, 'offsetMs', where) });
    case 'cached-expired': {
      const age = spec.age ?? 120;
      if (!Number.isInteger(age) || age < 0) throw new RangeError(`${where}: age must be a non-negative integer of seconds, not ${age}`);
      return Object.freeze({ kind, offsetMs: finiteNumber(spec.offsetMs, 'offsetMs', where), age });
    }
    case 'raw': {
      const status = httpStatus(spec.status, 500, where);
      return Object.freeze({ kind, status, body: spec.body ?? '', headers: Object.freeze(checkHeaders(spec.headers, where)) });
    }
    default:
      throw new TypeError(`${where}: unknown fault kind ${JSON.stringify(kind)}; one of ${FAULT_KINDS.join(', ')}`);
  }
}

export function checkTimes(times, where) {
  if (!Number.isInteger(times) || times < 1) throw new RangeError(`${where}: times must be a positive integer, not ${times}`);
  return times;
}

/**
 * Which fault, if any, each request gets. One FIFO holds fault() and
 * failNext() entries ({ spec, remaining }) and schedule() slots (spec or null,
 * remaining 1); while it holds anything its head decides the request. Shares
 * (faultShare) count every request from their creation and apply, when the
 * FIFO is empty, on every `every`-th one; the first share registered wins.
 */
export class FaultPlan {
  #queue = [];
  #shares = [];

  enqueue(spec, times) {
    this.#queue.push({ spec, remaining: times });
  }

  enqueueMany(specs) {
    for (const spec of specs) this.#queue.push({ spec, remaining: 1 });
  }

  share(spec, every) {
    this.#shares.push({ spec, every, count: 0 });
  }

  clear() {
    this.#queue.length = 0;
    this.#shares.length = 0;
  }

  /** Requests the FIFO still covers (shares not included). */
  get pending() {
    return this.#queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** The spec for the request that just arrived, or null to answer normally. Call once per request. */
  next() {
    let shared = null;
    for (const share of this.#shares) {
      share.count += 1;
      if (shared === null && share.count % share.every === 0) shared = share.spec;
    }
    if (this.#queue.length > 0) {
      const entry = this.#queue[0];
      if (--entry.remaining <= 0) this.#queue.shift();
      return entry.spec;
    }
    return shared;
  }
}

// --- broken bodies ------------------------------------------------------------

/** An nginx error page, as a load balancer in front of the gateway sends it. */
export function htmlErrorPage(status) {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  );
}

/** The first half of a success body: a proper prefix of a JSON object, so never valid JSON. */
export function truncatedBody(requestId) {
  const whole = JSON.stringify({ RequestId: requestId, Success: true, ErrorCode: '', ErrorMessage: '' });
  return whole.slice(0, Math.floor(whole.length / 2));
}

/** `bytes` bytes of a JSON object whose last string is never closed. */
export function hugeBody(requestId, bytes) {
  const body = Buffer.alloc(bytes, 'x');
  body.write(`{"RequestId":"${requestId}","Success":true,"ErrorCode":"","ErrorMessage":"`, 0, 'latin1');
  return body;
}
