// Assertions shared by the package tests.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/** 'YYYY-MM-DDThh:mm:ssZ', what the RPC Timestamp parameter must look like. */
export const TIMESTAMP_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
/** The package's nonces: 128 random bits as 32 lower-case hex digits. */
export const NONCE_RE = /^[0-9a-f]{32}$/;
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Checks that `error` is a DmsError of the module instance that produced it, with the
 * expected fields. `expected`: { code, status ('absent' for none), retryable, requestId,
 * message, messageStartsWith, messageIncludes: [] }.
 */
export function assertDmsError(error, DmsError, expected = {}) {
  assert.ok(error instanceof DmsError, `expected a DmsError, got ${inspect(error)}`);
  assert.ok(error instanceof Error, 'a DmsError is an Error');
  assert.equal(error.name, 'DmsError');
  if (expected.code !== undefined) assert.equal(error.code, expected.code, `code of: ${error.message}`);
  if (expected.status === 'absent') {
    assert.equal(error.status, undefined, 'no status when nothing was answered');
    assert.ok(!Object.hasOwn(error, 'status'), 'no own status property when nothing was answered');
  } else if (expected.status !== undefined) {
    assert.equal(error.status, expected.status);
  }
  if (expected.retryable !== undefined) assert.equal(error.retryable, expected.retryable);
  if (expected.requestId !== undefined) assert.equal(error.requestId, expected.requestId);
  if (expected.message !== undefined) assert.equal(error.message, expected.message);
  if (expected.messageStartsWith !== undefined) {
    assert.ok(
      error.message.startsWith(expected.messageStartsWith),
      `message should start with ${JSON.stringify(expected.messageStartsWith)}: ${JSON.stringify(error.message)}`,
    );
  }
  for (const part of expected.messageIncludes ?? []) {
    assert.ok(error.message.includes(part), `message should include ${JSON.stringify(part)}: ${JSON.stringify(error.message)}`);
  }
  assert.equal(typeof error.retryable, 'boolean', 'retryable is a boolean');
  return true;
}

/** Fails when any of `secrets` occurs in `text`. */
export function assertNoSecrets(text, secrets, label = 'text') {
  for (const secret of secrets) {
    assert.ok(!String(text).includes(secret), `${label} leaks ${JSON.stringify(secret)}: ${text}`);
  }
}

/** Everything a user might print about an error. */
export function errorRenderings(error) {
  return {
    message: error.message,
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: 5 }),
    string: String(error),
    stack: String(error.stack),
  };
}

/**
 * Checks one request the package sent (a fetch-spy call): URL, fetch init (method, one
 * content-type header, body; no mode/cache/credentials), parameters in canonical order
 * with Signature last, common parameters, and the signature recomputed by the reference
 * signer.
 */
export function assertWellFormedCall(call, { url, accessKeyId, action, securityToken } = {}) {
  if (url !== undefined) assert.equal(call.url, url);
  for (const key of ['method', 'headers', 'body']) assert.ok(call.initKeys.includes(key), `fetch init sets ${key}`);
  // Left to the runtime: setting them would change browser behaviour (CORS, caching, cookies).
  for (const key of ['mode', 'cache', 'credentials']) {
    assert.ok(!(key in call.init), `fetch init must not set ${key}`);
  }
  assert.equal(call.init.method, 'POST');
  const headers = call.init.headers;
  const headerEntries = headers instanceof Headers ? [...headers] : Object.entries(headers ?? {});
  assert.deepEqual(headerEntries, [['content-type', FORM_TYPE]], 'the only header is content-type');
  assert.equal(typeof call.body, 'string', 'the body is a string');

  const names = call.order;
  assert.equal(names.at(-1), 'Signature', 'Signature comes last');
  const signed = names.slice(0, -1);
  const sorted = [...signed].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(signed, sorted, 'parameters are in canonical (byte-wise sorted) order');

  const p = call.params;
  assert.equal(p.Format, 'JSON');
  assert.equal(p.Version, '2018-11-01');
  assert.equal(p.SignatureMethod, 'HMAC-SHA1');
  assert.equal(p.SignatureVersion, '1.0');
  assert.match(p.Timestamp, TIMESTAMP_RE);
  assert.match(p.SignatureNonce, NONCE_RE);
  if (accessKeyId !== undefined) assert.equal(p.AccessKeyId, accessKeyId);
  if (action !== undefined) assert.equal(p.Action, action);
  if (securityToken !== undefined) assert.equal(p.SecurityToken, securityToken);
  else assert.ok(!('SecurityToken' in p), 'no SecurityToken without STS credentials');
  assert.equal(call.signatureValid, true, `signature ${p.Signature} should be ${call.expectedSignature} (reference signer)`);
}
