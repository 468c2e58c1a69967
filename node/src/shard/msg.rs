//! Messages between shards.

use engine::command::{CommandSpec, OwnedCmd};
use engine::resp::Protocol;

use std::rc::Rc;

use super::Shard;

/// A message to a shard.
pub enum Msg {
    /// Batches of commands from connections on the sending shard, gathered over
    /// one pass of its executor; each batch executes in order.
    Exec(Vec<ExecBatch>),
    /// Replies to batches this shard sent, gathered likewise; delivered to the
    /// waiting connections on this shard's own thread (no cross-thread wake).
    Replies(Vec<(ReplyTx, BatchReply)>),
    /// Work to run on the receiving shard (rare, control-plane operations).
    Run(RunFn),
}

/// Work sent to run on another shard.
pub type RunFn = Box<dyn FnOnce(&Rc<Shard>) + Send>;

/// A batch of commands from one connection for one shard.
pub struct ExecBatch {
    /// The commands, executed in order.
    pub jobs: Vec<Job>,
    /// Where the replies go.
    pub reply: ReplyTx,
}

/// The waiting end of a batch: completed on the batch's own shard.
pub type ReplyTx = futures_channel::oneshot::Sender<BatchReply>;

/// One command to execute on another shard.
pub struct Job {
    /// The command's spec (subcommand spec for containers).
    pub spec: &'static CommandSpec,
    /// The connection's selected database.
    pub db: u16,
    /// The connection's protocol.
    pub proto: Protocol,
    /// The arguments.
    pub cmd: OwnedCmd,
}

/// The replies of a batch: reply i is `buf[ends[i-1]..ends[i]]`.
pub struct BatchReply {
    /// The encoded replies, back to back.
    pub buf: Vec<u8>,
    /// End offset of each reply.
    pub ends: Vec<u32>,
}

impl BatchReply {
    /// Reply `i`.
    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.buf[start..self.ends[i] as usize]
    }
}
