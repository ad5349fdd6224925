// The runtime suite in Node 20, from the packed tarball, through `require` and `import`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_ACCOUNTS, startEmulator } from '../../emulator/index.mjs';
import { loadPackage } from '../support/load-package.mjs';
import { assertExitedCleanly, childEnv, runProcess, withProcessOutput } from './fixtures/processes.mjs';
import { stageInConsumer } from './fixtures/stage.mjs';
import { runInEmulator } from './harness.mjs';

const { variants } = await loadPackage();

for (const [label, api] of variants) {
  test(`node ${label}: the runtime suite passes against the emulator`, async () => {
    await runInEmulator({}, (env) => import('./suite.mjs').then(({ runSuite }) => runSuite(api, env)));
  });
}

// The README's Node examples, run as a user runs them: a script in a project that installed
// the tarball. The ESM one passes credentials explicitly; the CJS one relies on the one-shot
// form reading ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET from the environment.
test('node: the README examples stop and resume an instance', { timeout: 50_000 }, async (t) => {
  const dir = stageInConsumer(t, 'node', ['node-example.mjs', 'node-example.cjs']);
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const { accessKeyId, accessKeySecret } = DEFAULT_ACCOUNTS[0];
  const env = childEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret, DMS_ENDPOINT: emulator.url });
  for (const [script, expected] of [['node-example.mjs', /^stopped \S+\n$/], ['node-example.cjs', /^resumed \S+\n$/]]) {
    const run = await runProcess(t, process.execPath, [join(dir, script)], { cwd: dir, env, timeoutMs: 20_000 });
    await withProcessOutput(run.describe, () => {
      assertExitedCleanly(run);
      assert.match(run.stdout, expected);
    });
  }
  assert.equal(emulator.getInstance('1001', '5001').status, 'stopped');
  assert.equal(emulator.getInstance('1001', '5002').status, 'running');
  assert.deepEqual(emulator.requests.map((r) => [r.action, r.status]), [['StopTaskFlowInstance', 200], ['ResumeTaskFlowInstance', 200]]);
});
