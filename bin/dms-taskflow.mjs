#!/usr/bin/env node
// dms-taskflow: the package's command line. Controls DMS Enterprise task-flow instances with
// the credentials of the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, _SECRET, and
// ALIBABA_CLOUD_SECURITY_TOKEN with STS). No dependencies: argv is parsed by hand.
//
// Exit codes: 0 success, 1 a DMS or network error, 2 a usage error, 3 missing credentials,
// 130 interrupted (Ctrl-C).
import { readFileSync } from 'node:fs';
import { DmsClient, DmsError } from '../dist/node.mjs';

const STATUSES = ['waiting', 'running', 'suspended', 'failed', 'succeeded', 'completed'];
const TRIGGERS = ['periodic', 'manual'];
// ListTaskFlow's Status, as the API reference documents it (index = number).
const FLOW_STATUSES = ['invalid', 'scheduling off', 'scheduled'];

const GLOBAL_HELP = `Usage: dms-taskflow [global flags] <command> [arguments]

Control Alibaba Cloud DMS Enterprise task-flow instances.

Commands:
  stop <dagId> <dagInstanceId>                    stop a running or suspended instance
  suspend <dagId> <dagInstanceId>                 suspend a running instance
  resume <dagId> <dagInstanceId> <dagVersion>     resume a suspended instance
  rerun <dagId> <dagInstanceId> [dagVersion]      run a finished instance again
  flows                                           list the task flows
  list <dagId> [--status NAME] [--page N] [--page-size N]
                                                  list a task flow's instances
  wait <dagId> <dagInstanceId> [--until NAME[,NAME]] [--interval MS] [--timeout MS]
                                                  wait until an instance reaches a status
  call <Action> [key=value | key:=json]...        any DMS action, parameters by wire name
  emulator [--port N] [--model full|instances]    run a local DMS emulator on 127.0.0.1, for
                                                  tests and demos (dms-taskflow emulator --help)
  help [command]                                  this text, or a command's

Global flags:
  --endpoint URL   the DMS endpoint (default https://dms-enterprise.aliyuncs.com)
  --region ID      send to https://dms-enterprise.<ID>.aliyuncs.com
  --tid N          the tenant id, sent with every request
  --json           print exactly one JSON document on stdout
  --help, -h       help (also after a command: dms-taskflow stop --help)
  --version        the package version

Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and, with STS
credentials, ALIBABA_CLOUD_SECURITY_TOKEN.

Statuses: ${STATUSES.join(', ')} (completed: finished otherwise, e.g. stopped).
Exit codes: 0 success, 1 DMS or network error, 2 usage error, 3 missing credentials,
130 interrupted.
`;

const COMMANDS = {
  stop: {
    args: ['dagId', 'dagInstanceId'],
    help: `Usage: dms-taskflow stop <dagId> <dagInstanceId>

Stops a running or suspended instance (StopTaskFlowInstance).
  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  suspend: {
    args: ['dagId', 'dagInstanceId'],
    help: `Usage: dms-taskflow suspend <dagId> <dagInstanceId>

Suspends a running instance (SuspendTaskFlowInstance).
  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  resume: {
    args: ['dagId', 'dagInstanceId', 'dagVersion'],
    help: `Usage: dms-taskflow resume <dagId> <dagInstanceId> <dagVersion>

Resumes a suspended instance (ResumeTaskFlowInstance); dagVersion must be the instance's.
  --json prints the result: { "requestId": "...", "success": true }
`,
  },
  rerun: {
    args: ['dagId', 'dagInstanceId'],
    optional: ['dagVersion'],
    help: `Usage: dms-taskflow rerun <dagId> <dagInstanceId> [dagVersion]

Runs a stopped, failed or succeeded instance again (ReRunTaskFlowInstance).
  --json prints the result: { "requestId": "...", "success": true }
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
    help: `Usage: dms-taskflow list <dagId> [--status NAME] [--page N] [--page-size N]

Lists a task flow's instances (ListTaskFlowInstance) as a table, oldest first.
  --status NAME    only instances in that status (${STATUSES.join(', ')})
  --page N         the page, from 1 (default 1)
  --page-size N    instances per page (default 20)
  --json prints the result: { "requestId", "success", "totalCount", "dagInstanceList": [...] }
`,
  },
  wait: {
    args: ['dagId', 'dagInstanceId'],
    flags: { '--until': 'until', '--interval': 'interval', '--timeout': 'timeout' },
    help: `Usage: dms-taskflow wait <dagId> <dagInstanceId> [--until NAME[,NAME]] [--interval MS] [--timeout MS]

Polls the instance until its status is one of --until (client.waitForInstance).
  --until NAMES    comma-separated statuses (${STATUSES.join(', ')});
                   default: failed,succeeded,completed
  --interval MS    between polls (default 5000)
  --timeout MS     give up with code Timeout after this (default 600000)
Progress: one updating line on a terminal, a line per status change otherwise.
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
    if (!token.startsWith('-') || token === '-') {
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

function positiveInteger(name, text) {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function statusName(flag, text) {
  if (!STATUSES.includes(text)) throw new UsageError(`${flag}: unknown status ${JSON.stringify(text)} (one of ${STATUSES.join(', ')})`);
  return text;
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

async function run(client, command, args, flags, globals, signal) {
  const json = Boolean(globals.json);
  const tid = globals.tid;
  const withTid = (params) => (tid === undefined ? params : { ...params, tid });
  const callOptions = { signal };
  const [dagId, dagInstanceId] = args;
  const simple = {
    stop: ['stopTaskFlowInstance', 'Stopped'],
    suspend: ['suspendTaskFlowInstance', 'Suspended'],
    resume: ['resumeTaskFlowInstance', 'Resumed'],
    rerun: ['reRunTaskFlowInstance', 'Re-ran'],
  };
  if (Object.hasOwn(simple, command)) {
    const [method, verb] = simple[command];
    const params = withTid({ dagId, dagInstanceId });
    if (args[2] !== undefined) params.dagVersion = args[2];
    const result = await client[method](params, callOptions);
    if (json) printJson(result);
    else out(`${verb} instance ${dagInstanceId} of task flow ${dagId}${args[2] !== undefined ? ` at version ${args[2]}` : ''}${requestNote(result)}.`);
    return;
  }
  if (command === 'flows') {
    const result = await client.listTaskFlow(withTid({}), callOptions);
    if (json) printJson(result);
    else printFlows(result);
    return;
  }
  if (command === 'list') {
    const page = flags['--page'] === undefined ? 1 : positiveInteger('--page', flags['--page']);
    const pageSize = flags['--page-size'] === undefined ? 20 : positiveInteger('--page-size', flags['--page-size']);
    const params = withTid({ dagId, pageIndex: page, pageSize });
    if (flags['--status'] !== undefined) params.status = STATUSES.indexOf(statusName('--status', flags['--status']));
    const result = await client.listTaskFlowInstance(params, callOptions);
    if (json) printJson(result);
    else printList(dagId, page, result);
    return;
  }
  if (command === 'wait') {
    const options = withTid({ dagId, dagInstanceId, signal });
    if (flags['--until'] !== undefined) options.until = flags['--until'].split(',').map((name) => statusName('--until', name.trim()));
    if (flags['--interval'] !== undefined) options.intervalMs = positiveInteger('--interval', flags['--interval']);
    if (flags['--timeout'] !== undefined) options.timeoutMs = positiveInteger('--timeout', flags['--timeout']);
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
    const [action, ...rest] = args;
    const params = Object.fromEntries(rest.map(wireParam));
    if (tid !== undefined && !('Tid' in params)) params.Tid = tid;
    const result = await client.call(action, params, callOptions);
    printJson(result);
  }
}

// --- main --------------------------------------------------------------------------------

function fail(code, message, exitCode, { json = false, error } = {}) {
  process.stderr.write(`error: ${code}: ${message}\n`);
  if (json) {
    const detail = error instanceof DmsError ? error.toJSON() : { code, message };
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

  const env = process.env;
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) {
    fail('MissingCredentials', 'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN with STS credentials)', 3, { json: globals.json });
    return;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const client = new DmsClient({
      accessKeyId,
      accessKeySecret,
      securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined,
      endpoint: globals.endpoint,
      regionId: globals.region,
    });
    await run(client, command, positionals, flags, globals, controller.signal);
  } catch (error) {
    if (error instanceof UsageError) {
      fail('UsageError', `${error.message} (see dms-taskflow ${command} --help)`, 2, { json: globals.json });
    } else if (error instanceof DmsError) {
      const note = error.requestId ? ` (request ${error.requestId})` : '';
      // Refused before anything was sent (a malformed id, an unknown parameter): a usage error.
      const usageError = (error.code === 'InvalidParameter' || error.code === 'MissingParameter') && error.status === undefined;
      const exitCode = controller.signal.aborted ? 130 : error.code === 'MissingCredentials' ? 3 : usageError ? 2 : 1;
      fail(error.code, `${oneLine(error.message)}${note}`, exitCode, { json: globals.json, error });
    } else {
      fail(error?.name ?? 'Error', oneLine(String(error?.message ?? error)), 1, { json: globals.json });
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
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
