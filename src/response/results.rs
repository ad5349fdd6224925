//! Turns a successful DMS answer into the result users get: camelCase names, ids as
//! strings, the vendor's wrapper objects (`DAGInstanceList.DAGInstance[]`) unwrapped into
//! plain arrays. Documented fields follow the table's shapes; fields the table does not
//! know still come through, camelCased, with integers JS cannot hold exactly as strings.

use super::json::Json;
use crate::operations::{Fields, Shape};

/// A result: JSON again, with the result's names (camelCase) and shapes (ids and numbers a JS
/// number cannot hold as text); `Json::write` and the binding turn it into a JS value.
pub type Out = Json;

/// The result of an answer whose body is `body`, shaped by the operation's fields
/// (`None` for an action outside the table). `ErrorCode`/`ErrorMessage` are left out: on a
/// success they are noise such as "UnknownError".
pub fn map_result(fields: Option<Fields>, body: &Json) -> Out {
    let mut out = Vec::new();
    if let Json::Object(members) = body {
        for (name, value) in members {
            if name == "ErrorCode" || name == "ErrorMessage" {
                continue;
            }
            let mapped = match fields {
                // Only successes get here.
                _ if name == "Success" => Json::Bool(true),
                // In every documented answer, so the table leaves it out.
                Some(_) if name == "RequestId" => map_shape(Shape::String, value),
                Some(fields) => map_member(fields, name, value),
                None => generic(value, is_id_name(name)),
            };
            out.push((camel_case(name), mapped));
        }
    }
    Json::Object(out)
}

/// A member of a documented object: by its field's shape, or generically if undocumented.
fn map_member(fields: Fields, name: &str, value: &Json) -> Out {
    match fields.find(name) {
        Some(shape) => map_shape(shape, value),
        None => generic(value, is_id_name(name)),
    }
}

/// Each item of a list by the element shape `element` (the text `Shape::read` reads).
fn map_list(element: &'static str, items: &[Json]) -> Out {
    Json::Array(
        items
            .iter()
            .map(|item| match Shape::read(element) {
                Some((shape, _)) => map_shape(shape, item),
                None => generic(item, false),
            })
            .collect(),
    )
}

fn map_shape(shape: Shape, value: &Json) -> Out {
    match (shape, value) {
        (_, Json::Null) => Json::Null,
        (Shape::Id, Json::Number(text) | Json::String(text)) => Json::String(text.clone()),
        (Shape::Number, Json::Number(text)) => number(text),
        (Shape::String, Json::String(text) | Json::Number(text)) => Json::String(text.clone()),
        (Shape::Boolean, Json::Bool(flag)) => Json::Bool(*flag),
        (Shape::Boolean, Json::String(text)) if text == "true" || text == "false" => Json::Bool(text == "true"),
        (Shape::Object(fields), Json::Object(members)) => {
            Json::Object(members.iter().map(|(name, value)| (camel_case(name), map_member(fields, name, value))).collect())
        }
        (Shape::Array(element), Json::Array(items)) => map_list(element, items),
        (Shape::Wrapped(inner, element), Json::Object(_)) => match value.get(inner) {
            Some(Json::Array(items)) => map_list(element, items),
            // A single element not wrapped in an array (XML-converted answers do this).
            Some(single @ Json::Object(_)) => map_list(element, core::slice::from_ref(single)),
            None | Some(Json::Null) => Json::Array(Vec::new()),
            Some(other) => generic(other, false),
        },
        // An answer that does not match the documented shape: keep it, generically.
        (Shape::Id, other) => generic(other, true),
        (_, other) => generic(other, false),
    }
}

/// Any JSON value: keys camelCased, integers JS cannot hold exactly (and ids) as strings.
fn generic(value: &Json, id: bool) -> Out {
    match value {
        Json::Null => Json::Null,
        Json::Bool(flag) => Json::Bool(*flag),
        Json::Number(text) if id => Json::String(text.clone()),
        Json::Number(text) => number(text),
        Json::String(text) => Json::String(text.clone()),
        Json::Array(items) => Json::Array(items.iter().map(|item| generic(item, id)).collect()),
        Json::Object(members) => Json::Object(members.iter().map(|(name, value)| (camel_case(name), generic(value, is_id_name(name)))).collect()),
    }
}

/// A number literal, or its text when a JS number cannot hold it: an integer beyond
/// 2^53 - 1, or a literal `JSON.parse` could turn into `Infinity` or 0 (so `1e400` comes back
/// as "1e400", as ids do).
fn number(text: &str) -> Out {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let integer = digits.bytes().all(|b| b.is_ascii_digit());
    let unsafe_integer = integer && (digits.len() > 16 || (digits.len() == 16 && digits > "9007199254740991"));
    if unsafe_integer || !integer && !within_double_range(digits) {
        Json::String(text.to_owned())
    } else {
        Json::Number(text.to_owned())
    }
}

/// Whether a JSON number literal without its sign (grammar already checked) is below 1e308
/// and, unless 0, not below 1e-300 or so: a finite double that keeps its scale. Counted from
/// the digits before the point and the exponent, both bounded first.
fn within_double_range(literal: &str) -> bool {
    let (mantissa, exponent) = literal.split_once(['e', 'E']).unwrap_or((literal, ""));
    let exponent = exponent.trim_start_matches('+');
    let exponent_digits = exponent.trim_start_matches('-').trim_start_matches('0');
    let whole_digits = mantissa.split('.').next().unwrap_or("").trim_start_matches('0').len();
    if exponent_digits.len() > 3 || whole_digits > 400 {
        return false;
    }
    let size = exponent_digits.bytes().fold(0i32, |n, digit| n * 10 + i32::from(digit.wrapping_sub(b'0')));
    // The value is below 10^scale.
    let scale = whole_digits as i32 + if exponent.starts_with('-') { -size } else { size };
    (-300..=307).contains(&scale)
}

/// Whether a field named so holds an id (the same rule the table generator uses).
pub fn is_id_name(name: &str) -> bool {
    name.ends_with("Id") || name.ends_with("ID") || matches!(name, "Tid" | "DagVersion" | "NodeFrom" | "NodeEnd")
}

/// `DagInstanceId` -> `dagInstanceId`, `DAGInstanceList` -> `dagInstanceList`, `ID` -> `id`:
/// a leading acronym is lower-cased up to the capital that starts the next word.
pub fn camel_case(name: &str) -> String {
    let keep = lowered_prefix(name);
    let mut out = String::with_capacity(name.len());
    for (index, c) in name.char_indices() {
        out.push(if index < keep { c.to_ascii_lowercase() } else { c });
    }
    out
}

/// Whether `camel` is `camel_case(name)`, without building it.
pub fn is_camel_case_of(camel: &str, name: &str) -> bool {
    let keep = lowered_prefix(name);
    camel.len() == name.len()
        && camel.bytes().zip(name.bytes()).enumerate().all(|(index, (c, n))| c == if index < keep { n.to_ascii_lowercase() } else { n })
}

/// How many leading bytes of `name` `camel_case` lower-cases.
fn lowered_prefix(name: &str) -> usize {
    let bytes = name.as_bytes();
    let run = bytes.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if run > 1 && bytes.get(run).is_some_and(u8::is_ascii_lowercase) {
        run - 1
    } else {
        run.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_a_double_cannot_hold_stay_text() {
        for kept in ["0", "-0", "0.0", "1.5", "-2", "1e99", "1e100", "1.5e300", "9.99e-99", "123.456e2", "9007199254740991", "0.000001", "1E+05"] {
            assert_eq!(number(kept), Json::Number(kept.into()), "{kept}");
        }
        let long_whole = format!("{}.5", "9".repeat(310));
        for text in ["1e400", "-1e400", "1e308", "1.8e308", "1e-308", "1e99999999999999999999", "9007199254740993", "1E+400", long_whole.as_str()] {
            assert_eq!(number(text), Json::String(text.into()), "{text}");
        }
    }
    use crate::response::json::parse;
    use crate::operations::by_action;

    fn text(s: &str) -> Out {
        Json::String(s.into())
    }

    fn result(action: &str, body: &str) -> Out {
        map_result(by_action(action).map(|op| op.response()), &parse(body).unwrap())
    }

    #[test]
    fn camel_case_names() {
        for (wire, js) in [
            ("DagInstanceId", "dagInstanceId"),
            ("DAGInstanceList", "dagInstanceList"),
            ("DAGInstance", "dagInstance"),
            ("RequestId", "requestId"),
            ("ID", "id"),
            ("Id", "id"),
            ("already", "already"),
            ("X", "x"),
            ("", ""),
            ("RawDAGList", "rawDAGList"),
        ] {
            assert_eq!(camel_case(wire), js, "{wire}");
            assert!(is_camel_case_of(js, wire), "{wire}");
            assert!(!is_camel_case_of(wire, wire) || wire == js || wire.is_empty(), "{wire}");
        }
    }

    #[test]
    fn stop_result_is_request_id_and_success() {
        let out = result("StopTaskFlowInstance", r#"{"RequestId":"R1","Success":true,"ErrorCode":"UnknownError","ErrorMessage":"UnknownError"}"#);
        assert_eq!(out, Json::Object(vec![("requestId".into(), text("R1")), ("success".into(), Json::Bool(true))]));
    }

    #[test]
    fn instance_list_is_unwrapped_with_exact_ids() {
        let out = result(
            "ListTaskFlowInstance",
            r#"{"RequestId":"R","Success":true,"TotalCount":2,"DAGInstanceList":{"DAGInstance":[
                {"Id":9007199254740993,"DagId":"9007199254740995","Status":2,"DagVersion":"7"},
                {"Id":5001,"DagId":"1001","Status":1,"Extra":12345678901234567890}]}}"#,
        );
        let Json::Object(fields) = out else { panic!() };
        assert_eq!(fields[2], ("totalCount".into(), Json::Number("2".into())));
        let Json::Array(items) = &fields[3].1 else { panic!("{:?}", fields[3]) };
        assert_eq!(fields[3].0, "dagInstanceList");
        assert_eq!(
            items[0],
            Json::Object(vec![
                ("id".into(), text("9007199254740993")),
                ("dagId".into(), text("9007199254740995")),
                ("status".into(), Json::Number("2".into())),
                ("dagVersion".into(), text("7")),
            ])
        );
        let Json::Object(second) = &items[1] else { panic!() };
        assert_eq!(second[3], ("extra".into(), text("12345678901234567890")));
    }

    #[test]
    fn wrapped_number_lists_and_missing_wrappers() {
        let out = result("AddTaskFlowEdges", r#"{"RequestId":"R","Success":true,"EdgeIds":{"EdgeId":[9223372036854775807,1]}}"#);
        assert_eq!(
            out,
            Json::Object(vec![
                ("requestId".into(), text("R")),
                ("success".into(), Json::Bool(true)),
                ("edgeIds".into(), Json::Array(vec![text("9223372036854775807"), text("1")])),
            ])
        );
        let out = result("AddTaskFlowEdges", r#"{"RequestId":"R","Success":true,"EdgeIds":{}}"#);
        let Json::Object(fields) = out else { panic!() };
        assert_eq!(fields[2].1, Json::Array(vec![]));
    }

    #[test]
    fn unknown_actions_map_generically() {
        let out = map_result(None, &parse(r#"{"RequestId":"R","Success":true,"UserId":12,"Count":9007199254740993,"Nested":{"DBName":"x"}}"#).unwrap());
        assert_eq!(
            out,
            Json::Object(vec![
                ("requestId".into(), text("R")),
                ("success".into(), Json::Bool(true)),
                ("userId".into(), text("12")),
                ("count".into(), text("9007199254740993")),
                ("nested".into(), Json::Object(vec![("dbName".into(), text("x"))])),
            ])
        );
    }

    #[test]
    fn numbers_at_the_safe_edge() {
        assert_eq!(number("9007199254740991"), Json::Number("9007199254740991".into()));
        assert_eq!(number("9007199254740992"), text("9007199254740992"));
        assert_eq!(number("-9007199254740993"), text("-9007199254740993"));
        assert_eq!(number("1.5e300"), Json::Number("1.5e300".into()));
    }
}
