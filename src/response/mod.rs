//! Turns an HTTP status and body into a result: the success body, or a `DmsError` carrying
//! what the server said (redacted) and whether a retry may help.

pub mod json;
pub mod results;

use crate::redact::Secrets;
use crate::error::{codes, concat, is_retryable, DmsError};
use json::Json;

/// Longest server message kept in an error; server messages can be several MB of HTML.
const MAX_MESSAGE_CHARS: usize = 500;
/// Length of the body excerpt in an `InvalidResponse` message.
const EXCERPT_CHARS: usize = 120;

/// A successful answer: its request id and the whole parsed body.
#[derive(Debug, Clone, PartialEq)]
pub struct Success {
    pub request_id: String,
    pub body: Json,
}

/// Classifies a response. `secrets` (access key id, secret, token) must not appear in any
/// field of an error or in the request id, whatever the server echoes.
pub fn parse(status: u16, body: &str, secrets: &Secrets) -> Result<Success, DmsError> {
    parse_unredacted(status, body, secrets)
        .map(|success| Success { request_id: secrets.redact_bounded(&success.request_id, crate::redact::MAX_FIELD_CHARS), ..success })
        .map_err(|mut error| {
            secrets.redact_error(&mut error);
            error
        })
}

fn parse_unredacted(status: u16, body: &str, sensitive: &Secrets) -> Result<Success, DmsError> {
    let parsed = match json::parse(body) {
        Ok(value @ Json::Object(_)) => value,
        _ => return Err(invalid_response(status, "the body is not a JSON object", body, sensitive)),
    };
    let text_field = |name: &str| parsed.get(name).and_then(Json::text).map(str::to_owned);
    let request_id = text_field("RequestId");
    let ok_status = (200..300).contains(&status);

    if ok_status {
        match parsed.get("Success").and_then(Json::as_bool) {
            Some(true) => {
                return match request_id {
                    Some(request_id) => Ok(Success { request_id, body: parsed }),
                    // Every DMS answer has one; without it this is not DMS answering.
                    None => Err(invalid_response(status, "the body has no RequestId", body, sensitive)),
                };
            }
            Some(false) => {
                // A business failure: HTTP 200, `Success: false`. Never retried.
                let code = text_field("ErrorCode").filter(|c| !c.is_empty()).unwrap_or_else(|| "UnknownError".into());
                let message = text_field("ErrorMessage").filter(|m| !m.is_empty()).unwrap_or_else(|| concat(&["the operation failed with ", &code]));
                return Err(DmsError {
                    message: clean_message(&code, &message, sensitive),
                    code,
                    status: Some(status),
                    request_id,
                    host_id: None,
                    recommend: None,
                    retryable: false,
                });
            }
            None if parsed.get("Code").is_none() => {
                return Err(invalid_response(status, "the body has no boolean Success field", body, sensitive));
            }
            None => {} // a gateway-shaped error with a 2xx status: handled below
        }
    }

    // Gateway errors use Code/Message; a business-shaped body (ErrorCode/ErrorMessage) can
    // also come with an error status.
    let code = text_field("Code").filter(|c| !c.is_empty());
    let (code, message_field) = match code {
        Some(code) => (Some(code), "Message"),
        None => (text_field("ErrorCode").filter(|c| !c.is_empty()), "ErrorMessage"),
    };
    match code {
        Some(code) => {
            let message = text_field(message_field).unwrap_or_default();
            Err(DmsError {
                message: clean_message(&code, &message, sensitive),
                retryable: is_retryable(&code, status),
                code,
                status: Some(status),
                request_id,
                host_id: text_field("HostId"),
                recommend: text_field("Recommend"),
            })
        }
        None => Err(invalid_response(status, "the error body has no Code or ErrorCode field", body, sensitive)),
    }
}

/// The error for a body that is not the JSON DMS sends (a proxy's HTML page, a truncated or
/// empty body). Retryable when the status is a transient gateway failure.
pub fn invalid_response(status: u16, why: &str, body: &str, sensitive: &Secrets) -> DmsError {
    let mut message = concat(&["unexpected response (HTTP ", &status.to_string(), "): ", why]);
    let excerpt = safe_excerpt(body, sensitive);
    if excerpt.is_empty() {
        message.push_str("; the body is empty");
    } else {
        message.push_str("; it begins: ");
        message.push_str(&excerpt);
    }
    DmsError {
        code: codes::INVALID_RESPONSE.into(),
        message,
        status: Some(status),
        request_id: None,
        host_id: None,
        recommend: None,
        retryable: matches!(status, 500 | 502 | 503 | 504),
    }
}

/// A server message made safe to show: the echoed string-to-sign cut off, sensitive strings
/// replaced, length bounded.
fn clean_message(code: &str, message: &str, sensitive: &Secrets) -> String {
    const ECHO_MARKER: &str = "string to sign is:";
    let mut kept = message;
    // The gateway echoes its string-to-sign (AccessKeyId and every parameter) after this
    // marker; nothing after it is needed to understand the error.
    let redacted_echo = match crate::text::find_ignore_ascii_case(message, ECHO_MARKER) {
        Some(at) => {
            kept = message.get(..at + ECHO_MARKER.len()).unwrap_or("");
            true
        }
        None => false,
    };
    let mut out = sensitive.redact_bounded(kept, MAX_MESSAGE_CHARS);
    if redacted_echo {
        out.push_str(" [redacted]");
    } else if code == "SignatureDoesNotMatch" && out.is_empty() {
        out.push_str("the signature does not match");
    }
    out
}

/// The first characters of a body, whitespace collapsed and control characters dropped,
/// with sensitive strings replaced.
fn safe_excerpt(body: &str, sensitive: &Secrets) -> String {
    let mut collapsed = String::with_capacity(EXCERPT_CHARS + 8);
    let mut count = 0;
    let mut last_space = true;
    let mut truncated = false;
    // Redacted on a window larger than the excerpt (whitespace collapses), by as much as
    // the longest secret, so a secret cut at the edge still matches.
    let window = body.char_indices().nth(EXCERPT_CHARS * 4 + sensitive.longest()).map_or(body, |(at, _)| body.get(..at).unwrap_or(""));
    for c in sensitive.redact(window).chars() {
        if count == EXCERPT_CHARS {
            truncated = true;
            break;
        }
        if c.is_whitespace() || c.is_control() {
            if !last_space {
                collapsed.push(' ');
                count += 1;
            }
            last_space = true;
        } else {
            collapsed.push(c);
            count += 1;
            last_space = false;
        }
    }
    // Whitespace is collapsed to single spaces, so at most one can end the excerpt.
    if collapsed.ends_with(' ') {
        collapsed.pop();
    }
    let mut out = collapsed;
    if truncated || window.len() < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Secrets {
        Secrets::new("LTAI5tSecretKeyId", &["sup3r/s3cret+value"])
    }

    #[test]
    fn success_true_resolves_even_with_an_error_code() {
        let ok = parse(200, r#"{"RequestId":"R1","Success":true,"ErrorCode":"UnknownError","ErrorMessage":""}"#, &keys()).unwrap();
        assert_eq!(ok.request_id, "R1");
    }

    #[test]
    fn business_failure_is_an_error() {
        let err = parse(200, r#"{"RequestId":"R2","Success":false,"ErrorCode":"InvalidStatus","ErrorMessage":"instance is running"}"#, &keys()).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str(), err.status, err.request_id.as_deref(), err.retryable),
            ("InvalidStatus", "instance is running", Some(200), Some("R2"), false)
        );
        let err = parse(200, r#"{"RequestId":"R2","Success":false}"#, &keys()).unwrap_err();
        assert_eq!((err.code.as_str(), err.message.as_str()), ("UnknownError", "the operation failed with UnknownError"));
    }

    #[test]
    fn gateway_failure_carries_its_fields() {
        let body = r#"{"RequestId":"R3","HostId":"dms-enterprise.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control.","Recommend":"https://api.aliyun.com/troubleshoot?q=Throttling.User"}"#;
        let err = parse(400, body, &keys()).unwrap_err();
        assert_eq!(err.code, "Throttling.User");
        assert_eq!(err.message, "Request was denied due to user flow control.");
        assert_eq!(err.status, Some(400));
        assert_eq!(err.request_id.as_deref(), Some("R3"));
        assert_eq!(err.host_id.as_deref(), Some("dms-enterprise.aliyuncs.com"));
        assert_eq!(err.recommend.as_deref(), Some("https://api.aliyun.com/troubleshoot?q=Throttling.User"));
        assert!(err.retryable);
        let err = parse(404, r#"{"RequestId":"R4","Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found."}"#, &keys()).unwrap_err();
        assert!(!err.retryable);
        assert!(parse(503, r#"{"Code":"ServiceUnavailable","Message":""}"#, &keys()).unwrap_err().retryable);
        assert!(parse(500, r#"{"Code":"Whatever","Message":""}"#, &keys()).unwrap_err().retryable);
    }

    #[test]
    fn echoed_string_to_sign_is_redacted() {
        let body = r#"{"RequestId":"R5","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAI5tSecretKeyId%26Action%3DStopTaskFlowInstance"}"#;
        let err = parse(400, body, &keys()).unwrap_err();
        assert_eq!(err.message, "Specified signature is not matched with our calculation. server string to sign is: [redacted]");
        assert!(!err.message.contains("LTAI5t"));
    }

    #[test]
    fn sensitive_strings_never_pass_in_any_form() {
        let body = r#"{"Code":"Forbidden.RAM","Message":"key LTAI5tSecretKeyId may not; secret sup3r%2Fs3cret%2Bvalue or sup3r/s3cret+value"}"#;
        let err = parse(403, body, &keys()).unwrap_err();
        assert_eq!(err.message, "key [redacted] may not; secret [redacted] or [redacted]");
        let err = parse(502, "<html>proxy error for LTAI5tSecretKeyId</html>", &keys()).unwrap_err();
        assert!(!err.message.contains("LTAI5t"), "{}", err.message);
    }

    #[test]
    fn bodies_that_are_not_dms_json() {
        let err = parse(502, "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>", &keys()).unwrap_err();
        assert_eq!(err.code, "InvalidResponse");
        assert_eq!(err.status, Some(502));
        assert!(err.retryable);
        assert_eq!(
            err.message,
            "unexpected response (HTTP 502): the body is not a JSON object; it begins: <html> <head><title>502 Bad Gateway</title></head> <body>nginx</body></html>"
        );
        let err = parse(200, "", &keys()).unwrap_err();
        assert_eq!(err.message, "unexpected response (HTTP 200): the body is not a JSON object; the body is empty");
        assert!(!err.retryable);
        let err = parse(200, r#"{"RequestId":"R6","Succ"#, &keys()).unwrap_err();
        assert_eq!(err.code, "InvalidResponse");
        let err = parse(200, r#"{"RequestId":"R7"}"#, &keys()).unwrap_err();
        assert!(err.message.contains("no boolean Success field"));
        let err = parse(200, r#"[1,2]"#, &keys()).unwrap_err();
        assert_eq!(err.code, "InvalidResponse");
        let err = parse(400, r#"{"Message":"no code"}"#, &keys()).unwrap_err();
        assert!(err.message.contains("no Code or ErrorCode field"));
        let err = parse(200, r#"{"Success":true}"#, &keys()).unwrap_err();
        assert_eq!(err.message, "unexpected response (HTTP 200): the body has no RequestId; it begins: {\"Success\":true}");
    }

    #[test]
    fn business_shaped_body_with_an_error_status() {
        let err = parse(400, r#"{"RequestId":"R9","Success":false,"ErrorCode":"InvalidParameter","ErrorMessage":"bad DagId"}"#, &keys()).unwrap_err();
        assert_eq!((err.code.as_str(), err.message.as_str(), err.status, err.request_id.as_deref()), ("InvalidParameter", "bad DagId", Some(400), Some("R9")));
        assert!(!err.retryable);
    }

    #[test]
    fn huge_bodies_give_bounded_messages() {
        let html = "<p>".repeat(3_000_000);
        let err = parse(500, &html, &keys()).unwrap_err();
        assert!(err.message.chars().count() < 250, "{}", err.message.len());
        assert!(err.message.ends_with('…'));
        let long_message = concat(&[r#"{"Code":"InternalError","Message":""#, &"x".repeat(100_000), r#""}"#]);
        let err = parse(500, &long_message, &keys()).unwrap_err();
        assert_eq!(err.message.chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn ids_keep_their_digits() {
        let ok = parse(200, r#"{"RequestId":"R8","Success":true,"DagInstanceId":9007199254740993}"#, &keys()).unwrap();
        assert_eq!(ok.body.get("DagInstanceId").and_then(Json::text), Some("9007199254740993"));
    }
}
