//! A small JSON reader that keeps numbers as their source text.
//!
//! DMS ids are int64; a parser that turns numbers into `f64` (as `JSON.parse` and most
//! readers do) silently rounds ids above 2^53. Keeping the literal lets the caller decide:
//! ids become strings, small numbers become numbers. It is also much smaller in wasm than a
//! general-purpose JSON crate, and it is total: any input gives a value or an error, with
//! nesting bounded so a hostile body cannot exhaust the stack. An object that repeats a key
//! is refused: readers disagree on which copy wins (`JSON.parse` takes the last, a lookup
//! may take the first), and an answer that says `Success` twice says nothing reliable.

/// A parsed JSON value. Objects keep their members in source order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number exactly as written (validated against the JSON grammar).
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `name` of an object (keys are unique: the parser refuses repeats).
    pub fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(key, _)| key == name).map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// A string member, or a number member as its literal (servers are inconsistent about
    /// which of the two they send for ids and versions).
    pub fn text(&self) -> Option<&str> {
        match self {
            Json::String(text) | Json::Number(text) => Some(text),
            _ => None,
        }
    }
}

impl Json {
    /// Writes the value as JSON text (numbers as their literal, members in order).
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
            Json::Number(literal) => out.push_str(literal),
            Json::String(text) => push_string(out, text),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    push_string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// `text` as a JSON string: `"` and `\` and control characters escaped, runs of other
/// characters copied whole.
pub fn push_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (index, &byte) in text.as_bytes().iter().enumerate() {
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            continue;
        }
        // Escaped bytes are ASCII, so both ends of the run are character boundaries.
        if let Some(run) = text.get(start..index) {
            out.push_str(run);
        }
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0x0f)]));
            }
        }
        start = index + 1;
    }
    if let Some(run) = text.get(start..) {
        out.push_str(run);
    }
    out.push('"');
}

/// Objects up to this many keys are checked for repeats by a scan as each key is read (DMS
/// objects have a few dozen); larger ones once more when they end, by sorting their keys, so
/// a hostile body is not quadratic.
const SCAN_KEYS_UP_TO: usize = 256;

/// Whether two members of `members` share a key (sorted with the signatures' sort, so the
/// module holds one copy of it).
fn has_repeated_key(members: &[(String, Json)]) -> bool {
    let mut keys: Vec<(&str, &str)> = members.iter().map(|(key, _)| (key.as_str(), "")).collect();
    crate::signing::sort_by_name(&mut keys);
    keys.windows(2).any(|pair| matches!(pair, [a, b] if a.0 == b.0))
}

/// Why a text is not JSON; the byte offset helps nobody but tests, so it is all we keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
}

/// Deep enough for any DMS answer, shallow enough for a small wasm stack.
const MAX_DEPTH: usize = 64;

pub fn parse(text: &str) -> Result<Json, ParseError> {
    let mut reader = Reader { text, bytes: text.as_bytes(), pos: 0 };
    // A UTF-8 byte-order mark is not JSON, but proxies add it; skipping it costs nothing.
    if text.starts_with('\u{feff}') {
        reader.pos = 3;
    }
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos == reader.bytes.len() {
        Ok(value)
    } else {
        Err(reader.error())
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self) -> ParseError {
        ParseError { offset: self.pos }
    }

    // Called for every byte; opt-level "z" would otherwise keep it a call.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, literal: &str, value: Json) -> Result<Json, ParseError> {
        if self.bytes.get(self.pos..self.pos + literal.len()) == Some(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(value)
        } else {
            Err(self.error())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') if depth < MAX_DEPTH => self.object(depth + 1),
            Some(b'[') if depth < MAX_DEPTH => self.array(depth + 1),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.expect_literal("true", Json::Bool(true)),
            Some(b'f') => self.expect_literal("false", Json::Bool(false)),
            Some(b'n') => self.expect_literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error());
            }
            let key_at = self.pos;
            let key = self.string()?;
            if members.len() < SCAN_KEYS_UP_TO && members.iter().any(|(existing, _)| *existing == key) {
                return Err(ParseError { offset: key_at });
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error());
            }
            self.pos += 1;
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    if members.len() > SCAN_KEYS_UP_TO && has_repeated_key(&members) {
                        return Err(self.error());
                    }
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        let literal = self.text.get(start..self.pos).ok_or_else(|| self.error())?;
        Ok(Json::Number(literal.into()))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(d @ b'0'..=b'9') => d - b'0',
                Some(d @ b'a'..=b'f') => d - b'a' + 10,
                Some(d @ b'A'..=b'F') => d - b'A' + 10,
                _ => return Err(self.error()),
            };
            value = value * 16 + u32::from(digit);
            self.pos += 1;
        }
        Ok(value)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain characters in one go. The run ends at an ASCII byte, so
            // both ends are char boundaries of the (valid UTF-8) input.
            let run_start = self.pos;
            while matches!(self.peek(), Some(byte) if byte != b'"' && byte != b'\\' && byte >= 0x20) {
                self.pos += 1;
            }
            out.push_str(self.text.get(run_start..self.pos).ok_or_else(|| self.error())?);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = self.peek().ok_or_else(|| self.error())?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            out.push(self.code_point(unit)?);
                        }
                        _ => return Err(ParseError { offset: self.pos - 1 }),
                    }
                }
                // Unescaped control character or end of input.
                _ => return Err(self.error()),
            }
        }
    }

    /// Joins a surrogate pair; a lone surrogate becomes U+FFFD, as `JSON.parse` followed by
    /// UTF-8 encoding would do.
    fn code_point(&mut self, unit: u32) -> Result<char, ParseError> {
        if (0xD800..0xDC00).contains(&unit) && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(combined).unwrap_or('\u{fffd}'));
            }
            self.pos = save;
        }
        Ok(char::from_u32(unit).unwrap_or('\u{fffd}'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_refused_at_any_size() {
        assert!(parse(r#"{"RequestId":"FIRST","Success":true,"RequestId":"SECOND","Success":false}"#).is_err());
        assert!(parse(r#"{"a":{"b":1,"b":2}}"#).is_err());
        assert!(parse(r#"[{"a":1},{"a":2}]"#).is_ok(), "the same key in two objects");
        assert!(parse(r#"{"a":1,"A":2,"a\u0062":3,"ab":4}"#).is_err(), "an escape that spells a repeated key");
        for keys in [SCAN_KEYS_UP_TO - 1, SCAN_KEYS_UP_TO, SCAN_KEYS_UP_TO + 1, 2000] {
            let unique: Vec<String> = (0..keys).map(|i| format!("\"k{i}\":{i}")).collect();
            assert!(parse(&format!("{{{}}}", unique.join(","))).is_ok(), "{keys} keys");
            for repeat in [0, keys / 2, keys - 1] {
                let text = format!("{{{},\"k{repeat}\":0}}", unique.join(","));
                assert!(parse(&text).is_err(), "{keys} keys, k{repeat} again");
            }
        }
    }

    fn num(text: &str) -> Json {
        Json::Number(text.into())
    }

    #[test]
    fn keeps_big_integers_exact() {
        let value = parse(r#"{"Id":9223372036854775807,"DagId":"9007199254740993","X":-0.5e-3}"#).unwrap();
        assert_eq!(value.get("Id"), Some(&num("9223372036854775807")));
        assert_eq!(value.get("DagId").and_then(Json::as_str), Some("9007199254740993"));
        assert_eq!(value.get("X"), Some(&num("-0.5e-3")));
    }

    #[test]
    fn parses_a_dms_answer() {
        let value = parse(
            "\u{feff} {\"RequestId\": \"A1\", \"Success\": true, \"ErrorCode\": \"UnknownError\",\n \"List\": [1, null, false, {}]}\r\n",
        )
        .unwrap();
        assert_eq!(value.get("Success").and_then(Json::as_bool), Some(true));
        assert_eq!(
            value.get("List"),
            Some(&Json::Array(vec![num("1"), Json::Null, Json::Bool(false), Json::Object(vec![])]))
        );
    }

    #[test]
    fn decodes_escapes() {
        let value = parse(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00\ud800x""#).unwrap();
        assert_eq!(value, Json::String("a\"b\\c/d\u{8}\u{c}\n\r\té中😀\u{fffd}x".into()));
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            " ",
            "<html><body>502 Bad Gateway</body></html>",
            "{\"RequestId\":\"A",
            "{\"a\":1,}",
            "[1,]",
            "{'a':1}",
            "01",
            "1.",
            "-",
            "1e",
            "+1",
            ".5",
            "tru",
            "nul",
            "\"\\x\"",
            "\"\\u12\"",
            "\"tab\there\"",
            "{} {}",
            "{\"a\" 1}",
            "NaN",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let too_deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&too_deep).is_err());
        let hostile = "[".repeat(1_000_000);
        assert!(parse(&hostile).is_err());
    }

    #[test]
    fn never_panics_on_arbitrary_input() {
        // A cheap deterministic fuzz pass (xorshift), biased toward JSON's own characters.
        let alphabet: Vec<char> = "{}[]\":,\\ntrufalse0123456789-+.eE \u{e9}\u{4e2d}u".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&text);
        }
    }
}
