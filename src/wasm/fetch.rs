//! Sends a signed request with the host's `fetch` and reads the answer.

use crate::prelude::*;
use crate::error::{codes, concat, DmsError};
use crate::request::SignedRequest;
use js_sys::{Function, JsString, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::cancel::Cancel;
use super::host;

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

/// The fetch to use: the client's own, or `globalThis.fetch` looked up at call time (so a
/// polyfill installed after the package loaded is still found). `globalThis`, not
/// `window`: the same code runs in Node, workers and browsers.
fn fetch_function(custom: Option<&Function>) -> Result<Function, DmsError> {
    if let Some(fetch) = custom {
        return Ok(fetch.clone());
    }
    host::global_fetch().ok_or_else(|| {
        DmsError::client(codes::UNSUPPORTED_RUNTIME, "this runtime has no global fetch; pass one as the fetch client option".into())
    })
}

/// What came back: status, body, and the two headers clock-skew correction reads.
pub struct Reply {
    pub status: u16,
    pub body: Body,
    pub date: Option<String>,
    pub age: Option<String>,
}

/// Sends `request` and reads the answer, giving up as soon as `cancel` fires.
pub async fn send(custom_fetch: Option<&Function>, request: &SignedRequest, cancel: &Cancel) -> Result<Reply, Failure> {
    let fetch = fetch_function(custom_fetch)?;
    // Only method, headers and body (and the abort signal): `mode`, `cache` and
    // `credentials` stay the runtime's defaults; a V1 request's single content-type keeps a
    // browser call free of preflight.
    let headers = host::fresh();
    for (name, value) in &request.headers {
        if *name == "content-type" {
            headers.set_content_type(value);
        } else {
            let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
        }
    }
    // `redirect: 'manual'`: a signed request (with its STS token) is never re-sent to
    // another origin; a redirect is reported instead. ('error' is not supported by workerd.)
    let init = host::fresh();
    init.set_method(request.method);
    init.set_headers(&headers);
    if !request.body.is_empty() {
        init.set_body(&request.body);
    }
    init.set_redirect("manual");
    if let Some(signal) = cancel.fetch_signal() {
        init.set_signal(&signal);
    }
    let failed = |cause: JsValue| cancel.failure().unwrap_or_else(|| network_failure(&request.url, cause));
    // `this` is globalThis: browsers throw "Illegal invocation" for a detached `fetch`.
    let returned = fetch.call2(&js_sys::global(), &JsValue::from_str(&request.url), &init).map_err(failed)?;
    let response = cancel.race(settle_later(&returned)).await.map_err(failed)?;

    let reply = host::props(&response);
    // A browser reports a manual redirect as an opaque response with status 0.
    if reply.kind().ok().and_then(|t| t.as_string()).as_deref() == Some("opaqueredirect") {
        return Err(redirected(&request.url, 0).into());
    }
    let status = match reply.status().ok().and_then(|s| s.as_f64()) {
        Some(s) if (100.0..=599.0).contains(&s) && crate::num::is_integral(s) => s as u16,
        _ => {
            return Err(DmsError::client(codes::INVALID_RESPONSE, "fetch resolved to something that is not a Response (no HTTP status)".into()).into())
        }
    };
    if (300..400).contains(&status) {
        return Err(redirected(&request.url, status).into());
    }
    let headers = reply.headers().unwrap_or(JsValue::UNDEFINED);
    let header = |name: &str| -> Option<String> { host::props(&headers).get(name).ok()?.as_string() };
    let (date, age) = (header("date"), header("age"));
    let body = read_text(&response, cancel).await.map_err(|cause| {
        cancel.failure().unwrap_or_else(|| Failure {
            error: DmsError {
                status: Some(status),
                retryable: true,
                ..DmsError::client(codes::NETWORK_ERROR, concat(&["reading the response body from ", &request.url, " failed: ", &error_text(&cause)]))
            },
            cause: Some(cause),
        })
    })?;
    Ok(Reply { status, body, date, age })
}

/// Bodies longer than this (in UTF-16 units) are not copied into wasm memory whole: no DMS
/// task-flow answer comes close, and a runaway proxy must not grow the wasm heap for good.
const MAX_BODY_CHARS: u32 = 8 << 20;

async fn read_text(response: &JsValue, cancel: &Cancel) -> Result<Body, JsValue> {
    let value = cancel.race(settle_later(&host::props(response).text()?)).await?;
    let text: JsString = value.dyn_into().map_err(|_| JsValue::from_str("text() did not give a string"))?;
    if text.length() > MAX_BODY_CHARS {
        Ok(Body::TooLarge { length: text.length(), head: String::from(text.slice(0, 4096)) })
    } else {
        Ok(Body::Text(String::from(text)))
    }
}

/// A response body, or the start of one too large to read.
pub enum Body {
    Text(String),
    TooLarge { length: u32, head: String },
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

fn redirected(url: &str, status: u16) -> DmsError {
    let mut message = concat(&["the endpoint ", url, " answered with a redirect"]);
    if status != 0 {
        message.push_str(" (HTTP ");
        message.push_str(&crate::params::decimal(i64::from(status)));
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
