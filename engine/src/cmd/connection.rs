//! Connection commands (PING, ECHO, HELLO, AUTH, SELECT, CLIENT ...): the specs,
//! as Redis 7.0 declares them (COMMAND INFO and COMMAND DOCS are built from
//! these). They are executed by the node, which owns connection state.

use crate::command::{flags::*, Arg, CommandSpec};

/// Specs of the connection family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::node("ping", -1, FAST)
        .acl(&["connection"])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .doc("connection", "1.0.0", "Ping the server", "O(1)")
        .args(&[
            Arg::string("message").optional(),
        ]),
    CommandSpec::node("echo", 2, LOADING | STALE | FAST)
        .acl(&["connection"])
        .doc("connection", "1.0.0", "Echo the given string", "O(1)")
        .args(&[
            Arg::string("message"),
        ]),
    CommandSpec::node("hello", -1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY)
        .acl(&["connection"])
        .doc("connection", "6.0.0", "Handshake with Redis", "O(1)")
        .history(&[
            ("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."),
        ])
        .args(&[
            Arg::block("arguments", &[
                Arg::integer("protover"),
                Arg::block("username_password", &[
                    Arg::string("username"),
                    Arg::string("password"),
                ]).token("AUTH").optional(),
                Arg::string("clientname").token("SETNAME").optional(),
            ]).optional(),
        ]),
    CommandSpec::node("auth", -2, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY)
        .acl(&["connection"])
        .doc("connection", "1.0.0", "Authenticate to the server", "O(N) where N is the number of passwords defined for the user")
        .history(&[
            ("6.0.0", "Added ACL style (username and password)."),
        ])
        .args(&[
            Arg::string("username").since("6.0.0").optional(),
            Arg::string("password"),
        ]),
    CommandSpec::node("select", 2, LOADING | STALE | FAST)
        .acl(&["connection"])
        .doc("connection", "1.0.0", "Change the selected database for the current connection", "O(1)")
        .args(&[
            Arg::integer("index"),
        ]),
    CommandSpec::node("quit", -1, ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH)
        .acl(&["connection"])
        .doc("connection", "1.0.0", "Close the connection", "O(1)"),
    CommandSpec::node("reset", 1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY)
        .acl(&["connection"])
        .doc("connection", "6.2.0", "Reset the connection", "O(1)"),
    CommandSpec::node("client", -2, 0)
        .doc("connection", "2.4.0", "A container for client connection commands", "Depends on subcommand.")
        .subs(CLIENT_SUBCOMMANDS),
];

/// CLIENT subcommands slotd implements.
const CLIENT_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec::node("client|getname", 2, NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "2.6.9", "Get the current connection name", "O(1)"),
    CommandSpec::node("client|help", 2, LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "5.0.0", "Show helpful text about the different subcommands", "O(1)"),
    CommandSpec::node("client|id", 2, NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "5.0.0", "Returns the client ID for the current connection", "O(1)"),
    CommandSpec::node("client|info", 2, NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .tips(&["nondeterministic_output"])
        .doc("connection", "6.2.0", "Returns information about the current client connection.", "O(1)"),
    CommandSpec::node("client|kill", -3, ADMIN | NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "2.4.0", "Kill the connection of a client", "O(N) where N is the number of client connections")
        .history(&[
            ("2.8.12", "Added new filter format."),
            ("2.8.12", "`ID` option."),
            ("3.2.0", "Added `master` type in for `TYPE` option."),
            ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."),
            ("6.2.0", "`LADDR` option."),
        ])
        .args(&[
            Arg::oneof("filter", &[
                Arg::string("ip:port").deprecated_since("2.8.12"),
                Arg::oneof("new-format", &[
                    Arg::integer("client-id").token("ID").since("2.8.12").optional(),
                    Arg::oneof("normal_master_slave_pubsub", &[
                        Arg::pure_token("normal", "NORMAL"),
                        Arg::pure_token("master", "MASTER").since("3.2.0"),
                        Arg::pure_token("slave", "SLAVE"),
                        Arg::pure_token("replica", "REPLICA").since("5.0.0"),
                        Arg::pure_token("pubsub", "PUBSUB"),
                    ]).token("TYPE").since("2.8.12").optional(),
                    Arg::string("username").token("USER").optional(),
                    Arg::string("ip:port").token("ADDR").optional(),
                    Arg::string("ip:port").token("LADDR").since("6.2.0").optional(),
                    Arg::string("yes/no").token("SKIPME").optional(),
                ]).multiple(),
            ]),
        ]),
    CommandSpec::node("client|list", -2, ADMIN | NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .tips(&["nondeterministic_output"])
        .doc("connection", "2.4.0", "Get the list of client connections", "O(N) where N is the number of client connections")
        .history(&[
            ("2.8.12", "Added unique client `id` field."),
            ("5.0.0", "Added optional `TYPE` filter."),
            ("6.0.0", "Added `user` field."),
            ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
            ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
            ("7.0.3", "Added `ssub` field."),
        ])
        .args(&[
            Arg::oneof("normal_master_replica_pubsub", &[
                Arg::pure_token("normal", "NORMAL"),
                Arg::pure_token("master", "MASTER"),
                Arg::pure_token("replica", "REPLICA"),
                Arg::pure_token("pubsub", "PUBSUB"),
            ]).token("TYPE").since("5.0.0").optional(),
            Arg::block("id", &[
                Arg::integer("client-id").multiple(),
            ]).token("ID").since("6.2.0").optional(),
        ]),
    CommandSpec::node("client|no-evict", 3, ADMIN | NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "7.0.0", "Set client eviction mode for the current connection", "O(1)")
        .args(&[
            Arg::oneof("enabled", &[
                Arg::pure_token("on", "ON"),
                Arg::pure_token("off", "OFF"),
            ]),
        ]),
    CommandSpec::node("client|pause", -3, ADMIN | NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "2.9.50", "Stop processing commands from clients for some time", "O(1)")
        .history(&[
            ("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."),
        ])
        .args(&[
            Arg::integer("timeout"),
            Arg::oneof("mode", &[
                Arg::pure_token("write", "WRITE"),
                Arg::pure_token("all", "ALL"),
            ]).since("6.2.0").optional(),
        ]),
    CommandSpec::node("client|reply", 3, NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "3.2.0", "Instruct the server whether to reply to commands", "O(1)")
        .args(&[
            Arg::oneof("on_off_skip", &[
                Arg::pure_token("on", "ON"),
                Arg::pure_token("off", "OFF"),
                Arg::pure_token("skip", "SKIP"),
            ]),
        ]),
    CommandSpec::node("client|setname", 3, NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "2.6.9", "Set the current connection name", "O(1)")
        .args(&[
            Arg::string("connection-name"),
        ]),
    CommandSpec::node("client|setinfo", 4, NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "7.2.0", "Set client or connection specific info", "O(1)")
        .args(&[
            Arg::string("attr"),
            Arg::string("value"),
        ]),
    CommandSpec::node("client|unblock", -3, ADMIN | NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "5.0.0", "Unblock a client blocked in a blocking command from a different connection", "O(log N) where N is the number of client connections")
        .args(&[
            Arg::integer("client-id"),
            Arg::oneof("timeout_error", &[
                Arg::pure_token("timeout", "TIMEOUT"),
                Arg::pure_token("error", "ERROR"),
            ]).optional(),
        ]),
    CommandSpec::node("client|unpause", 2, ADMIN | NOSCRIPT | LOADING | STALE)
        .acl(&["connection"])
        .doc("connection", "6.2.0", "Resume processing of clients that were paused", "O(N) Where N is the number of paused clients"),
];
