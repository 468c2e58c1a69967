//! Server commands (INFO, CONFIG, SHUTDOWN ...): the specs of those the node
//! implements. (FLUSHALL and FLUSHDB are keyspace commands, in `keys`.)

use crate::command::CommandSpec;

/// Specs of the server family.
pub const COMMANDS: &[CommandSpec] = &[];
