// The emulator ships in the package: `import { startEmulator, DEFAULT_ACCOUNTS } from
// 'dms-taskflow/emulator'` in Node and `npx dms-taskflow emulator [--port N]`, the full model
// of all 52 operations by default. Browser bundles cannot reach it. Everything runs from the
// installed tarball, in child processes of the scratch consumer project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installedPackageDir, loadPackage } from '../support/load-package.mjs';

const { esm } = await loadPackage();
const root = fileURLToPath(new URL('../../', import.meta.url));
const consumerDir = join(root, '.scratch/consumer');

test('the tarball ships the emulator and the operation table it reads', () => {
  for (const file of ['emulator/index.mjs', 'emulator/cli.mjs', 'emulator/README.md', 'spec/taskflow-operations.json', 'types/emulator.d.ts']) {
    assert.ok(existsSync(join(installedPackageDir, file)), `the tarball lacks ${file}`);
  }
});

test("import from 'dms-taskflow/emulator': the full model by default, and a client call against it", () => {
  const source = `
    import { startEmulator, DEFAULT_ACCOUNTS } from 'dms-taskflow/emulator';
    import { DmsClient } from 'dms-taskflow';
    const emu = await startEmulator();
    try {
      const client = new DmsClient({ ...DEFAULT_ACCOUNTS[0], endpoint: emu.url });
      const flows = await client.listTaskFlow({});
      const stopped = await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5001' });
      process.stdout.write(JSON.stringify({ model: emu.model, url: emu.url, flows: flows.taskFlowList.length, stopped: stopped.success, status: emu.getInstance('1001', '5001').status }));
    } finally {
      await emu.close();
    }`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: consumerDir, encoding: 'utf8', timeout: 30_000 }));
  assert.equal(out.model, 'full');
  assert.match(out.url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
  assert.ok(out.flows > 0, 'ListTaskFlow answers from the full model');
  assert.equal(out.stopped, true);
  assert.equal(out.status, 'stopped');
});

test('npx dms-taskflow emulator --port N: serves until SIGTERM, and a client stops an instance through it', async () => {
  const bin = join(consumerDir, 'node_modules/.bin/dms-taskflow');
  const child = spawn(bin, ['emulator', '--port', '0', '--quiet'], { cwd: consumerDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 15_000);
      child.stdout.on('data', () => {
        const found = /listening on (http:\/\/127\.0\.0\.1:[0-9]+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
    });
    const client = new esm.DmsClient({ accessKeyId: 'LTAI5tEmulatorKeyId01', accessKeySecret: 'emulator-secret-01', endpoint: url });
    const stopped = await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5001' });
    assert.equal(stopped.success, true);
    const flows = await client.listTaskFlow({});
    assert.ok(flows.taskFlowList.length > 0);
  } finally {
    child.kill('SIGTERM');
  }
  assert.deepEqual(await exited, { code: 0, signal: null });
  // All it printed, once it has exited (the account lines follow the URL line).
  assert.match(output, /LTAI5tEmulatorKeyId01/);
  assert.match(output, /Task flows \(dagId: name, status, current version\)/, 'the full model lists its task flows');
  assert.match(output, /DMS emulator stopping \(SIGTERM\)/);
});

test('dms-taskflow emulator --help and a bad flag: usage, exit 0 and 2', () => {
  const bin = join(consumerDir, 'node_modules/.bin/dms-taskflow');
  const help = execFileSync(bin, ['emulator', '--help'], { cwd: consumerDir, encoding: 'utf8' });
  assert.match(help, /^Usage: dms-taskflow emulator \[options\]/);
  assert.match(help, /full \(default\): all 52 operations/);
  let status;
  try {
    execFileSync(bin, ['emulator', '--port', 'x'], { cwd: consumerDir, stdio: 'pipe' });
  } catch (error) {
    status = error.status;
    assert.match(String(error.stderr), /--port: not a port number: x/);
  }
  assert.equal(status, 2);
  assert.match(execFileSync(bin, ['--help'], { cwd: consumerDir, encoding: 'utf8' }), /emulator \[--port N\]/);
});

test('a browser bundle cannot reach the emulator (it is Node only)', () => {
  const dir = join(consumerDir, 'browser-emulator-check');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'entry.mjs'), "import { startEmulator } from 'dms-taskflow/emulator';\nconsole.log(startEmulator);\n");
  const esbuild = join(root, 'node_modules/.bin/esbuild');
  let failed = false;
  try {
    execFileSync(esbuild, [join(dir, 'entry.mjs'), '--bundle', '--platform=browser', '--format=esm', '--log-level=error'], { cwd: consumerDir, stdio: 'pipe' });
  } catch (error) {
    failed = true;
    assert.match(String(error.stderr), /dms-taskflow\/emulator/);
  }
  assert.ok(failed, 'esbuild bundled the emulator for a browser');
  // And the browser entry itself carries none of it.
  const web = execFileSync(process.execPath, ['-e', "process.stdout.write(require('fs').readFileSync(require.resolve('dms-taskflow/package.json').replace('package.json', 'dist/web.mjs'), 'utf8'))"], { cwd: consumerDir, encoding: 'utf8' });
  assert.ok(!web.includes('startEmulator'));
});

test('tsc --strict accepts the emulator API (node16, ESM)', () => {
  const dir = join(consumerDir, 'types-check', 'emulator');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'usage.mts'), `
import { startEmulator, DEFAULT_ACCOUNTS, type Emulator, type EmulatorOptions } from 'dms-taskflow/emulator';
import { DmsClient } from 'dms-taskflow';
const options: EmulatorOptions = { port: 0, model: 'full' };
const emu: Emulator = await startEmulator(options);
const client = new DmsClient({ ...DEFAULT_ACCOUNTS[0], endpoint: emu.url });
await client.stopTaskFlowInstance({ dagId: '1001', dagInstanceId: '5001' });
const status: string | undefined = emu.getInstance('1001', '5001')?.status;
console.log(status, emu.requests.length, emu.model);
await emu.close();
`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'], types: [], skipLibCheck: false },
    files: ['usage.mts'],
  }));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  } catch (error) {
    assert.fail(`tsc reported:\n${error.stdout}${error.stderr}`);
  }
});
