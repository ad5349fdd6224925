// Cold-start reference: read and compile the .wasm Node's entries load, nothing else (no JS glue, no
// instantiation, no call). Any build that ships this module pays at least this, so pop-core
// over it is the most such a package could reach; the package's own figure minus it is what
// its JS, instantiation and first call cost.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

new WebAssembly.Module(readFileSync(join(__dirname, '../../dist/dms_taskflow_node_bg.wasm')));
