//! A connection blocked in BLPOP, BLMOVE, BZPOPMIN ...: registering it on the
//! shards of its keys, and waiting for whichever comes first of a wake from a
//! shard, the deadline, CLIENT UNBLOCK, or the client going away.
//!
//! The command's table entry ran first and found nothing to serve (see
//! `engine::command::blocking`). The connection registers a waiter on each
//! shard owning one of its keys, in the order of the keys; each shard serves
//! it at once if a key became ready since, or queues it (`shard::waiters`).
//! While blocked, the connection keeps reading: bytes are kept for later
//! (Redis does not run a blocked client's commands), end of stream or a kill
//! ends the wait. A move whose destination is on another shard is woken with
//! `Retry` and run again through the cross-shard path; if that finds the
//! source emptied meanwhile, the client blocks again (at the back of the
//! queue).

use std::sync::Arc;
use std::time::Duration;

use engine::command::blocking::{is_null_reply, reply_timeout};
use engine::command::{CommandSpec, OwnedCmd};
use engine::resp::{Protocol, Reply};
use engine::slot::key_slot;
use futures_lite::future;
use futures_lite::AsyncReadExt;
use glommio::net::TcpStream;

use super::{cross_shard, Conn, ReadBuf};
use crate::shard::waiters::{WaitState, Waiter, Wake};
use crate::shard::{unix_ms, Shard};

/// A blocking command that found nothing to serve: what its client waits with.
pub struct Blocked {
    pub spec: &'static CommandSpec,
    pub cmd: Arc<OwnedCmd>,
    pub db: usize,
    pub proto: Protocol,
    /// Unix ms; None waits forever.
    pub deadline_ms: Option<u64>,
}

/// How a wait ended.
pub enum Ended {
    /// The command's reply.
    Reply(Vec<u8>),
    /// The client went away, was killed, or broke its query buffer limit.
    Closed,
}

/// The keys a blocked command waits on, grouped by the shard owning them.
struct Plan {
    /// (shard, its keys in argument order), shards in the order of their
    /// first key.
    groups: Vec<(usize, Vec<Vec<u8>>)>,
    /// Shard of a move's destination.
    destination: Option<usize>,
}

impl Plan {
    fn new(shard: &Shard, b: &Blocked) -> Plan {
        let ops = b.spec.blocking.expect("a blocked command is a blocking command");
        let args = b.cmd.args();
        let core = shard.core.borrow();
        let owner = |p: usize| core.shard_of(key_slot(args.get(p)));
        let mut groups: Vec<(usize, Vec<Vec<u8>>)> = Vec::new();
        for p in ops.watched(b.spec, &args) {
            let s = owner(p);
            let key = args.get(p).to_vec();
            match groups.iter_mut().find(|(g, _)| *g == s) {
                Some((_, keys)) => keys.push(key),
                None => groups.push((s, vec![key])),
            }
        }
        Plan { groups, destination: ops.destination(b.spec, &args).map(owner) }
    }
}

/// What woke the wait loop.
enum Event {
    Woken(Option<Wake>),
    Deadline,
    Read(std::io::Result<usize>),
}

/// Waits until `b` is served or ends otherwise; bytes the client sends
/// meanwhile are appended to `rb`.
pub async fn wait(conn: &mut Conn, b: Blocked, stream: &mut TcpStream, rb: &mut ReadBuf) -> Ended {
    loop {
        // Planned each round: the keys' slots may have moved between shards.
        let args = b.cmd.args();
        let ops = b.spec.blocking.expect("a blocking command");
        let positions =
            ops.watched(b.spec, &args).into_iter().chain(ops.destination(b.spec, &args));
        let keys: Vec<&[u8]> = positions.map(|p| args.get(p)).collect();
        conn.shard.until_keys_routable(keys.iter().copied()).await;
        let plan = Plan::new(&conn.shard, &b);
        let (state, mut rx) = WaitState::new();
        {
            let mut c = conn.client.borrow_mut();
            c.blocked = Some(state.clone());
            c.blocked_timeout = b.deadline_ms.is_some();
        }
        register(conn, &b, &plan, &state).await;
        let wake = loop {
            let remaining =
                b.deadline_ms.map(|d| Duration::from_millis(d.saturating_sub(unix_ms())));
            let woken = async { Event::Woken((&mut rx).await.ok()) };
            let deadline = async {
                match remaining {
                    Some(d) => glommio::timer::sleep(d).await,
                    None => future::pending::<()>().await,
                }
                Event::Deadline
            };
            let read = async {
                rb.make_room();
                Event::Read(stream.read(rb.spare()).await)
            };
            match future::or(woken, future::or(deadline, read)).await {
                Event::Woken(w) => break w,
                Event::Deadline => {
                    if state.take().is_some() {
                        break None;
                    }
                    // A shard is serving the client: its reply is on the way.
                    break (&mut rx).await.ok();
                }
                Event::Read(Ok(n)) if n > 0 && conn.note_read(n, 0, rb) => {}
                Event::Read(_) => {
                    state.take();
                    unregister(conn, &b, &plan, &state);
                    conn.client.borrow_mut().blocked = None;
                    return Ended::Closed;
                }
            }
        };
        unregister(conn, &b, &plan, &state);
        conn.client.borrow_mut().blocked = None;
        let mut out = Vec::new();
        match wake {
            Some(Wake::Reply(reply)) => return Ended::Reply(reply),
            Some(Wake::Retry) => {
                let args = b.cmd.args();
                cross_shard::run(&conn.shard, b.spec, b.db, b.proto, &args, &mut out).await;
                if !is_null_reply(&out) {
                    return Ended::Reply(out);
                }
            }
            Some(Wake::Unblock { error: true }) => {
                Reply::new(&mut out, b.proto)
                    .error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
                return Ended::Reply(out);
            }
            // The deadline, CLIENT UNBLOCK TIMEOUT, or a shard gone (shutdown).
            Some(Wake::Unblock { error: false }) | None => {
                reply_timeout(&mut Reply::new(&mut out, b.proto));
                return Ended::Reply(out);
            }
        }
    }
}

/// Registers the client on every shard of its keys, in key order.
async fn register(conn: &Conn, b: &Blocked, plan: &Plan, state: &Arc<WaitState>) {
    for (peer, keys) in &plan.groups {
        let w = Waiter {
            state: state.clone(),
            spec: b.spec,
            cmd: b.cmd.clone(),
            db: b.db,
            proto: b.proto,
            serve_here: plan.destination.is_none_or(|d| d == *peer),
            keys: keys.clone(),
        };
        conn.shard.on_shard(*peer, move |s: &Shard| s.core.borrow_mut().block(w)).await;
    }
}

/// Removes the client's registrations (no need to wait: messages to a shard
/// arrive in order, so a later registration lands after).
fn unregister(conn: &Conn, b: &Blocked, plan: &Plan, state: &Arc<WaitState>) {
    for (peer, keys) in &plan.groups {
        let (state, keys, db) = (state.clone(), keys.clone(), b.db);
        drop(
            conn.shard
                .on_shard(*peer, move |s: &Shard| s.core.borrow_mut().unblock(&state, db, &keys)),
        );
    }
}
