import { OPERATION_ACTIONS } from './operation-actions.mjs';
import { waitForInstance } from './wait.mjs';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * The public DmsClient: a plain JS class holding the wasm client in a private field.
 * Users never touch the wasm object, so they cannot free it early or call its methods on
 * a wrong `this` (both make wasm-bindgen throw through wasm frames, which leaks wasm stack).
 * Every method returns a promise and never throws, whatever it is called on.
 */
export function defineDmsClient(wasm, DmsError) {
  class DmsClient {
    #client;

    constructor(options) {
      this.#client = new wasm.WasmClient(options);
    }

    static #wasmOf(self, method) {
      if (self !== null && typeof self === 'object' && #client in self) return self.#client;
      throw new DmsError({ code: 'InvalidParameter', message: `DmsClient.${method} was called on something that is not a DmsClient` });
    }

    static #send(self, name, send) {
      try {
        return send(DmsClient.#wasmOf(self, name));
      } catch (error) {
        return Promise.reject(error);
      }
    }

    // One method per task-flow operation (`stopTaskFlowInstance`, `listTaskFlowInstance`,
    // ...): the action with its first letter lower-cased. The list is generated from the same
    // spec as the wasm's table (scripts/gen-operations.mjs, which checks the naming rule).
    static {
      for (const action of OPERATION_ACTIONS.split('\0')) {
        const method = action[0].toLowerCase() + action.slice(1);
        // Written as an object-literal method so the function is named after the operation
        // (stack traces, inspection) and, like class methods, not enumerable.
        const operation = {
          [method](params, options) {
            return DmsClient.#send(this, method, (client) => client.invoke(action, params, options));
          },
        }[method];
        Object.defineProperty(DmsClient.prototype, method, { value: operation, writable: true, configurable: true });
      }
    }

    /** Any DMS action, parameters with their wire names (`{ DagId: '7' }`). */
    call(action, params, options) {
      return DmsClient.#send(this, 'call', (client) => client.call(action, params, options));
    }

    /** Polls the instance's status until it reaches one of `until` (see js/wait.mjs). */
    waitForInstance(options) {
      try {
        DmsClient.#wasmOf(this, 'waitForInstance');
      } catch (error) {
        return Promise.reject(error);
      }
      return waitForInstance(this, options, DmsError);
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
