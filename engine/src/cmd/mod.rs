//! Command families, one file each, and the list the command table is built from.

pub mod connection;
pub mod keys;
pub mod server;
pub mod string;

use crate::command::CommandSpec;

/// Every family's specs; the command table indexes them.
pub const FAMILIES: &[&[CommandSpec]] = &[
    string::COMMANDS,
    keys::COMMANDS,
    connection::COMMANDS,
    server::COMMANDS,
];
