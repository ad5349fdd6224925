//! What `signRequest` does once its arguments are read: checks the action, the parameters
//! and the signing options (`timestamp`, `nonce`, `method`), then signs with the options'
//! static credentials. Pure: the clock and the nonce source are passed in, so `cargo test`
//! checks the very path the binding runs.

use std::borrow::Cow;

use crate::error::{concat, DmsError};
use crate::operations::{by_action, Operation};
use crate::request::params::{excerpt, validate, Entry, Naming, Value};
use crate::request::{ClientConfig, CredentialSource, SignedRequest};
use crate::timestamp;

/// Validates `params` for `op`, reads the signing options (`timestamp`, `nonce`, `method`),
/// then signs. `now` and `nonce` are called only when the options do not give them.
pub fn sign_request(
    config: &ClientConfig,
    op: &Operation,
    params: &[Entry],
    signing: Vec<Entry>,
    now: impl FnOnce() -> Result<String, DmsError>,
    new_nonce: impl FnOnce() -> Result<String, DmsError>,
) -> Result<SignedRequest, DmsError> {
    let wire = validate(op, params, Naming::Wire)?;
    let (mut timestamp, mut nonce, mut method) = (None, None, "POST");
    for (key, value) in signing {
        match (key.as_ref(), value) {
            (_, Value::Undefined) => {}
            ("method", Value::String(text)) if text == "POST" || text == "GET" => method = if text == "GET" { "GET" } else { "POST" },
            ("method", _) => return Err(DmsError::invalid("method must be \"POST\" or \"GET\" (a presigned URL)".into())),
            ("timestamp", Value::String(text)) if timestamp::is_valid(&text) => timestamp = Some(text),
            ("timestamp", _) => return Err(DmsError::invalid("timestamp must be a UTC time written YYYY-MM-DDThh:mm:ssZ".into())),
            ("nonce", Value::String(text)) if valid_nonce(&text) => nonce = Some(text),
            ("nonce", _) => return Err(DmsError::invalid("nonce must be a string of 1 to 128 visible ASCII characters".into())),
            _ => return Err(DmsError::invalid(concat(&["unknown signing option '", &excerpt(&key), "'; allowed: timestamp, nonce, method"]))),
        }
    }
    let credentials = match config.credential_source()? {
        CredentialSource::Static(credentials) => credentials,
        CredentialSource::Provider => {
            return Err(DmsError::invalid("signRequest is synchronous: pass accessKeyId and accessKeySecret, not a credentials function".into()))
        }
    };
    let timestamp = match timestamp {
        Some(timestamp) => timestamp,
        None => Cow::Owned(now()?),
    };
    let nonce = match nonce {
        Some(nonce) => nonce,
        None => Cow::Owned(new_nonce()?),
    };
    Ok(config.sign_as(credentials, op.action(), &wire, &timestamp, &nonce, method))
}

fn valid_nonce(nonce: &str) -> bool {
    (1..=128).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_graphic())
}

/// The table's operation named `name`, or an error quoting what was given (`describe`).
pub fn table_action(name: Option<&str>, describe: impl FnOnce() -> String) -> Result<&'static Operation, DmsError> {
    name.and_then(by_action)
        .ok_or_else(|| DmsError::invalid(concat(&["action must be a task-flow action such as StopTaskFlowInstance; got ", &describe()])))
}

/// An action name as an error message quotes it.
pub fn describe_action_name(name: &str) -> String {
    if name.is_empty() {
        "an empty string".into()
    } else {
        concat(&["\"", &excerpt(name), "\""])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_BODY: &str = "AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&Format=JSON&SignatureMethod=HMAC-SHA1\
        &SignatureNonce=3156853299f313e23d1673dc12e1703d&SignatureVersion=1.0&Tid=3&Timestamp=2023-10-26T10%3A22%3A32Z\
        &Version=2018-11-01&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D";

    fn text<'a>(key: &'a str, value: &'a str) -> Entry<'a> {
        (Cow::Borrowed(key), Value::String(Cow::Borrowed(value)))
    }

    fn config() -> ClientConfig {
        ClientConfig::from_options(&[text("accessKeyId", "testid"), text("accessKeySecret", "testsecret")], false).unwrap()
    }

    fn params() -> Vec<Entry<'static>> {
        vec![text("DagId", "7"), text("DagInstanceId", "47"), (Cow::Borrowed("Tid"), Value::Number(3.0))]
    }

    fn op(action: &str) -> &'static Operation {
        table_action(Some(action), || describe_action_name(action)).unwrap()
    }

    fn unused_clock() -> Result<String, DmsError> {
        panic!("the clock must not be read when a timestamp is given")
    }

    fn unused_nonce() -> Result<String, DmsError> {
        panic!("no nonce must be drawn when one is given")
    }

    #[test]
    fn signs_the_published_vector() {
        let signing = vec![text("timestamp", "2023-10-26T10:22:32Z"), text("nonce", "3156853299f313e23d1673dc12e1703d")];
        let request = sign_request(&config(), op("StopTaskFlowInstance"), &params(), signing, unused_clock, unused_nonce).unwrap();
        assert_eq!(request.body, VECTOR_BODY);
    }

    #[test]
    fn clock_and_nonce_source_are_used_when_not_given() {
        let request = sign_request(&config(), op("StopTaskFlowInstance"), &params(), vec![], || Ok("2024-02-29T23:59:59Z".into()), || Ok("abc".into())).unwrap();
        assert!(request.body.contains("&SignatureNonce=abc&"), "{}", request.body);
        assert!(request.body.contains("&Timestamp=2024-02-29T23%3A59%3A59Z&"), "{}", request.body);
        let failed = sign_request(&config(), op("StopTaskFlowInstance"), &params(), vec![], || Ok("2024-02-29T23:59:59Z".into()), || Err(DmsError::invalid("no randomness".into())));
        assert_eq!(failed.unwrap_err().message, "no randomness");
    }

    #[test]
    fn bad_signing_options_and_actions_are_refused() {
        let error = sign_request(&config(), op("StopTaskFlowInstance"), &params(), vec![text("method", "PUT")], unused_clock, unused_nonce).unwrap_err();
        assert_eq!(error.message, "method must be \"POST\" or \"GET\" (a presigned URL)");
        let error = table_action(Some("StopTaskFlow"), || describe_action_name("StopTaskFlow")).unwrap_err();
        assert_eq!(error.message, "action must be a task-flow action such as StopTaskFlowInstance; got \"StopTaskFlow\"");
    }
}
