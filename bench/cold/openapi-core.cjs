// Cold start of @alicloud/openapi-core, what the current generated Alibaba Cloud SDKs load:
// require its client and compute the first RPC (HMAC-SHA1) signature with its own utils.
'use strict';
require('@alicloud/openapi-core');
const utils = require('@alicloud/openapi-core/dist/utils').default;

const signature = utils.getRPCSignature(
  {
    AccessKeyId: 'testid', Action: 'StopTaskFlowInstance', Format: 'JSON', SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3156853299f313e23d1673dc12e1703d', SignatureVersion: '1.0', Timestamp: '2023-10-26T10:22:32Z',
    Version: '2018-11-01', DagId: '7', DagInstanceId: '47', Tid: '3',
  },
  'POST',
  'testsecret',
);
if (signature !== 'KTYcM/jbJejLw4UUT4294Ox5xec=') process.exit(1);
