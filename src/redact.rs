//! The one redaction step every string a user can reach passes: error messages, every field
//! of a `DmsError` (code, request id, host id, recommend), body excerpts and hook payloads.
//!
//! A server or proxy may echo credentials in any encoding, so each secret is looked for in
//! every form it can take on the way: as it is, percent-encoded once or twice (as the
//! gateway echoes parameters and their string to sign), JSON-escaped (`/` as `\/`), and
//! form-encoded (space as `+`), all compared ASCII-case-insensitively (lower-case hex, and a
//! secret copied in upper or lower case). The access key id is only replaced where it stands
//! as a whole token, so a short one cannot mangle ordinary words; the secret and the token
//! are replaced wherever they appear.

use crate::signing::encode::percent_encode;

const REDACTED: &str = "[redacted]";

/// The credentials' secrets, in every form they are looked for, lower-cased.
#[derive(Clone, Default)]
pub struct Secrets {
    forms: Vec<Form>,
    /// The longest form in bytes: how far past a window's end a match may reach.
    longest: usize,
}

#[derive(Clone)]
struct Form {
    lowered: String,
    whole_token: bool,
}

// Never printed: a Debug that showed the forms would print the secrets.
impl core::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Secrets([redacted])")
    }
}

impl Secrets {
    /// `access_key_id` is replaced only as a whole token; each of `others` (the secret, the
    /// STS token) wherever it appears. Empty strings are ignored.
    pub fn new(access_key_id: &str, others: &[&str]) -> Secrets {
        let mut secrets = Secrets::default();
        secrets.add(access_key_id, true);
        for secret in others {
            secrets.add(secret, false);
        }
        secrets
    }

    fn add(&mut self, secret: &str, whole_token: bool) {
        if secret.is_empty() {
            return;
        }
        let once = percent_encode(secret);
        let twice = percent_encode(&once);
        let json = secret.replace('/', "\\/");
        let form = secret.replace(' ', "+");
        for text in [secret, &once, &twice, &json, &form] {
            let lowered = text.to_ascii_lowercase();
            if !self.forms.iter().any(|known| known.lowered == lowered) {
                self.longest = self.longest.max(lowered.len());
                self.forms.push(Form { lowered, whole_token });
            }
        }
    }

    /// Bytes of the longest form: how far a secret can reach past a cut.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// `text` with every form of every secret replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        if self.forms.is_empty() {
            return text.to_owned();
        }
        // ASCII lower-casing keeps every byte where it was, so spans found in the lowered
        // text are spans of `text`.
        let lowered = text.to_ascii_lowercase();
        // Which bytes belong to a match: overlapping and adjacent matches become one.
        let mut hidden = vec![false; text.len()];
        let mut any = false;
        for form in &self.forms {
            let mut from = 0;
            while let Some(found) = lowered.get(from..).and_then(|rest| crate::text::find(rest, &form.lowered)) {
                let (start, end) = (from + found, from + found + form.lowered.len());
                if !form.whole_token || (!is_word_byte(lowered.as_bytes(), start.checked_sub(1)) && !is_word_byte(lowered.as_bytes(), Some(end))) {
                    hidden.get_mut(start..end).into_iter().flatten().for_each(|byte| *byte = true);
                    any = true;
                }
                // Matches of valid UTF-8 in valid UTF-8 start on a character boundary; the
                // next search starts at the next one.
                from = start + lowered.get(start..).and_then(|rest| rest.chars().next()).map_or(1, char::len_utf8);
            }
        }
        if !any {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut run_start = 0;
        let mut in_match = false;
        // Match edges are character boundaries, so every slice below is one.
        for (at, &masked) in hidden.iter().enumerate() {
            if masked && !in_match {
                out.push_str(text.get(run_start..at).unwrap_or_default());
                out.push_str(REDACTED);
            } else if !masked && in_match {
                run_start = at;
            }
            in_match = masked;
        }
        if !in_match {
            out.push_str(text.get(run_start..).unwrap_or_default());
        }
        out
    }

    /// At most `max_chars` characters of `text`, redacted first, so that no secret straddling
    /// the cut shows its beginning: the window redacted reaches past the cut by the longest
    /// form.
    pub fn redact_bounded(&self, text: &str, max_chars: usize) -> String {
        let window = text.char_indices().nth(max_chars.saturating_add(self.longest)).map_or(text, |(at, _)| text.get(..at).unwrap_or(""));
        let redacted = self.redact(window);
        match redacted.char_indices().nth(max_chars) {
            Some((at, _)) => {
                let mut cut = String::from(redacted.get(..at).unwrap_or(""));
                cut.push('…');
                cut
            }
            None if window.len() < text.len() => redacted + "…",
            None => redacted,
        }
    }

    /// Every field of `error` a user can read, redacted: the message and the server's code,
    /// request id, host id and recommendation, each also bounded.
    pub fn redact_error(&self, error: &mut crate::error::DmsError) {
        error.message = self.redact(&error.message);
        error.code = self.redact_bounded(&error.code, MAX_FIELD_CHARS);
        for text in [&mut error.request_id, &mut error.host_id, &mut error.recommend].into_iter().flatten() {
            *text = self.redact_bounded(text, MAX_FIELD_CHARS);
        }
    }
}

/// Longest code, request id, host id or recommendation kept from a server: real ones are
/// tens of characters (a recommendation is a URL).
pub const MAX_FIELD_CHARS: usize = 500;

/// Whether the byte at `at` is a letter or digit (so a match touching it is part of a longer word).
fn is_word_byte(bytes: &[u8], at: Option<usize>) -> bool {
    at.and_then(|at| bytes.get(at)).is_some_and(u8::is_ascii_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "CAIS/Secret+Token=Part/2";

    fn secrets() -> Secrets {
        Secrets::new("LTAIkeyid", &["s3cret/Value+1", TOKEN])
    }

    #[test]
    fn every_form_of_every_secret_is_replaced() {
        let s = secrets();
        for form in [
            "s3cret/Value+1".to_owned(),
            "S3CRET/VALUE+1".into(),
            "s3cret%2FValue%2B1".into(),
            "s3cret%2fvalue%2b1".into(),
            "s3cret%252FValue%252B1".into(),
            "s3cret\\/Value+1".into(),
            TOKEN.into(),
            TOKEN.to_ascii_lowercase(),
            percent_encode(TOKEN),
            percent_encode(&percent_encode(TOKEN)).to_ascii_lowercase(),
            TOKEN.replace('/', "\\/"),
        ] {
            let text = format!("before {form} after");
            assert_eq!(s.redact(&text), "before [redacted] after", "{form}");
            assert_eq!(s.redact(&format!("x{form}y")), "x[redacted]y", "{form} inside a word");
        }
    }

    #[test]
    fn the_key_id_only_as_a_whole_token() {
        let s = Secrets::new("a", &[]);
        assert_eq!(s.redact("a bad answer: a"), "[redacted] bad answer: [redacted]");
        let s = Secrets::new("LTAIkeyid", &[]);
        assert_eq!(s.redact("AccessKeyId=LTAIkeyid&x"), "AccessKeyId=[redacted]&x");
        assert_eq!(s.redact("ltaikeyid."), "[redacted].");
        assert_eq!(s.redact("xLTAIkeyid LTAIkeyid2"), "xLTAIkeyid LTAIkeyid2");
    }

    #[test]
    fn overlapping_and_repeated_matches() {
        let s = Secrets::new("", &["abcabc", "cab"]);
        assert_eq!(s.redact("abcabcabc"), "[redacted]");
        assert_eq!(s.redact("xcabcabcabx"), "x[redacted]x");
        assert_eq!(s.redact("é abcabc é"), "é [redacted] é");
        assert_eq!(Secrets::new("", &[]).redact("abc"), "abc");
    }

    #[test]
    fn bounded_text_never_shows_the_start_of_a_cut_secret() {
        let s = secrets();
        let text = format!("{}{TOKEN}", "x".repeat(20));
        for max in 0..text.len() + 2 {
            let out = s.redact_bounded(&text, max);
            assert!(!out.contains("CAIS"), "{max}: {out}");
            assert!(out.chars().count() <= max + 1, "{max}: {out}");
        }
        assert_eq!(s.redact_bounded("short", 10), "short");
    }

    #[test]
    fn errors_are_redacted_field_by_field() {
        let mut error = crate::error::DmsError::client("Code.s3cret/Value+1", format!("see {TOKEN}"));
        error.request_id = Some(percent_encode(TOKEN));
        error.host_id = Some("LTAIkeyid".into());
        error.recommend = Some(format!("https://x/?t={}", percent_encode(&percent_encode(TOKEN))));
        secrets().redact_error(&mut error);
        assert_eq!(error.code, "Code.[redacted]");
        assert_eq!(error.message, "see [redacted]");
        assert_eq!(error.request_id.as_deref(), Some("[redacted]"));
        assert_eq!(error.host_id.as_deref(), Some("[redacted]"));
        assert_eq!(error.recommend.as_deref(), Some("https://x/?t=[redacted]"));
        assert_eq!(format!("{:?}", secrets()), "Secrets([redacted])");
    }
}
