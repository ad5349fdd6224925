// The `dms-taskflow` command line, run as a user runs it: the `bin` of the packed tarball
// installed in .scratch/consumer/, a child process with the credentials in its environment,
// against an emulator (model 'full') started here. Also runs the end-to-end example
// (js-tests/runtimes/fixtures/wait-example.mjs) and checks the README's command-line section.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { KEY, SECRETS, STS, closedPortUrl, emulatorFixture } from './support/emulator.mjs';
import { assertNoSecrets } from './support/assertions.mjs';
import { REQUEST_ID } from './support/emulator-requests.mjs';
import { childEnv } from './runtimes/fixtures/processes.mjs';
import { stageInConsumer } from './runtimes/fixtures/stage.mjs';

const consumer = fileURLToPath(new URL('../.scratch/consumer/', import.meta.url));
const BIN = join(consumer, 'node_modules/.bin/dms-taskflow');
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const emu = await emulatorFixture({ model: 'full' });
const CREDENTIALS = { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret };
const COMMANDS = ['stop', 'suspend', 'resume', 'rerun', 'list', 'wait', 'call'];
const STATUS_NAMES = ['waiting', 'running', 'suspended', 'failed', 'succeeded', 'completed'];
// What a CLI user never typed: words of the JS API.
const JS_WORDING = /bigint|safe-integer|intervalMs|timeoutMs|pageIndex|pageSize|an array|an object/;
// Variables the CLI reads besides the credentials; the tests set them explicitly.
const CONNECTION_VARIABLES = ['DMS_ENDPOINT', 'ALIBABA_CLOUD_REGION_ID'];

const LOCAL_ONLY_FETCH = new URL('./support/local-only-fetch.mjs', import.meta.url).href;
const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'dms-taskflow-cli-home-'));
after(() => rmSync(EMPTY_HOME, { recursive: true, force: true }));

/**
 * The test process's environment without credentials or connection variables, plus `extra`;
 * the CLI's fetch refuses anything but 127.0.0.1 (a CLI that lost track of its endpoint must
 * not reach the real one).
 */
function cleanEnv(extra = {}) {
  const env = childEnv();
  for (const name of Object.keys(env)) if (name.startsWith('ALIBABA_CLOUD_') || CONNECTION_VARIABLES.includes(name)) delete env[name];
  // An empty home (no ~/.aliyun, no ~/.alibabacloud) and no ECS metadata service: the
  // credentials chain finds only what a test gives it.
  return { ...env, HOME: EMPTY_HOME, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', NODE_OPTIONS: `--import=${LOCAL_ONLY_FETCH}`, ...extra };
}

/**
 * Runs the CLI; resolves { code, stdout, stderr }. `env` replaces the credentials (pass {} for
 * none) and may set DMS_ENDPOINT or ALIBABA_CLOUD_REGION_ID; `endpoint: false` leaves out
 * `--endpoint <the emulator>`. Every output is checked for the test secrets.
 */
function cli(args, { env = CREDENTIALS, endpoint = true, timeoutMs = 30_000 } = {}) {
  const argv = endpoint ? [...args, '--endpoint', emu.url] : args;
  return new Promise((resolve) => {
    execFile(BIN, argv, { env: cleanEnv(env), timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      assertNoSecrets(stdout, SECRETS, `stdout of dms-taskflow ${args.join(' ')}`);
      assertNoSecrets(stderr, SECRETS, `stderr of dms-taskflow ${args.join(' ')}`);
      resolve({ code, stdout, stderr });
    });
  });
}

let nextInstanceId = 820000;
function freshInstance(status, { dagId = '1001', dagVersion = '3' } = {}) {
  const dagInstanceId = String(nextInstanceId++);
  emu.addInstance({ dagId, dagInstanceId, status, dagVersion });
  return { dagId, dagInstanceId, dagVersion };
}

const lastRequest = () => emu.requests.at(-1);

/**
 * Moves the instance to `status` shortly after the emulator got the first poll for it, so the
 * CLI sees the old status first however long the child takes to start.
 */
async function advanceAfterFirstPoll(dagId, dagInstanceId, status) {
  const from = emu.requestCount;
  const deadline = Date.now() + 20_000;
  while (!emu.requests.slice(from).some((r) => r.action === 'ListTaskFlowInstance' && r.params.DagId === dagId)) {
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  emu.advanceInstance(dagId, dagInstanceId, status);
}

// Ways to run the CLI under a pseudo-terminal (process.stdout.isTTY true in the child).
// Python's pty module is on every machine with python3; util-linux `script` often is too.
const PTY_SPAWN = 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';
const shellQuote = (word) => `'${word.replaceAll("'", `'\\''`)}'`;
const TERMINALS = {
  'script(1)': { available: commandWorks('script', ['--version']), argv: (command) => ['script', ['-qec', command.map(shellQuote).join(' '), '/dev/null']] },
  'python3 pty': { available: commandWorks('python3', ['-c', 'import pty']), argv: (command) => ['python3', ['-c', PTY_SPAWN, ...command]] },
};
const anyTerminal = Object.values(TERMINALS).find((terminal) => terminal.available);

function commandWorks(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the CLI with `args` on a pseudo-terminal; resolves { code, output } (stdout and stderr, as the terminal shows them). */
function inTerminal(terminal, args) {
  const [command, argv] = terminal.argv([BIN, ...args]);
  return new Promise((resolve) => {
    execFile(command, argv, { env: cleanEnv(CREDENTIALS), timeout: 30_000, encoding: 'utf8' }, (error, output) => {
      assertNoSecrets(output, SECRETS, 'terminal output');
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output });
    });
  });
}

before(() => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run node scripts/pack-for-tests.mjs`);
});

describe('instance commands', () => {
  test('stop', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const { code, stdout, stderr } = await cli(['stop', dagId, dagInstanceId]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const match = stdout.match(new RegExp(`^Stopped instance ${dagInstanceId} of task flow ${dagId} \\(request (\\S+)\\)\\.\\n$`));
    assert.ok(match, stdout);
    assert.match(match[1], REQUEST_ID);
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');
  });

  test('suspend, resume, rerun', async () => {
    const { dagId, dagInstanceId, dagVersion } = freshInstance('running');
    let run = await cli(['suspend', dagId, dagInstanceId]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Suspended instance ${dagInstanceId} of task flow ${dagId} \\(request [0-9A-F-]{36}\\)\\.\\n$`));
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'suspended');

    run = await cli(['resume', dagId, dagInstanceId, dagVersion]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Resumed instance ${dagInstanceId} of task flow ${dagId} at version 3 \\(request [0-9A-F-]{36}\\)\\.\\n$`));
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'running');

    emu.advanceInstance(dagId, dagInstanceId, 'failed');
    run = await cli(['rerun', dagId, dagInstanceId]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Re-ran instance ${dagInstanceId} of task flow ${dagId} \\(request [0-9A-F-]{36}\\)\\.\\n$`));
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'running');
    assert.equal(lastRequest().params.DagVersion, undefined);

    emu.advanceInstance(dagId, dagInstanceId, 'succeeded');
    run = await cli(['rerun', dagId, dagInstanceId, dagVersion, '--tid', '3']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(lastRequest().params.DagVersion, '3');
    assert.equal(lastRequest().params.Tid, '3');
  });

  test('--json prints exactly one JSON document', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const { code, stdout, stderr } = await cli(['--json', 'stop', dagId, dagInstanceId]);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.success, true);
    assert.match(result.requestId, REQUEST_ID);
    assert.deepEqual(Object.keys(result).sort(), ['requestId', 'success']);
  });

  test('ids beyond 2^53 go through unrounded', async () => {
    const { code, stdout, stderr } = await cli(['stop', '9007199254740995', '9007199254740993']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Stopped instance 9007199254740993 of task flow 9007199254740995 /);
    assert.equal(lastRequest().params.DagInstanceId, '9007199254740993');
    assert.equal(emu.getInstance('9007199254740995', '9007199254740993').status, 'stopped');
  });

  test('a business failure (resume a running instance) exits 1 with its code and request id', async () => {
    const { dagId, dagInstanceId, dagVersion } = freshInstance('running');
    const { code, stdout, stderr } = await cli(['resume', dagId, dagInstanceId, dagVersion]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^error: InvalidStatus: .+ \(request [0-9A-F-]{36}\)\n$/);
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'running');

    const json = await cli(['resume', dagId, dagInstanceId, dagVersion, '--json']);
    assert.equal(json.code, 1);
    assert.match(json.stderr, /^error: InvalidStatus: /);
    const { error } = JSON.parse(json.stdout);
    assert.equal(error.code, 'InvalidStatus');
    assert.match(error.requestId, REQUEST_ID);
  });

  test('a network failure exits 1', async () => {
    const { code, stderr } = await cli(['stop', '1001', '5001', '--endpoint', 'http://127.0.0.1:1'], { endpoint: false });
    assert.equal(code, 1);
    assert.match(stderr, /^error: NetworkError: /);
    assert.equal(stderr.trimEnd().split('\n').length, 1, 'one line');
  });
});

describe('flows', () => {
  test('an aligned table of the task flows, and --json', async () => {
    const { code, stdout, stderr } = await cli(['flows']);
    assert.equal(code, 0, stderr);
    assert.equal(lastRequest().action, 'ListTaskFlow');
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TASK FLOW\s+STATUS\s+OWNER\s+LATEST RUN\s+STARTED$/);
    const statusColumn = lines[0].indexOf('STATUS');
    const row = (id) => lines.find((line) => line.startsWith(`${id} `));
    // The seed: 1001 deployed with scheduling on; 1002 with it off, its last run started
    // 2024-06-03 01:00:00 and still running (ListTaskFlow Status 2 and 1).
    const flows = emu.listTaskFlows();
    assert.ok(row('1001') && row('1002'), stdout);
    assert.equal(row('1001').indexOf('scheduled'), statusColumn);
    assert.equal(row('1002').indexOf('scheduling off'), statusColumn);
    assert.ok(row('1002').includes('running') && row('1002').includes('2024-06-03 01:00:00'), row('1002'));
    assert.ok(row('9007199254740995'), 'a task flow id beyond 2^53 is printed exactly');
    assert.equal(lines.at(-1), `${flows.length} task flows.`);

    const json = await cli(['flows', '--json', '--tid', '3']);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout);
    assert.equal(result.success, true);
    assert.deepEqual(result.taskFlowList.map((flow) => flow.id).sort(), flows.map((flow) => flow.dagId).sort());
    assert.equal(lastRequest().params.Tid, '3');

    const extra = await cli(['flows', '1001']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /flows: too many arguments/);
  });
});

describe('list', () => {
  test('an aligned table', async () => {
    const { code, stdout, stderr } = await cli(['list', '1002']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], /^INSTANCE\s+STATUS\s+VERSION\s+TRIGGER\s+STARTED\s+ENDED\s+BUSINESS TIME$/);
    const statusColumn = lines[0].indexOf('STATUS');
    const row = (id) => lines.find((line) => line.startsWith(`${id} `));
    assert.equal(row('5101').indexOf('succeeded'), statusColumn);
    assert.equal(row('5102').indexOf('running'), statusColumn);
    assert.ok(row('5101').includes('2024-06-02 01:00:00'));
    assert.equal(lines.at(-1), '2 of 2 instances of task flow 1002 (page 1).');
  });

  test('--status, --page, --page-size, --json', async () => {
    let run = await cli(['list', '1001', '--status', 'suspended', '--page-size', '50', '--page', '1', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.success, true);
    assert.ok(result.dagInstanceList.length >= 1);
    assert.ok(result.dagInstanceList.every((i) => i.status === 2 && typeof i.id === 'string'));
    assert.equal(typeof result.totalCount, 'number');
    const sent = lastRequest().params;
    assert.deepEqual([sent.Status, sent.PageIndex, sent.PageSize], ['2', '1', '50']);

    run = await cli(['list', '1001', '--page=999']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^No instances of task flow 1001 on page 999/);
  });

  test('a big task flow id', async () => {
    const { code, stdout } = await cli(['list', '9007199254740995']);
    assert.equal(code, 0);
    assert.match(stdout, /^9007199254740993 /m);
  });
});

describe('wait', () => {
  test('sees an instance move to succeeded (plain lines off a terminal)', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const moved = advanceAfterFirstPoll(dagId, dagInstanceId, 'succeeded');
    const { code, stdout, stderr } = await cli(['wait', dagId, dagInstanceId, '--interval', '50', '--timeout', '20000']);
    await moved;
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], new RegExp(`^instance ${dagInstanceId}: running \\(poll 1, `));
    assert.match(lines.at(-2), new RegExp(`^instance ${dagInstanceId}: succeeded \\(poll \\d+, `));
    assert.match(lines.at(-1), new RegExp(`^Instance ${dagInstanceId} of task flow ${dagId} reached succeeded after \\d+ polls \\(\\d+\\.\\d s\\)\\.$`));
    assert.ok(!stdout.includes('\r'), 'no carriage returns off a terminal');
    assert.equal(lines.length, 3, 'a line per status change, not per poll');
  });

  test('--until and --json', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const moved = advanceAfterFirstPoll(dagId, dagInstanceId, 'suspended');
    const { code, stdout, stderr } = await cli(['wait', dagId, dagInstanceId, '--until', 'suspended,failed', '--interval', '50', '--json']);
    await moved;
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.status, 'suspended');
    assert.equal(result.statusCode, 2);
    assert.ok(result.polls >= 2);
    assert.equal(result.instance.id, dagInstanceId);
    assert.equal(typeof result.elapsedMs, 'number');
  });

  test('a timeout exits 1 with Timeout', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const { code, stderr } = await cli(['wait', dagId, dagInstanceId, '--interval', '20', '--timeout', '100']);
    assert.equal(code, 1);
    assert.match(stderr, /^error: Timeout: .*running/);
  });

  test('an unknown instance exits 1 with InstanceNotFound', async () => {
    const { code, stderr } = await cli(['wait', '1001', '99999999']);
    assert.equal(code, 1);
    assert.match(stderr, /^error: InstanceNotFound: /);
  });

  for (const [name, terminal] of Object.entries(TERMINALS)) {
    test(`one updating line on a terminal (under ${name})`, { skip: !terminal.available && `no ${name} here` }, async () => {
      const { dagId, dagInstanceId } = freshInstance('running');
      const moved = advanceAfterFirstPoll(dagId, dagInstanceId, 'succeeded');
      const { code, output } = await inTerminal(terminal, ['wait', dagId, dagInstanceId, '--interval', '50', '--endpoint', emu.url]);
      await moved;
      assert.equal(code, 0, JSON.stringify(output));
      const updates = output.split('\r\x1b[2K').slice(1);
      assert.ok(updates.length >= 2, `the line was rewritten: ${JSON.stringify(output)}`);
      assert.match(updates[0], new RegExp(`^instance ${dagInstanceId}: running \\(poll 1, \\d+\\.\\d s\\)$`), 'no newline between updates');
      assert.match(updates.at(-1), new RegExp(`^instance ${dagInstanceId}: succeeded \\(poll \\d+, \\d+\\.\\d s\\)\\r?\\nInstance ${dagInstanceId} of task flow ${dagId} reached succeeded after \\d+ polls`));
      assert.equal(output.split('\n').filter((line) => line.trim() !== '').length, 2, `one status line, one result line: ${JSON.stringify(output)}`);
    });
  }

  test('--json on a terminal prints no progress', { skip: !anyTerminal && 'no pseudo-terminal tool here' }, async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const moved = advanceAfterFirstPoll(dagId, dagInstanceId, 'failed');
    const { code, output } = await inTerminal(anyTerminal, ['wait', dagId, dagInstanceId, '--interval', '50', '--json', '--endpoint', emu.url]);
    await moved;
    assert.equal(code, 0, JSON.stringify(output));
    assert.ok(!output.includes('\x1b[2K'), `no progress: ${JSON.stringify(output)}`);
    const result = JSON.parse(output);
    assert.deepEqual([result.status, result.statusCode, result.instance.id], ['failed', 3, dagInstanceId]);
  });
});

describe('call', () => {
  test('any action with key=value and key:=json', async () => {
    const { code, stdout, stderr } = await cli(['call', 'ListTaskFlowInstance', 'DagId=1002', 'PageIndex:=1', 'PageSize=10']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.success, true);
    assert.deepEqual(result.dagInstanceList.map((i) => i.id), ['5101', '5102']);
    assert.deepEqual([lastRequest().params.PageIndex, lastRequest().params.PageSize], ['1', '10']);
  });

  test('JSON values are sent as one JSON string', async () => {
    const { code, stdout, stderr } = await cli(['--json', 'call', 'AddTaskFlowEdges', 'DagId=1001', 'Edges:=[{"NodeFrom":4001,"NodeEnd":4003}]']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.edgeIds.length, 1);
    assert.deepEqual(JSON.parse(lastRequest().params.Edges), [{ NodeFrom: 4001, NodeEnd: 4003 }]);
  });
});

describe('endpoint and region from the environment', () => {
  test('DMS_ENDPOINT alone is where requests go', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const { code, stdout, stderr } = await cli(['stop', dagId, dagInstanceId], { endpoint: false, env: { ...CREDENTIALS, DMS_ENDPOINT: emu.url } });
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^Stopped instance ${dagInstanceId} of task flow ${dagId} `));
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');
    assert.deepEqual([lastRequest().action, lastRequest().params.DagInstanceId], ['StopTaskFlowInstance', dagInstanceId]);
  });

  test('flags win over the variables; DMS_ENDPOINT wins over ALIBABA_CLOUD_REGION_ID', async () => {
    const nobody = await closedPortUrl();
    // --endpoint over DMS_ENDPOINT (nobody listens there).
    let { dagId, dagInstanceId } = freshInstance('running');
    let run = await cli(['stop', dagId, dagInstanceId], { env: { ...CREDENTIALS, DMS_ENDPOINT: nobody } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');

    // --endpoint over an unknown ALIBABA_CLOUD_REGION_ID, which is then not even looked at.
    ({ dagId, dagInstanceId } = freshInstance('running'));
    run = await cli(['stop', dagId, dagInstanceId], { env: { ...CREDENTIALS, ALIBABA_CLOUD_REGION_ID: 'xx-nowhere-1' } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');

    // DMS_ENDPOINT over ALIBABA_CLOUD_REGION_ID, as the library prefers an endpoint to a region.
    ({ dagId, dagInstanceId } = freshInstance('running'));
    run = await cli(['stop', dagId, dagInstanceId], { endpoint: false, env: { ...CREDENTIALS, DMS_ENDPOINT: emu.url, ALIBABA_CLOUD_REGION_ID: 'xx-nowhere-1' } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(emu.getInstance(dagId, dagInstanceId).status, 'stopped');

    // --region over DMS_ENDPOINT: the flag's (unknown) region is used, so nothing is sent.
    const before = emu.requestCount;
    run = await cli(['stop', '1001', '5001', '--region', 'xx-nowhere-1'], { endpoint: false, env: { ...CREDENTIALS, DMS_ENDPOINT: emu.url } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: UsageError: --region "xx-nowhere-1" has no known DMS endpoint; known: [a-z0-9-]+(, [a-z0-9-]+)* \(or give --endpoint URL\)\n$/);
    assert.ok(run.stderr.includes('cn-hangzhou'), 'the known regions are listed');
    assert.equal(emu.requestCount, before);
  });

  test('an unknown ALIBABA_CLOUD_REGION_ID is a usage error that names the variable', async () => {
    const before = emu.requestCount;
    const env = { ...CREDENTIALS, ALIBABA_CLOUD_REGION_ID: 'xx-nowhere-1' };
    const run = await cli(['stop', '1001', '5001'], { endpoint: false, env });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error: UsageError: ALIBABA_CLOUD_REGION_ID "xx-nowhere-1" has no known DMS endpoint; known: .*cn-hangzhou.* \(or set DMS_ENDPOINT or give --endpoint URL\)\n$/);

    const json = await cli(['list', '1001', '--json'], { endpoint: false, env });
    assert.equal(json.code, 2);
    const { error } = JSON.parse(json.stdout);
    assert.equal(error.code, 'UsageError');
    assert.match(error.message, /^ALIBABA_CLOUD_REGION_ID "xx-nowhere-1"/);
    assert.equal(emu.requestCount, before, 'nothing was sent');
  });

  test('a malformed DMS_ENDPOINT or --endpoint is named as the user set it', async () => {
    let run = await cli(['stop', '1001', '5001'], { endpoint: false, env: { ...CREDENTIALS, DMS_ENDPOINT: 'ftp://127.0.0.1/' } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: UsageError: DMS_ENDPOINT must be an http\(s\) URL/);
    run = await cli(['stop', '1001', '5001', '--endpoint', 'ftp://127.0.0.1/'], { endpoint: false });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: UsageError: --endpoint must be an http\(s\) URL/);
    run = await cli(['stop', '1001', '5001', '--endpoint='], { endpoint: false });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: UsageError: --endpoint needs a value/);
  });
});

/** Runs each case (args, the expected stderr), all at once; each must be a one-line usage error that sent nothing. */
async function assertUsageErrors(cases, { env = CREDENTIALS } = {}) {
  const before = emu.requestCount;
  const runs = await Promise.all(cases.map(async ([args, message]) => [args, message, await cli(args, { env })]));
  for (const [args, message, { code, stdout, stderr }] of runs) {
    const where = `dms-taskflow ${args.join(' ')}`;
    assert.equal(code, 2, `${where}: ${stderr}`);
    assert.equal(stdout, '', where);
    assert.match(stderr, message, where);
    assert.doesNotMatch(stderr, JS_WORDING, where);
    assert.equal(stderr.trimEnd().split('\n').length, 1, `${where}: one line: ${stderr}`);
  }
  assert.equal(emu.requestCount, before, 'nothing was sent');
}

describe('messages in the words of the command line', () => {
  test('malformed ids: a whole number is asked for, nothing is sent', async () => {
    const cases = [
      [['stop', '12abc', '5001'], /^error: UsageError: dagId must be a whole number such as 1001; got "12abc" \(see dms-taskflow stop --help\)\n$/],
      [['stop', '1001', '-1'], /^error: UsageError: dagInstanceId must be a whole number such as 5001; got "-1" /],
      [['suspend', '1.5', '5001'], /^error: UsageError: dagId must be a whole number such as 1001; got "1\.5" /],
      [['stop', '99999999999999999999', '5001'], /^error: UsageError: dagId must be a whole number up to 9223372036854775807; got "99999999999999999999" /],
      [['resume', '1001', '9223372036854775808', '3'], /^error: UsageError: dagInstanceId must be a whole number up to 9223372036854775807; got "9223372036854775808" /],
      [['list', '-1'], /^error: UsageError: dagId must be a whole number such as 1001; got "-1" \(see dms-taskflow list --help\)/],
      [['wait', '1001', '12abc'], /^error: UsageError: dagInstanceId must be a whole number such as 5001; got "12abc" /],
      [['rerun', '1001', ' 5001'], /^error: UsageError: dagInstanceId must be a whole number such as 5001; got " 5001" /],
      [['resume', '1001', '5001', ''], /^error: UsageError: dagVersion must not be empty /],
      [['stop', '1001', '5001', '--tid', '3x'], /^error: UsageError: --tid must be a whole number such as 3; got "3x" /],
    ];
    await assertUsageErrors(cases);
    // Checked before the credentials: a malformed id is a usage error without them too.
    await assertUsageErrors([[['stop', '12abc', '5001'], /^error: UsageError: dagId must be a whole number/]], { env: {} });
  });

  test('the largest id, 2^63-1, is sent as typed; leading zeros are dropped', async () => {
    const run = await cli(['stop', '9223372036854775807', '0005001']);
    assert.equal(run.code, 1, 'the emulator has no such task flow');
    assert.doesNotMatch(run.stderr, /UsageError/);
    assert.deepEqual([lastRequest().params.DagId, lastRequest().params.DagInstanceId], ['9223372036854775807', '5001']);
  });

  test('call: the library\'s rules are reworded for typed parameters', async () => {
    const before = emu.requestCount;
    let run = await cli(['call', 'StopTaskFlowInstance', 'DagId=12abc', 'DagInstanceId=5001']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: InvalidParameter: DagId must be an id: a non-negative integer up to 2\^63-1; got the string "12abc"\n$/);
    run = await cli(['call', 'StopTaskFlowInstance', 'DagId:=99999999999999999999', 'DagInstanceId=5001']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: InvalidParameter: DagId .*JSON number beyond 2\^53-1.*\(write key=value instead\)\n$/);
    assert.doesNotMatch(run.stderr, JS_WORDING);
    run = await cli(['call', 'StopTaskFlowInstance', 'DagId:=[1]', 'DagInstanceId=5001', '--json']);
    assert.equal(run.code, 2);
    const { error } = JSON.parse(run.stdout);
    assert.equal(error.code, 'InvalidParameter');
    assert.match(error.message, /^DagId must be an id: a non-negative integer up to 2\^63-1; got /);
    assert.doesNotMatch(error.message, /bigint|safe-integer/, 'the --json error is reworded too');
    assert.equal(emu.requestCount, before, 'nothing was sent');
  });
});

describe('flag errors name the flag', () => {
  test('--interval, --timeout, --page, --page-size, --until, --status', async () => {
    const listed = STATUS_NAMES.map((name, number) => `${name} \\(${number}\\)`).join(', ');
    const cases = [
      [['wait', '1001', '5001', '--interval', '0'], /^error: UsageError: --interval must be a whole number of milliseconds from 10 to 2147483647; got "0" \(see dms-taskflow wait --help\)\n$/],
      [['wait', '1001', '5001', '--interval', '9'], /--interval must be a whole number of milliseconds from 10 to 2147483647; got "9"/],
      [['wait', '1001', '5001', '--interval', 'abc'], /^error: UsageError: --interval must be a whole number of milliseconds from 10 to 2147483647; got "abc"/],
      [['wait', '1001', '5001', '--interval=1.5'], /--interval must be a whole number of milliseconds .*; got "1\.5"/],
      [['wait', '1001', '5001', '--timeout', '0'], /^error: UsageError: --timeout must be a whole number of milliseconds from 1 to 2147483647; got "0"/],
      [['wait', '1001', '5001', '--timeout', '2147483648'], /^error: UsageError: --timeout must be a whole number of milliseconds from 1 to 2147483647; got "2147483648"/],
      [['wait', '1001', '5001', '--until', 'nope'], new RegExp(`^error: UsageError: --until: unknown status "nope"; use a name or its number: ${listed} \\(see dms-taskflow wait --help\\)\\n$`)],
      [['wait', '1001', '5001', '--until', 'running,6'], /^error: UsageError: --until: unknown status "6"; use a name or its number: waiting \(0\), /],
      [['wait', '1001', '5001', '--until', 'running,'], /^error: UsageError: --until: unknown status ""/],
      [['list', '1001', '--status', 'stopped'], new RegExp(`^error: UsageError: --status: unknown status "stopped"; use a name or its number: ${listed}; a stopped instance reports completed `)],
      [['list', '1001', '--status', '-1'], /^error: UsageError: --status: unknown status "-1"/],
      [['list', '1001', '--page', '0'], /^error: UsageError: --page must be a whole number from 1 to 9007199254740991; got "0"/],
      [['list', '1001', '--page', 'two'], /^error: UsageError: --page must be a whole number from 1 to 9007199254740991; got "two"/],
      [['list', '1001', '--page-size', '0'], /^error: UsageError: --page-size must be a whole number from 1 to 9007199254740991; got "0"/],
      [['list', '1001', '--page-size', '1e3'], /^error: UsageError: --page-size must be a whole number .*; got "1e3"/],
    ];
    await assertUsageErrors(cases);
  });
});

describe('status names, one vocabulary', () => {
  test('list prints names; --status takes a name or its number', async () => {
    const stopped = freshInstance('stopped');
    const byName = await cli(['list', '1001', '--status', 'completed', '--page-size', '100']);
    const byNumber = await cli(['list', '1001', '--status', '5', '--page-size', '100']);
    assert.equal(lastRequest().params.Status, '5');
    for (const { code, stdout, stderr } of [byName, byNumber]) {
      assert.equal(code, 0, stderr);
      const lines = stdout.trimEnd().split('\n');
      const statusColumn = lines[0].indexOf('STATUS');
      const rows = lines.slice(1, lines.indexOf(''));
      assert.ok(rows.some((row) => row.startsWith(`${stopped.dagInstanceId} `)), stdout);
      for (const row of rows) assert.equal(row.slice(statusColumn).split(/\s+/)[0], 'completed', row);
    }
    assert.equal(byName.stdout, byNumber.stdout);

    const upper = await cli(['list', '1001', '--status', 'Suspended', '--json']);
    assert.equal(upper.code, 0, upper.stderr);
    assert.equal(lastRequest().params.Status, '2');
  });

  test('wait --until takes numbers too', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const moved = advanceAfterFirstPoll(dagId, dagInstanceId, 'stopped');
    const { code, stdout, stderr } = await cli(['wait', dagId, dagInstanceId, '--until', '2,5', '--interval', '50']);
    await moved;
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^instance ${dagInstanceId}: completed \\(poll \\d+, `, 'm'));
    assert.match(stdout.trimEnd().split('\n').at(-1), new RegExp(`^Instance ${dagInstanceId} of task flow ${dagId} reached completed after `));
  });

  test('the emulator prints its instances and task flows with the same names', async (t) => {
    const child = spawn(BIN, ['emulator', '--port', '0', '--quiet'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    // 'close': the process has exited and its output has all been read.
    const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    // The printout lists the emulator's test credentials: it is never shown whole.
    let stdout = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the emulator printed no task flows within 10 s')), 10_000);
      child.stdout.setEncoding('utf8').on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('Task flows (')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // An answer means the child finished printing and set its SIGTERM handler (same tick).
    const url = /^DMS emulator listening on (\S+)$/m.exec(stdout)[1];
    await fetch(url).then((res) => res.arrayBuffer());
    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
    const lines = stdout.split('\n');
    const from = lines.findIndex((line) => line.startsWith('Task-flow instances ('));
    const instances = lines.slice(from + 1, lines.findIndex((line, i) => i > from && !line.startsWith('  ')));
    // The default seed's 1001 has one instance in each of the emulator's states.
    assert.deepEqual(instances.filter((line) => line.startsWith('  1001 / ')), [
      '  1001 / 5001: running, 3',
      '  1001 / 5002: suspended, 3',
      '  1001 / 5003: succeeded, 3',
      '  1001 / 5004: completed, 3',
      '  1001 / 5005: failed, 3',
    ]);
    for (const line of instances) assert.ok(STATUS_NAMES.includes(line.split(': ')[1]?.split(',')[0]), line);
    // Task flows with ListTaskFlow's status names, as `dms-taskflow flows` prints them.
    assert.ok(lines.includes('  1001: emulator-task-flow-1001, scheduled, 3'));
    assert.ok(lines.includes('  1002: emulator-task-flow-1002, scheduling off, 1'));
  });
});

describe('usage', () => {
  test('--help for the CLI and for every command; help <command>', async () => {
    const global = await cli(['--help'], { env: {} });
    assert.equal(global.code, 0);
    for (const command of COMMANDS) assert.match(global.stdout, new RegExp(`^  ${command} `, 'm'));
    assert.match(global.stdout, /--endpoint URL/);
    assert.match(global.stdout, /^  DMS_ENDPOINT +the endpoint when neither --endpoint nor --region is given$/m);
    assert.match(global.stdout, /^  ALIBABA_CLOUD_REGION_ID\n +the region when none of --endpoint, --region, DMS_ENDPOINT is given$/m);
    const numbered = STATUS_NAMES.map((name, number) => `${name} (${number})`).join(', ');
    assert.ok(global.stdout.includes(`Statuses: ${numbered}.`), global.stdout);
    for (const command of ['list', 'wait']) {
      const help = await cli([command, '--help'], { env: {} });
      assert.ok(help.stdout.includes(numbered), `${command} --help lists the statuses with their numbers`);
    }
    const waitHelp = await cli(['wait', '--help'], { env: {} });
    assert.match(waitHelp.stdout, /--interval MS +milliseconds between polls, 10 to 2147483647/);
    assert.doesNotMatch(global.stdout + waitHelp.stdout, JS_WORDING);
    const runs = COMMANDS.flatMap((command) =>
      [[command, '--help'], ['--help', command], ['help', command], [command, '-h']].map(async (args) => ({ command, args, run: await cli(args, { env: {} }) })),
    );
    for (const { command, args, run } of await Promise.all(runs)) {
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stdout.startsWith(`Usage: dms-taskflow ${command} `), `${args.join(' ')}: ${run.stdout}`);
      assert.equal(run.stderr, '');
    }
  });

  test('--version', async () => {
    const { code, stdout } = await cli(['--version'], { env: {} });
    assert.equal(code, 0);
    assert.equal(stdout, `${manifest.version}\n`);
  });

  test('usage errors exit 2 with one line on stderr and send nothing', async () => {
    const before = emu.requestCount;
    const cases = [
      [[], /a command is required/],
      [['bogus'], /unknown command "bogus"/],
      [['stop', '1001'], /stop: missing dagInstanceId/],
      [['resume', '1001', '5002'], /resume: missing dagVersion/],
      [['stop', '1001', '5001', '7'], /stop: too many arguments/],
      [['stop', '1001', '5001', '--force'], /unknown flag --force/],
      [['stop', '1001', '5001', '--status', 'running'], /unknown flag --status for stop/],
      [['list', '1001', '--page', '0'], /--page must be a whole number from 1 /],
      [['list', '1001', '--status', 'stopped'], /--status: unknown status "stopped"/],
      [['wait', '1001', '5001', '--until', 'running,done'], /--until: unknown status "done"/],
      [['wait', '1001', '5001', '--interval'], /--interval needs a value/],
      [['stop', 'abc', '5001'], /^error: UsageError: dagId must be a whole number such as 1001; got "abc"/],
      [['call', 'StopTaskFlowInstance', 'DagId'], /key=value or key:=json/],
      [['call', 'StopTaskFlowInstance', 'DagId:={'], /DagId:= takes JSON/],
      [['call', 'StopTaskFlowInstance', 'DagId=1', 'dagInstanceId=2'], /^error: (InvalidParameter|MissingParameter): /],
      [['help', 'bogus'], /unknown command "bogus"/],
    ];
    const runs = await Promise.all(cases.map(async ([args, message]) => [args, message, await cli(args)]));
    for (const [args, message, { code, stdout, stderr }] of runs) {
      assert.equal(code, 2, `dms-taskflow ${args.join(' ')}: ${stderr}`);
      assert.equal(stdout, '');
      assert.match(stderr, /^error: [A-Za-z]+: /);
      assert.match(stderr, message);
      assert.equal(stderr.trimEnd().split('\n').length, 1, `one line: ${stderr}`);
    }
    assert.equal(emu.requestCount, before, 'nothing was sent');
  });

  test('missing credentials exit 3, say where the chain looked, and send nothing', async () => {
    const before = emu.requestCount;
    const cases = [[{}, 'not set'], [{ ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId }, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set'], [{ ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret }, 'ALIBABA_CLOUD_ACCESS_KEY_ID is not set']];
    for (const [env, why] of cases) {
      for (const args of [['stop', '1001', '5001'], ['list', '1001', '--json'], ['wait', '1001', '5001']]) {
        const { code, stdout, stderr } = await cli(args, { env });
        assert.equal(code, 3, `${args.join(' ')}: ${stderr}`);
        assert.ok(stderr.startsWith(`error: MissingCredentials: no credentials were found; looked at, in order: the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET): ${why}; `), stderr);
        assert.match(stderr, /~\/\.aliyun\/config\.json does not exist/);
        if (args.includes('--json')) assert.equal(JSON.parse(stdout).error.code, 'MissingCredentials');
        else assert.equal(stdout, '');
      }
    }
    assert.equal(emu.requestCount, before);
  });

  test('STS credentials from the environment', async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const account = STS;
    const { code, stderr } = await cli(['stop', dagId, dagInstanceId], {
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: account.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: account.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: account.securityToken,
      },
    });
    assert.equal(code, 0, stderr);
    assert.equal(lastRequest().accessKeyId, account.accessKeyId);
  });
});

describe('the README', () => {
  test('the end-to-end example: find the latest instance, stop it, wait until completed', async (t) => {
    const dir = stageInConsumer(t, 'wait-example', ['wait-example.mjs']);
    const before = emu.requestCount;
    const stdout = await new Promise((resolve, reject) => {
      const env = childEnv({ ...CREDENTIALS, DMS_ENDPOINT: emu.url });
      execFile(process.execPath, [join(dir, 'wait-example.mjs'), '1002'], { cwd: dir, env, timeout: 30_000, encoding: 'utf8' }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
      );
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.deepEqual({ id: result.dagInstanceId, status: result.status }, { id: '5102', status: 'completed' });
    assert.equal(emu.getInstance('1002', '5102').status, 'stopped');
    assert.deepEqual(
      emu.requests.slice(before).map((r) => r.action),
      ['ListTaskFlowInstance', 'StopTaskFlowInstance', ...Array(result.polls).fill('ListTaskFlowInstance')],
    );
  });

  test('the command line section shows every command and the variables it reads', () => {
    const start = README.indexOf('## Command line');
    const section = README.slice(start, README.indexOf('\n## ', start + 1));
    assert.ok(start >= 0 && section.length > 0);
    for (const command of COMMANDS) assert.match(section, new RegExp(`dms-taskflow ${command}\\b`));
    for (const name of [...CONNECTION_VARIABLES, '#where-credentials-come-from']) assert.ok(section.includes(name), name);
    assert.match(section, /waitForInstance/);
  });
});
