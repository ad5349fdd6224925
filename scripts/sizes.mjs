#!/usr/bin/env node
// Bytes a user ships per entry point (JS + wasm), raw, gzip and brotli, from dist/.
//   node scripts/sizes.mjs [--json]
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const entries = {
  'node (require)': ['node.cjs', 'dms_taskflow_bg.wasm'],
  'node (import)': ['node.mjs', 'node.cjs', 'dms_taskflow_bg.wasm'],
  'browser / bundlers / deno': ['web.mjs'],
  workerd: ['workerd.mjs', 'dms_taskflow_bg.wasm'],
  'edge-light': ['edge-light.mjs', 'dms_taskflow_bg.wasm'],
};

const measure = (name) => {
  const bytes = readFileSync(new URL(name, dist));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

const rows = Object.entries(entries).map(([entry, files]) => {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) for (const [k, v] of Object.entries(measure(file))) total[k] += v;
  return { entry, files: files.join(' + '), ...total };
});

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log('| entry | files | raw | gzip | brotli |\n|---|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.entry} | ${r.files} | ${r.raw} | ${r.gzip} | ${r.brotli} |`);
}
