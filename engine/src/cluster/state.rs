//! What a node knows of its cluster (Redis's `clusterState`): the nodes, who
//! serves each of the 16384 slots, slots being migrated or imported, the
//! epochs, and whether the cluster is up; with the renderings Redis gives
//! of it (CLUSTER NODES lines, which are also nodes.conf lines).
//!
//! Invariants:
//! - `myself` is node 0 and is never removed;
//! - `owner[s]` is a node index or [`NO_NODE`]; a node's `slot_count` is
//!   the number of slots whose owner it is;
//! - node ids are unique.

use super::bus::{node_flags, NodeId, NODE_ID_BYTES};
use crate::slot::{Slot, SLOT_COUNT};

/// Bus message types counted (PING .. PUBLISHSHARD).
pub const MESSAGE_TYPES: usize = 11;

/// Names of the message types, as CLUSTER INFO prints them.
pub const MESSAGE_TYPE_NAMES: [&str; MESSAGE_TYPES] = [
    "ping",
    "pong",
    "meet",
    "fail",
    "publish",
    "auth-req",
    "auth-ack",
    "update",
    "mfstart",
    "module",
    "publishshard",
];

/// No node (an unassigned slot, a slot not migrating).
const NO_NODE: u16 = u16::MAX;

/// One node as this node knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub id: NodeId,
    /// Address clients and peers use; empty until known.
    pub ip: String,
    pub port: u16,
    pub cport: u16,
    /// Plaintext port when the client port is TLS (0: none).
    pub pport: u16,
    /// Announced hostname (empty: none).
    pub hostname: String,
    /// [`node_flags`].
    pub flags: u16,
    /// Its master, when it is a replica.
    pub master: Option<NodeId>,
    pub config_epoch: u64,
    /// Unix ms of the ping in flight (0: none) and of the last pong.
    pub ping_sent_ms: u64,
    pub pong_received_ms: u64,
    /// An outbound link is up.
    pub connected: bool,
    /// Unix ms when the outbound link came up (0: no link).
    pub link_since_ms: u64,
    /// Unix ms: when this node was added, when anything was last received
    /// from it, when it was flagged FAIL.
    pub ctime_ms: u64,
    pub data_received_ms: u64,
    pub fail_time_ms: u64,
    /// Masters that reported it PFAIL or FAIL, with when they last did.
    pub fail_reports: Vec<(NodeId, u64)>,
    /// Stable handle: links refer to nodes by it (ids change in handshakes).
    handle: u64,
    /// Slots it serves.
    slot_count: usize,
}

impl Node {
    /// A node known by its id only.
    pub fn new(id: NodeId, flags: u16) -> Node {
        Node {
            id,
            ip: String::new(),
            port: 0,
            cport: 0,
            pport: 0,
            hostname: String::new(),
            flags,
            master: None,
            config_epoch: 0,
            ping_sent_ms: 0,
            pong_received_ms: 0,
            connected: false,
            link_since_ms: 0,
            ctime_ms: 0,
            data_received_ms: 0,
            fail_time_ms: 0,
            fail_reports: Vec::new(),
            handle: 0,
            slot_count: 0,
        }
    }

    /// The node's stable handle (see [`Cluster::by_handle`]).
    pub fn handle(&self) -> u64 {
        self.handle
    }

    /// Number of slots it serves.
    pub fn slot_count(&self) -> usize {
        self.slot_count
    }

    pub fn is_master(&self) -> bool {
        self.flags & node_flags::MASTER != 0
    }

    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// Redis's flags field: "myself,master", "slave,fail?" ... or "noflags".
    pub fn flag_names(&self) -> String {
        const NAMES: [(u16, &str); 8] = [
            (node_flags::MYSELF, "myself"),
            (node_flags::MASTER, "master"),
            (node_flags::SLAVE, "slave"),
            (node_flags::PFAIL, "fail?"),
            (node_flags::FAIL, "fail"),
            (node_flags::HANDSHAKE, "handshake"),
            (node_flags::NOADDR, "noaddr"),
            (node_flags::NOFAILOVER, "nofailover"),
        ];
        let names: Vec<&str> =
            NAMES.iter().filter(|(f, _)| self.flags & f != 0).map(|(_, n)| *n).collect();
        if names.is_empty() {
            "noflags".into()
        } else {
            names.join(",")
        }
    }
}

/// Whether the cluster serves queries (CLUSTER INFO `cluster_state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    Ok,
    Fail,
}

/// The cluster as this node sees it.
pub struct Cluster {
    nodes: Vec<Node>,
    owner: Box<[u16]>,
    migrating_to: Box<[u16]>,
    importing_from: Box<[u16]>,
    pub current_epoch: u64,
    pub last_vote_epoch: u64,
    pub health: Health,
    /// Bus messages sent and received, by type (CLUSTER INFO).
    pub messages_sent: [u64; MESSAGE_TYPES],
    pub messages_received: [u64; MESSAGE_TYPES],
    next_handle: u64,
    /// Nodes forgotten by CLUSTER FORGET, not to be re-added from gossip
    /// before the Unix ms given.
    forgotten: Vec<(NodeId, u64)>,
}

/// The slot tables of a [`Cluster`], by node index ([`SlotIndexes::NONE`]
/// for no node).
pub struct SlotIndexes<'a> {
    pub nodes: &'a [Node],
    pub owner: &'a [u16],
    pub migrating_to: &'a [u16],
    pub importing_from: &'a [u16],
}

impl SlotIndexes<'_> {
    /// The index that stands for no node.
    pub const NONE: u16 = NO_NODE;
}

/// The text of an id (ids are hex, so always UTF-8 once validated).
pub fn id_str(id: &NodeId) -> &str {
    std::str::from_utf8(id).unwrap_or("????????????????????????????????????????")
}

/// Parses a node id: exactly 40 bytes (Redis looks ids up by their bytes).
pub fn parse_id(b: &[u8]) -> Option<NodeId> {
    b.try_into().ok()
}

/// A fresh random node id from 20 random bytes (40 lower-case hex digits).
pub fn new_id(random: [u8; NODE_ID_BYTES / 2]) -> NodeId {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = [0u8; NODE_ID_BYTES];
    for (i, b) in random.iter().enumerate() {
        id[2 * i] = HEX[(b >> 4) as usize];
        id[2 * i + 1] = HEX[(b & 15) as usize];
    }
    id
}

impl Cluster {
    /// A cluster of one master, `myself`, serving no slot, state fail.
    pub fn new(myself: NodeId) -> Cluster {
        Cluster {
            nodes: vec![Node::new(myself, node_flags::MYSELF | node_flags::MASTER)],
            owner: vec![NO_NODE; SLOT_COUNT].into_boxed_slice(),
            migrating_to: vec![NO_NODE; SLOT_COUNT].into_boxed_slice(),
            importing_from: vec![NO_NODE; SLOT_COUNT].into_boxed_slice(),
            current_epoch: 0,
            last_vote_epoch: 0,
            health: Health::Fail,
            messages_sent: [0; MESSAGE_TYPES],
            messages_received: [0; MESSAGE_TYPES],
            next_handle: 1,
            forgotten: Vec::new(),
        }
    }

    /// This node.
    pub fn myself(&self) -> &Node {
        &self.nodes[0]
    }

    /// This node, to change.
    pub fn myself_mut(&mut self) -> &mut Node {
        &mut self.nodes[0]
    }

    /// Every known node, this one first.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    fn index(&self, id: &[u8]) -> Option<u16> {
        self.nodes.iter().position(|n| &n.id[..] == id).map(|i| i as u16)
    }

    /// The node with id `id`.
    pub fn node(&self, id: &[u8]) -> Option<&Node> {
        self.index(id).map(|i| &self.nodes[i as usize])
    }

    /// The node with id `id`, to change.
    pub fn node_mut(&mut self, id: &[u8]) -> Option<&mut Node> {
        self.index(id).map(|i| &mut self.nodes[i as usize])
    }

    /// Adds a node (its id must be new), giving it a fresh handle.
    pub fn add_node(&mut self, mut node: Node) -> u64 {
        assert!(self.index(&node.id).is_none(), "node ids are unique");
        assert!(self.nodes.len() < NO_NODE as usize, "too many nodes");
        node.handle = self.next_handle;
        self.next_handle += 1;
        self.nodes.push(node);
        self.next_handle - 1
    }

    /// The node with handle `handle`, if it is still known.
    pub fn by_handle(&self, handle: u64) -> Option<&Node> {
        self.nodes.iter().find(|n| n.handle == handle)
    }

    /// The node with handle `handle`, to change.
    pub fn by_handle_mut(&mut self, handle: u64) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.handle == handle)
    }

    /// Counts a bus message of type `t` sent (or received).
    pub fn count_message(&mut self, t: u16, sent: bool) {
        let counts = if sent { &mut self.messages_sent } else { &mut self.messages_received };
        if let Some(n) = counts.get_mut(t as usize) {
            *n += 1;
        }
    }

    /// Gives node `handle` the id `id` (a handshake learnt its real id).
    pub fn rename(&mut self, handle: u64, id: NodeId) {
        assert!(self.index(&id).is_none(), "node ids are unique");
        if let Some(n) = self.by_handle_mut(handle) {
            n.id = id;
        }
    }

    /// Removes a node other than myself, with its slot assignments and
    /// migration marks.
    pub fn remove_node(&mut self, id: &[u8]) -> Option<Node> {
        let i = self.index(id)?;
        assert_ne!(i, 0, "myself is never removed");
        let last = (self.nodes.len() - 1) as u16;
        for table in [&mut self.owner, &mut self.migrating_to, &mut self.importing_from] {
            for o in table.iter_mut() {
                if *o == i {
                    *o = NO_NODE;
                } else if *o == last {
                    *o = i;
                }
            }
        }
        Some(self.nodes.swap_remove(i as usize))
    }

    /// How long a forgotten node stays out of reach of gossip, ms (Redis's
    /// `CLUSTER_BLACKLIST_TTL`).
    pub const FORGET_TTL_MS: u64 = 60_000;

    /// Removes node `id` and keeps gossip from adding it back for
    /// [`Self::FORGET_TTL_MS`] (CLUSTER FORGET).
    pub fn forget(&mut self, id: &NodeId, now_ms: u64) {
        self.remove_node(id);
        self.forgotten.retain(|(f, until)| f != id && *until > now_ms);
        self.forgotten.push((*id, now_ms + Self::FORGET_TTL_MS));
    }

    /// Whether `id` was forgotten less than [`Self::FORGET_TTL_MS`] ago.
    pub fn is_forgotten(&self, id: &NodeId, now_ms: u64) -> bool {
        self.forgotten.iter().any(|(f, until)| f == id && *until > now_ms)
    }

    /// Forgets every other node, every slot assignment and migration mark
    /// (CLUSTER RESET): myself becomes a master; with `new_id` (RESET HARD)
    /// it takes that id and config epoch 0.
    pub fn reset(&mut self, new_id: Option<NodeId>) {
        let mut me = self.nodes.swap_remove(0);
        me.slot_count = 0;
        me.flags = (me.flags & !node_flags::SLAVE) | node_flags::MASTER;
        me.master = None;
        if let Some(id) = new_id {
            me.id = id;
            me.config_epoch = 0;
        }
        self.nodes = vec![me];
        for table in [&mut self.owner, &mut self.migrating_to, &mut self.importing_from] {
            table.fill(NO_NODE);
        }
    }

    fn at(&self, i: u16) -> Option<&Node> {
        (i != NO_NODE).then(|| &self.nodes[i as usize])
    }

    /// Who serves `slot`.
    pub fn owner(&self, slot: Slot) -> Option<&Node> {
        self.at(self.owner[slot as usize])
    }

    /// Whether this node serves `slot`.
    pub fn is_mine(&self, slot: Slot) -> bool {
        self.owner[slot as usize] == 0
    }

    /// Where `slot` is being migrated to (SETSLOT MIGRATING), if anywhere.
    pub fn migrating_to(&self, slot: Slot) -> Option<&Node> {
        self.at(self.migrating_to[slot as usize])
    }

    /// Where `slot` is being imported from (SETSLOT IMPORTING), if anywhere.
    pub fn importing_from(&self, slot: Slot) -> Option<&Node> {
        self.at(self.importing_from[slot as usize])
    }

    /// Per slot, the index in [`SlotIndexes::nodes`] of its owner, of the
    /// node it migrates to and of the node it imports from: a routing table
    /// is built from these in one pass.
    pub fn slot_indexes(&self) -> SlotIndexes<'_> {
        SlotIndexes {
            nodes: &self.nodes,
            owner: &self.owner,
            migrating_to: &self.migrating_to,
            importing_from: &self.importing_from,
        }
    }

    /// Makes `id` (a known node) the owner of `slot`.
    pub fn assign(&mut self, slot: Slot, id: &[u8]) {
        let i = self.index(id).expect("assigning to a known node");
        self.unassign(slot);
        self.owner[slot as usize] = i;
        self.nodes[i as usize].slot_count += 1;
    }

    /// Leaves `slot` unassigned.
    pub fn unassign(&mut self, slot: Slot) {
        let old = std::mem::replace(&mut self.owner[slot as usize], NO_NODE);
        if old != NO_NODE {
            self.nodes[old as usize].slot_count -= 1;
        }
    }

    /// Marks `slot` as migrating to `to` (None: not migrating).
    pub fn set_migrating(&mut self, slot: Slot, to: Option<&[u8]>) {
        self.migrating_to[slot as usize] = to.and_then(|id| self.index(id)).unwrap_or(NO_NODE);
    }

    /// Marks `slot` as importing from `from` (None: not importing).
    pub fn set_importing(&mut self, slot: Slot, from: Option<&[u8]>) {
        self.importing_from[slot as usize] = from.and_then(|id| self.index(id)).unwrap_or(NO_NODE);
    }

    /// Runs of consecutive slots with one owner: (first, last, owner).
    pub fn slot_ranges(&self) -> Vec<(Slot, Slot, &Node)> {
        let mut ranges = Vec::new();
        let mut s = 0;
        while s < SLOT_COUNT {
            let o = self.owner[s];
            let start = s;
            while s < SLOT_COUNT && self.owner[s] == o {
                s += 1;
            }
            if let Some(n) = self.at(o) {
                ranges.push((start as Slot, (s - 1) as Slot, n));
            }
        }
        ranges
    }

    /// The slot ranges `node` serves, in order.
    pub fn ranges_of(&self, id: &NodeId) -> Vec<(Slot, Slot)> {
        self.slot_ranges()
            .into_iter()
            .filter(|(_, _, n)| &n.id == id)
            .map(|(a, b, _)| (a, b))
            .collect()
    }

    /// Number of masters serving at least one slot (CLUSTER INFO `cluster_size`).
    pub fn size(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_master() && n.slot_count > 0).count()
    }

    /// Recomputes [`Health`] as Redis's `clusterUpdateState` (without its
    /// rejoin delays): fail when a slot is unassigned or served by a failed
    /// node and `require_full_coverage`, or when fewer than a majority of
    /// the masters serving slots are reachable.
    pub fn update_health(&mut self, require_full_coverage: bool) {
        let failed: Vec<bool> = self.nodes.iter().map(|n| n.has(node_flags::FAIL)).collect();
        let uncovered = self.owner.iter().any(|&o| o == NO_NODE || failed[o as usize]);
        let serving = self.nodes.iter().filter(|n| n.is_master() && n.slot_count > 0);
        let reachable = serving.filter(|n| !n.has(node_flags::FAIL | node_flags::PFAIL)).count();
        let quorum = self.size() / 2 + 1;
        self.health = if (require_full_coverage && uncovered) || reachable < quorum {
            Health::Fail
        } else {
            Health::Ok
        };
    }

    /// One CLUSTER NODES line (without its newline), as
    /// `clusterGenNodeDescription`; migration marks only on myself's line.
    pub fn describe(&self, node: &Node) -> String {
        self.describe_in(node, &self.slot_ranges())
    }

    /// [`Self::describe`] with the slot ranges of all nodes at hand.
    fn describe_in(&self, node: &Node, ranges: &[(Slot, Slot, &Node)]) -> String {
        let mut line = String::with_capacity(128);
        line.push_str(id_str(&node.id));
        line.push_str(&format!(" {}:{}@{}", node.ip, node.port, node.cport));
        if !node.hostname.is_empty() {
            line.push(',');
            line.push_str(&node.hostname);
        }
        line.push(' ');
        line.push_str(&node.flag_names());
        line.push(' ');
        line.push_str(node.master.as_ref().map_or("-", id_str));
        let epoch = match node.master.as_ref().and_then(|m| self.node(m)) {
            Some(master) if node.has(node_flags::SLAVE) => master.config_epoch,
            _ => node.config_epoch,
        };
        let link = if node.connected || node.has(node_flags::MYSELF) {
            "connected"
        } else {
            "disconnected"
        };
        line.push_str(&format!(
            " {} {} {} {}",
            node.ping_sent_ms, node.pong_received_ms, epoch, link
        ));
        for &(a, b, _) in ranges.iter().filter(|r| r.2.id == node.id) {
            if a == b {
                line.push_str(&format!(" {a}"));
            } else {
                line.push_str(&format!(" {a}-{b}"));
            }
        }
        if node.has(node_flags::MYSELF) {
            let marked = self.migrating_to.iter().zip(self.importing_from.iter());
            for (s, (&to, &from)) in marked.enumerate().filter(|(_, m)| *m != (&NO_NODE, &NO_NODE))
            {
                if let Some(to) = self.at(to) {
                    line.push_str(&format!(" [{s}->-{}]", id_str(&to.id)));
                } else if let Some(from) = self.at(from) {
                    line.push_str(&format!(" [{s}-<-{}]", id_str(&from.id)));
                }
            }
        }
        line
    }

    /// CLUSTER NODES: one line per node, each ending in a newline, nodes
    /// whose flags intersect `skip` left out (nodes.conf skips handshakes).
    pub fn describe_all(&self, skip: u16) -> String {
        let mut out = String::new();
        let ranges = self.slot_ranges();
        for n in self.nodes.iter().filter(|n| n.flags & skip == 0) {
            out.push_str(&self.describe_in(n, &ranges));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
