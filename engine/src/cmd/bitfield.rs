//! BITFIELD and BITFIELD_RO: integers of 1 to 64 bits at any bit offset of a
//! string.
//!
//! As Redis 7.0: every subcommand is parsed before anything runs (so an error
//! anywhere leaves the key untouched); a command with only GETs is a read
//! (missing key = zeros, value left as it is), otherwise the string is first
//! grown to cover the farthest bit written. Overflow (WRAP, SAT or FAIL,
//! changeable between subcommands) follows bitops.c's checks exactly, including
//! how a SET of a value outside the type's range saturates.

use super::bitmap::{bits_for_write, parse_bit_offset};
use super::lookup::lookup_read;
use crate::command::{Args, Ctx};
use crate::num::parse_i64_strict;

/// What a subcommand does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Get,
    Set,
    IncrBy,
}

/// What happens when a SET or INCRBY does not fit the type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

/// One parsed GET, SET or INCRBY.
#[derive(Clone, Copy)]
struct Op {
    kind: Kind,
    signed: bool,
    bits: u32,
    offset: u64,
    /// The SET value or the INCRBY increment.
    arg: i64,
    overflow: Overflow,
}

/// BITFIELD key [GET type offset | SET type offset value | INCRBY type offset
/// increment | OVERFLOW WRAP|SAT|FAIL] ...
pub(super) fn bitfield(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    run(ctx, args, false);
}

/// BITFIELD_RO key [GET type offset] ...
pub(super) fn bitfield_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    run(ctx, args, true);
}

fn run(ctx: &mut Ctx<'_>, args: &Args<'_>, read_only: bool) {
    let Some(ops) = parse_ops(ctx, args) else { return };
    let writes = ops.iter().filter(|op| op.kind != Kind::Get);
    let Some(last_bit) = writes.map(|op| op.offset + op.bits as u64 - 1).max() else {
        let (found, out) = lookup_read(ctx, args.get(1));
        let s = match found.map(|e| e.value.as_str()) {
            None => None,
            Some(Some(s)) => Some(s),
            Some(None) => return out.wrong_type(),
        };
        let s = s.as_ref().map_or(&[][..], |s| s.as_bytes());
        out.array(ops.len());
        for op in &ops {
            out.int(read_field(s, op));
        }
        return;
    };
    if read_only {
        return ctx.out.error("ERR BITFIELD_RO only supports the GET subcommand");
    }
    let Some(buf) = bits_for_write(ctx, args.get(1), (last_bit >> 3) as usize + 1) else {
        return;
    };
    let replies: Vec<Option<i64>> = ops.iter().map(|op| apply(buf, op)).collect();
    ctx.out.array(replies.len());
    for r in replies {
        match r {
            Some(n) => ctx.out.int(n),
            None => ctx.out.null(),
        }
    }
}

/// Parses every subcommand, replying the first error (then None).
fn parse_ops(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Option<Vec<Op>> {
    let limit = ctx.cfg.proto_max_bulk_len_bytes;
    let out = &mut ctx.out;
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < args.len() {
        let rest = args.len() - j - 1;
        let kind = if args.is(j, "get") && rest >= 2 {
            Kind::Get
        } else if args.is(j, "set") && rest >= 3 {
            Kind::Set
        } else if args.is(j, "incrby") && rest >= 3 {
            Kind::IncrBy
        } else if args.is(j, "overflow") && rest >= 1 {
            overflow = if args.is(j + 1, "wrap") {
                Overflow::Wrap
            } else if args.is(j + 1, "sat") {
                Overflow::Sat
            } else if args.is(j + 1, "fail") {
                Overflow::Fail
            } else {
                out.error("ERR Invalid OVERFLOW type specified");
                return None;
            };
            j += 2;
            continue;
        } else {
            out.syntax_error();
            return None;
        };
        let Some((signed, bits)) = parse_type(args.get(j + 1)) else {
            out.error(
                "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
            );
            return None;
        };
        let offset = parse_bit_offset(out, args.get(j + 2), Some(bits), limit)?;
        let mut arg = 0;
        if kind != Kind::Get {
            let Some(n) = parse_i64_strict(args.get(j + 3)) else {
                out.not_integer();
                return None;
            };
            arg = n;
        }
        ops.push(Op { kind, signed, bits, offset, arg, overflow });
        j += if kind == Kind::Get { 3 } else { 4 };
    }
    Some(ops)
}

/// Parses a type `i1`..`i64` or `u1`..`u63` into (signed, bits). As Redis reads
/// it as a C string, the width ends at the first NUL byte.
fn parse_type(arg: &[u8]) -> Option<(bool, u32)> {
    let signed = match arg.first()? {
        b'i' => true,
        b'u' => false,
        _ => return None,
    };
    let width = &arg[1..];
    let width = &width[..width.iter().position(|&b| b == 0).unwrap_or(width.len())];
    let bits = parse_i64_strict(width)?;
    let max_bits = if signed { 64 } else { 63 };
    (1..=max_bits).contains(&bits).then_some((signed, bits as u32))
}

/// All ones in the low `bits` bits.
fn mask(bits: u32) -> u64 {
    u64::MAX.checked_shr(64 - bits).unwrap_or(0)
}

/// The 9 bytes starting at byte `byte` of `s` (zeros past its end), as the
/// low 72 bits of a u128: enough for any field starting in that byte.
fn window(s: &[u8], byte: usize) -> u128 {
    (0..9).fold(0u128, |w, i| w << 8 | s.get(byte + i).copied().unwrap_or(0) as u128)
}

/// The shift that brings a field at `offset` of `bits` bits to the bottom of
/// its [`window`].
fn shift(offset: u64, bits: u32) -> u32 {
    72 - (offset % 8) as u32 - bits
}

/// The unsigned field of `bits` bits at bit `offset` of `s` (zeros past its end).
fn get_bits(s: &[u8], offset: u64, bits: u32) -> u64 {
    (window(s, (offset / 8) as usize) >> shift(offset, bits)) as u64 & mask(bits)
}

/// Writes the low `bits` bits of `value` at bit `offset` of `buf`, which covers
/// the field.
fn set_bits(buf: &mut [u8], offset: u64, bits: u32, value: u64) {
    let byte = (offset / 8) as usize;
    let sh = shift(offset, bits);
    let field = (mask(bits) as u128) << sh;
    let w = (window(buf, byte) & !field) | ((value & mask(bits)) as u128) << sh;
    for (i, b) in buf[byte..].iter_mut().take(9).enumerate() {
        *b = (w >> (8 * (8 - i))) as u8;
    }
}

/// `raw` (the low `bits` bits) sign-extended when `signed`, as the reply shows it.
fn extend(raw: u64, bits: u32, signed: bool) -> i64 {
    if signed && bits < 64 && raw >> (bits - 1) & 1 == 1 {
        (raw | !mask(bits)) as i64
    } else {
        raw as i64
    }
}

/// What a GET replies.
fn read_field(s: &[u8], op: &Op) -> i64 {
    extend(get_bits(s, op.offset, op.bits), op.bits, op.signed)
}

/// Runs `op` on `buf` (grown to cover every write): the reply, None when an
/// overflow under FAIL left the field as it was.
fn apply(buf: &mut [u8], op: &Op) -> Option<i64> {
    let old = read_field(buf, op);
    if op.kind == Kind::Get {
        return Some(old);
    }
    let (value, incr) = if op.kind == Kind::Set { (op.arg, 0) } else { (old, op.arg) };
    let new = if op.signed {
        add_signed(value, incr, op.bits, op.overflow)?
    } else {
        add_unsigned(value as u64, incr, op.bits, op.overflow)? as i64
    };
    set_bits(buf, op.offset, op.bits, new as u64);
    Some(if op.kind == Kind::Set { old } else { new })
}

/// `value + incr` for an unsigned field of `bits` bits (`value` may be out of
/// range for a SET), or what the overflow policy makes of it.
fn add_unsigned(value: u64, incr: i64, bits: u32, overflow: Overflow) -> Option<u64> {
    let max = mask(bits);
    let sum = value as i128 + incr as i128;
    let saturated = if value > max || sum > max as i128 {
        max
    } else if sum < 0 {
        0
    } else {
        return Some(sum as u64);
    };
    match overflow {
        Overflow::Wrap => Some(value.wrapping_add(incr as u64) & max),
        Overflow::Sat => Some(saturated),
        Overflow::Fail => None,
    }
}

/// `value + incr` for a signed field of `bits` bits, or what the overflow
/// policy makes of it. The checks are Redis's, with its wrapping arithmetic,
/// so that a SET far below the range saturates where Redis's does.
fn add_signed(value: i64, incr: i64, bits: u32, overflow: Overflow) -> Option<i64> {
    let max = mask(bits - 1) as i64;
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let narrow = bits != 64;
    let saturated = if value > max
        || (narrow && incr > max_incr)
        || (value >= 0 && incr > 0 && incr > max_incr)
    {
        max
    } else if value < min
        || (narrow && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        min
    } else {
        return Some(value.wrapping_add(incr));
    };
    match overflow {
        Overflow::Wrap => Some(extend(value.wrapping_add(incr) as u64 & mask(bits), bits, true)),
        Overflow::Sat => Some(saturated),
        Overflow::Fail => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_across_bytes_and_past_the_end() {
        let mut buf = vec![0u8; 10];
        set_bits(&mut buf, 5, 64, 0x8000_0000_0000_0001);
        assert_eq!(get_bits(&buf, 5, 64), 0x8000_0000_0000_0001);
        assert_eq!(buf[0], 0b0000_0100);
        assert_eq!(get_bits(&buf, 5, 1), 1);
        assert_eq!(get_bits(&buf, 68, 1), 1);
        assert_eq!(get_bits(&[0xff], 4, 8), 0xf0);
        set_bits(&mut buf[..1], 7, 1, 1);
        assert_eq!(buf[0], 0b0000_0101);
    }

    #[test]
    fn overflow_like_redis() {
        use Overflow::*;
        assert_eq!(add_unsigned(250, 10, 8, Wrap), Some(4));
        assert_eq!(add_unsigned(250, 10, 8, Sat), Some(255));
        assert_eq!(add_unsigned(250, 10, 8, Fail), None);
        assert_eq!(add_unsigned(5, -10, 8, Sat), Some(0));
        assert_eq!(add_unsigned(u64::MAX, 0, 8, Sat), Some(255));
        assert_eq!(add_signed(127, 1, 8, Wrap), Some(-128));
        assert_eq!(add_signed(-128, -1, 8, Sat), Some(-128));
        assert_eq!(add_signed(i64::MAX, 1, 64, Wrap), Some(i64::MIN));
        assert_eq!(add_signed(i64::MIN, -1, 64, Sat), Some(i64::MIN));
        assert_eq!(add_signed(0, 0, 1, Sat), Some(0));
        assert_eq!(add_signed(0, -1, 1, Sat), Some(-1));
        assert_eq!(add_signed(0, 1, 1, Sat), Some(0));
        // Redis's wrapping check: a SET far below an i63's range saturates high.
        assert_eq!(add_signed(i64::MIN, 0, 63, Sat), Some((1 << 62) - 1));
    }

    #[test]
    fn types() {
        assert_eq!(parse_type(b"i64"), Some((true, 64)));
        assert_eq!(parse_type(b"u63"), Some((false, 63)));
        assert_eq!(parse_type(b"u64"), None);
        assert_eq!(parse_type(b"i0"), None);
        assert_eq!(parse_type(b"I8"), None);
        assert_eq!(parse_type(b"i8\0junk"), Some((true, 8)));
        assert_eq!(parse_type(b""), None);
    }
}
