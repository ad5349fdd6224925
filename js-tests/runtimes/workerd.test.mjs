// The runtime suite in workerd (node_modules/.bin/workerd, the Cloudflare Workers runtime),
// loading the packed tarball from .scratch/consumer as a Workers user does: a worker that
// imports 'dms-taskflow', bundled with esbuild as wrangler does (conditions
// workerd/worker/browser -> dist/workerd.mjs; its `import wasmModule from
// './dms_taskflow_bg.wasm'` stays external and is declared to workerd as a `wasm` module,
// i.e. a WebAssembly.Module, since workerd refuses to compile wasm from bytes).
//
// workerd serves the bundle on 127.0.0.1 (ephemeral port, read from --control-fd); its
// global outbound is an internet service allowing local and private addresses, because the
// default one refuses 127.0.0.1, where the emulator listens. Compatibility date 2025-01-01,
// no compatibility flags (no nodejs_compat).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_ACCOUNTS, startEmulator } from '../../emulator/index.mjs';
import { runInEmulator } from './harness.mjs';
import { withProcessOutput } from './fixtures/processes.mjs';
import { installedDir, stageInConsumer } from './fixtures/stage.mjs';
import { bundleWorker, getJson, serveWorker } from './fixtures/workerd.mjs';

/** Bundles `fixture` from a fresh folder of the consumer project; checks what it bundled. */
async function bundle(t, fixture) {
  const dir = stageInConsumer(t, 'workerd', [fixture]);
  const bundled = await bundleWorker(t, dir, fixture);
  assert.ok(bundled.inputs.includes(join(installedDir, 'dist', 'workerd.mjs')), `the workerd entry is bundled: ${bundled.inputs}`);
  assert.deepEqual(
    bundled.wasmModules.map(({ specifier, name, path }) => ({ specifier, name, path })),
    [{ specifier: './dms_taskflow_bg.wasm', name: 'dms_taskflow_bg.wasm', path: join(installedDir, 'dist', 'dms_taskflow_bg.wasm') }],
    'one external wasm import: the installed dist/dms_taskflow_bg.wasm',
  );
  return { dir, bundled };
}

/** The worker's text bindings (what `wrangler secret put` / `vars` would provide). */
function bindingsFor({ endpoint, accessKeyId, accessKeySecret }) {
  return { DMS_ENDPOINT: endpoint, ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret };
}

test('workerd: the runtime suite passes in a worker bundled as wrangler does', { timeout: 50_000 }, async (t) => {
  const { dir, bundled } = await bundle(t, 'workerd-suite-worker.mjs');
  let worker = null;
  await withProcessOutput(
    () => worker?.process.result().describe(),
    () =>
      runInEmulator({}, async (env) => {
        worker = await serveWorker(t, dir, bundled, bindingsFor(env));
        return getJson(worker.url);
      }),
  );
});

test('workerd: the README example worker stops an instance', { timeout: 50_000 }, async (t) => {
  const { dir, bundled } = await bundle(t, 'workerd-example-worker.mjs');
  const emulator = await startEmulator();
  t.after(() => emulator.close());
  let worker = null;
  await withProcessOutput(
    () => worker?.process.result().describe(),
    async () => {
      worker = await serveWorker(t, dir, bundled, bindingsFor({ endpoint: emulator.url, ...DEFAULT_ACCOUNTS[0] }));
      const result = await getJson(`${worker.url}?dagId=1001&dagInstanceId=5001`);
      assert.equal(result.success, true);
      assert.match(result.requestId, /^\S+$/);
      assert.equal(emulator.getInstance('1001', '5001').status, 'stopped');
      assert.deepEqual(emulator.requests.map((r) => [r.action, r.status]), [['StopTaskFlowInstance', 200]]);
    },
  );
});
