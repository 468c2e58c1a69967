//! The hash family: the command table of every hash command, and the commands
//! that read and write fields (HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN,
//! HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL). Counters live in `hash_incr.rs`,
//! HRANDFIELD and HSCAN in `hash_scan.rs`; the data structure in
//! `keyspace::hash`.
//!
//! Behaviour follows Redis 7.0's t_hash.c: a write converts the hash to a
//! hashtable before writing anything when a field or value is longer than
//! `hash-max-listpack-value`, and after writing when it holds more than
//! `hash-max-listpack-entries` fields; a hash emptied by HDEL is deleted; reads
//! of a missing key reply as for an empty hash. Keyspace hits and misses are
//! counted by reads only, as in Redis.

use super::lookup::{lookup_read, lookup_write};
use super::{hash_incr, hash_scan};
use crate::command::{flags::*, key_flags, Arg, Args, CommandSpec, Ctx, KeyRange};
use crate::keyspace::hash::{Hash, ListpackLimits};
use crate::keyspace::Value;
use crate::resp::Reply;

/// Specs of the hash family.
#[rustfmt::skip]
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("hset", -4, WRITE | DENYOOM | FAST, KeyRange::FIRST, hset)
        .acl(&["hash"])
        .doc("hash", "2.0.0", "Set the string value of a hash field", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.")
        .history(&[("4.0.0", "Accepts multiple `field` and `value` arguments.")])
        .args(FIELD_VALUES),
    CommandSpec::keyspace("hsetnx", 4, WRITE | DENYOOM | FAST, KeyRange::FIRST, hsetnx)
        .acl(&["hash"])
        .key_flags(key_flags::RW | key_flags::INSERT)
        .doc("hash", "2.0.0", "Set the value of a hash field, only if the field does not exist", "O(1)")
        .args(&[KEY, Arg::string("field"), Arg::string("value")]),
    CommandSpec::keyspace("hget", 3, READONLY | FAST, KeyRange::FIRST, hget)
        .acl(&["hash"])
        .doc("hash", "2.0.0", "Get the value of a hash field", "O(1)")
        .args(KEY_FIELD),
    CommandSpec::keyspace("hmset", -4, WRITE | DENYOOM | FAST, KeyRange::FIRST, hmset)
        .acl(&["hash"])
        .doc("hash", "2.0.0", "Set multiple hash fields to multiple values", "O(N) where N is the number of fields being set.")
        .deprecated("4.0.0", "`HSET` with multiple field-value pairs")
        .args(FIELD_VALUES),
    CommandSpec::keyspace("hmget", -3, READONLY | FAST, KeyRange::FIRST, hmget)
        .acl(&["hash"])
        .doc("hash", "2.0.0", "Get the values of all the given hash fields", "O(N) where N is the number of fields being requested.")
        .args(KEY_FIELDS),
    CommandSpec::keyspace("hdel", -3, WRITE | FAST, KeyRange::FIRST, hdel)
        .acl(&["hash"])
        .key_flags(key_flags::RW | key_flags::DELETE)
        .doc("hash", "2.0.0", "Delete one or more hash fields", "O(N) where N is the number of fields to be removed.")
        .history(&[("2.4.0", "Accepts multiple `field` arguments.")])
        .args(KEY_FIELDS),
    CommandSpec::keyspace("hlen", 2, READONLY | FAST, KeyRange::FIRST, hlen)
        .acl(&["hash"])
        .key_flags(key_flags::RO)
        .doc("hash", "2.0.0", "Get the number of fields in a hash", "O(1)")
        .args(&[KEY]),
    CommandSpec::keyspace("hstrlen", 3, READONLY | FAST, KeyRange::FIRST, hstrlen)
        .acl(&["hash"])
        .key_flags(key_flags::RO)
        .doc("hash", "3.2.0", "Get the length of the value of a hash field", "O(1)")
        .args(KEY_FIELD),
    CommandSpec::keyspace("hexists", 3, READONLY | FAST, KeyRange::FIRST, hexists)
        .acl(&["hash"])
        .key_flags(key_flags::RO)
        .doc("hash", "2.0.0", "Determine if a hash field exists", "O(1)")
        .args(KEY_FIELD),
    CommandSpec::keyspace("hkeys", 2, READONLY, KeyRange::FIRST, hkeys)
        .acl(&["hash"])
        .tips(&["nondeterministic_output_order"])
        .doc("hash", "2.0.0", "Get all the fields in a hash", WHOLE_HASH)
        .args(&[KEY]),
    CommandSpec::keyspace("hvals", 2, READONLY, KeyRange::FIRST, hvals)
        .acl(&["hash"])
        .tips(&["nondeterministic_output_order"])
        .doc("hash", "2.0.0", "Get all the values in a hash", WHOLE_HASH)
        .args(&[KEY]),
    CommandSpec::keyspace("hgetall", 2, READONLY, KeyRange::FIRST, hgetall)
        .acl(&["hash"])
        .tips(&["nondeterministic_output_order"])
        .doc("hash", "2.0.0", "Get all the fields and values in a hash", WHOLE_HASH)
        .args(&[KEY]),
    CommandSpec::keyspace("hincrby", 4, WRITE | DENYOOM | FAST, KeyRange::FIRST, hash_incr::hincrby)
        .acl(&["hash"])
        .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::UPDATE)
        .doc("hash", "2.0.0", "Increment the integer value of a hash field by the given number", "O(1)")
        .args(&[KEY, Arg::string("field"), Arg::integer("increment")]),
    CommandSpec::keyspace("hincrbyfloat", 4, WRITE | DENYOOM | FAST, KeyRange::FIRST, hash_incr::hincrbyfloat)
        .acl(&["hash"])
        .key_flags(key_flags::RW | key_flags::ACCESS | key_flags::UPDATE)
        .doc("hash", "2.6.0", "Increment the float value of a hash field by the given amount", "O(1)")
        .args(&[KEY, Arg::string("field"), Arg::double("increment")]),
    CommandSpec::keyspace("hrandfield", -2, READONLY, KeyRange::FIRST, hash_scan::hrandfield)
        .acl(&["hash"])
        .tips(&["nondeterministic_output"])
        .doc("hash", "6.2.0", "Get one or multiple random fields from a hash", "O(N) where N is the number of fields returned")
        .args(&[
            KEY,
            Arg::block("options", &[
                Arg::integer("count"),
                Arg::pure_token("withvalues", "WITHVALUES").optional(),
            ]).optional(),
        ]),
    CommandSpec::keyspace("hscan", -3, READONLY, KeyRange::FIRST, hash_scan::hscan)
        .acl(&["hash"])
        .tips(&["nondeterministic_output"])
        .doc("hash", "2.8.0", "Incrementally iterate hash fields and associated values", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
        .args(&[
            KEY,
            Arg::integer("cursor"),
            Arg::pattern("pattern").token("MATCH").optional(),
            Arg::integer("count").token("COUNT").optional(),
        ]),
];

const KEY: Arg = Arg::key("key", 0);
const KEY_FIELD: &[Arg] = &[KEY, Arg::string("field")];
const KEY_FIELDS: &[Arg] = &[KEY, Arg::string("field").multiple()];
const FIELD_VALUES: &[Arg] =
    &[KEY, Arg::block("field_value", &[Arg::string("field"), Arg::string("value")]).multiple()];
const WHOLE_HASH: &str = "O(N) where N is the size of the hash.";

/// The listpack limits in force.
pub(super) fn limits(ctx: &Ctx<'_>) -> ListpackLimits {
    ctx.cfg.hash_limits()
}

/// Looks the hash at `key` up for reading and calls `f` with it (None when
/// the key is missing) and the reply writer; replies WRONGTYPE instead when the
/// key holds another type.
pub(super) fn read_hash(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(Option<&Hash>, &mut Reply<'_>),
) {
    let (found, out) = lookup_read(ctx, key);
    match found.map(|e| &e.value) {
        None => f(None, out),
        Some(Value::Hash(h)) => f(Some(h), out),
        Some(_) => out.wrong_type(),
    }
}

/// Looks the hash at `key` up for a write and calls `f` with it, a missing key
/// being an empty hash (stored only if `f` leaves it non-empty), and deletes a
/// hash `f` leaves empty. Replies WRONGTYPE instead when the key holds another
/// type (`f` is not called).
pub(super) fn write_hash(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut Hash, &mut Reply<'_>, ListpackLimits),
) {
    let (limits, lru) = (limits(ctx), ctx.lru_s);
    let reserved = ctx.db().take_reserved(key);
    let (found, out) = lookup_write(ctx, key);
    let emptied = match found.map(|e| &mut e.value) {
        Some(Value::Hash(h)) => {
            f(h, out, limits);
            h.is_empty()
        }
        Some(_) => return out.wrong_type(),
        None => {
            let mut h = match reserved {
                Some(Value::Hash(h)) => h,
                _ => Hash::default(),
            };
            f(&mut h, out, limits);
            if !h.is_empty() {
                ctx.db().set(key, Value::Hash(h), None, lru);
            }
            false
        }
    };
    if emptied {
        ctx.db().remove(key);
    }
}

/// HSET and HMSET (`name`): sets the field/value pairs from argument 2 on,
/// then `reply` gets how many fields were new. An incomplete last pair is an
/// arity error, as in Redis.
fn set_pairs(ctx: &mut Ctx<'_>, args: &Args<'_>, name: &str, reply: fn(&mut Reply<'_>, i64)) {
    if !args.len().is_multiple_of(2) {
        return ctx.out.wrong_arity(name);
    }
    write_hash(ctx, args.get(1), |h, out, limits| {
        h.convert_for(args.iter().skip(2), limits);
        let mut created = 0;
        for i in (2..args.len()).step_by(2) {
            created += h.set(args.get(i), args.get(i + 1), limits) as i64;
        }
        reply(out, created);
    });
}

/// HSET key field value [field value ...].
fn hset(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    set_pairs(ctx, args, "hset", |out, created| out.int(created));
}

/// HMSET key field value [field value ...]: HSET replying OK.
fn hmset(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    set_pairs(ctx, args, "hmset", |out, _| out.ok());
}

/// HSETNX key field value.
fn hsetnx(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (field, value) = (args.get(2), args.get(3));
    write_hash(ctx, args.get(1), |h, out, limits| {
        if h.get(field).is_some() {
            return out.int(0);
        }
        h.set(field, value, limits);
        out.int(1);
    });
}

/// HGET key field.
fn hget(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let field = args.get(2);
    read_hash(ctx, args.get(1), |h, out| match h.and_then(|h| h.get(field)) {
        Some(v) => out.bulk(v.as_bytes()),
        None => out.null(),
    });
}

/// HMGET key field [field ...].
fn hmget(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    read_hash(ctx, args.get(1), |h, out| {
        out.array(args.len() - 2);
        for field in args.iter().skip(2) {
            match h.and_then(|h| h.get(field)) {
                Some(v) => out.bulk(v.as_bytes()),
                None => out.null(),
            }
        }
    });
}

/// HDEL key field [field ...].
fn hdel(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (found, out) = lookup_write(ctx, args.get(1));
    let emptied = match found.map(|e| &mut e.value) {
        None => return out.int(0),
        Some(Value::Hash(h)) => {
            let mut deleted = 0;
            for field in args.iter().skip(2) {
                deleted += h.remove(field) as i64;
                if h.is_empty() {
                    // Redis stops at the last field: the key goes.
                    break;
                }
            }
            out.int(deleted);
            h.is_empty()
        }
        Some(_) => return out.wrong_type(),
    };
    if emptied {
        ctx.db().remove(args.get(1));
    }
}

/// HLEN key.
fn hlen(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    read_hash(ctx, args.get(1), |h, out| out.int(h.map_or(0, Hash::len) as i64));
}

/// HSTRLEN key field.
fn hstrlen(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let field = args.get(2);
    read_hash(ctx, args.get(1), |h, out| {
        out.int(h.and_then(|h| h.get(field)).map_or(0, |v| v.as_bytes().len()) as i64)
    });
}

/// HEXISTS key field.
fn hexists(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let field = args.get(2);
    read_hash(ctx, args.get(1), |h, out| out.int(h.is_some_and(|h| h.get(field).is_some()) as i64));
}

/// What HKEYS, HVALS and HGETALL reply with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whole {
    Fields,
    Values,
    Both,
}

/// HKEYS, HVALS, HGETALL: every field and/or value, in storage order.
fn reply_whole(ctx: &mut Ctx<'_>, args: &Args<'_>, what: Whole) {
    read_hash(ctx, args.get(1), |h, out| {
        let len = h.map_or(0, Hash::len);
        match what {
            Whole::Both => out.map(len),
            Whole::Fields | Whole::Values => out.array(len),
        }
        for (f, v) in h.into_iter().flat_map(Hash::pairs) {
            if what != Whole::Values {
                out.bulk(f.as_bytes());
            }
            if what != Whole::Fields {
                out.bulk(v.as_bytes());
            }
        }
    });
}

fn hkeys(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_whole(ctx, args, Whole::Fields);
}

fn hvals(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_whole(ctx, args, Whole::Values);
}

fn hgetall(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_whole(ctx, args, Whole::Both);
}
