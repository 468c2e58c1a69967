//! The bitmap family: the command table of every bit command, and SETBIT,
//! GETBIT, BITCOUNT, BITPOS and BITOP. BITFIELD and BITFIELD_RO live in
//! `bitfield.rs`.
//!
//! Bitmaps are plain string values, bit 0 being the most significant bit of the
//! first byte. As in Redis 7.0's bitops.c: reads see an integer-encoded string
//! as its decimal text; writes turn the value into a growable `raw` buffer
//! (zero-padded up to the bit written, bounded by `proto-max-bulk-len`) and keep
//! the TTL; BITOP stores a `raw` string and deletes the destination when every
//! source is empty. Each command checks its arguments and the key in the same
//! order as Redis, so that the first error reported is Redis's.

use super::bitfield;
use super::lookup::{lookup_read, lookup_write};
use super::string::raw_mut;
use crate::command::key_spec::{key_flags as kf, KeySpec};
use crate::command::{flags::*, Args, CommandSpec, Ctx, KeyRange};
use crate::keyspace::{Value, ValueType};
use crate::num::parse_i64_strict;
use crate::resp::Reply;

/// Specs of the bitmap family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("setbit", 4, WRITE | DENYOOM, KeyRange::FIRST, setbit)
        .acl(&["bitmap"])
        .key_flags(kf::RW | kf::ACCESS | kf::UPDATE)
        .doc(
            "bitmap",
            "2.2.0",
            "Sets or clears the bit at offset in the string value stored at key",
            "O(1)",
        ),
    CommandSpec::keyspace("getbit", 3, READONLY | FAST, KeyRange::FIRST, getbit)
        .acl(&["bitmap"])
        .doc(
            "bitmap",
            "2.2.0",
            "Returns the bit value at offset in the string value stored at key",
            "O(1)",
        ),
    CommandSpec::keyspace("bitcount", -2, READONLY, KeyRange::FIRST, bitcount)
        .acl(&["bitmap"])
        .doc("bitmap", "2.6.0", "Count set bits in a string", "O(N)")
        .history(&[("7.0.0", "Added the `BYTE|BIT` option.")]),
    CommandSpec::keyspace("bitpos", -3, READONLY, KeyRange::FIRST, bitpos)
        .acl(&["bitmap"])
        .doc("bitmap", "2.8.7", "Find first bit set or clear in a string", "O(N)")
        .history(&[("7.0.0", "Added the `BYTE|BIT` option.")]),
    CommandSpec::keyspace(
        "bitop",
        -4,
        WRITE | DENYOOM,
        KeyRange { first: 2, last: -1, step: 1 },
        bitop,
    )
    .acl(&["bitmap"])
    .key_specs(&[
        KeySpec::range(2, 0, 1, kf::OW | kf::UPDATE),
        KeySpec::range(3, -1, 1, kf::RO | kf::ACCESS),
    ])
    .doc("bitmap", "2.6.0", "Perform bitwise operations between strings", "O(N)"),
    CommandSpec::keyspace("bitfield", -2, WRITE | DENYOOM, KeyRange::FIRST, bitfield::bitfield)
        .acl(&["bitmap"])
        .key_flags(kf::RW | kf::ACCESS | kf::UPDATE | kf::VARIABLE_FLAGS)
        .key_notes("This command allows both access and modification of the key")
        .doc(
            "bitmap",
            "3.2.0",
            "Perform arbitrary bitfield integer operations on strings",
            "O(1) for each subcommand specified",
        ),
    CommandSpec::keyspace(
        "bitfield_ro",
        -2,
        READONLY | FAST,
        KeyRange::FIRST,
        bitfield::bitfield_ro,
    )
    .acl(&["bitmap"])
    .doc(
        "bitmap",
        "6.0.0",
        "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
        "O(1) for each subcommand specified",
    ),
];

/// The error for a bad or too large bit offset.
const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";

/// Parses a bit offset as Redis's `getBitOffsetFromArgument`: a non-negative
/// integer whose byte (offset / 8) is below `limit_bytes` (`proto-max-bulk-len`).
/// With `unit_bits` (BITFIELD), `#N` means N times `unit_bits`. Replies the
/// offset error and returns None otherwise.
pub(super) fn parse_bit_offset(
    out: &mut Reply<'_>,
    arg: &[u8],
    unit_bits: Option<u32>,
    limit_bytes: u64,
) -> Option<u64> {
    let (digits, unit) = match (arg.first(), unit_bits) {
        (Some(b'#'), Some(bits)) => (&arg[1..], bits as i64),
        _ => (arg, 1),
    };
    // Redis multiplies in C, wrapping on overflow; a wrapped negative is refused.
    match parse_i64_strict(digits).map(|n| n.wrapping_mul(unit)) {
        Some(n) if n >= 0 && ((n as u64) >> 3) < limit_bytes => Some(n as u64),
        _ => {
            out.error(BAD_OFFSET);
            None
        }
    }
}

/// Whether the looked-up key can be used as a bitmap: true when it is missing
/// or a string; replies WRONGTYPE otherwise.
fn check_string(found: Option<&Value>, out: &mut Reply<'_>) -> bool {
    match found {
        Some(v) if v.value_type() != ValueType::String => {
            out.wrong_type();
            false
        }
        _ => true,
    }
}

/// The string under `key` as a `raw` buffer at least `len_bytes` long for a
/// write (Redis's `lookupStringForBitCommand`): created zero-filled if missing,
/// zero-padded if shorter, TTL kept. Replies WRONGTYPE and returns None for a
/// value of another type. `len_bytes` must already be bounded by the caller.
pub(super) fn bits_for_write<'c>(
    ctx: &'c mut Ctx<'_>,
    key: &[u8],
    len_bytes: usize,
) -> Option<&'c mut Vec<u8>> {
    let (found, out) = lookup_write(ctx, key);
    let exists = found.is_some();
    if !check_string(found.map(|e| &e.value), out) {
        return None;
    }
    if !exists {
        let lru = ctx.lru_s;
        ctx.db().set(key, Value::Raw(Box::new(vec![0; len_bytes])), None, lru);
    }
    let now_ms = ctx.now_ms;
    let entry = ctx.db().get(key, now_ms).expect("present: found or just stored");
    let raw = raw_mut(&mut entry.value).expect("checked above: a string");
    if raw.len() < len_bytes {
        raw.resize(len_bytes, 0);
    }
    Some(raw)
}

/// SETBIT key offset value.
fn setbit(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    const BAD_BIT: &str = "ERR bit is not an integer or out of range";
    let limit = ctx.cfg.proto_max_bulk_len_bytes;
    let Some(offset) = parse_bit_offset(&mut ctx.out, args.get(2), None, limit) else {
        return;
    };
    let on = match parse_i64_strict(args.get(3)) {
        Some(b @ (0 | 1)) => b == 1,
        _ => return ctx.out.error(BAD_BIT),
    };
    let byte = (offset >> 3) as usize;
    let Some(raw) = bits_for_write(ctx, args.get(1), byte + 1) else {
        return;
    };
    let mask = 0x80u8 >> (offset & 7);
    let was = raw[byte] & mask != 0;
    if on {
        raw[byte] |= mask;
    } else {
        raw[byte] &= !mask;
    }
    ctx.out.int(was as i64);
}

/// GETBIT key offset.
fn getbit(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let limit = ctx.cfg.proto_max_bulk_len_bytes;
    let Some(offset) = parse_bit_offset(&mut ctx.out, args.get(2), None, limit) else {
        return;
    };
    let (found, out) = lookup_read(ctx, args.get(1));
    let Some(e) = found else { return out.int(0) };
    let Some(s) = e.value.as_str() else { return out.wrong_type() };
    let byte = s.as_bytes().get((offset >> 3) as usize).copied().unwrap_or(0);
    out.int((byte & (0x80 >> (offset & 7)) != 0) as i64);
}

/// Redis's range normalisation for BITCOUNT and BITPOS over `len` units
/// (bytes or bits): negative indexes count from the end, then both are clamped
/// to the string. None when the range is empty.
fn clamp_range(len: i64, start: i64, end: i64) -> Option<(u64, u64)> {
    let from_end = |i: i64| if i < 0 { len + i } else { i };
    let start = from_end(start).max(0);
    let end = from_end(end).max(0).min(len - 1);
    (start <= end).then_some((start as u64, end as u64))
}

/// Parses the BYTE|BIT unit word: Some(true) for BIT; replies a syntax error
/// and returns None for anything else.
fn parse_unit(out: &mut Reply<'_>, args: &Args<'_>, i: usize) -> Option<bool> {
    if args.is(i, "bit") {
        Some(true)
    } else if args.is(i, "byte") {
        Some(false)
    } else {
        out.syntax_error();
        None
    }
}

/// Parses an integer argument, replying the not-an-integer error if it is not one.
fn parse_int(out: &mut Reply<'_>, arg: &[u8]) -> Option<i64> {
    let n = parse_i64_strict(arg);
    if n.is_none() {
        out.not_integer();
    }
    n
}

/// BITCOUNT key [start end [BYTE|BIT]].
fn bitcount(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (found, out) = lookup_read(ctx, args.get(1));
    let Some(e) = found else { return out.int(0) };
    let Some(s) = e.value.as_str() else { return out.wrong_type() };
    let s = s.as_bytes();
    let (first_bit, last_bit) = match args.len() {
        2 if s.is_empty() => return out.int(0),
        2 => (0, s.len() as u64 * 8 - 1),
        4 | 5 => {
            let Some(start) = parse_int(out, args.get(2)) else { return };
            let Some(end) = parse_int(out, args.get(3)) else { return };
            if start < 0 && end < 0 && start > end {
                return out.int(0);
            }
            let mut in_bits = false;
            if args.len() == 5 {
                let Some(unit) = parse_unit(out, args, 4) else { return };
                in_bits = unit;
            }
            let len = s.len() as i64 * if in_bits { 8 } else { 1 };
            match (clamp_range(len, start, end), in_bits) {
                (None, _) => return out.int(0),
                (Some(range), true) => range,
                (Some((from, to)), false) => (from * 8, to * 8 + 7),
            }
        }
        _ => return out.syntax_error(),
    };
    out.int(count_bits(s, first_bit, last_bit) as i64);
}

/// Number of set bits among bits `first..=last` of `s` (both inside `s`),
/// counted a u64 word at a time.
pub(super) fn count_bits(s: &[u8], first: u64, last: u64) -> u64 {
    let (from, to) = ((first / 8) as usize, (last / 8) as usize);
    let bytes = &s[from..=to];
    let mut words = bytes.chunks_exact(8);
    let mut n: u64 = words
        .by_ref()
        .map(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")).count_ones() as u64)
        .sum();
    n += words.remainder().iter().map(|b| b.count_ones() as u64).sum::<u64>();
    // Take away the bits of the edge bytes outside the range.
    let head = bytes[0] & !(0xffu8 >> (first % 8));
    let tail = bytes[bytes.len() - 1] & (0xffu16 >> (last % 8 + 1)) as u8;
    n - head.count_ones() as u64 - tail.count_ones() as u64
}

/// BITPOS key bit [start [end [BYTE|BIT]]].
fn bitpos(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(bit) = parse_int(&mut ctx.out, args.get(2)) else { return };
    if bit != 0 && bit != 1 {
        return ctx.out.error("ERR The bit argument must be 1 or 0.");
    }
    let want = bit == 1;
    let (found, out) = lookup_read(ctx, args.get(1));
    let Some(e) = found else { return out.int(if want { -1 } else { 0 }) };
    let Some(s) = e.value.as_str() else { return out.wrong_type() };
    let s = s.as_bytes();
    let len_bytes = s.len() as i64;
    let (range, in_bits, end_given) = match args.len() {
        3 => (clamp_range(len_bytes, 0, -1), false, false),
        4..=6 => {
            let Some(start) = parse_int(out, args.get(3)) else { return };
            let mut in_bits = false;
            if args.len() == 6 {
                let Some(unit) = parse_unit(out, args, 5) else { return };
                in_bits = unit;
            }
            let end = if args.len() >= 5 {
                let Some(end) = parse_int(out, args.get(4)) else { return };
                end
            } else {
                -1
            };
            let len = len_bytes * if in_bits { 8 } else { 1 };
            (clamp_range(len, start, end), in_bits, args.len() >= 5)
        }
        _ => return out.syntax_error(),
    };
    let Some((from, to)) = range else { return out.int(-1) };
    let (first_bit, last_bit) = if in_bits { (from, to) } else { (from * 8, to * 8 + 7) };
    match find_bit(s, first_bit, last_bit, want) {
        Some(pos) => out.int(pos as i64),
        // Without an explicit end the string is seen as followed by zeros.
        None if !want && !end_given => out.int(last_bit as i64 + 1),
        None => out.int(-1),
    }
}

/// Position of the first bit equal to `want` among bits `first..=last` of `s`
/// (both inside `s`), skipping whole u64 words that cannot hold it.
pub(super) fn find_bit(s: &[u8], first: u64, last: u64, want: bool) -> Option<u64> {
    let (from, to) = ((first / 8) as usize, (last / 8) as usize);
    let skip_word = if want { 0 } else { u64::MAX };
    let mut i = from;
    while i <= to {
        if i > from && i + 8 <= to {
            let word = u64::from_ne_bytes(s[i..i + 8].try_into().expect("8 bytes"));
            if word == skip_word {
                i += 8;
                continue;
            }
        }
        // Look for a 1 in the byte (inverted when looking for a 0), edges masked.
        let mut b = if want { s[i] } else { !s[i] };
        if i == from {
            b &= 0xff >> (first % 8);
        }
        if i == to {
            b &= 0xff << (7 - last % 8);
        }
        if b != 0 {
            return Some(i as u64 * 8 + b.leading_zeros() as u64);
        }
        i += 1;
    }
    None
}

/// The operation of a BITOP.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...].
fn bitop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let op = match args.get(1).to_ascii_lowercase().as_slice() {
        b"and" => BitOp::And,
        b"or" => BitOp::Or,
        b"xor" => BitOp::Xor,
        b"not" => BitOp::Not,
        _ => return ctx.out.syntax_error(),
    };
    if op == BitOp::Not && args.len() != 4 {
        return ctx.out.error("ERR BITOP NOT must be called with a single source key.");
    }
    // Read every source (each counted as a hit or a miss) before computing.
    let mut sources: Vec<Vec<u8>> = Vec::with_capacity(args.len() - 3);
    for i in 3..args.len() {
        let (found, out) = lookup_read(ctx, args.get(i));
        match found.map(|e| e.value.as_str().map(|s| s.as_bytes().to_vec())) {
            None => sources.push(Vec::new()),
            Some(Some(s)) => sources.push(s),
            Some(None) => return out.wrong_type(),
        }
    }
    let result = combine(op, &sources);
    let dest = args.get(2);
    if result.is_empty() {
        ctx.db().remove(dest);
        return ctx.out.int(0);
    }
    ctx.out.int(result.len() as i64);
    let lru = ctx.lru_s;
    ctx.db().set(dest, Value::Raw(Box::new(result)), None, lru);
}

/// The result of `op` over `sources`, as long as the longest; shorter sources
/// count as zero-padded.
fn combine(op: BitOp, sources: &[Vec<u8>]) -> Vec<u8> {
    let max_len = sources.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = sources[0].clone();
    out.resize(max_len, 0);
    if op == BitOp::Not {
        out.iter_mut().for_each(|b| *b = !*b);
        return out;
    }
    for src in &sources[1..] {
        let apply = |(o, s): (&mut u8, u8)| match op {
            BitOp::And => *o &= s,
            BitOp::Or => *o |= s,
            _ => *o ^= s,
        };
        out.iter_mut().zip(src.iter().copied().chain(std::iter::repeat(0))).for_each(apply);
    }
    out
}
