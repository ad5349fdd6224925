#!/usr/bin/env node
// dms-taskflow: the package's command line. Controls DMS Enterprise task-flow instances with
// the credentials the vendor's tools find (the package's default chain: the environment, an
// OIDC role, the aliyun CLI's profile, ~/.alibabacloud/credentials, the ECS RAM role, a
// credentials URI). No dependencies: argv is parsed by hand.
//
// Exit codes: 0 success, 1 a DMS or network error, 2 a usage error, 3 missing credentials,
// 130 interrupted (Ctrl-C).
import { readFileSync } from 'node:fs';
import { DmsClient, DmsError, InstanceStatus } from '../dist/node.mjs';

// ListTaskFlowInstance's Status names, the package's vocabulary (index = number).
const STATUSES = Object.keys(InstanceStatus);
const TRIGGERS = ['periodic', 'manual'];
// ListTaskFlow's Status, as the API reference documents it (index = number).
const FLOW_STATUSES = ['invalid', 'scheduling off', 'scheduled'];
const STATUS_LIST = STATUSES.map((name, number) => `${name} (${number})`).join(', ');

const INT64_MAX = (1n << 63n) - 1n;
const MAX_TIMER_MS = 2_147_483_647; // setTimeout's limit, which waitForInstance keeps
const MIN_INTERVAL_MS = 10; // waitForInstance's floor

const GLOBAL_HELP = `Usage: dms-taskflow [global flags] <command> [arguments]

Control Alibaba Cloud DMS Enterprise task-flow instances.

Commands:
  stop <dagId> <dagInstanceId>                    stop a running or suspended instance
  suspend <dagId> <dagInstanceId>                 suspend a running instance
  resume <dagId> <dagInstanceId> <dagVersion>     resume a suspended instance
  rerun <dagId> <dagInstanceId> [dagVersion]      run a finished instance again
  flows                                           list the task flows
  list <dagId> [--status STATUS] [--page N] [--page-size N]
                                                  list a task flow's instances
  wait <dagId> <dagInstanceId> [--until STATUS[,STATUS]] [--interval MS] [--timeout MS]
                                                  wait until an instance reaches a status
  call <Action> [key=value | key:=json]...        any DMS action, parameters by wire name
  emulator [--port N] [--model full|instances]    run a local DMS emulator on 127.0.0.1, for
                                                  tests and demos (dms-taskflow emulator --help)
  help [command]                                  this text, or a command's

Ids (dagId, dagInstanceId, --tid) are whole numbers such as 1001, up to 9223372036854775807.

Global flags:
  --endpoint URL   the DMS endpoint (default https://dms-enterprise.aliyuncs.com)
  --region ID      send to https://dms-enterprise.<ID>.aliyuncs.com
  --tid N          the tenant id, sent with every request
  --json           print exactly one JSON document on stdout
  --help, -h       help (also after a command: dms-taskflow stop --help)
  --version        the package version

Credentials: wherever the aliyun CLI finds them, in this order: ALIBABA_CLOUD_ACCESS_KEY_ID,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN); an OIDC role
  (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE);
  ~/.aliyun/config.json (ALIBABA_CLOUD_PROFILE, else its current profile);
  ~/.alibabacloud/credentials; the ECS RAM role; ALIBABA_CLOUD_CREDENTIALS_URI.

Environment:
  DMS_ENDPOINT     the endpoint when neither --endpoint nor --region is given
  ALIBABA_CLOUD_REGION_ID
                   the region when none of --endpoint, --region, DMS_ENDPOINT is given

Statuses: ${STATUS_LIST}.
  --status and --until take a name or its number; a stopped instance reports completed.
Exit codes: 0 success, 1 DMS or network error, 2 usage error, 3 missing credentials,
130 interrupted.
`;

const IDS_HELP = '  dagId, dagInstanceId  ids: whole numbers such as 1001 (from the flows and list commands)\n';

const COMMANDS = {
  stop: {
    args: ['dagId', 'dagInstanceId'],
    help: `Usage: dms-taskflow stop <dagId> <dagInstanceId>

Stops a running or suspended instance (StopTaskFlowInstance).
${IDS_HELP}  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  suspend: {
    args: ['dagId', 'dagInstanceId'],
    help: `Usage: dms-taskflow suspend <dagId> <dagInstanceId>

Suspends a running instance (SuspendTaskFlowInstance).
${IDS_HELP}  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  resume: {
    args: ['dagId', 'dagInstanceId', 'dagVersion'],
    help: `Usage: dms-taskflow resume <dagId> <dagInstanceId> <dagVersion>

Resumes a suspended instance (ResumeTaskFlowInstance); dagVersion must be the instance's.
${IDS_HELP}  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  rerun: {
    args: ['dagId', 'dagInstanceId'],
    optional: ['dagVersion'],
    help: `Usage: dms-taskflow rerun <dagId> <dagInstanceId> [dagVersion]

Runs a stopped, failed or succeeded instance again (ReRunTaskFlowInstance).
${IDS_HELP}  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  flows: {
    args: [],
    help: `Usage: dms-taskflow flows

Lists the task flows (ListTaskFlow) as a table: id, status (${FLOW_STATUSES.join(', ')}),
owner, and the status and start of the latest run.
  --json prints the result: { "requestId", "success", "taskFlowList": [...] }
`,
  },
  list: {
    args: ['dagId'],
    flags: { '--status': 'status', '--page': 'page', '--page-size': 'pageSize' },
    help: `Usage: dms-taskflow list <dagId> [--status STATUS] [--page N] [--page-size N]

Lists a task flow's instances (ListTaskFlowInstance) as a table, oldest first, with
their status by name.
  --status STATUS  only instances in that status, a name or its number:
                   ${STATUS_LIST}
  --page N         the page, from 1 (default 1)
  --page-size N    instances per page, from 1 (default 20)
  --json prints the result: { "requestId", "success", "totalCount", "dagInstanceList": [...] }
`,
  },
  wait: {
    args: ['dagId', 'dagInstanceId'],
    flags: { '--until': 'until', '--interval': 'interval', '--timeout': 'timeout' },
    help: `Usage: dms-taskflow wait <dagId> <dagInstanceId> [--until STATUS[,STATUS]] [--interval MS] [--timeout MS]

Polls the instance until its status is one of --until (client.waitForInstance).
  --until STATUS[,STATUS]
                   the statuses to stop at, names or numbers:
                   ${STATUS_LIST};
                   default: failed,succeeded,completed (a stopped instance reports completed)
  --interval MS    milliseconds between polls, ${MIN_INTERVAL_MS} to ${MAX_TIMER_MS} (default 5000)
  --timeout MS     give up with code Timeout after this many milliseconds, 1 to ${MAX_TIMER_MS}
                   (default 600000)
Progress: one updating line on a terminal, a line per status change otherwise; none with --json.
  --json prints the result: { "status", "statusCode", "polls", "elapsedMs", "instance" }
`,
  },
  call: {
    args: ['Action'],
    rest: true,
    help: `Usage: dms-taskflow call <Action> [key=value | key:=json]...

Sends any DMS action; parameters take their wire names (DagId, DagInstanceId, ...).
  key=value        a string value
  key:=json        a JSON value (a number, true/false, an array or object)
Example: dms-taskflow call ListTaskFlowInstance DagId=1001 PageIndex=1 PageSize:=20
Prints the result (camelCase names, ids as strings) as JSON.
`,
  },
};

const GLOBAL_VALUE_FLAGS = { '--endpoint': 'endpoint', '--region': 'region', '--tid': 'tid' };
const GLOBAL_BOOLEAN_FLAGS = { '--json': 'json', '--help': 'help', '-h': 'help', '--version': 'version' };
const COMMAND_VALUE_FLAGS = Object.fromEntries(
  Object.entries(COMMANDS).flatMap(([command, spec]) => Object.keys(spec.flags ?? {}).map((flag) => [flag, command])),
);

class UsageError extends Error {}

/** argv → { command, positionals, flags, globals }; throws UsageError. */
function parseArgs(argv) {
  const globals = {};
  const flags = {};
  const seenFlags = [];
  const positionals = [];
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // `-1` is a (malformed) id, not a flag: let the id check say so.
    if (!token.startsWith('-') || token === '-' || /^-[0-9.]/.test(token)) {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token;
    const inline = token.startsWith('--') && eq > 0 ? token.slice(eq + 1) : undefined;
    if (name in GLOBAL_BOOLEAN_FLAGS) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      globals[GLOBAL_BOOLEAN_FLAGS[name]] = true;
      continue;
    }
    const isGlobal = name in GLOBAL_VALUE_FLAGS;
    if (!isGlobal && !(name in COMMAND_VALUE_FLAGS)) throw new UsageError(`unknown flag ${name}`);
    let value = inline;
    if (value === undefined) {
      // `--interval --json`: a forgotten value, not the value "--json" (write --flag=--x for that).
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${name} needs a value`);
      value = argv[(i += 1)];
    }
    if (isGlobal) globals[GLOBAL_VALUE_FLAGS[name]] = value;
    else {
      flags[name] = value;
      seenFlags.push(name);
    }
  }
  let command = positionals.shift();
  let helpFor;
  if (command === 'help') {
    helpFor = positionals.shift();
    if (positionals.length > 0) throw new UsageError(`help takes at most one command, got ${positionals.length + 1}`);
    if (helpFor !== undefined && !Object.hasOwn(COMMANDS, helpFor)) throw new UsageError(`unknown command ${JSON.stringify(helpFor)}`);
    return { globals: { ...globals, help: true }, command: helpFor, positionals: [], flags: {} };
  }
  if (command !== undefined && !Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  for (const flag of seenFlags) {
    if (COMMAND_VALUE_FLAGS[flag] !== command) {
      throw new UsageError(command === undefined ? `${flag} needs a command (${COMMAND_VALUE_FLAGS[flag]})` : `unknown flag ${flag} for ${command}`);
    }
  }
  return { globals, command, positionals, flags };
}

/** An id typed by the user → its canonical decimal string (what the library sends). */
function idArgument(name, text, example = '1001') {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`${name} must be a whole number such as ${example}; got ${JSON.stringify(text)}`);
  const id = BigInt(text);
  if (id > INT64_MAX) throw new UsageError(`${name} must be a whole number up to ${INT64_MAX}; got ${JSON.stringify(text)}`);
  return id.toString();
}

function wholeNumberFlag(flag, text, { min, max, unit = '' }) {
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${flag} must be a whole number${unit} from ${min} to ${max}; got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A status name or its number (0-5) → its number. */
function statusArgument(flag, text) {
  const word = text.trim().toLowerCase();
  const number = /^[0-9]+$/.test(word) ? Number(word) : STATUSES.indexOf(word);
  if (number >= 0 && number < STATUSES.length) return number;
  const hint = word === 'stopped' ? '; a stopped instance reports completed' : '';
  throw new UsageError(`${flag}: unknown status ${JSON.stringify(text)}; use a name or its number: ${STATUS_LIST}${hint}`);
}

/**
 * The command's arguments and flags, checked and converted before anything is sent (and
 * before credentials are looked at): a malformed one is a usage error naming what was typed.
 */
function readInput(command, positionals, flags, globals) {
  const input = {};
  if (globals.tid !== undefined) input.tid = idArgument('--tid', globals.tid, '3');
  if (command === 'flows') return input;
  if (command === 'call') {
    input.action = positionals[0];
    input.params = Object.fromEntries(positionals.slice(1).map(wireParam));
    return input;
  }
  input.dagId = idArgument('dagId', positionals[0]);
  if (positionals.length > 1) input.dagInstanceId = idArgument('dagInstanceId', positionals[1], '5001');
  if (positionals.length > 2) {
    if (positionals[2].trim() === '') throw new UsageError('dagVersion must not be empty');
    input.dagVersion = positionals[2];
  }
  if (command === 'list') {
    input.page = flags['--page'] === undefined ? 1 : wholeNumberFlag('--page', flags['--page'], { min: 1, max: Number.MAX_SAFE_INTEGER });
    input.pageSize = flags['--page-size'] === undefined ? 20 : wholeNumberFlag('--page-size', flags['--page-size'], { min: 1, max: Number.MAX_SAFE_INTEGER });
    if (flags['--status'] !== undefined) input.status = statusArgument('--status', flags['--status']);
  }
  if (command === 'wait') {
    if (flags['--until'] !== undefined) input.until = flags['--until'].split(',').map((text) => STATUSES[statusArgument('--until', text)]);
    if (flags['--interval'] !== undefined) {
      input.intervalMs = wholeNumberFlag('--interval', flags['--interval'], { min: MIN_INTERVAL_MS, max: MAX_TIMER_MS, unit: ' of milliseconds' });
    }
    if (flags['--timeout'] !== undefined) {
      input.timeoutMs = wholeNumberFlag('--timeout', flags['--timeout'], { min: 1, max: MAX_TIMER_MS, unit: ' of milliseconds' });
    }
  }
  return input;
}

/**
 * Where to send: flags first, then the environment; within each, an endpoint wins over a
 * region (as in the library). `names` says where each client option came from, for errors.
 */
function connectionOptions(globals, env) {
  for (const [flag, option, value] of [['--endpoint', 'endpoint', globals.endpoint], ['--region', 'regionId', globals.region]]) {
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`${flag} needs a value`);
    return { options: { [option]: value }, names: { [option]: flag } };
  }
  if (env.DMS_ENDPOINT) return { options: { endpoint: env.DMS_ENDPOINT }, names: { endpoint: 'DMS_ENDPOINT' } };
  if (env.ALIBABA_CLOUD_REGION_ID) return { options: { regionId: env.ALIBABA_CLOUD_REGION_ID }, names: { regionId: 'ALIBABA_CLOUD_REGION_ID' } };
  return { options: {}, names: {} };
}

/** `key=value` (a string) or `key:=json` (parsed) → [key, value]. */
function wireParam(token) {
  const eq = token.indexOf('=');
  if (eq <= 0) throw new UsageError(`parameters are key=value or key:=json, got ${JSON.stringify(token)}`);
  const json = token[eq - 1] === ':';
  const key = token.slice(0, json ? eq - 1 : eq);
  if (key === '') throw new UsageError(`a parameter without a name: ${JSON.stringify(token)}`);
  const text = token.slice(eq + 1);
  if (!json) return [key, text];
  try {
    return [key, JSON.parse(text)];
  } catch (error) {
    throw new UsageError(`${key}:= takes JSON: ${error.message}`);
  }
}

// --- output ------------------------------------------------------------------------

const out = (text) => process.stdout.write(`${text}\n`);
const printJson = (value) => out(JSON.stringify(value, null, 2));
const requestNote = (result) => (result?.requestId ? ` (request ${result.requestId})` : '');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ').trimEnd()).join('\n');
}

function printFlows(result) {
  const list = result.taskFlowList ?? [];
  if (list.length === 0) {
    out('No task flows.');
    return;
  }
  const cell = (value) => (value === undefined || value === null || value === '' ? '-' : String(value));
  const rows = [['TASK FLOW', 'STATUS', 'OWNER', 'LATEST RUN', 'STARTED']];
  for (const flow of list) {
    // A latest status of 0 with no time: the flow has not run.
    const ran = flow.latestInstanceTime || flow.latestInstanceStatus;
    rows.push([
      cell(flow.id),
      cell(FLOW_STATUSES[flow.status] ?? flow.status),
      cell(flow.dagOwnerNickName),
      ran ? cell(STATUSES[flow.latestInstanceStatus] ?? flow.latestInstanceStatus) : '-',
      cell(flow.latestInstanceTime),
    ]);
  }
  out(table(rows));
  out(`\n${list.length} task flow${list.length === 1 ? '' : 's'}.`);
}

function printList(dagId, page, result) {
  const list = result.dagInstanceList ?? [];
  if (list.length === 0) {
    out(`No instances of task flow ${dagId} on page ${page}${result.totalCount ? ` (${result.totalCount} in all)` : ''}.`);
    return;
  }
  const cell = (value) => (value === undefined || value === null || value === '' ? '-' : String(value));
  const rows = [['INSTANCE', 'STATUS', 'VERSION', 'TRIGGER', 'STARTED', 'ENDED', 'BUSINESS TIME']];
  for (const instance of list) {
    rows.push([
      cell(instance.id),
      cell(STATUSES[instance.status] ?? instance.status),
      cell(instance.dagVersion),
      cell(TRIGGERS[instance.triggerType] ?? instance.triggerType),
      cell(instance.startTime),
      cell(instance.endTime),
      cell(instance.businessTime),
    ]);
  }
  out(table(rows));
  const total = result.totalCount ?? list.length;
  out(`\n${list.length} of ${total} instance${total === 1 ? '' : 's'} of task flow ${dagId} (page ${page}).`);
}

// --- commands ------------------------------------------------------------------------

async function run(client, command, input, json, signal) {
  const { tid, dagId, dagInstanceId, dagVersion } = input;
  const withTid = (params) => (tid === undefined ? params : { ...params, tid });
  const callOptions = { signal };
  const simple = {
    stop: ['stopTaskFlowInstance', 'Stopped'],
    suspend: ['suspendTaskFlowInstance', 'Suspended'],
    resume: ['resumeTaskFlowInstance', 'Resumed'],
    rerun: ['reRunTaskFlowInstance', 'Re-ran'],
  };
  if (Object.hasOwn(simple, command)) {
    const [method, verb] = simple[command];
    const params = withTid({ dagId, dagInstanceId });
    if (dagVersion !== undefined) params.dagVersion = dagVersion;
    const result = await client[method](params, callOptions);
    if (json) printJson(result);
    else out(`${verb} instance ${dagInstanceId} of task flow ${dagId}${dagVersion !== undefined ? ` at version ${dagVersion}` : ''}${requestNote(result)}.`);
    return;
  }
  if (command === 'flows') {
    const result = await client.listTaskFlow(withTid({}), callOptions);
    if (json) printJson(result);
    else printFlows(result);
    return;
  }
  if (command === 'list') {
    const params = withTid({ dagId, pageIndex: input.page, pageSize: input.pageSize });
    if (input.status !== undefined) params.status = input.status;
    const result = await client.listTaskFlowInstance(params, callOptions);
    if (json) printJson(result);
    else printList(dagId, input.page, result);
    return;
  }
  if (command === 'wait') {
    const options = withTid({ dagId, dagInstanceId, signal });
    for (const name of ['until', 'intervalMs', 'timeoutMs']) if (input[name] !== undefined) options[name] = input[name];
    const tty = !json && Boolean(process.stdout.isTTY);
    let lastStatus;
    let lineOpen = false;
    if (!json) {
      options.onProgress = ({ status, polls, elapsedMs }) => {
        const text = `instance ${dagInstanceId}: ${status} (poll ${polls}, ${seconds(elapsedMs)})`;
        if (tty) {
          process.stdout.write(`\r\x1b[2K${text}`);
          lineOpen = true;
        } else if (status !== lastStatus) {
          out(text);
        }
        lastStatus = status;
      };
    }
    try {
      const result = await client.waitForInstance(options);
      if (lineOpen) process.stdout.write('\n');
      if (json) printJson(result);
      else out(`Instance ${dagInstanceId} of task flow ${dagId} reached ${result.status} after ${result.polls} poll${result.polls === 1 ? '' : 's'} (${seconds(result.elapsedMs)}).`);
    } catch (error) {
      if (lineOpen) process.stdout.write('\n');
      throw error;
    }
    return;
  }
  if (command === 'call') {
    const params = { ...input.params };
    if (tid !== undefined && !('Tid' in params)) params.Tid = tid;
    const result = await client.call(input.action, params, callOptions);
    printJson(result);
  }
}

// --- main --------------------------------------------------------------------------------

/** `detail`: the JSON error's fields over the DmsError's (a reworded message). */
function fail(code, message, exitCode, { json = false, error, detail: override } = {}) {
  process.stderr.write(`error: ${code}: ${message}\n`);
  if (json) {
    const detail = error instanceof DmsError ? { ...error.toJSON(), ...override } : { code, message };
    out(JSON.stringify({ error: detail }, null, 2));
  }
  process.exitCode = exitCode;
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail('UsageError', `${error.message} (see dms-taskflow --help)`, 2, { json: argv.includes('--json') });
    return;
  }
  const { globals, command, positionals, flags } = parsed;
  if (globals.version) {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    out(globals.json ? JSON.stringify({ version }) : version);
    return;
  }
  if (globals.help) {
    process.stdout.write(command === undefined ? GLOBAL_HELP : COMMANDS[command].help);
    return;
  }
  if (command === undefined) {
    fail('UsageError', 'a command is required (see dms-taskflow --help)', 2, { json: globals.json });
    return;
  }
  const spec = COMMANDS[command];
  const usage = `usage: dms-taskflow ${spec.help.split('\n')[0].replace(/^Usage: dms-taskflow /, '')}`;
  if (positionals.length < spec.args.length) {
    const missing = spec.args.slice(positionals.length).join(', ');
    fail('UsageError', `${command}: missing ${missing} (${usage})`, 2, { json: globals.json });
    return;
  }
  const max = spec.rest ? Infinity : spec.args.length + (spec.optional?.length ?? 0);
  if (positionals.length > max) {
    fail('UsageError', `${command}: too many arguments (${usage})`, 2, { json: globals.json });
    return;
  }

  let input;
  let connection;
  try {
    input = readInput(command, positionals, flags, globals);
    connection = connectionOptions(globals, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail('UsageError', `${error.message} (see dms-taskflow ${command} --help)`, 2, { json: globals.json });
    return;
  }

  let client;
  try {
    // No credentials given: the client looks them up with the default chain, at the first request.
    client = new DmsClient(connection.options);
  } catch (error) {
    if (!(error instanceof DmsError)) throw error;
    // The library names its options; the user set a flag or a variable.
    fail('UsageError', withOptionNames(error.message, connection.names), 2, { json: globals.json });
    return;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    await run(client, command, input, Boolean(globals.json), controller.signal);
  } catch (error) {
    if (error instanceof DmsError) {
      const note = error.requestId ? ` (request ${error.requestId})` : '';
      // Refused before anything was sent (a malformed `call` parameter): a usage error.
      const usageError = (error.code === 'InvalidParameter' || error.code === 'MissingParameter') && error.status === undefined;
      const exitCode = controller.signal.aborted ? 130 : error.code === 'MissingCredentials' ? 3 : usageError ? 2 : 1;
      const message = usageError ? forCommandLine(error.message) : error.message;
      fail(error.code, `${oneLine(message)}${note}`, exitCode, { json: globals.json, error, detail: { message } });
    } else {
      fail(error?.name ?? 'Error', oneLine(String(error?.message ?? error)), 1, { json: globals.json });
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A client-option error with each option named as the user set it (`regionId` → `--region`). */
function withOptionNames(message, names) {
  const text = message.replace(/^\w+/, (word) => names[word] ?? word);
  // A --region flag wins over DMS_ENDPOINT, so only --endpoint helps then.
  const instead = names.regionId === '--region' ? '(or give --endpoint URL)' : '(or set DMS_ENDPOINT or give --endpoint URL)';
  return oneLine(text.replace('(or pass endpoint)', instead));
}

/**
 * The library states its rules for JS callers (bigints, safe-integer numbers); `call` users
 * type text and JSON, so those parts are reworded.
 */
function forCommandLine(message) {
  return message
    .replace(', as a safe-integer number, a bigint or a decimal string', '')
    .replace(/a number beyond 2\^53-1, which JS cannot hold exactly \(pass a bigint or a decimal string\)/, 'a JSON number beyond 2^53-1, which loses digits (write key=value instead)');
}

function oneLine(text) {
  return text.replace(/\s*\n\s*/g, ' ');
}

// `emulator` runs the package's DMS emulator with its own options (emulator/cli.mjs).
if (process.argv[2] === 'emulator') {
  const { runEmulatorCli } = await import('../emulator/cli.mjs');
  await runEmulatorCli(process.argv.slice(3));
} else {
  await main(process.argv.slice(2));
}
