//! Freeing big values away from the shard, as Redis's lazyfree does: what a
//! command deletes without having to free it at once (UNLINK, FLUSHDB ASYNC,
//! the tables of slots that left the node, keys MIGRATE moved) goes to the
//! keyspace's sink, which the node points at a background thread. Without a
//! sink (engine tests, tools) everything is freed at once.
//!
//! Values whose free effort ([`Value::free_effort`]) is at most
//! [`LAZYFREE_THRESHOLD`] are dropped at once: handing them over would cost
//! more than freeing them.

use super::{SlotTable, Value};

/// Values that free fewer allocations than this are freed in place (Redis's
/// `LAZYFREE_THRESHOLD`).
pub const LAZYFREE_THRESHOLD: usize = 64;

/// Something to free.
pub enum Garbage {
    /// A deleted value.
    Value(Value),
    /// Slot tables with all their keys.
    Tables(Vec<SlotTable>),
}

impl Garbage {
    /// Allocations freeing it gives back, at least (a table's keys count
    /// one each, their values are not looked at: this must stay O(1) per
    /// table).
    pub fn effort(&self) -> usize {
        match self {
            Garbage::Value(v) => v.free_effort(),
            Garbage::Tables(ts) => ts.iter().map(SlotTable::len).sum(),
        }
    }
}

/// Where the keyspace sends what it frees later.
pub type Sink = Box<dyn FnMut(Garbage)>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::hash::Hash;

    /// The node moves garbage to another thread.
    #[test]
    fn garbage_can_cross_threads() {
        fn send<T: Send>() {}
        send::<Garbage>();
    }

    #[test]
    fn effort_counts_allocations() {
        assert_eq!(Garbage::Value(Value::Int(1)).effort(), 1);
        let mut h = Hash::default();
        for i in 0..1000 {
            let limits = crate::keyspace::hash::ListpackLimits { entries: 128, value_bytes: 64 };
            h.set(format!("f{i}").as_bytes(), b"v", limits);
        }
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(Garbage::Value(Value::Hash(h)).effort(), 1000);
    }
}
