//! slotd's native slot migration, source side: `CLUSTER MIGRATESLOTS
//! SLOTSRANGE a b [a b ...] NODE id [SLOTSRANGE ... NODE id ...]` (Valkey 9's
//! syntax), `CLUSTER CANCELSLOTMIGRATIONS`, and the export entries of
//! `CLUSTER GETSLOTMIGRATIONS`.
//!
//! A job moves its slots to one target without forking and without stopping
//! other slots:
//! 1. Stream: each shard owning some of the slots opens its own link to the
//!    target (`CLUSTER SYNCSLOTS ESTABLISH`) and sends its slots key by key:
//!    `DEL key` then the commands rebuilding the value (`engine::export`, in
//!    steps between which the shard serves others; writes to that key wait
//!    meanwhile, see `shard::in_flight`). Writes to keys already sent are
//!    logged as they run (`shard::export`) and forwarded, the log always
//!    before the next key, so the target applies everything in order.
//!    Commands are sent in pipelined batches; any error reply fails the job.
//! 2. Hand-over, once every shard has sent its slots: commands on the slots
//!    are frozen node-wide (before their cluster redirection is decided), a
//!    drain barrier lets the ones already routed run, each link flushes its
//!    log and waits for its replies, then `SYNCSLOTS FINISH` makes the target
//!    take the slots with a new config epoch. This node assigns them to the
//!    target and unfreezes: the waiting commands get MOVED (never ASK). The
//!    slots' keys are then dropped here.
//! 3. A cancel or a failure before FINISH closes the links (the target drops
//!    what it imported) and leaves everything here as it was.
//!
//! Invariants: intra-node slot moves wait while a job runs (it holds the move
//! lock); a key is deleted here only after the target took its slot.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use engine::cluster::bus::NodeId;
use engine::cluster::state::{id_str, parse_id};
use engine::command::Args;
use engine::export::{export_step, Step};
use engine::resp::{Protocol, Reply};
use engine::slot::{Slot, SlotSet};
use futures_channel::oneshot;

use super::target::{self, Target};
use crate::conn::Conn;
use crate::shard::export::ShardExport;
use crate::shard::{unix_ms, Shard};

/// Bytes of commands per pipelined batch.
const BATCH_BYTES: usize = 256 * 1024;
/// Bytes of a value written per export step (between two yields).
const STEP_BYTES: usize = 64 * 1024;
/// Deadline for a link's connect and for each batch's replies.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// A job as shard 0 keeps it (CLUSTER GETSLOTMIGRATIONS).
pub struct ExportJob {
    pub target: NodeId,
    pub slots: Vec<Slot>,
    pub created_ms: u64,
    pub ctl: Arc<JobCtl>,
}

/// What the job's tasks share across shards.
#[derive(Default)]
pub struct JobCtl {
    /// Set by CANCELSLOTMIGRATIONS: the tasks stop at their next step.
    pub cancelled: AtomicBool,
    pub keys_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
    pub updated_ms: AtomicU64,
    /// "running", "success", "failed", "cancelled" and a message.
    pub state: std::sync::Mutex<(&'static str, String)>,
}

impl JobCtl {
    fn set(&self, state: &'static str, message: String) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = (state, message);
        self.touch();
    }

    fn touch(&self) {
        self.updated_ms.store(unix_ms(), Ordering::Relaxed);
    }

    fn running(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 == "running"
    }
}

/// The export jobs of this node, by name (shard 0).
pub type Exports = std::collections::BTreeMap<String, ExportJob>;

/// CLUSTER MIGRATESLOTS.
pub async fn migrateslots(conn: &mut Conn, args: &Args<'_>, proto: Protocol, out: &mut Vec<u8>) {
    let result = match parse(args) {
        Ok(groups) => start(conn, groups).await,
        Err(e) => Err(e),
    };
    let mut r = Reply::new(out, proto);
    match result {
        Ok(()) => r.ok(),
        Err(e) => r.error(&e),
    }
}

/// `SLOTSRANGE a b [a b ...] NODE id` groups.
fn parse(args: &Args<'_>) -> Result<Vec<(Vec<Slot>, NodeId)>, String> {
    let mut groups = Vec::new();
    let mut i = 2;
    while i < args.len() {
        if !args.is(i, "slotsrange") {
            return Err("ERR syntax error".into());
        }
        i += 1;
        let mut slots = Vec::new();
        while i + 1 < args.len() && !args.is(i, "node") {
            let a = engine::cluster::commands::parse_slot(args.get(i))?;
            let b = engine::cluster::commands::parse_slot(args.get(i + 1))?;
            if a > b {
                return Err("ERR start slot number is greater than end slot number".into());
            }
            slots.extend(a..=b);
            i += 2;
        }
        if slots.is_empty() || i + 1 >= args.len() || !args.is(i, "node") {
            return Err("ERR syntax error".into());
        }
        let id = parse_id(args.get(i + 1)).ok_or("ERR Invalid node id")?;
        slots.sort_unstable();
        slots.dedup();
        groups.push((slots, id));
        i += 2;
    }
    if groups.is_empty() {
        return Err("ERR syntax error".into());
    }
    Ok(groups)
}

/// Checks and registers the jobs on shard 0, then starts them.
async fn start(conn: &Conn, groups: Vec<(Vec<Slot>, NodeId)>) -> Result<(), String> {
    let names: Vec<String> = groups.iter().map(|_| job_name()).collect();
    let started = conn
        .shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().ok_or("ERR This instance has cluster support disabled")?;
            let c = &node.state;
            let me = c.myself().id;
            let busy: SlotSet = {
                let mut set = SlotSet::from_range(0..0);
                for j in node.exports.values().filter(|j| j.ctl.running()) {
                    j.slots.iter().for_each(|&s| set.insert(s));
                }
                set
            };
            let mut jobs = Vec::new();
            for ((slots, target), name) in groups.into_iter().zip(names) {
                let t = c
                    .node(&target)
                    .ok_or_else(|| format!("ERR Unknown node {}", id_str(&target)))?;
                if target == me {
                    return Err("ERR Can't migrate slots to myself".to_string());
                }
                if !t.is_master() {
                    return Err("ERR The target node is not a primary".to_string());
                }
                for &slot in &slots {
                    if !c.is_mine(slot) {
                        return Err(format!("ERR I'm not the owner of hash slot {slot}"));
                    }
                    if busy.contains(slot)
                        || c.migrating_to(slot).is_some()
                        || c.importing_from(slot).is_some()
                    {
                        return Err(format!("ERR Slot {slot} is already being migrated"));
                    }
                }
                let addr = (t.ip.clone(), t.port);
                jobs.push((name, target, slots, addr));
            }
            let mut started = Vec::new();
            for (name, target, slots, addr) in jobs {
                let ctl = Arc::new(JobCtl::default());
                ctl.set("running", String::new());
                node.exports.insert(
                    name.clone(),
                    ExportJob {
                        target,
                        slots: slots.clone(),
                        created_ms: unix_ms(),
                        ctl: ctl.clone(),
                    },
                );
                started.push((name, target, slots, addr, ctl, me));
            }
            Ok(started)
        })
        .await?;
    for (name, target, slots, addr, ctl, me) in started {
        let job = Job { name: name.into(), target, source: me, slots, addr, ctl };
        conn.shard
            .on_shard_rc(0, move |s: &Rc<Shard>| {
                let s = s.clone();
                glommio::spawn_local(async move { run(s, job).await }).detach();
            })
            .await;
    }
    Ok(())
}

/// 40 random hex characters.
fn job_name() -> String {
    (0..5).map(|_| format!("{:08x}", crate::conn::batch::fastrand_u64() as u32)).collect()
}

/// One job, as its tasks need it.
#[derive(Clone)]
struct Job {
    name: Arc<str>,
    target: NodeId,
    source: NodeId,
    slots: Vec<Slot>,
    addr: (String, u16),
    ctl: Arc<JobCtl>,
}

impl Job {
    fn establish(&self) -> Vec<u8> {
        let mut parts: Vec<Vec<u8>> = vec![
            b"CLUSTER".to_vec(),
            b"SYNCSLOTS".to_vec(),
            b"ESTABLISH".to_vec(),
            self.name.as_bytes().to_vec(),
            id_str(&self.source).as_bytes().to_vec(),
        ];
        for (a, b) in engine::slot::runs(self.slots.iter().copied()) {
            parts.push(a.to_string().into_bytes());
            parts.push(b.to_string().into_bytes());
        }
        let mut out = Vec::new();
        engine::cmd::migrate::write_command(&mut out, parts.iter().map(Vec::as_slice));
        out
    }

    async fn link(&self) -> Result<Target, String> {
        let port = self.addr.1.to_string();
        let mut t = target::connect(self.addr.0.as_bytes(), port.as_bytes(), IO_TIMEOUT)
            .await
            .map_err(|_| format!("cannot connect to the target {}:{}", self.addr.0, self.addr.1))?;
        send_batch(&mut t, &self.establish(), 1).await?;
        Ok(t)
    }
}

/// Writes `buf` (`count` commands) and reads their replies; an error reply
/// or an I/O failure ends the job.
async fn send_batch(t: &mut Target, buf: &[u8], count: usize) -> Result<(), String> {
    t.write_all(buf, IO_TIMEOUT).await.map_err(|e| format!("writing to the target: {e:?}"))?;
    for _ in 0..count {
        let reply = t
            .read_reply(IO_TIMEOUT)
            .await
            .map_err(|e| format!("reading from the target: {e:?}"))?;
        if reply.first() == Some(&b'-') {
            return Err(format!(
                "the target replied: {}",
                String::from_utf8_lossy(&reply[1..reply.len() - 2])
            ));
        }
    }
    Ok(())
}

/// The coordinator, on shard 0: streams, hands over, cleans up.
async fn run(shard: Rc<Shard>, job: Job) {
    tracing::info!(
        "slot migration {}: {} slots to {}",
        job.name,
        job.slots.len(),
        id_str(&job.target)
    );
    // No intra-node slot move while slots leave the node.
    let _moves = shard.move_lock.acquire_permit(1).await;
    let by_shard: Vec<(usize, Vec<Slot>)> = {
        let core = shard.core.borrow();
        let mut groups: Vec<(usize, Vec<Slot>)> = Vec::new();
        for &s in &job.slots {
            let owner = core.shard_of(s);
            match groups.iter_mut().find(|(o, _)| *o == owner) {
                Some((_, v)) => v.push(s),
                None => groups.push((owner, vec![s])),
            }
        }
        groups
    };
    let result = hand_over(&shard, &job, &by_shard).await;
    let parts: Vec<usize> = by_shard.iter().map(|(s, _)| *s).collect();
    match &result {
        Ok(()) => {
            job.ctl.set("success", String::new());
            tracing::info!("slot migration {}: {} slots moved", job.name, job.slots.len());
        }
        Err(e) => {
            let cancelled = job.ctl.cancelled.load(Ordering::Relaxed);
            job.ctl.set(if cancelled { "cancelled" } else { "failed" }, e.clone());
            tracing::warn!("slot migration {} stopped: {e}", job.name);
        }
    }
    // Every part stops: links close (the target drops an unfinished import).
    for peer in parts {
        let name = job.name.clone();
        shard
            .on_shard(peer, move |s: &Shard| {
                let mut core = s.core.borrow_mut();
                core.exports.retain(|e| e.job != name);
            })
            .await;
    }
}

/// Streams every part, then hands the slots over. Nothing here is deleted
/// unless this returns Ok.
async fn hand_over(
    shard: &Rc<Shard>,
    job: &Job,
    by_shard: &[(usize, Vec<Slot>)],
) -> Result<(), String> {
    // 1. Stream: one task per shard, each reporting when caught up.
    let mut parts = Vec::new();
    for (peer, slots) in by_shard {
        let (job2, slots) = (job.clone(), slots.clone());
        let part = shard
            .on_shard_rc(*peer, move |s: &Rc<Shard>| {
                let (caught_up_tx, caught_up) = oneshot::channel();
                let (final_tx, final_rx) = oneshot::channel::<()>();
                let (flushed_tx, flushed) = oneshot::channel();
                let (close_tx, close_rx) = oneshot::channel::<()>();
                let mut set = SlotSet::from_range(0..0);
                slots.iter().for_each(|&x| set.insert(x));
                s.core.borrow_mut().exports.push(ShardExport::new(job2.name.clone(), set));
                let s = s.clone();
                glommio::spawn_local(async move {
                    let signals =
                        Signals { caught_up: caught_up_tx, final_rx, flushed: flushed_tx };
                    // The link stays open until the job ends: the target
                    // drops an import whose links all closed before FINISH.
                    let link = stream_part(&s, &job2, slots, signals).await;
                    let _ = close_rx.await;
                    drop(link);
                })
                .detach();
                (caught_up, final_tx, flushed, close_tx)
            })
            .await;
        parts.push(part);
    }
    let mut finals = Vec::new();
    let mut flushes = Vec::new();
    // Dropped when this returns: the parts then close their links.
    let mut _closes = Vec::new();
    for (caught_up, final_tx, flushed, close) in parts {
        _closes.push(close);
        match caught_up.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(flushed
                    .await
                    .ok()
                    .and_then(Result::err)
                    .unwrap_or_else(|| "a part stopped".into()))
            }
        }
        finals.push(final_tx);
        flushes.push(flushed);
    }
    // 2. Hand-over: freeze, drain, final flush, FINISH.
    let frozen_at = std::time::Instant::now();
    let slots = job.slots.clone();
    shard.on_all_shards(move |s: &Shard| s.core.borrow_mut().freeze_writes(&slots)).await;
    for (peer, _) in by_shard {
        shard.drain_to(*peer).await;
    }
    for f in finals {
        let _ = f.send(());
    }
    for f in flushes {
        if let Err(e) = f.await.unwrap_or_else(|_| Err("a part stopped".into())) {
            unfreeze(shard, &job.slots).await;
            return Err(e);
        }
    }
    if job.ctl.cancelled.load(Ordering::Relaxed) {
        unfreeze(shard, &job.slots).await;
        return Err("cancelled".into());
    }
    if let Err(e) = finish(job).await {
        unfreeze(shard, &job.slots).await;
        return Err(e);
    }
    // The target serves the slots: route there, then drop them here.
    let (slots, target) = (job.slots.clone(), job.target);
    let view = shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            for &slot in &slots {
                node.state.assign(slot, &target);
                node.state.set_migrating(slot, None);
            }
            node.pong_all = true;
            node.commit()
        })
        .await;
    crate::cluster::install_view(shard, view).await;
    unfreeze(shard, &job.slots).await;
    tracing::info!(
        "slot migration {}: writes to the {} slots waited {:.2} ms for the hand-over",
        job.name,
        job.slots.len(),
        frozen_at.elapsed().as_secs_f64() * 1e3
    );
    // Reads routed before the new view may still be on their way.
    for (peer, _) in by_shard {
        shard.drain_to(*peer).await;
    }
    for (peer, slots) in by_shard {
        let slots = slots.clone();
        shard
            .on_shard(*peer, move |s: &Shard| {
                s.core.borrow_mut().ks.drop_slots(0, slots);
            })
            .await;
    }
    Ok(())
}

/// Ends the hand-over freeze of `slots` on every shard.
async fn unfreeze(shard: &Rc<Shard>, slots: &[Slot]) {
    let slots = slots.to_vec();
    shard.on_all_shards(move |s: &Shard| s.core.borrow_mut().unfreeze_writes(&slots)).await;
}

/// Sends FINISH on a link of its own; if the answer is lost, asks STATUS.
async fn finish(job: &Job) -> Result<(), String> {
    let mut finish = Vec::new();
    let parts: [&[u8]; 4] = [b"CLUSTER", b"SYNCSLOTS", b"FINISH", job.name.as_bytes()];
    engine::cmd::migrate::write_command(&mut finish, parts.into_iter());
    let first = match job.link().await {
        Ok(mut t) => send_batch(&mut t, &finish, 1).await,
        Err(e) => Err(e),
    };
    if first.is_ok() {
        return Ok(());
    }
    let mut status = Vec::new();
    let parts: [&[u8]; 4] = [b"CLUSTER", b"SYNCSLOTS", b"STATUS", job.name.as_bytes()];
    engine::cmd::migrate::write_command(&mut status, parts.into_iter());
    let port = job.addr.1.to_string();
    let mut t = target::connect(job.addr.0.as_bytes(), port.as_bytes(), IO_TIMEOUT)
        .await
        .map_err(|_| "the target is unreachable after FINISH".to_string())?;
    t.write_all(&status, IO_TIMEOUT).await.map_err(|e| format!("{e:?}"))?;
    match t.read_reply(IO_TIMEOUT).await {
        Ok(r) if r == b"+finished\r\n" => Ok(()),
        _ => first,
    }
}

/// How a part talks with the coordinator.
struct Signals {
    /// Sent once every slot went out (or the part failed).
    caught_up: oneshot::Sender<Result<(), String>>,
    /// Fires when the slots are frozen for the hand-over.
    final_rx: oneshot::Receiver<()>,
    /// Sent once the last commands were acknowledged (or the part failed).
    flushed: oneshot::Sender<Result<(), String>>,
}

/// One shard's part: streams its slots, reports when caught up, keeps
/// forwarding until told to flush for the hand-over, reports the flush.
/// Returns its link, to be closed when the job ends.
async fn stream_part(
    shard: &Rc<Shard>,
    job: &Job,
    slots: Vec<Slot>,
    signals: Signals,
) -> Option<Target> {
    let Signals { caught_up, final_rx, flushed } = signals;
    let mut link = match job.link().await {
        Ok(l) => l,
        Err(e) => {
            let _ = caught_up.send(Err(e));
            return None;
        }
    };
    let r = forward(shard, job, slots, &mut link, caught_up, final_rx).await;
    let _ = flushed.send(r);
    Some(link)
}

/// Streams the part's slots, then forwards writes until the hand-over.
async fn forward(
    shard: &Rc<Shard>,
    job: &Job,
    slots: Vec<Slot>,
    link: &mut Target,
    caught_up: oneshot::Sender<Result<(), String>>,
    final_rx: oneshot::Receiver<()>,
) -> Result<(), String> {
    let mut out = Batch::default();
    let sent = async {
        for &slot in &slots {
            send_slot(shard, job, slot, link, &mut out).await?;
        }
        flush_log(shard, job, link, &mut out).await
    }
    .await;
    if let Err(e) = sent {
        let _ = caught_up.send(Err(e.clone()));
        return Err(e);
    }
    let _ = caught_up.send(Ok(()));
    // Keep forwarding until the hand-over.
    let mut final_rx = final_rx;
    loop {
        let wake = {
            let mut core = shard.core.borrow_mut();
            let e = core.export_mut(&job.name).ok_or("the migration was stopped")?;
            if e.log.is_empty() && e.resend.is_empty() {
                let (tx, rx) = oneshot::channel();
                e.wake = Some(tx);
                Some(rx)
            } else {
                None
            }
        };
        if let Some(rx) = wake {
            match futures_lite::future::or(async { Some(rx.await) }, async {
                let _ = (&mut final_rx).await;
                None
            })
            .await
            {
                Some(_) => {}
                None => break,
            }
        }
        flush_log(shard, job, link, &mut out).await?;
    }
    flush_log(shard, job, link, &mut out).await
}

/// Commands gathered for the next pipelined batch.
#[derive(Default)]
struct Batch {
    buf: Vec<u8>,
    count: usize,
}

impl Batch {
    fn push(&mut self, parts: &[&[u8]]) {
        engine::cmd::migrate::write_command(&mut self.buf, parts.iter().copied());
        self.count += 1;
    }

    async fn send(&mut self, job: &Job, link: &mut Target) -> Result<(), String> {
        if self.count == 0 {
            return Ok(());
        }
        if job.ctl.cancelled.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        send_batch(link, &self.buf, self.count).await?;
        job.ctl.bytes_sent.fetch_add(self.buf.len() as u64, Ordering::Relaxed);
        job.ctl.touch();
        self.buf.clear();
        self.count = 0;
        Ok(())
    }
}

/// Sends what the log holds and the keys to send again, then the batch.
async fn flush_log(
    shard: &Rc<Shard>,
    job: &Job,
    link: &mut Target,
    out: &mut Batch,
) -> Result<(), String> {
    loop {
        flush_log_into(shard, job, out)?;
        let resend = {
            let mut core = shard.core.borrow_mut();
            let e = core.export_mut(&job.name).ok_or("the migration was stopped")?;
            std::mem::take(&mut e.resend)
        };
        if resend.is_empty() {
            break;
        }
        for key in resend {
            send_key(shard, job, &key, link, out).await?;
        }
    }
    out.send(job, link).await
}

/// Sends every key of `slot`, the log before each.
async fn send_slot(
    shard: &Rc<Shard>,
    job: &Job,
    slot: Slot,
    link: &mut Target,
    out: &mut Batch,
) -> Result<(), String> {
    let keys: Vec<Box<[u8]>> = {
        let mut core = shard.core.borrow_mut();
        let keys: Vec<Box<[u8]>> = core
            .ks
            .db_ref(0)
            .slot_table(slot)
            .map(|t| t.iter().map(|e| Box::from(e.key.as_bytes())).collect())
            .unwrap_or_default();
        let e = core.export_mut(&job.name).ok_or("the migration was stopped")?;
        e.current = Some(slot);
        e.pending = keys.iter().cloned().collect();
        keys
    };
    for key in keys {
        flush_log_into(shard, job, out)?;
        send_key(shard, job, &key, link, out).await?;
        let mut core = shard.core.borrow_mut();
        let e = core.export_mut(&job.name).ok_or("the migration was stopped")?;
        e.pending.remove(&key);
    }
    let mut core = shard.core.borrow_mut();
    let e = core.export_mut(&job.name).ok_or("the migration was stopped")?;
    e.done.insert(slot);
    e.current = None;
    e.pending = Default::default();
    Ok(())
}

/// Moves the log into the batch (sent with the next key's commands).
fn flush_log_into(shard: &Rc<Shard>, job: &Job, out: &mut Batch) -> Result<(), String> {
    let mut core = shard.core.borrow_mut();
    let e = core.export_mut(&job.name).ok_or("the migration was stopped")?;
    if let Some(why) = &e.failed {
        return Err(why.clone());
    }
    out.buf.append(&mut e.log);
    out.count += std::mem::take(&mut e.log_commands);
    Ok(())
}

/// Sends `key` whole (DEL, then its value in steps), writes to it waiting
/// meanwhile.
async fn send_key(
    shard: &Rc<Shard>,
    job: &Job,
    key: &[u8],
    link: &mut Target,
    out: &mut Batch,
) -> Result<(), String> {
    let keys = [key.to_vec()];
    shard.wait_keys_landed(0, &keys).await;
    shard.core.borrow_mut().in_flight.mark(0, std::iter::once(key));
    let sent = async {
        out.push(&[b"DEL", key]);
        let mut pos = 0;
        loop {
            let step = {
                let mut core = shard.core.borrow_mut();
                let now_ms = unix_ms();
                match core.ks.db(0).get(key, now_ms) {
                    // Gone (expired): the DEL says it all.
                    None => Step::Done,
                    Some(e) => {
                        let (value, expire) = (&e.value, e.expire_at_ms());
                        let mut emit = |args: &[&[u8]]| out.push(args);
                        export_step(key, value, expire, pos, STEP_BYTES, &mut emit)
                    }
                }
            };
            if out.buf.len() >= BATCH_BYTES {
                out.send(job, link).await?;
            }
            match step {
                Step::At(p) => {
                    pos = p;
                    crate::shard::yield_to_io().await;
                }
                Step::Done => break,
            }
        }
        job.ctl.keys_sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    .await;
    shard.release_in_flight(0, std::iter::once(key));
    sent
}

/// CLUSTER CANCELSLOTMIGRATIONS: stops every running export job (its
/// parts see their state gone at their next step; the target drops what it
/// imported when the links close).
pub async fn cancel(conn: &Conn, proto: Protocol, out: &mut Vec<u8>) {
    let jobs: Vec<Arc<str>> = conn
        .shard
        .on_shard(0, |s: &Shard| {
            let cluster = s.cluster.borrow();
            let Some(node) = cluster.as_ref() else { return Vec::new() };
            let running = node.exports.iter().filter(|(_, j)| j.ctl.running());
            running
                .map(|(name, j)| {
                    j.ctl.cancelled.store(true, Ordering::Relaxed);
                    Arc::from(name.as_str())
                })
                .collect()
        })
        .await;
    conn.shard
        .on_all_shards(move |s: &Shard| {
            s.core.borrow_mut().exports.retain(|e| !jobs.contains(&e.job));
        })
        .await;
    Reply::new(out, proto).ok();
}

/// The export entries of CLUSTER GETSLOTMIGRATIONS.
pub fn describe(exports: &Exports, me: &NodeId, out: &mut Reply<'_>) {
    for (name, j) in exports {
        let (state, message) = j.ctl.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        out.map(11);
        out.bulk(b"name");
        out.bulk(name.as_bytes());
        out.bulk(b"operation");
        out.bulk(b"EXPORT");
        out.bulk(b"slot_ranges");
        out.bulk(crate::cluster::import::ranges_text(&j.slots).as_bytes());
        out.bulk(b"source_node");
        out.bulk(id_str(me).as_bytes());
        out.bulk(b"target_node");
        out.bulk(id_str(&j.target).as_bytes());
        out.bulk(b"create_time");
        out.int(j.created_ms as i64);
        out.bulk(b"last_update_time");
        out.int(j.ctl.updated_ms.load(Ordering::Relaxed) as i64);
        out.bulk(b"state");
        out.bulk(state.as_bytes());
        out.bulk(b"message");
        out.bulk(message.as_bytes());
        out.bulk(b"keys_sent");
        out.int(j.ctl.keys_sent.load(Ordering::Relaxed) as i64);
        out.bulk(b"bytes_sent");
        out.int(j.ctl.bytes_sent.load(Ordering::Relaxed) as i64);
    }
}
