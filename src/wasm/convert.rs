//! JS values in (as `params::Value`), results and `DmsError`s out.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::error::{concat, DmsError};
use crate::request::params::{Entry, Value, MAX_SAFE_INTEGER, MAX_VALUE_BYTES};
use crate::response::json::Json;

/// More keys than any operation and its options have, by far; refusing early keeps a
/// hostile object from making the module copy millions of names.
const MAX_KEYS: u32 = 256;
use js_sys::{Array, Function, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    // The js-sys versions of these do not catch, and both throw for a revoked Proxy or a
    // throwing trap. An exception that crosses wasm frames uncaught leaks wasm stack, so
    // every import that sees user values must catch.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    // One wrapper per import signature. When V8 compiles the module it compiles a wasm-to-JS
    // wrapper for every distinct import signature: about 0.07 ms each in a fresh Node
    // process, so the 23 the module had were about 1.6 ms of its 4 ms compile (8 fewer took
    // the median compile from 4.14 to 3.60 ms). The imports below return a JS value where
    // js-sys's return a bool or a number, so they share the signature of imports the module
    // needs anyway (host.rs passes a timer's delay and an event name as JS values for the
    // same reason).
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<JsValue, JsValue>;
    // The three below run globals a user's code may have replaced (`parseFloat`,
    // `Date.prototype.getTime`, `Array.prototype.push`): each catches.
    #[wasm_bindgen(catch, js_name = parseFloat)]
    fn parse_float(text: &str) -> Result<JsValue, JsValue>;
    /// A `Date` or an array, for the methods below.
    type Receiver;
    #[wasm_bindgen(catch, method, js_name = getTime)]
    fn get_time(this: &Receiver) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method)]
    fn push(this: &Receiver, value: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = URL)]
    type Url;
    #[wasm_bindgen(catch, constructor, js_class = URL)]
    fn new(text: &str) -> Result<Url, JsValue>;
}

/// `new URL(text).host`: the host as fetch sends it (lower case, IDN as punycode, no default
/// port); `None` when there is no URL parser or it refuses the text.
pub fn url_host(text: &str) -> Option<String> {
    let url = Url::new(text).ok()?;
    Reflect::get(&url, &JsValue::from_str("host")).ok()?.as_string().filter(|host| !host.is_empty())
}

thread_local! {
    /// Builds a JS `DmsError` from its fields; registered once by the JS entry point, which
    /// owns the class so that `instanceof DmsError` works for users.
    static ERROR_FACTORY: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the package's entry point with `(init) => new DmsError(init)`.
#[wasm_bindgen(js_name = __setErrorFactory)]
pub fn set_error_factory(factory: Function) {
    let _ = ERROR_FACTORY.try_with(|slot| slot.replace(Some(factory)));
}

/// The own enumerable string-keyed properties of an options or parameters object.
/// `undefined` is an empty object; anything that is not a plain object is refused.
pub fn entries(value: &JsValue, what: &str) -> Result<Vec<Entry<'static>>, DmsError> {
    let mut out = Vec::new();
    for (key, item) in raw_entries(value, what)? {
        out.push((Cow::Owned(key), to_value(&item)));
    }
    Ok(out)
}

/// Like `entries`, keeping the JS values (for options such as `fetch`).
pub fn raw_entries(value: &JsValue, what: &str) -> Result<Vec<(String, JsValue)>, DmsError> {
    if value.is_undefined() {
        return Ok(Vec::new());
    }
    let unreadable = || DmsError::invalid(concat(&[what, " could not be read (a revoked Proxy or a throwing trap)"]));
    if !value.is_object() {
        return Err(DmsError::invalid(concat(&[what, " must be an object; got ", &describe_js(value)])));
    }
    if is_array(value).map_err(|_| unreadable())? {
        return Err(DmsError::invalid(concat(&[what, " must be an object; got an array"])));
    }
    let keys = object_keys(value).map_err(|_| unreadable())?;
    if keys.length() > MAX_KEYS {
        return Err(DmsError::invalid(concat(&[what, " has too many keys (more than 256)"])));
    }
    let mut out = Vec::with_capacity(keys.length() as usize);
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        let item = Reflect::get(value, &key).map_err(|_| DmsError::invalid(concat(&[what, ".", &name, " could not be read (its getter threw)"])))?;
        out.push((name, item));
    }
    Ok(out)
}

/// Classifies a JS value for validation.
pub fn to_value(value: &JsValue) -> Value<'static> {
    // Strings first: nearly every parameter is one, and each test below is a crossing.
    if let Some(text) = value.dyn_ref::<JsString>() {
        return string_value(text);
    }
    if value.is_undefined() {
        Value::Undefined
    } else if value.is_null() {
        Value::Null
    } else if let Some(flag) = value.as_bool() {
        Value::Bool(flag)
    } else if let Some(number) = value.as_f64() {
        Value::Number(number)
    } else if value.is_bigint() {
        match value.unchecked_ref::<js_sys::BigInt>().to_string(10) {
            Ok(text) => Value::BigInt(Cow::Owned(String::from(text))),
            Err(_) => Value::Unsupported("a bigint"),
        }
    } else if value.is_symbol() {
        Value::Unsupported("a symbol")
    } else if value.is_function() {
        Value::Unsupported("a function")
    } else {
        let mut budget = MAX_VALUE_BYTES;
        match tree(value, 0, &mut budget) {
            Ok(json) => Value::Tree(json),
            Err(why) => Value::Unsupported(why),
        }
    }
}

/// Takes `bytes` (at least one per value) from what is left of an array or object's budget.
fn spend(budget: &mut usize, bytes: usize) -> Result<(), &'static str> {
    *budget = budget.checked_sub(bytes.max(1)).ok_or("an object or array longer than 1 MiB")?;
    Ok(())
}

/// Nesting allowed in an array or object parameter: DMS's have two levels; a cycle stops here.
const MAX_DEPTH: usize = 16;

/// An array or object (or one of its members) read into a JSON tree, as `JSON.stringify`
/// would write it except that a bigint is written as its digits and what JSON cannot carry
/// exactly is refused: a number that is not finite or an integer beyond 2^53-1 (JS has
/// already rounded it), a function, a symbol, `undefined` in an array. `undefined` members of
/// an object are left out. `budget` bounds the bytes read, as for a string parameter.
fn tree(value: &JsValue, depth: usize, budget: &mut usize) -> Result<Json, &'static str> {
    if let Some(text) = value.dyn_ref::<JsString>() {
        return match string_value(text) {
            Value::String(text) => {
                spend(budget, text.len())?;
                Ok(Json::String(text.into_owned()))
            }
            _ => Err("an object or array holding a string with a lone surrogate or longer than 1 MiB"),
        };
    }
    if value.is_null() {
        return Ok(Json::Null);
    }
    if let Some(flag) = value.as_bool() {
        return Ok(Json::Bool(flag));
    }
    if let Some(number) = value.as_f64() {
        if !number.is_finite() {
            return Err("an object or array holding NaN or an infinite number");
        }
        let text = if number.fract() != 0.0 {
            // JS's own shortest form: Rust's float formatting would add kilobytes to the module.
            let text = value.unchecked_ref::<js_sys::Number>().to_string_with_radix(10).map_err(|_| "an unreadable number")?;
            String::from(text)
        } else if number.abs() <= MAX_SAFE_INTEGER {
            // Exact: a safe integer converts without rounding (-0 becomes 0).
            (number as i64).to_string()
        } else {
            return Err("an object or array holding a number beyond 2^53-1, which JS cannot hold exactly (pass a bigint or a decimal string)");
        };
        spend(budget, text.len())?;
        return Ok(Json::Number(text));
    }
    if value.is_bigint() {
        let digits = value.unchecked_ref::<js_sys::BigInt>().to_string(10).map_err(|_| "an unreadable bigint")?;
        let digits = String::from(digits);
        spend(budget, digits.len())?;
        return Ok(Json::Number(digits));
    }
    if !value.is_object() || value.is_function() {
        return Err("an object or array holding a function, a symbol or undefined");
    }
    if depth == MAX_DEPTH {
        return Err("an object or array nested deeper than 16 levels (or holding itself)");
    }
    const UNREADABLE: &str = "an object or array that could not be read (a revoked Proxy or a throwing getter)";
    if is_array(value).map_err(|_| UNREADABLE)? {
        let length = Reflect::get(value, &JsValue::from_str("length")).ok().and_then(|length| length.as_f64()).ok_or(UNREADABLE)?;
        let mut items = Vec::new();
        let mut index = 0.0;
        while index < length {
            spend(budget, 1)?;
            let item = Reflect::get(value, &JsValue::from_f64(index)).map_err(|_| UNREADABLE)?;
            items.push(tree(&item, depth + 1, budget)?);
            index += 1.0;
        }
        return Ok(Json::Array(items));
    }
    let keys = object_keys(value).map_err(|_| UNREADABLE)?;
    let mut members = Vec::new();
    for key in keys.iter() {
        let item = Reflect::get(value, &key).map_err(|_| UNREADABLE)?;
        if item.is_undefined() {
            continue;
        }
        let name = key.as_string().unwrap_or_default();
        spend(budget, name.len())?;
        members.push((name, tree(&item, depth + 1, budget)?));
    }
    Ok(Json::Object(members))
}

fn string_value(text: &JsString) -> Value<'static> {
    // Checked before copying into wasm memory: a huge string must not grow the heap.
    if text.length() as usize > MAX_VALUE_BYTES {
        return Value::Unsupported("a value longer than 1 MiB");
    }
    let copy = String::from(text);
    // Converting a lone surrogate to UTF-8 would silently change the value (into U+FFFD).
    // Only a copy holding U+FFFD can have had one; only then are the code units checked
    // (one crossing each).
    // U+FFFD is EF BF BD in UTF-8: a byte search rules nearly every string out at once.
    if copy.as_bytes().contains(&0xEF) && crate::text::find(&copy, "\u{FFFD}").is_some() && !text.is_valid_utf16() {
        return Value::Unsupported("a string with a lone surrogate (not valid UTF-16)");
    }
    Value::String(Cow::Owned(copy))
}

/// What a JS value is, for messages (never its content: it may be a secret).
pub fn describe_js(value: &JsValue) -> String {
    crate::request::params::describe_kind(&to_value(value))
}

/// `target[key] = value`, for objects the module made (defining a property on a fresh
/// plain object cannot fail).
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = reflect_set(target, &JsValue::from_str(key), value);
}

/// A `Date`'s milliseconds since the epoch (NaN for an invalid date).
pub fn date_millis(date: &js_sys::Date) -> f64 {
    date.unchecked_ref::<Receiver>().get_time().ok().and_then(|time| time.as_f64()).unwrap_or(f64::NAN)
}

/// The JS number a JSON number literal stands for, read as `JSON.parse` reads it.
pub fn number_from_literal(literal: &str) -> JsValue {
    parse_float(literal).unwrap_or(JsValue::NULL)
}

/// A JS array of `items`.
pub fn array(items: impl Iterator<Item = JsValue>) -> Array {
    let out = Array::new();
    for item in items {
        let _ = out.unchecked_ref::<Receiver>().push(&item);
    }
    out
}

/// A plain JS object from `(key, value)` pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> Object {
    let out = Object::new();
    for (key, value) in pairs {
        set(&out, key, value);
    }
    out
}

/// The JS `DmsError` for `error`, with the original JS error as `cause` when there is one.
pub fn to_js_error(error: DmsError, cause: Option<JsValue>) -> JsValue {
    let init = object(&[
        ("code", JsValue::from_str(&error.code)),
        ("message", JsValue::from_str(&error.message)),
        ("retryable", JsValue::from_bool(error.retryable)),
    ]);
    if let Some(status) = error.status {
        set(&init, "status", &JsValue::from_f64(f64::from(status)));
    }
    for (key, value) in [("requestId", &error.request_id), ("hostId", &error.host_id), ("recommend", &error.recommend)] {
        if let Some(value) = value {
            set(&init, key, &JsValue::from_str(value));
        }
    }
    if let Some(cause) = cause {
        set(&init, "cause", &cause);
    }
    let factory = ERROR_FACTORY.try_with(|slot| slot.try_borrow().ok().and_then(|factory| factory.clone())).ok().flatten();
    if let Some(made) = factory.and_then(|factory| factory.call1(&JsValue::UNDEFINED, &init).ok()) {
        return made;
    }
    // Loaded without the package's entry point: a plain Error with the same fields.
    let fallback = js_sys::Error::new(&error.message);
    set(&fallback, "name", &JsValue::from_str("DmsError"));
    let _ = Object::assign(&fallback, &init);
    fallback.into()
}
