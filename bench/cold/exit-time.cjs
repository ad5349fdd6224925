// Preloaded into every cold-start process (`node -r`): prints how long the process ran from
// this preload, which Node runs once its own bootstrap is done and before the main script,
// to its exit. That leaves out spawning, Node's bootstrap and teardown, which vary by tens
// of milliseconds on a shared machine and buried the 10-60 ms being compared; what remains
// is loading and running the main script, which is what differs between the scenarios.
'use strict';
const preloaded = performance.now();
process.on('exit', () => process.stdout.write(`\ncold-ms ${performance.now() - preloaded}\n`));
