// Size: the bytes a user ships. The package's own entries come from scripts/sizes.mjs --json
// (dist/ as published: the JS, minified but for node.cjs, + the wasm-opt'd .wasm, which
// web.mjs inlines deflated). The comparisons are bundled by esbuild (--bundle --minify), in
// memory, for node and for the browser; a browser build of the Alibaba SDKs fails, and the
// unresolved Node built-ins esbuild names are recorded. The package is bundled the same way,
// through its own exports map (self-reference).
//
// The size guard is on dist/web.mjs (everything a browser downloads) with every operation
// in it: a child process imports it and checks that each of spec/taskflow-operations.json's
// operations has its DmsClient method and is known to signRequest.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;

const measure = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const versionOf = (name) => JSON.parse(readFileSync(`${root}${name === 'dms-taskflow' ? '' : `node_modules/${name}/`}package.json`, 'utf8')).version;

const TARGETS = [
  { id: 'package', name: 'dms-taskflow', entry: 'export { DmsClient, DmsError, signRequest, stopTaskFlowInstance, resumeTaskFlowInstance } from "dms-taskflow";' },
  { id: 'popCore', name: '@alicloud/pop-core', entry: 'export { default } from "@alicloud/pop-core";' },
  { id: 'openapiCore', name: '@alicloud/openapi-core', entry: 'export { default } from "@alicloud/openapi-core";' },
  { id: 'aws4fetch', name: 'aws4fetch', entry: 'export { AwsClient, AwsV4Signer } from "aws4fetch";' },
];

const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export async function run() {
  const esbuild = await import('esbuild');
  const sizesJson = execFileSync(process.execPath, ['scripts/sizes.mjs', '--json'], { cwd: root, encoding: 'utf8' });
  const entries = JSON.parse(sizesJson);
  const wasm = measure(readFileSync(new URL('../dist/dms_taskflow_bg.wasm', import.meta.url)));

  const bundles = {};
  for (const target of TARGETS) {
    const version = versionOf(target.name);
    bundles[target.id] = { name: target.name, version };
    for (const platform of ['node', 'browser']) {
      const started = performance.now();
      try {
        const result = await esbuild.build({
          stdin: { contents: target.entry, resolveDir: root, sourcefile: `bench-${target.id}.mjs`, loader: 'js' },
          bundle: true,
          platform,
          format: platform === 'node' ? 'cjs' : 'esm',
          minify: true,
          legalComments: 'none',
          write: false,
          logLevel: 'silent',
        });
        const js = measure(result.outputFiles[0].contents);
        // For node, the package's entry reads dms_taskflow_bg.wasm from beside the bundle with
        // fs: that file ships too.
        const shipsWasm = target.id === 'package' && platform === 'node';
        bundles[target.id][platform] = {
          ok: true,
          ...(shipsWasm ? add(js, wasm) : js),
          ...(shipsWasm ? { files: 'minified JS + dms_taskflow_bg.wasm', js } : { files: 'minified JS' }),
          warnings: result.warnings.length,
          ms: Math.round(performance.now() - started),
        };
      } catch (error) {
        if (!error.errors) throw error;
        const unresolved = [...new Set(error.errors.map((e) => /^Could not resolve "(.+)"$/.exec(e.text)?.[1]).filter(Boolean))];
        const builtins = unresolved.filter((name) => nodeBuiltins.has(name)).sort();
        bundles[target.id][platform] = {
          ok: false,
          errors: error.errors.length,
          unresolvedNodeBuiltins: builtins.length,
          builtins,
          otherUnresolved: unresolved.filter((name) => !nodeBuiltins.has(name)),
          firstError: error.errors[0]?.text,
        };
      }
    }
  }

  const pkgBrowser = bundles.package.browser;
  const pkgNodeShipped = entries.find((e) => e.entry === 'node (require)');
  const browserEntry = entries.find((e) => e.entry.startsWith('browser'));
  return {
    entries,
    wasm,
    bundles,
    browserOperations: browserOperations(),
    headline: {
      // > 1: the package is that many times smaller.
      popCoreNodeGzipOverPackageNodeGzip: bundles.popCore.node.gzip / pkgNodeShipped.gzip,
      openapiCoreNodeGzipOverPackageNodeGzip: bundles.openapiCore.node.gzip / pkgNodeShipped.gzip,
      aws4fetchBrowserGzipOverPackageBrowserGzip: bundles.aws4fetch.browser.gzip / pkgBrowser.gzip,
      packageBrowserGzip: pkgBrowser.gzip,
      packageBrowserEntryGzip: browserEntry.gzip,
    },
  };
}

// In a child process, so that this one does not instantiate the browser entry's wasm.
const OPERATIONS_CHECK = `
const { readFileSync } = require('node:fs');
const spec = JSON.parse(readFileSync('spec/taskflow-operations.json', 'utf8'));
const refusal = (signRequest, action) => {
  try {
    signRequest({ accessKeyId: 'a', accessKeySecret: 'b' }, action, {});
    return null;
  } catch (error) {
    return error.message;
  }
};
import('./dist/web.mjs').then(({ DmsClient, signRequest }) => {
  // What signRequest says of an action it does not know, to tell that refusal from a
  // missing parameter's.
  const unknown = refusal(signRequest, 'BenchNoSuchAction');
  if (!unknown?.includes('BenchNoSuchAction')) throw new Error('signRequest took an unknown action: ' + unknown);
  const missing = [];
  for (const { action } of spec.operations) {
    const method = action[0].toLowerCase() + action.slice(1);
    const known = refusal(signRequest, action) !== unknown.replaceAll('BenchNoSuchAction', action);
    if (typeof DmsClient.prototype[method] !== 'function' || !known) missing.push(action);
  }
  console.log(JSON.stringify({ operations: spec.operations.length, missing }));
});`;

/** How many of the spec's operations dist/web.mjs carries (a DmsClient method each, known to signRequest). */
function browserOperations() {
  const out = JSON.parse(execFileSync(process.execPath, ['-e', OPERATIONS_CHECK], { cwd: root, encoding: 'utf8' }).trim());
  return { ...out, present: out.operations - out.missing.length };
}
