// Cold start of the package, ESM: import it (self-reference: dist/node.mjs) and build the
// first signed request as a real call does (fresh nonce, current time); the parent checks
// the printed body's signature (see package.cjs).
import { signRequest } from 'dms-taskflow';
import { ACTION, CREDENTIALS, PARAMS } from '../lib/fixture.mjs';

process.stdout.write(`signed-body ${signRequest(CREDENTIALS, ACTION, PARAMS).body}\n`);
