// Cold start: a fresh `node` process per sample that loads a library and builds its first
// signed request (each script checks the result and exits 1 if it is wrong; the package and
// pop-core sign with a fresh nonce and the current time, as a real first call does, and
// print the body, whose signature is checked here with the emulator's node:crypto signer). Samples are
// interleaved (one of each scenario per pass, rotating order) after one unrecorded pass
// that warms the file cache. Every figure is reported minus a bare `node -e 0` measured the
// same way in the same passes. Two clocks: the wall time of the whole process as the parent
// sees it, and the time inside the process from a preloaded script to its exit
// (bench/cold/exit-time.cjs), which leaves out spawning, Node's bootstrap and teardown, the
// noisiest parts on a shared machine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ratio, rotate, summarize } from './lib/stats.mjs';
import { signRpc } from '../emulator/signature.mjs';
import { importArities } from './lib/wasm-sections.mjs';
import { CREDENTIALS, EXPECTED_BODY } from './lib/fixture.mjs';

const root = new URL('..', import.meta.url).pathname;
// For bench/cold/wasm-sign.cjs: its stubs need each import's arity, read here so that the
// measured process does not spend its time on it.
const ARITIES = `--arities=${importArities(readFileSync(new URL('../dist/dms_taskflow_node_bg.wasm', import.meta.url))).join(',')}`;

export const SCENARIOS = [
  { id: 'bare', label: 'node -e 0 (subtracted from every figure)', args: ['-e', '0'] },
  { id: 'floor', label: 'import an empty ES module (floor)', args: ['bench/cold/floor.mjs'] },
  { id: 'floorCjs', label: 'require an empty CommonJS module (floor for require)', args: ['bench/cold/floor.cjs'] },
  { id: 'floorCjsExports', label: 'require an empty CommonJS module by package name through an exports map (Node 20 loads its ES module resolver for it)', args: ['bench/cold/exports-map/require-empty.cjs'] },
  { id: 'package', label: 'dms-taskflow: import + first signRequest', args: ['bench/cold/package.mjs'], signs: true },
  { id: 'packageCjs', label: 'dms-taskflow: require + first signRequest', args: ['bench/cold/package.cjs'], signs: true },
  { id: 'wasmCompile', label: "require a script that only compiles the package's .wasm (no glue, no instantiation, no call)", args: ['bench/cold/wasm-compile.cjs'] },
  { id: 'wasmCompileEsm', label: "the same, as an ES module", args: ['bench/cold/wasm-compile.mjs'] },
  { id: 'wasmSign', label: "require a script that compiles the package's .wasm, instantiates it with stub imports and signs once (no JS of the package's)", args: ['bench/cold/wasm-sign.cjs', ARITIES], signs: 'vector' },
  { id: 'wasmSignExports', label: 'the same, required by package name through an exports map, as users require the package', args: ['bench/cold/exports-map/require-wasm-sign.cjs', ARITIES], signs: 'vector' },
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
  // Signed with the fixture's timestamp and nonce: it must be the published vector.
  if (scenario.signs === 'vector') {
    if (body !== EXPECTED_BODY) fail(`not the published vector: ${body}`);
    return;
  }
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
  // Net figures: each sample minus the bare-node sample of the same pass.
  const others = SCENARIOS.filter((s) => s.id !== 'bare');
  const net = Object.fromEntries(others.map((s) => [s.id, raw[s.id].map((ms, i) => ms - raw.bare[i])]));
  const insideNet = Object.fromEntries(others.map((s) => [s.id, inside[s.id].map((ms, i) => ms - inside.bare[i])]));
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
  const g = (id) => scenarios[id].grossMs;
  const i = (id) => scenarios[id].insideNetMs;
  // `<name>Net` on the wall clock and `<name>InsideNet` on the in-process one.
  const onBothClocks = (name, a, b) => ({ [`${name}Net`]: ratio(n(a), n(b)), [`${name}InsideNet`]: ratio(i(a), i(b)) });
  return {
    samplesPerScenario,
    scenarios,
    ratios: {
      // Net (minus bare node): > 1 means slower than the other.
      packageOverFloorNet: ratio(n('package'), n('floor')),
      packageOverFloorGross: ratio(g('package'), g('floor')),
      openapiCoreOverPackageNet: ratio(n('openapiCore'), n('package')),
      openapiUtilOverPackageNet: ratio(n('openapiUtil'), n('package')),
      ...onBothClocks('popCoreOverPackage', 'popCore', 'package'),
      ...onBothClocks('popCoreOverPackageCjs', 'popCore', 'packageCjs'),
      // The most any package could reach against pop-core here: one that cost nothing beyond
      // loading one empty module the same way (its net time is Node's own module loading).
      ...onBothClocks('popCoreOverFloor', 'popCore', 'floor'),
      ...onBothClocks('popCoreOverFloorCjs', 'popCore', 'floorCjs'),
      // The most a package that ships this .wasm could reach: one whose only cost was compiling
      // it, loaded by require and by import.
      ...onBothClocks('popCoreOverWasmCompile', 'popCore', 'wasmCompile'),
      ...onBothClocks('popCoreOverWasmCompileEsm', 'popCore', 'wasmCompileEsm'),
      // The most a package built on this .wasm could reach by require: one whose only cost was
      // the module signing once, with no JS of its own.
      ...onBothClocks('popCoreOverWasmSign', 'popCore', 'wasmSign'),
      // ... and one shipped, as the package is, with an exports map (one entry per runtime).
      ...onBothClocks('popCoreOverWasmSignExports', 'popCore', 'wasmSignExports'),
    },
  };
}
