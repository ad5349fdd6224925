// The one suite every runtime runs against the local emulator: stop, resume, a business
// failure, a gateway failure, a bad argument, and a deterministic signature. Plain ES
// module, no Node APIs: browsers, workerd, Deno and Bun import it as it is.
//
//   const results = await runSuite(api, { endpoint, accessKeyId, accessKeySecret });
//   // [{ name, ok, error? }]: the caller reports them and checks the emulator's state with
//   // expectedEmulatorEffects below.

/** What the suite does to the emulator's default seed, for the caller to verify. */
export const expectedEmulatorEffects = {
  requests: 4, // stop, resume, business failure, gateway failure; the bad arguments send nothing
  instances: [
    { dagId: '1001', dagInstanceId: '5001', status: 'stopped' },
    { dagId: '9007199254740995', dagInstanceId: '9007199254740993', status: 'running' },
    { dagId: '1001', dagInstanceId: '5003', status: 'succeeded' },
  ],
};

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}

export async function runSuite(api, { endpoint, accessKeyId, accessKeySecret }) {
  const { DmsClient, DmsError, stopTaskFlowInstance, resumeTaskFlowInstance, signRequest } = api;
  const results = [];
  const check = async (name, body) => {
    try {
      await body();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: String((error && error.stack) || error) });
    }
  };
  const client = new DmsClient({ accessKeyId, accessKeySecret, endpoint });

  await check('stop a running instance', async () => {
    const result = await client.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 5001 });
    assert(result.success === true, 'success is true');
    assert(typeof result.requestId === 'string' && result.requestId.length > 0, 'a request id');
  });

  await check('resume a suspended instance (one-shot form, ids beyond 2^53)', async () => {
    const result = await resumeTaskFlowInstance({
      accessKeyId, accessKeySecret, endpoint,
      dagId: 9007199254740995n, dagInstanceId: '9007199254740993', dagVersion: '7',
    });
    assert(result.success === true && result.requestId.length > 0, 'resumed');
  });

  await check('a business failure rejects with the ErrorCode', async () => {
    const error = await rejection(client.resumeTaskFlowInstance({ dagId: '1001', dagInstanceId: '5003', dagVersion: '3' }));
    assert(error instanceof DmsError && error instanceof Error, 'a DmsError');
    assert(error.name === 'DmsError', 'named DmsError');
    assert(error.code === 'InvalidStatus', `code InvalidStatus, got ${error.code}`);
    assert(error.status === 200 && error.retryable === false, 'HTTP 200, not retryable');
    assert(typeof error.requestId === 'string' && error.requestId.length > 0, 'the request id');
  });

  await check('a gateway failure carries code, status and a redacted message', async () => {
    const wrong = new DmsClient({ accessKeyId, accessKeySecret: 'not-the-secret', endpoint });
    const error = await rejection(wrong.stopTaskFlowInstance({ dagId: 1001, dagInstanceId: 5002 }));
    assert(error instanceof DmsError, 'a DmsError');
    assert(error.code === 'SignatureDoesNotMatch' && error.status === 400, `SignatureDoesNotMatch/400, got ${error.code}/${error.status}`);
    assert(error.message.endsWith('[redacted]'), 'the echoed string-to-sign is redacted');
    assert(!error.message.includes(accessKeyId) && !error.message.includes('not-the-secret'), 'no credentials in the message');
  });

  await check('a bad argument rejects naming the field (and sends nothing)', async () => {
    const error = await rejection(stopTaskFlowInstance({ accessKeyId, accessKeySecret, endpoint, dagId: 1.5, dagInstanceId: 5001 }));
    assert(error instanceof DmsError && error.code === 'InvalidParameter', `InvalidParameter, got ${error.code}`);
    assert(error.message.startsWith('dagId must be an id'), error.message);
    assert(error.status === undefined, 'no status: nothing was sent');
    const missing = await rejection(client.resumeTaskFlowInstance({ dagId: 1001, dagInstanceId: 5002 }));
    assert(missing.code === 'MissingParameter' && missing.message === 'dagVersion is required for ResumeTaskFlowInstance', missing.message);
  });

  await check('signRequest is deterministic with timestamp and nonce', async () => {
    const request = signRequest(
      { accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: 'https://admin.example.com/api/dms' },
      'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47', Tid: '3' },
      { timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' },
    );
    assert(request.url === 'https://admin.example.com/api/dms/', request.url);
    // Signature computed independently (Python hmac/hashlib; see src/request.rs tests).
    assert(request.body.endsWith('&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D'), request.body);
  });

  return results;
}
