// Cold start of the package, ESM: import it (self-reference: dist/node.mjs) and build the
// first signed request.
import { signRequest } from 'dms-taskflow';
import { ACTION, CREDENTIALS, EXPECTED_BODY, PARAMS, SIGNING } from '../lib/fixture.mjs';

if (signRequest(CREDENTIALS, ACTION, PARAMS, SIGNING).body !== EXPECTED_BODY) process.exit(1);
