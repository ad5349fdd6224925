//! The `Timestamp` parameter: UTC, second precision, `YYYY-MM-DDThh:mm:ssZ`.

/// Formats whole seconds since the Unix epoch. Years outside 0000..=9999 are clamped, since
/// the gateway would reject them anyway and a formatter must not fail.
pub fn format_utc(epoch_seconds: i64) -> String {
    const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let secs = epoch_seconds.clamp(MIN, MAX);
    let days = secs.div_euclid(86_400);
    let second_of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(20);
    push_digits(&mut out, year as u32, 4);
    out.push('-');
    push_digits(&mut out, month, 2);
    out.push('-');
    push_digits(&mut out, day, 2);
    out.push('T');
    push_digits(&mut out, (second_of_day / 3600) as u32, 2);
    out.push(':');
    push_digits(&mut out, (second_of_day / 60 % 60) as u32, 2);
    out.push(':');
    push_digits(&mut out, (second_of_day % 60) as u32, 2);
    out.push('Z');
    out
}

/// Seconds since the epoch from milliseconds as JS `Date.now()` gives them.
pub fn seconds_from_millis(millis: f64) -> i64 {
    if millis.is_finite() {
        // `as` saturates, so this cannot overflow.
        (millis / 1000.0).floor() as i64
    } else {
        0
    }
}

/// Whether `text` has the exact shape `YYYY-MM-DDThh:mm:ssZ` with in-range fields.
pub fn is_valid(text: &str) -> bool {
    fields(text).is_some()
}

/// Year, month, day, hour, minute and second of a valid `YYYY-MM-DDThh:mm:ssZ`.
fn fields(text: &str) -> Option<[u32; 6]> {
    let b = text.as_bytes();
    if b.len() != 20 {
        return None;
    }
    // Each field's digits, and the separator after them.
    const LAYOUT: [(usize, usize, u8); 6] = [(0, 4, b'-'), (5, 7, b'-'), (8, 10, b'T'), (11, 13, b':'), (14, 16, b':'), (17, 19, b'Z')];
    let mut out = [0u32; 6];
    for (slot, (from, to, separator)) in out.iter_mut().zip(LAYOUT) {
        let digits = b.get(from..to)?;
        if b.get(to) != Some(&separator) || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *slot = digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
    }
    let [year, month, day, hour, minute, second] = out;
    let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) && hour < 24 && minute < 60 && second < 60;
    valid.then_some(out)
}

/// Days in `month` (1-12) of `year`, Gregorian.
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` (what STS returns as `Expiration`; an optional `.fff`
/// fraction is accepted and dropped) into seconds since the epoch.
pub fn parse_utc(text: &str) -> Option<i64> {
    let whole = match text.bytes().position(|b| b == b'.') {
        Some(dot) if text.ends_with('Z') && is_fraction(text.get(dot + 1..text.len() - 1)?) => {
            concat_z(text.get(..dot)?)
        }
        _ => text.to_owned(),
    };
    let [year, month, day, hour, minute, second] = fields(&whole)?.map(i64::from);
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn is_fraction(digits: &str) -> bool {
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn concat_z(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(text);
    out.push('Z');
    out
}

/// Howard Hinnant's `days_from_civil`: the day count of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        out.push(char::from(b'0' + (value / divisor % 10) as u8));
        divisor /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_456_231_584), "2016-02-23T12:46:24Z");
        assert_eq!(format_utc(1_698_315_752), "2023-10-26T10:22:32Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn clamps_instead_of_failing() {
        assert_eq!(format_utc(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(format_utc(i64::MIN), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn millis_to_seconds_truncates_toward_the_past() {
        assert_eq!(seconds_from_millis(1_698_315_752_999.0), 1_698_315_752);
        assert_eq!(seconds_from_millis(f64::NAN), 0);
        assert_eq!(seconds_from_millis(f64::INFINITY), 0);
    }

    #[test]
    fn validates_shape_and_ranges() {
        assert!(is_valid("2023-10-26T10:22:32Z"));
        assert!(is_valid("2024-02-29T23:59:59Z"));
        for bad in [
            "",
            "2023-10-26T10:22:32",
            "2023-10-26 10:22:32Z",
            "2023-10-26T10:22:32.000Z",
            "2023-13-26T10:22:32Z",
            "2023-02-29T10:22:32Z",
            "2023-10-26T24:00:00Z",
            "2023-10-26T10:60:00Z",
            "２023-10-26T10:22:32Z",
            "2023-10-26T10:22:3Z ",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn parses_what_it_formats() {
        assert_eq!(parse_utc("2023-10-26T10:22:32Z"), Some(1_698_315_752));
        assert_eq!(parse_utc("2023-10-26T10:22:32.123Z"), Some(1_698_315_752));
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        for bad in ["2023-10-26T10:22:32", "2023-10-26T10:22:32.Z", "2023-10-26T10:22:32.1x2Z", "", "."] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let mut secs = -2_208_988_800i64; // 1900-01-01
        while secs < 10_413_792_000 {
            assert_eq!(parse_utc(&format_utc(secs)), Some(secs), "{secs}");
            secs += 86_400 * 7 + 3_661;
        }
    }
}
