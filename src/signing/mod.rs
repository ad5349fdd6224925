//! Signatures, as pure functions of what is signed: V1 (RPC, HMAC-SHA1, the default) and
//! V3 (ACS3-HMAC-SHA256), the percent-encoding both use, and request nonces. Crypto is
//! RustCrypto's (`hmac`, `sha1`, `sha2`), base64 the `base64` crate's, randomness
//! `getrandom`'s.

pub mod encode;
pub mod nonce;
pub mod v1;
pub mod v3;

/// Sorts `(name, value)` pairs by name, byte-wise, as both signatures order what they sign.
/// One function for every caller, so the wasm holds one copy of the sort.
pub fn sort_by_name(pairs: &mut [(&str, &str)]) {
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(b.1)));
}
