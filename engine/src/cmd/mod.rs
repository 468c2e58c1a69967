//! Command families, one file each, and the list the command table is built from.

mod bitfield;
pub mod bitmap;
#[cfg(test)]
mod bitmap_tests;
pub mod cluster;
pub mod connection;
pub mod dump;
pub mod expire;
pub mod hash;
mod hash_incr;
mod hash_scan;
#[cfg(test)]
mod hash_tests;
pub mod hll;
#[cfg(test)]
mod hll_tests;
pub mod introspect;
pub mod keys;
pub mod keys_all;
pub mod list;
pub mod list_block;
mod list_edit;
mod list_move;
#[cfg(test)]
mod list_tests;
mod lookup;
pub mod migrate;
pub mod object;
pub mod scan;
pub mod server;
pub mod set;
mod set_ops;
#[cfg(test)]
mod set_tests;
pub mod shards;
pub mod sort;
mod sort_partial;
#[cfg(test)]
mod sort_tests;
pub mod string;
mod string_incr;
mod string_range;
#[cfg(test)]
mod string_tests;
#[cfg(test)]
pub(crate) mod test_util;
pub mod zset;
mod zset_block;
mod zset_num;
mod zset_ops;
mod zset_pop;
mod zset_range;
#[cfg(test)]
mod zset_tests;

use crate::command::CommandSpec;

/// Every family's specs; the command table indexes them.
pub const FAMILIES: &[&[CommandSpec]] = &[
    string::COMMANDS,
    set::COMMANDS,
    hash::COMMANDS,
    list::COMMANDS,
    sort::COMMANDS,
    keys::COMMANDS,
    expire::COMMANDS,
    scan::COMMANDS,
    keys_all::COMMANDS,
    object::COMMANDS,
    connection::COMMANDS,
    cluster::COMMANDS,
    server::COMMANDS,
    zset::COMMANDS,
    hll::COMMANDS,
    bitmap::COMMANDS,
    migrate::COMMANDS,
    shards::COMMANDS,
    dump::COMMANDS,
];
