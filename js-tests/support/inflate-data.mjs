// Seeded test data for js-tests/package/inflate.test.mjs and its worker.

/** A deterministic generator of floats in [0, 1) (mulberry32). */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const WORDS = 'the task flow instance stop resume signature request error retry wasm dms of and to'.split(' ');

/**
 * `size` bytes mixing what DEFLATE meets: incompressible runs (stored blocks), runs of one
 * byte, words, a small alphabet, and copies of earlier stretches from near and far (up to
 * 40000 back, beyond the 32 KiB window), overlapping ones included.
 */
export function mixture(random, size) {
  const out = new Uint8Array(size);
  const int = (n) => Math.floor(random() * n);
  for (let i = 0; i < size; ) {
    const n = Math.min(size - i, 1 + int(random() < 0.8 ? 300 : 5000));
    const kind = int(5);
    if (kind === 0) for (let k = 0; k < n; k++) out[i + k] = int(256);
    else if (kind === 1) out.fill(int(256), i, i + n);
    else if (kind === 2) for (let k = 0; k < n; k++) out[i + k] = 97 + int(4);
    else if (kind === 3 && i > 0) {
      const dist = 1 + int(Math.min(i, 40000));
      for (let k = 0; k < n; k++) out[i + k] = out[i + k - dist];
    } else {
      let text = '';
      while (text.length < n) text += `${WORDS[int(WORDS.length)]} `;
      out.set(new TextEncoder().encode(text.slice(0, n)), i);
    }
    i += n;
  }
  return out;
}
