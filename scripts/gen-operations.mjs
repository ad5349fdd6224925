#!/usr/bin/env node
// Generates, from spec/taskflow-operations.json, the operation table for Rust, DmsClient's
// list of actions for JS, the parameter/result types and client methods for TypeScript, and the
// README's operation list, so that adding an operation is adding a row there.
//
//   node scripts/gen-operations.mjs          write the generated files
//   node scripts/gen-operations.mjs --check  fail if they are out of date (CI)
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const spec = JSON.parse(readFileSync(new URL('spec/taskflow-operations.json', root), 'utf8'));
// The fields of object items inside JSON-string parameters, which the operations file names
// only by SDK model (`AddTaskFlowEdgesRequestEdges[]`).
const jsonItems = JSON.parse(readFileSync(new URL('spec/json-parameters.json', root), 'utf8')).items;

// Number parameters that are ids (non-negative int64) rather than counts or enums.
const isIdName = (name) => /Id$/.test(name) || ['Tid', 'DagVersion', 'NodeFrom', 'NodeEnd'].includes(name);

function kindOf(param) {
  if (param.encoding === 'json-string') return 'Json';
  switch (param.type) {
    case 'number': return isIdName(param.name) ? 'Id' : 'Integer';
    case 'string': return 'String';
    case 'boolean': return 'Boolean';
    default: throw new Error(`${param.name}: unsupported type ${param.type}`);
  }
}

// `DagInstanceId` -> `dagInstanceId`, `DAGInstanceList` -> `dagInstanceList`: a leading
// acronym is lower-cased up to the capital that starts the next word. (src/results.rs
// applies the same rule to fields the table does not know.)
const camel = (name) => {
  const run = /^[A-Z]+/.exec(name)?.[0] ?? '';
  if (run.length <= 1) return name.slice(0, 1).toLowerCase() + name.slice(1);
  const keep = run.length < name.length && /[a-z]/.test(name[run.length]) ? run.length - 1 : run.length;
  return name.slice(0, keep).toLowerCase() + name.slice(keep);
};
const operations = [...spec.operations].sort((a, b) => (a.action < b.action ? -1 : 1));

// Response fields the result never shows: a success is a success (`success: true`), and
// DMS fills ErrorCode/ErrorMessage with noise such as "UnknownError" even then.
const DROPPED_FIELDS = new Set(['ErrorCode', 'ErrorMessage']);

/**
 * The shape of a response field. A vendor wrapper (an object whose only field is a list,
 * `DAGInstanceList: { DAGInstance: [...] }`) becomes `Wrapped`: the result shows the list
 * itself under the outer name (`dagInstanceList: [...]`).
 */
function shapeOf(field) {
  const isList = field.type.endsWith('[]');
  if (field.fields) {
    if (!isList && field.fields.length === 1 && field.fields[0].type.endsWith('[]')) {
      const inner = field.fields[0];
      return { kind: 'Wrapped', inner: inner.name, element: elementShape(inner) };
    }
    const object = { kind: 'Object', fields: field.fields };
    return isList ? { kind: 'Array', element: object } : object;
  }
  return isList ? { kind: 'Array', element: elementShape(field) } : scalarShape(field.name, field.type);
}

function elementShape(listField) {
  if (listField.fields) return { kind: 'Object', fields: listField.fields };
  return scalarShape(listField.name, listField.type.slice(0, -2));
}

function scalarShape(name, type) {
  switch (type) {
    case 'number': return { kind: isIdName(name) ? 'Id' : 'Number' };
    case 'string': return { kind: 'String' };
    case 'boolean': return { kind: 'Boolean' };
    default: throw new Error(`${name}: unsupported response type ${type}`);
  }
}

// The Rust table is text, one string per operation (the grammar is in src/operations/mod.rs):
// about a third of the wasm bytes of a table of structs holding `&'static str`s, and text
// compresses well.
const KIND_CODE = { Id: '#', Integer: '%', String: '$', Boolean: '?', Json: '&' };
const SHAPE_CODE = { Id: '#', Number: '%', String: '$', Boolean: '?' };

const checkedName = (name) => {
  if (!/^[A-Za-z0-9]+$/.test(name)) throw new Error(`${name}: names must be ASCII letters and digits (the Rust table's grammar)`);
  return name;
};

function shapeCode(shape) {
  switch (shape.kind) {
    case 'Object': return `{${shape.fields.map(fieldCode).join('')}}`;
    case 'Array': return `[${shapeCode(shape.element)}`;
    case 'Wrapped': return `<${checkedName(shape.inner)}${shapeCode(shape.element)}`;
    default: return SHAPE_CODE[shape.kind];
  }
}

const fieldCode = (field) => `${checkedName(field.name)}${shapeCode(shapeOf(field))}`;

/**
 * The shape of a JSON-string parameter's value: always an array here. Its elements are
 * objects whose fields spec/json-parameters.json gives, ids (`DagIdList`, `MemberIds`) or strings.
 */
function jsonParamShape(param) {
  const element = param.type.endsWith('[]') ? param.type.slice(0, -2) : null;
  if (element !== null && Object.hasOwn(jsonItems, element)) {
    return { kind: 'Array', element: { kind: 'Object', fields: jsonItems[element] } };
  }
  if (element === 'number') return { kind: 'Array', element: { kind: /Ids$|IdList$/.test(param.name) ? 'Id' : 'Number' } };
  if (element === 'string') return { kind: 'Array', element: { kind: 'String' } };
  throw new Error(`${param.name}: JSON parameter type ${param.type} is neither a list of scalars nor a model in spec/json-parameters.json`);
}

const paramCode = (p) => {
  const kind = kindOf(p);
  const shape = kind === 'Json' ? shapeCode(jsonParamShape(p)) : '';
  return `${p.required ? '' : '*'}${KIND_CODE[kind]}${checkedName(p.name)}${shape}`;
};

// Every answer has `RequestId` (string) and `Success` (boolean); src/results.rs knows them,
// so the table leaves them out.
const IMPLICIT_FIELDS = { RequestId: 'string', Success: 'boolean' };

function rustRow(op) {
  for (const [name, type] of Object.entries(IMPLICIT_FIELDS)) {
    if (!op.response.some((f) => f.name === name && f.type === type && !f.fields)) throw new Error(`${op.action}: no ${name} (${type}) in the response`);
  }
  const params = op.params.map(paramCode).join('');
  const response = op.response
    .filter((f) => !DROPPED_FIELDS.has(f.name) && !(f.name in IMPLICIT_FIELDS))
    .map(fieldCode)
    .join('');
  return `${checkedName(op.action)}(${params})${response}`;
}

function tsShape(shape, indent) {
  switch (shape.kind) {
    case 'Object': {
      const pad = '  '.repeat(indent + 1);
      const lines = shape.fields.map((f) => `${pad}${camel(f.name)}?: ${tsShape(shapeOf(f), indent + 1)};`);
      return `{\n${lines.join('\n')}\n${'  '.repeat(indent)}}`;
    }
    case 'Array':
    case 'Wrapped': return `Array<${tsShape(shape.element, indent)}>`;
    case 'Id': return 'string';
    case 'Number': return 'number';
    case 'String': return 'string';
    case 'Boolean': return 'boolean';
  }
}

function rustTable() {
  const rows = operations.map((op) => `    Operation("${rustRow(op)}"),`);
  return '// Generated by scripts/gen-operations.mjs from spec/taskflow-operations.json. Do not edit.\n' +
    '// One row per operation, `Action(parameters)response fields`; src/operations/mod.rs reads them.\n\n' +
    `use crate::operations::Operation;\n\n#[rustfmt::skip]\npub static OPERATIONS: &[Operation] = &[\n${rows.join('\n')}\n];\n`;
}

// What each kind accepts from JS. Ids: never a plain `number` beyond 2^53 - 1 (the package
// rejects unsafe integers at run time; the type cannot express that).
const tsType = { Id: 'Id', Integer: 'Integer', String: 'string', Boolean: 'boolean' };

// Parameters that hold a task-flow instance's Status, which the client methods also take as a
// status name (js/statuses.mjs): action → parameter. The types say so, and js/client.mjs reads
// the same list (STATUS_PARAMS in js/operation-actions.mjs).
const STATUS_PARAMS = { ListTaskFlowInstance: 'Status' };

/** A JSON parameter: its array typed (item keys in `nameOf`'s naming), or its JSON text. */
function tsParamType(param, nameOf, op) {
  const kind = kindOf(param);
  if (op !== undefined && STATUS_PARAMS[op.action] === param.name && nameOf === camel) return `${tsType[kind]} | InstanceStatus`;
  if (kind !== 'Json') return tsType[kind];
  const element = jsonParamShape(param).element;
  const scalar = { Id: 'Id', Number: 'number', String: 'string' };
  const item = element.kind === 'Object'
    ? `{ ${element.fields.map((f) => `${nameOf(f.name)}?: ${f.type === 'string[]' ? 'readonly string[]' : f.type === 'number' ? 'Id' : 'string'}`).join('; ')} }`
    : scalar[element.kind];
  return `ReadonlyArray<${item}> | string`;
}

function tsTypes() {
  const blocks = operations.map((op) => {
    const fields = (nameOf) => op.params
      .map((p) => `  ${nameOf(p.name)}${p.required ? '' : '?'}: ${tsParamType(p, nameOf, op)}${p.required ? '' : ' | null'};`)
      .join('\n');
    return `/** Parameters of \`${op.action}\`, as the client methods take them. */\n` +
      `export interface ${op.action}Params {\n${fields(camel)}\n}\n` +
      `/** Parameters of \`${op.action}\` with their wire names, as \`signRequest\` takes them. */\n` +
      `export interface ${op.action}WireParams {\n${fields((n) => n)}\n}\n`;
  });
  const results = operations.map((op) => {
    const fields = op.response
      .filter((f) => !DROPPED_FIELDS.has(f.name))
      .map((f) => {
        if (f.name === 'RequestId') return '  requestId: string;';
        if (f.name === 'Success') return '  success: true;';
        return `  ${camel(f.name)}?: ${tsShape(shapeOf(f), 1)};`;
      });
    return `/** What \`${camel(op.action)}\` resolves to (camelCase; ids as strings; vendor wrappers unwrapped). */\nexport interface ${op.action}Result {\n${fields.join('\n')}\n}\n`;
  });
  const methods = operations
    .map((op) => `  ${camel(op.action)}(params: ${op.action}Params, options?: CallOptions): Promise<${op.action}Result>;`)
    .join('\n');
  const wireMap = operations.map((op) => `  ${op.action}: ${op.action}WireParams;`).join('\n');
  const resultMap = operations.map((op) => `  ${op.action}: ${op.action}Result;`).join('\n');
  return `// Generated by scripts/gen-operations.mjs from spec/taskflow-operations.json. Do not edit.\n\n` +
    `import type { CallOptions, InstanceStatus } from './index.js';\n\n` +
    `/** An int64 id: a safe-integer number, a bigint, or a decimal string. */\n` +
    `export type Id = number | bigint | string;\n` +
    `/** An int64 integer: a safe-integer number, a bigint, or a decimal string. */\n` +
    `export type Integer = number | bigint | string;\n` +
    `\n` +
    blocks.join('\n') + '\n' + results.join('\n') +
    `\n/** One method per task-flow operation, on \`DmsClient\`. */\nexport interface OperationMethods {\n${methods}\n}\n` +
    `\n/** Wire parameters of every operation, by action. */\nexport interface WireParamsByAction {\n${wireMap}\n}\n\n` +
    `/** Results of every operation, by action. */\nexport interface ResultByAction {\n${resultMap}\n}\n\n` +
    `/** Every task-flow action in the table. */\nexport type Action = keyof WireParamsByAction;\n`;
}

// The README's operation list, between two marker comments.
const START = '<!-- operations:start (generated by scripts/gen-operations.mjs) -->';
const END = '<!-- operations:end -->';

function readmeWithTable() {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error('README.md lacks the operations markers');
  // One line per method, `name({ params })` and the result's fields: a list, not a table, so
  // the README stays small enough to read (and under 25 KB).
  const param = (p) => `${camel(p.name)}${p.required ? '' : '?'}`;
  const resultFields = (op) => op.response
    .filter((f) => !DROPPED_FIELDS.has(f.name) && f.name !== 'RequestId' && f.name !== 'Success')
    .map((f) => (shapeOf(f).kind === 'Wrapped' ? `${camel(f.name)}[]` : camel(f.name)));
  const rows = operations.map((op) => {
    const fields = resultFields(op);
    return `- \`${camel(op.action)}({ ${op.params.map(param).join(', ')} })\`${fields.length ? ` → \`${fields.join(', ')}\`` : ''}`;
  });
  const table = [
    START,
    'Each method is its action with the first letter lower-cased; `?` marks an optional parameter; `→` lists the result\'s fields besides `requestId` and `success` (`[]`: a list).',
    '',
    ...rows,
    END,
  ].join('\n');
  return readme.slice(0, from) + table + readme.slice(to + END.length);
}

// The actions DmsClient has a method for (js/client.mjs), joined by NUL in one string
// literal: free to load, where asking the wasm's table for them at import cost 0.4 ms of
// every cold start (an A/B of 40 fresh processes each: 0.62 against 0.21 ms). The method is
// the action with its first letter lower-cased, which is `camel` for every action: checked.
function jsActions() {
  for (const op of operations) {
    const method = op.action[0].toLowerCase() + op.action.slice(1);
    if (method !== camel(op.action)) throw new Error(`${op.action}: its method ${camel(op.action)} is not its first letter lower-cased; js/client.mjs needs the camel rule`);
  }
  return [
    '// Generated by scripts/gen-operations.mjs from spec/taskflow-operations.json. Do not edit.',
    '// The actions DmsClient has a method for, joined by NUL (js/client.mjs).',
    `export const OPERATION_ACTIONS = '${operations.map((op) => op.action).join('\\0')}';`,
    '// The operations that page (PageIndex in, TotalCount and one list out): method → list field',
    '// (client.paginate).',
    `export const PAGED_LISTS = Object.freeze(${JSON.stringify(pagedLists())});`,
    '// The parameters that hold an instance status, which the methods also take by name: method → parameter.',
    `export const STATUS_PARAMS = Object.freeze(${JSON.stringify(Object.fromEntries(Object.entries(STATUS_PARAMS).map(([action, name]) => [camel(action), camel(name)])))});`,
    '',
  ].join('\n');
}

/** `{ method: list field }` for every operation that pages. */
function pagedLists() {
  const paged = {};
  for (const op of operations) {
    if (!op.params.some((p) => p.name === 'PageIndex') || !op.response.some((f) => f.name === 'TotalCount')) continue;
    const lists = op.response.filter((f) => f.type.endsWith('[]') || shapeOf(f).kind === 'Wrapped');
    if (lists.length !== 1) throw new Error(`${op.action}: pages, but has ${lists.length} list fields`);
    paged[camel(op.action)] = camel(lists[0].name);
  }
  return paged;
}

const outputs = [
  ['src/operations/table.rs', rustTable()],
  ['js/operation-actions.mjs', jsActions()],
  ['types/operations.d.ts', tsTypes()],
  ['README.md', readmeWithTable()],
];

if (process.argv.includes('--check')) {
  const stale = outputs.filter(([path, text]) => {
    try { return readFileSync(new URL(path, root), 'utf8') !== text; } catch { return true; }
  });
  if (stale.length) {
    console.error(`out of date: ${stale.map(([p]) => p).join(', ')}; run node scripts/gen-operations.mjs`);
    process.exit(1);
  }
  console.log('generated files are up to date');
} else {
  for (const [path, text] of outputs) writeFileSync(new URL(path, root), text);
  console.log(`wrote ${outputs.map(([p]) => p).join(', ')} (${operations.length} operations)`);
}
