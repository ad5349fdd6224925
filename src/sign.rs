//! The RPC signature (SignatureVersion 1.0, HMAC-SHA1), as pure functions of their inputs.

use crate::prelude::*;
use crate::encode::percent_encode_into;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// `enc(name)=enc(value)` pairs sorted by name (byte-wise) and joined by `&`.
///
/// `params` must not contain `Signature`. Names are unique in every caller (the validator
/// refuses duplicates), so an unstable sort gives the same order as a stable one.
pub fn canonical_query(params: &mut [(&str, &str)]) -> String {
    params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::with_capacity(params.iter().map(|(k, v)| k.len() + v.len() * 3 + 2).sum());
    for (index, (name, value)) in params.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, name);
        out.push('=');
        percent_encode_into(&mut out, value);
    }
    out
}

/// `METHOD&%2F&enc(canonical)`: the path is always `/` for RPC, whatever proxy prefix the
/// request travels through, because the gateway signs the path it serves.
pub fn rpc_string_to_sign(method: &str, canonical: &str) -> String {
    let mut out = String::with_capacity(method.len() + 4 + canonical.len() * 3 / 2);
    out.push_str(method);
    out.push_str("&%2F&");
    percent_encode_into(&mut out, canonical);
    out
}

/// Base64(HMAC-SHA1(key, data)).
pub fn hmac_sha1_base64(key: &[u8], data: &[u8]) -> String {
    // HMAC accepts keys of any length, so this never fails; the fallback keeps the
    // function total without a panic path.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(data);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The RPC signature of a string-to-sign: the key is the secret followed by `&`.
pub fn rpc_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    hmac_sha1_base64(&key, string_to_sign.as_bytes())
}
