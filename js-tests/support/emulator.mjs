// The local DMS emulator as a per-file fixture: started on a free port, closed after the
// file's tests (so `node --test` exits on its own).
import { after } from 'node:test';
import { createServer } from 'node:net';
import { DEFAULT_ACCOUNTS, DEFAULT_SEED, startEmulator } from '../../emulator/index.mjs';

export { DEFAULT_ACCOUNTS, DEFAULT_SEED, startEmulator };

/** The long-term test key and the STS test key the emulator knows by default. */
export const KEY = DEFAULT_ACCOUNTS[0];
export const STS = DEFAULT_ACCOUNTS[1];

/** Every secret string of the default accounts: none may ever appear in output. */
export const SECRETS = [KEY.accessKeySecret, STS.accessKeySecret, STS.securityToken];

/**
 * Starts an emulator (port 0, 127.0.0.1) and registers its close in an `after` hook of the
 * current scope (the file, or the enclosing `describe`).
 */
export async function emulatorFixture(options = {}) {
  const emu = await startEmulator({ port: 0, ...options });
  after(() => emu.close());
  return emu;
}

/** An http://127.0.0.1:PORT URL nobody listens on (a port bound, then released). */
export async function closedPortUrl() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
