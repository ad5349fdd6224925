// An admin console behind a plain reverse proxy that sends the upstream's host as Host (as
// nginx `proxy_pass` does): V1 works as is, V3 (which signs the host header) only when the
// client signs for the upstream host with `signingHost`. The page reports each call's outcome.
import { DmsClient, DmsError } from 'dms-taskflow';

const upstreamHost = new URLSearchParams(location.search).get('upstream'); // '127.0.0.1:<port>', from the test
const credentials = await (await fetch('/console/dms-credentials')).json(); // { accessKeyId, accessKeySecret, securityToken }
const endpoint = `${location.origin}/api/dms`;

async function stop(dagInstanceId, options) {
  const client = new DmsClient({ ...credentials, endpoint, maxAttempts: 1, ...options });
  try {
    const { requestId } = await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId });
    return { ok: true, requestId };
  } catch (error) {
    return { ok: false, isDmsError: error instanceof DmsError, code: error.code, status: error.status, retryable: error.retryable, message: error.message };
  }
}

const results = {
  v1: await stop('5101', {}),
  v3: await stop('5102', { signatureVersion: 'v3' }),
  v3SigningHost: await stop('5103', { signatureVersion: 'v3', signingHost: upstreamHost }),
};
document.body.textContent = JSON.stringify(results);
