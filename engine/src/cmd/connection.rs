//! Connection commands (PING, ECHO, HELLO, AUTH, SELECT, CLIENT ...): the specs.
//! They are executed by the node, which owns connection state.

use crate::command::{flags::*, CommandSpec};

/// Specs of the connection family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::node("ping", -1, FAST)
        .acl(&["connection"])
        .doc("connection", "1.0.0", "Ping the server", "O(1)"),
    CommandSpec::node("echo", 2, FAST).acl(&["connection"]).doc(
        "connection",
        "1.0.0",
        "Echo the given string",
        "O(1)",
    ),
    CommandSpec::node("select", 2, LOADING | STALE | FAST)
        .acl(&["connection"])
        .doc(
            "connection",
            "1.0.0",
            "Change the selected database for the current connection",
            "O(1)",
        ),
    CommandSpec::node(
        "quit",
        -1,
        ALLOW_BUSY | NO_AUTH | NOSCRIPT | LOADING | STALE | FAST,
    )
    .acl(&["connection"])
    .doc("connection", "1.0.0", "Close the connection", "O(1)"),
];
