// Times contenders interleaved in one process, the way the signing benchmarks do: each is
// calibrated to about `roundMs` per batch (which also warms the JIT), runs one unrecorded
// batch, then `rounds` rounds run in rotating order, so no contender always goes first.
//
// A contender is `{ id, run, async? }`; `run()` returns something with a length, summed into
// `sink` so the work cannot be optimized away. Sets `contender.iterations` (per batch) and
// returns `{ samples: { [id]: ops/s per round }, sink }`.
import { rotate } from './stats.mjs';

export async function timeInterleaved(contenders, { rounds, roundMs }) {
  let sink = 0;
  async function batch(contender, iterations) {
    const started = performance.now();
    if (contender.async) for (let i = 0; i < iterations; i++) sink += (await contender.run()).length;
    else for (let i = 0; i < iterations; i++) sink += contender.run().length;
    return performance.now() - started;
  }
  for (const contender of contenders) {
    let iterations = 256;
    for (;;) {
      const elapsed = await batch(contender, iterations);
      if (elapsed >= roundMs / 10) {
        contender.iterations = Math.ceil((iterations * roundMs) / elapsed);
        break;
      }
      iterations *= 2;
    }
  }
  for (const contender of contenders) await batch(contender, contender.iterations);

  const samples = Object.fromEntries(contenders.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contender of rotate(contenders, round)) {
      const elapsed = await batch(contender, contender.iterations);
      samples[contender.id].push((contender.iterations * 1000) / elapsed);
    }
  }
  return { samples, sink };
}
