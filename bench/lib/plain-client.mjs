// The end-to-end benchmarks' hand-written client with the package's duties: what a user
// would otherwise write. It signs each call (plain node:crypto signer, fresh nonce and
// timestamp), has a timeout that aborts the fetch, follows no redirects, reads the clock
// header, and parses the body from text.
import { signRequestPlain } from './plain-signer.mjs';

const TIMEOUT_MS = 30_000; // the package's default

/** `run(signal)` under a timeout that aborts `signal`, cleared when it settles. */
export async function withTimeout(run) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

export async function callPlain(options, action, params) {
  const { url, method, headers, body } = signRequestPlain(options, action, params);
  return withTimeout(async (signal) => {
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
    response.headers.get('date');
    return JSON.parse(await response.text());
  });
}
