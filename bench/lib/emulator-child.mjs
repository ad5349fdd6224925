// The DMS emulator in a process of its own (forked by the end-to-end and memory benchmarks),
// so its CPU is not measured inside the client's event loop. Commands over IPC:
//   { id, cmd: 'restart' }               close and start again on the same port: a fresh
//                                        nonce store (it is scanned in full on every request,
//                                        so it must not grow across batches), no instances
//   { id, cmd: 'prepare', dagId, base, count }
//                                        adds instances base..base+count-1 under dagId: even
//                                        offsets running (to stop), odd suspended (to resume,
//                                        DagVersion 1)
//   { id, cmd: 'stats' }                 { requests, ok, codes } since the last stats; resets
//   { id, cmd: 'close' }
// Every answer is { id, ...result } or { id, error }.
import { startEmulator } from '../../emulator/index.mjs';

let emu = await startEmulator({ keepAliveTimeout: 65_000 });
const port = emu.port;

const handlers = {
  async restart() {
    await emu.close();
    emu = await startEmulator({ port, keepAliveTimeout: 65_000 });
    return {};
  },
  prepare({ dagId, base, count }) {
    for (let i = 0; i < count; i++) {
      emu.addInstance({ dagId, dagInstanceId: String(base + i), status: i % 2 === 0 ? 'running' : 'suspended', dagVersion: '1' });
    }
    return {};
  },
  stats() {
    const codes = {};
    let ok = 0;
    for (const record of emu.requests) {
      if (record.success === true) ok++;
      else {
        const code = record.code ?? record.errorCode ?? String(record.status);
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }
    const requests = emu.requests.length;
    emu.resetRequests();
    return { requests, ok, codes };
  },
  async close() {
    await emu.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async (message) => {
  try {
    process.send({ id: message.id, ...(await handlers[message.cmd](message)) });
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, url: emu.url, port });
