//! DUMP, RESTORE and RESTORE-ASKING: values as Redis 7.0's payloads (the
//! codec is `crate::rdb`). RESTORE-ASKING behaves as RESTORE; its `asking`
//! flag lets it write a slot being imported (the node's cluster routing).

use super::lookup::{lookup_read, lookup_write};
use crate::command::key_spec::key_flags as kf;
use crate::command::{flags::*, Arg, Args, CommandSpec, Ctx, KeyRange};
use crate::num::parse_i64_strict;

/// Specs of DUMP, RESTORE and RESTORE-ASKING.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("dump", 2, READONLY, KeyRange::FIRST, dump)
        .acl(&["keyspace"])
        .tips(&["nondeterministic_output"])
        .key_flags(kf::RO | kf::ACCESS)
        .doc(
            "generic",
            "2.6.0",
            "Return a serialized version of the value stored at the specified key.",
            "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
        )
        .args(&[Arg::key("key", 0)]),
    CommandSpec::keyspace("restore", -4, WRITE | DENYOOM, KeyRange::FIRST, restore)
        .acl(&["keyspace", "dangerous"])
        .key_flags(kf::OW | kf::UPDATE)
        .doc("generic", "2.6.0", "Create a key using the provided serialized value, previously obtained using DUMP.", RESTORE_COMPLEXITY)
        .history(RESTORE_HISTORY)
        .args(RESTORE_ARGS),
    CommandSpec::keyspace("restore-asking", -4, WRITE | DENYOOM | ASKING, KeyRange::FIRST, restore)
        .acl(&["keyspace", "dangerous"])
        .key_flags(kf::OW | kf::UPDATE)
        .doc("server", "3.0.0", "An internal command for migrating keys in a cluster", RESTORE_COMPLEXITY)
        .syscmd()
        .history(RESTORE_HISTORY)
        .args(RESTORE_ARGS),
];

const RESTORE_COMPLEXITY: &str = "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).";

const RESTORE_HISTORY: &[(&str, &str)] = &[
    ("3.0.0", "Added the `REPLACE` modifier."),
    ("5.0.0", "Added the `ABSTTL` modifier."),
    ("5.0.0", "Added the `IDLETIME` and `FREQ` options."),
];

const RESTORE_ARGS: &[Arg] = &[
    Arg::key("key", 0),
    Arg::integer("ttl"),
    Arg::string("serialized-value"),
    Arg::pure_token("replace", "REPLACE").since("3.0.0").optional(),
    Arg::pure_token("absttl", "ABSTTL").since("5.0.0").optional(),
    Arg::integer("seconds").token("IDLETIME").since("5.0.0").optional(),
    Arg::integer("frequency").token("FREQ").since("5.0.0").optional(),
];

/// DUMP key.
fn dump(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (entry, out) = lookup_read(ctx, args.get(1));
    match entry {
        Some(e) => {
            let mut payload = Vec::new();
            crate::rdb::dump_payload(&e.value, &mut payload);
            out.bulk(&payload);
        }
        None => out.null(),
    }
}

/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f],
/// checked in Redis's order: options, existing key, ttl, payload.
fn restore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle_s, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let more = args.len() - j - 1;
        if args.is(j, "replace") {
            replace = true;
        } else if args.is(j, "absttl") {
            absttl = true;
        } else if args.is(j, "idletime") && more >= 1 && freq.is_none() {
            match parse_i64_strict(args.get(j + 1)) {
                None => return ctx.out.not_integer(),
                Some(v) if v < 0 => {
                    return ctx.out.error("ERR Invalid IDLETIME value, must be >= 0")
                }
                Some(v) => idle_s = Some(v),
            }
            j += 1;
        } else if args.is(j, "freq") && more >= 1 && idle_s.is_none() {
            match parse_i64_strict(args.get(j + 1)) {
                None => return ctx.out.not_integer(),
                Some(v) if !(0..=255).contains(&v) => {
                    return ctx.out.error("ERR Invalid FREQ value, must be >= 0 and <= 255")
                }
                Some(v) => freq = Some(v),
            }
            j += 1;
        } else {
            return ctx.out.syntax_error();
        }
        j += 1;
    }
    let key = args.get(1);
    if !replace && lookup_write(ctx, key).0.is_some() {
        return ctx.out.error("BUSYKEY Target key name already exists.");
    }
    let ttl = match parse_i64_strict(args.get(2)) {
        None => return ctx.out.not_integer(),
        Some(t) if t < 0 => return ctx.out.error("ERR Invalid TTL value, must be >= 0"),
        Some(t) => t,
    };
    let value = match ctx.ks.decode_restore(args.get(3), ctx.cfg) {
        Ok(v) => v,
        Err(e) => return ctx.out.error(e.message()),
    };
    let db = ctx.ks.db(ctx.db);
    if replace {
        db.remove(key);
    }
    let at_ms = match (ttl, absttl) {
        (0, _) => None,
        (t, true) => Some(t as u64),
        (t, false) => Some(ctx.now_ms.saturating_add(t as u64)),
    };
    if at_ms.is_some_and(|at| at <= ctx.now_ms) {
        // Already expired: nothing is created (a replaced key is gone).
        return ctx.out.ok();
    }
    // IDLETIME sets the LRU clock back; FREQ needs an LFU policy (none yet).
    let lru_s = match idle_s {
        Some(s) => ctx.lru_s.wrapping_sub(s.min(u32::MAX as i64) as u32) & ((1 << 24) - 1),
        None => ctx.lru_s,
    };
    db.set(key, value, at_ms, lru_s);
    ctx.out.ok();
}

#[cfg(test)]
#[path = "dump_tests.rs"]
mod tests;
