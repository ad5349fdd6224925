// The end-to-end benchmarks' hand-written client with the package's duties: what a user
// would otherwise write. It signs each call (plain node:crypto signer, fresh nonce and
// timestamp), has a timeout that aborts the fetch, follows no redirects, reads the clock
// header, and parses the body from text.
import { signRequestPlain } from './plain-signer.mjs';

const TIMEOUT_MS = 30_000;

export async function callPlain(options, action, params) {
  const { url, method, headers, body } = signRequestPlain(options, action, params);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: controller.signal });
    response.headers.get('date');
    return JSON.parse(await response.text());
  } finally {
    clearTimeout(timer);
  }
}
