// No secret anywhere a user might print: provokes every failure kind (wrong secret,
// expired timestamp, throttling, network, timeout, abort, credentials-function failure,
// bad options) and scans every error rendering, every hook payload and every rendering of
// every client for the emulator's secrets, its STS token, and made-up ones.
//
// A failure message here names where a secret leaked and which secret, never its value:
// scripts/test.sh fails the run when a secret appears in the test log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { loadPackage } from '../support/load-package.mjs';
import { KEY, STS, closedPortUrl, emulatorFixture } from '../support/emulator.mjs';
import { errorRenderings } from '../support/assertions.mjs';
import { pause, trackProcessFailures, until } from '../support/resilience.mjs';

const { esm } = await loadPackage();
const { DmsClient, DmsError } = esm;
const tracker = trackProcessFailures();
const emu = await emulatorFixture();

const MADE_UP_SECRET = 'made-up-secret-Zq81xVw';
const MADE_UP_TOKEN = 'made-up-sts-token-Pk27uLm';
const SECRETS = {
  'the long-term secret': KEY.accessKeySecret,
  'the STS secret': STS.accessKeySecret,
  'the STS token': STS.securityToken,
  'the made-up secret': MADE_UP_SECRET,
  'the made-up token': MADE_UP_TOKEN,
};

let nextInstanceId = 400_000;
function freshInstance(status = 'running') {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId: '1001', dagInstanceId, status, dagVersion: '6' });
  return { dagId: '1001', dagInstanceId };
}

/** Where each scanned text came from, and the text. */
const texts = [];
const scan = (where, text) => texts.push([where, String(text)]);
function scanError(where, error) {
  for (const [how, text] of Object.entries(errorRenderings(error))) scan(`${where}: ${how}`, text);
  scan(`${where}: inspect(showHidden)`, inspect(error, { showHidden: true, depth: 10 }));
  scan(`${where}: toJSON()`, JSON.stringify(error.toJSON?.()));
  scan(`${where}: Object.entries`, JSON.stringify(Object.entries(error)));
}
function scanClient(where, client) {
  scan(`${where}: inspect`, inspect(client));
  scan(`${where}: inspect(showHidden)`, inspect(client, { showHidden: true, depth: 10 }));
  scan(`${where}: JSON.stringify`, JSON.stringify(client));
  scan(`${where}: String`, String(client));
  scan(`${where}: template`, `${client}`);
  scan(`${where}: Object.entries`, JSON.stringify(Object.entries(client)));
}
const hooks = (where) => ({
  onRequest: (event) => scan(`${where}: onRequest`, JSON.stringify(event)),
  onResponse: (event) => {
    scan(`${where}: onResponse`, JSON.stringify(event));
    scan(`${where}: onResponse inspect`, inspect(event));
  },
});

/** Runs a call that must fail; scans its error. Returns the error. */
async function failing(where, makePromise, expectedCode) {
  let error;
  try {
    await makePromise();
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof DmsError, `${where}: expected a DmsError`);
  if (expectedCode) assert.equal(error.code, expectedCode, `${where}: code`);
  scanError(where, error);
  return error;
}
/** A constructor (or other synchronous call) that must throw; scans its error. */
function throwing(where, make, expectedCode = 'InvalidParameter') {
  let error;
  try {
    make();
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof DmsError, `${where}: expected a DmsError`);
  assert.equal(error.code, expectedCode, `${where}: code`);
  scanError(where, error);
}

/** Every [where, secret name] whose secret occurs in a scanned text. */
function leaks() {
  const found = [];
  for (const [where, text] of texts) {
    for (const [name, secret] of Object.entries(SECRETS)) if (text.includes(secret)) found.push(`${where} shows ${name}`);
  }
  return found;
}

test('no secret in any error, hook payload or client rendering, whatever fails', async () => {
  const base = { endpoint: emu.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5 };
  const key = new DmsClient({ ...KEY, ...base, ...hooks('long-term client') });
  const sts = new DmsClient({ ...STS, ...base, ...hooks('STS client') });
  const clients = { 'long-term client': key, 'STS client': sts };

  // Baseline: successes (their hook payloads are scanned too).
  assert.equal((await key.stopTaskFlowInstance(freshInstance())).success, true);
  assert.equal((await sts.stopTaskFlowInstance(freshInstance())).success, true);

  // Wrong secret / token / key: the gateway echoes the string to sign (with the token).
  for (const [name, options, code] of [
    ['wrong secret (long-term)', { accessKeyId: KEY.accessKeyId, accessKeySecret: MADE_UP_SECRET }, 'SignatureDoesNotMatch'],
    ['wrong secret (STS, token in the string to sign)', { ...STS, accessKeySecret: MADE_UP_SECRET }, 'SignatureDoesNotMatch'],
    ['wrong STS token', { ...STS, securityToken: MADE_UP_TOKEN }, 'InvalidSecurityToken.Mismatch'],
    ['a token with a long-term key', { ...KEY, securityToken: STS.securityToken }, 'InvalidSecurityToken.Malformed'],
    ['unknown key id', { accessKeyId: 'LTAI5tNobodyHasThisKey', accessKeySecret: KEY.accessKeySecret }, 'InvalidAccessKeyId.NotFound'],
  ]) {
    const client = new DmsClient({ ...options, ...base, ...hooks(name) });
    clients[name] = client;
    await failing(name, () => client.stopTaskFlowInstance(freshInstance()), code);
    await failing(`${name} (one-shot)`, () => esm.stopTaskFlowInstance({ ...options, ...base, ...freshInstance() }), code);
  }

  // Expired: a cached stale answer (nothing to learn), and a real skew (learned, then fine).
  emu.fault({ kind: 'cached-expired', offsetMs: 3_600_000 });
  await failing('expired timestamp (cached)', () => sts.stopTaskFlowInstance(freshInstance()), 'InvalidTimeStamp.Expired');
  emu.setClock(() => Date.now() + 3_600_000);
  try {
    const once = new DmsClient({ ...STS, ...base, maxAttempts: 1, ...hooks('skewed clock') });
    assert.equal((await once.stopTaskFlowInstance(freshInstance())).success, true);
    emu.schedule([{ kind: 'skewed-clock', offsetMs: 7_200_000 }, { kind: 'skewed-clock', offsetMs: 14_400_000 }]);
    await failing('expired twice in one call', () => once.stopTaskFlowInstance(freshInstance()), 'InvalidTimeStamp.Expired');
  } finally {
    emu.setClock(Date.now);
  }

  // Throttled, 5xx, broken bodies, nonce reuse: retries exhausted.
  for (const [name, spec, code] of [
    ['throttled', { kind: 'throttle' }, 'Throttling.User'],
    ['HTTP 503', { kind: 'status', status: 503 }, 'ServiceUnavailable'],
    ['nginx page', { kind: 'html' }, 'InvalidResponse'],
    ['nonce used', { kind: 'nonce-used' }, 'SignatureNonceUsed'],
  ]) {
    emu.fault(spec, { times: 3 });
    await failing(name, () => sts.stopTaskFlowInstance(freshInstance()), code);
  }
  emu.fault({ kind: 'truncated' });
  await failing('truncated body', () => sts.stopTaskFlowInstance(freshInstance()), 'InvalidResponse');
  emu.fault({ kind: 'huge', bytes: 9 * 1024 * 1024 });
  await failing('huge body', () => key.stopTaskFlowInstance(freshInstance()), 'InvalidResponse');
  await failing('business failure', () => sts.stopTaskFlowInstance(freshInstance('succeeded')), 'InvalidStatus');

  // Network: reset, refused.
  emu.fault({ kind: 'reset' }, { times: 3 });
  await failing('connection reset', () => sts.stopTaskFlowInstance(freshInstance()), 'NetworkError');
  const refusedUrl = await closedPortUrl();
  const refused = new DmsClient({ ...STS, ...base, endpoint: refusedUrl, ...hooks('refused') });
  clients.refused = refused;
  await failing('connection refused', () => refused.stopTaskFlowInstance(freshInstance()), 'NetworkError');
  await failing('connection refused (one-shot)', () => esm.stopTaskFlowInstance({ ...STS, endpoint: refusedUrl, maxAttempts: 1, dagId: 1, dagInstanceId: 2 }), 'NetworkError');

  // Timeout and abort.
  emu.fault({ kind: 'hang' });
  await failing('timeout', () => sts.stopTaskFlowInstance(freshInstance(), { timeoutMs: 1000 }), 'Timeout');
  emu.clearFaults();
  emu.fault({ kind: 'slow-body', delayMs: 3000 });
  await failing('timeout on a slow body', () => sts.stopTaskFlowInstance(freshInstance(), { timeoutMs: 1000 }), 'Timeout');
  emu.clearFaults();
  emu.fault({ kind: 'hang' });
  const controller = new AbortController();
  const before = emu.requestCount;
  await failing(
    'abort during a hang',
    async () => {
      const promise = sts.stopTaskFlowInstance(freshInstance(), { signal: controller.signal });
      await until(() => emu.requestCount > before, 'the request arrived');
      controller.abort(new Error('user cancelled'));
      return promise;
    },
    'Aborted',
  );
  await failing('already aborted', () => sts.stopTaskFlowInstance(freshInstance(), { signal: AbortSignal.abort() }), 'Aborted');

  // Credentials functions: success, rejection, bad answers that carry the real secrets.
  const provided = new DmsClient({ ...base, credentials: async () => ({ ...STS, expiration: Date.now() + 3_600_000 }), ...hooks('provider client') });
  clients['provider client'] = provided;
  assert.equal((await provided.stopTaskFlowInstance(freshInstance())).success, true);
  for (const [name, provider, code] of [
    ['provider rejects', async () => Promise.reject(new Error('AssumeRole failed')), 'MissingCredentials'],
    ['provider throws', () => { throw new TypeError('no credentials file'); }, 'MissingCredentials'],
    ['provider: bad expiration', () => ({ ...STS, expiration: 'in a while' }), 'InvalidParameter'],
    ['provider: secret with spaces', () => ({ ...STS, accessKeySecret: ` ${STS.accessKeySecret} ` }), 'InvalidParameter'],
    ['provider: token with a control character', () => ({ ...STS, securityToken: `${STS.securityToken}\u0000` }), 'InvalidParameter'],
    ['provider: no key id', () => ({ accessKeySecret: STS.accessKeySecret, securityToken: STS.securityToken }), 'MissingCredentials'],
    ['provider: key id a number', () => ({ ...STS, accessKeyId: 42 }), 'InvalidParameter'],
  ]) {
    const client = new DmsClient({ ...base, credentials: provider, ...hooks(name) });
    clients[name] = client;
    await failing(name, () => client.stopTaskFlowInstance(freshInstance()), code);
  }

  // Bad options next to (or instead of) the real secrets.
  const badOptions = [
    ['secret with a trailing space', { accessKeyId: KEY.accessKeyId, accessKeySecret: `${KEY.accessKeySecret} ` }],
    ['secret with a newline', { accessKeyId: STS.accessKeyId, accessKeySecret: `\n${MADE_UP_SECRET}`, securityToken: STS.securityToken }],
    ['token with a NUL', { ...STS, securityToken: `${STS.securityToken}\u0000` }],
    ['secret as the key id', { accessKeyId: `${MADE_UP_SECRET} x`, accessKeySecret: MADE_UP_SECRET }],
    ['secret a number', { accessKeyId: STS.accessKeyId, accessKeySecret: 42, securityToken: STS.securityToken }],
    ['bad maxAttempts next to secrets', { ...STS, maxAttempts: 0 }],
    ['bad timeoutMs next to secrets', { ...STS, timeoutMs: '100' }],
    ['bad retryBaseDelayMs next to secrets', { ...STS, retryBaseDelayMs: -1 }],
    ['bad onRequest next to secrets', { ...STS, onRequest: 'log' }],
    ['keys and a function', { ...STS, credentials: () => STS }],
    ['unknown option holding a secret', { ...KEY, accessKeySECRET: MADE_UP_SECRET }],
    ['bad endpoint next to secrets', { ...STS, endpoint: 'ftp://dms.example.com' }],
  ];
  for (const [name, options] of badOptions) {
    throwing(`constructor, ${name}`, () => new DmsClient({ endpoint: emu.url, ...options }));
    await failing(`one-shot, ${name}`, () => esm.stopTaskFlowInstance({ endpoint: emu.url, ...options, ...freshInstance() }), 'InvalidParameter');
  }
  throwing('signRequest, secret with a space', () => esm.signRequest({ ...STS, accessKeySecret: `${STS.accessKeySecret} ` }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 }));
  throwing('signRequest, a credentials function', () => esm.signRequest({ credentials: () => STS }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 }));
  await failing('bad call options with secrets', () => sts.stopTaskFlowInstance(freshInstance(), { timeoutMs: 0, secret: MADE_UP_SECRET }), 'InvalidParameter');

  for (const [name, client] of Object.entries(clients)) scanClient(name, client);

  await pause(50);
  emu.clearFaults();
  const hookTexts = texts.filter(([where]) => where.includes('onRequest') || where.includes('onResponse')).length;
  assert.ok(texts.length > 300, `${texts.length} texts scanned`);
  assert.ok(hookTexts > 50, `${hookTexts} hook payloads scanned`);
  assert.deepEqual(leaks(), [], 'no secret in any of the scanned texts');
  tracker.assertNone();
});

test("a fetch failure whose message quotes the request: the DmsError's own message shows no token", async () => {
  // Some fetch wrappers (loggers, proxies, retry helpers) put the request in their error
  // message. The package copies the failure's message into its own (as it copies a server's
  // message, which it redacts); its own renderings must not show the token. (The cause is
  // the wrapper's own error and is not scanned.)
  texts.length = 0;
  const quoting = async (url, init) => {
    throw new Error(`POST ${url} failed; request body: ${init.body}`);
  };
  const client = new DmsClient({ ...STS, endpoint: emu.url, maxAttempts: 1, fetch: quoting });
  const error = await failing('fetch error quoting the request', () => client.stopTaskFlowInstance(freshInstance()), 'NetworkError');
  texts.length = 0; // keep only the package's own renderings (not the cause's)
  scan('message', error.message);
  scan('JSON.stringify', JSON.stringify(error));
  scan('String', String(error));
  scan('stack', error.stack);
  assert.deepEqual(leaks(), [], 'the token must be redacted from the copied failure message');
});
