// The task-flow operations other than the instance ones (state.mjs has those),
// for model 'full': one handler per action, each (store, params) → result.
//
// Parameters arrive as text that passed the gateway checks (int64 text for
// 'number' params, 'true'/'false' for booleans, valid JSON for JSON-string
// params). Each handler first validates what the gateway cannot (the items
// inside JSON-string parameters, enumerations: a GatewayError, HTTP 400
// InvalidParameter), then looks things up (a business failure, HTTP 200
// Success false: InvalidDagId, InvalidNodeId, ...), and only then changes the
// model, so a refused request changes nothing.
//
// Responses follow the `response` fields of spec/taskflow-operations.json:
// a field typed number that holds an id is a BigInt (written as an exact
// number literal by responses.mjs); one typed string is the decimal string.

import { invalidParameter, missingParameter } from './checks.mjs';
import { LIST_STATUS_CODES, fail, ok } from './codes.mjs';
import { canonicalId, parseInt64 } from './ids.mjs';
import { isJsonObject, parseJsonExact } from './json.mjs';

// --- conventions ----------------------------------------------------------------

/** Node types the emulator knows, with the number GetTaskFlowGraph and GetTaskInstanceRelation report (its own codes). */
export const NODE_TYPES = Object.freeze({ SQL: 1, DATA_SYNC: 2, SCRIPT: 3, VIRTUAL: 4, CHECK: 5, SHELL: 6 });

/** UpdateTaskFlowSchedule's CronType names and the numbers ListTaskFlowsByPage reports (2-5 as documented; 0: none). */
export const CRON_TYPES = Object.freeze({ MINUTE: 1, HOUR: 2, DAY: 3, WEEK: 4, MONTH: 5 });

/** UpdateTaskFlowSchedule's TriggerType names and ListTaskFlowsByPage's numbers (0 periodic, 1 not periodic). */
export const FLOW_TRIGGER_TYPES = Object.freeze({ Cron: 0, Event: 1 });

/** Lh object types (AddLhMembers, DeleteLhMembers) and the roles each takes. */
export const LH_OBJECT_ROLES = Object.freeze({ 0: ['ADMIN', 'MEMBER'], 1: ['DEVELOPER'] });

/** Instance TriggerType: 0 periodic scheduling, 1 manual (BackFill, TryRunTaskFlow). */
const MANUAL = 1;

const MAX_BACKFILL_DAYS = 366;

// --- helpers ------------------------------------------------------------------------

/** 'YYYY-MM-DD hh:mm:ss' (UTC) for a time in ms: the DMS console's format. */
export function formatTime(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const big = (id) => (id === null || id === undefined ? 0n : BigInt(id));
const present = (value) => value !== undefined && value !== '';

/** A number-typed id parameter: the gateway checked it, so it is int64 text. */
const idParam = (params, name) => parseInt64(params[name]).toString();
const optionalIdParam = (params, name) => (present(params[name]) ? idParam(params, name) : null);

/** A string-typed id parameter (NodeId of UpdateTask*, ScenarioId of UpdateScenario): null unless int64 text. */
const stringIdParam = (params, name) => parseInt64(params[name])?.toString() ?? null;

function jsonParam(params, name) {
  try {
    return parseJsonExact(params[name]);
  } catch (error) {
    throw invalidParameter(name, `not valid JSON (${error.message})`);
  }
}

/** An id inside a JSON-string parameter: an integer literal (kept exact) or a decimal string. */
function jsonId(value, param, where) {
  if (typeof value === 'bigint') {
    try {
      return canonicalId(value);
    } catch {
      // out of the int64 range: refused below
    }
  } else if (typeof value === 'string') {
    const parsed = parseInt64(value);
    if (parsed !== null) return parsed.toString();
  }
  throw invalidParameter(param, `${where} must be an int64 id, as a JSON integer or a decimal string`);
}

function jsonArray(params, name) {
  const value = jsonParam(params, name);
  if (!Array.isArray(value)) throw invalidParameter(name, 'expected a JSON array');
  return value;
}

function jsonObjects(params, name) {
  const items = jsonArray(params, name);
  items.forEach((item, index) => {
    if (!isJsonObject(item)) throw invalidParameter(name, `item ${index} must be a JSON object`);
  });
  return items;
}

function jsonIds(params, name) {
  return jsonArray(params, name).map((item, index) => jsonId(item, name, `item ${index}`));
}

function jsonText(value, param, where, { required = true } = {}) {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || (required && value === '')) {
    throw invalidParameter(param, `${where} must be a non-empty JSON string`);
  }
  return value;
}

/**
 * Time variables, as {"variables":[{"name","pattern"}]} (the documented form)
 * or a bare array of them. Returns [{ name, pattern }].
 */
function parseTimeVariables(params, name) {
  const value = jsonParam(params, name);
  const items = Array.isArray(value) ? value : isJsonObject(value) && Array.isArray(value.variables) ? value.variables : null;
  if (!items) throw invalidParameter(name, 'expected {"variables":[{"name":...,"pattern":...}]}');
  const seen = new Set();
  return items.map((item, index) => {
    if (!isJsonObject(item)) throw invalidParameter(name, `variable ${index} must be an object`);
    const variable = { name: jsonText(item.name, name, `variable ${index}: name`), pattern: jsonText(item.pattern, name, `variable ${index}: pattern`) };
    if (seen.has(variable.name)) throw invalidParameter(name, `variable "${variable.name}" is given twice`);
    seen.add(variable.name);
    return variable;
  });
}

function nonEmpty(params, name) {
  const value = params[name];
  if (!present(value)) throw missingParameter(name);
  return value;
}

function clamp(textValue, min, max, fallback) {
  if (!present(textValue)) return fallback;
  const value = parseInt64(textValue);
  if (value === null || value < BigInt(min)) return min;
  return value > BigInt(max) ? max : Number(value);
}

/**
 * One page of `items` from PageIndex and PageSize; out-of-range values are
 * clamped (page size 1-100), not refused. Absent: page 1 of `defaultSize`.
 */
export function pageOf(items, params, { defaultSize = 20 } = {}) {
  const pageSize = clamp(params.PageSize, 1, 100, defaultSize);
  const pageIndex = clamp(params.PageIndex, 1, 1_000_000, 1);
  return items.slice((pageIndex - 1) * pageSize, pageIndex * pageSize);
}

const nickOf = (store, userId) => (userId === null ? '' : store.users.get(userId)?.nickName ?? '');

const noFlow = (dagId) => fail('InvalidDagId', `The task flow ${dagId} does not exist.`);
const noNode = (nodeId) => fail('InvalidNodeId', `The task node ${nodeId} does not exist.`);
const noScenario = (scenarioId) => fail('InvalidScenarioId', `The scenario ${scenarioId} does not exist.`);
const noUser = (userId) => fail('InvalidUserId', `The user ${userId} does not exist.`);

export function knownTaskFlowOrInstances(store, dagId) {
  if (store.flows.has(dagId)) return true;
  for (const record of store.instances.values()) if (record.dagId === dagId) return true;
  return false;
}

const tasksOf = (store, dagId) => [...store.tasks.values()].filter((task) => task.dagId === dagId);
const edgesOf = (store, dagId) => [...store.edges.values()].filter((edge) => edge.dagId === dagId);
const instancesOf = (store, dagId) => [...store.instances.values()].filter((record) => record.dagId === dagId).sort((a, b) => a.seq - b.seq);

/** Documented: 0 invalid (nothing deployed), 1 scheduling disabled, 2 waiting to be scheduled. */
export function flowStatusCode(flow) {
  if (flow.status !== 'deployed') return 0;
  return flow.schedule.scheduleSwitch ? 2 : 1;
}

function latestInstance(store, dagId) {
  return instancesOf(store, dagId).at(-1) ?? null;
}

/** The tasks of a flow in topological order (ties: creation order). */
function topologicalTasks(store, dagId) {
  const tasks = tasksOf(store, dagId);
  const edges = edgesOf(store, dagId);
  const incoming = new Map(tasks.map((task) => [task.nodeId, 0]));
  for (const edge of edges) incoming.set(edge.nodeEnd, (incoming.get(edge.nodeEnd) ?? 0) + 1);
  const order = [];
  const ready = tasks.filter((task) => incoming.get(task.nodeId) === 0);
  while (ready.length > 0) {
    const task = ready.shift();
    order.push(task);
    for (const edge of edges.filter((e) => e.nodeFrom === task.nodeId)) {
      incoming.set(edge.nodeEnd, incoming.get(edge.nodeEnd) - 1);
      if (incoming.get(edge.nodeEnd) === 0) ready.push(store.tasks.get(edge.nodeEnd));
    }
  }
  return order;
}

/** Whether the edges (pairs nodeFrom → nodeEnd) contain a cycle. */
function hasCycle(pairs) {
  const next = new Map();
  for (const { nodeFrom, nodeEnd } of pairs) {
    if (!next.has(nodeFrom)) next.set(nodeFrom, []);
    next.get(nodeFrom).push(nodeEnd);
  }
  const state = new Map(); // 1 visiting, 2 done
  const visit = (node) => {
    if (state.get(node) === 1) return true;
    if (state.get(node) === 2) return false;
    state.set(node, 1);
    for (const to of next.get(node) ?? []) if (visit(to)) return true;
    state.set(node, 2);
    return false;
  };
  return [...next.keys()].some(visit);
}

/**
 * Checks a set of edges a task flow would have: nodes of that flow, no
 * self-loop, no duplicate, no cycle. Returns a failure or null.
 */
function checkEdges(store, dagId, pairs) {
  const seen = new Set();
  for (const { nodeFrom, nodeEnd } of pairs) {
    for (const nodeId of [nodeFrom, nodeEnd]) {
      const task = store.tasks.get(nodeId);
      if (!task) return noNode(nodeId);
      if (task.dagId !== dagId) return fail('InvalidNodeId', `The task node ${nodeId} is not in task flow ${dagId}.`);
    }
    if (nodeFrom === nodeEnd) return fail('InvalidEdge', `An edge cannot join node ${nodeFrom} to itself.`);
    const key = `${nodeFrom}>${nodeEnd}`;
    if (seen.has(key)) return fail('InvalidEdge', `The edge ${nodeFrom} -> ${nodeEnd} is given twice.`);
    seen.add(key);
  }
  if (hasCycle(pairs)) return fail('InvalidEdge', `The edges would make task flow ${dagId} cyclic.`);
  return null;
}

function edgePairs(items, param, { withId }) {
  return items.map((item, index) => ({
    id: withId === 'required' || (withId === 'optional' && item.Id !== undefined && item.Id !== null) ? jsonId(item.Id, param, `item ${index}: Id`) : null,
    nodeFrom: jsonId(item.NodeFrom, param, `item ${index}: NodeFrom`),
    nodeEnd: jsonId(item.NodeEnd, param, `item ${index}: NodeEnd`),
  }));
}

// --- response rows ---------------------------------------------------------------

/** A ListTaskFlowInstance row: DagId a string, Id a number (as the real API sends them). */
export function instanceRow(store, record) {
  const flow = store.flows.get(record.dagId);
  return {
    BusinessTime: record.businessTime,
    DagId: record.dagId,
    DagName: flow?.name ?? `emulator-task-flow-${record.dagId}`,
    DagVersion: record.dagVersion,
    EndTime: record.endTime,
    HistoryDagId: big(record.historyDagId),
    Id: BigInt(record.dagInstanceId),
    Message: record.message,
    OwnerName: flow ? nickOf(store, flow.ownerId) : '',
    Status: LIST_STATUS_CODES[record.status],
    TriggerType: record.triggerType,
    startTime: record.startTime,
  };
}

function taskFlowRow(store, flow) {
  const latest = latestInstance(store, flow.dagId);
  return {
    CreatorId: flow.creatorId ?? '',
    CreatorNickName: nickOf(store, flow.creatorId),
    DagOwnerNickName: nickOf(store, flow.ownerId),
    DeployId: big(flow.deployId),
    Id: BigInt(flow.dagId),
    LatestInstanceStatus: latest ? LIST_STATUS_CODES[latest.status] : 0,
    LatestInstanceTime: latest?.startTime ?? '',
    Status: flowStatusCode(flow),
  };
}

function taskFlowPageRow(store, flow) {
  const latest = latestInstance(store, flow.dagId);
  const schedule = flow.schedule;
  return {
    CreatorId: flow.creatorId ?? '',
    CreatorNickName: nickOf(store, flow.creatorId),
    CronBeginDate: schedule.cronBeginDate,
    CronEndDate: schedule.cronEndDate,
    CronStr: schedule.cronStr,
    CronSwitch: schedule.scheduleSwitch,
    CronType: CRON_TYPES[schedule.cronType] ?? 0,
    DagName: flow.name,
    DagOwnerId: flow.ownerId ?? '',
    DagOwnerNickName: nickOf(store, flow.ownerId),
    DeployId: big(flow.deployId),
    Description: flow.description,
    Id: BigInt(flow.dagId),
    LatestInstanceStatus: latest ? LIST_STATUS_CODES[latest.status] : 0,
    LatestInstanceTime: latest?.startTime ?? '',
    ScenarioId: flow.scenarioId ?? '',
    ScheduleParam: schedule.scheduleParam,
    Status: flowStatusCode(flow),
    TimeZoneId: schedule.timeZoneId,
    TriggerType: FLOW_TRIGGER_TYPES[schedule.triggerType] ?? MANUAL,
  };
}

function lhDagRow(store, flow) {
  const latest = latestInstance(store, flow.dagId);
  const latestMs = latest?.startTime ? Date.parse(`${latest.startTime.replace(' ', 'T')}Z`) : 0;
  return {
    CanEdit: true,
    CreatorId: flow.creatorId ?? '',
    CreatorNickName: nickOf(store, flow.creatorId),
    DagName: flow.name,
    DagOwnerId: flow.ownerId ?? '',
    DagOwnerNickName: nickOf(store, flow.ownerId),
    DataFlowId: 0,
    DemoId: '',
    DeployId: big(flow.deployId),
    Id: BigInt(flow.dagId),
    IsDeleted: false,
    LatestInstanceStatus: latest ? LIST_STATUS_CODES[latest.status] : 0,
    LatestInstanceTime: Number.isFinite(latestMs) ? latestMs : 0,
    ScenarioId: big(flow.scenarioId),
    SpaceId: big(flow.spaceId),
    Status: flowStatusCode(flow),
  };
}

// --- scenarios ---------------------------------------------------------------------

function scenarioNameTaken(store, name, exceptId = null) {
  for (const scenario of store.scenarios.values()) if (scenario.name === name && scenario.id !== exceptId) return true;
  return false;
}

function createScenario(store, params) {
  const name = nonEmpty(params, 'ScenarioName');
  if (scenarioNameTaken(store, name)) return fail('DuplicateScenarioName', `A scenario named ${JSON.stringify(name)} already exists.`);
  const id = store.ids.scenario.next();
  store.scenarios.set(id, { id, name, description: params.Description ?? '', creatorId: store.callerId });
  return ok({ ScenarioId: BigInt(id) });
}

function updateScenario(store, params) {
  const name = nonEmpty(params, 'ScenarioName');
  const id = stringIdParam(params, 'ScenarioId');
  const scenario = id === null ? undefined : store.scenarios.get(id);
  if (!scenario) return noScenario(params.ScenarioId);
  if (scenarioNameTaken(store, name, id)) return fail('DuplicateScenarioName', `A scenario named ${JSON.stringify(name)} already exists.`);
  scenario.name = name;
  if (params.Description !== undefined) scenario.description = params.Description;
  return ok();
}

function deleteScenario(store, params) {
  const id = idParam(params, 'ScenarioId');
  if (!store.scenarios.has(id)) return noScenario(id);
  const flows = [...store.flows.values()].filter((flow) => flow.scenarioId === id);
  if (flows.length > 0) {
    return fail('ScenarioNotEmpty', `The scenario ${id} still holds task flows ${flows.map((f) => f.dagId).join(', ')}; move or delete them first.`);
  }
  store.scenarios.delete(id);
  return ok();
}

function listScenarios(store) {
  return ok({
    ScenarioList: [...store.scenarios.values()].map((scenario) => ({
      CreatorId: scenario.creatorId ?? '',
      Description: scenario.description,
      Id: BigInt(scenario.id),
      ScenarioName: scenario.name,
    })),
  });
}

// --- task flows ----------------------------------------------------------------------

function flowNameTaken(store, name, exceptId = null) {
  for (const flow of store.flows.values()) if (flow.name === name && flow.dagId !== exceptId) return true;
  return false;
}

/** Runs fn(flow) for an existing task flow, or answers InvalidDagId. */
const withFlow = (fn) => (store, params) => {
  const dagId = idParam(params, 'DagId');
  const flow = store.flows.get(dagId);
  return flow ? fn(store, params, flow) : noFlow(dagId);
};

function createTaskFlow(store, params) {
  const name = nonEmpty(params, 'DagName');
  const scenarioId = optionalIdParam(params, 'ScenarioId');
  const scenario = scenarioId === null || scenarioId === '0' ? null : scenarioId;
  if (scenario !== null && !store.scenarios.has(scenario)) return noScenario(scenario);
  if (flowNameTaken(store, name)) return fail('DuplicateDagName', `A task flow named ${JSON.stringify(name)} already exists.`);
  const dagId = store.ids.dag.next();
  store.flows.set(dagId, {
    dagId,
    name,
    description: params.Description ?? '',
    scenarioId: scenario,
    spaceId: store.spaces.keys().next().value ?? null, // the first workspace: the emulator's default
    ownerId: store.callerId,
    creatorId: store.callerId,
    status: 'draft',
    versions: [],
    currentVersion: null,
    deployId: null,
    constants: [],
    timeVariables: [],
    notification: { fail: false, sla: false, success: false },
    schedule: {
      triggerType: null,
      cronType: null,
      cronStr: '',
      cronBeginDate: '',
      cronEndDate: '',
      scheduleSwitch: false,
      scheduleParam: '',
      timeZoneId: 'Asia/Shanghai',
    },
    cooperatorIds: [],
  });
  return ok({ DagId: BigInt(dagId) });
}

const deleteTaskFlow = withFlow((store, params, flow) => {
  const active = instancesOf(store, flow.dagId).filter((record) => record.status === 'running' || record.status === 'suspended');
  if (active.length > 0) {
    return fail('InvalidStatus', `The task flow ${flow.dagId} has running or suspended instances (${active.map((r) => r.dagInstanceId).join(', ')}); stop them first.`);
  }
  for (const task of tasksOf(store, flow.dagId)) store.tasks.delete(task.nodeId);
  for (const edge of edgesOf(store, flow.dagId)) store.edges.delete(edge.id);
  for (const [key, record] of store.instances) if (record.dagId === flow.dagId) store.instances.delete(key);
  store.lhMembers.delete(`1/${flow.dagId}`);
  store.flows.delete(flow.dagId);
  return ok();
});

const updateTaskFlowNameAndDesc = withFlow((store, params, flow) => {
  const name = nonEmpty(params, 'DagName');
  if (flowNameTaken(store, name, flow.dagId)) return fail('DuplicateDagName', `A task flow named ${JSON.stringify(name)} already exists.`);
  flow.name = name;
  if (params.Description !== undefined) flow.description = params.Description;
  return ok();
});

const moveTaskFlowToScenario = withFlow((store, params, flow) => {
  const scenarioId = optionalIdParam(params, 'ScenarioId');
  const target = scenarioId === null || scenarioId === '0' ? null : scenarioId;
  if (target !== null && !store.scenarios.has(target)) return noScenario(target);
  flow.scenarioId = target;
  return ok();
});

function listTaskFlow(store) {
  return ok({ TaskFlowList: { TaskFlow: [...store.flows.values()].map((flow) => taskFlowRow(store, flow)) } });
}

function listTaskFlowsByPage(store, params) {
  const dagIds = present(params.DagIdList) ? new Set(jsonIds(params, 'DagIdList')) : null;
  const scenarioId = optionalIdParam(params, 'ScenarioId');
  if (scenarioId !== null && !store.scenarios.has(scenarioId)) return noScenario(scenarioId);
  const search = (params.SearchKey ?? '').toLowerCase();
  const matching = [...store.flows.values()].filter(
    (flow) =>
      (dagIds === null || dagIds.has(flow.dagId)) &&
      (scenarioId === null || flow.scenarioId === scenarioId) &&
      (search === '' || flow.name.toLowerCase().includes(search)),
  );
  return ok({
    TaskFlowList: { TaskFlow: pageOf(matching, params).map((flow) => taskFlowPageRow(store, flow)) },
    TotalCount: matching.length,
  });
}

function listLhTaskFlowAndScenario(store, params) {
  const spaceId = idParam(params, 'SpaceId');
  if (!store.spaces.has(spaceId)) return fail('InvalidSpaceId', `The workspace ${spaceId} does not exist.`);
  const userId = optionalIdParam(params, 'UserId');
  if (userId !== null && !store.users.has(userId)) return noUser(userId);
  // With UserId: the task flows that user owns, created, cooperates on or develops.
  const visible = (flow) =>
    userId === null ||
    flow.ownerId === userId ||
    flow.creatorId === userId ||
    flow.cooperatorIds.includes(userId) ||
    store.lhMembers.get(`1/${flow.dagId}`)?.has(userId) === true;
  const flows = [...store.flows.values()].filter((flow) => flow.spaceId === spaceId && visible(flow));
  return ok({
    RawDAGList: { Dag: flows.filter((flow) => flow.scenarioId === null).map((flow) => lhDagRow(store, flow)) },
    ScenarioDAGList: {
      ScenarioDAG: [...store.scenarios.values()].map((scenario) => ({
        DagList: { Dag: flows.filter((flow) => flow.scenarioId === scenario.id).map((flow) => lhDagRow(store, flow)) },
        Scenario: { CreatorId: scenario.creatorId ?? '', Description: scenario.description, ScenarioName: scenario.name },
      })),
    },
  });
}

// --- publishing ----------------------------------------------------------------------

const publishAndDeployTaskFlow = withFlow((store, params, flow) => {
  const last = flow.versions.reduce((max, v) => (BigInt(v.versionId) > max ? BigInt(v.versionId) : max), 0n);
  const versionId = (last + 1n).toString();
  flow.versions.push({ versionId, comments: params.VersionComments ?? '', dagName: flow.name, ownerId: flow.ownerId });
  flow.currentVersion = versionId;
  flow.deployId = store.ids.deploy.next();
  flow.status = 'deployed';
  return ok({ DeployId: BigInt(flow.deployId) });
});

const reDeployLhDagVersion = withFlow((store, params, flow) => {
  const wanted = optionalIdParam(params, 'DagVersion') ?? flow.currentVersion;
  if (wanted === null) return fail('InvalidDagVersion', `The task flow ${flow.dagId} has no published version.`);
  if (!flow.versions.some((v) => v.versionId === wanted)) {
    return fail('InvalidDagVersion', `The task flow ${flow.dagId} has no version ${wanted}.`);
  }
  flow.currentVersion = wanted;
  flow.deployId = store.ids.deploy.next();
  flow.status = 'deployed';
  return ok({ DeployId: BigInt(flow.deployId) });
});

const offlineTaskFlow = withFlow((store, params, flow) => {
  if (flow.status !== 'deployed') return fail('InvalidStatus', `The task flow ${flow.dagId} is ${flow.status}, not deployed.`);
  flow.status = 'offline';
  return ok();
});

const listDagVersions = withFlow((store, params, flow) => {
  const newestFirst = [...flow.versions].reverse();
  return ok({
    DagVersionList: {
      DagVersion: pageOf(newestFirst, params).map((version) => {
        const index = flow.versions.indexOf(version);
        return {
          DagName: version.dagName,
          DagOwnerId: version.ownerId ?? '',
          DagOwnerNickName: nickOf(store, version.ownerId),
          LastVersionId: big(index > 0 ? flow.versions[index - 1].versionId : null), // the version before it; 0 for the first
          VersionComments: version.comments,
          VersionId: BigInt(version.versionId),
        };
      }),
    },
    TotalCount: flow.versions.length,
  });
});

// --- settings of a task flow ------------------------------------------------------------

const listTaskFlowConstants = withFlow((store, params, flow) =>
  ok({ DagConstants: { DagConstant: flow.constants.map(({ key, value }) => ({ Key: key, Value: value })) } }),
);

function updateTaskFlowConstants(store, params) {
  const items = present(params.DagConstants) ? jsonObjects(params, 'DagConstants') : [];
  const seen = new Set();
  const constants = items.map((item, index) => {
    const key = jsonText(item.Key, 'DagConstants', `item ${index}: Key`);
    if (seen.has(key)) throw invalidParameter('DagConstants', `the key ${JSON.stringify(key)} is given twice`);
    seen.add(key);
    const value = item.Value === undefined ? '' : item.Value;
    if (typeof value !== 'string') throw invalidParameter('DagConstants', `item ${index}: Value must be a string`);
    return { key, value };
  });
  return withFlow((s, p, flow) => {
    flow.constants = constants; // the list replaces the old one
    return ok();
  })(store, params);
}

const listTaskFlowTimeVariables = withFlow((store, params, flow) =>
  ok({ TimeVariables: { TimeVariable: flow.timeVariables.map(({ name, pattern }) => ({ Name: name, Pattern: pattern })) } }),
);

function updateTaskFlowTimeVariables(store, params) {
  nonEmpty(params, 'TimeVariables');
  const variables = parseTimeVariables(params, 'TimeVariables');
  return withFlow((s, p, flow) => {
    flow.timeVariables = variables;
    return ok();
  })(store, params);
}

const getTaskFlowNotification = withFlow((store, params, flow) =>
  ok({
    Notification: {
      DagNotificationFail: flow.notification.fail,
      DagNotificationSla: flow.notification.sla,
      DagNotificationSuccess: flow.notification.success,
    },
  }),
);

const updateTaskFlowNotification = withFlow((store, params, flow) => {
  flow.notification = {
    fail: params.DagNotificationFail === 'true',
    sla: params.DagNotificationSla === 'true',
    success: params.DagNotificationSuccess === 'true',
  };
  return ok();
});

function enumValue(params, name, values) {
  const value = params[name];
  if (!present(value)) return null;
  const match = Object.keys(values).find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) throw invalidParameter(name, `expected one of ${Object.keys(values).join(', ')}`);
  return match;
}

function updateTaskFlowSchedule(store, params) {
  const triggerType = enumValue(params, 'TriggerType', FLOW_TRIGGER_TYPES);
  if (triggerType === null) throw missingParameter('TriggerType');
  const cronType = enumValue(params, 'CronType', CRON_TYPES);
  const scheduleSwitch = params.ScheduleSwitch === 'true';
  if (triggerType === 'Cron' && scheduleSwitch && !present(params.CronStr)) throw missingParameter('CronStr');
  return withFlow((s, p, flow) => {
    flow.schedule = {
      triggerType,
      cronType: cronType ?? flow.schedule.cronType,
      cronStr: params.CronStr ?? flow.schedule.cronStr,
      cronBeginDate: params.CronBeginDate ?? flow.schedule.cronBeginDate,
      cronEndDate: params.CronEndDate ?? flow.schedule.cronEndDate,
      scheduleSwitch,
      scheduleParam: params.ScheduleParam,
      timeZoneId: params.TimeZoneId ?? flow.schedule.timeZoneId,
    };
    return ok();
  })(store, params);
}

const listTaskFlowCooperators = withFlow((store, params, flow) =>
  ok({
    CooperatorList: {
      Cooperator: flow.cooperatorIds.map((userId) => {
        const user = store.users.get(userId);
        return { Email: user?.email ?? '', LoginName: user?.loginName ?? '', NickName: user?.nickName ?? '', UserId: userId };
      }),
    },
  }),
);

function updateTaskFlowCooperators(store, params) {
  const ids = present(params.CooperatorIds) ? jsonIds(params, 'CooperatorIds') : [];
  return withFlow((s, p, flow) => {
    for (const userId of ids) if (!store.users.has(userId)) return noUser(userId);
    flow.cooperatorIds = [...new Set(ids)]; // the list replaces the old one
    return ok();
  })(store, params);
}

function changeOwner(name) {
  return withFlow((store, params, flow) => {
    const userId = name === 'NewOwnerId' ? stringIdParam(params, name) : idParam(params, name);
    if (userId === null || !store.users.has(userId)) return noUser(params[name]);
    flow.ownerId = userId;
    return ok();
  });
}

// --- Lh members --------------------------------------------------------------------------

function lhObject(store, params) {
  const objectType = Number(parseInt64(params.ObjectType));
  const objectId = idParam(params, 'ObjectId');
  if (!Object.hasOwn(LH_OBJECT_ROLES, objectType)) {
    return { failure: fail('InvalidObjectType', `ObjectType ${params.ObjectType} is neither 0 (workspace) nor 1 (task flow).`) };
  }
  if (objectType === 0 && !store.spaces.has(objectId)) return { failure: fail('InvalidSpaceId', `The workspace ${objectId} does not exist.`) };
  if (objectType === 1 && !store.flows.has(objectId)) return { failure: noFlow(objectId) };
  return { objectType, objectId, key: `${objectType}/${objectId}` };
}

function addLhMembers(store, params) {
  const members = jsonObjects(params, 'Members').map((item, index) => {
    const roles = item.Roles;
    if (!Array.isArray(roles) || roles.length === 0 || roles.some((role) => typeof role !== 'string' || role === '')) {
      throw invalidParameter('Members', `item ${index}: Roles must be a non-empty array of role names`);
    }
    return { userId: jsonId(item.UserId, 'Members', `item ${index}: UserId`), roles };
  });
  const target = lhObject(store, params);
  if (target.failure) return target.failure;
  for (const { userId, roles } of members) {
    if (!store.users.has(userId)) return noUser(userId);
    const bad = roles.find((role) => !LH_OBJECT_ROLES[target.objectType].includes(role));
    if (bad !== undefined) {
      return fail('InvalidRole', `The role ${bad} does not apply to ObjectType ${target.objectType}; use ${LH_OBJECT_ROLES[target.objectType].join(' or ')}.`);
    }
    if (target.objectType === 1) {
      const spaceId = store.flows.get(target.objectId).spaceId;
      if (spaceId === null || !store.lhMembers.get(`0/${spaceId}`)?.has(userId)) {
        return fail('NotSpaceMember', `The user ${userId} must be a member of workspace ${spaceId} before becoming a task flow developer.`);
      }
    }
  }
  if (!store.lhMembers.has(target.key)) store.lhMembers.set(target.key, new Map());
  const current = store.lhMembers.get(target.key);
  for (const { userId, roles } of members) current.set(userId, [...new Set([...(current.get(userId) ?? []), ...roles])]);
  return ok();
}

function deleteLhMembers(store, params) {
  const ids = jsonIds(params, 'MemberIds');
  const target = lhObject(store, params);
  if (target.failure) return target.failure;
  const current = store.lhMembers.get(target.key) ?? new Map();
  for (const userId of ids) {
    if (!current.has(userId)) return fail('InvalidUserId', `The user ${userId} is not a member of that object.`);
  }
  for (const userId of ids) current.delete(userId);
  return ok();
}

// --- tasks ---------------------------------------------------------------------------------

function nodeTypeOf(params) {
  const type = nonEmpty(params, 'NodeType');
  if (!Object.hasOwn(NODE_TYPES, type)) return null;
  return type;
}

function nodeNameTaken(store, dagId, name, exceptId = null) {
  return tasksOf(store, dagId).some((task) => task.name === name && task.nodeId !== exceptId);
}

function createTask(store, params) {
  const name = nonEmpty(params, 'NodeName');
  const timeVariables = present(params.TimeVariables) ? params.TimeVariables : '';
  if (timeVariables !== '') parseTimeVariables(params, 'TimeVariables');
  const type = nodeTypeOf(params);
  return withFlow((s, p, flow) => {
    if (type === null) return fail('InvalidNodeType', `The node type ${JSON.stringify(params.NodeType)} is not one of ${Object.keys(NODE_TYPES).join(', ')}.`);
    if (nodeNameTaken(store, flow.dagId, name)) return fail('DuplicateNodeName', `The task flow ${flow.dagId} already has a node named ${JSON.stringify(name)}.`);
    const nodeId = store.ids.node.next();
    store.tasks.set(nodeId, {
      nodeId,
      dagId: flow.dagId,
      name,
      type,
      content: params.NodeContent ?? '',
      config: '',
      output: params.NodeOutput ?? '',
      timeVariables,
      graphParam: params.GraphParam ?? '',
    });
    return ok({ NodeId: BigInt(nodeId) });
  })(store, params);
}

/** Runs fn(task) for the task of a NodeId parameter (number- or string-typed), or answers InvalidNodeId. */
const withTask = (fn, { stringTyped = true } = {}) => (store, params) => {
  const nodeId = stringTyped ? stringIdParam(params, 'NodeId') : idParam(params, 'NodeId');
  const task = nodeId === null ? undefined : store.tasks.get(nodeId);
  return task ? fn(store, params, task) : noNode(params.NodeId);
};

const getTask = withTask(
  (store, params, task) =>
    ok({
      Task: {
        DagId: BigInt(task.dagId),
        GraphParam: task.graphParam,
        NodeConfig: task.config,
        NodeContent: task.content,
        NodeName: task.name,
        NodeOutput: task.output,
        NodeType: task.type,
        TimeVariables: task.timeVariables,
      },
    }),
  { stringTyped: false },
);

const deleteTask = withTask((store, params, task) => {
  for (const edge of edgesOf(store, task.dagId)) {
    if (edge.nodeFrom === task.nodeId || edge.nodeEnd === task.nodeId) store.edges.delete(edge.id);
  }
  store.tasks.delete(task.nodeId);
  return ok();
});

const updateTaskName = withTask((store, params, task) => {
  const name = nonEmpty(params, 'NodeName');
  if (nodeNameTaken(store, task.dagId, name, task.nodeId)) {
    return fail('DuplicateNodeName', `The task flow ${task.dagId} already has a node named ${JSON.stringify(name)}.`);
  }
  task.name = name;
  return ok();
});

const updateTaskField = (param, field, { required = false } = {}) =>
  withTask((store, params, task) => {
    if (required) nonEmpty(params, param);
    task[field] = params[param] ?? '';
    return ok();
  });

function updateTaskTimeVariables(store, params) {
  nonEmpty(params, 'TimeVariables');
  parseTimeVariables(params, 'TimeVariables');
  return withTask((s, p, task) => {
    task.timeVariables = params.TimeVariables;
    return ok();
  })(store, params);
}

const listTasksInTaskFlow = withFlow((store, params, flow) =>
  ok({
    Tasks: {
      Task: tasksOf(store, flow.dagId).map((task) => ({
        GraphParam: task.graphParam,
        NodeConfig: task.config,
        NodeContent: task.content,
        NodeId: task.nodeId, // a string here, a number in GetTaskFlowGraph
        NodeName: task.name,
        NodeOutput: task.output,
        NodeType: task.type,
        TimeVariables: task.timeVariables,
      })),
    },
  }),
);

const getTaskFlowGraph = withFlow((store, params, flow) =>
  ok({
    TaskFlowGraph: {
      CanEdit: true,
      DagName: flow.name,
      Edges: {
        Edge: edgesOf(store, flow.dagId).map((edge) => ({
          DagId: BigInt(flow.dagId),
          Id: BigInt(edge.id),
          NodeEnd: BigInt(edge.nodeEnd),
          NodeFrom: BigInt(edge.nodeFrom),
        })),
      },
      Nodes: {
        Node: tasksOf(store, flow.dagId).map((task) => ({
          DagId: BigInt(flow.dagId),
          GraphParam: task.graphParam,
          NodeConfig: task.config,
          NodeContent: task.content,
          NodeId: BigInt(task.nodeId),
          NodeName: task.name,
          NodeType: NODE_TYPES[task.type] ?? 0,
          TimeVariables: task.timeVariables,
        })),
      },
      Status: flowStatusCode(flow),
    },
  }),
);

// --- edges ---------------------------------------------------------------------------------

function addTaskFlowEdges(store, params) {
  const pairs = edgePairs(jsonObjects(params, 'Edges'), 'Edges', { withId: 'never' });
  if (pairs.length === 0) throw invalidParameter('Edges', 'expected at least one edge');
  return withFlow((s, p, flow) => {
    const existing = edgesOf(store, flow.dagId);
    for (const pair of pairs) {
      if (existing.some((edge) => edge.nodeFrom === pair.nodeFrom && edge.nodeEnd === pair.nodeEnd)) {
        return fail('InvalidEdge', `The edge ${pair.nodeFrom} -> ${pair.nodeEnd} already exists (id ${existing.find((e) => e.nodeFrom === pair.nodeFrom && e.nodeEnd === pair.nodeEnd).id}).`);
      }
    }
    const failure = checkEdges(store, flow.dagId, [...existing, ...pairs]);
    if (failure) return failure;
    const ids = pairs.map((pair) => {
      const id = store.ids.edge.next();
      store.edges.set(id, { id, dagId: flow.dagId, nodeFrom: pair.nodeFrom, nodeEnd: pair.nodeEnd });
      return BigInt(id);
    });
    return ok({ EdgeIds: { EdgeId: ids } });
  })(store, params);
}

function edgeConditions(params) {
  return {
    id: optionalIdParam(params, 'Id'),
    nodeFrom: optionalIdParam(params, 'NodeFrom'),
    nodeEnd: optionalIdParam(params, 'NodeEnd'),
  };
}

const matches = (edge, { id, nodeFrom, nodeEnd }) =>
  (id === null || edge.id === id) && (nodeFrom === null || edge.nodeFrom === nodeFrom) && (nodeEnd === null || edge.nodeEnd === nodeEnd);

const listTaskFlowEdgesByCondition = withFlow((store, params, flow) => {
  const conditions = edgeConditions(params);
  return ok({
    Edges: {
      Edge: edgesOf(store, flow.dagId)
        .filter((edge) => matches(edge, conditions))
        .map((edge) => ({ Id: BigInt(edge.id), NodeEnd: BigInt(edge.nodeEnd), NodeFrom: BigInt(edge.nodeFrom) })),
    },
  });
});

function deleteTaskFlowEdgesByCondition(store, params) {
  const conditions = edgeConditions(params);
  if (conditions.id === null && conditions.nodeFrom === null && conditions.nodeEnd === null) {
    // Without a condition every edge would go: refused, as a client bug.
    throw missingParameter('Id, NodeFrom or NodeEnd');
  }
  return withFlow((s, p, flow) => {
    if (conditions.id !== null && store.edges.get(conditions.id)?.dagId !== flow.dagId) {
      return fail('InvalidEdgeId', `The edge ${conditions.id} is not in task flow ${flow.dagId}.`);
    }
    for (const edge of edgesOf(store, flow.dagId)) if (matches(edge, conditions)) store.edges.delete(edge.id);
    return ok();
  })(store, params);
}

function updateTaskFlowEdges(store, params) {
  const updates = edgePairs(jsonObjects(params, 'Edges'), 'Edges', { withId: 'required' });
  return withFlow((s, p, flow) => {
    for (const update of updates) {
      if (store.edges.get(update.id)?.dagId !== flow.dagId) return fail('InvalidEdgeId', `The edge ${update.id} is not in task flow ${flow.dagId}.`);
    }
    const byId = new Map(updates.map((update) => [update.id, update]));
    const after = edgesOf(store, flow.dagId).map((edge) => byId.get(edge.id) ?? edge);
    const failure = checkEdges(store, flow.dagId, after);
    if (failure) return failure;
    for (const update of updates) Object.assign(store.edges.get(update.id), { nodeFrom: update.nodeFrom, nodeEnd: update.nodeEnd });
    return ok();
  })(store, params);
}

/** The whole set of edges replaced: an item with an Id keeps that edge's id, one without gets a new id. */
function updateTaskFlowRelations(store, params) {
  const pairs = present(params.Edges) ? edgePairs(jsonObjects(params, 'Edges'), 'Edges', { withId: 'optional' }) : [];
  return withFlow((s, p, flow) => {
    for (const pair of pairs) {
      if (pair.id !== null && store.edges.get(pair.id)?.dagId !== flow.dagId) return fail('InvalidEdgeId', `The edge ${pair.id} is not in task flow ${flow.dagId}.`);
    }
    const failure = checkEdges(store, flow.dagId, pairs);
    if (failure) return failure;
    for (const edge of edgesOf(store, flow.dagId)) store.edges.delete(edge.id);
    for (const pair of pairs) {
      const id = pair.id ?? store.ids.edge.next();
      store.edges.set(id, { id, dagId: flow.dagId, nodeFrom: pair.nodeFrom, nodeEnd: pair.nodeEnd });
    }
    return ok();
  })(store, params);
}

// --- runs ------------------------------------------------------------------------------------

const DAY = /^([0-9]{4})-([0-9]{2})-([0-9]{2})( [0-9]{2}:[0-9]{2}:[0-9]{2})?$/;

function dayParam(params, name) {
  const value = params[name];
  if (!present(value)) return null;
  const match = DAY.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || formatTime(ms).slice(0, 10) !== value.slice(0, 10)) {
    throw invalidParameter(name, 'expected a date YYYY-MM-DD (or YYYY-MM-DD hh:mm:ss)');
  }
  return ms;
}

function nodeList(store, dagId, ids) {
  for (const nodeId of ids) {
    if (store.tasks.get(nodeId)?.dagId !== dagId) return noNode(nodeId);
  }
  return null;
}

function backFill(store, params) {
  const single = dayParam(params, 'BackFillDate');
  const begin = dayParam(params, 'BackFillDateBegin');
  const end = dayParam(params, 'BackFillDateEnd');
  if ((begin === null) !== (end === null)) throw missingParameter(begin === null ? 'BackFillDateBegin' : 'BackFillDateEnd');
  if (begin !== null && begin > end) throw invalidParameter('BackFillDateBegin', 'it is after BackFillDateEnd');
  const days = [];
  if (begin !== null) {
    for (let ms = begin; ms <= end; ms += 86_400_000) days.push(ms);
    if (days.length > MAX_BACKFILL_DAYS) throw invalidParameter('BackFillDateEnd', `a back-fill covers at most ${MAX_BACKFILL_DAYS} days`);
  } else {
    days.push(single ?? Date.parse(`${formatTime(store.now()).slice(0, 10)}T00:00:00Z`)); // default: today (UTC)
  }
  if (params.Asc === 'false') days.reverse();
  const startNodes = present(params.StartNodeIds) ? jsonIds(params, 'StartNodeIds') : [];
  const filterNodes = present(params.FilterNodeIds) ? jsonIds(params, 'FilterNodeIds') : [];
  const historyDagId = optionalIdParam(params, 'HistoryDagId');
  return withFlow((s, p, flow) => {
    if (flow.status !== 'deployed') return fail('InvalidStatus', `The task flow ${flow.dagId} is ${flow.status}: publish and deploy it before a back-fill.`);
    const failure = nodeList(store, flow.dagId, [...startNodes, ...filterNodes]);
    if (failure) return failure;
    const startTime = formatTime(store.now());
    const created = days.map((ms) =>
      store.addInstance({
        dagId: flow.dagId,
        dagInstanceId: store.ids.instance.next(),
        status: 'running',
        dagVersion: flow.currentVersion,
        triggerType: MANUAL,
        businessTime: formatTime(ms),
        startTime,
        historyDagId,
      }),
    );
    const nodeId = startNodes[0] ?? topologicalTasks(store, flow.dagId)[0]?.nodeId ?? null;
    return ok({ DagInstanceId: BigInt(created[0].dagInstanceId), NodeId: big(nodeId) });
  })(store, params);
}

function tryRunTaskFlow(store, params) {
  if (!present(params.DagId)) return fail('InvalidDagId', 'TryRunTaskFlow needs the DagId of the task flow to run.');
  return withFlow((s, p, flow) => {
    const now = store.now();
    const record = store.addInstance({
      dagId: flow.dagId,
      dagInstanceId: store.ids.instance.next(),
      status: 'running',
      dagVersion: flow.currentVersion ?? '0', // a try run runs the draft
      triggerType: MANUAL,
      businessTime: `${formatTime(now).slice(0, 10)} 00:00:00`,
      startTime: formatTime(now),
    });
    return ok({ InstanceId: record.dagInstanceId }); // a string here, unlike BackFill's DagInstanceId
  })(store, params);
}

// Node statuses of a run, from the run's status: every node succeeded, or the
// first nodes (no incoming edge) in the run's state and the rest waiting (0).
const ROOT_STATUS = { running: 1, suspended: 2, failed: 3, succeeded: 4, stopped: 5 };

function getTaskInstanceRelation(store, params) {
  const dagId = idParam(params, 'DagId');
  const dagInstanceId = idParam(params, 'DagInstanceId');
  const record = store.instances.get(`${dagId}/${dagInstanceId}`);
  if (!record) return fail('InvalidDagInstance', `The task flow instance ${dagInstanceId} of task flow ${dagId} does not exist.`);
  const tasks = topologicalTasks(store, dagId);
  const roots = new Set(tasks.filter((task) => !edgesOf(store, dagId).some((edge) => edge.nodeEnd === task.nodeId)).map((t) => t.nodeId));
  return ok({
    NodeList: {
      Node: tasks.map((task) => {
        if (!record.nodeInstanceIds.has(task.nodeId)) record.nodeInstanceIds.set(task.nodeId, store.ids.taskInstance.next());
        const status = record.status === 'succeeded' ? 4 : roots.has(task.nodeId) ? ROOT_STATUS[record.status] : 0;
        const finished = status >= 3;
        return {
          BusinessTime: record.businessTime,
          EndTime: finished ? record.endTime : '',
          ExecuteTime: 0,
          Id: BigInt(record.nodeInstanceIds.get(task.nodeId)),
          Message: '',
          NodeId: BigInt(task.nodeId),
          NodeName: task.name,
          NodeType: NODE_TYPES[task.type] ?? 0,
          Status: status,
        };
      }),
    },
  });
}

// --- the table ----------------------------------------------------------------------------

export const FULL_HANDLERS = {
  AddLhMembers: addLhMembers,
  AddTaskFlowEdges: addTaskFlowEdges,
  BackFill: backFill,
  ChangeLhDagOwner: changeOwner('OwnerUserId'),
  CreateScenario: createScenario,
  CreateTask: createTask,
  CreateTaskFlow: createTaskFlow,
  DeleteLhMembers: deleteLhMembers,
  DeleteScenario: deleteScenario,
  DeleteTask: deleteTask,
  DeleteTaskFlow: deleteTaskFlow,
  DeleteTaskFlowEdgesByCondition: deleteTaskFlowEdgesByCondition,
  GetTask: getTask,
  GetTaskFlowGraph: getTaskFlowGraph,
  GetTaskFlowNotification: getTaskFlowNotification,
  GetTaskInstanceRelation: getTaskInstanceRelation,
  ListDAGVersions: listDagVersions,
  ListLhTaskFlowAndScenario: listLhTaskFlowAndScenario,
  ListScenarios: listScenarios,
  ListTaskFlow: listTaskFlow,
  ListTaskFlowConstants: listTaskFlowConstants,
  ListTaskFlowCooperators: listTaskFlowCooperators,
  ListTaskFlowEdgesByCondition: listTaskFlowEdgesByCondition,
  ListTaskFlowTimeVariables: listTaskFlowTimeVariables,
  ListTaskFlowsByPage: listTaskFlowsByPage,
  ListTasksInTaskFlow: listTasksInTaskFlow,
  MoveTaskFlowToScenario: moveTaskFlowToScenario,
  OfflineTaskFlow: offlineTaskFlow,
  PublishAndDeployTaskFlow: publishAndDeployTaskFlow,
  ReDeployLhDagVersion: reDeployLhDagVersion,
  TryRunTaskFlow: tryRunTaskFlow,
  UpdateScenario: updateScenario,
  UpdateTaskConfig: updateTaskField('NodeConfig', 'config', { required: true }),
  UpdateTaskContent: updateTaskField('NodeContent', 'content'),
  UpdateTaskFlowConstants: updateTaskFlowConstants,
  UpdateTaskFlowCooperators: updateTaskFlowCooperators,
  UpdateTaskFlowEdges: updateTaskFlowEdges,
  UpdateTaskFlowNameAndDesc: updateTaskFlowNameAndDesc,
  UpdateTaskFlowNotification: updateTaskFlowNotification,
  UpdateTaskFlowOwner: changeOwner('NewOwnerId'),
  UpdateTaskFlowRelations: updateTaskFlowRelations,
  UpdateTaskFlowSchedule: updateTaskFlowSchedule,
  UpdateTaskFlowTimeVariables: updateTaskFlowTimeVariables,
  UpdateTaskName: updateTaskName,
  UpdateTaskOutput: updateTaskField('NodeOutput', 'output'),
  UpdateTaskTimeVariables: updateTaskTimeVariables,
};
