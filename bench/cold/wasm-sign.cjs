// Cold-start reference: the package's .wasm with no JS of the package's own, signing once.
// It reads the module Node's entries load, compiles it, instantiates it with stub imports,
// and signs the fixture's request through the packed-call buffer (`signPackedIo`,
// src/wasm/api.rs), with the fixture's timestamp and nonce, so no import is called. That is
// what any package built on this module pays to sign once: V8 validating it, compiling a
// wrapper per import signature, instantiating it, and lazily compiling the functions the
// first call runs. pop-core over it is the most such a package could reach; the package's
// own figure minus it is what its glue and API cost. It prints the body, which the parent
// (bench/coldstart.mjs) compares with the published vector.
'use strict';
const { closeSync, openSync, readSync } = require('node:fs');
const { join } = require('node:path');

// One read into a buffer with room to spare, as the package's glue does (scripts/build.mjs).
const fd = openSync(join(__dirname, '../../dist/dms_taskflow_node_bg.wasm'), 'r');
const buffer = Buffer.allocUnsafe(1 << 18);
let length = 0;
for (let read; (read = readSync(fd, buffer, length, buffer.length - length, length)) > 0; ) length += read;
closeSync(fd);
const bytes = buffer.subarray(0, length);
const wasmModule = new WebAssembly.Module(bytes);

// Each imported function's parameter count, in import order: the parent (bench/coldstart.mjs)
// reads them from the module and passes them, so that this process spends nothing on it. A
// stub of another arity would cost V8 an adapting wrapper per signature at instantiation,
// which the package's glue avoids.
const importArities = (process.argv.find((arg) => arg.startsWith('--arities=')) ?? '').slice('--arities='.length).split(',').map(Number);

const unexpected = () => {
  throw new Error('wasm-sign: the module called an import');
};
const STUBS = [
  () => unexpected(),
  (a) => unexpected(),
  (a, b) => unexpected(),
  (a, b, c) => unexpected(),
  (a, b, c, d) => unexpected(),
  (a, b, c, d, e) => unexpected(),
  (a, b, c, d, e, f) => unexpected(),
  (a, b, c, d, e, f, g) => unexpected(),
  (a, b, c, d, e, f, g, h) => unexpected(),
  (a, b, c, d, e, f, g, h, i) => unexpected(),
  (a, b, c, d, e, f, g, h, i, j) => unexpected(),
  (a, b, c, d, e, f, g, h, i, j, k) => unexpected(),
  (a, b, c, d, e, f, g, h, i, j, k, l) => unexpected(),
];
let wasm;
const imports = {};
const functionImports = WebAssembly.Module.imports(wasmModule).filter((entry) => entry.kind === 'function');
if (functionImports.length !== importArities.length) throw new Error(`wasm-sign: ${importArities.length} arities given for ${functionImports.length} imports`);
functionImports.forEach(({ module, name }, index) => {
  // The start function sets up the table of JS values (what the glue's version of it does).
  (imports[module] ??= {})[name] =
    name === '__wbindgen_init_externref_table'
      ? () => {
          const table = wasm.__wbindgen_externrefs;
          table.set(0, undefined);
          table.set(1024, undefined);
          table.set(1025, null);
          table.set(1026, true);
          table.set(1027, false);
        }
      : STUBS[importArities[index]] ?? unexpected;
});
wasm = new WebAssembly.Instance(wasmModule, imports).exports;
wasm.__wbindgen_start();

// js/packed.mjs's format: action, then options, params and signing options as
// `\0count(\0key\0tag value)*` (tag s: a string).
const packed =
  'StopTaskFlowInstance\x002\x00accessKeyId\x00stestid\x00accessKeySecret\x00stestsecret' +
  '\x003\x00DagId\x00s7\x00DagInstanceId\x00s47\x00Tid\x00s3' +
  '\x002\x00timestamp\x00s2023-10-26T10:22:32Z\x00nonce\x00s3156853299f313e23d1673dc12e1703d';
// A view made after the call: a grown memory detaches the one made before.
const io = () => Buffer.from(wasm.memory.buffer, wasm.packedIoAddress(), wasm.packedIoBytes());
const written = wasm.signPackedIo(io().write(packed));
if (written < 0) throw new Error(`wasm-sign: signPackedIo returned ${written}`);
// The request comes back as `method \0 url \0 body \0 headers...`.
process.stdout.write(`signed-body ${io().toString('utf8', 0, written).split('\0')[2]}\n`);
