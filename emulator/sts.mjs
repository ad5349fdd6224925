// A local stand-in for Alibaba Cloud STS (2015-04-01, https://sts.aliyuncs.com):
// AssumeRole (V1-signed, checked like the DMS emulator checks requests) and
// AssumeRoleWithOIDC (unsigned). Every credential it issues is registered with
// the DMS emulator it was started for, so a credentials chain under test can
// fetch temporary keys here and use them there, until they expire.
//
// Also the plumbing the metadata stand-in (metadata.mjs) shares: the small HTTP
// server with its request records and failNext/hangNext queue, and issuing.
//
// Binds to 127.0.0.1 only. Node built-ins only. Never logs a secret.

import http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import {
  GatewayError,
  NonceStore,
  checkAccountExpiry,
  checkMethod,
  checkPath,
  checkSecurityToken,
  checkSignature,
  checkTimestamp,
  findAccount,
  invalidParameter,
  missingParameter,
} from './checks.mjs';
import { collectParams, splitRequestTarget } from './form.mjs';
import { newRequestId, toJson } from './responses.mjs';

const HOST = '127.0.0.1';
const STS_VERSION = '2015-04-01';
const STS_HOST_ID = 'sts.aliyuncs.com';
const JSON_TYPE = 'application/json;charset=utf-8';
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The role the stand-ins issue credentials for by default: the ECS instance's
 * RAM role name, an ARN to pass to AssumeRole / AssumeRoleWithOIDC, the OIDC
 * provider ARN and the OIDC token the STS stand-in accepts by default.
 */
export const DEFAULT_ROLE = Object.freeze({
  accountId: '1234567890123456',
  roleName: 'EmulatorEcsRole',
  roleArn: 'acs:ram::1234567890123456:role/EmulatorEcsRole',
  oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/EmulatorOidcProvider',
  oidcToken: 'emulator-oidc-token',
});

const ROLE_ARN = /^acs:ram::([0-9]+):role\/([A-Za-z0-9._-]{1,64})$/;
const OIDC_PROVIDER_ARN = /^acs:ram::[0-9]+:oidc-provider\/[A-Za-z0-9._-]{1,128}$/;
const SESSION_NAME = /^[A-Za-z0-9._@-]{2,64}$/;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const present = (value) => value !== undefined && value !== '';

function randomText(length, alphabet = ALNUM) {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 'YYYY-MM-DDThh:mm:ssZ' (whole seconds, rounded down), as STS writes Expiration. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * The stand-in's clock: `now` if given, else the DMS emulator's (so a test that
 * moves the emulator clock moves expiry with it). A broken clock reads as real time.
 * @internal shared with metadata.mjs
 */
export function standInClock(emu, now) {
  if (emu === null || typeof emu !== 'object' || typeof emu.addAccount !== 'function') {
    throw new TypeError('a stand-in needs the DMS emulator it issues credentials for (startEmulator())');
  }
  if (now !== undefined && typeof now !== 'function') throw new TypeError('now must be a function returning milliseconds');
  const source = now ?? (typeof emu.now === 'function' ? () => emu.now() : Date.now);
  return () => {
    try {
      const value = Number(source());
      return Number.isFinite(value) ? value : Date.now();
    } catch {
      return Date.now();
    }
  };
}

/**
 * New temporary credentials valid `durationSeconds` from `nowMs`, registered
 * with the DMS emulator `emu` to expire at their Expiration. Secrets come from
 * crypto.randomBytes; the token has '+', '/' and '=' like a real one, so a
 * client that forgets to percent-encode it fails its signature.
 * @internal shared with metadata.mjs
 */
export function issueCredentials(emu, nowMs, durationSeconds) {
  const expiration = isoSeconds(nowMs + durationSeconds * 1000);
  const credentials = {
    AccessKeyId: `STS.${randomText(25)}`,
    AccessKeySecret: randomBytes(33).toString('base64url').replace(/[-_]/g, 'x'),
    SecurityToken: `CAIS${randomBytes(150).toString('base64')}`,
    Expiration: expiration,
  };
  emu.addAccount({
    accessKeyId: credentials.AccessKeyId,
    accessKeySecret: credentials.AccessKeySecret,
    securityToken: credentials.SecurityToken,
    expiresAt: Date.parse(expiration),
  });
  return credentials;
}

function checkPort(port) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, not ${port}`);
  return port;
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? { tooLarge: true } : { body: Buffer.concat(chunks) }));
    // Whichever comes first wins: 'close' after 'end' changes nothing.
    req.on('error', () => resolve({ aborted: true }));
    req.on('close', () => resolve({ aborted: true }));
  });
}

/**
 * The HTTP server both stand-ins run on. `inspect(ctx)` fills the record
 * (action, params, ...) and must not throw; `answer(ctx)` returns
 * { status, body, headers, outcome }. A failNext/hangNext queued answer
 * replaces `answer` (the request is still read and inspected). ctx: { req,
 * method, path, query, read, record }.
 * @internal shared with metadata.mjs
 */
export async function startStandIn({ port = 0, log = null, now, inspect, answer }) {
  const requests = [];
  const queue = []; // failNext / hangNext, in order: { kind: 'raw', status, body, headers } | { kind: 'hang' }
  const hanging = new Set();
  const writeLog = typeof log === 'function' ? log : () => {};

  function send(res, record, { status, body = '', headers = {}, outcome }) {
    record.status = status;
    record.outcome = outcome;
    const bytes = Buffer.from(body, 'utf8');
    // Lower-cased, so a caller's 'content-type' replaces the default instead of doubling it.
    const all = { date: new Date(now()).toUTCString(), 'content-type': JSON_TYPE };
    for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = value;
    all['content-length'] = bytes.length;
    res.writeHead(status, all);
    res.end(bytes);
    writeLog(`${record.method} ${record.path} ${record.action ?? '-'} -> ${status} ${outcome}`);
  }

  async function handle(req, res) {
    const { path, query } = splitRequestTarget(req.url);
    const record = { method: req.method, path, action: null, params: {}, at: now(), status: null, outcome: null };
    requests.push(record);
    const queued = queue.shift(); // chosen on arrival: queued answers follow the order of `requests`
    const read = await readBody(req);
    const ctx = { req, method: req.method, path, query, read, record };
    inspect(ctx);
    if (queued?.kind === 'hang') {
      // Read, never answered: the socket stays open until the client gives up or close().
      record.outcome = 'hang';
      hanging.add(req.socket);
      req.socket.once('close', () => hanging.delete(req.socket));
      writeLog(`${record.method} ${record.path} ${record.action ?? '-'} -> no answer (hangNext)`);
      return;
    }
    if (queued?.kind === 'raw') {
      const text = typeof queued.body === 'string' ? queued.body : toJson(queued.body);
      const type = typeof queued.body === 'string' ? 'text/plain;charset=utf-8' : JSON_TYPE;
      send(res, record, { status: queued.status, body: text, headers: { 'Content-Type': type, ...queued.headers }, outcome: 'failNext' });
      return;
    }
    send(res, record, answer(ctx));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      writeLog(`stand-in bug: ${error?.stack ?? error}`);
      if (!res.headersSent) res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: checkPort(port), host: HOST }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing = null;
  return {
    port: server.address().port,
    requests,
    failNext(response = {}) {
      if (response === null || typeof response !== 'object') throw new TypeError('failNext needs { status, body, headers }');
      const { status = 500, body = '', headers = {} } = response;
      if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`failNext: status must be 100-599, not ${status}`);
      if (headers === null || typeof headers !== 'object') throw new TypeError('failNext: headers must be an object');
      queue.push({ kind: 'raw', status, body, headers: { ...headers } });
    },
    hangNext() {
      queue.push({ kind: 'hang' });
    },
    close() {
      closing ??= new Promise((resolve) => {
        for (const socket of hanging) socket.destroy();
        hanging.clear();
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would hold close() open
      });
      return closing;
    },
  };
}

// --- STS ---------------------------------------------------------------------------

function stsErrorBody(requestId, code, message) {
  return {
    RequestId: requestId,
    HostId: STS_HOST_ID,
    Code: code,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Sts`,
  };
}


const wronglyFormed = (name) => new GatewayError(400, `InvalidParameter.${name}`, `The parameter ${name} is wrongly formed.`);

function checkRoleArn(params) {
  if (!present(params.RoleArn)) throw missingParameter('RoleArn');
  const match = ROLE_ARN.exec(params.RoleArn);
  if (!match) throw wronglyFormed('RoleArn');
  return { accountId: match[1], roleName: match[2] };
}

function checkSessionName(params, required) {
  if (!present(params.RoleSessionName)) {
    if (required) throw missingParameter('RoleSessionName');
    return `emulator-session-${randomText(8)}`;
  }
  if (!SESSION_NAME.test(params.RoleSessionName)) throw wronglyFormed('RoleSessionName');
  return params.RoleSessionName;
}

function checkDuration(params) {
  if (!present(params.DurationSeconds)) return 3600;
  const seconds = /^[0-9]{1,6}$/.test(params.DurationSeconds) ? Number(params.DurationSeconds) : NaN;
  if (!(seconds >= 900 && seconds <= 43200)) {
    throw new GatewayError(400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/12hr.');
  }
  return seconds;
}

function checkPolicy(params) {
  if (params.Policy === undefined) return;
  let policy;
  try {
    policy = JSON.parse(params.Policy);
  } catch {
    policy = null;
  }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new GatewayError(400, 'InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.');
  }
}

/** AssumeRole's signature, checked as the DMS emulator checks a V1 request, against its accounts. */
function checkAssumeRoleSignature(method, params, nowMs, emu, nonces) {
  for (const name of ['AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']) {
    if (!present(params[name])) throw missingParameter(name);
  }
  if (params.SignatureMethod !== 'HMAC-SHA1') {
    throw new GatewayError(400, 'InvalidSignatureMethod', `Specified signature method "${params.SignatureMethod}" is not supported; expected HMAC-SHA1.`);
  }
  if (params.SignatureVersion !== '1.0') {
    throw new GatewayError(400, 'InvalidSignatureVersion', `Specified signature version "${params.SignatureVersion}" is not valid; expected 1.0.`);
  }
  checkTimestamp(params.Timestamp, nowMs);
  const account = findAccount(params.AccessKeyId, new Map(emu.accounts.map((a) => [a.accessKeyId, a])));
  checkSecurityToken(params.SecurityToken, account);
  checkAccountExpiry(account, nowMs);
  checkSignature(method, params, account.accessKeySecret);
  nonces.checkAndRecord(account.accessKeyId, params.SignatureNonce, nowMs);
}

/**
 * Starts the STS stand-in for the DMS emulator `emu`.
 *
 * POST (or GET) `/` with Version=2015-04-01, Format=JSON and Action
 * AssumeRole (V1-signed with one of `emu`'s accounts: timestamp window, nonce
 * reuse, STS token and expiry checked as `emu` does) or AssumeRoleWithOIDC
 * (unsigned; OIDCToken must be one of `oidcTokens`). Issued credentials are
 * added to `emu` (emu.addAccount) and expire at their Expiration.
 *
 * @param {object} emu the DMS emulator (startEmulator()) whose accounts sign AssumeRole and which accepts what is issued
 * @param {object} [options]
 * @param {number} [options.port=0] port on 127.0.0.1 (0: a free one)
 * @param {() => number} [options.now] clock in ms (default: the emulator's, emu.now())
 * @param {string[]} [options.oidcTokens=['emulator-oidc-token']] OIDC tokens AssumeRoleWithOIDC accepts
 * @param {((line: string) => void) | null} [options.log] one line per request (never a secret)
 * @returns {Promise<{ url: string, port: number, requests: object[], issued: object[],
 *   failNext(response?: { status?: number, body?: string | object, headers?: object }): void,
 *   hangNext(): void, close(): Promise<void> }>}
 */
export async function startStsStandIn(emu, options = {}) {
  const { port = 0, now: nowOption, oidcTokens = [DEFAULT_ROLE.oidcToken], log = null } = options;
  const now = standInClock(emu, nowOption);
  if (!Array.isArray(oidcTokens) || oidcTokens.some((token) => typeof token !== 'string' || token === '')) {
    throw new TypeError('oidcTokens must be an array of non-empty strings');
  }
  const acceptedTokens = new Set(oidcTokens);
  const nonces = new NonceStore(); // STS's own: a nonce used at DMS may be used here
  const issued = [];

  function issue(nowMs, { roleArn, accountId, roleName, sessionName, durationSeconds, via }) {
    const credentials = issueCredentials(emu, nowMs, durationSeconds);
    issued.push({ accessKeyId: credentials.AccessKeyId, expiration: credentials.Expiration, via, roleArn });
    return {
      RequestId: newRequestId(),
      AssumedRoleUser: {
        Arn: `acs:ram::${accountId}:role/${roleName.toLowerCase()}/${sessionName}`,
        AssumedRoleId: `${randomText(18, '0123456789')}:${sessionName}`,
      },
      Credentials: credentials,
    };
  }

  const actions = {
    AssumeRole(params, method, nowMs) {
      checkAssumeRoleSignature(method, params, nowMs, emu, nonces);
      const role = checkRoleArn(params);
      const sessionName = checkSessionName(params, true);
      const durationSeconds = checkDuration(params);
      checkPolicy(params);
      return issue(nowMs, { ...role, roleArn: params.RoleArn, sessionName, durationSeconds, via: 'AssumeRole' });
    },
    AssumeRoleWithOIDC(params, method, nowMs) {
      // Not signed: AccessKeyId, Signature and the like are ignored if sent.
      const role = checkRoleArn(params);
      if (!present(params.OIDCProviderArn)) throw missingParameter('OIDCProviderArn');
      if (!OIDC_PROVIDER_ARN.test(params.OIDCProviderArn)) throw wronglyFormed('OIDCProviderArn');
      if (!present(params.OIDCToken)) throw new GatewayError(401, 'AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.');
      if (!acceptedTokens.has(params.OIDCToken)) {
        throw new GatewayError(401, 'AuthenticationFail.OIDCToken.Invalid', 'The Jwt content is invalid that cannot be recognized.');
      }
      const sessionName = checkSessionName(params, false);
      const durationSeconds = checkDuration(params);
      checkPolicy(params);
      const body = issue(nowMs, { ...role, roleArn: params.RoleArn, sessionName, durationSeconds, via: 'AssumeRoleWithOIDC' });
      body.OIDCTokenInfo = {
        Subject: 'system:serviceaccount:emulator:default',
        Issuer: 'https://oidc.emulator.invalid',
        ClientIds: 'sts.aliyuncs.com',
        IssuanceTime: isoSeconds(nowMs),
        ExpirationTime: body.Credentials.Expiration,
      };
      return body;
    },
  };

  const standIn = await startStandIn({
    port,
    log,
    now,
    inspect(ctx) {
      try {
        ctx.params = collectParams(ctx.method, ctx.req.headers, ctx.query, ctx.read, MAX_BODY_BYTES).params;
        ctx.record.params = ctx.params;
        ctx.record.action = ctx.params.Action ?? null;
      } catch (error) {
        ctx.paramError = error; // answered after method and path, as the gateway orders it
      }
    },
    answer({ method, path, params, paramError, record }) {
      try {
        checkMethod(method);
        checkPath(path, '');
        if (paramError) throw paramError;
        if (!present(params.Action)) throw missingParameter('Action');
        if (!present(params.Version)) throw missingParameter('Version');
        if (params.Version !== STS_VERSION) {
          throw new GatewayError(400, 'InvalidVersion', `Specified parameter Version "${params.Version}" is not valid; expected ${STS_VERSION}.`);
        }
        if (!present(params.Format)) throw missingParameter('Format');
        if (!/^JSON$/i.test(params.Format)) throw invalidParameter('Format', 'the STS stand-in answers JSON only', 'InvalidParameter.Format');
        if (!Object.hasOwn(actions, params.Action)) {
          throw new GatewayError(404, 'InvalidApi.NotFound', 'Specified api is not found, please check your url and method.');
        }
        const body = actions[params.Action](params, method, record.at);
        return { status: 200, body: toJson(body), headers: { 'x-acs-request-id': body.RequestId }, outcome: 'ok' };
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        const requestId = newRequestId();
        return {
          status: error.status,
          body: toJson(stsErrorBody(requestId, error.code, error.message)),
          headers: { 'x-acs-request-id': requestId },
          outcome: error.code,
        };
      }
    },
  });

  return {
    /** `http://127.0.0.1:<port>/`: the endpoint to use instead of https://sts.aliyuncs.com. */
    url: `http://${HOST}:${standIn.port}/`,
    port: standIn.port,
    /** One record per request: { method, path, action, params (query and body merged), at (ms), status, outcome ('ok', a Code, 'failNext', 'hang') }. */
    requests: standIn.requests,
    /** What was issued: { accessKeyId, expiration, via, roleArn } (no secrets). */
    issued,
    /** The next request (not yet arrived) gets exactly this answer: { status = 500, body = '', headers }. */
    failNext: standIn.failNext,
    /** The next request is read and never answered (until close()). */
    hangNext: standIn.hangNext,
    close: standIn.close,
  };
}
