// client.waitForInstance against the emulator (model 'full'), through the packed tarball
// loaded both with `require` and with `import`: reaching a status the emulator moves the
// instance to, `until`, timeout, abort, not found, paging, option checks before any request,
// ids beyond 2^53, and a process that exits right after an abort.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, emulatorFixture } from '../support/emulator.mjs';
import { assertDmsError } from '../support/assertions.mjs';
import { CONSUMER_ESM_LOADER, pause, rejectionOf } from '../support/resilience.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture({ model: 'full' });

const DAG = '1001'; // a seeded task flow: ListTaskFlowInstance knows it
const BIG_DAG = '9007199254740995';
const BIG_INSTANCE = '9007199254740993';

let nextInstanceId = 810000;
function freshInstance(status, { dagId = DAG, dagVersion = '3' } = {}) {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId, dagInstanceId, status, dagVersion });
  return { dagId, dagInstanceId };
}

/** The ListTaskFlowInstance requests the emulator received since `from`. */
const listsSince = (from) => emu.requests.slice(from).filter((r) => r.action === 'ListTaskFlowInstance');

for (const [label, api] of variants) {
  const { DmsClient, DmsError } = api;
  const client = new DmsClient({ accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret, endpoint: emu.url });

  describe(`waitForInstance (${label})`, () => {
    test('follows an instance from running to succeeded', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      const seen = [];
      let plan;
      const result = await client.waitForInstance({
        dagId,
        dagInstanceId,
        intervalMs: 40,
        timeoutMs: 10_000,
        onProgress: (progress) => {
          seen.push(progress);
          // Planned once the first poll has seen it running, whatever the machine's load.
          if (progress.polls === 1) plan = emu.scheduleTransition(dagId, dagInstanceId, [{ afterMs: 120, status: 'succeeded' }]);
        },
      });
      assert.equal(await plan.done, true);
      assert.equal(result.status, 'succeeded');
      assert.equal(result.statusCode, 4);
      assert.ok(result.polls >= 2, `polled ${result.polls} times`);
      assert.equal(typeof result.elapsedMs, 'number');
      assert.ok(result.elapsedMs >= 100, `elapsed ${result.elapsedMs} ms`);
      assert.equal(result.instance.id, dagInstanceId);
      assert.equal(result.instance.dagId, dagId);
      assert.equal(result.instance.status, 4);
      assert.deepEqual(Object.keys(result).sort(), ['elapsedMs', 'instance', 'polls', 'status', 'statusCode']);
      // Progress after every poll: running first, succeeded last, polls counted from 1.
      assert.equal(seen.length, result.polls);
      assert.equal(seen[0].status, 'running');
      assert.equal(seen[0].statusCode, 1);
      assert.equal(seen.at(-1).status, 'succeeded');
      assert.deepEqual(seen.map((p) => p.polls), seen.map((_, i) => i + 1));
      assert.deepEqual([...new Set(seen.map((p) => p.status))], ['running', 'succeeded']);
    });

    test('until a status that is not final; a throwing onProgress is ignored', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      emu.scheduleTransition(dagId, dagInstanceId, [{ afterMs: 60, status: 'suspended' }]);
      let calls = 0;
      const result = await client.waitForInstance({
        dagId: BigInt(dagId),
        dagInstanceId: Number(dagInstanceId),
        until: 'suspended',
        intervalMs: 20,
        onProgress: () => {
          calls += 1;
          throw new Error('a broken callback');
        },
      });
      assert.equal(result.status, 'suspended');
      assert.equal(result.statusCode, 2);
      assert.equal(calls, result.polls);
    });

    test('an instance already in a wanted status resolves after one poll; until takes an array', async () => {
      const { dagId, dagInstanceId } = freshInstance('stopped');
      const before = emu.requestCount;
      const result = await client.waitForInstance({ dagId, dagInstanceId, until: ['failed', 'completed'] });
      assert.equal(result.status, 'completed');
      assert.equal(result.statusCode, 5);
      assert.equal(result.polls, 1);
      assert.equal(listsSince(before).length, 1);
      // Status numbers (and their strings) name the same statuses.
      assert.equal((await client.waitForInstance({ dagId, dagInstanceId, until: [3, '5'] })).status, 'completed');
      assert.equal((await client.waitForInstance({ dagId, dagInstanceId, until: api.InstanceStatus.completed })).status, 'completed');
    });

    test('default until: every final status (failed here)', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      emu.scheduleTransition(dagId, dagInstanceId, [{ afterMs: 30, status: 'suspended' }, { afterMs: 60, status: 'running' }, { afterMs: 90, status: 'failed' }]);
      const statuses = [];
      const result = await client.waitForInstance({ dagId, dagInstanceId, intervalMs: 10, onProgress: ({ status }) => statuses.push(status) });
      assert.equal(result.status, 'failed');
      assert.equal(statuses.at(-1), 'failed');
      assert.ok(!statuses.slice(0, -1).some((s) => ['failed', 'succeeded', 'completed'].includes(s)));
    });

    test('times out with Timeout (retryable) after the last poll', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      const before = emu.requestCount;
      const started = Date.now();
      let polls = 0;
      const error = await rejectionOf(client.waitForInstance({ dagId, dagInstanceId, intervalMs: 30, timeoutMs: 150, onProgress: (p) => (polls = p.polls) }));
      const elapsed = Date.now() - started;
      assertDmsError(error, DmsError, { code: 'Timeout', retryable: true, status: 'absent', messageIncludes: [dagInstanceId, 'running'] });
      assert.ok(elapsed >= 150, `rejected after ${elapsed} ms`);
      assert.ok(elapsed < 2000, `rejected after ${elapsed} ms`);
      assert.ok(polls >= 3, `polled ${polls} times`);
      // The rejection came right after the last poll: nothing more is sent.
      const sent = listsSince(before).length;
      assert.equal(sent, polls);
      await pause(100);
      assert.equal(listsSince(before).length, sent);
    });

    test('abort rejects at once with Aborted, the reason as cause, and polls no more', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      const controller = new AbortController();
      const reason = new Error('the operator gave up');
      const before = emu.requestCount;
      const waiting = client.waitForInstance({
        dagId,
        dagInstanceId,
        intervalMs: 1000,
        signal: controller.signal,
        onProgress: () => setTimeout(() => controller.abort(reason), 20),
      });
      const started = Date.now();
      const error = await rejectionOf(waiting);
      assertDmsError(error, DmsError, { code: 'Aborted', retryable: false, status: 'absent' });
      assert.equal(error.cause, reason);
      assert.ok(Date.now() - started < 500, 'rejected at once, not at the next poll');
      const sent = listsSince(before).length;
      assert.equal(sent, 1);
      await pause(1100); // past the next poll's time
      assert.equal(listsSince(before).length, sent, 'no poll after the abort');
    });

    test('an already aborted signal sends nothing', async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      const before = emu.requestCount;
      const reason = new Error('before the start');
      const error = await rejectionOf(client.waitForInstance({ dagId, dagInstanceId, signal: AbortSignal.abort(reason) }));
      assertDmsError(error, DmsError, { code: 'Aborted' });
      assert.equal(error.cause, reason);
      assert.equal(emu.requestCount, before);
    });

    test('an instance on no page rejects with InstanceNotFound', async () => {
      const before = emu.requestCount;
      const error = await rejectionOf(client.waitForInstance({ dagId: DAG, dagInstanceId: '424242424242', intervalMs: 10 }));
      assertDmsError(error, DmsError, { code: 'InstanceNotFound', retryable: false, messageIncludes: ['424242424242', DAG] });
      assert.equal(listsSince(before).length, 1, 'one page holds every instance of the flow');
    });

    test('a poll that fails rejects with its error (unknown task flow)', async () => {
      const error = await rejectionOf(client.waitForInstance({ dagId: '777777', dagInstanceId: '1', intervalMs: 10 }));
      assertDmsError(error, DmsError, { code: 'InvalidDagId', status: 200 });
    });

    test('bad options reject with a DmsError naming the field, before any request', async () => {
      const ok = { dagId: DAG, dagInstanceId: '5001' };
      const cases = [
        [undefined, 'InvalidParameter', 'options object'],
        ['5001', 'InvalidParameter', 'options object'],
        [{ dagInstanceId: '5001' }, 'MissingParameter', 'dagId'],
        [{ dagId: DAG }, 'MissingParameter', 'dagInstanceId'],
        [{ ...ok, dagId: '12abc' }, 'InvalidParameter', 'dagId'],
        [{ ...ok, dagInstanceId: 1.5 }, 'InvalidParameter', 'dagInstanceId'],
        [{ ...ok, dagInstanceId: -1 }, 'InvalidParameter', 'dagInstanceId'],
        [{ ...ok, dagInstanceId: 2 ** 53 }, 'InvalidParameter', 'dagInstanceId'],
        [{ ...ok, dagInstanceId: '9223372036854775808' }, 'InvalidParameter', 'dagInstanceId'],
        [{ ...ok, tid: 'x' }, 'InvalidParameter', 'tid'],
        [{ ...ok, until: 'stopped' }, 'InvalidParameter', 'until'],
        [{ ...ok, until: [] }, 'InvalidParameter', 'until'],
        [{ ...ok, until: ['running', 'done'] }, 'InvalidParameter', 'until'],
        [{ ...ok, until: 9 }, 'InvalidParameter', 'until'],
        [{ ...ok, until: [1.5] }, 'InvalidParameter', 'until'],
        [{ ...ok, intervalMs: 0 }, 'InvalidParameter', 'intervalMs'],
        [{ ...ok, intervalMs: -5 }, 'InvalidParameter', 'intervalMs'],
        [{ ...ok, intervalMs: 5 }, 'InvalidParameter', 'intervalMs'],
        [{ ...ok, intervalMs: '100' }, 'InvalidParameter', 'intervalMs'],
        [{ ...ok, timeoutMs: 0 }, 'InvalidParameter', 'timeoutMs'],
        [{ ...ok, timeoutMs: Infinity }, 'InvalidParameter', 'timeoutMs'],
        [{ ...ok, signal: {} }, 'InvalidParameter', 'signal'],
        [{ ...ok, onProgress: 'log' }, 'InvalidParameter', 'onProgress'],
        [{ ...ok, timeout: 100 }, 'InvalidParameter', 'timeout'],
      ];
      const before = emu.requestCount;
      for (const [options, code, field] of cases) {
        const error = await rejectionOf(client.waitForInstance(options), JSON.stringify(options));
        assertDmsError(error, DmsError, { code, status: 'absent', messageIncludes: [field] });
      }
      // A revoked Proxy as options: still a DmsError, never a throw.
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      assertDmsError(await rejectionOf(client.waitForInstance(proxy)), DmsError, { code: 'InvalidParameter' });
      assert.equal(emu.requestCount, before, 'nothing was sent');
    });

    test('never throws synchronously, even on a wrong this', async () => {
      const detached = client.waitForInstance;
      let promise;
      assert.doesNotThrow(() => (promise = detached.call({}, { dagId: DAG, dagInstanceId: '5001' })));
      assertDmsError(await rejectionOf(promise), DmsError, { code: 'InvalidParameter', messageIncludes: ['waitForInstance'] });
    });

    test('ids beyond 2^53 are matched exactly', async () => {
      const result = await client.waitForInstance({ dagId: BIG_DAG, dagInstanceId: BIG_INSTANCE, until: 'suspended', intervalMs: 10 });
      assert.equal(result.instance.id, BIG_INSTANCE);
      assert.equal(result.instance.dagId, BIG_DAG);
      assert.equal(result.status, 'suspended');
      // As a bigint too; as a rounded Number it would be refused.
      const again = await client.waitForInstance({ dagId: BigInt(BIG_DAG), dagInstanceId: BigInt(BIG_INSTANCE), until: 'suspended' });
      assert.equal(again.instance.id, BIG_INSTANCE);
      const list = emu.requests.filter((r) => r.action === 'ListTaskFlowInstance' && r.params.DagId === BIG_DAG);
      assert.ok(list.length >= 2, 'the big DagId was sent exactly');
    });
  });
}

test('waitForInstance pages through a task flow with more instances than a page holds', async () => {
  const { DmsClient } = variants[0][1];
  const client = new DmsClient({ accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret, endpoint: emu.url });
  const dagId = '1001';
  let target;
  for (let i = 0; i < 230; i += 1) target = freshInstance(i === 229 ? 'running' : 'succeeded', { dagId });
  const before = emu.requestCount;
  const result = await client.waitForInstance({
    ...target,
    intervalMs: 40,
    onProgress: ({ polls }) => polls === 1 && emu.scheduleTransition(dagId, target.dagInstanceId, [{ afterMs: 60, status: 'succeeded' }]),
  });
  assert.equal(result.status, 'succeeded');
  assert.equal(result.instance.id, target.dagInstanceId);
  const pages = listsSince(before).map((r) => Number(r.params.PageIndex));
  assert.ok(listsSince(before).every((r) => r.params.PageSize === '100'));
  // The first poll reads pages 1, 2, 3, ... up to the one holding the instance; later polls
  // ask for that page first (and find it there).
  const foundOn = Math.max(...pages);
  assert.ok(foundOn >= 3, `found on page ${foundOn}`);
  assert.deepEqual(pages.slice(0, foundOn), Array.from({ length: foundOn }, (_, i) => i + 1));
  assert.ok(result.polls >= 2);
  assert.deepEqual(pages.slice(foundOn), Array(result.polls - 1).fill(foundOn));
});

test('a process whose wait is aborted exits at once (no timer left behind)', async () => {
  const { dagId, dagInstanceId } = freshInstance('running');
  const script = `
    import { DmsClient } from ${JSON.stringify(CONSUMER_ESM_LOADER)};
    const client = new DmsClient({ accessKeyId: ${JSON.stringify(KEY.accessKeyId)}, accessKeySecret: ${JSON.stringify(KEY.accessKeySecret)}, endpoint: ${JSON.stringify(emu.url)} });
    const controller = new AbortController();
    client.waitForInstance({ dagId: '${dagId}', dagInstanceId: '${dagInstanceId}', intervalMs: 60000, signal: controller.signal,
      onProgress: () => setTimeout(() => controller.abort('stop waiting'), 10) })
      .catch((error) => console.log(JSON.stringify({ code: error.code, cause: error.cause, at: Date.now() })));
  `;
  const started = Date.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise((resolve) => child.once('close', resolve));
  clearTimeout(killer);
  assert.equal(code, 0, stderr);
  const line = JSON.parse(stdout.trim());
  assert.deepEqual({ code: line.code, cause: line.cause }, { code: 'Aborted', cause: 'stop waiting' });
  assert.ok(Date.now() - started < 10_000, 'exited long before the 60 s interval');
  assert.ok(Date.now() - line.at < 2000, `exited ${Date.now() - line.at} ms after the abort`);
});
