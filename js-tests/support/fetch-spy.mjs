// A fetch wrapper to pass as the client's `fetch` option: it counts calls, keeps what was
// sent, and checks each request's signature with the emulator's independent reference
// signer (emulator/signature.mjs), then forwards to the real fetch.
import { signRpc } from '../../emulator/signature.mjs';

/** Decodes an application/x-www-form-urlencoded body strictly (`+` is not a space here). */
export function parseForm(body) {
  const params = {};
  const order = [];
  if (body === '') return { params, order };
  for (const pair of body.split('&')) {
    const at = pair.indexOf('=');
    const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1));
    if (Object.hasOwn(params, name)) throw new Error(`parameter ${name} sent twice`);
    params[name] = value;
    order.push(name);
  }
  return { params, order };
}

/**
 * `createFetchSpy({ secret, inner })` returns a fetch-compatible function with:
 *   calls: [{ url, init, initKeys, headers, body, params, order, expectedSignature, signatureValid,
 *             response: { status, requestIdHeader, body } | undefined, error }]
 *   count: number of calls
 *   reset()
 * `secret` is the AccessKeySecret the client under test signs with; when given, each call's
 * Signature is recomputed with the reference signer (signatureValid). `inner` defaults to the
 * global fetch; pass another function to answer without a server.
 */
export function createFetchSpy({ secret, inner } = {}) {
  const calls = [];
  async function spyFetch(url, init) {
    const record = { url: String(url), init, initKeys: init ? Object.keys(init).sort() : [] };
    calls.push(record);
    record.headers = init?.headers;
    record.body = init?.body;
    if (typeof init?.body === 'string') {
      const { params, order } = parseForm(init.body);
      record.params = params;
      record.order = order;
      if (secret !== undefined) {
        record.expectedSignature = signRpc(init.method ?? 'GET', params, secret);
        record.signatureValid = record.expectedSignature === params.Signature;
      }
    }
    let response;
    try {
      response = await (inner ?? globalThis.fetch)(url, init);
    } catch (error) {
      record.error = error;
      throw error;
    }
    // What the server answered, read from a clone so the client still gets the whole body.
    if (response && typeof response.clone === 'function') {
      record.response = {
        status: response.status,
        requestIdHeader: response.headers.get('x-acs-request-id'),
        body: await response.clone().text(),
      };
    }
    return response;
  }
  Object.defineProperty(spyFetch, 'calls', { value: calls });
  Object.defineProperty(spyFetch, 'count', { get: () => calls.length });
  spyFetch.reset = () => {
    calls.length = 0;
  };
  return spyFetch;
}
