// Cold start of @alicloud/pop-core: require it, make an RPCClient and build the first signed
// request through RPCClient#request, with only its transport (httpx.request) replaced, so
// nothing is sent. pop-core makes its own nonce and timestamp, as in real use; the body is
// printed for the parent (bench/coldstart.mjs) to check its signature.
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
  .request('StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3' }, { method: 'POST' })
  .catch(() => {
    if (!body) process.exit(1);
    process.stdout.write(`signed-body ${body}\n`);
  });
