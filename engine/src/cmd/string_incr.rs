//! Counters over string values: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
//!
//! Integer counters store `Value::Int` and keep the key's TTL, as Redis does.
//!
//! INCRBYFLOAT in Redis parses both numbers with `strtold` into an x87 long
//! double (64-bit mantissa), adds them, and stores `%.17Lf` with trailing zeros
//! removed, as an embstr. Rust has no long double, so this file carries the little
//! of one it needs ([`Ld`]): decimal to long double with correct rounding (the
//! mantissa cut to 36 significant digits first), addition rounded to nearest even,
//! and exact `%.17Lf` printing. Replies then match Redis bit for bit, long double
//! noise included ("1000.1" + "0.1" gives "1000.19999999999999996" in both).
//! Numbers that do not fit that path (|x| >= 2^128, or more than 38 decimals
//! below the point) are read as f64 and the sum is printed as the shortest
//! decimal that reads back, in plain form, cut to 17 decimals; and numbers beyond
//! f64's range but within long double's (1e400) overflow here where Redis takes
//! them.

use super::string::lookup_write;
use crate::command::{Args, Ctx};
use crate::keyspace::{SmallBytes, Value};
use crate::num::parse_i64_strict;

/// INCR key.
pub(super) fn incr(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    incr_by(ctx, args.get(1), 1);
}

/// DECR key.
pub(super) fn decr(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    incr_by(ctx, args.get(1), -1);
}

/// INCRBY key increment.
pub(super) fn incrby(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match parse_i64_strict(args.get(2)) {
        Some(delta) => incr_by(ctx, args.get(1), delta),
        None => ctx.out.not_integer(),
    }
}

/// DECRBY key decrement.
pub(super) fn decrby(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match parse_i64_strict(args.get(2)) {
        Some(i64::MIN) => ctx.out.error("ERR decrement would overflow"),
        Some(delta) => incr_by(ctx, args.get(1), -delta),
        None => ctx.out.not_integer(),
    }
}

/// Adds `delta` to the integer at `key` (0 when absent), keeping its TTL.
fn incr_by(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) {
    let lru = ctx.lru_s;
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        out.int(delta);
        ctx.db().set(key, Value::Int(delta), None, lru);
        return;
    };
    let current = match &e.value {
        Value::Int(n) => Some(*n),
        other => match other.as_str() {
            Some(s) => parse_i64_strict(s.as_bytes()),
            None => return out.wrong_type(),
        },
    };
    let Some(current) = current else {
        return out.not_integer();
    };
    let Some(new) = current.checked_add(delta) else {
        return out.error("ERR increment or decrement would overflow");
    };
    e.value = Value::Int(new);
    out.int(new);
}

/// INCRBYFLOAT key increment.
pub(super) fn incrbyfloat(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (key, incr) = (args.get(1), args.get(2));
    let lru = ctx.lru_s;
    let (found, out) = lookup_write(ctx, key);
    let current = match &found {
        None => Some(LdNum::ZERO),
        Some(e) => match e.value.as_str() {
            Some(s) => LdNum::parse(s.as_bytes()),
            None => return out.wrong_type(),
        },
    };
    let (Some(current), Some(incr)) = (current, LdNum::parse(incr)) else {
        return out.error("ERR value is not a valid float");
    };
    let Some(text) = current.add(&incr) else {
        return out.error("ERR increment would produce NaN or Infinity");
    };
    out.bulk(text.as_bytes());
    let value = Value::Str(SmallBytes::from_vec(text.into_bytes()));
    match found {
        Some(e) => e.value = value,
        None => {
            ctx.db().set(key, value, None, lru);
        }
    }
}

/// Longest number `strtold` is given by Redis (`MAX_LONG_DOUBLE_CHARS`).
const MAX_FLOAT_CHARS: usize = 5 * 1024;
/// Decimal places Redis prints (`%.17Lf`).
const PRINTED_DECIMALS: u32 = 17;
/// Significant digits of a decimal kept when converting it to a long double: far
/// more than its 64-bit mantissa can tell apart.
const KEPT_DIGITS: usize = 36;
/// Decimal exponents beyond which long double overflows or underflows to zero
/// (Redis refuses those as not a valid float).
const LD_MAX_EXP10: i64 = 4932;
const LD_MIN_EXP10: i64 = -4951;

/// A finite x87 long double, `(-1)^neg * m * 2^e`, with `m` normalized (top bit
/// set) unless the value is zero. Enough of the type to add and print like Redis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ld {
    neg: bool,
    m: u64,
    e: i32,
}

impl Ld {
    const ZERO: Ld = Ld { neg: false, m: 0, e: 0 };

    /// `x * 2^e` rounded to a 64-bit mantissa, ties to even; `sticky` says that
    /// nonzero bits below `x` were dropped (then `x` must have more than 65 bits).
    fn round(neg: bool, x: u128, e: i32, sticky: bool) -> Ld {
        if x == 0 {
            return Ld::ZERO;
        }
        let bits = 128 - x.leading_zeros();
        if bits <= 64 {
            debug_assert!(!sticky);
            let shift = 64 - bits;
            return Ld { neg, m: (x << shift) as u64, e: e - shift as i32 };
        }
        let shift = bits - 64;
        let mut m = x >> shift;
        let rem = x & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rem > half || (rem == half && (sticky || m & 1 == 1)) {
            m += 1;
        }
        let mut e = e + shift as i32;
        if m >> 64 != 0 {
            m >>= 1;
            e += 1;
        }
        Ld { neg, m: m as u64, e }
    }

    /// The long double nearest to `units * 10^exp10` (as `strtold` rounds), when
    /// it is below 2^128 and `exp10 >= -38`.
    fn from_decimal(neg: bool, units: u128, exp10: i64) -> Option<Ld> {
        if units == 0 {
            return Some(Ld::ZERO);
        }
        if exp10 >= 0 {
            let int = units.checked_mul(10u128.checked_pow(u32::try_from(exp10).ok()?)?)?;
            return Some(Ld::round(neg, int, 0, false));
        }
        let div = 10u128.checked_pow(u32::try_from(-exp10).ok()?)?;
        // div <= 10^38 < 2^127, so the remainder doubled below never overflows.
        debug_assert!(div >> 127 == 0);
        // Long division, one binary digit at a time, until 66 bits are known.
        let (mut q, mut r, mut e) = (units / div, units % div, 0i32);
        while q >> 65 == 0 {
            r <<= 1;
            q = (q << 1) | (r >= div) as u128;
            if r >= div {
                r -= div;
            }
            e -= 1;
        }
        Some(Ld::round(neg, q, e, r != 0))
    }

    /// The long double equal to `v` (every finite f64 is one).
    fn from_f64(v: f64) -> Option<Ld> {
        if !v.is_finite() {
            return None;
        }
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) };
        Some(Ld::round(v.is_sign_negative(), m as u128, e, false))
    }

    /// The sum, rounded to nearest even as the FPU does.
    fn add(self, other: Ld) -> Ld {
        if self.m == 0 {
            return other;
        }
        if other.m == 0 {
            return self;
        }
        let (big, small) =
            if (self.e, self.m) >= (other.e, other.m) { (self, other) } else { (other, self) };
        // Put `big` 62 bits up so that `small` keeps 62 bits below it; what falls
        // off further is a sticky bit.
        let diff = (big.e - small.e) as u32;
        let x = (big.m as u128) << 62;
        let (y, sticky) = match diff {
            0..=62 => ((small.m as u128) << (62 - diff), false),
            63..=126 => {
                let (m, shift) = (small.m as u128, diff - 62);
                (m >> shift, m & ((1u128 << shift) - 1) != 0)
            }
            _ => (0, true),
        };
        let e = big.e - 62;
        if big.neg == small.neg {
            return Ld::round(big.neg, x + y, e, sticky);
        }
        // x - y - (a fraction when sticky) = (x - y - 1) + (1 - fraction).
        let v = x - y - sticky as u128;
        Ld::round(big.neg, v, e, sticky)
    }

    /// `%.17Lf` with trailing zeros (and a bare point) removed, "-0" as "0"; None
    /// when the value is 2^128 or more.
    fn to_text(self) -> Option<String> {
        if self.e >= 0 {
            // An integer; m < 2^64 so a shift up to 64 fits.
            let int = if self.e <= 64 {
                (self.m as u128) << self.e
            } else {
                return None;
            };
            let sign = if self.neg && int != 0 { "-" } else { "" };
            return Some(format!("{sign}{int}"));
        }
        // m * 10^17 < 2^121: the value in units of 1e-17, rounded half to even.
        let x = self.m as u128 * 10u128.pow(PRINTED_DECIMALS);
        let shift = self.e.unsigned_abs();
        let units = if shift >= 122 {
            0
        } else {
            let (q, rem, half) = (x >> shift, x & ((1u128 << shift) - 1), 1u128 << (shift - 1));
            q + (rem > half || (rem == half && q & 1 == 1)) as u128
        };
        Some(fixed_text(self.neg, units))
    }
}

/// Prints `units` × 10^-17 in plain form without trailing zeros, never "-0".
fn fixed_text(neg: bool, units: u128) -> String {
    let pow = 10u128.pow(PRINTED_DECIMALS);
    let sign = if neg && units != 0 { "-" } else { "" };
    let frac = format!("{:0width$}", units % pow, width = PRINTED_DECIMALS as usize);
    let frac = frac.trim_end_matches('0');
    let point = if frac.is_empty() { "" } else { "." };
    format!("{sign}{}{point}{frac}", units / pow)
}

/// A number as INCRBYFLOAT reads it: as f64, and as a long double when finite.
#[derive(Clone, Copy, Debug)]
struct LdNum {
    approx: f64,
    ld: Option<Ld>,
}

impl LdNum {
    const ZERO: LdNum = LdNum { approx: 0.0, ld: Some(Ld::ZERO) };

    /// Parses `s` as Redis's `string2ld` accepts it: what `strtold` reads (decimal,
    /// hex, inf/infinity), all of `s`, no leading space, not NaN, not out of long
    /// double's range.
    fn parse(s: &[u8]) -> Option<LdNum> {
        if s.is_empty() || s.len() >= MAX_FLOAT_CHARS || is_c_space(s[0]) {
            return None;
        }
        let (neg, body) = match s[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let sign = if neg { -1.0 } else { 1.0 };
        if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            return Some(LdNum { approx: sign * f64::INFINITY, ld: None });
        }
        if body.len() > 2 && body[0] == b'0' && (body[1] | 0x20) == b'x' {
            let approx = sign * parse_hex(&body[2..])?;
            return Some(LdNum { approx, ld: Ld::from_f64(approx) });
        }
        let (units, exp10) = parse_decimal(body)?;
        // The grammar was checked: ASCII that Rust's parser reads the same way.
        let approx: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
        let ld = Ld::from_decimal(neg, units, exp10).or_else(|| Ld::from_f64(approx));
        Some(LdNum { approx, ld })
    }

    /// The sum as Redis prints it, or None when it is not finite.
    fn add(&self, other: &LdNum) -> Option<String> {
        let approx = self.approx + other.approx;
        if !approx.is_finite() {
            return None;
        }
        let exact = match (self.ld, other.ld) {
            (Some(a), Some(b)) => a.add(b).to_text(),
            _ => None,
        };
        Some(exact.unwrap_or_else(|| format_f64(approx)))
    }
}

/// C's `isspace`.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Splits the digits (in `radix`) at the start of `s` from the rest.
fn split_digits(s: &[u8], radix: u32) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|c| (**c as char).is_digit(radix)).count();
    s.split_at(n)
}

/// Splits `int[.frac]` (digits in `radix`, at least one) from the rest.
fn split_mantissa(s: &[u8], radix: u32) -> Option<(&[u8], &[u8], &[u8])> {
    let (int, rest) = split_digits(s, radix);
    let (frac, rest) = match rest.first() {
        Some(b'.') => split_digits(&rest[1..], radix),
        _ => (&rest[..0], rest),
    };
    (!int.is_empty() || !frac.is_empty()).then_some((int, frac, rest))
}

/// Reads an optional exponent `<marker>[+-]digits` that must end the input,
/// saturating its value.
fn parse_exponent(s: &[u8], marker: u8) -> Option<i64> {
    let Some((&c, s)) = s.split_first() else {
        return Some(0);
    };
    if c | 0x20 != marker {
        return None;
    }
    let (neg, rest) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (digits, rest) = split_digits(rest, 10);
    if digits.is_empty() || !rest.is_empty() {
        return None;
    }
    let v = digits.iter().fold(0i64, |acc, d| (acc * 10 + (d - b'0') as i64).min(1 << 40));
    Some(if neg { -v } else { v })
}

/// Reads an unsigned decimal `digits[.digits][e[+-]digits]` as `units * 10^exp10`,
/// keeping [`KEPT_DIGITS`] significant digits. None when invalid or out of
/// long double's range.
fn parse_decimal(body: &[u8]) -> Option<(u128, i64)> {
    let (int, frac, rest) = split_mantissa(body, 10)?;
    let exp = parse_exponent(rest, b'e')?;
    let digits = || int.iter().chain(frac);
    let lead = digits().take_while(|&&c| c == b'0').count();
    let sig_len = int.len() + frac.len() - lead;
    if sig_len == 0 {
        return Some((0, 0));
    }
    let kept = sig_len.min(KEPT_DIGITS);
    let units = digits().skip(lead).take(kept).fold(0u128, |acc, d| acc * 10 + (d - b'0') as u128);
    // The digit after the last kept one sits at 10^exp10.
    let exp10 = exp - frac.len() as i64 + (sig_len - kept) as i64;
    let lead_exp10 = exp10 + kept as i64 - 1;
    (LD_MIN_EXP10..=LD_MAX_EXP10).contains(&lead_exp10).then_some((units, exp10))
}

/// Reads an unsigned hex float after its `0x`: `hex[.hex][p[+-]digits]`.
fn parse_hex(s: &[u8]) -> Option<f64> {
    let (int, frac, rest) = split_mantissa(s, 16)?;
    let exp = parse_exponent(rest, b'p')?;
    let mantissa = int
        .iter()
        .chain(frac)
        .fold(0.0f64, |acc, &d| acc * 16.0 + (d as char).to_digit(16).unwrap_or(0) as f64);
    let exp2 = (exp - 4 * frac.len() as i64).clamp(-100_000, 100_000) as i32;
    Some(mantissa * 2f64.powi(exp2))
}

/// Prints an f64 sum too large for the long double path: the shortest decimal
/// that reads back, in plain form, cut to 17 decimals.
fn format_f64(v: f64) -> String {
    let shortest = format!("{v}");
    let decimals = shortest.split_once('.').map_or(0, |(_, f)| f.len());
    let s = if decimals > PRINTED_DECIMALS as usize {
        let fixed = format!("{:.*}", PRINTED_DECIMALS as usize, v);
        fixed.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        shortest
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(a: &str, b: &str) -> Option<String> {
        LdNum::parse(a.as_bytes()).unwrap().add(&LdNum::parse(b.as_bytes()).unwrap())
    }

    #[test]
    fn float_sums_print_like_redis() {
        // Every expected value below is what redis-server 7.0 replied.
        let cases = [
            ("10.5", "0.1", "10.6"),
            ("1000.1", "0.1", "1000.19999999999999996"),
            ("0.1", "0.1", "0.2"),
            ("0.2", "0.1", "0.3"),
            ("0.3", "0.1", "0.4"),
            ("3.0e3", "0", "3000"),
            ("5.0e3", "0", "5000"),
            ("1", "0x10", "17"),
            ("17", "0x1p4", "33"),
            ("33", "1.e1", "43"),
            ("43", "+.5", "43.5"),
            ("1e20", "1.5", "100000000000000000000"),
            ("123456789.123", "1", "123456790.12299999999959255"),
            ("1", "0.3333333333333333333333", "1.33333333333333333"),
            ("17179869184", "1.5", "17179869185.5"),
            ("17179869185.5", "-1e-30", "17179869185.5"),
            ("-0.00000000000000000001", "0", "0"),
            ("100.01", "0.01", "100.02"),
            ("100.02", "1.0e1", "110.02"),
            ("0", "1.5", "1.5"),
        ];
        for (a, b, want) in cases {
            assert_eq!(sum(a, b).as_deref(), Some(want), "{a} + {b}");
        }
        assert_eq!(sum("1", "1e-400").as_deref(), Some("1"));
        assert_eq!(sum("1", "inf"), None);
        assert_eq!(sum("-infinity", "1"), None);
    }

    #[test]
    fn float_parse_follows_string2ld() {
        let bad = [
            "", " 1", "1 ", "\x0b1", "nan", "-nan", "1e", "1e+", ".", "e5", "0x", "0x1p", "1\x002",
            "abc", "1e5000", "1e-5000", "infinit", "--1",
        ];
        for s in bad {
            assert!(LdNum::parse(s.as_bytes()).is_none(), "{s:?}");
        }
        assert!(LdNum::parse(&[b'1'; MAX_FLOAT_CHARS]).is_none());
        assert_eq!(LdNum::parse(b"0x.8").unwrap().approx, 0.5);
        assert_eq!(LdNum::parse(b"INF").unwrap().approx, f64::INFINITY);
        assert_eq!(parse_decimal(b"0012.500e1"), Some((12500, -2)));
    }

    #[test]
    fn long_double_rounding() {
        // 0.1 as an x87 long double: 0xCCCCCCCCCCCCCCCD * 2^-67.
        assert_eq!(
            Ld::from_decimal(false, 1, -1),
            Some(Ld { neg: false, m: 0xCCCC_CCCC_CCCC_CCCD, e: -67 })
        );
        assert_eq!(Ld::from_f64(1.0), Some(Ld { neg: false, m: 1 << 63, e: -63 }));
        let one = Ld::from_f64(1.0).unwrap();
        let minus_one = Ld::from_f64(-1.0).unwrap();
        assert_eq!(one.add(minus_one).to_text().as_deref(), Some("0"));
        assert_eq!(Ld::from_f64(-2.5).unwrap().to_text().as_deref(), Some("-2.5"));
    }

    #[test]
    fn f64_fallback_format() {
        assert_eq!(format_f64(1e-20), "0");
        assert_eq!(format_f64(-1e-20), "0");
        assert_eq!(format_f64(3000.0), "3000");
        assert_eq!(format_f64(1.234567e-12), "0.00000000000123457");
        assert_eq!(format_f64(0.1 + 0.2), "0.30000000000000004");
    }
}
