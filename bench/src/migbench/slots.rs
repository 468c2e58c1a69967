//! Where each hash slot lives, as a client sees it: a table of 16384 node
//! ports shared by the load threads, read from CLUSTER SLOTS and corrected by
//! the MOVED replies the load gets; parsing of the MOVED and ASK redirections
//! and of the other cluster errors a client must tell apart.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU16, Ordering};

use bench::client::Resp;

/// Hash slots in a cluster.
pub const SLOTS: usize = 16384;

/// The port of each slot's master; 0 while a slot has no master.
pub struct SlotMap {
    ports: Vec<AtomicU16>,
}

impl SlotMap {
    /// A map with the owners from `owners` (one port per slot).
    pub fn new(owners: &[u16]) -> SlotMap {
        assert_eq!(owners.len(), SLOTS, "one owner per slot");
        SlotMap { ports: owners.iter().map(|&p| AtomicU16::new(p)).collect() }
    }

    /// The port that serves `slot`, as last known.
    pub fn port(&self, slot: u16) -> u16 {
        self.ports[usize::from(slot)].load(Ordering::Relaxed)
    }

    /// Records what a MOVED said: `slot` is now served on `port`.
    pub fn moved(&self, slot: u16, port: u16) {
        self.ports[usize::from(slot)].store(port, Ordering::Relaxed);
    }
}

/// What an error reply means to a cluster client.
#[derive(Debug, PartialEq, Eq)]
pub enum ClusterError {
    /// `MOVED slot host:port`: the slot lives there now.
    Moved { slot: u16, port: u16 },
    /// `ASK slot host:port`: ask there, once, after ASKING.
    Ask { slot: u16, port: u16 },
    /// `TRYAGAIN ...`: a multi-key request during a move; retry later.
    TryAgain,
    /// `CLUSTERDOWN ...`: the cluster cannot serve now.
    ClusterDown,
    /// Any other error.
    Other,
}

/// Classifies the text of an error reply (without its `-`).
pub fn classify(error: &str) -> ClusterError {
    let mut words = error.split(' ');
    let kind = words.next().unwrap_or("");
    let redirect = |mut words: std::str::Split<'_, char>| {
        let slot = words.next()?.parse().ok().filter(|&s: &u16| usize::from(s) < SLOTS)?;
        let port = words.next()?.rsplit_once(':')?.1.parse().ok()?;
        Some((slot, port))
    };
    match kind {
        "MOVED" => redirect(words)
            .map_or(ClusterError::Other, |(slot, port)| ClusterError::Moved { slot, port }),
        "ASK" => redirect(words)
            .map_or(ClusterError::Other, |(slot, port)| ClusterError::Ask { slot, port }),
        "TRYAGAIN" => ClusterError::TryAgain,
        "CLUSTERDOWN" => ClusterError::ClusterDown,
        _ => ClusterError::Other,
    }
}

/// The owner port of every slot from a CLUSTER SLOTS reply (0 where none).
pub fn owners_from_cluster_slots(reply: &Resp) -> Result<Vec<u16>, String> {
    let bad = || format!("unexpected CLUSTER SLOTS reply: {reply:?}");
    let Resp::Array(Some(ranges)) = reply else { return Err(bad()) };
    let mut owners = vec![0u16; SLOTS];
    for range in ranges {
        let Resp::Array(Some(fields)) = range else { return Err(bad()) };
        let (Some(Resp::Int(start)), Some(Resp::Int(end)), Some(Resp::Array(Some(master)))) =
            (fields.first(), fields.get(1), fields.get(2))
        else {
            return Err(bad());
        };
        let Some(&Resp::Int(port)) = master.get(1) else { return Err(bad()) };
        let (start, end) = (*start as usize, *end as usize);
        if start > end || end >= SLOTS {
            return Err(bad());
        }
        owners[start..=end].fill(port as u16);
    }
    Ok(owners)
}

/// The slots that a reshard of `count` slots (out of [`SLOTS`]) to a new,
/// empty master takes, as both `redis-cli --cluster reshard` and `slotd
/// cluster reshard` plan it: from each master its share of `count`, in
/// proportion to its slots, lowest slots first. Used to place half of the
/// collections in slots that move; the benchmark counts what really moved.
pub fn planned_moves(owners: &[u16], count: usize) -> Vec<bool> {
    let mut by_master: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (slot, &port) in owners.iter().enumerate().filter(|(_, &p)| p != 0) {
        by_master.entry(port).or_default().push(slot);
    }
    let assigned: usize = by_master.values().map(Vec::len).sum();
    let mut moves = vec![false; owners.len()];
    for slots in by_master.values() {
        let share = (count * slots.len()).div_ceil(assigned.max(1));
        for &slot in slots.iter().take(share) {
            moves[slot] = true;
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirections_and_cluster_errors() {
        assert_eq!(
            classify("MOVED 3999 127.0.0.1:6381"),
            ClusterError::Moved { slot: 3999, port: 6381 }
        );
        assert_eq!(classify("ASK 12 ::1:7000"), ClusterError::Ask { slot: 12, port: 7000 });
        assert_eq!(
            classify("TRYAGAIN Multiple keys request during rehashing of slot"),
            ClusterError::TryAgain
        );
        assert_eq!(classify("CLUSTERDOWN The cluster is down"), ClusterError::ClusterDown);
        assert_eq!(classify("MOVED 16384 127.0.0.1:1"), ClusterError::Other);
        assert_eq!(classify("MOVED 1"), ClusterError::Other);
        assert_eq!(classify("ERR wrong number of arguments"), ClusterError::Other);
    }

    #[test]
    fn moved_updates_one_slot() {
        let map = SlotMap::new(&[7000; SLOTS]);
        let ClusterError::Moved { slot, port } = classify("MOVED 42 127.0.0.1:7003") else {
            panic!("not a MOVED")
        };
        map.moved(slot, port);
        assert_eq!(map.port(42), 7003);
        assert_eq!(map.port(41), 7000);
        assert_eq!(map.port(43), 7000);
    }

    #[test]
    fn reads_cluster_slots() {
        let node = |port| {
            Resp::Array(Some(vec![
                Resp::Bulk(Some(b"127.0.0.1".to_vec())),
                Resp::Int(port),
                Resp::Bulk(Some(b"id".to_vec())),
            ]))
        };
        let range = |a, b, port| Resp::Array(Some(vec![Resp::Int(a), Resp::Int(b), node(port)]));
        let reply = Resp::Array(Some(vec![range(0, 9, 7001), range(10, 16383, 7002)]));
        let owners = owners_from_cluster_slots(&reply).unwrap();
        assert_eq!((owners[0], owners[9], owners[10], owners[16383]), (7001, 7001, 7002, 7002));
        assert!(owners_from_cluster_slots(&Resp::Int(1)).is_err());
    }

    #[test]
    fn plans_the_lowest_slots_of_each_master() {
        // redis-cli --cluster create's split of 3 masters.
        let mut owners = vec![1u16; SLOTS];
        owners[5461..10923].fill(2);
        owners[10923..].fill(3);
        let moves = planned_moves(&owners, 4096);
        let moved: Vec<usize> = (0..SLOTS).filter(|&s| moves[s]).collect();
        assert!((4096..=4098).contains(&moved.len()), "{}", moved.len());
        assert!(moves[0] && moves[1364] && !moves[1366] && !moves[5460]);
        assert!(moves[5461] && moves[10923] && !moves[16383]);
    }
}
