//! The lazyfree thread: frees what the shards' keyspaces hand over (big
//! values deleted by UNLINK or MIGRATE, tables flushed by FLUSHDB ASYNC,
//! the tables of slots that left the node), so that freeing millions of
//! allocations never stalls a shard. Redis does the same on its lazyfree
//! bio thread.
//!
//! The thread owns nothing the shards use: each piece of garbage is moved to
//! it whole, and mimalloc takes frees from any thread (the allocator's
//! counters subtract them on this thread, so `used_memory` stays exact).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use engine::keyspace::lazyfree::{Garbage, Sink};

/// Counters the thread shares with INFO.
#[derive(Default)]
struct Counts {
    /// Objects (values, or keys of tables) handed over.
    queued: AtomicU64,
    /// Objects freed.
    freed: AtomicU64,
}

/// The handle the shards send garbage through.
#[derive(Clone)]
pub struct LazyFree {
    tx: mpsc::Sender<(Garbage, u64)>,
    counts: Arc<Counts>,
}

impl LazyFree {
    /// Starts the thread; it ends when every handle is gone.
    pub fn start() -> std::io::Result<LazyFree> {
        let (tx, rx) = mpsc::channel::<(Garbage, u64)>();
        let counts = Arc::new(Counts::default());
        let c = counts.clone();
        std::thread::Builder::new().name("lazyfree".into()).spawn(move || {
            for (garbage, objects) in rx {
                drop(garbage);
                c.freed.fetch_add(objects, Ordering::Relaxed);
            }
        })?;
        Ok(LazyFree { tx, counts })
    }

    /// A keyspace sink that sends here.
    pub fn sink(&self) -> Sink {
        let me = self.clone();
        Box::new(move |g: Garbage| {
            let objects = match &g {
                Garbage::Value(_) => 1,
                Garbage::Tables(ts) => ts.iter().map(|t| t.len() as u64).sum(),
            };
            me.counts.queued.fetch_add(objects, Ordering::Relaxed);
            if let Err(mpsc::SendError((g, _))) = me.tx.send((g, objects)) {
                // The thread is gone (the process is ending): free here.
                drop(g);
                me.counts.freed.fetch_add(objects, Ordering::Relaxed);
            }
        })
    }

    /// Objects handed over and not freed yet (INFO `lazyfree_pending_objects`).
    pub fn pending_objects(&self) -> u64 {
        let freed = self.counts.freed.load(Ordering::Relaxed);
        self.counts.queued.load(Ordering::Relaxed).saturating_sub(freed)
    }

    /// Objects freed so far (INFO `lazyfreed_objects`).
    pub fn freed_objects(&self) -> u64 {
        self.counts.freed.load(Ordering::Relaxed)
    }
}
