// Small statistics helpers: every figure in the report is a median of several samples with
// their min and max, because the machine is noisy.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { median, min, max, n, samples } of a list of numbers. */
export function summarize(samples) {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length, samples };
}

/** a / b of two summaries' medians, with the min–max of the per-round ratios when paired. */
export function ratio(a, b) {
  const out = { ratio: a.median / b.median };
  if (a.samples && b.samples && a.samples.length === b.samples.length) {
    const paired = a.samples.map((value, i) => value / b.samples[i]);
    out.pairedMedian = median(paired);
    out.pairedMin = Math.min(...paired);
    out.pairedMax = Math.max(...paired);
  }
  return out;
}

/** Rotates `list` by `round` places, so no contender always runs first (or last). */
export function rotate(list, round) {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
