// Issue 19's behaviours a new user meets, from the packed tarball: errors that point at the
// call, one status vocabulary, paging, v3 through a same-origin proxy (signingHost), the
// one-shot functions reading the endpoint from the environment, and the smaller ones (a fetch
// failure no retry can mend, HTTP 304, option errors that show the value).
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createFetchSpy } from '../support/fetch-spy.mjs';
import { KEY, emulatorFixture } from '../support/emulator.mjs';
import { runNode } from '../support/emulator-requests.mjs';
import { loadPackage } from '../support/load-package.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture();
const THIS_FILE = fileURLToPath(import.meta.url).split('/').pop();

/** A server on 127.0.0.1 answering every request with `handler`, closed after the file. */
async function serve(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

/** A plain reverse proxy: `/api/dms/...` forwarded unchanged to the emulator, Host rewritten to the upstream's. */
const proxyUrl = await serve((req, res) => {
  if (!req.url.startsWith('/api/dms/')) {
    res.writeHead(404).end();
    return;
  }
  const target = new URL(req.url.slice('/api/dms'.length), emu.url);
  const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  req.pipe(upstream);
});

let nextInstance = 880000;
function runningInstance(dagId = '1001') {
  const dagInstanceId = String(nextInstance++);
  emu.addInstance({ dagId, dagInstanceId, status: 'running', dagVersion: '3' });
  return dagInstanceId;
}

for (const [label, mod] of variants) {
  const { DmsClient, DmsError } = mod;
  const client = (options = {}) => new DmsClient({ ...KEY, endpoint: emu.url, ...options });

  describe(`${label}: errors point at the call`, () => {
    test('a server error carries the wire action, and its stack shows the caller', async () => {
      const dagInstanceId = runningInstance();
      await client().stopTaskFlowInstance({ dagId: '1001', dagInstanceId });
      async function stopTwiceFromMyScript() {
        return client().stopTaskFlowInstance({ dagId: '1001', dagInstanceId });
      }
      const error = await stopTwiceFromMyScript().then(() => assert.fail('resolved'), (e) => e);
      assert.ok(error instanceof DmsError);
      assert.equal(error.code, 'InvalidStatus');
      assert.equal(error.action, 'StopTaskFlowInstance');
      assert.equal(JSON.parse(JSON.stringify(error)).action, 'StopTaskFlowInstance');
      assert.match(error.stack, /stopTwiceFromMyScript/);
      assert.ok(error.stack.includes(THIS_FILE), error.stack);
    });

    test('so do refusals before sending, call(), paging and the one-shot functions', async () => {
      const refused = await client().resumeTaskFlowInstance({ dagId: '1001', dagInstanceId: '1' }).catch((e) => e);
      assert.equal(refused.code, 'MissingParameter');
      assert.equal(refused.action, 'ResumeTaskFlowInstance');
      assert.ok(refused.stack.includes(THIS_FILE), refused.stack);
      const viaCall = await client().call('ListTaskFlowInstance', { DagId: '777777', PageIndex: 1, PageSize: 10 }).catch((e) => e);
      assert.equal(viaCall.action, 'ListTaskFlowInstance');
      const oneShot = await mod.stopTaskFlowInstance({ ...KEY, endpoint: emu.url, dagId: '1001', dagInstanceId: '5004' }).catch((e) => e);
      assert.equal(oneShot.action, 'StopTaskFlowInstance');
      assert.ok(oneShot.stack.includes(THIS_FILE), oneShot.stack);
    });
  });

  describe(`${label}: status names`, () => {
    test('InstanceStatus and instanceStatusName are exported, one vocabulary', () => {
      assert.deepEqual({ ...mod.InstanceStatus }, { waiting: 0, running: 1, suspended: 2, failed: 3, succeeded: 4, completed: 5 });
      assert.ok(Object.isFrozen(mod.InstanceStatus));
      assert.equal(mod.instanceStatusName(5), 'completed');
      assert.equal(mod.instanceStatusName('2'), 'suspended');
      assert.equal(mod.instanceStatusName(6), undefined);
    });

    test('the status filter takes a name or a number', async () => {
      const fetch = createFetchSpy();
      const byName = await client({ fetch }).listTaskFlowInstance({ dagId: '1001', pageIndex: 1, pageSize: 100, status: 'suspended' });
      const byNumber = await client({ fetch }).listTaskFlowInstance({ dagId: '1001', pageIndex: 1, pageSize: 100, status: 2 });
      assert.deepEqual(fetch.calls.map((call) => call.params.Status), ['2', '2']);
      assert.ok(byName.dagInstanceList.length > 0 && byName.dagInstanceList.every((instance) => instance.status === mod.InstanceStatus.suspended));
      assert.deepEqual(byName.dagInstanceList, byNumber.dagInstanceList);
      const error = await client({ fetch }).listTaskFlowInstance({ dagId: '1001', pageIndex: 1, pageSize: 10, status: 'stopped' }).catch((e) => e);
      assert.equal(error.code, 'InvalidParameter');
      assert.equal(error.message, 'status must be a status name (waiting, running, suspended, failed, succeeded, completed) or its number (0-5); got the string "stopped"');
      assert.equal(fetch.count, 2);
    });
  });

  describe(`${label}: paging`, () => {
    const dagId = label === 'cjs' ? '4201' : '4202';
    for (let i = 0; i < 200; i += 1) emu.addInstance({ dagId, dagInstanceId: String(600000 + i), status: i % 2 ? 'running' : 'failed', dagVersion: '1' });

    test('paginate yields every entry and stops at the total', async () => {
      const fetch = createFetchSpy();
      const ids = [];
      for await (const instance of client({ fetch }).paginate('listTaskFlowInstance', { dagId })) ids.push(instance.id);
      assert.equal(ids.length, 200);
      assert.equal(new Set(ids).size, 200);
      assert.deepEqual(fetch.calls.map((call) => [call.params.PageIndex, call.params.PageSize]), [['1', '100'], ['2', '100']], 'no third, empty page');
      const small = createFetchSpy();
      let count = 0;
      for await (const instance of client({ fetch: small }).paginate('listTaskFlowInstance', { dagId, pageSize: 30, status: 'running' })) {
        assert.equal(instance.status, 1);
        count += 1;
      }
      assert.equal(count, 100);
      assert.equal(small.count, 4, 'pages of 30, 30, 30, 10');
    });

    test('breaking out of the loop fetches no more pages; a failed page throws its DmsError', async () => {
      const fetch = createFetchSpy();
      for await (const instance of client({ fetch }).paginate('listTaskFlowInstance', { dagId }, { timeoutMs: 5000 })) {
        assert.ok(instance.id);
        break;
      }
      assert.equal(fetch.count, 1);
      const iterate = async (method, params) => {
        for await (const entry of client().paginate(method, params)) assert.ok(entry);
      };
      await assert.rejects(iterate('listTaskFlowInstance', { dagId: '777777' }), (e) => e instanceof DmsError && e.code === 'InvalidDagId' && e.action === 'ListTaskFlowInstance');
      await assert.rejects(iterate('listTaskFlow', {}), (e) => e instanceof DmsError && e.code === 'InvalidParameter' &&
        e.message.startsWith('paginate takes the name of a List method that pages (listDAGVersions, listTaskFlowInstance, listTaskFlowsByPage)'));
      const versions = [];
      for await (const version of client().paginate('listDAGVersions', { dagId: '1001' })) versions.push(version.versionId);
      assert.deepEqual(versions.sort(), ['2', '3']);
    });
  });

  describe(`${label}: v3 behind a same-origin proxy`, () => {
    const upstreamHost = new URL(emu.url).host;

    test('V1 passes a plain reverse proxy as it is; V3 needs signingHost, and works with it', async () => {
      const through = (options) => client({ endpoint: `${proxyUrl}/api/dms`, ...options });
      await through().stopTaskFlowInstance({ dagId: '1001', dagInstanceId: runningInstance() });
      const unsigned = await through({ signatureVersion: 'v3' }).stopTaskFlowInstance({ dagId: '1001', dagInstanceId: runningInstance() }).catch((e) => e);
      assert.equal(unsigned.code, 'SignatureDoesNotMatch', 'signed for the proxy, checked for the upstream host');
      const dagInstanceId = runningInstance();
      const result = await through({ signatureVersion: 'v3', signingHost: upstreamHost }).stopTaskFlowInstance({ dagId: '1001', dagInstanceId });
      assert.equal(result.success, true);
      assert.equal(emu.getInstance('1001', dagInstanceId).status, 'stopped');
    });

    test('the signing host is normalised as fetch sends it: IDN as punycode, no default port, lower case', () => {
      const sign = (options) => mod.signRequest({ ...KEY, signatureVersion: 'v3', endpoint: 'https://proxy.example.com/api/dms', ...options },
        'StopTaskFlowInstance', { DagId: '1', DagInstanceId: '2' }, { timestamp: '2026-12-07T00:00:00Z', nonce: 'n' }).headers.authorization;
      assert.equal(sign({ signingHost: 'Bücher.Example:443' }), sign({ signingHost: 'xn--bcher-kva.example' }));
      assert.equal(sign({ endpoint: 'https://bücher.example/api' }), sign({ signingHost: 'xn--bcher-kva.example' }));
      assert.notEqual(sign({ signingHost: 'xn--bcher-kva.example:8443' }), sign({ signingHost: 'xn--bcher-kva.example' }));
      assert.throws(() => sign({ signingHost: 'https://dms-enterprise.aliyuncs.com' }), (e) => e.code === 'InvalidParameter' && e.message.startsWith('signingHost must be a host name'));
    });
  });

  describe(`${label}: smaller ones`, () => {
    test('a fetch failure no retry can mend (a port fetch blocks) is not retried', async () => {
      let calls = 0;
      const fetch = (...args) => {
        calls += 1;
        return globalThis.fetch(...args);
      };
      const error = await client({ endpoint: 'http://127.0.0.1:6000', fetch, maxAttempts: 3, retryBaseDelayMs: 0 })
        .stopTaskFlowInstance({ dagId: '1', dagInstanceId: '2' }).catch((e) => e);
      assert.equal(error.code, 'NetworkError');
      assert.equal(error.retryable, false);
      assert.match(error.message, /bad port/);
      assert.equal(calls, 1);
    });

    test('HTTP 304 is an unexpected answer, not a redirect', async () => {
      const url = await serve((req, res) => res.writeHead(304).end());
      const error = await client({ endpoint: url }).stopTaskFlowInstance({ dagId: '1', dagInstanceId: '2' }).catch((e) => e);
      assert.equal(error.code, 'InvalidResponse');
      assert.equal(error.status, 304);
      assert.doesNotMatch(error.message, /redirect/);
      assert.match(error.message, /answered HTTP 304, which is not a DMS answer/);
    });

    test('timeoutMs: 0 and maxAttempts: 0 say the value', async () => {
      assert.throws(() => new DmsClient({ timeoutMs: 0 }), (e) => e.message === 'timeoutMs must be an integer from 1 to 2147483647; got 0');
      assert.throws(() => new DmsClient({ maxAttempts: 0 }), (e) => e.message === 'maxAttempts must be an integer from 1 to 10; got 0');
      const perCall = await client().stopTaskFlowInstance({ dagId: '1', dagInstanceId: '2' }, { timeoutMs: 0 }).catch((e) => e);
      assert.equal(perCall.message, 'timeoutMs must be an integer from 1 to 2147483647; got 0');
    });
  });
}

test('the one-shot functions read DMS_ENDPOINT (and ALIBABA_CLOUD_REGION_ID) as the CLI does', async () => {
  const dagInstanceId = runningInstance();
  const load = new URL('../../.scratch/consumer/load.mjs', import.meta.url).href;
  const script = `const { stopTaskFlowInstance } = await import(${JSON.stringify(load)});
    const r = await stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '${dagInstanceId}' });
    console.log(r.success);`;
  const env = {
    PATH: process.env.PATH,
    DMS_ENDPOINT: emu.url,
    ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou',
    ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret,
  };
  const { code, stdout } = await runNode(['--input-type=module', '-e', script], 20_000, env);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), 'true');
  assert.equal(emu.getInstance('1001', dagInstanceId).status, 'stopped');
});
