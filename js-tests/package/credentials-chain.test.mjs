// The default credentials chain (issue 20), from the packed tarball: each source, the order,
// refresh, a source that fails or hangs, and no secret in any error. Every case runs a fresh
// Node process with only the variables and the home folder it is given, against the emulator
// and its STS and metadata stand-ins on 127.0.0.1; the ECS metadata service is disabled unless
// a case points it at the stand-in, so nothing reaches a real address.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { DEFAULT_ROLE, startMetadataStandIn, startStsStandIn } from '../../emulator/index.mjs';
import { KEY, SECRETS, STS, emulatorFixture } from '../support/emulator.mjs';

const consumer = fileURLToPath(new URL('../../.scratch/consumer/', import.meta.url));
const emu = await emulatorFixture();
const sts = await startStsStandIn(emu, { oidcTokens: ['oidc-token-one', 'oidc-token-two'] });
after(() => sts.close());
const imds = await startMetadataStandIn(emu);
after(() => imds.close());
const scratch = mkdtempSync(join(consumer, 'chain-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let nextInstance = 770000;
const running = () => {
  const dagInstanceId = String(nextInstance++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '3' });
  return dagInstanceId;
};

let nextHome = 0;
/** A home folder holding `files` ({ '.aliyun/config.json': text, ... }). */
function home(files = {}) {
  const dir = join(scratch, `home-${nextHome++}`);
  mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const cliConfig = (profiles, current = profiles[0].name) => ({ '.aliyun/config.json': JSON.stringify({ current, profiles }) });
const AK_PROFILE = { name: 'ak', mode: 'AK', access_key_id: KEY.accessKeyId, access_key_secret: KEY.accessKeySecret };
const STS_PROFILE = { name: 'sts', mode: 'StsToken', access_key_id: STS.accessKeyId, access_key_secret: STS.accessKeySecret, sts_token: STS.securityToken };
const ROLE_PROFILE = { name: 'role', mode: 'RamRoleArn', access_key_id: KEY.accessKeyId, access_key_secret: KEY.accessKeySecret, ram_role_arn: DEFAULT_ROLE.roleArn, ram_session_name: 'chain-test' };

/**
 * Runs `body` (an async function body with `DmsClient`, `stopTaskFlowInstance`, `endpoint` and
 * `out(value)` in scope) in a fresh process with exactly `env` (plus PATH) and `HOME`; resolves
 * `{ code, results, stderr }`, `results` the values passed to `out`.
 */
async function run(body, { env = {}, homeDir = home() } = {}) {
  const file = join(scratch, `case-${nextHome++}.mjs`);
  writeFileSync(file, `import { DmsClient, stopTaskFlowInstance } from 'dms-taskflow';
const endpoint = ${JSON.stringify(emu.url)};
const out = (value) => console.log(JSON.stringify(value));
const failure = (e) => ({ code: e.code, message: e.message, json: JSON.stringify(e), causeMessage: String(e.cause?.message ?? '') });
${body}
`);
  const fullEnv = { PATH: process.env.PATH, HOME: homeDir, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', DMS_TASKFLOW_STS_ENDPOINT: sts.url, ...env };
  for (const [name, value] of Object.entries(fullEnv)) if (value === undefined) delete fullEnv[name];
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: scratch, env: fullEnv, timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
  const results = stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => JSON.parse(line));
  for (const text of [stdout, stderr]) {
    for (const secret of [...SECRETS, ...emu.accounts.filter((a) => a.accessKeyId.startsWith('STS.')).flatMap((a) => [a.accessKeySecret, a.securityToken])]) {
      assert.ok(!text.includes(secret), 'a secret appears in the output');
    }
  }
  return { code, results, stderr };
}

/** The AccessKeyId of the emulator's requests since `before`. */
const keysSince = (before) => emu.requests.slice(before).map((request) => request.accessKeyId);

const STOP = `const dagInstanceId = process.argv[2];`;
const stopOnce = (dagInstanceId) => `
  try { out(await new DmsClient({ endpoint }).stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${dagInstanceId}' })); }
  catch (e) { out(failure(e)); }`;

describe('each source', () => {
  test('1. the environment', async () => {
    const before = emu.requestCount;
    const { results } = await run(stopOnce(running()), { env: { ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret, ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken } });
    assert.equal(results[0].success, true);
    assert.deepEqual(keysSince(before), [STS.accessKeyId]);
  });

  test('2. an OIDC role (RRSA): AssumeRoleWithOIDC, the token file read again at each refresh', async () => {
    const homeDir = home({ 'token': 'oidc-token-one' });
    // Credentials that expire within the client's refresh margin: every call asks STS again.
    const shortSts = await startStsStandIn(emu, { oidcTokens: ['oidc-token-one', 'oidc-token-two'], now: () => emu.now() - (3600 - 45) * 1000 });
    try {
      const [first, second] = [running(), running()];
      const body = `const client = new DmsClient({ endpoint });
        out(await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${first}' }));
        (await import('node:fs')).writeFileSync(process.env.ALIBABA_CLOUD_OIDC_TOKEN_FILE, 'oidc-token-two');
        out(await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${second}' }));`;
      const { results, stderr } = await run(body, {
        homeDir,
        env: { ALIBABA_CLOUD_ROLE_ARN: DEFAULT_ROLE.roleArn, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: DEFAULT_ROLE.oidcProviderArn, ALIBABA_CLOUD_OIDC_TOKEN_FILE: join(homeDir, 'token'), DMS_TASKFLOW_STS_ENDPOINT: shortSts.url },
      });
      assert.deepEqual(results.map((r) => r.success), [true, true], stderr);
      assert.deepEqual(shortSts.requests.map((r) => [r.action, r.params.OIDCToken, r.params.Signature]), [['AssumeRoleWithOIDC', 'oidc-token-one', undefined], ['AssumeRoleWithOIDC', 'oidc-token-two', undefined]]);
      assert.deepEqual(emu.getInstance('1001', second).status, 'stopped');
    } finally {
      await shortSts.close();
    }
  });

  test('3. the aliyun CLI profile: AK and StsToken, the current profile or ALIBABA_CLOUD_PROFILE', async () => {
    const homeDir = home(cliConfig([AK_PROFILE, STS_PROFILE], 'ak'));
    let before = emu.requestCount;
    assert.equal((await run(stopOnce(running()), { homeDir })).results[0].success, true);
    assert.deepEqual(keysSince(before), [KEY.accessKeyId]);
    before = emu.requestCount;
    assert.equal((await run(stopOnce(running()), { homeDir, env: { ALIBABA_CLOUD_PROFILE: 'sts' } })).results[0].success, true);
    assert.deepEqual(keysSince(before), [STS.accessKeyId]);
  });

  test('3. RamRoleArn: STS AssumeRole signed by the core with the profile key', async () => {
    const before = { dms: emu.requestCount, sts: sts.requests.length };
    const { results, stderr } = await run(stopOnce(running()), { homeDir: home(cliConfig([ROLE_PROFILE])) });
    assert.equal(results[0].success, true, stderr);
    const [assume] = sts.requests.slice(before.sts);
    assert.deepEqual([assume.action, assume.outcome, assume.params.AccessKeyId, assume.params.RoleArn, assume.params.RoleSessionName, assume.params.Version], ['AssumeRole', 'ok', KEY.accessKeyId, DEFAULT_ROLE.roleArn, 'chain-test', '2015-04-01']);
    assert.deepEqual(keysSince(before.dms), [sts.issued.at(-1).accessKeyId]);
  });

  test('3. a mode the package does not support is named', async () => {
    const { results } = await run(stopOnce(running()), { homeDir: home(cliConfig([{ name: 'sso', mode: 'CloudSSO' }])) });
    assert.equal(results[0].code, 'MissingCredentials');
    assert.match(results[0].message, /the aliyun CLI profile \(~\/\.aliyun\/config\.json\): profile "sso" has mode "CloudSSO", which this package does not support \(it supports AK, StsToken, RamRoleArn, EcsRamRole\)/);
  });

  test('4. the credentials file: access_key and ram_role_arn sections', async () => {
    const ini = `[default]\ntype = access_key\naccess_key_id = ${KEY.accessKeyId}\naccess_key_secret = ${KEY.accessKeySecret}\n\n[role]\ntype = ram_role_arn\naccess_key_id = ${KEY.accessKeyId}\naccess_key_secret = ${KEY.accessKeySecret}\nrole_arn = ${DEFAULT_ROLE.roleArn}\nrole_session_name = from-ini\n`;
    const homeDir = home({ '.alibabacloud/credentials': ini });
    let before = emu.requestCount;
    assert.equal((await run(stopOnce(running()), { homeDir })).results[0].success, true);
    assert.deepEqual(keysSince(before), [KEY.accessKeyId]);
    before = emu.requestCount;
    const stsBefore = sts.requests.length;
    assert.equal((await run(stopOnce(running()), { homeDir, env: { ALIBABA_CLOUD_PROFILE: 'role' } })).results[0].success, true);
    assert.equal(sts.requests.slice(stsBefore)[0].params.RoleSessionName, 'from-ini');
    assert.deepEqual(keysSince(before), [sts.issued.at(-1).accessKeyId]);
  });

  test('5. the ECS RAM role: IMDSv2 token, the role discovered, its credentials', async () => {
    const before = { dms: emu.requestCount, imds: imds.requests.length };
    const env = { ALIBABA_CLOUD_ECS_METADATA_DISABLED: undefined, DMS_TASKFLOW_ECS_METADATA_ENDPOINT: imds.url };
    const { results, stderr } = await run(stopOnce(running()), { env });
    assert.equal(results[0].success, true, stderr);
    const seen = imds.requests.slice(before.imds);
    assert.deepEqual(seen.map((r) => [r.method, r.path, r.tokenSent ?? false]), [
      ['PUT', '/latest/api/token', false],
      ['GET', '/latest/meta-data/ram/security-credentials/', true],
      ['GET', `/latest/meta-data/ram/security-credentials/${DEFAULT_ROLE.roleName}`, true],
    ]);
    assert.deepEqual(keysSince(before.dms), [imds.issued.at(-1).accessKeyId]);
  });

  test('5. ALIBABA_CLOUD_ECS_METADATA names the role; a service without tokens is asked without, unless IMDSv1 is disabled', async () => {
    const env = { ALIBABA_CLOUD_ECS_METADATA_DISABLED: undefined, DMS_TASKFLOW_ECS_METADATA_ENDPOINT: imds.url, ALIBABA_CLOUD_ECS_METADATA: DEFAULT_ROLE.roleName };
    let before = imds.requests.length;
    imds.failNext({ status: 404, body: 'not found' }); // an older service: no token
    assert.equal((await run(stopOnce(running()), { env })).results[0].success, true);
    assert.deepEqual(imds.requests.slice(before).map((r) => [r.method, r.tokenSent ?? false]), [['PUT', false], ['GET', false]]);
    before = imds.requests.length;
    imds.failNext({ status: 404, body: 'not found' });
    const { results } = await run(stopOnce(running()), { env: { ...env, ALIBABA_CLOUD_IMDSV1_DISABLED: 'true' } });
    assert.equal(results[0].code, 'MissingCredentials');
    assert.match(results[0].message, /the ECS RAM role \(the instance metadata service\): the metadata service answered HTTP 404 to the token request, and ALIBABA_CLOUD_IMDSV1_DISABLED forbids/);
    assert.equal(imds.requests.length - before, 1);
  });

  test('6. a credentials URI', async () => {
    const before = emu.requestCount;
    const { results } = await run(stopOnce(running()), { env: { ALIBABA_CLOUD_CREDENTIALS_URI: imds.credentialsUri } });
    assert.equal(results[0].success, true);
    assert.deepEqual(keysSince(before), [imds.issued.at(-1).accessKeyId]);
  });
});

describe('the order', () => {
  test('the environment wins over the CLI profile, which wins over the credentials file', async () => {
    const ini = `[default]\ntype = access_key\naccess_key_id = ${KEY.accessKeyId}\naccess_key_secret = ${KEY.accessKeySecret}\n`;
    const homeDir = home({ ...cliConfig([STS_PROFILE]), '.alibabacloud/credentials': ini });
    let before = emu.requestCount;
    await run(stopOnce(running()), { homeDir, env: { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret } });
    assert.deepEqual(keysSince(before), [KEY.accessKeyId], 'environment');
    before = emu.requestCount;
    await run(stopOnce(running()), { homeDir });
    assert.deepEqual(keysSince(before), [STS.accessKeyId], 'CLI profile');
  });

  test('MissingCredentials says what was looked at, in order, and shows no value', async () => {
    const ini = '[default]\ntype = rsa_key_pair\n';
    const { results } = await run(stopOnce(running()), {
      homeDir: home({ '.alibabacloud/credentials': ini }),
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ROLE_ARN: DEFAULT_ROLE.roleArn },
    });
    const [failure] = results;
    assert.equal(failure.code, 'MissingCredentials');
    assert.equal(failure.message, [
      'no credentials were found; looked at, in order:',
      ' the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET): ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set;',
      ' an OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE): ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE not set;',
      ' the aliyun CLI profile (~/.aliyun/config.json): ~/.aliyun/config.json does not exist;',
      ' the credentials file (~/.alibabacloud/credentials, or ALIBABA_CLOUD_CREDENTIALS_FILE): section [default] has type "rsa_key_pair", which this package does not support (it supports access_key, ecs_ram_role, ram_role_arn);',
      ' the ECS RAM role (the instance metadata service): disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED;',
      ' a credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI): not set',
    ].join(''));
    for (const text of [failure.message, failure.json]) assert.ok(!text.includes(KEY.accessKeyId) && !text.includes(DEFAULT_ROLE.roleArn));
  });
});

describe('refresh, failures and hangs', () => {
  test('temporary credentials are asked for once by any number of concurrent calls', async () => {
    const ids = Array.from({ length: 20 }, running);
    const stsBefore = sts.requests.length;
    const body = `const client = new DmsClient({ endpoint });
      const results = await Promise.all(${JSON.stringify(ids)}.map((dagInstanceId) => client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId })));
      out(results.map((r) => r.success));`;
    const { results, stderr } = await run(body, { homeDir: home(cliConfig([ROLE_PROFILE])) });
    assert.deepEqual(results[0], Array(20).fill(true), stderr);
    assert.equal(sts.requests.length - stsBefore, 1);
  });

  test('STS failing: MissingCredentials naming its status and code (never its message); a later call asks again', async () => {
    const [first, second] = [running(), running()];
    const stsBefore = sts.requests.length;
    sts.failNext({ status: 500, body: { RequestId: 'R-500', Code: 'InternalError', Message: `echo ${KEY.accessKeySecret}` } });
    const body = `const client = new DmsClient({ endpoint });
      try { await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${first}' }); } catch (e) { out(failure(e)); }
      out(await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${second}' }));`;
    const { results, stderr } = await run(body, { homeDir: home(cliConfig([ROLE_PROFILE])) });
    assert.equal(results[0].code, 'MissingCredentials', stderr);
    assert.match(results[0].message, /the aliyun CLI profile \(~\/\.aliyun\/config\.json\): STS AssumeRole answered HTTP 500 InternalError \(request R-500\);/);
    for (const text of [results[0].message, results[0].json, results[0].causeMessage]) assert.ok(!text.includes(KEY.accessKeySecret));
    assert.equal(results[1].success, true);
    assert.equal(sts.requests.length - stsBefore, 2);
  });

  test('STS hanging: the call times out, and a later call asks again and succeeds', async () => {
    const [first, second] = [running(), running()];
    const stsBefore = sts.requests.length;
    sts.hangNext();
    const body = `const client = new DmsClient({ endpoint, timeoutMs: 1500 });
      const started = Date.now();
      try { await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${first}' }); } catch (e) { out({ ...failure(e), ms: Date.now() - started }); }
      out(await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${second}' }, { timeoutMs: 10000 }));`;
    const { results, stderr } = await run(body, { homeDir: home(cliConfig([ROLE_PROFILE])) });
    assert.equal(results[0].code, 'Timeout', stderr);
    assert.ok(results[0].ms < 5000, `${results[0].ms} ms`);
    assert.equal(results[1].success, true, stderr);
    assert.equal(sts.requests.length - stsBefore, 2);
    assert.equal(emu.getInstance('1001', first).status, 'running');
  });
});

describe('the one-shot functions and the command line use the chain', () => {
  test('new DmsClient({}) with only ~/.aliyun/config.json (AK, then StsToken) and DMS_ENDPOINT; the environment wins over the file', async () => {
    const body = (id) => `out(await new DmsClient({}).stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${id}' }));`;
    for (const [profile, key] of [[AK_PROFILE, KEY], [STS_PROFILE, STS]]) {
      const before = emu.requestCount;
      const { results, stderr } = await run(body(running()), { homeDir: home(cliConfig([profile])), env: { DMS_ENDPOINT: emu.url } });
      assert.equal(results[0].success, true, stderr);
      assert.deepEqual(keysSince(before), [key.accessKeyId]);
    }
    const before = emu.requestCount;
    const env = { DMS_ENDPOINT: emu.url, ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret, ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken };
    assert.equal((await run(body(running()), { homeDir: home(cliConfig([AK_PROFILE])), env })).results[0].success, true);
    assert.deepEqual(keysSince(before), [STS.accessKeyId]);
  });

  test('stopTaskFlowInstance with no credentials in its input', async () => {
    const dagInstanceId = running();
    const before = emu.requestCount;
    const { results } = await run(`out(await stopTaskFlowInstance({ endpoint, dagId: '1001', dagInstanceId: '${dagInstanceId}' }));`, { homeDir: home(cliConfig([AK_PROFILE])) });
    assert.equal(results[0].success, true);
    assert.deepEqual(keysSince(before), [KEY.accessKeyId]);
  });

  test('npx dms-taskflow stop, with only ~/.aliyun/config.json', async () => {
    const dagInstanceId = running();
    const homeDir = home(cliConfig([ROLE_PROFILE]));
    const bin = join(consumer, 'node_modules/.bin/dms-taskflow');
    const env = { PATH: process.env.PATH, HOME: homeDir, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', DMS_TASKFLOW_STS_ENDPOINT: sts.url, DMS_ENDPOINT: emu.url };
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(bin, ['stop', '1001', dagInstanceId], { env, timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^Stopped instance ${dagInstanceId} of task flow 1001`));
    assert.equal(emu.getInstance('1001', dagInstanceId).status, 'stopped');
  });
});
