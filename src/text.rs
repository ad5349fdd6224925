//! Substring search as a plain scan. `str::find` and `str::replace` with a `&str` (or
//! non-ASCII `char`) pattern link core's Two-Way searcher and the slicing panic it can
//! reach, with its `char` formatting and Unicode tables: ~5 KB of the wasm (HACKING.md).
//! Every search here is on short needles (a marker, a secret, `://`) in bounded text.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_std() {
        let texts = ["", "a", "aaa", "abcabd", "中文abc中", "string to sign is:", "xx://y", "é://"];
        let needles = ["", "a", "aa", "abd", "中", "c中", "://", "is:", "zzzzzzzzzzzzzzzzzzzzz"];
        for text in texts {
            for needle in needles {
                assert_eq!(find(text, needle), text.find(needle), "{text:?} {needle:?}");
            }
        }
        assert_eq!(find_ignore_ascii_case("Server String To Sign Is:POST", "string to sign is:"), Some(7));
        assert_eq!(find_ignore_ascii_case("ÉCOLE", "école"), None);
    }
}
