// The runtime suite in Deno 2 (node_modules/.bin/deno), loading the packed tarball from
// .scratch/consumer as a Deno user does: `import ... from 'npm:dms-taskflow'` in a project
// with a package.json and node_modules, which Deno resolves through the `deno` export
// condition (dist/web.mjs: the wasm inlined as base64, compiled synchronously).
//
// Offline and least privilege: --no-remote, --cached-only (nothing is downloaded: the
// package comes from node_modules), DENO_DIR under .scratch/, DENO_NO_UPDATE_CHECK=1,
// --no-prompt (a missing permission fails instead of waiting on a prompt), and the only
// permissions are --allow-net=127.0.0.1 (the emulator) and, for the README example,
// --allow-env for exactly the three variables it reads. No --allow-read: loading modules
// from node_modules and compiling the inlined wasm need none.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS, startEmulator } from '../../emulator/index.mjs';
import { runInEmulator } from './harness.mjs';
import { assertExitedCleanly, binary, childEnv, lastJsonLine, runProcess, withProcessOutput } from './fixtures/processes.mjs';
import { consumerDir, installedDir, stageInConsumer } from './fixtures/stage.mjs';

const deno = binary('deno');
const denoDir = fileURLToPath(new URL('../../.scratch/deno-dir/', import.meta.url));
const TIMEOUT_MS = 30_000;
// Belt and braces: were Deno to reach for the npm registry, it would fail here, not go online.
const DEAD_REGISTRY = 'http://127.0.0.1:9/';

/** `deno run` of `script` from the consumer project, offline, with only `permissions`. */
function denoRun(t, script, permissions, args = [], env = {}) {
  return runProcess(
    t,
    deno,
    ['run', '--no-remote', '--cached-only', '--no-prompt', '--node-modules-dir=manual', ...permissions, script, ...args],
    {
      cwd: consumerDir,
      env: childEnv({ DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', NPM_CONFIG_REGISTRY: DEAD_REGISTRY, ...env }),
      timeoutMs: TIMEOUT_MS,
    },
  );
}

test('deno: the runtime suite passes with npm:dms-taskflow from node_modules', { timeout: 50_000 }, async (t) => {
  const dir = stageInConsumer(t, 'deno', ['deno-suite.mjs']);
  let run = null;
  await withProcessOutput(
    () => run?.describe(),
    () =>
      runInEmulator({}, async (env) => {
        run = await denoRun(t, join(dir, 'deno-suite.mjs'), ['--allow-net=127.0.0.1'], [JSON.stringify(env)]);
        assertExitedCleanly(run);
        const { entry, results } = lastJsonLine(run);
        assert.equal(fileURLToPath(entry), join(installedDir, 'dist', 'web.mjs'), 'npm:dms-taskflow is the installed dist/web.mjs');
        return results;
      }),
  );
});

test('deno: the README example stops an instance', { timeout: 50_000 }, async (t) => {
  const dir = stageInConsumer(t, 'deno', ['deno-example.mjs']);
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const { accessKeyId, accessKeySecret } = DEFAULT_ACCOUNTS[0];
  const run = await denoRun(
    t,
    join(dir, 'deno-example.mjs'),
    ['--allow-net=127.0.0.1', '--allow-env=ALIBABA_CLOUD_ACCESS_KEY_ID,ALIBABA_CLOUD_ACCESS_KEY_SECRET,DMS_ENDPOINT'],
    [],
    { ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret, DMS_ENDPOINT: emulator.url },
  );
  await withProcessOutput(run.describe, () => {
    assertExitedCleanly(run);
    assert.match(run.stdout, /^stopped \S+\n$/);
    assert.equal(emulator.getInstance('1001', '5001').status, 'stopped');
    assert.deepEqual(emulator.requests.map((r) => [r.action, r.status]), [['StopTaskFlowInstance', 200]]);
  });
});
