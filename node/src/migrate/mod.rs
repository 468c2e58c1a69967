//! MIGRATE, as Redis 7.0 answers it, without ever blocking a shard.
//!
//! Redis serializes the keys, writes them and waits for the target's replies
//! with blocking socket calls, so the whole server stops meanwhile. Here the
//! shard owning the keys (each shard its own keys, when they span shards)
//! runs the migration as a task: the keys are marked in flight (still
//! readable; writes to them park, see `shard::in_flight`), the RESTORE
//! commands go out pipelined on a cached connection, and every other command
//! keeps running. A key is deleted only once the target acknowledged it.
//!
//! Timeouts: as in Redis, each step (connect, write, each reply) has the
//! command's timeout, and a late step answers the client `IOERR`. Unlike
//! Redis, the keys stay in flight after that until their fate is known: the
//! task keeps reading the target's replies (up to [`FATE_WAIT`]) and deletes
//! the keys the target took, so a slow RESTORE never leaves a key in two
//! places. Only a connection that breaks without an answer leaves the keys
//! here (the target may have taken them; Redis's behaviour in every case).

pub mod slots;
mod target;

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use engine::cmd::migrate::{
    write_command, write_restore, write_restore_head, write_restore_tail, Migrate,
};
use engine::command::Args;
use engine::rdb::{dump_step, DumpState};
use engine::resp::Reply;
use engine::slot::key_slot;

use crate::conn::Conn;
use crate::shard::{unix_ms, Shard};
use target::{ConnectError, IoError, Target};

const IOERR_WRITING: &str = "IOERR error or timeout writing to target instance";
const IOERR_READING: &str = "IOERR error or timeout reading to target instance";

/// How long a migration whose client already got a timeout keeps waiting
/// for the target's answers before giving the keys up as staying here.
const FATE_WAIT: Duration = Duration::from_secs(60);

/// What one shard's part of a MIGRATE ended with.
#[derive(Debug)]
enum Outcome {
    /// Every key was taken.
    Ok,
    /// None of the keys exist here.
    NoKey,
    /// The reply is this error.
    Err(String),
}

/// The parts of a MIGRATE every shard needs (owned, sendable).
#[derive(Clone)]
struct Job {
    host: Vec<u8>,
    port: Vec<u8>,
    /// The client's database (where the keys are).
    db: usize,
    /// The target's database.
    dest_db: i64,
    timeout: Duration,
    copy: bool,
    replace: bool,
    auth: Option<(Option<Vec<u8>>, Vec<u8>)>,
    /// RESTORE-ASKING rather than RESTORE (cluster mode).
    asking: bool,
}

/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
/// [AUTH password | AUTH2 username password] [KEYS key ...].
pub async fn migrate(conn: &mut Conn, args: &Args<'_>, out: &mut Vec<u8>) {
    let (proto, db) = {
        let c = conn.client.borrow();
        (c.proto, c.db)
    };
    let m = match Migrate::parse(args) {
        Ok(m) => m,
        Err(e) => return Reply::new(out, proto).error(e),
    };
    let job = Job {
        host: m.host.to_vec(),
        port: m.port.to_vec(),
        db,
        dest_db: m.db,
        timeout: Duration::from_millis(m.timeout_ms as u64),
        copy: m.copy,
        replace: m.replace,
        auth: m.auth.map(|(u, p)| (u.map(<[u8]>::to_vec), p.to_vec())),
        asking: conn.shard.core.borrow().cfg.cluster.enabled,
    };
    conn.shard.until_keys_routable(m.keys.iter().map(|&p| args.get(p))).await;
    let mut by_shard: BTreeMap<usize, Vec<Vec<u8>>> = BTreeMap::new();
    {
        let core = conn.shard.core.borrow();
        for &p in &m.keys {
            let key = args.get(p);
            by_shard.entry(core.shard_of(key_slot(key))).or_default().push(key.to_vec());
        }
    }
    let mut waits = Vec::with_capacity(by_shard.len());
    for (peer, keys) in by_shard {
        let job = job.clone();
        waits.push(conn.shard.on_shard_rc(peer, move |s: &Rc<Shard>| {
            let (tx, rx) = futures_channel::oneshot::channel();
            let shard = s.clone();
            glommio::spawn_local(async move { run(shard, job, keys, tx).await }).detach();
            rx
        }));
    }
    let mut outcome = Outcome::NoKey;
    for w in waits {
        let part = w.await.await.unwrap_or(Outcome::Err("ERR shard unavailable".into()));
        outcome = match (outcome, part) {
            (Outcome::Err(e), _) | (_, Outcome::Err(e)) => Outcome::Err(e),
            (Outcome::Ok, _) | (_, Outcome::Ok) => Outcome::Ok,
            _ => Outcome::NoKey,
        };
    }
    let mut r = Reply::new(out, proto);
    match outcome {
        Outcome::Ok => r.ok(),
        Outcome::NoKey => r.simple("NOKEY"),
        Outcome::Err(e) => r.error(&e),
    }
}

/// Moves this shard's `keys` for `job`, answering `reply` as soon as the
/// client's answer is known (the task may go on to learn the keys' fate).
async fn run(
    shard: Rc<Shard>,
    job: Job,
    keys: Vec<Vec<u8>>,
    reply: futures_channel::oneshot::Sender<Outcome>,
) {
    // A MIGRATE writes its keys: it waits for another one moving them.
    shard.wait_keys_landed(job.db, &keys).await;
    let present: Vec<Vec<u8>> = {
        let mut core = shard.core.borrow_mut();
        let now_ms = unix_ms();
        let db = core.ks.db(job.db);
        let mut present: Vec<Vec<u8>> = Vec::new();
        for k in keys {
            if db.get(&k, now_ms).is_some() {
                present.push(k);
            }
        }
        let mut marked: Vec<&[u8]> = present.iter().map(Vec::as_slice).collect();
        marked.sort_unstable();
        marked.dedup();
        core.in_flight.mark(job.db, marked.into_iter());
        present
    };
    if present.is_empty() {
        let _ = reply.send(Outcome::NoKey);
        return;
    }
    let mut reply = Some(reply);
    let taken = transfer(&shard, &job, &present, &mut reply).await;
    {
        let mut core = shard.core.borrow_mut();
        for k in &taken {
            core.ks.unlink(job.db, k);
        }
    }
    let mut unique: Vec<&[u8]> = present.iter().map(Vec::as_slice).collect();
    unique.sort_unstable();
    unique.dedup();
    shard.release_in_flight(job.db, unique.into_iter());
}

/// The client's answer, sent once (later attempts are ignored).
type Answer = Option<futures_channel::oneshot::Sender<Outcome>>;

fn answer(reply: &mut Answer, outcome: Outcome) {
    if let Some(tx) = reply.take() {
        let _ = tx.send(outcome);
    }
}

/// What the target answered to one request.
#[derive(Default)]
struct Replies {
    /// Keys it acknowledged, in order.
    taken: Vec<Vec<u8>>,
    /// The first error line it sent (AUTH's, SELECT's, then RESTORE's).
    error: Option<Vec<u8>>,
    /// How reading failed, if it did: the step and the error.
    failed: Option<IoError>,
    /// Whether the client was answered a timeout while reading went on.
    timed_out: bool,
}

/// Sends `keys` (in flight) to the target and reads its answers, retrying
/// once on a connection that broke before any RESTORE was answered, as Redis
/// does. Answers the client through `reply` and returns the keys the target
/// took (to delete, unless COPY).
async fn transfer(
    shard: &Rc<Shard>,
    job: &Job,
    keys: &[Vec<u8>],
    reply: &mut Answer,
) -> Vec<Vec<u8>> {
    let restores = build_restores(shard, job, keys).await;
    let mut may_retry = true;
    loop {
        let mut t = match target::take(&job.host, &job.port, job.timeout).await {
            Ok(t) => t,
            Err(ConnectError::Refused) if may_retry => {
                may_retry = false;
                continue;
            }
            Err(ConnectError::Refused) => {
                answer(reply, Outcome::Err(IOERR_WRITING.into()));
                return Vec::new();
            }
            Err(ConnectError::Failed) => {
                answer(
                    reply,
                    Outcome::Err("IOERR error or timeout connecting to the client".into()),
                );
                return Vec::new();
            }
        };
        let select = t.last_db != Some(job.dest_db);
        let head = build_heads(job, select);
        let mut written = t.write_all(&head, job.timeout).await;
        for segment in &restores.segments {
            if written.is_ok() {
                written = t.write_all(segment, job.timeout).await;
            }
        }
        if let Err(e) = written {
            if may_retry && e == IoError::Broken {
                may_retry = false;
                continue;
            }
            answer(reply, Outcome::Err(IOERR_WRITING.into()));
            return Vec::new();
        }
        let heads = job.auth.is_some() as usize + select as usize;
        let r = read_replies(&mut t, job, heads, &restores.keys, reply).await;
        if r.failed == Some(IoError::Broken) && r.taken.is_empty() && r.error.is_none() && may_retry
        {
            may_retry = false;
            continue;
        }
        match (&r.error, r.failed) {
            (Some(e), _) => {
                let msg = String::from_utf8_lossy(&e[1..]).into_owned();
                answer(
                    reply,
                    Outcome::Err(format!("ERR Target instance replied with error: {msg}")),
                );
            }
            (None, Some(_)) => answer(reply, Outcome::Err(IOERR_READING.into())),
            (None, None) => answer(reply, Outcome::Ok),
        }
        if r.failed.is_none() && !r.timed_out {
            // In step with the target: keep it for the next MIGRATE.
            t.last_db = if r.error.is_some() { None } else { Some(job.dest_db) };
            target::put_back(&job.host, &job.port, t);
        }
        return if job.copy { Vec::new() } else { r.taken };
    }
}

/// Reads the replies to `heads` AUTH/SELECT commands and to the RESTOREs of
/// `sent`. A reply later than the timeout answers the client `IOERR` at once
/// (as Redis), but reading goes on for up to [`FATE_WAIT`] so that keys the
/// target took are known.
async fn read_replies(
    t: &mut Target,
    job: &Job,
    heads: usize,
    sent: &[Vec<u8>],
    reply: &mut Answer,
) -> Replies {
    let mut r = Replies::default();
    let mut head_error = None;
    for i in 0..heads + sent.len() {
        let wait = if r.timed_out { FATE_WAIT } else { job.timeout };
        let line = match t.read_line(wait).await {
            Ok(line) => line,
            Err(IoError::TimedOut) if !r.timed_out => {
                answer(reply, Outcome::Err(IOERR_READING.into()));
                r.timed_out = true;
                match t.read_line(FATE_WAIT).await {
                    Ok(line) => line,
                    Err(e) => {
                        r.failed = Some(e);
                        break;
                    }
                }
            }
            Err(e) => {
                r.failed = Some(e);
                break;
            }
        };
        let is_error = line.first() == Some(&b'-');
        if i < heads {
            if is_error && head_error.is_none() {
                head_error = Some(line);
            }
            continue;
        }
        match head_error.clone().or(is_error.then_some(line)) {
            Some(e) => {
                r.error.get_or_insert(e);
            }
            None => r.taken.push(sent[i - heads].clone()),
        }
    }
    r
}

/// AUTH, and SELECT when the connection may be on another database.
fn build_heads(job: &Job, select: bool) -> Vec<u8> {
    let mut req = Vec::new();
    if let Some((user, pass)) = &job.auth {
        let mut parts: Vec<&[u8]> = vec![b"AUTH"];
        parts.extend(user.as_deref());
        parts.push(pass);
        write_command(&mut req, parts.into_iter());
    }
    if select {
        let db = job.dest_db.to_string();
        write_command(&mut req, [&b"SELECT"[..], db.as_bytes()].into_iter());
    }
    req
}

/// The RESTOREs of a MIGRATE, written once for all attempts.
struct Restores {
    /// The bytes to send, in order: small RESTOREs share a segment, a big
    /// payload is a segment of its own (never copied once written).
    segments: Vec<Vec<u8>>,
    /// The keys restored, in order.
    keys: Vec<Vec<u8>>,
}

/// Values freeing more allocations than this are serialized in steps of
/// [`STEP_BYTES`], the shard serving others between two steps.
const BIG_VALUE_EFFORT: usize = 1024;
const STEP_BYTES: usize = 64 * 1024;
/// Payloads above this go out from their own buffers.
const OWN_SEGMENT_BYTES: usize = 64 * 1024;
/// Bytes of a payload per buffer.
const CHUNK_BYTES: usize = 1024 * 1024;

/// One RESTORE per key still alive (an expired one is skipped, as Redis
/// does). The keys are in flight: no command writes them meanwhile, so a
/// value serialized in steps stays the same from one step to the next.
async fn build_restores(shard: &Rc<Shard>, job: &Job, keys: &[Vec<u8>]) -> Restores {
    let mut r = Restores { segments: vec![Vec::new()], keys: Vec::with_capacity(keys.len()) };
    let now_ms = unix_ms();
    for k in keys {
        let (ttl_ms, big) = {
            let mut core = shard.core.borrow_mut();
            // In flight, so present unless it expired.
            let Some(e) = core.ks.db(job.db).peek(k, now_ms) else { continue };
            let ttl_ms = e.expire_at_ms().map_or(0, |at| (at as i64 - now_ms as i64).max(1));
            (ttl_ms, e.value.free_effort() > BIG_VALUE_EFFORT)
        };
        // The payload, in chunks of about CHUNK_BYTES: one growing buffer
        // would be copied and page-faulted whole at each doubling.
        let mut chunks = vec![Vec::new()];
        let mut st = DumpState::new(&[]);
        let budget = if big { STEP_BYTES } else { usize::MAX };
        let complete = loop {
            let done = {
                let mut core = shard.core.borrow_mut();
                let out = chunks.last_mut().expect("one chunk at least");
                match core.ks.db(job.db).peek(k, now_ms) {
                    Some(e) => dump_step(&e.value, &mut st, budget, out),
                    None => break false,
                }
            };
            if done {
                break true;
            }
            if chunks.last().is_some_and(|c| c.len() >= CHUNK_BYTES) {
                chunks.push(Vec::with_capacity(CHUNK_BYTES + STEP_BYTES));
                st.continue_in(&[]);
            }
            crate::shard::yield_to_io().await;
        };
        if !complete {
            continue;
        }
        let len: usize = chunks.iter().map(Vec::len).sum();
        let seg = r.segments.last_mut().expect("one segment at least");
        if len > OWN_SEGMENT_BYTES {
            write_restore_head(seg, job.asking, k, ttl_ms, len, job.replace);
            r.segments.extend(chunks);
            let mut tail = Vec::new();
            write_restore_tail(&mut tail, job.replace);
            r.segments.push(tail);
        } else {
            // Chunks split at CHUNK_BYTES: a payload this small is one.
            debug_assert_eq!(chunks.len(), 1);
            write_restore(seg, job.asking, k, ttl_ms, &chunks[0], job.replace);
        }
        r.keys.push(k.clone());
    }
    r
}
