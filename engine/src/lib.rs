//! slotd's engine: everything that is pure logic, with no I/O and no async runtime.
//!
//! - [`resp`]: the RESP2/RESP3 request parser and reply encoder;
//! - [`slot`]: CRC16 hash slots with hash tags;
//! - [`keyspace`]: per-slot tables of keys, values and expiry;
//! - [`command`]: the execution context, arguments and the command table;
//! - [`cmd`]: the command families (strings, keys, ...), one file each;
//! - [`glob`]: Redis's glob-style pattern matching (KEYS, SCAN MATCH);
//! - [`longdouble`]: the x87 long double INCRBYFLOAT computes in (parse, add, print).
//!
//! The node crate moves bytes between sockets and shards and calls into this crate.

pub mod cluster;
pub mod cmd;
pub mod command;
pub mod config;
pub mod digest;
pub mod export;
pub mod glob;
pub mod keyspace;
pub mod longdouble;
pub mod num;
pub mod rdb;
pub mod resp;
pub mod slot;
