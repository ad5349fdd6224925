// Reading request parameters: the request target and application/x-www-form-urlencoded.
//
// URLSearchParams never fails: it keeps a malformed '%ZZ' as text and turns
// invalid UTF-8 into U+FFFD. The emulator exists to catch client bugs, so this
// decoder follows the same rules for well-formed input ('+' is a space, '%XY'
// is a byte, bytes are UTF-8) but throws a FormError on anything malformed.

import { GatewayError } from './checks.mjs';

export class FormError extends Error {
  /** code: the gateway Code to answer with. */
  constructor(message, code = 'InvalidParameter.Encoding') {
    super(message);
    this.code = code;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(byte) {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

function decodeComponent(bytes, what) {
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x2b) {
      out[length++] = 0x20; // '+' is a space in form encoding
    } else if (byte === 0x25) {
      const complete = i + 2 < bytes.length;
      const high = complete ? hexValue(bytes[i + 1]) : -1;
      const low = complete ? hexValue(bytes[i + 2]) : -1;
      if (high < 0 || low < 0) throw new FormError(`malformed percent-encoding in ${what}`);
      out[length++] = (high << 4) | low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  try {
    return utf8.decode(out.subarray(0, length));
  } catch {
    throw new FormError(`${what} is not valid UTF-8 once percent-decoded`);
  }
}

/**
 * Parses form-encoded bytes (a Buffer, or a string whose chars are bytes as
 * node gives the request target) into a Map name → value (a Map, so that a
 * parameter named '__proto__' is just a name).
 * A name given twice throws: which of the two values the client signed is
 * ambiguous, and sending one twice is always a client bug.
 */
export function parseUrlEncoded(input, where) {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1');
  const params = new Map();
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start); // '&'
    if (end < 0) end = bytes.length;
    const pair = bytes.subarray(start, end);
    start = end + 1;
    if (pair.length === 0) continue; // 'a=1&&b=2' and a trailing '&' are harmless
    const eq = pair.indexOf(0x3d); // '='
    const name = decodeComponent(eq < 0 ? pair : pair.subarray(0, eq), `a parameter name in the ${where}`);
    const value = eq < 0 ? '' : decodeComponent(pair.subarray(eq + 1), `the value of "${name}" in the ${where}`);
    if (params.has(name)) {
      throw new FormError(`parameter "${name}" appears more than once in the ${where}`, 'InvalidParameter');
    }
    params.set(name, value);
  }
  return params;
}

/**
 * Splits node's req.url into the raw path and the raw query string. Handles the
 * absolute form ('http://host/path?q') that proxies send, and drops a fragment.
 */
export function splitRequestTarget(target) {
  let rest = String(target ?? '');
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?]*/.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length) || '/';
  const question = rest.indexOf('?');
  if (question < 0) return { path: rest, query: '' };
  return { path: rest.slice(0, question) || '/', query: rest.slice(question + 1) };
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Step 2: the request's parameters, as a plain object of decoded strings. GET
 * reads the query string; POST merges the query string with the form body, the
 * body winning. Returns { params, query } (query: the query string's own, which
 * a V3 signature covers).
 */
export function collectParams(method, headers, query, read, maxBytes) {
  if (read.tooLarge) {
    throw new GatewayError(413, 'RequestEntityTooLarge', `The request body is larger than ${maxBytes} bytes.`);
  }
  if (read.aborted) throw new GatewayError(400, 'IncompleteRequest', 'The request body was not received completely.');
  const decode = (input, where) => {
    try {
      return parseUrlEncoded(input, where);
    } catch (error) {
      if (error instanceof FormError) throw new GatewayError(400, error.code, `The request could not be decoded: ${error.message}.`);
      throw error;
    }
  };
  const params = decode(query, 'query string');
  const queryParams = Object.fromEntries(params);
  if (method === 'POST' && read.body.length > 0) {
    const mediaType = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== FORM_TYPE) {
      // The real gateway would ignore such a body; a client that sends one
      // most likely meant its parameters to be read, so say so.
      throw new GatewayError(
        400,
        'InvalidParameter.ContentType',
        `A POST body must be ${FORM_TYPE}, not ${JSON.stringify(mediaType || '(no Content-Type)')}.`,
      );
    }
    for (const [name, value] of decode(read.body, 'request body')) params.set(name, value);
  }
  return { params: Object.fromEntries(params), query: queryParams };
}
