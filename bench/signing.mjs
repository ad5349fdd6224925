// Signing throughput, in a process of its own (node bench/signing.mjs [--quick]): one fully
// signed StopTaskFlowInstance request (fixed timestamp and nonce) per operation, built by
// the package's public signRequest and by the JS signers it is compared with. Contenders run
// interleaved, in rotating order, in rounds of about `ms` milliseconds each; every figure is
// the median ops/s of the rounds with min and max. Prints JSON on stdout.
//
// Before timing, every signer's output is checked against signRequest's (and the published
// signature): byte-identical body, or identical signature where the signer returns only that.
import { createRequire } from 'node:module';
import { summarize } from './lib/stats.mjs';
import { timeInterleaved } from './lib/interleave.mjs';
import { signRequestPlain } from './lib/plain-signer.mjs';
import { pack, unpackRequest } from '../js/packed.mjs';
import { ACTION, API_VERSION, CREDENTIALS, ENDPOINT, EXPECTED_BODY, EXPECTED_SIGNATURE, PARAMS, SIGNED_PARAMS, SIGNING } from './lib/fixture.mjs';

const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 100 : 250;

const { signRequest } = require('dms-taskflow'); // the package itself (self-reference: dist/node.cjs)
const pop = require('./lib/pop-core-signer.cjs');
const openapiUtil = require('@alicloud/openapi-util').default;
const popSent = pop.stubTransport();
const popClient = new pop.RPCClient({ ...CREDENTIALS, endpoint: ENDPOINT.replace(/\/$/, ''), apiVersion: API_VERSION });
const popRequestParams = { ...PARAMS, Timestamp: SIGNING.timestamp, SignatureNonce: SIGNING.nonce };

const options = { ...CREDENTIALS };

// The floor of signRequest's way into wasm, with no signing at all: pack the arguments
// (js/packed.mjs, the package's own code), encode them into a wasm memory, decode a request
// that is already there and unpack it. A signer that crossed this way and did its work in
// no time would run at this rate, so the floor over a contender bounds the package's ratio
// to it. (The call into wasm itself, tens of nanoseconds, is left out.)
const FLOOR_HALF = 32768;
const floorMemory = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);
const floorEncoder = new TextEncoder();
const floorDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
let floorLength = 0;
function crossingFloor() {
  floorEncoder.encodeInto(pack(options, ACTION, PARAMS, SIGNING), floorMemory.subarray(0, FLOOR_HALF));
  return unpackRequest(floorDecoder.decode(floorMemory.subarray(FLOOR_HALF, FLOOR_HALF + floorLength)));
}

const popOptions = { ...CREDENTIALS, endpoint: ENDPOINT.replace(/\/$/, '') };

const contenders = [
  { id: 'package', label: 'dms-taskflow signRequest (wasm)', run: () => signRequest(options, ACTION, PARAMS, SIGNING).body },
  { id: 'plain', label: 'plain JS, node:crypto (bench/lib/plain-signer.mjs)', run: () => signRequestPlain(options, ACTION, PARAMS, SIGNING).body },
  { id: 'popCore', label: `@alicloud/pop-core ${pop.version} signing path (lib/rpc.js internals)`, run: () => pop.popCoreSign(popOptions, API_VERSION, ACTION, PARAMS, SIGNING).body },
  {
    id: 'openapiUtil',
    label: '@alicloud/openapi-util getRPCSignature (signature only, no body)',
    run: () => openapiUtil.getRPCSignature(SIGNED_PARAMS, 'POST', CREDENTIALS.accessKeySecret),
  },
  {
    id: 'crossingFloor',
    label: 'floor: the packed crossing with no signing (pack, encode, decode a finished request, unpack; info)',
    run: () => crossingFloor().body,
  },
  {
    id: 'popCoreRequest',
    label: `@alicloud/pop-core ${pop.version} RPCClient#request, transport stubbed (async; info)`,
    async: true,
    run: async () => (await popClient.request(ACTION, popRequestParams, { method: 'POST' })) && popSent.body,
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
const finished = floorEncoder.encode(['POST', ours.url, ours.body, ...Object.entries(ours.headers).flat()].join('\0'));
floorMemory.set(finished, FLOOR_HALF);
floorLength = finished.length;
check('crossing floor: byte-identical method, url, headers, body', JSON.stringify(crossingFloor()) === JSON.stringify(ours), JSON.stringify(crossingFloor()));
const plain = signRequestPlain(options, ACTION, PARAMS, SIGNING);
check('plain-JS signer: byte-identical method, url, headers, body', JSON.stringify(plain) === JSON.stringify(ours), JSON.stringify(plain));
const popSigned = pop.popCoreSign(popOptions, API_VERSION, ACTION, PARAMS, SIGNING);
check('pop-core signing path: same signature', popSigned.signature === EXPECTED_SIGNATURE, popSigned.signature);
check('pop-core signing path: byte-identical body', popSigned.body === ours.body && popSigned.url === ours.url, popSigned.body);
await popClient.request(ACTION, popRequestParams, { method: 'POST' });
check('pop-core RPCClient#request (stubbed transport): byte-identical body', popSent.body === ours.body, popSent.body);
const utilSignature = openapiUtil.getRPCSignature(SIGNED_PARAMS, 'POST', CREDENTIALS.accessKeySecret);
check('openapi-util getRPCSignature: same signature', utilSignature === EXPECTED_SIGNATURE, utilSignature);
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
