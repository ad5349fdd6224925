// bench/cold/wasm-sign.cjs (the package's .wasm signing once, no JS of the package's),
// required by package name through an exports map as users require the package: what any
// package built on this module and shipped with such a map pays for a first signature.
'use strict';
require('cold-exports-map/wasm-sign');
