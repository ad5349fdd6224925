// Signing throughput, in a process of its own (node bench/signing.mjs [--quick]): one fully
// signed StopTaskFlowInstance request (fixed timestamp and nonce) per operation, built by
// the package's public signRequest and by the signers a user would otherwise use. Contenders
// run interleaved, in rotating order, in rounds of about `roundMs` milliseconds each; every
// figure is the median ops/s of the rounds with min and max. Prints JSON on stdout.
//
// Before timing, every signer's output is checked against signRequest's (and the published
// signature): byte-identical body, or identical signature where the signer returns only that.
// aws4fetch signs AWS SigV4 (HMAC-SHA256 through crypto.subtle, async), not this API's
// signature: it is timed for information, as the browser-ready signer people reach for.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { summarize } from './lib/stats.mjs';
import { timeInterleaved } from './lib/interleave.mjs';
import { signRequestPlain } from './lib/plain-signer.mjs';
import { ACTION, API_VERSION, CREDENTIALS, ENDPOINT, EXPECTED_BODY, EXPECTED_SIGNATURE, PARAMS, SIGNED_PARAMS, SIGNING } from './lib/fixture.mjs';

const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 100 : 250;

const { signRequest } = require('dms-taskflow'); // the package itself (self-reference: dist/node.cjs)
const pop = require('./lib/pop-core-signer.cjs');
const openapiUtil = require('@alicloud/openapi-util').default;
const { AwsV4Signer } = require('aws4fetch');
const popSent = pop.stubTransport();
const popClient = new pop.RPCClient({ ...CREDENTIALS, endpoint: ENDPOINT.replace(/\/$/, ''), apiVersion: API_VERSION });
const popRequestParams = { ...PARAMS, Timestamp: SIGNING.timestamp, SignatureNonce: SIGNING.nonce };
const popOptions = { ...CREDENTIALS, endpoint: ENDPOINT.replace(/\/$/, '') };
const options = { ...CREDENTIALS };
const root = new URL('..', import.meta.url);
const version = (name) => JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), 'utf8')).version;

// The same form body, signed the AWS way: what aws4fetch does for one request.
const awsSign = async () => {
  const signed = await new AwsV4Signer({
    url: ENDPOINT,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: EXPECTED_BODY,
    accessKeyId: CREDENTIALS.accessKeyId,
    secretAccessKey: CREDENTIALS.accessKeySecret,
    service: 'dms-enterprise',
    region: 'cn-hangzhou',
    datetime: '20231026T102232Z',
  }).sign();
  return signed.headers.get('authorization');
};

const contenders = [
  { id: 'package', label: 'dms-taskflow signRequest (wasm)', run: () => signRequest(options, ACTION, PARAMS, SIGNING).body },
  { id: 'popCore', label: `@alicloud/pop-core ${pop.version} signing path (lib/rpc.js internals)`, run: () => pop.popCoreSign(popOptions, API_VERSION, ACTION, PARAMS, SIGNING).body },
  { id: 'plain', label: 'plain JS, node:crypto (bench/lib/plain-signer.mjs)', run: () => signRequestPlain(options, ACTION, PARAMS, SIGNING).body },
  {
    id: 'openapiUtil',
    label: `@alicloud/openapi-util ${version('@alicloud/openapi-util')} getRPCSignature (signature only, no body)`,
    run: () => openapiUtil.getRPCSignature(SIGNED_PARAMS, 'POST', CREDENTIALS.accessKeySecret),
  },
  {
    id: 'popCoreRequest',
    label: `@alicloud/pop-core ${pop.version} RPCClient#request, transport stubbed (async; info)`,
    async: true,
    run: async () => (await popClient.request(ACTION, popRequestParams, { method: 'POST' })) && popSent.body,
  },
  {
    id: 'aws4fetch',
    label: `aws4fetch ${version('aws4fetch')} AwsV4Signer#sign of the same body (SigV4, crypto.subtle, async; info)`,
    async: true,
    run: awsSign,
  },
];

// Output checks: everything must sign exactly what the package signs.
const checks = [];
const check = (name, ok, detail) => {
  checks.push({ name, ok, ...(ok ? {} : { detail }) });
  if (!ok) {
    console.error(`signing: check failed: ${name}: ${detail}`);
    process.exitCode = 1;
  }
};
const ours = signRequest(options, ACTION, PARAMS, SIGNING);
check('signRequest body = published vector', ours.body === EXPECTED_BODY, ours.body);
const plain = signRequestPlain(options, ACTION, PARAMS, SIGNING);
check('plain-JS signer: byte-identical method, url, headers, body', JSON.stringify(plain) === JSON.stringify(ours), JSON.stringify(plain));
const popSigned = pop.popCoreSign(popOptions, API_VERSION, ACTION, PARAMS, SIGNING);
check('pop-core signing path: same signature', popSigned.signature === EXPECTED_SIGNATURE, popSigned.signature);
check('pop-core signing path: byte-identical body', popSigned.body === ours.body && popSigned.url === ours.url, popSigned.body);
await popClient.request(ACTION, popRequestParams, { method: 'POST' });
check('pop-core RPCClient#request (stubbed transport): byte-identical body', popSent.body === ours.body, popSent.body);
const utilSignature = openapiUtil.getRPCSignature(SIGNED_PARAMS, 'POST', CREDENTIALS.accessKeySecret);
check('openapi-util getRPCSignature: same signature', utilSignature === EXPECTED_SIGNATURE, utilSignature);
const awsAuthorization = await awsSign();
check('aws4fetch: a SigV4 authorization, the same every time', /Signature=[0-9a-f]{64}$/.test(awsAuthorization) && awsAuthorization === (await awsSign()), awsAuthorization);
if (process.exitCode) {
  console.log(JSON.stringify({ checks }));
  process.exit();
}

const { samples, sink } = await timeInterleaved(contenders, { rounds: ROUNDS, roundMs: ROUND_MS });

console.log(
  JSON.stringify({
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    checks,
    contenders: Object.fromEntries(
      contenders.map((c) => [c.id, { label: c.label, iterationsPerRound: c.iterations, opsPerSec: summarize(samples[c.id]) }]),
    ),
    sink: sink % 7,
  }),
);
