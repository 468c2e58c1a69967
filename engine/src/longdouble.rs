//! The x87 80-bit `long double` that Redis computes INCRBYFLOAT in, emulated
//! exactly: 64-bit mantissa, exponents down to the subnormal 2^-16445 and up to
//! 2^16384 (beyond is infinity).
//!
//! - [`parse`] is glibc's `strtold` on a whole string (decimal, hex, `inf`),
//!   correctly rounded to nearest even whatever the number of digits;
//! - [`LongDouble::checked_add`] is the FPU's `+` (rounded to nearest even);
//! - [`LongDouble::to_fixed`] is glibc's `printf("%.*Lf")`: the exact decimal
//!   expansion of the binary value, rounded to nearest even at the last place.
//!
//! Rust has no long double, so the exact conversions use a small big integer
//! ([`big`]).

mod big;

use big::Big;

/// Exponent of the smallest subnormal (mantissa 1).
const E_MIN: i64 = -16445;
/// Exponent of the largest finite value (mantissa 2^64 - 1).
const E_MAX: i64 = 16320;
/// Decimal exponents of the leading digit beyond which a decimal overflows
/// (1e4933 > 1.19e4932) or rounds to zero (1e-4952 < half the smallest subnormal).
const MAX_LEAD_EXP10: i64 = 4932;
const MIN_LEAD_EXP10: i64 = -4951;
/// Saturation bound for exponents written in the input, far beyond any range.
const EXP_LIMIT: i64 = 1 << 40;

/// A finite long double, `(-1)^neg * m * 2^e`. Canonical: `m` has its top bit
/// set (normal), or `e == E_MIN` (subnormal), or the value is zero (`m == 0`,
/// `e == 0`, not negative).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongDouble {
    neg: bool,
    m: u64,
    e: i32,
}

/// What `strtold` makes of a whole string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A finite value.
    Finite(LongDouble),
    /// `inf` or `infinity`, either sign.
    Infinite,
}

/// Reads all of `s` as glibc's `strtold` does (`[+-]` then a decimal with an
/// optional `e` exponent, a `0x` hex float with an optional `p` exponent, or
/// `inf`/`infinity`, any case), with no white space around. None when `s` is
/// not entirely such a number, is NaN, overflows, or is nonzero but rounds to 0
/// (which is what Redis's `string2ld` refuses).
pub fn parse(s: &[u8]) -> Option<Parsed> {
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(Parsed::Infinite);
    }
    // "0x" without hex digits after it is the number 0 followed by junk.
    let hex = match body {
        [b'0', x, rest @ ..] if x | 0x20 == b'x' => split_mantissa(rest, 16),
        _ => None,
    };
    let (radix, (int, frac, rest)) = match hex {
        Some(parts) => (16, parts),
        None => (10, split_mantissa(body, 10)?),
    };
    let exp = parse_exponent(rest, if radix == 16 { b'p' } else { b'e' })?;
    let digits = || int.iter().chain(frac);
    let lead_zeros = digits().take_while(|&&c| c == b'0').count();
    let sig_len = int.len() + frac.len() - lead_zeros;
    if sig_len == 0 {
        return Some(Parsed::Finite(LongDouble::ZERO));
    }
    let value = if radix == 16 {
        let m = Big::from_digits(digits(), 16);
        LongDouble::round_big(neg, m, exp - 4 * frac.len() as i64, false)?
    } else {
        let trail_zeros = digits().rev().take_while(|&&c| c == b'0').count();
        let sig = digits().skip(lead_zeros).take(sig_len - trail_zeros);
        // The value is sig * 10^exp10.
        let exp10 = exp - frac.len() as i64 + trail_zeros as i64;
        let lead_exp10 = exp10 + (sig_len - trail_zeros) as i64 - 1;
        if !(MIN_LEAD_EXP10..=MAX_LEAD_EXP10).contains(&lead_exp10) {
            return None;
        }
        LongDouble::from_decimal(neg, Big::from_digits(sig, 10), exp10)?
    };
    (value.m != 0).then_some(Parsed::Finite(value))
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
/// saturating its value at ±[`EXP_LIMIT`].
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
    let v = digits.iter().fold(0i64, |acc, d| (acc * 10 + (d - b'0') as i64).min(EXP_LIMIT));
    Some(if neg { -v } else { v })
}

impl LongDouble {
    /// Zero.
    pub const ZERO: LongDouble = LongDouble { neg: false, m: 0, e: 0 };

    /// `x * 2^e` rounded to nearest even (to a 64-bit mantissa, or to a multiple
    /// of 2^E_MIN below the normal range); `sticky` says that nonzero bits below
    /// `x` were dropped (then `x` must have at least 66 bits). None on overflow.
    fn round(neg: bool, x: u128, e: i64, sticky: bool) -> Option<LongDouble> {
        if x == 0 {
            return Some(LongDouble::ZERO);
        }
        let bits = 128 - x.leading_zeros() as i64;
        let shift = (bits - 64).max(E_MIN - e);
        let (m, e) = if shift <= 0 {
            (x << -shift, e + shift)
        } else {
            // Rounding position `shift`: q is what is kept, half the bit below.
            let (q, half, below) = match shift {
                1..=127 => {
                    let s = shift as u32;
                    (x >> s, x >> (s - 1) & 1 == 1, x & ((1u128 << (s - 1)) - 1) != 0)
                }
                128 => (0, x >> 127 == 1, x & (u128::MAX >> 1) != 0),
                _ => (0, false, true),
            };
            let q = q + (half && (below || sticky || q & 1 == 1)) as u128;
            if q >> 64 != 0 {
                (q >> 1, e + shift + 1)
            } else {
                (q, e + shift)
            }
        };
        if m == 0 {
            return Some(LongDouble::ZERO);
        }
        (e <= E_MAX).then_some(LongDouble { neg, m: m as u64, e: e as i32 })
    }

    /// `x * 2^e` rounded like [`LongDouble::round`].
    fn round_big(neg: bool, x: Big, e: i64, sticky: bool) -> Option<LongDouble> {
        let (top, shift, dropped) = x.top128();
        LongDouble::round(neg, top, e + shift as i64, sticky || dropped)
    }

    /// `digits * 10^exp10` correctly rounded; `exp10` is in range (the result
    /// then has at most ~33,000 bits). None on overflow.
    fn from_decimal(neg: bool, mut digits: Big, exp10: i64) -> Option<LongDouble> {
        if exp10 >= 0 {
            digits.mul_pow10(exp10 as u64);
            return LongDouble::round_big(neg, digits, 0, false);
        }
        // digits * 2^s / 10^n with s chosen so that the quotient keeps at least
        // 66 bits: n * 3.322 > log2(10^n).
        let n = exp10.unsigned_abs();
        let s = (68 + n * 3322 / 1000 + 1).saturating_sub(digits.bit_len());
        digits.shl(s);
        let inexact = digits.div_pow10(n);
        LongDouble::round_big(neg, digits, -(s as i64), inexact)
    }

    /// The sum rounded to nearest even, as the FPU computes it; None when it
    /// overflows to infinity.
    pub fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        if self.m == 0 {
            return Some(other);
        }
        if other.m == 0 {
            return Some(self);
        }
        // Canonical values order by magnitude as (e, m) does.
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
        let e = big.e as i64 - 62;
        if big.neg == small.neg {
            return LongDouble::round(big.neg, x + y, e, sticky);
        }
        // With sticky, diff > 62 so big is normal and x - y > 2^124:
        // x - y - (a fraction) = (x - y - 1) + (1 - the fraction).
        LongDouble::round(big.neg, x - y - sticky as u128, e, sticky)
    }

    /// The product with `k`, rounded to nearest even as the FPU computes it;
    /// None when it overflows to infinity.
    pub fn checked_mul_u64(self, k: u64) -> Option<LongDouble> {
        LongDouble::round(self.neg, self.m as u128 * k as u128, self.e as i64, false)
    }

    /// `(long long) ceill(x)` on x86-64: the smallest integer not below the
    /// value, or `i64::MIN` (the FPU's "integer indefinite") when that does
    /// not fit.
    pub fn ceil_to_i64(self) -> i64 {
        // |x| split into its integer part and whether a fraction remains.
        let (int, frac) = if self.e >= 0 {
            if self.e >= 64 {
                return i64::MIN;
            }
            ((self.m as u128) << self.e, false)
        } else {
            let s = self.e.unsigned_abs();
            if s >= 64 {
                (0, self.m != 0)
            } else {
                ((self.m >> s) as u128, self.m & ((1u64 << s) - 1) != 0)
            }
        };
        let v = if self.neg { -(int as i128) } else { int as i128 + frac as i128 };
        i64::try_from(v).unwrap_or(i64::MIN)
    }

    /// `printf("%.{decimals}Lf")`: the exact value rounded to nearest even at
    /// `decimals` places, with a leading '-' for negative values (even when they
    /// round to zero).
    pub fn to_fixed(self, decimals: u32) -> String {
        let mut units = Big::from_u64(self.m);
        units.mul_pow10(decimals as u64);
        if self.e >= 0 {
            units.shl(self.e as u64);
        } else {
            let shift = self.e.unsigned_abs() as u64;
            let half = units.bit(shift - 1);
            let below = units.any_below(shift - 1);
            units.shr(shift);
            if half && (below || units.bit(0)) {
                units.mul_add(1, 1);
            }
        }
        let digits = units.to_decimal();
        let width = decimals as usize + 1;
        let digits = format!("{digits:0>width$}");
        let (int, frac) = digits.split_at(digits.len() - decimals as usize);
        let sign = if self.neg { "-" } else { "" };
        let point = if decimals > 0 { "." } else { "" };
        format!("{sign}{int}{point}{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(s: &str) -> LongDouble {
        match parse(s.as_bytes()) {
            Some(Parsed::Finite(v)) => v,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn parse_rounds_like_strtold() {
        // 0.1 is 0xCCCCCCCCCCCCCCCD * 2^-67 as an x87 long double.
        assert_eq!(ld("0.1"), LongDouble { neg: false, m: 0xCCCC_CCCC_CCCC_CCCD, e: -67 });
        assert_eq!(ld("-1"), LongDouble { neg: true, m: 1 << 63, e: -63 });
        assert_eq!(ld("0x1p-16445"), LongDouble { neg: false, m: 1, e: E_MIN as i32 });
        assert_eq!(ld("0x3p-16446"), LongDouble { neg: false, m: 2, e: E_MIN as i32 });
        assert_eq!(ld("-0"), LongDouble::ZERO);
        assert_eq!(ld("0e-99999999999999999999"), LongDouble::ZERO);
        assert_eq!(ld("0x0p99999"), LongDouble::ZERO);
        // 2^64 + 2^0 is a tie between 2^64 and 2^64 + 2: even wins; a digit far
        // below the tie must still break it.
        assert_eq!(ld("18446744073709551617"), LongDouble { neg: false, m: 1 << 63, e: 1 });
        let above = format!("18446744073709551617.{}1", "0".repeat(3000));
        assert_eq!(ld(&above), LongDouble { neg: false, m: (1 << 63) + 1, e: 1 });
        assert_eq!(ld("0x1.00000000000000018p0"), ld("0x1.0000000000000002p0"));
        assert_eq!(parse(b"INF"), Some(Parsed::Infinite));
        assert_eq!(parse(b"-Infinity"), Some(Parsed::Infinite));
    }

    #[test]
    fn parse_refuses_what_string2ld_refuses() {
        let bad = [
            "",
            " 1",
            "1 ",
            "nan",
            "-nan",
            "nan(1)",
            "1e",
            "1e+",
            ".",
            "e5",
            "0x",
            "0x1p",
            "0xp1",
            "1\x002",
            "abc",
            "infinit",
            "--1",
            "+-1",
            "1e4933",
            "1e-5000",
            "0x1p16384",
            "0x1p-16446",
            "1.19e4932",
            "1.e-4952",
            "0x1p99999999999999999999",
        ];
        for s in bad {
            assert_eq!(parse(s.as_bytes()), None, "{s:?}");
        }
        assert!(parse(b"1.18973149535723176502e4932").is_some());
        assert!(parse(b"1e-4940").is_some());
    }

    #[test]
    fn fixed_prints_the_exact_expansion() {
        assert_eq!(ld("2.5").to_fixed(0), "2");
        assert_eq!(ld("3.5").to_fixed(0), "4");
        assert_eq!(ld("-0.1").to_fixed(3), "-0.100");
        assert_eq!(ld("-1e-30").to_fixed(17), "-0.00000000000000000");
        assert_eq!(LongDouble::ZERO.to_fixed(2), "0.00");
        // Ties at the 18th decimal go to the even neighbour (2^-18, 3 * 2^-18).
        assert_eq!(ld("3.814697265625e-6").to_fixed(17), "0.00000381469726562");
        assert_eq!(ld("1.1444091796875e-5").to_fixed(17), "0.00001144409179688");
        assert_eq!(ld("0.1").to_fixed(25), "0.1000000000000000000013553");
        let max = ld("0x1.fffffffffffffffep16383").to_fixed(0);
        assert_eq!(max.len(), 4933);
        assert!(max.starts_with("118973149535723176502126385303097020516906332229462420044"));
    }

    #[test]
    fn mul_and_ceil_like_the_fpu() {
        let ms = |s: &str| ld(s).checked_mul_u64(1000).map(|v| v.ceil_to_i64());
        assert_eq!(ms("1.5"), Some(1500));
        assert_eq!(ms("0.0001"), Some(1));
        assert_eq!(ms("-0.0001"), Some(0));
        // 0.001 as a long double is just below 0.001: the product rounds below 1.
        assert_eq!(ms("-0.001"), Some(0));
        assert_eq!(ms("-0.002"), Some(-1));
        assert_eq!(ms("-0.0011"), Some(-1));
        assert_eq!(ms("1e-400"), Some(1));
        assert_eq!(ms("9223372036854775.806"), Some(9223372036854775806));
        assert_eq!(ms("9223372036854775.8079"), Some(i64::MIN));
        assert_eq!(ms("1e16"), Some(i64::MIN));
        assert_eq!(ms("1e4932"), None);
    }

    #[test]
    fn add_rounds_to_nearest_even() {
        let sum = |a: &str, b: &str| ld(a).checked_add(ld(b)).map(|v| v.to_fixed(17));
        assert_eq!(sum("1", "-1").as_deref(), Some("0.00000000000000000"));
        assert_eq!(sum("1000.1", "0.1").as_deref(), Some("1000.19999999999999996"));
        assert_eq!(sum("18446744073709551616", "1"), sum("18446744073709551616", "0"));
        assert_eq!(sum("18446744073709551616", "1.5"), sum("18446744073709551618", "0"));
        assert_eq!(sum("18446744073709551616", "-1e-300"), sum("18446744073709551616", "0"));
        assert_eq!(sum("18446744073709551616", "-0.5"), sum("18446744073709551616", "0"));
        assert_eq!(
            sum("18446744073709551616", "-0.5000001").as_deref(),
            Some("18446744073709551615.00000000000000000")
        );
        assert_eq!(sum("1.18973149535723176502e4932", "1.18973149535723176502e4932"), None);
        assert_eq!(sum("-1.18973149535723176502e4932", "-1e4932"), None);
        assert_eq!(ld("0x1p-16445").checked_add(ld("0x1p-16445")), Some(ld("0x1p-16444")));
    }
}
