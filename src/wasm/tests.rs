//! The JS↔Rust conversions, run in Node by wasm-bindgen-test: ids as numbers, bigints and
//! strings; errors arriving as DmsError-shaped JS errors with their fields; calls through a
//! stub fetch.

use super::api::{sign_request, DmsClient};
use super::convert::{set_error_factory, to_value};
use crate::request::params::Value;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// Evaluates a JS function body (with `new Function`) and returns its result.
fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::UNDEFINED).unwrap()
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap()
}

/// Registers the same kind of factory the package's entry point does.
fn register_error_class() -> JsValue {
    let class = js("return class DmsError extends Error { constructor(i) { super(i.message, i.cause === undefined ? undefined : { cause: i.cause }); Object.assign(this, i); this.name = 'DmsError'; } }");
    let factory = Function::new_with_args("C", "return (init) => new C(init)").call1(&JsValue::UNDEFINED, &class).unwrap();
    set_error_factory(factory.unchecked_into());
    class
}

/// A fetch stub that records its calls in `globalThis.__calls` and answers `status`/`body`.
fn stub_fetch(status: u16, body: &str) -> JsValue {
    Function::new_with_args(
        "status, body",
        "globalThis.__calls = []; return async (url, init) => { globalThis.__calls.push({ url, init }); return { status, text: async () => body }; }",
    )
    .call2(&JsValue::UNDEFINED, &JsValue::from(status), &JsValue::from_str(body))
    .unwrap()
}

fn client(fetch: &JsValue) -> DmsClient {
    // One attempt: these tests look at how a single answer is classified.
    let options = js("return { accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: 'http://127.0.0.1:9/api', maxAttempts: 1 }");
    Reflect::set(&options, &JsValue::from_str("fetch"), fetch).unwrap();
    DmsClient::new(options).unwrap_or_else(|_| panic!("client"))
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

fn calls() -> u32 {
    js("return globalThis.__calls.length").as_f64().unwrap() as u32
}

#[wasm_bindgen_test]
fn js_values_are_classified() {
    assert_eq!(to_value(&JsValue::from_f64(47.0)), Value::Number(47.0));
    assert_eq!(to_value(&js("return 9007199254740993n")), Value::BigInt("9007199254740993".into()));
    assert_eq!(to_value(&js("return -5n")), Value::BigInt("-5".into()));
    assert_eq!(to_value(&JsValue::from_str("中文")), Value::String("中文".into()));
    assert_eq!(to_value(&js("return '\\ud800'")), Value::Unsupported("a string with a lone surrogate (not valid UTF-16)"));
    assert_eq!(to_value(&js("return Symbol('x')")), Value::Unsupported("a symbol"));
    assert_eq!(to_value(&js("return () => 1")), Value::Unsupported("a function"));
    let tree = |value: &JsValue| match to_value(value) {
        Value::Tree(json) => {
            let mut text = String::new();
            json.write(&mut text);
            text
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(tree(&js("return [1, 2.5, -0, 9007199254740993n, 'a\"', null, true, { x: undefined, y: [] }]")), r#"[1,2.5,0,9007199254740993,"a\"",null,true,{"y":[]}]"#);
    assert_eq!(tree(&js("return { nodeFrom: 1n, nodeEnd: '2' }")), r#"{"nodeFrom":1,"nodeEnd":"2"}"#);
    let refused = [
        ("const o = {}; o.self = o; return o", "nested deeper than 16 levels"),
        ("return [1, undefined]", "a function, a symbol or undefined"),
        ("return [() => 1]", "a function, a symbol or undefined"),
        ("return [NaN]", "NaN or an infinite number"),
        ("return [2 ** 53]", "beyond 2^53-1"),
        ("return ['\\ud800']", "lone surrogate"),
        ("return [new Proxy({}, { ownKeys() { throw new Error('x'); } })]", "could not be read"),
        ("return new Proxy([], { get() { throw new Error('x'); } })", "could not be read"),
        ("return ['x'.repeat(1 << 20)]", "longer than 1 MiB"),
        ("return new Array(1 << 21).fill(0)", "longer than 1 MiB"),
    ];
    for (source, why) in refused {
        match to_value(&js(source)) {
            Value::Unsupported(message) => assert!(message.contains(why), "{source}: {message}"),
            other => panic!("{source}: {other:?}"),
        }
    }
    assert_eq!(to_value(&JsValue::NULL), Value::Null);
    assert_eq!(to_value(&JsValue::UNDEFINED), Value::Undefined);
    assert_eq!(to_value(&JsValue::TRUE), Value::Bool(true));
}

#[wasm_bindgen_test]
async fn ids_as_number_bigint_and_string_reach_the_wire_exactly() {
    register_error_class();
    let fetch = stub_fetch(200, r#"{"RequestId":"R-1","Success":true}"#);
    let params = js("return { dagId: 7, dagInstanceId: 9223372036854775807n, tid: '0042' }");
    let result = settle(client(&fetch).invoke("StopTaskFlowInstance", params, JsValue::UNDEFINED)).await.unwrap();
    assert_eq!(get(&result, "requestId").as_string().as_deref(), Some("R-1"));
    assert_eq!(get(&result, "success"), JsValue::TRUE);
    let body = js("return globalThis.__calls[0].init.body").as_string().unwrap();
    assert!(body.contains("&DagId=7&DagInstanceId=9223372036854775807&"), "{body}");
    assert!(body.contains("&Tid=42&"), "{body}");
    assert_eq!(js("return globalThis.__calls[0].url").as_string().as_deref(), Some("http://127.0.0.1:9/api/"));
    let init_keys = js("return Object.keys(globalThis.__calls[0].init).join(',')").as_string().unwrap();
    assert_eq!(init_keys, "method,headers,body,redirect,signal");
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_as_dms_error_and_send_nothing() {
    let class = register_error_class();
    let fetch = stub_fetch(200, r#"{"RequestId":"R","Success":true}"#);
    let client = client(&fetch);
    for (params, code, starts) in [
        ("return { dagId: 1.5, dagInstanceId: 1 }", "InvalidParameter", "dagId must be an id"),
        ("return { dagId: 9007199254740993, dagInstanceId: 1 }", "InvalidParameter", "dagId must be an id"),
        ("return { dagId: 1, dagInstanceId: -1n }", "InvalidParameter", "dagInstanceId must be an id"),
        ("return { dagId: 1, dagInstanceId: Symbol() }", "InvalidParameter", "dagInstanceId must be an id"),
        ("return { dagId: 1 }", "MissingParameter", "dagInstanceId is required"),
        ("return null", "InvalidParameter", "params must be an object"),
        ("return new Proxy({}, { ownKeys() { throw new Error('trap') } })", "InvalidParameter", "params could not be read"),
        ("return { get dagId() { throw new Error('getter') }, dagInstanceId: 1 }", "InvalidParameter", "params.dagId could not be read"),
    ] {
        let error = settle(client.invoke("StopTaskFlowInstance", js(params), JsValue::UNDEFINED)).await.unwrap_err();
        assert!(error.is_instance_of::<js_sys::Error>());
        let is_instance = Function::new_with_args("e, C", "return e instanceof C").call2(&JsValue::UNDEFINED, &error, &class).unwrap();
        assert_eq!(is_instance, JsValue::TRUE, "{params}");
        assert_eq!(get(&error, "code").as_string().as_deref(), Some(code), "{params}");
        let message = get(&error, "message").as_string().unwrap();
        assert!(message.starts_with(starts), "{params}: {message}");
        assert!(get(&error, "status").is_undefined());
        assert_eq!(get(&error, "retryable"), JsValue::FALSE);
    }
    assert_eq!(calls(), 0);
}

#[wasm_bindgen_test]
async fn server_errors_carry_code_status_and_request_id() {
    register_error_class();
    let fetch = stub_fetch(
        400,
        r#"{"RequestId":"R-2","HostId":"h","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Dtestid"}"#,
    );
    let params = js("return { dagId: '1', dagInstanceId: '2', dagVersion: 3 }");
    let error = settle(client(&fetch).invoke("ResumeTaskFlowInstance", params, JsValue::UNDEFINED)).await.unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("SignatureDoesNotMatch"));
    assert_eq!(get(&error, "status").as_f64(), Some(400.0));
    assert_eq!(get(&error, "requestId").as_string().as_deref(), Some("R-2"));
    assert_eq!(get(&error, "hostId").as_string().as_deref(), Some("h"));
    let message = get(&error, "message").as_string().unwrap();
    assert!(message.ends_with("string to sign is: [redacted]") && !message.contains("testid"), "{message}");
    assert!(js("return globalThis.__calls[0].init.body").as_string().unwrap().contains("&DagVersion=3&"));
}

#[wasm_bindgen_test]
async fn a_rejecting_fetch_is_a_network_error_with_cause() {
    register_error_class();
    let fetch = js("return async () => { throw new TypeError('fetch failed') }");
    let params = js("return { dagId: 1, dagInstanceId: 2 }");
    let error = settle(client(&fetch).invoke("StopTaskFlowInstance", params, JsValue::UNDEFINED)).await.unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("NetworkError"));
    assert_eq!(get(&error, "retryable"), JsValue::TRUE);
    assert!(get(&error, "status").is_undefined());
    assert_eq!(get(&get(&error, "cause"), "message").as_string().as_deref(), Some("fetch failed"));
}

#[wasm_bindgen_test]
fn sign_request_is_deterministic_with_timestamp_and_nonce() {
    register_error_class();
    let options = js("return { accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: 'https://admin.example.com/api/dms' }");
    let params = js("return { DagId: '7', DagInstanceId: 47, Tid: 3n }");
    let fixed = js("return { timestamp: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' }");
    let request = sign_request(options, JsValue::from_str("StopTaskFlowInstance"), params, fixed).unwrap_or_else(|_| panic!("sign"));
    assert_eq!(get(&request, "method").as_string().as_deref(), Some("POST"));
    assert_eq!(get(&request, "url").as_string().as_deref(), Some("https://admin.example.com/api/dms/"));
    assert_eq!(get(&get(&request, "headers"), "content-type").as_string().as_deref(), Some("application/x-www-form-urlencoded"));
    // Signature from the independent Python computation in request.rs's tests.
    assert!(get(&request, "body").as_string().unwrap().ends_with("&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D"));
}

#[wasm_bindgen_test]
fn sign_request_throws_dms_error() {
    register_error_class();
    let error = sign_request(js("return {}"), JsValue::from_str("StopTaskFlowInstance"), js("return { DagId: 1, DagInstanceId: 2 }"), JsValue::UNDEFINED)
        .err()
        .unwrap();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("MissingCredentials"));
    let error = sign_request(js("return { accessKeyId: 'a', accessKeySecret: 'b' }"), JsValue::from_f64(1.0), JsValue::UNDEFINED, JsValue::UNDEFINED)
        .err()
        .unwrap();
    assert_eq!(get(&error, "message").as_string().as_deref(), Some("action must be a task-flow action such as StopTaskFlowInstance; got a number"));
}

#[wasm_bindgen_test]
async fn huge_inputs_are_refused_before_they_are_copied() {
    register_error_class();
    let fetch = js("globalThis.__calls = []; return async (url, init) => { globalThis.__calls.push(1); return { status: 502, text: async () => '<html>' + 'x'.repeat(9 << 20) } }");
    let client = client(&fetch);
    let error = settle(client.invoke("StopTaskFlowInstance", js("return { dagId: '1'.repeat(2 << 20), dagInstanceId: 1 }"), JsValue::UNDEFINED)).await.unwrap_err();
    assert!(get(&error, "message").as_string().unwrap().ends_with("got a value longer than 1 MiB"));
    let many = js("const o = { dagId: 1, dagInstanceId: 2 }; for (let i = 0; i < 300; i++) o['k' + i] = i; return o");
    let error = settle(client.invoke("StopTaskFlowInstance", many, JsValue::UNDEFINED)).await.unwrap_err();
    assert_eq!(get(&error, "message").as_string().as_deref(), Some("params has too many keys (more than 256)"));
    assert_eq!(calls(), 0);
    let error = settle(client.invoke("StopTaskFlowInstance", js("return { dagId: 1, dagInstanceId: 2 }"), JsValue::UNDEFINED)).await.unwrap_err();
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("InvalidResponse"));
    assert_eq!(get(&error, "status").as_f64(), Some(502.0));
    let message = get(&error, "message").as_string().unwrap();
    assert!(message.starts_with("unexpected response (HTTP 502): the body is larger than the 1048576 bytes read of an answer (9437190 characters); it begins: <html>xxx"), "{message}");
    assert_eq!(get(&error, "retryable").as_bool(), Some(false), "the same request would get the same answer");
    assert!(message.chars().count() < 250);
}
