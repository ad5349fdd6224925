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

/// `enc(name)=enc(value)` pairs sorted by name and joined by `&`: the canonical query both
/// signatures sign (V1 over every parameter, V3 over the query string).
pub fn canonical_query(pairs: &mut [(&str, &str)]) -> String {
    sort_by_name(pairs);
    let mut query = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        encode::percent_encode_into(&mut query, name);
        query.push('=');
        encode::percent_encode_into(&mut query, value);
    }
    query
}

/// An HMAC keyed with `key`. HMAC takes a key of any length (a longer one than a block is
/// hashed first), so `new_from_slice` never fails; its error branch keeps the module free of
/// a panic path all the same.
pub fn keyed_hmac<M: hmac::Mac + hmac::digest::KeyInit>(key: &[u8]) -> M {
    <M as hmac::Mac>::new_from_slice(key).unwrap_or_else(|_| <M as hmac::digest::KeyInit>::new(&Default::default()))
}
