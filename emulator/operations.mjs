// The operation table: which actions exist and which parameters each takes.
// It is read from spec/taskflow-operations.json, the same table the Rust client
// is generated from, so the emulator and the client cannot drift apart silently.

import { readFileSync } from 'node:fs';

export const DEFAULT_OPERATIONS_URL = new URL('../spec/taskflow-operations.json', import.meta.url);

/**
 * Reads the table and returns a Map action → { action, params: Map name → param }.
 * Read at emulator start, not at import, so a broken table fails loudly there.
 */
export function loadOperations(source = DEFAULT_OPERATIONS_URL) {
  const table = JSON.parse(readFileSync(source, 'utf8'));
  if (!table || !Array.isArray(table.operations)) {
    throw new Error(`${source}: expected an object with an "operations" array`);
  }
  const operations = new Map();
  for (const op of table.operations) {
    if (typeof op?.action !== 'string' || !Array.isArray(op.params)) {
      throw new Error(`${source}: malformed operation ${JSON.stringify(op?.action)}`);
    }
    operations.set(op.action, {
      action: op.action,
      params: new Map(op.params.map((param) => [param.name, param])),
    });
  }
  return operations;
}
