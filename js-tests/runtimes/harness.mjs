// Node-side helper for the runtime tests: starts an emulator, lets a runtime run the suite
// against it, then checks every case passed and the emulator saw exactly the suite's effects.
import assert from 'node:assert/strict';
import { DEFAULT_ACCOUNTS, startEmulator } from '../../emulator/index.mjs';
import { expectedEmulatorEffects } from './suite.mjs';

/**
 * `run(env)` makes the runtime run the suite with `env` ({ endpoint, accessKeyId,
 * accessKeySecret }) and resolves to its results array.
 */
export async function runInEmulator(emulatorOptions, run) {
  const emulator = await startEmulator(emulatorOptions);
  try {
    const { accessKeyId, accessKeySecret } = DEFAULT_ACCOUNTS[0];
    const results = await run({ endpoint: emulator.url, accessKeyId, accessKeySecret });
    assert.ok(Array.isArray(results) && results.length === 6, `six results, got ${JSON.stringify(results)}`);
    const failed = results.filter((r) => !r.ok);
    assert.deepEqual(failed, [], `failed cases:\n${failed.map((r) => `- ${r.name}: ${r.error}`).join('\n')}`);
    const apiRequests = emulator.requests.filter((r) => r.method !== 'OPTIONS');
    assert.equal(apiRequests.length, expectedEmulatorEffects.requests, 'requests the emulator saw (bad arguments send nothing)');
    for (const { dagId, dagInstanceId, status } of expectedEmulatorEffects.instances) {
      assert.equal(emulator.getInstance(dagId, dagInstanceId).status, status, `instance ${dagInstanceId}`);
    }
    return results;
  } finally {
    await emulator.close();
  }
}
