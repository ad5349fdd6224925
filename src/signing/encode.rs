//! Percent-encoding as the Alibaba Cloud RPC signature defines it (RFC 3986 unreserved set).
//!
//! JS `encodeURIComponent` and `application/x-www-form-urlencoded` encoders differ from this
//! (`!'()*` left alone, space as `+`), which is why the package never uses them: the bytes the
//! gateway signs must be exactly the bytes sent.

use crate::prelude::*;
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `true` for the bytes that stay as they are: `A-Z a-z 0-9 - _ . ~`. A table of 256 bytes
/// (a few dozen in the gzipped wasm): one load per byte, where a bit mask took a compare,
/// a select and a 64-bit shift; every byte signed goes through it.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0u8;
    while byte < 128 {
        table[byte as usize] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

/// True for the bytes that stay as they are.
#[inline(always)]
pub(crate) fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[usize::from(byte)]
}

/// How many bytes of `input` are escaped.
pub(crate) fn count_escapes(input: &[u8]) -> usize {
    let mut escaped = 0;
    for &byte in input {
        if !is_unreserved(byte) {
            escaped += 1;
        }
    }
    escaped
}

/// The two upper-case hex digits of an escaped byte.
#[inline(always)]
pub(crate) fn hex_digits(byte: u8) -> (u8, u8) {
    (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)])
}

/// Appends the percent-encoded UTF-8 bytes of `input` to `out`.
///
/// Hot for V3 queries and signatures (V1's canonical query has its own one-pass writer,
/// `sign::canonical_and_string_to_sign`). So it is written as plain loops over raw bytes:
/// the output length is counted first, `out` grows once, and each byte is stored directly.
/// The release build is optimized for size, which leaves iterator adapters and `Vec` growth
/// checks as calls: appending run by run, or through an iterator of slots, was 3 to 6 times
/// slower.
pub fn percent_encode_into(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    let escaped = count_escapes(bytes);
    // SAFETY: (UTF-8) what is written is ASCII, unreserved bytes and escapes, since every
    // non-ASCII byte is escaped; (bounds) exactly `bytes.len() + 2 * escaped` bytes are
    // written after `len`, into capacity reserved for them, and only then is the length set.
    unsafe {
        let out = out.as_mut_vec();
        let len = out.len();
        // Saturating: an overflow would reserve too little; saturated, `reserve` fails instead.
        let added = bytes.len().saturating_add(escaped.saturating_mul(2));
        out.reserve(added);
        let mut at = out.as_mut_ptr().add(len);
        for &byte in bytes {
            if is_unreserved(byte) {
                at.write(byte);
                at = at.add(1);
            } else {
                let (high, low) = hex_digits(byte);
                at.write(b'%');
                at.add(1).write(high);
                at.add(2).write(low);
                at = at.add(3);
            }
        }
        out.set_len(len + added);
    }
}

/// Percent-encodes `input` into a new string.
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    percent_encode_into(&mut out, input);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vector_reserved_characters() {
        assert_eq!(percent_encode("a b*c~d!'()+/:"), "a%20b%2Ac~d%21%27%28%29%2B%2F%3A");
    }

    #[test]
    fn published_vector_unicode() {
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
    }

    #[test]
    fn unreserved_set_is_kept() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
        assert_eq!(percent_encode(unreserved), unreserved);
    }

    #[test]
    fn empty_string() {
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn every_other_ascii_byte_is_escaped_upper_case() {
        for byte in 0u8..=0x7f {
            let input = (byte as char).to_string();
            let encoded = percent_encode(&input);
            if is_unreserved(byte) {
                assert_eq!(encoded, input);
            } else {
                assert_eq!(encoded, format!("%{:02X}", byte));
            }
        }
    }

    #[test]
    fn multi_byte_sequences() {
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
        assert_eq!(percent_encode("%"), "%25");
        assert_eq!(percent_encode("&="), "%26%3D");
        assert_eq!(percent_encode("\n\0"), "%0A%00");
    }
}
