//! Clients blocked on keys of this shard (BLPOP, BLMOVE, BZPOPMIN ...): who
//! waits on which key in arrival order, and serving them when a key they wait
//! on is stored.
//!
//! A blocked client's connection lives on one shard; its keys may live on
//! several. It is registered as a [`Waiter`] on every shard owning one of its
//! keys, all sharing one [`WaitState`]: whoever takes the state first (a shard
//! serving it, its deadline, its disconnection, CLIENT UNBLOCK) decides its
//! fate and sends the one [`Wake`]; the others find it taken and drop it.
//!
//! Invariants:
//! - a key of database d has a queue here iff `Db::watch` watches it in d;
//! - a waiter's state is taken only once its key was checked to hold what it
//!   waits for, so a shard that takes it always serves it (a key of another
//!   type leaves the client waiting, as in Redis 7.0);
//! - ready keys are served right after the command that stored them, before
//!   the next command runs on this shard, as Redis serves them after each
//!   command; serving may store other watched keys (BLMOVE's destination),
//!   which are served in turn.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use engine::command::{CommandSpec, OwnedCmd};
use engine::resp::Protocol;
use engine::slot::{key_slot, SlotSet};
use futures_channel::oneshot;

use super::{ticks, Core};

/// What ends a client's wait.
pub enum Wake {
    /// The reply of the command, served from a key that became ready.
    Reply(Vec<u8>),
    /// The source of a move became ready, but its destination lives on
    /// another shard: the connection runs the command again itself.
    Retry,
    /// CLIENT UNBLOCK: reply as a timeout, or with an UNBLOCKED error.
    Unblock {
        /// Reply `-UNBLOCKED` (CLIENT UNBLOCK ... ERROR).
        error: bool,
    },
}

/// The state a blocked client's registrations share.
pub struct WaitState {
    tx: Mutex<Option<oneshot::Sender<Wake>>>,
}

impl WaitState {
    /// A fresh state and the receiver its [`Wake`] arrives on.
    pub fn new() -> (Arc<WaitState>, oneshot::Receiver<Wake>) {
        let (tx, rx) = oneshot::channel();
        (Arc::new(WaitState { tx: Mutex::new(Some(tx)) }), rx)
    }

    /// Takes the right to wake the client: `Some` exactly once.
    pub fn take(&self) -> Option<oneshot::Sender<Wake>> {
        self.tx.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Whether someone already took it.
    pub fn is_taken(&self) -> bool {
        self.tx.lock().unwrap_or_else(|e| e.into_inner()).is_none()
    }
}

/// A blocked client as one shard holding some of its keys sees it.
pub struct Waiter {
    /// Shared with the client's other registrations.
    pub state: Arc<WaitState>,
    /// The blocking command.
    pub spec: &'static CommandSpec,
    /// Its arguments.
    pub cmd: Arc<OwnedCmd>,
    /// The client's database and protocol.
    pub db: usize,
    pub proto: Protocol,
    /// Serve it here; false for a move whose destination is on another
    /// shard (woken with [`Wake::Retry`], as are waiters whose keys' slot
    /// moves to another shard).
    pub serve_here: bool,
    /// Its keys on this shard, in argument order.
    pub keys: Vec<Vec<u8>>,
}

/// Waiters per database and key, in arrival order.
#[derive(Default)]
pub struct Waiters {
    queues: Vec<ahash::HashMap<Vec<u8>, VecDeque<Rc<Waiter>>>>,
    /// Waiters registered (a waiter on several keys counts once).
    count: usize,
}

impl Waiters {
    /// Whether no client waits on a key of this shard.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn front(&self, db: usize, key: &[u8]) -> Option<Rc<Waiter>> {
        self.queues.get(db)?.get(key)?.front().cloned()
    }
}

impl Core {
    /// Serves `w` at once from the first of its keys that holds what it waits
    /// for, or queues it on all of them. Nothing happens when its state was
    /// taken meanwhile (served by another shard, timed out, gone).
    pub fn block(&mut self, w: Waiter) {
        if w.state.is_taken() {
            return;
        }
        if w.keys.iter().any(|k| !self.owned.contains(key_slot(k))) {
            // Its keys' slot moved to another shard after it was planned:
            // the connection plans again.
            if let Some(tx) = w.state.take() {
                let _ = tx.send(Wake::Retry);
            }
            return;
        }
        if let Some(key) = w.keys.iter().find(|k| self.is_ready(&w, k)) {
            let key = key.clone();
            return self.serve(&w, &key);
        }
        let db = w.db;
        let w = Rc::new(w);
        if self.waiters.queues.len() <= db {
            self.waiters.queues.resize_with(db + 1, Default::default);
        }
        for key in &w.keys {
            self.ks.db(db).watch(key);
            self.waiters.queues[db].entry(key.clone()).or_default().push_back(w.clone());
        }
        self.waiters.count += 1;
    }

    /// Removes the waiter sharing `state` from `keys` of database `db`.
    pub fn unblock(&mut self, state: &Arc<WaitState>, db: usize, keys: &[Vec<u8>]) {
        let mut removed = false;
        for key in keys {
            let Some(q) = self.waiters.queues.get_mut(db).and_then(|m| m.get_mut(key.as_slice()))
            else {
                continue;
            };
            let before = q.len();
            q.retain(|w| !Arc::ptr_eq(&w.state, state));
            removed |= q.len() != before;
            if q.is_empty() {
                self.waiters.queues[db].remove(key.as_slice());
                self.ks.db(db).unwatch(key);
            }
        }
        self.waiters.count -= removed as usize;
    }

    /// Wakes with [`Wake::Retry`] the clients waiting on keys of `slots`,
    /// which are being handed to another shard: their connections run the
    /// command again and register with the new owner.
    pub fn retry_waiters_in(&mut self, slots: &SlotSet) {
        let mut moving: Vec<(usize, Rc<Waiter>)> = Vec::new();
        for (db, queues) in self.waiters.queues.iter().enumerate() {
            for (key, q) in queues {
                if slots.contains(key_slot(key)) {
                    moving.extend(q.iter().map(|w| (db, w.clone())));
                }
            }
        }
        for (db, w) in moving {
            self.unblock(&w.state, db, &w.keys);
            if let Some(tx) = w.state.take() {
                let _ = tx.send(Wake::Retry);
            }
        }
    }

    /// Serves the waiters of every watched key stored since the last call,
    /// until no key is left ready. Called after each command.
    pub fn serve_ready(&mut self) {
        loop {
            let mut ready = Vec::new();
            for db in 0..self.waiters.queues.len() {
                if self.ks.db_ref(db).has_watched() {
                    ready.extend(self.ks.db(db).take_ready().into_iter().map(|k| (db, k)));
                }
            }
            if ready.is_empty() {
                return;
            }
            for (db, key) in ready {
                self.serve_key(db, &key);
            }
        }
    }

    /// Serves the waiters of `key` in arrival order while it holds what the
    /// first one waits for.
    fn serve_key(&mut self, db: usize, key: &[u8]) {
        while let Some(w) = self.waiters.front(db, key) {
            if w.state.is_taken() {
                self.unblock(&w.state, db, &w.keys);
                continue;
            }
            if !self.is_ready(&w, key) {
                return;
            }
            self.unblock(&w.state, db, &w.keys);
            self.serve(&w, key);
        }
    }

    /// Whether `key` holds what `w` waits for.
    fn is_ready(&mut self, w: &Waiter, key: &[u8]) -> bool {
        let ops = w.spec.blocking.expect("a waiter runs a blocking command");
        let now_ms = self.clock.unix_ms(ticks());
        self.ks.db_ref(w.db).peek(key, now_ms).is_some_and(|e| ops.ready(e))
    }

    /// Wakes `w` with the command served from `key` (which is ready), unless
    /// someone else took its state first.
    fn serve(&mut self, w: &Waiter, key: &[u8]) {
        let Some(tx) = w.state.take() else { return };
        let wake = if w.serve_here {
            let ops = w.spec.blocking.expect("a waiter runs a blocking command");
            let mut out = Vec::new();
            self.with_ctx(w.db, w.proto, &mut out, |ctx| (ops.serve)(ctx, &w.cmd.args(), key));
            if !self.exports.is_empty() {
                self.capture_changed(w.db, key);
                let args = w.cmd.args();
                if let Some(p) = ops.destination(w.spec, &args) {
                    self.capture_changed(w.db, args.get(p));
                }
            }
            Wake::Reply(out)
        } else {
            Wake::Retry
        };
        // The client may be gone; then its wake goes nowhere.
        let _ = tx.send(wake);
    }
}
