// Cold start of @alicloud/openapi-util (the older SDKs' signer): require it and compute the
// first RPC signature.
'use strict';
const util = require('@alicloud/openapi-util').default;

const signature = util.getRPCSignature(
  {
    AccessKeyId: 'testid', Action: 'StopTaskFlowInstance', Format: 'JSON', SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3156853299f313e23d1673dc12e1703d', SignatureVersion: '1.0', Timestamp: '2023-10-26T10:22:32Z',
    Version: '2018-11-01', DagId: '7', DagInstanceId: '47', Tid: '3',
  },
  'POST',
  'testsecret',
);
if (signature !== 'KTYcM/jbJejLw4UUT4294Ox5xec=') process.exit(1);
