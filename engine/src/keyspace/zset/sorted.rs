//! The large sorted set encoding (`OBJECT ENCODING` says `skiplist`, as Redis):
//! a hash index from member to element plus an order-statistic tree in
//! (score, member) order, both holding the same thin element handles.
//!
//! Per element: one block with score, length and member bytes (`elem.rs`),
//! one 8-byte handle in the hash table (plus its control byte) and one
//! 16-byte (score, handle) pair in a tree leaf.

use super::elem::Elem;
use super::tree::{Entry, Tree};
use crate::keyspace::big_table::{big_table, BigTable};
use ahash::RandomState;
use std::sync::OnceLock;

fn hasher() -> &'static RandomState {
    static H: OnceLock<RandomState> = OnceLock::new();
    H.get_or_init(RandomState::new)
}

fn hash(member: &[u8]) -> u64 {
    hasher().hash_one(member)
}

/// Member index and rank order of a large sorted set. Owns every `Elem`.
#[derive(Default)]
pub struct Sorted {
    index: BigTable<Elem>,
    tree: Tree,
    /// Sum of the element blocks' sizes.
    elem_bytes: usize,
}

impl Sorted {
    /// An empty set with room for `n` members in its index.
    pub fn with_capacity(n: usize) -> Sorted {
        Sorted { index: big_table(n), tree: Tree::default(), elem_bytes: 0 }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    /// True when there is no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn find(&self, member: &[u8]) -> Option<Elem> {
        self.index.find(hash(member), |e| e.member() == member).copied()
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.find(member).map(|e| e.score())
    }

    /// Adds `member` (not yet in the set) with `score`.
    pub fn insert_new(&mut self, member: &[u8], score: f64) {
        let elem = Elem::new(member, score);
        self.elem_bytes += elem.size_bytes();
        self.index.insert_unique(hash(member), elem, |e| hash(e.member()));
        self.tree.insert(Entry { score, elem });
    }

    /// Sets the score of `member`, which is in the set.
    pub fn update(&mut self, member: &[u8], score: f64) {
        let elem = self.find(member).expect("member present");
        let rank = self.tree.rank(elem.score(), member);
        self.tree.remove_at(rank);
        elem.set_score(score);
        self.tree.insert(Entry { score, elem });
    }

    /// Removes `member`; false when absent.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        let Some(elem) = self.find(member) else { return false };
        let rank = self.tree.rank(elem.score(), member);
        self.remove_at(rank);
        true
    }

    /// Removes the element at `rank`, freeing it.
    pub fn remove_at(&mut self, rank: usize) {
        let Entry { elem, .. } = self.tree.remove_at(rank);
        let member = elem.member();
        match self.index.find_entry(hash(member), |e| *e == elem) {
            Ok(slot) => {
                slot.remove();
            }
            Err(_) => unreachable!("tree and index hold the same elements"),
        }
        self.elem_bytes -= elem.size_bytes();
        elem.free();
        // Shrink the index after mass removals, as Redis resizes its dict.
        if self.index.capacity() > 64 && self.index.len() * 8 < self.index.capacity() {
            self.index.shrink_to(self.index.len() * 2, |e| hash(e.member()));
        }
    }

    /// Rank of `member` in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        self.find(member).map(|e| self.tree.rank(e.score(), member))
    }

    /// The entry at `rank`.
    pub fn get(&self, rank: usize) -> (&[u8], f64) {
        let e = self.tree.get(rank);
        (e.elem.member(), e.score)
    }

    /// Number of leading elements for which `before(member, score)` holds
    /// (true for a prefix of the order only).
    pub fn partition_point(&self, before: impl Fn(&[u8], f64) -> bool) -> usize {
        self.tree.partition_point(|e| before(e.elem.member(), e.score))
    }

    /// Calls `f` on elements of ranks `start..end`, descending if `rev`,
    /// until it returns false.
    pub fn walk(&self, start: usize, end: usize, rev: bool, mut f: impl FnMut(&[u8], f64) -> bool) {
        self.tree.walk(start, end, rev, |e| f(e.elem.member(), e.score));
    }

    /// Visits members in index order from bucket `from`, at least `count`
    /// of them (fewer at the end); returns the bucket to resume at, or None
    /// when the end was reached (ZSCAN).
    pub fn scan(&self, from: usize, count: usize, mut f: impl FnMut(&[u8], f64)) -> Option<usize> {
        let buckets = self.index.num_buckets();
        let mut seen = 0;
        let mut b = from;
        while b < buckets {
            if let Some(e) = self.index.get_bucket(b) {
                f(e.member(), e.score());
                seen += 1;
            }
            b += 1;
            if seen >= count && b < buckets {
                return Some(b);
            }
        }
        None
    }

    /// Number of buckets of the index (ZSCAN cursors name a bucket of it).
    pub fn num_buckets(&self) -> usize {
        self.index.num_buckets()
    }

    /// A uniformly random member and its score (`pick` is a random number).
    pub fn random(&self, pick: u64) -> (&[u8], f64) {
        self.get((pick % self.len() as u64) as usize)
    }

    /// Approximate heap bytes owned.
    pub fn heap_size_bytes(&self) -> usize {
        self.elem_bytes + self.index.allocation_size() + self.tree.heap_size_bytes()
    }

    /// Checks that index and tree agree (tests).
    #[cfg(test)]
    pub fn check(&self) {
        self.tree.check();
        assert_eq!(self.index.len(), self.tree.len());
        self.walk(0, self.len(), false, |m, s| {
            assert_eq!(self.score(m), Some(s));
            true
        });
    }
}

// SAFETY: a `Sorted` owns every block its handles point to (no other value
// shares them), so moving it to another thread moves sole ownership, like a
// `Box`; shared references only read the blocks.
unsafe impl Send for Sorted {}
// SAFETY: see `Send`; `&Sorted` offers no mutation (`Elem::set_score` is only
// called through `&mut Sorted`).
unsafe impl Sync for Sorted {}

impl Drop for Sorted {
    fn drop(&mut self) {
        for e in self.index.drain() {
            e.free();
        }
    }
}

impl Clone for Sorted {
    fn clone(&self) -> Self {
        let mut copy = Sorted::with_capacity(self.len());
        self.walk(0, self.len(), false, |m, s| {
            copy.insert_new(m, s);
            true
        });
        copy
    }
}
