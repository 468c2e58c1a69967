//! Counters over string values: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
//!
//! Integer counters store `Value::Int` and keep the key's TTL, as Redis does.
//!
//! INCRBYFLOAT in Redis parses both numbers with `strtold` into an x87 long
//! double, adds them, and stores `%.17Lf` with trailing zeros removed. The long
//! double is emulated exactly in [`crate::longdouble`], so replies match Redis
//! bit for bit, long double noise included ("1000.1" + "0.1" gives
//! "1000.19999999999999996" in both) and far beyond f64's range (1e400 + 5 is
//! printed in all its 401 digits).

use super::lookup::lookup_write;
use crate::command::{Args, Ctx};
use crate::keyspace::{SmallBytes, Value};
use crate::longdouble::{self, LongDouble, Parsed};
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
        None => Some(Parsed::Finite(LongDouble::ZERO)),
        Some(e) => match e.value.as_str() {
            Some(s) => parse_float(s.as_bytes()),
            None => return out.wrong_type(),
        },
    };
    let (Some(current), Some(incr)) = (current, parse_float(incr)) else {
        return out.error("ERR value is not a valid float");
    };
    let sum = match (current, incr) {
        (Parsed::Finite(a), Parsed::Finite(b)) => a.checked_add(b),
        _ => None,
    };
    let Some(sum) = sum else {
        return out.error("ERR increment would produce NaN or Infinity");
    };
    let text = human_text(sum);
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

/// Redis's `string2ld`: `strtold` on the whole of `s`, if it is short enough.
pub(super) fn parse_float(s: &[u8]) -> Option<Parsed> {
    if s.len() >= MAX_FLOAT_CHARS {
        return None;
    }
    longdouble::parse(s)
}

/// Redis's `ld2string` in human mode: `%.17Lf` without trailing zeros (nor a
/// bare point), and "0" rather than "-0".
pub(super) fn human_text(v: LongDouble) -> String {
    let fixed = v.to_fixed(PRINTED_DECIMALS);
    let text = fixed.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What INCRBYFLOAT replies for `incr` on a key holding `current`.
    fn sum(current: &str, incr: &str) -> Result<String, &'static str> {
        match (parse_float(current.as_bytes()), parse_float(incr.as_bytes())) {
            (Some(Parsed::Finite(a)), Some(Parsed::Finite(b))) => {
                a.checked_add(b).map(human_text).ok_or("nan")
            }
            (Some(_), Some(_)) => Err("nan"),
            _ => Err("invalid"),
        }
    }

    #[test]
    fn float_sums_print_like_redis() {
        // Every expected value below is what redis-server 7.0.15 replied to
        // SET k <current>, INCRBYFLOAT k <incr>.
        let cases = [
            ("10.5", "0.1", "10.6"),
            ("1000.1", "0.1", "1000.19999999999999996"),
            ("0.1", "0.1", "0.2"),
            ("0.3", "0.1", "0.4"),
            ("3.0e3", "0", "3000"),
            ("1", "0x10", "17"),
            ("17", "0x1p4", "33"),
            ("33", "1.e1", "43"),
            ("43", "+.5", "43.5"),
            ("0", "0X1P-1", "0.5"),
            ("0", "0xA.8p-2", "2.625"),
            ("1e20", "1.5", "100000000000000000000"),
            ("123456789.123", "1", "123456790.12299999999959255"),
            ("1", "0.3333333333333333333333", "1.33333333333333333"),
            ("17179869185.5", "-1e-30", "17179869185.5"),
            ("-0.00000000000000000001", "0", "0"),
            ("0", "-0", "0"),
            ("-0", "-0", "0"),
            ("0", "1e-400", "0"),
            ("1", "1e-400", "1"),
            ("0", "1e-4940", "0"),
            ("1", "0x1p-16445", "1"),
            ("0", "0e-99999", "0"),
            ("-5", "1e-18", "-5"),
            ("0.1", "-0.1", "0"),
            ("1", "-1.00000000000000000001", "0"),
            ("1e19", "1", "10000000000000000001"),
            ("99999999999999999999", "1", "100000000000000000000"),
            ("12345678901234567890.12345", "0", "12345678901234567890"),
            // 2^64: above it long doubles are 2 apart, ties go to even.
            ("18446744073709551616", "1", "18446744073709551616"),
            ("18446744073709551616", "1.5", "18446744073709551618"),
            ("18446744073709551616", "-0.5", "18446744073709551616"),
            ("18446744073709551616", "-0.5000001", "18446744073709551615"),
            // Ties at the 18th decimal of the binary value print to even.
            ("3.814697265625e-6", "0", "0.00000381469726562"),
            ("1.1444091796875e-5", "0", "0.00001144409179688"),
            ("0.000000000000000005", "0", "0"),
            ("0.000000000000000015", "0", "0.00000000000000002"),
            ("1e-17", "0", "0.00000000000000001"),
            (
                "123456789012345678901234567890123456789012345",
                "0.1",
                "123456789012345678896802277657040928322355200",
            ),
            ("1e4932", "-1e4932", "0"),
        ];
        for (a, b, want) in cases {
            assert_eq!(sum(a, b).as_deref(), Ok(want), "{a} + {b}");
        }
    }

    #[test]
    fn float_sums_beyond_f64_print_every_digit() {
        let cases = [
            (
                "5",
                "1e400",
                "1000000000000000000028188068394758651458645343362905203862591069353968553400862986\
                 2039363994848324160522094053927317616200295822777259255734023828976593340661017797\
                 4474345461739178624481166749717237789438243915933380474706750262466844013592375136\
                 0383034373548550524495596497902182503828009106841494740245689865304095101751265809\
                 2615827588920183472511643316591362664138176309734806343732497430221946880",
            ),
            (
                "1e308",
                "1e308",
                "1999999999999999999933717593116912913211201996948311344155940959898434697376761237\
                 4420025384377707864089349445010802644630426949918792116719484162886039283753591820\
                 0039206381557326219209014213335878306791577877829121087126122536729803237260434173\
                 178506889763247582601711514636284849020905456510092687857156096",
            ),
            (
                "5",
                "1.7976931348623157e308",
                "1797693134862315699959210467741044340483864469443291784853144207651766285231243963\
                 5470186860838708556442879341942552068930870836345113605535789727802647761707349897\
                 7686288394835618163294045594434929537447290627480669417384648879122776218333598953\
                 852832103282504751611691208117720159985926376802466863339536384",
            ),
            (
                "1e308",
                "1.",
                "9999999999999999999668587965584564566056009984741556720779704799492173486883806187\
                 2100126921888539320446747225054013223152134749593960583597420814430196418767959100\
                 0196031907786631096045071066679391533957889389145605435630612683649016186302170865\
                 89253444881623791300855757318142424510452728255046343928578048",
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(sum(a, b).as_deref(), Ok(want), "{a} + {b}");
        }
        let long = [
            ("1e4000", "1", 4000, "99999999999999999999654638730996237849324925835069576313"),
            (
                "1.18973149535723176502e4932",
                "-1e4932",
                4932,
                "18973149535723176501524490364300631384522554804009108566653",
            ),
            (
                "-1.18973149535723176502e4932",
                "0",
                4934,
                "-1189731495357231765021263853030970205169063322294624200440",
            ),
        ];
        for (a, b, len, prefix) in long {
            let got = sum(a, b).unwrap();
            assert_eq!(got.len(), len, "{a} + {b}");
            assert!(got.starts_with(prefix), "{a} + {b}");
        }
    }

    #[test]
    fn float_errors_like_redis() {
        let nan: Result<&str, &str> = Err("nan");
        let invalid: Result<&str, &str> = Err("invalid");
        let cases = [
            ("1", "inf", nan),
            ("-infinity", "1", nan),
            ("1", "+inf", nan),
            ("inf", "-inf", nan),
            ("1e4932", "1e4932", nan),
            ("-1e4932", "-1e4932", nan),
            ("1.18973149535723176502e4932", "1.18973149535723176502e4932", nan),
            ("1", "nan", invalid),
            ("1", "nan(12)", invalid),
            ("1", "", invalid),
            ("1", " 1", invalid),
            ("1", "1 ", invalid),
            ("1", "1e+", invalid),
            ("1", ".", invalid),
            ("1", "0x", invalid),
            ("1", "1e4933", invalid),
            ("1", "1e-5000", invalid),
            ("1", "0x1p16384", invalid),
            ("1", "0x1p-16446", invalid),
            ("abc", "1", invalid),
        ];
        for (a, b, want) in cases {
            assert_eq!(sum(a, b), want.map(String::from), "{a} + {b}");
        }
        // Redis hands strtold at most 5119 characters.
        let digits = format!("0.{}", "1".repeat(5117));
        assert_eq!(sum("0", &digits).as_deref(), Ok("0.11111111111111111"));
        assert_eq!(sum("0", &format!("{digits}1")), invalid.map(String::from));
    }
}
