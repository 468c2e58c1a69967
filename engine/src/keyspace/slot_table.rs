//! `SlotTable`: the keys of one hash slot in one database.
//!
//! A shard owns one `SlotTable` per (database, slot) that has keys. Keeping slots
//! apart makes `CLUSTER COUNTKEYSINSLOT` O(1), `GETKEYSINSLOT n` O(n), and moving
//! or dropping a slot a pointer operation that touches no other key.
//!
//! Invariants:
//! - every entry's key hashes (hash tag rules) to this table's slot;
//! - `volatile_keys` equals the number of entries with an expiry;
//! - an entry's expiry changes only through [`SlotTable::set_expire`] and
//!   [`SlotTable::insert`], which keep `volatile_keys` right;
//! - entries move between buckets only when the table is rehashed (grown, or
//!   rebuilt in place to reclaim deleted buckets), and `layout_epoch` changes
//!   whenever that may have happened, so a bucket cursor (SCAN) can tell.

use std::sync::OnceLock;

use ahash::RandomState;
use hashbrown::HashTable;

use super::small_bytes::SmallBytes;
use super::value::Value;

/// The process-wide hasher: every shard uses the same seeds so that a table can be
/// handed from one shard to another without rehashing.
fn hasher() -> &'static RandomState {
    static HASHER: OnceLock<RandomState> = OnceLock::new();
    HASHER.get_or_init(RandomState::new)
}

/// Hash of a key within a slot table.
#[inline]
pub fn key_hash(key: &[u8]) -> u64 {
    hasher().hash_one(key)
}

/// One key with its value and metadata.
#[derive(Debug)]
pub struct Entry {
    /// The key.
    pub key: SmallBytes,
    /// The value.
    pub value: Value,
    /// Absolute expiry in Unix milliseconds; 0 when the key is persistent.
    expire_at_ms: u64,
    /// LRU clock (seconds) of the last access, for OBJECT IDLETIME.
    pub lru_s: u32,
}

impl Entry {
    /// A persistent entry.
    pub fn new(key: &[u8], value: Value, lru_s: u32) -> Entry {
        Entry { key: SmallBytes::new(key), value, expire_at_ms: 0, lru_s }
    }

    /// The expiry time in Unix milliseconds, if any.
    #[inline]
    pub fn expire_at_ms(&self) -> Option<u64> {
        (self.expire_at_ms != 0).then_some(self.expire_at_ms)
    }

    /// True when the entry has an expiry that has passed at `now_ms` (Redis:
    /// expired when now > when).
    #[inline]
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expire_at_ms != 0 && now_ms > self.expire_at_ms
    }
}

/// The keys of one slot in one database.
#[derive(Default)]
pub struct SlotTable {
    /// Entries are boxed: a bucket costs 8 bytes, so the free buckets hashbrown
    /// keeps (up to half of them right after a growth) cost little.
    map: HashTable<Box<Entry>>,
    volatile_keys: usize,
    layout_epoch: u32,
}

/// Result of scanning a slot table: the next bucket to visit, or `None` when done.
pub type BucketCursor = Option<usize>;

impl SlotTable {
    /// Number of keys.
    #[inline]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when the table has no keys.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Number of keys with an expiry.
    #[inline]
    pub fn volatile_len(&self) -> usize {
        self.volatile_keys
    }

    /// The entry for `key`, expired or not.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&Entry> {
        self.map.find(key_hash(key), |e| e.key.as_bytes() == key).map(|e| &**e)
    }

    /// The entry for `key`, mutable. The expiry cannot be changed through it.
    #[inline]
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.map.find_mut(key_hash(key), |e| e.key.as_bytes() == key).map(|e| &mut **e)
    }

    /// The bucket of `key`, occupied or vacant, for an insertion.
    fn bucket_for(&mut self, key: &[u8]) -> hashbrown::hash_table::Entry<'_, Box<Entry>> {
        if self.map.len() == self.map.capacity() {
            // No free bucket left: hashbrown rehashes before inserting, even when
            // the key is already present, and entries may change buckets.
            self.layout_epoch = self.layout_epoch.wrapping_add(1);
        }
        self.map.entry(key_hash(key), |e| e.key.as_bytes() == key, |e| key_hash(e.key.as_bytes()))
    }

    /// Counts an expiry set (`expire_at_ms` != 0) and one dropped.
    fn count_volatile(&mut self, set_ms: u64, dropped_ms: u64) {
        self.volatile_keys += (set_ms != 0) as usize;
        self.volatile_keys -= (dropped_ms != 0) as usize;
    }

    /// Inserts `entry` with expiry `expire_at_ms` (0 = none), replacing and
    /// returning any entry with the same key.
    pub fn insert(&mut self, mut entry: Entry, expire_at_ms: u64) -> Option<Entry> {
        entry.expire_at_ms = expire_at_ms;
        let old = match self.bucket_for(entry.key.as_bytes()) {
            // Reuse the box of the entry being replaced.
            hashbrown::hash_table::Entry::Occupied(mut o) => {
                Some(std::mem::replace(&mut **o.get_mut(), entry))
            }
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(Box::new(entry));
                None
            }
        };
        self.count_volatile(expire_at_ms, old.as_ref().map_or(0, |o| o.expire_at_ms));
        old
    }

    /// Stores the string `bytes` under `key` with expiry `expire_at_ms` (0 =
    /// none) and LRU clock `lru_s`, as SET does. An existing entry is updated
    /// in place, its value's memory reused when the sizes allow. Returns the
    /// replaced entry's expiry (0 = none), or `None` when the key is new.
    pub fn set_bytes(
        &mut self,
        key: &[u8],
        bytes: &[u8],
        expire_at_ms: u64,
        lru_s: u32,
    ) -> Option<u64> {
        let old_ms = match self.bucket_for(key) {
            hashbrown::hash_table::Entry::Occupied(mut o) => {
                let e = &mut **o.get_mut();
                e.value.assign_bytes(bytes);
                e.lru_s = lru_s;
                Some(std::mem::replace(&mut e.expire_at_ms, expire_at_ms))
            }
            hashbrown::hash_table::Entry::Vacant(v) => {
                let mut entry = Entry::new(key, Value::from_bytes(bytes), lru_s);
                entry.expire_at_ms = expire_at_ms;
                v.insert(Box::new(entry));
                None
            }
        };
        self.count_volatile(expire_at_ms, old_ms.unwrap_or(0));
        old_ms
    }

    /// Removes and returns the entry for `key`.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        match self.map.find_entry(key_hash(key), |e| e.key.as_bytes() == key) {
            Ok(o) => {
                let (e, _) = o.remove();
                if e.expire_at_ms != 0 {
                    self.volatile_keys -= 1;
                }
                Some(*e)
            }
            Err(_) => None,
        }
    }

    /// Sets (`Some`) or clears (`None`) the expiry of `key`. Returns false when the
    /// key is absent.
    pub fn set_expire(&mut self, key: &[u8], expire_at_ms: Option<u64>) -> bool {
        let Some(e) = self.map.find_mut(key_hash(key), |e| e.key.as_bytes() == key) else {
            return false;
        };
        let new = expire_at_ms.unwrap_or(0);
        debug_assert!(expire_at_ms != Some(0), "expiry 0 means persistent");
        match (e.expire_at_ms != 0, new != 0) {
            (false, true) => self.volatile_keys += 1,
            (true, false) => self.volatile_keys -= 1,
            _ => {}
        }
        e.expire_at_ms = new;
        true
    }

    /// Iterates over all entries, in bucket order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.map.iter().map(|e| &**e)
    }

    /// Number of buckets; bucket indexes stay valid until the table grows.
    pub fn num_buckets(&self) -> usize {
        self.map.num_buckets()
    }

    /// Changes (wrapping) whenever entries may have moved between buckets: a
    /// bucket index taken at another epoch says nothing about what was visited.
    pub fn layout_epoch(&self) -> u32 {
        self.layout_epoch
    }

    /// The entry in bucket `index`, if the bucket is full.
    pub fn bucket(&self, index: usize) -> Option<&Entry> {
        self.map.get_bucket(index).map(|e| &**e)
    }

    /// Visits full buckets from `start` on, calling `f` for each entry, until
    /// `max_buckets` buckets were looked at. Returns the next bucket to visit.
    pub fn scan_buckets(
        &self,
        start: usize,
        max_buckets: usize,
        mut f: impl FnMut(&Entry),
    ) -> BucketCursor {
        let n = self.map.num_buckets();
        let end = start.saturating_add(max_buckets).min(n);
        for i in start..end {
            if let Some(e) = self.map.get_bucket(i) {
                f(e);
            }
        }
        (end < n).then_some(end)
    }

    /// Removes every entry for which `expired` is true, returning how many were
    /// removed. Used by the active expiry cycle.
    pub fn remove_where(&mut self, mut expired: impl FnMut(&Entry) -> bool) -> usize {
        let before = self.map.len();
        let mut volatile_removed = 0;
        self.map.retain(|e| {
            let gone = expired(e);
            if gone && e.expire_at_ms != 0 {
                volatile_removed += 1;
            }
            !gone
        });
        self.volatile_keys -= volatile_removed;
        before - self.map.len()
    }

    /// Approximate bytes used by the table itself (buckets), excluding values.
    pub fn table_size_bytes(&self) -> usize {
        self.map.allocation_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_count_tracks_expiry() {
        let mut t = SlotTable::default();
        t.insert(Entry::new(b"a", Value::Int(1), 0), 0);
        t.insert(Entry::new(b"b", Value::Int(1), 0), 100);
        assert_eq!((t.len(), t.volatile_len()), (2, 1));
        assert!(t.set_expire(b"a", Some(50)));
        assert_eq!(t.volatile_len(), 2);
        let old = t.insert(Entry::new(b"a", Value::Int(2), 0), 0).unwrap();
        assert_eq!(old.expire_at_ms(), Some(50));
        assert_eq!(t.volatile_len(), 1);
        assert_eq!(t.remove_where(|e| e.is_expired(101)), 1);
        assert_eq!((t.len(), t.volatile_len()), (1, 0));
        assert!(t.remove(b"a").is_some());
        assert!(t.is_empty());
    }

    #[test]
    fn bucket_scan_sees_every_key() {
        let mut t = SlotTable::default();
        for i in 0..1000 {
            t.insert(Entry::new(format!("k{i}").as_bytes(), Value::Int(i), 0), 0);
        }
        let mut seen = 0;
        let mut cur = Some(0);
        while let Some(c) = cur {
            cur = t.scan_buckets(c, 7, |_| seen += 1);
        }
        assert_eq!(seen, 1000);
    }

    #[test]
    fn layout_epoch_changes_when_entries_move() {
        use std::collections::VecDeque;
        fn layout(t: &SlotTable) -> Vec<Option<SmallBytes>> {
            (0..t.num_buckets()).map(|i| t.bucket(i).map(|e| e.key.clone())).collect()
        }
        let key = |i: u64| format!("k{}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).into_bytes();
        let mut t = SlotTable::default();
        // Fill a 1024-bucket table to its capacity (896), then churn with 447 live
        // keys (under half the capacity): deleting from a full table leaves deleted
        // buckets that hashbrown reclaims by rehashing in place, without growing.
        let mut live: VecDeque<u64> = (0..896).collect();
        for &i in &live {
            t.insert(Entry::new(&key(i), Value::Int(0), 0), 0);
        }
        let evict = |t: &mut SlotTable, live: &mut VecDeque<u64>, salt: usize| {
            while live.len() > 447 {
                // Remove keys spread over the table, not in insertion order.
                let victim = live.swap_remove_back((salt * 7919) % live.len()).unwrap();
                t.remove(&key(victim));
            }
        };
        evict(&mut t, &mut live, 1);
        let buckets = t.num_buckets();
        let epoch = t.layout_epoch();
        // How soon deleted buckets force a rehash depends on the (random) hash
        // seed: churn until one happened, then a little more.
        let mut rehashed_at = None;
        for i in 896..100_000u64 {
            if rehashed_at.is_some_and(|at| i > at + 200) {
                break;
            }
            let before = (layout(&t), t.layout_epoch());
            t.insert(Entry::new(&key(i), Value::Int(0), 0), 0);
            live.push_back(i);
            evict(&mut t, &mut live, i as usize);
            // An entry moved if its old bucket no longer holds it but it still exists.
            let moved = before.0.iter().enumerate().any(|(b, k)| {
                k.as_ref().is_some_and(|k| {
                    t.bucket(b).is_none_or(|e| e.key != *k) && t.get(k.as_bytes()).is_some()
                })
            });
            if moved {
                assert_ne!(before.1, t.layout_epoch(), "entries moved at step {i}");
            }
            if rehashed_at.is_none() && t.layout_epoch() != epoch {
                rehashed_at = Some(i);
            }
        }
        assert_eq!(t.num_buckets(), buckets);
        assert_ne!(t.layout_epoch(), epoch, "the churn should trigger an in-place rehash");
    }
}
