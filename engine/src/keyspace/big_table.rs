//! The hash tables of big collections (hash, set and sorted set tables):
//! hashbrown tables whose bucket arrays of 1 MiB and more are faulted in
//! when they are allocated.
//!
//! Why: a fresh bucket array is untouched memory, and the first writes to
//! its pages fault them in one by one; with transparent huge pages each
//! fault clears 2 MiB, and the first thousand inserts into a table sized
//! for a million elements (a migration's reservation, built off the shard)
//! land on every page at once: ~15 ms of faults inside one command. Faulted
//! in where the table is allocated, they cost the shard nothing when that is
//! a helper thread, and no more than the rehash that follows when it is the
//! shard growing the table.

use std::alloc::Layout;
use std::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator, Global};
use hashbrown::HashTable;

/// Bucket arrays from this size on are faulted in at allocation.
const PREFAULT_MIN_BYTES: usize = 1 << 20;
/// Stride of the writes that fault a block in (the smallest page size).
const PAGE_BYTES: usize = 4096;

/// The global allocator, faulting in big blocks as it hands them out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Prefaulted;

// SAFETY: every block comes from `Global` and goes back to it unchanged;
// faulting in writes only to the block just allocated, which no one else
// can see yet.
unsafe impl Allocator for Prefaulted {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let block = Global.allocate(layout)?;
        if block.len() >= PREFAULT_MIN_BYTES {
            let start = block.cast::<u8>().as_ptr();
            for offset in (0..block.len()).step_by(PAGE_BYTES) {
                // SAFETY: offset < block.len(): inside the fresh block.
                unsafe { start.add(offset).write_volatile(0) };
            }
        }
        Ok(block)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: allocated by `allocate` above, i.e. by `Global`, with `layout`.
        unsafe { Global.deallocate(ptr, layout) }
    }
}

/// A hash table of a big collection.
pub type BigTable<T> = HashTable<T, Prefaulted>;

/// An empty [`BigTable`] with room for `capacity` elements.
pub fn big_table<T>(capacity: usize) -> BigTable<T> {
    HashTable::with_capacity_in(capacity, Prefaulted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_and_small_tables_hold_what_they_are_given() {
        for n in [0usize, 10, 300_000] {
            let mut t: BigTable<u64> = big_table(n);
            assert!(t.capacity() >= n);
            for i in 0..n as u64 + 5 {
                t.insert_unique(i, i, |&x| x);
            }
            assert_eq!(t.len(), n + 5);
            assert_eq!(t.find(3, |&x| x == 3), Some(&3));
        }
    }
}
