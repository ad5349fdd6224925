// The memory run of concurrency-and-memory.test.mjs, in its own process (started with
// --expose-gc, so heap figures are taken after a full collection, and without the
// emulator, so they are the client's alone).
//
// argv[2] is JSON: { url, accounts: [{ accessKeyId, accessKeySecret }], dagId, firstId,
// checkpoints: [n, ...] }. One DmsClient per account, each driven by one worker: as many
// calls in flight as there are accounts. Call i stops instance firstId + i (the parent
// added them all, running). At each checkpoint (calls settled in total) the workers have
// drained, then gc runs and wasmMemoryBytes() and heapUsed are sampled. The last line of
// stdout is `{ samples: [{ calls, wasmBytes, heapUsed, elapsedMs }], failures, failureCount, ms }`.
const loader = new URL('../../../.scratch/consumer/load.mjs', import.meta.url);
const pkg = await import(loader.href);

if (typeof globalThis.gc !== 'function') {
  console.error('run me with --expose-gc');
  process.exit(2);
}

const { url, accounts, dagId, firstId, checkpoints } = JSON.parse(process.argv[2]);
const clients = accounts.map((account) => new pkg.DmsClient({ ...account, endpoint: url }));

let next = 0;
let failureCount = 0;
const failures = [];

async function runUntil(limit) {
  await Promise.all(
    clients.map(async (client) => {
      while (next < limit) {
        const index = next;
        next += 1;
        try {
          const result = await client.stopTaskFlowInstance({ dagId, dagInstanceId: firstId + index });
          if (result?.success !== true) throw new Error(`resolved to ${JSON.stringify(result)}`);
        } catch (error) {
          failureCount += 1;
          if (failures.length < 10) failures.push({ index, code: error?.code, message: error?.message });
        }
      }
    }),
  );
}

async function sample(calls) {
  for (let i = 0; i < 3; i += 1) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve)); // let finalizers and microtasks run
  }
  globalThis.gc();
  return { calls, wasmBytes: pkg.wasmMemoryBytes(), heapUsed: process.memoryUsage().heapUsed, elapsedMs: Math.round(performance.now() - started) };
}

const started = performance.now();
const samples = [];
for (const checkpoint of checkpoints) {
  await runUntil(checkpoint);
  samples.push(await sample(checkpoint));
  console.error(`memory child: ${checkpoint} calls after ${Math.round(performance.now() - started)} ms`);
}
console.log(JSON.stringify({ samples, failures, failureCount, ms: Math.round(performance.now() - started) }));
