//! The exported JS API: `DmsClient`, the one-shot functions and `signRequest`.

use std::rc::Rc;

use crate::error::{codes, concat, DmsError};
use crate::operations::{by_action, Operation};
use crate::params::{validate, Naming, Value};
use crate::request::{ClientConfig, SignedRequest, OPTION_NAMES};
use crate::response::{self, Success};
use crate::timestamp;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{describe_js, entries, object, raw_entries, to_js_error, to_value};
use super::fetch::{send, Body, Failure};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buffer: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// A configured client. Its state is immutable and shared by `Rc`, so calls never borrow
/// the client across an `await` and any number may be in flight at once.
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

    #[wasm_bindgen(js_name = stopTaskFlowInstance)]
    pub fn stop_task_flow_instance(&self, params: JsValue) -> Promise {
        call(self.inner.clone(), "StopTaskFlowInstance", &params)
    }

    #[wasm_bindgen(js_name = resumeTaskFlowInstance)]
    pub fn resume_task_flow_instance(&self, params: JsValue) -> Promise {
        call(self.inner.clone(), "ResumeTaskFlowInstance", &params)
    }

    /// Where the client sends and whether it has credentials; never the credentials.
    #[wasm_bindgen(js_name = toString)]
    pub fn describe(&self) -> String {
        let credentials = if self.inner.config.credentials().is_ok() { "set" } else { "missing" };
        concat(&["DmsClient { endpoint: ", &self.inner.config.endpoint, ", credentials: ", credentials, " }"])
    }

    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        object(&[
            ("endpoint", JsValue::from_str(&self.inner.config.endpoint)),
            ("hasCredentials", JsValue::from_bool(self.inner.config.credentials().is_ok())),
        ])
        .into()
    }
}

/// `stopTaskFlowInstance({ accessKeyId, accessKeySecret, dagId, dagInstanceId, ... })`.
#[wasm_bindgen(js_name = stopTaskFlowInstance)]
pub fn stop_task_flow_instance_once(input: JsValue) -> Promise {
    one_shot("StopTaskFlowInstance", &input)
}

/// `resumeTaskFlowInstance({ accessKeyId, accessKeySecret, dagId, dagInstanceId, dagVersion, ... })`.
#[wasm_bindgen(js_name = resumeTaskFlowInstance)]
pub fn resume_task_flow_instance_once(input: JsValue) -> Promise {
    one_shot("ResumeTaskFlowInstance", &input)
}

/// Builds and signs a request without sending it. Throws a `DmsError` for bad input.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(options: JsValue, action: JsValue, params: JsValue, signing: JsValue) -> Result<JsValue, JsValue> {
    sign_request_inner(&options, &action, &params, &signing).map_err(|e| to_js_error(e, None))
}

fn sign_request_inner(options: &JsValue, action: &JsValue, params: &JsValue, signing: &JsValue) -> Result<JsValue, DmsError> {
    let client = client_from(raw_entries(options, "client options")?)?;
    let op = action
        .as_string()
        .and_then(|name| by_action(&name))
        .ok_or_else(|| DmsError::invalid(concat(&["action must be a task-flow action such as StopTaskFlowInstance; got ", &describe_action(action)])))?;
    let wire = validate(op, &entries(params, "params")?, Naming::Wire)?;
    let (mut timestamp, mut nonce) = (None, None);
    for (key, value) in entries(signing, "signing options")? {
        match (key.as_str(), value) {
            (_, Value::Undefined) => {}
            ("timestamp", Value::String(text)) if timestamp::is_valid(&text) => timestamp = Some(text),
            ("timestamp", _) => return Err(DmsError::invalid("timestamp must be a UTC time written YYYY-MM-DDThh:mm:ssZ".into())),
            ("nonce", Value::String(text)) if valid_nonce(&text) => nonce = Some(text),
            ("nonce", _) => return Err(DmsError::invalid("nonce must be a string of 1 to 128 visible ASCII characters".into())),
            _ => return Err(DmsError::invalid(concat(&["unknown signing option '", &crate::params::excerpt(&key), "'; allowed: timestamp, nonce"]))),
        }
    }
    let timestamp = timestamp.unwrap_or_else(now);
    let nonce = match nonce {
        Some(nonce) => nonce,
        None => new_nonce()?,
    };
    let request = client.config.sign(op.action, &wire, &timestamp, &nonce)?;
    Ok(request_to_js(&request))
}

fn describe_action(action: &JsValue) -> String {
    match action.as_string() {
        Some(name) if !name.is_empty() => concat(&["\"", &crate::params::excerpt(&name), "\""]),
        _ => describe_js(action),
    }
}

fn valid_nonce(nonce: &str) -> bool {
    (1..=128).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_graphic())
}

fn request_to_js(request: &SignedRequest) -> JsValue {
    object(&[
        ("method", JsValue::from_str(request.method)),
        ("url", JsValue::from_str(&request.url)),
        ("headers", object(&[("content-type", JsValue::from_str(request.content_type))]).into()),
        ("body", JsValue::from_str(&request.body)),
    ])
    .into()
}

/// A client from option entries; `fetch` is taken here because the core knows no functions.
fn client_from(options: Vec<(String, JsValue)>) -> Result<Client, DmsError> {
    let mut fetch = None;
    let mut rest = Vec::with_capacity(options.len());
    for (key, value) in options {
        if key == "fetch" {
            if !value.is_undefined() {
                fetch = Some(value.dyn_into::<Function>().map_err(|other| {
                    DmsError::invalid(concat(&["fetch must be a function (a fetch-compatible one); got ", &describe_js(&other)]))
                })?);
            }
        } else {
            rest.push((key, to_value(&value)));
        }
    }
    Ok(Client { config: ClientConfig::from_options(&rest)?, fetch })
}

fn operation(action: &str) -> Result<&'static Operation, DmsError> {
    by_action(action).ok_or_else(|| DmsError::invalid(concat(&["unknown action ", action])))
}

/// Validates synchronously (a bad argument rejects and sends nothing), then sends.
fn call(client: Rc<Client>, action: &str, params: &JsValue) -> Promise {
    let prepared = operation(action).and_then(|op| Ok((op, validate(op, &entries(params, "params")?, Naming::Camel)?)));
    match prepared {
        Ok((op, wire)) => execute(client, op, wire),
        Err(error) => Promise::reject(&to_js_error(error, None)),
    }
}

/// One object holding client options and operation parameters.
fn one_shot(action: &str, input: &JsValue) -> Promise {
    let prepared = (|| {
        let op = operation(action)?;
        let mut options = Vec::new();
        let mut params = Vec::new();
        for (key, value) in raw_entries(input, "the argument")? {
            if OPTION_NAMES.contains(&key.as_str()) {
                options.push((key, value));
            } else {
                params.push((key, to_value(&value)));
            }
        }
        let client = client_from(options)?;
        let wire = validate(op, &params, Naming::Camel).map_err(|mut error| {
            if error.message.starts_with("unknown parameter") {
                error.message.push_str(", or a client option: accessKeyId, accessKeySecret, securityToken, endpoint, regionId, fetch");
            }
            error
        })?;
        Ok((Rc::new(client), op, wire))
    })();
    match prepared {
        Ok((client, op, wire)) => execute(client, op, wire),
        Err(error) => Promise::reject(&to_js_error(error, None)),
    }
}

fn execute(client: Rc<Client>, op: &'static Operation, wire: Vec<(&'static str, String)>) -> Promise {
    future_to_promise(async move {
        match send_operation(&client, op, &wire).await {
            Ok(success) => Ok(result_to_js(&success)),
            Err(Failure { error, cause }) => Err(to_js_error(error, cause)),
        }
    })
}

async fn send_operation(client: &Client, op: &Operation, wire: &[(&'static str, String)]) -> Result<Success, Failure> {
    let request = client.config.sign(op.action, wire, &now(), &new_nonce()?)?;
    let sensitive = client.config.sensitive();
    match send(client.fetch.as_ref(), &request).await? {
        (status, Body::Text(body)) => Ok(response::parse(status, &body, &sensitive)?),
        (status, Body::TooLarge { length, head }) => {
            let why = concat(&["the body is too large (", &crate::params::decimal(i64::from(length)), " characters)"]);
            Err(response::invalid_response(status, &why, &head, &sensitive).into())
        }
    }
}

/// `{ requestId, success: true }`: what Stop and Resume answer.
fn result_to_js(success: &Success) -> JsValue {
    object(&[("requestId", JsValue::from_str(&success.request_id)), ("success", JsValue::TRUE)]).into()
}

/// The host clock, second precision, UTC.
fn now() -> String {
    timestamp::format_utc(timestamp::seconds_from_millis(js_sys::Date::now()))
}

/// 128 random bits from the host's CSPRNG, as 32 hex digits.
fn new_nonce() -> Result<String, DmsError> {
    let mut bytes = [0u8; 16];
    get_random_values(&mut bytes)
        .map_err(|_| DmsError::client(codes::UNSUPPORTED_RUNTIME, "this runtime has no crypto.getRandomValues for request nonces".into()))?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for byte in bytes {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    Ok(out)
}
