//! Server commands (INFO, CONFIG, COMMAND, SHUTDOWN ...): the specs of those the
//! node implements, as Redis 7.0 declares them. (FLUSHALL and FLUSHDB are
//! keyspace commands, in `keys`.)

use crate::command::{flags::*, Arg, CommandSpec};

/// Specs of the server family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::node("info", -1, LOADING | STALE)
        .acl(&["dangerous"])
        .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
        .doc("server", "1.0.0", "Get information and statistics about the server", "O(1)")
        .history(&[
            ("7.0.0", "Added support for taking multiple section arguments."),
        ])
        .args(&[
            Arg::string("section").optional().multiple(),
        ]),
    CommandSpec::node("time", 1, LOADING | STALE | FAST)
        .tips(&["nondeterministic_output"])
        .doc("server", "2.6.0", "Return the current server time", "O(1)"),
    CommandSpec::node("lastsave", 1, LOADING | STALE | FAST)
        .acl(&["admin", "dangerous"])
        .tips(&["nondeterministic_output"])
        .doc("server", "1.0.0", "Get the UNIX time stamp of the last successful save to disk", "O(1)"),
    CommandSpec::node("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE)
        .doc("server", "1.0.0", "A container for debugging commands", "Depends on subcommand.")
        .syscmd(),
    CommandSpec::node("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY)
        .doc("server", "1.0.0", "Synchronously save the dataset to disk and then shut down the server", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
        .history(&[
            ("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."),
        ])
        .args(&[
            Arg::oneof("nosave_save", &[
                Arg::pure_token("nosave", "NOSAVE"),
                Arg::pure_token("save", "SAVE"),
            ]).optional(),
            Arg::pure_token("now", "NOW").since("7.0.0").optional(),
            Arg::pure_token("force", "FORCE").since("7.0.0").optional(),
            Arg::pure_token("abort", "ABORT").since("7.0.0").optional(),
        ]),
    CommandSpec::node("config", -2, 0)
        .doc("server", "2.0.0", "A container for server configuration commands", "Depends on subcommand.")
        .subs(CONFIG_SUBCOMMANDS),
    CommandSpec::node("command", -1, LOADING | STALE)
        .acl(&["connection"])
        .tips(&["nondeterministic_output_order"])
        .doc("server", "2.8.13", "Get array of Redis command details", "O(N) where N is the total number of Redis commands")
        .subs(COMMAND_SUBCOMMANDS),
];

/// CONFIG subcommands slotd implements.
const CONFIG_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec::node("config|get", -3, ADMIN | NOSCRIPT | LOADING | STALE)
        .doc(
            "server",
            "2.0.0",
            "Get the values of configuration parameters",
            "O(N) when N is the number of configuration parameters provided",
        )
        .history(&[("7.0.0", "Added the ability to pass multiple pattern parameters in one call")])
        .args(&[Arg::block("parameter", &[Arg::string("parameter")]).multiple()]),
    CommandSpec::node("config|help", 2, LOADING | STALE).doc(
        "server",
        "5.0.0",
        "Show helpful text about the different subcommands",
        "O(1)",
    ),
    CommandSpec::node("config|resetstat", 2, ADMIN | NOSCRIPT | LOADING | STALE).doc(
        "server",
        "2.0.0",
        "Reset the stats returned by INFO",
        "O(1)",
    ),
    CommandSpec::node("config|rewrite", 2, ADMIN | NOSCRIPT | LOADING | STALE).doc(
        "server",
        "2.8.0",
        "Rewrite the configuration file with the in memory configuration",
        "O(1)",
    ),
    CommandSpec::node("config|set", -4, ADMIN | NOSCRIPT | LOADING | STALE)
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .doc(
            "server",
            "2.0.0",
            "Set configuration parameters to the given values",
            "O(N) when N is the number of configuration parameters provided",
        )
        .history(&[("7.0.0", "Added the ability to set multiple parameters in one call.")])
        .args(&[Arg::block("parameter_value", &[Arg::string("parameter"), Arg::string("value")])
            .multiple()]),
];

/// COMMAND subcommands (executed by [`super::introspect::command`]).
const COMMAND_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec::node("command|count", 2, LOADING | STALE).acl(&["connection"]).doc(
        "server",
        "2.8.13",
        "Get total number of Redis commands",
        "O(1)",
    ),
    CommandSpec::node("command|docs", -2, LOADING | STALE)
        .acl(&["connection"])
        .tips(&["nondeterministic_output_order"])
        .doc(
            "server",
            "7.0.0",
            "Get array of specific Redis command documentation",
            "O(N) where N is the number of commands to look up",
        )
        .args(&[Arg::string("command-name").optional().multiple()]),
    CommandSpec::node("command|getkeys", -4, LOADING | STALE).acl(&["connection"]).doc(
        "server",
        "2.8.13",
        "Extract keys given a full Redis command",
        "O(N) where N is the number of arguments to the command",
    ),
    CommandSpec::node("command|getkeysandflags", -4, LOADING | STALE).acl(&["connection"]).doc(
        "server",
        "7.0.0",
        "Extract keys and access flags given a full Redis command",
        "O(N) where N is the number of arguments to the command",
    ),
    CommandSpec::node("command|help", 2, LOADING | STALE).acl(&["connection"]).doc(
        "server",
        "5.0.0",
        "Show helpful text about the different subcommands",
        "O(1)",
    ),
    CommandSpec::node("command|info", -2, LOADING | STALE)
        .acl(&["connection"])
        .tips(&["nondeterministic_output_order"])
        .doc(
            "server",
            "2.8.13",
            "Get array of specific Redis command details, or all when no argument is given.",
            "O(N) where N is the number of commands to look up",
        )
        .history(&[("7.0.0", "Allowed to be called with no argument to get info on all commands.")])
        .args(&[Arg::string("command-name").optional().multiple()]),
    CommandSpec::node("command|list", -2, LOADING | STALE)
        .acl(&["connection"])
        .tips(&["nondeterministic_output_order"])
        .doc(
            "server",
            "7.0.0",
            "Get an array of Redis command names",
            "O(N) where N is the total number of Redis commands",
        )
        .args(&[Arg::oneof(
            "filterby",
            &[
                Arg::string("module-name").token("MODULE"),
                Arg::string("category").token("ACLCAT"),
                Arg::pattern("pattern").token("PATTERN"),
            ],
        )
        .token("FILTERBY")
        .optional()]),
];
