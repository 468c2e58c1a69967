//! The keyspace of one shard: every database's slot tables, with lazy expiry.
//!
//! A shard holds `databases` [`Db`]s; each `Db` holds one [`SlotTable`] per slot
//! that has keys in it. Which slots the shard serves is decided by the node (the
//! slot→shard table); the keyspace only stores what it is given. Key counts are
//! kept per table and per database so that DBSIZE and INFO keyspace are O(1).
//!
//! Invariants:
//! - `Db::keys` is the sum of its tables' lengths, `Db::volatile_keys` the sum of
//!   their volatile counts;
//! - a database's tables live inline in one array indexed by slot (a lookup
//!   reads the table header next to its neighbours', no pointer to chase),
//!   allocated when the first key arrives; a table that becomes empty is reset
//!   so that it holds no memory;
//! - a key that is expired at `now_ms` is never returned by a lookup: lookups
//!   delete it first (lazy expiry) and count it in `expired_keys`.

pub mod big_table;
pub mod hash;
pub mod hll;
pub mod intset;
pub mod lazyfree;
pub mod list;
pub mod set;
pub mod slot_table;
pub mod small_bytes;
pub mod thin_bytes;
pub mod value;
pub mod zset;

use crate::slot::{key_slot, Slot, SLOT_COUNT};
pub use list::List;
pub use set::{Member, Set};
pub use slot_table::{Entry, SlotTable};
pub use small_bytes::SmallBytes;
pub use value::{Value, ValueType};

/// Asks the CPU to start loading the cache line at `p` into all cache levels;
/// a hint that never faults (nothing on other architectures).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 only hints the cache; it reads nothing architecturally
    // and does not fault on any address.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// One logical database (SELECT n) on one shard.
#[derive(Default)]
pub struct Db {
    /// One table per slot; empty (no allocation) until the first key.
    slots: Vec<SlotTable>,
    keys: usize,
    volatile_keys: usize,
    /// Keys deleted because they expired (lazily or by the active cycle).
    pub expired_keys: u64,
    /// Running estimate of the remaining TTL of volatile keys, from what the
    /// active expiry cycle sees (INFO keyspace `avg_ttl`); 0 when unknown.
    pub avg_ttl_ms: u64,
    /// Keys clients are blocked on (BLPOP ...), kept by the node.
    watched: hashbrown::HashSet<Vec<u8>, ahash::RandomState>,
    /// Watched keys stored since the node last took them: they may now hold
    /// what a blocked client waits for (Redis's `signalKeyAsReady` on
    /// `dbAdd`). Each at most once.
    ready: Vec<Vec<u8>>,
    /// Empty collections sized for what is about to be written to them (a
    /// native migration link's `SYNCSLOTS RESERVE`, built off the shard),
    /// oldest first, at most `MAX_RESERVATIONS`: the command creating the
    /// key starts from one instead of growing its table step by step (a
    /// table of a million elements grows twenty times, the last growth alone
    /// holding its shard ~0.1 s).
    reserved: Vec<(Box<[u8]>, Value)>,
}

/// Reservations kept per database: one per migration link writing to it at
/// once is enough (each reserves just before it creates the key).
const MAX_RESERVATIONS: usize = 16;

impl Db {
    /// Number of keys (including expired ones not yet deleted).
    #[inline]
    pub fn len(&self) -> usize {
        self.keys
    }

    /// True when the database has no keys.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.keys == 0
    }

    /// Keeps `empty`, an empty collection sized for what is about to be
    /// written, for the command that creates `key`.
    pub fn reserve(&mut self, key: &[u8], empty: Value) {
        self.reserved.retain(|(k, _)| &k[..] != key);
        if self.reserved.len() == MAX_RESERVATIONS {
            self.reserved.remove(0);
        }
        self.reserved.push((key.into(), empty));
    }

    /// The collection reserved for `key`, if any: for the command about to
    /// write it (the next one does not find it).
    #[inline]
    pub fn take_reserved(&mut self, key: &[u8]) -> Option<Value> {
        if self.reserved.is_empty() {
            return None;
        }
        let i = self.reserved.iter().position(|(k, _)| &k[..] == key)?;
        Some(self.reserved.remove(i).1)
    }

    /// Number of keys with an expiry.
    #[inline]
    pub fn volatile_len(&self) -> usize {
        self.volatile_keys
    }

    /// The table of `slot`, if it has keys.
    #[inline]
    pub fn slot_table(&self, slot: Slot) -> Option<&SlotTable> {
        self.slots.get(slot as usize).filter(|t| !t.is_empty())
    }

    /// Number of keys in `slot`.
    pub fn slot_len(&self, slot: Slot) -> usize {
        self.slot_table(slot).map_or(0, |t| t.len())
    }

    /// Looks `key` up, deleting it first if it expired at `now_ms`.
    #[inline]
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Entry> {
        let slot = key_slot(key) as usize;
        let table = self.slots.get_mut(slot)?;
        if table.volatile_len() == 0 {
            // Nothing in this table can have expired: one probe.
            return self.slots[slot].get_mut(key);
        }
        let expired = table.get(key)?.is_expired(now_ms);
        if expired {
            self.remove_at(slot, key);
            self.expired_keys += 1;
            return None;
        }
        self.slots[slot].get_mut(key)
    }

    /// Looks `key` up without deleting it when expired (returns None for an expired
    /// key all the same). For read paths that cannot take `&mut`.
    pub fn peek(&self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        let e = self.slot_table(key_slot(key))?.get(key)?;
        (!e.is_expired(now_ms)).then_some(e)
    }

    /// Brings the entries of `keys` and the first bytes of their values into
    /// the cache, without changing anything. Called for the keys of a pipeline
    /// before it runs: a lookup is a chain of cache misses that a command, run
    /// alone, waits for link by link. Here the first link (each slot's table
    /// header) is prefetched for every key at once, then the lookups run back
    /// to back and prefetch the values they find, so the chains overlap.
    pub fn warm<'k>(&self, keys: impl Iterator<Item = &'k [u8]> + Clone) {
        for key in keys.clone() {
            if let Some(table) = self.slots.get(key_slot(key) as usize) {
                prefetch(table);
            }
        }
        for key in keys {
            if let Some(e) = self.slot_table(key_slot(key)).and_then(|t| t.get(key)) {
                e.value.prefetch();
            }
        }
    }

    /// True when `key` exists (and has not expired) at `now_ms`.
    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms).is_some()
    }

    /// Stores `value` under `key` with expiry `expire_at_ms` (None: persistent),
    /// replacing any previous value. Returns the old entry.
    pub fn set(
        &mut self,
        key: &[u8],
        value: Value,
        expire_at_ms: Option<u64>,
        lru_s: u32,
    ) -> Option<Entry> {
        self.insert_entry(Entry::new(key, value, lru_s), expire_at_ms)
    }

    /// Stores the string `bytes` under `key` as SET does (see
    /// [`SlotTable::set_bytes`]). Returns true when it replaced a key that had
    /// expired at `now_ms` (counted as expired, as Redis's lookup would).
    pub fn set_bytes(
        &mut self,
        key: &[u8],
        bytes: &[u8],
        expire_at_ms: Option<u64>,
        lru_s: u32,
        now_ms: u64,
    ) -> bool {
        let slot = key_slot(key) as usize;
        let expire = expire_at_ms.unwrap_or(0);
        let old_ms = self.table_for_insert(slot).set_bytes(key, bytes, expire, lru_s);
        self.volatile_keys += (expire != 0) as usize;
        match old_ms {
            None => self.keys += 1,
            Some(0) => {}
            Some(ms) => {
                self.volatile_keys -= 1;
                if now_ms > ms {
                    self.expired_keys += 1;
                    return true;
                }
            }
        }
        false
    }

    /// Inserts a whole entry with expiry `expire_at_ms`, replacing and returning any
    /// previous one.
    pub fn insert_entry(&mut self, entry: Entry, expire_at_ms: Option<u64>) -> Option<Entry> {
        if !self.watched.is_empty() {
            self.note_if_watched(entry.key.as_bytes());
        }
        let slot = key_slot(entry.key.as_bytes()) as usize;
        let table = self.table_for_insert(slot);
        let expire = expire_at_ms.unwrap_or(0);
        let old = table.insert(entry, expire);
        if expire != 0 {
            self.volatile_keys += 1;
        }
        match &old {
            Some(o) => {
                if o.expire_at_ms().is_some() {
                    self.volatile_keys -= 1;
                }
            }
            None => self.keys += 1,
        }
        old
    }

    /// Starts reporting stores under `key` (see [`Self::take_ready`]).
    pub fn watch(&mut self, key: &[u8]) {
        if !self.watched.contains(key) {
            self.watched.insert(key.to_vec());
        }
    }

    /// Stops reporting stores under `key`.
    pub fn unwatch(&mut self, key: &[u8]) {
        self.watched.remove(key);
        self.ready.retain(|k| k != key);
    }

    /// Whether any key is watched.
    pub fn has_watched(&self) -> bool {
        !self.watched.is_empty()
    }

    /// The watched keys stored since the last call, in the order they were
    /// first stored. Only whole values stored under a key are reported
    /// (a new key, or a value replacing another): a blocked client waits
    /// for a key that does not hold what it needs, and a key gets that only
    /// by being stored anew.
    pub fn take_ready(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.ready)
    }

    fn note_if_watched(&mut self, key: &[u8]) {
        if self.watched.contains(key) && !self.ready.iter().any(|k| k == key) {
            self.ready.push(key.to_vec());
        }
    }

    /// The table of `slot`, allocating the database's tables on first use.
    fn table_for_insert(&mut self, slot: usize) -> &mut SlotTable {
        if self.slots.is_empty() {
            self.slots = (0..SLOT_COUNT).map(|_| SlotTable::default()).collect();
        }
        &mut self.slots[slot]
    }

    /// Deletes `key` (expired or not), returning its entry.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.remove_at(key_slot(key) as usize, key)
    }

    fn remove_at(&mut self, slot: usize, key: &[u8]) -> Option<Entry> {
        let table = self.slots.get_mut(slot)?;
        let e = table.remove(key)?;
        if table.is_empty() {
            *table = SlotTable::default();
        }
        self.keys -= 1;
        if e.expire_at_ms().is_some() {
            self.volatile_keys -= 1;
        }
        Some(e)
    }

    /// Sets or clears the expiry of an existing key. Returns false when absent.
    pub fn set_expire(&mut self, key: &[u8], expire_at_ms: Option<u64>) -> bool {
        let slot = key_slot(key) as usize;
        let Some(table) = self.slots.get_mut(slot) else {
            return false;
        };
        let before = table.volatile_len();
        if !table.set_expire(key, expire_at_ms) {
            return false;
        }
        self.volatile_keys = self.volatile_keys + table.volatile_len() - before;
        true
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        drop(self.take_all());
    }

    /// Removes every key, returning the tables that held them.
    pub fn take_all(&mut self) -> Vec<SlotTable> {
        self.keys = 0;
        self.volatile_keys = 0;
        std::mem::take(&mut self.slots)
    }

    /// Slots that have keys, in ascending order, from `from` on.
    pub fn slots_with_keys(&self, from: Slot) -> impl Iterator<Item = Slot> + '_ {
        let from = (from as usize).min(self.slots.len());
        (from..self.slots.len()).filter(move |&s| !self.slots[s].is_empty()).map(|s| s as Slot)
    }

    /// Takes the whole table of `slot` out (for a hand-off to another shard).
    pub fn take_slot(&mut self, slot: Slot) -> Option<SlotTable> {
        let t = std::mem::take(self.slots.get_mut(slot as usize)?);
        if t.is_empty() {
            return None;
        }
        self.keys -= t.len();
        self.volatile_keys -= t.volatile_len();
        Some(t)
    }

    /// Installs a table handed over from another shard. The slot must be empty here.
    pub fn put_slot(&mut self, slot: Slot, table: SlotTable) {
        assert!(self.slot_table(slot).is_none(), "slot {slot} already has a table");
        if table.is_empty() {
            return;
        }
        self.keys += table.len();
        self.volatile_keys += table.volatile_len();
        *self.table_for_insert(slot as usize) = table;
    }

    /// Active expiry for one slot: deletes its expired keys, returns how many.
    pub fn expire_slot(&mut self, slot: Slot, now_ms: u64) -> usize {
        let Some(table) = self.slots.get_mut(slot as usize) else {
            return 0;
        };
        if table.volatile_len() == 0 {
            return 0;
        }
        let before_volatile = table.volatile_len();
        let (mut ttl_sum_ms, mut ttl_count) = (0u64, 0u64);
        let removed = table.remove_where(|e| {
            let expired = e.is_expired(now_ms);
            if let (false, Some(at)) = (expired, e.expire_at_ms()) {
                ttl_sum_ms += at.saturating_sub(now_ms);
                ttl_count += 1;
            }
            expired
        });
        if let Some(sample) = ttl_sum_ms.checked_div(ttl_count) {
            // Redis's running estimate: each sample moves the average by 2%.
            self.avg_ttl_ms = if self.avg_ttl_ms == 0 {
                sample
            } else {
                (self.avg_ttl_ms / 50) * 49 + sample / 50
            };
        }
        self.volatile_keys -= before_volatile - table.volatile_len();
        self.keys -= removed;
        self.expired_keys += removed as u64;
        if table.is_empty() {
            *table = SlotTable::default();
        }
        removed
    }
}

/// The keyspace of one shard: `databases` databases.
pub struct Keyspace {
    dbs: Vec<Db>,
    /// Where the active expiry cycle resumes: (database, slot).
    expire_cursor: (usize, usize),
    /// Where big deleted values go to be freed (none: freed at once).
    lazyfree: Option<lazyfree::Sink>,
    /// A RESTORE payload decoded ahead (off the shard), for the RESTORE
    /// that carries it: its length, its last 10 bytes (RDB version and
    /// CRC64) and what decoding gave.
    predecoded: Option<(usize, [u8; 10], Result<Value, crate::rdb::RestoreError>)>,
}

impl Keyspace {
    /// A keyspace with `databases` empty databases.
    pub fn new(databases: usize) -> Keyspace {
        assert!(databases >= 1);
        Keyspace {
            dbs: (0..databases).map(|_| Db::default()).collect(),
            expire_cursor: (0, 0),
            lazyfree: None,
            predecoded: None,
        }
    }

    /// Keeps what decoding `payload` gave for the RESTORE that carries it
    /// (a big payload is decoded away from the shard first).
    pub fn predecoded_restore(
        &mut self,
        payload: &[u8],
        value: Result<Value, crate::rdb::RestoreError>,
    ) {
        self.drop_predecoded();
        if let Some(footer) = payload.last_chunk::<10>() {
            self.predecoded = Some((payload.len(), *footer, value));
        }
    }

    /// What decoding `payload` gives: decoded ahead if it was, else now.
    pub fn decode_restore(
        &mut self,
        payload: &[u8],
        cfg: &crate::config::EngineConfig,
    ) -> Result<Value, crate::rdb::RestoreError> {
        match &self.predecoded {
            Some((len, footer, _))
                if *len == payload.len() && payload.last_chunk::<10>() == Some(footer) =>
            {
                self.predecoded.take().expect("just matched").2
            }
            _ => {
                self.drop_predecoded();
                crate::rdb::decode_payload(payload, cfg)
            }
        }
    }

    /// Frees a payload decoded ahead that no RESTORE took.
    fn drop_predecoded(&mut self) {
        if let Some((_, _, Ok(stale))) = self.predecoded.take() {
            self.free_later(lazyfree::Garbage::Value(stale));
        }
    }

    /// Sends big deleted values to `sink` from now on.
    pub fn set_lazyfree_sink(&mut self, sink: lazyfree::Sink) {
        self.lazyfree = Some(sink);
    }

    /// Deletes every key of `slots` in database `db`, freeing them later.
    pub fn drop_slots(&mut self, db: usize, slots: impl IntoIterator<Item = Slot>) {
        let d = self.db(db);
        let tables: Vec<SlotTable> = slots.into_iter().filter_map(|s| d.take_slot(s)).collect();
        self.free_later(lazyfree::Garbage::Tables(tables));
    }

    /// Deletes `key` from database `db`, freeing its value later; false
    /// when it was not there.
    pub fn unlink(&mut self, db: usize, key: &[u8]) -> bool {
        let Some(e) = self.db(db).remove(key) else { return false };
        self.free_later(lazyfree::Garbage::Value(e.value));
        true
    }

    /// Frees `g` later if it is big and a sink is set, else now.
    pub fn free_later(&mut self, g: lazyfree::Garbage) {
        match &mut self.lazyfree {
            Some(sink) if g.effort() > lazyfree::LAZYFREE_THRESHOLD => sink(g),
            _ => drop(g),
        }
    }

    /// Number of databases.
    pub fn db_count(&self) -> usize {
        self.dbs.len()
    }

    /// Database `i`.
    #[inline]
    pub fn db(&mut self, i: usize) -> &mut Db {
        &mut self.dbs[i]
    }

    /// Database `i`, read-only.
    #[inline]
    pub fn db_ref(&self, i: usize) -> &Db {
        &self.dbs[i]
    }

    /// Two distinct databases at once (MOVE, SWAPDB).
    pub fn two_dbs(&mut self, a: usize, b: usize) -> (&mut Db, &mut Db) {
        assert_ne!(a, b);
        if a < b {
            let (x, y) = self.dbs.split_at_mut(b);
            (&mut x[a], &mut y[0])
        } else {
            let (x, y) = self.dbs.split_at_mut(a);
            (&mut y[0], &mut x[b])
        }
    }

    /// Swaps two databases' contents (SWAPDB). Watched keys stay with their
    /// database number (blocked clients do not follow the data), and every
    /// one of them is reported ready: it may hold something else now.
    pub fn swap_dbs(&mut self, a: usize, b: usize) {
        self.dbs.swap(a, b);
        let (x, y) = self.two_dbs(a, b);
        std::mem::swap(&mut x.watched, &mut y.watched);
        for db in [x, y] {
            db.ready = db.watched.iter().cloned().collect();
        }
    }

    /// Total keys over all databases.
    pub fn total_keys(&self) -> usize {
        self.dbs.iter().map(|d| d.len()).sum()
    }

    /// Total expired-key deletions over all databases.
    pub fn expired_keys(&self) -> u64 {
        self.dbs.iter().map(|d| d.expired_keys).sum()
    }

    /// One step of the active expiry cycle: visits slot tables with volatile keys,
    /// from where the last step stopped, deleting expired keys, until
    /// `max_slots_visited` tables were looked at or every table was visited once.
    /// Returns the number of keys deleted. The node calls this on a timer with a
    /// budget that bounds the time spent per tick.
    pub fn active_expire_step(&mut self, now_ms: u64, max_slots_visited: usize) -> usize {
        if self.dbs.iter().all(|d| d.volatile_len() == 0) {
            return 0;
        }
        let (mut db, mut slot) = self.expire_cursor;
        let mut positions_left = self.dbs.len() * SLOT_COUNT;
        let mut removed = 0;
        let mut visited = 0;
        while positions_left > 0 && visited < max_slots_visited {
            if self.dbs[db].volatile_len() == 0 {
                // Nothing to expire in this database: skip the rest of it at once.
                positions_left = positions_left.saturating_sub(SLOT_COUNT - slot);
                slot = SLOT_COUNT;
            } else {
                if self.dbs[db].slots.get(slot).is_some_and(|t| t.volatile_len() > 0) {
                    visited += 1;
                    removed += self.dbs[db].expire_slot(slot as Slot, now_ms);
                }
                slot += 1;
                positions_left -= 1;
            }
            if slot >= SLOT_COUNT {
                slot = 0;
                db = (db + 1) % self.dbs.len();
            }
        }
        self.expire_cursor = (db, slot);
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_under_watched_keys_are_reported_once() {
        let mut ks = Keyspace::new(1);
        let db = ks.db(0);
        db.set(b"a", Value::Int(1), None, 0);
        assert!(!db.has_watched());
        db.watch(b"a");
        db.watch(b"b");
        db.watch(b"b");
        assert!(db.has_watched());
        db.set(b"c", Value::Int(1), None, 0);
        db.set(b"b", Value::Int(1), None, 0);
        db.set(b"a", Value::Int(2), None, 0);
        db.set(b"b", Value::Int(3), None, 0);
        assert_eq!(db.take_ready(), vec![b"b".to_vec(), b"a".to_vec()]);
        assert!(db.take_ready().is_empty());
        db.set(b"a", Value::Int(1), None, 0);
        db.unwatch(b"a");
        assert!(db.take_ready().is_empty());
        db.set(b"a", Value::Int(1), None, 0);
        assert!(db.take_ready().is_empty());
    }

    #[test]
    fn swapped_databases_keep_their_watches_and_report_them_ready() {
        let mut ks = Keyspace::new(2);
        ks.db(0).watch(b"a");
        ks.db(1).set(b"a", Value::Int(1), None, 0);
        ks.swap_dbs(0, 1);
        assert_eq!(ks.db(0).take_ready(), vec![b"a".to_vec()]);
        assert!(ks.db(0).has_watched() && !ks.db(1).has_watched());
        assert!(ks.db(1).take_ready().is_empty());
    }

    #[test]
    fn set_bytes_counts_and_reuses() {
        let mut ks = Keyspace::new(1);
        let db = ks.db(0);
        let v64 = [b'x'; 64];
        assert!(!db.set_bytes(b"k", &v64, Some(100), 0, 0));
        assert_eq!((db.len(), db.volatile_len()), (1, 1));
        let heap =
            |db: &mut Db| db.get(b"k", 0).unwrap().value.as_str().unwrap().as_bytes().as_ptr();
        let before = heap(db);
        // Same length: the value's allocation is reused; the expiry goes.
        assert!(!db.set_bytes(b"k", &[b'y'; 64], None, 0, 50));
        assert_eq!((db.len(), db.volatile_len()), (1, 0));
        assert_eq!(heap(db), before);
        assert_eq!(db.get(b"k", 0).unwrap().value.as_str().unwrap().as_bytes(), &[b'y'; 64]);
        // Another length or an integer gets Redis's encoding.
        db.set_bytes(b"k", b"12", None, 0, 50);
        assert_eq!(db.get(b"k", 0).unwrap().value, Value::Int(12));
        // Replacing a key that had expired counts it as expired.
        db.set_bytes(b"k", b"v", Some(10), 0, 50);
        assert!(db.set_bytes(b"k", b"w", None, 0, 50));
        assert_eq!((db.len(), db.volatile_len(), db.expired_keys), (1, 0, 1));
    }

    #[test]
    fn warm_changes_nothing_and_tolerates_anything() {
        let mut ks = Keyspace::new(1);
        // An empty database has no tables yet.
        ks.db_ref(0).warm([&b"nope"[..]].into_iter());
        let db = ks.db(0);
        db.set(b"a", Value::from_bytes(&[b'x'; 64]), Some(5), 0);
        db.set(b"b", Value::Int(7), None, 0);
        db.warm([&b"a"[..], b"b", b"missing", b""].into_iter());
        assert_eq!((db.len(), db.volatile_len(), db.expired_keys), (2, 1, 0));
        // Warming does not expire: the lookup does.
        db.warm([&b"a"[..]].into_iter());
        assert!(db.get(b"a", 6).is_none());
        assert_eq!(db.expired_keys, 1);
    }

    #[test]
    fn counts_and_lazy_expiry() {
        let mut ks = Keyspace::new(2);
        let db = ks.db(0);
        db.set(b"a", Value::Int(1), None, 0);
        db.set(b"b", Value::Int(2), Some(1000), 0);
        assert_eq!((db.len(), db.volatile_len()), (2, 1));
        assert!(db.get(b"b", 1000).is_some());
        assert!(db.get(b"b", 1001).is_none());
        assert_eq!((db.len(), db.volatile_len(), db.expired_keys), (1, 0, 1));
        db.set(b"a", Value::Int(3), Some(5), 0);
        assert_eq!(db.volatile_len(), 1);
        assert!(db.set_expire(b"a", None));
        assert_eq!(db.volatile_len(), 0);
        assert_eq!(ks.total_keys(), 1);
    }

    #[test]
    fn active_expiry_deletes_expired_keys_only() {
        let mut ks = Keyspace::new(16);
        for i in 0..1000 {
            let exp = if i % 2 == 0 { Some(10) } else { None };
            ks.db(3).set(format!("k{i}").as_bytes(), Value::Int(i), exp, 0);
        }
        let mut removed = 0;
        for _ in 0..100 {
            removed += ks.active_expire_step(11, 200);
        }
        assert_eq!(removed, 500);
        assert_eq!(ks.db(3).len(), 500);
        assert_eq!(ks.db(3).volatile_len(), 0);
    }

    #[test]
    fn slot_handoff_keeps_counts() {
        let mut a = Keyspace::new(1);
        let mut b = Keyspace::new(1);
        a.db(0).set(b"foo", Value::Int(1), Some(99), 0);
        let slot = key_slot(b"foo");
        let t = a.db(0).take_slot(slot).unwrap();
        b.db(0).put_slot(slot, t);
        assert_eq!((a.db(0).len(), b.db(0).len(), b.db(0).volatile_len()), (0, 1, 1));
        assert!(b.db(0).get(b"foo", 0).is_some());
    }
}
