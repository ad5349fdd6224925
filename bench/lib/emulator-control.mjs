// Starts bench/lib/emulator-child.mjs and talks to it.
import { fork } from 'node:child_process';

export async function startEmulatorProcess() {
  const child = fork(new URL('./emulator-child.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator process exited (${code}) before it was ready`)));
    child.on('message', (message) => {
      if (message.ready) resolve(message);
      else {
        const { resolve: done, reject: fail } = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) fail(new Error(message.error));
        else done(message);
      }
    });
  });
  const { url } = await ready;
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    });
  return {
    url,
    pid: child.pid,
    restart: () => call('restart'),
    prepare: (dagId, base, count) => call('prepare', { dagId, base, count }),
    stats: () => call('stats'),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('close').catch(() => {});
      await exited;
    },
  };
}
