//! Sorted set pops and random members: ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER.
//!
//! Reply shapes follow Redis 7.0: ZPOPMIN/ZPOPMAX reply a flat array, nested
//! [member, score] pairs in RESP3 when a count was given; ZMPOP replies
//! [key, [[member, score] ...]] or a null array; ZRANDMEMBER's count has
//! Redis's meaning (negative: repetitions allowed) and its cases (the whole
//! set in order when the count covers it).

use super::keys_all::random_u64;
use super::zset::{array_of_members, delete_if_empty, read_zset, reply_member, write_zset};
use crate::command::{Args, Ctx};
use crate::keyspace::zset::ZSet;
use crate::num::parse_i64_strict;
use crate::resp::Protocol;
use std::collections::HashSet;

/// Which end a pop takes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    Min,
    Max,
}

pub(super) fn zpopmin(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    pop_command(ctx, args, End::Min);
}

pub(super) fn zpopmax(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    pop_command(ctx, args, End::Max);
}

/// `ZPOPMIN|ZPOPMAX key [count]`.
fn pop_command(ctx: &mut Ctx<'_>, args: &Args<'_>, end: End) {
    if args.len() > 3 {
        return ctx.out.syntax_error();
    }
    let count = if args.len() == 3 {
        match parse_i64_strict(args.get(2)) {
            Some(n) if n >= 0 => Some(n as u64),
            _ => return ctx.out.error("ERR value is out of range, must be positive"),
        }
    } else {
        None
    };
    let nested = count.is_some() && ctx.out.proto == Protocol::Resp3;
    let shape = if nested { Shape::Nested } else { Shape::Flat };
    if !pop(ctx, args, 1..2, end, count, shape) {
        ctx.out.array(0);
    }
}

/// How popped members are replied.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// member, score, member, score ...
    Flat,
    /// [member, score] pairs.
    Nested,
    /// key, member, score (BZPOPMIN, BZPOPMAX).
    KeyFlat,
    /// [key, [[member, score] ...]] (ZMPOP, BZMPOP).
    WithKey,
}

/// Pops up to `count` (None: one) members from the first existing key of
/// `keys` (argument positions), Redis's `genericZpopCommand`: a key of
/// another type on the way is WRONGTYPE. Returns false, with nothing
/// written, when no key exists.
pub(super) fn pop(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    keys: impl Iterator<Item = usize>,
    end: End,
    count: Option<u64>,
    shape: Shape,
) -> bool {
    let mut chosen = None;
    for i in keys {
        match write_zset(ctx, args.get(i)) {
            Err(()) => return true,
            Ok((Some(_), _)) => {
                chosen = Some(args.get(i));
                break;
            }
            Ok((None, _)) => {}
        }
    }
    let Some(key) = chosen else { return false };
    if count == Some(0) {
        ctx.out.array(0);
        return true;
    }
    let Ok((Some(z), out)) = write_zset(ctx, key) else { unreachable!("found above") };
    let n = (count.unwrap_or(1).min(z.len() as u64)) as usize;
    match shape {
        Shape::Flat => out.array(2 * n),
        Shape::Nested => out.array(n),
        Shape::KeyFlat => {
            out.array(2 * n + 1);
            out.bulk(key);
        }
        Shape::WithKey => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    for _ in 0..n {
        let rank = if end == End::Min { 0 } else { z.len() - 1 };
        let (m, s) = z.get(rank);
        if matches!(shape, Shape::Nested | Shape::WithKey) {
            out.array(2);
        }
        out.bulk(m);
        out.double(s);
        z.remove_range(rank, rank + 1);
    }
    delete_if_empty(ctx, key);
    true
}

/// The arguments of ZMPOP and BZMPOP from `numkeys` on: `numkeys key [key
/// ...] MIN|MAX [COUNT count]`.
pub(super) struct MPop {
    /// Argument positions of the keys.
    pub keys: std::ops::Range<usize>,
    pub end: End,
    pub count: u64,
}

/// Parses [`MPop`] with `numkeys` at `numkeys_at`, replying Redis's error
/// when the arguments are invalid (None).
pub(super) fn parse_mpop(ctx: &mut Ctx<'_>, args: &Args<'_>, numkeys_at: usize) -> Option<MPop> {
    let numkeys = match parse_i64_strict(args.get(numkeys_at)) {
        Some(n) if n >= 1 => n as u64,
        _ => {
            ctx.out.error("ERR numkeys should be greater than 0");
            return None;
        }
    };
    let where_at = numkeys.saturating_add(numkeys_at as u64 + 1);
    if where_at >= args.len() as u64 {
        ctx.out.syntax_error();
        return None;
    }
    let where_at = where_at as usize;
    let end = if args.is(where_at, "min") {
        End::Min
    } else if args.is(where_at, "max") {
        End::Max
    } else {
        ctx.out.syntax_error();
        return None;
    };
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && args.is(j, "count") && j + 1 < args.len() {
            match parse_i64_strict(args.get(j + 1)) {
                Some(n) if n >= 1 => count = Some(n as u64),
                _ => {
                    ctx.out.error("ERR count should be greater than 0");
                    return None;
                }
            }
            j += 2;
        } else {
            ctx.out.syntax_error();
            return None;
        }
    }
    Some(MPop { keys: numkeys_at + 1..where_at, end, count: count.unwrap_or(1) })
}

/// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`.
pub(super) fn zmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(m) = parse_mpop(ctx, args, 1) else { return };
    if !pop(ctx, args, m.keys, m.end, Some(m.count), Shape::WithKey) {
        ctx.out.null_array();
    }
}

/// Most members one ZRANDMEMBER with a negative count replies. Redis has no
/// bound but its client output limits; a reply this large would exhaust
/// memory here, so larger counts are refused as out of range.
const RANDOM_REPLY_MAX: u64 = 1 << 24;

/// `ZRANDMEMBER key [count [WITHSCORES]]`.
pub(super) fn zrandmember(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if args.len() == 2 {
        let now = ctx.now_ms;
        let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
        let Some(z) = found else { return out.null() };
        let (m, _) = z.get((random_u64(now) % z.len() as u64) as usize);
        return out.bulk(m);
    }
    let count = match parse_i64_strict(args.get(2)) {
        None => return ctx.out.not_integer(),
        Some(i64::MIN) => {
            return ctx.out.error(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            )
        }
        Some(n) => n,
    };
    if args.len() > 4 || (args.len() == 4 && !args.is(3, "withscores")) {
        return ctx.out.syntax_error();
    }
    let withscores = args.len() == 4;
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return ctx.out.error("ERR value is out of range");
    }
    let now = ctx.now_ms;
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    let Some(z) = found else { return out.array(0) };
    let z: &ZSet = z;
    let size = z.len();
    let want = count.unsigned_abs();
    if want == 0 {
        return out.array(0);
    }
    let rand = |n: usize| (random_u64(now) % n as u64) as usize;
    // Rank access is linear in a listpack: index its members once.
    let small: Vec<(&[u8], f64)> = match z {
        ZSet::Listpack(l) => l.entries(),
        ZSet::Sorted(_) => Vec::new(),
    };
    let at = |r: usize| if small.is_empty() { z.get(r) } else { small[r] };
    if count < 0 || want == 1 {
        if want > RANDOM_REPLY_MAX {
            return out.error("ERR value is out of range");
        }
        array_of_members(out, want as usize, withscores);
        for _ in 0..want {
            let (m, s) = at(rand(size));
            reply_member(out, m, s, withscores);
        }
        return;
    }
    if want >= size as u64 {
        // The whole set, from the highest score down (Redis walks it from the tail).
        array_of_members(out, size, withscores);
        return z.walk(0, size, true, |m, s| {
            reply_member(out, m, s, withscores);
            true
        });
    }
    let want = want as usize;
    let ranks: Vec<usize> = if want * 3 > size {
        // Most of the set: a partial shuffle of every rank.
        let mut all: Vec<usize> = (0..size).collect();
        for i in 0..want {
            let j = i + rand(size - i);
            all.swap(i, j);
        }
        all.truncate(want);
        all
    } else {
        let mut seen = HashSet::with_capacity(want);
        let mut picked = Vec::with_capacity(want);
        while picked.len() < want {
            let r = rand(size);
            if seen.insert(r) {
                picked.push(r);
            }
        }
        picked
    };
    array_of_members(out, want, withscores);
    for r in ranks {
        let (m, s) = at(r);
        reply_member(out, m, s, withscores);
    }
}
