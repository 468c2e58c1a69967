//! The global allocator: mimalloc, wrapped to count live heap bytes for INFO's
//! `used_memory` without a shared hot counter.
//!
//! Each thread adds to its own cache-line-padded counter (a plain load and store:
//! only that thread writes it); INFO sums them. Memory freed on another thread
//! than the one that allocated it (a value handed between shards) is subtracted
//! there, so the sum stays exact. Threads beyond the first `SLOTS - 1` share the
//! last counter with atomic adds.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use mimalloc::MiMalloc;

const SLOTS: usize = 128;

#[repr(align(64))]
struct Padded(AtomicI64);

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: Padded = Padded(AtomicI64::new(0));
static COUNTERS: [Padded; SLOTS] = [ZERO; SLOTS];
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// mimalloc with per-thread byte counters.
pub struct CountingMiMalloc;

#[inline]
fn add(delta: i64) {
    let slot = SLOT
        .try_with(|s| {
            let mut v = s.get();
            if v == usize::MAX {
                v = NEXT_SLOT.fetch_add(1, Ordering::Relaxed).min(SLOTS - 1);
                s.set(v);
            }
            v
        })
        .unwrap_or(SLOTS - 1);
    let c = &COUNTERS[slot].0;
    if slot < SLOTS - 1 {
        c.store(c.load(Ordering::Relaxed) + delta, Ordering::Relaxed);
    } else {
        c.fetch_add(delta, Ordering::Relaxed);
    }
}

// SAFETY: every call forwards to mimalloc with the same layout; counting has no
// effect on the memory handed out.
unsafe impl GlobalAlloc for CountingMiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as i64);
        MiMalloc.alloc(layout)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as i64);
        MiMalloc.alloc_zeroed(layout)
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as i64));
        MiMalloc.dealloc(ptr, layout)
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as i64 - layout.size() as i64);
        MiMalloc.realloc(ptr, layout, new_size)
    }
}

/// Live heap bytes allocated through the global allocator.
pub fn used_memory_bytes() -> u64 {
    COUNTERS.iter().map(|c| c.0.load(Ordering::Relaxed)).sum::<i64>().max(0) as u64
}

static PEAK_BYTES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Records the current `used_memory` into the peak (called by every shard's cron)
/// and returns the peak so far.
pub fn sample_peak_bytes() -> u64 {
    let now = used_memory_bytes();
    PEAK_BYTES.fetch_max(now, Ordering::Relaxed).max(now)
}
