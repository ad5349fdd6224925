const t0 = performance.now();
const m = require(process.argv[2] || 'dms-taskflow');
const t1 = performance.now();
const r = m.signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3' }, { timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' });
const t2 = performance.now();
console.log(`start→script ${t0.toFixed(1)}  require ${(t1-t0).toFixed(2)}  first ${(t2-t1).toFixed(2)}  total ${t2.toFixed(1)}`);
