// The package's declarations, as a TypeScript user meets them: tsc --strict accepts a file
// using the whole public API, under moduleResolution node16 (CJS and ESM) and bundler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const consumer = join(root, '.scratch/consumer');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const settings = [
  ['node16, ESM', { module: 'node16', moduleResolution: 'node16' }, 'usage.mts'],
  ['node16, CJS', { module: 'node16', moduleResolution: 'node16' }, 'usage.cts'],
  ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'usage.ts'],
];

for (const [name, options, file] of settings) {
  test(`tsc --strict accepts the public API (${name})`, () => {
    assert.ok(existsSync(join(consumer, 'node_modules/dms-taskflow')), 'run node scripts/pack-for-tests.mjs first');
    const dir = join(consumer, 'types-check', name.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(root, 'js-tests/types/usage.ts'), join(dir, file));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false, ...options },
      files: [file],
    }));
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      assert.fail(`tsc reported:\n${error.stdout}${error.stderr}`);
    }
  });
}
