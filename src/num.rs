//! The few float operations the core needs, written for `no_std` (core has no `floor` or
//! `fract` on stable Rust without std's math library).

/// 2^52: from here on every finite f64 is an integer.
const INTEGRAL_FROM: f64 = 4_503_599_627_370_496.0;

/// Whether `x` is finite and has no fractional part (`x.fract() == 0.0`).
pub fn is_integral(x: f64) -> bool {
    if !x.is_finite() {
        return false;
    }
    // Below 2^52 in magnitude the conversion to i64 is exact for integers and truncates others.
    x.abs_below(INTEGRAL_FROM).is_none_or(|x| (x as i64) as f64 == x)
}

/// `x.floor()` for finite `x`; NaN and infinities come back unchanged.
pub fn floor(x: f64) -> f64 {
    match x.abs_below(INTEGRAL_FROM) {
        Some(x) => {
            let truncated = (x as i64) as f64;
            if truncated == x {
                x // keeps -0.0, as floor does
            } else if truncated > x {
                truncated - 1.0
            } else {
                truncated
            }
        }
        None => x,
    }
}

trait AbsBelow: Sized {
    /// `Some(self)` when `|self| < limit` (so `self` is finite), else `None`.
    fn abs_below(self, limit: f64) -> Option<Self>;
}

impl AbsBelow for f64 {
    fn abs_below(self, limit: f64) -> Option<f64> {
        (self > -limit && self < limit).then_some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std() {
        let values = [
            0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.0f64.powi(52) - 0.5, -(2.0f64.powi(52) - 0.5), 2.0f64.powi(52), 2.0f64.powi(53) + 2.0,
            -2.0f64.powi(60), 1e300, -1e300, f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 123456.789, -123456.789, 9_007_199_254_740_991.0, 1746000000123.0,
        ];
        for x in values {
            assert_eq!(is_integral(x), x.fract() == 0.0, "is_integral({x})");
            assert_eq!(floor(x).to_bits(), x.floor().to_bits(), "floor({x})");
        }
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(!is_integral(x));
        }
        assert!(floor(f64::NAN).is_nan());
        assert_eq!(floor(f64::INFINITY), f64::INFINITY);
    }
}
