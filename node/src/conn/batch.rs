//! The replies of one read's worth of commands, produced here or on other shards,
//! put back in request order and written with one write.
//!
//! Commands whose keys live on this shard run at once and append their reply to
//! `local`. Commands for other shards are queued per shard and handed, when the
//! batch finishes, to the shard's outbox, which sends every connection's batches
//! for a peer in one message per executor pass; their replies come back in one
//! buffer per batch, delivered on this thread. A command cut into per-shard parts has one reply source per
//! part and is merged by `engine::command::combine`.

use std::rc::Rc;

use engine::command::combine::combine;
use engine::command::{Combine, CommandSpec, OwnedCmd};
use engine::resp::Protocol;

use crate::shard::{BatchReply, ExecBatch, Job, Shard};

/// Where one reply (or one part of a split command's reply) is.
#[derive(Clone, Copy, Debug)]
pub enum Src {
    /// `local[start..end]`.
    Local(u32, u32),
    /// Reply `idx` of the batch sent to shard `shard`.
    Remote(u16, u32),
}

/// One command's reply.
pub enum Part {
    /// A single reply.
    One { src: Src, skip: bool },
    /// Per-shard parts merged by `kind`.
    Many { kind: Combine, srcs: Vec<Src>, key_parts: Vec<usize>, proto: Protocol, skip: bool },
}

/// The replies of a batch of commands from one connection.
pub struct Batch {
    /// Replies produced on this shard.
    pub local: Vec<u8>,
    parts: Vec<Part>,
    outbox: Vec<Vec<Job>>,
    remote_parts: usize,
}

impl Batch {
    /// An empty batch for a node of `shards` shards.
    pub fn new(shards: usize) -> Batch {
        Batch {
            local: Vec::with_capacity(4096),
            parts: Vec::new(),
            outbox: (0..shards).map(|_| Vec::new()).collect(),
            remote_parts: 0,
        }
    }

    /// Number of commands in the batch.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Records that `local[start..]` is the reply of the next command.
    pub fn push_local(&mut self, start: usize, skip: bool) {
        let src = Src::Local(start as u32, self.local.len() as u32);
        self.parts.push(Part::One { src, skip });
    }

    /// Queues a command for shard `shard` and returns where its reply will be.
    pub fn queue(
        &mut self,
        shard: usize,
        spec: &'static CommandSpec,
        db: usize,
        proto: Protocol,
        cmd: OwnedCmd,
    ) -> Src {
        let q = &mut self.outbox[shard];
        q.push(Job { spec, db: db as u16, proto, cmd });
        self.remote_parts += 1;
        Src::Remote(shard as u16, (q.len() - 1) as u32)
    }

    /// Whether commands are queued for `shard` (for this shard: a command
    /// waits for keys in flight, so the ones after it must queue behind it).
    pub fn queued_for(&self, shard: usize) -> bool {
        !self.outbox[shard].is_empty()
    }

    /// Records a command whose reply comes from another shard.
    pub fn push_remote(&mut self, src: Src, skip: bool) {
        self.parts.push(Part::One { src, skip });
    }

    /// Records a command cut into parts.
    pub fn push_many(
        &mut self,
        kind: Combine,
        srcs: Vec<Src>,
        key_parts: Vec<usize>,
        proto: Protocol,
        skip: bool,
    ) {
        self.parts.push(Part::Many { kind, srcs, key_parts, proto, skip });
    }

    /// Sends the queued commands, waits for their replies, and appends every reply
    /// in request order to `out`. The batch is empty afterwards.
    pub async fn finish(&mut self, shard: &Rc<Shard>, out: &mut Vec<u8>) {
        if self.remote_parts == 0
            && self.parts.iter().all(|p| matches!(p, Part::One { skip: false, .. }))
        {
            // Everything ran here, in order: the local buffer is the answer.
            if out.is_empty() {
                // Every reply is here, in order: hand the buffer over.
                std::mem::swap(out, &mut self.local);
            } else {
                out.extend_from_slice(&self.local);
            }
            self.clear();
            return;
        }
        let mut replies: Vec<Option<BatchReply>> = (0..self.outbox.len()).map(|_| None).collect();
        if self.remote_parts > 0 {
            let mut waits = Vec::new();
            for (peer, jobs) in self.outbox.iter_mut().enumerate() {
                if jobs.is_empty() {
                    continue;
                }
                let (tx, rx) = futures_channel::oneshot::channel();
                let batch = ExecBatch { jobs: std::mem::take(jobs), reply: tx };
                if peer == shard.id() {
                    // Commands of this shard queued behind a parked one.
                    let reply = BatchReply { buf: Vec::new(), ends: Vec::new() };
                    shard.run_batch(peer, batch, reply);
                } else {
                    shard.send_exec(peer, batch);
                }
                waits.push((peer, rx));
            }
            for (peer, rx) in waits {
                replies[peer] = rx.await.ok();
            }
        }
        let get = |src: Src| -> &[u8] {
            match src {
                Src::Local(s, e) => &self.local[s as usize..e as usize],
                Src::Remote(peer, idx) => match &replies[peer as usize] {
                    Some(r) => r.get(idx as usize),
                    None => b"-ERR shard unavailable (shutting down)\r\n",
                },
            }
        };
        for part in &self.parts {
            match part {
                Part::One { src, skip } => {
                    if !skip {
                        out.extend_from_slice(get(*src));
                    }
                }
                Part::Many { kind, srcs, key_parts, proto, skip } => {
                    if !skip {
                        let bufs: Vec<&[u8]> = srcs.iter().map(|&s| get(s)).collect();
                        combine(*kind, &bufs, key_parts, fastrand_u64(), *proto, out);
                    }
                }
            }
        }
        self.clear();
    }

    fn clear(&mut self) {
        self.local.clear();
        self.parts.clear();
        self.remote_parts = 0;
        for q in &mut self.outbox {
            q.clear();
        }
    }
}

/// A cheap random number (xorshift on a thread-local state), for RANDOMKEY.
pub fn fastrand_u64() -> u64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
                | 1,
        );
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    })
}
