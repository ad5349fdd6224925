#!/usr/bin/env node
// The side-by-side benchmark suite: `npm run bench` (after `npm run build`). Not part of
// `npm test`. See bench/README.md. The guards (report.mjs) are checked here, as ratios of
// figures from the same run: the exit status is 1 if a section failed, not if a guard did.
//
//   npm run bench                              every section; writes bench/results/latest.{json,md}, chart.svg
//   npm run bench -- --only signing,size       some sections (signing, size, coldstart, e2e, memory)
//   npm run bench -- --quick                   fewer samples, for development
//   npm run bench -- --out DIR                 write the results there
// A run with --only or --quick writes to bench/results/dev/ (not committed) unless --out says otherwise.
// Environment: BENCH_MEMORY_CALLS (default 100000), BENCH_MEMORY_SIGNS (100000),
// BENCH_MEMORY_CONTROL_CALLS (10000).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ratio } from './lib/stats.mjs';
import { guards, renderChart, renderMarkdown } from './report.mjs';

const root = new URL('..', import.meta.url).pathname;
const SECTIONS = ['signing', 'size', 'coldstart', 'e2e', 'memory'];

function parseArgs(argv) {
  const args = { quick: false, only: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--quick') args.quick = true;
    else if (flag === '--only') args.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--out') args.out = value();
    else if (flag === '-h' || flag === '--help') args.help = true;
    else throw new Error(`unknown option ${arg}`);
  }
  for (const name of args.only ?? []) {
    if (!SECTIONS.includes(name)) throw new Error(`--only: unknown section ${name}; sections: ${SECTIONS.join(', ')}`);
  }
  return args;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(2);
}
if (args.help) {
  console.log(`usage: npm run bench [-- --only ${SECTIONS.join(',')}] [--quick] [--out DIR]`);
  process.exit(0);
}
if (!['node.cjs', 'web.mjs', 'dms_taskflow_bg.wasm'].every((file) => existsSync(join(root, 'dist', file)))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(2);
}

const sections = args.only ?? SECTIONS;
const partial = args.quick || args.only !== null;
const outDir = args.out ?? join(root, 'bench/results', partial ? 'dev' : '');
const log = (line) => console.log(line);
const flags = args.quick ? ['--quick'] : [];

/** Runs a node script of the suite in a process of its own and parses its JSON stdout. */
function nodeJson(script, scriptArgs = [], nodeArgs = []) {
  const result = spawnSync(process.execPath, [...nodeArgs, join(root, 'bench', script), ...scriptArgs], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = result.stdout.trim().split('\n');
  if (result.status !== 0) throw new Error(`bench/${script} ${scriptArgs.join(' ')} exited ${result.status}:\n${result.stdout.slice(-2000)}`);
  return JSON.parse(lines.at(-1));
}

function signing() {
  log('signing: interleaved signers (bench/signing.mjs)');
  const out = nodeJson('signing.mjs', flags);
  const c = out.contenders;
  out.ratios = {
    packageOverPopCore: ratio(c.package.opsPerSec, c.popCore.opsPerSec),
    packageOverPlain: ratio(c.package.opsPerSec, c.plain.opsPerSec),
    packageOverOpenapiUtil: ratio(c.package.opsPerSec, c.openapiUtil.opsPerSec),
    packageOverPopCoreRequest: ratio(c.package.opsPerSec, c.popCoreRequest.opsPerSec),
    packageOverAws4fetch: ratio(c.package.opsPerSec, c.aws4fetch.opsPerSec),
  };
  return out;
}

/** sha256 of the dist/ files the run measures: a rebuild during the run would show. */
function distFingerprint() {
  const hash = createHash('sha256');
  for (const file of ['node.cjs', 'node.mjs', 'web.mjs', 'dms_taskflow_bg.wasm']) hash.update(readFileSync(join(root, 'dist', file)));
  return hash.digest('hex').slice(0, 16);
}

const results = {
  suite: 'dms-taskflow side-by-side benchmarks',
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  quick: args.quick,
  sections,
  machine: {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    rustc: (() => {
      try {
        return execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
      } catch {
        return null;
      }
    })(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemoryBytes: os.totalmem(),
    loadAverageAtStart: os.loadavg(),
    distAtStart: distFingerprint(),
    commit: (() => {
      try {
        return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return null;
      }
    })(),
  },
};

const started = performance.now();
const failed = [];
// A section that fails is recorded as such and the others still run: the results of a long
// run are written whatever happens, and the exit status says whether everything ran.
async function runSection(section) {
  if (section === 'signing') return signing();
  if (section === 'size') {
    log('size: scripts/sizes.mjs --json and esbuild bundles');
    return (await import('./size.mjs')).run();
  }
  if (section === 'coldstart') {
    log('coldstart: fresh node processes (bench/cold/)');
    return (await import('./coldstart.mjs')).run({ quick: args.quick });
  }
  if (section === 'e2e') {
    log('e2e: against the emulator in its own process (bench/e2e.mjs)');
    return nodeJson('e2e.mjs', flags);
  }
  const memory = {};
  for (const kind of ['sign', 'e2e', 'e2e-fetch']) {
    log(`memory: ${kind} (bench/memory.mjs)`);
    memory[kind] = nodeJson('memory.mjs', [kind, ...flags], ['--expose-gc']);
  }
  return memory;
}
for (const section of sections) {
  const t = performance.now();
  try {
    results[section] = await runSection(section);
  } catch (error) {
    console.error(`bench: section ${section} failed: ${error.stack ?? error}`);
    failed.push(section);
    results[section] = { error: String(error.message ?? error).slice(0, 2000) };
  }
  results[section].seconds = Math.round((performance.now() - t) / 100) / 10;
  log(`  ${section}: ${results[section].seconds} s`);
}
results.failedSections = failed;
results.machine.loadAverageAtEnd = os.loadavg();
results.machine.distAtEnd = distFingerprint();
if (results.machine.distAtEnd !== results.machine.distAtStart) console.error('bench: dist/ changed during the run: the figures mix two builds');
results.guards = guards(results);
results.totalSeconds = Math.round((performance.now() - started) / 100) / 10;

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, 'latest.md'), renderMarkdown(results));
writeFileSync(join(outDir, 'chart.svg'), renderChart(results));
for (const g of results.guards) log(`  guard ${g.id}: ${g.pass === null ? 'not measured' : `${g.pass ? 'pass' : 'FAIL'}: ${g.figure}`}`);
log(`bench: done in ${results.totalSeconds} s; wrote ${join(outDir, 'latest.json')}, latest.md, chart.svg`);
if (failed.length) {
  console.error(`bench: failed sections: ${failed.join(', ')}`);
  process.exitCode = 1;
}
