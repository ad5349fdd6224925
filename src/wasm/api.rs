//! The exported JS API: the client wrapped by `DmsClient`, the one-shot functions and
//! `signRequest`. A call validates synchronously (a bad argument rejects and sends
//! nothing), then runs attempts: credentials, sign, send, classify, decide (`retry`).

use std::borrow::Cow;
use core::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::error::{codes, concat, DmsError};
use crate::operations::{by_action, Fields, Operation};
use crate::request::sign_request::{self, describe_action_name, table_action};
use crate::request::params::{validate, validate_any, Naming, Value};
use crate::signing::nonce::new_nonce;
use crate::request::{provided_credentials, timeout_option, ClientConfig, CredentialSource, Credentials, SignedRequest, FUNCTION_OPTIONS, OPTION_NAMES};
use crate::response::{self, Success};
use crate::response::json::Json;
use crate::response::results::{map_result, Out};
use crate::retry::{clock_offset_ms, decide, Decision};
use crate::timestamp;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use super::cancel::Cancel;
use super::convert::{array, date_millis, describe_js, entries, number_from_literal, object, raw_entries, set, to_js_error, to_value};
use super::fetch::{send, settle_later, Body, Failure};
use super::host;

/// A configured client. Settings are immutable; the little mutable state (learned clock
/// offset, cached credentials) sits in `Cell`/`RefCell`s borrowed only between awaits, so
/// any number of calls may be in flight at once.
///
/// Exported as `WasmClient` and wrapped by the JS `DmsClient` (js/client.mjs), which holds
/// it in a private field: a method called on a wrong `this` or after `free()` would make
/// wasm-bindgen throw through wasm frames, and users can reach neither.
#[wasm_bindgen(js_name = WasmClient)]
pub struct DmsClient {
    inner: Rc<Client>,
}

struct Client {
    config: ClientConfig,
    fetch: Option<Function>,
    provider: Option<Function>,
    on_request: Option<Function>,
    on_response: Option<Function>,
    /// Server clock minus local clock, learned from an `InvalidTimeStamp.Expired` answer.
    clock_offset_ms: Cell<f64>,
    /// Credentials from the provider, with the time (ms) they stop being used.
    cached: RefCell<Option<(Rc<Credentials>, Option<f64>)>>,
    /// The provider call in flight, shared by every caller that needs credentials meanwhile.
    refreshing: RefCell<Option<(Promise, Option<f64>)>>,
}

#[wasm_bindgen(js_class = WasmClient)]
impl DmsClient {
    /// Throws a `DmsError` (InvalidParameter) for malformed options. Missing credentials are
    /// reported by each call instead, as `MissingCredentials`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<DmsClient, JsValue> {
        let options = raw_entries(&options, "client options").map_err(|e| to_js_error(e, None))?;
        let client = client_from(options).map_err(|e| to_js_error(e, None))?;
        Ok(DmsClient { inner: Rc::new(client) })
    }

    /// A task-flow operation of the table, by wire action, with camelCase parameters (what
    /// the generated `DmsClient` methods call).
    pub fn invoke(&self, action: &str, params: JsValue, options: JsValue) -> Promise {
        let prepared = (|| {
            let op = operation(action)?;
            let wire = validate(op, &entries(&params, "params")?, Naming::Camel)?;
            Ok((Prepared::table(op, wire), call_options(&options)?))
        })();
        start(self.inner.clone(), prepared)
    }

    /// Any DMS action, parameters with their wire names: table actions are checked against
    /// the table, others only for well-formed names and values.
    pub fn call(&self, action: JsValue, params: JsValue, options: JsValue) -> Promise {
        let prepared = (|| {
            let name = action
                .as_string()
                .ok_or_else(|| DmsError::invalid(concat(&["action must be a DMS action name such as ListTaskFlow; got ", &describe_js(&action)])))?;
            let input = entries(&params, "params")?;
            let prepared = match by_action(&name) {
                Some(op) => Prepared::table(op, validate(op, &input, Naming::Wire)?),
                None => Prepared { params: validate_any(&name, &input)?, action: name, response: None },
            };
            Ok((prepared, call_options(&options)?))
        })();
        start(self.inner.clone(), prepared)
    }

    /// Where the client sends and whether it has credentials; never the credentials.
    #[wasm_bindgen(js_name = toString)]
    pub fn describe(&self) -> String {
        let config = &self.inner.config;
        concat(&["DmsClient { endpoint: ", &config.endpoint, ", credentials: ", config.credentials_description(), " }"])
    }

    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        let config = &self.inner.config;
        object(&[
            ("endpoint", JsValue::from_str(&config.endpoint)),
            ("credentials", JsValue::from_str(config.credentials_description())),
            ("maxAttempts", JsValue::from(config.retry.max_attempts)),
            ("timeoutMs", JsValue::from(config.timeout_ms)),
        ])
        .into()
    }
}

/// `stopTaskFlowInstance({ accessKeyId, accessKeySecret, dagId, dagInstanceId, ... }, { signal, timeoutMs })`.
/// `fallback` holds defaults from the environment (Node entry): credentials, used when the input names none, and the endpoint or region, used when it names neither.
#[wasm_bindgen(js_name = stopTaskFlowInstance)]
pub fn stop_task_flow_instance_once(input: JsValue, options: JsValue, fallback: JsValue) -> Promise {
    one_shot("StopTaskFlowInstance", &input, &options, &fallback)
}

/// `resumeTaskFlowInstance({ accessKeyId, accessKeySecret, dagId, dagInstanceId, dagVersion, ... })`.
#[wasm_bindgen(js_name = resumeTaskFlowInstance)]
pub fn resume_task_flow_instance_once(input: JsValue, options: JsValue, fallback: JsValue) -> Promise {
    one_shot("ResumeTaskFlowInstance", &input, &options, &fallback)
}

/// An RPC (V1, HMAC-SHA1) form POST for another product's API, signed like every DMS call:
/// the credentials chain in Node asks STS (2015-04-01) for temporary credentials with it.
/// `options` holds `accessKeyId`, `accessKeySecret`, `securityToken?` and `endpoint`.
/// Internal (js/credentials-chain.mjs is its only caller).
#[wasm_bindgen(js_name = __signRpcPost)]
pub fn sign_rpc_post_for(options: JsValue, version: &str, action: &str, params: JsValue) -> Result<JsValue, JsValue> {
    let signed = (|| {
        let client = client_from(raw_entries(&options, "options")?)?;
        let CredentialSource::Static(credentials) = client.config.credential_source()? else {
            return Err(DmsError::invalid("pass accessKeyId and accessKeySecret".into()));
        };
        let wire = validate_any(action, &entries(&params, "params")?)?;
        let (timestamp, nonce) = (now(0.0)?, new_nonce()?);
        Ok(crate::request::sign_rpc_post(credentials, &client.config.endpoint, (version, action), crate::request::param_pairs(&wire), &timestamp, &nonce))
    })();
    signed.map(|request| request_to_js(&request)).map_err(|error| to_js_error(error, None))
}

/// Builds and signs a request without sending it. Throws a `DmsError` for bad input.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(options: JsValue, action: JsValue, params: JsValue, signing: JsValue) -> Result<JsValue, JsValue> {
    sign_request_inner(&options, &action, &params, &signing).map_err(|e| to_js_error(e, None))
}

/// Bytes of wasm linear memory, for operators watching a long-lived process.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) as f64) * 65_536.0
}

fn sign_request_inner(options: &JsValue, action: &JsValue, params: &JsValue, signing: &JsValue) -> Result<JsValue, DmsError> {
    let client = client_from(raw_entries(options, "client options")?)?;
    let op = table_action(action.as_string().as_deref(), || describe_action(action))?;
    let params = entries(params, "params")?;
    let request = sign_request::sign_request(&client.config, op, &params, entries(signing, "signing options")?, || now(0.0), new_nonce)?;
    Ok(request_to_js(&request))
}

fn describe_action(action: &JsValue) -> String {
    match action.as_string() {
        Some(name) => describe_action_name(&name),
        None => describe_js(action),
    }
}

fn request_to_js(request: &SignedRequest) -> JsValue {
    let headers = js_sys::Object::new();
    for (name, value) in &request.headers {
        set(&headers, name, &JsValue::from_str(value));
    }
    let out = object(&[
        ("method", JsValue::from_str(request.method)),
        ("url", JsValue::from_str(&request.url)),
        ("headers", headers.into()),
    ]);
    // A presigned GET or a V3 request has no body.
    if !request.body.is_empty() {
        set(&out, "body", &JsValue::from_str(&request.body));
    }
    out.into()
}

/// A client from option entries; the function options are taken here because the core
/// knows no functions.
fn client_from(options: Vec<(String, JsValue)>) -> Result<Client, DmsError> {
    let mut functions: [Option<Function>; 4] = [None, None, None, None];
    let mut rest = Vec::with_capacity(options.len());
    for (key, value) in options {
        match FUNCTION_OPTIONS.iter().position(|name| *name == key) {
            Some(_) if value.is_undefined() => {}
            Some(index) => {
                let function = value.dyn_into::<Function>().map_err(|other| {
                    DmsError::invalid(concat(&[&key, " must be a function; got ", &describe_js(&other)]))
                })?;
                if let Some(slot) = functions.get_mut(index) {
                    *slot = Some(function);
                }
            }
            None => rest.push((Cow::Owned(key), to_value(&value))),
        }
    }
    let [fetch, provider, on_request, on_response] = functions;
    let mut config = ClientConfig::from_options(&rest, provider.is_some())?;
    // The host fetch will send, from the host's own URL parser (an IDN becomes punycode).
    let url = if rest.iter().any(|(key, value)| key == "signingHost" && *value != Value::Undefined) {
        concat(&["https://", &config.signing_host, "/"])
    } else {
        config.endpoint.clone()
    };
    if let Some(host) = crate::wasm::convert::url_host(&url) {
        config.signing_host = host;
    }
    Ok(Client {
        config,
        fetch,
        provider,
        on_request,
        on_response,
        clock_offset_ms: Cell::new(0.0),
        cached: RefCell::new(None),
        refreshing: RefCell::new(None),
    })
}

/// Per-call options: `{ signal, timeoutMs }`.
struct CallOptions {
    signal: Option<JsValue>,
    timeout_ms: Option<u32>,
}

fn call_options(options: &JsValue) -> Result<CallOptions, DmsError> {
    let mut out = CallOptions { signal: None, timeout_ms: None };
    for (key, value) in raw_entries(options, "call options")? {
        match key.as_str() {
            _ if value.is_undefined() => {}
            "signal" => {
                let is_signal = value.is_object()
                    && host::props(&value).aborted().ok().and_then(|a| a.as_bool()).is_some()
                    && host::props(&value).add_event_listener_property().ok().is_some_and(|f| f.is_function());
                if !is_signal {
                    return Err(DmsError::invalid(concat(&["signal must be an AbortSignal; got ", &describe_js(&value)])));
                }
                out.signal = Some(value);
            }
            "timeoutMs" => out.timeout_ms = timeout_option(Some(&to_value(&value)))?,
            _ => return Err(DmsError::invalid(concat(&["unknown call option '", &crate::request::params::excerpt(&key), "'; allowed: signal, timeoutMs"]))),
        }
    }
    Ok(out)
}

fn operation(action: &str) -> Result<&'static Operation, DmsError> {
    by_action(action).ok_or_else(|| DmsError::invalid(concat(&["unknown action ", action])))
}

/// A validated request, ready to sign and send any number of times.
struct Prepared {
    action: String,
    params: Vec<(String, String)>,
    /// The documented response fields, for table actions.
    response: Option<Fields>,
}

impl Prepared {
    fn table(op: &'static Operation, wire: Vec<(&'static str, String)>) -> Prepared {
        Prepared {
            action: op.action().into(),
            params: wire.into_iter().map(|(name, value)| (name.into(), value)).collect(),
            response: Some(op.response()),
        }
    }
}

/// Sends a prepared call, or rejects at once (nothing sent) when preparing it failed.
fn start(client: Rc<Client>, prepared: Result<(Prepared, CallOptions), DmsError>) -> Promise {
    match prepared {
        Ok((prepared, options)) => execute(client, prepared, options),
        Err(error) => Promise::reject(&to_js_error(error, None)),
    }
}

/// One object holding client options and operation parameters.
fn one_shot(action: &str, input: &JsValue, options: &JsValue, fallback: &JsValue) -> Promise {
    let prepared = (|| {
        let op = operation(action)?;
        let mut client_options = Vec::new();
        let mut params = Vec::new();
        for (key, value) in raw_entries(input, "the argument")? {
            if OPTION_NAMES.contains(&key.as_str()) {
                client_options.push((key, value));
            } else {
                params.push((Cow::Owned(key), to_value(&value)));
            }
        }
        // Defaults from the environment: credentials only when the input names none at all,
        // the endpoint or region only when it names neither.
        let names = |keys: &[&str]| client_options.iter().any(|(key, value)| !value.is_undefined() && keys.contains(&key.as_str()));
        const CREDENTIALS: [&str; 4] = ["accessKeyId", "accessKeySecret", "securityToken", "credentials"];
        const LOCATION: [&str; 2] = ["endpoint", "regionId"];
        let (names_credentials, names_location) = (names(&CREDENTIALS), names(&LOCATION));
        for (key, value) in raw_entries(fallback, "defaults").unwrap_or_default() {
            if (!names_credentials && CREDENTIALS.contains(&key.as_str())) || (!names_location && LOCATION.contains(&key.as_str())) {
                client_options.push((key, value));
            }
        }
        let client = client_from(client_options)?;
        let wire = validate(op, &params, Naming::Camel).map_err(|mut error| {
            if error.message.starts_with("unknown parameter") {
                error.message.push_str(", or a client option: ");
                error.message.push_str(&OPTION_NAMES.join(", "));
            }
            error
        })?;
        Ok((Rc::new(client), Prepared::table(op, wire), call_options(options)?))
    })();
    match prepared {
        Ok((client, prepared, options)) => execute(client, prepared, options),
        Err(error) => Promise::reject(&to_js_error(error, None)),
    }
}

fn execute(client: Rc<Client>, prepared: Prepared, options: CallOptions) -> Promise {
    future_to_promise(async move {
        let cancel = Cancel::start(options.timeout_ms.unwrap_or(client.config.timeout_ms), options.signal);
        let outcome = attempts(&client, &prepared, &cancel).await.and_then(|success| {
            let result = out_to_js(&map_result(prepared.response, &success.body));
            cancel.check_deadline().map(|()| result)
        });
        drop(cancel);
        match outcome {
            Ok(result) => Ok(result),
            Err(Failure { error, cause }) => Err(to_js_error(error, cause)),
        }
    })
}

/// Sends until success or a final failure: every attempt re-signed with a fresh nonce and
/// timestamp; one extra attempt after learning the server's clock.
async fn attempts(client: &Client, call: &Prepared, cancel: &Cancel) -> Result<Success, Failure> {
    // Sends so far (what the hooks report), and those counted against maxAttempts: the
    // resend after a clock correction is a fresh start, not a retry.
    let mut attempt = 0u32;
    let mut counted = 0u32;
    let mut clock_learned = false;
    loop {
        cancel.check()?;
        let credentials = credentials(client, cancel).await?;
        attempt += 1;
        counted += 1;
        let request = client.config.sign(&credentials, &call.action, &call.params, &now(client.clock_offset_ms.get())?, &new_nonce()?);
        if client.on_request.is_some() {
            hook(&client.on_request, &[("action", JsValue::from_str(&call.action)), ("attempt", JsValue::from(attempt))]);
        }
        let started = host::now_ms().unwrap_or(f64::NAN);
        let secrets = credentials.secrets();
        let (result, date, age) = match send(client.fetch.as_ref(), &request, cancel).await {
            Ok(reply) => {
                let result = match reply.body {
                    Body::Text(body) => response::parse(reply.status, &body, secrets).map_err(Failure::from),
                    Body::TooLarge { size, head } => {
                        let why = concat(&["the body is larger than the ", &super::fetch::MAX_BODY_BYTES.to_string(), " bytes read of an answer (", &size, ")"]);
                        // The same request would get the same answer: not retried.
                        let error = DmsError { retryable: false, ..response::invalid_response(reply.status, &why, &head, secrets) };
                        Err(error.into())
                    }
                };
                (result, reply.date, reply.age)
            }
            // A failed fetch's message comes from the caller's fetch and may quote the request:
            // it passes the same redaction step `response::parse` applies to every answer.
            Err(mut failure) => {
                secrets.redact_error(&mut failure.error);
                (Err(failure), None, None)
            }
        };
        // Parsing is synchronous, so the deadline timer cannot have fired during it: a call
        // whose time ran out meanwhile times out here rather than resolving late.
        if result.is_ok() {
            cancel.check_deadline()?;
        }
        let next = match &result {
            Ok(_) => None,
            Err(failure) if failure.error.code == "InvalidTimeStamp.Expired" && !clock_learned => {
                match host::now_ms().and_then(|local| clock_offset_ms(date.as_deref(), age.as_deref(), local)) {
                    Some(offset) => {
                        client.clock_offset_ms.set(offset);
                        clock_learned = true;
                        counted -= 1;
                        Some(0.0)
                    }
                    None => None,
                }
            }
            Err(failure) => match decide(&failure.error, counted, &client.config.retry, host::random()) {
                Decision::RetryAfter(ms) => Some(ms),
                Decision::GiveUp => None,
            },
        };
        report(client, &call.action, attempt, started, &result, next.is_some());
        match (result, next) {
            (Ok(success), _) => return Ok(success),
            (Err(failure), None) => return Err(failure),
            (Err(_), Some(delay)) => cancel.sleep(delay).await?,
        }
    }
}

/// The `onResponse` hook: what happened to one attempt, never the secret or the signature.
fn report(client: &Client, action: &str, attempt: u32, started: f64, result: &Result<Success, Failure>, retrying: bool) {
    if client.on_response.is_none() {
        return;
    }
    let mut fields = vec![
        ("action", JsValue::from_str(action)),
        ("attempt", JsValue::from(attempt)),
        ("durationMs", JsValue::from_f64(host::now_ms().map_or(0.0, |now| (now - started).max(0.0)))),
        ("retrying", JsValue::from_bool(retrying)),
    ];
    match result {
        Ok(success) => {
            fields.push(("status", JsValue::from(200u16)));
            fields.push(("requestId", JsValue::from_str(&success.request_id)));
        }
        Err(Failure { error, .. }) => {
            fields.push(("code", JsValue::from_str(&error.code)));
            if let Some(status) = error.status {
                fields.push(("status", JsValue::from(status)));
            }
            if let Some(request_id) = &error.request_id {
                fields.push(("requestId", JsValue::from_str(request_id)));
            }
        }
    }
    hook(&client.on_response, &fields);
}

/// Calls an observability hook; what it throws is ignored, since a logger must not break
/// the call it observes.
fn hook(function: &Option<Function>, fields: &[(&str, JsValue)]) {
    if let Some(function) = function {
        let _ = function.call1(&JsValue::UNDEFINED, &object(fields));
    }
}

/// This call's credentials: static ones, or the provider's, cached until shortly before
/// they expire and fetched once for all concurrent callers.
async fn credentials(client: &Client, cancel: &Cancel) -> Result<Rc<Credentials>, Failure> {
    let provider = match (client.config.credential_source()?, &client.provider) {
        (CredentialSource::Static(credentials), _) => return Ok(credentials.clone()),
        (CredentialSource::Provider, Some(provider)) => provider,
        (CredentialSource::Provider, None) => return Err(DmsError::client(codes::MISSING_CREDENTIALS, "no credentials function".into()).into()),
    };
    if let Some((credentials, usable_until)) = client.cached.borrow().as_ref() {
        if usable_until.is_none_or(|until| host::now_ms().is_some_and(|now| now < until)) {
            return Ok(credentials.clone());
        }
    }
    // A provider call in flight is shared, unless it has run for longer than a whole call
    // may: then it is presumed stuck (a promise that never settles), and this call asks
    // again rather than wait on it for good. Those still waiting on it keep waiting.
    let started = host::monotonic_ms();
    let young = |since: Option<f64>| match (since, started) {
        (Some(since), Some(now)) => now - since < f64::from(client.config.timeout_ms),
        _ => true,
    };
    let pending = client.refreshing.borrow().as_ref().filter(|(_, since)| young(*since)).map(|(promise, _)| promise.clone());
    let promise = match pending {
        Some(promise) => promise,
        None => {
            let promise = match provider.call0(&JsValue::UNDEFINED) {
                Ok(value) => settle_later(&value),
                Err(thrown) => Promise::reject(&thrown),
            };
            *client.refreshing.borrow_mut() = Some((promise.clone(), started));
            promise
        }
    };
    let outcome = cancel.race(promise.clone()).await;
    if let Some(failure) = cancel.failure() {
        // This caller gave up; the provider call goes on for the others, so it stays shared.
        return Err(failure);
    }
    // Settled: the next refresh is a new provider call (unless a newer one is in flight).
    let mut refreshing = client.refreshing.borrow_mut();
    if refreshing.as_ref().is_some_and(|(pending, _)| JsValue::from(pending) == JsValue::from(&promise)) {
        *refreshing = None;
    }
    drop(refreshing);
    let value = match outcome {
        Ok(value) => value,
        Err(cause) => {
            return Err(cancel.failure().unwrap_or(Failure {
                error: DmsError::client(codes::MISSING_CREDENTIALS, "the credentials function failed (see cause)".into()),
                cause: Some(cause),
            }))
        }
    };
    let mut fields = entries(&value, "credentials()")?;
    for (key, field) in fields.iter_mut() {
        // A Date expiration becomes milliseconds; the core parses numbers and ISO strings.
        if key == "expiration" {
            if let Some(date) = Reflect::get(&value, &JsValue::from_str("expiration")).ok().and_then(|d| d.dyn_into::<js_sys::Date>().ok()) {
                *field = Value::Number(date_millis(&date));
            }
        }
    }
    let (credentials, usable_until) = provided_credentials(&fields)?;
    let credentials = Rc::new(credentials);
    *client.cached.borrow_mut() = Some((credentials.clone(), usable_until));
    Ok(credentials)
}

/// A result as plain JS values: objects, arrays, strings, numbers, booleans, null.
///
/// Built by one `JSON.parse` of the result's JSON text: building it field by field took
/// three crossings per field (the name, the value, `Reflect.set`), so hundreds for a list.
/// JSON.parse also makes a `__proto__` field an own property, as the answer had it. If the
/// parse fails (it should not: the text is ours), the values are built one by one.
fn out_to_js(out: &Out) -> JsValue {
    let mut json = String::new();
    out.write(&mut json);
    js_sys::JSON::parse(&json).unwrap_or_else(|_| build_js(out))
}

/// The same values built one by one (the fallback of `out_to_js`).
fn build_js(out: &Out) -> JsValue {
    match out {
        Json::Null => JsValue::NULL,
        Json::Bool(flag) => JsValue::from_bool(*flag),
        // A JSON number literal is a valid float literal; parseFloat reads it exactly as JSON.parse would.
        Json::Number(literal) => number_from_literal(literal),
        Json::String(text) => JsValue::from_str(text),
        Json::Array(items) => array(items.iter().map(build_js)).into(),
        Json::Object(fields) => {
            let object = js_sys::Object::new();
            for (name, value) in fields {
                set(&object, name, &build_js(value));
            }
            object.into()
        }
    }
}

/// The host clock plus the learned offset, second precision, UTC.
fn now(offset_ms: f64) -> Result<String, DmsError> {
    let now = host::now_ms().ok_or_else(|| DmsError::client(codes::UNSUPPORTED_RUNTIME, "the host clock (Date.now) failed or gave no time".into()))?;
    Ok(timestamp::format_utc(timestamp::seconds_from_millis(now + offset_ms)))
}
