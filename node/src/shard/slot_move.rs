//! Moving slots between the shards of this node: a slot's tables change owner
//! by pointer (nothing is copied), while the commands for it wait and then run
//! on the new owner. Used to spread keys evenly over the shards (`SHARDS`).
//!
//! A move runs in a detached task on shard 0, one at a time, so a client
//! going away cannot stop it halfway:
//! 1. Freeze: every shard marks the slots frozen; a command touching a frozen
//!    slot waits before it is routed ([`Shard::until_routable`]).
//! 2. Drain: every shard sends a barrier to the old owner through its outbox,
//!    behind whatever it queued for it before; once every barrier has run
//!    there, no command routed by the old table is on its way any more.
//! 3. Hand-off, one step on the old owner: once no MIGRATE has keys in flight
//!    there, it takes the slots' tables out of every database, drops the
//!    slots from its owned set, and wakes the clients blocked on their keys
//!    with `Retry` (they register again with the new owner).
//! 4. Install on the new owner: the tables go in as they are.
//! 5. Unfreeze: every shard points the slots at the new owner and wakes the
//!    commands that waited, which route there.
//!
//! Invariants: only shard 0 starts moves, one at a time; between steps 1 and
//! 5 no shard routes a command for the slots; the tables are in exactly one
//! place at every step (a shard, or the message carrying them).

use std::rc::Rc;

use engine::keyspace::SlotTable;
use engine::slot::{Slot, SlotSet};
use futures_channel::oneshot;

use super::{Core, Shard};

/// A slot's table in one database, on its way to another shard.
type Moving = (usize, Slot, SlotTable);

impl Core {
    /// True when some slot is being moved between shards, or handed to
    /// another node (a cheap check).
    #[inline]
    pub fn any_frozen(&self) -> bool {
        self.frozen_count > 0 || self.writes_frozen_count > 0
    }

    /// Whether a command on `slot` must wait: the slot is moving between
    /// shards, or it `writes` and the slot is being handed to another node.
    pub fn holds(&self, slot: Slot, writes: bool) -> bool {
        self.is_frozen(slot)
            || (writes && self.writes_frozen_count > 0 && self.writes_frozen.contains(slot))
    }

    /// Makes writes to `slots` wait (the hand-over of a native migration:
    /// reads go on). Ends with [`Self::unfreeze_writes`].
    pub fn freeze_writes(&mut self, slots: &[Slot]) {
        for &s in slots {
            assert!(!self.writes_frozen.contains(s), "slot {s} is already being handed over");
            self.writes_frozen.insert(s);
            self.writes_frozen_count += 1;
        }
    }

    /// Lets writes to `slots` go again (they are decided anew: MOVED once
    /// the slots left).
    pub fn unfreeze_writes(&mut self, slots: &[Slot]) {
        for &s in slots {
            self.writes_frozen.remove(s);
            self.writes_frozen_count -= 1;
        }
        for tx in self.unfreeze_waiters.drain(..) {
            let _ = tx.send(());
        }
    }

    /// Whether `slot` is being moved between shards.
    pub fn is_frozen(&self, slot: Slot) -> bool {
        self.frozen_count > 0 && self.frozen.contains(slot)
    }

    /// Marks `slots` frozen: commands touching them wait before routing.
    pub fn freeze(&mut self, slots: &[Slot]) {
        for &s in slots {
            assert!(!self.frozen.contains(s), "slot {s} is already being moved");
            self.frozen.insert(s);
            self.frozen_count += 1;
        }
    }

    fn unfreeze(&mut self, slots: &[Slot], owner: usize) {
        for &s in slots {
            self.slot_shard[s as usize] = owner as u16;
        }
        self.unfreeze_in_place(slots);
    }

    /// Ends a freeze without changing the slots' shard, waking the commands
    /// that waited.
    fn unfreeze_in_place(&mut self, slots: &[Slot]) {
        for &s in slots {
            self.frozen.remove(s);
            self.frozen_count -= 1;
        }
        for tx in self.unfreeze_waiters.drain(..) {
            let _ = tx.send(());
        }
    }

    /// Step 3 on the old owner: the slots' tables, or a receiver that fires
    /// when the MIGRATE keys in flight here landed (try again then).
    fn hand_off(
        &mut self,
        slots: &[Slot],
        to: usize,
    ) -> Result<Vec<Moving>, oneshot::Receiver<()>> {
        if !self.in_flight.is_empty() {
            let (tx, rx) = oneshot::channel();
            self.in_flight.park(Box::new(move |_| {
                let _ = tx.send(());
            }));
            return Err(rx);
        }
        let mut tables = Vec::new();
        for db in 0..self.ks.db_count() {
            for &s in slots {
                if let Some(t) = self.ks.db(db).take_slot(s) {
                    tables.push((db, s, t));
                }
            }
        }
        let mut set = SlotSet::from_range(0..0);
        for &s in slots {
            assert!(self.owned.contains(s), "slot {s} handed off by a shard not owning it");
            self.owned.remove(s);
            self.slot_shard[s as usize] = to as u16;
            set.insert(s);
        }
        self.retry_waiters_in(&set);
        Ok(tables)
    }

    /// Step 4 on the new owner.
    fn install(&mut self, tables: Vec<Moving>, slots: &[Slot], me: usize) {
        for (db, s, t) in tables {
            self.ks.db(db).put_slot(s, t);
        }
        for &s in slots {
            self.owned.insert(s);
            self.slot_shard[s as usize] = me as u16;
        }
    }
}

impl Shard {
    /// Resolves once `frozen(core)` is false: none of the slots the caller is
    /// about to route by is being moved. Resolves at once when no move runs.
    pub async fn until_routable(&self, frozen: impl Fn(&Core) -> bool) {
        loop {
            let rx = {
                let mut core = self.core.borrow_mut();
                if !core.any_frozen() || !frozen(&core) {
                    return;
                }
                let (tx, rx) = oneshot::channel();
                core.unfreeze_waiters.push(tx);
                rx
            };
            let _ = rx.await;
        }
    }

    /// [`Self::until_routable`] for the slots of `keys`.
    pub async fn until_keys_routable<'k>(&self, keys: impl Iterator<Item = &'k [u8]> + Clone) {
        self.until_keys_may_run(keys, false).await;
    }

    /// Resolves once a command on `keys` that `writes` (or not) may be
    /// routed and redirected: no slot of them moving between shards, and for
    /// a write none being handed to another node.
    pub async fn until_keys_may_run<'k>(
        &self,
        keys: impl Iterator<Item = &'k [u8]> + Clone,
        writes: bool,
    ) {
        let held =
            |core: &Core| keys.clone().any(|k| core.holds(engine::slot::key_slot(k), writes));
        self.until_routable(held).await;
    }

    /// Resolves once every command any shard queued for shard `to` before
    /// this call has run there: each shard relays a barrier through its
    /// outbox, behind what it already has for `to`.
    pub async fn drain_to(self: &Rc<Self>, to: usize) {
        let mut barriers = Vec::new();
        for peer in (0..self.shared.shard_count).filter(|&p| p != to) {
            let relay = self.on_shard_rc(peer, move |s: &Rc<Shard>| s.on_shard(to, |_| ()));
            barriers.push(relay);
        }
        for b in barriers {
            b.await.await;
        }
    }

    /// Moves `slots` to shard `to` and returns how many changed owner. The
    /// move runs on shard 0 whatever happens to the caller.
    pub async fn move_slots(self: &Rc<Self>, slots: Vec<Slot>, to: usize) -> usize {
        assert!(to < self.shared.shard_count, "no shard {to}");
        let done = self.on_shard_rc(0, move |s: &Rc<Shard>| {
            let (tx, rx) = oneshot::channel();
            let s = s.clone();
            glommio::spawn_local(async move {
                let _guard = s.move_lock.acquire_permit(1).await;
                let _ = tx.send(s.run_move(slots, to).await);
            })
            .detach();
            rx
        });
        done.await.await.unwrap_or(0)
    }

    /// Runs moves on shard 0, one owner at a time.
    async fn run_move(self: &Rc<Self>, slots: Vec<Slot>, to: usize) -> usize {
        let mut by_owner: Vec<(usize, Vec<Slot>)> = Vec::new();
        {
            let core = self.core.borrow();
            for s in slots {
                let from = core.shard_of(s);
                if from == to {
                    continue;
                }
                match by_owner.iter_mut().find(|(o, _)| *o == from) {
                    Some((_, v)) => v.push(s),
                    None => by_owner.push((from, vec![s])),
                }
            }
        }
        let mut moved = 0;
        for (from, slots) in by_owner {
            let slots: Rc<[Slot]> = slots.into();
            let list = slots.to_vec();
            self.on_all_shards(move |s: &Shard| s.core.borrow_mut().freeze(&list)).await;
            self.drain_to(from).await;
            let tables = loop {
                let list = slots.to_vec();
                let r =
                    self.on_shard(from, move |s: &Shard| s.core.borrow_mut().hand_off(&list, to));
                match r.await {
                    Ok(tables) => break tables,
                    Err(landed) => {
                        let _ = landed.await;
                    }
                }
            };
            let list = slots.to_vec();
            self.on_shard(to, move |s: &Shard| s.core.borrow_mut().install(tables, &list, to))
                .await;
            let list = slots.to_vec();
            self.on_all_shards(move |s: &Shard| s.core.borrow_mut().unfreeze(&list, to)).await;
            moved += slots.len();
        }
        moved
    }
}
