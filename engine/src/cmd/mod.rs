//! Command families, one file each, and the list the command table is built from.

pub mod connection;
pub mod expire;
pub mod introspect;
pub mod keys;
pub mod keys_all;
mod lookup;
pub mod object;
pub mod scan;
pub mod server;
pub mod set;
mod set_ops;
#[cfg(test)]
mod set_tests;
pub mod string;
mod string_incr;
mod string_range;
#[cfg(test)]
mod string_tests;
#[cfg(test)]
pub(crate) mod test_util;

use crate::command::CommandSpec;

/// Every family's specs; the command table indexes them.
pub const FAMILIES: &[&[CommandSpec]] = &[
    string::COMMANDS,
    set::COMMANDS,
    keys::COMMANDS,
    expire::COMMANDS,
    scan::COMMANDS,
    keys_all::COMMANDS,
    object::COMMANDS,
    connection::COMMANDS,
    server::COMMANDS,
];
