// Where does an end-to-end call's time go? A focused driver for bench/e2e.mjs's question
// (not part of `npm run bench`):
//
//   node bench/lib/e2e-profile.mjs [--variants a,b,...] [--concurrency 64] [--calls 4000]
//        [--warmup 256] [--rounds 3] [--module PATH] [--json]
//   node bench/lib/e2e-profile.mjs --variants package --rounds 1 --profile /tmp/prof [--interval 250]
//        (a .cpuprofile of each timed batch only, via node:inspector; summarize it with
//        bench/lib/cpuprofile-summary.mjs FILE --calls N)
//
// The emulator runs in a process of its own (lib/emulator-child.mjs), restarted before every
// batch as in e2e.mjs. Per batch it reports calls/s, the client's CPU time per call
// (process.cpuUsage: user+system, all threads), the emulator's CPU per call (from
// /proc/PID/stat, 10 ms ticks), the client's event-loop utilization and GC time per call.
// CPU per call is far steadier than calls/s on a shared machine. --module loads another
// build (e.g. an instrumented copy of dist/node.cjs). `fake-*` variants never touch the
// network: fetch is a function returning a ready Response, so they time the package alone.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { startEmulatorProcess } from './emulator-control.mjs';
import { callPlain, withTimeout } from './plain-client.mjs';
import { drive } from './drive.mjs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : argv[at + 1];
};
// --module a.cjs,b.cjs: every variant runs once per module (named variant@N), interleaved
// in one process, so an A/B of two builds sees the same machine state.
const MODULES = flag('module', 'dms-taskflow').split(',');
const packages = MODULES.map((path) => require(path));
let { DmsClient, signRequest } = packages[0];
const CONCURRENCY = Number(flag('concurrency', 64));
const CALLS = Number(flag('calls', 4000));
const WARMUP = Number(flag('warmup', 256));
const ROUNDS = Number(flag('rounds', 3));
const ACCOUNT = { accessKeyId: 'LTAI5tEmulatorKeyId01', accessKeySecret: 'emulator-secret-01' }; // emulator test key
const DAG_ID = '7001';

const emu = await startEmulatorProcess();
const params = (offset, id) =>
  offset % 2 === 0 ? { dagId: DAG_ID, dagInstanceId: String(id) } : { dagId: DAG_ID, dagInstanceId: String(id), dagVersion: '1' };
const wire = (offset, id) =>
  offset % 2 === 0
    ? ['StopTaskFlowInstance', { DagId: DAG_ID, DagInstanceId: String(id) }]
    : ['ResumeTaskFlowInstance', { DagId: DAG_ID, DagInstanceId: String(id), DagVersion: '1' }];
const generated = (client, options) => (offset, id) =>
  offset % 2 === 0 ? client.stopTaskFlowInstance(params(offset, id), options) : client.resumeTaskFlowInstance(params(offset, id), options);

// A canned answer (what the emulator says to a Stop), for the fake-fetch variants.
const CANNED = JSON.stringify({ RequestId: '5E1E7B4F-1C2A-4B8E-9A6C-1234567890AB', Success: true });
const cannedHeaders = { 'content-type': 'application/json;charset=utf-8', date: new Date().toUTCString() };
const fakeFetch = () => Promise.resolve(new Response(CANNED, { status: 200, headers: cannedHeaders }));

// A fake fetch that answers on a later turn of the event loop after touching 4 MiB (a
// stand-in for the caches and the heap a real fetch churns), for the dirty-* variants:
// does the package's own cost grow when it is not running hot in a tight loop?
const scratch = new Uint8Array(4 << 20);
const dirtyFetch = () =>
  new Promise((resolve) =>
    setImmediate(() => {
      for (let i = 0; i < scratch.length; i += 64) scratch[i]++;
      resolve(new Response(CANNED, { status: 200, headers: cannedHeaders }));
    }),
  );

const presign = (base, count, endpoint = emu.url) => {
  const requests = [];
  for (let offset = 0; offset < count; offset++) requests.push(signRequest({ ...ACCOUNT, endpoint }, ...wire(offset, base + offset)));
  return requests;
};

// A variant that sends requests signed before the batch: `send(request)` per call.
const presigned = (send) => (base, count) => {
  const requests = presign(base, count);
  return (offset) => send(requests[offset]);
};
const json = (response) => response.json();

const VARIANTS = {
  // The ceiling of bench/e2e.mjs: pre-signed, fetch, .json().
  raw: presigned(({ url, method, headers, body }) => fetch(url, { method, headers, body }).then(json)),
  // raw, plus what the package does around fetch: a fresh nonce signature per call (signRequest),
  // AbortController + setTimeout/clearTimeout, redirect: 'manual', text() then JSON.parse.
  'raw-sign': () => (offset, id) => {
    const { url, method, headers, body } = signRequest({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, id));
    return fetch(url, { method, headers, body }).then(json);
  },
  'raw-like-package': presigned(({ url, method, headers, body }) =>
    withTimeout(async (signal) => {
      const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
      response.headers.get('date');
      response.headers.get('age');
      return JSON.parse(await response.text());
    }),
  ),
  // What a user would otherwise write with the same duties as the package (lib/plain-client.mjs).
  'raw-equivalent': () => (offset, id) => callPlain({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, id)),
  'raw-signal': presigned(({ url, method, headers, body }) => fetch(url, { method, headers, body, signal: new AbortController().signal }).then(json)),
  'raw-timer': presigned(({ url, method, headers, body }) => {
    const timer = setTimeout(() => {}, 30_000);
    return fetch(url, { method, headers, body }).then(json).finally(() => clearTimeout(timer));
  }),
  'raw-signal-timer': presigned(({ url, method, headers, body }) => withTimeout((signal) => fetch(url, { method, headers, body, signal }).then(json))),
  // The duties no client can drop (bench/e2e.mjs's floor): a fresh signature per call (the
  // gateway rejects a reused nonce; the package's own signer, the fastest here) and a
  // timeout that aborts the fetch.
  'raw-sign-abortable': () => (offset, id) => {
    const { url, method, headers, body } = signRequest({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, id));
    return withTimeout((signal) => fetch(url, { method, headers, body, signal }).then(json));
  },
  'raw-manual': presigned(({ url, method, headers, body }) => fetch(url, { method, headers, body, redirect: 'manual' }).then(json)),
  'raw-text': presigned(async ({ url, method, headers, body }) => JSON.parse(await (await fetch(url, { method, headers, body })).text())),
  'raw-headers': presigned(({ url, method, headers, body }) =>
    fetch(url, { method, headers, body }).then((response) => {
      response.headers.get('date');
      response.headers.get('age');
      return response.json();
    }),
  ),
  package: () => generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url })),
  'package-call': () => {
    const client = new DmsClient({ ...ACCOUNT, endpoint: emu.url });
    return (offset, id) => client.call(...wire(offset, id));
  },
  'package-1attempt': () => generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url, maxAttempts: 1 })),
  'package-signal': () => {
    const signal = new AbortController().signal;
    return generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url }), { signal });
  },
  'package-hooks': () => generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url, onRequest() {}, onResponse() {} })),
  'package-fetch-option': () => generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url, fetch: (...args) => fetch(...args) })),
  // The same, but fetch gets neither the signal nor redirect: 'manual' (what they cost in undici).
  'package-nosignal': () =>
    generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url, fetch: (url, { method, headers, body }) => fetch(url, { method, headers, body }) })),
  // No network: the package's own cost per call.
  'fake-package': () => generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url, fetch: fakeFetch })),
  'fake-raw': () => () => fakeFetch().then((response) => response.json()),
  'dirty-package': () => generated(new DmsClient({ ...ACCOUNT, endpoint: emu.url, fetch: dirtyFetch })),
  'dirty-raw': () => () => dirtyFetch().then((response) => response.json()),
  'fake-sign': () => (offset, id) => {
    signRequest({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, id));
    return fakeFetch().then((response) => response.json());
  },
};

// A variant named name@N runs with module N only; a plain name runs with every module.
const bases = (flag('variants', 'raw,package') ?? '').split(',').filter(Boolean);
for (const name of bases) if (!VARIANTS[name.split('@')[0]]) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
const names = MODULES.length === 1 ? bases : bases.flatMap((name) => (name.includes('@') ? [name] : MODULES.map((_, i) => `${name}@${i + 1}`)));
const variant = (name) => {
  const [base, index] = name.split('@');
  ({ DmsClient, signRequest } = packages[index ? Number(index) - 1 : 0]);
  return VARIANTS[base];
};

const TICK_US = 1e6 / 100; // USER_HZ
const emulatorCpuUs = () => {
  const fields = readFileSync(`/proc/${emu.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime
};
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
void constants;

const min = (xs) => Math.min(...xs);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const PROFILE_DIR = flag('profile', null);
const session = PROFILE_DIR ? new Session() : null;
if (session) {
  mkdirSync(PROFILE_DIR, { recursive: true });
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: Number(flag('interval', 250)) });
}

let nextBase = 1_000_000;
const results = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const total = WARMUP + CALLS;
    const base = nextBase;
    nextBase += total + (total % 2);
    const fake = name.startsWith('fake') || name.startsWith('dirty');
    if (!fake) {
      await emu.restart();
      await emu.prepare(DAG_ID, base, total);
    }
    const call = variant(name)(base, total);
    await drive(call, base, 0, WARMUP, CONCURRENCY);
    await emu.stats();
    const gc0 = gcMs;
    const elu0 = performance.eventLoopUtilization();
    const emu0 = emulatorCpuUs();
    if (session) await session.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await drive(call, base, WARMUP, CALLS, CONCURRENCY);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${PROFILE_DIR}/${name}-c${CONCURRENCY}-r${round + 1}.cpuprofile`, JSON.stringify(profile));
    }
    const emuUs = emulatorCpuUs() - emu0;
    const elu = performance.eventLoopUtilization(elu0);
    await new Promise((resolve) => setImmediate(resolve)); // let the gc observer run
    const stats = await emu.stats();
    if (!fake && (stats.requests !== CALLS || stats.ok !== CALLS)) throw new Error(`${name}: failed calls ${JSON.stringify(stats)}`);
    const row = {
      rate: CALLS / seconds,
      wallUs: (seconds * 1e6) / CALLS,
      clientCpuUs: (cpu.user + cpu.system) / CALLS,
      emulatorCpuUs: fake ? 0 : emuUs / CALLS,
      elu: elu.utilization,
      gcUs: ((gcMs - gc0) * 1000) / CALLS,
    };
    results[name].push(row);
    if (!argv.includes('--json')) {
      process.stderr.write(
        `round ${round + 1} ${name.padEnd(22)} ${row.rate.toFixed(0).padStart(6)} calls/s  wall ${row.wallUs.toFixed(1).padStart(6)} µs  client cpu ${row.clientCpuUs.toFixed(1).padStart(6)} µs  emu cpu ${row.emulatorCpuUs.toFixed(1).padStart(6)} µs  elu ${row.elu.toFixed(2)}  gc ${row.gcUs.toFixed(1)} µs\n`,
      );
    }
  }
}
await emu.close();
const summary = Object.fromEntries(
  names.map((name) => [name, Object.fromEntries(Object.keys(results[name][0]).map((k) => [k, +median(results[name].map((r) => r[k])).toFixed(2)]))]),
);
if (argv.includes('--json')) console.log(JSON.stringify({ concurrency: CONCURRENCY, calls: CALLS, rounds: ROUNDS, modules: MODULES, summary }));
else {
  console.log(`medians over ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${CALLS} calls per batch${MODULES.length > 1 ? `; @N = ${MODULES.map((m, i) => `${i + 1}: ${m}`).join(', ')}` : ''}`);
  for (const [name, s] of Object.entries(summary)) {
    // Paired with the first variant of the same round: steadier than either median when
    // the machine's speed drifts.
    const paired = median(results[name].map((r, i) => r.clientCpuUs - results[names[0]][i].clientCpuUs)).toFixed(1);
    console.log(`${name.padEnd(22)} ${String(Math.round(s.rate)).padStart(6)} calls/s  wall ${s.wallUs} µs  client cpu ${s.clientCpuUs} µs (min ${min(results[name].map((r) => r.clientCpuUs)).toFixed(1)}, ${paired} vs ${names[0]} paired)  emu cpu ${s.emulatorCpuUs} µs  elu ${s.elu}  gc ${s.gcUs} µs`);
  }
}
