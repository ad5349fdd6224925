// What a fresh process's first *sent* call costs (not part of `npm run bench`, whose cold
// start stops at the first signed request):
//
//   node bench/first-call.mjs [--samples 20]
//
// A fresh `node` per sample, contenders in turn, against the emulator in a process of its
// own (lib/emulator-child.mjs); each sample stops one instance of its own. Prints, in ms
// from the start of the main script (medians, [min–max]): loading the library, and the first
// call from then until its answer is read.
//   package  require('dms-taskflow'), new DmsClient, stopTaskFlowInstance (the host's fetch)
//   popCore  require('@alicloud/pop-core'), new RPCClient, request (node:http)
//   fetch    Node's own fetch of one form POST, body read (no library)
//   http     require('node:http'), one form POST, body read (no library)
// The first two must succeed against the emulator (a failed sample aborts the run).
import { spawnSync } from 'node:child_process';
import { startEmulatorProcess } from './lib/emulator-control.mjs';
import { rotate, summarize } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const at = argv.indexOf('--samples');
const SAMPLES = at === -1 ? 20 : Number(argv[at + 1]);
const root = new URL('..', import.meta.url).pathname;
const ACCOUNT = "accessKeyId: 'LTAI5tEmulatorKeyId01', accessKeySecret: 'emulator-secret-01'"; // emulator test key
const DAG_ID = '7001';

// Each child prints "<load ms> <first call ms>"; argv: [url, instance id].
const report = 'console.log(`${(t1 - t0).toFixed(3)} ${(performance.now() - t1).toFixed(3)}`)';
const fail = '(error) => { console.error(error); process.exit(2); }';
const CHILDREN = {
  package: `const t0 = performance.now();
const { DmsClient } = require('dms-taskflow');
const t1 = performance.now();
new DmsClient({ ${ACCOUNT}, endpoint: process.argv[1] })
  .stopTaskFlowInstance({ dagId: '${DAG_ID}', dagInstanceId: process.argv[2] })
  .then((result) => { if (result.success !== true) process.exit(3); ${report}; }, ${fail});`,
  popCore: `const t0 = performance.now();
const { RPCClient } = require('@alicloud/pop-core');
const t1 = performance.now();
new RPCClient({ ${ACCOUNT}, endpoint: process.argv[1].replace(/\\/$/, ''), apiVersion: '2018-11-01' })
  .request('StopTaskFlowInstance', { DagId: '${DAG_ID}', DagInstanceId: process.argv[2] }, { method: 'POST' })
  .then((result) => { if (result.Success !== true) process.exit(3); ${report}; }, ${fail});`,
  fetch: `const t0 = performance.now();
const t1 = performance.now();
fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' })
  .then((response) => response.text())
  .then(() => { ${report}; }, ${fail});`,
  http: `const t0 = performance.now();
const http = require('node:http');
const t1 = performance.now();
const request = http.request(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (response) => {
  response.on('data', () => {});
  response.on('end', () => { ${report}; });
});
request.on('error', ${fail});
request.end('a=1');`,
};

const emu = await startEmulatorProcess();
const ids = Object.keys(CHILDREN);
await emu.prepare(DAG_ID, 9_000_000, SAMPLES * ids.length);
let nextId = 9_000_000;
const load = Object.fromEntries(ids.map((id) => [id, []]));
const call = Object.fromEntries(ids.map((id) => [id, []]));
try {
  for (let sample = 0; sample < SAMPLES; sample++) {
    for (const id of rotate(ids, sample)) {
      const result = spawnSync(process.execPath, ['-e', CHILDREN[id], emu.url, String(nextId++)], { cwd: root, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`first-call ${id}: exit ${result.status}: ${result.stderr.slice(0, 500)}`);
      const [loadMs, callMs] = result.stdout.trim().split(' ').map(Number);
      load[id].push(loadMs);
      call[id].push(callMs);
    }
  }
} finally {
  await emu.close();
}
const range = (s) => `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
console.log(`first call in a fresh process, ${SAMPLES} samples each, ms (median [min–max])`);
for (const id of ids) {
  const l = summarize(load[id]);
  const c = summarize(call[id]);
  const total = summarize(load[id].map((ms, i) => ms + call[id][i]));
  console.log(`${id.padEnd(8)} load ${range(l).padEnd(20)} first call ${range(c).padEnd(22)} total ${range(total)}`);
}
