// js/packed.mjs's packedIoSigner, from the sources, over a stand-in module whose memory is
// a real WebAssembly.Memory: the signer must encode into the buffer, decode what the module
// wrote, decline text that may not fit, and keep working after the memory
// grows (which detaches every view of the old buffer). Every case runs with each codec:
// TextEncoder/TextDecoder (every entry but Node's) and Buffer (js/buffer-codec.mjs, Node's). The real module's side is covered by
// sign-request-paths.test.mjs, which checks both ways agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packedIoSigner, textCodec } from '../../js/packed.mjs';
import { bufferCodec } from '../../js/buffer-codec.mjs';

const ADDRESS = 1024;
const BYTES = 4096;

/** A module that answers `<input>!` through the buffer, growing the memory first when asked. */
function standIn() {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 });
  const calls = [];
  let aside;
  return {
    calls,
    memory,
    packedIoMemory: () => memory,
    packedIoAddress: () => ADDRESS,
    packedIoBytes: () => BYTES,
    signPackedIo(length) {
      const input = new TextDecoder().decode(new Uint8Array(memory.buffer, ADDRESS, length));
      calls.push(['io', input]);
      if (input.startsWith('reenter')) calls.push(['inner', this.reenter('inner call')]);
      if (input.startsWith('grow')) memory.grow(1);
      if (input.startsWith('fail')) {
        aside = { error: new Error(`refused ${input}`) };
        return -1;
      }
      const output = new TextEncoder().encode(`${input}!`);
      if (input.startsWith('long')) {
        aside = { value: `${input}!` };
        return -2;
      }
      new Uint8Array(memory.buffer, ADDRESS, BYTES).set(output);
      return output.length;
    },
    takePackedIoAside() {
      const taken = aside;
      aside = undefined;
      if (taken.error) throw taken.error;
      return taken.value;
    },
  };
}

const CODECS = [['TextEncoder/TextDecoder', textCodec], ['Buffer', () => bufferCodec]];
let codec;
const codecTest = (name, body) => {
  for (const [label, make] of CODECS) {
    test(`${name} (${label})`, () => {
      codec = make;
      body();
    });
  }
};

codecTest('the packed text goes in and the answer comes out through the buffer', () => {
  const wasm = standIn();
  const sign = packedIoSigner(wasm, codec());
  assert.equal(sign('Stop\x000'), 'Stop\x000!');
  assert.equal(sign('nächtlich ✓ 夜间 😀'), 'nächtlich ✓ 夜间 😀!');
  assert.deepEqual(wasm.calls.map(([way]) => way), ['io', 'io']);
});

codecTest('the buffer is found again after the memory grows', () => {
  const wasm = standIn();
  const sign = packedIoSigner(wasm, codec());
  assert.equal(sign('first'), 'first!');
  const before = wasm.memory.buffer.byteLength;
  assert.equal(sign('grow during the call'), 'grow during the call!');
  wasm.memory.grow(2); // and between calls, as any other allocation may
  assert.ok(wasm.memory.buffer.byteLength > before);
  assert.equal(sign('after'), 'after!');
  assert.equal(sign('é'.repeat(BYTES / 3 - 1)), `${'é'.repeat(BYTES / 3 - 1)}!`);
});

codecTest('text that may not fit is left to the general way, and what is set aside is taken', () => {
  const wasm = standIn();
  const sign = packedIoSigner(wasm, codec());
  const fits = 'a'.repeat(Math.floor(BYTES / 3));
  assert.equal(sign(fits), `${fits}!`);
  const over = 'a'.repeat(Math.floor(BYTES / 3) + 1); // fits in bytes, but 3 per unit may not
  assert.equal(sign(over), undefined);
  assert.equal(sign('long answer'), 'long answer!');
  assert.throws(() => sign('fail here'), /refused fail here/);
  assert.equal(sign('still fine'), 'still fine!');
  assert.equal(wasm.calls.length, 4, 'text that may not fit is not sent');
});

codecTest('a call made from inside a call does not touch the buffer', () => {
  const wasm = standIn();
  const sign = packedIoSigner(wasm, codec());
  wasm.reenter = sign;
  assert.equal(sign('reenter here'), 'reenter here!');
  assert.deepEqual(wasm.calls, [['io', 'reenter here'], ['inner', undefined]]);
  assert.equal(sign('after'), 'after!', 'and the next call uses it again');
});
