// Tests of the emulator's full model (startEmulator({ model: 'full' })): every operation of
// spec/taskflow-operations.json answers Success with the response fields the table lists
// (names and JSON types checked recursively, ids exact), read-after-write consistency,
// business failures; V3 (ACS3-HMAC-SHA256) signatures; V1 presigned GETs; instances driven
// over time. Run: node --test js-tests/emulator-operations.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { percentEncode, sha256Hex, signV3 } from '../emulator/signature.mjs';
import { DEFAULT_ACCOUNTS, DEFAULT_SEED, startEmulator } from '../emulator/index.mjs';
import {
  REQUEST_ID,
  assertGateway,
  assertSuccess,
  call,
  formEncode,
  isoSeconds,
  readAnswer,
  send,
  signedParams,
  withEmulator,
} from './support/emulator-requests.mjs';

const KEY = DEFAULT_ACCOUNTS[0];
const STS = DEFAULT_ACCOUNTS[1];
const MINUTE = 60_000;
const TABLE = JSON.parse(readFileSync(new URL('../spec/taskflow-operations.json', import.meta.url), 'utf8'));
const OPERATIONS = new Map(TABLE.operations.map((op) => [op.action, op]));
const FULL = { model: 'full' };

// --- exact JSON ----------------------------------------------------------------------
// JSON.parse rounds 9007199254750001 to ...000. parseExact keeps every number as a
// JsonNumber holding its literal text, so types and ids can be checked exactly.

class JsonNumber {
  constructor(text) {
    this.text = text;
  }

  toString() {
    return this.text;
  }
}

const MARK = '\u0000number:';

function parseExact(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const literal = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))[0];
      out += JSON.stringify(MARK + literal);
      i += literal.length;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out, (name, value) => (typeof value === 'string' && value.startsWith(MARK) ? new JsonNumber(value.slice(MARK.length)) : value));
}

// --- the response schema of the table --------------------------------------------------

/** Array paths ('Action.A.B[]') of the table's responses that some answer held items in. */
const arraysSeenWithItems = new Set();

function allArrayPaths() {
  const paths = [];
  const walk = (prefix, fields) => {
    for (const field of fields) {
      const path = `${prefix}.${field.name}`;
      if (field.type.endsWith('[]')) paths.push(`${path}[]`);
      if (field.fields) walk(field.type.endsWith('[]') ? `${path}[]` : path, field.fields);
    }
  };
  for (const op of TABLE.operations) walk(op.action, op.response);
  return paths;
}

function checkType(value, type, fields, path) {
  if (type.endsWith('[]')) {
    assert.ok(Array.isArray(value), `${path}: expected an array, got ${JSON.stringify(value)}`);
    if (value.length > 0) arraysSeenWithItems.add(`${path}[]`);
    value.forEach((item, index) => checkType(item, type.slice(0, -2), fields, `${path}[]`, index));
    return;
  }
  if (fields) {
    assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${path}: expected an object`);
    checkFields(value, fields, path);
    return;
  }
  switch (type) {
    case 'string':
      assert.equal(typeof value, 'string', `${path}: expected a string, got ${value}`);
      break;
    case 'number':
      assert.ok(value instanceof JsonNumber, `${path}: expected a JSON number, got ${JSON.stringify(value)}`);
      assert.match(value.text, /^-?[0-9]+$/, `${path}: an integer`);
      break;
    case 'boolean':
      assert.equal(typeof value, 'boolean', `${path}: expected a boolean, got ${value}`);
      break;
    default:
      assert.fail(`${path}: the table's type ${type} has no fields`);
  }
}

/** Every field the table lists is present with its type, and no other field is sent. */
function checkFields(object, fields, path) {
  const names = fields.map((field) => field.name);
  assert.deepEqual(Object.keys(object).sort(), [...names].sort(), `${path}: the field names of the table`);
  for (const field of fields) checkType(object[field.name], field.type, field.fields, `${path}.${field.name}`);
}

// --- requests ------------------------------------------------------------------------------

/** Table params sent in a successful, schema-checked call: 'Action.Param'. */
const paramsSent = new Set();
const actionsChecked = new Set();

/**
 * A V1-signed request that must succeed: the answer's fields and types are those of the
 * table. Returns the body parsed exactly (numbers as JsonNumber).
 */
async function op(emu, action, params = {}) {
  const spec = OPERATIONS.get(action);
  assert.ok(spec, `${action} is in the table`);
  for (const name of Object.keys(params)) assert.ok(spec.params.some((p) => p.name === name), `${action} takes ${name}`);
  for (const param of spec.params) if (param.required) assert.ok(param.name in params, `${action} needs ${param.name}`);
  const res = await call(emu, action, params);
  assertSuccess(res, { envelope: true });
  const body = parseExact(res.text);
  checkFields(body, spec.response, action);
  for (const name of Object.keys(params)) paramsSent.add(`${action}.${name}`);
  actionsChecked.add(action);
  return body;
}

/** A business failure: HTTP 200, Success false, the ErrorCode. */
async function businessFailure(emu, action, params, errorCode) {
  const res = await call(emu, action, params);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.Success, false, res.text);
  assert.equal(res.json.ErrorCode, errorCode, res.text);
  assert.ok(res.json.ErrorMessage.length > 0);
  assert.match(res.json.RequestId, REQUEST_ID);
  return res;
}

const ids = (list) => list.map(String);

// --- every operation, on one model -----------------------------------------------------------

describe('every operation of the table, on one in-memory model', () => {
  let emu;
  const ctx = {};
  before(async () => {
    emu = await startEmulator(FULL);
  });
  after(() => emu.close());

  test('the model option: full by default, the instance operations only on request', async () => {
    assert.equal(emu.model, 'full');
    const plain = await startEmulator();
    try {
      assert.equal(plain.model, 'full');
    } finally {
      await plain.close();
    }
    await withEmulator({ model: 'instances' }, async (instancesOnly) => {
      assert.equal(instancesOnly.model, 'instances');
      const res = await call(instancesOnly, 'ListTaskFlow', {});
      assert.equal(res.json.ErrorCode, 'NotImplementedInEmulator');
    });
    await assert.rejects(startEmulator({ model: 'everything' }), TypeError);
  });

  test('the seed: task flow 1001 with two versions (3 current), three tasks, two edges beyond 2^53', async () => {
    const flow = emu.getTaskFlow('1001');
    assert.deepEqual(flow.versions.map((v) => v.versionId), ['2', '3']);
    assert.equal(flow.currentVersion, '3');
    assert.equal(flow.status, 'deployed');
    assert.deepEqual(flow.nodeIds, ['4001', '4002', '4003']);
    assert.deepEqual(flow.edges, [
      { id: '9007199254741001', nodeFrom: '4001', nodeEnd: '4002' },
      { id: '9007199254741003', nodeFrom: '4002', nodeEnd: '4003' },
    ]);
    assert.equal(emu.getInstance('9007199254740995', '9007199254740993').status, 'suspended');
    assert.equal(emu.getTaskFlow(9007199254740995n).name, 'emulator-big-id-task-flow');
    assert.deepEqual(emu.getScenario('2001').name, 'emulator-scenario');
    // The instances the instance-operation tests rely on are unchanged.
    assert.deepEqual(DEFAULT_SEED.instances.slice(0, 6).map((i) => [i.dagId, i.dagInstanceId, i.status, i.dagVersion]), [
      ['1001', '5001', 'running', '3'],
      ['1001', '5002', 'suspended', '3'],
      ['1001', '5003', 'succeeded', '3'],
      ['1001', '5004', 'stopped', '3'],
      ['1001', '5005', 'failed', '3'],
      ['9007199254740995', '9007199254740993', 'suspended', '7'],
    ]);
    const graph = await op(emu, 'GetTaskFlowGraph', { DagId: '1001' });
    assert.deepEqual(ids(graph.TaskFlowGraph.Edges.Edge.map((e) => e.Id)), ['9007199254741001', '9007199254741003']);
  });

  test('scenarios: ListScenarios, CreateScenario, UpdateScenario', async () => {
    const before = await op(emu, 'ListScenarios', { Tid: '3000' });
    assert.deepEqual(ids(before.ScenarioList.map((s) => s.Id)), ['2001']);
    const created = await op(emu, 'CreateScenario', { ScenarioName: 'ops-scenario', Description: 'made by a test', Tid: '3000' });
    ctx.scenarioId = String(created.ScenarioId);
    let list = await op(emu, 'ListScenarios', {});
    assert.deepEqual(list.ScenarioList.map((s) => [String(s.Id), s.ScenarioName, s.Description, s.CreatorId]).at(-1), [
      ctx.scenarioId,
      'ops-scenario',
      'made by a test',
      '51001',
    ]);
    // UpdateScenario takes ScenarioId as a string.
    await op(emu, 'UpdateScenario', { ScenarioId: ctx.scenarioId, ScenarioName: 'ops-scenario-2', Description: 'renamed', Tid: '3000' });
    list = await op(emu, 'ListScenarios', {});
    assert.equal(list.ScenarioList.find((s) => String(s.Id) === ctx.scenarioId).ScenarioName, 'ops-scenario-2');
  });

  test('task flows: CreateTaskFlow (an id beyond 2^53, exact), ListTaskFlow, UpdateTaskFlowNameAndDesc, ListTaskFlowsByPage', async () => {
    const created = await op(emu, 'CreateTaskFlow', { DagName: 'ops-flow', Description: 'test flow', ScenarioId: ctx.scenarioId, Tid: '3000' });
    ctx.dagId = String(created.DagId);
    assert.ok(BigInt(ctx.dagId) > 2n ** 53n, 'new DagIds are beyond 2^53');
    assert.notEqual(String(Number(ctx.dagId)), ctx.dagId, 'and no double holds them');
    assert.equal(emu.getTaskFlow(ctx.dagId).status, 'draft');

    const all = await op(emu, 'ListTaskFlow', { Tid: '3000' });
    const row = all.TaskFlowList.TaskFlow.find((flow) => String(flow.Id) === ctx.dagId);
    assert.ok(row, 'ListTaskFlow shows the new task flow, its Id exact');
    assert.equal(String(row.Status), '0', 'nothing deployed yet');
    assert.equal(row.CreatorId, '51001');

    await op(emu, 'UpdateTaskFlowNameAndDesc', { DagId: ctx.dagId, DagName: 'ops-flow-renamed', Description: 'renamed flow', Tid: '3000' });
    // DagIdList: one id as a JSON number (exact digits), one as a string.
    const page = await op(emu, 'ListTaskFlowsByPage', {
      DagIdList: `[${ctx.dagId},"1001"]`,
      PageIndex: '1',
      PageSize: '10',
      ScenarioId: ctx.scenarioId,
      SearchKey: 'RENAMED',
      Tid: '3000',
    });
    assert.equal(String(page.TotalCount), '1');
    const flow = page.TaskFlowList.TaskFlow[0];
    assert.deepEqual([String(flow.Id), flow.DagName, flow.Description, flow.ScenarioId], [ctx.dagId, 'ops-flow-renamed', 'renamed flow', ctx.scenarioId]);
    const both = await op(emu, 'ListTaskFlowsByPage', { DagIdList: `[${ctx.dagId},"1001"]` });
    assert.deepEqual(ids(both.TaskFlowList.TaskFlow.map((f) => f.Id)).sort(), ['1001', ctx.dagId].sort());
  });

  test('tasks: CreateTask, GetTask, ListTasksInTaskFlow (NodeId a string there, exact)', async () => {
    ctx.nodes = [];
    for (const [name, type] of [['extract', 'SQL'], ['transform', 'SCRIPT'], ['load', 'DATA_SYNC']]) {
      const created = await op(emu, 'CreateTask', {
        DagId: ctx.dagId,
        NodeName: name,
        NodeType: type,
        NodeContent: `-- ${name}`,
        GraphParam: '{"x":1,"y":2}',
        NodeOutput: '[]',
        TimeVariables: '{"variables":[{"name":"d","pattern":"yyyy-MM-dd|+0d"}]}',
        Tid: '3000',
      });
      ctx.nodes.push(String(created.NodeId));
    }
    assert.ok(ctx.nodes.every((id) => BigInt(id) > 2n ** 53n));
    const task = await op(emu, 'GetTask', { NodeId: ctx.nodes[0], Tid: '3000' });
    assert.deepEqual({ ...task.Task, DagId: String(task.Task.DagId) }, {
      DagId: ctx.dagId,
      GraphParam: '{"x":1,"y":2}',
      NodeConfig: '',
      NodeContent: '-- extract',
      NodeName: 'extract',
      NodeOutput: '[]',
      NodeType: 'SQL',
      TimeVariables: '{"variables":[{"name":"d","pattern":"yyyy-MM-dd|+0d"}]}',
    });
    const listed = await op(emu, 'ListTasksInTaskFlow', { DagId: ctx.dagId, Tid: '3000' });
    assert.deepEqual(listed.Tasks.Task.map((t) => t.NodeId), ctx.nodes);
    assert.deepEqual(listed.Tasks.Task.map((t) => t.NodeType), ['SQL', 'SCRIPT', 'DATA_SYNC']);
  });

  test('edges: AddTaskFlowEdges, ListTaskFlowEdgesByCondition, UpdateTaskFlowEdges, UpdateTaskFlowRelations, DeleteTaskFlowEdgesByCondition', async () => {
    const [a, b, c] = ctx.nodes;
    // Ids inside the JSON string: as exact number literals or as strings.
    const added = await op(emu, 'AddTaskFlowEdges', { DagId: ctx.dagId, Edges: `[{"NodeFrom":${a},"NodeEnd":"${b}"}]`, Tid: '3000' });
    const [edge] = ids(added.EdgeIds.EdgeId);
    assert.ok(BigInt(edge) > 2n ** 53n && String(Number(edge)) !== edge, 'edge ids are beyond 2^53 and not doubles');
    let listed = await op(emu, 'ListTaskFlowEdgesByCondition', { DagId: ctx.dagId, NodeFrom: a, NodeEnd: b, Id: edge, Tid: '3000' });
    assert.deepEqual(listed.Edges.Edge.map((e) => [String(e.Id), String(e.NodeFrom), String(e.NodeEnd)]), [[edge, a, b]]);

    await op(emu, 'UpdateTaskFlowEdges', { DagId: ctx.dagId, Edges: `[{"Id":${edge},"NodeFrom":${a},"NodeEnd":${c}}]`, Tid: '3000' });
    listed = await op(emu, 'ListTaskFlowEdgesByCondition', { DagId: ctx.dagId });
    assert.deepEqual(listed.Edges.Edge.map((e) => [String(e.Id), String(e.NodeFrom), String(e.NodeEnd)]), [[edge, a, c]]);

    // The whole set replaced: the edge with an Id keeps it, the other gets a new one.
    await op(emu, 'UpdateTaskFlowRelations', {
      DagId: ctx.dagId,
      Edges: `[{"Id":"${edge}","NodeFrom":"${a}","NodeEnd":"${b}"},{"NodeFrom":${b},"NodeEnd":${c}}]`,
      Tid: '3000',
    });
    listed = await op(emu, 'ListTaskFlowEdgesByCondition', { DagId: ctx.dagId });
    const edges = listed.Edges.Edge.map((e) => [String(e.Id), String(e.NodeFrom), String(e.NodeEnd)]);
    assert.deepEqual(edges.map((e) => e.slice(1)), [[a, b], [b, c]]);
    assert.equal(edges[0][0], edge);
    ctx.edges = edges.map((e) => e[0]);

    const graph = await op(emu, 'GetTaskFlowGraph', { DagId: ctx.dagId, Tid: '3000' });
    assert.equal(graph.TaskFlowGraph.DagName, 'ops-flow-renamed');
    assert.deepEqual(ids(graph.TaskFlowGraph.Nodes.Node.map((n) => n.NodeId)), ctx.nodes);
    assert.deepEqual(ids(graph.TaskFlowGraph.Nodes.Node.map((n) => n.NodeType)), ['1', '3', '2']);
    assert.deepEqual(ids(graph.TaskFlowGraph.Edges.Edge.map((e) => e.Id)), ctx.edges);
    assert.ok(graph.TaskFlowGraph.Edges.Edge.every((e) => String(e.DagId) === ctx.dagId));

    await op(emu, 'AddTaskFlowEdges', { DagId: ctx.dagId, Edges: `[{"NodeFrom":"${a}","NodeEnd":"${c}"}]` });
    await op(emu, 'DeleteTaskFlowEdgesByCondition', { DagId: ctx.dagId, NodeFrom: a, NodeEnd: c, Tid: '3000' });
    await op(emu, 'DeleteTaskFlowEdgesByCondition', { DagId: ctx.dagId, Id: ctx.edges[1] });
    listed = await op(emu, 'ListTaskFlowEdgesByCondition', { DagId: ctx.dagId });
    assert.deepEqual(ids(listed.Edges.Edge.map((e) => e.Id)), [ctx.edges[0]]);
  });

  test('a task node: UpdateTaskName, UpdateTaskContent, UpdateTaskConfig, UpdateTaskOutput, UpdateTaskTimeVariables, then GetTask', async () => {
    const NodeId = ctx.nodes[1]; // a string parameter for these operations
    await op(emu, 'UpdateTaskName', { NodeId, NodeName: 'transform-2', Tid: '3000' });
    await op(emu, 'UpdateTaskContent', { NodeId, NodeContent: 'print(2)', Tid: '3000' });
    await op(emu, 'UpdateTaskConfig', { NodeId, NodeConfig: '{"retry":3}', Tid: '3000' });
    await op(emu, 'UpdateTaskOutput', { NodeId, NodeOutput: '[{"name":"rows"}]', Tid: '3000' });
    const variables = '{"variables":[{"name":"yesterday","pattern":"yyyy-MM-dd|-1d"}]}';
    await op(emu, 'UpdateTaskTimeVariables', { NodeId, TimeVariables: variables, Tid: '3000' });
    const { Task } = await op(emu, 'GetTask', { NodeId });
    assert.deepEqual([Task.NodeName, Task.NodeContent, Task.NodeConfig, Task.NodeOutput, Task.TimeVariables], [
      'transform-2',
      'print(2)',
      '{"retry":3}',
      '[{"name":"rows"}]',
      variables,
    ]);
    assert.equal(emu.getTask(NodeId).name, 'transform-2');
  });

  test('settings: constants, time variables, notification, schedule, cooperators, owner', async () => {
    const DagId = ctx.dagId;
    await op(emu, 'UpdateTaskFlowConstants', { DagId, DagConstants: '[{"Key":"schema","Value":"dw"},{"Key":"limit","Value":"10"}]', Tid: '3000' });
    const constants = await op(emu, 'ListTaskFlowConstants', { DagId, Tid: '3000' });
    assert.deepEqual(constants.DagConstants.DagConstant, [{ Key: 'schema', Value: 'dw' }, { Key: 'limit', Value: '10' }]);

    await op(emu, 'UpdateTaskFlowTimeVariables', { DagId, TimeVariables: '{"variables":[{"name":"bizdate","pattern":"yyyyMMdd|-1d"}]}', Tid: '3000' });
    const variables = await op(emu, 'ListTaskFlowTimeVariables', { DagId, Tid: '3000' });
    assert.deepEqual(variables.TimeVariables.TimeVariable, [{ Name: 'bizdate', Pattern: 'yyyyMMdd|-1d' }]);

    await op(emu, 'UpdateTaskFlowNotification', {
      DagId,
      DagNotificationFail: 'true',
      DagNotificationSla: 'false',
      DagNotificationSuccess: 'true',
      Tid: '3000',
    });
    const notification = await op(emu, 'GetTaskFlowNotification', { DagId, Tid: '3000' });
    assert.deepEqual(notification.Notification, { DagNotificationFail: true, DagNotificationSla: false, DagNotificationSuccess: true });

    await op(emu, 'UpdateTaskFlowSchedule', {
      DagId,
      TriggerType: 'Cron',
      ScheduleSwitch: 'true',
      ScheduleParam: '{"triggerType":"1"}',
      CronType: 'DAY',
      CronStr: '0 0 2 * * ?',
      CronBeginDate: '2024-01-01',
      CronEndDate: '2030-01-01',
      TimeZoneId: 'UTC',
      Tid: '3000',
    });
    let row = (await op(emu, 'ListTaskFlowsByPage', { DagIdList: `["${DagId}"]` })).TaskFlowList.TaskFlow[0];
    assert.deepEqual(
      [String(row.CronType), row.CronStr, row.CronSwitch, row.CronBeginDate, row.CronEndDate, row.TimeZoneId, String(row.TriggerType), row.ScheduleParam],
      ['3', '0 0 2 * * ?', true, '2024-01-01', '2030-01-01', 'UTC', '0', '{"triggerType":"1"}'],
    );

    await op(emu, 'UpdateTaskFlowCooperators', { DagId, CooperatorIds: '["51002",51003]', Tid: '3000' });
    const cooperators = await op(emu, 'ListTaskFlowCooperators', { DagId, Tid: '3000' });
    assert.deepEqual(cooperators.CooperatorList.Cooperator.map((c) => [c.UserId, c.NickName, c.LoginName, c.Email]), [
      ['51002', 'emulator-developer', 'developer', 'developer@example.com'],
      ['51003', 'emulator-analyst', 'analyst', 'analyst@example.com'],
    ]);

    await op(emu, 'UpdateTaskFlowOwner', { DagId, NewOwnerId: '51002', Tid: '3000' });
    row = (await op(emu, 'ListTaskFlowsByPage', { DagIdList: `[${DagId}]` })).TaskFlowList.TaskFlow[0];
    assert.deepEqual([row.DagOwnerId, row.DagOwnerNickName], ['51002', 'emulator-developer']);
    // OwnerUserId is a number parameter: a user id beyond 2^53 arrives exact.
    await op(emu, 'ChangeLhDagOwner', { DagId, OwnerUserId: '9007199254740997', Tid: '3000' });
    assert.equal(emu.getTaskFlow(DagId).ownerId, '9007199254740997');
    row = (await op(emu, 'ListTaskFlowsByPage', { DagIdList: `[${DagId}]` })).TaskFlowList.TaskFlow[0];
    assert.equal(row.DagOwnerId, '9007199254740997');
  });

  test('versions: PublishAndDeployTaskFlow, ListDAGVersions, ReDeployLhDagVersion (DagVersion a number)', async () => {
    const published = await op(emu, 'PublishAndDeployTaskFlow', { DagId: ctx.dagId, VersionComments: 'first release', Tid: '3000' });
    const deployId = String(published.DeployId);
    assert.equal(emu.getTaskFlow(ctx.dagId).deployId, deployId);
    assert.equal(emu.getTaskFlow(ctx.dagId).status, 'deployed');
    await op(emu, 'PublishAndDeployTaskFlow', { DagId: ctx.dagId });
    const versions = await op(emu, 'ListDAGVersions', { DagId: ctx.dagId, PageIndex: '1', PageSize: '10', Tid: '3000' });
    assert.equal(String(versions.TotalCount), '2');
    assert.deepEqual(versions.DagVersionList.DagVersion.map((v) => [String(v.VersionId), String(v.LastVersionId), v.VersionComments]), [
      ['2', '1', ''],
      ['1', '0', 'first release'],
    ]);
    assert.equal(versions.DagVersionList.DagVersion[0].DagOwnerId, '9007199254740997');

    const seeded = await op(emu, 'ListDAGVersions', { DagId: '1001', PageIndex: '1', PageSize: '1' });
    assert.equal(String(seeded.TotalCount), '2');
    assert.deepEqual(ids(seeded.DagVersionList.DagVersion.map((v) => v.VersionId)), ['3']);
    const redeployed = await op(emu, 'ReDeployLhDagVersion', { DagId: ctx.dagId, DagVersion: '1', Tid: '3000' });
    assert.notEqual(String(redeployed.DeployId), deployId);
    assert.equal(emu.getTaskFlow(ctx.dagId).currentVersion, '1');
    const list = await op(emu, 'ListTaskFlow', {});
    const row = list.TaskFlowList.TaskFlow.find((f) => String(f.Id) === ctx.dagId);
    assert.deepEqual([String(row.Status), String(row.DeployId)], ['2', String(redeployed.DeployId)], 'deployed, schedule on: waiting to be scheduled');
  });

  test('runs: BackFill and TryRunTaskFlow create instances; ListTaskFlowInstance pages and filters them', async () => {
    const [a, b] = ctx.nodes;
    const single = await op(emu, 'BackFill', {
      DagId: ctx.dagId,
      BackFillDate: '2024-03-01',
      StartNodeIds: `[${a}]`,
      Tid: '3000',
    });
    assert.equal(String(single.NodeId), a);
    const range = await op(emu, 'BackFill', {
      DagId: ctx.dagId,
      BackFillDateBegin: '2024-03-10',
      BackFillDateEnd: '2024-03-12',
      Asc: 'false',
      FilterNodeIds: `["${b}"]`,
      HistoryDagId: '1001',
      Interval: '1',
      IsTriggerSubTree: 'true',
    });
    const tried = await op(emu, 'TryRunTaskFlow', { DagId: ctx.dagId });
    assert.equal(typeof tried.InstanceId, 'string', 'TryRunTaskFlow answers InstanceId as a string');
    ctx.runs = [String(single.DagInstanceId), String(range.DagInstanceId), tried.InstanceId];
    assert.ok(ctx.runs.every((id) => BigInt(id) > 2n ** 53n && String(Number(id)) !== id));

    const all = await op(emu, 'ListTaskFlowInstance', { DagId: ctx.dagId, PageIndex: '1', PageSize: '20', Tid: '3000' });
    assert.equal(String(all.TotalCount), '5', 'one + three days + a try run');
    const rows = all.DAGInstanceList.DAGInstance;
    assert.ok(rows.every((r) => r.DagId === ctx.dagId && r.DagVersion === '1' && String(r.Status) === '1' && String(r.TriggerType) === '1'));
    assert.deepEqual(rows.map((r) => r.BusinessTime.slice(0, 10)).slice(0, 4), ['2024-03-01', '2024-03-12', '2024-03-11', '2024-03-10']);
    assert.equal(String(rows[1].Id), String(range.DagInstanceId), 'BackFill answers the first instance it created');
    assert.equal(String(rows[1].HistoryDagId), '1001');
    assert.equal(rows[0].OwnerName, 'emulator-big-id-user');
    assert.equal(String(rows[4].Id), tried.InstanceId);

    const second = await op(emu, 'ListTaskFlowInstance', { DagId: ctx.dagId, PageIndex: '2', PageSize: '2' });
    assert.deepEqual(ids(second.DAGInstanceList.DAGInstance.map((r) => r.Id)), ids(rows.slice(2, 4).map((r) => r.Id)));
    const byBizDate = await op(emu, 'ListTaskFlowInstance', {
      DagId: ctx.dagId,
      PageIndex: '1',
      PageSize: '20',
      StartTimeBegin: '2024-03-11',
      StartTimeEnd: '2024-03-12',
      UseBizDate: 'true',
      Status: '1',
      TriggerType: '1',
    });
    assert.deepEqual(byBizDate.DAGInstanceList.DAGInstance.map((r) => r.BusinessTime), ['2024-03-12 00:00:00', '2024-03-11 00:00:00']);
    const scheduled = await op(emu, 'ListTaskFlowInstance', { DagId: '1002', PageIndex: '1', PageSize: '20', TriggerType: '0', StartTimeBegin: '2024-06-03' });
    assert.deepEqual(ids(scheduled.DAGInstanceList.DAGInstance.map((r) => r.Id)), ['5102']);
  });

  test('instance operations on the new runs, then ListTaskFlowInstance and GetTaskInstanceRelation show them', async () => {
    const [first, second, third] = ctx.runs;
    const DagId = ctx.dagId;
    await op(emu, 'SuspendTaskFlowInstance', { DagId, DagInstanceId: first, Tid: '3000' });
    let listed = await op(emu, 'ListTaskFlowInstance', { DagId, PageIndex: '1', PageSize: '20', Status: '2' });
    assert.deepEqual(ids(listed.DAGInstanceList.DAGInstance.map((r) => r.Id)), [first], 'Suspend, then the Status filter shows it suspended');
    const relation = await op(emu, 'GetTaskInstanceRelation', { DagId, DagInstanceId: first, Tid: '3000' });
    const nodes = relation.NodeList.Node;
    // Edges left: first -> second only. Topological order, ties in creation order: first, third, second.
    const [a, b, c] = ctx.nodes;
    assert.deepEqual(ids(nodes.map((n) => n.NodeId)), [a, c, b], 'in topological order');
    assert.deepEqual(ids(nodes.map((n) => n.Status)), ['2', '2', '0'], 'the nodes without a predecessor suspended, the rest waiting');
    assert.ok(nodes.every((n) => BigInt(String(n.Id)) > 2n ** 53n));

    await op(emu, 'ResumeTaskFlowInstance', { DagId, DagInstanceId: first, DagVersion: '1', Tid: '3000' });
    await op(emu, 'StopTaskFlowInstance', { DagId, DagInstanceId: second, Tid: '3000' });
    await op(emu, 'ReRunTaskFlowInstance', { DagId, DagInstanceId: second, DagVersion: '1', Tid: '3000' });
    await op(emu, 'MakeTaskFlowInstanceSuccess', { DagId, DagInstanceId: third, Tid: '3000' });
    listed = await op(emu, 'ListTaskFlowInstance', { DagId, PageIndex: '1', PageSize: '20' });
    const status = Object.fromEntries(listed.DAGInstanceList.DAGInstance.map((r) => [String(r.Id), String(r.Status)]));
    assert.deepEqual([status[first], status[second], status[third]], ['1', '1', '4']);
    const done = listed.DAGInstanceList.DAGInstance.find((r) => String(r.Id) === third);
    assert.match(done.EndTime, /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$/);
    const succeeded = await op(emu, 'GetTaskInstanceRelation', { DagId, DagInstanceId: third });
    assert.deepEqual(ids(succeeded.NodeList.Node.map((n) => n.Status)), ['4', '4', '4']);
  });

  test('workspaces: ListLhTaskFlowAndScenario, AddLhMembers, DeleteLhMembers', async () => {
    const space = await op(emu, 'ListLhTaskFlowAndScenario', { SpaceId: '8001', Tid: '3000' });
    assert.deepEqual(ids(space.RawDAGList.Dag.map((d) => d.Id)), ['1002', '9007199254740995'], 'the flows outside any scenario');
    const scenarios = space.ScenarioDAGList.ScenarioDAG;
    assert.deepEqual(scenarios.map((s) => s.Scenario.ScenarioName), ['emulator-scenario', 'ops-scenario-2']);
    assert.deepEqual(ids(scenarios[1].DagList.Dag.map((d) => d.Id)), [ctx.dagId]);
    assert.equal(String(scenarios[1].DagList.Dag[0].ScenarioId), ctx.scenarioId);
    assert.equal(String(space.RawDAGList.Dag[0].LatestInstanceTime), String(Date.parse('2024-06-03T01:00:00Z')));

    await op(emu, 'AddLhMembers', { ObjectType: '0', ObjectId: '8001', Members: '[{"UserId":51003,"Roles":["MEMBER"]}]', Tid: '3000' });
    await op(emu, 'AddLhMembers', { ObjectType: '1', ObjectId: ctx.dagId, Members: '[{"UserId":"51003","Roles":["DEVELOPER"]}]' });
    assert.deepEqual(emu.getLhMembers(1, ctx.dagId), [{ userId: '51003', roles: ['DEVELOPER'] }]);
    // UserId: only the flows that user owns, created, cooperates on or develops.
    const mine = await op(emu, 'ListLhTaskFlowAndScenario', { SpaceId: '8001', UserId: '51003' });
    assert.deepEqual(mine.RawDAGList.Dag, []);
    assert.deepEqual(ids(mine.ScenarioDAGList.ScenarioDAG.flatMap((s) => s.DagList.Dag.map((d) => d.Id))), [ctx.dagId]);

    await op(emu, 'DeleteLhMembers', { ObjectType: '1', ObjectId: ctx.dagId, MemberIds: '[51003]', Tid: '3000' });
    assert.deepEqual(emu.getLhMembers(1, ctx.dagId), []);
    await businessFailure(emu, 'DeleteLhMembers', { ObjectType: '1', ObjectId: ctx.dagId, MemberIds: '["51003"]' }, 'InvalidUserId');
  });

  test('MoveTaskFlowToScenario, OfflineTaskFlow, DeleteTask, DeleteTaskFlow, DeleteScenario', async () => {
    const DagId = ctx.dagId;
    await op(emu, 'MoveTaskFlowToScenario', { DagId, ScenarioId: '2001', Tid: '3000' });
    const moved = await op(emu, 'ListTaskFlowsByPage', { ScenarioId: '2001' });
    assert.deepEqual(ids(moved.TaskFlowList.TaskFlow.map((f) => f.Id)), ['1001', DagId]);

    await op(emu, 'OfflineTaskFlow', { DagId, Tid: '3000' });
    const offline = (await op(emu, 'ListTaskFlow', {})).TaskFlowList.TaskFlow.find((f) => String(f.Id) === DagId);
    assert.equal(String(offline.Status), '0');
    await businessFailure(emu, 'BackFill', { DagId }, 'InvalidStatus');

    await op(emu, 'DeleteTask', { NodeId: ctx.nodes[0], Tid: '3000' });
    await businessFailure(emu, 'GetTask', { NodeId: ctx.nodes[0] }, 'InvalidNodeId');
    const edges = await op(emu, 'ListTaskFlowEdgesByCondition', { DagId });
    assert.deepEqual(edges.Edges.Edge, [], 'the deleted node took its edges along');

    // Running runs hold the task flow: stop them first.
    await businessFailure(emu, 'DeleteTaskFlow', { DagId }, 'InvalidStatus');
    for (const instance of emu.listInstances().filter((i) => i.dagId === DagId && ['running', 'suspended'].includes(i.status))) {
      await op(emu, 'StopTaskFlowInstance', { DagId, DagInstanceId: instance.dagInstanceId });
    }
    await op(emu, 'DeleteTaskFlow', { DagId, Tid: '3000' });
    assert.equal(emu.getTaskFlow(DagId), undefined);
    const flows = await op(emu, 'ListTaskFlow', {});
    assert.ok(!flows.TaskFlowList.TaskFlow.some((f) => String(f.Id) === DagId));
    await businessFailure(emu, 'ListTaskFlowInstance', { DagId, PageIndex: '1', PageSize: '20' }, 'InvalidDagId');
    await businessFailure(emu, 'GetTask', { NodeId: ctx.nodes[1] }, 'InvalidNodeId');

    await op(emu, 'DeleteScenario', { ScenarioId: ctx.scenarioId, Tid: '3000' });
    const scenarios = await op(emu, 'ListScenarios', {});
    assert.deepEqual(ids(scenarios.ScenarioList.map((s) => s.Id)), ['2001']);
    await businessFailure(emu, 'DeleteScenario', { ScenarioId: '2001' }, 'ScenarioNotEmpty');
  });

  test('coverage: every action answered Success with the table fields; every parameter sent; every list seen with items', () => {
    assert.deepEqual([...OPERATIONS.keys()].filter((action) => !actionsChecked.has(action)), []);
    assert.equal(actionsChecked.size, 52);
    const unsent = TABLE.operations.flatMap((o) => o.params.map((p) => `${o.action}.${p.name}`)).filter((name) => !paramsSent.has(name));
    assert.deepEqual(unsent, []);
    assert.deepEqual(allArrayPaths().filter((path) => !arraysSeenWithItems.has(path)), []);
  });
});

// --- business failures ---------------------------------------------------------------------

describe('unknown ids and malformed JSON-string parameters', () => {
  test('unknown ids answer HTTP 200 Success false with the ErrorCode; nothing changes', async () => {
    await withEmulator(FULL, async (emu) => {
      const before = JSON.stringify(emu.listTaskFlows());
      const cases = [
        ['GetTaskFlowGraph', { DagId: '42' }, 'InvalidDagId'],
        ['DeleteTaskFlow', { DagId: '9007199254740994' }, 'InvalidDagId'], // the rounded neighbour of the big dag
        ['ListTaskFlowInstance', { DagId: '42', PageIndex: '1', PageSize: '20' }, 'InvalidDagId'],
        ['TryRunTaskFlow', {}, 'InvalidDagId'],
        ['GetTask', { NodeId: '4004' }, 'InvalidNodeId'],
        ['UpdateTaskName', { NodeId: 'not-a-number', NodeName: 'x' }, 'InvalidNodeId'],
        ['DeleteTask', { NodeId: '99' }, 'InvalidNodeId'],
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":4001,"NodeEnd":4999}]' }, 'InvalidNodeId'],
        ['AddTaskFlowEdges', { DagId: '1002', Edges: '[{"NodeFrom":4001,"NodeEnd":4002}]' }, 'InvalidNodeId'], // nodes of another flow
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":4003,"NodeEnd":4001}]' }, 'InvalidEdge'], // a cycle
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":4001,"NodeEnd":4002}]' }, 'InvalidEdge'], // exists
        ['UpdateTaskFlowEdges', { DagId: '1001', Edges: '[{"Id":9007199254741000,"NodeFrom":4001,"NodeEnd":4003}]' }, 'InvalidEdgeId'],
        ['DeleteTaskFlowEdgesByCondition', { DagId: '1001', Id: '7' }, 'InvalidEdgeId'],
        ['UpdateScenario', { ScenarioId: '2002', ScenarioName: 'x' }, 'InvalidScenarioId'],
        ['DeleteScenario', { ScenarioId: '7' }, 'InvalidScenarioId'],
        ['CreateTaskFlow', { DagName: 'x', ScenarioId: '7' }, 'InvalidScenarioId'],
        ['CreateTaskFlow', { DagName: 'emulator-task-flow-1002' }, 'DuplicateDagName'],
        ['CreateScenario', { ScenarioName: 'emulator-scenario' }, 'DuplicateScenarioName'],
        ['CreateTask', { DagId: '1001', NodeName: 'x', NodeType: 'NOPE' }, 'InvalidNodeType'],
        ['CreateTask', { DagId: '1001', NodeName: 'load', NodeType: 'SQL' }, 'DuplicateNodeName'],
        ['UpdateTaskFlowOwner', { DagId: '1001', NewOwnerId: '9007199254740996' }, 'InvalidUserId'],
        ['ChangeLhDagOwner', { DagId: '1001', OwnerUserId: '1' }, 'InvalidUserId'],
        ['UpdateTaskFlowCooperators', { DagId: '1001', CooperatorIds: '["51002","424242"]' }, 'InvalidUserId'],
        ['ListLhTaskFlowAndScenario', { SpaceId: '1' }, 'InvalidSpaceId'],
        ['AddLhMembers', { ObjectType: '2', ObjectId: '8001', Members: '[{"UserId":51003,"Roles":["MEMBER"]}]' }, 'InvalidObjectType'],
        ['AddLhMembers', { ObjectType: '0', ObjectId: '8001', Members: '[{"UserId":51003,"Roles":["DEVELOPER"]}]' }, 'InvalidRole'],
        ['AddLhMembers', { ObjectType: '1', ObjectId: '1001', Members: '[{"UserId":51003,"Roles":["DEVELOPER"]}]' }, 'NotSpaceMember'],
        ['ReDeployLhDagVersion', { DagId: '1001', DagVersion: '4' }, 'InvalidDagVersion'],
        ['BackFill', { DagId: '1001', StartNodeIds: '[4999]' }, 'InvalidNodeId'],
        ['GetTaskInstanceRelation', { DagId: '1001', DagInstanceId: '5999' }, 'InvalidDagInstance'],
      ];
      for (const [action, params, code] of cases) await businessFailure(emu, action, params, code);
      assert.equal(JSON.stringify(emu.listTaskFlows()), before, 'refused requests change nothing');
      assert.deepEqual(emu.getLhMembers(0, '8001').map((m) => m.userId), ['51001', '51002']);
      // OfflineTaskFlow only takes a deployed flow offline.
      assertSuccess(await call(emu, 'OfflineTaskFlow', { DagId: '1002' }));
      await businessFailure(emu, 'OfflineTaskFlow', { DagId: '1002' }, 'InvalidStatus');
      await businessFailure(emu, 'BackFill', { DagId: '1002' }, 'InvalidStatus');
    });
  });

  test('an id beyond 2^53 sent rounded (as a JS Number would) names another node', async () => {
    await withEmulator(FULL, async (emu) => {
      const created = parseExact((await call(emu, 'CreateTask', { DagId: '1001', NodeName: 'big', NodeType: 'SQL' })).text);
      const exact = String(created.NodeId);
      const rounded = String(Number(exact)); // what JSON.parse would hand a client
      assert.notEqual(rounded, exact);
      await businessFailure(emu, 'AddTaskFlowEdges', { DagId: '1001', Edges: `[{"NodeFrom":4003,"NodeEnd":${rounded}}]` }, 'InvalidNodeId');
      assertSuccess(await call(emu, 'AddTaskFlowEdges', { DagId: '1001', Edges: `[{"NodeFrom":4003,"NodeEnd":${exact}}]` }));
      assert.deepEqual(emu.getTaskFlow('1001').edges.at(-1).nodeEnd, exact);
    });
  });

  test('JSON-string items of the wrong shape: HTTP 400 InvalidParameter naming the parameter', async () => {
    await withEmulator(FULL, async (emu) => {
      const cases = [
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[1]' }, 'Edges'],
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":4001}]' }, 'Edges'],
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":4001.5,"NodeEnd":4002}]' }, 'Edges'],
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":"4x","NodeEnd":4002}]' }, 'Edges'],
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":9223372036854775808,"NodeEnd":4002}]' }, 'Edges'],
        ['AddTaskFlowEdges', { DagId: '1001', Edges: '[]' }, 'Edges'],
        ['UpdateTaskFlowEdges', { DagId: '1001', Edges: '[{"NodeFrom":4001,"NodeEnd":4002}]' }, 'Edges'], // no Id
        ['ListTaskFlowsByPage', { DagIdList: '[true]' }, 'DagIdList'],
        ['DeleteLhMembers', { ObjectType: '0', ObjectId: '8001', MemberIds: '[{"UserId":1}]' }, 'MemberIds'],
        ['AddLhMembers', { ObjectType: '0', ObjectId: '8001', Members: '[{"UserId":51003}]' }, 'Members'],
        ['AddLhMembers', { ObjectType: '0', ObjectId: '8001', Members: '[{"UserId":51003,"Roles":[]}]' }, 'Members'],
        ['UpdateTaskFlowConstants', { DagId: '1001', DagConstants: '[{"Value":"x"}]' }, 'DagConstants'],
        ['UpdateTaskFlowConstants', { DagId: '1001', DagConstants: '[{"Key":"a","Value":1}]' }, 'DagConstants'],
        ['UpdateTaskFlowConstants', { DagId: '1001', DagConstants: '[{"Key":"a"},{"Key":"a"}]' }, 'DagConstants'],
        ['UpdateTaskFlowCooperators', { DagId: '1001', CooperatorIds: '[null]' }, 'CooperatorIds'],
        ['UpdateTaskFlowTimeVariables', { DagId: '1001', TimeVariables: 'yyyy' }, 'TimeVariables'],
        ['UpdateTaskFlowTimeVariables', { DagId: '1001', TimeVariables: '{"variables":[{"name":"a"}]}' }, 'TimeVariables'],
        ['UpdateTaskTimeVariables', { NodeId: '4001', TimeVariables: '{"vars":[]}' }, 'TimeVariables'],
        ['UpdateTaskFlowSchedule', { DagId: '1001', TriggerType: 'Sometimes', ScheduleSwitch: 'false', ScheduleParam: '{}' }, 'TriggerType'],
        ['UpdateTaskFlowSchedule', { DagId: '1001', TriggerType: 'Cron', CronType: 'YEAR', ScheduleSwitch: 'false', ScheduleParam: '{}' }, 'CronType'],
        ['BackFill', { DagId: '1001', BackFillDate: '2024-02-30' }, 'BackFillDate'],
        ['BackFill', { DagId: '1001', BackFillDateBegin: '2024-03-02', BackFillDateEnd: '2024-03-01' }, 'BackFillDateBegin'],
        ['ListTaskFlowInstance', { DagId: '1001', PageIndex: '1', PageSize: '20', StartTimeBegin: 'yesterday' }, 'StartTimeBegin'],
      ];
      for (const [action, params, name] of cases) {
        const res = await call(emu, action, params);
        assertGateway(res, 400, 'InvalidParameter');
        assert.match(res.json.Message, new RegExp(`"${name}"`), `${action}: ${res.text}`);
      }
      assertGateway(await call(emu, 'DeleteTaskFlowEdgesByCondition', { DagId: '1001' }), 400, 'MissingParameter');
      assertGateway(await call(emu, 'BackFill', { DagId: '1001', BackFillDateBegin: '2024-03-01' }), 400, 'MissingParameter');
      assert.equal(emu.getTaskFlow('1001').edges.length, 2, 'nothing changed');
      assert.deepEqual(emu.getTaskFlow('1001').constants, [{ key: 'target_schema', value: 'dw' }]);
    });
  });
});

// --- V3 signatures ----------------------------------------------------------------------------

const V3_VECTOR = {
  method: 'POST',
  host: 'ecs.cn-shanghai.aliyuncs.com',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  headers: {
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  body: '',
  accessKeyId: 'YourAccessKeyId',
  secret: 'YourAccessKeySecret',
};

/**
 * Builds a V3 request: params in the query string, headers, Authorization. options:
 * method, account, date, nonce, version, body, extraHeaders, signedHeaders, secret, and
 * tamper({ query, headers, body }) to change a copy after signing. Returns
 * { url, method, headers, body, signed }.
 */
function buildV3(emu, action, params = {}, options = {}) {
  const method = options.method ?? 'POST';
  const account = options.account ?? KEY;
  const body = options.body ?? '';
  const headers = {
    'x-acs-action': action,
    'x-acs-version': options.version ?? '2018-11-01',
    'x-acs-date': options.date ?? isoSeconds(Date.now()),
    'x-acs-signature-nonce': options.nonce ?? randomUUID(),
    'x-acs-content-sha256': sha256Hex(body),
    ...(account.securityToken ? { 'x-acs-security-token': account.securityToken } : {}),
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    ...options.extraHeaders,
  };
  const host = new URL(emu.url).host;
  const signed = signV3({
    method,
    host,
    query: params,
    headers,
    body,
    accessKeyId: account.accessKeyId,
    secret: options.secret ?? account.accessKeySecret,
    signedHeaders: options.signedHeaders,
  });
  let request = { query: { ...params }, headers: { ...headers, authorization: signed.authorization }, body };
  if (options.tamper) request = options.tamper(request);
  const search = formEncode(request.query);
  return { url: `${emu.url}/${search ? `?${search}` : ''}`, method, headers: request.headers, body: request.body, signed, host };
}

async function sendV3(emu, action, params, options) {
  const request = buildV3(emu, action, params, options);
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body || undefined });
  return { ...(await readAnswer(res)), request };
}

describe('V3 signatures (ACS3-HMAC-SHA256)', () => {
  test('signV3 reproduces the published vector', () => {
    const signed = signV3(V3_VECTOR);
    assert.equal(signed.stringToSign, 'ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    assert.equal(signed.signature, '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    assert.equal(
      signed.authorization,
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
    assert.equal(
      signed.canonicalRequest,
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n' +
          'x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    // Header names in any case, the query in any order: the same signature.
    const shuffled = signV3({
      ...V3_VECTOR,
      query: { RegionId: 'cn-shanghai', ImageId: V3_VECTOR.query.ImageId },
      headers: Object.fromEntries(Object.entries(V3_VECTOR.headers).map(([k, v]) => [k.toUpperCase(), `  ${v} `])),
    });
    assert.equal(shuffled.signature, signed.signature);
  });

  test('a V3 request is accepted: parameters in the query string, empty body; the record shows it', async () => {
    await withEmulator({}, async (emu) => {
      const res = await sendV3(emu, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001', Tid: '3' });
      assertSuccess(res, { envelope: true });
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      const record = emu.requests.at(-1);
      assert.equal(record.signatureVersion, 'v3');
      assert.equal(record.action, 'StopTaskFlowInstance');
      assert.equal(record.accessKeyId, KEY.accessKeyId);
      assert.equal(record.nonce, res.request.headers['x-acs-signature-nonce']);
      assert.equal(record.timestamp, res.request.headers['x-acs-date']);
      assert.deepEqual(record.params, { DagId: '1001', DagInstanceId: '5001', Tid: '3' });
      assert.deepEqual(emu.nonces, [record.nonce]);
      // A V1 record has no signatureVersion (its shape is unchanged).
      await call(emu, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' });
      assert.equal('signatureVersion' in emu.requests.at(-1), false);
      // GET works the same, and values that need encoding are signed encoded.
      const get = await sendV3(emu, 'ResumeTaskFlowInstance', { DagId: '9007199254740995', DagInstanceId: '9007199254740993', DagVersion: '7' }, { method: 'GET' });
      assertSuccess(get);
      assert.equal(emu.getInstance('9007199254740995', '9007199254740993').status, 'running');
    });
    await withEmulator(FULL, async (emu) => {
      const name = "任务 *(!)~ a+b";
      const res = await sendV3(emu, 'UpdateTaskFlowNameAndDesc', { DagId: '1001', DagName: name, Description: "it's" });
      assertSuccess(res);
      assert.equal(emu.getTaskFlow('1001').name, name);
      const graph = await sendV3(emu, 'GetTaskFlowGraph', { DagId: '1001' });
      assertSuccess(graph);
      assert.match(graph.text, /"Id":9007199254741001,/);
    });
  });

  test('a form body is covered by x-acs-content-sha256; behind a path prefix the canonical URI is still /', async () => {
    await withEmulator({ pathPrefix: '/api/dms' }, async (emu) => {
      assert.match(emu.url, /\/api\/dms$/);
      const body = formEncode({ DagId: '1001', DagInstanceId: '5001' });
      assertSuccess(await sendV3(emu, 'SuspendTaskFlowInstance', {}, { body }));
      assert.equal(emu.getInstance('1001', '5001').status, 'suspended');
    });
  });

  test('STS: the token goes in x-acs-security-token, signed', async () => {
    await withEmulator({}, async (emu) => {
      assertSuccess(await sendV3(emu, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }, { account: STS }));
      assert.equal(emu.requests.at(-1).accessKeyId, STS.accessKeyId);
      const ids = { DagId: '1001', DagInstanceId: '5002' };
      const noToken = { ...STS, securityToken: undefined };
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, { account: noToken }), 400, 'MissingSecurityToken');
      const wrong = await sendV3(emu, 'StopTaskFlowInstance', ids, { account: { ...STS, securityToken: 'other-token' } });
      assertGateway(wrong, 400, 'InvalidSecurityToken.Mismatch');
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, { extraHeaders: { 'x-acs-security-token': 'x' } }), 400, 'InvalidSecurityToken.Malformed');
      // A token sent but left out of SignedHeaders could be swapped: refused.
      const unsigned = await sendV3(emu, 'StopTaskFlowInstance', ids, {
        account: STS,
        signedHeaders: ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'],
      });
      assertGateway(unsigned, 400, 'IncompleteSignature');
      assert.match(unsigned.json.Message, /x-acs-security-token/);
      assert.equal(emu.getInstance('1001', '5002').status, 'suspended');
    });
  });

  test('tampered header, query or body: 400 SignatureDoesNotMatch echoing the server calculation', async () => {
    await withEmulator({}, async (emu) => {
      const ids = { DagId: '1001', DagInstanceId: '5001' };
      // A query parameter changed after signing.
      const query = await sendV3(emu, 'StopTaskFlowInstance', ids, { tamper: (r) => ({ ...r, query: { ...r.query, DagInstanceId: '5002' } }) });
      assertGateway(query, 400, 'SignatureDoesNotMatch');
      // The message holds the server's string to sign and canonical request for what it received.
      const server = signV3({
        method: 'POST',
        host: query.request.host,
        query: { DagId: '1001', DagInstanceId: '5002' },
        headers: Object.fromEntries(Object.entries(query.request.headers).filter(([k]) => k !== 'authorization')),
        body: '',
        accessKeyId: KEY.accessKeyId,
        secret: KEY.accessKeySecret,
      });
      assert.equal(
        query.json.Message,
        `Specified signature is not matched with our calculation. server string to sign is:${server.stringToSign} server canonical request is:${server.canonicalRequest}`,
      );
      // A signed header changed.
      const header = await sendV3(emu, 'StopTaskFlowInstance', ids, {
        tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-acs-action': 'SuspendTaskFlowInstance' } }),
      });
      assertGateway(header, 400, 'SignatureDoesNotMatch');
      // A body added after signing an empty one: its hash is not x-acs-content-sha256.
      const body = await sendV3(emu, 'StopTaskFlowInstance', {}, {
        tamper: (r) => ({ ...r, body: formEncode(ids), headers: { ...r.headers, 'content-type': 'application/x-www-form-urlencoded' } }),
      });
      assertGateway(body, 400, 'SignatureDoesNotMatch');
      assert.match(body.json.Message, /x-acs-content-sha256/);
      // ... and with the header updated to match, the signature no longer does.
      const both = await sendV3(emu, 'StopTaskFlowInstance', {}, {
        tamper: (r) => ({
          ...r,
          body: formEncode(ids),
          headers: { ...r.headers, 'content-type': 'application/x-www-form-urlencoded', 'x-acs-content-sha256': sha256Hex(formEncode(ids)) },
        }),
      });
      assertGateway(both, 400, 'SignatureDoesNotMatch');
      // A wrong secret.
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, { secret: 'not-the-secret' }), 400, 'SignatureDoesNotMatch');
      assert.equal(emu.getInstance('1001', '5001').status, 'running', 'nothing happened');
    });
  });

  test('missing pieces: 400 IncompleteSignature; a wrong algorithm: InvalidSignatureMethod', async () => {
    await withEmulator({}, async (emu) => {
      const ids = { DagId: '1001', DagInstanceId: '5001' };
      for (const name of ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-action', 'x-acs-version']) {
        const res = await sendV3(emu, 'StopTaskFlowInstance', ids, {
          tamper: (r) => ({ ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== name)) }),
        });
        assertGateway(res, 400, 'IncompleteSignature');
        assert.match(res.json.Message, new RegExp(name));
      }
      const withoutPart = (part) => (r) => ({
        ...r,
        headers: { ...r.headers, authorization: r.headers.authorization.split(',').filter((p) => !p.includes(`${part}=`)).join(',') },
      });
      for (const part of ['SignedHeaders', 'Signature']) {
        const res = await sendV3(emu, 'StopTaskFlowInstance', ids, { tamper: withoutPart(part) });
        assertGateway(res, 400, 'IncompleteSignature');
      }
      // Every x-acs-* header sent must be signed, and host too.
      const extra = await sendV3(emu, 'StopTaskFlowInstance', ids, { tamper: (r) => ({ ...r, headers: { ...r.headers, 'x-acs-extra': '1' } }) });
      assertGateway(extra, 400, 'IncompleteSignature');
      const noHost = await sendV3(emu, 'StopTaskFlowInstance', ids, {
        signedHeaders: ['x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'],
      });
      assertGateway(noHost, 400, 'IncompleteSignature');
      assert.match(noHost.json.Message, /host/);
      const sm3 = await sendV3(emu, 'StopTaskFlowInstance', ids, {
        tamper: (r) => ({ ...r, headers: { ...r.headers, authorization: r.headers.authorization.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3') } }),
      });
      assertGateway(sm3, 400, 'InvalidSignatureMethod');
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });

  test('the other gateway checks apply: date window and format, version, key, nonce, action, parameters', async () => {
    let now = Date.UTC(2030, 5, 15, 12, 0, 0);
    await withEmulator({ clock: () => now }, async (emu) => {
      const ids = { DagId: '1001', DagInstanceId: '5001' };
      const at = (ms) => ({ date: isoSeconds(ms) });
      const expired = await sendV3(emu, 'StopTaskFlowInstance', ids, at(now - 16 * MINUTE));
      assertGateway(expired, 400, 'InvalidTimeStamp.Expired');
      assert.equal(new Date(expired.headers.get('date')).getTime(), now);
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, at(now + 16 * MINUTE)), 400, 'InvalidTimeStamp.Expired');
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, { date: '2030-06-15 12:00:00' }), 400, 'InvalidTimeStamp.Format');
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, { ...at(now), version: '2014-05-26' }), 400, 'InvalidVersion');
      const stranger = { accessKeyId: 'Nobody', accessKeySecret: 'x' };
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', ids, { ...at(now), account: stranger }), 404, 'InvalidAccessKeyId.NotFound');
      const nonce = randomUUID();
      assertSuccess(await sendV3(emu, 'SuspendTaskFlowInstance', ids, { ...at(now + 14 * MINUTE), nonce }));
      const reused = await sendV3(emu, 'StopTaskFlowInstance', ids, { ...at(now), nonce });
      assertGateway(reused, 400, 'SignatureNonceUsed');
      assertGateway(await sendV3(emu, 'DescribeRegions', {}, at(now)), 404, 'InvalidApi.NotFound');
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', { DagId: '1001' }, at(now)), 400, 'MissingParameter');
      assertGateway(await sendV3(emu, 'StopTaskFlowInstance', { ...ids, Bogus: '1' }, at(now)), 400, 'InvalidParameter');
      assert.equal(emu.getInstance('1001', '5001').status, 'suspended');
    });
  });

  test('with cors: true, preflights allow authorization and the x-acs-* headers', async () => {
    await withEmulator({ cors: true }, async (emu) => {
      const asked = 'authorization,x-acs-action,x-acs-content-sha256,x-acs-date,x-acs-signature-nonce,x-acs-version,x-acs-security-token';
      const preflight = await fetch(emu.url, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': asked },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-headers'), asked);
      const bare = await fetch(emu.url, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173' } });
      const allowed = bare.headers.get('access-control-allow-headers').toLowerCase().split(/,\s*/);
      for (const name of ['content-type', 'authorization', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-security-token']) {
        assert.ok(allowed.includes(name), `${name} allowed by default`);
      }
      const res = await sendV3(emu, 'StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }, { extraHeaders: {} });
      assertSuccess(res);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    });
  });
});

// --- V1 presigned GET ------------------------------------------------------------------------------

describe('V1 as a GET with everything in the query string (a presigned URL)', () => {
  test('accepted, signed for GET; the same URL signed for POST is refused', async () => {
    await withEmulator({ pathPrefix: '/api/dms' }, async (emu) => {
      const params = signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }, { method: 'GET' });
      const url = `${emu.url}/?${formEncode(params)}`;
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).Success, true);
      assert.equal(emu.getInstance('1001', '5001').status, 'stopped');
      assert.equal(emu.requests.at(-1).method, 'GET');
      assert.deepEqual(emu.requests.at(-1).params, params);
      // Replaying the same URL: its nonce is used.
      assertGateway(await send(url, { method: 'GET' }), 400, 'SignatureNonceUsed');
      const forPost = signedParams('StopTaskFlowInstance', { DagId: '1001', DagInstanceId: '5002' }, { method: 'POST' });
      assertGateway(await send(emu.url, { method: 'GET', params: forPost }), 400, 'SignatureDoesNotMatch');
      // Encoded as percentEncode does (%20, %2A): still the same parameters.
      const odd = signedParams('ReRunTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001', DagVersion: '3' }, { method: 'GET' });
      const manual = Object.entries(odd).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
      assertSuccess(await send(`${emu.url}?${manual}`, { method: 'GET' }));
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
    });
  });
});

// --- instances over time ----------------------------------------------------------------------------

describe('driving an instance over time', () => {
  test('scheduleTransition: running, then succeeded, as ListTaskFlowInstance sees it', async () => {
    await withEmulator(FULL, async (emu) => {
      const run = parseExact((await call(emu, 'TryRunTaskFlow', { DagId: '1001' })).text).InstanceId;
      const statusOf = async () => {
        const list = parseExact((await call(emu, 'ListTaskFlowInstance', { DagId: '1001', PageIndex: '1', PageSize: '100' })).text);
        const row = list.DAGInstanceList.DAGInstance.find((r) => String(r.Id) === run);
        return [String(row.Status), row.EndTime];
      };
      assert.deepEqual(await statusOf(), ['1', '']);
      const plan = emu.scheduleTransition('1001', run, [
        { afterMs: 50, status: 'running' },
        { afterMs: 400, status: 'succeeded' },
      ]);
      assert.deepEqual(await statusOf(), ['1', ''], 'still running before the step');
      assert.equal(await plan.done, true);
      const [status, endTime] = await statusOf();
      assert.equal(status, '4');
      assert.match(endTime, /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$/);
      assert.equal(emu.getInstance('1001', run).status, 'succeeded');
    });
  });

  test('advanceInstance; cancel and close() clear pending steps; bad plans are refused', async () => {
    const emu = await startEmulator();
    try {
      assert.deepEqual(emu.advanceInstance('1001', '5001', 'failed'), { dagId: '1001', dagInstanceId: '5001', status: 'failed', dagVersion: '3' });
      assertSuccess(await call(emu, 'ReRunTaskFlowInstance', { DagId: '1001', DagInstanceId: '5001' }));
      const cancelled = emu.scheduleTransition('1001', '5001', [{ afterMs: 30, status: 'succeeded' }]);
      cancelled.cancel();
      assert.equal(await cancelled.done, false);
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(emu.getInstance('1001', '5001').status, 'running');
      assert.throws(() => emu.scheduleTransition('1001', '5999', [{ afterMs: 1, status: 'succeeded' }]), RangeError);
      assert.throws(() => emu.scheduleTransition('1001', '5001', [{ afterMs: 1, status: 'done' }]), TypeError);
      assert.throws(() => emu.scheduleTransition('1001', '5001', [{ afterMs: -1, status: 'succeeded' }]), RangeError);
      assert.throws(() => emu.scheduleTransition('1001', '5001', []), TypeError);
      assert.throws(() => emu.advanceInstance('1001', '5001', 'paused'), TypeError);
      const pending = emu.scheduleTransition('1001', '5002', [{ afterMs: 600_000, status: 'running' }]);
      const started = Date.now();
      await emu.close();
      assert.equal(await pending.done, false);
      assert.ok(Date.now() - started < 1000, 'close() does not wait for the timers');
      assert.equal(emu.getInstance('1001', '5002').status, 'suspended');
    } finally {
      await emu.close();
    }
  });
});
