// A browser admin console: short-lived STS credentials from the console's own backend, and
// DMS reached through a same-origin proxy path, so the page never calls another origin.
import { DmsClient } from 'dms-taskflow';

const credentials = await (await fetch('/console/dms-credentials')).json(); // { accessKeyId, accessKeySecret, securityToken }
const client = new DmsClient({ ...credentials, endpoint: `${location.origin}/api/dms` });
const { requestId } = await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5001' });
document.body.textContent = `stopped (${requestId})`;
