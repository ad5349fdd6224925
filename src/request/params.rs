//! Checks operation parameters against the table and turns them into wire strings.
//!
//! Input values arrive already classified by the JS binding (`Value`), so everything here is
//! plain Rust and tested natively. Every refusal names the field and what was expected.

use std::borrow::Cow;
use crate::error::{concat, DmsError};
use crate::operations::{Kind, Operation, Param, Shape};
use crate::response::json::Json;

/// Text of a key or value: owned when the binding read it from JS, borrowed in native
/// callers and tests.
pub type Text<'a> = Cow<'a, str>;

/// A key and its value, as the binding hands them over.
pub type Entry<'a> = (Text<'a>, Value<'a>);

/// A JS value, as much of it as validation needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    /// A bigint, as its decimal text (`BigInt.prototype.toString()`).
    BigInt(Text<'a>),
    String(Text<'a>),
    /// An array or object, read into a JSON tree by the binding: numbers as their JSON text,
    /// bigints as their digits (so an int64 inside an array stays exact).
    Tree(Json),
    /// Anything else (symbol, function, unserializable object, string with lone surrogates),
    /// described for the error message ("a symbol").
    Unsupported(&'static str),
}

/// Which names the caller uses for parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `dagInstanceId`: the client methods.
    Camel,
    /// `DagInstanceId`: `signRequest`, as the vendor documents the wire.
    Wire,
}

impl Param {
    /// Whether `key` is this parameter's name in `naming`.
    pub fn is_named(&self, key: &str, naming: Naming) -> bool {
        match naming {
            Naming::Camel => crate::response::results::is_camel_case_of(key, self.wire),
            Naming::Wire => key == self.wire,
        }
    }

    /// The parameter's name in `naming`, for messages.
    pub fn name(&self, naming: Naming) -> String {
        Param::display_name(self.wire, naming)
    }

    /// `wire` (a parameter's or an item field's name) in `naming`.
    pub fn display_name(wire: &str, naming: Naming) -> String {
        match naming {
            Naming::Camel => crate::response::results::camel_case(wire),
            Naming::Wire => wire.into(),
        }
    }
}

/// Longest value accepted for one parameter; far above any real task-flow parameter (SQL
/// node content included), far below what would make a request a memory problem.
pub const MAX_VALUE_BYTES: usize = 1 << 20;

/// 2^53 - 1: the largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Checks `input` against `op` and returns `(wire name, wire value)` pairs in table order.
///
/// An unknown key is reported first, then the first parameter (in table order) that is
/// missing or wrong. The operation's row is read once: the unknown keys are looked for only
/// when fewer keys matched a parameter than were given.
pub fn validate(op: &Operation, input: &[Entry], naming: Naming) -> Result<Vec<(&'static str, String)>, DmsError> {
    let mut out = Vec::with_capacity(input.len());
    let mut known = 0;
    let mut first_error = None;
    for param in op.params() {
        let given = input.iter().find(|(key, _)| param.is_named(key, naming));
        known += usize::from(given.is_some());
        if first_error.is_some() {
            continue;
        }
        match given {
            // `null` and `undefined` leave an optional parameter out, as the vendor's SDK does.
            None | Some((_, Value::Undefined | Value::Null)) => {
                if param.required {
                    first_error = Some(DmsError::missing(concat(&[&param.name(naming), " is required for ", op.action()])));
                }
            }
            // The key is the parameter's name as the caller wrote it, which messages use.
            Some((key, value)) => match wire_value(&param, key, value, naming) {
                Ok(text) => out.push((param.wire, text)),
                Err(error) => first_error = Some(error),
            },
        }
    }
    if known < input.len() {
        if let Some((key, _)) = input.iter().find(|(key, _)| !op.params().any(|p| p.is_named(key, naming))) {
            return Err(DmsError::invalid(concat(&[
                "unknown parameter '",
                &excerpt(key),
                "' for ",
                op.action(),
                "; allowed: ",
                &allowed_names(op, naming),
            ])));
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(out),
    }
}

/// Parameters set by the client itself, which `call` refuses from the caller.
const COMMON_PARAMS: [&str; 10] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// Checks the parameters of an action outside the table (`client.call`): wire names as the
/// vendor documents them (`Tag.1.Key` style allowed), values a string, a safe integer, a
/// bigint, a boolean, or an array/object sent as a JSON string.
pub fn validate_any(action: &str, input: &[Entry]) -> Result<Vec<(String, String)>, DmsError> {
    let valid_action = (1..=64).contains(&action.len())
        && action.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && action.bytes().all(|b| b.is_ascii_alphanumeric());
    if !valid_action {
        return Err(DmsError::invalid(concat(&["action must be a DMS action name such as ListUsers; got \"", &excerpt(action), "\""])));
    }
    let mut out = Vec::with_capacity(input.len());
    for (name, value) in input {
        let valid_name = (1..=64).contains(&name.len())
            && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
        if !valid_name {
            return Err(DmsError::invalid(concat(&["parameter name '", &excerpt(name), "' is not a DMS parameter name (letters, digits, '.', '_')"])));
        }
        if COMMON_PARAMS.contains(&name.as_ref()) {
            return Err(DmsError::invalid(concat(&[name, " is set by the client; leave it out"])));
        }
        if text_len(value) > MAX_VALUE_BYTES {
            return Err(DmsError::invalid(concat(&[name, " must be at most 1 MiB; got a longer value"])));
        }
        let text = match value {
            Value::Undefined | Value::Null => continue,
            Value::String(text) => String::from(text.as_ref()),
            Value::Tree(json) => {
                let mut text = String::new();
                json.write(&mut text);
                text
            }
            Value::Bool(flag) => if *flag { "true" } else { "false" }.into(),
            Value::Number(_) | Value::BigInt(_) => integer_value(value)
                .map(|integer| integer.to_string())
                .map_err(|why| DmsError::invalid(concat(&[name, " must be a string, an integer, a bigint, a boolean or an array/object; got ", &why, " (pass other numbers as strings)"])))?,
            other => {
                return Err(DmsError::invalid(concat(&[name, " must be a string, an integer, a bigint, a boolean or an array/object; got ", &describe(other)])));
            }
        };
        out.push((String::from(name.as_ref()), text));
    }
    Ok(out)
}

fn text_len(value: &Value) -> usize {
    match value {
        Value::String(text) | Value::BigInt(text) => text.len(),
        _ => 0,
    }
}

/// The allowed parameter names of `op`, for error messages.
pub fn allowed_names(op: &Operation, naming: Naming) -> String {
    let mut out = String::new();
    for (index, param) in op.params().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&param.name(naming));
    }
    out
}

fn wire_value(param: &Param, name: &str, value: &Value, naming: Naming) -> Result<String, DmsError> {
    let expected = match param.kind {
        Kind::Id => ID_RULE,
        Kind::Integer => "an integer within int64, as a safe-integer number, a bigint or a decimal string",
        Kind::String if param.required => "a non-empty string",
        Kind::String => "a string",
        Kind::Boolean => "a boolean",
        Kind::Json => "an array (sent as a JSON string), or the JSON text of one",
    };
    let refuse = |why: &str| DmsError::invalid(concat(&[name, " must be ", expected, "; got ", why]));
    if let Value::String(text) | Value::BigInt(text) = value {
        if text.len() > MAX_VALUE_BYTES {
            return Err(refuse("a value longer than 1 MiB"));
        }
    }
    match (param.kind, value) {
        (Kind::Id | Kind::Integer, _) => {
            let integer = integer_value(value).map_err(|why| refuse(&why))?;
            if param.kind == Kind::Id && integer < 0 {
                return Err(refuse("a negative number"));
            }
            Ok(integer.to_string())
        }
        // An empty string is a value (`Description=` clears a description), but a required
        // parameter sent empty is as good as missing.
        (Kind::String, Value::String(text)) if text.is_empty() && param.required => Err(refuse("an empty string")),
        (Kind::String, Value::String(text)) => Ok(String::from(text.as_ref())),
        // A version or name that happens to be numeric is still meaningful as a string.
        (Kind::String, Value::Number(_) | Value::BigInt(_)) => integer_value(value).map(|integer| integer.to_string()).map_err(|why| refuse(&why)),
        (Kind::Boolean, Value::Bool(flag)) => Ok(if *flag { "true" } else { "false" }.into()),
        (Kind::Boolean, Value::String(text)) if text == "true" || text == "false" => Ok(String::from(text.as_ref())),
        (Kind::Json, Value::Tree(json)) => json_param(param.shape, name, json, naming),
        // Text the caller says is JSON must be JSON, written with the same checks.
        (Kind::Json, Value::String(text)) => match crate::response::json::parse(text) {
            Ok(json) => json_param(param.shape, name, &json, Naming::Wire),
            Err(_) => Err(refuse("a string that is not JSON")),
        },
        _ => Err(refuse(&describe(value))),
    }
}

const ID_RULE: &str = "an id: a non-negative integer up to 2^63-1, as a safe-integer number, a bigint or a decimal string";

/// A JSON parameter's wire text: the value checked against the table's shape, object keys
/// written with their wire names (the caller may use either name), ids as digits.
fn json_param(shape: Option<Shape>, name: &str, json: &Json, naming: Naming) -> Result<String, DmsError> {
    let mut out = String::new();
    match shape {
        Some(shape) => write_shaped(&mut out, &mut String::from(name), shape, json, naming)?,
        None => json.write(&mut out),
    }
    Ok(out)
}

fn write_shaped(out: &mut String, path: &mut String, shape: Shape, json: &Json, naming: Naming) -> Result<(), DmsError> {
    match (shape, json) {
        (Shape::Id, Json::Number(text) | Json::String(text)) if parse_decimal(text).is_some_and(|id| id >= 0) => {
            out.push_str(&parse_decimal(text).unwrap_or_default().to_string());
        }
        (Shape::Number, Json::Number(text)) => out.push_str(text),
        (Shape::String, Json::String(text)) => crate::response::json::push_string(out, text),
        (Shape::Boolean, Json::Bool(_)) => json.write(out),
        (Shape::Array(element), Json::Array(items)) => {
            let element = Shape::read(element).map(|(element, _)| element);
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                let end = path.len();
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
                match element {
                    Some(element) => write_shaped(out, path, element, item, naming)?,
                    None => item.write(out),
                }
                path.truncate(end);
            }
            out.push(']');
        }
        (Shape::Object(fields), Json::Object(members)) => {
            out.push('{');
            let mut first = true;
            for (key, item) in members {
                let Some((wire, field)) = fields.each().find(|(wire, _)| key == wire || crate::response::results::is_camel_case_of(key, wire)) else {
                    let allowed: Vec<String> = fields.each().map(|(wire, _)| Param::display_name(wire, naming)).collect();
                    return Err(DmsError::invalid(concat(&[path, " has an unknown key '", &excerpt(key), "'; allowed: ", &allowed.join(", ")])));
                };
                // A null member is left out, like a null parameter.
                if *item == Json::Null {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                crate::response::json::push_string(out, wire);
                out.push(':');
                let end = path.len();
                path.push('.');
                path.push_str(&Param::display_name(wire, naming));
                write_shaped(out, path, field, item, naming)?;
                path.truncate(end);
            }
            out.push('}');
        }
        _ => {
            let expected = match shape {
                Shape::Id => "an id (a non-negative integer up to 2^63-1, or its digits in a string)",
                Shape::Number => "a number",
                Shape::String => "a string",
                Shape::Boolean => "a boolean",
                Shape::Array(_) | Shape::Wrapped(..) => "an array",
                Shape::Object(_) => "an object",
            };
            return Err(DmsError::invalid(concat(&[path, " must be ", expected, "; got ", &describe_json(json)])));
        }
    }
    Ok(())
}

fn describe_json(json: &Json) -> String {
    match json {
        Json::Null => "null".into(),
        Json::Bool(true) => "true".into(),
        Json::Bool(false) => "false".into(),
        Json::Number(text) => concat(&["the number ", &excerpt(text)]),
        Json::String(text) => describe(&Value::String(Cow::Borrowed(text))),
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
    }
}

/// An int64 from a number (safe integers only), a bigint, or a decimal string.
fn integer_value(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(number) => {
            if number.is_nan() {
                Err("NaN".into())
            } else if number.is_infinite() {
                Err("an infinite number".into())
            } else if number.fract() != 0.0 {
                Err("a number with a fraction".into())
            } else if !(-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(number) {
                Err("a number beyond 2^53-1, which JS cannot hold exactly (pass a bigint or a decimal string)".into())
            } else {
                // Exact: a safe integer converts to i64 without rounding (-0 becomes 0).
                Ok(*number as i64)
            }
        }
        Value::BigInt(text) => parse_decimal(text).ok_or_else(|| "a bigint outside int64".into()),
        Value::String(text) => parse_decimal(text).ok_or_else(|| {
            if text.is_empty() {
                "an empty string".into()
            } else {
                concat(&["the string \"", &excerpt(text), "\""])
            }
        }),
        other => Err(describe(other)),
    }
}

/// Whether `text` is `-?[0-9]+`, of any length.
pub fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Parses `-?[0-9]+` into an i64; `None` for anything else (signs, spaces, exponents,
/// fractions, overflow). Leading zeros are allowed and dropped.
pub fn parse_decimal(text: &str) -> Option<i64> {
    if !is_decimal(text) {
        return None;
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // Accumulate negatively so i64::MIN parses too.
    let mut value: i64 = 0;
    for byte in digits.bytes() {
        value = value.checked_mul(10)?.checked_sub(i64::from(byte - b'0'))?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

/// What a value is, for "got ..." in error messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(true) => "true".into(),
        Value::Bool(false) => "false".into(),
        Value::Number(_) => "a number".into(),
        Value::BigInt(_) => "a bigint".into(),
        Value::String(text) if text.is_empty() => "an empty string".into(),
        Value::String(text) => concat(&["the string \"", &excerpt(text), "\""]),
        Value::Tree(json) => describe_json(json),
        Value::Unsupported(what) => (*what).into(),
    }
}

/// What a value is without quoting it ("a string", "a number"): for options that may hold
/// secrets, where `describe` would show a string's content.
pub fn describe_kind(value: &Value) -> String {
    match value {
        Value::String(text) if !text.is_empty() => "a string".into(),
        other => describe(other),
    }
}

/// At most 40 characters of `text`, with control characters shown as `?`, for messages.
pub fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == 40 {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { '?' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::by_action;

    fn stop() -> &'static Operation {
        by_action("StopTaskFlowInstance").unwrap()
    }

    fn resume() -> &'static Operation {
        by_action("ResumeTaskFlowInstance").unwrap()
    }

    fn input<'a>(pairs: &[(&'a str, Value<'a>)]) -> Vec<Entry<'a>> {
        pairs.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect()
    }

    fn s(text: &str) -> Value<'_> {
        Value::String(text.into())
    }

    #[test]
    fn accepts_numbers_bigints_and_strings_as_ids() {
        let params = input(&[
            ("dagId", Value::Number(7.0)),
            ("dagInstanceId", Value::BigInt("9223372036854775807".into())),
            ("tid", s("0003")),
        ]);
        assert_eq!(
            validate(stop(), &params, Naming::Camel).unwrap(),
            [("DagId", "7".into()), ("DagInstanceId", "9223372036854775807".into()), ("Tid", "3".into())]
        );
    }

    #[test]
    fn wire_names_for_sign_request() {
        let params = input(&[("DagId", s("7")), ("DagInstanceId", s("47")), ("Tid", Value::Undefined)]);
        assert_eq!(
            validate(stop(), &params, Naming::Wire).unwrap(),
            [("DagId", "7".into()), ("DagInstanceId", "47".into())]
        );
        let camel_in_wire_mode = input(&[("dagId", s("7")), ("DagInstanceId", s("47"))]);
        let err = validate(stop(), &camel_in_wire_mode, Naming::Wire).unwrap_err();
        assert_eq!(err.message, "unknown parameter 'dagId' for StopTaskFlowInstance; allowed: DagId, DagInstanceId, Tid");
    }

    #[test]
    fn missing_required_parameters() {
        let err = validate(stop(), &input(&[("dagId", s("1"))]), Naming::Camel).unwrap_err();
        assert_eq!((err.code.as_str(), err.message.as_str()), ("MissingParameter", "dagInstanceId is required for StopTaskFlowInstance"));
        assert_eq!(err.status, None);
        let err = validate(resume(), &input(&[("dagId", s("1")), ("dagInstanceId", s("2"))]), Naming::Camel).unwrap_err();
        assert_eq!(err.message, "dagVersion is required for ResumeTaskFlowInstance");
        let err = validate(stop(), &input(&[("dagId", Value::Undefined), ("dagInstanceId", s("2"))]), Naming::Camel).unwrap_err();
        assert_eq!(err.code, "MissingParameter");
    }

    #[test]
    fn unknown_keys_list_the_allowed_ones() {
        let err = validate(stop(), &input(&[("dagId", s("1")), ("dagInstanceId", s("2")), ("DagID", s("3"))]), Naming::Camel).unwrap_err();
        assert_eq!(err.code, "InvalidParameter");
        assert_eq!(err.message, "unknown parameter 'DagID' for StopTaskFlowInstance; allowed: dagId, dagInstanceId, tid");
    }

    #[test]
    fn refuses_bad_ids_naming_the_field() {
        let cases: &[(Value, &str)] = &[
            (Value::Number(1.5), "a number with a fraction"),
            (Value::Number(f64::NAN), "NaN"),
            (Value::Number(f64::INFINITY), "an infinite number"),
            (Value::Number(-1.0), "a negative number"),
            (Value::Number(9_007_199_254_740_992.0), "beyond 2^53-1"),
            (Value::Number(1e21), "beyond 2^53-1"),
            (Value::BigInt("9223372036854775808".into()), "a bigint outside int64"),
            (Value::BigInt("-1".into()), "a negative number"),
            (s("9223372036854775808"), "the string \"9223372036854775808\""),
            (s("12abc"), "the string \"12abc\""),
            (s(" 12"), "the string \" 12\""),
            (s("+12"), "the string \"+12\""),
            (s("1e3"), "the string \"1e3\""),
            (s("1.0"), "the string \"1.0\""),
            (s("-"), "the string \"-\""),
            (s(""), "an empty string"),
            (s("-5"), "a negative number"),
            (Value::Bool(true), "true"),
            (Value::Tree(Json::Object(vec![])), "an object"),
            (Value::Tree(Json::Array(vec![n("1")])), "an array"),
            (Value::Unsupported("a symbol"), "a symbol"),
        ];
        for (value, why) in cases {
            let err = validate(stop(), &input(&[("dagId", value.clone()), ("dagInstanceId", s("2"))]), Naming::Camel).unwrap_err();
            assert_eq!(err.code, "InvalidParameter", "{value:?}");
            assert!(err.message.starts_with("dagId must be an id"), "{}", err.message);
            assert!(err.message.contains(why), "{value:?}: {}", err.message);
        }
    }

    #[test]
    fn empty_strings_are_values_unless_required() {
        for (value, why) in [(s(""), "an empty string"), (Value::Number(1.5), "a fraction"), (Value::Bool(true), "true")] {
            let params = input(&[("dagId", s("1")), ("dagInstanceId", s("2")), ("dagVersion", value)]);
            let err = validate(resume(), &params, Naming::Camel).unwrap_err();
            assert!(err.message.starts_with("dagVersion must be a non-empty string; got "), "{}", err.message);
            assert!(err.message.contains(why), "{}", err.message);
        }
        let params = input(&[("dagId", s("1")), ("dagInstanceId", s("2")), ("dagVersion", Value::Number(3.0))]);
        assert_eq!(validate(resume(), &params, Naming::Camel).unwrap()[2], ("DagVersion", "3".into()));
        let params = input(&[("dagId", s("1")), ("dagInstanceId", s("2")), ("dagVersion", s(" "))]);
        assert_eq!(validate(resume(), &params, Naming::Camel).unwrap()[2], ("DagVersion", " ".into()));
        // Optional: an empty string is sent (it clears a description), null leaves it out.
        let update = by_action("UpdateTaskFlowNameAndDesc").unwrap();
        let params = input(&[("dagId", s("1")), ("dagName", s("n")), ("description", s(""))]);
        assert!(validate(update, &params, Naming::Camel).unwrap().contains(&("Description", String::new())));
        let params = input(&[("dagId", s("1")), ("dagName", s("n")), ("description", Value::Null)]);
        assert!(!validate(update, &params, Naming::Camel).unwrap().iter().any(|(name, _)| *name == "Description"));
        let err = validate(stop(), &input(&[("dagId", Value::Null), ("dagInstanceId", s("2"))]), Naming::Camel).unwrap_err();
        assert_eq!((err.code.as_str(), err.message.as_str()), ("MissingParameter", "dagId is required for StopTaskFlowInstance"));
    }

    fn n(text: &str) -> Json {
        Json::Number(text.into())
    }

    fn object(members: &[(&str, Json)]) -> Json {
        Json::Object(members.iter().map(|(k, v)| ((*k).into(), v.clone())).collect())
    }

    fn edges(value: Value) -> Result<String, DmsError> {
        let op = by_action("AddTaskFlowEdges").unwrap();
        let wire = validate(op, &input(&[("dagId", s("1")), ("edges", value)]), Naming::Camel)?;
        Ok(wire.into_iter().find(|(name, _)| *name == "Edges").unwrap().1)
    }

    #[test]
    fn json_items_go_out_with_wire_names() {
        let items = Json::Array(vec![
            object(&[("nodeFrom", n("1")), ("nodeEnd", n("9223372036854775807"))]),
            object(&[("NodeFrom", Json::String("3".into())), ("nodeEnd", n("4")), ("ignored", Json::Null)].iter().filter(|(k, _)| *k != "ignored").cloned().collect::<Vec<_>>()),
        ]);
        assert_eq!(edges(Value::Tree(items)).unwrap(), r#"[{"NodeFrom":1,"NodeEnd":9223372036854775807},{"NodeFrom":3,"NodeEnd":4}]"#);
        // JSON text: the same checks and renaming.
        assert_eq!(edges(s(r#"[{"NodeFrom":1,"NodeEnd":2}]"#)).unwrap(), r#"[{"NodeFrom":1,"NodeEnd":2}]"#);
        // A null member is left out.
        assert_eq!(edges(Value::Tree(Json::Array(vec![object(&[("nodeFrom", n("1")), ("nodeEnd", Json::Null)])]))).unwrap(), r#"[{"NodeFrom":1}]"#);
        let members = by_action("AddLhMembers").unwrap();
        let value = Value::Tree(Json::Array(vec![object(&[("userId", n("15")), ("roles", Json::Array(vec![Json::String("ADMIN".into())]))])]));
        let wire = validate(members, &input(&[("members", value), ("objectId", s("1")), ("objectType", s("0"))]), Naming::Camel).unwrap();
        assert_eq!(wire[0], ("Members", r#"[{"UserId":15,"Roles":["ADMIN"]}]"#.into()));
        let constants = by_action("UpdateTaskFlowConstants").unwrap();
        let value = Value::Tree(Json::Array(vec![object(&[("key", Json::String("k\"".into())), ("value", Json::String(String::new()))])]));
        let wire = validate(constants, &input(&[("dagId", s("1")), ("dagConstants", value)]), Naming::Camel).unwrap();
        assert!(wire.contains(&("DagConstants", r#"[{"Key":"k\"","Value":""}]"#.into())));
        let list = by_action("ListTaskFlowsByPage").unwrap();
        let value = Value::Tree(Json::Array(vec![n("9007199254740993"), Json::String("7".into())]));
        assert_eq!(validate(list, &input(&[("dagIdList", value)]), Naming::Camel).unwrap()[0], ("DagIdList", "[9007199254740993,7]".into()));
    }

    #[test]
    fn json_items_are_checked() {
        let unknown = edges(Value::Tree(Json::Array(vec![object(&[("nodeFrom", n("1")), ("to", n("2"))])]))).unwrap_err();
        assert_eq!(unknown.message, "edges[0] has an unknown key 'to'; allowed: nodeFrom, nodeEnd");
        let op = by_action("AddTaskFlowEdges").unwrap();
        let wire_named = validate(op, &input(&[("DagId", s("1")), ("Edges", Value::Tree(Json::Array(vec![object(&[("to", n("2"))])])))]), Naming::Wire).unwrap_err();
        assert_eq!(wire_named.message, "Edges[0] has an unknown key 'to'; allowed: NodeFrom, NodeEnd");
        let cases = [
            (Json::Array(vec![object(&[("nodeFrom", n("1.5"))])]), "edges[0].nodeFrom must be an id (a non-negative integer up to 2^63-1, or its digits in a string); got the number 1.5"),
            (Json::Array(vec![object(&[("nodeFrom", n("-1"))])]), "edges[0].nodeFrom must be an id"),
            (Json::Array(vec![object(&[("nodeFrom", Json::String("x".into()))])]), "edges[0].nodeFrom must be an id"),
            (Json::Array(vec![n("1")]), "edges[0] must be an object; got the number 1"),
            (object(&[]), "edges must be an array; got an object"),
        ];
        for (value, message) in cases {
            let err = edges(Value::Tree(value)).unwrap_err();
            assert_eq!(err.code, "InvalidParameter");
            assert!(err.message.starts_with(message), "{}", err.message);
        }
        assert!(edges(s("[{")).unwrap_err().message.ends_with("got a string that is not JSON"));
        assert!(edges(Value::Number(1.0)).unwrap_err().message.starts_with("edges must be an array (sent as a JSON string), or the JSON text of one; got a number"));
    }

    #[test]
    fn booleans_and_json_parameters() {
        let backfill = by_action("BackFill").unwrap();
        let params = input(&[("dagId", s("1")), ("asc", Value::Bool(false)), ("startNodeIds", Value::Tree(Json::Array(vec![n("1"), Json::String("2".into())])))]);
        let wire = validate(backfill, &params, Naming::Camel).unwrap();
        assert!(wire.contains(&("Asc", "false".into())));
        assert!(wire.contains(&("StartNodeIds", "[1,2]".into())));
        let params = input(&[("dagId", s("1")), ("asc", Value::Number(1.0))]);
        assert!(validate(backfill, &params, Naming::Camel).unwrap_err().message.starts_with("asc must be a boolean; got a number"));
    }

    #[test]
    fn very_long_values_are_refused() {
        let long = "1".repeat(MAX_VALUE_BYTES + 1);
        let err = validate(stop(), &input(&[("dagId", s(&long)), ("dagInstanceId", s("2"))]), Naming::Camel).unwrap_err();
        assert!(err.message.ends_with("got a value longer than 1 MiB"));
        let err = validate(stop(), &input(&[("dagId", s(&"9".repeat(100))), ("dagInstanceId", s("2"))]), Naming::Camel).unwrap_err();
        assert!(err.message.contains('…'), "{}", err.message);
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt(&"é".repeat(40)), "é".repeat(40));
        assert_eq!(excerpt(&"é".repeat(41)), "é".repeat(40) + "…");
        assert_eq!(excerpt("a\nb\u{7f}\u{9f}c"), "a?b??c");
        assert_eq!(excerpt(""), "");
    }

    #[test]
    fn any_action_parameters() {
        let params = input(&[("DbId", Value::Number(42.0)), ("Tag.1.Key", s("env")), ("Enable", Value::Bool(true)), ("List", Value::Tree(Json::Array(vec![n("1"), Json::Null]))), ("Skip", Value::Undefined), ("Also", Value::Null)]);
        assert_eq!(
            validate_any("ListDatabases", &params).unwrap(),
            [("DbId".into(), "42".into()), ("Tag.1.Key".into(), "env".into()), ("Enable".into(), "true".into()), ("List".into(), "[1,null]".into())]
        );
        assert!(validate_any("listDatabases", &[]).unwrap_err().message.starts_with("action must be a DMS action name"));
        assert!(validate_any("List Databases", &[]).is_err());
        assert_eq!(validate_any("X", &input(&[("Signature", s("x"))])).unwrap_err().message, "Signature is set by the client; leave it out");
        assert!(validate_any("X", &input(&[("a b", s("x"))])).unwrap_err().message.contains("is not a DMS parameter name"));
        assert!(validate_any("X", &input(&[("Rate", Value::Number(0.5))])).unwrap_err().message.contains("pass other numbers as strings"));
        assert!(validate_any("X", &input(&[("Id", Value::Unsupported("a symbol"))])).unwrap_err().message.ends_with("got a symbol"));
    }

    #[test]
    fn decimal_round_trips() {
        for value in [0, 1, -1, 9, 10, 4096, i64::MAX, i64::MIN, 9_007_199_254_740_993] {
            assert_eq!(parse_decimal(&value.to_string()), Some(value));
        }
        assert_eq!(parse_decimal("-0"), Some(0));
        assert_eq!(parse_decimal("00042"), Some(42));
        assert_eq!(parse_decimal("-9223372036854775809"), None);
        assert_eq!(parse_decimal("١٢"), None);
    }

    #[test]
    fn describe_kind_never_quotes_a_string() {
        assert_eq!(describe_kind(&Value::String("s3cr3t".into())), "a string");
        assert_eq!(describe_kind(&Value::String("".into())), "an empty string");
        assert_eq!(describe_kind(&Value::Number(1.0)), "a number");
        assert_eq!(describe_kind(&Value::Null), "null");
    }
}
