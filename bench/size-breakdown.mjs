#!/usr/bin/env node
// Where the browser's download goes: builds the release wasm (opt-level z, as
// dist/dms_taskflow_bg.wasm) with its function names kept, then adds up the code of each
// function and the data segments by who owns them. Answers "what does each part cost
// towards the size guard" (dist/web.mjs ≤ 86 KB gzip, bench/report.mjs).
//
//   node bench/size-breakdown.mjs        (after npm run build, whose cargo output it reuses)
//
// Groups: the core (src/ but src/wasm/: validation, the operation table, signing, JSON,
// results, errors), the binding (src/wasm/, wasm-bindgen, js-sys, web-sys,
// wasm-bindgen-futures and the shims wasm-bindgen writes), the crates the core signs with
// (hmac, sha1, sha2, digest, base64, base16ct, getrandom), the runtime (allocator,
// Rust's std/core/alloc code both sides use), and the data segments (the table's text,
// messages). Gzip per group is the group's bytes gzipped alone: more than its share of the
// whole module's gzip (it loses what it shares with the rest), so the groups add up to more.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { functionNames, importArities, reader, sections } from './lib/wasm-sections.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const gzip = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

const CRATES = /^<?(hmac|sha1|sha2|digest|block_buffer|crypto_common|base64|base16ct|getrandom)::/;

function owner(name) {
  if (/^(dms_taskflow::wasm::|wasm_bindgen|js_sys|web_sys|__wbindgen|__wbg|__externref)/.test(name) || /(externref|multivalue) shim|^wasm-to-js/.test(name)) return 'binding';
  if (name.includes('dms_taskflow::wasm::')) return 'binding';
  if (name.startsWith('dms_taskflow::') || name.startsWith('<dms_taskflow::')) return 'core';
  if (CRATES.test(name)) return 'crates';
  // Rust's own code and its generic instances (Vec, String, RefCell, memcpy...), which
  // either side calls: the demangled name says whose type they were made for, when it does.
  if (/^<?(std|core|alloc|compiler_builtins|dlmalloc)|^(memcpy|memset|memcmp|memmove|__rust|__rdl|__rg|rust_)/.test(name) || /^</.test(name)) {
    if (/js_sys|wasm_bindgen|web_sys|dms_taskflow::wasm::|JsValue/.test(name)) return 'binding';
    if (name.includes('dms_taskflow::')) return 'core';
    if (/(hmac|sha1|sha2|digest|base64|base16ct)::/.test(name)) return 'crates';
    return 'runtime';
  }
  // Exports named by #[wasm_bindgen] (signRequest, wasmclient_invoke...) are the binding.
  return 'binding';
}

const out = mkdtempSync(join(tmpdir(), 'dms-size-breakdown-'));
try {
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib']);
  run('wasm-bindgen', ['target/wasm32-unknown-unknown/release/dms_taskflow.wasm', '--keep-debug', '--target', 'web', '--out-dir', out, '--no-typescript', '--omit-default-module-path']);
  const named = join(out, 'named.wasm');
  // Optimized as scripts/build.mjs does, keeping the name section (-g); the sizes are the
  // shipped file's, dist/dms_taskflow_bg.wasm.
  run(join(root, 'node_modules/.bin/wasm-opt'), ['-Oz', '-g', join(out, 'dms_taskflow_bg.wasm'), '-o', named]);
  const shippedBytes = readFileSync(join(root, 'dist/dms_taskflow_bg.wasm'));
  const namedBytes = readFileSync(named);
  const all = sections(namedBytes);

  // Function indices count the imported functions first.
  const imported = importArities(namedBytes).length;
  const names = functionNames(namedBytes);
  if (names.size === 0) throw new Error('no name section: wasm-bindgen --keep-debug and wasm-opt -g keep it');

  const groups = new Map();
  const add = (group, bytes) => {
    const entry = groups.get(group) ?? { raw: 0, parts: [] };
    entry.raw += bytes.length;
    entry.parts.push(bytes);
    groups.set(group, entry);
  };
  const code = all.find((s) => s.id === 10);
  {
    const r = reader(code.body);
    for (let count = r.u32(), i = 0; i < count; i++) {
      const size = r.u32();
      const body = code.body.subarray(r.at, r.at + size);
      r.at += size;
      add(owner(names.get(imported + i) ?? ''), body);
    }
  }
  for (const section of all.filter((s) => s.id === 11)) add('data', section.body);
  const codeAndData = [...groups.values()].reduce((sum, g) => sum + g.raw, 0);
  add('module structure', Buffer.alloc(Math.max(0, shippedBytes.length - codeAndData)));

  const labels = {
    core: 'core: validation, the operation table reader, signing (V1, V3), JSON, results, errors',
    binding: 'binding: src/wasm/, wasm-bindgen, js-sys, web-sys, futures, generated shims',
    crates: 'signing crates: hmac, sha1, sha2, base64, base16ct, getrandom',
    runtime: "runtime: allocator, Rust's std/core/alloc code both sides call",
    data: 'data: the operation table text, messages, constants',
    'module structure': 'types, imports, exports, tables, section headers (no names)',
  };
  console.log(`The release wasm (opt-level z, wasm-opt -Oz): ${shippedBytes.length.toLocaleString('en-US')} bytes, ${kb(gzip(shippedBytes))} gzip.\n`);
  console.log('| part | raw bytes | gzip alone |');
  console.log('|---|---:|---:|');
  for (const [group, entry] of [...groups].sort((a, b) => b[1].raw - a[1].raw)) {
    const alone = group === 'module structure' ? '—' : kb(gzip(Buffer.concat(entry.parts)));
    console.log(`| ${labels[group] ?? group} | ${entry.raw.toLocaleString('en-US')} | ${alone} |`);
  }
  const coreLike = ['core', 'crates', 'data'].flatMap((g) => groups.get(g)?.parts ?? []);
  console.log(`\nThe core with its crates and the data, gzipped together: ${kb(gzip(Buffer.concat(coreLike)))}; with the runtime too: ${kb(gzip(Buffer.concat([...coreLike, ...(groups.get('runtime')?.parts ?? [])])))}.`);
  // dist/web.mjs's own JS (glue, API, fflate's inflater): the file without its one long base64 literal.
  const web = readFileSync(join(root, 'dist/web.mjs'), 'utf8');
  const inlined = web.match(/"[A-Za-z0-9+/=]{10000,}"/);
  if (!inlined) throw new Error('dist/web.mjs: no inlined wasm found');
  console.log(`dist/web.mjs is ${kb(gzip(Buffer.from(web)))} gzip; its JS without the inlined wasm, ${kb(gzip(Buffer.from(web.replace(inlined[0], '""'))))}.`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
