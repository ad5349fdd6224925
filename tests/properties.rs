//! Property tests: the percent-encoder and the response parser never panic, whatever the
//! input, and the encoder round-trips. A panic in the wasm build would be a trap that
//! poisons the module for every later call.
//!
//!   cargo test --test properties                          (CI: 2,000 cases per property)
//!   PROPTEST_CASES=10000000 cargo test --release --test properties   (the long run)

// proptest is a native dev-dependency; the wasm test run (wasm-bindgen-test) skips this file.
#![cfg(not(target_arch = "wasm32"))]

use dms_taskflow::signing::encode::percent_encode;
use dms_taskflow::response::json;
use dms_taskflow::redact::Secrets;
use dms_taskflow::response;
use dms_taskflow::signing::v1::canonical_and_string_to_sign;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text biased toward what a DMS answer or a hostile body contains.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,0-9eE+.\\-tfnrulsa\\\\ ]{0,80}",
        "\\{\"(RequestId|Success|Code|Message|ErrorCode|ErrorMessage|HostId)\":(true|false|null|\"[^\"]{0,20}\"|-?[0-9]{1,25}(\\.[0-9]+)?)(,\"[A-Za-z]{1,10}\":[^,}]{0,10}){0,4}\\}",
        "(\\\\u[0-9a-fA-F]{4}|\\\\[\"\\\\/bfnrtx]|[\\u{0}-\\u{7f}]){0,40}",
    ]
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn encoder_output_is_unreserved_or_escaped_and_round_trips(input in any::<String>()) {
        let encoded = percent_encode(&input);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%0123456789ABCDEF".contains(&b)));
        prop_assert_eq!(percent_decode(&encoded), input.as_bytes());
    }

    /// The one-pass canonical query and string to sign are what encoding each part, joining,
    /// then encoding the whole query again (the definition) gives.
    #[test]
    fn canonical_and_string_to_sign_follow_the_definition(
        pairs in proptest::collection::btree_map("[A-Za-z][A-Za-z0-9._]{0,12}", any::<String>(), 0..12),
        get in any::<bool>(),
    ) {
        let method = if get { "GET" } else { "POST" };
        let mut params: Vec<(&str, &str)> = pairs.iter().rev().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (query, string_to_sign) = canonical_and_string_to_sign(method, &mut params);
        let expected: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect();
        let expected = expected.join("&");
        prop_assert_eq!(&query, &expected);
        prop_assert_eq!(string_to_sign, format!("{method}&%2F&{}", percent_encode(&expected)));
    }

    #[test]
    fn json_parser_never_panics(text in body()) {
        let _ = json::parse(&text);
    }

    #[test]
    fn response_classifier_never_panics_nor_leaks(
        status in 0u16..1000,
        text in body(),
        secret in "[a-zA-Z0-9+/]{12,40}",
        echo in 0usize..9,
        padding in 0usize..700,
    ) {
        // Bodies that echo the secret, in any field and any encoding, as a misbehaving
        // gateway or proxy might; sometimes after a long prefix, where a cut could fall.
        let once = percent_encode(&secret);
        let twice = percent_encode(&once).to_ascii_lowercase();
        let pad = "p".repeat(padding);
        let text = match echo {
            0 => text,
            1 => format!("<html>{pad}{text}{secret}</html>"),
            2 => format!(r#"{{"Code":"Forbidden.RAM","Message":"{text} {pad}{secret}"}}"#),
            3 => format!(r#"{{"RequestId":"R","Success":false,"ErrorCode":"X","ErrorMessage":"{pad}{once}"}}"#),
            4 => format!(r#"{{"RequestId":"{secret}","Code":"{twice}","HostId":"{once}","Recommend":"{pad}{secret}","Message":"m"}}"#),
            5 => format!(r#"{{"RequestId":"{twice}","Success":true}}"#),
            6 => format!("{pad}{}", secret.to_ascii_uppercase()),
            7 => format!(r#"{{"Code":"{pad}{secret}","Message":"{}"}}"#, secret.replace('/', "\\/")),
            _ => format!("{pad}{}", secret.replace('/', "\\/")),
        };
        let secrets = Secrets::new("", &[secret.as_str()]);
        let leaks = |field: &str| {
            let lowered = field.to_ascii_lowercase();
            [secret.clone(), once.clone(), twice.clone(), secret.replace('/', "\\/")].iter().any(|form| lowered.contains(&form.to_ascii_lowercase()))
        };
        match response::parse(status, &text, &secrets) {
            Ok(success) => {
                prop_assert!((200..300).contains(&status) && !success.request_id.is_empty());
                prop_assert!(!leaks(&success.request_id), "{}", success.request_id);
            }
            Err(error) => {
                prop_assert!(!error.code.is_empty());
                prop_assert!(error.message.chars().count() <= 700);
                for field in [Some(&error.message), Some(&error.code), error.request_id.as_ref(), error.host_id.as_ref(), error.recommend.as_ref()].into_iter().flatten() {
                    prop_assert!(!leaks(field), "{}", field);
                }
            }
        }
    }
}
