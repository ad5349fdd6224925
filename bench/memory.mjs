// Memory (node --expose-gc bench/memory.mjs sign|e2e|e2e-fetch [--quick]; run.mjs runs each in a
// fresh process): RSS, V8 heap and wasmMemoryBytes() at 10 checkpoints (after a gc()) while
//   sign  BENCH_MEMORY_SIGNS (default 100,000) signRequest calls, fresh nonce and timestamp each
//   e2e   BENCH_MEMORY_CALLS (default 100,000) DmsClient stop/resume calls at concurrency 64
//         against the emulator in its own process (restarted, same port, every tenth, so its
//         nonce store stays small; the one client keeps running across restarts)
//   e2e-fetch  the control: BENCH_MEMORY_CONTROL_CALLS (default 10,000) raw fetch calls of
//         requests signed with signRequest, same loop, same emulator
// --quick: 10,000 (control 5,000) unless the variables say otherwise. Prints JSON on stdout.
// "Flat": see FLAT_CRITERION.
import { createRequire } from 'node:module';
import { startEmulatorProcess } from './lib/emulator-control.mjs';

const require = createRequire(import.meta.url);
const { DmsClient, signRequest, wasmMemoryBytes } = require('dms-taskflow');

const kind = process.argv[2];
const quick = process.argv.includes('--quick');
const fromEnv = (name, full = 100_000, short = 10_000) => {
  const value = process.env[name];
  if (value === undefined || value === '') return quick ? short : full;
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
  return Number(value);
};
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const CHECKPOINTS = 10;
const RSS_SLACK = 8 * 1024 * 1024;
const HEAP_SLACK = 4 * 1024 * 1024;
const FLAT_CRITERION =
  "V8 heapUsed within 4 MiB from the 10% checkpoint to the last; wasmMemoryBytes unchanged over the second half (a high-water mark: it never shrinks, and at concurrency 64 it can take a page after 10%); the second half's highest RSS within 8 MiB of the highest from 10% to 50% (RSS swings by 10-20 MiB between checkpoints under load: sockets, allocator)";

function snapshot(done) {
  globalThis.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { done, rss, heapUsed, external, arrayBuffers, wasmMemoryBytes: wasmMemoryBytes(), ms: Math.round(performance.now() - t0) };
}

let t0 = performance.now();
const account = { accessKeyId: 'LTAI5tEmulatorKeyId01', accessKeySecret: 'emulator-secret-01' };
const series = [];
let total;
if (kind === 'sign') {
  total = fromEnv('BENCH_MEMORY_SIGNS');
  signRequest(account, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47' });
  t0 = performance.now();
  series.push(snapshot(0));
  let sink = 0;
  for (let c = 1; c <= CHECKPOINTS; c++) {
    const end = Math.round((total * c) / CHECKPOINTS);
    for (let i = series.at(-1).done; i < end; i++) {
      sink += signRequest(account, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: String(i + 1), Tid: '3' }).body.length;
    }
    series.push(snapshot(end));
  }
  if (sink === 0) throw new Error('no output');
} else if (kind === 'e2e' || kind === 'e2e-fetch') {
  // e2e-fetch, the control: the same loop with raw fetch of requests signed by signRequest
  // just before sending, so growth seen in e2e can be told apart from fetch's own.
  total = kind === 'e2e' ? fromEnv('BENCH_MEMORY_CALLS') : fromEnv('BENCH_MEMORY_CONTROL_CALLS', 10_000, 5_000);
  const emu = await startEmulatorProcess();
  const client = new DmsClient({ ...account, endpoint: emu.url });
  const dagId = '8001';
  const call =
    kind === 'e2e'
      ? (id, offset) =>
          offset % 2 === 0
            ? client.stopTaskFlowInstance({ dagId, dagInstanceId: String(id) })
            : client.resumeTaskFlowInstance({ dagId, dagInstanceId: String(id), dagVersion: '1' })
      : (id, offset) => {
          const request =
            offset % 2 === 0
              ? signRequest({ ...account, endpoint: emu.url }, 'StopTaskFlowInstance', { DagId: dagId, DagInstanceId: String(id) })
              : signRequest({ ...account, endpoint: emu.url }, 'ResumeTaskFlowInstance', { DagId: dagId, DagInstanceId: String(id), DagVersion: '1' });
          return fetch(request.url, { method: request.method, headers: request.headers, body: request.body }).then((response) => response.json());
        };
  t0 = performance.now();
  series.push(snapshot(0));
  let failed = 0;
  for (let c = 1; c <= CHECKPOINTS; c++) {
    const from = series.at(-1).done;
    const end = Math.round((total * c) / CHECKPOINTS);
    await emu.restart();
    await emu.prepare(dagId, from, end - from);
    let next = from;
    const worker = async () => {
      while (next < end) {
        const id = next++;
        await call(id, id - from).catch(() => failed++);
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    const stats = await emu.stats();
    if (stats.ok !== end - from) failed += end - from - stats.ok;
    series.push(snapshot(end));
    process.stderr.write(`  memory ${kind}: ${end}/${total} calls, rss ${(series.at(-1).rss / 1048576).toFixed(1)} MiB\n`);
  }
  await emu.close();
  if (failed) {
    console.error(`memory ${kind}: ${failed} calls failed`);
    process.exitCode = 1;
  }
} else {
  throw new Error('usage: node --expose-gc bench/memory.mjs sign|e2e|e2e-fetch [--quick]');
}

const first = series[1]; // 10%: past start-up and warm-up
const last = series.at(-1);
// Under load RSS swings by 10-20 MiB from one checkpoint to the next (sockets, allocator
// arenas), so one checkpoint against another proves little: in one run the 50% checkpoint
// dipped to 152 MiB between neighbours of 173 and 172, and the end (174) looked like 22 MiB
// of growth. A leak raises the peaks, so the peaks are compared.
const peakRss = (points) => Math.max(...points.map((point) => point.rss));
// Wasm memory only grows (pages are never given back): a leak keeps growing it, while the
// high-water mark of 64 calls in flight is reached once, sometimes late (one page after 10%,
// seen over the second half too; 300,000 calls stayed on that page). 90,000 calls leaking
// 1.5 bytes each would take two 64 KiB pages.
const half = series[CHECKPOINTS / 2];
const growth = {
  heapUsed: last.heapUsed - first.heapUsed,
  wasmMemoryBytes: last.wasmMemoryBytes - first.wasmMemoryBytes,
  wasmMemoryBytesSecondHalf: last.wasmMemoryBytes - half.wasmMemoryBytes,
  rss: last.rss - first.rss,
  rssSecondHalf: peakRss(series.slice(CHECKPOINTS / 2 + 1)) - peakRss(series.slice(1, CHECKPOINTS / 2 + 1)),
};
const heapBytesPerCall = growth.heapUsed / (last.done - first.done);
const flat = growth.wasmMemoryBytes <= 65_536 && growth.heapUsed <= HEAP_SLACK && growth.rssSecondHalf <= RSS_SLACK;
console.log(
  JSON.stringify({
    kind,
    count: total,
    series,
    start: series[0],
    end: last,
    growth,
    heapBytesPerCall,
    flat,
    criterion: FLAT_CRITERION,
  }),
);
