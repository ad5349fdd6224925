#!/usr/bin/env node
// Runs the DMS emulator from the command line, as `npx dms-taskflow emulator [options]` (the
// package's CLI hands its arguments to `runEmulatorCli`) or `node emulator/cli.mjs [options]`.

import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SEED, MODELS, startEmulator } from './index.mjs';
import { LIST_STATUS_CODES } from './state.mjs';
import { flowStatusCode } from './model.mjs';

// The status names of ListTaskFlowInstance's Status numbers, as `dms-taskflow list` and
// waitForInstance print them (index = number): the printout speaks the same words.
const STATUS_NAMES = ['waiting', 'running', 'suspended', 'failed', 'succeeded', 'completed'];
const statusName = (state) => STATUS_NAMES[LIST_STATUS_CODES[state]] ?? state;
// ListTaskFlow's Status numbers, as `dms-taskflow flows` prints them.
const FLOW_STATUS_NAMES = ['invalid', 'scheduling off', 'scheduled'];

const USAGE = `Usage: dms-taskflow emulator [options]     (or: node emulator/cli.mjs [options])

A local DMS Enterprise API emulator (task-flow operations), on 127.0.0.1.

Options:
  --port N             port to listen on (default 0: any free port)
  --seed FILE          JSON file { "instances": [{ "dagId", "dagInstanceId",
                       "status", "dagVersion" }], "taskFlows": [...], ... }
                       (default: the built-in seed; see emulator/README.md)
  --model M            full (default): all 52 operations, on one in-memory model;
                       instances: only the instance operations are implemented,
                       the others answer NotImplementedInEmulator
  --cors               answer CORS preflights and allow any origin
  --path-prefix /x     serve the API at /x (a same-origin proxy path) instead of /
  --lenient-params     accept parameters that the operation does not define
  --quiet              do not log each request
  -h, --help           show this help

Ids in a seed file should be JSON strings: numbers beyond 2^53 lose precision.
Stop with Ctrl-C (SIGINT) or SIGTERM.`;

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { port: 0, seedFile: null, cors: false, pathPrefix: '', strictParams: true, quiet: false, help: false, model: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port': {
        const text = value();
        if (!/^[0-9]+$/.test(text) || Number(text) > 65535) throw new UsageError(`--port: not a port number: ${text}`);
        options.port = Number(text);
        break;
      }
      case '--seed':
        options.seedFile = value();
        break;
      case '--cors':
        options.cors = true;
        break;
      case '--path-prefix':
        options.pathPrefix = value();
        break;
      case '--model': {
        const model = value();
        if (!MODELS.includes(model)) throw new UsageError(`--model: expected ${MODELS.join(' or ')}, not ${model}`);
        options.model = model;
        break;
      }
      case '--lenient-params':
        options.strictParams = false;
        break;
      case '--quiet':
        options.quiet = true;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new UsageError(`unknown option: ${arg}`);
    }
  }
  return options;
}

/** Runs the emulator with command-line arguments `argv` until SIGINT or SIGTERM. */
export async function runEmulatorCli(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`dms emulator: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }

  let seed = DEFAULT_SEED;
  if (options.seedFile) {
    try {
      seed = JSON.parse(readFileSync(options.seedFile, 'utf8'));
    } catch (error) {
      console.error(`dms emulator: cannot read seed ${options.seedFile}: ${error.message}`);
      process.exitCode = 1;
      return;
    }
  }

  let emulator;
  try {
    emulator = await startEmulator({
      port: options.port,
      seed,
      cors: options.cors,
      pathPrefix: options.pathPrefix,
      strictParams: options.strictParams,
      model: options.model,
      log: options.quiet ? null : (line) => console.log(`${new Date().toISOString()} ${line}`),
    });
  } catch (error) {
    console.error(`dms emulator: ${error.message}`);
    process.exitCode = 1;
    return;
  }

  console.log(`DMS emulator listening on ${emulator.url}`);
  console.log('Accounts (test-only credentials):');
  for (const account of emulator.accounts) {
    const sts = account.securityToken ? `  securityToken ${account.securityToken}` : '';
    console.log(`  ${account.accessKeyId}  secret ${account.accessKeySecret}${sts}`);
  }
  console.log('Task-flow instances (dagId / dagInstanceId: status, dagVersion):');
  for (const instance of emulator.listInstances()) {
    console.log(`  ${instance.dagId} / ${instance.dagInstanceId}: ${statusName(instance.status)}, ${instance.dagVersion}`);
  }

  if (emulator.model === 'full') {
    console.log('Task flows (dagId: name, status, current version):');
    for (const flow of emulator.listTaskFlows()) {
      console.log(`  ${flow.dagId}: ${flow.name}, ${FLOW_STATUS_NAMES[flowStatusCode(flow)] ?? flow.status}, ${flow.currentVersion ?? '-'}`);
    }
  }

  const stop = (signal) => {
    console.log(`DMS emulator stopping (${signal})`);
    emulator.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run directly (`node emulator/cli.mjs`), not imported by the package's CLI.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await runEmulatorCli(process.argv.slice(2));
}
