// Two failed fetches from a web page: one to another origin that sends no CORS headers (the
// browser refuses the answer, and reports only a network error), one to the page's own origin
// whose server drops the connection. The page reports each DmsError.
import { DmsClient, DmsError } from 'dms-taskflow';

const crossOrigin = new URLSearchParams(location.search).get('crossOrigin'); // 'http://127.0.0.1:<port>', from the test
const credentials = { accessKeyId: 'LTAI-browser-test', accessKeySecret: 'browser-test-secret' };

async function stop(endpoint) {
  const client = new DmsClient({ ...credentials, endpoint, maxAttempts: 1 });
  try {
    await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5001' });
    return { ok: true };
  } catch (error) {
    return { ok: false, isDmsError: error instanceof DmsError, code: error.code, status: error.status, retryable: error.retryable, message: error.message };
  }
}

const results = {
  crossOrigin: await stop(crossOrigin),
  sameOrigin: await stop(`${location.origin}/api/dropped`),
};
document.body.textContent = JSON.stringify(results);
