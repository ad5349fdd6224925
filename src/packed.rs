//! One string in, one string out: how `signRequest` crosses the JS↔wasm boundary once.
//!
//! Reading a JS object from wasm costs a boundary crossing per key and per value (and per
//! character, to check strings for lone surrogates). So the JS side (`js/packed.mjs`) packs
//! the arguments into one text, when it can do so exactly, and the signed request comes
//! back as one text (both through a buffer in wasm memory: `signPackedIo` in
//! `src/wasm/api.rs`). Arguments it cannot carry exactly (functions, objects,
//! fractional numbers, odd strings) take the general path, which reads values one by one;
//! both paths end in the same validation, so their answers are the same.
//!
//! The packed arguments are NUL-separated parts (no part can hold a NUL: the packer sends
//! such text the general way):
//!
//! ```text
//! action  options  params  signing           each of the three: \0 count (\0 key \0 value)*
//! value = "s" text | "n" safe integer | "b" bigint digits | "t" | "f" | "z" (null) | "u" (undefined)
//! ```
//!
//! JSON was the first format; reading it (escapes, a tree, then entries) was a fifth of the
//! call. These parts are read in one pass, and the options' text is compared with the last
//! call's to reuse its checked configuration (`src/wasm/api.rs`).

use crate::params::{is_decimal, parse_decimal, Entry, Value};
use crate::prelude::*;
use crate::request::SignedRequest;

/// Keys and values borrowed from the packed text.
pub type Entries<'a> = Vec<Entry<'a>>;

/// Most keys per object the packer sends.
const MAX_KEYS: usize = 256;

pub struct PackedCall<'a> {
    /// The options part as packed, for reusing a configuration made from the same text.
    pub options_text: &'a str,
    pub options: Entries<'a>,
    pub action: &'a str,
    pub params: Entries<'a>,
    pub signing: Entries<'a>,
}

/// The arguments, or `None` for text the JS packer cannot have made.
pub fn unpack(text: &str) -> Option<PackedCall<'_>> {
    let mut parts = Parts(Some(text));
    let action = parts.next()?;
    let options_start = parts.offset(text);
    let options = entries(&mut parts)?;
    let options_text = text.get(options_start..parts.offset(text)).unwrap_or("");
    let params = entries(&mut parts)?;
    let signing = entries(&mut parts)?;
    parts.next().is_none().then_some(PackedCall { options_text, options, action, params, signing })
}

/// The NUL-separated parts of a text, in order.
struct Parts<'a>(Option<&'a str>);

impl<'a> Parts<'a> {
    /// Where the rest starts in `text`, counting its leading NUL (the text's length at the end).
    fn offset(&self, text: &str) -> usize {
        self.0.map_or(text.len(), |rest| (text.len() - rest.len()).saturating_sub(1))
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        // A plain loop, not `position`: see `encode::percent_encode_into`. Eight bytes at a
        // time while none is NUL (the classic test: a zero byte's borrow sets its high bit).
        let bytes = rest.as_bytes();
        let mut at = 0;
        while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            let word = u64::from_le_bytes(*word);
            if word.wrapping_sub(0x0101_0101_0101_0101) & !word & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            at += 8;
        }
        while let Some(&byte) = bytes.get(at) {
            if byte == 0 {
                // NUL is ASCII: both sides of it are char boundaries.
                let (part, tail) = rest.split_at_checked(at)?;
                self.0 = tail.get(1..);
                return Some(part);
            }
            at += 1;
        }
        self.0 = None;
        Some(rest)
    }
}

fn entries<'a>(parts: &mut Parts<'a>) -> Option<Entries<'a>> {
    let digits = parts.next()?;
    if digits.is_empty() || digits.len() > 3 {
        return None;
    }
    let mut count = 0;
    for byte in digits.bytes() {
        count = count * 10 + usize::from(byte.wrapping_sub(b'0'));
        if !byte.is_ascii_digit() || count > MAX_KEYS {
            return None;
        }
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let key = Cow::Borrowed(parts.next()?);
        out.push((key, value(parts.next()?)?));
    }
    Some(out)
}

fn value(part: &str) -> Option<Value<'_>> {
    let text = part.get(1..)?;
    Some(match part.as_bytes().first()? {
        b's' => Value::String(Cow::Borrowed(text)),
        // Safe integers only: exact as f64, and no float parser in the module.
        b'n' => {
            let number = parse_decimal(text)?;
            if number.unsigned_abs() > (1 << 53) - 1 {
                return None;
            }
            Value::Number(number as f64)
        }
        // Any size: validation reports a bigint beyond int64 as out of range.
        b'b' if is_decimal(text) => Value::BigInt(Cow::Borrowed(text)),
        b't' if text.is_empty() => Value::Bool(true),
        b'f' if text.is_empty() => Value::Bool(false),
        b'z' if text.is_empty() => Value::Null,
        b'u' if text.is_empty() => Value::Undefined,
        _ => return None,
    })
}

/// `method \0 url \0 body \0 (name \0 value)*`: no part can hold a NUL (the URL is checked
/// when the client is made, the body is percent-encoded, header values are ASCII).
pub fn pack_request(request: &SignedRequest) -> String {
    let mut out = String::with_capacity(request.url.len() + request.body.len() + 160);
    for_each_part(request, |part, first| {
        if !first {
            out.push('\0');
        }
        out.push_str(part);
        Some(())
    });
    out
}

/// `pack_request`'s text written at the start of `out`, without building it first: its
/// length, or None when it does not fit (`out` may then hold part of it).
pub fn write_packed_request(request: &SignedRequest, out: &mut [u8]) -> Option<usize> {
    let mut at = 0;
    for_each_part(request, |part, first| {
        if !first {
            *out.get_mut(at)? = 0;
            at += 1;
        }
        out.get_mut(at..at.checked_add(part.len())?)?.copy_from_slice(part.as_bytes());
        at += part.len();
        Some(())
    })?;
    Some(at)
}

/// Calls `put(part, is_first)` for each part of a packed request, in order, until it
/// returns None. Plain calls rather than an iterator chain, which is 184 bytes more wasm.
fn for_each_part(request: &SignedRequest, mut put: impl FnMut(&str, bool) -> Option<()>) -> Option<()> {
    put(request.method, true)?;
    put(&request.url, false)?;
    put(&request.body, false)?;
    for (name, value) in &request.headers {
        put(name, false)?;
        put(value, false)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_every_value_kind() {
        let text = "StopTaskFlowInstance\x003\0accessKeyId\0sid\0maxAttempts\0n3\0securityToken\0u\x004\0DagId\0b123456789012345678901\0Tid\0n-7\0Flag\0t\0X\0z\x001\0nonce\0sn";
        let call = unpack(text).unwrap();
        assert_eq!(call.action, "StopTaskFlowInstance");
        assert_eq!(call.options_text, "\x003\0accessKeyId\0sid\0maxAttempts\0n3\0securityToken\0u");
        assert_eq!(call.options, [("accessKeyId".into(), Value::String("id".into())), ("maxAttempts".into(), Value::Number(3.0)), ("securityToken".into(), Value::Undefined)]);
        assert_eq!(
            call.params,
            [
                ("DagId".into(), Value::BigInt("123456789012345678901".into())),
                ("Tid".into(), Value::Number(-7.0)),
                ("Flag".into(), Value::Bool(true)),
                ("X".into(), Value::Null)
            ]
        );
        assert_eq!(call.signing, [("nonce".into(), Value::String("n".into()))]);
        let empty = unpack("A\x000\x001\0\0s\x000").unwrap();
        assert_eq!((empty.options_text, empty.options.len(), empty.params, empty.signing.len()), ("\x000", 0, vec![("".into(), Value::String("".into()))], 0));
    }

    #[test]
    fn parts_are_the_text_split_at_each_nul() {
        let mut seed = 5u32;
        for len in 0..200 {
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ['\0', 'a', 'é', '0', '\u{80}', 'z'][(seed >> 16) as usize % 6]
                })
                .collect();
            let ours: Vec<&str> = Parts(Some(&text)).collect();
            assert_eq!(ours, text.split('\0').collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_the_packer_never_makes() {
        for text in [
            "",
            "A",
            "A\x000\x000",
            "A\x000\x000\x000\0",
            "A\x000\x000\x000\0x",
            "A\x001\0k\x000\x000",
            "A\x001\0k\0q\x000\x000",
            "A\x001\0k\0n1.5\x000\x000",
            "A\x001\0k\0n1e3\x000\x000",
            "A\x001\0k\0n9007199254740992\x000\x000",
            "A\x001\0k\0b1x\x000\x000",
            "A\x001\0k\0b\x000\x000",
            "A\x001\0k\0tx\x000\x000",
            "A\x001\0k\0\x000\x000",
            "A\0x\x000\x000",
            "A\0-1\x000\x000",
            "A\x00257",
            "A\x000001\0k\0z\x000\x000",
        ] {
            assert!(unpack(text).is_none(), "{text:?}");
        }
        assert!(unpack("A\x002\0k\0n9007199254740991\0j\0n-9007199254740991\x000\x000").is_some());
    }

    #[test]
    fn packs_a_request_into_nul_separated_parts() {
        let request = SignedRequest {
            method: "POST",
            url: "https://x/".into(),
            headers: vec![("content-type", "application/x-www-form-urlencoded".into()), ("a", "b".into())],
            body: "A=1".into(),
        };
        assert_eq!(pack_request(&request), "POST\0https://x/\0A=1\0content-type\0application/x-www-form-urlencoded\0a\0b");
        let no_headers = SignedRequest { method: "GET", url: "u".into(), headers: vec![], body: String::new() };
        assert_eq!(pack_request(&no_headers), "GET\0u\0");
        for request in [&request, &no_headers] {
            let packed = pack_request(request);
            let mut out = [7u8; 96];
            assert_eq!(write_packed_request(request, &mut out), Some(packed.len()));
            assert_eq!(&out[..packed.len()], packed.as_bytes());
            for short in 0..packed.len() {
                assert_eq!(write_packed_request(request, &mut out[..short]), None, "{short} bytes");
            }
            assert_eq!(write_packed_request(request, &mut out[..packed.len()]), Some(packed.len()));
        }
    }
}
