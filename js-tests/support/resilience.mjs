// Helpers for the resilience tests (js-tests/resilience/): process-level trackers, child
// Node processes, and checks on what the emulator saw of each attempt.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { NONCE_RE, TIMESTAMP_RE } from './assertions.mjs';

/** The ES module loader of the packed tarball (written by scripts/pack-for-tests.mjs). */
export const CONSUMER_ESM_LOADER = fileURLToPath(new URL('../../.scratch/consumer/load.mjs', import.meta.url));

/**
 * Records every `unhandledRejection` and `uncaughtException` of this process from now on.
 * `tracker.assertNone()` fails with what was seen. node:test's own handlers still run.
 */
export function trackProcessFailures() {
  const seen = [];
  const onRejection = (reason) => seen.push({ kind: 'unhandledRejection', reason });
  const onException = (error) => seen.push({ kind: 'uncaughtException', reason: error });
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  return {
    seen,
    assertNone() {
      assert.deepEqual(
        seen.map(({ kind, reason }) => `${kind}: ${reason?.code ?? ''} ${reason?.message ?? String(reason)}`),
        [],
        'no unhandled rejection and no uncaught exception',
      );
    },
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtExceptionMonitor', onException);
    },
  };
}

/**
 * Runs `node [execArgv] script [args]` without blocking this process's event loop (an
 * emulator here must keep answering). Resolves `{ code, signal, stdout, stderr, ms }`, `ms`
 * from spawn to exit. `killAfterMs` kills a child that does not exit (then `signal` is set).
 */
export function runNode(script, args = [], { env, execArgv = [], killAfterMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...execArgv, script, ...args], {
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** The last line of a child's stdout, parsed as JSON. */
export function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n').filter(Boolean);
  assert.ok(lines.length > 0, 'the child printed a result');
  return JSON.parse(lines.at(-1));
}

/** Seconds since the epoch of a `YYYY-MM-DDThh:mm:ssZ` timestamp. */
export function timestampSeconds(text) {
  assert.match(text, TIMESTAMP_RE);
  return Date.parse(text) / 1000;
}

/**
 * Checks the records of one call's attempts: each sent a well-formed nonce, all distinct
 * (and none seen before in `allNonces`, which then gets them), and a Timestamp.
 */
export function assertFreshAttempts(records, allNonces) {
  for (const record of records) {
    assert.match(String(record.nonce), NONCE_RE, 'every attempt sends a 128-bit hex nonce');
    assert.match(String(record.timestamp), TIMESTAMP_RE, 'every attempt sends a Timestamp');
  }
  const nonces = records.map((record) => record.nonce);
  assert.equal(new Set(nonces).size, nonces.length, `every attempt has its own nonce: ${nonces.join(', ')}`);
  for (const nonce of nonces) {
    assert.ok(!allNonces.has(nonce), `nonce ${nonce} was already used by an earlier request`);
    allNonces.add(nonce);
  }
}

/** Awaits a promise that must reject; returns the reason. */
export async function rejectionOf(promise, label = 'the call') {
  let value;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  assert.fail(`${label}: expected a rejection, got ${JSON.stringify(value)}`);
}

/** Resolves after `ms` (for letting late timers or sockets show themselves). */
export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every few ms until it holds; fails after `limitMs`. */
export async function until(condition, label = 'condition', limitMs = 10_000) {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for: ${label}`);
    await pause(5);
  }
}
