//! The command layer: the execution context, argument access, the command table.
//!
//! A keyspace command is a plain function `fn(&mut Ctx, &Args)`: it reads and
//! writes the shard's keyspace through `ctx` and writes exactly one reply through
//! `ctx.out`. It never blocks and never does I/O. The node decides where it runs.

pub mod args;
pub mod blocking;
pub mod combine;
pub mod doc;
pub mod key_spec;
pub mod spec;
pub mod table;

pub use args::{Args, OwnedCmd};
pub use blocking::{BlockingOps, TimeoutAt};
pub use doc::{arg_flags, doc_flags, Arg, ArgKind, Doc};
pub use key_spec::{find_keys, key_flags, BeginSearch, FindKeys, KeyRef, KeySpec, KeySpecs};
pub use spec::{flags, Combine, CommandSpec, Exec, KeyPositions, KeyRange, Route};

use crate::config::EngineConfig;
use crate::keyspace::{Db, Keyspace};
use crate::resp::reply::Reply;
use crate::slot::SlotSet;

/// Counters a shard keeps while executing commands (INFO stats).
#[derive(Clone, Copy, Debug, Default)]
pub struct ExecStats {
    /// Lookups of a key that found it (GET and friends).
    pub keyspace_hits: u64,
    /// Lookups of a key that did not find it.
    pub keyspace_misses: u64,
}

/// Everything a keyspace command may touch while it runs.
pub struct Ctx<'a> {
    /// The shard's keyspace.
    pub ks: &'a mut Keyspace,
    /// The connection's selected database.
    pub db: usize,
    /// The command's notion of now, Unix milliseconds (fixed for its duration).
    pub now_ms: u64,
    /// The LRU clock, seconds, stamped on keys the command touches.
    pub lru_s: u32,
    /// Where the reply goes.
    pub out: Reply<'a>,
    /// Settings that change command behaviour (encodings, limits).
    pub cfg: &'a EngineConfig,
    /// Counters for INFO.
    pub stats: &'a mut ExecStats,
    /// The slots this shard serves (SCAN and RANDOMKEY stop where another
    /// shard's slots begin; the node carries on there).
    pub owned_slots: &'a SlotSet,
}

impl Ctx<'_> {
    /// The selected database.
    #[inline]
    pub fn db(&mut self) -> &mut Db {
        self.ks.db(self.db)
    }
}

/// Runs a keyspace command. Arity was checked by the caller.
pub fn execute(spec: &CommandSpec, ctx: &mut Ctx<'_>, args: &Args<'_>) {
    debug_assert!(spec.arity_ok(args.len()));
    match spec.exec {
        Exec::Keyspace(f) => f(ctx, args),
        Exec::Node => unreachable!("node command {} sent to a shard", spec.name),
    }
}
