//! The algebra of sets: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE,
//! SDIFF, SDIFFSTORE, and SMEMBERS (Redis 7.0 runs it as SINTER of one key).
//!
//! As Redis's `sinterGenericCommand` and `sunionDiffGenericCommand`: every
//! source is looked up for reading first (a missing key is an empty set, the
//! first non-set stops the command with WRONGTYPE); an intersection walks the
//! smallest set (so it replies in that set's order: ascending for an intset);
//! unions and differences are built as a new set that starts as an intset and
//! converts as members come in, then replied in its order. The difference
//! picks Redis's algorithm by the same cost estimate, because the algorithm
//! decides what the intermediate set holds and so the result's encoding. The
//! STORE forms replace the destination (dropping its TTL) or delete it when
//! the result is empty.

use super::lookup::lookup_read;
use super::set::{reply_member, set_of};
use crate::command::{Args, Ctx};
use crate::keyspace::{Db, Member, Set, Value};
use crate::num::parse_i64_strict;
use crate::resp::Reply;

/// The arguments from `first` on: the source keys.
fn keys_from<'a>(args: &Args<'a>, first: usize) -> Vec<&'a [u8]> {
    args.iter().skip(first).collect()
}

/// Looks every key up for reading and checks it holds a set. False (after
/// replying WRONGTYPE) at the first that does not.
fn check_sources(ctx: &mut Ctx<'_>, keys: &[&[u8]]) -> bool {
    for &key in keys {
        let (found, out) = lookup_read(ctx, key);
        if let Some(e) = found {
            if set_of(e).is_none() {
                out.wrong_type();
                return false;
            }
        }
    }
    true
}

/// The sets at `keys` (None for a missing key), once [`check_sources`] passed.
/// Takes the database rather than `ctx`, so that replies can be written while
/// the sets are borrowed.
fn sources<'c>(db: &'c Db, now_ms: u64, keys: &[&[u8]]) -> Vec<Option<&'c Set>> {
    keys.iter()
        .map(|k| match db.peek(k, now_ms).map(|e| &e.value) {
            Some(Value::Set(s)) => Some(&**s),
            _ => None,
        })
        .collect()
}

/// Replies a whole set (a RESP3 set, an array in RESP2), in its order.
pub(crate) fn reply_set(out: &mut Reply<'_>, s: &Set) {
    out.set(s.len());
    for m in s.iter() {
        reply_member(out, m);
    }
}

/// Stores `result` at `dst` (replacing any value and its TTL) and replies its
/// size, or deletes `dst` and replies 0 when `result` is empty.
fn store(ctx: &mut Ctx<'_>, dst: &[u8], result: Set) {
    let n = result.len();
    if n == 0 {
        ctx.db().remove(dst);
    } else {
        let lru = ctx.lru_s;
        ctx.db().set(dst, Value::Set(Box::new(result)), None, lru);
    }
    ctx.out.int(n as i64);
}

/// Calls `f` with each member of the intersection of `sets` (all present),
/// in the order of the smallest set, until `f` returns false.
fn intersect<'s>(sets: &mut [&'s Set], mut f: impl FnMut(Member<'s>) -> bool) {
    // Stable, as glibc's qsort (a merge sort) is on these small arrays.
    sets.sort_by_key(|s| s.len());
    let (first, rest) = sets.split_first().expect("at least one set");
    for m in first.iter() {
        let everywhere = rest.iter().all(|s| std::ptr::eq(*s, *first) || s.contains_member(m));
        if everywhere && !f(m) {
            return;
        }
    }
}

/// The sources of an intersection: None when one is missing (the result is
/// empty), else the sets.
fn all_present(sets: Vec<Option<&Set>>) -> Option<Vec<&Set>> {
    sets.into_iter().collect()
}

/// SINTER of `keys`, replied.
fn reply_inter(ctx: &mut Ctx<'_>, keys: &[&[u8]]) {
    if !check_sources(ctx, keys) {
        return;
    }
    let Some(mut sets) = all_present(sources(ctx.ks.db_ref(ctx.db), ctx.now_ms, keys)) else {
        return ctx.out.set(0);
    };
    let mut found = Vec::new();
    intersect(&mut sets, |m| {
        found.push(m);
        true
    });
    let out = &mut ctx.out;
    out.set(found.len());
    for m in found {
        reply_member(out, m);
    }
}

pub(crate) fn smembers(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_inter(ctx, &keys_from(args, 1));
}

pub(crate) fn sinter(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_inter(ctx, &keys_from(args, 1));
}

pub(crate) fn sinterstore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let keys = keys_from(args, 2);
    if !check_sources(ctx, &keys) {
        return;
    }
    let max = ctx.cfg.set_max_intset_entries;
    let mut result = Set::new_ints();
    if let Some(mut sets) = all_present(sources(ctx.ks.db_ref(ctx.db), ctx.now_ms, &keys)) {
        intersect(&mut sets, |m| {
            result.add_member(m, max);
            true
        });
    }
    store(ctx, args.get(1), result);
}

pub(crate) fn sintercard(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let numkeys = match parse_i64_strict(args.get(1)) {
        Some(n) if n >= 1 => n as u64,
        _ => return ctx.out.error("ERR numkeys should be greater than 0"),
    };
    if numkeys > (args.len() - 2) as u64 {
        return ctx.out.error("ERR Number of keys can't be greater than number of args");
    }
    let first_option = 2 + numkeys as usize;
    let mut limit = 0u64;
    let mut i = first_option;
    while i < args.len() {
        if args.is(i, "limit") && i + 1 < args.len() {
            match parse_i64_strict(args.get(i + 1)) {
                Some(n) if n >= 0 => limit = n as u64,
                _ => return ctx.out.error("ERR LIMIT can't be negative"),
            }
            i += 2;
        } else {
            return ctx.out.syntax_error();
        }
    }
    let keys: Vec<&[u8]> = args.iter().skip(2).take(numkeys as usize).collect();
    if !check_sources(ctx, &keys) {
        return;
    }
    let mut n = 0u64;
    if let Some(mut sets) = all_present(sources(ctx.ks.db_ref(ctx.db), ctx.now_ms, &keys)) {
        intersect(&mut sets, |_| {
            n += 1;
            limit == 0 || n < limit
        });
    }
    ctx.out.int(n as i64);
}

/// The union of `sets`, built as Redis builds it (so with its encoding).
pub(crate) fn union(sets: &[Option<&Set>], max_intset_entries: usize) -> Set {
    let mut result = Set::new_ints();
    for s in sets.iter().flatten() {
        for m in s.iter() {
            result.add_member(m, max_intset_entries);
        }
    }
    result
}

/// The members of the first set in none of the others, built as Redis builds
/// it: by testing each member of the first set against the others when that
/// is estimated cheaper, else by adding the first set whole and removing the
/// others' members.
fn difference(sets: &[Option<&Set>], max_intset_entries: usize) -> Set {
    let mut result = Set::new_ints();
    let Some(first) = sets[0] else {
        return result;
    };
    let rest = &sets[1..];
    if rest.iter().flatten().any(|s| std::ptr::eq(*s, first)) {
        return result;
    }
    let present = sets.iter().flatten();
    let one_work = present.clone().count() as u64 * first.len() as u64 / 2;
    let two_work: u64 = present.map(|s| s.len() as u64).sum();
    if one_work <= two_work {
        for m in first.iter() {
            if !rest.iter().flatten().any(|s| s.contains_member(m)) {
                result.add_member(m, max_intset_entries);
            }
        }
    } else {
        for m in first.iter() {
            result.add_member(m, max_intset_entries);
        }
        for s in rest.iter().flatten() {
            for m in s.iter() {
                result.remove(m.text().as_bytes());
            }
            if result.is_empty() {
                break;
            }
        }
    }
    result
}

/// Which of union and difference.
#[derive(Clone, Copy)]
enum Op {
    Union,
    Diff,
}

/// SUNION/SDIFF of `keys`: the result, or None after replying WRONGTYPE.
fn union_or_diff(ctx: &mut Ctx<'_>, keys: &[&[u8]], op: Op) -> Option<Set> {
    if !check_sources(ctx, keys) {
        return None;
    }
    let max = ctx.cfg.set_max_intset_entries;
    let sets = sources(ctx.ks.db_ref(ctx.db), ctx.now_ms, keys);
    Some(match op {
        Op::Union => union(&sets, max),
        Op::Diff => difference(&sets, max),
    })
}

fn reply_union_or_diff(ctx: &mut Ctx<'_>, args: &Args<'_>, op: Op) {
    if let Some(result) = union_or_diff(ctx, &keys_from(args, 1), op) {
        reply_set(&mut ctx.out, &result);
    }
}

fn store_union_or_diff(ctx: &mut Ctx<'_>, args: &Args<'_>, op: Op) {
    if let Some(result) = union_or_diff(ctx, &keys_from(args, 2), op) {
        store(ctx, args.get(1), result);
    }
}

pub(crate) fn sunion(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_union_or_diff(ctx, args, Op::Union);
}

pub(crate) fn sunionstore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    store_union_or_diff(ctx, args, Op::Union);
}

pub(crate) fn sdiff(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_union_or_diff(ctx, args, Op::Diff);
}

pub(crate) fn sdiffstore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    store_union_or_diff(ctx, args, Op::Diff);
}
