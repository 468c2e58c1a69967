//! The string family: GET, SET and the commands that read or write string values.

use crate::command::{flags::*, Args, CommandSpec, Ctx, KeyRange};
use crate::keyspace::Value;

/// Specs of the string family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("get", 2, READONLY | FAST, KeyRange::FIRST, get)
        .acl(&["string"])
        .doc("string", "1.0.0", "Get the value of a key", "O(1)"),
    CommandSpec::keyspace("set", -3, WRITE | DENYOOM, KeyRange::FIRST, set)
        .acl(&["string"])
        .doc("string", "1.0.0", "Set the string value of a key", "O(1)"),
];

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let now = ctx.now_ms;
    match ctx.ks.db(ctx.db).get(args.get(1), now) {
        None => {
            ctx.stats.keyspace_misses += 1;
            ctx.out.null();
        }
        Some(e) => {
            ctx.stats.keyspace_hits += 1;
            e.lru_s = ctx.lru_s;
            match e.value.as_str() {
                Some(s) => ctx.out.bulk(s.as_bytes()),
                None => ctx.out.wrong_type(),
            }
        }
    }
}

fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let lru = ctx.lru_s;
    ctx.db()
        .set(args.get(1), Value::from_bytes(args.get(2)), None, lru);
    ctx.out.ok();
}
