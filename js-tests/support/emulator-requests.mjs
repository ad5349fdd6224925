// Hand-built requests to the local DMS emulator, shared by js-tests/emulator.test.mjs and
// js-tests/emulator-faults.test.mjs: signing with the reference signer
// (emulator/signature.mjs), form encoding, sending, a per-test emulator, the assertions on
// its answers, and a child `node` process helper.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { percentEncode, signRpc } from '../../emulator/signature.mjs';
import { DEFAULT_ACCOUNTS, startEmulator } from '../../emulator/index.mjs';

/** The long-term key requests are signed with unless an account is given. */
const DEFAULT_ACCOUNT = DEFAULT_ACCOUNTS[0];

/** An upper-case UUID, as the emulator (like the gateway) writes RequestId. */
export const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

// --- building and signing ----------------------------------------------------

/** 'YYYY-MM-DDThh:mm:ssZ' for a time in ms. */
export function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
}

/** `enc(name)=enc(value)` pairs joined by `&`, in the order given (no sorting). */
export function formEncode(params) {
  return Object.entries(params)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

/**
 * Common + operation parameters, before signing. options: account (default: the first
 * default account; its securityToken, if any, is sent), nonce (default: a fresh UUID),
 * timestamp (the Timestamp text) or timeMs (a time to format; default: now),
 * overrides (set last), omit (names removed last).
 */
export function buildParams(action, opParams = {}, options = {}) {
  const account = options.account ?? DEFAULT_ACCOUNT;
  const params = {
    Action: action,
    Version: '2018-11-01',
    Format: 'JSON',
    AccessKeyId: account.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: options.nonce ?? randomUUID(),
    Timestamp: options.timestamp ?? isoSeconds(options.timeMs ?? Date.now()),
    ...opParams,
  };
  if (account.securityToken !== undefined) params.SecurityToken = account.securityToken;
  Object.assign(params, options.overrides ?? {});
  for (const name of options.omit ?? []) delete params[name];
  return params;
}

/**
 * buildParams, then Signature. Extra options: method (signed for; default POST), secret
 * (to sign with; default the account's). 'Signature' in omit removes it after signing;
 * the other names are removed before.
 */
export function signedParams(action, opParams = {}, options = {}) {
  const method = options.method ?? 'POST';
  const account = options.account ?? DEFAULT_ACCOUNT;
  const params = buildParams(action, opParams, { ...options, omit: (options.omit ?? []).filter((n) => n !== 'Signature') });
  params.Signature = signRpc(method, params, options.secret ?? account.accessKeySecret);
  if (options.omit?.includes('Signature')) delete params.Signature;
  return params;
}

// --- sending -------------------------------------------------------------------

/**
 * One HTTP request. `params` go in the query string of a GET and form-encoded in the body
 * otherwise (with a form Content-Type unless one is given); else `body` is sent as it is.
 * `signal` for timeouts. Resolves { status, headers, text, json (undefined if the body is
 * not JSON), params }, or rejects as fetch does.
 */
export async function send(url, { method = 'POST', params, body, headers = {}, signal } = {}) {
  let target = url;
  let payload = body;
  const allHeaders = { ...headers };
  if (params && method === 'GET') {
    target = `${url}?${formEncode(params)}`;
  } else if (params) {
    payload = formEncode(params);
    allHeaders['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  const res = await fetch(target, { method, body: payload, headers: allHeaders, signal });
  return { ...(await readAnswer(res)), params };
}

/** A response's status, headers, body text and, when the body is JSON, its value. */
export async function readAnswer(res) {
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs the parameters form-encoded; `signal` for timeouts. See send. */
export function post(url, params, { signal } = {}) {
  return send(url, { method: 'POST', params, signal });
}

/**
 * A signed request to `target.url` (an emulator, or any { url }). options: those of
 * signedParams, plus afterSign(params) (tamper with a copy of the signed parameters),
 * url (instead of target.url), signal. Resolves send's answer with the params sent.
 */
export async function call(target, action, opParams = {}, options = {}) {
  const method = options.method ?? 'POST';
  const params = signedParams(action, opParams, options);
  const sent = options.afterSign ? options.afterSign({ ...params }) : params;
  const res = await send(options.url ?? target.url, { method, params: sent, signal: options.signal });
  return { ...res, params: sent };
}

// --- the emulator ---------------------------------------------------------------

/**
 * Starts an emulator with `options`, runs fn(emu), and closes it whatever happens. These
 * are the tests of the instance model, so that is the model unless `options` names one
 * (the emulator's own default is the full model).
 */
export async function withEmulator(options, fn) {
  const emu = await startEmulator({ model: 'instances', ...options });
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

// --- assertions -------------------------------------------------------------------

/**
 * A gateway error answer: the HTTP status, a JSON body with Code, an upper-case RequestId,
 * HostId and Message, the JSON content type and a Date header. options add checks:
 * recommend (the Recommend troubleshooting URL for `code`), requestIdHeader (an
 * x-acs-request-id header equal to the body's RequestId).
 */
export function assertGateway(res, status, code, { recommend = false, requestIdHeader = false } = {}) {
  assert.equal(res.status, status, `expected HTTP ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.ok(res.json, `a JSON body, got ${res.text}`);
  assert.equal(res.json.Code, code, res.text);
  assert.match(res.json.RequestId, REQUEST_ID);
  assert.equal(res.json.HostId, 'dms-enterprise.aliyuncs.com');
  assert.equal(typeof res.json.Message, 'string');
  if (recommend) {
    assert.equal(res.json.Recommend, `https://api.aliyun.com/troubleshoot?q=${code}&product=dms-enterprise`);
  }
  assert.equal(res.headers.get('content-type'), 'application/json;charset=utf-8');
  if (requestIdHeader) assert.equal(res.headers.get('x-acs-request-id'), res.json.RequestId);
  assert.ok(res.headers.get('date'));
}

/**
 * HTTP 200 with Success true. With `envelope`, also the rest of a successful business
 * answer: empty ErrorCode and ErrorMessage and an upper-case RequestId.
 */
export function assertSuccess(res, { envelope = false } = {}) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json?.Success, true, res.text);
  if (envelope) {
    assert.equal(res.json.ErrorCode, '');
    assert.equal(res.json.ErrorMessage, '');
    assert.match(res.json.RequestId, REQUEST_ID);
  }
}

// --- child processes ------------------------------------------------------------------

/**
 * Runs `node ...args` (stdin ignored, output collected; `env` replaces the environment). Resolves { code, stdout, stderr,
 * elapsed (ms) } when it exits; kills it and rejects if it has not within timeoutMs.
 */
export function runNode(args, timeoutMs, env = process.env) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsed: Date.now() - started });
    });
  });
}
