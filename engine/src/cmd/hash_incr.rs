//! Counters in hash fields: HINCRBY and HINCRBYFLOAT.
//!
//! As Redis's t_hash.c: the increment is parsed before the key is looked up; a
//! missing field counts as 0; HINCRBYFLOAT computes in the x87 long double that
//! INCRBYFLOAT uses (`string_incr::parse_float`, `human_text`) and stores the
//! printed text, so replies match Redis's digit for digit.

use super::hash::write_hash;
use super::string_incr::{human_text, parse_float};
use crate::command::{Args, Ctx};
use crate::longdouble::{LongDouble, Parsed};
use crate::num::parse_i64_strict;

/// HINCRBY key field increment.
pub(super) fn hincrby(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(incr) = parse_i64_strict(args.get(3)) else {
        return ctx.out.not_integer();
    };
    let field = args.get(2);
    write_hash(ctx, args.get(1), |h, out, limits| {
        let current = match h.get(field) {
            None => 0,
            Some(v) => match parse_i64_strict(v.as_bytes()) {
                Some(n) => n,
                None => return out.error("ERR hash value is not an integer"),
            },
        };
        let Some(new) = current.checked_add(incr) else {
            return out.error("ERR increment or decrement would overflow");
        };
        let mut text = Vec::with_capacity(20);
        crate::resp::reply::push_i64(&mut text, new);
        h.set(field, &text, limits);
        out.int(new);
    });
}

/// HINCRBYFLOAT key field increment.
pub(super) fn hincrbyfloat(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let incr = match parse_float(args.get(3)) {
        Some(Parsed::Finite(v)) => v,
        Some(Parsed::Infinite) => return ctx.out.error("ERR value is NaN or Infinity"),
        None => return ctx.out.error("ERR value is not a valid float"),
    };
    let field = args.get(2);
    write_hash(ctx, args.get(1), |h, out, limits| {
        let current = match h.get(field) {
            None => Some(LongDouble::ZERO),
            Some(v) => match parse_float(v.as_bytes()) {
                Some(Parsed::Finite(v)) => Some(v),
                // Infinity parses, then the sum is refused.
                Some(Parsed::Infinite) => None,
                None => return out.error("ERR hash value is not a float"),
            },
        };
        let Some(sum) = current.and_then(|c| c.checked_add(incr)) else {
            return out.error("ERR increment would produce NaN or Infinity");
        };
        let text = human_text(sum);
        h.set(field, text.as_bytes(), limits);
        out.bulk(text.as_bytes());
    });
}
