//! Percent-encoding as the Alibaba Cloud RPC signature defines it (RFC 3986 unreserved set).
//!
//! JS `encodeURIComponent` and `application/x-www-form-urlencoded` encoders differ from this
//! (`!'()*` left alone, space as `+`), which is why the package never uses them: the bytes the
//! gateway signs must be exactly the bytes sent.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// True for the bytes that stay as they are: `A-Z a-z 0-9 - _ . ~`.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Appends the percent-encoded UTF-8 bytes of `input` to `out`.
///
/// Runs of unreserved bytes are copied with one `push_str` each rather than a `push` per
/// byte (a `char` push re-encodes UTF-8 and checks capacity every time, which dominated
/// signing in the size-optimized wasm).
pub fn percent_encode_into(out: &mut String, input: &str) {
    let mut start = 0;
    for (index, &byte) in input.as_bytes().iter().enumerate() {
        if is_unreserved(byte) {
            continue;
        }
        // A non-empty run holds only ASCII and starts after an escaped byte that ended a
        // character, so both ends are character boundaries; `get` keeps it panic-free.
        if let Some(run) = input.get(start..index) {
            out.push_str(run);
        }
        let escaped = [b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]];
        if let Ok(text) = core::str::from_utf8(&escaped) {
            out.push_str(text);
        }
        start = index + 1;
    }
    if let Some(run) = input.get(start..) {
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
