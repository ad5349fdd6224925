// Cold start of the package, CommonJS: require it (self-reference: dist/node.cjs) and build
// the first signed request. The fixture is inlined: requiring ../lib/fixture.mjs would add
// an ESM load the package itself does not need.
'use strict';
const { signRequest } = require('dms-taskflow');

const body = signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3' }, {
  timestamp: '2023-10-26T10:22:32Z',
  nonce: '3156853299f313e23d1673dc12e1703d',
}).body;
if (!body.endsWith('&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D')) process.exit(1);
