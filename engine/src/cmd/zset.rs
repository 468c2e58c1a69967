//! The sorted set family: the command table of every sorted set command, the
//! lookups they share, and the commands on single members (ZADD, ZINCRBY,
//! ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZSCAN). Ranges live in
//! `zset_range.rs`, pops and random members in `zset_pop.rs`, set algebra in
//! `zset_ops.rs`, number parsing in `zset_num.rs`, the blocking pops
//! (BZPOPMIN, BZPOPMAX, BZMPOP) in `zset_block.rs`.
//!
//! Behaviour follows Redis 7.0's t_zset.c: the same order of checks (options,
//! then scores, then the key's type), the same errors, the same encodings
//! (see `keyspace::zset`). A command that empties a set deletes its key.

use super::lookup::{lookup_read, lookup_write};
use super::scan::{parse_scan_cursor, ScanOptions};
use super::zset_num::parse_score;
use super::{zset_block, zset_ops, zset_pop, zset_range};
use crate::command::{flags::*, key_flags, Args, BeginSearch, CommandSpec, Ctx, KeyRange, KeySpec};
use crate::keyspace::zset::{ZSet, ZSetLimits};
use crate::keyspace::Value;
use crate::resp::Reply;

/// Specs of the sorted set family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("zadd", -4, WRITE | DENYOOM | FAST, KeyRange::FIRST, zadd)
        .acl(ACL)
        .history(&[
            ("2.4.0", "Accepts multiple elements."),
            ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."),
            ("6.2.0", "Added the `GT` and `LT` options."),
        ])
        .doc(
            "sorted_set",
            "1.2.0",
            "Add one or more members to a sorted set, or update its score if it already exists",
            "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        ),
    CommandSpec::keyspace("zincrby", 4, WRITE | DENYOOM | FAST, KeyRange::FIRST, zincrby)
        .acl(ACL)
        .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::UPDATE)
        .doc(
            "sorted_set",
            "1.2.0",
            "Increment the score of a member in a sorted set",
            "O(log(N)) where N is the number of elements in the sorted set.",
        ),
    CommandSpec::keyspace("zrem", -3, WRITE | FAST, KeyRange::FIRST, zrem)
        .acl(ACL)
        .key_flags(key_flags::RW | key_flags::DELETE)
        .history(&[("2.4.0", "Accepts multiple elements.")])
        .doc(
            "sorted_set",
            "1.2.0",
            "Remove one or more members from a sorted set",
            "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
        ),
    CommandSpec::keyspace("zcard", 2, READONLY | FAST, KeyRange::FIRST, zcard)
        .acl(ACL)
        .key_flags(key_flags::RO)
        .doc("sorted_set", "1.2.0", "Get the number of members in a sorted set", "O(1)"),
    CommandSpec::keyspace("zscore", 3, READONLY | FAST, KeyRange::FIRST, zscore)
        .acl(ACL)
        .doc(
            "sorted_set",
            "1.2.0",
            "Get the score associated with the given member in a sorted set",
            "O(1)",
        ),
    CommandSpec::keyspace("zmscore", -3, READONLY | FAST, KeyRange::FIRST, zmscore)
        .acl(ACL)
        .doc(
            "sorted_set",
            "6.2.0",
            "Get the score associated with the given members in a sorted set",
            "O(N) where N is the number of members being requested.",
        ),
    CommandSpec::keyspace("zrank", 3, READONLY | FAST, KeyRange::FIRST, zrank)
        .acl(ACL)
        .doc("sorted_set", "2.0.0", "Determine the index of a member in a sorted set", "O(log(N))"),
    CommandSpec::keyspace("zrevrank", 3, READONLY | FAST, KeyRange::FIRST, zrevrank)
        .acl(ACL)
        .doc(
            "sorted_set",
            "2.0.0",
            "Determine the index of a member in a sorted set, with scores ordered from high to low",
            "O(log(N))",
        ),
    CommandSpec::keyspace("zscan", -3, READONLY, KeyRange::FIRST, zscan)
        .acl(ACL)
        .tips(&["nondeterministic_output"])
        .doc(
            "sorted_set",
            "2.8.0",
            "Incrementally iterate sorted sets elements and associated scores",
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        ),
    CommandSpec::keyspace("zcount", 4, READONLY | FAST, KeyRange::FIRST, zset_range::zcount)
        .acl(ACL)
        .doc(
            "sorted_set",
            "2.0.0",
            "Count the members in a sorted set with scores within the given values",
            LOG_N,
        ),
    CommandSpec::keyspace("zlexcount", 4, READONLY | FAST, KeyRange::FIRST, zset_range::zlexcount)
        .acl(ACL)
        .doc(
            "sorted_set",
            "2.8.9",
            "Count the number of members in a sorted set between a given lexicographical range",
            LOG_N,
        ),
    CommandSpec::keyspace("zrange", -4, READONLY, KeyRange::FIRST, zset_range::zrange)
        .acl(ACL)
        .history(&[("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")])
        .doc(
            "sorted_set",
            "1.2.0",
            "Return a range of members in a sorted set",
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        ),
    CommandSpec::keyspace(
        "zrangestore",
        -5,
        WRITE | DENYOOM,
        KeyRange { first: 1, last: 2, step: 1 },
        zset_range::zrangestore,
    )
    .acl(ACL)
    .key_specs(&[
        KeySpec::range(1, 0, 1, key_flags::OW | key_flags::UPDATE),
        KeySpec::range(2, 0, 1, key_flags::RO | key_flags::ACCESS),
    ])
    .doc(
        "sorted_set",
        "6.2.0",
        "Store a range of members from sorted set into another key",
        "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    ),
    CommandSpec::keyspace("zrevrange", -4, READONLY, KeyRange::FIRST, zset_range::zrevrange)
        .acl(ACL)
        .deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
        .doc(
            "sorted_set",
            "1.2.0",
            "Return a range of members in a sorted set, by index, with scores ordered from high to low",
            "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        ),
    CommandSpec::keyspace("zrangebyscore", -4, READONLY, KeyRange::FIRST, zset_range::zrangebyscore)
        .acl(ACL)
        .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
        .history(&[("2.0.0", "Added the `WITHSCORES` modifier.")])
        .doc(
            "sorted_set",
            "1.0.5",
            "Return a range of members in a sorted set, by score",
            RANGE_BY,
        ),
    CommandSpec::keyspace(
        "zrevrangebyscore",
        -4,
        READONLY,
        KeyRange::FIRST,
        zset_range::zrevrangebyscore,
    )
    .acl(ACL)
    .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
    .history(&[("2.1.6", "`min` and `max` can be exclusive.")])
    .doc(
        "sorted_set",
        "2.2.0",
        "Return a range of members in a sorted set, by score, with scores ordered from high to low",
        RANGE_BY,
    ),
    CommandSpec::keyspace("zrangebylex", -4, READONLY, KeyRange::FIRST, zset_range::zrangebylex)
        .acl(ACL)
        .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
        .doc(
            "sorted_set",
            "2.8.9",
            "Return a range of members in a sorted set, by lexicographical range",
            RANGE_BY,
        ),
    CommandSpec::keyspace(
        "zrevrangebylex",
        -4,
        READONLY,
        KeyRange::FIRST,
        zset_range::zrevrangebylex,
    )
    .acl(ACL)
    .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
    .doc(
        "sorted_set",
        "2.8.9",
        "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
        RANGE_BY,
    ),
    CommandSpec::keyspace("zremrangebyrank", 4, WRITE, KeyRange::FIRST, zset_range::zremrangebyrank)
        .acl(ACL)
        .key_flags(key_flags::RW | key_flags::DELETE)
        .doc("sorted_set", "2.0.0", "Remove all members in a sorted set within the given indexes", REM_RANGE),
    CommandSpec::keyspace(
        "zremrangebyscore",
        4,
        WRITE,
        KeyRange::FIRST,
        zset_range::zremrangebyscore,
    )
    .acl(ACL)
    .key_flags(key_flags::RW | key_flags::DELETE)
    .doc("sorted_set", "1.2.0", "Remove all members in a sorted set within the given scores", REM_RANGE),
    CommandSpec::keyspace("zremrangebylex", 4, WRITE, KeyRange::FIRST, zset_range::zremrangebylex)
        .acl(ACL)
        .key_flags(key_flags::RW | key_flags::DELETE)
        .doc(
            "sorted_set",
            "2.8.9",
            "Remove all members in a sorted set between the given lexicographical range",
            REM_RANGE,
        ),
    CommandSpec::keyspace("zpopmin", -2, WRITE | FAST, KeyRange::FIRST, zset_pop::zpopmin)
        .acl(ACL)
        .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::DELETE)
        .doc(
            "sorted_set",
            "5.0.0",
            "Remove and return members with the lowest scores in a sorted set",
            POP,
        ),
    CommandSpec::keyspace("zpopmax", -2, WRITE | FAST, KeyRange::FIRST, zset_pop::zpopmax)
        .acl(ACL)
        .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::DELETE)
        .doc(
            "sorted_set",
            "5.0.0",
            "Remove and return members with the highest scores in a sorted set",
            POP,
        ),
    CommandSpec::keyspace("zmpop", -4, WRITE, KeyRange::NONE, zset_pop::zmpop)
        .acl(ACL)
        .doc(
            "sorted_set",
            "7.0.0",
            "Remove and return members with scores in a sorted set",
            MPOP,
        )
        .movable_keys(&[KeySpec::keynum(
            BeginSearch::Index(1),
            0,
            1,
            1,
            key_flags::RW | key_flags::ACCESS | key_flags::DELETE,
        )]),
    bzpop(
        "bzpopmin",
        "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    ),
    bzpop(
        "bzpopmax",
        "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    ),
    CommandSpec::keyspace("bzmpop", -5, WRITE | BLOCKING, KeyRange::NONE, zset_block::serve_or_null)
        .acl(ACL)
        .blocking(&zset_block::MPOP)
        .doc(
            "sorted_set",
            "7.0.0",
            "Remove and return members with scores in a sorted set or block until one is available",
            MPOP,
        )
        .movable_keys(&[KeySpec::keynum(
            BeginSearch::Index(2),
            0,
            1,
            1,
            key_flags::RW | key_flags::ACCESS | key_flags::DELETE,
        )]),
    CommandSpec::keyspace("zrandmember", -2, READONLY, KeyRange::FIRST, zset_pop::zrandmember)
        .acl(ACL)
        .tips(&["nondeterministic_output"])
        .doc(
            "sorted_set",
            "6.2.0",
            "Get one or multiple random elements from a sorted set",
            "O(N) where N is the number of elements returned",
        ),
    CommandSpec::keyspace("zunion", -3, READONLY, KeyRange::NONE, zset_ops::zunion)
        .acl(ACL)
        .doc("sorted_set", "6.2.0", "Add multiple sorted sets", UNION)
        .movable_keys(SOURCES_AT_1),
    CommandSpec::keyspace("zinter", -3, READONLY, KeyRange::NONE, zset_ops::zinter)
        .acl(ACL)
        .doc("sorted_set", "6.2.0", "Intersect multiple sorted sets", INTER)
        .movable_keys(SOURCES_AT_1),
    CommandSpec::keyspace("zdiff", -3, READONLY, KeyRange::NONE, zset_ops::zdiff)
        .acl(ACL)
        .doc("sorted_set", "6.2.0", "Subtract multiple sorted sets", DIFF)
        .movable_keys(SOURCES_AT_1),
    CommandSpec::keyspace(
        "zunionstore",
        -4,
        WRITE | DENYOOM,
        KeyRange::FIRST,
        zset_ops::zunionstore,
    )
    .acl(ACL)
    .doc(
        "sorted_set",
        "2.0.0",
        "Add multiple sorted sets and store the resulting sorted set in a new key",
        "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    )
        .movable_keys(DEST_AND_SOURCES),
    CommandSpec::keyspace(
        "zinterstore",
        -4,
        WRITE | DENYOOM,
        KeyRange::FIRST,
        zset_ops::zinterstore,
    )
    .acl(ACL)
    .doc(
        "sorted_set",
        "2.0.0",
        "Intersect multiple sorted sets and store the resulting sorted set in a new key",
        INTER,
    )
        .movable_keys(DEST_AND_SOURCES),
    CommandSpec::keyspace(
        "zdiffstore",
        -4,
        WRITE | DENYOOM,
        KeyRange::FIRST,
        zset_ops::zdiffstore,
    )
    .acl(ACL)
    .doc(
        "sorted_set",
        "6.2.0",
        "Subtract multiple sorted sets and store the resulting sorted set in a new key",
        DIFF,
    )
        .movable_keys(DEST_AND_SOURCES),
    CommandSpec::keyspace("zintercard", -3, READONLY, KeyRange::NONE, zset_ops::zintercard)
        .acl(ACL)
        .doc(
            "sorted_set",
            "7.0.0",
            "Intersect multiple sorted sets and return the cardinality of the result",
            "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
        )
        .movable_keys(SOURCES_AT_1),
];

const ACL: &[&str] = &["sortedset"];

/// BZPOPMIN and BZPOPMAX, which differ in name and summary only.
const fn bzpop(name: &'static str, summary: &'static str) -> CommandSpec {
    CommandSpec::keyspace(
        name,
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        BLOCKING_KEYS,
        zset_block::serve_or_null,
    )
    .acl(ACL)
    .blocking(&zset_block::POP)
    .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::DELETE)
    .history(TIMEOUT_600)
    .doc("sorted_set", "5.0.0", summary, LOG_N)
}
const MPOP: &str = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.";
const TIMEOUT_600: &[(&str, &str)] =
    &[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")];
/// Every argument but the last, a timeout (BZPOPMIN, BZPOPMAX).
const BLOCKING_KEYS: KeyRange = KeyRange { first: 1, last: -2, step: 1 };
const LOG_N: &str = "O(log(N)) with N being the number of elements in the sorted set.";
const RANGE_BY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
const REM_RANGE: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const POP: &str = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";
const UNION: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER: &str = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF: &str = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";

/// `numkeys key [key ...]` from argument 1 (ZUNION, ZINTER, ZDIFF, ZINTERCARD).
const SOURCES_AT_1: &[KeySpec] =
    &[KeySpec::keynum(BeginSearch::Index(1), 0, 1, 1, key_flags::RO | key_flags::ACCESS)];

/// `destination numkeys key [key ...]` (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE).
const DEST_AND_SOURCES: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, key_flags::OW | key_flags::UPDATE),
    KeySpec::keynum(BeginSearch::Index(2), 0, 1, 1, key_flags::RO | key_flags::ACCESS),
];

/// The sorted set at `key` for reading: `Ok(None)` when missing, `Err` after
/// replying WRONGTYPE. Counts a hit or miss.
pub(super) fn read_zset<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> Result<(Option<&'c mut ZSet>, &'c mut Reply<'a>), ()> {
    let (found, out) = lookup_read(ctx, key);
    as_zset(found.map(|e| &mut e.value), out)
}

/// The sorted set at `key` for writing: `Ok(None)` when missing, `Err` after
/// replying WRONGTYPE.
pub(super) fn write_zset<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> Result<(Option<&'c mut ZSet>, &'c mut Reply<'a>), ()> {
    let (found, out) = lookup_write(ctx, key);
    as_zset(found.map(|e| &mut e.value), out)
}

fn as_zset<'c, 'a>(
    value: Option<&'c mut Value>,
    out: &'c mut Reply<'a>,
) -> Result<(Option<&'c mut ZSet>, &'c mut Reply<'a>), ()> {
    match value {
        None => Ok((None, out)),
        Some(Value::ZSet(z)) => Ok((Some(z), out)),
        Some(_) => {
            out.wrong_type();
            Err(())
        }
    }
}

/// Deletes `key` if its sorted set became empty (Redis never keeps one).
pub(super) fn delete_if_empty(ctx: &mut Ctx<'_>, key: &[u8]) {
    let now = ctx.now_ms;
    let db = ctx.db();
    if matches!(db.get(key, now).map(|e| &e.value), Some(Value::ZSet(z)) if z.is_empty()) {
        db.remove(key);
    }
}

/// Stores `z` at `key` (replacing any value and its expiry), or deletes the
/// key when `z` is empty, as the store commands do. Replies the new length.
pub(super) fn store(ctx: &mut Ctx<'_>, key: &[u8], z: ZSet) {
    let len = z.len();
    let lru = ctx.lru_s;
    let db = ctx.db();
    if len == 0 {
        db.remove(key);
    } else {
        db.set(key, Value::ZSet(Box::new(z)), None, lru);
    }
    ctx.out.int(len as i64);
}

/// Replies one member, with its score if `withscores` (a [member, score]
/// pair in RESP3, two flat elements in RESP2: see [`array_of_members`]).
pub(super) fn reply_member(out: &mut Reply<'_>, member: &[u8], score: f64, withscores: bool) {
    if withscores && out.proto == crate::resp::Protocol::Resp3 {
        out.array(2);
    }
    out.bulk(member);
    if withscores {
        out.double(score);
    }
}

/// The array header for `n` members replied by [`reply_member`].
pub(super) fn array_of_members(out: &mut Reply<'_>, n: usize, withscores: bool) {
    let flat = withscores && out.proto == crate::resp::Protocol::Resp2;
    out.array(if flat { 2 * n } else { n });
}

/// ZADD's options.
#[derive(Clone, Copy, Default)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    incr: bool,
}

/// What adding one member did.
enum Added {
    /// A new member.
    New(f64),
    /// An existing member got a new score.
    Updated(f64),
    /// An existing member kept its score (same score, or a zero increment).
    Same(f64),
    /// Nothing, because of NX, XX, GT or LT.
    Nop,
}

/// Adds or updates one member as Redis's `zsetAdd`; None when an increment
/// made the score NaN.
fn add_one(
    z: &mut ZSet,
    member: &[u8],
    score: f64,
    f: AddFlags,
    lim: &ZSetLimits,
) -> Option<Added> {
    let Some(current) = z.score(member) else {
        if f.xx {
            return Some(Added::Nop);
        }
        z.insert_new(member, score, lim);
        return Some(Added::New(score));
    };
    if f.nx {
        return Some(Added::Nop);
    }
    let score = if f.incr { score + current } else { score };
    if score.is_nan() {
        return None;
    }
    if (f.lt && score >= current) || (f.gt && score <= current) {
        return Some(Added::Nop);
    }
    if score == current {
        return Some(Added::Same(score));
    }
    z.update(member, score);
    Some(Added::Updated(score))
}

fn zadd(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    zadd_generic(ctx, args, AddFlags::default());
}

fn zincrby(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    zadd_generic(ctx, args, AddFlags { incr: true, ..AddFlags::default() });
}

/// ZADD and ZINCRBY (Redis's `zaddGenericCommand`, quirks included: ZINCRBY
/// also reads ZADD's option words before its increment).
fn zadd_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, mut f: AddFlags) {
    let mut ch = false;
    let mut at = 2;
    while at < args.len() {
        match &args.get(at).to_ascii_lowercase()[..] {
            b"nx" => f.nx = true,
            b"xx" => f.xx = true,
            b"ch" => ch = true,
            b"incr" => f.incr = true,
            b"gt" => f.gt = true,
            b"lt" => f.lt = true,
            _ => break,
        }
        at += 1;
    }
    let pairs = args.len() - at;
    if pairs == 0 || !pairs.is_multiple_of(2) {
        return ctx.out.syntax_error();
    }
    if f.nx && f.xx {
        return ctx.out.error("ERR XX and NX options at the same time are not compatible");
    }
    if ((f.gt || f.lt) && f.nx) || (f.gt && f.lt) {
        return ctx.out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if f.incr && pairs > 2 {
        return ctx.out.error("ERR INCR option supports a single increment-element pair");
    }
    let mut scores = Vec::with_capacity(pairs / 2);
    for i in (at..args.len()).step_by(2) {
        match parse_score(args.get(i)) {
            Some(s) => scores.push(s),
            None => return ctx.out.error("ERR value is not a valid float"),
        }
    }
    let key = args.get(1);
    let lim = ctx.cfg.zset_limits();
    let lru = ctx.lru_s;
    let reserved = ctx.db().take_reserved(key);
    let Ok((found, out)) = write_zset(ctx, key) else { return };
    let mut created = None;
    let z = match found {
        Some(z) => z,
        None if f.xx => return reply_zadd(out, f.incr, ch, 0, 0, None),
        None => created.insert(match reserved {
            Some(Value::ZSet(z)) => *z,
            _ => ZSet::default(),
        }),
    };
    let (mut added, mut updated, mut last) = (0, 0, None);
    let mut nan = false;
    for (j, &score) in scores.iter().enumerate() {
        match add_one(z, args.get(at + 2 * j + 1), score, f, &lim) {
            None => {
                nan = true;
                break;
            }
            Some(Added::New(s)) => (added, last) = (added + 1, Some(s)),
            Some(Added::Updated(s)) => (updated, last) = (updated + 1, Some(s)),
            Some(Added::Same(s)) => last = Some(s),
            Some(Added::Nop) => {}
        }
    }
    if nan {
        out.error("ERR resulting score is not a number (NaN)");
    } else {
        reply_zadd(out, f.incr, ch, added, updated, last);
    }
    if let Some(z) = created {
        ctx.db().set(key, Value::ZSet(Box::new(z)), None, lru);
    }
}

/// ZADD's reply: the score with INCR (null when nothing was done), else the
/// number of added (with CH: added or updated) members.
fn reply_zadd(
    out: &mut Reply<'_>,
    incr: bool,
    ch: bool,
    added: i64,
    updated: i64,
    last: Option<f64>,
) {
    if incr {
        match last {
            Some(s) => out.double(s),
            None => out.null(),
        }
    } else {
        out.int(if ch { added + updated } else { added });
    }
}

fn zrem(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let key = args.get(1);
    let Ok((found, out)) = write_zset(ctx, key) else { return };
    let Some(z) = found else { return out.int(0) };
    let mut deleted = 0;
    for i in 2..args.len() {
        deleted += z.remove(args.get(i)) as i64;
        if z.is_empty() {
            break;
        }
    }
    out.int(deleted);
    delete_if_empty(ctx, key);
}

fn zcard(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    out.int(found.map_or(0, |z| z.len() as i64));
}

fn zscore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    match found.and_then(|z| z.score(args.get(2))) {
        Some(s) => out.double(s),
        None => out.null(),
    }
}

fn zmscore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    out.array(args.len() - 2);
    for i in 2..args.len() {
        match found.as_ref().and_then(|z| z.score(args.get(i))) {
            Some(s) => out.double(s),
            None => out.null(),
        }
    }
}

fn zrank(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    rank_generic(ctx, args, false);
}

fn zrevrank(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    rank_generic(ctx, args, true);
}

fn rank_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, rev: bool) {
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    match found.and_then(|z| z.rank(args.get(2), rev)) {
        Some(r) => out.int(r as i64),
        None => out.null(),
    }
}

/// ZSCAN cursors of the large encoding: the bucket to resume at, shifted
/// past 6 bits holding log2 of the index's bucket count when it was issued.
/// A cursor from another table size restarts at bucket 0: members may come
/// twice, none present throughout is missed (except across an in-place
/// rehash of the index, which only many deletions and inserts at one size cause).
const CURSOR_SIZE_BITS: u32 = 6;

fn zscan(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(cursor) = parse_scan_cursor(args.get(2)) else {
        return ctx.out.error("ERR invalid cursor");
    };
    let key = args.get(1);
    match read_zset(ctx, key) {
        Err(()) => return,
        Ok((None, out)) => {
            out.array(2);
            out.bulk(b"0");
            return out.array(0);
        }
        Ok((Some(_), _)) => {}
    }
    // The options are parsed after the key lookup, as Redis.
    let Some(opts) = ScanOptions::parse(&mut ctx.out, args, 3, false) else { return };
    let (db, now) = (ctx.db, ctx.now_ms);
    let Some(Value::ZSet(z)) = ctx.ks.db(db).get(key, now).map(|e| &e.value) else {
        unreachable!("looked up above")
    };
    let listpack = matches!(&**z, ZSet::Listpack(_));
    let mut items: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut keep = |m: &[u8], s: f64| {
        if opts.pattern.is_none_or(|g| g.matches(m)) {
            items.push((m.to_vec(), s));
        }
    };
    let next = match &**z {
        ZSet::Listpack(_) => {
            z.for_each(&mut keep);
            0
        }
        ZSet::Sorted(s) => {
            let size_log2 = s.num_buckets().trailing_zeros() as u64;
            let mask = (1u64 << CURSOR_SIZE_BITS) - 1;
            let from = if cursor & mask == size_log2 { cursor >> CURSOR_SIZE_BITS } else { 0 };
            let from = usize::try_from(from).unwrap_or(usize::MAX);
            s.scan(from, opts.count, &mut keep)
                .map_or(0, |b| (b as u64) << CURSOR_SIZE_BITS | size_log2)
        }
    };
    let out = &mut ctx.out;
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(items.len() * 2);
    for (m, s) in items {
        out.bulk(&m);
        out.bulk(score_text(s, listpack).as_bytes());
    }
}

/// A score as ZSCAN shows it: `%.17g`, except that a listpack holds scores as
/// Redis's `d2string` text, where integral values within ±2^62 are plain
/// integers (`100000000000000000`, not `1e+17`).
fn score_text(score: f64, listpack: bool) -> String {
    const INT_LIMIT: f64 = (i64::MAX / 2) as f64;
    if listpack && score.fract() == 0.0 && (-INT_LIMIT..=INT_LIMIT).contains(&score) {
        return (score as i64).to_string();
    }
    crate::resp::reply::format_double(score)
}
