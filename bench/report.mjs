// Turns the results of bench/run.mjs into bench/results/latest.md and chart.svg (a
// hand-written SVG: no dependency). Both cope with a partial run (--only).

const int = (n) => Math.round(n).toLocaleString('en-US');
const x2 = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
// The most any package could reach against pop-core in the run: pop-core's net time over
// that of loading one empty module the same way (bench/coldstart.mjs, popCoreOverFloor*).
// A floor that costs under a millisecond (requiring an empty CommonJS module) leaves no
// meaningful ceiling: dividing by noise around zero.
const ceilingRatio = (best, floorNet) => (best && floorNet?.median >= 1 ? best.ratio : undefined);
const ceilingText = (value, what = 'the floor') => (value === undefined ? `none (${what} costs under 1 ms)` : `${x2(value)}×`);
function ceiling(best, floorNet) {
  if (!best) return '';
  const value = ceilingRatio(best, floorNet);
  return value === undefined ? '; no ceiling: the floor costs under 1 ms' : `; ceiling ${x2(value)}×, a package costing nothing beyond one empty module`;
}
// pop-core over a script that only compiles the package's .wasm (bench/cold/wasm-compile.*):
// the most a package shipping this module could reach, loaded the same way. Same rule as the
// floor: no bound from a script whose net time is under 1 ms (noise, even negative).
function wasmCeiling(best, compileNet) {
  const value = ceilingRatio(best, compileNet);
  return value === undefined ? '' : `; at most ${x2(value)}× for any package compiling this .wasm`;
}
// pop-core over the package's .wasm signing once with no JS of the package's
// (bench/cold/wasm-sign.cjs): the most a package built on this module could reach by require.
function wasmSignCeiling(best, signNet) {
  const value = ceilingRatio(best, signNet);
  return value === undefined ? '' : `; at most ${x2(value)}× for any package built on this .wasm and required through an exports map (the module alone, signing once)`;
}
const ms = (n) => n.toFixed(1);
const range = (s, f) => `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const yes = (ok) => (ok ? '**yes**' : '**no**');

/**
 * The headline comparisons, each as the package's advantage (> 1: the package is better by
 * that factor), with the issue's target expressed on the same scale where there is one.
 */
const ok = (section) => section && !section.error;

export function headlines(r) {
  const out = [];
  if (ok(r.signing)) {
    const { packageOverPlain, packageOverPopCore, floorOverPlain, floorOverPopCore, nativeSpeedOverPlain, nativeSpeedOverPopCore, wasmWorkOverNative } = r.signing.ratios;
    // The packed crossing alone (bench/signing.mjs, crossingFloor) bounds every ratio; the
    // crossing plus the module's work at native speed (benches/sign.rs) bounds it closer.
    const bound = (floor, nativeSpeed) =>
      (floor ? `; at most ${x2(floor.ratio)}× for a signer crossing into wasm this way and doing no work` : '') +
      (nativeSpeed
        ? `; ${x2(nativeSpeed.ratio)}× if the module's work ran at native speed (it runs at ${x2(wasmWorkOverNative.ratio)}× native time in wasm)`
        : '');
    out.push({
      label: 'Signing: vs plain JS (node:crypto)',
      value: packageOverPlain.ratio,
      target: 2,
      reached: packageOverPlain.ratio >= 2,
      text: `${x2(packageOverPlain.ratio)}× its ops/s (target ≥ 2×)${bound(floorOverPlain, nativeSpeedOverPlain)}`,
    });
    out.push({
      label: 'Signing: vs @alicloud/pop-core',
      value: packageOverPopCore.ratio,
      target: 5,
      reached: packageOverPopCore.ratio >= 5,
      text: `${x2(packageOverPopCore.ratio)}× its ops/s (target ≥ 5×)${bound(floorOverPopCore, nativeSpeedOverPopCore)}`,
    });
  }
  if (ok(r.size)) {
    const h = r.size.headline;
    out.push({
      label: 'Size (node, gzip): vs pop-core bundle',
      value: h.popCoreNodeGzipOverPackageNodeGzip,
      target: null,
      reached: null,
      text: `pop-core is ${x2(h.popCoreNodeGzipOverPackageNodeGzip)}× the package's bytes`,
    });
    const aws = r.size.bundles.aws4fetch.browser.gzip;
    out.push({
      label: 'Size (browser, gzip): vs aws4fetch',
      value: h.aws4fetchBrowserGzipOverPackageBrowserGzip,
      target: aws / h.browserTargetGzip,
      reached: h.packageBrowserGzip <= h.browserTargetGzip,
      text: `${kb(h.packageBrowserGzip)} vs ${kb(aws)} (target ≤ ${kb(h.browserTargetGzip)}: marker)`,
    });
  }
  if (ok(r.coldstart)) {
    const { packageOverFloorGross, popCoreOverPackageNet } = r.coldstart.ratios;
    // Against the floor, whole-process times: the floor's own net time (one empty import,
    // minus bare node) is a few milliseconds of work lost in the noise, too small to divide by.
    out.push({
      label: 'Cold start (process): vs empty-module floor',
      value: 1 / packageOverFloorGross.ratio,
      target: 0.5,
      reached: packageOverFloorGross.ratio <= 2,
      text: `${x2(packageOverFloorGross.ratio)}× the floor's wall time (target ≤ 2×)`,
    });
    out.push({
      label: 'Cold start (net): vs pop-core, package import',
      value: popCoreOverPackageNet.ratio,
      target: 5,
      reached: popCoreOverPackageNet.ratio >= 5,
      text: `pop-core takes ${x2(popCoreOverPackageNet.ratio)}× the package (target ≥ 5×)${ceiling(r.coldstart.ratios.popCoreOverFloorNet, r.coldstart.scenarios.floor.netMs)}${wasmCeiling(r.coldstart.ratios.popCoreOverWasmCompileEsmNet, r.coldstart.scenarios.wasmCompileEsm?.netMs)}`,
    });
    const cjs = r.coldstart.ratios.popCoreOverPackageCjsNet.ratio;
    out.push({
      label: 'Cold start (net): vs pop-core, package require',
      value: cjs,
      target: 5,
      reached: cjs >= 5,
      text: `pop-core takes ${x2(cjs)}× the package (target ≥ 5×)${ceiling(r.coldstart.ratios.popCoreOverFloorCjsNet, r.coldstart.scenarios.floorCjs?.netMs)}${wasmCeiling(r.coldstart.ratios.popCoreOverWasmCompileNet, r.coldstart.scenarios.wasmCompile?.netMs)}${wasmSignCeiling(r.coldstart.ratios.popCoreOverWasmSignExportsNet, r.coldstart.scenarios.wasmSignExports?.netMs)}`,
    });
    // Timed inside each process: the same work without spawn and teardown jitter.
    const { popCoreOverPackageInsideNet, popCoreOverPackageCjsInsideNet, popCoreOverFloorInsideNet, popCoreOverFloorCjsInsideNet } = r.coldstart.ratios;
    if (popCoreOverPackageInsideNet) {
      for (const [how, value, best, floorNet, wasmBest, compileNet, signBest, signNet] of [
        ['import', popCoreOverPackageInsideNet.ratio, popCoreOverFloorInsideNet, r.coldstart.scenarios.floor.insideNetMs, r.coldstart.ratios.popCoreOverWasmCompileEsmInsideNet, r.coldstart.scenarios.wasmCompileEsm?.insideNetMs],
        ['require', popCoreOverPackageCjsInsideNet.ratio, popCoreOverFloorCjsInsideNet, r.coldstart.scenarios.floorCjs?.insideNetMs, r.coldstart.ratios.popCoreOverWasmCompileInsideNet, r.coldstart.scenarios.wasmCompile?.insideNetMs, r.coldstart.ratios.popCoreOverWasmSignExportsInsideNet, r.coldstart.scenarios.wasmSignExports?.insideNetMs],
      ]) {
        out.push({
          label: `Cold start (in-process, net): vs pop-core, package ${how}`,
          value,
          target: 5,
          reached: value >= 5,
          text: `pop-core takes ${x2(value)}× the package (target ≥ 5×)${ceiling(best, floorNet)}${wasmCeiling(wasmBest, compileNet)}${wasmSignCeiling(signBest, signNet)}`,
          chart: false,
        });
      }
    }
  }
  if (ok(r.e2e)) {
    const { packageOverRaw, floorOverRaw, packageOverFloor } = r.e2e.modes.c64;
    const c64 = packageOverRaw.ratio;
    // The floor contender (bench/e2e.mjs) signs each call and can abort it, and does nothing
    // else: no client with the package's job gets above it.
    const bound = floorOverRaw
      ? `; at most ${x2(floorOverRaw.ratio)}× for a client that signs each call and can abort it, doing nothing else (the package: ${x2(packageOverFloor.ratio)}× that)`
      : '';
    out.push({
      label: 'End to end, concurrency 64: vs raw fetch',
      value: c64,
      target: 0.9,
      reached: c64 >= 0.9,
      text: `${x2(c64)}× raw fetch's calls/s (target ≥ 0.9×)${bound}`,
    });
  }
  return out;
}

export function renderMarkdown(r) {
  const m = r.machine;
  const lines = [];
  const p = (...more) => lines.push(...more);
  p(
    '# dms-taskflow: side-by-side benchmarks',
    '',
    `Generated by \`${r.command}\` (after \`npm run build\`) on ${m.date.slice(0, 10)}: Node ${m.node}, ${m.rustc ?? 'rustc ?'}, ` +
      `${m.cpus} × ${m.cpuModel ?? 'cpu'}, ${m.platform}${m.commit ? `, commit ${m.commit.slice(0, 10)}` : ''}${m.source ? ` (${m.source})` : ''}; ` +
      `load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} at the start. Took ${r.totalSeconds} s.` +
      (r.quick ? ' **Quick mode: few samples, for development only.**' : ''),
    '',
    'Every figure is the median of several samples, with [min–max]; every ratio compares figures measured in this same run ' +
      '(contenders interleaved). What each benchmark does: [bench/README.md](../README.md). Raw samples: [latest.json](latest.json).',
    '',
    '![headline ratios](chart.svg)',
    '',
  );
  for (const section of r.failedSections ?? []) p(`**Section ${section} failed**: ${String(r[section].error).split('\n')[0]}`, '');

  const heads = headlines(r);
  const targetRows = [];
  for (const h of heads) if (h.reached !== null) targetRows.push([h.label, h.text, yes(h.reached)]);
  if (ok(r.size)) {
    const entry = r.size.headline.packageBrowserEntryGzip;
    targetRows.push(['Size: dist/web.mjs as published (browser entry)', `${kb(entry)} gzip (target ≤ ${kb(r.size.headline.browserTargetGzip)})`, yes(entry <= r.size.headline.browserTargetGzip)]);
  }
  if (ok(r.memory)) {
    for (const kind of ['sign', 'e2e']) {
      const mem = r.memory[kind];
      targetRows.push([
        `Memory flat after ${int(mem.count)} ${kind === 'sign' ? 'signRequest calls' : 'emulator calls'}`,
        `heap ${mem.growth.heapUsed >= 0 ? '+' : ''}${mib(mem.growth.heapUsed)}, wasm ${mib(mem.start.wasmMemoryBytes)} → ${mib(mem.end.wasmMemoryBytes)}, RSS ${mib(mem.end.rss)}`,
        yes(mem.flat),
      ]);
    }
  }
  if (targetRows.length) {
    p('## Targets', '', '| target | measured | reached |', '|---|---|---|');
    for (const row of targetRows) p(`| ${row.join(' | ')} |`);
    p('');
  }

  if (ok(r.signing)) {
    const s = r.signing;
    p(
      '## 1. Signing throughput',
      '',
      `One fully signed StopTaskFlowInstance request per operation (fixed timestamp and nonce: every signer must give the same bytes). ` +
        `${s.rounds} rounds of about ${s.roundMs} ms per contender, interleaved in rotating order.`,
      '',
      '| signer | ops/s | µs/op | package ÷ it |',
      '|---|---:|---:|---:|',
    );
    const pkg = s.contenders.package.opsPerSec.median;
    for (const c of Object.values(s.contenders)) {
      p(`| ${c.label} | ${range(c.opsPerSec, int)} | ${(1e6 / c.opsPerSec.median).toFixed(2)} | ${x2(pkg / c.opsPerSec.median)}× |`);
    }
    for (const [id, n] of Object.entries(s.native ?? {})) p(`| ${id}: **not measured**: ${n.error} | — | — | — |`);
    p('', 'Output checks (all must pass before anything is timed):', '');
    for (const c of s.checks) p(`- ${c.ok ? 'ok' : '**FAILED**'}: ${c.name}`);
    p(
      '',
      'pop-core signs inside `RPCClient#request` (lib/rpc.js) with private helpers (`formatParams`, `normalize`, `canonicalize`, ' +
        '`encode`, then `kitx.sha1`): the benchmark compiles that file unchanged with one appended line exporting them and repeats ' +
        "request()'s signing steps; a run of the real `request()` with its transport (httpx) stubbed gives the same body. " +
        'openapi-util returns the signature only (no body is built), which flatters it.',
      '',
    );
  }

  if (ok(r.size)) {
    const z = r.size;
    p('## 2. Size', '', 'The package as published (`scripts/sizes.mjs --json`: unminified JS + the wasm-opt `-Oz` .wasm):', '', '| entry | files | raw | gzip | brotli |', '|---|---|---:|---:|---:|');
    for (const e of z.entries) p(`| ${e.entry} | ${e.files} | ${int(e.raw)} | ${int(e.gzip)} | ${int(e.brotli)} |`);
    p('', 'Bundled by esbuild (`--bundle --minify`, in memory):', '', '| library | platform | result | raw | gzip | brotli |', '|---|---|---|---:|---:|---:|');
    for (const b of Object.values(z.bundles)) {
      for (const platform of ['node', 'browser']) {
        const x = b[platform];
        if (x.ok) p(`| ${b.name} ${b.version} | ${platform} | ${x.files} | ${int(x.raw)} | ${int(x.gzip)} | ${int(x.brotli)} |`);
        else p(`| ${b.name} ${b.version} | ${platform} | **fails**: ${x.errors} errors, ${x.unresolvedNodeBuiltins} unresolved Node built-ins (${x.builtins.join(', ')}) | — | — | — |`);
      }
    }
    p('', 'gzip level 9, brotli quality 11; KB = 1000 bytes.', '');
  }

  if (ok(r.coldstart)) {
    const c = r.coldstart;
    p(
      '## 3. Cold start',
      '',
      `A fresh \`node\` process per sample, ${c.samplesPerScenario} samples per scenario, interleaved; net = the sample minus the bare \`node -e 0\` of the same pass. ` +
        'Wall: the whole process as the parent sees it (spawn to reaped). In-process: from a preloaded bench/cold/exit-time.cjs, which Node runs after its own bootstrap, to the `exit` event; it leaves out spawn, bootstrap and teardown.',
      '',
      '| scenario | wall ms | wall net ms | wall net ÷ package (import) | in-process net ms | in-process net ÷ package (import) |',
      '|---|---:|---:|---:|---:|---:|',
    );
    const pkg = c.scenarios.package.netMs?.median;
    const pkgInside = c.scenarios.package.insideNetMs?.median;
    for (const s of Object.values(c.scenarios)) {
      const inside = s.insideNetMs ? `${range(s.insideNetMs, ms)} | ${x2(s.insideNetMs.median / pkgInside)}×` : '— | —';
      p(`| ${s.label} | ${range(s.grossMs, ms)} | ${s.netMs ? range(s.netMs, ms) : '—'} | ${s.netMs ? `${x2(s.netMs.median / pkg)}×` : '—'} | ${inside} |`);
    }
    p(
      '',
      `Package (import) ÷ floor: ${x2(c.ratios.packageOverFloorGross.ratio)}× whole-process wall time (the target's measure); ` +
        `net of bare node, ${x2(c.ratios.packageOverFloorNet.ratio)}×, but the floor's net time (one empty import) is mostly noise. ` +
        `pop-core ÷ package: ${x2(c.ratios.popCoreOverPackageNet.ratio)}× (import), ${x2(c.ratios.popCoreOverPackageCjsNet.ratio)}× (require) by wall time; ` +
        (c.ratios.popCoreOverPackageInsideNet
          ? `${x2(c.ratios.popCoreOverPackageInsideNet.ratio)}× (import), ${x2(c.ratios.popCoreOverPackageCjsInsideNet.ratio)}× (require) in-process.`
          : '') +
        (c.ratios.popCoreOverFloorNet
          ? ` Ceiling: pop-core ÷ floor, what a package costing nothing beyond loading one empty module would measure: ` +
            `import ${ceilingText(ceilingRatio(c.ratios.popCoreOverFloorNet, c.scenarios.floor.netMs))} by wall time, ` +
            `${ceilingText(ceilingRatio(c.ratios.popCoreOverFloorInsideNet, c.scenarios.floor.insideNetMs))} in-process; ` +
            `require ${ceilingText(ceilingRatio(c.ratios.popCoreOverFloorCjsNet, c.scenarios.floorCjs.netMs))} by wall time, ` +
            `${ceilingText(ceilingRatio(c.ratios.popCoreOverFloorCjsInsideNet, c.scenarios.floorCjs.insideNetMs))} in-process.`
          : '') +
        (c.ratios.popCoreOverWasmCompileInsideNet && c.ratios.popCoreOverWasmCompileEsmInsideNet
          ? ` Compiling the .wasm Node's entries load (\`dist/dms_taskflow_node_bg.wasm\`) and nothing else costs ${ms(c.scenarios.wasmCompile.insideNetMs.median)} ms in-process by require ` +
            `(${Math.round((100 * c.scenarios.wasmCompile.insideNetMs.median) / c.scenarios.packageCjs.insideNetMs.median)}% of the package's require figure) ` +
            `and ${ms(c.scenarios.wasmCompileEsm.insideNetMs.median)} ms as an ES module. pop-core ÷ those, the most a package shipping this module could reach: ` +
            `require ${ceilingText(ceilingRatio(c.ratios.popCoreOverWasmCompileInsideNet, c.scenarios.wasmCompile.insideNetMs), 'that script')} in-process ` +
            `(${ceilingText(ceilingRatio(c.ratios.popCoreOverWasmCompileNet, c.scenarios.wasmCompile.netMs), 'that script')} by wall time), ` +
            `import ${ceilingText(ceilingRatio(c.ratios.popCoreOverWasmCompileEsmInsideNet, c.scenarios.wasmCompileEsm.insideNetMs), 'that script')} in-process ` +
            `(${ceilingText(ceilingRatio(c.ratios.popCoreOverWasmCompileEsmNet, c.scenarios.wasmCompileEsm.netMs), 'that script')} by wall time).`
          : '') +
        (c.ratios.popCoreOverWasmSignExportsInsideNet
          ? ` The same .wasm compiled, instantiated with stub imports and signing once, with no JS of the package's (bench/cold/wasm-sign.cjs), ` +
            `costs ${ms(c.scenarios.wasmSign.insideNetMs.median)} ms in-process by require, and ${ms(c.scenarios.wasmSignExports.insideNetMs.median)} ms required by package name through an exports map ` +
            `(an empty module that way: ${ms(c.scenarios.floorCjsExports.insideNetMs.median)} ms, against ${ms(c.scenarios.floorCjs.insideNetMs.median)} ms by path), as users require the package, whose map gives each runtime its entry. ` +
            `pop-core ÷ the latter, the most a package built on this module and shipped with such a map could reach by require: ` +
            `${ceilingText(ceilingRatio(c.ratios.popCoreOverWasmSignExportsInsideNet, c.scenarios.wasmSignExports.insideNetMs), 'that script')} in-process ` +
            `(${ceilingText(ceilingRatio(c.ratios.popCoreOverWasmSignExportsNet, c.scenarios.wasmSignExports.netMs), 'that script')} by wall time); ` +
            `the package's glue, API and first request's JS cost the other ` +
            `${ms(c.scenarios.packageCjs.insideNetMs.median - c.scenarios.wasmSignExports.insideNetMs.median)} ms of its require figure.`
          : ''),
      '',
    );
  }

  if (ok(r.e2e)) {
    const e = r.e2e;
    p(
      '## 4. End to end',
      '',
      `Stop/resume calls against the local emulator (its own process, restarted before each batch), ${e.rounds} rounds, contenders interleaved.`,
      '',
      '| mode | contender | calls/s | package ÷ it | its µs/call above raw fetch |',
      '|---|---|---:|---:|---:|',
    );
    for (const [id, mode] of Object.entries(e.modes)) {
      const name = id === 'c64' ? `concurrency 64 (${int(mode.callsPerBatch)} calls/batch)` : `sequential (${int(mode.callsPerBatch)} calls/batch)`;
      for (const [cid, c] of Object.entries(mode.callsPerSec)) {
        const over = {
          package: mode.packageOverheadUsPerCall,
          floor: mode.floorOverheadUsPerCall,
          popCore: mode.popCoreOverheadUsPerCall,
          rawEquivalent: mode.rawEquivalentOverheadUsPerCall,
        }[cid];
        p(`| ${name} | ${c.label} | ${range(c, int)} | ${x2(mode.callsPerSec.package.median / c.median)}× | ${over ? range(over, int) : '—'} |`);
      }
    }
    p(
      '',
      'µs/call above raw fetch = 10⁶/rate − 10⁶/rate(raw fetch), per round (at concurrency 64: CPU time per call, amortized); ' +
        'negative: faster than raw `fetch` (pop-core sends with `node:http`, which is cheaper than Node 20\'s `fetch`).',
      '',
    );
    const floor = e.modes.c64.floorOverRaw;
    if (floor) {
      p(
        `The floor signs each call with \`signRequest\` (a fresh nonce: the gateway rejects a reused one) and gives fetch the ` +
          `signal of a 30 s timeout (a hung request is torn down), and does nothing else: ${x2(floor.ratio)}× raw fetch at concurrency 64 ` +
          `(per round ${x2(floor.pairedMin)}–${x2(floor.pairedMax)}×), ${x2(e.modes.sequential.floorOverRaw.ratio)}× sequential. ` +
          "A client doing the package's job does all of that and more, so the floor bounds it; the package measured " +
          `${x2(e.modes.c64.packageOverFloor.ratio)}× the floor at concurrency 64 (per round ${x2(e.modes.c64.packageOverFloor.pairedMin)}–${x2(e.modes.c64.packageOverFloor.pairedMax)}×), ` +
          `${x2(e.modes.sequential.packageOverFloor.ratio)}× sequential (a figure above 1× is this machine's noise). Its own cost on top: validation, ` +
          'redirect and response checks, parsing into typed results, retries, and the wasm-bindgen futures that drive fetch from Rust.',
        '',
      );
    }
    const eq = e.modes.c64.rawEquivalentOverRaw;
    if (eq) {
      p(
        `The plain-JS client with the package's duties reaches ${x2(eq.ratio)}× raw fetch at concurrency 64 ` +
          `(${x2(e.modes.sequential.rawEquivalentOverRaw.ratio)}× sequential): what a user would otherwise write, not a bound ` +
          '(its node:crypto signer costs more per call under load than in the signing benchmark). ' +
          `The package runs at ${x2(e.modes.c64.packageOverRawEquivalent.ratio)}× that client at concurrency 64, ${x2(e.modes.sequential.packageOverRawEquivalent.ratio)}× sequential.`,
        '',
      );
    }
  }

  if (ok(r.memory)) {
    p(
      '## 5. Memory',
      '',
      `RSS, V8 heap and \`wasmMemoryBytes()\` after a \`gc()\`, at 10 checkpoints, each in a fresh process. Flat: ${r.memory.sign.criterion}.`,
      '',
      '| run | calls | RSS start → end | heap growth (10% → end) | heap bytes/call | wasm memory start → end | flat |',
      '|---|---:|---|---:|---:|---|---|',
    );
    const names = { sign: 'signRequest', e2e: 'DmsClient calls, concurrency 64', 'e2e-fetch': 'control: raw fetch of signRequest requests' };
    for (const [kind, mem] of Object.entries(r.memory)) {
      if (typeof mem !== 'object' || !mem.series) continue;
      p(
        `| ${names[kind]} | ${int(mem.count)} | ${mib(mem.start.rss)} → ${mib(mem.end.rss)} | ${mib(mem.growth.heapUsed)} | ${int(mem.heapBytesPerCall)} | ` +
          `${mib(mem.start.wasmMemoryBytes)} → ${mib(mem.end.wasmMemoryBytes)} | ${yes(mem.flat)} |`,
      );
    }
    p('');
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Horizontal bars of the headline ratios on a log scale around 1× (right of it: the package is better). */
export function renderChart(r) {
  const heads = headlines(r).filter((h) => h.chart !== false);
  const width = 1120;
  const labelWidth = 330;
  const plotLeft = labelWidth + 10;
  const plotRight = width - 350;
  const top = 86;
  const rowHeight = 40;
  const height = top + rowHeight * Math.max(heads.length, 1) + 72;
  const values = heads.flatMap((h) => [h.value, h.target ?? 1]).concat(1);
  const lo = Math.floor(Math.log10(Math.min(...values) / 1.3));
  const hi = Math.ceil(Math.log10(Math.max(...values) * 1.3));
  const x = (v) => plotLeft + ((Math.log10(v) - lo) / (hi - lo || 1)) * (plotRight - plotLeft);
  const s = [];
  s.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="bold">dms-taskflow vs alternatives: the package's advantage (×, log scale)</text>`,
    `<text x="16" y="48" fill="#555">Right of 1×: the package is better. Green: target met; red: missed; grey: no target. Dashed tick: the target.</text>`,
    `<text x="16" y="66" fill="#555">${escapeXml(r.machine.date.slice(0, 10))}, Node ${escapeXml(r.machine.node)}, ${r.machine.cpus} CPUs; medians of interleaved samples${r.quick ? '; QUICK MODE (few samples)' : ''}.</text>`,
  );
  const bottom = top + rowHeight * heads.length;
  for (let e = lo; e <= hi; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) > hi + 1e-9) continue;
      const gx = x(v).toFixed(1);
      s.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${bottom}" stroke="${m === 1 ? '#cccccc' : '#eeeeee'}"/>`);
      if (m === 1 || hi - lo <= 3) s.push(`<text x="${gx}" y="${bottom + 18}" text-anchor="middle" fill="#555">${v >= 1 ? v : Number(v.toPrecision(1))}×</text>`);
    }
  }
  const one = x(1).toFixed(1);
  heads.forEach((h, i) => {
    const y = top + i * rowHeight;
    const color = h.reached === null ? '#888888' : h.reached ? '#2e7d32' : '#c62828';
    const x0 = Math.min(x(1), x(h.value));
    const w = Math.max(Math.abs(x(h.value) - x(1)), 1.5);
    s.push(`<text x="${labelWidth}" y="${y + 19}" text-anchor="end">${escapeXml(h.label)}</text>`);
    s.push(`<rect x="${x0.toFixed(1)}" y="${y + 6}" width="${w.toFixed(1)}" height="20" fill="${color}" rx="2"/>`);
    if (h.target) {
      const tx = x(h.target).toFixed(1);
      s.push(`<line x1="${tx}" y1="${y + 1}" x2="${tx}" y2="${y + 31}" stroke="#222" stroke-width="2" stroke-dasharray="4,3"/>`);
    }
    s.push(`<text x="${plotRight + 8}" y="${y + 14}" font-weight="bold" fill="${color}">${x2(h.value)}×</text>`);
    s.push(`<text x="${plotRight + 8}" y="${y + 29}" font-size="11" fill="#444">${escapeXml(h.text)}</text>`);
  });
  s.push(`<line x1="${one}" y1="${top - 10}" x2="${one}" y2="${bottom + 4}" stroke="#222" stroke-width="1.5"/>`);
  s.push(`<text x="16" y="${bottom + 42}" fill="#555" font-size="12">Signing and end to end: package ÷ other (ops/s, calls/s). Size and cold start: other ÷ package (bytes, ms).</text>`);
  s.push(`<text x="16" y="${bottom + 58}" fill="#555" font-size="12">Command: ${escapeXml(r.command)} (after npm run build). Details: bench/results/latest.md.</text>`);
  s.push('</svg>');
  return `${s.join('\n')}\n`;
}
