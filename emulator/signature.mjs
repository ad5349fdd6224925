// Reference signers for Alibaba Cloud RPC requests: SignatureVersion 1.0
// (HMAC-SHA1, the V1 scheme) and ACS3-HMAC-SHA256 (the V3 scheme).
//
// This is written independently of the Rust signer on purpose: the emulator
// checks the client's signatures with it, so a bug shared by both would go
// unnoticed. Only node:crypto is used.

import { createHash, createHmac } from 'node:crypto';

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

// --- V3: ACS3-HMAC-SHA256 ------------------------------------------------------

export const V3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** hex(SHA-256(data)); data is a string (UTF-8) or bytes. */
export function sha256Hex(data) {
  return createHash('sha256').update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('hex');
}

/** hex(HMAC-SHA256(key, data)), the key and data as UTF-8. */
export function hmacSha256Hex(key, data) {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8')).digest('hex');
}

/** Every query parameter (none left out), sorted by name byte-wise, `enc(name)=enc(value)` joined by `&`. */
export function v3CanonicalQuery(params) {
  return Object.keys(params)
    .sort(compareUtf8)
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name])}`)
    .join('&');
}

/** The header names V3 signs by default: host, content-type if sent, every x-acs-*; lower case, sorted. */
export function defaultSignedHeaders(headers) {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort();
}

/**
 * The canonical request: METHOD, `/`, the canonical query, one `name:trimmed
 * value` line per signed header, the signed header names joined by `;`, and
 * the hex SHA-256 of the body, joined by newlines. `headers` has lower-case
 * names; `signedHeaders` is the sorted list of names to sign.
 */
export function v3CanonicalRequest({ method, query = {}, headers, signedHeaders, payloadHash }) {
  const headerLines = signedHeaders.map((name) => `${name}:${String(headers[name] ?? '').trim()}\n`).join('');
  return [method, '/', v3CanonicalQuery(query), headerLines, signedHeaders.join(';'), payloadHash].join('\n');
}

/** `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonicalRequest)). */
export function v3StringToSign(canonicalRequest) {
  return `${V3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/**
 * Signs a V3 request. `headers` are the headers to send but host (given as
 * `host`): names in any case, values as sent. By default host, content-type
 * (if present) and every x-acs-* header are signed; `signedHeaders` (a list of
 * names) overrides that, for tests of incomplete signatures. The payload hash
 * is computed from `body` (string or bytes; default empty).
 * Returns { authorization, signature, canonicalRequest, stringToSign, signedHeaders }.
 */
export function signV3({ method, host, query = {}, headers = {}, body = '', accessKeyId, secret, signedHeaders }) {
  const lower = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = String(value);
  if (host !== undefined) lower.host = String(host);
  const names = signedHeaders ? [...signedHeaders].map((name) => name.toLowerCase()).sort() : defaultSignedHeaders(lower);
  const canonicalRequest = v3CanonicalRequest({ method, query, headers: lower, signedHeaders: names, payloadHash: sha256Hex(body) });
  const stringToSign = v3StringToSign(canonicalRequest);
  const signature = hmacSha256Hex(secret, stringToSign);
  return {
    authorization: `${V3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`,
    signature,
    canonicalRequest,
    stringToSign,
    signedHeaders: names,
  };
}
