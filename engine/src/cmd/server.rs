//! Server commands (INFO, CONFIG, FLUSHALL, SHUTDOWN ...): the specs of those the
//! node implements, and the keyspace-wide ones executed on every shard.

use crate::command::{flags::*, Args, Combine, CommandSpec, Ctx, KeyRange};

/// Specs of the server family.
pub const COMMANDS: &[CommandSpec] =
    &[
        CommandSpec::keyspace("flushall", -1, WRITE, KeyRange::NONE, flushall)
            .acl(&["keyspace", "dangerous"])
            .all_shards(Combine::AllOk)
            .doc(
                "server",
                "1.0.0",
                "Remove all keys from all databases",
                "O(N)",
            ),
    ];

fn flushall(ctx: &mut Ctx<'_>, _args: &Args<'_>) {
    for i in 0..ctx.ks.db_count() {
        ctx.ks.db(i).clear();
    }
    ctx.out.ok();
}
