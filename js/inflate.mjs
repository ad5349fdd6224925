/**
 * A small synchronous raw-DEFLATE (RFC 1951) decoder: stored, fixed and dynamic Huffman
 * blocks, no zlib or gzip wrapper. dist/web.mjs inlines the wasm as base64 of its DEFLATE and
 * inflates it with this at import: served gzipped, base64 of a wasm is ~30% larger than the
 * wasm deflated, while base64 of deflated bytes gzips back to ~their size. DecompressionStream
 * would do it natively but asynchronously, and the import must stay synchronous.
 *
 * `inflate(bytes, maxLength)` returns the output bytes. With `maxLength` the output buffer is
 * allocated once at that size and a longer output throws; without it the buffer grows.
 * Corrupt input throws an Error (`inflate: ...`) wherever zlib rejects it (the tests compare
 * the two on corrupted streams); it never reads past the input or loops forever. Inputs up
 * to 256 MB (bit positions are int32).
 *
 * Huffman codes are decoded through one table per code, indexed by the next `max` bits
 * (`max` = the longest code length, so the table has 2^max entries); an entry is
 * `symbol << 4 | length`, 0 where a code with no symbols has no code.
 */

const fail = (what) => {
  throw new Error(`inflate: ${what}`);
};

// Base values and extra-bit counts of length codes 257..285 and distance codes 0..29.
const lengthBase = [], lengthExtra = [], distBase = [], distExtra = [];
for (let i = 0, b = 3; i < 29; i++) {
  lengthExtra[i] = i < 8 || i > 27 ? 0 : (i >> 2) - 1;
  lengthBase[i] = i > 27 ? 258 : b;
  b += 1 << lengthExtra[i];
}
for (let i = 0, b = 1; i < 30; i++) {
  distExtra[i] = i < 4 ? 0 : (i >> 1) - 1;
  distBase[i] = b;
  b += 1 << distExtra[i];
}
// Order in which a dynamic block sends the code lengths of the code-length code.
const clOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * The decoding table of the canonical Huffman code with these code lengths. Like zlib, it
 * rejects over-subscribed codes and incomplete ones, but for two: a code with no symbols (an
 * error only if a symbol is read with it) and a lone 1-bit code (except in the code-length
 * code, `cl`).
 */
const table = (lengths, cl) => {
  const count = new Uint16Array(16);
  let max = 0, left = 1, code = 0;
  for (const l of lengths) count[l]++, l > max && (max = l);
  count[0] = 0;
  const next = new Uint16Array(16);
  for (let l = 1; l < 16; l++) {
    if ((left = (left << 1) - count[l]) < 0) fail('bad code lengths');
    next[l] = code = (code + count[l - 1]) << 1;
  }
  if (max && left && (cl || max > 1)) fail('bad code lengths');
  const t = new Uint16Array(1 << max);
  lengths.forEach((l, symbol) => {
    if (!l) return;
    let c = next[l]++, r = 0;
    for (let i = 0; i < l; i++, c >>= 1) r = (r << 1) | (c & 1);
    for (; r < t.length; r += 1 << l) t[r] = (symbol << 4) | l;
  });
  return t;
};

let fixedLengths, fixedDists;

export function inflate(input, maxLength) {
  const n = input.length, end = n * 8;
  // Zero padding: the bit reader loads 3 bytes at a time and may look past the last one.
  const d = new Uint8Array(n + 4);
  d.set(input);
  let out = new Uint8Array(maxLength ?? n * 4 + 64), o = 0, p = 0, last;

  // The next bits, lowest first (at least 17 valid). Reading at or past the end is truncation.
  const peek = () => {
    if (p > end) fail('truncated input');
    const i = p >> 3;
    return (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16)) >> (p & 7);
  };
  const bits = (k) => {
    const v = peek() & ((1 << k) - 1);
    p += k;
    return v;
  };
  const decode = (t) => {
    const e = t[peek() & (t.length - 1)];
    if (!(e & 15)) fail('invalid code');
    p += e & 15;
    return e >> 4;
  };
  const room = (k) => {
    if (o + k > out.length) {
      if (maxLength != null) fail(`output larger than ${maxLength} bytes`);
      const bigger = new Uint8Array(Math.max(out.length * 2, o + k));
      bigger.set(out);
      out = bigger;
    }
  };

  try {
    do {
      last = bits(1);
      const type = bits(2);
      if (type == 0) {
        let i = (p + 7) >> 3;
        if (i + 4 > n) fail('truncated input');
        const len = d[i] | (d[i + 1] << 8);
        if (len != (~(d[i + 2] | (d[i + 3] << 8)) & 0xffff)) fail('bad stored block length');
        if ((i += 4) + len > n) fail('truncated input');
        room(len);
        out.set(d.subarray(i, i + len), o);
        o += len;
        p = (i + len) * 8;
        continue;
      }
      let lengths, dists;
      if (type == 1) {
        lengths = fixedLengths ??= table(new Uint8Array(288).fill(8).fill(9, 144, 256).fill(7, 256, 280));
        dists = fixedDists ??= table(new Uint8Array(32).fill(5));
      } else if (type == 2) {
        const nl = bits(5) + 257, nd = bits(5) + 1, nc = bits(4) + 4, all = nl + nd;
        if (nl > 286 || nd > 30) fail('bad code lengths');
        const cl = new Uint8Array(19);
        for (let i = 0; i < nc; i++) cl[clOrder[i]] = bits(3);
        const clTable = table(cl, 1), ls = new Uint8Array(all);
        for (let i = 0; i < all; ) {
          const s = decode(clTable);
          if (s < 16) ls[i++] = s;
          else {
            if (s == 16 && !i) fail('bad code lengths');
            const r = s == 16 ? 3 + bits(2) : s == 17 ? 3 + bits(3) : 11 + bits(7);
            if (i + r > all) fail('bad code lengths');
            ls.fill(s == 16 ? ls[i - 1] : 0, i, (i += r));
          }
        }
        if (!ls[256]) fail('bad code lengths'); // no end-of-block code
        lengths = table(ls.subarray(0, nl));
        dists = table(ls.subarray(nl));
      } else fail('bad block type');

      for (let s; (s = decode(lengths)) != 256; ) {
        if (s < 256) {
          room(1);
          out[o++] = s;
          continue;
        }
        if ((s -= 257) > 28) fail('invalid code');
        const len = lengthBase[s] + bits(lengthExtra[s]), ds = decode(dists);
        if (ds > 29) fail('invalid code');
        const dist = distBase[ds] + bits(distExtra[ds]);
        if (dist > o) fail('distance too far back');
        room(len);
        for (let k = 0; k < len; k++, o++) out[o] = out[o - dist];
      }
    } while (!last);
  } catch (error) {
    // Past the end the reader sees zeros, which may decode to nonsense before it notices.
    if (p <= end) throw error;
  }
  if (p > end) fail('truncated input');
  return o < out.length ? out.slice(0, o) : out;
}
