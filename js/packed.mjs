// signRequest's fast path: the arguments packed into one string, so the call crosses into
// wasm once (src/packed.rs reads it, and says why and in what format). `pack` returns
// undefined for anything it cannot carry exactly; the caller then takes the general path,
// which reads values one by one and gives the same answers, errors included.

const MAX_KEYS = 256;
const MAX_STRING = 1 << 20; // UTF-16 units here, bytes in Rust: longer strings go the general way.
// NUL separates the packed parts, so text holding one goes the general way. Lone surrogates
// too: `pack` checks the whole packed text once (see there).
const packable = (text) => text.length <= MAX_STRING && !text.includes('\0');

/** `\0count(\0key\0tag value)*` of a plain object's own enumerable string keys; undefined: not packable. */
function packEntries(object) {
  if (object === undefined) return '\x000'; // NUL, then the count 0
  if (typeof object !== 'object' || object === null) return undefined;
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = Object.keys(object);
  if (keys.length > MAX_KEYS) return undefined;
  let out = `\0${keys.length}`;
  for (const key of keys) {
    if (!packable(key)) return undefined;
    const value = object[key];
    // Each value as its tag letter and text, appended at once.
    switch (typeof value) {
      case 'string':
        if (!packable(value)) return undefined;
        out += `\0${key}\0s${value}`;
        break;
      case 'number':
        if (!Number.isSafeInteger(value) || Object.is(value, -0)) return undefined;
        out += `\0${key}\0n${value}`;
        break;
      case 'boolean':
        out += value ? `\0${key}\0t` : `\0${key}\0f`;
        break;
      case 'bigint':
        out += `\0${key}\0b${value}`;
        break;
      case 'undefined':
        out += `\0${key}\0u`;
        break;
      default:
        if (value !== null) return undefined;
        out += `\0${key}\0z`;
    }
  }
  return out;
}

export function pack(options, action, params, signing) {
  if (typeof action !== 'string' || !packable(action)) return undefined;
  try {
    const packedOptions = packEntries(options);
    const packedParams = packedOptions && packEntries(params);
    const packedSigning = packedParams && packEntries(signing);
    const packed = packedSigning && action + packedOptions + packedParams + packedSigning;
    // Well-formed as a whole only if every key and value is: each is preceded and followed
    // by ASCII (a tag letter or NUL), so no surrogate can pair across them. One check of the
    // whole text instead of one per string; it also flattens the text for encodeInto.
    return packed?.isWellFormed?.() === true ? packed : undefined;
  } catch {
    // A throwing getter or Proxy trap: the general path reports it properly.
    return undefined;
  }
}

/**
 * How text goes into and out of the packed-call buffer: `view` makes the bytes to work on,
 * `write` encodes text at their start and returns the bytes written, `read` decodes the first
 * `length`. This one uses TextEncoder and TextDecoder, which every runtime has; Node's entry
 * passes its own (js/entries/node.mjs says why).
 */
export function textCodec() {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return {
    view: (buffer, address, size) => new Uint8Array(buffer, address, size),
    write: (bytes, text) => encoder.encodeInto(text, bytes).written,
    read: (bytes, length) => decoder.decode(bytes.subarray(0, length)),
  };
}

/**
 * A signer over the module's packed-call buffer (`signPackedIo` in src/wasm/api.rs): the
 * packed text is encoded straight into wasm memory and the request decoded from it, one
 * call that returns a number. It returns undefined for text that may not fit, which the
 * caller then signs the general way (the buffer is 64 KiB; such text is a value of tens of
 * kilobytes, whose own copy dwarfs the crossings).
 */
export function packedIoSigner(wasm, codec = textCodec()) {
  const [memory, address, size] = [wasm.packedIoMemory(), wasm.packedIoAddress(), wasm.packedIoBytes()];
  let bytes = codec.view(memory.buffer, address, size);
  // Growing the memory detaches the old buffer, and views on it become empty.
  const buffer = () => (bytes.byteLength === 0 ? (bytes = codec.view(memory.buffer, address, size)) : bytes);
  // While a call reads the buffer, a call made from inside it (a patched global the module
  // calls into, say) must not write there: it goes the general way.
  let busy = false;
  return (packed) => {
    // Up to 3 bytes per UTF-16 unit: what passes this check is encoded whole.
    if (busy || packed.length * 3 > size) return undefined;
    busy = true;
    try {
      const length = wasm.signPackedIo(codec.write(buffer(), packed));
      return length >= 0 ? codec.read(buffer(), length) : wasm.takePackedIoAside();
    } finally {
      busy = false;
    }
  };
}

/**
 * The request from `method \0 url \0 body \0 (name \0 value)*`, keys in signRequest's order.
 * Sliced at each NUL rather than split: no array of parts, about half the time.
 */
export function unpackRequest(text) {
  const url = text.indexOf('\0') + 1;
  const body = text.indexOf('\0', url) + 1;
  let at = text.indexOf('\0', body);
  if (at === -1) at = text.length;
  const request = { method: text.slice(0, url - 1), url: text.slice(url, body - 1), headers: {} };
  if (at > body) request.body = text.slice(body, at);
  while (at < text.length) {
    const value = text.indexOf('\0', at + 1) + 1;
    let end = text.indexOf('\0', value);
    if (end === -1) end = text.length;
    request.headers[text.slice(at + 1, value - 1)] = text.slice(value, end);
    at = end;
  }
  return request;
}
