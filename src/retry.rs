//! When to send again, and how long to wait first: pure decisions, so the policy is tested
//! natively; the binding only supplies the clock, the randomness and the timers.

use crate::error::DmsError;

/// Retry settings of a client (`maxAttempts`, `retryBaseDelayMs`, `retryMaxDelayMs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The backoff before the second attempt is drawn from 0..=base, then doubling.
    pub base_delay_ms: u32,
    /// No backoff exceeds this.
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 3, base_delay_ms: 200, max_delay_ms: 5_000 }
    }
}

/// Default time budget of one call, all attempts and backoffs included.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// What to do after attempt number `attempt` (1-based) failed with `error`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait this long, then re-sign (new nonce and timestamp) and send again.
    RetryAfter(f64),
    /// Stop: the error is final.
    GiveUp,
}

/// Retries what the server or network says may pass (throttling, 5xx, network failures,
/// a reused nonce), never the caller's own 4xx or a `Success: false` business answer.
/// `random` is uniform in [0, 1): "full jitter" backoff, `random * min(cap, base * 2^(n-1))`.
pub fn decide(error: &DmsError, attempt: u32, policy: &RetryPolicy, random: f64) -> Decision {
    if !error.retryable || attempt >= policy.max_attempts || error.code == "Timeout" {
        return Decision::GiveUp;
    }
    Decision::RetryAfter(backoff_ms(attempt, policy, random))
}

/// The jittered delay before attempt `attempt + 1`.
pub fn backoff_ms(attempt: u32, policy: &RetryPolicy, random: f64) -> f64 {
    let exponent = attempt.saturating_sub(1).min(30);
    let ceiling = (f64::from(policy.base_delay_ms) * f64::from(1u32 << exponent)).min(f64::from(policy.max_delay_ms));
    let random = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
    (random * ceiling).floor()
}

/// The clock offset (server minus local, in ms) to learn from an `InvalidTimeStamp.Expired`
/// answer: from its `Date` header, unless an `Age` header says a cache served it (then the
/// date is not the server's now). `None` when there is nothing trustworthy to learn.
pub fn clock_offset_ms(date_header: Option<&str>, age_header: Option<&str>, local_now_ms: f64) -> Option<f64> {
    if age_header.is_some() {
        return None;
    }
    let server_seconds = parse_http_date(date_header?)?;
    // The Date header has second precision; aim at the middle of that second.
    Some(server_seconds as f64 * 1000.0 + 500.0 - local_now_ms)
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form HTTP servers are
/// allowed to send, into seconds since the epoch. Only a real instant passes: the day exists
/// in its month, the weekday is that day's, and the time is at most 23:59:59 (a leap second
/// is refused: a clock learned from it would be a second off at best). Anything else is not
/// the server's clock, and learning it would sign every later request for the wrong time.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const WEEKDAYS: &[u8; 21] = b"ThuFriSatSunMonTueWed"; // 1970-01-01 was a Thursday
    let b = text.trim().as_bytes();
    if b.len() != 29 || b.get(3..5) != Some(b", ".as_slice()) || b.get(25..29) != Some(b" GMT".as_slice()) {
        return None;
    }
    if b.get(7) != Some(&b' ') || b.get(11) != Some(&b' ') || b.get(16) != Some(&b' ') || b.get(19) != Some(&b':') || b.get(22) != Some(&b':') {
        return None;
    }
    let number = |range: core::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |n, d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
    };
    let day = number(5..7)?;
    let month_name = b.get(8..11)?;
    let month = (1..=12).zip(b"JanFebMarAprMayJunJulAugSepOctNovDec".chunks(3)).find(|(_, name)| *name == month_name)?.0;
    let year = number(12..16)?;
    let (hour, minute, second) = (number(17..19)?, number(20..22)?, number(23..25)?);
    let month_days = crate::timestamp::days_in_month(u32::try_from(year).ok()?, u32::try_from(month).ok()?);
    if day < 1 || day > i64::from(month_days) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = crate::timestamp::days_from_civil(year, month, day);
    let weekday = usize::try_from(days.rem_euclid(7)).ok()? * 3;
    if b.get(0..3) != WEEKDAYS.get(weekday..weekday + 3) {
        return None;
    }
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    fn error(code: &str, status: Option<u16>, retryable: bool) -> DmsError {
        DmsError { status, retryable, ..DmsError::client(code, String::new()) }
    }

    #[test]
    fn retries_only_what_may_pass() {
        let policy = RetryPolicy::default();
        for (code, status) in [("Throttling.User", 400), ("InternalError", 500), ("BadGateway", 502), ("ServiceUnavailable", 503)] {
            let err = error(code, Some(status), crate::error::is_retryable(code, status));
            assert!(matches!(decide(&err, 1, &policy, 0.5), Decision::RetryAfter(_)), "{code}");
        }
        assert!(matches!(decide(&error(codes::NETWORK_ERROR, None, true), 1, &policy, 0.5), Decision::RetryAfter(_)));
        for (code, status) in [("SignatureDoesNotMatch", 400), ("InvalidStatus", 200), ("InvalidAccessKeyId.NotFound", 404)] {
            let err = error(code, Some(status), crate::error::is_retryable(code, status));
            assert_eq!(decide(&err, 1, &policy, 0.5), Decision::GiveUp, "{code}");
        }
        assert_eq!(decide(&error("Timeout", None, true), 1, &policy, 0.5), Decision::GiveUp);
    }

    #[test]
    fn stops_at_max_attempts() {
        let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        let err = error("Throttling", Some(400), true);
        assert!(matches!(decide(&err, 2, &policy, 0.0), Decision::RetryAfter(_)));
        assert_eq!(decide(&err, 3, &policy, 0.0), Decision::GiveUp);
        let once = RetryPolicy { max_attempts: 1, ..policy };
        assert_eq!(decide(&err, 1, &once, 0.0), Decision::GiveUp);
    }

    #[test]
    fn full_jitter_exponential_and_capped() {
        let policy = RetryPolicy { max_attempts: 10, base_delay_ms: 100, max_delay_ms: 1_000 };
        assert_eq!(backoff_ms(1, &policy, 0.999_999), 99.0);
        assert_eq!(backoff_ms(2, &policy, 0.5), 100.0);
        assert_eq!(backoff_ms(3, &policy, 0.5), 200.0);
        assert_eq!(backoff_ms(5, &policy, 1.0), 1_000.0);
        assert_eq!(backoff_ms(40, &policy, 1.0), 1_000.0);
        assert_eq!(backoff_ms(3, &policy, 0.0), 0.0);
        assert_eq!(backoff_ms(3, &policy, f64::NAN), 0.0);
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Sun, 22 Nov 2026 19:58:26 GMT"), Some(1_795_377_506));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        // The first of every month of 2024, against the day counts and weekdays.
        let mut day = 19_723; // 2024-01-01, a Monday
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        for (month, length) in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].iter().zip([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) {
            let weekday = weekdays[((day - 19_723) % 7) as usize];
            assert_eq!(parse_http_date(&format!("{weekday}, 01 {month} 2024 00:00:00 GMT")), Some(day * 86_400), "{month}");
            day += length;
        }
        assert_eq!(parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"), Some(1_709_251_199));
        for bad in [
            "", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Xyz 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT ", "Mon, 01 jan 2024 00:00:00 GMT",
            // Impossible instants: no 31 February, no 29 February in 2023, a leap second,
            // 24:00, and a weekday that is not the date's.
            "Sun, 31 Feb 2024 23:59:60 GMT", "Sat, 31 Feb 2024 12:00:00 GMT", "Wed, 29 Feb 2023 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:60 GMT",
            "Mon, 07 Nov 1994 24:00:00 GMT", "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn clock_offsets_ignore_cached_answers() {
        let local = 784_111_777_000.0 - 20.0 * 60_000.0; // local clock 20 minutes behind
        let offset = clock_offset_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), None, local).unwrap();
        assert_eq!(offset, 20.0 * 60_000.0 + 500.0);
        assert_eq!(clock_offset_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), Some("120"), local), None);
        assert_eq!(clock_offset_ms(None, None, local), None);
        assert_eq!(clock_offset_ms(Some("garbage"), None, local), None);
    }
}
