//! Sends a signed request with the host's `fetch` and reads the answer.

use crate::error::{codes, concat, DmsError};
use crate::request::SignedRequest;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use super::cancel::Cancel;

/// A failure with the JS error that caused it, kept as the `DmsError`'s `cause`.
pub struct Failure {
    pub error: DmsError,
    pub cause: Option<JsValue>,
}

impl From<DmsError> for Failure {
    fn from(error: DmsError) -> Self {
        Failure { error, cause: None }
    }
}

#[wasm_bindgen(module = "/js/attempt.mjs")]
extern "C" {
    /// One attempt in one crossing: calls fetch and reads status, `date`, `age` and the body
    /// (js/attempt.mjs). It resolves, never rejects, with the packed answer or the step that
    /// failed; `catch` only for what no JS function can rule out (a stack overflow).
    #[wasm_bindgen(catch)]
    fn attempt(
        fetch: &JsValue,
        url: &str,
        method: &str,
        content_type: &str,
        headers: &JsValue,
        body: &str,
        controller: &JsValue,
        max_bytes: u32,
    ) -> Result<Promise, JsValue>;
}

// The steps js/attempt.mjs reports when it does not give the packed answer.
const NO_FETCH: u32 = 0;
const FETCH_FAILED: u32 = 1;
const NOT_READ: u32 = 2;
const BODY_FAILED: u32 = 3;
const TOO_LARGE: u32 = 4;

/// What came back: status, body, and the two headers clock-skew correction reads.
pub struct Reply {
    pub status: u16,
    pub body: Body,
    pub date: Option<String>,
    pub age: Option<String>,
}

/// Sends `request` with the client's fetch, or `globalThis.fetch` looked up at call time (so
/// a polyfill installed after the package loaded is still found; `globalThis`, not `window`:
/// the same code runs in Node, workers and browsers), and reads the answer, giving up as soon
/// as `cancel` fires.
pub async fn send(custom_fetch: Option<&Function>, request: &SignedRequest, cancel: &Cancel) -> Result<Reply, Failure> {
    // A V1 request's single content-type (which keeps a browser call free of preflight) goes
    // as a string; other requests' headers as an object.
    let (content_type, headers) = match request.headers.as_slice() {
        [("content-type", value)] => (value.as_str(), JsValue::UNDEFINED),
        all => {
            let headers = js_sys::Object::new();
            for (name, value) in all {
                super::convert::set(&headers, name, &JsValue::from_str(value));
            }
            ("", headers.into())
        }
    };
    let undefined = JsValue::UNDEFINED;
    let fetch = custom_fetch.map_or(&undefined, |fetch| fetch.as_ref());
    let controller = cancel.controller().unwrap_or(&undefined);
    let failed = |cause: JsValue| cancel.failure().unwrap_or_else(|| network_failure(&request.url, cause));
    let pending = attempt(fetch, &request.url, request.method, content_type, &headers, &request.body, controller, MAX_BODY_BYTES).map_err(failed)?;
    let outcome = cancel.race(pending).await.map_err(failed)?;
    if let Some(packed) = outcome.as_string() {
        return unpack_reply(&packed).ok_or_else(|| not_a_response().into());
    }
    let part = |index: u32| Reflect::get_u32(&outcome, index).unwrap_or(JsValue::UNDEFINED);
    let status = || part(1).as_f64().map_or(0, |status| status as u16);
    match part(0).as_f64().map_or(u32::MAX, |step| step as u32) {
        NO_FETCH => Err(DmsError::client(codes::UNSUPPORTED_RUNTIME, "this runtime has no global fetch; pass one as the fetch client option".into()).into()),
        FETCH_FAILED => Err(cancel.failure().unwrap_or_else(|| {
            let mut failure = network_failure(&request.url, part(1));
            if part(2).is_truthy() {
                failure.error.retryable = false;
            }
            if part(3).is_truthy() {
                failure.error.message.push_str(CORS_HINT);
            }
            failure
        })),
        NOT_READ if part(1).is_truthy() => Err(redirected(&request.url, 0).into()),
        NOT_READ => match part(2).as_f64() {
            Some(s) if REDIRECTS.contains(&s) => Err(redirected(&request.url, s as u16).into()),
            Some(s) if (300.0..400.0).contains(&s) && s.fract() == 0.0 => Err(unexpected_status(&request.url, s as u16).into()),
            _ => Err(not_a_response().into()),
        },
        BODY_FAILED => {
            let (status, cause) = (status(), part(2));
            Err(cancel.failure().unwrap_or_else(|| Failure {
                error: DmsError {
                    status: Some(status),
                    retryable: true,
                    ..DmsError::client(codes::NETWORK_ERROR, concat(&["reading the response body from ", &request.url, " failed: ", &error_text(&cause)]))
                },
                cause: Some(cause),
            }))
        }
        TOO_LARGE => Ok(Reply {
            status: status(),
            date: part(2).as_string(),
            age: part(3).as_string(),
            body: Body::TooLarge { size: part(4).as_string().unwrap_or_default(), head: part(5).as_string().unwrap_or_default() },
        }),
        _ => Err(not_a_response().into()),
    }
}

fn not_a_response() -> DmsError {
    DmsError::client(codes::INVALID_RESPONSE, "fetch resolved to something that is not a Response (no HTTP status)".into())
}

/// `"<status> <date length|-> <age length|-> <date><age><body>"` (lengths in UTF-16 units, `-`
/// for a header that is not a string), as js/attempt.mjs packs a read answer.
fn unpack_reply(packed: &str) -> Option<Reply> {
    let mut fields = packed.splitn(4, ' ');
    let status = u16::try_from(decimal_u32(fields.next()?)?).ok()?;
    let (date_length, age_length) = (fields.next()?, fields.next()?);
    let rest = fields.next()?;
    let (date, rest) = take_header(rest, date_length)?;
    let (age, body) = take_header(rest, age_length)?;
    Some(Reply { status, body: Body::Text(body.into()), date, age })
}

/// The header at the start of `text`, `length` UTF-16 units long (`-`: none), and what follows.
fn take_header<'a>(text: &'a str, length: &str) -> Option<(Option<String>, &'a str)> {
    if length == "-" {
        return Some((None, text));
    }
    let units = decimal_u32(length)? as usize;
    let mut counted = 0;
    let mut end = 0;
    for c in text.chars() {
        if counted >= units {
            break;
        }
        counted += c.len_utf16();
        end += c.len_utf8();
    }
    if counted != units {
        return None;
    }
    Some((Some(text.get(..end)?.into()), text.get(end..)?))
}

/// A run of 1 to 9 ASCII digits.
fn decimal_u32(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 {
        return None;
    }
    text.bytes().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

/// Most bytes of an answer read. The largest DMS task-flow answers, a page of 100 instances
/// or a task flow's graph, are tens of kilobytes; 1 MiB leaves a wide margin, and keeps what
/// a runaway server or proxy can make the module hold (and parse, within the call's
/// deadline) small. An answer that declares more is not read; one that streams more is
/// cancelled there.
pub const MAX_BODY_BYTES: u32 = 1 << 20;

/// A response body, or the start of one too large to read.
pub enum Body {
    Text(String),
    /// `size` says how much: `content-length N`, `more than N bytes` or `N characters`.
    TooLarge { size: String, head: String },
}

/// A fresh native promise settled with `value`. Unlike `Promise.resolve`, it cannot throw
/// synchronously and has no user-defined `then` or `constructor`: whatever a custom fetch
/// returns, awaiting it stays inside the promise machinery.
pub fn settle_later(value: &JsValue) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        // A resolve function never throws; a throwing thenable rejects the promise instead.
        let _ = resolve.call1(&JsValue::UNDEFINED, value);
    })
}

/// The statuses fetch treats as redirects; other 3xx (`304 Not Modified`, ...) are not.
const REDIRECTS: [f64; 5] = [301.0, 302.0, 303.0, 307.0, 308.0];

const CORS_HINT: &str = " (in a web page, a cross-origin request that CORS refused fails this way too: DMS does not allow calls from web pages, so send them through a same-origin proxy, as the README's browser section shows)";

/// A 3xx that is not a redirect: DMS never sends one, so something in between answered.
fn unexpected_status(url: &str, status: u16) -> DmsError {
    let message = concat(&["the endpoint ", url, " answered HTTP ", &status.to_string(), ", which is not a DMS answer (a cache or proxy in between?)"]);
    DmsError { status: Some(status), ..DmsError::client(codes::INVALID_RESPONSE, message) }
}

fn redirected(url: &str, status: u16) -> DmsError {
    let mut message = concat(&["the endpoint ", url, " answered with a redirect"]);
    if status != 0 {
        message.push_str(" (HTTP ");
        message.push_str(&status.to_string());
        message.push(')');
    }
    message.push_str("; signed requests are never re-sent elsewhere: set endpoint to the final URL");
    DmsError { status: (status != 0).then_some(status), ..DmsError::client(codes::INVALID_RESPONSE, message) }
}

pub fn network_failure(url: &str, cause: JsValue) -> Failure {
    let mut error = DmsError::client(codes::NETWORK_ERROR, concat(&["request to ", url, " failed: ", &error_text(&cause)]));
    error.retryable = true;
    Failure { error, cause: Some(cause) }
}

/// `message` of a JS error, with Node's `cause.code` (ECONNREFUSED, ...) when present.
fn error_text(error: &JsValue) -> String {
    let field = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    let mut text = field(error, "message").or_else(|| error.as_string()).unwrap_or_else(|| "unknown error".into());
    // Node's fetch says only "fetch failed"; the reason is in `cause` (ECONNREFUSED, bad port).
    if let Some(cause) = Reflect::get(error, &JsValue::from_str("cause")).ok().filter(|c| c.is_object()) {
        if let Some(code) = field(&cause, "code") {
            text = concat(&[&text, " (", &code, ")"]);
        } else if let Some(message) = field(&cause, "message") {
            text = concat(&[&text, ": ", &message]);
        }
    }
    text.chars().take(300).collect()
}
