// The runtime suite in Bun (node_modules/.bin/bun), loading the packed tarball from
// .scratch/consumer as a Bun user does: `import` and `require` of 'dms-taskflow' from a
// project's node_modules. Bun matches the package's `node` export condition, so it gets
// dist/node.mjs / dist/node.cjs (the wasm read beside them with fs, compiled synchronously).
//
// Offline: `bun run --no-install` (no auto-install, whatever is or is not in node_modules),
// --no-env-file (no .env read from the consumer project), DO_NOT_TRACK=1 (no crash reports
// or telemetry) and BUN_RUNTIME_TRANSPILER_CACHE_PATH=0 (no transpiler cache written to the
// user's cache directory). Bun has no permission system: nothing to grant.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS, startEmulator } from '../../emulator/index.mjs';
import { runInEmulator } from './harness.mjs';
import { assertExitedCleanly, binary, childEnv, lastJsonLine, runProcess, withProcessOutput } from './fixtures/processes.mjs';
import { consumerDir, installedDir, stageInConsumer } from './fixtures/stage.mjs';

const bun = binary('bun');
const TIMEOUT_MS = 30_000;
// Belt and braces: were Bun to reach for the npm registry, it would fail here, not go online.
const DEAD_REGISTRY = 'http://127.0.0.1:9/';

/** `bun run` of `script` from the consumer project, offline. */
function bunRun(t, script, args = [], env = {}) {
  return runProcess(t, bun, ['run', '--no-install', '--no-env-file', script, ...args], {
    cwd: consumerDir,
    env: childEnv({
      DO_NOT_TRACK: '1',
      BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
      BUN_CONFIG_REGISTRY: DEAD_REGISTRY,
      NPM_CONFIG_REGISTRY: DEAD_REGISTRY,
      ...env,
    }),
    timeoutMs: TIMEOUT_MS,
  });
}

const variants = [
  ['import', 'bun-suite.mjs', 'node.mjs'],
  ['require', 'bun-suite.cjs', 'node.cjs'],
];

for (const [label, script, entryFile] of variants) {
  test(`bun ${label}: the runtime suite passes against the emulator`, { timeout: 50_000 }, async (t) => {
    const dir = stageInConsumer(t, 'bun', [script]);
    let run = null;
    await withProcessOutput(
      () => run?.describe(),
      () =>
        runInEmulator({}, async (env) => {
          run = await bunRun(t, join(dir, script), [JSON.stringify(env)]);
          assertExitedCleanly(run);
          const { entry, results } = lastJsonLine(run);
          const entryPath = entry.startsWith('file:') ? fileURLToPath(entry) : entry;
          assert.equal(entryPath, join(installedDir, 'dist', entryFile), `Bun's ${label} loads the installed dist/${entryFile}`);
          return results;
        }),
    );
  });
}

test('bun: the README example stops an instance', { timeout: 50_000 }, async (t) => {
  const dir = stageInConsumer(t, 'bun', ['node-example.mjs']);
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  const { accessKeyId, accessKeySecret } = DEFAULT_ACCOUNTS[0];
  const run = await bunRun(t, join(dir, 'node-example.mjs'), [], {
    ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
    DMS_ENDPOINT: emulator.url,
  });
  await withProcessOutput(run.describe, () => {
    assertExitedCleanly(run);
    assert.match(run.stdout, /^stopped \S+\n$/);
    assert.equal(emulator.getInstance('1001', '5001').status, 'stopped');
    assert.deepEqual(emulator.requests.map((r) => [r.action, r.status]), [['StopTaskFlowInstance', 200]]);
  });
});
