#!/usr/bin/env node
// Builds everything the package ships into dist/ (HACKING.md says why each entry exists):
//   cargo build (release: opt-level z, LTO, one codegen unit, panic=abort)
//   -> wasm-bindgen --target web into pkg/web/ (its glue is used as generated, unedited)
//   -> wasm-opt -Oz (npm binaryen; Debian's is too old)
//   -> for dist/web.mjs, the .wasm raw-DEFLATEd and base64-encoded into pkg/web/ (checked to
//      inflate back with fflate, which web.mjs inflates it with)
//   -> esbuild: one file per runtime entry, plus the .wasm beside them.
//
//   node scripts/build.mjs              build (installs the toolchain first if missing)
//   node scripts/build.mjs --if-needed  skip when dist/ is newer than every input
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const at = (...parts) => join(root, ...parts);
const inputs = ['Cargo.toml', 'Cargo.lock', 'src', 'js', 'scripts/build.mjs', 'package.json'];
const outputs = ['dist/node.cjs', 'dist/node.mjs', 'dist/web.mjs', 'dist/workerd.mjs', 'dist/edge-light.mjs', 'dist/dms_taskflow_bg.wasm'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

if (process.argv.includes('--if-needed') && outputs.every((p) => existsSync(at(p)))) {
  const oldestOutput = Math.min(...outputs.map((p) => statSync(at(p)).mtimeMs));
  if (oldestOutput > Math.max(...inputs.map((p) => newestMtime(at(p))))) {
    console.log('build: dist/ is up to date');
    process.exit(0);
  }
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const started = performance.now();

run('bash', ['scripts/setup.sh']);
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib']);

// One glue for every runtime: the `web` target's initSync takes a compiled module or bytes,
// which is all any entry needs (Node reads the bytes with fs). Without the default
// `new URL('dms_taskflow_bg.wasm', import.meta.url)` fallback, bundlers emit no stray asset.
rmSync(at('pkg'), { recursive: true, force: true });
run('wasm-bindgen', ['target/wasm32-unknown-unknown/release/dms_taskflow.wasm',
  '--target', 'web', '--out-dir', 'pkg/web', '--no-typescript', '--omit-default-module-path']);
// wasm-opt detects the features the module uses; --all-features would enable ones some
// runtimes lack. The producers and target-features sections are metadata no runtime reads.
const wasmFile = at('pkg/web/dms_taskflow_bg.wasm');
run(at('node_modules/.bin/wasm-opt'), ['-Oz', '--strip-producers', '--strip-target-features', wasmFile, '-o', wasmFile]);

// dist/web.mjs inlines the wasm as base64 of its raw DEFLATE, inflated at import with
// fflate's inflateSync: served gzipped, base64 of the bare wasm costs ~30% more than the
// wasm deflated, while base64 of deflated bytes gzips back to about their size
// (HACKING.md has the figures).
const wasmBytes = readFileSync(wasmFile);
const deflated = deflateRawSync(wasmBytes, { level: 9, memLevel: 9 });
const { inflateSync } = await import(at('node_modules/fflate/esm/index.mjs'));
if (!Buffer.from(inflateSync(deflated, { out: new Uint8Array(wasmBytes.length) })).equals(wasmBytes)) {
  throw new Error('build: the deflated wasm does not inflate back to the wasm');
}
writeFileSync(at('pkg/web/wasm-deflated.mjs'),
  '// The optimized .wasm, raw DEFLATE then base64, and its length: inlined by dist/web.mjs.\n' +
  `export const deflatedBase64 = ${JSON.stringify(deflated.toString('base64'))};\nexport const wasmLength = ${wasmBytes.length};\n`);

rmSync(at('dist'), { recursive: true, force: true });
mkdirSync(at('dist'));
const esbuild = (entry, outfile, options) => run(at('node_modules/.bin/esbuild'), [
  `js/entries/${entry}`, '--bundle', `--outfile=dist/${outfile}`, '--legal-comments=none', '--log-level=warning', ...options,
]);
// The entries that are downloaded or deployed (browsers, Deno, Workers, edge) are minified:
// ~20% less gzip for the JS. --keep-names keeps the `.name` of classes and functions
// (DmsError, DmsClient, signRequest...) that util.inspect and consoles show. Node's entry
// stays readable: it is read from disk, and its stack traces point into node_modules.
const minify = ['--minify', '--keep-names'];
esbuild('node.mjs', 'node.cjs', ['--format=cjs', '--platform=node', '--target=node20']);
copyFileSync(at('js/entries/node-esm.mjs'), at('dist/node.mjs'));
esbuild('web.mjs', 'web.mjs', ['--format=esm', '--platform=neutral', '--target=es2022', ...minify]);
esbuild('workerd.mjs', 'workerd.mjs', ['--format=esm', '--platform=neutral', '--target=es2022', '--external:./dms_taskflow_bg.wasm', ...minify]);
esbuild('edge-light.mjs', 'edge-light.mjs', ['--format=esm', '--platform=neutral', '--target=es2022', '--external:./dms_taskflow_bg.wasm?module', ...minify]);
copyFileSync(wasmFile, at('dist/dms_taskflow_bg.wasm'));

console.log(`build: done in ${((performance.now() - started) / 1000).toFixed(1)} s; sizes: node scripts/sizes.mjs`);
