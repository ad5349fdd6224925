// Stop and resume against the local emulator, through the packed tarball loaded both with
// `require` and with `import`: results, state changes, id forms (number, bigint, string),
// ids beyond 2^53, path-prefixed endpoints, STS, 200 concurrent calls, and every request
// checked with the emulator's independent reference signer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { loadPackage } from '../support/load-package.mjs';
import { DEFAULT_ACCOUNTS, KEY, STS, emulatorFixture } from '../support/emulator.mjs';
import { createFetchSpy } from '../support/fetch-spy.mjs';
import { assertDmsError, assertWellFormedCall } from '../support/assertions.mjs';
import { signRpc } from '../../emulator/signature.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture();
/** Every emulator of this file, for the final check of every request they received. */
const emulators = [emu];

const BIG_DAG = '9007199254740995';
const BIG_INSTANCE = '9007199254740993';

// Fresh instances, so each variant and id form acts on its own one.
let nextInstanceId = 700000;
function freshInstance(status, { dagId = '2001', dagVersion = '4' } = {}) {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId, dagInstanceId, status, dagVersion });
  return { dagId, dagInstanceId, dagVersion };
}

/** The RequestId of the emulator's answer to a spied call (body, and the header agrees). */
function answeredRequestId(call) {
  const requestId = JSON.parse(call.response.body).RequestId;
  assert.equal(typeof requestId, 'string');
  assert.ok(requestId.length > 0);
  assert.equal(call.response.requestIdHeader, requestId);
  return requestId;
}

const ID_FORMS = [
  ['number', (text) => Number(text)],
  ['bigint', (text) => BigInt(text)],
  ['string', (text) => text],
];

for (const [label, mod] of variants) {
  describe(`${label}: DmsClient against the emulator`, () => {
    const makeClient = (extra = {}) => {
      const fetch = createFetchSpy({ secret: extra.accessKeySecret ?? KEY.accessKeySecret });
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url, fetch, ...extra });
      return { client, fetch };
    };

    for (const [form, asId] of ID_FORMS) {
      test(`stops a running instance (ids as ${form})`, async () => {
        const { client, fetch } = makeClient();
        const { dagId, dagInstanceId } = freshInstance('running');
        const before = emu.requestCount;
        const result = await client.stopTaskFlowInstance({ dagId: asId(dagId), dagInstanceId: asId(dagInstanceId) });

        assert.equal(fetch.count, 1);
        assert.equal(emu.requestCount, before + 1);
        assert.deepEqual(result, { requestId: answeredRequestId(fetch.calls[0]), success: true });
        assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');
        const seen = emu.requests.at(-1);
        assert.equal(seen.action, 'StopTaskFlowInstance');
        assert.equal(seen.params.DagId, dagId);
        assert.equal(seen.params.DagInstanceId, dagInstanceId);
        assert.ok(!('Tid' in seen.params), 'no Tid when none was given');
        assertWellFormedCall(fetch.calls[0], { url: `${emu.url}/`, accessKeyId: KEY.accessKeyId, action: 'StopTaskFlowInstance' });
      });

      test(`resumes a suspended instance (ids as ${form})`, async () => {
        const { client, fetch } = makeClient();
        const { dagId, dagInstanceId, dagVersion } = freshInstance('suspended');
        const result = await client.resumeTaskFlowInstance({
          dagId: asId(dagId),
          dagInstanceId: asId(dagInstanceId),
          dagVersion,
        });

        assert.deepEqual(result, { requestId: answeredRequestId(fetch.calls[0]), success: true });
        assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'running');
        const seen = emu.requests.at(-1);
        assert.deepEqual(
          [seen.action, seen.params.DagId, seen.params.DagInstanceId, seen.params.DagVersion],
          ['ResumeTaskFlowInstance', dagId, dagInstanceId, dagVersion],
        );
        assertWellFormedCall(fetch.calls[0], { url: `${emu.url}/`, accessKeyId: KEY.accessKeyId, action: 'ResumeTaskFlowInstance' });
      });
    }

    test('resumes the seeded suspended instance 5002 and stops the seeded running 5001', async () => {
      emu.addInstance({ dagId: '1001', dagInstanceId: '5001', status: 'running', dagVersion: '3' });
      emu.addInstance({ dagId: '1001', dagInstanceId: '5002', status: 'suspended', dagVersion: '3' });
      const { client, fetch } = makeClient();
      assert.deepEqual(await client.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 5001 }), {
        requestId: answeredRequestId(fetch.calls[0]),
        success: true,
      });
      assert.deepEqual(await client.resumeTaskFlowInstance({ dagId: 1001, dagInstanceId: 5002, dagVersion: '3' }), {
        requestId: answeredRequestId(fetch.calls[1]),
        success: true,
      });
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      assert.equal(emu.getInstance('1001', '5002').status, 'running');
    });

    test('an integer dagVersion is sent as its decimal text', async () => {
      const { client } = makeClient();
      const { dagId, dagInstanceId } = freshInstance('suspended', { dagVersion: '12' });
      const result = await client.resumeTaskFlowInstance({ dagId, dagInstanceId, dagVersion: 12 });
      assert.equal(result.success, true);
      assert.equal(emu.requests.at(-1).params.DagVersion, '12');
      assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'running');
    });

    test('tid is sent as Tid, in every id form', async () => {
      const { client, fetch } = makeClient();
      for (const [, asId] of ID_FORMS) {
        const { dagId, dagInstanceId } = freshInstance('running');
        await client.stopTaskFlowInstance({ dagId, dagInstanceId, tid: asId('31') });
        assert.equal(emu.requests.at(-1).params.Tid, '31');
      }
      const { dagId, dagInstanceId, dagVersion } = freshInstance('suspended');
      await client.resumeTaskFlowInstance({ dagId, dagInstanceId, dagVersion, tid: 9223372036854775807n });
      assert.equal(emu.requests.at(-1).params.Tid, '9223372036854775807');
      for (const call of fetch.calls) assertWellFormedCall(call, { accessKeyId: KEY.accessKeyId });
    });

    test('ids beyond 2^53 stay exact end to end (bigint and string)', async () => {
      for (const [form, asId] of ID_FORMS.filter(([name]) => name !== 'number')) {
        emu.addInstance({ dagId: BIG_DAG, dagInstanceId: BIG_INSTANCE, status: 'suspended', dagVersion: '7' });
        const { client, fetch } = makeClient();
        const resumed = await client.resumeTaskFlowInstance({
          dagId: asId(BIG_DAG),
          dagInstanceId: asId(BIG_INSTANCE),
          dagVersion: '7',
        });
        assert.deepEqual(resumed, { requestId: answeredRequestId(fetch.calls[0]), success: true }, form);
        let seen = emu.requests.at(-1);
        assert.equal(seen.params.DagId, '9007199254740995', form);
        assert.equal(seen.params.DagInstanceId, '9007199254740993', form);
        assert.equal(fetch.calls[0].params.DagInstanceId, '9007199254740993', form);
        assert.equal(emu.getInstance(BIG_DAG, BIG_INSTANCE).status, 'running', form);

        const stopped = await client.stopTaskFlowInstance({ dagId: asId(BIG_DAG), dagInstanceId: asId(BIG_INSTANCE) });
        assert.deepEqual(stopped, { requestId: answeredRequestId(fetch.calls[1]), success: true }, form);
        seen = emu.requests.at(-1);
        assert.deepEqual([seen.params.DagId, seen.params.DagInstanceId], [BIG_DAG, BIG_INSTANCE], form);
        assert.equal(emu.getInstance(BIG_DAG, BIG_INSTANCE).status, 'stopped', form);
        // The neighbours a rounding client would hit do not exist.
        assert.equal(emu.getInstance(BIG_DAG, '9007199254740992'), undefined);
      }
    });

    test('one-shot stopTaskFlowInstance and resumeTaskFlowInstance', async () => {
      const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
      const running = freshInstance('running');
      const stopped = await mod.stopTaskFlowInstance({
        ...KEY,
        endpoint: emu.url,
        fetch,
        dagId: BigInt(running.dagId),
        dagInstanceId: Number(running.dagInstanceId),
      });
      assert.deepEqual(stopped, { requestId: answeredRequestId(fetch.calls[0]), success: true });
      assert.equal(emu.getInstance(running.dagId, running.dagInstanceId).status, 'stopped');

      const suspended = freshInstance('suspended');
      const resumed = await mod.resumeTaskFlowInstance({
        ...KEY,
        endpoint: emu.url,
        fetch,
        dagId: suspended.dagId,
        dagInstanceId: BigInt(suspended.dagInstanceId),
        dagVersion: suspended.dagVersion,
        tid: 5,
      });
      assert.deepEqual(resumed, { requestId: answeredRequestId(fetch.calls[1]), success: true });
      assert.equal(emu.getInstance(suspended.dagId, suspended.dagInstanceId).status, 'running');
      assert.equal(emu.requests.at(-1).params.Tid, '5');
      assert.equal(fetch.count, 2);
      for (const call of fetch.calls) assertWellFormedCall(call, { url: `${emu.url}/`, accessKeyId: KEY.accessKeyId });
    });

    test('one-shot with ids beyond 2^53', async () => {
      emu.addInstance({ dagId: BIG_DAG, dagInstanceId: BIG_INSTANCE, status: 'suspended', dagVersion: '7' });
      const result = await mod.resumeTaskFlowInstance({
        ...KEY,
        endpoint: emu.url,
        dagId: 9007199254740995n,
        dagInstanceId: '9007199254740993',
        dagVersion: '7',
      });
      assert.equal(result.success, true);
      assert.deepEqual([emu.requests.at(-1).params.DagId, emu.requests.at(-1).params.DagInstanceId], [BIG_DAG, BIG_INSTANCE]);
      assert.equal(emu.getInstance(BIG_DAG, BIG_INSTANCE).status, 'running');
    });

    test('without a fetch option the global fetch is used', async () => {
      const client = new mod.DmsClient({ ...KEY, endpoint: emu.url });
      const { dagId, dagInstanceId } = freshInstance('running');
      const before = emu.requestCount;
      const result = await client.stopTaskFlowInstance({ dagId, dagInstanceId });
      assert.equal(result.success, true);
      assert.equal(emu.requestCount, before + 1);
      assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');
    });

    test('STS credentials: SecurityToken is sent, signed and accepted', async () => {
      const { client, fetch } = makeClient({ ...STS });
      const { dagId, dagInstanceId } = freshInstance('running');
      const result = await client.stopTaskFlowInstance({ dagId, dagInstanceId });
      assert.deepEqual(result, { requestId: answeredRequestId(fetch.calls[0]), success: true });
      const seen = emu.requests.at(-1);
      assert.equal(seen.accessKeyId, STS.accessKeyId);
      assert.equal(seen.params.SecurityToken, STS.securityToken);
      assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');
      assertWellFormedCall(fetch.calls[0], { accessKeyId: STS.accessKeyId, securityToken: STS.securityToken });

      const oneShot = freshInstance('suspended');
      const resumed = await mod.resumeTaskFlowInstance({ ...STS, endpoint: emu.url, ...oneShot });
      assert.equal(resumed.success, true);
      assert.equal(emu.requests.at(-1).params.SecurityToken, STS.securityToken);
    });

    test('STS with a wrong token: InvalidSecurityToken.Mismatch; without one: MissingSecurityToken', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      const wrong = makeClient({ ...STS, securityToken: 'not-the-emulator-token' });
      await assert.rejects(wrong.client.stopTaskFlowInstance({ dagId, dagInstanceId }), (error) =>
        assertDmsError(error, mod.DmsError, { code: 'InvalidSecurityToken.Mismatch', status: 400, retryable: false }),
      );
      assert.equal(wrong.fetch.calls[0].params.SecurityToken, 'not-the-emulator-token');
      assertWellFormedCall(wrong.fetch.calls[0], { securityToken: 'not-the-emulator-token' });

      const { securityToken, ...withoutToken } = STS;
      assert.ok(securityToken);
      const missing = makeClient({ ...withoutToken });
      await assert.rejects(missing.client.stopTaskFlowInstance({ dagId, dagInstanceId }), (error) =>
        assertDmsError(error, mod.DmsError, { code: 'MissingSecurityToken', status: 400 }),
      );
      assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'running', 'refused requests change nothing');
    });

    test(`200 concurrent stop/resume calls on one client all succeed with distinct nonces`, async () => {
      const { client, fetch } = makeClient();
      const dagId = label === 'cjs' ? '3001' : '3002';
      const jobs = [];
      for (let i = 0; i < 200; i += 1) {
        const status = i % 2 === 0 ? 'running' : 'suspended';
        jobs.push({ ...freshInstance(status, { dagId, dagVersion: '9' }), status });
      }
      const before = emu.requestCount;
      const results = await Promise.all(
        jobs.map(({ dagId: d, dagInstanceId, dagVersion, status }) =>
          status === 'running'
            ? client.stopTaskFlowInstance({ dagId: d, dagInstanceId })
            : client.resumeTaskFlowInstance({ dagId: d, dagInstanceId, dagVersion }),
        ),
      );
      assert.equal(results.length, 200);
      for (const result of results) assert.equal(result.success, true);
      const requestIds = new Set(results.map((r) => r.requestId));
      assert.equal(requestIds.size, 200, 'each call has its own RequestId');

      const seen = emu.requests.slice(before);
      assert.equal(seen.length, 200);
      assert.ok(seen.every((r) => r.status === 200 && r.success === true));
      assert.equal(new Set(seen.map((r) => r.nonce)).size, 200, 'the emulator saw 200 distinct nonces');
      for (const job of jobs) {
        const want = job.status === 'running' ? 'stopped' : 'running';
        assert.equal(emu.getInstance(job.dagId, job.dagInstanceId).status, want);
      }
      assert.equal(fetch.count, 200);
      for (const call of fetch.calls) assertWellFormedCall(call, { url: `${emu.url}/`, accessKeyId: KEY.accessKeyId });
      // Each result is the answer to its own request.
      const answered = new Set(fetch.calls.map((call) => JSON.parse(call.response.body).RequestId));
      assert.deepEqual([...requestIds].sort(), [...answered].sort());
    });
  });

  describe(`${label}: endpoint with a path prefix`, async () => {
    const prefixed = await emulatorFixture({ pathPrefix: '/api/dms' });
    emulators.push(prefixed);

    test('requests go to the prefix + "/" and succeed', async () => {
      assert.match(prefixed.url, /\/api\/dms$/);
      for (const endpoint of [prefixed.url, `${prefixed.url}/`]) {
        const fetch = createFetchSpy({ secret: KEY.accessKeySecret });
        const client = new mod.DmsClient({ ...KEY, endpoint, fetch });
        const dagInstanceId = String(nextInstanceId++);
        prefixed.addInstance({ dagId: '4001', dagInstanceId, status: 'running', dagVersion: '1' });
        const result = await client.stopTaskFlowInstance({ dagId: '4001', dagInstanceId });
        assert.deepEqual(result, { requestId: answeredRequestId(fetch.calls[0]), success: true });
        assert.equal(fetch.calls[0].url, `${prefixed.url}/`);
        assert.equal(prefixed.requests.at(-1).path, '/api/dms/');
        assert.equal(prefixed.getInstance('4001', dagInstanceId).status, 'stopped');
        assertWellFormedCall(fetch.calls[0], { url: `${prefixed.url}/` });
      }
    });

    test('one-shot with the prefixed endpoint', async () => {
      const dagInstanceId = String(nextInstanceId++);
      prefixed.addInstance({ dagId: '4001', dagInstanceId, status: 'suspended', dagVersion: '2' });
      const result = await mod.resumeTaskFlowInstance({ ...KEY, endpoint: prefixed.url, dagId: 4001, dagInstanceId, dagVersion: '2' });
      assert.equal(result.success, true);
      assert.equal(prefixed.requests.at(-1).path, '/api/dms/');
      assert.equal(prefixed.getInstance('4001', dagInstanceId).status, 'running');
    });
  });
}

// Last in the file (node:test runs a file's tests in order): whatever path a request took
// (client method, one-shot, global fetch or spy), the emulator's record of it carries the
// exact parameters received, so every signature is checked against the reference signer.
test('every request the emulators received is signed exactly as the reference signer signs', () => {
  const secretOf = new Map(DEFAULT_ACCOUNTS.map((account) => [account.accessKeyId, account.accessKeySecret]));
  let checked = 0;
  for (const server of emulators) {
    for (const record of server.requests) {
      const secret = secretOf.get(record.accessKeyId);
      assert.ok(secret, `request from an unexpected key id ${record.accessKeyId}`);
      assert.equal(record.method, 'POST');
      assert.equal(signRpc('POST', record.params, secret), record.params.Signature, `${record.action} ${record.nonce}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 2 * 200 + 40, `requests checked: ${checked}`);
  const nonces = emulators.flatMap((server) => server.requests.map((record) => record.nonce));
  assert.equal(new Set(nonces).size, nonces.length, 'no nonce was ever reused');
});
