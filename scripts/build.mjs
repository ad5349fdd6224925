#!/usr/bin/env node
// Builds the release wasm and its JS glue into pkg/:
//   cargo build (release profile: opt-level z, LTO, one codegen unit, panic=abort)
//   -> wasm-bindgen --target nodejs -> wasm-opt -Oz (npm binaryen; Debian's is too old).
//
//   node scripts/build.mjs              build (installs the toolchain first if missing)
//   node scripts/build.mjs --if-needed  skip when pkg/ is newer than every input
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const wasmOut = join(root, 'pkg/node/dms_taskflow_bg.wasm');
const inputs = ['Cargo.toml', 'Cargo.lock', 'src'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

if (process.argv.includes('--if-needed') && existsSync(wasmOut)
    && statSync(wasmOut).mtimeMs > Math.max(...inputs.map((p) => newestMtime(join(root, p))))) {
  console.log('build: pkg/ is up to date');
  process.exit(0);
}

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
const started = performance.now();

run('bash', ['scripts/setup.sh']);
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib']);
rmSync(join(root, 'pkg/node'), { recursive: true, force: true });
run('wasm-bindgen', [
  'target/wasm32-unknown-unknown/release/dms_taskflow.wasm',
  '--target', 'nodejs', '--out-dir', 'pkg/node', '--no-typescript',
]);
const bindgenBytes = readFileSync(wasmOut).length;
// wasm-opt detects the features the module uses; --all-features would enable ones some
// runtimes lack.
run(join(root, 'node_modules/.bin/wasm-opt'), ['-Oz', wasmOut, '-o', wasmOut]);

const wasm = readFileSync(wasmOut);
const glue = readFileSync(join(root, 'pkg/node/dms_taskflow.js'));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`build: done in ${seconds} s`);
console.log(`build: wasm ${wasm.length} bytes raw (${kb(wasm.length)}), ${gzipSync(wasm, { level: 9 }).length} gzip; before wasm-opt ${bindgenBytes}`);
console.log(`build: JS glue ${glue.length} bytes raw, ${gzipSync(glue, { level: 9 }).length} gzip`);
