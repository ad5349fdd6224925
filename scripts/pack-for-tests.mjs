#!/usr/bin/env node
// Packs the repository exactly as `npm publish` would and installs the tarball into a
// scratch consumer project, so the package tests (js-tests/package/) load `dms-taskflow`
// the way a user does: from node_modules, through the `exports` map, with only the files
// the tarball ships.
//
//   node scripts/pack-for-tests.mjs
//
// Writes (all under .scratch/, which is gitignored):
//   .scratch/dms-taskflow-<version>.tgz     the `npm pack` tarball
//   .scratch/consumer/package.json          a private project depending on that tarball
//   .scratch/consumer/node_modules/...      the installed package (offline: no dependencies)
//   .scratch/consumer/load.cjs              module.exports = require('dms-taskflow')
//   .scratch/consumer/load.mjs              export * from 'dms-taskflow'
//
// Idempotent: the consumer project is rebuilt from scratch on every run. Assumes dist/ is
// built (node scripts/build.mjs --if-needed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, '.scratch');
const consumer = join(scratch, 'consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const show = (path) => relative(root, path) || '.';

const wasm = join(root, 'dist/dms_taskflow_bg.wasm');
if (!existsSync(wasm)) {
  console.error(`pack-for-tests: ${show(wasm)} is missing; build first: node scripts/build.mjs --if-needed`);
  process.exit(1);
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(scratch, { recursive: true });

// 1. npm pack into .scratch/ (replacing an older tarball of the same version).
const tarballName = `${manifest.name}-${manifest.version}.tgz`;
const tarball = join(scratch, tarballName);
rmSync(tarball, { force: true });
const packed = JSON.parse(
  execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
)[0];
if (packed.filename !== tarballName || !existsSync(tarball)) {
  console.error(`pack-for-tests: npm pack did not produce ${show(tarball)} (it reported ${packed.filename})`);
  process.exit(1);
}
console.log(`pack-for-tests: packed ${show(tarball)} (${packed.entryCount} files, ${packed.size} bytes):`);
for (const file of packed.files) console.log(`  ${file.path}`);

// 2. A fresh consumer project depending on the tarball.
rmSync(consumer, { recursive: true, force: true });
mkdirSync(consumer, { recursive: true });
writeFileSync(
  join(consumer, 'package.json'),
  `${JSON.stringify(
    {
      name: 'dms-taskflow-test-consumer',
      version: '0.0.0',
      private: true,
      description: 'Scratch project that installs the packed dms-taskflow tarball for js-tests/package/',
      license: 'UNLICENSED',
    },
    null,
    2,
  )}\n`,
);

// 3. Install it offline (the package has no dependencies).
execFileSync(
  npm,
  ['install', `../${tarballName}`, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
  { cwd: consumer, stdio: ['ignore', 'inherit', 'inherit'] },
);
const installed = join(consumer, 'node_modules', manifest.name);
if (!existsSync(join(installed, 'package.json'))) {
  console.error(`pack-for-tests: npm install did not create ${show(installed)}`);
  process.exit(1);
}
console.log(`pack-for-tests: installed the tarball into ${show(installed)}`);

// 4. Loaders: the package as `require` and as `import` see it.
writeFileSync(
  join(consumer, 'load.cjs'),
  `'use strict';\n// Written by scripts/pack-for-tests.mjs: the package as a CommonJS user loads it.\nmodule.exports = require('${manifest.name}');\n`,
);
writeFileSync(
  join(consumer, 'load.mjs'),
  `// Written by scripts/pack-for-tests.mjs: the package as an ES module user loads it.\nexport * from '${manifest.name}';\n`,
);
console.log(`pack-for-tests: wrote ${show(join(consumer, 'load.cjs'))} and ${show(join(consumer, 'load.mjs'))}`);
