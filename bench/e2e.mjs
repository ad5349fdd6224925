// End to end (node bench/e2e.mjs [--quick]; run.mjs runs it in a process of its own): stop
// and resume calls against the local DMS emulator, which runs in another process
// (lib/emulator-child.mjs), sequentially and at concurrency 64, for
//   package  DmsClient#stopTaskFlowInstance / #resumeTaskFlowInstance (validate, sign with a
//            fresh nonce, fetch, parse, classify)
//   raw      fetch() of requests pre-signed with signRequest just before the batch, body read
//            with .json(): transport and server only, the ceiling
//   popCore  @alicloud/pop-core RPCClient#request (POST) to the emulator (its endpoint option)
//   floor    the duties no client can drop, and nothing else: each call signed afresh with
//            signRequest (the gateway rejects a reused nonce), a timeout whose
//            AbortController signal goes to fetch (a hung request is torn down, not left
//            holding a socket), then fetch and .json(): the plain client the guard compares
//            DmsClient with (package >= 0.95x floor at concurrency 64)
//   rawEquivalent  what a user would write by hand with the package's duties: the plain
//            node:crypto signer per call (fresh nonce and timestamp), a timeout that aborts
//            the fetch, no redirect following, the body read as text and parsed; a
//            comparison, not a bound (its signer costs more per call under load)
// Calls alternate Stop (a running instance) and Resume (a suspended one); every call gets an
// instance of its own. Each batch starts on a freshly restarted emulator (same port), gets
// a warm-up that opens the connections, then is timed; the emulator then reports how many
// calls succeeded, and a batch with any failure aborts the benchmark. Contenders run in
// rotating order, round after round. Prints JSON on stdout.
import { createRequire } from 'node:module';
import { startEmulatorProcess } from './lib/emulator-control.mjs';
import { ratio, rotate, summarize } from './lib/stats.mjs';
import { drive } from './lib/drive.mjs';
import { callPlain, withTimeout } from './lib/plain-client.mjs';

const require = createRequire(import.meta.url);
const { DmsClient, signRequest } = require('dms-taskflow');
const { RPCClient } = require('@alicloud/pop-core');

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 5;
const MODES = [
  { id: 'sequential', concurrency: 1, calls: quick ? 300 : 1000, warmup: 50 },
  { id: 'c64', concurrency: 64, calls: quick ? 1000 : 4000, warmup: 256 },
];
const ACCOUNT = { accessKeyId: 'LTAI5tEmulatorKeyId01', accessKeySecret: 'emulator-secret-01' }; // emulator test key
const DAG_ID = '7001';

const emu = await startEmulatorProcess();
const client = new DmsClient({ ...ACCOUNT, endpoint: emu.url });
const pop = new RPCClient({ ...ACCOUNT, endpoint: emu.url, apiVersion: '2018-11-01' });

const wire = (offset, id) =>
  offset % 2 === 0
    ? ['StopTaskFlowInstance', { DagId: DAG_ID, DagInstanceId: String(id) }]
    : ['ResumeTaskFlowInstance', { DagId: DAG_ID, DagInstanceId: String(id), DagVersion: '1' }];

const CONTENDERS = [
  {
    id: 'package',
    label: 'dms-taskflow DmsClient',
    prepare: () => (offset, id) =>
      offset % 2 === 0
        ? client.stopTaskFlowInstance({ dagId: DAG_ID, dagInstanceId: String(id) })
        : client.resumeTaskFlowInstance({ dagId: DAG_ID, dagInstanceId: String(id), dagVersion: '1' }),
  },
  {
    id: 'raw',
    label: 'raw fetch of requests pre-signed with signRequest (ceiling)',
    // Signed before the batch is timed: the timed part is fetch + reading the JSON body.
    prepare: (base, count) => {
      const requests = [];
      for (let offset = 0; offset < count; offset++) requests.push(signRequest({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, base + offset)));
      return (offset) => {
        const { url, method, headers, body } = requests[offset];
        return fetch(url, { method, headers, body }).then((response) => response.json());
      };
    },
  },
  {
    id: 'floor',
    label: 'floor: signRequest per call + a timeout that aborts the fetch, nothing else',
    prepare: () => (offset, id) => {
      const { url, method, headers, body } = signRequest({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, id));
      return withTimeout((signal) => fetch(url, { method, headers, body, signal }).then((response) => response.json()));
    },
  },
  {
    id: 'popCore',
    label: '@alicloud/pop-core RPCClient#request (POST)',
    prepare: () => (offset, id) => pop.request(...wire(offset, id), { method: 'POST' }),
  },
  {
    id: 'rawEquivalent',
    label: 'plain JS with the same duties: sign each call, timeout + AbortController, no redirects, text + JSON.parse',
    prepare: () => (offset, id) => callPlain({ ...ACCOUNT, endpoint: emu.url }, ...wire(offset, id)),
  },
];

let nextBase = 1_000_000; // instance ids: never reused
const samples = {};
const failures = [];
for (const mode of MODES) {
  samples[mode.id] = Object.fromEntries(CONTENDERS.map((c) => [c.id, []]));
}
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of MODES) {
    for (const contender of rotate(CONTENDERS, round)) {
      const total = mode.warmup + mode.calls;
      const base = nextBase;
      nextBase += total + (total % 2);
      await emu.restart();
      await emu.prepare(DAG_ID, base, total);
      const call = contender.prepare(base, total);
      await drive(call, base, 0, mode.warmup, mode.concurrency);
      await emu.stats(); // drop the warm-up's records
      const started = performance.now();
      await drive(call, base, mode.warmup, mode.calls, mode.concurrency);
      const seconds = (performance.now() - started) / 1000;
      const stats = await emu.stats();
      if (stats.requests !== mode.calls || stats.ok !== mode.calls) failures.push({ round, mode: mode.id, contender: contender.id, ...stats });
      samples[mode.id][contender.id].push(mode.calls / seconds);
      process.stderr.write(`  e2e round ${round + 1}/${ROUNDS} ${mode.id} ${contender.id}: ${Math.round(mode.calls / seconds)} calls/s\n`);
    }
  }
}
await emu.close();
if (failures.length) {
  console.error(`e2e: batches with failed calls: ${JSON.stringify(failures)}`);
  process.exitCode = 1;
}

const modes = {};
for (const mode of MODES) {
  const rates = Object.fromEntries(CONTENDERS.map((c) => [c.id, summarize(samples[mode.id][c.id])]));
  // Per-call cost above the raw fetch of the same round: 1e6/rate(package) - 1e6/rate(raw).
  const overhead = (id) => summarize(rates[id].samples.map((r, i) => 1e6 / r - 1e6 / rates.raw.samples[i]));
  modes[mode.id] = {
    concurrency: mode.concurrency,
    callsPerBatch: mode.calls,
    warmupCalls: mode.warmup,
    callsPerSec: Object.fromEntries(CONTENDERS.map((c) => [c.id, { label: c.label, ...rates[c.id] }])),
    packageOverRaw: ratio(rates.package, rates.raw),
    packageOverPopCore: ratio(rates.package, rates.popCore),
    popCoreOverRaw: ratio(rates.popCore, rates.raw),
    floorOverRaw: ratio(rates.floor, rates.raw),
    packageOverFloor: ratio(rates.package, rates.floor),
    packageOverRawEquivalent: ratio(rates.package, rates.rawEquivalent),
    rawEquivalentOverRaw: ratio(rates.rawEquivalent, rates.raw),
    packageOverheadUsPerCall: overhead('package'),
    popCoreOverheadUsPerCall: overhead('popCore'),
    floorOverheadUsPerCall: overhead('floor'),
    rawEquivalentOverheadUsPerCall: overhead('rawEquivalent'),
  };
}
console.log(JSON.stringify({ rounds: ROUNDS, failures, modes }));
