// signRequest's fast path: the arguments packed into one JSON string, so the call crosses
// into wasm once (src/packed.rs reads it and says why). `pack` returns undefined for
// anything it cannot carry exactly; the caller then takes the general path, which reads
// values one by one and gives the same answers, errors included.

const MAX_KEYS = 256;
const MAX_STRING = 1 << 20; // UTF-16 units here, bytes in Rust: longer strings go the general way.
const wellFormed = (text) => text.length <= MAX_STRING && text.isWellFormed?.() === true;

function packValue(value) {
  switch (typeof value) {
    case 'string':
      return wellFormed(value) ? value : undefined;
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : undefined;
    case 'boolean':
      return value;
    case 'bigint':
      return [value.toString()];
    case 'undefined':
      return {};
    default:
      return value === null ? null : undefined;
  }
}

/** `[key, value, ...]` of a plain object's own enumerable string keys; undefined: none. */
function packEntries(object, out) {
  if (object === undefined) return out;
  if (typeof object !== 'object' || object === null) return undefined;
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = Object.keys(object);
  if (keys.length > MAX_KEYS) return undefined;
  for (const key of keys) {
    const value = packValue(object[key]);
    if (value === undefined || !wellFormed(key)) return undefined;
    out.push(key, value);
  }
  return out;
}

export function pack(options, action, params, signing) {
  if (typeof action !== 'string' || !wellFormed(action)) return undefined;
  try {
    const packedOptions = packEntries(options, []);
    const packedParams = packedOptions && packEntries(params, []);
    const packedSigning = packedParams && packEntries(signing, []);
    return packedSigning && JSON.stringify([packedOptions, action, packedParams, packedSigning]);
  } catch {
    // A throwing getter or Proxy trap: the general path reports it properly.
    return undefined;
  }
}

/** The request from `method \0 url \0 body \0 (name \0 value)*`, keys in signRequest's order. */
export function unpackRequest(text) {
  const parts = text.split('\0');
  const headers = {};
  for (let i = 3; i + 1 < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
  const request = { method: parts[0], url: parts[1], headers };
  if (parts[2]) request.body = parts[2];
  return request;
}
