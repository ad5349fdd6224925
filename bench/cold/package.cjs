// Cold start of the package, CommonJS: require it (self-reference: dist/node.cjs) and build
// the first signed request as a real call does, with a fresh nonce from the CSPRNG and the
// current time (so whatever the nonce's randomness costs on first use is counted). It prints
// the body; the parent (bench/coldstart.mjs) checks its signature with an independent signer.
// The fixture is inlined: requiring ../lib/fixture.mjs would add an ESM load the package
// itself does not need.
'use strict';
const { signRequest } = require('dms-taskflow');

const { body } = signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3' });
process.stdout.write(`signed-body ${body}\n`);
