//! Number parsing as the sorted set commands do it: C's `strtod` (decimal and
//! hexadecimal forms, `inf`/`infinity`, `nan`), then Redis's checks, which
//! differ between scores (`getDoubleFromObject`) and range bounds
//! (`zslParseRange`).

/// What C's `strtod` makes of the start of `s`: the value, how many bytes it
/// used (0: no number), and whether it set ERANGE to underflow to zero or
/// overflow to infinity.
pub(super) fn strtod(s: &[u8]) -> (f64, usize, bool) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let negative = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let sign = if negative { -1.0 } else { 1.0 };
    let rest = &s[i..];
    let starts =
        |word: &[u8]| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    if starts(b"infinity") {
        return (sign * f64::INFINITY, i + 8, false);
    }
    if starts(b"inf") {
        return (sign * f64::INFINITY, i + 3, false);
    }
    if starts(b"nan") {
        let mut end = i + 3;
        if s.get(end) == Some(&b'(') {
            if let Some(close) = s[end..].iter().position(|&c| c == b')') {
                if s[end + 1..end + close].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    end += close + 1;
                }
            }
        }
        return (f64::NAN, end, false);
    }
    if starts(b"0x") && rest.get(2).is_some_and(|c| c.is_ascii_hexdigit() || *c == b'.') {
        if let Some((v, used, nonzero)) = hex(&rest[2..]) {
            return finish(sign * v, i + 2 + used, nonzero);
        }
    }
    let digits = |from: usize| s[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int_len = digits(i);
    let mut end = i + int_len;
    let mut frac_len = 0;
    if s.get(end) == Some(&b'.') {
        frac_len = digits(end + 1);
        if int_len + frac_len > 0 {
            end += 1 + frac_len;
        }
    }
    if int_len + frac_len == 0 {
        return (0.0, 0, false);
    }
    let nonzero = s[i..end].iter().any(|c| (b'1'..=b'9').contains(c));
    if matches!(s.get(end), Some(b'e' | b'E')) {
        let mut e = end + 1;
        if matches!(s.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let exp_len = digits(e);
        if exp_len > 0 {
            end = e + exp_len;
        }
    }
    let text = std::str::from_utf8(&s[i..end]).expect("ASCII");
    let v: f64 = text.parse().unwrap_or(0.0);
    finish(sign * v, end, nonzero)
}

/// A parsed value with its ERANGE status: infinite from finite digits, or
/// zero from non-zero digits.
fn finish(v: f64, used: usize, nonzero: bool) -> (f64, usize, bool) {
    (v, used, v.is_infinite() || (v == 0.0 && nonzero))
}

/// The hexadecimal float after `0x` (`h.hp±d`): value, bytes used, and
/// whether any digit was non-zero.
fn hex(s: &[u8]) -> Option<(f64, usize, bool)> {
    let mut mantissa: u64 = 0;
    let mut exp: i64 = 0;
    let mut i = 0;
    let mut any = false;
    let mut after_point = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !after_point {
            after_point = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            any = true;
            if mantissa >> 56 == 0 {
                mantissa = mantissa << 4 | d as u64;
                if after_point {
                    exp -= 4;
                }
            } else if !after_point {
                exp += 4;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !any {
        return None;
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let mut e = i + 1;
        let neg = s.get(e) == Some(&b'-');
        if matches!(s.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let n = s[e..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n > 0 {
            let p: i64 =
                s[e..e + n].iter().fold(0i64, |a, &c| (a * 10 + (c - b'0') as i64).min(1 << 20));
            exp += if neg { -p } else { p };
            i = e + n;
        }
    }
    let v = mantissa as f64 * 2f64.powi(exp.clamp(-2000, 2000) as i32);
    Some((v, i, mantissa != 0))
}

/// A score or weight as Redis's `getDoubleFromObject` takes it: all of the
/// argument is a `strtod` number, no leading space, no overflow or underflow
/// to zero, not NaN.
pub fn parse_score(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || arg[0].is_ascii_whitespace() || arg[0] == 0x0b {
        return None;
    }
    let (v, used, erange) = strtod(arg);
    (used == arg.len() && !erange && !v.is_nan()).then_some(v)
}

/// A range bound's number as `zslParseRange` takes it: `strtod` up to a NUL
/// byte or the end, leading space allowed, no range check, not NaN. The empty
/// string is 0.
pub fn parse_bound_number(arg: &[u8]) -> Option<f64> {
    let text = arg.split(|&b| b == 0).next().unwrap_or_default();
    let (v, used, _) = strtod(text);
    let rest = &text[used..];
    // strtod parsed nothing: the end pointer is the start of the text.
    let complete = if used == 0 { text.is_empty() } else { rest.is_empty() };
    (complete && !v.is_nan()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_like_get_double_from_object() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"+Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_score(b"1e"), None);
        assert_eq!(parse_score(b"1e400"), None);
        assert_eq!(parse_score(b"1e-400"), None);
        assert_eq!(parse_score(b"4.9e-324"), Some(4.9e-324));
        assert_eq!(parse_score(b"0e-400"), Some(0.0));
        assert_eq!(parse_score(b" 1"), None);
        assert_eq!(parse_score(b"1 "), None);
        assert_eq!(parse_score(b""), None);
        assert_eq!(parse_score(b"nan"), None);
        assert_eq!(parse_score(b"1\x002"), None);
        assert_eq!(parse_score(b".5"), Some(0.5));
        assert_eq!(parse_score(b"5."), Some(5.0));
        assert_eq!(parse_score(b"."), None);
        assert_eq!(parse_score(b"-"), None);
    }

    #[test]
    fn bounds_like_zsl_parse_range() {
        assert_eq!(parse_bound_number(b""), Some(0.0));
        assert_eq!(parse_bound_number(b" 1"), Some(1.0));
        assert_eq!(parse_bound_number(b"1e400"), Some(f64::INFINITY));
        assert_eq!(parse_bound_number(b"1\x00junk"), Some(1.0));
        assert_eq!(parse_bound_number(b"1e"), None);
        assert_eq!(parse_bound_number(b"x"), None);
        assert_eq!(parse_bound_number(b" "), None);
        assert_eq!(parse_bound_number(b"nan"), None);
    }
}
