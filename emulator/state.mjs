// The emulator's in-memory model: task-flow instances and their state machine
// (the instance operations), and, with model 'full', everything the other
// task-flow operations read and write (see model.mjs): users, workspaces,
// scenarios, task flows with their versions, tasks, edges and members.
//
// Instances are keyed by the (DagId, DagInstanceId) pair: instance 5001 exists
// only under its own task flow. Ids are canonical decimal strings (see ids.mjs),
// never Numbers, so ids beyond 2^53 stay exact; new ids come from BigInt
// counters, and for most kinds start beyond 2^53 on purpose.

import { invalidParameter } from './checks.mjs';
import { FLOW_STATUSES, LIST_STATUS_CODES, STATUSES, TERMINAL_STATUSES, fail, ok } from './codes.mjs';
import { canonicalId, parseInt64 } from './ids.mjs';
import { FULL_HANDLERS, formatTime, instanceRow, knownTaskFlowOrInstances, pageOf } from './model.mjs';

export { FLOW_STATUSES, LIST_STATUS_CODES, STATUSES, TERMINAL_STATUSES };

/** What the business layer implements: the instance operations only (the default), or all 52. */
export const MODELS = Object.freeze(['instances', 'full']);
export const DEFAULT_MODEL = 'full';


function deepFreeze(value) {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const instance = (dagId, dagInstanceId, status, dagVersion) => ({ dagId, dagInstanceId, status, dagVersion });

/**
 * What every emulator starts with unless given another seed. JSON-able; ids
 * are strings. The instances are those the instance-operation tests rely on;
 * the rest is read and written by the other operations (model 'full').
 */
export const DEFAULT_SEED = deepFreeze({
  instances: [
    instance('1001', '5001', 'running', '3'),
    instance('1001', '5002', 'suspended', '3'),
    instance('1001', '5003', 'succeeded', '3'),
    instance('1001', '5004', 'stopped', '3'),
    instance('1001', '5005', 'failed', '3'),
    // Both ids are beyond 2^53: as Numbers they would round to ...992 and ...996.
    instance('9007199254740995', '9007199254740993', 'suspended', '7'),
    // The second task flow's runs, with times (the others have none).
    {
      dagId: '1002',
      dagInstanceId: '5101',
      status: 'succeeded',
      dagVersion: '1',
      triggerType: 0,
      businessTime: '2024-06-01 00:00:00',
      startTime: '2024-06-02 01:00:00',
      endTime: '2024-06-02 01:05:00',
    },
    {
      dagId: '1002',
      dagInstanceId: '5102',
      status: 'running',
      dagVersion: '1',
      triggerType: 0,
      businessTime: '2024-06-02 00:00:00',
      startTime: '2024-06-03 01:00:00',
    },
  ],
  users: [
    { userId: '51001', nickName: 'emulator-owner', loginName: 'owner', email: 'owner@example.com' },
    { userId: '51002', nickName: 'emulator-developer', loginName: 'developer', email: 'developer@example.com' },
    { userId: '51003', nickName: 'emulator-analyst', loginName: 'analyst', email: 'analyst@example.com' },
    // A user id beyond 2^53 (OwnerUserId and UserId are int64 numbers on the wire).
    { userId: '9007199254740997', nickName: 'emulator-big-id-user', loginName: 'bigid', email: 'bigid@example.com' },
  ],
  spaces: [{ spaceId: '8001', name: 'emulator-space' }],
  scenarios: [{ scenarioId: '2001', name: 'emulator-scenario', description: 'The seeded scenario', creatorId: '51001' }],
  taskFlows: [
    {
      dagId: '1001',
      name: 'emulator-task-flow-1001',
      description: 'extract, transform, load',
      scenarioId: '2001',
      spaceId: '8001',
      ownerId: '51001',
      creatorId: '51001',
      status: 'deployed',
      versions: [
        { versionId: '2', comments: 'first version' },
        { versionId: '3', comments: 'load after transform' },
      ],
      currentVersion: '3',
      deployId: '6001',
      constants: [{ key: 'target_schema', value: 'dw' }],
      timeVariables: [{ name: 'bizdate', pattern: 'yyyy-MM-dd|-1d' }],
      notification: { fail: true, sla: false, success: false },
      schedule: { triggerType: 'Cron', cronType: 'DAY', cronStr: '0 0 1 * * ?', scheduleSwitch: true, timeZoneId: 'Asia/Shanghai' },
      cooperatorIds: ['51002'],
    },
    {
      dagId: '1002',
      name: 'emulator-task-flow-1002',
      description: 'a flow outside any scenario',
      spaceId: '8001',
      ownerId: '51002',
      creatorId: '51002',
      status: 'deployed',
      versions: [{ versionId: '1', comments: 'initial' }],
      currentVersion: '1',
      deployId: '6002',
    },
    {
      dagId: '9007199254740995',
      name: 'emulator-big-id-task-flow',
      description: 'ids beyond 2^53',
      spaceId: '8001',
      ownerId: '9007199254740997',
      creatorId: '51001',
      status: 'deployed',
      versions: [{ versionId: '7', comments: 'seventh' }],
      currentVersion: '7',
      deployId: '6003',
    },
  ],
  tasks: [
    { nodeId: '4001', dagId: '1001', name: 'extract', type: 'SQL', content: 'SELECT * FROM ods.orders', graphParam: '{"x":100,"y":100}' },
    { nodeId: '4002', dagId: '1001', name: 'transform', type: 'SCRIPT', content: 'print("transform")', graphParam: '{"x":300,"y":100}' },
    {
      nodeId: '4003',
      dagId: '1001',
      name: 'load',
      type: 'DATA_SYNC',
      content: '{"target":"dw.orders"}',
      config: '{"retry":2}',
      output: '[{"name":"rows"}]',
      timeVariables: '{"variables":[{"name":"loadday","pattern":"yyyyMMdd|+0d"}]}',
      graphParam: '{"x":500,"y":100}',
    },
  ],
  // Edge ids beyond 2^53, odd: no double holds them (ListTaskFlowEdgesByCondition sends numbers).
  edges: [
    { id: '9007199254741001', dagId: '1001', nodeFrom: '4001', nodeEnd: '4002' },
    { id: '9007199254741003', dagId: '1001', nodeFrom: '4002', nodeEnd: '4003' },
  ],
  lhMembers: [
    { objectType: 0, objectId: '8001', userId: '51001', roles: ['ADMIN'] },
    { objectType: 0, objectId: '8001', userId: '51002', roles: ['MEMBER'] },
    { objectType: 1, objectId: '1001', userId: '51002', roles: ['DEVELOPER'] },
  ],
});

function checkStatus(status) {
  if (!STATUSES.includes(status)) {
    throw new TypeError(`status must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
  }
  return status;
}

const keyOf = (dagId, dagInstanceId) => `${dagId}/${dagInstanceId}`;

/**
 * Hands out new ids of one kind: `base`, `base + step`, ... skipping past any
 * id already taken (seeded or added). A step of 2 from an odd base beyond 2^53
 * gives ids no double can hold: a client that rounds one cannot hide it.
 */
export class IdAllocator {
  #next;
  #step;
  #base;

  constructor(base, step = 1n) {
    this.#base = base;
    this.#next = base;
    this.#step = step;
  }

  /** Notes an id in use: later ids are above it. */
  reserve(id) {
    const value = BigInt(id);
    if (value < this.#next) return;
    let next = value + 1n;
    const offset = (next - this.#base) % this.#step;
    if (offset !== 0n) next += this.#step - offset;
    this.#next = next;
  }

  next() {
    const id = this.#next;
    this.#next += this.#step;
    return id.toString();
  }
}

// Where new ids start. Scenario and deploy ids stay small; the rest are beyond
// 2^53 (and odd), so a client must keep them exact to use them again.
const ID_BASES = {
  scenario: [2101n, 1n],
  dag: [9007199254750001n, 2n],
  node: [9007199254760001n, 2n],
  edge: [9007199254770001n, 2n],
  instance: [9007199254780001n, 2n],
  taskInstance: [9007199254790001n, 2n],
  deploy: [6101n, 1n],
};

// --- seed reading -------------------------------------------------------------

const text = (value, name, fallback = '') => {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
};
const optionalId = (value) => (value === undefined || value === null || value === '' ? null : canonicalId(value));
const list = (value, name) => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  return value;
};

function eachSeed(items, section, fn) {
  list(items, `seed.${section}`).forEach((item, index) => {
    try {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new TypeError('expected an object');
      fn(item);
    } catch (error) {
      throw new TypeError(`seed.${section}[${index}]: ${error.message}`);
    }
  });
}

export class TaskFlowState {
  #instances = new Map(); // 'dagId/dagInstanceId' → instance record
  #store; // what model.mjs works on
  #model;
  #now;
  #seq = 0; // creation order of instances

  /**
   * seed: { instances, users, spaces, scenarios, taskFlows, tasks, edges,
   * lhMembers } (every section optional). options: model ('instances' or
   * 'full'), now (ms since the epoch, for the times of new instances).
   */
  constructor(seed = DEFAULT_SEED, { model = DEFAULT_MODEL, now = Date.now } = {}) {
    if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) {
      throw new TypeError('the seed must be an object like { "instances": [...] }');
    }
    if (!MODELS.includes(model)) throw new TypeError(`model must be one of ${MODELS.join(', ')}, not ${JSON.stringify(model)}`);
    this.#model = model;
    this.#now = now;
    const ids = Object.fromEntries(Object.entries(ID_BASES).map(([kind, [base, step]]) => [kind, new IdAllocator(base, step)]));
    this.#store = {
      instances: this.#instances,
      users: new Map(),
      spaces: new Map(),
      scenarios: new Map(),
      flows: new Map(),
      tasks: new Map(),
      edges: new Map(),
      lhMembers: new Map(), // 'objectType/objectId' → Map userId → roles[]
      ids,
      callerId: null, // the user new task flows and scenarios belong to: the first seeded user
      now: () => this.#now(),
      addInstance: (record) => this.#addRecord(record),
    };
    this.#loadSeed(seed);
  }

  get model() {
    return this.#model;
  }

  #loadSeed(seed) {
    const store = this.#store;
    eachSeed(seed.users, 'users', (user) => {
      const userId = canonicalId(user.userId);
      store.users.set(userId, {
        userId,
        nickName: text(user.nickName, 'nickName', `user-${userId}`),
        loginName: text(user.loginName, 'loginName', `user${userId}`),
        email: text(user.email, 'email', ''),
      });
      store.callerId ??= userId;
    });
    eachSeed(seed.spaces, 'spaces', (space) => {
      const spaceId = canonicalId(space.spaceId);
      store.spaces.set(spaceId, { spaceId, name: text(space.name, 'name', `space-${spaceId}`) });
    });
    eachSeed(seed.scenarios, 'scenarios', (scenario) => {
      const id = canonicalId(scenario.scenarioId);
      store.scenarios.set(id, {
        id,
        name: text(scenario.name, 'name', `scenario-${id}`),
        description: text(scenario.description, 'description'),
        creatorId: optionalId(scenario.creatorId),
      });
      store.ids.scenario.reserve(id);
    });
    eachSeed(seed.taskFlows, 'taskFlows', (flow) => {
      const dagId = canonicalId(flow.dagId);
      const scenarioId = optionalId(flow.scenarioId);
      if (scenarioId !== null && !store.scenarios.has(scenarioId)) throw new TypeError(`no scenario ${scenarioId}`);
      const spaceId = optionalId(flow.spaceId);
      if (spaceId !== null && !store.spaces.has(spaceId)) throw new TypeError(`no space ${spaceId}`);
      const status = flow.status ?? 'draft';
      if (!FLOW_STATUSES.includes(status)) throw new TypeError(`status must be one of ${FLOW_STATUSES.join(', ')}`);
      const versions = list(flow.versions, 'versions').map((version) => ({
        versionId: canonicalId(version.versionId),
        comments: text(version.comments, 'comments'),
        dagName: text(flow.name, 'name', `task-flow-${dagId}`),
        ownerId: optionalId(flow.ownerId),
      }));
      const currentVersion = optionalId(flow.currentVersion) ?? versions.at(-1)?.versionId ?? null;
      if (currentVersion !== null && !versions.some((v) => v.versionId === currentVersion)) {
        throw new TypeError(`currentVersion ${currentVersion} is not one of its versions`);
      }
      const schedule = flow.schedule ?? {};
      store.flows.set(dagId, {
        dagId,
        name: text(flow.name, 'name', `task-flow-${dagId}`),
        description: text(flow.description, 'description'),
        scenarioId,
        spaceId,
        ownerId: optionalId(flow.ownerId),
        creatorId: optionalId(flow.creatorId),
        status,
        versions,
        currentVersion,
        deployId: optionalId(flow.deployId),
        constants: list(flow.constants, 'constants').map((c) => ({ key: text(c.key, 'key'), value: text(c.value, 'value') })),
        timeVariables: list(flow.timeVariables, 'timeVariables').map((v) => ({ name: text(v.name, 'name'), pattern: text(v.pattern, 'pattern') })),
        notification: {
          fail: Boolean(flow.notification?.fail),
          sla: Boolean(flow.notification?.sla),
          success: Boolean(flow.notification?.success),
        },
        schedule: {
          triggerType: schedule.triggerType ?? null,
          cronType: schedule.cronType ?? null,
          cronStr: text(schedule.cronStr, 'cronStr'),
          cronBeginDate: text(schedule.cronBeginDate, 'cronBeginDate'),
          cronEndDate: text(schedule.cronEndDate, 'cronEndDate'),
          scheduleSwitch: Boolean(schedule.scheduleSwitch),
          scheduleParam: text(schedule.scheduleParam, 'scheduleParam'),
          timeZoneId: text(schedule.timeZoneId, 'timeZoneId', 'Asia/Shanghai'),
        },
        cooperatorIds: list(flow.cooperatorIds, 'cooperatorIds').map(canonicalId),
      });
      if (flow.deployId !== undefined) store.ids.deploy.reserve(canonicalId(flow.deployId));
      store.ids.dag.reserve(dagId);
    });
    eachSeed(seed.tasks, 'tasks', (task) => {
      const nodeId = canonicalId(task.nodeId);
      const dagId = canonicalId(task.dagId);
      if (!store.flows.has(dagId)) throw new TypeError(`no task flow ${dagId}`);
      store.tasks.set(nodeId, {
        nodeId,
        dagId,
        name: text(task.name, 'name', `node-${nodeId}`),
        type: text(task.type, 'type', 'SQL'),
        content: text(task.content, 'content'),
        config: text(task.config, 'config'),
        output: text(task.output, 'output'),
        timeVariables: text(task.timeVariables, 'timeVariables'),
        graphParam: text(task.graphParam, 'graphParam'),
      });
      store.ids.node.reserve(nodeId);
    });
    eachSeed(seed.edges, 'edges', (edge) => {
      const id = canonicalId(edge.id);
      const dagId = canonicalId(edge.dagId);
      const nodeFrom = canonicalId(edge.nodeFrom);
      const nodeEnd = canonicalId(edge.nodeEnd);
      for (const nodeId of [nodeFrom, nodeEnd]) {
        if (store.tasks.get(nodeId)?.dagId !== dagId) throw new TypeError(`node ${nodeId} is not a task of task flow ${dagId}`);
      }
      store.edges.set(id, { id, dagId, nodeFrom, nodeEnd });
      store.ids.edge.reserve(id);
    });
    eachSeed(seed.lhMembers, 'lhMembers', (member) => {
      const key = `${Number(member.objectType)}/${canonicalId(member.objectId)}`;
      if (!store.lhMembers.has(key)) store.lhMembers.set(key, new Map());
      store.lhMembers.get(key).set(canonicalId(member.userId), list(member.roles, 'roles').map((role) => text(role, 'role')));
    });
    eachSeed(seed.instances, 'instances', (item) => this.add(item));
  }

  #addRecord({ dagId, dagInstanceId, status, dagVersion, triggerType = 1, startTime = '', endTime = '', businessTime = '', message = '', historyDagId = null }) {
    const record = {
      dagId: canonicalId(dagId),
      dagInstanceId: canonicalId(dagInstanceId),
      status: checkStatus(status),
      dagVersion: String(dagVersion),
      triggerType: Number(triggerType),
      startTime: text(startTime, 'startTime'),
      endTime: text(endTime, 'endTime'),
      businessTime: text(businessTime, 'businessTime'),
      message: text(message, 'message'),
      historyDagId: optionalId(historyDagId),
      seq: ++this.#seq,
      nodeInstanceIds: new Map(), // nodeId → task instance id (GetTaskInstanceRelation)
    };
    if (!Number.isInteger(record.triggerType)) throw new TypeError('triggerType must be an integer');
    this.#instances.set(keyOf(record.dagId, record.dagInstanceId), record);
    this.#store.ids.instance.reserve(record.dagInstanceId);
    return record;
  }

  /** Adds or replaces an instance; returns a copy of it. Optional: triggerType, startTime, endTime, businessTime, message. */
  add({ dagId, dagInstanceId, status, dagVersion = '1', ...details } = {}) {
    return publicInstance(this.#addRecord({ dagId, dagInstanceId, status, dagVersion, ...details }));
  }

  /**
   * A copy of the instance, or undefined. An id that is not an int64 (or a
   * Number beyond 2^53, already rounded) throws: looking it up would silently
   * answer for another id.
   */
  get(dagId, dagInstanceId) {
    const record = this.#instances.get(keyOf(canonicalId(dagId), canonicalId(dagInstanceId)));
    return record && publicInstance(record);
  }

  #record(dagId, dagInstanceId) {
    const record = this.#instances.get(keyOf(canonicalId(dagId), canonicalId(dagInstanceId)));
    if (!record) throw new RangeError(`no task flow instance ${dagInstanceId} under task flow ${dagId}`);
    return record;
  }

  setStatus(dagId, dagInstanceId, status) {
    const record = this.#record(dagId, dagInstanceId);
    record.status = checkStatus(status);
    return publicInstance(record);
  }

  /**
   * Moves an instance to `status` as a run does: the end time is set when it
   * reaches stopped, succeeded or failed, cleared when it runs again.
   */
  advance(dagId, dagInstanceId, status) {
    const record = this.#record(dagId, dagInstanceId);
    record.status = checkStatus(status);
    record.endTime = TERMINAL_STATUSES.includes(status) ? formatTime(this.#now()) : '';
    return publicInstance(record);
  }

  list() {
    return [...this.#instances.values()].map(publicInstance);
  }

  // --- the rest of the model, as copies (ids are canonical strings) --------------

  getTaskFlow(dagId) {
    const flow = this.#store.flows.get(canonicalId(dagId));
    return flow && flowSnapshot(this.#store, flow);
  }

  listTaskFlows() {
    return [...this.#store.flows.values()].map((flow) => flowSnapshot(this.#store, flow));
  }

  getTask(nodeId) {
    const task = this.#store.tasks.get(canonicalId(nodeId));
    return task && { ...task };
  }

  getScenario(scenarioId) {
    const scenario = this.#store.scenarios.get(canonicalId(scenarioId));
    return scenario && { scenarioId: scenario.id, name: scenario.name, description: scenario.description, creatorId: scenario.creatorId };
  }

  listScenarios() {
    return [...this.#store.scenarios.keys()].map((id) => this.getScenario(id));
  }

  /** [{ userId, roles }] of a workspace (objectType 0) or task flow (1). */
  getLhMembers(objectType, objectId) {
    const members = this.#store.lhMembers.get(`${Number(objectType)}/${canonicalId(objectId)}`) ?? new Map();
    return [...members].map(([userId, roles]) => ({ userId, roles: [...roles] }));
  }

  /**
   * Runs a business operation whose parameters already passed the gateway
   * checks (so ids are valid int64 text). Returns { success: true, fields }
   * or { success: false, errorCode, errorMessage }; may throw a GatewayError
   * for a JSON-string parameter of the wrong shape (model 'full').
   */
  handle(action, params) {
    if (Object.hasOwn(INSTANCE_HANDLERS, action)) {
      return INSTANCE_HANDLERS[action](this.#store, params, this.#model);
    }
    if (this.#model === 'full' && Object.hasOwn(FULL_HANDLERS, action)) {
      return FULL_HANDLERS[action](this.#store, params);
    }
    return fail('NotImplementedInEmulator', `The DMS emulator accepts ${action} but does not implement it (start it with model: 'full').`);
  }
}

/** The instance as the public accessors show it: the four fields of the seed. */
function publicInstance(record) {
  return { dagId: record.dagId, dagInstanceId: record.dagInstanceId, status: record.status, dagVersion: record.dagVersion };
}

function flowSnapshot(store, flow) {
  return {
    dagId: flow.dagId,
    name: flow.name,
    description: flow.description,
    scenarioId: flow.scenarioId,
    spaceId: flow.spaceId,
    ownerId: flow.ownerId,
    creatorId: flow.creatorId,
    status: flow.status,
    currentVersion: flow.currentVersion,
    deployId: flow.deployId,
    versions: flow.versions.map(({ versionId, comments }) => ({ versionId, comments })),
    constants: flow.constants.map((c) => ({ ...c })),
    timeVariables: flow.timeVariables.map((v) => ({ ...v })),
    notification: { ...flow.notification },
    schedule: { ...flow.schedule },
    cooperatorIds: [...flow.cooperatorIds],
    nodeIds: [...store.tasks.values()].filter((task) => task.dagId === flow.dagId).map((task) => task.nodeId),
    edges: [...store.edges.values()]
      .filter((edge) => edge.dagId === flow.dagId)
      .map(({ id, nodeFrom, nodeEnd }) => ({ id, nodeFrom, nodeEnd })),
  };
}

// --- the instance operations --------------------------------------------------

function findInstance(instances, params) {
  const dagId = parseInt64(params.DagId).toString();
  const dagInstanceId = parseInt64(params.DagInstanceId).toString();
  return { dagId, dagInstanceId, record: instances.get(keyOf(dagId, dagInstanceId)) };
}

/**
 * The common shape of the instance operations: find the instance, check that
 * its status is one the operation starts from (and, when the operation names
 * one, the DagVersion), then move it to `to`. The status is checked before the
 * version: an instance in the wrong state cannot be acted on at any version.
 */
function transition({ from, to, verb, checkVersion = 'never' }) {
  return (store, params) => {
    const { dagId, dagInstanceId, record } = findInstance(store.instances, params);
    if (!record) {
      return fail('InvalidDagInstance', `The task flow instance ${dagInstanceId} of task flow ${dagId} does not exist.`);
    }
    if (!from.includes(record.status)) {
      return fail(
        'InvalidStatus',
        `The task flow instance ${dagInstanceId} of task flow ${dagId} is ${record.status} and cannot be ${verb}.`,
      );
    }
    const version = params.DagVersion;
    const versionGiven = version !== undefined && version !== '';
    if ((checkVersion === 'always' || (checkVersion === 'if-given' && versionGiven)) && version !== record.dagVersion) {
      return fail(
        'InvalidDagVersion',
        `The DagVersion ${JSON.stringify(version ?? '')} does not match version ${record.dagVersion} of task flow instance ${dagInstanceId}.`,
      );
    }
    record.status = to;
    record.endTime = TERMINAL_STATUSES.includes(to) ? formatTime(store.now()) : '';
    return ok();
  };
}

const NOT_SUCCEEDED = STATUSES.filter((status) => status !== 'succeeded');

function listTaskFlowInstance(store, params, model) {
  const dagId = parseInt64(params.DagId).toString();
  const filters = instanceFilters(params); // a malformed filter is refused (400) before any lookup
  // The instance-only model answers an empty list for any task flow; the full
  // model knows which task flows exist.
  if (model === 'full' && !knownTaskFlowOrInstances(store, dagId)) {
    return fail('InvalidDagId', `The task flow ${dagId} does not exist.`);
  }
  const matching = [...store.instances.values()]
    .filter((record) => record.dagId === dagId && filters(record))
    .sort((a, b) => a.seq - b.seq);
  // Out-of-range paging is clamped rather than refused.
  const page = pageOf(matching, params);
  return ok({
    TotalCount: matching.length,
    DAGInstanceList: { DAGInstance: page.map((record) => instanceRow(store, record)) },
  });
}

// 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss', as the API documents StartTimeBegin/End.
const DAY_OR_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$/;

function instanceFilters(params) {
  const status = params.Status === undefined ? null : Number(parseInt64(params.Status));
  const triggerType = params.TriggerType === undefined ? null : Number(parseInt64(params.TriggerType));
  const bound = (name, endOfDay) => {
    const value = params[name];
    if (value === undefined || value === '') return null;
    if (!DAY_OR_TIME.test(value)) {
      throw invalidParameter(name, 'expected YYYY-MM-DD or YYYY-MM-DD hh:mm:ss');
    }
    return value.length === 10 ? `${value} ${endOfDay ? '23:59:59' : '00:00:00'}` : value;
  };
  const begin = bound('StartTimeBegin', false);
  const end = bound('StartTimeEnd', true);
  const byBizDate = params.UseBizDate === 'true';
  return (record) => {
    if (status !== null && LIST_STATUS_CODES[record.status] !== status) return false;
    if (triggerType !== null && record.triggerType !== triggerType) return false;
    const time = byBizDate ? record.businessTime : record.startTime;
    if ((begin !== null || end !== null) && time === '') return false;
    if (begin !== null && time < begin) return false;
    if (end !== null && time > end) return false;
    return true;
  };
}

const INSTANCE_HANDLERS = {
  StopTaskFlowInstance: transition({ from: ['running', 'suspended'], to: 'stopped', verb: 'stopped' }),
  SuspendTaskFlowInstance: transition({ from: ['running'], to: 'suspended', verb: 'suspended' }),
  ResumeTaskFlowInstance: transition({ from: ['suspended'], to: 'running', verb: 'resumed', checkVersion: 'always' }),
  ReRunTaskFlowInstance: transition({
    from: ['stopped', 'failed', 'succeeded'],
    to: 'running',
    verb: 're-run',
    checkVersion: 'if-given', // DagVersion is optional for ReRun
  }),
  MakeTaskFlowInstanceSuccess: transition({ from: NOT_SUCCEEDED, to: 'succeeded', verb: 'marked as succeeded' }),
  ListTaskFlowInstance: listTaskFlowInstance,
};

export const INSTANCE_ACTIONS = Object.freeze(Object.keys(INSTANCE_HANDLERS));
