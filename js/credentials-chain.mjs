// The vendor's default credentials chain, for Node: where a DmsClient given no credentials
// (and the one-shot functions, and the CLI) finds them, in the order of the vendor's own
// libraries (@alicloud/credentials 2.4, src/providers/default.ts; the same in Go and Python):
//
//   1. the environment: ALIBABA_CLOUD_ACCESS_KEY_ID, _SECRET, ALIBABA_CLOUD_SECURITY_TOKEN
//   2. an OIDC role (RRSA): ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE → STS
//      AssumeRoleWithOIDC, the token file read again at each refresh
//   3. the aliyun CLI's ~/.aliyun/config.json: ALIBABA_CLOUD_PROFILE, else its `current`
//   4. the credentials file ~/.alibabacloud/credentials (or ALIBABA_CLOUD_CREDENTIALS_FILE)
//   5. the ECS RAM role, from the instance metadata service (IMDSv2 token first)
//   6. a credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI
//
// The chain is a `credentials` function for the wasm client, which caches what it returns
// until a minute before `expiration` and asks once for any number of concurrent calls. The
// first source that gives credentials is the one asked at every refresh, as the vendor's
// chain does. Calls to STS are RPC calls signed by the same core (`__signRpcPost`). Errors
// name sources, files, variables, HTTP statuses and error codes, never a value read.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseIni } from 'ini';

const STS_VERSION = '2015-04-01';
const STS_TIMEOUT_MS = 10_000;
const METADATA_TIMEOUT_MS = 1_000;
const METADATA_TOKEN_TTL_SECONDS = '21600';
const DEFAULT_METADATA_ENDPOINT = 'http://100.100.100.200';
const DEFAULT_DURATION_SECONDS = 3600;
const SUPPORTED_CLI_MODES = ['AK', 'StsToken', 'RamRoleArn', 'EcsRamRole'];
const SUPPORTED_FILE_TYPES = ['access_key', 'ecs_ram_role', 'ram_role_arn'];

/** Marks the chain's own "found nothing" error, whose message the client shows as its own (js/client.mjs). */
const CHAIN_ERROR = Symbol.for('dms-taskflow.credentials-chain');
/** Temporary credentials are given again until this long before they expire. */
const REUSE_MARGIN_MS = 5 * 60_000;

/** A failure of one source: its message says why, without any value it read. */
class SourceError extends Error {}

const isTrue = (value) => typeof value === 'string' && value.toLowerCase() === 'true';
const set = (value) => typeof value === 'string' && value !== '';

/**
 * The chain as a `credentials` function. `signRpcPost` is the wasm's signer; `fetch` the
 * client's (or the global one, looked up at each request); `env` and `home` are read at each
 * call, so a test (or a process) may set them after the client was made.
 */
export function defaultCredentialsChain({ signRpcPost, fetch, env = process.env, home = homedir } = {}) {
  const http = (url, init, timeoutMs) => {
    const send = fetch ?? globalThis.fetch;
    return send(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  };
  const context = { env, http, signRpcPost, home: () => home() };
  let used; // the source that gave credentials, asked again at every refresh
  let last; // the last temporary credentials, given again while fresh (the one-shot functions share a chain)

  // Concurrent calls of one client share one lookup already (the wasm's provider cache); the
  // chain does not share a lookup in flight itself, so one that hangs cannot hold later ones.
  const chain = async () => {
    if (last !== undefined && Date.now() < last.expiration - REUSE_MARGIN_MS) return last;
    const credentials = await lookUp();
    last = credentials.expiration === undefined ? undefined : credentials;
    return credentials;
  };

  const lookUp = async () => {
    if (used !== undefined) return used.get(context);
    const looked = [];
    for (const source of SOURCES) {
      const skip = source.skip(context);
      if (skip) {
        looked.push(`${source.name}: ${skip}`);
        continue;
      }
      try {
        const credentials = await source.get(context);
        used = source;
        return credentials;
      } catch (error) {
        looked.push(`${source.name}: ${reason(error)}`);
      }
    }
    const error = new Error(`no credentials were found; looked at, in order: ${looked.join('; ')}`);
    error[CHAIN_ERROR] = true;
    throw error;
  };
  return chain;
}

function reason(error) {
  if (error instanceof SourceError) return error.message;
  // The core refusing what a file gave (a malformed endpoint, say): its messages quote no secret.
  if (error?.name === 'DmsError') return error.message;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'no answer in time';
  // A network failure: its kind, not its text (Node's mentions addresses, nothing secret, but short is better).
  const code = error?.cause?.code ?? error?.code;
  return typeof code === 'string' ? `the request failed (${code})` : 'the request failed';
}

// --- the sources, in the vendor's order ----------------------------------------------------

const SOURCES = [
  {
    name: 'the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET)',
    skip({ env }) {
      const [id, secret] = [env.ALIBABA_CLOUD_ACCESS_KEY_ID, env.ALIBABA_CLOUD_ACCESS_KEY_SECRET];
      if (!set(id) && !set(secret)) return 'not set';
      if (!set(secret)) return 'ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set';
      if (!set(id)) return 'ALIBABA_CLOUD_ACCESS_KEY_ID is not set';
      return '';
    },
    async get({ env }) {
      return staticCredentials(env.ALIBABA_CLOUD_ACCESS_KEY_ID, env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, env.ALIBABA_CLOUD_SECURITY_TOKEN);
    },
  },
  {
    name: 'an OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE)',
    skip({ env }) {
      const names = ['ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'];
      const missing = names.filter((name) => !set(env[name]));
      if (missing.length === names.length) return 'not set';
      return missing.length > 0 ? `${missing.join(', ')} not set` : '';
    },
    get(context) {
      const { env } = context;
      return assumeRoleWithOidc(context, {
        roleArn: env.ALIBABA_CLOUD_ROLE_ARN,
        providerArn: env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN,
        tokenFile: env.ALIBABA_CLOUD_OIDC_TOKEN_FILE,
        sessionName: env.ALIBABA_CLOUD_ROLE_SESSION_NAME,
        endpoint: stsEndpoint(env),
      });
    },
  },
  {
    name: 'the aliyun CLI profile (~/.aliyun/config.json)',
    skip({ env }) {
      return isTrue(env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED) ? 'disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED' : '';
    },
    async get(context) {
      const path = join(context.home(), '.aliyun', 'config.json');
      const text = await readOptional(path, '~/.aliyun/config.json');
      let config;
      try {
        config = JSON.parse(text);
      } catch {
        throw new SourceError('~/.aliyun/config.json is not JSON');
      }
      const wanted = set(context.env.ALIBABA_CLOUD_PROFILE) ? context.env.ALIBABA_CLOUD_PROFILE : config?.current;
      const profiles = Array.isArray(config?.profiles) ? config.profiles : [];
      const profile = profiles.find((p) => p?.name === wanted);
      if (profile === undefined) throw new SourceError(`it has no profile ${JSON.stringify(String(wanted ?? ''))}`);
      const where = `profile ${JSON.stringify(profile.name)}`;
      switch (profile.mode) {
        case 'AK':
          return staticCredentials(profile.access_key_id, profile.access_key_secret, undefined, where);
        case 'StsToken':
          return staticCredentials(profile.access_key_id, profile.access_key_secret, profile.sts_token, where);
        case 'RamRoleArn':
          return assumeRole(context, {
            source: staticCredentials(profile.access_key_id, profile.access_key_secret, undefined, where),
            roleArn: profile.ram_role_arn,
            sessionName: profile.ram_session_name,
            durationSeconds: profile.expired_seconds,
            externalId: profile.external_id,
            endpoint: stsEndpoint(context.env, profile),
            where,
          });
        case 'EcsRamRole':
          return ecsRamRole(context, profile.ram_role_name);
        default:
          throw new SourceError(`${where} has mode ${JSON.stringify(String(profile.mode))}, which this package does not support (it supports ${SUPPORTED_CLI_MODES.join(', ')})`);
      }
    },
  },
  {
    name: 'the credentials file (~/.alibabacloud/credentials, or ALIBABA_CLOUD_CREDENTIALS_FILE)',
    skip: () => '',
    async get(context) {
      const { env } = context;
      const custom = set(env.ALIBABA_CLOUD_CREDENTIALS_FILE);
      const path = custom ? env.ALIBABA_CLOUD_CREDENTIALS_FILE : join(context.home(), '.alibabacloud', 'credentials');
      const shown = custom ? 'the file ALIBABA_CLOUD_CREDENTIALS_FILE names' : '~/.alibabacloud/credentials';
      const sections = parseIni(await readOptional(path, shown));
      const name = set(env.ALIBABA_CLOUD_PROFILE) ? env.ALIBABA_CLOUD_PROFILE : 'default';
      const section = Object.hasOwn(sections, name) ? sections[name] : undefined;
      if (section === null || typeof section !== 'object') throw new SourceError(`${shown} has no section [${name}]`);
      const where = `section [${name}]`;
      switch (section.type) {
        case 'access_key':
          return staticCredentials(section.access_key_id, section.access_key_secret, undefined, where);
        case 'ecs_ram_role':
          return ecsRamRole(context, section.role_name);
        case 'ram_role_arn':
          return assumeRole(context, {
            source: staticCredentials(section.access_key_id, section.access_key_secret, undefined, where),
            roleArn: section.role_arn,
            sessionName: section.role_session_name,
            policy: section.policy,
            endpoint: stsEndpoint(env),
            where,
          });
        default:
          throw new SourceError(`${where} has type ${JSON.stringify(String(section.type ?? ''))}, which this package does not support (it supports ${SUPPORTED_FILE_TYPES.join(', ')})`);
      }
    },
  },
  {
    name: 'the ECS RAM role (the instance metadata service)',
    skip({ env }) {
      return isTrue(env.ALIBABA_CLOUD_ECS_METADATA_DISABLED) ? 'disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED' : '';
    },
    get(context) {
      return ecsRamRole(context, context.env.ALIBABA_CLOUD_ECS_METADATA);
    },
  },
  {
    name: 'a credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)',
    skip({ env }) {
      return set(env.ALIBABA_CLOUD_CREDENTIALS_URI) ? '' : 'not set';
    },
    async get({ env, http }) {
      const answer = await http(env.ALIBABA_CLOUD_CREDENTIALS_URI, { method: 'GET' }, STS_TIMEOUT_MS);
      const body = await jsonOf(answer, 'the credentials URI');
      if (body.Code !== undefined && body.Code !== 'Success') throw new SourceError(`the credentials URI answered Code ${JSON.stringify(String(body.Code))}`);
      return temporaryCredentials(body, 'the credentials URI');
    },
  },
];

// --- what the sources share ---------------------------------------------------------------

function staticCredentials(accessKeyId, accessKeySecret, securityToken, where = '') {
  const at = where ? ` in ${where}` : '';
  if (!set(accessKeyId)) throw new SourceError(`no access key id${at}`);
  if (!set(accessKeySecret)) throw new SourceError(`no access key secret${at}`);
  return set(securityToken) ? { accessKeyId, accessKeySecret, securityToken } : { accessKeyId, accessKeySecret };
}

async function readOptional(path, shown) {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SourceError(error?.code === 'ENOENT' ? `${shown} does not exist` : `${shown} could not be read (${error?.code ?? 'error'})`);
  }
}

/**
 * The STS endpoint: DMS_TASKFLOW_STS_ENDPOINT (tests and unusual networks), a profile's
 * `sts_endpoint` or `sts_region`, ALIBABA_CLOUD_STS_REGION (with
 * ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED for the VPC host), else the central one.
 */
function stsEndpoint(env, profile = {}) {
  if (set(env.DMS_TASKFLOW_STS_ENDPOINT)) return env.DMS_TASKFLOW_STS_ENDPOINT;
  if (set(profile.sts_endpoint)) return profile.sts_endpoint.includes('://') ? profile.sts_endpoint : `https://${profile.sts_endpoint}`;
  const region = set(profile.sts_region) ? profile.sts_region : env.ALIBABA_CLOUD_STS_REGION;
  if (!set(region)) return 'https://sts.aliyuncs.com';
  return `https://sts${isTrue(env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED) || profile.enable_vpc === true ? '-vpc' : ''}.${region}.aliyuncs.com`;
}

const sessionName = (given) => (set(given) ? given : `dms-taskflow-${Date.now()}`);

function duration(value) {
  const seconds = value === undefined || value === null || value === '' ? DEFAULT_DURATION_SECONDS : Number(value);
  if (!Number.isInteger(seconds) || seconds < 900) throw new SourceError('the session duration must be a whole number of seconds, at least 900');
  return String(seconds);
}

/** STS AssumeRole, signed by the core with `source`'s key. */
async function assumeRole({ http, signRpcPost }, { source, roleArn, sessionName: name, durationSeconds, policy, externalId, endpoint, where }) {
  if (!set(roleArn)) throw new SourceError(`no role ARN in ${where}`);
  const params = { RoleArn: roleArn, RoleSessionName: sessionName(name), DurationSeconds: duration(durationSeconds) };
  if (set(policy)) params.Policy = policy;
  if (set(externalId)) params.ExternalId = externalId;
  const request = signRpcPost({ ...source, endpoint }, STS_VERSION, 'AssumeRole', params);
  const answer = await http(request.url, { method: request.method, headers: request.headers, body: request.body }, STS_TIMEOUT_MS);
  return temporaryCredentials((await jsonOf(answer, 'STS AssumeRole')).Credentials, 'STS AssumeRole');
}

/** STS AssumeRoleWithOIDC: not signed; the OIDC token (read again each time) is the proof. */
async function assumeRoleWithOidc({ http }, { roleArn, providerArn, tokenFile, sessionName: name, endpoint }) {
  const token = await readOptional(tokenFile, 'the file ALIBABA_CLOUD_OIDC_TOKEN_FILE names');
  const form = new URLSearchParams({
    Action: 'AssumeRoleWithOIDC',
    Version: STS_VERSION,
    Format: 'JSON',
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    RoleArn: roleArn,
    OIDCProviderArn: providerArn,
    OIDCToken: token,
    RoleSessionName: sessionName(name),
    DurationSeconds: String(DEFAULT_DURATION_SECONDS),
  });
  const answer = await http(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, STS_TIMEOUT_MS);
  return temporaryCredentials((await jsonOf(answer, 'STS AssumeRoleWithOIDC')).Credentials, 'STS AssumeRoleWithOIDC');
}

/**
 * The ECS instance's RAM role from the metadata service: an IMDSv2 token first, then the role
 * name (unless given) and its credentials, each request with the token. When the service
 * refuses a token (an older one), the requests go without, unless ALIBABA_CLOUD_IMDSV1_DISABLED.
 * DMS_TASKFLOW_ECS_METADATA_ENDPOINT replaces http://100.100.100.200 (tests, unusual networks).
 */
async function ecsRamRole({ env, http }, roleName) {
  const base = set(env.DMS_TASKFLOW_ECS_METADATA_ENDPOINT) ? env.DMS_TASKFLOW_ECS_METADATA_ENDPOINT.replace(/\/+$/, '') : DEFAULT_METADATA_ENDPOINT;
  let token;
  // No answer at all: no metadata service here, and asking again without a token is no use.
  const answer = await http(`${base}/latest/api/token`, { method: 'PUT', headers: { 'x-aliyun-ecs-metadata-token-ttl-seconds': METADATA_TOKEN_TTL_SECONDS } }, METADATA_TIMEOUT_MS);
  if (answer.status === 200) {
    token = await answer.text();
  } else if (isTrue(env.ALIBABA_CLOUD_IMDSV1_DISABLED)) {
    throw new SourceError(`the metadata service answered HTTP ${answer.status} to the token request, and ALIBABA_CLOUD_IMDSV1_DISABLED forbids going on without one`);
  }
  const headers = token === undefined ? {} : { 'x-aliyun-ecs-metadata-token': token };
  const get = async (path, what) => {
    const answer = await http(`${base}/latest/meta-data/ram/security-credentials/${path}`, { method: 'GET', headers }, METADATA_TIMEOUT_MS);
    if (answer.status !== 200) throw new SourceError(`the metadata service answered HTTP ${answer.status} to the ${what} request`);
    return answer;
  };
  const role = set(roleName) ? roleName : (await (await get('', 'role name')).text()).trim();
  if (!set(role)) throw new SourceError('the metadata service names no RAM role');
  const body = await jsonOf(await get(encodeURIComponent(role), 'credentials'), 'the metadata service');
  if (body.Code !== 'Success') throw new SourceError(`the metadata service answered Code ${JSON.stringify(String(body.Code ?? ''))}`);
  return temporaryCredentials(body, 'the metadata service');
}

/** An answer's JSON; a non-200 answer is an error naming its status and code (never its message). */
async function jsonOf(answer, what) {
  let body;
  try {
    body = JSON.parse(await answer.text());
  } catch {
    body = undefined;
  }
  if (answer.status !== 200) {
    const code = typeof body?.Code === 'string' ? ` ${body.Code}` : '';
    const request = typeof body?.RequestId === 'string' ? ` (request ${body.RequestId})` : '';
    throw new SourceError(`${what} answered HTTP ${answer.status}${code}${request}`);
  }
  if (body === null || typeof body !== 'object') throw new SourceError(`${what} did not answer JSON`);
  return body;
}

function temporaryCredentials(fields, what) {
  const { AccessKeyId, AccessKeySecret, SecurityToken, Expiration } = fields ?? {};
  if (!set(AccessKeyId) || !set(AccessKeySecret) || !set(SecurityToken)) throw new SourceError(`${what} gave incomplete credentials`);
  const expiration = typeof Expiration === 'string' ? Date.parse(Expiration) : NaN;
  if (!Number.isFinite(expiration)) throw new SourceError(`${what} gave no readable Expiration`);
  return { accessKeyId: AccessKeyId, accessKeySecret: AccessKeySecret, securityToken: SecurityToken, expiration };
}
