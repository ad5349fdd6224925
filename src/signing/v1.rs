//! The RPC signature (SignatureVersion 1.0, HMAC-SHA1), as pure functions of their inputs.

use crate::prelude::*;
use crate::encode::{count_escapes, hex_digits, is_unreserved, percent_encode_into};
use crate::mac::HmacKey;

/// A V1 request's canonical query, `enc(name)=enc(value)` pairs sorted by name (byte-wise)
/// and joined by `&`, and its string to sign, `METHOD&%2F&enc(canonical query)`.
///
/// `params` must not contain `Signature`. Names are unique in every caller (the validator
/// refuses duplicates), so the order is fully determined. The path in the string to sign is
/// always `/` for RPC, whatever proxy prefix the request travels through, because the
/// gateway signs the path it serves.
///
/// Both are written in one pass over the parameters: encoding the query again byte by byte
/// was a third of the signer's time, and it only turns each `%` of an escape into `%25`,
/// `=` into `%3D` and `&` into `%26`.
pub fn canonical_and_string_to_sign(method: &str, params: &mut [(&str, &str)]) -> (String, String) {
    sort_by_name(params);
    let mut bytes = 0usize;
    for (name, value) in params.iter() {
        bytes = bytes.saturating_add(name.len()).saturating_add(value.len());
    }
    // Room for every byte escaped, unless that would be a lot: for the usual few hundred
    // bytes a bigger block costs nothing more (the allocator hands out power-of-two blocks
    // from free lists), and not counting the escapes spares a pass over every byte.
    let escapes = if bytes <= COUNT_ESCAPES_ABOVE {
        bytes
    } else {
        let mut escapes = 0usize;
        for (name, value) in params.iter() {
            escapes = escapes.saturating_add(count_escapes(name.as_bytes())).saturating_add(count_escapes(value.as_bytes()));
        }
        escapes
    };
    let separators = (params.len() * 2).saturating_sub(1);
    // Saturating: an overflow would reserve too little; saturated, reserving fails instead.
    let query_room = bytes.saturating_add(escapes.saturating_mul(2)).saturating_add(separators);
    let prefix = [method.as_bytes(), b"&%2F&"];
    let sts_room = (method.len() + 5).saturating_add(bytes).saturating_add(escapes.saturating_mul(4)).saturating_add(separators.saturating_mul(3));
    let mut query: Vec<u8> = Vec::with_capacity(query_room.saturating_add(SIGNATURE_ROOM));
    let mut sts: Vec<u8> = Vec::with_capacity(sts_room);
    for part in prefix {
        sts.extend_from_slice(part);
    }
    // SAFETY: (bounds) at most `query_room` bytes are written to `query`, and `sts_room` minus
    // the prefix to `sts` (each byte at most as many as an escape takes), into capacity
    // reserved for them; the lengths are set to what was written. (UTF-8) only ASCII is
    // written.
    unsafe {
        let mut out = Writers { query: query.as_mut_ptr(), sts: sts.as_mut_ptr().add(sts.len()) };
        for (index, (name, value)) in params.iter().enumerate() {
            if index > 0 {
                out.separator(b'&', b"%26");
            }
            out.encode(name.as_bytes());
            out.separator(b'=', b"%3D");
            out.encode(value.as_bytes());
        }
        query.set_len(out.query.offset_from(query.as_ptr()).unsigned_abs());
        sts.set_len(out.sts.offset_from(sts.as_ptr()).unsigned_abs());
        (String::from_utf8_unchecked(query), String::from_utf8_unchecked(sts))
    }
}

/// Above this many bytes of names and values, escapes are counted to reserve exactly.
const COUNT_ESCAPES_ABOVE: usize = 2048;

/// Room left in the query for what the signers append to it: `&Signature=` and the
/// signature, 28 base64 characters at most 3 bytes each once encoded. Without it, appending
/// moved the whole query to a bigger block.
const SIGNATURE_ROOM: usize = "&Signature=".len() + 3 * 28;

/// Where the next bytes of the query and of the string to sign go.
struct Writers {
    query: *mut u8,
    sts: *mut u8,
}

impl Writers {
    /// Writes `byte` to the query and `escaped` (its encoding) to the string to sign.
    ///
    /// # Safety
    /// Room for 1 and 3 more bytes.
    #[inline(always)]
    unsafe fn separator(&mut self, byte: u8, escaped: &[u8; 3]) {
        self.query.write(byte);
        self.query = self.query.add(1);
        self.sts.copy_from_nonoverlapping(escaped.as_ptr(), 3);
        self.sts = self.sts.add(3);
    }

    /// Writes `input` percent-encoded to the query, and encoded twice to the string to sign.
    ///
    /// # Safety
    /// Room for `input.len() + 2 * escapes` and `input.len() + 4 * escapes` more bytes.
    #[inline(always)]
    unsafe fn encode(&mut self, input: &[u8]) {
        for &byte in input {
            if is_unreserved(byte) {
                self.query.write(byte);
                self.sts.write(byte);
                self.query = self.query.add(1);
                self.sts = self.sts.add(1);
            } else {
                let (high, low) = hex_digits(byte);
                self.query.copy_from_nonoverlapping([b'%', high, low].as_ptr(), 3);
                self.sts.copy_from_nonoverlapping([b'%', b'2', b'5', high, low].as_ptr(), 5);
                self.query = self.query.add(3);
                self.sts = self.sts.add(5);
            }
        }
    }
}

/// Sorts `(name, value)` pairs by name, byte-wise (stable). An insertion sort: a request has
/// a few dozen parameters at most, and core's sort is ~2 KB of wasm per element type.
pub fn sort_by_name(pairs: &mut [(&str, &str)]) {
    for sorted in 1..pairs.len() {
        let mut at = sorted;
        while let (Some(before), Some(here)) = (at.checked_sub(1), pairs.get(at)) {
            if pairs.get(before).is_none_or(|previous| previous.0 <= here.0) {
                break;
            }
            pairs.swap(before, at);
            at = before;
        }
    }
}

/// Base64(HMAC-SHA1(key, data)).
pub fn hmac_sha1_base64(key: &[u8], data: &[u8]) -> String {
    base64(crate::mac::hmac(&crate::mac::SHA1, key, data).as_slice())
}

/// Standard base64 with padding. Hand-written: the `base64` crate's engine links
/// `FromUtf8Error`'s `Debug` and other panic formatting into the wasm (~3 KB).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = vec![b'='; bytes.len().div_ceil(3) * 4];
    fill_base64(&mut out, bytes);
    // SAFETY: only ASCII was written.
    unsafe { String::from_utf8_unchecked(out) }
}

/// Writes the base64 of `bytes` into `slots`, which hold `=` (the padding) and are
/// `bytes.len().div_ceil(3) * 4` long: written into place, not pushed char by char (a
/// UTF-8 encode and a growth check per symbol).
fn fill_base64(slots: &mut [u8], bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut slots = slots.iter_mut();
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| chunk.get(i).map_or(0, |&b| u32::from(b));
        let group = byte(0) << 16 | byte(1) << 8 | byte(2);
        for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if let Some(slot) = slots.next() {
                if index <= chunk.len() {
                    *slot = ALPHABET[(group >> shift & 63) as usize];
                }
            }
        }
    }
}

/// Appends the RPC signature of a string-to-sign under a key from `rpc_key`, base64 then
/// percent-encoded, as it goes in a body or a URL: through a buffer on the stack, not a
/// string of its own.
pub fn push_rpc_signature(out: &mut String, key: &HmacKey, string_to_sign: &str) {
    let digest = key.sign(string_to_sign.as_bytes());
    // Base64 of a digest of at most 32 bytes: at most 44 symbols.
    let mut symbols = [b'='; 44];
    let len = digest.as_slice().len().div_ceil(3) * 4;
    let symbols = symbols.get_mut(..len).unwrap_or_default();
    fill_base64(symbols, digest.as_slice());
    // SAFETY: base64 symbols and padding are ASCII.
    percent_encode_into(out, unsafe { core::str::from_utf8_unchecked(symbols) });
}

/// The RPC signature of a string-to-sign: the key is the secret followed by `&`.
pub fn rpc_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    base64(rpc_key(access_key_secret).sign(string_to_sign.as_bytes()).as_slice())
}

/// The HMAC key of the RPC signature (the secret followed by `&`), to sign with many times.
pub fn rpc_key(access_key_secret: &str) -> HmacKey<'static> {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    HmacKey::new(&crate::mac::SHA1, &key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_std() {
        let mut seed = 7u32;
        for len in 0..40 {
            let names: Vec<String> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ["a", "B", "Ab", "a.1", "A", "Z", "x-acs-date", "é", ""][(seed >> 16) as usize % 9].repeat(1 + (seed >> 8) as usize % 3)
                })
                .collect();
            let mut pairs: Vec<(&str, &str)> = names.iter().enumerate().map(|(i, n)| (n.as_str(), ["0", "1", "2", "3"][i % 4])).collect();
            let mut expected = pairs.clone();
            expected.sort_by(|a, b| a.0.cmp(b.0));
            sort_by_name(&mut pairs);
            assert_eq!(pairs, expected);
        }
    }

    #[test]
    fn long_requests_are_written_exactly_too() {
        // Above COUNT_ESCAPES_ABOVE the escapes are counted instead of assumed: both ways
        // must give the definition's bytes.
        use crate::encode::percent_encode;
        for value in ["a".repeat(COUNT_ESCAPES_ABOVE), "é ".repeat(COUNT_ESCAPES_ABOVE), "x".repeat(COUNT_ESCAPES_ABOVE - 8)] {
            let mut params = [("Value", value.as_str()), ("Action", "A&B=C")];
            let (query, string_to_sign) = canonical_and_string_to_sign("POST", &mut params);
            let expected = format!("Action=A%26B%3DC&Value={}", percent_encode(&value));
            assert_eq!(query, expected);
            assert_eq!(string_to_sign, format!("POST&%2F&{}", percent_encode(&expected)));
        }
    }

    #[test]
    fn signature_pushed_encoded_is_the_signature_encoded() {
        use crate::encode::percent_encode;
        for (secret, text) in [("testsecret", "POST&%2F&A%3D1"), ("k", ""), ("secret", "stringtosign"), ("s", "x".repeat(300).as_str())] {
            let mut out = String::from("prefix");
            push_rpc_signature(&mut out, &rpc_key(secret), text);
            assert_eq!(out, format!("prefix{}", percent_encode(&rpc_signature(secret, text))));
        }
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (input, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(input.as_bytes()), encoded);
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64(&all), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==");
    }
}
