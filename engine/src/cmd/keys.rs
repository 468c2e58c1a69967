//! The generic key family: DEL, EXISTS, EXPIRE, TTL, SCAN and friends.

use crate::command::{flags::*, Args, Combine, CommandSpec, Ctx, KeyRange};

const ALL_KEYS: KeyRange = KeyRange {
    first: 1,
    last: -1,
    step: 1,
};

/// Specs of the generic key family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("del", -2, WRITE, ALL_KEYS, del)
        .acl(&["keyspace"])
        .split(Combine::SumInt)
        .doc("generic", "1.0.0", "Delete a key", "O(N)"),
    CommandSpec::keyspace("dbsize", 1, READONLY | FAST, KeyRange::NONE, dbsize)
        .acl(&["keyspace"])
        .all_shards(Combine::SumInt)
        .doc(
            "server",
            "1.0.0",
            "Return the number of keys in the selected database",
            "O(1)",
        ),
];

fn del(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let now = ctx.now_ms;
    let db = ctx.ks.db(ctx.db);
    let mut n = 0;
    for k in args.iter().skip(1) {
        // An expired key counts as absent.
        if db.get(k, now).is_some() {
            db.remove(k);
            n += 1;
        }
    }
    ctx.out.int(n);
}

fn dbsize(ctx: &mut Ctx<'_>, _args: &Args<'_>) {
    let n = ctx.ks.db_ref(ctx.db).len();
    ctx.out.int(n as i64);
}
