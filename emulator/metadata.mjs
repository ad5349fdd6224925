// A local stand-in for the ECS instance metadata service (http://100.100.100.200)
// as the vendor's credential libraries call it for an instance's RAM role, and
// for a credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI). Every credential it
// hands out is registered with the DMS emulator it was started for.
//
// Binds to 127.0.0.1 only. Node built-ins only. Never logs a secret.

import { randomBytes } from 'node:crypto';
import { DEFAULT_ROLE, isoSeconds, issueCredentials, standInClock, startStandIn } from './sts.mjs';

const HOST = '127.0.0.1';
const TEXT_TYPE = 'text/plain;charset=utf-8';
const TOKEN_PATH = '/latest/api/token';
const ROLES_PATH = '/latest/meta-data/ram/security-credentials/';
const CREDENTIALS_URI_PATH = '/credentials';
const TTL_HEADER = 'x-aliyun-ecs-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aliyun-ecs-metadata-token';
const MAX_TOKEN_TTL_SECONDS = 21600;
const ROLE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

// Plain-text refusals, as the metadata service answers (not the API gateway's JSON).
const REFUSALS = {
  400: 'BadRequest',
  401: 'Unauthorized',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  413: 'RequestEntityTooLarge',
};
const refuse = (status) => ({ status, body: `${status} - ${REFUSALS[status]}\n`, headers: { 'Content-Type': TEXT_TYPE }, outcome: REFUSALS[status] });

/** Which endpoint a path is, for the request record. */
function endpointOf(path) {
  if (path === TOKEN_PATH) return 'token';
  if (path === CREDENTIALS_URI_PATH) return 'credentials-uri';
  if (path === ROLES_PATH || path === ROLES_PATH.slice(0, -1)) return 'roles';
  if (path.startsWith(ROLES_PATH)) return 'role-credentials';
  return null;
}

/**
 * Starts the metadata stand-in for the DMS emulator `emu`.
 *
 * - `PUT /latest/api/token` with `x-aliyun-ecs-metadata-token-ttl-seconds:
 *   1..21600`: a new session token (text); a missing or bad TTL is 400.
 * - `GET /latest/meta-data/ram/security-credentials/`: the role name (text);
 *   `.../<roleName>`: `{ Code: 'Success', AccessKeyId, AccessKeySecret,
 *   SecurityToken, Expiration, LastUpdated }`, valid `durationSeconds`; another
 *   name is 404. A GET under /latest/meta-data/ with `x-aliyun-ecs-metadata-token`
 *   needs a token issued here and not expired (else 401); without it, 401
 *   unless `imdsv1`.
 * - `GET /credentials` (a credentials URI): `{ Code: 'Success', AccessKeyId,
 *   AccessKeySecret, SecurityToken, Expiration }`; no metadata token involved.
 *
 * Every GET of credentials issues new ones, registered with `emu` to expire at
 * their Expiration.
 *
 * @param {object} emu the DMS emulator (startEmulator()) that accepts what is issued
 * @param {object} [options]
 * @param {number} [options.port=0] port on 127.0.0.1 (0: a free one)
 * @param {() => number} [options.now] clock in ms (default: the emulator's, emu.now())
 * @param {string} [options.roleName='EmulatorEcsRole'] the instance's RAM role
 * @param {boolean} [options.imdsv1=true] answer metadata GETs sent without a token
 * @param {number} [options.durationSeconds=21600] lifetime of issued credentials (1-43200)
 * @param {((line: string) => void) | null} [options.log] one line per request (never a secret)
 * @returns {Promise<{ url: string, credentialsUri: string, port: number, requests: object[], issued: object[],
 *   failNext(response?: { status?: number, body?: string | object, headers?: object }): void,
 *   hangNext(): void, close(): Promise<void> }>}
 */
export async function startMetadataStandIn(emu, options = {}) {
  const {
    port = 0,
    now: nowOption,
    roleName = DEFAULT_ROLE.roleName,
    imdsv1 = true,
    durationSeconds = 21600,
    log = null,
  } = options;
  const now = standInClock(emu, nowOption);
  if (typeof roleName !== 'string' || !ROLE_NAME.test(roleName)) throw new TypeError(`roleName must be a RAM role name, not ${JSON.stringify(roleName)}`);
  if (typeof imdsv1 !== 'boolean') throw new TypeError('imdsv1 must be true or false');
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > 43200) {
    throw new RangeError(`durationSeconds must be an integer from 1 to 43200, not ${durationSeconds}`);
  }
  const roleArn = `acs:ram::${DEFAULT_ROLE.accountId}:role/${roleName}`;
  const tokens = new Map(); // session token → expiry (ms, by `now`)
  const issued = [];

  function credentialsAnswer(nowMs, via, extra) {
    const credentials = issueCredentials(emu, nowMs, durationSeconds);
    issued.push({ accessKeyId: credentials.AccessKeyId, expiration: credentials.Expiration, via, roleArn });
    return { status: 200, body: JSON.stringify({ Code: 'Success', ...credentials, ...extra }), outcome: 'ok' };
  }

  function answer({ req, method, path, read, record }) {
    const endpoint = record.action;
    if (read.tooLarge) return refuse(413);
    if (endpoint === 'token') {
      if (method !== 'PUT') return refuse(405);
      const ttl = String(req.headers[TTL_HEADER] ?? '');
      const seconds = /^[0-9]{1,5}$/.test(ttl) ? Number(ttl) : NaN;
      if (!(seconds >= 1 && seconds <= MAX_TOKEN_TTL_SECONDS)) return refuse(400);
      const token = randomBytes(32).toString('base64');
      tokens.set(token, record.at + seconds * 1000);
      return { status: 200, body: token, headers: { 'Content-Type': TEXT_TYPE, [TTL_HEADER]: String(seconds) }, outcome: 'ok' };
    }
    if (method !== 'GET') return refuse(405);
    if (endpoint === 'credentials-uri') return credentialsAnswer(record.at, 'CredentialsUri', {});
    if (endpoint === null) return refuse(404);
    // The metadata paths: a token sent must be good; none is IMDSv1, answered only if allowed.
    const token = req.headers[TOKEN_HEADER];
    if (token !== undefined ? !(tokens.get(token) > record.at) : !imdsv1) return refuse(401);
    if (endpoint === 'roles') return { status: 200, body: roleName, headers: { 'Content-Type': TEXT_TYPE }, outcome: 'ok' };
    if (path.slice(ROLES_PATH.length) !== roleName) return refuse(404);
    // The real service sends this JSON as text/plain; a client must not insist on a JSON type.
    return { ...credentialsAnswer(record.at, 'EcsRamRole', { LastUpdated: isoSeconds(record.at) }), headers: { 'Content-Type': TEXT_TYPE } };
  }

  const standIn = await startStandIn({
    port,
    log,
    now,
    inspect({ req, path, query, record }) {
      record.action = endpointOf(path);
      record.params = Object.fromEntries(new URLSearchParams(query));
      record.tokenSent = req.headers[TOKEN_HEADER] !== undefined; // the token itself is not kept
    },
    answer,
  });
  const url = `http://${HOST}:${standIn.port}`;

  return {
    /** `http://127.0.0.1:<port>`: the metadata service's root, instead of http://100.100.100.200. */
    url,
    /** `${url}/credentials`: a credentials URI endpoint (ALIBABA_CLOUD_CREDENTIALS_URI). */
    credentialsUri: `${url}${CREDENTIALS_URI_PATH}`,
    port: standIn.port,
    /**
     * One record per request: { method, path, action ('token', 'roles', 'role-credentials',
     * 'credentials-uri' or null), params (query), tokenSent, at (ms), status, outcome ('ok',
     * 'BadRequest', 'Unauthorized', 'NotFound', 'MethodNotAllowed', 'failNext', 'hang') }.
     */
    requests: standIn.requests,
    /** What was issued: { accessKeyId, expiration, via ('EcsRamRole' | 'CredentialsUri'), roleArn } (no secrets). */
    issued,
    /** The next request (not yet arrived) gets exactly this answer: { status = 500, body = '', headers }. */
    failNext: standIn.failNext,
    /** The next request is read and never answered (until close()). */
    hangNext: standIn.hangNext,
    close: standIn.close,
  };
}
