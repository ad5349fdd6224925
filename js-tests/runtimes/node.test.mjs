// The runtime suite in Node 20, from the packed tarball, through `require` and `import`.
import { test } from 'node:test';
import { loadPackage } from '../support/load-package.mjs';
import { runInEmulator } from './harness.mjs';

const { variants } = await loadPackage();

for (const [label, api] of variants) {
  test(`node ${label}: the runtime suite passes against the emulator`, async () => {
    await runInEmulator({}, (env) => import('./suite.mjs').then(({ runSuite }) => runSuite(api, env)));
  });
}
