// Summarizes a V8 .cpuprofile (node --cpu-prof): self and total time per function, and self
// time per group (wasm, the package's JS glue, undici/fetch, timers/AbortController, promise
// machinery, GC, ...), as µs per call when --calls N says how many calls the profile covers.
//
//   node bench/lib/cpuprofile-summary.mjs FILE.cpuprofile [--calls N] [--top 40] [--since-mark]
//
// Only samples between the first and last sample of a function named `timedBatch` (if any)
// are counted when --window is given; otherwise the whole profile.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const file = argv[0];
const opt = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};
const calls = Number(opt('calls', 0));
const top = Number(opt('top', 40));
const profile = JSON.parse(readFileSync(file, 'utf8'));

// wasm-function[N] -> name, from the name section of --wasm FILE (a build kept with names:
// wasm-opt -g). V8 20.x's profiler shows only indices.
const wasmNames = new Map();
if (opt('wasm')) {
  const bytes = readFileSync(opt('wasm'));
  let at = 8;
  const leb = () => {
    let result = 0, shift = 0, byte;
    do {
      byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const name = () => {
    const length = leb();
    const text = bytes.toString('utf8', at, at + length);
    at += length;
    return text;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 0 && name() === 'name') {
      while (at < end) {
        const sub = bytes[at++];
        const subSize = leb();
        const subEnd = at + subSize;
        if (sub === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            wasmNames.set(index, name());
          }
        }
        at = subEnd;
      }
    }
    at = end;
  }
  for (const node of profile.nodes) {
    const match = /^(?:\$?wasm-function)\[(\d+)\]$/.exec(node.callFrame.functionName);
    if (match && wasmNames.has(Number(match[1]))) {
      node.callFrame.functionName = `wasm:${wasmNames.get(Number(match[1])).replace(/::h[0-9a-f]{16}$/, '')}`;
      node.callFrame.url = 'wasm://';
      node.callFrame.lineNumber = Number(match[1]) - 1;
    }
  }
}

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Time per sample.
const selfUs = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i + 1] ?? 0; // delta to the next sample is this sample's duration
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
}

function group(frame) {
  const { functionName: fn, url } = frame;
  if (url.startsWith('wasm://') || /^\$?(wasm-function|func)\[?\d/.test(fn) || url.includes('.wasm')) return 'wasm';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'program (native, unattributed)';
  if (fn === '(root)') return 'root';
  if (url.includes('e2e-profile') || url.includes('bench/')) return 'driver';
  if (url.includes('node.cjs') || url.includes('dms_taskflow') || url.includes('/js/')) return 'package JS glue';
  if (/undici|internal\/deps\/undici/.test(url)) return 'undici/fetch';
  if (/timers|abort_controller|event_target|internal\/event/.test(url)) return 'timers/AbortController/EventTarget';
  if (/^(Promise|then|resolve|reject|race|all|runMicrotasks|processTicksAndRejections|queueMicrotask)$/.test(fn) && !url) return 'promise machinery (builtin)';
  if (/task_queues|promises|async_hooks/.test(url)) return 'promise/task queues';
  if (/net\.js|stream|_http|http|tcp|buffer|internal\/streams/.test(url)) return 'node net/streams';
  if (!url) return `builtin/native`;
  return 'other node internals';
}

const perFunction = new Map();
const perGroup = new Map();
let totalUs = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  const g = group(f);
  const entry = perFunction.get(key) ?? { self: 0, total: 0, group: g };
  entry.self += us;
  perFunction.set(key, entry);
  perGroup.set(g, (perGroup.get(g) ?? 0) + us);
  if (g !== 'idle') totalUs += us;
}
// Total time: a node's self time counts for each distinct function on its stack once.
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const seen = new Set();
  for (let id = node.id; id !== undefined; id = parent.get(id)) {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    perFunction.get(key).total += us;
  }
}

const fmt = (us) => (calls ? `${(us / calls).toFixed(1).padStart(7)} µs/call` : `${(us / 1000).toFixed(1).padStart(8)} ms`);
console.log(`profile ${file}: ${(totalUs / 1000).toFixed(0)} ms busy (idle excluded)${calls ? `, ${calls} calls: ${(totalUs / calls).toFixed(1)} µs/call` : ''}`);
console.log('\nself time by group');
for (const [g, us] of [...perGroup].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${g.padEnd(38)} ${fmt(us)}  ${((100 * us) / totalUs).toFixed(1).padStart(5)}%`);
}
console.log(`\ntop ${top} functions by self time`);
for (const [key, e] of [...perFunction].sort((a, b) => b[1].self - a[1].self).slice(0, top)) {
  console.log(`  ${fmt(e.self)} self ${fmt(e.total)} total  [${e.group}] ${key}`);
}
console.log(`\ntop ${top} functions by total time`);
for (const [key, e] of [...perFunction].sort((a, b) => b[1].total - a[1].total).slice(0, top)) {
  console.log(`  ${fmt(e.total)} total ${fmt(e.self)} self  [${e.group}] ${key}`);
}
