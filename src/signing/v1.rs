//! The RPC signature (SignatureVersion 1.0, HMAC-SHA1), as pure functions of their inputs.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::encode::percent_encode_into;

/// An HMAC-SHA1 keyed once with a secret and cloned for each message: a client signs every
/// call with the same secret, and keying hashes it into the inner and outer states.
pub type RpcKey = Hmac<Sha1>;

/// A V1 request's canonical query, `enc(name)=enc(value)` pairs sorted by name (byte-wise)
/// and joined by `&`, and its string to sign, `METHOD&%2F&enc(canonical query)`.
///
/// `params` must not contain `Signature`. Names are unique in every caller (the validator
/// refuses duplicates), so the order is fully determined. The path in the string to sign is
/// always `/` for RPC, whatever proxy prefix the request travels through, because the
/// gateway signs the path it serves.
pub fn canonical_and_string_to_sign(method: &str, params: &mut [(&str, &str)]) -> (String, String) {
    let query = super::canonical_query(params);
    let mut string_to_sign = String::with_capacity(method.len() + 5 + query.len() * 3 / 2);
    string_to_sign.push_str(method);
    string_to_sign.push_str("&%2F&");
    percent_encode_into(&mut string_to_sign, &query);
    (query, string_to_sign)
}

/// The HMAC key of the RPC signature: the secret followed by `&`.
pub fn rpc_key(access_key_secret: &str) -> RpcKey {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    super::keyed_hmac(&key)
}

/// Base64 of the RPC signature of a string to sign, under a key from `rpc_key`.
pub fn rpc_signature_with(key: &RpcKey, string_to_sign: &str) -> String {
    let mut mac = key.clone();
    mac.update(string_to_sign.as_bytes());
    digest_base64(mac)
}

/// Base64 of the MAC's digest. Into a buffer of its base64 length (28), not
/// `Engine::encode`, whose `String::from_utf8(..).expect(..)` links the error's Debug
/// formatting into the wasm.
fn digest_base64(mac: RpcKey) -> String {
    let mut symbols = [0u8; 28];
    let written = BASE64.encode_slice(mac.finalize().into_bytes(), &mut symbols).unwrap_or(0);
    core::str::from_utf8(symbols.get(..written).unwrap_or_default()).unwrap_or_default().to_owned()
}

/// Appends the RPC signature, base64 then percent-encoded, as it goes in a body or a URL.
pub fn push_rpc_signature(out: &mut String, key: &RpcKey, string_to_sign: &str) {
    percent_encode_into(out, &rpc_signature_with(key, string_to_sign));
}

/// The RPC signature of a string to sign: the key is the secret followed by `&`.
pub fn rpc_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    rpc_signature_with(&rpc_key(access_key_secret), string_to_sign)
}

/// Base64(HMAC-SHA1(key, data)), the primitive the published vectors check.
pub fn hmac_sha1_base64(key: &[u8], data: &[u8]) -> String {
    let mut mac: RpcKey = super::keyed_hmac(key);
    mac.update(data);
    digest_base64(mac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::encode::percent_encode;

    #[test]
    fn long_requests_are_written_exactly() {
        for value in ["a".repeat(4096), "é ".repeat(2048), "x".repeat(2040)] {
            let mut params = [("Value", value.as_str()), ("Action", "A&B=C")];
            let (query, string_to_sign) = canonical_and_string_to_sign("POST", &mut params);
            let expected = format!("Action=A%26B%3DC&Value={}", percent_encode(&value));
            assert_eq!(query, expected);
            assert_eq!(string_to_sign, format!("POST&%2F&{}", percent_encode(&expected)));
        }
    }

    #[test]
    fn sorts_byte_wise() {
        let mut params = [("b", "1"), ("B", "2"), ("a.1", "3"), ("é", "4"), ("A", "5")];
        let (query, _) = canonical_and_string_to_sign("GET", &mut params);
        assert_eq!(query, "A=5&B=2&a.1=3&b=1&%C3%A9=4");
    }

    #[test]
    fn a_kept_key_signs_like_a_fresh_one() {
        let key = rpc_key("testsecret");
        for text in ["POST&%2F&A%3D1", "", "x".repeat(300).as_str()] {
            assert_eq!(rpc_signature_with(&key, text), rpc_signature("testsecret", text));
            let mut out = String::from("prefix");
            push_rpc_signature(&mut out, &key, text);
            assert_eq!(out, format!("prefix{}", percent_encode(&rpc_signature("testsecret", text))));
        }
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (input, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(BASE64.encode(input.as_bytes()), encoded);
        }
    }
}
