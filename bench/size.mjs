// Size: the bytes a user ships. The package's own entries come from scripts/sizes.mjs --json
// (dist/ as published: the JS, minified but for node.cjs, + the wasm-opt'd .wasm, which
// web.mjs inlines deflated). The comparisons are bundled
// by esbuild (--bundle --minify), in memory, for node and for the browser; a browser build
// of the Alibaba SDKs fails, and the unresolved Node built-ins esbuild names are recorded.
// The package is bundled the same way, through its own exports map (self-reference).
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
  const wasm = measure(readFileSync(new URL('../dist/dms_taskflow_node_bg.wasm', import.meta.url)));

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
        // For node, the package's glue reads dms_taskflow_node_bg.wasm (the build for speed) from
        // beside the bundle with fs: that file ships too.
        const shipsWasm = target.id === 'package' && platform === 'node';
        bundles[target.id][platform] = {
          ok: true,
          ...(shipsWasm ? add(js, wasm) : js),
          ...(shipsWasm ? { files: 'minified JS + dms_taskflow_node_bg.wasm', js } : { files: 'minified JS' }),
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
  return {
    entries,
    bundles,
    headline: {
      // > 1: the package is that many times smaller.
      popCoreNodeGzipOverPackageNodeGzip: bundles.popCore.node.gzip / pkgNodeShipped.gzip,
      openapiCoreNodeGzipOverPackageNodeGzip: bundles.openapiCore.node.gzip / pkgNodeShipped.gzip,
      aws4fetchBrowserGzipOverPackageBrowserGzip: bundles.aws4fetch.browser.gzip / pkgBrowser.gzip,
      packageBrowserGzip: pkgBrowser.gzip,
      packageBrowserEntryGzip: entries.find((e) => e.entry.startsWith('browser')).gzip,
      browserTargetGzip: 35_000,
    },
  };
}
