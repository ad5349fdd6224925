// Pins the published `exports` map: which file each runtime gets is a product decision
// (see HACKING.md), so a change to it must change this test too. Also checks `types`
// comes first in every condition (TypeScript stops at the first match).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const esm = (file) => ({ types: './types/index.d.mts', default: file });

test('the exports map, condition by condition', () => {
  assert.deepEqual(manifest.exports, {
    '.': {
      workerd: esm('./dist/workerd.mjs'),
      'edge-light': esm('./dist/edge-light.mjs'),
      deno: esm('./dist/web.mjs'),
      browser: esm('./dist/web.mjs'),
      node: {
        import: esm('./dist/node.mjs'),
        require: { types: './types/index.d.ts', default: './dist/node.cjs' },
      },
      import: esm('./dist/web.mjs'),
      default: { types: './types/index.d.ts', default: './dist/node.cjs' },
    },
    './wasm': './dist/dms_taskflow_bg.wasm',
    './emulator': { types: './types/emulator.d.ts', node: './emulator/index.mjs' },
    './proxy': { types: './types/proxy.d.ts', default: './proxy/index.mjs' },
    './package.json': './package.json',
  });
  // Condition order decides the match: runtime-specific conditions before node/import/default.
  assert.deepEqual(Object.keys(manifest.exports['.']), ['workerd', 'edge-light', 'deno', 'browser', 'node', 'import', 'default']);
});

test('types is the first key of every condition object', () => {
  const visit = (value, path) => {
    if (typeof value !== 'object' || value === null) return;
    const keys = Object.keys(value);
    if (keys.includes('types')) assert.equal(keys[0], 'types', `${path}: types must come first`);
    if (keys.includes('default') && !keys.includes('types') && path !== '.') assert.fail(`${path}: a code condition without types`);
    for (const key of keys) visit(value[key], `${path}.${key}`);
  };
  for (const [subpath, value] of Object.entries(manifest.exports)) {
    if (subpath === '.') visit(value, '.');
  }
});

test('the package has no runtime dependencies and ships only bin/, dist/, emulator/, proxy/, spec/ and types/', () => {
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.peerDependencies, undefined);
  assert.deepEqual(manifest.files, ['bin/', 'dist/', 'emulator/', 'proxy/', 'spec/', 'types/']);
  assert.deepEqual(manifest.bin, { 'dms-taskflow': './bin/dms-taskflow.mjs' });
  assert.equal(manifest.main, './dist/node.cjs');
});
