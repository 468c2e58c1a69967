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
    /// Allocations freeing it gives back. For tables, their keys and their
    /// values' allocations, counted only until the sum passes
    /// [`LAZYFREE_THRESHOLD`] (a slot of four keys can hold millions of
    /// elements; past the threshold the exact figure does not matter, and
    /// counting stops before it costs much).
    pub fn effort(&self) -> usize {
        match self {
            Garbage::Value(v) => v.free_effort(),
            Garbage::Tables(ts) => {
                let mut n = 0;
                for t in ts {
                    n += t.len();
                    for e in t.iter() {
                        if n > LAZYFREE_THRESHOLD {
                            return n;
                        }
                        n += e.value.free_effort();
                    }
                }
                n
            }
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

    /// A slot of one key holding 1000 fields is freed later, not on the
    /// shard: its values count, not just its keys.
    #[test]
    fn tables_count_their_values() {
        use crate::cmd::test_util::run;
        use std::cell::RefCell;
        use std::rc::Rc;
        let mut ks = crate::keyspace::Keyspace::new(1);
        let sent = Rc::new(RefCell::new(Vec::new()));
        let log = sent.clone();
        ks.set_lazyfree_sink(Box::new(move |g: Garbage| log.borrow_mut().push(g.effort())));
        let mut cmd = vec!["HSET".to_string(), "big".into()];
        for i in 0..1000 {
            cmd.extend([format!("f{i}"), "v".into()]);
        }
        run(&mut ks, 0, &cmd.iter().map(String::as_str).collect::<Vec<_>>());
        run(&mut ks, 0, &["SET", "small", "v"]);
        ks.drop_slots(0, [crate::slot::key_slot(b"small")]);
        assert!(sent.borrow().is_empty(), "one small key is freed at once");
        ks.drop_slots(0, [crate::slot::key_slot(b"big")]);
        assert!(sent.borrow()[0] > LAZYFREE_THRESHOLD, "{:?}", sent.borrow());
    }
}
