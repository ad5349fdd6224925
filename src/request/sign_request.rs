//! What `signRequest` does once its arguments are read, whichever way they crossed into
//! wasm: checks the action, the parameters and the signing options, then signs with the
//! options' static credentials. `sign_packed` is the whole packed path (`src/packed.rs`):
//! it reads the one text, reuses the last call's configuration and operation, and signs.
//!
//! Pure: the clock and the nonce source are passed in. So `cargo test` checks the very
//! path the wasm runs, and `cargo bench --bench sign` times it natively, which is how
//! bench/README.md splits `signRequest`'s time into the crossing and the work.

use crate::prelude::*;
use alloc::rc::Rc;

use crate::error::{concat, DmsError};
use crate::operations::{by_action, Operation};
use crate::params::{describe_kind, excerpt, validate, Entry, Naming, Value};
use crate::request::{ClientConfig, CredentialSource, SignedRequest, FUNCTION_OPTIONS};
use crate::timestamp;

/// Validates `params` for `op`, reads the signing options (`timestamp`, `nonce`, `method`),
/// then signs. `now` and `nonce` are called only when the options do not give them.
pub fn sign_request(
    config: &ClientConfig,
    op: &Operation,
    params: &[Entry],
    signing: Vec<Entry>,
    now: impl FnOnce() -> String,
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
    let timestamp = timestamp.unwrap_or_else(|| Cow::Owned(now()));
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

/// Packed arguments the JS packer cannot have made (not UTF-8, or not in its format).
pub fn unreadable_packed() -> DmsError {
    DmsError::invalid("signRequest: unreadable packed arguments".into())
}

/// What the packed path keeps from one call to the next. Callers sign many requests with
/// the same options and action: checking the options again (endpoint, region, credentials)
/// was a tenth of the call, and the table's binary search a few percent (A/B at opt-level
/// z: 11.32 -> 11.03 µs). Only a configuration that passed its checks is kept.
#[derive(Default)]
pub struct LastCall {
    /// The packed options' text, and the configuration made from it.
    config: Option<(String, Rc<ClientConfig>)>,
    operation: Option<&'static Operation>,
}

impl LastCall {
    pub const fn new() -> LastCall {
        LastCall { config: None, operation: None }
    }

    fn config(&mut self, options_text: &str, options: &[Entry]) -> Result<Rc<ClientConfig>, DmsError> {
        if let Some((text, config)) = &self.config {
            if text == options_text {
                return Ok(config.clone());
            }
        }
        let config = Rc::new(ClientConfig::from_options(options, false)?);
        self.config = Some((options_text.into(), config.clone()));
        Ok(config)
    }

    fn operation(&mut self, action: &str) -> Result<&'static Operation, DmsError> {
        if let Some(op) = self.operation.filter(|op| op.action() == action) {
            return Ok(op);
        }
        let op = table_action(Some(action), || describe_action_name(action))?;
        self.operation = Some(op);
        Ok(op)
    }
}

/// `signRequest` with its arguments packed into one text by js/packed.mjs (`src/packed.rs`).
pub fn sign_packed(
    packed: &str,
    last: &mut LastCall,
    now: impl FnOnce() -> String,
    new_nonce: impl FnOnce() -> Result<String, DmsError>,
) -> Result<SignedRequest, DmsError> {
    let call = crate::packed::unpack(packed).ok_or_else(unreadable_packed)?;
    // Packed values are never functions: a function option given is a wrong type, worded
    // as the binding's general path words it.
    if let Some((key, value)) = call.options.iter().find(|(key, value)| FUNCTION_OPTIONS.contains(&key.as_ref()) && *value != Value::Undefined) {
        return Err(DmsError::invalid(concat(&[key, " must be a function; got ", &describe_kind(value)])));
    }
    let config = last.config(call.options_text, &call.options)?;
    let op = last.operation(call.action)?;
    sign_request(&config, op, &call.params, call.signing, now, new_nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_BODY: &str = "AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&Format=JSON&SignatureMethod=HMAC-SHA1\
        &SignatureNonce=3156853299f313e23d1673dc12e1703d&SignatureVersion=1.0&Tid=3&Timestamp=2023-10-26T10%3A22%3A32Z\
        &Version=2018-11-01&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D";

    fn packed(options: &str, action: &str) -> String {
        [
            action,
            options,
            "\x003\0DagId\0s7\0DagInstanceId\0s47\0Tid\0n3",
            "\x002\0timestamp\0s2023-10-26T10:22:32Z\0nonce\0s3156853299f313e23d1673dc12e1703d",
        ]
        .concat()
    }

    const OPTIONS: &str = "\x002\0accessKeyId\0stestid\0accessKeySecret\0stestsecret";

    fn unused_clock() -> String {
        panic!("the clock must not be read when a timestamp is given")
    }

    fn unused_nonce() -> Result<String, DmsError> {
        panic!("no nonce must be drawn when one is given")
    }

    #[test]
    fn packed_call_signs_the_published_vector() {
        let mut last = LastCall::new();
        let request = sign_packed(&packed(OPTIONS, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap();
        assert_eq!(request.body, VECTOR_BODY);
        // Again, from the kept configuration and operation: the same bytes.
        let again = sign_packed(&packed(OPTIONS, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap();
        assert_eq!(again.body, VECTOR_BODY);
    }

    #[test]
    fn kept_configuration_is_only_reused_for_the_same_options() {
        let mut last = LastCall::new();
        sign_packed(&packed(OPTIONS, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap();
        let other = "\x002\0accessKeyId\0sother\0accessKeySecret\0stestsecret";
        let request = sign_packed(&packed(other, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap();
        assert!(request.body.starts_with("AccessKeyId=other&"), "{}", request.body);
        // Options that fail their checks are not kept: the next good call is not affected.
        let bad = "\x001\0regionId\0n5";
        let error = sign_packed(&packed(bad, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap_err();
        assert!(error.message.contains("regionId"), "{}", error.message);
        assert_eq!(sign_packed(&packed(OPTIONS, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap().body, VECTOR_BODY);
    }

    #[test]
    fn kept_operation_is_only_reused_for_the_same_action() {
        let mut last = LastCall::new();
        sign_packed(&packed(OPTIONS, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap();
        let request = sign_packed(&packed(OPTIONS, "SuspendTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap();
        assert!(request.body.contains("&Action=SuspendTaskFlowInstance&"), "{}", request.body);
        let error = sign_packed(&packed(OPTIONS, "StopTaskFlow"), &mut last, unused_clock, unused_nonce).unwrap_err();
        assert_eq!(error.message, "action must be a task-flow action such as StopTaskFlowInstance; got \"StopTaskFlow\"");
    }

    #[test]
    fn clock_and_nonce_source_are_used_when_not_given() {
        let mut last = LastCall::new();
        // The same call with no signing options: its last part counts 0 entries.
        let given = packed(OPTIONS, "StopTaskFlowInstance");
        let text = [&given[..given.rfind("\x002\0timestamp").unwrap()], "\x000"].concat();
        let request = sign_packed(&text, &mut last, || "2024-02-29T23:59:59Z".into(), || Ok("abc".into())).unwrap();
        assert!(request.body.contains("&SignatureNonce=abc&"), "{}", request.body);
        assert!(request.body.contains("&Timestamp=2024-02-29T23%3A59%3A59Z&"), "{}", request.body);
        let failed = sign_packed(&text, &mut last, || "2024-02-29T23:59:59Z".into(), || Err(DmsError::invalid("no randomness".into())));
        assert_eq!(failed.unwrap_err().message, "no randomness");
    }

    #[test]
    fn function_options_and_unreadable_text_are_refused() {
        let mut last = LastCall::new();
        let with_fetch = "\x001\0fetch\0sx";
        let error = sign_packed(&packed(with_fetch, "StopTaskFlowInstance"), &mut last, unused_clock, unused_nonce).unwrap_err();
        assert_eq!(error.message, "fetch must be a function; got a string");
        let error = sign_packed("StopTaskFlowInstance\x001", &mut last, unused_clock, unused_nonce).unwrap_err();
        assert_eq!(error.message, "signRequest: unreadable packed arguments");
    }
}
