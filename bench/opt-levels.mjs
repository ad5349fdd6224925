#!/usr/bin/env node
// The size/speed trade-off of the build, measured rather than argued: builds the wasm at
// each Rust opt-level (`z`, the release profile's, shipped to browsers, Deno and edge
// runtimes; `s`, the `node` profile's, shipped to Node; then `2`, `3`; LTO, one codegen unit,
// panic=abort and `wasm-opt -Oz` as the package's builds; `sha1` stays at 3 as Cargo.toml
// says; the last level also with `wasm-opt -O3`, the fastest build on offer), then
//   - times `signRequest`'s path (js/packed.mjs, then each build's packed-call buffer, then
//     the unpacking) against the plain node:crypto signer, interleaved in one process;
//   - times each build's cold start: fresh processes, interleaved across builds, each loading
//     the build's nodejs glue and signing one request, timed inside the process (the load
//     and first call the build changes; Node's own start is the same for all).
// Not part of `npm run bench`: four cargo builds take minutes.
//
//   node bench/opt-levels.mjs [--levels z,s,2,3] [--rounds 9] [--cold 20]
//
// Prints a Markdown table: wasm bytes raw and gzip, µs per signed request, × the plain
// signer (median of the rounds, min–max), and the cold start's median ms (min–max). Build
// output goes to target/opt-levels/ and a temporary directory.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync, constants } from 'node:zlib';
import { pack, packedIoSigner, unpackRequest } from '../js/packed.mjs';
import { ACTION, CREDENTIALS, EXPECTED_BODY, PARAMS, SIGNING } from './lib/fixture.mjs';
import { signRequestPlain } from './lib/plain-signer.mjs';
import { timeInterleaved } from './lib/interleave.mjs';
import { rotate, summarize } from './lib/stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};
const LEVELS = flag('levels', 'z,s,2,3').split(',');
const ROUNDS = Number(flag('rounds', '9'));
const COLD = Number(flag('cold', '20'));
const ROUND_MS = 250;
for (const level of LEVELS) {
  if (!['0', '1', '2', '3', 's', 'z'].includes(level)) throw new Error(`--levels: ${level} is not a Rust opt-level`);
}
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');
if (!Number.isInteger(COLD) || COLD < 0) throw new Error('--cold must be a whole number of processes per build');

const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
const out = mkdtempSync(join(tmpdir(), 'dms-opt-levels-'));
// The builds the package ships (Cargo.toml's profiles, scripts/build.mjs).
const SHIPPED = { 'z-Oz': 'shipped to browsers, Deno, edge', 's-Oz': 'shipped to Node' };

// One cold start: load a build's nodejs glue and sign one request through the packed path,
// timed inside the process. js/packed.mjs and the fixture are imported before the clock
// starts: they are the same for every build.
const COLD_PROBE = `
const [{ createRequire }, { pack, packedIoSigner, unpackRequest }, { ACTION, CREDENTIALS, EXPECTED_BODY, PARAMS, SIGNING }] = await Promise.all([
  import('node:module'), import(${JSON.stringify(pathToFileURL(join(root, 'js/packed.mjs')).href)}), import(${JSON.stringify(pathToFileURL(join(root, 'bench/lib/fixture.mjs')).href)}),
]);
const started = performance.now();
const wasm = createRequire(import.meta.url)(process.argv[2]);
const body = unpackRequest(packedIoSigner(wasm)(pack({ ...CREDENTIALS }, ACTION, PARAMS, SIGNING))).body;
const elapsed = performance.now() - started;
if (body !== EXPECTED_BODY) throw new Error('wrong body');
console.log(elapsed);
`;

/** Median and min–max in ms of `COLD` cold starts per build, the builds taking turns. */
function coldStarts(builds) {
  const probe = join(out, 'cold-probe.mjs');
  writeFileSync(probe, COLD_PROBE);
  const times = Object.fromEntries(builds.map((build) => [build.id, []]));
  for (let i = 0; i < COLD; i++) {
    for (const build of rotate(builds, i)) {
      const result = spawnSync(process.execPath, [probe, build.glue], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`cold start of ${build.id} failed: ${result.stderr}`);
      times[build.id].push(Number(result.stdout));
    }
  }
  return Object.fromEntries(Object.entries(times).map(([id, ms]) => [id, summarize(ms)]));
}
const require = createRequire(import.meta.url);
const options = { ...CREDENTIALS };
const contenders = [{ id: 'plain', label: 'plain JS, node:crypto', run: () => signRequestPlain(options, ACTION, PARAMS, SIGNING).body }];
try {
  for (const level of LEVELS) {
    console.error(`opt-levels: building at opt-level ${level}`);
    const targetDir = join(root, 'target/opt-levels', level);
    run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '--features', 'wasm-runtime'], {
      CARGO_PROFILE_RELEASE_OPT_LEVEL: level,
      CARGO_TARGET_DIR: targetDir,
    });
    for (const wasmOpt of level === LEVELS.at(-1) ? ['-Oz', '-O3'] : ['-Oz']) {
      const id = `${level}${wasmOpt}`;
      const dir = join(out, id);
      run('wasm-bindgen', [join(targetDir, 'wasm32-unknown-unknown/release/dms_taskflow.wasm'), '--target', 'nodejs', '--out-dir', dir, '--no-typescript']);
      const wasmFile = join(dir, 'dms_taskflow_bg.wasm');
      run(join(root, 'node_modules/.bin/wasm-opt'), [wasmOpt, '--strip-producers', '--strip-target-features', wasmFile, '-o', wasmFile]);
      const wasm = require(join(dir, 'dms_taskflow.js'));
      const signPacked = packedIoSigner(wasm);
      const signRequest = (signing) => unpackRequest(signPacked(pack(options, ACTION, PARAMS, signing)));
      // Every build must sign the published vector byte for byte before it is timed.
      const body = signRequest(SIGNING).body;
      if (body !== EXPECTED_BODY) throw new Error(`opt-level ${level}, wasm-opt ${wasmOpt}: wrong body ${body}`);
      const bytes = readFileSync(wasmFile);
      contenders.push({
        id,
        label: `opt-level ${level}, wasm-opt ${wasmOpt}${SHIPPED[id] ? ` (${SHIPPED[id]})` : ''}`,
        glue: join(dir, 'dms_taskflow.js'),
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length,
        run: () => signRequest(SIGNING).body,
      });
    }
  }
  if (signRequestPlain(options, ACTION, PARAMS, SIGNING).body !== EXPECTED_BODY) throw new Error('plain signer: wrong body');

  const { samples, sink } = await timeInterleaved(contenders, { rounds: ROUNDS, roundMs: ROUND_MS });

  const cold = COLD > 0 ? coldStarts(contenders.filter((c) => c.glue)) : {};

  const plain = summarize(samples.plain);
  console.log(`Signing one StopTaskFlowInstance request through signRequest's path, ${ROUNDS} interleaved rounds of about ${ROUND_MS} ms;`);
  console.log(`cold start: ${COLD} fresh processes per build, each loading the build's glue and signing one request, timed in-process.\n`);
  console.log('| build | wasm raw | wasm gzip | µs per request | × plain node:crypto signer [min–max] | cold start, ms [min–max] |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const contender of contenders) {
    const ops = summarize(samples[contender.id]);
    const paired = samples[contender.id].map((value, i) => value / samples.plain[i]);
    const size = contender.raw ? `${contender.raw.toLocaleString('en-US')} | ${contender.gzip.toLocaleString('en-US')}` : '— | —';
    const start = cold[contender.id];
    console.log(
      `| ${contender.label} | ${size} | ${(1e6 / ops.median).toFixed(2)} | ${(ops.median / plain.median).toFixed(2)}× [${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}] | ${start ? `${start.median.toFixed(1)} [${start.min.toFixed(1)}–${start.max.toFixed(1)}]` : '—'} |`,
    );
  }
  console.error(`(sink ${sink % 7})`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
