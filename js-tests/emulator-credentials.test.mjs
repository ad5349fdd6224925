// Tests of the credential stand-ins (emulator/sts.mjs, emulator/metadata.mjs): the STS
// stand-in (AssumeRole, V1-signed; AssumeRoleWithOIDC), the ECS metadata service and the
// credentials URI, and that what they issue works at the DMS emulator until it expires.
// Requests are built and signed here with the reference signer (emulator/signature.mjs),
// independently of the package's client. Nothing here prints a secret.
// Run: node --test js-tests/emulator-credentials.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { sha256Hex, signV3 } from '../emulator/signature.mjs';
import { DEFAULT_ACCOUNTS, DEFAULT_ROLE, startEmulator, startMetadataStandIn, startStsStandIn } from '../emulator/index.mjs';
import { REQUEST_ID, assertGateway, call, formEncode, isoSeconds, readAnswer, send, signedParams } from './support/emulator-requests.mjs';
import { SECRETS } from './support/emulator.mjs';

const KEY = DEFAULT_ACCOUNTS[0];
const STS_KEY = DEFAULT_ACCOUNTS[1];
const STS_VERSION = '2015-04-01';
const ISO_SECONDS = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
const MINUTE = 60_000;
/** ListTaskFlowInstance's parameters: a read-only call to use a key with. */
const LIST = { DagId: '1001', PageIndex: '1', PageSize: '20' };

// --- helpers ------------------------------------------------------------------------

/**
 * Starts a DMS emulator (instances model, `emuOptions`) and the stand-ins asked for, runs
 * fn({ emu, sts, imds }), and closes everything whatever happens.
 */
async function withStandIns({ emuOptions = {}, sts: stsOptions, imds: imdsOptions } = {}, fn) {
  const emu = await startEmulator({ model: 'instances', ...emuOptions });
  const closers = [() => emu.close()];
  try {
    const sts = stsOptions ? await startStsStandIn(emu, stsOptions) : null;
    if (sts) closers.push(() => sts.close());
    const imds = imdsOptions ? await startMetadataStandIn(emu, imdsOptions) : null;
    if (imds) closers.push(() => imds.close());
    return await fn({ emu, sts, imds });
  } finally {
    await Promise.all(closers.map((close) => close()));
  }
}

/** A fake clock: read it with clock(), move it with clock.advance(ms). */
function fakeClock(start = Date.now()) {
  let t = start;
  const clock = () => t;
  clock.advance = (ms) => (t += ms);
  return clock;
}

/** V1-signed AssumeRole parameters. options: those of signedParams (account, secret, nonce, timeMs, overrides, omit). */
function assumeRoleParams(opParams = {}, options = {}) {
  return signedParams(
    'AssumeRole',
    { RoleArn: DEFAULT_ROLE.roleArn, RoleSessionName: 'emulator-test', ...opParams },
    { ...options, overrides: { Version: STS_VERSION, ...options.overrides } },
  );
}

/** POSTs an AssumeRole to the stand-in (params form-encoded in the body). */
function assumeRole(sts, opParams, options) {
  return send(sts.url, { params: assumeRoleParams(opParams, options) });
}

/** POSTs an unsigned AssumeRoleWithOIDC to the stand-in. */
function assumeRoleWithOidc(sts, opParams = {}) {
  return send(sts.url, {
    params: {
      Action: 'AssumeRoleWithOIDC',
      Version: STS_VERSION,
      Format: 'JSON',
      Timestamp: isoSeconds(Date.now()),
      SignatureNonce: randomUUID(),
      RoleArn: DEFAULT_ROLE.roleArn,
      OIDCProviderArn: DEFAULT_ROLE.oidcProviderArn,
      OIDCToken: DEFAULT_ROLE.oidcToken,
      RoleSessionName: 'emulator-oidc-test',
      ...opParams,
    },
  });
}

/** The issued credentials as an emulator account, to sign DMS requests with. */
const asAccount = (credentials) => ({
  accessKeyId: credentials.AccessKeyId,
  accessKeySecret: credentials.AccessKeySecret,
  securityToken: credentials.SecurityToken,
});

/** StopTaskFlowInstance of the seeded running instance 1001/5001, signed with `credentials`. */
function stopWith(emu, credentials, options = {}) {
  return call(emu, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }, { account: asAccount(credentials), ...options });
}

/** A short description of an answer for assertion messages: never its body (it may echo a token). */
const brief = (res) => `HTTP ${res.status} ${res.json?.Code ?? ''}`;

/** A gateway-shaped STS error: status, Code, RequestId, HostId sts.aliyuncs.com, Message, Recommend. */
function assertStsError(res, status, code) {
  assert.equal(res.status, status, brief(res));
  assert.equal(res.json?.Code, code, brief(res));
  assert.match(res.json.RequestId, REQUEST_ID);
  assert.equal(res.json.HostId, 'sts.aliyuncs.com');
  assert.equal(typeof res.json.Message, 'string');
  assert.equal(res.json.Recommend, `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Sts`);
  assert.equal(res.headers.get('x-acs-request-id'), res.json.RequestId);
}

/** A successful STS answer: RequestId, AssumedRoleUser, Credentials expiring `durationSeconds` after `nowMs`. */
function assertIssued(res, { nowMs, durationSeconds = 3600, sessionName }) {
  assert.equal(res.status, 200, brief(res));
  const { RequestId, AssumedRoleUser, Credentials } = res.json;
  assert.match(RequestId, REQUEST_ID);
  assert.equal(AssumedRoleUser.Arn, `acs:ram::${DEFAULT_ROLE.accountId}:role/${DEFAULT_ROLE.roleName.toLowerCase()}/${sessionName}`);
  assert.match(AssumedRoleUser.AssumedRoleId, new RegExp(`^[0-9]+:${sessionName}$`));
  assert.match(Credentials.AccessKeyId, /^STS\.[A-Za-z0-9]+$/);
  assert.ok(Credentials.AccessKeySecret.length >= 30);
  assert.ok(Credentials.SecurityToken.length >= 100);
  assert.match(Credentials.Expiration, ISO_SECONDS);
  assert.equal(Credentials.Expiration, isoSeconds(Math.floor((nowMs + durationSeconds * 1000) / 1000) * 1000));
  return Credentials;
}

/** The metadata service's v2 session token. */
async function metadataToken(imds, ttl = '21600') {
  const res = await fetch(`${imds.url}/latest/api/token`, { method: 'PUT', headers: ttl === null ? {} : { 'x-aliyun-ecs-metadata-token-ttl-seconds': ttl } });
  return readAnswer(res);
}

/** GET under the metadata root, with a session token if given. */
async function metadataGet(imds, path, token, { signal } = {}) {
  const res = await fetch(`${imds.url}${path}`, { headers: token === undefined ? {} : { 'x-aliyun-ecs-metadata-token': token }, signal });
  return readAnswer(res);
}

const ROLES = '/latest/meta-data/ram/security-credentials/';

/** The metadata service's credentials document, checked; returns it. */
function assertMetadataCredentials(res, { lastUpdated = true } = {}) {
  assert.equal(res.status, 200, `HTTP ${res.status}`);
  const body = JSON.parse(res.text);
  assert.equal(body.Code, 'Success');
  assert.match(body.AccessKeyId, /^STS\./);
  assert.equal(typeof body.AccessKeySecret, 'string');
  assert.equal(typeof body.SecurityToken, 'string');
  assert.match(body.Expiration, ISO_SECONDS);
  if (lastUpdated) assert.match(body.LastUpdated, ISO_SECONDS);
  else assert.equal(body.LastUpdated, undefined);
  return body;
}

// --- the DMS emulator's side: addAccount, expiry --------------------------------------

describe('the DMS emulator accepts added accounts until they expire', () => {
  test('addAccount: a temporary key works until expiresAt, then InvalidSecurityToken.Expired (V1 and V3)', async () => {
    const clock = fakeClock();
    await withStandIns({ emuOptions: { clock } }, async ({ emu }) => {
      const account = { accessKeyId: 'STS.AddedKey', accessKeySecret: 'added-secret', securityToken: 'added-token', expiresAt: clock() + MINUTE };
      const kept = emu.addAccount(account);
      assert.deepEqual(kept, account);
      assert.ok(Object.isFrozen(kept));
      assert.ok(emu.accounts.some((a) => a.accessKeyId === 'STS.AddedKey'));
      assert.equal(emu.now(), clock());

      const before = await call(emu, 'ListTaskFlowInstance', LIST, { account, timeMs: clock() });
      assert.equal(before.status, 200, brief(before));
      clock.advance(MINUTE);
      const after = await call(emu, 'ListTaskFlowInstance', LIST, { account, timeMs: clock() });
      assertGateway(after, 400, 'InvalidSecurityToken.Expired');

      // V3: the same check, after the token check.
      const headers = {
        'x-acs-action': 'ListTaskFlowInstance',
        'x-acs-version': '2018-11-01',
        'x-acs-date': isoSeconds(clock()),
        'x-acs-signature-nonce': randomUUID(),
        'x-acs-content-sha256': sha256Hex(''),
        'x-acs-security-token': account.securityToken,
      };
      const query = { ...LIST };
      const signed = signV3({ method: 'POST', host: new URL(emu.url).host, query, headers, accessKeyId: account.accessKeyId, secret: account.accessKeySecret });
      const v3 = await readAnswer(await fetch(`${emu.url}/?${formEncode(query)}`, { method: 'POST', headers: { ...headers, authorization: signed.authorization } }));
      assertGateway(v3, 400, 'InvalidSecurityToken.Expired');

      // A wrong token is still a mismatch, expired or not.
      const wrong = await call(emu, 'ListTaskFlowInstance', LIST, { account: { ...account, securityToken: 'other' }, timeMs: clock() });
      assertGateway(wrong, 400, 'InvalidSecurityToken.Mismatch');
    });
  });

  test('addAccount refuses a known AccessKeyId, expiresAt without a token, and a bad shape', async () => {
    await withStandIns({}, async ({ emu }) => {
      assert.throws(() => emu.addAccount({ accessKeyId: KEY.accessKeyId, accessKeySecret: 'x' }), TypeError);
      assert.throws(() => emu.addAccount({ accessKeyId: 'LTAI5tOther', accessKeySecret: 'x', expiresAt: Date.now() }), TypeError);
      assert.throws(() => emu.addAccount({ accessKeyId: 'STS.X', accessKeySecret: 'x', securityToken: 't', expiresAt: 'soon' }), TypeError);
      assert.throws(() => emu.addAccount({ accessKeyId: '', accessKeySecret: 'x' }), TypeError);
      assert.equal(emu.accounts.length, 2);
      // A long-term key without expiry is fine.
      emu.addAccount({ accessKeyId: 'LTAI5tAdded', accessKeySecret: 'added' });
      const res = await call(emu, 'ListTaskFlowInstance', LIST, { account: { accessKeyId: 'LTAI5tAdded', accessKeySecret: 'added' } });
      assert.equal(res.status, 200, brief(res));
    });
  });
});

// --- STS: AssumeRole -------------------------------------------------------------------

describe('STS stand-in: AssumeRole', () => {
  test('a well-signed AssumeRole issues credentials the DMS emulator accepts', async () => {
    await withStandIns({ sts: {} }, async ({ emu, sts }) => {
      assert.match(sts.url, /^http:\/\/127\.0\.0\.1:[0-9]+\/$/);
      const nowMs = Date.now();
      const res = await assumeRole(sts, {}, { timeMs: nowMs });
      const credentials = assertIssued(res, { nowMs: sts.requests[0].at, sessionName: 'emulator-test' });
      assert.equal(res.headers.get('x-acs-request-id'), res.json.RequestId);
      assert.match(res.headers.get('content-type'), /^application\/json/);

      const stop = await stopWith(emu, credentials);
      assert.equal(stop.status, 200, brief(stop));
      assert.equal(stop.json.Success, true);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');

      assert.deepEqual(sts.issued, [
        { accessKeyId: credentials.AccessKeyId, expiration: credentials.Expiration, via: 'AssumeRole', roleArn: DEFAULT_ROLE.roleArn },
      ]);
      assert.equal(sts.requests.length, 1);
      assert.equal(sts.requests[0].action, 'AssumeRole');
      assert.equal(sts.requests[0].outcome, 'ok');
      assert.equal(sts.requests[0].params.RoleArn, DEFAULT_ROLE.roleArn);
      assert.equal(typeof sts.requests[0].at, 'number');
    });
  });

  test('signed with an STS key and its token, as GET, and with the parameters split between query and body', async () => {
    await withStandIns({ sts: {} }, async ({ emu, sts }) => {
      // Role chaining: an STS key (with its SecurityToken) may call AssumeRole.
      const chained = await assumeRole(sts, { DurationSeconds: '900', RoleSessionName: 'chain' }, { account: STS_KEY });
      assertIssued(chained, { nowMs: sts.requests[0].at, durationSeconds: 900, sessionName: 'chain' });

      const get = await send(sts.url, { method: 'GET', params: assumeRoleParams({}, { method: 'GET' }) });
      assertIssued(get, { nowMs: sts.requests[1].at, sessionName: 'emulator-test' });

      // As the vendor's libraries send it: common parameters in the query, the rest in the body.
      const params = assumeRoleParams({ Policy: '{"Version":"1","Statement":[]}', ExternalId: 'abc' });
      const bodyNames = ['RoleArn', 'RoleSessionName', 'Policy', 'ExternalId'];
      const query = Object.fromEntries(Object.entries(params).filter(([name]) => !bodyNames.includes(name)));
      const body = Object.fromEntries(Object.entries(params).filter(([name]) => bodyNames.includes(name)));
      const split = await send(`${sts.url}?${formEncode(query)}`, {
        body: formEncode(body),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      const credentials = assertIssued(split, { nowMs: sts.requests[2].at, sessionName: 'emulator-test' });
      assert.equal(sts.requests[2].params.ExternalId, 'abc');
      const stop = await stopWith(emu, credentials);
      assert.equal(stop.json?.Success, true, brief(stop));
      assert.equal(sts.issued.length, 3);
    });
  });

  test('a bad signature, a reused nonce, an unknown key and a stale timestamp are refused as the DMS emulator refuses them', async () => {
    await withStandIns({ sts: {} }, async ({ sts }) => {
      assertStsError(await assumeRole(sts, {}, { secret: 'not-the-secret' }), 400, 'SignatureDoesNotMatch');

      const params = assumeRoleParams();
      assert.equal((await send(sts.url, { params })).status, 200);
      assertStsError(await send(sts.url, { params }), 400, 'SignatureNonceUsed');

      assertStsError(await assumeRole(sts, {}, { account: { accessKeyId: 'LTAI5tUnknown', accessKeySecret: 'x' } }), 404, 'InvalidAccessKeyId.NotFound');
      assertStsError(await assumeRole(sts, {}, { timeMs: Date.now() - 16 * MINUTE }), 400, 'InvalidTimeStamp.Expired');
      assertStsError(await assumeRole(sts, {}, { account: STS_KEY, omit: ['SecurityToken'] }), 400, 'MissingSecurityToken');
      assertStsError(await assumeRole(sts, {}, { omit: ['Signature'] }), 400, 'MissingParameter');
      assertStsError(await assumeRole(sts, {}, { overrides: { SignatureVersion: '2.0' } }), 400, 'InvalidSignatureVersion');
      assert.equal(sts.issued.length, 1);
      assert.deepEqual(
        sts.requests.map((r) => r.outcome),
        ['SignatureDoesNotMatch', 'ok', 'SignatureNonceUsed', 'InvalidAccessKeyId.NotFound', 'InvalidTimeStamp.Expired', 'MissingSecurityToken', 'MissingParameter', 'InvalidSignatureVersion'],
      );
    });
  });

  test('RoleArn, RoleSessionName, DurationSeconds and Policy are checked', async () => {
    await withStandIns({ sts: {} }, async ({ sts }) => {
      for (const roleArn of ['arn:aws:iam::123456789012:role/x', 'acs:ram::12ab:role/x', 'acs:ram::123:user/x', 'acs:ram::123:role/']) {
        assertStsError(await assumeRole(sts, { RoleArn: roleArn }), 400, 'InvalidParameter.RoleArn');
      }
      assertStsError(await assumeRole(sts, {}, { omit: ['RoleArn'] }), 400, 'MissingParameter');
      for (const name of ['a', 'has space', 'x'.repeat(65), 'bad*name']) {
        assertStsError(await assumeRole(sts, { RoleSessionName: name }), 400, 'InvalidParameter.RoleSessionName');
      }
      assertStsError(await assumeRole(sts, {}, { omit: ['RoleSessionName'] }), 400, 'MissingParameter');
      for (const seconds of ['899', '43201', '3600.5', 'abc', '-1']) {
        assertStsError(await assumeRole(sts, { DurationSeconds: seconds }), 400, 'InvalidParameter.DurationSeconds');
      }
      assertStsError(await assumeRole(sts, { Policy: 'not json' }), 400, 'InvalidParameter.PolicyGrammar');
      assert.equal(sts.issued.length, 0);

      for (const seconds of ['900', '43200']) {
        const res = await assumeRole(sts, { DurationSeconds: seconds });
        assertIssued(res, { nowMs: sts.requests.at(-1).at, durationSeconds: Number(seconds), sessionName: 'emulator-test' });
      }
    });
  });

  test('Version, Format, Action, method and path are checked first', async () => {
    await withStandIns({ sts: {} }, async ({ sts }) => {
      assertStsError(await assumeRole(sts, {}, { overrides: { Version: '2018-11-01' } }), 400, 'InvalidVersion');
      assertStsError(await assumeRole(sts, {}, { overrides: { Format: 'XML' } }), 400, 'InvalidParameter.Format');
      assertStsError(await assumeRole(sts, {}, { omit: ['Format'] }), 400, 'MissingParameter');
      assertStsError(await send(sts.url, { params: assumeRoleParams({}, { overrides: { Action: 'GetCallerIdentity' } }) }), 404, 'InvalidApi.NotFound');
      assertStsError(await send(sts.url, { params: { Version: STS_VERSION, Format: 'JSON' } }), 400, 'MissingParameter');
      assertStsError(await send(sts.url, { method: 'PUT', params: assumeRoleParams() }), 405, 'UnsupportedHTTPMethod');
      assertStsError(await send(`${sts.url}other`, { params: assumeRoleParams() }), 404, 'InvalidApi.NotFound');
      assertStsError(await send(sts.url, { body: '{}', headers: { 'Content-Type': 'application/json' } }), 400, 'InvalidParameter.ContentType');
      assert.equal(sts.issued.length, 0);
    });
  });
});

// --- STS: AssumeRoleWithOIDC ------------------------------------------------------------

describe('STS stand-in: AssumeRoleWithOIDC', () => {
  test('the known OIDC token gets working credentials, with OIDCTokenInfo; no signature needed', async () => {
    await withStandIns({ sts: {} }, async ({ emu, sts }) => {
      const res = await assumeRoleWithOidc(sts);
      const credentials = assertIssued(res, { nowMs: sts.requests[0].at, sessionName: 'emulator-oidc-test' });
      assert.equal(res.json.OIDCTokenInfo.ExpirationTime, credentials.Expiration);
      assert.equal(typeof res.json.OIDCTokenInfo.Subject, 'string');
      assert.equal(typeof res.json.OIDCTokenInfo.Issuer, 'string');
      assert.deepEqual(sts.issued.map((i) => i.via), ['AssumeRoleWithOIDC']);
      const stop = await stopWith(emu, credentials);
      assert.equal(stop.json?.Success, true, brief(stop));

      // RoleSessionName is optional; DurationSeconds is checked as for AssumeRole.
      const unnamed = await assumeRoleWithOidc(sts, { RoleSessionName: '' });
      assert.equal(unnamed.status, 200, brief(unnamed));
      assertStsError(await assumeRoleWithOidc(sts, { DurationSeconds: '60' }), 400, 'InvalidParameter.DurationSeconds');
    });
  });

  test('an unknown or missing OIDC token, a bad provider ARN or role ARN are refused', async () => {
    await withStandIns({ sts: { oidcTokens: ['token-a', 'token-b'] } }, async ({ sts }) => {
      assertStsError(await assumeRoleWithOidc(sts), 401, 'AuthenticationFail.OIDCToken.Invalid'); // the default is not accepted here
      assertStsError(await assumeRoleWithOidc(sts, { OIDCToken: '' }), 401, 'AuthenticationFail.OIDCToken.Invalid');
      assertStsError(await assumeRoleWithOidc(sts, { OIDCToken: 'token-b', OIDCProviderArn: 'acs:ram::1:role/x' }), 400, 'InvalidParameter.OIDCProviderArn');
      assertStsError(await assumeRoleWithOidc(sts, { OIDCToken: 'token-b', OIDCProviderArn: '' }), 400, 'MissingParameter');
      assertStsError(await assumeRoleWithOidc(sts, { OIDCToken: 'token-b', RoleArn: 'role' }), 400, 'InvalidParameter.RoleArn');
      assert.equal(sts.issued.length, 0);
      const ok = await assumeRoleWithOidc(sts, { OIDCToken: 'token-b' });
      assert.equal(ok.status, 200, brief(ok));
    });
  });
});

// --- expiry ---------------------------------------------------------------------------

describe('issued credentials expire', () => {
  test('STS credentials work until Expiration by the shared clock, then InvalidSecurityToken.Expired', async () => {
    const clock = fakeClock(Date.parse('2030-01-01T00:00:00Z'));
    await withStandIns({ emuOptions: { clock }, sts: { now: clock } }, async ({ emu, sts }) => {
      const res = await assumeRole(sts, { DurationSeconds: '900' }, { timeMs: clock() });
      const credentials = assertIssued(res, { nowMs: clock(), durationSeconds: 900, sessionName: 'emulator-test' });
      assert.equal(credentials.Expiration, '2030-01-01T00:15:00Z');

      clock.advance(899_000);
      const list = await call(emu, 'ListTaskFlowInstance', LIST, { account: asAccount(credentials), timeMs: clock() });
      assert.equal(list.status, 200, brief(list));

      clock.advance(1000);
      assertGateway(await stopWith(emu, credentials, { timeMs: clock() }), 400, 'InvalidSecurityToken.Expired');
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      // Nor can an expired key call AssumeRole.
      assertStsError(await assumeRole(sts, {}, { account: asAccount(credentials), timeMs: clock() }), 400, 'InvalidSecurityToken.Expired');
    });
  });

  test('by default the stand-ins follow the emulator clock (emu.setClock moves expiry too)', async () => {
    await withStandIns({ sts: {}, imds: { durationSeconds: 1200 } }, async ({ emu, sts, imds }) => {
      const fromSts = assertIssued(await assumeRole(sts, {}), { nowMs: sts.requests[0].at, sessionName: 'emulator-test' });
      const fromImds = assertMetadataCredentials(await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`));
      const start = Date.now();
      emu.setClock(() => Date.now() + 1200_000);
      // The timestamps must follow the emulator clock too, else the window check fails first.
      const later = () => ({ timeMs: Date.now() + 1200_000 });
      assert.equal((await stopWith(emu, fromSts, later())).status, 200);
      assertGateway(await call(emu, 'ListTaskFlowInstance', LIST, { account: asAccount(fromImds), ...later() }), 400, 'InvalidSecurityToken.Expired');
      // Issued now, by the moved clock: valid for another 1200 s from there.
      const fresh = assertMetadataCredentials(await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`));
      assert.ok(Date.parse(fresh.Expiration) >= Math.floor((start + 2400_000) / 1000) * 1000 - 1000);
      assert.equal((await call(emu, 'ListTaskFlowInstance', LIST, { account: asAccount(fresh), ...later() })).status, 200);
    });
  });
});

// --- the metadata service ------------------------------------------------------------------

describe('metadata stand-in', () => {
  test('IMDSv2: token, role discovery, role credentials that the DMS emulator accepts', async () => {
    await withStandIns({ imds: {} }, async ({ emu, imds }) => {
      assert.match(imds.url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
      assert.equal(imds.credentialsUri, `${imds.url}/credentials`);
      const tokenRes = await metadataToken(imds, '21600');
      assert.equal(tokenRes.status, 200);
      assert.match(tokenRes.headers.get('content-type'), /^text\/plain/);
      const token = tokenRes.text;
      assert.ok(token.length >= 20);

      const roles = await metadataGet(imds, ROLES, token);
      assert.equal(roles.status, 200);
      assert.equal(roles.text, DEFAULT_ROLE.roleName);
      assert.equal(DEFAULT_ROLE.roleName, 'EmulatorEcsRole');

      const credentials = assertMetadataCredentials(await metadataGet(imds, `${ROLES}${roles.text}`, token));
      const at = imds.requests[2].at;
      assert.equal(credentials.Expiration, isoSeconds(Math.floor((at + 21600_000) / 1000) * 1000));
      const stop = await stopWith(emu, credentials);
      assert.equal(stop.json?.Success, true, brief(stop));

      assert.deepEqual(imds.issued, [
        { accessKeyId: credentials.AccessKeyId, expiration: credentials.Expiration, via: 'EcsRamRole', roleArn: `acs:ram::${DEFAULT_ROLE.accountId}:role/EmulatorEcsRole` },
      ]);
      assert.deepEqual(
        imds.requests.map((r) => [r.method, r.action, r.tokenSent, r.outcome]),
        [
          ['PUT', 'token', false, 'ok'],
          ['GET', 'roles', true, 'ok'],
          ['GET', 'role-credentials', true, 'ok'],
        ],
      );
    });
  });

  test('IMDSv1 (no token) is answered only when imdsv1 is true', async () => {
    await withStandIns({ imds: { imdsv1: false, roleName: 'OtherRole' } }, async ({ imds }) => {
      assert.equal((await metadataGet(imds, ROLES)).status, 401);
      assert.equal((await metadataGet(imds, `${ROLES}OtherRole`)).status, 401);
      const { text: token } = await metadataToken(imds);
      const roles = await metadataGet(imds, ROLES, token);
      assert.equal(roles.text, 'OtherRole');
      assertMetadataCredentials(await metadataGet(imds, `${ROLES}OtherRole`, token));
      assert.deepEqual(imds.requests.map((r) => r.outcome), ['Unauthorized', 'Unauthorized', 'ok', 'ok', 'ok']);
    });
    await withStandIns({ imds: {} }, async ({ imds }) => {
      const roles = await metadataGet(imds, ROLES);
      assert.equal(roles.text, DEFAULT_ROLE.roleName);
      assertMetadataCredentials(await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`));
      assert.equal(imds.requests[0].tokenSent, false);
    });
  });

  test('a missing or bad TTL is 400; an unknown role 404; unknown or expired tokens 401; wrong methods 405', async () => {
    const clock = fakeClock();
    await withStandIns({ emuOptions: { clock }, imds: { now: clock } }, async ({ imds }) => {
      for (const ttl of [null, '', '0', '21601', 'abc', '60s']) {
        assert.equal((await metadataToken(imds, ttl)).status, 400, `TTL ${ttl}`);
      }
      assert.equal((await metadataGet(imds, '/latest/api/token')).status, 405);
      assert.equal((await fetch(`${imds.url}${ROLES}`, { method: 'PUT' })).status, 405);
      assert.equal((await metadataGet(imds, `${ROLES}NoSuchRole`)).status, 404);
      assert.equal((await metadataGet(imds, '/latest/meta-data/instance-id')).status, 404);
      assert.equal((await metadataGet(imds, '/elsewhere')).status, 404);
      assert.equal((await metadataGet(imds, ROLES, 'not-a-token-it-issued')).status, 401);

      const { text: token } = await metadataToken(imds, '60');
      assert.equal((await metadataGet(imds, ROLES, token)).status, 200);
      clock.advance(59_999);
      assert.equal((await metadataGet(imds, ROLES, token)).status, 200);
      clock.advance(1);
      assert.equal((await metadataGet(imds, ROLES, token)).status, 401);
      // A bad token is refused even though IMDSv1 is allowed: the client said it speaks v2.
      assert.equal((await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`, token)).status, 401);
      assert.equal(imds.issued.length, 0);
    });
  });

  test('credentials expire after durationSeconds', async () => {
    const clock = fakeClock();
    await withStandIns({ emuOptions: { clock }, imds: { now: clock, durationSeconds: 120 } }, async ({ emu, imds }) => {
      const credentials = assertMetadataCredentials(await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`));
      assert.equal(credentials.Expiration, isoSeconds(Math.floor((clock() + 120_000) / 1000) * 1000));
      clock.advance(119_000 - (clock() % 1000)); // still before Expiration (whole seconds)
      assert.equal((await stopWith(emu, credentials, { timeMs: clock() })).status, 200);
      clock.advance(1000);
      assertGateway(await call(emu, 'ListTaskFlowInstance', LIST, { account: asAccount(credentials), timeMs: clock() }), 400, 'InvalidSecurityToken.Expired');
    });
  });

  test('the credentials URI answers credentials that the DMS emulator accepts, with no metadata token', async () => {
    await withStandIns({ imds: { imdsv1: false } }, async ({ emu, imds }) => {
      const res = await readAnswer(await fetch(imds.credentialsUri));
      const credentials = assertMetadataCredentials(res, { lastUpdated: false });
      assert.match(res.headers.get('content-type'), /^application\/json/);
      const stop = await stopWith(emu, credentials);
      assert.equal(stop.json?.Success, true, brief(stop));
      assert.deepEqual(imds.issued.map((i) => i.via), ['CredentialsUri']);
      assert.equal(imds.requests[0].action, 'credentials-uri');
      assert.equal((await fetch(imds.credentialsUri, { method: 'POST' })).status, 405);
      // Each GET issues new credentials.
      const again = assertMetadataCredentials(await readAnswer(await fetch(imds.credentialsUri)), { lastUpdated: false });
      assert.notEqual(again.AccessKeyId, credentials.AccessKeyId);
    });
  });
});

// --- failNext, hangNext, close, logs ---------------------------------------------------------

describe('failNext, hangNext and close', () => {
  test('failNext: the next answer is exactly the raw answer, once, in order', async () => {
    await withStandIns({ sts: {}, imds: {} }, async ({ sts, imds }) => {
      sts.failNext({ status: 503, body: { Code: 'ServiceUnavailable' }, headers: { 'Retry-After': '1' } });
      sts.failNext({ status: 500, body: 'oops' });
      const first = await assumeRole(sts);
      assert.equal(first.status, 503);
      assert.deepEqual(first.json, { Code: 'ServiceUnavailable' });
      assert.equal(first.headers.get('retry-after'), '1');
      assert.match(first.headers.get('content-type'), /^application\/json/);
      const second = await assumeRole(sts);
      assert.equal(second.status, 500);
      assert.equal(second.text, 'oops');
      assert.equal((await assumeRole(sts)).status, 200);
      assert.deepEqual(sts.requests.map((r) => r.outcome), ['failNext', 'failNext', 'ok']);
      assert.equal(sts.requests[0].action, 'AssumeRole'); // still read and recorded
      assert.equal(sts.issued.length, 1);

      imds.failNext({ status: 500, body: '', headers: { 'Content-Type': 'text/html' } });
      const failed = await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`);
      assert.equal(failed.status, 500);
      assert.equal(failed.headers.get('content-type'), 'text/html');
      assertMetadataCredentials(await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`));
      assert.equal(imds.issued.length, 1);

      assert.throws(() => sts.failNext({ status: 42 }), RangeError);
      assert.throws(() => imds.failNext(null), TypeError);
    });
  });

  test('hangNext: the client times out, the next request is answered, close() ends promptly', async () => {
    const emu = await startEmulator({ model: 'instances' });
    const sts = await startStsStandIn(emu);
    const imds = await startMetadataStandIn(emu);
    try {
      sts.hangNext();
      await assert.rejects(send(sts.url, { params: assumeRoleParams(), signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
      assert.equal((await assumeRole(sts)).status, 200);
      assert.deepEqual(sts.requests.map((r) => r.outcome), ['hang', 'ok']);

      imds.hangNext();
      await assert.rejects(metadataGet(imds, ROLES, undefined, { signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
      assert.equal((await metadataGet(imds, ROLES)).status, 200);

      // A request left hanging at close time.
      imds.hangNext();
      const pending = fetch(imds.credentialsUri).then(() => 'answered', () => 'failed');
      while (imds.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      const started = Date.now();
      await Promise.all([sts.close(), imds.close()]);
      assert.ok(Date.now() - started < 2000, 'close() ends promptly with a request hanging');
      assert.equal(await pending, 'failed');
      assert.equal(imds.issued.length, 0);
      // close() is idempotent.
      await sts.close();
    } finally {
      await Promise.all([sts.close(), imds.close(), emu.close()]);
    }
  });

  test('the log option gets one line per request and never a secret', async () => {
    const lines = [];
    const log = (line) => lines.push(line);
    await withStandIns({ sts: { log }, imds: { log } }, async ({ emu, sts, imds }) => {
      const fromSts = (await assumeRole(sts, {}, { account: STS_KEY })).json.Credentials;
      const fromOidc = (await assumeRoleWithOidc(sts)).json.Credentials;
      await assumeRole(sts, {}, { secret: 'wrong' }); // SignatureDoesNotMatch echoes the string to sign: not logged
      const { text: token } = await metadataToken(imds);
      const fromImds = assertMetadataCredentials(await metadataGet(imds, `${ROLES}${DEFAULT_ROLE.roleName}`, token));
      const fromUri = assertMetadataCredentials(await readAnswer(await fetch(imds.credentialsUri)), { lastUpdated: false });
      assert.equal(lines.length, 6);
      const secrets = [...SECRETS, DEFAULT_ROLE.oidcToken, token];
      for (const credentials of [fromSts, fromOidc, fromImds, fromUri]) secrets.push(credentials.AccessKeySecret, credentials.SecurityToken);
      for (const line of lines) {
        for (const secret of secrets) assert.ok(!line.includes(secret), 'a log line holds a secret');
      }
      // Nor do the issued records.
      const issued = JSON.stringify([sts.issued, imds.issued]);
      for (const secret of secrets) assert.ok(!issued.includes(secret), 'an issued record holds a secret');
      assert.equal(emu.requests.length, 0);
    });
  });

  test('options are checked', async () => {
    await withStandIns({}, async ({ emu }) => {
      await assert.rejects(startStsStandIn({}), TypeError);
      await assert.rejects(startStsStandIn(emu, { oidcTokens: 'token' }), TypeError);
      await assert.rejects(startStsStandIn(emu, { now: 5 }), TypeError);
      await assert.rejects(startStsStandIn(emu, { port: -1 }), RangeError);
      await assert.rejects(startMetadataStandIn(emu, { roleName: 'bad role' }), TypeError);
      await assert.rejects(startMetadataStandIn(emu, { imdsv1: 'yes' }), TypeError);
      await assert.rejects(startMetadataStandIn(emu, { durationSeconds: 0 }), RangeError);
    });
  });
});
