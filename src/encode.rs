//! Percent-encoding as the Alibaba Cloud RPC signature defines it (RFC 3986 unreserved set).
//!
//! JS `encodeURIComponent` and `application/x-www-form-urlencoded` encoders differ from this
//! (`!'()*` left alone, space as `+`), which is why the package never uses them: the bytes the
//! gateway signs must be exactly the bytes sent.

use crate::prelude::*;
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Bit `b % 8` of byte `b / 8` is set for the ASCII bytes that stay as they are:
/// `A-Z a-z 0-9 - _ . ~`. (Bytes, not one `u128`: a 128-bit shift is a libcall in wasm32.)
const UNRESERVED: [u8; 16] = {
    let mut mask = [0u8; 16];
    let mut byte = 0u8;
    while byte < 128 {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            mask[(byte / 8) as usize] |= 1 << (byte % 8);
        }
        byte += 1;
    }
    mask
};

/// True for the bytes that stay as they are (one load and a shift: this runs for every
/// byte signed).
#[inline(always)]
fn is_unreserved(byte: u8) -> bool {
    UNRESERVED.get(usize::from(byte >> 3)).is_some_and(|bits| (bits >> (byte & 7)) & 1 == 1)
}

/// Appends the percent-encoded UTF-8 bytes of `input` to `out`.
///
/// Hot: every parameter of every signature goes through here twice. Runs of unreserved
/// bytes are copied in one go (a run ends before an escaped byte, and escaped bytes include
/// every non-ASCII byte, so both ends are char boundaries), escapes are appended as bytes.
pub fn percent_encode_into(out: &mut String, input: &str) {
    out.reserve(input.len());
    let mut run_start = 0;
    for (index, &byte) in input.as_bytes().iter().enumerate() {
        if is_unreserved(byte) {
            continue;
        }
        if let Some(run) = input.get(run_start..index) {
            out.push_str(run);
        }
        run_start = index + 1;
        let escape = [b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]];
        // SAFETY: the three bytes are ASCII, so `out` stays valid UTF-8. (Checking with
        // `str::from_utf8` would link its 700-byte validator for this alone.)
        unsafe { out.as_mut_vec() }.extend_from_slice(&escape);
    }
    if let Some(run) = input.get(run_start..) {
        out.push_str(run);
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
