//! Typed bindings to the host objects every call touches: fetch's init object, the Response
//! and its Headers, AbortController and its signal, the timers.
//!
//! A typed import names its property or function in the generated JS glue, so an access
//! crosses into JS once and copies nothing out of wasm memory but its arguments.
//! `Reflect::get(&x, &JsValue::from_str("status"))` crosses twice (decoding the name, then
//! the get) and goes through a megamorphic `Reflect.get`. Globals (`setTimeout`,
//! `AbortController`, `fetch`) are still looked up at call time, as the glue names them
//! there, so fake timers or a polyfill installed after the package loaded are used.
//!
//! Everything that can run user code (getters of a custom fetch's objects, a caller's
//! signal, a missing global) is imported with `catch`; only the setters on a fresh plain
//! object that we made ourselves are not.

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any JS value read through its named properties.
    pub type Props;

    #[wasm_bindgen(catch, method, structural, getter = "type")]
    pub fn kind(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn status(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn headers(this: &Props) -> Result<JsValue, JsValue>;
    /// `headers.get(name)`.
    #[wasm_bindgen(catch, method, structural)]
    pub fn get(this: &Props, name: &str) -> Result<JsValue, JsValue>;
    /// `response.text()`.
    #[wasm_bindgen(catch, method, structural)]
    pub fn text(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn signal(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn reason(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn aborted(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter = "addEventListener")]
    pub fn add_event_listener_property(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural)]
    pub fn abort(this: &Props, reason: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, js_name = addEventListener)]
    pub fn add_event_listener(this: &Props, kind: &str, listener: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, js_name = removeEventListener)]
    pub fn remove_event_listener(this: &Props, kind: &str, listener: &JsValue) -> Result<JsValue, JsValue>;
    /// `globalThis.fetch`, read at call time.
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn fetch(this: &Props) -> Result<JsValue, JsValue>;

    /// The fields of fetch's init, on a fresh plain object (no setter of ours can throw).
    #[wasm_bindgen(method, structural, setter = "method")]
    pub fn set_method(this: &Props, value: &str);
    #[wasm_bindgen(method, structural, setter = "headers")]
    pub fn set_headers(this: &Props, value: &JsValue);
    #[wasm_bindgen(method, structural, setter = "body")]
    pub fn set_body(this: &Props, value: &str);
    #[wasm_bindgen(method, structural, setter = "redirect")]
    pub fn set_redirect(this: &Props, value: &str);
    #[wasm_bindgen(method, structural, setter = "signal")]
    pub fn set_signal(this: &Props, value: &JsValue);
    /// `{ 'content-type': value }`, the V1 request's only header.
    #[wasm_bindgen(method, structural, setter = "content-type")]
    pub fn set_content_type(this: &Props, value: &str);

    #[wasm_bindgen(catch, js_name = setTimeout)]
    pub fn set_timeout(callback: &JsValue, ms: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    pub fn clear_timeout(timer: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = AbortController)]
    pub type Controller;
    #[wasm_bindgen(catch, constructor, js_class = AbortController)]
    pub fn new() -> Result<Controller, JsValue>;
}

/// `value` read through its properties.
pub fn props(value: &JsValue) -> &Props {
    value.unchecked_ref()
}

/// A fresh plain object to fill with the setters above.
pub fn fresh() -> Props {
    Object::new().unchecked_into()
}

/// `globalThis.fetch` when it is a function.
pub fn global_fetch() -> Option<Function> {
    props(&js_sys::global()).fetch().ok()?.dyn_into().ok()
}
