//! The set family: the command table of every set command, and the commands
//! on one set (SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SPOP, SRANDMEMBER,
//! SMOVE, SSCAN). The algebra of several sets (SINTER, SUNION, SDIFF, their
//! STORE forms, SINTERCARD, and SMEMBERS, which Redis 7.0 runs as SINTER of
//! one key) lives in `set_ops.rs`.
//!
//! Behaviour follows Redis 7.0's t_set.c: the same order of checks (count
//! arguments before the key lookup, WRONGTYPE before anything else happens),
//! the same encodings and conversions (see `keyspace::set`), and the same
//! strategies where they show: SPOP with a count that leaves few members
//! builds the remaining set anew (which can turn a hashtable back into an
//! intset), SPOP of the whole set replies as SUNION would.

use super::keys_all::random_u64;
use super::lookup::{lookup_read, lookup_write};
use super::scan::{parse_scan_cursor, ScanOptions};
use super::set_ops;
use crate::command::{flags::*, key_flags, Args, CommandSpec, Ctx, KeyRange, KeySpec};
use crate::keyspace::{Entry, Member, Set, Value};
use crate::num::parse_i64_strict;
use crate::resp::Reply;

/// Specs of the set family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("sadd", -3, WRITE | DENYOOM | FAST, KeyRange::FIRST, sadd)
        .acl(&["set"])
        .key_flags(key_flags::RW | key_flags::INSERT)
        .doc(
            "set",
            "1.0.0",
            "Add one or more members to a set",
            "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
        )
        .history(&[("2.4.0", "Accepts multiple `member` arguments.")]),
    CommandSpec::keyspace("srem", -3, WRITE | FAST, KeyRange::FIRST, srem)
        .acl(&["set"])
        .key_flags(key_flags::RW | key_flags::DELETE)
        .doc(
            "set",
            "1.0.0",
            "Remove one or more members from a set",
            "O(N) where N is the number of members to be removed.",
        )
        .history(&[("2.4.0", "Accepts multiple `member` arguments.")]),
    CommandSpec::keyspace("scard", 2, READONLY | FAST, KeyRange::FIRST, scard)
        .acl(&["set"])
        .key_flags(key_flags::RO)
        .doc("set", "1.0.0", "Get the number of members in a set", "O(1)"),
    CommandSpec::keyspace("sismember", 3, READONLY | FAST, KeyRange::FIRST, sismember)
        .acl(&["set"])
        .key_flags(key_flags::RO)
        .doc("set", "1.0.0", "Determine if a given value is a member of a set", "O(1)"),
    CommandSpec::keyspace("smismember", -3, READONLY | FAST, KeyRange::FIRST, smismember)
        .acl(&["set"])
        .doc(
            "set",
            "6.2.0",
            "Returns the membership associated with the given elements for a set",
            "O(N) where N is the number of elements being checked for membership",
        ),
    CommandSpec::keyspace("smembers", 2, READONLY, KeyRange::FIRST, set_ops::smembers)
        .acl(&["set"])
        .tips(&["nondeterministic_output_order"])
        .doc("set", "1.0.0", "Get all the members in a set", "O(N) where N is the set cardinality."),
    CommandSpec::keyspace("spop", -2, WRITE | FAST, KeyRange::FIRST, spop)
        .acl(&["set"])
        .tips(&["nondeterministic_output"])
        .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::DELETE)
        .doc(
            "set",
            "1.0.0",
            "Remove and return one or multiple random members from a set",
            "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
        )
        .history(&[("3.2.0", "Added the `count` argument.")]),
    CommandSpec::keyspace("srandmember", -2, READONLY, KeyRange::FIRST, srandmember)
        .acl(&["set"])
        .tips(&["nondeterministic_output"])
        .doc(
            "set",
            "1.0.0",
            "Get one or multiple random members from a set",
            "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
        )
        .history(&[("2.6.0", "Added the optional `count` argument.")]),
    CommandSpec::keyspace("smove", 4, WRITE | FAST, KeyRange { first: 1, last: 2, step: 1 }, smove)
        .acl(&["set"])
        .key_specs(SMOVE_KEYS)
        .doc("set", "1.0.0", "Move a member from one set to another", "O(1)"),
    CommandSpec::keyspace("sinter", -2, READONLY, SOURCES, set_ops::sinter)
        .acl(&["set"])
        .tips(&["nondeterministic_output_order"])
        .doc(
            "set",
            "1.0.0",
            "Intersect multiple sets",
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        ),
    CommandSpec::keyspace("sintercard", -3, READONLY | MOVABLEKEYS, KeyRange::NONE, set_ops::sintercard)
        .acl(&["set"])
        .key_specs(SINTERCARD_KEYS)
        .doc(
            "set",
            "7.0.0",
            "Intersect multiple sets and return the cardinality of the result",
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        ),
    CommandSpec::keyspace("sinterstore", -3, WRITE | DENYOOM, SOURCES, set_ops::sinterstore)
        .acl(&["set"])
        .key_specs(SINTERSTORE_KEYS)
        .doc(
            "set",
            "1.0.0",
            "Intersect multiple sets and store the resulting set in a key",
            "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
        ),
    CommandSpec::keyspace("sunion", -2, READONLY, SOURCES, set_ops::sunion)
        .acl(&["set"])
        .tips(&["nondeterministic_output_order"])
        .doc("set", "1.0.0", "Add multiple sets", "O(N) where N is the total number of elements in all given sets."),
    CommandSpec::keyspace("sunionstore", -3, WRITE | DENYOOM, SOURCES, set_ops::sunionstore)
        .acl(&["set"])
        .key_specs(OVERWRITE_STORE_KEYS)
        .doc(
            "set",
            "1.0.0",
            "Add multiple sets and store the resulting set in a key",
            "O(N) where N is the total number of elements in all given sets.",
        ),
    CommandSpec::keyspace("sdiff", -2, READONLY, SOURCES, set_ops::sdiff)
        .acl(&["set"])
        .tips(&["nondeterministic_output_order"])
        .doc("set", "1.0.0", "Subtract multiple sets", "O(N) where N is the total number of elements in all given sets."),
    CommandSpec::keyspace("sdiffstore", -3, WRITE | DENYOOM, SOURCES, set_ops::sdiffstore)
        .acl(&["set"])
        .key_specs(OVERWRITE_STORE_KEYS)
        .doc(
            "set",
            "1.0.0",
            "Subtract multiple sets and store the resulting set in a key",
            "O(N) where N is the total number of elements in all given sets.",
        ),
    CommandSpec::keyspace("sscan", -3, READONLY, KeyRange::FIRST, sscan)
        .acl(&["set"])
        .tips(&["nondeterministic_output"])
        .doc(
            "set",
            "2.8.0",
            "Incrementally iterate Set elements",
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        ),
];

/// Every argument from the first on is a key (SINTER ...), or the destination
/// and then the sources (SINTERSTORE ...).
const SOURCES: KeyRange = KeyRange { first: 1, last: -1, step: 1 };

const SMOVE_KEYS: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, key_flags::RW | key_flags::ACCESS | key_flags::DELETE),
    KeySpec::range(2, 0, 1, key_flags::RW | key_flags::INSERT),
];

const SINTERCARD_KEYS: &[KeySpec] = &[KeySpec::keynum(
    crate::command::BeginSearch::Index(1),
    0,
    1,
    1,
    key_flags::RO | key_flags::ACCESS,
)];

const SINTERSTORE_KEYS: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, key_flags::RW | key_flags::UPDATE),
    KeySpec::range(2, -1, 1, key_flags::RO | key_flags::ACCESS),
];

/// SUNIONSTORE and SDIFFSTORE: the destination is overwritten.
const OVERWRITE_STORE_KEYS: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, key_flags::OW | key_flags::UPDATE),
    KeySpec::range(2, -1, 1, key_flags::RO | key_flags::ACCESS),
];

/// Most members SRANDMEMBER with a negative count replies (Redis has no
/// bound and streams until the client is dropped; we refuse past this).
const RANDOM_COUNT_MAX: u64 = 1 << 24;

/// SPOP with a count rebuilds the set from the members that stay when fewer
/// than 1/5 of the count stay (Redis's `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_STRATEGY_MUL: u64 = 5;

/// SRANDMEMBER copies the whole set and removes members at random when the
/// count is over a third of the set (Redis's `SRANDMEMBER_SUB_STRATEGY_MUL`).
const SRANDMEMBER_SUB_STRATEGY_MUL: u64 = 3;

/// The set held by `e`, or None for another type.
pub(crate) fn set_of(e: &mut Entry) -> Option<&mut Set> {
    match &mut e.value {
        Value::Set(s) => Some(s),
        _ => None,
    }
}

/// Writes one member as a bulk string.
pub(crate) fn reply_member(out: &mut Reply<'_>, m: Member<'_>) {
    match m {
        Member::Int(n) => out.bulk_i64(n),
        Member::Bytes(b) => out.bulk(b),
    }
}

/// A source of random numbers for one command.
fn rng(now_ms: u64) -> impl FnMut() -> u64 {
    move || random_u64(now_ms)
}

fn sadd(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let max = ctx.cfg.set_max_intset_entries;
    let key = args.get(1);
    let members = args.iter().skip(2);
    let reserved = ctx.db().take_reserved(key);
    let (found, out) = lookup_write(ctx, key);
    let added = match found {
        Some(e) => match set_of(e) {
            Some(s) => members.filter(|m| s.add(m, max)).count(),
            None => return out.wrong_type(),
        },
        None => {
            let mut s = match reserved {
                Some(Value::Set(s)) => *s,
                _ => Set::for_first(args.get(2), 0),
            };
            let added = members.filter(|m| s.add(m, max)).count();
            let lru = ctx.lru_s;
            ctx.db().set(key, Value::Set(Box::new(s)), None, lru);
            added
        }
    };
    ctx.out.int(added as i64);
}

fn srem(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let key = args.get(1);
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        return out.int(0);
    };
    let Some(s) = set_of(e) else {
        return out.wrong_type();
    };
    let mut removed = 0;
    for m in args.iter().skip(2) {
        if s.remove(m) {
            removed += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    let emptied = s.is_empty();
    out.int(removed);
    if emptied {
        ctx.db().remove(key);
    }
}

/// Runs `f` on the set at `key` for a read, replying `missing` when absent
/// and WRONGTYPE for another type.
fn with_set_read(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    missing: impl FnOnce(&mut Reply<'_>),
    f: impl FnOnce(&Set, &mut Reply<'_>),
) {
    let (found, out) = lookup_read(ctx, key);
    match found {
        None => missing(out),
        Some(e) => match set_of(e) {
            Some(s) => f(s, out),
            None => out.wrong_type(),
        },
    }
}

fn scard(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    with_set_read(ctx, args.get(1), |out| out.int(0), |s, out| out.int(s.len() as i64));
}

fn sismember(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let m = args.get(2);
    with_set_read(ctx, args.get(1), |out| out.int(0), |s, out| out.int(s.contains(m) as i64));
}

fn smismember(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let reply = |s: Option<&Set>, out: &mut Reply<'_>| {
        out.array(args.len() - 2);
        for m in args.iter().skip(2) {
            out.int(s.is_some_and(|s| s.contains(m)) as i64);
        }
    };
    with_set_read(ctx, args.get(1), |out| reply(None, out), |s, out| reply(Some(s), out));
}

/// Parses a count that must be >= 0, replying Redis's error otherwise.
fn positive_count(out: &mut Reply<'_>, arg: &[u8]) -> Option<u64> {
    match parse_i64_strict(arg) {
        Some(n) if n >= 0 => Some(n as u64),
        _ => {
            out.error("ERR value is out of range, must be positive");
            None
        }
    }
}

fn spop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match args.len() {
        2 => spop_one(ctx, args.get(1)),
        3 => spop_count(ctx, args),
        _ => ctx.out.syntax_error(),
    }
}

fn spop_one(ctx: &mut Ctx<'_>, key: &[u8]) {
    let mut rng = rng(ctx.now_ms);
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        return out.null();
    };
    let Some(s) = set_of(e) else {
        return out.wrong_type();
    };
    reply_member(out, s.pop_random(&mut rng).member());
    if s.is_empty() {
        ctx.db().remove(key);
    }
}

fn spop_count(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(count) = positive_count(&mut ctx.out, args.get(2)) else {
        return;
    };
    let key = args.get(1);
    let max = ctx.cfg.set_max_intset_entries;
    let mut rng = rng(ctx.now_ms);
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        return out.set(0);
    };
    let Some(s) = set_of(e) else {
        return out.wrong_type();
    };
    if count == 0 {
        return out.set(0);
    }
    let size = s.len() as u64;
    if count >= size {
        // The whole set, replied as SUNION of the key would.
        set_ops::reply_set(out, &set_ops::union(&[Some(&*s)], max));
        ctx.db().remove(key);
        return;
    }
    out.set(count as usize);
    let remaining = size - count;
    if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        for _ in 0..count {
            reply_member(out, s.pop_random(&mut rng).member());
        }
        return;
    }
    // Few members stay: move them to a new set, reply what is left behind.
    let mut kept: Option<Set> = None;
    for _ in 0..remaining {
        let popped = s.pop_random(&mut rng);
        let m = popped.member();
        kept.get_or_insert_with(|| Set::for_first(m.text().as_bytes(), 0)).add_member(m, max);
    }
    for m in s.iter() {
        reply_member(out, m);
    }
    *s = kept.expect("at least one member stays");
}

fn srandmember(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match args.len() {
        2 => {
            let mut rng = rng(ctx.now_ms);
            with_set_read(
                ctx,
                args.get(1),
                |out| out.null(),
                |s, out| reply_member(out, s.random(&mut rng)),
            );
        }
        3 => srandmember_count(ctx, args),
        _ => ctx.out.syntax_error(),
    }
}

fn srandmember_count(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let n = match parse_i64_strict(args.get(2)) {
        None => return ctx.out.not_integer(),
        Some(i64::MIN) => {
            return ctx.out.error(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            )
        }
        Some(n) => n,
    };
    let (count, unique) = (n.unsigned_abs(), n >= 0);
    if !unique && count > RANDOM_COUNT_MAX {
        return ctx.out.error("ERR value is out of range");
    }
    let mut rng = rng(ctx.now_ms);
    with_set_read(
        ctx,
        args.get(1),
        |out| out.array(0),
        |s, out| {
            if count == 0 {
                return out.array(0);
            }
            let size = s.len() as u64;
            if !unique || count == 1 {
                // Repeats allowed: independent picks.
                out.array(count as usize);
                for _ in 0..count {
                    reply_member(out, s.random(&mut rng));
                }
            } else if count >= size {
                out.array(size as usize);
                for m in s.iter() {
                    reply_member(out, m);
                }
            } else if count * SRANDMEMBER_SUB_STRATEGY_MUL > size {
                // Most of the set: copy it and drop members at random.
                let mut copy = s.clone();
                while copy.len() as u64 > count {
                    copy.pop_random(&mut rng);
                }
                out.array(count as usize);
                for m in copy.iter() {
                    reply_member(out, m);
                }
            } else {
                // A small part: pick until `count` distinct members were found.
                let mut picked: Vec<Member<'_>> = Vec::with_capacity(count as usize);
                let mut seen = hashbrown::HashSet::with_capacity(count as usize);
                while (picked.len() as u64) < count {
                    let m = s.random(&mut rng);
                    if seen.insert(m) {
                        picked.push(m);
                    }
                }
                out.array(picked.len());
                for m in picked {
                    reply_member(out, m);
                }
            }
        },
    );
}

fn smove(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (src, dst, m) = (args.get(1), args.get(2), args.get(3));
    let max = ctx.cfg.set_max_intset_entries;
    // Both keys are looked up first (expiring them), as Redis does.
    let src_is_set = lookup_write(ctx, src).0.map(|e| set_of(e).is_some());
    let dst_is_set = lookup_write(ctx, dst).0.map(|e| set_of(e).is_some());
    match (src_is_set, dst_is_set) {
        (None, _) => return ctx.out.int(0),
        (Some(false), _) | (_, Some(false)) => return ctx.out.wrong_type(),
        _ => {}
    }
    let (found, out) = lookup_write(ctx, src);
    let s = set_of(found.expect("looked up")).expect("a set");
    if src == dst {
        return out.int(s.contains(m) as i64);
    }
    if !s.remove(m) {
        return out.int(0);
    }
    out.int(1);
    if s.is_empty() {
        ctx.db().remove(src);
    }
    match lookup_write(ctx, dst).0 {
        Some(e) => {
            set_of(e).expect("a set").add(m, max);
        }
        None => {
            let mut s = Set::for_first(m, 0);
            s.add(m, max);
            let lru = ctx.lru_s;
            ctx.db().set(dst, Value::Set(Box::new(s)), None, lru);
        }
    }
}

fn sscan(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(cursor) = parse_scan_cursor(args.get(2)) else {
        return ctx.out.error("ERR invalid cursor");
    };
    with_set_read(
        ctx,
        args.get(1),
        |out| reply_scan(out, 0, &[]),
        |s, out| {
            let Some(opts) = ScanOptions::parse(out, args, 3, false) else {
                return;
            };
            let mut found: Vec<Vec<u8>> = Vec::new();
            let mut keep = |m: &[u8]| {
                if opts.matches(m) {
                    found.push(m.to_vec());
                }
            };
            let next = match s {
                // A small encoding is returned whole, whatever the cursor.
                Set::Ints(_) => {
                    s.iter().for_each(|m| keep(m.text().as_bytes()));
                    0
                }
                Set::Table(t) => t.scan(cursor, opts.count, keep),
            };
            reply_scan(out, next, &found);
        },
    );
}

/// An SSCAN reply: the next cursor and the members found.
fn reply_scan(out: &mut Reply<'_>, cursor: u64, found: &[Vec<u8>]) {
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.array(found.len());
    for m in found {
        out.bulk(m);
    }
}
