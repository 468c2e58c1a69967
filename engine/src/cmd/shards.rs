//! SHARDS: slotd's own command for the shards of one node (its cores): which
//! slots and keys each holds, moving slots between them, and balancing keys
//! over them. Executed by the node (`node/src/commands/shards.rs`).

use crate::command::{flags::*, Arg, CommandSpec};

/// The SHARDS container and its subcommands.
pub const COMMANDS: &[CommandSpec] = &[CommandSpec::node("shards", -2, 0)
    .doc(
        "server",
        "0.1.0",
        "A container for commands about this node's shards (cores)",
        "Depends on subcommand.",
    )
    .subs(SUBCOMMANDS)];

const SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec::node("shards|list", 2, LOADING | STALE)
        .acl(&["admin"])
        .tips(&["nondeterministic_output"])
        .doc(
            "server",
            "0.1.0",
            "Per shard: its CPU, slot ranges and key count",
            "O(N) where N is the number of shards",
        ),
    CommandSpec::node("shards|moveslots", -5, ADMIN | NOSCRIPT)
        .acl(&["dangerous"])
        .doc(
            "server",
            "0.1.0",
            "Move slot ranges to a shard: tables change owner by pointer while their commands wait",
            "O(N) where N is the number of slots moved",
        )
        .args(&[
            Arg::integer("shard"),
            Arg::block("range", &[Arg::integer("start-slot"), Arg::integer("end-slot")]).multiple(),
        ]),
    CommandSpec::node("shards|balance", 2, ADMIN | NOSCRIPT).acl(&["dangerous"]).doc(
        "server",
        "0.1.0",
        "Move slots between shards until they hold about as many keys each",
        "O(N) where N is the number of slots",
    ),
    CommandSpec::node("shards|help", 2, LOADING | STALE).doc(
        "server",
        "0.1.0",
        "Show helpful text about the different subcommands",
        "O(1)",
    ),
];
