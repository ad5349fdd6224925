//! Percent-encoding as the Alibaba Cloud signatures define it: every byte but the RFC 3986
//! unreserved set (`A-Z a-z 0-9 - _ . ~`) becomes `%XX`, upper-case hex.
//!
//! JS `encodeURIComponent` and `application/x-www-form-urlencoded` encoders differ from this
//! (`!'()*` left alone, space as `+`), which is why the package never uses them: the bytes the
//! gateway signs must be exactly the bytes sent.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What is escaped: everything but ASCII letters, digits and `- _ . ~` (as aws-sigv4 does).
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Appends the percent-encoded UTF-8 bytes of `input` to `out`.
pub fn percent_encode_into(out: &mut String, input: &str) {
    out.extend(utf8_percent_encode(input, ESCAPED));
}

/// Percent-encodes `input` into a new string.
pub fn percent_encode(input: &str) -> String {
    utf8_percent_encode(input, ESCAPED).to_string()
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
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
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
        let mut out = String::from("x=");
        percent_encode_into(&mut out, "a b");
        assert_eq!(out, "x=a%20b");
    }
}
