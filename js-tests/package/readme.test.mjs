// The README as a new user meets it: at most 25 KB, and its first example run exactly as
// written, in a project that installed the packed tarball, against `dms-taskflow emulator`
// started from that project's node_modules/.bin. The emulator's printout holds test
// credentials, so it is read here and never printed.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { childEnv } from '../runtimes/fixtures/processes.mjs';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const consumer = fileURLToPath(new URL('../../.scratch/consumer/', import.meta.url));

/** The fenced blocks of `section` (from its heading to the next `## `), as { lang, code }. */
function blocks(heading) {
  const start = README.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has "${heading}"`);
  const end = README.indexOf('\n## ', start + heading.length + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, code]) => ({ lang, code }));
}

test('README.md is at most 25 KB', () => {
  assert.ok(Buffer.byteLength(README) <= 25_000, `${Buffer.byteLength(README)} bytes`);
});

test("the README's first example stops an instance against `npx dms-taskflow emulator`, as written", async (t) => {
  const found = blocks('## First run, against the local emulator');
  const started = found.find((b) => b.lang === 'console' && b.code.includes('dms-taskflow emulator'));
  const exports = found.find((b) => b.lang === 'sh' && b.code.includes('export DMS_ENDPOINT='));
  const script = found.find((b) => b.lang === 'js' && b.code.startsWith('// stop.mjs'));
  assert.ok(started && exports && script, 'the emulator command, the variables and stop.mjs');
  const port = /--port (\d+)/.exec(started.code)?.[1];
  assert.ok(port, 'the emulator command names its port');
  const env = childEnv({});
  for (const [, name, value] of exports.code.matchAll(/^export (\w+)=(\S+)$/gm)) env[name] = value;
  assert.equal(env.DMS_ENDPOINT, `http://127.0.0.1:${port}`);

  // The README's port may be taken on a test machine; the command is the README's otherwise.
  const emulator = spawn(process.execPath, [join(consumer, 'node_modules/.bin/dms-taskflow'), 'emulator', '--port', '0'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => emulator.kill('SIGTERM'));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    emulator.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    emulator.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
  });
  env.DMS_ENDPOINT = url;

  const dir = mkdtempSync(join(consumer, 'readme-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'stop.mjs'), script.code);
  const run = () => new Promise((resolve) => {
    execFile(process.execPath, ['stop.mjs'], { cwd: dir, env, timeout: 20_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
  const first = await run();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^stopped [0-9A-F-]{36}\n$/);
  // "a second run fails with InvalidStatus"
  const second = await run();
  assert.equal(second.code, 1);
  assert.match(second.stderr, /^InvalidStatus: /);
});
