// Where an entry point's random source is kept for the module (src/wasm/api.rs imports this
// file; Node's entry registers one through `__setRandomSource`, see js/entries/node.mjs).
// The module calls `fillRandom` with a view of the bytes it wants, in wasm memory: the
// source writes them in place, with no copy, text or second crossing on the way.

let source;

export function setRandomSource(fill) {
  source = fill;
}

// True only when the source says it filled every byte. It never throws: a JS exception
// would unwind through the module's frames mid-call.
export function fillRandom(bytes) {
  try {
    return source !== undefined && source(bytes) === true;
  } catch {
    return false;
  }
}
