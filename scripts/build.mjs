#!/usr/bin/env node
// Builds everything the package ships into dist/ (see HACKING.md for why each entry exists):
//   cargo build twice (LTO, one codegen unit, panic=abort): profile `release` at opt-level z
//   for the entries that are downloaded or deployed, profile `node` at opt-level s for Node's
//   -> wasm-bindgen --target web (pkg/web) from the first, --target nodejs (pkg/node) from the second
//   -> wasm-opt -Oz on each (npm binaryen; Debian's is too old)
//   -> the .wasm raw-DEFLATEd, checked to inflate back, base64 into pkg/web/ for dist/web.mjs
//   -> esbuild: one file per runtime entry (minified but for Node's), plus the .wasm beside them.
//
//   node scripts/build.mjs              build (installs the toolchain first if missing)
//   node scripts/build.mjs --if-needed  skip when dist/ is newer than every input
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflate } from '../js/inflate.mjs';

const root = new URL('..', import.meta.url).pathname;
const at = (...parts) => join(root, ...parts);
const inputs = ['Cargo.toml', 'Cargo.lock', 'src', 'js', 'scripts/build.mjs', 'package.json'];
const outputs = ['dist/node.cjs', 'dist/node.mjs', 'dist/web.mjs', 'dist/workerd.mjs', 'dist/edge-light.mjs', 'dist/dms_taskflow_bg.wasm', 'dist/dms_taskflow_node_bg.wasm'];

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

// wasm-bindgen wraps each `catch` import as
//   function() { return handleError(function (arg0, arg1) { BODY }, arguments); }
// where handleError is `try { return f.apply(this, args) } catch (e) { store e for wasm }`.
// Declared with no parameters, the outer function's arity differs from the import's
// signature: V8 then compiles a second, arity-adapting wrapper per signature at
// instantiation (7 here, about 0.6 ms of a cold start) and sends every call through it, and
// each call also builds an `arguments` object and a closure. The build writes each as
//   function(arg0, arg1) { try { BODY } catch (e) { storeException(e); } }
// which does the same as long as BODY does not use `this` (checked), and its `return` now
// returns from the import.
// The rewrite checks that it matched every import and the definition, so a wasm-bindgen
// upgrade that changes the shape fails the build rather than shipping half-rewritten glue.
const HANDLE_ERROR = `function handleError(f, args) {
    try {
        return f.apply(this, args);
    } catch (e) {
        const idx = addToExternrefTable0(e);
        wasm.__wbindgen_exn_store(idx);
    }
}`;
const STORE_EXCEPTION = `function storeException(e) {
    const idx = addToExternrefTable0(e);
    wasm.__wbindgen_exn_store(idx);
}`;
function inlineCatchImports(glue) {
  const wrapped = glue.match(/handleError\(/g)?.length ?? 0;
  let rewritten = 0;
  const out = glue
    .replace(/function\(\) \{ return handleError\(function \(([\w, ]*)\) \{\n([\s\S]*?)\n(\s*)\}, arguments\); \}/g, (_, params, body, indent) => {
      if (/\bthis\b/.test(body)) throw new Error(`build: a catch import's body uses \`this\`, which the rewrite would change: ${body}`);
      rewritten += 1;
      return `function(${params}) { try {\n${body}\n${indent}} catch (e) { storeException(e); } }`;
    })
    .replace(HANDLE_ERROR, STORE_EXCEPTION);
  // `wrapped` counts the definition too.
  if (rewritten === 0 || rewritten !== wrapped - 1 || out.includes('handleError')) {
    throw new Error(`build: wasm-bindgen's catch imports are not in the expected shape (${rewritten} of ${wrapped - 1} rewritten)`);
  }
  return out;
}

// The nodejs glue makes a TextDecoder and a TextEncoder when it loads. Node 20's first
// TextDecoder opens an ICU converter (about 0.3 ms of a cold start), and a process that only
// signs needs neither (js/entries/node.mjs passes Buffer-based ones to signRequest's path): the build
// makes them on first use instead. Node has `encodeInto`, so the glue's fallback for
// runtimes without it goes.
const EAGER_TEXT_CODECS = `let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
function decodeText(bytes) {
    return cachedTextDecoder.decode(bytes);
}

const cachedTextEncoder = new TextEncoder();

if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}`;
const LAZY_TEXT_CODECS = `let cachedTextDecoder;
function decodeText(bytes) {
    return (cachedTextDecoder ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(bytes);
}

let textEncoder;
const cachedTextEncoder = {
    encode: (arg) => (textEncoder ??= new TextEncoder()).encode(arg),
    encodeInto: (arg, view) => (textEncoder ??= new TextEncoder()).encodeInto(arg, view),
};`;
function lazyTextCodecs(glue) {
  if (glue.split(EAGER_TEXT_CODECS).length !== 2) throw new Error('build: the nodejs glue does not make its TextDecoder and TextEncoder as expected');
  return glue.replace(EAGER_TEXT_CODECS, () => LAZY_TEXT_CODECS);
}

// The nodejs glue reads its .wasm with readFileSync, which stats the file and then reads it.
// One read into a buffer with room to spare costs less at a cold start (README.md,
// Performance, "Cold start");
// a module that fills the buffer is read again, whole, with readFileSync.
const GLUE_WASM_READ = "const wasmBytes = require('fs').readFileSync(wasmPath);";
const WASM_READ_ONCE = `const wasmBytes = (() => {
    const fs = require('fs');
    const fd = fs.openSync(wasmPath, 'r');
    try {
        const bytes = Buffer.allocUnsafe(1 << 18);
        let length = 0;
        for (let read; length < bytes.length && (read = fs.readSync(fd, bytes, length, bytes.length - length, length)) > 0; ) length += read;
        return length < bytes.length ? bytes.subarray(0, length) : fs.readFileSync(wasmPath);
    } finally {
        fs.closeSync(fd);
    }
})();`;
function readWasmOnce(glue) {
  if (glue.split(GLUE_WASM_READ).length !== 2) throw new Error('build: the nodejs glue does not read its .wasm as expected');
  return glue.replace(GLUE_WASM_READ, () => WASM_READ_ONCE);
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const started = performance.now();

run('bash', ['scripts/setup.sh']);
// Two builds of the same code (Cargo.toml's profiles; HACKING.md says why): browsers, Deno and
// edge runtimes download or deploy the wasm, so theirs is built for size; Node reads its own
// from disk, and it is built for speed (signing about 1.15 times as fast, no slower to start:
// bench/opt-levels.mjs).
const cargoBuild = (profile) => run('cargo', ['build', '--profile', profile, '--target', 'wasm32-unknown-unknown', '--lib', '--features', 'wasm-runtime']);
cargoBuild('release');
cargoBuild('node');

// The nodejs glue reads the .wasm with fs; the web glue takes a module or bytes in initSync.
rmSync(at('pkg'), { recursive: true, force: true });
run('wasm-bindgen', ['target/wasm32-unknown-unknown/node/dms_taskflow.wasm',
  '--target', 'nodejs', '--out-dir', 'pkg/node', '--no-typescript']);
// The nodejs glue requires the JS snippets it imports (js/attempt.mjs) as
// require(String.raw`./snippets/...`), which esbuild does not resolve: spelled as a plain
// string, esbuild bundles them into dist/node.cjs like every other entry's. It reads its
// .wasm under the node build's own name, beside the release build's in dist/.
const nodeGlue = at('pkg/node/dms_taskflow.js');
const NODE_WASM_PATH = '`${__dirname}/dms_taskflow_bg.wasm`';
const nodeGlueText = readFileSync(nodeGlue, 'utf8');
if (nodeGlueText.split(NODE_WASM_PATH).length !== 2) throw new Error(`build: the nodejs glue does not read its .wasm as ${NODE_WASM_PATH} once`);
writeFileSync(nodeGlue, inlineCatchImports(lazyTextCodecs(readWasmOnce(nodeGlueText
  .replace(NODE_WASM_PATH, '`${__dirname}/dms_taskflow_node_bg.wasm`')
  .replace(/require\(String\.raw`([^`\\]+)`\)/g, (_, path) => `require(${JSON.stringify(path)})`)))));
// Every web-glue entry passes the module to initSync; without the default
// `new URL('dms_taskflow_bg.wasm', import.meta.url)` fallback, bundlers emit no stray .wasm asset.
run('wasm-bindgen', ['target/wasm32-unknown-unknown/release/dms_taskflow.wasm',
  '--target', 'web', '--out-dir', 'pkg/web', '--no-typescript', '--omit-default-module-path']);
const webGlue = at('pkg/web/dms_taskflow.js');
writeFileSync(webGlue, inlineCatchImports(readFileSync(webGlue, 'utf8')));
// wasm-opt detects the features the module uses; --all-features would enable ones some
// runtimes lack. The producers and target-features sections are metadata no runtime reads.
// -Oz on the node build too: -O2 signed no faster in an A/B (bench/README.md).
const wasmFile = at('pkg/web/dms_taskflow_bg.wasm');
// Under the name the rewritten nodejs glue reads, so pkg/node/ loads as it is.
const nodeWasmFile = at('pkg/node/dms_taskflow_node_bg.wasm');
renameSync(at('pkg/node/dms_taskflow_bg.wasm'), nodeWasmFile);
for (const file of [wasmFile, nodeWasmFile]) {
  run(at('node_modules/.bin/wasm-opt'), ['-Oz', '--strip-producers', '--strip-target-features', file, '-o', file]);
}
// dist/web.mjs inlines the wasm as base64 of its raw DEFLATE and inflates it synchronously at
// import (js/inflate.mjs): served gzipped, base64 of the wasm comes to ~30% more than the wasm
// deflated, while base64 of the deflated wasm gzips back to within ~1% of it. zlib level 9,
// memLevel 9, the smallest of its strategies. node:zlib and our inflater must both give the
// wasm back.
const wasmBytes = readFileSync(wasmFile);
const { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED } = constants;
const deflated = [Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED]
  .map((strategy) => deflateRawSync(wasmBytes, { level: 9, memLevel: 9, strategy }))
  .reduce((smallest, next) => (next.length < smallest.length ? next : smallest));
if (!inflateRawSync(deflated).equals(wasmBytes) || !Buffer.from(inflate(deflated, wasmBytes.length)).equals(wasmBytes)) {
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
// (DmsError, DmsClient, signRequest...) that util.inspect and consoles show; `error.name` is
// set by DmsError itself. Node's entry stays readable: it is read from disk, and its stack
// traces point into node_modules, where users look.
const minify = ['--minify', '--keep-names'];
esbuild('node.mjs', 'node.cjs', ['--format=cjs', '--platform=node', '--target=node20']);
copyFileSync(at('js/entries/node-esm.mjs'), at('dist/node.mjs'));
esbuild('web.mjs', 'web.mjs', ['--format=esm', '--platform=neutral', '--target=es2022', ...minify]);
esbuild('workerd.mjs', 'workerd.mjs', ['--format=esm', '--platform=neutral', '--target=es2022', '--external:./dms_taskflow_bg.wasm', ...minify]);
esbuild('edge-light.mjs', 'edge-light.mjs', ['--format=esm', '--platform=neutral', '--target=es2022', '--external:./dms_taskflow_bg.wasm?module', ...minify]);
copyFileSync(wasmFile, at('dist/dms_taskflow_bg.wasm'));
copyFileSync(nodeWasmFile, at('dist/dms_taskflow_node_bg.wasm'));

console.log(`build: done in ${((performance.now() - started) / 1000).toFixed(1)} s; sizes: node scripts/sizes.mjs`);
