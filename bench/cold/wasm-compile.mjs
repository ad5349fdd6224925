// Cold-start reference, ES module: read and compile the package's .wasm, nothing else, as
// cold/wasm-compile.cjs does for require. Node's ESM loader costs what importing an empty ES
// module costs (the floor), so pop-core over this is the most a package shipping this module
// could reach when it is imported.
import { readFileSync } from 'node:fs';

new WebAssembly.Module(readFileSync(new URL('../../dist/dms_taskflow_node_bg.wasm', import.meta.url)));
