// The `dms-taskflow` command line, run as a user runs it: the `bin` of the packed tarball
// installed in .scratch/consumer/, a child process with the credentials in its environment,
// against an emulator (model 'full') started here. Also runs the README's end-to-end
// example (js-tests/runtimes/fixtures/wait-example.mjs) and checks the README shows it.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { KEY, SECRETS, STS, emulatorFixture } from './support/emulator.mjs';
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

/**
 * Runs the CLI; resolves { code, stdout, stderr }. `env` replaces the credentials (pass {} for
 * none); every output is checked for the test secrets.
 */
function cli(args, { env = CREDENTIALS, endpoint = true, timeoutMs = 30_000 } = {}) {
  const base = childEnv();
  for (const name of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN']) delete base[name];
  const argv = endpoint ? [...args, '--endpoint', emu.url] : args;
  return new Promise((resolve) => {
    execFile(BIN, argv, { env: { ...base, ...env }, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
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

  test('one updating line on a terminal', { skip: !hasScript() && 'no `script` command for a pseudo-terminal' }, async () => {
    const { dagId, dagInstanceId } = freshInstance('running');
    const moved = advanceAfterFirstPoll(dagId, dagInstanceId, 'succeeded');
    const command = [BIN, 'wait', dagId, dagInstanceId, '--interval', '50', '--endpoint', emu.url].join(' ');
    const stdout = await new Promise((resolve, reject) => {
      const env = { ...childEnv(), ...CREDENTIALS };
      execFile('script', ['-qec', command, '/dev/null'], { env, timeout: 30_000, encoding: 'utf8' }, (error, out) => (error ? reject(error) : resolve(out)));
    });
    await moved;
    assertNoSecrets(stdout, SECRETS, 'terminal output');
    const updates = stdout.split('\r\x1b[2K').slice(1);
    assert.ok(updates.length >= 2, `the line was rewritten: ${JSON.stringify(stdout)}`);
    assert.match(updates[0], /: running \(poll 1, /);
    assert.match(stdout, /: succeeded \(poll \d+, [^\n]*\r?\n/);
    assert.match(stdout, /reached succeeded after/);
  });
});

function hasScript() {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

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

describe('usage', () => {
  test('--help for the CLI and for every command; help <command>', async () => {
    const global = await cli(['--help'], { env: {} });
    assert.equal(global.code, 0);
    for (const command of COMMANDS) assert.match(global.stdout, new RegExp(`^  ${command} `, 'm'));
    assert.match(global.stdout, /--endpoint URL/);
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
      [['list', '1001', '--page', '0'], /--page must be a positive integer/],
      [['list', '1001', '--status', 'stopped'], /--status: unknown status "stopped"/],
      [['wait', '1001', '5001', '--until', 'running,done'], /--until: unknown status "done"/],
      [['wait', '1001', '5001', '--interval'], /--interval needs a value/],
      [['stop', 'abc', '5001'], /^error: InvalidParameter: dagId must be an id/],
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

  test('missing credentials exit 3 and send nothing', async () => {
    const before = emu.requestCount;
    for (const env of [{}, { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY.accessKeyId }, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY.accessKeySecret }]) {
      for (const args of [['stop', '1001', '5001'], ['list', '1001', '--json'], ['wait', '1001', '5001']]) {
        const { code, stdout, stderr } = await cli(args, { env });
        assert.equal(code, 3, `${args.join(' ')}: ${stderr}`);
        assert.match(stderr, /^error: MissingCredentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
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

  test('shows the example file verbatim and the command line usage', () => {
    const example = readFileSync(new URL('./runtimes/fixtures/wait-example.mjs', import.meta.url), 'utf8');
    assert.ok(README.includes(`\`js-tests/runtimes/fixtures/wait-example.mjs\`\n\`\`\`js\n${example}\`\`\``), 'README shows wait-example.mjs as it is');
    const section = README.slice(README.indexOf('## Command line'), README.indexOf('## Size'));
    assert.ok(section.length > 0 && README.indexOf('## Command line') < README.indexOf('## Size'));
    for (const command of COMMANDS) assert.match(section, new RegExp(`dms-taskflow ${command}\\b`));
    assert.match(section, /waitForInstance/);
  });
});
