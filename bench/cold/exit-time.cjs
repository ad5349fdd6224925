// Preloaded into every cold-start process (`node -r`): prints how long the process had run
// when it exited, measured inside it (performance.now() counts from process start), so the
// spawn and teardown time that the wall-clock figure includes do not blur the comparison.
'use strict';
process.on('exit', () => process.stdout.write(`\ncold-ms ${performance.now()}\n`));
