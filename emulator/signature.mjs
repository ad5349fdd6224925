// Reference signer for Alibaba Cloud RPC requests (SignatureVersion 1.0, HMAC-SHA1).
//
// This is written independently of the Rust signer on purpose: the emulator
// checks the client's signatures with it, so a bug shared by both would go
// unnoticed. Only node:crypto is used.

import { createHmac } from 'node:crypto';

// Bytes that RFC 3986 calls "unreserved": the only ones left as they are.
function isUnreserved(byte) {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x7e // ~
  );
}

const HEX = '0123456789ABCDEF';

/**
 * Percent-encodes the UTF-8 bytes of `str`: unreserved bytes stay, every other
 * byte becomes `%XY` with upper-case hex. Unlike encodeURIComponent, `!'()*`
 * are encoded, and space is `%20` (never `+`).
 */
export function percentEncode(str) {
  const bytes = Buffer.from(String(str), 'utf8');
  let out = '';
  for (const byte of bytes) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : '%' + HEX[byte >> 4] + HEX[byte & 0x0f];
  }
  return out;
}

// The gateway sorts names by their bytes. JS string comparison works on UTF-16
// code units and localeCompare on collation rules: both can differ from it.
function compareUtf8(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The canonical query string: every parameter but `Signature`, sorted by name
 * byte-wise, as `enc(name)=enc(value)` joined by `&`.
 * @param {Record<string, string>} params
 */
export function canonicalQuery(params) {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort(compareUtf8)
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name])}`)
    .join('&');
}

/** `METHOD&%2F&` + percentEncode(canonicalQuery(params)). */
export function rpcStringToSign(method, params) {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

/** base64(HMAC-SHA1(key, data)): the bare primitive, exported for its own test vectors. */
export function hmacSha1Base64(key, data) {
  return createHmac('sha1', Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** The `Signature` value: base64(HMAC-SHA1(secret + '&', stringToSign)). */
export function signRpc(method, params, secret) {
  return hmacSha1Base64(`${secret}&`, rpcStringToSign(method, params));
}
