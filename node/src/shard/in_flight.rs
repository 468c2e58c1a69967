//! Keys a MIGRATE on this shard is moving, and the work that waits for them.
//!
//! While a key is in flight (sent to the target, its fate not yet known) it
//! stays readable here, but a command that would write it is parked: queued
//! here as a closure and run again, in arrival order, once the MIGRATE knows
//! which keys the target took (those are deleted first). So a write can never
//! be lost by being applied to a copy that is about to be dropped, and a key is
//! never in two places as far as clients can tell.
//!
//! Invariants: a key is marked by at most one MIGRATE at a time (a MIGRATE
//! waits for its keys like any write); parked work runs only after a release.

use std::collections::VecDeque;
use std::rc::Rc;

use engine::command::{flags, Args, CommandSpec};
use hashbrown::{HashMap, HashSet};

use super::Shard;

/// Work parked until keys in flight are released; it runs on this shard.
pub type Parked = Box<dyn FnOnce(&Rc<Shard>)>;

/// The keys in flight on one shard and the work parked behind them.
#[derive(Default)]
pub struct InFlight {
    /// Per database, the keys in flight; a database is listed only while it
    /// has some.
    keys: HashMap<u16, HashSet<Box<[u8]>>>,
    parked: VecDeque<Parked>,
}

impl InFlight {
    /// True when no key is in flight (the hot path checks only this).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of keys in flight.
    pub fn len(&self) -> usize {
        self.keys.values().map(HashSet::len).sum()
    }

    /// Whether `key` of database `db` is in flight.
    pub fn holds(&self, db: usize, key: &[u8]) -> bool {
        self.keys.get(&(db as u16)).is_some_and(|set| set.contains(key))
    }

    /// Whether the command must wait: it may write, and one of its keys is in
    /// flight.
    pub fn blocks(&self, spec: &CommandSpec, db: usize, args: &Args<'_>) -> bool {
        (spec.has(flags::WRITE) || spec.has(flags::MAY_REPLICATE))
            && spec.key_positions(args).any(|p| self.holds(db, args.get(p)))
    }

    /// Marks `keys` of `db` in flight. None of them may be in flight already.
    pub fn mark<'k>(&mut self, db: usize, keys: impl Iterator<Item = &'k [u8]>) {
        let set = self.keys.entry(db as u16).or_default();
        for k in keys {
            let fresh = set.insert(Box::from(k));
            assert!(fresh, "a key is in flight for two migrations");
        }
        if set.is_empty() {
            self.keys.remove(&(db as u16));
        }
    }

    /// Unmarks `keys` of `db`; the caller then runs [`Self::take_parked`].
    pub fn unmark<'k>(&mut self, db: usize, keys: impl Iterator<Item = &'k [u8]>) {
        if let Some(set) = self.keys.get_mut(&(db as u16)) {
            for k in keys {
                set.remove(k);
            }
            if set.is_empty() {
                self.keys.remove(&(db as u16));
            }
        }
    }

    /// Parks `work` until the next release.
    pub fn park(&mut self, work: Parked) {
        self.parked.push_back(work);
    }

    /// The parked work, in arrival order, to run now that keys were released
    /// (work whose keys are still in flight parks itself again).
    pub fn take_parked(&mut self) -> VecDeque<Parked> {
        std::mem::take(&mut self.parked)
    }
}

impl Shard {
    /// Unmarks keys in flight and runs the work that waited for them.
    pub fn release_in_flight<'k>(self: &Rc<Self>, db: usize, keys: impl Iterator<Item = &'k [u8]>) {
        let parked = {
            let mut core = self.core.borrow_mut();
            core.in_flight.unmark(db, keys);
            core.in_flight.take_parked()
        };
        for work in parked {
            work(self);
        }
    }

    /// Resolves once none of `keys` of `db` is in flight (at once if none is).
    pub async fn wait_keys_landed(self: &Rc<Self>, db: usize, keys: &[Vec<u8>]) {
        loop {
            let rx = {
                let mut core = self.core.borrow_mut();
                if !keys.iter().any(|k| core.in_flight.holds(db, k)) {
                    return;
                }
                let (tx, rx) = futures_channel::oneshot::channel::<()>();
                core.in_flight.park(Box::new(move |_| {
                    let _ = tx.send(());
                }));
                rx
            };
            let _ = rx.await;
        }
    }
}
