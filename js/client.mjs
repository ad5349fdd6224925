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

    static #call(self, method, params, options) {
      try {
        return DmsClient.#wasmOf(self, method)[method](params, options);
      } catch (error) {
        return Promise.reject(error);
      }
    }

    stopTaskFlowInstance(params, options) {
      return DmsClient.#call(this, 'stopTaskFlowInstance', params, options);
    }

    resumeTaskFlowInstance(params, options) {
      return DmsClient.#call(this, 'resumeTaskFlowInstance', params, options);
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
  return DmsClient;
}
