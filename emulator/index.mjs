// A local DMS Enterprise API gateway for tests and demos: it checks requests the
// way the real gateway does (see checks.mjs; V1 HMAC-SHA1 and V3
// ACS3-HMAC-SHA256 signatures), keeps task flows and their instances in memory
// (see state.mjs and model.mjs) and answers in the real response shapes.
//
// Binds to 127.0.0.1 only. Node built-ins only.

import http from 'node:http';
import {
  GatewayError,
  NonceStore,
  checkMethod,
  checkPath,
  isV3Request,
  parseV3Authorization,
  runGatewayChecks,
  runV3GatewayChecks,
} from './checks.mjs';
import { FaultPlan, PROCESSED_KINDS, checkTimes, htmlErrorPage, hugeBody, normalizeFault, truncatedBody } from './faults.mjs';
import { collectParams, splitRequestTarget } from './form.mjs';
import { loadOperations } from './operations.mjs';
import { businessBody, gatewayErrorBody, newRequestId, toJson } from './responses.mjs';
import { DEFAULT_MODEL, DEFAULT_SEED, MODELS, STATUSES, TaskFlowState } from './state.mjs';

export { DEFAULT_MODEL, DEFAULT_SEED, MODELS };
// Stand-ins for the services a credentials chain calls (STS, the ECS metadata
// service, a credentials URI); what they issue, the emulator accepts.
export { DEFAULT_ROLE, startStsStandIn } from './sts.mjs';
export { startMetadataStandIn } from './metadata.mjs';

/** Test-only credentials: a long-term key and an STS key with its token. */
export const DEFAULT_ACCOUNTS = Object.freeze([
  Object.freeze({ accessKeyId: 'LTAI5tEmulatorKeyId01', accessKeySecret: 'emulator-secret-01' }),
  Object.freeze({
    accessKeyId: 'STS.EmulatorTempKeyId',
    accessKeySecret: 'emulator-sts-secret',
    securityToken: 'emulator-sts-token',
  }),
]);

const HOST = '127.0.0.1';
const JSON_TYPE = 'application/json;charset=utf-8';
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// An oversized body is read and thrown away, so the connection stays usable and
// the client reliably sees the 413; past this much the connection is dropped.
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
// Idle keep-alive sockets are kept this long (Node's default is 5 s), so a
// client pool reusing them under load does not race the server closing them.
const DEFAULT_KEEP_ALIVE_MS = 65_000;
// Pending connections the kernel may queue (Node's default is 511; Linux caps
// it at net.core.somaxconn): a burst of 1,000 connects must not be dropped.
const LISTEN_BACKLOG = 4096;

function normalizePrefix(prefix) {
  if (prefix === undefined || prefix === null || prefix === '') return '';
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[?#\s]/.test(prefix)) {
    throw new TypeError(`pathPrefix must be a path such as '/api/dms', not ${JSON.stringify(prefix)}`);
  }
  return prefix.replace(/\/+$/, ''); // '/api/dms/' and '/' are '/api/dms' and ''
}

/**
 * A frozen copy of one account. `expiresAt` (ms since the epoch, by the
 * emulator clock) makes it a temporary key the gateway refuses from then on
 * with InvalidSecurityToken.Expired; only an STS key (with a token) may expire.
 */
function normalizeAccount(account, where) {
  const { accessKeyId, accessKeySecret, securityToken, expiresAt } = account ?? {};
  if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof accessKeySecret !== 'string') {
    throw new TypeError(`${where} needs a non-empty accessKeyId and an accessKeySecret string`);
  }
  if (securityToken !== undefined && (typeof securityToken !== 'string' || securityToken === '')) {
    throw new TypeError(`${where}.securityToken must be a non-empty string when given`);
  }
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
    throw new TypeError(`${where}.expiresAt must be a time in ms since the epoch when given`);
  }
  if (expiresAt !== undefined && securityToken === undefined) {
    throw new TypeError(`${where}: only an STS key (with a securityToken) can have expiresAt`);
  }
  const copy = { accessKeyId, accessKeySecret };
  if (securityToken !== undefined) copy.securityToken = securityToken;
  if (expiresAt !== undefined) copy.expiresAt = expiresAt;
  return Object.freeze(copy);
}

function normalizeAccounts(accounts) {
  if (!Array.isArray(accounts) || accounts.length === 0) throw new TypeError('accounts must be a non-empty array');
  const seen = new Set();
  return Object.freeze(
    accounts.map((account, index) => {
      const copy = normalizeAccount(account, `accounts[${index}]`);
      if (seen.has(copy.accessKeyId)) throw new TypeError(`accounts: ${copy.accessKeyId} is listed twice`);
      seen.add(copy.accessKeyId);
      return copy;
    }),
  );
}

/**
 * Reads the request body. Resolves { body: Buffer } or { tooLarge: true,
 * abandon } (abandon: the rest was not read, the connection must close) or
 * { aborted: true } when the client went away.
 */
function readBody(req, maxBytes) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    if (Number(req.headers['content-length']) > DRAIN_LIMIT_BYTES) {
      settle({ tooLarge: true, abandon: true });
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
      if (size > DRAIN_LIMIT_BYTES) {
        req.pause();
        settle({ tooLarge: true, abandon: true });
      }
    });
    req.on('end', () => settle(size > maxBytes ? { tooLarge: true, abandon: false } : { body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ aborted: true }));
    req.on('close', () => settle({ aborted: true }));
  });
}



// What a preflight allows when the browser names no header: everything a V1
// form POST or a V3 request sends.
const DEFAULT_ALLOWED_HEADERS = [
  'Content-Type',
  'Authorization',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
  'x-acs-security-token',
].join(', ');

function checkAfterMs(value, where) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 2_147_483_647) {
    throw new RangeError(`${where}: afterMs must be a number of milliseconds from 0 to 2147483647, not ${value}`);
  }
  return value;
}

// Header values a preflight may echo back: header names, commas and spaces.
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~, -]*$/;

export async function startEmulator(options = {}) {
  const {
    port = 0,
    host = HOST,
    accounts = DEFAULT_ACCOUNTS,
    seed = DEFAULT_SEED,
    pathPrefix = '',
    cors = false,
    clock = Date.now,
    log = null,
    strictParams = true,
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    keepAliveTimeout = DEFAULT_KEEP_ALIVE_MS,
    maxConnections = Infinity,
    model = DEFAULT_MODEL,
  } = options;
  if (host !== HOST) throw new TypeError(`the emulator binds to ${HOST} only, not ${host}`);
  if (typeof clock !== 'function') throw new TypeError('clock must be a function returning milliseconds');
  const prefix = normalizePrefix(pathPrefix);
  // Keyed by AccessKeyId; addAccount() adds to it (the STS and metadata stand-ins do).
  const accountsById = new Map(normalizeAccounts(accounts).map((account) => [account.accessKeyId, account]));
  const operations = loadOperations();
  // `now` is defined below; the state only calls it while handling requests.
  const state = new TaskFlowState(seed, { model, now: () => now() });
  const nonces = new NonceStore();
  const requests = [];
  const faults = new FaultPlan(); // fault(), failNext(), schedule(), faultShare()
  const hangingSockets = new Set(); // sockets of requests that will never be answered
  const slowTimers = new Set(); // slow-body answers still to finish
  const transitions = new Set(); // scheduleTransition plans still to run: { timers, finish }
  const writeLog = typeof log === 'function' ? log : () => {};

  // The server's idea of "now": drives the Date header and the timestamp and
  // nonce windows, so tests can skew it (setClock). A broken clock falls back
  // to real time.
  let currentClock = clock;
  const now = () => {
    try {
      const value = Number(currentClock());
      return Number.isFinite(value) ? value : Date.now();
    } catch {
      return Date.now();
    }
  };

  /**
   * Answers. `dateMs` is the time for the Date header (default: now());
   * `slowMs` sends the first half of the body, then the rest that much later.
   */
  function send(res, record, status, bodyText, extraHeaders = {}, { dateMs, slowMs } = {}) {
    record.status = status;
    if (res.headersSent || res.destroyed) return;
    res.statusCode = status;
    res.setHeader('Date', new Date(dateMs ?? now()).toUTCString());
    res.setHeader('Content-Type', JSON_TYPE);
    if (cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      // Date is not readable cross-origin unless exposed, and a browser client
      // needs it to correct its clock after InvalidTimeStamp.Expired.
      res.setHeader('Access-Control-Expose-Headers', 'Date, x-acs-request-id');
    }
    for (const [name, value] of Object.entries(extraHeaders)) {
      if (name.toLowerCase() !== 'content-length') res.setHeader(name, value);
    }
    const body = Buffer.isBuffer(bodyText) ? bodyText : Buffer.from(bodyText, 'utf8');
    res.setHeader('Content-Length', body.length);
    if (slowMs !== undefined && body.length > 1) {
      const cut = Math.floor(body.length / 2);
      res.write(body.subarray(0, cut));
      const timer = setTimeout(() => {
        slowTimers.delete(timer);
        if (!res.destroyed) res.end(body.subarray(cut));
      }, slowMs);
      slowTimers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        slowTimers.delete(timer);
      });
    } else {
      res.end(body);
    }
    logLine(record, `${status} ${record.code ?? record.errorCode ?? (record.success === true ? 'Success' : '')}`.trimEnd());
  }

  function logLine(record, outcome) {
    const fault = record.fault ? ` [fault ${record.fault}]` : '';
    writeLog(`${record.method} ${record.path} ${record.action ?? '-'} -> ${outcome}${fault}`);
  }

  function sendGatewayError(res, record, error, options) {
    const requestId = newRequestId();
    record.code = error.code;
    const headers = { 'x-acs-request-id': requestId, ...options?.headers };
    send(res, record, error.status, toJson(gatewayErrorBody(requestId, error.code, error.message)), headers, options);
  }

  function sendQueuedFailure(res, record, spec) {
    const { status, body, headers } = spec;
    const text = typeof body === 'string' ? body : toJson(body);
    let parsed = typeof body === 'string' ? undefined : body;
    if (parsed === undefined) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined; // not JSON: nothing to record beyond the status
      }
    }
    if (parsed && typeof parsed === 'object') {
      record.code = typeof parsed.Code === 'string' ? parsed.Code : null;
      record.errorCode = typeof parsed.ErrorCode === 'string' && parsed.ErrorCode !== '' ? parsed.ErrorCode : null;
      record.success = typeof parsed.Success === 'boolean' ? parsed.Success : null;
    }
    send(res, record, status, text, headers);
  }

  function answerPreflight(req, res, record) {
    const requested = String(req.headers['access-control-request-headers'] ?? '');
    record.status = 204;
    res.writeHead(204, {
      Date: new Date(now()).toUTCString(),
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': requested && HEADER_LIST.test(requested) ? requested : DEFAULT_ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
      'Content-Length': '0',
    });
    res.end();
    writeLog(`OPTIONS ${record.path} (CORS preflight) -> 204`);
  }

  /** Answers a fault that replaces normal processing (not slow-body or skewed-clock). */
  function answerFault(req, res, record, spec) {
    const socket = req.socket;
    switch (spec.kind) {
      case 'hang':
        // Read, never answered: the socket stays open until the client gives
        // up or close() destroys it.
        if (socket && !socket.destroyed) {
          hangingSockets.add(socket);
          socket.once('close', () => hangingSockets.delete(socket));
        }
        logLine(record, 'no answer (hang)');
        return;
      case 'reset':
        // A TCP RST, not a clean FIN: what a crashed proxy looks like.
        if (socket && typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
        else socket?.destroy();
        logLine(record, 'connection reset');
        return;
      case 'status':
        sendGatewayError(res, record, new GatewayError(spec.status, spec.code, spec.message));
        return;
      case 'throttle':
        sendGatewayError(res, record, new GatewayError(400, spec.code, spec.message));
        return;
      case 'nonce-used':
        sendGatewayError(res, record, new GatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'));
        return;
      case 'cached-expired':
        sendGatewayError(res, record, new GatewayError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'), {
          dateMs: now() + spec.offsetMs,
          headers: { Age: String(spec.age) },
        });
        return;
      case 'truncated':
        send(res, record, 200, truncatedBody(newRequestId()));
        return;
      case 'html':
        send(res, record, spec.status, htmlErrorPage(spec.status), { 'Content-Type': 'text/html', Server: 'nginx' });
        return;
      case 'empty':
        send(res, record, spec.status, '');
        return;
      case 'huge':
        send(res, record, spec.status, hugeBody(newRequestId(), spec.bytes));
        return;
      case 'raw':
        sendQueuedFailure(res, record, spec);
        return;
      default:
        throw new Error(`unhandled fault kind ${spec.kind}`);
    }
  }

  async function handle(req, res) {
    const { path, query } = splitRequestTarget(req.url);
    const record = {
      method: req.method,
      path,
      action: null,
      params: {},
      accessKeyId: null,
      nonce: null,
      timestamp: null,
      status: null,
      code: null,
      errorCode: null,
      success: null,
      fault: null,
    };
    requests.push(record);
    let answerOptions = {}; // how a processed answer is sent (slow-body, skewed-clock)
    try {
      // A preflight is the browser's, not the client's: it never uses up a fault.
      if (cors && req.method === 'OPTIONS') {
        answerPreflight(req, res, record);
        return;
      }
      // The fault is chosen on arrival, so faults follow the order of `requests`.
      const fault = faults.next();
      record.fault = fault?.kind ?? null;
      const read = await readBody(req, maxBodyBytes);
      if (read.abandon) res.setHeader('Connection', 'close');

      // Parameters are decoded before anything else so that every record,
      // failNext answers included, shows what the client sent.
      // A V3 request carries the common parameters in headers instead.
      const v3 = isV3Request(req.headers);
      let params = null;
      let queryParams = null;
      let paramError = null;
      if (v3) {
        record.signatureVersion = 'v3'; // only V3 records have it: V1 records keep their shape
        record.action = req.headers['x-acs-action'] ?? null;
        record.accessKeyId = parseV3Authorization(req.headers.authorization).credential ?? null;
        record.nonce = req.headers['x-acs-signature-nonce'] ?? null;
        record.timestamp = req.headers['x-acs-date'] ?? null;
      }
      try {
        ({ params, query: queryParams } = collectParams(req.method, req.headers, query, read, maxBodyBytes));
        record.params = params;
        if (!v3) {
          record.action = params.Action ?? null;
          record.accessKeyId = params.AccessKeyId ?? null;
          record.nonce = params.SignatureNonce ?? null;
          record.timestamp = params.Timestamp ?? null;
        }
      } catch (error) {
        paramError = error;
      }

      if (fault && !PROCESSED_KINDS.has(fault.kind)) {
        answerFault(req, res, record, fault);
        return;
      }
      // slow-body and skewed-clock are processed normally, then answered their way.
      const nowMs = now() + (fault?.kind === 'skewed-clock' ? fault.offsetMs : 0);
      answerOptions = { dateMs: nowMs, slowMs: fault?.kind === 'slow-body' ? fault.delayMs : undefined };

      checkMethod(req.method);
      checkPath(path, prefix);
      if (paramError) throw paramError;
      const common = { method: req.method, params, nowMs, accounts: accountsById, nonces, operations, strictParams };
      const { op } = v3
        ? runV3GatewayChecks({ ...common, headers: req.headers, query: queryParams, body: read.body })
        : runGatewayChecks(common);
      const result = state.handle(op.action, params);
      record.success = result.success;
      record.errorCode = result.success ? null : result.errorCode;
      const requestId = newRequestId();
      send(res, record, 200, toJson(businessBody(requestId, result)), { 'x-acs-request-id': requestId }, answerOptions);
    } catch (error) {
      if (error instanceof GatewayError) {
        sendGatewayError(res, record, error, answerOptions);
      } else {
        writeLog(`emulator bug while handling ${req.method} ${path}: ${error?.stack ?? error}`);
        sendGatewayError(res, record, new GatewayError(500, 'InternalError', 'The DMS emulator failed on this request; see its log.'));
      }
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      // handle() catches everything itself; this is the last line of defence.
      writeLog(`emulator bug: ${error?.stack ?? error}`);
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.maxConnections = maxConnections;

  // Malformed HTTP never reaches handle(): answer it in the gateway's shape too.
  server.on('clientError', (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = toJson(
      gatewayErrorBody(newRequestId(), tooLarge ? 'RequestHeaderFieldsTooLarge' : 'BadRequest', `Malformed HTTP request (${error.code ?? 'unknown'}).`),
    );
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nDate: ${new Date(now()).toUTCString()}\r\n` +
        `Content-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const actualPort = server.address().port;
  let closing = null;

  return {
    url: `http://${HOST}:${actualPort}${prefix}`,
    port: actualPort,
    /** Every account it accepts, those given to addAccount included (expired ones too). */
    get accounts() {
      return Object.freeze([...accountsById.values()]);
    },
    /**
     * Accepts one more account from now on: { accessKeyId, accessKeySecret,
     * securityToken?, expiresAt? }. With `expiresAt` (ms since the epoch, by
     * the emulator clock; STS keys only) requests signed with it are refused
     * with 400 InvalidSecurityToken.Expired once now() >= expiresAt. An
     * AccessKeyId already known is a TypeError. Returns the frozen copy kept.
     */
    addAccount(account) {
      const copy = normalizeAccount(account, 'addAccount');
      if (accountsById.has(copy.accessKeyId)) throw new TypeError(`addAccount: ${copy.accessKeyId} is already an account`);
      accountsById.set(copy.accessKeyId, copy);
      return copy;
    },
    /** The emulator clock now (ms since the epoch): what timestamps and account expiry are judged by. */
    now() {
      return now();
    },
    /** One record per HTTP request received, in order of arrival. */
    get requests() {
      return requests;
    },
    get requestCount() {
      return requests.length;
    },
    /** The SignatureNonce of every request in `requests` that sent one, in order. */
    get nonces() {
      return requests.flatMap((record) => (record.nonce === null ? [] : [record.nonce]));
    },
    resetRequests() {
      requests.length = 0;
    },
    getInstance(dagId, dagInstanceId) {
      return state.get(dagId, dagInstanceId);
    },
    addInstance(instance) {
      return state.add(instance);
    },
    setInstanceStatus(dagId, dagInstanceId, status) {
      return state.setStatus(dagId, dagInstanceId, status);
    },
    /** Every instance, in insertion order (an addition to the fixed interface, used by the CLI). */
    listInstances() {
      return state.list();
    },
    /** 'instances' (only the instance operations are implemented) or 'full' (all 52). */
    get model() {
      return state.model;
    },
    /**
     * Moves an instance to `status` as its run would (end time set on stopped,
     * succeeded, failed); any status may follow any. Returns a copy.
     */
    advanceInstance(dagId, dagInstanceId, status) {
      return state.advance(dagId, dagInstanceId, status);
    },
    /**
     * Plans status changes of an instance over time: each step { afterMs,
     * status } is applied (as advanceInstance) `afterMs` after this call, in
     * order. Checked at once (TypeError, RangeError). Returns { done, cancel }:
     * `done` resolves true once every step ran, false if cancel() or close()
     * came first (close() clears the timers).
     */
    scheduleTransition(dagId, dagInstanceId, steps) {
      if (state.get(dagId, dagInstanceId) === undefined) {
        throw new RangeError(`no task flow instance ${dagInstanceId} under task flow ${dagId}`);
      }
      if (!Array.isArray(steps) || steps.length === 0) throw new TypeError('scheduleTransition needs a non-empty array of { afterMs, status }');
      const plan = steps.map((step, index) => {
        const where = `scheduleTransition[${index}]`;
        if (step === null || typeof step !== 'object') throw new TypeError(`${where} must be { afterMs, status }`);
        if (!STATUSES.includes(step.status)) throw new TypeError(`${where}: status must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(step.status)}`);
        return { afterMs: checkAfterMs(step.afterMs, where), status: step.status };
      });
      let finish;
      const done = new Promise((resolve) => (finish = resolve));
      const entry = { timers: new Set(), finish };
      let remaining = plan.length;
      const end = (completed) => {
        for (const timer of entry.timers) clearTimeout(timer);
        transitions.delete(entry);
        finish(completed);
      };
      entry.finish = end;
      plan.forEach(({ afterMs, status }, index) => {
        // Equal delays keep their order: timers of equal delay fire in the order set.
        const timer = setTimeout(() => {
          entry.timers.delete(timer);
          try {
            state.advance(dagId, dagInstanceId, status);
          } catch (error) {
            writeLog(`scheduleTransition[${index}] of ${dagId}/${dagInstanceId}: ${error.message}`);
          }
          if (--remaining === 0) end(true);
        }, afterMs);
        entry.timers.add(timer);
      });
      transitions.add(entry);
      return { done, cancel: () => (transitions.has(entry) ? end(false) : undefined) };
    },
    /** A copy of a task flow (ids as strings; its nodeIds and edges included), or undefined. */
    getTaskFlow(dagId) {
      return state.getTaskFlow(dagId);
    },
    listTaskFlows() {
      return state.listTaskFlows();
    },
    /** A copy of a task node, or undefined. */
    getTask(nodeId) {
      return state.getTask(nodeId);
    },
    getScenario(scenarioId) {
      return state.getScenario(scenarioId);
    },
    listScenarios() {
      return state.listScenarios();
    },
    /** [{ userId, roles }] of a workspace (objectType 0) or a task flow (1). */
    getLhMembers(objectType, objectId) {
      return state.getLhMembers(objectType, objectId);
    },
    /**
     * The next `times` requests get `response` ({ status, body, headers })
     * verbatim, before any check. A string body is sent as is; anything else as
     * JSON. Content-Type defaults to JSON; headers override it and Date.
     */
    failNext(response, times = 1) {
      if (response === null || typeof response !== 'object') throw new TypeError('failNext needs { status, body, headers }');
      const spec = normalizeFault({ status: response.status, body: response.body, headers: response.headers, kind: 'raw' }, 'failNext');
      faults.enqueue(spec, checkTimes(times, 'failNext'));
    },
    /**
     * The next `times` requests (CORS preflights excluded) get the fault, in
     * one FIFO with failNext and schedule. See faults.mjs for the kinds.
     */
    fault(spec, { times = 1 } = {}) {
      const checked = normalizeFault(spec, 'fault');
      faults.enqueue(checked, checkTimes(times, 'fault'));
    },
    /** One slot per request, in order: a fault spec, or null to answer normally. Appended to the FIFO. */
    schedule(list) {
      if (!Array.isArray(list)) throw new TypeError('schedule needs an array of fault specs or nulls');
      const specs = list.map((spec, index) => (spec === null ? null : normalizeFault(spec, `schedule[${index}]`)));
      faults.enqueueMany(specs);
    },
    /** Every `every`-th request from now (the every-th, the 2·every-th, ...) gets the fault, until clearFaults(). */
    faultShare(spec, { every } = {}) {
      const checked = normalizeFault(spec, 'faultShare');
      if (!Number.isInteger(every) || every < 1) throw new RangeError(`faultShare: every must be a positive integer, not ${every}`);
      faults.share(checked, every);
    },
    /** Drops every pending fault: fault, failNext, schedule and faultShare alike. */
    clearFaults() {
      faults.clear();
    },
    /** Requests the FIFO (fault, failNext, schedule) still covers; faultShare not counted. */
    get pendingFaults() {
      return faults.pending;
    },
    /** The emulator clock (ms since the epoch) for every later request; null or undefined restores Date.now. */
    setClock(fn) {
      if (fn === null || fn === undefined) fn = Date.now;
      if (typeof fn !== 'function') throw new TypeError('setClock needs a function returning milliseconds');
      currentClock = fn;
    },
    close() {
      closing ??= new Promise((resolve) => {
        for (const timer of slowTimers) clearTimeout(timer);
        slowTimers.clear();
        for (const entry of [...transitions]) entry.finish(false);
        for (const socket of hangingSockets) socket.destroy();
        hangingSockets.clear();
        server.close(() => resolve());
        // Keep-alive sockets would otherwise hold close() (and the process) open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
