// Corrupt-input sweeps of js/inflate.mjs, run in a worker thread by
// js-tests/package/inflate.test.mjs so that a hang fails that test (the main thread
// terminates the worker at a deadline) instead of stalling `node --test`.
//
// workerData: { kind, stream, maxLength, seed }; kind is
//   'truncate'  every strict prefix of `stream`
//   'flip'      `stream` with each single bit flipped in turn
//   'scramble'  2000 seeded copies of `stream` with 1 to 8 bytes overwritten
// Posts { tried, returned, threw, messages, problems }: `problems` lists (up to 20) results
// that break the contract: an exception other than `Error('inflate: ...')`, a result that is
// not a Uint8Array or is longer than maxLength, or one that differs from node:zlib's on the
// same input (bytes where it throws, other bytes, or an Error where it inflates within the
// cap): js/inflate.mjs accepts and rejects exactly what zlib does.
import { parentPort, workerData } from 'node:worker_threads';
import { inflateRawSync } from 'node:zlib';
import { inflate } from '../../js/inflate.mjs';
import { seeded } from './inflate-data.mjs';

const { kind, stream, maxLength, seed } = workerData;
const summary = { tried: 0, returned: 0, threw: 0, messages: {}, problems: [] };

function check(input, label) {
  summary.tried++;
  let ours, zlib;
  try {
    ours = inflate(input, maxLength);
  } catch (error) {
    ours = error;
  }
  try {
    zlib = inflateRawSync(input);
  } catch {
    zlib = null;
  }
  const problem = (what) => summary.problems.length < 20 && summary.problems.push(`${label}: ${what}`);
  if (ours instanceof Error) {
    summary.threw++;
    const message = ours.message.replace(/\d+/g, 'N');
    summary.messages[message] = (summary.messages[message] ?? 0) + 1;
    if (ours.constructor !== Error || !ours.message.startsWith('inflate: ')) problem(`threw ${ours.stack}`);
    if (zlib && !(maxLength != null && zlib.length > maxLength)) problem(`threw "${ours.message}" where node:zlib inflates ${zlib.length} bytes`);
  } else {
    summary.returned++;
    if (!(ours instanceof Uint8Array)) problem(`returned ${Object.prototype.toString.call(ours)}`);
    else if (!zlib) problem(`returned ${ours.length} bytes where node:zlib throws`);
    else if (maxLength != null && ours.length > maxLength) problem(`returned ${ours.length} bytes over the ${maxLength} cap`);
    else if (zlib && !zlib.equals(ours)) problem(`returned ${ours.length} bytes unlike node:zlib's ${zlib.length}`);
  }
}

const bytes = new Uint8Array(stream);
if (kind === 'truncate') {
  for (let n = 0; n < bytes.length; n++) check(bytes.subarray(0, n), `prefix of ${n} bytes`);
} else if (kind === 'flip') {
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const copy = bytes.slice();
    copy[bit >> 3] ^= 1 << (bit & 7);
    check(copy, `bit ${bit} flipped`);
  }
} else if (kind === 'scramble') {
  const random = seeded(seed);
  for (let round = 0; round < 2000; round++) {
    const copy = bytes.slice();
    const changes = 1 + Math.floor(random() * 8);
    for (let c = 0; c < changes; c++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    check(copy, `seed ${seed} round ${round}`);
  }
} else {
  throw new Error(`unknown kind ${kind}`);
}
parentPort.postMessage(summary);
