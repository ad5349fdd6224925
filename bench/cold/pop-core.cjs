// Cold start of @alicloud/pop-core: require it, make an RPCClient and build the first signed
// request through RPCClient#request, with only its transport (httpx.request) replaced, so
// nothing is sent. Timestamp and SignatureNonce are passed as parameters (they override
// pop-core's defaults), so the body is the fixed one.
'use strict';
const { RPCClient } = require('@alicloud/pop-core');
const httpx = require('module').createRequire(require.resolve('@alicloud/pop-core'))('httpx');

let body = null;
httpx.request = async (url, opts) => {
  body = opts.data;
  throw new Error('bench: not sent');
};
const client = new RPCClient({ accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: 'https://dms-enterprise.aliyuncs.com', apiVersion: '2018-11-01' });
client
  .request('StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3', Timestamp: '2023-10-26T10:22:32Z', SignatureNonce: '3156853299f313e23d1673dc12e1703d' }, { method: 'POST' })
  .catch(() => {
    if (!body || !body.endsWith('&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D')) process.exit(1);
  });
