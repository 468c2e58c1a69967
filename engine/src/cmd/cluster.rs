//! The cluster commands' table entries: CLUSTER and its subcommands, ASKING,
//! READONLY, READWRITE. The node implements them (`node/src/commands/cluster.rs`):
//! they read and change the node's cluster state, not a keyspace.

use crate::command::{flags::*, Arg, CommandSpec};

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::node("cluster", -2, 0)
        .doc("cluster", "3.0.0", "A container for cluster commands", "Depends on subcommand.")
        .subs(CLUSTER_SUBCOMMANDS),
    CommandSpec::node("asking", 1, FAST).acl(&["connection"]).doc(
        "cluster",
        "3.0.0",
        "Sent by cluster clients after an -ASK redirect",
        "O(1)",
    ),
    CommandSpec::node("readonly", 1, LOADING | STALE | FAST).acl(&["connection"]).doc(
        "cluster",
        "3.0.0",
        "Enables read queries for a connection to a cluster replica node",
        "O(1)",
    ),
    CommandSpec::node("readwrite", 1, LOADING | STALE | FAST).acl(&["connection"]).doc(
        "cluster",
        "3.0.0",
        "Disables read queries for a connection to a cluster replica node",
        "O(1)",
    ),
];

/// CLUSTER subcommands, as Redis 7.0.15's COMMAND INFO and COMMAND DOCS show them.
#[rustfmt::skip]
const CLUSTER_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec::node("cluster|addslots", -3, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Assign new hash slots to receiving node", "O(N) where N is the total number of hash slot arguments")
        .args(&[
            Arg::integer("slot").multiple(),
        ]),
    CommandSpec::node("cluster|addslotsrange", -4, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "7.0.0", "Assign new hash slots to receiving node", "O(N) where N is the total number of the slots between the start slot and end slot arguments.")
        .args(&[
            Arg::block("start-slot_end-slot", &[
                Arg::integer("start-slot"),
                Arg::integer("end-slot"),
            ]).multiple(),
        ]),
    CommandSpec::node("cluster|bumpepoch", 2, ADMIN | STALE | NO_ASYNC_LOADING)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "Advance the cluster config epoch", "O(1)"),
    CommandSpec::node("cluster|count-failure-reports", 3, ADMIN | STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "Return the number of failure reports active for a given node", "O(N) where N is the number of failure reports")
        .args(&[
            Arg::string("node-id"),
        ]),
    CommandSpec::node("cluster|countkeysinslot", 3, STALE)
        .doc("cluster", "3.0.0", "Return the number of local keys in the specified hash slot", "O(1)")
        .args(&[
            Arg::integer("slot"),
        ]),
    CommandSpec::node("cluster|delslots", -3, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Set hash slots as unbound in receiving node", "O(N) where N is the total number of hash slot arguments")
        .args(&[
            Arg::integer("slot").multiple(),
        ]),
    CommandSpec::node("cluster|delslotsrange", -4, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "7.0.0", "Set hash slots as unbound in receiving node", "O(N) where N is the total number of the slots between the start slot and end slot arguments.")
        .args(&[
            Arg::block("start-slot_end-slot", &[
                Arg::integer("start-slot"),
                Arg::integer("end-slot"),
            ]).multiple(),
        ]),
    CommandSpec::node("cluster|failover", -2, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Forces a replica to perform a manual failover of its master.", "O(1)")
        .args(&[
            Arg::oneof("options", &[
                Arg::pure_token("force", "FORCE"),
                Arg::pure_token("takeover", "TAKEOVER"),
            ]).optional(),
        ]),
    CommandSpec::node("cluster|flushslots", 2, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Delete a node's own slots information", "O(1)"),
    CommandSpec::node("cluster|forget", 3, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Remove a node from the nodes table", "O(1)")
        .args(&[
            Arg::string("node-id"),
        ]),
    CommandSpec::node("cluster|getkeysinslot", 4, STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "Return local key names in the specified hash slot", "O(log(N)) where N is the number of requested keys")
        .args(&[
            Arg::integer("slot"),
            Arg::integer("count"),
        ]),
    CommandSpec::node("cluster|help", 2, LOADING | STALE)
        .doc("cluster", "5.0.0", "Show helpful text about the different subcommands", "O(1)"),
    CommandSpec::node("cluster|info", 2, STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "Provides info about Redis Cluster node state", "O(1)"),
    CommandSpec::node("cluster|keyslot", 3, STALE)
        .doc("cluster", "3.0.0", "Returns the hash slot of the specified key", "O(N) where N is the number of bytes in the key")
        .args(&[
            Arg::string("key"),
        ]),
    CommandSpec::node("cluster|getslotmigrations", 2, ADMIN | STALE)
        .acl(&["dangerous"])
        .tips(&["nondeterministic_output"])
        .doc("cluster", "9.0.0", "Get the status of ongoing and recently finished slot migrations", "O(N), where N is the number of active slot import and export jobs"),
    CommandSpec::node("cluster|migrateslots", -6, ADMIN | STALE | NO_ASYNC_LOADING)
        .acl(&["dangerous"])
        .doc("cluster", "9.0.0", "Migrate the given slots from this node to the specified nodes", "O(N) where N is the total number of the slots between all start slot and end slot arguments.")
        .args(&[Arg::block("migration_group", &[
            Arg::block("range", &[Arg::integer("start-slot"), Arg::integer("end-slot")]).token("SLOTSRANGE").multiple(),
            Arg::string("node-id").token("NODE"),
        ]).multiple()]),
    CommandSpec::node("cluster|cancelslotmigrations", 2, ADMIN | STALE | NO_ASYNC_LOADING)
        .acl(&["dangerous"])
        .doc("cluster", "9.0.0", "Cancel all current ongoing slot migration operations", "O(N), where N is the number of slot migration operations being cancelled"),
    CommandSpec::node("cluster|syncslots", -4, ADMIN | STALE | NO_ASYNC_LOADING)
        .acl(&["dangerous"])
        .doc("cluster", "9.0.0", "Internal command between nodes to move slots (slotd's native slot migration)", "Depends on subcommand."),
    CommandSpec::node("cluster|links", 2, STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "7.0.0", "Returns a list of all TCP links to and from peer nodes in cluster", "O(N) where N is the total number of Cluster nodes"),
    CommandSpec::node("cluster|meet", -4, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Force a node cluster to handshake with another node", "O(1)")
        .history(&[("4.0.0", "Added the optional `cluster_bus_port` argument.")])
        .args(&[
            Arg::string("ip"),
            Arg::integer("port"),
            Arg::integer("cluster_bus_port").since("4.0.0").optional(),
        ]),
    CommandSpec::node("cluster|myid", 2, STALE)
        .doc("cluster", "3.0.0", "Return the node id", "O(1)"),
    CommandSpec::node("cluster|nodes", 2, STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "Get Cluster config for the node", "O(N) where N is the total number of Cluster nodes"),
    CommandSpec::node("cluster|replicas", 3, ADMIN | STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "5.0.0", "List replica nodes of the specified master node", "O(1)")
        .args(&[
            Arg::string("node-id"),
        ]),
    CommandSpec::node("cluster|replicate", 3, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Reconfigure a node as a replica of the specified master node", "O(1)")
        .args(&[
            Arg::string("node-id"),
        ]),
    CommandSpec::node("cluster|reset", -2, ADMIN | NOSCRIPT | STALE)
        .doc("cluster", "3.0.0", "Reset a Redis Cluster node", "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.")
        .args(&[
            Arg::oneof("hard_soft", &[
                Arg::pure_token("hard", "HARD"),
                Arg::pure_token("soft", "SOFT"),
            ]).optional(),
        ]),
    CommandSpec::node("cluster|saveconfig", 2, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Forces the node to save cluster state on disk", "O(1)"),
    CommandSpec::node("cluster|set-config-epoch", 3, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Set the configuration epoch in a new node", "O(1)")
        .args(&[
            Arg::integer("config-epoch"),
        ]),
    CommandSpec::node("cluster|setslot", -4, ADMIN | STALE | NO_ASYNC_LOADING)
        .doc("cluster", "3.0.0", "Bind a hash slot to a specific node", "O(1)")
        .args(&[
            Arg::integer("slot"),
            Arg::oneof("subcommand", &[
                Arg::string("node-id").token("IMPORTING"),
                Arg::string("node-id").token("MIGRATING"),
                Arg::string("node-id").token("NODE"),
                Arg::pure_token("stable", "STABLE"),
            ]),
        ]),
    CommandSpec::node("cluster|shards", 2, STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "7.0.0", "Get array of cluster slots to node mappings", "O(N) where N is the total number of cluster nodes"),
    CommandSpec::node("cluster|slaves", 3, ADMIN | STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "List replica nodes of the specified master node", "O(1)")
        .deprecated("5.0.0", "`CLUSTER REPLICAS`")
        .args(&[
            Arg::string("node-id"),
        ]),
    CommandSpec::node("cluster|slots", 2, STALE)
        .tips(&["nondeterministic_output"])
        .doc("cluster", "3.0.0", "Get array of Cluster slot to node mappings", "O(N) where N is the total number of Cluster nodes")
        .history(&[("4.0.0", "Added node IDs."), ("7.0.0", "Added additional networking metadata field.")])
        .deprecated("7.0.0", "`CLUSTER SHARDS`"),
];
