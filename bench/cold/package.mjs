// Cold start of the package, ESM: import it (self-reference: dist/node.mjs) and build the
// first signed request as a real call does (fresh nonce, current time); the parent checks
// the printed body's signature (see package.cjs). The fixture is inlined, as there.
import { signRequest } from 'dms-taskflow';

const { body } = signRequest({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3' });
process.stdout.write(`signed-body ${body}\n`);
