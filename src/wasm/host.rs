//! Typed bindings to the host objects every call touches that web-sys cannot give: the
//! caller's signal (any object a user passes: web-sys's AbortSignal getters do not catch, and
//! a revoked Proxy throws) and the global timers (web-sys has them only on Window and
//! WorkerGlobalScope, and Node has neither). The call's own AbortController is web-sys's.
//! (Fetch and the Response are read by js/attempt.mjs, in one crossing per attempt: see
//! fetch.rs.)
//!
//! A typed import names its property or function in the generated JS glue, so an access
//! crosses into JS once and copies nothing out of wasm memory but its arguments.
//! `Reflect::get(&x, &JsValue::from_str("reason"))` crosses twice (decoding the name, then
//! the get) and goes through a megamorphic `Reflect.get`. Globals (`setTimeout`)
//! are still looked up at call time, as the glue names them
//! there, so fake timers or a polyfill installed after the package loaded are used.
//!
//! Everything here can run user code (a caller's signal, a missing or replaced global), so
//! everything is imported with `catch`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any JS value read through its named properties.
    pub type Props;

    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn reason(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter)]
    pub fn aborted(this: &Props) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, getter = "addEventListener")]
    pub fn add_event_listener_property(this: &Props) -> Result<JsValue, JsValue>;
    // The event name goes as a JS value, not a `&str`: see "One wrapper per import
    // signature" in convert.rs.
    #[wasm_bindgen(catch, method, structural, js_name = addEventListener)]
    pub fn add_event_listener(this: &Props, kind: &JsValue, listener: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, structural, js_name = removeEventListener)]
    pub fn remove_event_listener(this: &Props, kind: &JsValue, listener: &JsValue) -> Result<JsValue, JsValue>;
    // The delay goes as a JS value, not an f64: see "One wrapper per import signature" in
    // convert.rs.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    pub fn set_timeout(callback: &JsValue, ms: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    pub fn clear_timeout(timer: &JsValue) -> Result<JsValue, JsValue>;

    // Globals other code in the process may have replaced with ones that throw.
    #[wasm_bindgen(catch, js_namespace = Date, js_name = now)]
    fn date_now() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = performance, js_name = now)]
    fn performance_now() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Math, js_name = random)]
    fn math_random() -> Result<JsValue, JsValue>;
}

/// `value` read through its properties.
pub fn props(value: &JsValue) -> &Props {
    value.unchecked_ref()
}

/// The host clock in ms since the epoch, or `None` when `Date.now` throws or gives no number.
pub fn now_ms() -> Option<f64> {
    finite(date_now())
}

/// A monotonic clock in ms (`performance.now`), for deadlines: unlike `Date.now` it does not
/// jump when the system clock is set. `None` where it is missing or throws.
pub fn monotonic_ms() -> Option<f64> {
    finite(performance_now())
}

/// The finite number a clock import gave, if it gave one.
fn finite(reading: Result<JsValue, JsValue>) -> Option<f64> {
    reading.ok().and_then(|value| value.as_f64()).filter(|value| value.is_finite())
}

/// `Math.random()`, or 0.5 when it throws or gives something else: it only spreads retries.
pub fn random() -> f64 {
    math_random().ok().and_then(|value| value.as_f64()).filter(|value| (0.0..1.0).contains(value)).unwrap_or(0.5)
}
