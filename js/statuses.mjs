// The task-flow instance status vocabulary, one for the whole package: ListTaskFlowInstance's
// `Status` numbers as the API reference documents them, by name. The client's `status`
// filter, waitForInstance's `until` and the CLI accept either; the emulator prints the names.

/** `Status` number → name (index = number). A stopped instance reports `completed`. */
export const INSTANCE_STATUSES = Object.freeze(['waiting', 'running', 'suspended', 'failed', 'succeeded', 'completed']);

/** Name → `Status` number: `InstanceStatus.running === 1`. */
export const InstanceStatus = Object.freeze(Object.fromEntries(INSTANCE_STATUSES.map((name, code) => [name, code])));

/** The name of a `Status` number (or its decimal string), or undefined. */
export function instanceStatusName(code) {
  const number = typeof code === 'string' && /^[0-9]+$/.test(code) ? Number(code) : code;
  return Number.isInteger(number) ? INSTANCE_STATUSES[number] : undefined;
}

/** A status given as a name or a number, as its number; undefined when it is neither. */
export function instanceStatusCode(value) {
  if (typeof value === 'string' && Object.hasOwn(InstanceStatus, value)) return InstanceStatus[value];
  return instanceStatusName(value) === undefined ? undefined : Number(value);
}

export const STATUS_RULE = `a status name (${INSTANCE_STATUSES.join(', ')}) or its number (0-5)`;
