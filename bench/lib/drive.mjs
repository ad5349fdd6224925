// Runs `call(offset, base + offset)` for `count` offsets starting at `from`, with at most
// `concurrency` calls in flight: the load loop of the end-to-end benchmarks.
export async function drive(call, base, from, count, concurrency) {
  let next = from;
  const end = from + count;
  const worker = async () => {
    while (next < end) {
      const offset = next++;
      await call(offset, base + offset);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
