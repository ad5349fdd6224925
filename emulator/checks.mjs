// The gateway's checks, one function each, run in the real gateway's order by
// runGatewayChecks. Every failure is a GatewayError: the HTTP status, the
// gateway Code and a Message shaped like the real ones, so a client under test
// sees the same failure it would meet in production.

import { timingSafeEqual } from 'node:crypto';
import { parseInt64 } from './ids.mjs';
import {
  V3_ALGORITHM,
  hmacSha256Hex,
  rpcStringToSign,
  sha256Hex,
  signRpc,
  v3CanonicalRequest,
  v3StringToSign,
} from './signature.mjs';

export class GatewayError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
  }
}

export const API_VERSION = '2018-11-01';
export const TIMESTAMP_TOLERANCE_MS = 15 * 60 * 1000;
export const NONCE_TTL_MS = 15 * 60 * 1000;

// Common parameters that must be present, in the order they are reported.
// Format is optional in real RPC (it defaults to XML), SecurityToken is for STS.
const REQUIRED_COMMON = [
  'Action',
  'Version',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Signature',
];
export const COMMON_PARAMS = new Set([...REQUIRED_COMMON, 'Format', 'SecurityToken']);

// An empty value counts as absent, as it does at the real gateway.
const present = (value) => value !== undefined && value !== '';

export function missingParameter(name) {
  return new GatewayError(
    400,
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );
}

export function invalidParameter(name, why, code = 'InvalidParameter') {
  return new GatewayError(400, code, `The specified parameter "${name}" is not valid: ${why}.`);
}

/** 1a. RPC is POST or GET. */
export function checkMethod(method) {
  if (method !== 'POST' && method !== 'GET') {
    throw new GatewayError(405, 'UnsupportedHTTPMethod', `The HTTP method ${method} is not supported; use POST or GET.`);
  }
}

/** 1b. The API lives at '/', or at the configured prefix with or without a trailing slash. */
export function checkPath(path, prefix) {
  const accepted = prefix ? [prefix, `${prefix}/`] : ['/'];
  if (!accepted.includes(path)) {
    throw new GatewayError(
      404,
      'InvalidApi.NotFound',
      `Specified api is not found, please check your url and method. (This emulator serves ${accepted.join(' and ')}, not ${path}.)`,
    );
  }
}

/** 3. Common parameters present and with the only values this API accepts. */
export function checkCommonParams(params) {
  for (const name of REQUIRED_COMMON) {
    if (!present(params[name])) throw missingParameter(name);
  }
  if (present(params.Format) && !/^(JSON|XML)$/i.test(params.Format)) {
    throw invalidParameter('Format', 'expected JSON or XML', 'InvalidParameter.Format');
  }
  if (params.Version !== API_VERSION) {
    throw new GatewayError(400, 'InvalidVersion', `Specified parameter Version "${params.Version}" is not valid; expected ${API_VERSION}.`);
  }
  if (params.SignatureMethod !== 'HMAC-SHA1') {
    throw new GatewayError(400, 'InvalidSignatureMethod', `Specified signature method "${params.SignatureMethod}" is not supported; expected HMAC-SHA1.`);
  }
  if (params.SignatureVersion !== '1.0') {
    throw new GatewayError(400, 'InvalidSignatureVersion', `Specified signature version "${params.SignatureVersion}" is not valid; expected 1.0.`);
  }
}

const TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;

/** Milliseconds since the epoch for an exact 'YYYY-MM-DDThh:mm:ssZ', else null (month 13, Feb 30, ...). */
export function parseTimestamp(text) {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrips ? date.getTime() : null;
}

/** 4. Timestamp well formed and within 15 minutes of the server clock, either way. */
export function checkTimestamp(timestamp, nowMs) {
  const ms = parseTimestamp(timestamp);
  if (ms === null) {
    throw new GatewayError(
      400,
      'InvalidTimeStamp.Format',
      `Specified time stamp or date value is not well formatted: expected YYYY-MM-DDThh:mm:ssZ, got "${timestamp}".`,
    );
  }
  if (Math.abs(ms - nowMs) > TIMESTAMP_TOLERANCE_MS) {
    throw new GatewayError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
}

/** 5. The AccessKeyId names a known account. `accounts` is a Map accessKeyId → account. */
export function findAccount(accessKeyId, accounts) {
  const account = accounts.get(accessKeyId);
  if (!account) throw new GatewayError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  return account;
}

/** 6. STS keys need their SecurityToken; long-term keys must not send one. */
export function checkSecurityToken(token, account) {
  if (account.securityToken !== undefined) {
    if (!present(token)) {
      throw new GatewayError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action: the access key is an STS temporary key.');
    }
    if (token !== account.securityToken) {
      throw new GatewayError(400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken does not match the access key.');
    }
  } else if (present(token)) {
    throw new GatewayError(400, 'InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed: the access key is not an STS temporary key.');
  }
}

/**
 * 6b. A temporary key with an expiry (one the STS or metadata stand-in issued,
 * or one given to addAccount) is refused from that instant on, by the server's
 * clock. Its token matched: only then does the gateway say "expired".
 */
export function checkAccountExpiry(account, nowMs) {
  if (account.expiresAt !== undefined && nowMs >= account.expiresAt) {
    throw new GatewayError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
  }
}

function sameText(a, b) {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** 7. Recompute the signature over every parameter but Signature. */
export function checkSignature(method, params, secret) {
  const expected = signRpc(method, params, secret);
  if (!sameText(expected, params.Signature)) {
    // The real gateway echoes its string to sign; a client must redact it
    // before logging, and the emulator sends it so that can be tested.
    throw new GatewayError(
      400,
      'SignatureDoesNotMatch',
      'Specified signature is not matched with our calculation. server string to sign is:' + rpcStringToSign(method, params),
    );
  }
}

/**
 * 8. Nonces seen in validly signed requests, per AccessKeyId, forgotten after
 * 15 minutes (by then the timestamp check refuses a replay anyway).
 */
export class NonceStore {
  #seen = new Map(); // accessKeyId → Map nonce → time recorded (ms)

  constructor(ttlMs = NONCE_TTL_MS) {
    this.ttlMs = ttlMs;
  }

  checkAndRecord(accessKeyId, nonce, nowMs) {
    let nonces = this.#seen.get(accessKeyId);
    if (!nonces) this.#seen.set(accessKeyId, (nonces = new Map()));
    for (const [old, at] of nonces) {
      if (Math.abs(nowMs - at) > this.ttlMs) nonces.delete(old);
    }
    if (nonces.has(nonce)) {
      throw new GatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    }
    nonces.set(nonce, nowMs);
  }
}

/** 9. The action is one of the table's. */
export function findOperation(action, operations) {
  const op = operations.get(action);
  if (!op) {
    throw new GatewayError(404, 'InvalidApi.NotFound', 'Specified api is not found, please check your url and method.');
  }
  return op;
}

function checkValue(param, value) {
  if (param.encoding === 'json-string') {
    let parsed;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidParameter(param.name, 'expected a JSON string');
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw invalidParameter(param.name, 'expected a JSON array or object');
    }
    if (param.type.endsWith('[]') && !Array.isArray(parsed)) {
      throw invalidParameter(param.name, 'expected a JSON array');
    }
    return;
  }
  if (param.type === 'number' && parseInt64(value) === null) {
    throw invalidParameter(param.name, 'expected a decimal integer within the int64 range');
  }
  if (param.type === 'boolean' && value !== 'true' && value !== 'false') {
    throw invalidParameter(param.name, 'expected true or false');
  }
  // 'string' takes any text.
}

/**
 * 10. The operation's own parameters. The real gateway ignores unknown names;
 * strict mode refuses them because an unknown name is almost always a client
 * bug (a misspelt or wrongly cased parameter).
 */
export function checkOperationParams(op, params, { strict = true } = {}) {
  if (strict) {
    const unknown = Object.keys(params)
      .filter((name) => !COMMON_PARAMS.has(name) && !op.params.has(name))
      .sort();
    if (unknown.length > 0) {
      throw invalidParameter(unknown[0], `${op.action} takes no parameter of that name`);
    }
  }
  for (const param of op.params.values()) {
    if (param.required && !present(params[param.name])) throw missingParameter(param.name);
  }
  for (const param of op.params.values()) {
    if (params[param.name] !== undefined) checkValue(param, params[param.name]);
  }
}

/**
 * Runs checks 3 to 10 (method, path and parameter decoding come before, in the
 * server). Returns { op, account } or throws the first GatewayError.
 */
export function runGatewayChecks({ method, params, nowMs, accounts, nonces, operations, strictParams = true }) {
  checkCommonParams(params);
  checkTimestamp(params.Timestamp, nowMs);
  const account = findAccount(params.AccessKeyId, accounts);
  checkSecurityToken(params.SecurityToken, account);
  checkAccountExpiry(account, nowMs);
  checkSignature(method, params, account.accessKeySecret);
  nonces.checkAndRecord(account.accessKeyId, params.SignatureNonce, nowMs);
  const op = findOperation(params.Action, operations);
  checkOperationParams(op, params, { strict: strictParams });
  return { op, account };
}

// --- V3 (ACS3-HMAC-SHA256) --------------------------------------------------------

/** A request is V3 when its Authorization header names an ACS3 algorithm. */
export function isV3Request(headers) {
  return /^ACS3-/i.test(String(headers.authorization ?? ''));
}

function incomplete(why) {
  return new GatewayError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards: ${why}.`);
}

/**
 * Splits `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
 * Lenient (never throws): the server records what it can even of a broken
 * header; `checkV3Authorization` says what is wrong with it.
 */
export function parseV3Authorization(value) {
  const text = String(value ?? '').trim();
  const space = text.indexOf(' ');
  const algorithm = space < 0 ? text : text.slice(0, space);
  const fields = {};
  for (const part of (space < 0 ? '' : text.slice(space + 1)).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { algorithm, credential: fields.Credential, signedHeaders: fields.SignedHeaders, signature: fields.Signature };
}

/** V3 step 1: the Authorization header is complete and names the one supported algorithm. */
export function checkV3Authorization(auth) {
  if (auth.algorithm !== V3_ALGORITHM) {
    throw new GatewayError(400, 'InvalidSignatureMethod', `Specified signature method "${auth.algorithm}" is not supported; expected ${V3_ALGORITHM}.`);
  }
  for (const [name, value] of [
    ['Credential', auth.credential],
    ['SignedHeaders', auth.signedHeaders],
    ['Signature', auth.signature],
  ]) {
    if (!present(value)) throw incomplete(`the Authorization header has no ${name}`);
  }
}

// Headers every V3 request must send, in the order a missing one is reported.
const V3_REQUIRED_HEADERS = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

/**
 * V3 step 2: the required headers are sent, and the signed ones cover host and
 * every x-acs-* header sent (an unsigned x-acs-security-token or nonce could be
 * swapped by anyone on the way). Returns the signed names, lower case, sorted.
 */
export function checkV3Headers(headers, auth) {
  for (const name of V3_REQUIRED_HEADERS) {
    if (!present(headers[name])) throw incomplete(`the ${name} header is missing`);
  }
  const signed = auth.signedHeaders.split(';').map((name) => name.trim().toLowerCase());
  if (signed.some((name) => name === '')) throw incomplete(`SignedHeaders "${auth.signedHeaders}" names an empty header`);
  if (new Set(signed).size !== signed.length) throw incomplete(`SignedHeaders "${auth.signedHeaders}" names a header twice`);
  for (const name of signed) {
    if (headers[name] === undefined) throw incomplete(`the signed header ${name} is not sent`);
  }
  const mustSign = Object.keys(headers).filter((name) => name === 'host' || name.startsWith('x-acs-'));
  for (const name of mustSign.sort()) {
    if (!signed.includes(name)) throw incomplete(`the ${name} header is sent but not signed (SignedHeaders must include host and every x-acs-* header)`);
  }
  return signed.sort();
}

/**
 * V3 step 3: recompute the signature over the canonical request: the query
 * parameters, the signed headers and the body's hash. The x-acs-content-sha256
 * header must be that hash: a body changed on the way fails here.
 */
export function checkV3Signature({ method, query, headers, signedHeaders, body, auth, secret }) {
  const payloadHash = sha256Hex(body);
  const canonicalRequest = v3CanonicalRequest({ method, query, headers, signedHeaders, payloadHash });
  const stringToSign = v3StringToSign(canonicalRequest);
  // The gateway echoes its calculation; a client must redact it (it holds the
  // AccessKeyId, the security token and every parameter) before logging.
  const echo = `server string to sign is:${stringToSign} server canonical request is:${canonicalRequest}`;
  if (String(headers['x-acs-content-sha256']).trim().toLowerCase() !== payloadHash) {
    throw new GatewayError(
      400,
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation: x-acs-content-sha256 is not the SHA-256 of the body. ${echo}`,
    );
  }
  const expected = hmacSha256Hex(secret, stringToSign);
  if (!sameText(expected, auth.signature.toLowerCase())) {
    throw new GatewayError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. ${echo}`);
  }
}

/**
 * The V3 counterpart of runGatewayChecks, in the same order where the checks
 * apply: Authorization and headers, Version, x-acs-date, key, STS token,
 * signature, nonce, action, operation parameters. `query` holds the query
 * string's parameters only (they are signed); `params` the operation's (query
 * and form body). Returns { op, account, action }.
 */
export function runV3GatewayChecks({ method, headers, query, params, body, nowMs, accounts, nonces, operations, strictParams = true }) {
  const auth = parseV3Authorization(headers.authorization);
  checkV3Authorization(auth);
  const signedHeaders = checkV3Headers(headers, auth);
  const version = headers['x-acs-version'];
  if (version !== API_VERSION) {
    throw new GatewayError(400, 'InvalidVersion', `Specified parameter Version "${version}" is not valid; expected ${API_VERSION}.`);
  }
  checkTimestamp(headers['x-acs-date'], nowMs);
  const account = findAccount(auth.credential, accounts);
  checkSecurityToken(headers['x-acs-security-token'], account);
  checkAccountExpiry(account, nowMs);
  checkV3Signature({ method, query, headers, signedHeaders, body, auth, secret: account.accessKeySecret });
  nonces.checkAndRecord(account.accessKeyId, headers['x-acs-signature-nonce'], nowMs);
  const action = headers['x-acs-action'];
  const op = findOperation(action, operations);
  checkOperationParams(op, params, { strict: strictParams });
  return { op, account, action };
}
