//! One string in, one string out: how `signRequest` crosses the JS↔wasm boundary once.
//!
//! Reading a JS object from wasm costs a boundary crossing per key and per value (and per
//! character, to check strings for lone surrogates). So the JS side (`js/packed.mjs`) packs
//! the arguments into one JSON text, when it can do so exactly, and the signed request
//! comes back as one string. Arguments it cannot carry exactly (functions, objects,
//! fractional numbers, odd strings) take the general path, which reads values one by one;
//! both paths end in the same validation, so their answers are the same.
//!
//! The packed arguments: `[options, action, params, signing]`, where `options`, `params`
//! and `signing` are flat `[key, value, key, value, ...]` arrays and a value is a JSON
//! string, a safe integer, `true`/`false`, `null`, `{}` (undefined) or `["<decimal>"]` (a
//! bigint).

use crate::json::{self, Json};
use crate::params::{is_decimal, parse_decimal, Value};
use crate::prelude::*;
use crate::request::SignedRequest;

pub type Entries = Vec<(String, Value)>;

pub struct PackedCall {
    pub options: Entries,
    pub action: String,
    pub params: Entries,
    pub signing: Entries,
}

/// The arguments, or `None` for text the JS packer cannot have made.
pub fn unpack(text: &str) -> Option<PackedCall> {
    let Json::Array(parts) = json::parse(text).ok()? else { return None };
    let mut parts = parts.into_iter();
    let options = entries(parts.next()?)?;
    let Json::String(action) = parts.next()? else { return None };
    let params = entries(parts.next()?)?;
    let signing = entries(parts.next()?)?;
    parts.next().is_none().then_some(PackedCall { options, action, params, signing })
}

fn entries(json: Json) -> Option<Entries> {
    let Json::Array(items) = json else { return None };
    let mut out = Vec::with_capacity(items.len() / 2);
    let mut items = items.into_iter();
    while let Some(key) = items.next() {
        let Json::String(key) = key else { return None };
        out.push((key, value(items.next()?)?));
    }
    Some(out)
}

fn value(json: Json) -> Option<Value> {
    Some(match json {
        Json::String(text) => Value::String(text),
        Json::Bool(flag) => Value::Bool(flag),
        Json::Null => Value::Null,
        // Safe integers only: exact as f64, and no float parser in the module.
        Json::Number(literal) => {
            let number = parse_decimal(&literal)?;
            if number.unsigned_abs() > (1 << 53) - 1 {
                return None;
            }
            Value::Number(number as f64)
        }
        Json::Object(members) if members.is_empty() => Value::Undefined,
        Json::Array(items) => match <[Json; 1]>::try_from(items) {
            // Any size: validation reports a bigint beyond int64 as out of range.
            Ok([Json::String(digits)]) if is_decimal(&digits) => Value::BigInt(digits),
            _ => return None,
        },
        Json::Object(_) => return None,
    })
}

/// `method \0 url \0 body \0 (name \0 value)*`: no part can hold a NUL (the URL is checked
/// when the client is made, the body is percent-encoded, header values are ASCII).
pub fn pack_request(request: &SignedRequest) -> String {
    let mut out = String::with_capacity(request.url.len() + request.body.len() + 160);
    for part in [request.method, &request.url, &request.body] {
        out.push_str(part);
        out.push('\0');
    }
    for (name, value) in &request.headers {
        out.push_str(name);
        out.push('\0');
        out.push_str(value);
        out.push('\0');
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_every_value_kind() {
        let call = unpack(r#"[["accessKeyId","id","maxAttempts",3,"securityToken",{}],"StopTaskFlowInstance",["DagId",["123456789012345678901"],"Tid",-7,"Flag",true,"X",null],["nonce","n"]]"#).unwrap();
        assert_eq!(call.action, "StopTaskFlowInstance");
        assert_eq!(call.options, [("accessKeyId".into(), Value::String("id".into())), ("maxAttempts".into(), Value::Number(3.0)), ("securityToken".into(), Value::Undefined)]);
        assert_eq!(
            call.params,
            [
                ("DagId".into(), Value::BigInt("123456789012345678901".into())),
                ("Tid".into(), Value::Number(-7.0)),
                ("Flag".into(), Value::Bool(true)),
                ("X".into(), Value::Null)
            ]
        );
        assert_eq!(call.signing, [("nonce".into(), Value::String("n".into()))]);
    }

    #[test]
    fn refuses_what_the_packer_never_makes() {
        for text in [
            "",
            "[]",
            r#"[[],"A",[]]"#,
            r#"[[],"A",[],[],[]]"#,
            r#"[[],1,[],[]]"#,
            r#"[["k"],"A",[],[]]"#,
            r#"[[1,2],"A",[],[]]"#,
            r#"[["k",1.5],"A",[],[]]"#,
            r#"[["k",1e3],"A",[],[]]"#,
            r#"[["k",9007199254740992],"A",[],[]]"#,
            r#"[["k",{"a":1}],"A",[],[]]"#,
            r#"[["k",[]],"A",[],[]]"#,
            r#"[["k",["1x"]],"A",[],[]]"#,
            r#"[["k",[1]],"A",[],[]]"#,
            r#"{"a":1}"#,
        ] {
            assert!(unpack(text).is_none(), "{text}");
        }
        assert!(unpack(r#"[["k",9007199254740991,"j",-9007199254740991],"A",[],[]]"#).is_some());
    }

    #[test]
    fn packs_a_request_into_nul_separated_parts() {
        let request = SignedRequest {
            method: "POST",
            url: "https://x/".into(),
            headers: vec![("content-type", "application/x-www-form-urlencoded".into()), ("a", "b".into())],
            body: "A=1".into(),
        };
        assert_eq!(pack_request(&request), "POST\0https://x/\0A=1\0content-type\0application/x-www-form-urlencoded\0a\0b");
        let no_headers = SignedRequest { method: "GET", url: "u".into(), headers: vec![], body: String::new() };
        assert_eq!(pack_request(&no_headers), "GET\0u\0");
    }
}
