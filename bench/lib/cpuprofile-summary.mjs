// Summarizes V8 .cpuprofile files (node --cpu-prof, or e2e-profile.mjs --profile): self and
// total time per function, and self time per group (wasm, the package's JS glue,
// undici/fetch, timers/AbortController, promise machinery, GC, ...), in µs per call when
// --calls N says how many calls each file covers.
//
//   node bench/lib/cpuprofile-summary.mjs A.cpuprofile[,A2,...] [--calls N] [--top 40] [--wasm named.wasm]
//   node bench/lib/cpuprofile-summary.mjs A1,A2,... --diff B1,B2,... --calls N [--wasm named.wasm]
//        self time per group and per function of B minus A (e.g. package minus raw fetch)
//
// Several files on a side are pooled (their calls added up). --wasm names wasm functions
// from the name section of a build kept with names (wasm-opt -g): V8 in Node 20 shows
// only `wasm-function[N]`. Sampling is on wall-clock time, so a process that waits for
// the CPU is over-counted: compare shares and differences, not absolute times.
import { readFileSync } from 'node:fs';
import { functionNames } from './wasm-sections.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};
const calls = Number(opt('calls', 0));
const top = Number(opt('top', 40));

// wasm-function[N] -> name.
const wasmNames = opt('wasm') ? functionNames(readFileSync(opt('wasm'))) : new Map();

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
  if (!url) return 'builtin/native';
  return 'other node internals';
}

const keyOf = (f) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;

/** { perFunction: Map key -> {self, total, group}, perGroup: Map, busy } in µs, pooled. */
function analyse(files) {
  const perFunction = new Map();
  const perGroup = new Map();
  let busy = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    for (const node of profile.nodes) {
      const match = /^\$?wasm-function\[(\d+)\]$/.exec(node.callFrame.functionName);
      if (match && wasmNames.has(Number(match[1]))) {
        node.callFrame = { ...node.callFrame, functionName: `wasm:${wasmNames.get(Number(match[1])).replace(/::h[0-9a-f]{16}$/, '')}`, url: 'wasm://', lineNumber: -1 };
      }
    }
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const selfUs = new Map();
    const { samples, timeDeltas } = profile;
    for (let i = 0; i < samples.length; i++) {
      const dt = timeDeltas[i + 1] ?? 0; // the time to the next sample is this sample's
      selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
    }
    for (const node of profile.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      const key = keyOf(node.callFrame);
      const g = group(node.callFrame);
      const entry = perFunction.get(key) ?? { self: 0, total: 0, group: g };
      entry.self += us;
      perFunction.set(key, entry);
      perGroup.set(g, (perGroup.get(g) ?? 0) + us);
      if (g !== 'idle') busy += us;
    }
    // Total: a sample counts once for each distinct function on its stack.
    for (const node of profile.nodes) {
      const us = selfUs.get(node.id) ?? 0;
      if (!us) continue;
      const seen = new Set();
      for (let id = node.id; id !== undefined; id = parent.get(id)) {
        const key = keyOf(byId.get(id).callFrame);
        if (seen.has(key)) continue;
        seen.add(key);
        perFunction.get(key).total += us;
      }
    }
  }
  return { perFunction, perGroup, busy, calls: calls * files.length };
}

const per = (us, n) => (n ? us / n : us / 1000);
const unit = calls ? 'µs/call' : 'ms';
const fmt = (us, n) => `${per(us, n).toFixed(1).padStart(7)} ${unit}`;
const sideA = argv[0].split(',');

if (opt('diff')) {
  const a = analyse(sideA);
  const b = analyse(opt('diff').split(','));
  console.log(`busy: A ${fmt(a.busy, a.calls)}, B ${fmt(b.busy, b.calls)}, B - A ${fmt(per(b.busy, b.calls) * (b.calls || 1) - 0, b.calls).trim()} vs ${fmt(a.busy, a.calls).trim()}`);
  console.log('\nself time by group: A, B, B - A');
  const groups = new Set([...a.perGroup.keys(), ...b.perGroup.keys()]);
  const rows = [...groups].map((g) => [g, per(a.perGroup.get(g) ?? 0, a.calls), per(b.perGroup.get(g) ?? 0, b.calls)]);
  for (const [g, x, y] of rows.sort((p, q) => q[2] - q[1] - (p[2] - p[1]))) {
    console.log(`  ${g.padEnd(38)} ${x.toFixed(1).padStart(7)} ${y.toFixed(1).padStart(7)} ${(y - x).toFixed(1).padStart(7)}`);
  }
  console.log(`\ntop ${top} functions by self time B - A (${unit}): A, B, B - A`);
  const keys = new Set([...a.perFunction.keys(), ...b.perFunction.keys()]);
  const fnRows = [...keys].map((k) => [k, per(a.perFunction.get(k)?.self ?? 0, a.calls), per(b.perFunction.get(k)?.self ?? 0, b.calls), (a.perFunction.get(k) ?? b.perFunction.get(k)).group]);
  for (const [k, x, y, g] of fnRows.sort((p, q) => Math.abs(q[2] - q[1]) - Math.abs(p[2] - p[1])).slice(0, top)) {
    console.log(`  ${x.toFixed(1).padStart(7)} ${y.toFixed(1).padStart(7)} ${(y - x).toFixed(1).padStart(7)}  [${g}] ${k}`);
  }
} else {
  const { perFunction, perGroup, busy, calls: n } = analyse(sideA);
  console.log(`${sideA.join(', ')}: ${fmt(busy, n)} busy (idle excluded)`);
  console.log('\nself time by group');
  for (const [g, us] of [...perGroup].sort((x, y) => y[1] - x[1])) {
    console.log(`  ${g.padEnd(38)} ${fmt(us, n)}  ${((100 * us) / busy).toFixed(1).padStart(5)}%`);
  }
  console.log(`\ntop ${top} functions by self time`);
  for (const [key, e] of [...perFunction].sort((x, y) => y[1].self - x[1].self).slice(0, top)) {
    console.log(`  ${fmt(e.self, n)} self ${fmt(e.total, n)} total  [${e.group}] ${key}`);
  }
  console.log(`\ntop ${top} functions by total time`);
  for (const [key, e] of [...perFunction].sort((x, y) => y[1].total - x[1].total).slice(0, top)) {
    console.log(`  ${fmt(e.total, n)} total ${fmt(e.self, n)} self  [${e.group}] ${key}`);
  }
}
