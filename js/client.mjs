import { OPERATION_ACTIONS, PAGED_LISTS, STATUS_PARAMS } from './operation-actions.mjs';
import { describeValue } from './describe.mjs';
import { MAX_PAGES, PAGE_SIZE, entriesOf, isLastPage } from './paging.mjs';
import { STATUS_RULE, instanceStatusCode } from './statuses.mjs';
import { waitForInstance } from './wait.mjs';

/**
 * Where the caller called from, captured when a call starts: a failure settles later, in
 * wasm and microtask frames only, and the user's own line is what they need to see.
 */
function callSite(skip) {
  const site = {};
  // The capture is most of what this costs a call (about 3% of end-to-end throughput at 64
  // in flight, bench/README.md); a process that turned stack traces off pays nothing.
  if (Error.stackTraceLimit === 0) return site;
  if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(site, skip);
  else site.stack = new Error().stack;
  return site;
}

/** The Node credentials chain's "found nothing" error (js/credentials-chain.mjs). */
const CHAIN_ERROR = Symbol.for('dms-taskflow.credentials-chain');
const CREDENTIAL_OPTIONS = ['accessKeyId', 'accessKeySecret', 'securityToken', 'credentials'];

/** Adds the wire action and the caller's frames to a DmsError that a call rejects with. */
function annotate(error, DmsError, action, site) {
  if (!(error instanceof DmsError)) return error;
  try {
    if (error.action === undefined && typeof action === 'string') error.action = action;
    // The chain's message says what was looked at, which is what the user needs to read.
    if (error.code === 'MissingCredentials' && error.cause?.[CHAIN_ERROR] === true) error.message = error.cause.message;
    const frames = typeof site.stack === 'string' ? site.stack.split('\n').filter((line) => line.trim() && line.trim() !== 'Error') : [];
    if (frames.length > 0 && typeof error.stack === 'string' && !error.stack.includes(frames[0])) {
      error.stack = `${error.stack}\n${frames.join('\n')}`;
    }
  } catch {
    // A frozen error (a user's own DmsError subclass) keeps what it has.
  }
  return error;
}

/**
 * A status parameter (`STATUS_PARAMS`: `listTaskFlowInstance`'s `status`) may be a status name
 * (`'running'`): sent as its number. A copy is made only then; anything unreadable is left to
 * the wasm's own checks.
 */
function withStatusCode(params, name, DmsError) {
  let status;
  try {
    status = params?.[name];
  } catch {
    return params;
  }
  if (typeof status !== 'string' || /^-?[0-9]+$/.test(status)) return params;
  const code = instanceStatusCode(status);
  if (code === undefined) {
    throw new DmsError({ code: 'InvalidParameter', message: `${name} must be ${STATUS_RULE}; got ${describeValue(status)}` });
  }
  return { ...params, [name]: code };
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * The public DmsClient: a plain JS class holding the wasm client in a private field.
 * Users never touch the wasm object, so they cannot free it early or call its methods on
 * a wrong `this` (both make wasm-bindgen throw through wasm frames, which leaks wasm stack).
 * Every method returns a promise and never throws, whatever it is called on.
 */
export { annotate, callSite };

/**
 * `options` completed by `nodeDefaults(options)` (Node's entry only: the default credentials
 * chain when they name no credentials, DMS_ENDPOINT or ALIBABA_CLOUD_REGION_ID when they name
 * neither endpoint nor region). Options that cannot be read are passed on as they are, for
 * the wasm to refuse.
 */
function withNodeDefaults(options, nodeDefaults) {
  if (nodeDefaults === undefined) return options;
  try {
    if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) return options;
    const given = options ?? {};
    const names = (list) => list.some((name) => given[name] !== undefined);
    const { credentials, endpoint, regionId } = nodeDefaults(given);
    const out = { ...given };
    if (!names(CREDENTIAL_OPTIONS)) out.credentials = credentials;
    if (!names(['endpoint', 'regionId'])) {
      if (endpoint !== undefined) out.endpoint = endpoint;
      else if (regionId !== undefined) out.regionId = regionId;
    }
    return out;
  } catch {
    return options;
  }
}

export function defineDmsClient(wasm, DmsError, { nodeDefaults } = {}) {
  class DmsClient {
    #client;

    constructor(options) {
      this.#client = new wasm.WasmClient(withNodeDefaults(options, nodeDefaults));
    }

    static #wasmOf(self, method) {
      if (self !== null && typeof self === 'object' && #client in self) return self.#client;
      throw new DmsError({ code: 'InvalidParameter', message: `DmsClient.${method} was called on something that is not a DmsClient` });
    }

    /** Runs `send` on the wasm client; a failure carries `action` and the caller's frames. */
    static #send(self, name, action, site, send) {
      try {
        return send(DmsClient.#wasmOf(self, name)).catch((error) => {
          throw annotate(error, DmsError, action, site);
        });
      } catch (error) {
        return Promise.reject(annotate(error, DmsError, action, site));
      }
    }

    // One method per task-flow operation (`stopTaskFlowInstance`, `listTaskFlowInstance`,
    // ...): the action with its first letter lower-cased. The list is generated from the same
    // spec as the wasm's table (scripts/gen-operations.mjs, which checks the naming rule).
    static {
      for (const action of OPERATION_ACTIONS.split('\0')) {
        const method = action[0].toLowerCase() + action.slice(1);
        const statusParam = Object.hasOwn(STATUS_PARAMS, method) ? STATUS_PARAMS[method] : undefined;
        // Written as an object-literal method so the function is named after the operation
        // (stack traces, inspection) and, like class methods, not enumerable.
        const operation = {
          [method](params, options) {
            const site = callSite(operation);
            return DmsClient.#send(this, method, action, site, (client) =>
              client.invoke(action, statusParam === undefined ? params : withStatusCode(params, statusParam, DmsError), options));
          },
        }[method];
        Object.defineProperty(DmsClient.prototype, method, { value: operation, writable: true, configurable: true });
      }
    }

    /** Any DMS action, parameters with their wire names (`{ DagId: '7' }`). */
    call(action, params, options) {
      return DmsClient.#send(this, 'call', action, callSite(this.call), (client) => client.call(action, params, options));
    }

    /**
     * Every entry of a List operation that pages (`PAGED_LISTS`), fetching pages of 100 (or
     * `params.pageSize`) as the loop asks, from `params.pageIndex` (default 1) until a short
     * page or `totalCount`. A failed page throws its DmsError from the loop.
     */
    async *paginate(method, params, options) {
      const site = callSite(this.paginate);
      const fail = (message) => annotate(new DmsError({ code: 'InvalidParameter', message }), DmsError, undefined, site);
      DmsClient.#wasmOf(this, 'paginate');
      if (typeof method !== 'string' || !Object.hasOwn(PAGED_LISTS, method)) {
        throw fail(`paginate takes the name of a List method that pages (${Object.keys(PAGED_LISTS).join(', ')}); got ${describeValue(method)}`);
      }
      if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
        throw fail(`paginate's params must be an object; got ${describeValue(params)}`);
      }
      const field = PAGED_LISTS[method];
      const pageSize = params?.pageSize ?? PAGE_SIZE;
      let pageIndex = params?.pageIndex ?? 1;
      for (let pages = 0; pages < MAX_PAGES; pages += 1) {
        const page = await this[method]({ ...params, pageIndex, pageSize }, options);
        const entries = entriesOf(page, field);
        yield* entries;
        const index = Number(pageIndex);
        if (isLastPage(page, entries, index, Number(pageSize))) return;
        pageIndex = index + 1;
      }
    }

    /** Polls the instance's status until it reaches one of `until` (see js/wait.mjs). */
    waitForInstance(options) {
      const site = callSite(this.waitForInstance);
      try {
        DmsClient.#wasmOf(this, 'waitForInstance');
      } catch (error) {
        return Promise.reject(annotate(error, DmsError, undefined, site));
      }
      return waitForInstance(this, options, DmsError).catch((error) => {
        throw annotate(error, DmsError, undefined, site);
      });
    }

    /** Endpoint and whether credentials are set; never the credentials. */
    toString() {
      return DmsClient.#wasmOf(this, 'toString').toString();
    }

    toJSON() {
      return DmsClient.#wasmOf(this, 'toJSON').toJSON();
    }

    [inspectSymbol]() {
      return this.toString();
    }
  }
  // Bundlers (ours included) rename a class that shares its name with an export
  // (`DmsClient2`); users see the name in `inspect` output and stack traces.
  Object.defineProperty(DmsClient, 'name', { value: 'DmsClient' });
  return DmsClient;
}
