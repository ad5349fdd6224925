// Issue "every task-flow operation": ACS3-HMAC-SHA256 (signatureVersion 'v3') and presigned
// GET requests checked by the emulator's independent node:crypto signers, client.call, and
// every operation of the table sent through its generated method to the full emulator model.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, STS, SECRETS, emulatorFixture } from '../support/emulator.mjs';
import { assertNoSecrets } from '../support/assertions.mjs';
import { sha256Hex, signRpc, signV3 } from '../../emulator/signature.mjs';

const { variants } = await loadPackage();
const spec = JSON.parse(readFileSync(new URL('../../spec/taskflow-operations.json', import.meta.url), 'utf8'));
const camel = (name) => name.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (m) => m.toLowerCase());

describe('V3 signatures and presigned GET', async () => {
  const emu = await emulatorFixture();

  for (const [label, mod] of variants) {
    test(`${label}: a V3 client stops and resumes; the emulator verified ACS3-HMAC-SHA256`, async () => {
      emu.addInstance({ dagId: '1001', dagInstanceId: '7301', status: 'running', dagVersion: '3' });
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, signatureVersion: 'v3' });
      const before = emu.requests.length;
      const result = await client.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 7301 });
      assert.equal(result.success, true);
      const record = emu.requests[before];
      assert.equal(record.signatureVersion, 'v3');
      assert.equal(record.status, 200);
      assert.equal(emu.getInstance('1001', '7301').status, 'stopped');
    });

    test(`${label}: V3 with STS sends x-acs-security-token; a wrong secret is SignatureDoesNotMatch, redacted`, async () => {
      emu.addInstance({ dagId: '1001', dagInstanceId: '7302', status: 'suspended', dagVersion: '3' });
      const sts = new mod.DmsClient({ ...STS, endpoint: emu.url, signatureVersion: 'v3' });
      assert.equal((await sts.resumeTaskFlowInstance({ dagId: 1001, dagInstanceId: 7302, dagVersion: '3' })).success, true);
      const wrong = new mod.DmsClient({ ...STS, accessKeySecret: 'not-it', endpoint: emu.url, signatureVersion: 'v3', maxAttempts: 1 });
      const error = await wrong.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 7302 }).catch((e) => e);
      assert.ok(error instanceof mod.DmsError);
      assert.equal(error.code, 'SignatureDoesNotMatch');
      assert.equal(error.status, 400);
      assertNoSecrets(`${error.message} ${JSON.stringify(error)}`, [...SECRETS, STS.accessKeyId], 'V3 signature error');
    });

    test(`${label}: signRequest v3 equals the emulator's independent V3 signer`, () => {
      const request = mod.signRequest(
        { ...KEY, endpoint: 'https://dms-enterprise.aliyuncs.com', signatureVersion: 'v3' },
        'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47' },
        { timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' },
      );
      assert.equal(request.method, 'POST');
      assert.equal(request.url, 'https://dms-enterprise.aliyuncs.com/?DagId=7&DagInstanceId=47');
      assert.equal(request.body, undefined);
      const { authorization, ...acs } = request.headers;
      assert.deepEqual(acs, {
        'x-acs-action': 'StopTaskFlowInstance',
        'x-acs-version': '2018-11-01',
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-content-sha256': sha256Hex(''),
      });
      const expected = signV3({
        method: 'POST', host: 'dms-enterprise.aliyuncs.com', query: { DagId: '7', DagInstanceId: '47' },
        headers: acs, accessKeyId: KEY.accessKeyId, secret: KEY.accessKeySecret,
      });
      assert.equal(authorization, expected.authorization);
    });

    test(`${label}: a presigned GET URL works with a plain fetch and matches the reference V1 signer`, async () => {
      emu.addInstance({ dagId: '1001', dagInstanceId: '7303', status: 'running', dagVersion: '3' });
      const request = mod.signRequest({ ...KEY, endpoint: emu.url }, 'StopTaskFlowInstance', { DagId: 1001, DagInstanceId: 7303 }, { method: 'GET' });
      assert.equal(request.method, 'GET');
      assert.deepEqual(request.headers, {});
      assert.equal(request.body, undefined);
      const params = Object.fromEntries(new URL(request.url).searchParams);
      const { Signature, ...signed } = params;
      assert.equal(Signature, signRpc('GET', signed, KEY.accessKeySecret));
      const answer = await (await fetch(request.url)).json();
      assert.equal(answer.Success, true);
      assert.equal(emu.getInstance('1001', '7303').status, 'stopped');
    });

    test(`${label}: client.call sends table actions with wire names and any other action as given`, async () => {
      emu.addInstance({ dagId: '1001', dagInstanceId: '7304', status: 'running', dagVersion: '3' });
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, maxAttempts: 1 });
      const stopped = await client.call('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: 7304n });
      assert.deepEqual(Object.keys(stopped).sort(), ['requestId', 'success']);
      const refused = await client.call('StopTaskFlowInstance', { dagId: 1 }).catch((e) => e);
      assert.equal(refused.code, 'InvalidParameter');
      const before = emu.requestCount;
      const unknown = await client.call('ListUsers', { PageNumber: 1, Role: 'ADMIN' }).catch((e) => e);
      assert.equal(unknown.code, 'InvalidApi.NotFound');
      assert.equal(unknown.status, 404);
      assert.equal(emu.requestCount, before + 1);
      const bad = await client.call('ListUsers', { Signature: 'x' }).catch((e) => e);
      assert.equal(bad.message, 'Signature is set by the client; leave it out');
      assert.equal(emu.requestCount, before + 1, 'a bad call sends nothing');
    });
  }
});

// A value of the right type for a parameter, for requests built from the table. Some string
// parameters carry a format the gateway checks (dates, enums, JSON in a string).
const FORMATTED = { TimeVariables: '[]', TriggerType: 'Cron', CronType: 'DAY' };
function sample(param) {
  if (param.encoding === 'json-string') return [];
  if (param.type === 'string' && param.name in FORMATTED) return FORMATTED[param.name];
  if (param.type === 'string' && /Date|Time(Begin|End)$/.test(param.name)) return '2026-11-22';
  if (param.type === 'number') return /Id$|^Tid$|^DagVersion$|^Node(From|End)$/.test(param.name) ? '1001' : 1;
  if (param.type === 'boolean') return true;
  return 'x';
}

describe('every operation of the table, through its generated method', async () => {
  const emu = await emulatorFixture({ model: 'full' });
  const [, mod] = variants[0];
  const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, maxAttempts: 1 });

  for (const op of spec.operations) {
    const method = camel(op.action);
    test(`${method}: accepted by the emulator; a missing required parameter is refused before sending`, async () => {
      assert.equal(typeof client[method], 'function', `DmsClient.prototype.${method}`);
      const params = Object.fromEntries(op.params.map((p) => [camel(p.name), sample(p)]));
      const before = emu.requestCount;
      const outcome = await client[method](params).then((r) => ({ ok: r }), (e) => ({ error: e }));
      assert.equal(emu.requestCount, before + 1, 'one request sent');
      const record = emu.requests.at(-1);
      assert.equal(record.action, op.action);
      // The gateway accepted the request's signature, names and types: any answer but a
      // gateway refusal of a scalar parameter (JSON-string items may be checked further).
      if (outcome.error && outcome.error.status !== 200) {
        const jsonParams = op.params.filter((p) => p.encoding === 'json-string').map((p) => p.name);
        assert.ok(
          ['InvalidParameter', 'MissingParameter'].includes(outcome.error.code) && jsonParams.some((name) => outcome.error.message.includes(name)),
          `${op.action}: ${outcome.error.code} ${outcome.error.status} ${outcome.error.message}`,
        );
      } else if (outcome.ok) {
        assert.equal(outcome.ok.success, true);
        assert.equal(typeof outcome.ok.requestId, 'string');
      }
      for (const required of op.params.filter((p) => p.required)) {
        const { [camel(required.name)]: _, ...without } = params;
        const error = await client[method](without).catch((e) => e);
        assert.equal(error.code, 'MissingParameter', `${op.action} without ${required.name}`);
        assert.equal(error.message, `${camel(required.name)} is required for ${op.action}`);
      }
      assert.equal(emu.requestCount, before + 1, 'refused calls send nothing');
    });
  }

  test('results: ids are strings and wrappers are unwrapped (listTaskFlowInstance)', async () => {
    const list = await client.listTaskFlowInstance({ dagId: '9007199254740995', pageIndex: 1, pageSize: 10 });
    assert.ok(Array.isArray(list.dagInstanceList), 'DAGInstanceList.DAGInstance[] is an array');
    assert.equal(list.dagInstanceList[0].id, '9007199254740993');
    assert.equal(typeof list.totalCount, 'number');
    assert.equal(list.errorCode, undefined);
  });
});
