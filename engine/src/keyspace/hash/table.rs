//! `PairTable`: a large hash as a hashbrown table of thin pointers, one heap
//! allocation per field holding both the field and its value.
//!
//! A [`Pair`] is one pointer to `[field length][value length][field][value]`,
//! the lengths as LEB128 varints (one byte each below 128). A bucket is thus 8
//! bytes, and a field costs its allocation plus a bucket and a control byte —
//! Redis pays a dict entry, two sds strings and a bucket.
//!
//! Invariants:
//! - a `Pair` owns its allocation, whose size its header determines;
//! - entries move between buckets only when the table is rehashed (grown,
//!   shrunk, or rebuilt in place to reclaim deleted buckets), and
//!   `layout_epoch` changes whenever that may have happened, so that a bucket
//!   cursor (HSCAN) can tell.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

use crate::keyspace::big_table::{big_table, BigTable};

use crate::keyspace::slot_table::key_hash;

/// A field and its value in one exact-size heap allocation.
pub struct Pair(NonNull<u8>);

// SAFETY: a Pair owns its allocation exclusively, like a Box<[u8]>.
unsafe impl Send for Pair {}
// SAFETY: shared access only reads the allocation.
unsafe impl Sync for Pair {}

/// Most bytes of a pair's header: two LEB128 varints of a usize.
const MAX_HEADER_BYTES: usize = 20;

/// Writes `n` as a LEB128 varint at `out[at..]`, returning where it ends.
fn put_varint(out: &mut [u8; MAX_HEADER_BYTES], mut at: usize, mut n: usize) -> usize {
    while n >= 0x80 {
        out[at] = n as u8 | 0x80;
        at += 1;
        n >>= 7;
    }
    out[at] = n as u8;
    at + 1
}

/// Reads a LEB128 varint at `p`, returning it and the bytes it took.
///
/// # Safety
/// `p` must point at a varint written by [`put_varint`].
unsafe fn read_varint(p: *const u8) -> (usize, usize) {
    let (mut n, mut shift, mut i) = (0usize, 0, 0);
    loop {
        let b = *p.add(i);
        n |= ((b & 0x7F) as usize) << shift;
        i += 1;
        if b & 0x80 == 0 {
            return (n, i);
        }
        shift += 7;
    }
}

impl Pair {
    /// Allocates a pair holding `field` and `value`.
    pub fn new(field: &[u8], value: &[u8]) -> Pair {
        let mut header = [0; MAX_HEADER_BYTES];
        let header_len = put_varint(&mut header, 0, field.len());
        let header_len = put_varint(&mut header, header_len, value.len());
        let header = &header[..header_len];
        let size = header.len() + field.len() + value.len();
        let layout = Layout::from_size_align(size, 1).expect("pair size");
        // SAFETY: `size` >= 2 (two varints), so the layout is not zero-sized;
        // the three copies fill exactly `size` bytes of the new allocation.
        unsafe {
            let p = alloc(layout);
            let Some(p) = NonNull::new(p) else { handle_alloc_error(layout) };
            let dst = p.as_ptr();
            dst.copy_from_nonoverlapping(header.as_ptr(), header.len());
            let dst = dst.add(header.len());
            dst.copy_from_nonoverlapping(field.as_ptr(), field.len());
            dst.add(field.len()).copy_from_nonoverlapping(value.as_ptr(), value.len());
            Pair(p)
        }
    }

    /// (header bytes, field length, value length).
    fn parts(&self) -> (usize, usize, usize) {
        // SAFETY: the allocation starts with the two varints `new` wrote.
        unsafe {
            let (flen, a) = read_varint(self.0.as_ptr());
            let (vlen, b) = read_varint(self.0.as_ptr().add(a));
            (a + b, flen, vlen)
        }
    }

    /// The field.
    pub fn field(&self) -> &[u8] {
        let (h, flen, _) = self.parts();
        // SAFETY: bytes h..h+flen of the allocation hold the field.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(h), flen) }
    }

    /// The value.
    pub fn value(&self) -> &[u8] {
        let (h, flen, vlen) = self.parts();
        // SAFETY: bytes h+flen..h+flen+vlen of the allocation hold the value.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(h + flen), vlen) }
    }

    /// Size of the allocation in bytes.
    pub fn size_bytes(&self) -> usize {
        let (h, flen, vlen) = self.parts();
        h + flen + vlen
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.size_bytes(), 1).expect("pair size");
        // SAFETY: allocated in `new` with this very layout.
        unsafe { dealloc(self.0.as_ptr(), layout) }
    }
}

impl Clone for Pair {
    fn clone(&self) -> Pair {
        Pair::new(self.field(), self.value())
    }
}

/// A large hash: fields with their values, one allocation each.
#[derive(Clone, Default)]
pub struct PairTable {
    map: BigTable<Pair>,
    layout_epoch: u32,
}

/// Fewer buckets than this are never shrunk (Redis's initial dict size is 4).
const MIN_SHRINK_BUCKETS: usize = 64;

impl PairTable {
    /// An empty table with room for `n` pairs.
    pub fn with_capacity(n: usize) -> PairTable {
        PairTable { map: big_table(n), layout_epoch: 0 }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The pair of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&Pair> {
        self.map.find(key_hash(field), |p| p.field() == field)
    }

    /// Sets `field` to `value`; returns true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        if self.map.len() == self.map.capacity() {
            // No free bucket: hashbrown rehashes before inserting (even when the
            // field is present), so entries may change buckets.
            self.layout_epoch = self.layout_epoch.wrapping_add(1);
        }
        let pair = Pair::new(field, value);
        match self.map.entry(key_hash(field), |p| p.field() == field, |p| key_hash(p.field())) {
            hashbrown::hash_table::Entry::Occupied(mut o) => {
                *o.get_mut() = pair;
                false
            }
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(pair);
                true
            }
        }
    }

    /// Deletes `field`; returns true when it was present. Shrinks the table
    /// when under a tenth of its buckets are used, as Redis resizes its dicts.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let Ok(o) = self.map.find_entry(key_hash(field), |p| p.field() == field) else {
            return false;
        };
        o.remove();
        let buckets = self.map.num_buckets();
        if buckets > MIN_SHRINK_BUCKETS && self.map.len() * 10 < buckets {
            self.map.shrink_to(self.map.len(), |p| key_hash(p.field()));
            self.layout_epoch = self.layout_epoch.wrapping_add(1);
        }
        true
    }

    /// Iterates over the pairs in bucket order.
    pub fn iter(&self) -> hashbrown::hash_table::Iter<'_, Pair> {
        self.map.iter()
    }

    /// A random full bucket of a non-empty table and its pair; `rand` yields
    /// random numbers. Tables are kept at least a tenth full (see `remove`), so
    /// a few draws find one; a run of misses falls back to a scan from a random
    /// start.
    pub fn random_bucket(&self, rand: &mut impl FnMut() -> u64) -> (usize, &Pair) {
        let n = self.map.num_buckets();
        for _ in 0..64 {
            let i = (rand() % n as u64) as usize;
            if let Some(p) = self.map.get_bucket(i) {
                return (i, p);
            }
        }
        let start = (rand() % n as u64) as usize;
        (0..n)
            .map(|k| (start + k) % n)
            .find_map(|i| self.map.get_bucket(i).map(|p| (i, p)))
            .expect("table is not empty")
    }

    /// Number of buckets; bucket indexes stay valid while `layout_epoch` holds.
    pub fn num_buckets(&self) -> usize {
        self.map.num_buckets()
    }

    /// Changes (wrapping) whenever pairs may have moved between buckets.
    pub fn layout_epoch(&self) -> u32 {
        self.layout_epoch
    }

    /// The pair in bucket `index`, if the bucket is full.
    pub fn bucket(&self, index: usize) -> Option<&Pair> {
        self.map.get_bucket(index)
    }

    /// Heap bytes: the buckets and every pair's allocation.
    pub fn heap_size_bytes(&self) -> usize {
        self.map.allocation_size() + self.map.iter().map(Pair::size_bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_hold_field_and_value() {
        for (f, v) in [(0usize, 0usize), (1, 127), (128, 5), (20_000, 300_000)] {
            let field: Vec<u8> = (0..f).map(|i| i as u8).collect();
            let value: Vec<u8> = (0..v).map(|i| (i * 7) as u8).collect();
            let p = Pair::new(&field, &value);
            assert_eq!(p.field(), &field[..]);
            assert_eq!(p.value(), &value[..]);
            let q = p.clone();
            assert_eq!((q.field(), q.value()), (p.field(), p.value()));
        }
        assert_eq!(Pair::new(b"field:1", b"v").size_bytes(), 2 + 7 + 1);
        assert_eq!(std::mem::size_of::<Pair>(), 8);
        assert_eq!(std::mem::size_of::<Option<Pair>>(), 8);
    }

    #[test]
    fn set_remove_and_shrink() {
        let mut t = PairTable::default();
        for i in 0..10_000 {
            assert!(t.set(format!("f{i}").as_bytes(), b"v"));
        }
        assert!(!t.set(b"f7", b"new"));
        assert_eq!(t.get(b"f7").unwrap().value(), b"new");
        assert_eq!(t.len(), 10_000);
        let big = t.num_buckets();
        let epoch = t.layout_epoch();
        for i in 0..9_990 {
            assert!(t.remove(format!("f{i}").as_bytes()));
        }
        assert!(!t.remove(b"f0"));
        assert!(t.num_buckets() < big);
        assert_ne!(t.layout_epoch(), epoch);
        assert_eq!(t.iter().count(), 10);
        let full = (0..t.num_buckets()).filter(|&i| t.bucket(i).is_some()).count();
        assert_eq!(full, 10);
    }
}
