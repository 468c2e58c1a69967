//! A shard: one glommio executor pinned to one core, owning a disjoint set of slots.
//!
//! Each shard has its own [`Core`] (keyspace, slot tables, stats, clients), reached
//! only from its own thread, so the data path takes no locks. Shards talk through a
//! full mesh of glommio channels carrying [`Msg`]s: batches of commands to execute
//! for connections that live on another shard and their replies, both gathered
//! per executor pass in an [`Outgoing`] box per peer (one message and one wake-up
//! for many connections), and closures for rare work (INFO, CLIENT LIST, CONFIG
//! SET, cross-shard RENAME ...).
//!
//! Invariants:
//! - `Core::slot_shard[s] == Core::id` iff `Core::owned.contains(s)`; every shard
//!   holds the same `slot_shard` table;
//! - a command touching key k runs on `slot_shard[key_slot(k)]`;
//! - messages between two shards are delivered in order, so the commands of one
//!   connection execute on each shard in the order the client sent them.

pub mod export;
pub mod in_flight;
pub mod msg;
pub mod slot_move;
pub mod stats;
pub mod waiters;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use engine::command::{self, Args, CommandSpec, Ctx};
use engine::config::EngineConfig;
use engine::keyspace::Keyspace;
use engine::resp::{Protocol, Reply};
use engine::slot::{Slot, SlotSet, SLOT_COUNT};
use glommio::channels::channel_mesh::Senders;

use crate::clients::Registry;
use crate::config::Config;
pub use msg::{BatchReply, ExecBatch, Job, Msg, ReplyTx};
use stats::ShardStats;
use waiters::Waiters;

/// State shared by all shards: only atomics and immutable data.
pub struct Shared {
    /// Set when the node must shut down (SHUTDOWN, SIGTERM, SIGINT).
    pub shutdown: AtomicBool,
    /// Next client id (CLIENT ID); ids are unique over the node.
    pub next_client_id: AtomicU64,
    /// Clients connected over all shards (maxclients).
    pub connected_clients: AtomicUsize,
    /// Number of shards.
    pub shard_count: usize,
    /// Random 40-hex-char id of this run (INFO run_id).
    pub run_id: String,
    /// When the node started.
    pub started: Instant,
    /// When the node started, Unix seconds (LASTSAVE until persistence exists).
    pub started_unix_s: u64,
    /// The TCP port actually listened on.
    pub port: u16,
    /// Where the shards' keyspaces send big values to free.
    pub lazyfree: crate::lazyfree::LazyFree,
    /// The CPU each shard is pinned to (None: not pinned).
    pub shard_cpus: Vec<Option<usize>>,
}

impl Shared {
    /// The CPU shard `id` is pinned to, -1 when it is not (INFO, SHARDS LIST).
    pub fn cpu_of(&self, id: usize) -> i64 {
        self.shard_cpus.get(id).copied().flatten().map_or(-1, |c| c as i64)
    }
}

/// A shard's private state.
pub struct Core {
    /// The keyspace of the slots this shard owns.
    pub ks: Keyspace,
    /// Engine settings (copy per shard).
    pub engine_cfg: EngineConfig,
    /// Node settings (copy per shard, kept equal by CONFIG SET broadcasts).
    pub cfg: Config,
    /// Slots this shard owns.
    pub owned: SlotSet,
    /// Owner shard of every slot (same table on every shard).
    pub slot_shard: Vec<u16>,
    /// Counters for INFO.
    pub stats: ShardStats,
    /// Clients connected to this shard.
    pub clients: Registry,
    /// Whether the active expiry cycle runs (DEBUG SET-ACTIVE-EXPIRE).
    pub active_expire: bool,
    /// CLIENT PAUSE in force, if any.
    pub pause: Option<Pause>,
    /// Unix time derived from the monotonic clock read each command makes anyway.
    pub clock: Clock,
    /// Clients blocked on keys of this shard.
    pub waiters: Waiters,
    /// Cluster mode: who serves each slot (None: not a cluster node).
    pub slot_view: Option<Arc<crate::cluster::SlotView>>,
    /// Keys a MIGRATE is moving and the writes waiting for them.
    pub in_flight: in_flight::InFlight,
    /// Slots being moved between shards (see `slot_move`), and how many.
    pub frozen: SlotSet,
    pub frozen_count: usize,
    /// Slots whose writes wait for a hand-over to another node, and how many.
    pub writes_frozen: SlotSet,
    pub writes_frozen_count: usize,
    /// Commands waiting for a slot move to end before they are routed.
    pub unfreeze_waiters: Vec<futures_channel::oneshot::Sender<()>>,
    /// Native slot migrations sending slots of this shard away.
    pub exports: Vec<export::ShardExport>,
}

/// Whether [`Core::exec`] ran a command.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran; its reply is written.
    Ran,
    /// It would write a key a MIGRATE has in flight: nothing ran or was
    /// written; run it again once the key is released (see `in_flight`).
    Parked,
}

/// The shard's clock for command execution: one cheap tick read per command
/// serves both its notion of now (Unix ms) and its duration.
///
/// Ticks are the CPU's time-stamp counter on x86-64 (an unprivileged
/// instruction, several times cheaper than `clock_gettime` on a VM); elsewhere,
/// nanoseconds from `Instant`. The clock is anchored to `Instant` and the system
/// clock, and re-anchored every second: the tick rate is re-measured over that
/// second (so a counter that drifts is followed) and a stepped system clock is
/// picked up. A shard is pinned to one CPU, so its ticks come from one counter.
pub struct Clock {
    anchor: Instant,
    anchor_ticks: u64,
    anchor_unix_ms: u64,
    ticks_per_ms: u64,
}

/// Reads the tick counter.
#[inline]
pub fn ticks() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: RDTSC has no preconditions; it only reads a counter.
        unsafe { core::arch::x86_64::_rdtsc() }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_nanos() as u64
    }
}

impl Clock {
    /// A clock whose tick rate is measured over `calibration` (a few ms at
    /// start-up; re-measured every second after that).
    pub fn new(calibration: Duration) -> Clock {
        let (start, start_ticks) = (Instant::now(), ticks());
        std::thread::sleep(calibration);
        let (anchor, anchor_ticks) = (Instant::now(), ticks());
        Clock {
            anchor,
            anchor_ticks,
            anchor_unix_ms: unix_ms(),
            ticks_per_ms: rate_per_ms(anchor_ticks - start_ticks, anchor - start),
        }
    }

    /// Unix milliseconds at tick `t`.
    #[inline]
    pub fn unix_ms(&mut self, t: u64) -> u64 {
        let since_ms = t.saturating_sub(self.anchor_ticks) / self.ticks_per_ms;
        if since_ms >= 1000 {
            self.reanchor();
            return self.anchor_unix_ms;
        }
        self.anchor_unix_ms + since_ms
    }

    /// Microseconds between ticks `from` and `to`.
    #[inline]
    pub fn micros(&self, from: u64, to: u64) -> u64 {
        to.saturating_sub(from) * 1000 / self.ticks_per_ms
    }

    fn reanchor(&mut self) {
        let (now, now_ticks) = (Instant::now(), ticks());
        self.ticks_per_ms =
            rate_per_ms(now_ticks.saturating_sub(self.anchor_ticks), now - self.anchor);
        self.anchor = now;
        self.anchor_ticks = now_ticks;
        self.anchor_unix_ms = unix_ms();
    }
}

/// Ticks per millisecond from `ticks` counted over `over` (at least 1).
fn rate_per_ms(ticks: u64, over: Duration) -> u64 {
    (ticks as u128 * 1_000_000 / over.as_nanos().max(1)).max(1) as u64
}

/// A CLIENT PAUSE: commands (or only writes) wait until `until_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Pause {
    /// Unix milliseconds when the pause ends.
    pub until_ms: u64,
    /// Only commands flagged `write` (and `may_replicate`) wait.
    pub writes_only: bool,
}

/// Lets the shard serve others between two steps of a long job: the task
/// queue yields, so the executor reaps I/O and runs the tasks it woke.
/// (`yield_now` only requeues the task: glommio keeps running the queue,
/// without looking at sockets, until its preempt timer fires, 100 ms;
/// `yield_if_needed` waits for that timer too.)
pub async fn yield_to_io() {
    glommio::executor().yield_task_queue_now().await
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Redis's 24-bit LRU clock in seconds.
pub fn lru_clock(now_ms: u64) -> u32 {
    ((now_ms / 1000) & ((1 << 24) - 1)) as u32
}

/// The initial slot→shard table: contiguous ranges, as even as possible.
pub fn initial_slot_shards(shard_count: usize) -> Vec<u16> {
    assert!((1..=SLOT_COUNT).contains(&shard_count));
    (0..SLOT_COUNT).map(|s| (s * shard_count / SLOT_COUNT) as u16).collect()
}

impl Core {
    /// A shard core owning the slots `slot_shard` gives it.
    pub fn new(id: usize, cfg: Config, slot_shard: Vec<u16>) -> Core {
        let mut owned = SlotSet::default();
        for (s, &sh) in slot_shard.iter().enumerate() {
            if sh as usize == id {
                owned.insert(s as Slot);
            }
        }
        let engine_cfg = engine_config(&cfg);
        Core {
            ks: Keyspace::new(cfg.databases),
            engine_cfg,
            cfg,
            owned,
            slot_shard,
            stats: ShardStats::default(),
            clients: Registry::default(),
            active_expire: true,
            pause: None,
            clock: Clock::new(Duration::from_millis(5)),
            waiters: Waiters::default(),
            slot_view: None,
            in_flight: in_flight::InFlight::default(),
            frozen: SlotSet::from_range(0..0),
            frozen_count: 0,
            writes_frozen: SlotSet::from_range(0..0),
            writes_frozen_count: 0,
            unfreeze_waiters: Vec::new(),
            exports: Vec::new(),
        }
    }

    /// The shard that owns `slot`.
    #[inline]
    pub fn shard_of(&self, slot: Slot) -> usize {
        self.slot_shard[slot as usize] as usize
    }

    /// Executes a keyspace command, appending its reply to `out`, and counts it;
    /// then serves the clients blocked on keys it stored. A write to a key in
    /// flight does not run ([`Outcome::Parked`]).
    pub fn exec(
        &mut self,
        spec: &'static CommandSpec,
        db: usize,
        proto: Protocol,
        args: &Args<'_>,
        out: &mut Vec<u8>,
    ) -> Outcome {
        if !self.in_flight.is_empty() && self.in_flight.blocks(spec, db, args) {
            self.stats.migrate_parked += 1;
            return Outcome::Parked;
        }
        let started = ticks();
        let reply_start = out.len();
        self.with_ctx_at(started, db, proto, out, |ctx| command::execute(spec, ctx, args));
        let failed = out.get(reply_start) == Some(&b'-');
        let took_us = self.clock.micros(started, ticks());
        self.stats.count_command(spec.name, took_us, failed);
        if failed {
            self.stats.count_error(&out[reply_start..]);
        } else if !self.exports.is_empty() {
            self.capture_write(spec, db, args);
        }
        if !self.waiters.is_empty() {
            self.serve_ready();
        }
        Outcome::Ran
    }

    /// Runs `f` over the keyspace with a command context for database `db`,
    /// replying into `out` in protocol `proto`.
    pub fn with_ctx(
        &mut self,
        db: usize,
        proto: Protocol,
        out: &mut Vec<u8>,
        f: impl FnOnce(&mut Ctx<'_>),
    ) {
        self.with_ctx_at(ticks(), db, proto, out, f);
    }

    fn with_ctx_at(
        &mut self,
        now_ticks: u64,
        db: usize,
        proto: Protocol,
        out: &mut Vec<u8>,
        f: impl FnOnce(&mut Ctx<'_>),
    ) {
        let now_ms = self.clock.unix_ms(now_ticks);
        let mut ctx = Ctx {
            ks: &mut self.ks,
            db,
            now_ms,
            lru_s: lru_clock(now_ms),
            out: Reply::new(out, proto),
            cfg: &self.engine_cfg,
            stats: &mut self.stats.exec,
            owned_slots: &self.owned,
        };
        f(&mut ctx);
    }
}

/// The engine's part of the configuration.
pub fn engine_config(cfg: &Config) -> EngineConfig {
    EngineConfig {
        proto_max_bulk_len_bytes: cfg.proto_max_bulk_len_bytes,
        cluster_enabled: cfg.cluster.enabled,
        hash_max_listpack_entries: cfg.hash_max_listpack_entries,
        hash_max_listpack_value_bytes: cfg.hash_max_listpack_value_bytes,
        list_max_listpack_size: cfg.list_max_listpack_size,
        list_compress_depth: cfg.list_compress_depth,
        zset_max_listpack_entries: cfg.zset_max_listpack_entries,
        zset_max_listpack_value_bytes: cfg.zset_max_listpack_value_bytes,
        set_max_intset_entries: cfg.set_max_intset_entries,
        hll_sparse_max_bytes: cfg.hll_sparse_max_bytes,
    }
}

/// One shard as its tasks see it.
pub struct Shard {
    /// The shard's state. Never borrowed across an `.await`.
    pub core: RefCell<Core>,
    /// Channels to every shard (including a slot for this one, unused).
    pub senders: Senders<Msg>,
    /// Node-wide state.
    pub shared: Arc<Shared>,
    /// What waits to be sent to each peer, gathered until the flush task runs.
    pub outbox: RefCell<Vec<Outgoing>>,
    /// Cluster mode, shard 0 only: the cluster state.
    pub cluster: RefCell<Option<crate::cluster::ClusterNode>>,
    /// Shard 0 only: one slot move at a time.
    pub move_lock: glommio::sync::Semaphore,
}

/// Batches and replies for one peer, sent together as at most two messages by
/// one flush task per pass of the executor: under load, many connections'
/// commands cross to a peer in one message and one wake-up.
#[derive(Default)]
pub struct Outgoing {
    execs: Vec<ExecBatch>,
    replies: Vec<(ReplyTx, BatchReply)>,
    runs: Vec<msg::RunFn>,
    /// A flush task is pending or sending: it takes what is queued meanwhile,
    /// so everything for a peer leaves in the order it was queued (replies,
    /// batches, then closures of one round).
    flush_scheduled: bool,
}

impl Shard {
    /// This shard's id.
    pub fn id(&self) -> usize {
        self.senders.peer_id()
    }

    /// Runs `f` on every shard (here directly, elsewhere through a message) and
    /// returns the results in shard order.
    pub async fn on_all_shards<R, F>(self: &Rc<Self>, f: F) -> Vec<R>
    where
        R: Send + 'static,
        F: Fn(&Shard) -> R + Send + Sync + Clone + 'static,
    {
        let mut waits = Vec::with_capacity(self.shared.shard_count);
        for peer in 0..self.shared.shard_count {
            waits.push(self.on_shard(peer, f.clone()));
        }
        let mut out = Vec::with_capacity(waits.len());
        for w in waits {
            out.push(w.await);
        }
        out
    }

    /// Runs `f` on shard `peer` and returns its result. The closure is started
    /// right away for this shard, or sent as a message to another.
    pub fn on_shard<R, F>(
        self: &Rc<Self>,
        peer: usize,
        f: F,
    ) -> impl std::future::Future<Output = R> + 'static
    where
        R: Send + 'static,
        F: FnOnce(&Shard) -> R + Send + 'static,
    {
        self.on_shard_rc(peer, move |s: &Rc<Shard>| f(s))
    }

    /// [`Self::on_shard`] for work that needs the shard's `Rc` (to spawn tasks
    /// there).
    pub fn on_shard_rc<R, F>(
        self: &Rc<Self>,
        peer: usize,
        f: F,
    ) -> impl std::future::Future<Output = R> + 'static
    where
        R: Send + 'static,
        F: FnOnce(&Rc<Shard>) -> R + Send + 'static,
    {
        let (tx, rx) = futures_channel::oneshot::channel();
        if peer == self.id() {
            let _ = tx.send(f(self));
        } else {
            // Through the outbox: it arrives after everything queued for the
            // peer before it (slot moves rely on that, see `slot_move`).
            self.outbox.borrow_mut()[peer].runs.push(Box::new(move |shard: &Rc<Shard>| {
                let _ = tx.send(f(shard));
            }));
            self.schedule_flush(peer);
        }
        async move { rx.await.expect("a shard dropped a request: it is shutting down") }
    }

    /// Queues a batch of commands for `peer`; it leaves with the next flush.
    pub fn send_exec(self: &Rc<Self>, peer: usize, batch: ExecBatch) {
        self.outbox.borrow_mut()[peer].execs.push(batch);
        self.schedule_flush(peer);
    }

    /// Makes sure a flush task for `peer` runs after the tasks already runnable,
    /// so that what they queue leaves in the same messages.
    fn schedule_flush(self: &Rc<Self>, peer: usize) {
        {
            let mut outbox = self.outbox.borrow_mut();
            if outbox[peer].flush_scheduled {
                return;
            }
            outbox[peer].flush_scheduled = true;
        }
        let me = self.clone();
        glommio::spawn_local(async move {
            loop {
                let (execs, replies, runs) = {
                    let mut outbox = me.outbox.borrow_mut();
                    let out = &mut outbox[peer];
                    if out.execs.is_empty() && out.replies.is_empty() && out.runs.is_empty() {
                        out.flush_scheduled = false;
                        break;
                    }
                    (
                        std::mem::take(&mut out.execs),
                        std::mem::take(&mut out.replies),
                        std::mem::take(&mut out.runs),
                    )
                };
                // A send fails only when the peer is gone (shutdown); waiting
                // connections then see their reply channel dropped.
                if !replies.is_empty() {
                    let _ = me.senders.send_to(peer, Msg::Replies(replies)).await;
                }
                if !execs.is_empty() {
                    let _ = me.senders.send_to(peer, Msg::Exec(execs)).await;
                }
                for run in runs {
                    let _ = me.senders.send_to(peer, Msg::Run(run)).await;
                }
            }
        })
        .detach();
    }

    /// Runs the jobs of `batch` not yet in `reply`, in order, and sends the
    /// replies to shard `from` (this shard: straight to the waiting
    /// connection; another: into its outbox, flushed by the caller). A job
    /// that must wait for keys in flight parks the rest of the batch, which
    /// resumes here once they are released.
    pub fn run_batch(self: &Rc<Self>, from: usize, batch: ExecBatch, mut reply: BatchReply) {
        {
            let mut core = self.core.borrow_mut();
            while let Some(job) = batch.jobs.get(reply.ends.len()) {
                let db = job.db as usize;
                let outcome = core.exec(job.spec, db, job.proto, &job.cmd.args(), &mut reply.buf);
                if outcome == Outcome::Parked {
                    core.in_flight.park(Box::new(move |s: &Rc<Shard>| {
                        s.run_batch(from, batch, reply);
                        if from != s.id() {
                            s.schedule_flush(from);
                        }
                    }));
                    return;
                }
                reply.ends.push(reply.buf.len() as u32);
            }
        }
        if from == self.id() {
            let _ = batch.reply.send(reply);
        } else {
            self.outbox.borrow_mut()[from].replies.push((batch.reply, reply));
        }
    }

    /// Handles one message from shard `from`.
    pub fn handle(self: &Rc<Self>, from: usize, msg: Msg) {
        match msg {
            Msg::Exec(batches) => {
                self.core.borrow_mut().stats.forwarded_in +=
                    batches.iter().map(|b| b.jobs.len() as u64).sum::<u64>();
                for batch in batches {
                    let reply =
                        BatchReply { buf: Vec::new(), ends: Vec::with_capacity(batch.jobs.len()) };
                    self.run_batch(from, batch, reply);
                }
                if !self.outbox.borrow()[from].replies.is_empty() {
                    self.schedule_flush(from);
                }
            }
            Msg::Replies(replies) => {
                for (tx, reply) in replies {
                    let _ = tx.send(reply);
                }
            }
            Msg::Run(f) => f(self),
        }
    }
}
