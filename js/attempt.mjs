// One attempt's trip through the host's fetch, in one crossing (src/wasm/fetch.rs imports it;
// HACKING.md says why it exists). Rust has signed the request and decides everything about
// the answer; this only calls fetch and reads the few things Rust needs, so that an attempt
// is one call into JS and one await instead of ~25 imports and an await per promise.
//
// It never rejects, and it catches everything a custom fetch or its objects may throw: a
// failure comes back as an array naming the step that failed, with its cause, so Rust builds
// the same DmsError as if it had made each call itself. The order of the calls (fetch, `type`,
// `status`, `headers`, `get('date')`, `get('age')`, `get('content-length')`, the body) and
// where reading stops are the binding's; keep them in step with fetch.rs.
//
// The body is read as a stream with a byte budget: an answer that declares more, or streams
// more, is cancelled there, so an endless or huge answer costs no more than the budget.

// What came back, when it is not the packed success string (read by fetch.rs).
const NO_FETCH = 0; // [NO_FETCH]: no custom fetch and no global one
const FETCH_FAILED = 1; // [FETCH_FAILED, cause, permanent, crossOrigin]: fetch threw or its promise rejected
const NOT_READ = 2; // [NOT_READ, opaqueRedirect, status]: not a usable status; the body is not read
const BODY_FAILED = 3; // [BODY_FAILED, status, cause]: reading the body threw, rejected or gave no text
const TOO_LARGE = 4; // [TOO_LARGE, status, date, age, size, head]: more than maxBytes (size says how it was known)

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
export async function attempt(fetch, url, method, contentType, headers, body, controller, maxBytes) {
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
    return [FETCH_FAILED, error, isPermanent(error), isCrossOriginPage(url)];
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
  let declared;
  try {
    declared = responseHeaders.get('content-length');
  } catch {}
  if (typeof declared === 'string' && /^[0-9]+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    discard(response);
    return [TOO_LARGE, status, date, age, `content-length ${declared.trim()}`, ''];
  }
  let read;
  try {
    read = await readBody(response, maxBytes);
  } catch (error) {
    return [BODY_FAILED, status, error];
  }
  if (read.tooLarge !== undefined) return [TOO_LARGE, status, date, age, read.tooLarge, read.head];
  if (typeof read.text !== 'string') return [BODY_FAILED, status, 'text() did not give a string'];
  const text = read.text;
  const dateText = typeof date === 'string' ? date : '';
  const ageText = typeof age === 'string' ? age : '';
  return `${status} ${typeof date === 'string' ? date.length : '-'} ${typeof age === 'string' ? age.length : '-'} ${dateText}${ageText}${text}`;
}

// A fetch failure that no retry can mend: a URL fetch cannot parse, a port the Fetch
// standard blocks, a scheme it does not fetch. Node (undici) says so in `cause`; browsers say
// only "Failed to fetch", which stays retryable.
function isPermanent(error) {
  let text = '';
  try {
    text = `${error?.message} ${error?.cause?.message} ${error?.cause?.code}`;
  } catch {}
  return /\b(bad port|invalid url|ERR_INVALID_URL|failed to parse url|unknown scheme)/i.test(text);
}

// Whether this runs in a web page sending to another origin: then a failed fetch may be CORS
// refusing the request, which the browser reports only as a network error.
function isCrossOriginPage(url) {
  try {
    const origin = globalThis.location?.origin;
    return typeof globalThis.document === 'object' && typeof origin === 'string' && origin !== 'null' && new URL(url).origin !== origin;
  } catch {
    return false;
  }
}

// The body's text, or `{ tooLarge, head }` once more than `maxBytes` arrived (the stream is
// then cancelled). A Response-like object without a readable stream (a custom fetch's) is
// read with its `text()`, whose length is checked after.
async function readBody(response, maxBytes) {
  let stream;
  try {
    stream = response.body;
  } catch {}
  if (stream === null || typeof stream !== 'object' || typeof stream.getReader !== 'function') {
    const text = await settle(response.text());
    // At least one byte per UTF-16 unit.
    if (typeof text === 'string' && text.length > maxBytes) return { tooLarge: `${text.length} characters`, head: text.slice(0, 4096) };
    return { text };
  }
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await settle(reader.read());
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError('the body stream gave something other than bytes');
    total += value.byteLength;
    if (total > maxBytes) {
      settle(reader.cancel()).catch(() => {});
      return { tooLarge: `more than ${maxBytes} bytes`, head: decode(chunks, Math.min(4096, total - value.byteLength)) };
    }
    chunks.push(value);
  }
  return { text: decode(chunks, total) };
}

// UTF-8 text of the first `length` bytes of `chunks`, as Response.text() decodes (a BOM
// dropped, malformed bytes replaced).
function decode(chunks, length) {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= length) break;
    const part = chunk.subarray(0, length - at);
    bytes.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

// Tells the server to stop sending an answer that will not be read.
function discard(response) {
  try {
    settle(response.body?.cancel()).catch(() => {});
  } catch {}
}
