// dms-taskflow/proxy: the backend half of a browser admin console. The page signs its DMS
// requests itself (with short-lived STS credentials); this proxy, on the page's own origin,
// forwards them unchanged to DMS, but only for the actions it is told to allow.
//
// It has no credentials of its own: it never signs, never adds or reads a key. It decides
// from what the request says (the action) and forwards the rest byte for byte, because the
// signature covers it.
//
// Plain JavaScript with no imports: fetch, Request, Response, URL, TextDecoder and streams
// only, so one file serves Node, Cloudflare Workers, Deno and Bun.

const DEFAULT_TARGET = 'https://dms-enterprise.aliyuncs.com';
const DEFAULT_PREFIX = '/api/dms';
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** The most of an answer from DMS the proxy relays (DMS's own answers are a few KiB). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

const OPTION_NAMES = ['allow', 'target', 'prefix', 'maxBodyBytes', 'fetch'];
const ACTION_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json; charset=utf-8';
// A target is an origin: scheme, host, optional port, optional '/', nothing else.
const TARGET_SHAPE = /^https?:\/\/[^/?#\\@\s]+\/?$/i;
// A prefix: '/' or '/segment(/segment)*' with an optional trailing '/'; no '%', no '.' or '..'
// segment, no empty segment, so that comparing the raw request path to it is exact.
const PREFIX_SHAPE = /^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*\/?$/;
// Query bytes a URL parser leaves as they are (RFC 3986 query characters without the `'`
// that WHATWG URL percent-encodes in http(s) queries): anything else could not be forwarded
// byte for byte, so it is refused.
const QUERY_SHAPE = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
// Request headers forwarded to DMS; everything else (cookies, host, origin, referer,
// x-forwarded-*, ...) stays behind.
const FORWARDED = new Set(['content-type', 'authorization', 'accept']);
const isForwarded = (name) => FORWARDED.has(name) || name.startsWith('x-acs-');
// Headers that must not come twice (what DMS would read from two is not ours to guess).
const isSingle = (name) => name !== 'accept' && isForwarded(name);
// Response headers relayed to the page.
const RELAYED = ['content-type', 'x-acs-request-id'];
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * @typedef {object} ProxyOptions
 * @property {string[]} allow The DMS actions the proxy forwards (e.g. `'StopTaskFlowInstance'`);
 *   required, non-empty, each matching `^[A-Z][A-Za-z0-9]{0,63}$`. Any other action is
 *   answered 403 `{ "Code": "Forbidden.Action" }` without reaching DMS.
 * @property {string} [target] The DMS origin, `https://dms-enterprise.aliyuncs.com` by
 *   default; any http(s) origin (no path, query or credentials). Requests go to `${target}/`.
 * @property {string} [prefix] The path the page uses as its endpoint, `/api/dms` by default:
 *   exactly `${prefix}` or `${prefix}/` is forwarded (with its query string); every other
 *   path is answered 404 (or handed to `next()` by the Node handler).
 * @property {number} [maxBodyBytes] The largest request body forwarded, 65536 by default;
 *   a larger one is answered 413 without reaching DMS.
 * @property {typeof fetch} [fetch] The fetch used to reach DMS; by default
 *   `globalThis.fetch`, looked up at each request.
 */

/**
 * Validates the options once, when the handler is created.
 * @param {ProxyOptions} options
 */
function normalizeOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('dms-taskflow/proxy: options must be an object with at least `allow`');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new TypeError(`dms-taskflow/proxy: unknown option ${JSON.stringify(key)} (known: ${OPTION_NAMES.join(', ')})`);
    }
  }
  const { allow, target = DEFAULT_TARGET, prefix = DEFAULT_PREFIX, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, fetch } = options;

  if (!Array.isArray(allow) || allow.length === 0) {
    throw new TypeError('dms-taskflow/proxy: `allow` must be a non-empty array of DMS action names, e.g. ["StopTaskFlowInstance"]');
  }
  for (const action of allow) {
    if (typeof action !== 'string' || !ACTION_NAME.test(action)) {
      throw new TypeError(`dms-taskflow/proxy: ${JSON.stringify(action)} in \`allow\` is not a DMS action name (^[A-Z][A-Za-z0-9]{0,63}$)`);
    }
  }

  if (typeof target !== 'string' || !TARGET_SHAPE.test(target)) {
    throw new TypeError(`dms-taskflow/proxy: \`target\` must be an http(s) origin such as ${DEFAULT_TARGET} (no path, query or credentials), not ${JSON.stringify(target)}`);
  }
  let origin;
  try {
    origin = new URL(target).origin;
  } catch {
    throw new TypeError(`dms-taskflow/proxy: \`target\` is not a valid URL: ${JSON.stringify(target)}`);
  }

  if (typeof prefix !== 'string' || !prefix.startsWith('/') || !PREFIX_SHAPE.test(prefix) || prefix.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new TypeError(`dms-taskflow/proxy: \`prefix\` must be a path such as '/api/dms' (no '%', '.' or '..' segments, no '//'), not ${JSON.stringify(prefix)}`);
  }
  const base = prefix.replace(/\/$/, ''); // '/api/dms/' is '/api/dms'; '/' is ''

  if (typeof maxBodyBytes !== 'number' || !Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new TypeError(`dms-taskflow/proxy: \`maxBodyBytes\` must be a non-negative integer, not ${String(maxBodyBytes)}`);
  }
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError('dms-taskflow/proxy: `fetch` must be a function when given');
  }

  return Object.freeze({
    allow: new Set(allow),
    origin,
    paths: base === '' ? ['/'] : [base, `${base}/`],
    maxBodyBytes,
    fetch: fetch ?? null,
  });
}

// ---------------------------------------------------------------------------------------
// Answers of the proxy's own

function encodeText(text) {
  return new TextEncoder().encode(text);
}

/** `{ status, headers, body }`: what either shape turns into its own answer. */
function ownAnswer(status, code, message, extraHeaders = []) {
  return {
    status,
    headers: [['content-type', JSON_TYPE], ['cache-control', 'no-store'], ...extraHeaders],
    body: encodeText(JSON.stringify({ Code: code, Message: message })),
  };
}

const notFound = () => ownAnswer(404, 'NotFound', 'This path is not served by the DMS proxy.');
const badRequest = (message) => ownAnswer(400, 'BadRequest', message);
const tooLarge = (max) => ownAnswer(413, 'PayloadTooLarge', `The request body is larger than ${max} bytes.`);
const badGateway = (code = 'BadGateway', message = 'DMS could not be reached.') => ownAnswer(502, code, message);

// ---------------------------------------------------------------------------------------
// Request targets, headers, bodies

/**
 * Splits a raw request target (`/path?query`) into its path and query (null when there is
 * no `?`). A fragment, which a request target never has, is dropped.
 */
function splitTarget(target) {
  const hash = target.indexOf('#');
  const bare = hash === -1 ? target : target.slice(0, hash);
  const mark = bare.indexOf('?');
  return mark === -1 ? { path: bare, query: null } : { path: bare.slice(0, mark), query: bare.slice(mark + 1) };
}

/** The path and query of a Request's URL, as serialized (not re-encoded). */
function splitRequestUrl(url) {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  const rest = authority ? url.slice(authority[0].length) : url;
  const { path, query } = splitTarget(rest);
  return { path: path === '' ? '/' : path, query };
}

/** True when the raw path is exactly the prefix or the prefix and '/'. */
function isProxyPath(config, path) {
  return config.paths.includes(path);
}

/** The values of one header (lower-case name) among `[name, value]` pairs. */
function headerValues(pairs, name) {
  const values = [];
  for (const [key, value] of pairs) if (key === name) values.push(value);
  return values;
}

function concatBytes(chunks, size) {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads a web stream, at most `max` bytes: `{ bytes }`, `{ tooLarge: true }` (the stream is
 * cancelled) or `{ failed: true }`.
 */
async function readLimited(stream, max) {
  if (stream === null || stream === undefined) return { bytes: new Uint8Array(0) };
  const chunks = [];
  let size = 0;
  let reader;
  try {
    reader = stream.getReader(); // throws when the body was already read
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
      size += chunk.byteLength;
      if (size > max) {
        reader.cancel().catch(() => {});
        return { tooLarge: true };
      }
      chunks.push(chunk);
    }
  } catch {
    return { failed: true };
  }
  return { bytes: concatBytes(chunks, size) };
}

/** A declared Content-Length: a number, null when absent, NaN when malformed. */
function declaredLength(pairs) {
  const values = headerValues(pairs, 'content-length');
  if (values.length === 0) return null;
  const distinct = new Set(values.flatMap((value) => value.split(',').map((part) => part.trim())));
  if (distinct.size !== 1) return NaN;
  const [value] = distinct;
  return /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
}

/**
 * The `[name, value]` pairs of a form or query string, names and values decoded
 * (`+` is a space); null on malformed percent-encoding.
 */
function parsePairs(text) {
  const pairs = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    const rawValue = eq === -1 ? '' : piece.slice(eq + 1);
    let name;
    let value;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return null;
    }
    pairs.push([name, value]);
  }
  return pairs;
}

/**
 * Values of the parameters that may name an action: `Action`, and, since a lenient gateway
 * might read them as such, any other case of it, with or without surrounding spaces.
 */
function actionValues(pairs) {
  return pairs.filter(([name]) => name.trim().toLowerCase() === 'action').map(([, value]) => value);
}

function isFormType(contentType) {
  return contentType !== undefined && contentType.split(';')[0].trim().toLowerCase() === FORM_TYPE;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------------------------------
// The decision and the forwarding, shared by both shapes

/**
 * Checks the request and finds its action: `{ action }` or `{ answer }` (a refusal).
 * @param {{ method: string, query: string | null, headers: [string, string][], body: Uint8Array }} request
 */
function findAction(config, { method, query, headers, body }) {
  const firstValues = new Map();
  for (const [name, value] of headers) {
    if (!firstValues.has(name)) firstValues.set(name, value);
    else if (isSingle(name)) return { answer: badRequest(`The ${name} header is sent more than once.`) };
  }
  const single = (name) => firstValues.get(name);

  if (query !== null && !QUERY_SHAPE.test(query)) {
    return { answer: badRequest('The query string has characters that cannot be forwarded unchanged.') };
  }
  const queryPairs = parsePairs(query ?? '');
  if (queryPairs === null) return { answer: badRequest('The query string has malformed percent-encoding.') };
  let bodyPairs = [];

  const authorization = single('authorization');
  const headerAction = single('x-acs-action');
  const v3 = authorization !== undefined && /^\s*acs3-/i.test(authorization);
  if (authorization !== undefined && !v3) {
    return { answer: badRequest('The Authorization header is not an ACS3 signature.') };
  }
  if (v3 && headerAction === undefined) return { answer: badRequest('An ACS3-signed request without an x-acs-action header.') };
  if (!v3 && headerAction !== undefined) return { answer: badRequest('An x-acs-action header on a request that is not ACS3-signed.') };

  if (body.byteLength > 0) {
    if (method === 'GET') return { answer: badRequest('A GET request with a body.') };
    if (!isFormType(single('content-type'))) {
      return { answer: badRequest(`A POST body must be ${FORM_TYPE}.`) };
    }
    let text;
    try {
      text = utf8.decode(body);
    } catch {
      return { answer: badRequest('The form body is not UTF-8.') };
    }
    bodyPairs = parsePairs(text);
    if (bodyPairs === null) return { answer: badRequest('The form body has malformed percent-encoding.') };
  }
  const inQuery = actionValues(queryPairs);
  const inBody = actionValues(bodyPairs);

  let action;
  if (v3) {
    if (inQuery.length > 0 || inBody.length > 0) {
      return { answer: badRequest('An ACS3-signed request names its action in x-acs-action only, not in an Action parameter.') };
    }
    action = headerAction;
  } else if (method === 'GET') {
    if (inQuery.length !== 1) return { answer: badRequest(`A GET request needs exactly one Action parameter, not ${inQuery.length}.`) };
    action = inQuery[0];
  } else {
    if (!isFormType(single('content-type'))) return { answer: badRequest(`A POST body must be ${FORM_TYPE}.`) };
    if (inQuery.length > 0) return { answer: badRequest('A form POST names its action in the body only, not in the query string.') };
    if (inBody.length !== 1) return { answer: badRequest(`A form POST needs exactly one Action parameter, not ${inBody.length}.`) };
    action = inBody[0];
  }
  if (!ACTION_NAME.test(action)) return { answer: badRequest('The action is not a DMS action name.') };
  if (!config.allow.has(action)) {
    return { answer: ownAnswer(403, 'Forbidden.Action', `The action ${action} is not allowed through this proxy.`) };
  }
  return { action };
}

/**
 * Handles one request: `{ status, headers, body }` to answer with, or null when the client
 * went away (nothing to answer).
 * @param {{ method: string, path: string, query: string | null, headers: [string, string][],
 *   readBody: (max: number) => Promise<{ bytes?: Uint8Array, tooLarge?: true, failed?: true }>,
 *   signal?: AbortSignal }} request
 */
async function handle(config, request) {
  const { method, query, headers } = request;
  if (method !== 'GET' && method !== 'POST') {
    return ownAnswer(405, 'MethodNotAllowed', 'The DMS proxy takes GET and POST only.', [['allow', 'GET, POST']]);
  }
  const declared = declaredLength(headers);
  if (Number.isNaN(declared)) return badRequest('The Content-Length header is malformed.');
  if (declared !== null && declared > config.maxBodyBytes) return tooLarge(config.maxBodyBytes);

  const read = await request.readBody(config.maxBodyBytes);
  if (read.tooLarge) return tooLarge(config.maxBodyBytes);
  if (read.failed) return request.signal?.aborted ? null : badRequest('The request body could not be read.');
  const body = read.bytes;

  const decision = findAction(config, { method, query, headers, body });
  if (decision.answer) return decision.answer;

  const forwardHeaders = new Headers();
  for (const [name, value] of headers) if (isForwarded(name)) forwardHeaders.append(name, value);
  const url = `${config.origin}/${query === null ? '' : `?${query}`}`;
  const init = { method, headers: forwardHeaders, redirect: 'manual' };
  if (method === 'POST') init.body = body;
  if (request.signal) init.signal = request.signal;

  let response;
  try {
    const send = config.fetch;
    response = send ? await send(url, init) : await globalThis.fetch(url, init);
  } catch {
    return request.signal?.aborted ? null : badGateway();
  }
  if (!response || typeof response.status !== 'number') return badGateway();
  const status = response.status;
  if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
    response.body?.cancel().catch(() => {});
    return badGateway('BadGateway.Redirect', 'DMS answered with a redirect, which the proxy does not follow.');
  }
  if (status < 200 || status > 599) {
    response.body?.cancel().catch(() => {});
    return badGateway('BadGateway', 'DMS answered with an unexpected status.');
  }
  const answerLength = declaredLength([...response.headers].filter(([name]) => name === 'content-length'));
  const tooBig = () => badGateway('BadGateway.ResponseTooLarge', `DMS answered with more than ${MAX_RESPONSE_BYTES} bytes.`);
  if (answerLength !== null && answerLength > MAX_RESPONSE_BYTES) {
    response.body?.cancel().catch(() => {});
    return tooBig();
  }
  const answer = await readLimited(response.body, MAX_RESPONSE_BYTES);
  if (answer.tooLarge) return tooBig();
  if (answer.failed) return request.signal?.aborted ? null : badGateway();

  const relayed = [];
  for (const name of RELAYED) {
    const value = response.headers.get(name);
    if (value !== null) relayed.push([name, value]);
  }
  return { status, headers: relayed, body: NULL_BODY_STATUSES.has(status) ? null : answer.bytes };
}

// ---------------------------------------------------------------------------------------
// The two shapes

/**
 * A fetch-style handler (Cloudflare Workers, Deno, Bun, or any server that speaks `Request`
 * and `Response`): requests to exactly `${prefix}` or `${prefix}/` are checked and forwarded
 * to `${target}/` with their query string, body and DMS headers unchanged; every other path
 * is answered 404.
 *
 * The runtime has already normalized `request.url` (`/api/dms/x/..` arrives as `/api/dms/`);
 * the path check sees what the runtime gives it. Whatever the path, only `${target}/` is ever
 * reached.
 *
 * @param {ProxyOptions} options
 * @returns {(request: Request) => Promise<Response>}
 * @throws {TypeError} for a missing or malformed option.
 * @example
 * import { createFetchProxy } from 'dms-taskflow/proxy';
 * const dms = createFetchProxy({ allow: ['StopTaskFlowInstance', 'ListTaskFlowInstance'] });
 * export default { fetch: (request) => dms(request) };
 */
export function createFetchProxy(options) {
  const config = normalizeOptions(options);
  return async function dmsFetchProxy(request) {
    const { path, query } = splitRequestUrl(String(request.url));
    let result;
    if (!isProxyPath(config, path)) {
      result = notFound();
    } else {
      const headers = [...request.headers].map(([name, value]) => [name.toLowerCase(), value]);
      try {
        result =
          (await handle(config, {
            method: request.method,
            path,
            query,
            headers,
            readBody: (max) => readLimited(request.body, max),
            signal: request.signal,
          })) ?? badGateway('BadGateway', 'The request was cancelled.');
      } catch {
        result = ownAnswer(500, 'InternalError', 'The DMS proxy failed on this request.');
      }
    }
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
}

/**
 * Reads a Node request body (an `http.IncomingMessage`), at most `max` bytes. On too large,
 * the rest is read and discarded, so the client can finish sending and read the 413.
 */
function readNodeBody(req, max) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    if (req.readableEnded) {
      settle({ bytes: new Uint8Array(0) }); // nothing left (an empty body, already read)
      return;
    }
    if (req.destroyed) {
      settle({ failed: true });
      return;
    }
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.byteLength;
      if (size > max) {
        chunks.length = 0;
        req.removeListener('data', onData);
        req.resume(); // discard the rest
        settle({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => settle({ bytes: concatBytes(chunks, size) }));
    req.on('error', () => settle({ failed: true }));
    req.on('close', () => settle({ failed: true }));
  });
}

/** `[name, value]` pairs of a Node request's headers, as received (duplicates kept). */
function nodeHeaderPairs(req) {
  const pairs = [];
  const raw = Array.isArray(req.rawHeaders) ? req.rawHeaders : null;
  if (raw) {
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
  } else {
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      for (const one of Array.isArray(value) ? value : [value]) pairs.push([name.toLowerCase(), String(one)]);
    }
  }
  return pairs;
}

function sendNode(res, result, close) {
  if (res.headersSent || res.destroyed) return;
  const headers = {};
  for (const [name, value] of result.headers) headers[name] = value;
  if (close) headers.connection = 'close';
  res.writeHead(result.status, headers);
  res.end(result.body ?? undefined);
}

/**
 * A handler for `node:http` servers and Express-style middleware stacks:
 * `(req, res, next?) => void`. Requests to exactly `${prefix}` or `${prefix}/` (judged on
 * the raw request target, `req.originalUrl` under Express, never a normalized URL) are
 * checked and forwarded to `${target}/` with their query string, body and DMS headers
 * unchanged. Any other path is handed to `next()` when given, else answered 404.
 *
 * Mount it before any body parser: it reads the request body itself.
 *
 * @param {ProxyOptions} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: (error?: unknown) => void) => void}
 * @throws {TypeError} for a missing or malformed option.
 * @example
 * import http from 'node:http';
 * import { createNodeProxy } from 'dms-taskflow/proxy';
 * const dms = createNodeProxy({ allow: ['StopTaskFlowInstance', 'ListTaskFlowInstance'] });
 * http.createServer((req, res) => dms(req, res)).listen(8080);
 * // Express: app.use(dms) (before express.urlencoded() and the like)
 */
export function createNodeProxy(options) {
  const config = normalizeOptions(options);
  return function dmsNodeProxy(req, res, next) {
    const raw = typeof req.originalUrl === 'string' ? req.originalUrl : String(req.url ?? '');
    const { path, query } = splitTarget(raw);
    if (!isProxyPath(config, path)) {
      if (typeof next === 'function') next();
      else sendNode(res, notFound(), false);
      return;
    }
    const pairs = nodeHeaderPairs(req);
    const declared = declaredLength(pairs);
    if (req.readableEnded === true && ((declared !== null && declared !== 0) || headerValues(pairs, 'transfer-encoding').length > 0)) {
      // A body parser mounted before the proxy has consumed what it must forward.
      sendNode(res, ownAnswer(500, 'InternalError', 'The request body was read before the DMS proxy; mount it before any body parser.'), false);
      return;
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    // A body left unread (refused before or while reading it) is discarded, and the
    // connection closed after the answer, so the client can finish sending and read it.
    const unread = () => {
      if (req.readableEnded) return false;
      req.resume();
      return true;
    };
    handle(config, {
      method: req.method,
      path,
      query,
      headers: pairs,
      readBody: (max) => readNodeBody(req, max),
      signal: controller.signal,
    }).then(
      (result) => {
        if (result === null) return;
        sendNode(res, result, unread());
      },
      (error) => {
        if (typeof next === 'function') next(error);
        else if (!res.headersSent) sendNode(res, ownAnswer(500, 'InternalError', 'The DMS proxy failed on this request.'), unread());
        else res.destroy();
      },
    );
  };
}
