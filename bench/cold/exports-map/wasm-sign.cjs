// bench/cold/wasm-sign.cjs, reached through the exports map (require-wasm-sign.cjs).
'use strict';
require('../wasm-sign.cjs');
