// js/inflate.mjs, the raw-DEFLATE decoder dist/web.mjs inflates the inlined wasm with, against
// node:zlib as the independent implementation: zlib's deflate at every level and strategy,
// seeded mixtures, the real wasm, hand-made streams for each error, and corrupt input (every
// prefix, every flipped bit, scrambled bytes) in a worker so a hang fails instead of stalling.
// Runs from the sources: no build needed, except for the real-wasm test (skipped without it).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { inflate } from '../../js/inflate.mjs';
import { mixture, seeded } from '../support/inflate-data.mjs';

const STRATEGIES = {
  Z_DEFAULT_STRATEGY: constants.Z_DEFAULT_STRATEGY,
  Z_FILTERED: constants.Z_FILTERED,
  Z_HUFFMAN_ONLY: constants.Z_HUFFMAN_ONLY,
  Z_RLE: constants.Z_RLE,
  Z_FIXED: constants.Z_FIXED,
};

/** Inflates `deflated` with and without the exact length as cap; both must give `original`. */
function assertRoundTrip(original, deflated, label) {
  const capped = inflate(deflated, original.length);
  assert.ok(capped instanceof Uint8Array, `${label}: a Uint8Array`);
  assert.ok(Buffer.from(original).equals(capped), `${label}: capped output equals the original`);
  assert.ok(Buffer.from(original).equals(inflate(deflated)), `${label}: uncapped output equals the original`);
}

/** Raw DEFLATE bits by hand: fields lowest bit first, Huffman codes highest bit first. */
function bitWriter() {
  const bytes = [];
  let acc = 0, used = 0;
  const put = (value, count) => {
    for (let i = 0; i < count; i++) {
      acc |= ((value >> i) & 1) << used;
      if (++used === 8) bytes.push(acc), (acc = 0), (used = 0);
    }
  };
  const code = (value, length) => {
    for (let i = length - 1; i >= 0; i--) put(value >> i, 1);
  };
  // The fixed code of a literal/length symbol.
  const fixed = (s) =>
    s < 144 ? code(0x30 + s, 8) : s < 256 ? code(0x190 + s - 144, 9) : s < 280 ? code(s - 256, 7) : code(0xc0 + s - 280, 8);
  const align = () => put(0, (8 - used) % 8);
  const bytesOut = () => Uint8Array.from(used ? [...bytes, acc] : bytes);
  return { put, code, fixed, align, bytes: bytesOut };
}

/** A stored block: header bits, then LEN, NLEN and the bytes (whole bytes after the header). */
const stored = (last, data, nlen = ~data.length & 0xffff) => [last, data.length & 0xff, data.length >> 8, nlen & 0xff, nlen >> 8, ...data];

/** The canonical Huffman codes (RFC 1951 3.2.2) of these code lengths: code per symbol. */
function canonical(lengths) {
  const count = Array(16).fill(0), next = Array(16).fill(0), codes = [];
  for (const l of lengths) if (l) count[l]++;
  for (let l = 1, code = 0; l < 16; l++) next[l] = code = (code + count[l - 1]) << 1;
  lengths.forEach((l, s) => l && (codes[s] = next[l]++));
  return codes;
}

/**
 * A last dynamic block with these literal/length and distance code lengths, then these
 * literal/length symbols. The lengths go one by one under a complete code-length code that
 * gives symbols 0..15 four bits each (no repeats).
 */
function dynamicBlock(litLengths, distLengths, symbols) {
  const w = bitWriter();
  w.put(1, 1), w.put(2, 2), w.put(litLengths.length - 257, 5), w.put(distLengths.length - 1, 5), w.put(15, 4);
  for (const s of [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]) w.put(s < 16 ? 4 : 0, 3);
  for (const l of [...litLengths, ...distLengths]) w.code(l, 4); // under that code, length l's code is l
  const codes = canonical(litLengths);
  for (const s of symbols) w.code(codes[s], litLengths[s]);
  return w.bytes();
}

/** Code lengths: `size` of them, zero but for the `[symbol, length]` pairs. */
const lengthsOf = (size, pairs) => Object.assign(Array(size).fill(0), Object.fromEntries(pairs));

const inflateError = (pattern) => ({ name: 'Error', message: pattern });

describe('inflate agrees with node:zlib', () => {
  test('empty, one byte, 1 MB of zeros, random bytes (stored blocks), text', () => {
    const random = seeded(1);
    const text = new TextEncoder().encode(readFileSync(new URL('../../HACKING.md', import.meta.url), 'utf8').repeat(3));
    const cases = {
      empty: new Uint8Array(0),
      'one byte': Uint8Array.of(42),
      '1 MB of zeros': new Uint8Array(1 << 20),
      'random bytes': Uint8Array.from({ length: 200_000 }, () => Math.floor(random() * 256)),
      text,
    };
    for (const [name, original] of Object.entries(cases)) {
      for (const level of [0, 1, 9]) assertRoundTrip(original, deflateRawSync(original, { level }), `${name}, level ${level}`);
    }
    // A Buffer (a Uint8Array subclass, possibly a view into a shared pool) works as input.
    assert.equal(Buffer.from(inflate(deflateRawSync(Buffer.from('pooled')))).toString(), 'pooled');
  });

  test('every level 0..9 with every strategy, and small windows and memLevels', () => {
    const original = mixture(seeded(2), 96_000);
    for (let level = 0; level <= 9; level++) {
      for (const [name, strategy] of Object.entries(STRATEGIES)) {
        assertRoundTrip(original, deflateRawSync(original, { level, strategy }), `level ${level} ${name}`);
      }
    }
    for (const windowBits of [9, 12, 15]) {
      for (const memLevel of [1, 5, 9]) {
        assertRoundTrip(original, deflateRawSync(original, { level: 9, windowBits, memLevel }), `windowBits ${windowBits} memLevel ${memLevel}`);
      }
    }
  });

  test('seeded random mixtures with random options', () => {
    const strategies = Object.values(STRATEGIES);
    for (let seed = 100; seed < 400; seed++) {
      const random = seeded(seed);
      const size = Math.floor(random() ** 3 * 70_000);
      const original = mixture(random, size);
      const options = {
        level: Math.floor(random() * 10),
        strategy: strategies[Math.floor(random() * strategies.length)],
        memLevel: 1 + Math.floor(random() * 9),
        windowBits: 9 + Math.floor(random() * 7),
      };
      assertRoundTrip(original, deflateRawSync(original, options), `seed ${seed} (${size} bytes, ${JSON.stringify(options)})`);
    }
  });

  test('the real wasm, and the deflated copy the build inlines into dist/web.mjs', async (t) => {
    const wasmUrl = new URL('../../dist/dms_taskflow_bg.wasm', import.meta.url);
    const inlinedUrl = new URL('../../pkg/web/wasm-deflated.mjs', import.meta.url);
    if (!existsSync(wasmUrl) || !existsSync(inlinedUrl)) return t.skip('not built: node scripts/build.mjs');
    const wasm = readFileSync(wasmUrl);
    for (const [name, strategy] of Object.entries(STRATEGIES)) {
      assertRoundTrip(wasm, deflateRawSync(wasm, { level: 9, memLevel: 9, strategy }), `wasm ${name}`);
    }
    const { deflatedBase64, wasmLength } = await import(inlinedUrl.href);
    assert.equal(wasmLength, wasm.length);
    assertRoundTrip(wasm, Buffer.from(deflatedBase64, 'base64'), 'the inlined wasm');
  });
});

describe('hand-made streams', () => {
  test('stored blocks, an empty one included, then a fixed block with an overlapping copy', () => {
    const w = bitWriter();
    w.put(0, 3), w.align(); // not last, stored, padding to the byte
    for (const b of stored(0, []).slice(1)) w.put(b, 8);
    w.put(0, 3), w.align();
    for (const b of stored(0, [1, 2, 3]).slice(1)) w.put(b, 8);
    w.put(1, 1), w.put(1, 2); // last, fixed
    w.fixed(97); // 'a'
    w.fixed(285), w.code(0, 5); // length 258, distance 1: copies bytes it is writing
    w.fixed(256);
    assert.deepEqual([...inflate(w.bytes())], [1, 2, 3, ...Array(259).fill(97)]);
    assert.equal(inflate(w.bytes(), 262).length, 262);
  });

  test('trailing bytes after the last block are ignored, as node:zlib does', () => {
    const deflated = deflateRawSync(Buffer.from('hello hello hello'));
    assert.equal(Buffer.from(inflate(Buffer.concat([deflated, Buffer.from([1, 2, 3])]))).toString(), 'hello hello hello');
  });

  test('a dynamic block whose one distance code is a single 1-bit code, which zlib allows', () => {
    const bytes = dynamicBlock(lengthsOf(257, [[65, 1], [256, 1]]), [1], [65, 65, 256]);
    assert.deepEqual([...inflate(bytes)], [65, 65]);
    assert.deepEqual([...inflateRawSync(bytes)], [65, 65]);
  });

  test('each kind of corruption throws its own clear Error, and node:zlib rejects it too', () => {
    const fixedBlock = (...symbols) => {
      const w = bitWriter();
      w.put(1, 1), w.put(1, 2);
      for (const s of symbols) (typeof s === 'number' ? w.fixed(s) : w.code(...s));
      return w.bytes();
    };
    // Dynamic header: HLIT, HDIST, HCLEN, then 3-bit lengths of code-length symbols in order 16, 17, 18, 0, ...
    const dynamic = (hlit, hdist, clLengths, ...codes) => {
      const w = bitWriter();
      w.put(1, 1), w.put(2, 2), w.put(hlit, 5), w.put(hdist, 5), w.put(clLengths.length - 4, 4);
      for (const l of clLengths) w.put(l, 3);
      for (const c of codes) w.code(...c);
      return w.bytes();
    };
    const cases = [
      ['empty input', new Uint8Array(0), /^inflate: truncated input$/],
      ['block type 3', Uint8Array.of(0b111, 0, 0, 0), /^inflate: bad block type$/],
      ['stored LEN and NLEN disagree', Uint8Array.from(stored(1, [1, 2], 0)), /^inflate: bad stored block length$/],
      ['stored block shorter than LEN', Uint8Array.from(stored(1, [1, 2, 3])).subarray(0, 7), /^inflate: truncated input$/],
      ['a copy before any output', fixedBlock(257, [0, 5]), /^inflate: distance too far back$/],
      ['a copy from one byte too far back', fixedBlock(65, 66, 257, [2, 5], 256), /^inflate: distance too far back$/],
      ['fixed length symbol 286', fixedBlock(286), /^inflate: invalid code$/],
      ['fixed length symbol 287', fixedBlock(287), /^inflate: invalid code$/],
      ['fixed distance symbol 30', fixedBlock(65, 257, [30, 5]), /^inflate: invalid code$/],
      ['fixed distance symbol 31', fixedBlock(65, 257, [31, 5]), /^inflate: invalid code$/],
      ['287 literal/length codes', dynamic(30, 0, [1, 1, 0, 0]), /^inflate: bad code lengths$/],
      ['31 distance codes', dynamic(0, 30, [1, 1, 0, 0]), /^inflate: bad code lengths$/],
      ['over-subscribed code-length code', dynamic(0, 0, [1, 1, 1, 0]), /^inflate: bad code lengths$/],
      ['"repeat the previous length" first', dynamic(0, 0, [1, 1, 0, 0], [0, 1]), /^inflate: bad code lengths$/],
      // 17 repeats 3 + 7 zeros, then 18 twice repeats 11 + 127: 286 of 258 lengths. (Extra
      // bits go lowest first, but all-ones values read the same either way.)
      ['a repeat past the last length', dynamic(0, 0, [0, 1, 1, 0], [0, 1], [7, 3], [1, 1], [127, 7], [1, 1], [127, 7]), /^inflate: bad code lengths$/],
      ['a code-length code with no codes', dynamic(0, 0, [0, 0, 0, 0]), /^inflate: invalid code$/],
      ['an incomplete code-length code', dynamic(0, 0, [1, 0, 0, 0]), /^inflate: bad code lengths$/],
      ['an incomplete literal/length code', dynamicBlock(lengthsOf(257, [[65, 2], [256, 1]]), [1], [256]), /^inflate: bad code lengths$/],
      ['one 2-bit distance code', dynamicBlock(lengthsOf(257, [[65, 1], [256, 1]]), [2], [256]), /^inflate: bad code lengths$/],
      ['no end-of-block code', dynamicBlock(lengthsOf(257, [[65, 1], [66, 1]]), [1], [65]), /^inflate: bad code lengths$/],
    ];
    for (const [name, bytes, message] of cases) {
      assert.throws(() => inflate(bytes), inflateError(message), name);
      assert.throws(() => inflateRawSync(bytes), /^Error: /, `node:zlib on ${name}`);
    }
  });

  test('the expected length caps the output', () => {
    const zeros = new Uint8Array(1 << 20);
    const deflated = deflateRawSync(zeros);
    assert.throws(() => inflate(deflated, zeros.length - 1), inflateError(/^inflate: output larger than 1048575 bytes$/));
    assert.throws(() => inflate(deflated, 0), inflateError(/^inflate: output larger than 0 bytes$/));
    assert.equal(inflate(deflated, zeros.length).length, zeros.length);
    assert.equal(inflate(deflated, zeros.length + 10).length, zeros.length, 'a larger cap returns just the output');
    const storedBytes = deflateRawSync(Uint8Array.of(1, 2, 3), { level: 0 });
    assert.throws(() => inflate(storedBytes, 2), inflateError(/^inflate: output larger than 2 bytes$/), 'stored blocks are capped too');
  });
});

/** Runs a sweep of js-tests/support/inflate-worker.mjs; a worker still busy after `ms` is a hang. */
async function sweep(kind, stream, { maxLength, seed, ms = 15_000 } = {}) {
  const worker = new Worker(new URL('../support/inflate-worker.mjs', import.meta.url), { workerData: { kind, stream, maxLength, seed } });
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${kind}: the worker did not finish in ${ms} ms (inflate hangs?)`)), ms);
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${kind}: the worker exited (${code}) without a result`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

describe('corrupt input throws an Error or returns bytes, never hangs or crashes', () => {
  const text = new TextEncoder().encode(readFileSync(new URL('../../HACKING.md', import.meta.url), 'utf8').slice(0, 3000));
  // Each stream with the length it inflates to.
  const streams = {
    dynamic: [deflateRawSync(text, { level: 9 }), text.length],
    fixed: [deflateRawSync(text.subarray(0, 800), { strategy: constants.Z_FIXED }), 800],
    stored: [deflateRawSync(text.subarray(0, 200), { level: 0 }), 200],
    mixed: [deflateRawSync(mixture(seeded(7), 6000), { level: 6 }), 6000],
  };

  test('every strict prefix throws "truncated input"', async () => {
    for (const [name, [stream]] of Object.entries(streams)) {
      const result = await sweep('truncate', stream);
      assert.deepEqual(result.problems, [], name);
      assert.deepEqual(result.messages, { 'inflate: truncated input': stream.length }, `${name}: every prefix`);
    }
  });

  test('every single flipped bit', async (t) => {
    for (const name of ['dynamic', 'fixed', 'stored']) {
      const [stream, length] = streams[name];
      // Uncapped, and capped at the uncorrupted length (a longer output must throw).
      for (const maxLength of [undefined, length]) {
        const result = await sweep('flip', stream, { maxLength });
        assert.deepEqual(result.problems, [], name);
        assert.equal(result.tried, stream.length * 8);
        t.diagnostic(`${name}, cap ${maxLength}: ${result.threw} threw, ${result.returned} returned bytes; ${JSON.stringify(result.messages)}`);
      }
    }
  });

  test('scrambled bytes, seeded', async (t) => {
    for (const seed of [11, 12, 13]) {
      for (const name of ['dynamic', 'mixed']) {
        const [stream, length] = streams[name];
        const result = await sweep('scramble', stream, { seed, maxLength: seed === 13 ? length : undefined });
        assert.deepEqual(result.problems, [], `${name}, seed ${seed}`);
        t.diagnostic(`${name}, seed ${seed}: ${result.threw} threw, ${result.returned} returned bytes`);
      }
    }
  });
});
