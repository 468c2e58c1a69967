//! List commands that find or change elements inside a list: LSET, LINSERT,
//! LREM, LTRIM and LPOS (with Redis 7.0.15's option parsing, wrap-around
//! arithmetic of an extreme RANK included).

use super::list::{clamp_range, delete_if_empty, fill, read_list, resolve_index, write_list};
use crate::command::{Args, Ctx};
use crate::num::parse_i64_strict;

pub(super) fn lset(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let fill = fill(ctx);
    let Ok((list, out)) = write_list(ctx, args.get(1)) else { return };
    let Some(list) = list else { return out.error("ERR no such key") };
    let Some(index) = parse_i64_strict(args.get(2)) else { return out.not_integer() };
    match resolve_index(index, list.len()) {
        Some(i) => {
            list.set(i, args.get(3), fill);
            out.ok();
        }
        None => out.error("ERR index out of range"),
    }
}

pub(super) fn linsert(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let after = if args.is(2, "after") {
        true
    } else if args.is(2, "before") {
        false
    } else {
        return ctx.out.syntax_error();
    };
    let fill = fill(ctx);
    let Ok((list, out)) = write_list(ctx, args.get(1)) else { return };
    let Some(list) = list else { return out.int(0) };
    if list.insert(args.get(3), args.get(4), after, fill) {
        out.int(list.len() as i64);
    } else {
        out.int(-1);
    }
}

pub(super) fn lrem(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(count) = parse_i64_strict(args.get(2)) else { return ctx.out.not_integer() };
    let key = args.get(1);
    let Ok((list, out)) = write_list(ctx, key) else { return };
    let Some(list) = list else { return out.int(0) };
    out.int(list.remove(args.get(3), count) as i64);
    delete_if_empty(ctx, key);
}

pub(super) fn ltrim(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (Some(start), Some(stop)) = (parse_i64_strict(args.get(2)), parse_i64_strict(args.get(3)))
    else {
        return ctx.out.not_integer();
    };
    let key = args.get(1);
    let Ok((list, out)) = write_list(ctx, key) else { return };
    out.ok();
    let Some(list) = list else { return };
    let len = list.len();
    match clamp_range(start, stop, len) {
        None => list.trim(len, 0),
        Some((first, n)) => list.trim(first, len - first - n),
    }
    delete_if_empty(ctx, key);
}

/// LPOS's options.
struct LposOptions {
    /// Which match to start from: 1 the first, -1 the last from the tail.
    rank: i64,
    /// How many matches to return (0: all); None: reply one index, not an array.
    count: Option<i64>,
    /// Compare at most this many elements (0: all).
    maxlen: i64,
}

/// Parses LPOS's options as Redis does, replying the error when they are bad.
fn lpos_options(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Option<LposOptions> {
    let mut opts = LposOptions { rank: 1, count: None, maxlen: 0 };
    let mut j = 3;
    while j < args.len() {
        let has_value = j + 1 < args.len();
        let value = || parse_i64_strict(args.get(j + 1));
        if args.is(j, "rank") && has_value {
            let Some(rank) = value() else {
                ctx.out.not_integer();
                return None;
            };
            if rank == 0 {
                ctx.out.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                return None;
            }
            opts.rank = rank;
        } else if args.is(j, "count") && has_value {
            match value() {
                Some(n) if n >= 0 => opts.count = Some(n),
                _ => {
                    ctx.out.error("ERR COUNT can't be negative");
                    return None;
                }
            }
        } else if args.is(j, "maxlen") && has_value {
            match value() {
                Some(n) if n >= 0 => opts.maxlen = n,
                _ => {
                    ctx.out.error("ERR MAXLEN can't be negative");
                    return None;
                }
            }
        } else {
            ctx.out.syntax_error();
            return None;
        }
        j += 2;
    }
    Some(opts)
}

pub(super) fn lpos(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(opts) = lpos_options(ctx, args) else { return };
    let Ok((list, out)) = read_list(ctx, args.get(1)) else { return };
    let Some(list) = list else {
        return if opts.count.is_some() { out.array(0) } else { out.null() };
    };
    // A negative rank searches from the tail. Redis negates it in a C long:
    // i64::MIN stays negative, so every match then counts as past the rank.
    let from_tail = opts.rank < 0;
    let rank = if from_tail { opts.rank.wrapping_neg() } else { opts.rank };
    let len = list.len();
    let elements: Box<dyn Iterator<Item = &[u8]>> =
        if from_tail { Box::new(list.iter_rev()) } else { Box::new(list.iter()) };
    let limit = if opts.maxlen == 0 { len } else { (opts.maxlen as u64).min(len as u64) as usize };
    let wanted = args.get(2);
    let mut found: Vec<i64> = Vec::new();
    let mut matches: i64 = 0;
    for (i, v) in elements.take(limit).enumerate() {
        if v != wanted {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        found.push(if from_tail { (len - i - 1) as i64 } else { i as i64 });
        match opts.count {
            None => break,
            Some(count) => {
                if count != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= count {
                    break;
                }
            }
        }
    }
    match (opts.count, found.first()) {
        (Some(_), _) => {
            out.array(found.len());
            for i in found {
                out.int(i);
            }
        }
        (None, Some(&i)) => out.int(i),
        (None, None) => out.null(),
    }
}
