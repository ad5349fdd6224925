// How Node's entry moves signRequest's text in and out of wasm memory (js/packed.mjs's
// `textCodec` says what a codec does): with Buffer's UTF-8 methods, which sign as fast as
// TextEncoder and TextDecoder, where making Node 20's first TextDecoder opens an ICU
// converter, about 0.3 ms of a cold start. With this, and the glue's TextDecoder and
// TextEncoder made on first use (scripts/build.mjs), a process that only signs makes
// neither. `write` is only given text the buffer has room for (js/packed.mjs checks).
import { Buffer } from 'node:buffer';

export const bufferCodec = Object.freeze({
  view: (buffer, address, size) => Buffer.from(buffer, address, size),
  write: (bytes, text) => bytes.write(text),
  read: (bytes, length) => bytes.toString('utf8', 0, length),
});
