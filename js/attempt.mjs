// One attempt's trip through the host's fetch, in one crossing (src/wasm/fetch.rs imports it;
// HACKING.md says why it exists). Rust has signed the request and decides everything about
// the answer; this only calls fetch and reads the few things Rust needs, so that an attempt
// is one call into JS and one await instead of ~25 imports and an await per promise.
//
// It never rejects, and it catches everything a custom fetch or its objects may throw: a
// failure comes back as an array naming the step that failed, with its cause, so Rust builds
// the same DmsError as if it had made each call itself. The order of the calls (fetch, `type`,
// `status`, `headers`, `get('date')`, `get('age')`, `text()`) and where reading stops are the
// binding's; keep them in step with fetch.rs.

// What came back, when it is not the packed success string (read by fetch.rs).
const NO_FETCH = 0; // [NO_FETCH]: no custom fetch and no global one
const FETCH_FAILED = 1; // [FETCH_FAILED, cause]: fetch threw or its promise rejected
const NOT_READ = 2; // [NOT_READ, opaqueRedirect, status]: not a usable status; the body is not read
const BODY_FAILED = 3; // [BODY_FAILED, status, cause]: text() threw, rejected or gave no string
const TOO_LARGE = 4; // [TOO_LARGE, status, date, age, length, head]: longer than maxChars

// A fresh native promise settled with `value`: awaiting whatever a custom fetch returns (a
// thenable, a promise with odd `then`) stays inside the promise machinery.
const settle = (value) => new Promise((resolve) => resolve(value));

/**
 * `fetch` is the client's own or undefined (then `globalThis.fetch`, read now, so a polyfill
 * installed after load is used); `headers` is the headers object, or undefined for the
 * V1 request's only header, `content-type: contentType`; an empty `body` is none; the fetch
 * gets `controller.signal` when there is a controller.
 *
 * Resolves with `"<status> <date length|-> <age length|-> <date><age><body>"` (lengths in
 * UTF-16 units, `-` when the header is not a string) when the body was read, else an array
 * (above).
 */
export async function attempt(fetch, url, method, contentType, headers, body, controller, maxChars) {
  if (fetch === undefined) {
    try {
      fetch = globalThis.fetch;
    } catch {
      fetch = undefined;
    }
    if (typeof fetch !== 'function') return [NO_FETCH];
  }
  // Only method, headers and body (and the abort signal): `mode`, `cache` and `credentials`
  // stay the runtime's defaults. `redirect: 'manual'`: a signed request is never re-sent to
  // another origin ('error' is not supported by workerd).
  const init = { method, headers: headers === undefined ? { 'content-type': contentType } : headers };
  if (body !== '') init.body = body;
  init.redirect = 'manual';
  if (controller !== undefined) {
    try {
      init.signal = controller.signal;
    } catch {}
  }
  let response;
  try {
    // `this` is globalThis: browsers throw "Illegal invocation" for a detached fetch.
    response = await settle(fetch.call(globalThis, url, init));
  } catch (error) {
    return [FETCH_FAILED, error];
  }
  let type;
  try {
    type = response.type;
  } catch {}
  // A browser reports a manual redirect as an opaque response with status 0.
  if (type === 'opaqueredirect') return [NOT_READ, true, undefined];
  let status;
  try {
    status = response.status;
  } catch {
    return [NOT_READ, false, undefined];
  }
  // What fetch.rs accepts as a final answer: an integer 100-599, not a redirect.
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599 || (status >= 300 && status < 400)) {
    return [NOT_READ, false, status];
  }
  let responseHeaders, date, age;
  try {
    responseHeaders = response.headers;
  } catch {}
  try {
    date = responseHeaders.get('date');
  } catch {}
  try {
    age = responseHeaders.get('age');
  } catch {}
  let text;
  try {
    text = await settle(response.text());
  } catch (error) {
    return [BODY_FAILED, status, error];
  }
  if (typeof text !== 'string') return [BODY_FAILED, status, 'text() did not give a string'];
  // Not copied into wasm memory whole: a runaway proxy must not grow the wasm heap for good.
  if (text.length > maxChars) return [TOO_LARGE, status, date, age, text.length, text.slice(0, 4096)];
  const dateText = typeof date === 'string' ? date : '';
  const ageText = typeof age === 'string' ? age : '';
  return `${status} ${typeof date === 'string' ? date.length : '-'} ${typeof age === 'string' ? age.length : '-'} ${dateText}${ageText}${text}`;
}
