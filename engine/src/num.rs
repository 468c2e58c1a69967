//! Number parsing and formatting with Redis's exact rules.
//!
//! Redis parses integers with `string2ll` (strict: no spaces, no `+`, no leading
//! zeros), doubles with `strtod` (rejecting spaces and NaN), and prints doubles with
//! `%.17g`. Replies must match byte for byte, so these live in one place.

pub use crate::resp::parse::parse_i64_strict;

/// Parses a double as Redis's `string2d`/`getDoubleFromObject` accept it: what
/// `strtod` takes (including `inf`, `-inf`, hex floats excepted), no leading or
/// trailing white space, never NaN.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.is_empty() || s.len() > 5120 {
        return None;
    }
    if s[0].is_ascii_whitespace() || s[s.len() - 1].is_ascii_whitespace() {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let lower = text.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            if lower.contains("inf") || lower.contains("nan") || lower.starts_with("0x") {
                return None;
            }
            text.parse::<f64>().ok()?
        }
    };
    if v.is_nan() {
        None
    } else {
        Some(v)
    }
}

/// Formats a finite double like C's `printf("%.17g", v)`.
pub fn fmt_g17(v: f64) -> String {
    fmt_g(v, 17)
}

/// Formats a finite double like C's `printf("%.<precision>g", v)`.
pub fn fmt_g(v: f64, precision: usize) -> String {
    debug_assert!(v.is_finite());
    let p = precision.max(1);
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Scientific form with p significant digits tells the decimal exponent after
    // rounding, which is what %g uses to choose between the two styles.
    let sci = format!("{:.*e}", p - 1, v);
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    if exp < -4 || exp >= p as i32 {
        let m = trim_fraction_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", m, sign, exp.unsigned_abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim_fraction_zeros(&format!("{:.*}", decimals, v)).to_string()
    }
}

fn trim_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g17_matches_c() {
        assert_eq!(fmt_g17(1.5), "1.5");
        assert_eq!(fmt_g17(0.1), "0.10000000000000001");
        assert_eq!(fmt_g17(3.0), "3");
        assert_eq!(fmt_g17(-2.5), "-2.5");
        assert_eq!(fmt_g17(1e17), "1e+17");
        assert_eq!(fmt_g17(1e16), "10000000000000000");
        assert_eq!(fmt_g17(1.0e-5), "1.0000000000000001e-05");
        assert_eq!(fmt_g17(0.0001), "0.0001");
        assert_eq!(fmt_g17(123456789.125), "123456789.125");
        assert_eq!(fmt_g(1.0 / 3.0, 6), "0.333333");
    }

    #[test]
    fn doubles_parse_like_strtod() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(parse_f64(b"1 "), None);
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_f64(b""), None);
    }
}
