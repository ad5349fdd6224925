// Cold start: a fresh `node` process per sample that loads a library and builds its first
// signed request, as a user's script or a serverless function does on its first call. Each
// script checks its result and exits 1 if it is wrong; the package and pop-core sign with a
// fresh nonce and the current time, as a real first call does, and print the body, whose
// signature is checked here with the emulator's node:crypto signer. Samples are interleaved
// (one of each scenario per pass, rotating order) after one unrecorded pass that warms the
// file cache. Every figure is also given net of a baseline of the same pass: an empty ES module
// for the package's import, a bare `node -e 0` for the rest. Two
// clocks: the wall time of the whole process as the parent sees it, and the time inside the
// process from a preloaded script to its exit (bench/cold/exit-time.cjs), which leaves out
// spawning, Node's bootstrap and teardown, the noisiest parts on a shared machine.
import { spawnSync } from 'node:child_process';
import { ratio, rotate, summarize } from './lib/stats.mjs';
import { signRpc } from '../emulator/signature.mjs';
import { CREDENTIALS } from './lib/fixture.mjs';

const root = new URL('..', import.meta.url).pathname;

export const SCENARIOS = [
  { id: 'bare', label: 'node -e 0 (subtracted for the net figures)', args: ['-e', '0'] },
  { id: 'bareEsm', label: 'an empty ES module (subtracted from the import scenario)', args: ['bench/cold/empty.mjs'] },
  { id: 'package', label: 'dms-taskflow: import + first signRequest', args: ['bench/cold/package.mjs'], signs: true },
  { id: 'packageCjs', label: 'dms-taskflow: require + first signRequest', args: ['bench/cold/package.cjs'], signs: true },
  { id: 'popCore', label: '@alicloud/pop-core: require + RPCClient + first signed request', args: ['bench/cold/pop-core.cjs'], signs: true },
  { id: 'openapiCore', label: '@alicloud/openapi-core: require + first getRPCSignature', args: ['bench/cold/openapi-core.cjs'] },
  { id: 'openapiUtil', label: '@alicloud/openapi-util: require + first getRPCSignature', args: ['bench/cold/openapi-util.cjs'] },
];

function sample(scenario) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['-r', './bench/cold/exit-time.cjs', ...scenario.args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`cold start: ${scenario.args.join(' ')} exited ${result.status}: ${result.stderr}`);
  if (scenario.signs) checkSigned(scenario, String(result.stdout));
  const inside = Number(/cold-ms ([0-9.]+)/.exec(result.stdout)?.[1]);
  if (!Number.isFinite(inside)) throw new Error(`cold start: ${scenario.args.join(' ')} printed no exit time`);
  return { ms, inside };
}

/** The printed body is signed with the fixture's secret, a fresh nonce and about now. */
function checkSigned(scenario, stdout) {
  const fail = (why) => {
    throw new Error(`cold start: ${scenario.args.join(' ')}: ${why}`);
  };
  const body = /^signed-body (.*)$/m.exec(stdout)?.[1] ?? fail('printed no signed body');
  const params = Object.fromEntries(new URLSearchParams(body));
  const { Signature: signature, ...signed } = params;
  if (signature !== signRpc('POST', signed, CREDENTIALS.accessKeySecret)) fail(`wrong signature in ${body}`);
  if (!/^[0-9a-f]{32}$/.test(signed.SignatureNonce ?? '')) fail(`not a fresh 32-hex nonce: ${signed.SignatureNonce}`);
  if (signed.SignatureNonce === '3156853299f313e23d1673dc12e1703d') fail('the fixture nonce, not a fresh one');
  if (!(Math.abs(Date.parse(signed.Timestamp) - Date.now()) < 60_000)) fail(`timestamp ${signed.Timestamp} is not now`);
}

export async function run({ quick }) {
  const samplesPerScenario = quick ? 6 : 20;
  for (const scenario of SCENARIOS) sample(scenario); // warm the file cache
  const raw = Object.fromEntries(SCENARIOS.map((s) => [s.id, []]));
  const inside = Object.fromEntries(SCENARIOS.map((s) => [s.id, []]));
  for (let pass = 0; pass < samplesPerScenario; pass++) {
    for (const scenario of rotate(SCENARIOS, pass)) {
      const { ms, inside: insideMs } = sample(scenario);
      raw[scenario.id].push(ms);
      inside[scenario.id].push(insideMs);
    }
  }
  // Net figures: each sample minus the baseline sample of the same pass: an empty ES module
  // for the import (an ESM script pays Node's ES module loader before it imports anything),
  // `node -e 0` for the rest.
  const baseline = (id) => (id === 'package' ? 'bareEsm' : 'bare');
  const others = SCENARIOS.filter((s) => s.id !== 'bare' && s.id !== 'bareEsm');
  const net = Object.fromEntries(others.map((s) => [s.id, raw[s.id].map((ms, i) => ms - raw[baseline(s.id)][i])]));
  const insideNet = Object.fromEntries(others.map((s) => [s.id, inside[s.id].map((ms, i) => ms - inside[baseline(s.id)][i])]));
  const scenarios = Object.fromEntries(
    SCENARIOS.map((s) => [
      s.id,
      {
        label: s.label,
        command: `node ${s.args.join(' ')}`,
        grossMs: summarize(raw[s.id]),
        insideMs: summarize(inside[s.id]),
        ...(net[s.id] ? { netMs: summarize(net[s.id]), insideNetMs: summarize(insideNet[s.id]) } : {}),
      },
    ]),
  );
  const n = (id) => scenarios[id].netMs;
  const i = (id) => scenarios[id].insideNetMs;
  const onBothClocks = (name, a, b) => ({ [`${name}Net`]: ratio(n(a), n(b)), [`${name}InsideNet`]: ratio(i(a), i(b)) });
  return {
    samplesPerScenario,
    scenarios,
    // > 1: the other takes that many times the package's time. `<name>Net` on the wall
    // clock, `<name>InsideNet` on the in-process one (the guard's).
    ratios: {
      ...onBothClocks('popCoreOverPackage', 'popCore', 'package'),
      ...onBothClocks('popCoreOverPackageCjs', 'popCore', 'packageCjs'),
      ...onBothClocks('openapiCoreOverPackage', 'openapiCore', 'package'),
      ...onBothClocks('openapiCoreOverPackageCjs', 'openapiCore', 'packageCjs'),
      ...onBothClocks('openapiUtilOverPackage', 'openapiUtil', 'package'),
    },
  };
}
