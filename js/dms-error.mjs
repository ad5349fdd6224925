/**
 * Every failure of the package: a real Error subclass carrying what the server (or the
 * client-side check) said. Defined in JS, not in Rust, so `instanceof DmsError` and stack
 * traces work as users expect; the wasm module builds instances through a factory.
 */
export class DmsError extends Error {
  constructor(init = {}) {
    super(String(init.message ?? ''), init.cause === undefined ? undefined : { cause: init.cause });
    this.code = String(init.code ?? 'UnknownError');
    if (init.status !== undefined) this.status = init.status;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.hostId !== undefined) this.hostId = init.hostId;
    if (init.recommend !== undefined) this.recommend = init.recommend;
    if (init.action !== undefined) this.action = init.action;
    this.retryable = Boolean(init.retryable);
  }

  /** `JSON.stringify(error)` shows the message and fields (Error's own are not enumerable). */
  toJSON() {
    const { code, action, status, requestId, hostId, recommend, retryable } = this;
    return { name: this.name, code, message: this.message, action, status, requestId, hostId, recommend, retryable };
  }
}

// On the prototype, so it is not an own enumerable field of every instance.
Object.defineProperty(DmsError.prototype, 'name', { value: 'DmsError', writable: true, configurable: true });
