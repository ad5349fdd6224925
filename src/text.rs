//! Substring search without `core::str::pattern`: its two-way searcher, and the slicing
//! panic it can reach, are ~5 KB of the wasm. Every search here is on short needles (a
//! marker, a secret, `://`) in bounded text, so a direct scan is enough.

use crate::prelude::*;

/// Byte offset of the first occurrence of `needle` in `haystack` (0 for an empty needle).
/// Offsets are char boundaries: a match of valid UTF-8 in valid UTF-8 starts and ends on one.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    find_by(haystack, needle, |a, b| a == b)
}

/// Like `find`, comparing ASCII letters case-insensitively.
pub fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    find_by(haystack, needle, |a, b| a.eq_ignore_ascii_case(b))
}

fn find_by(haystack: &str, needle: &str, same: impl Fn(&[u8], &[u8]) -> bool) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let last = haystack.len().checked_sub(needle.len())?;
    (0..=last).find(|&at| haystack.get(at..at + needle.len()).is_some_and(|window| same(window, needle)))
}

/// `text` with every occurrence of `from` (non-empty) replaced by `to`, left to right.
pub fn replace_all(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(rest.get(..at).unwrap_or(""));
        out.push_str(to);
        rest = rest.get(at + from.len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// `bytes` as text if they are valid UTF-8. A plain loop over the encoding's rules (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF) instead of
/// `core::str::from_utf8`, whose word-at-a-time ASCII path is ~1 KB of the wasm; it checks
/// the packed arguments (`signPackedIo`), a few hundred bytes per call.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    let mut at = 0;
    loop {
        // ASCII, nearly all of the packed text, eight bytes at a time.
        while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            if u64::from_le_bytes(*word) & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            at += 8;
        }
        let Some(&lead) = bytes.get(at) else { break };
        if lead < 0x80 {
            at += 1;
            continue;
        }
        // The length of the sequence, and the range its second byte must be in.
        let (len, second) = match lead {
            0xc2..=0xdf => (2, 0x80..=0xbf),
            0xe0 => (3, 0xa0..=0xbf),
            0xe1..=0xec | 0xee..=0xef => (3, 0x80..=0xbf),
            0xed => (3, 0x80..=0x9f),
            0xf0 => (4, 0x90..=0xbf),
            0xf1..=0xf3 => (4, 0x80..=0xbf),
            0xf4 => (4, 0x80..=0x8f),
            _ => return None,
        };
        for index in 1..len {
            let byte = *bytes.get(at + index)?;
            let allowed = if index == 1 { second.contains(&byte) } else { (0x80..=0xbf).contains(&byte) };
            if !allowed {
                return None;
            }
        }
        at += len;
    }
    // SAFETY: every sequence was checked above.
    Some(unsafe { core::str::from_utf8_unchecked(bytes) })
}

/// `items` joined by `", "`, for the lists in error messages.
pub fn join(items: &[&str]) -> String {
    let mut out = String::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_edges() {
        let cases: &[&[u8]] = &[
            b"", b"ascii", "é中😀".as_bytes(), &[0xc0, 0x80], &[0xc1, 0xbf], &[0xe0, 0x9f, 0xbf], &[0xed, 0xa0, 0x80],
            &[0xef, 0xbf, 0xbf], &[0xf0, 0x8f, 0xbf, 0xbf], &[0xf4, 0x90, 0x80, 0x80], &[0xf4, 0x8f, 0xbf, 0xbf],
            &[0xf5, 0x80, 0x80, 0x80], &[0xff], &[0x80], &[0xe2, 0x82], &[0xe2, 0x82, 0xac, 0x80],
        ];
        for bytes in cases {
            assert_eq!(utf8(bytes), core::str::from_utf8(bytes).ok(), "{bytes:x?}");
        }
    }

    #[test]
    fn agrees_with_std() {
        let texts = ["", "a", "aaa", "abcabd", "中文abc中", "string to sign is:", "xx://y", "é://"];
        let needles = ["", "a", "aa", "abd", "中", "c中", "://", "is:", "zzzzzzzzzzzzzzzzzzzzz"];
        for text in texts {
            for needle in needles {
                assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
                if !needle.is_empty() {
                    assert_eq!(replace_all(text, needle, "[r]"), text.replace(needle, "[r]"), "{text:?} {needle:?}");
                }
            }
        }
        assert_eq!(replace_all("abc", "", "x"), "abc");
        assert_eq!(find_ignore_ascii_case("Server String To Sign Is:POST", "string to sign is:"), Some(7));
        assert_eq!(find_ignore_ascii_case("ÉCOLE", "école"), None);
        assert_eq!(join(&["a", "b", "c"]), "a, b, c");
        assert_eq!(join(&[]), "");
    }
}
