//! The cluster bus protocol as a state machine (Redis 7.0's
//! `clusterProcessPacket`, `clusterSendPing` and `clusterCron`): MEET and
//! the handshake, PING/PONG with gossip about other nodes, slot ownership
//! by config epoch, config epoch collisions, PFAIL → FAIL by a majority of
//! masters' reports, FAIL and UPDATE messages.
//!
//! No I/O: the node owns the links. For each message it calls
//! [`Cluster::process`] with what it knows of the link the message came on,
//! and carries out the returned [`Outcome`]; ten times a second it calls
//! [`Cluster::tick`] and carries out the [`Tick`]. Links name nodes by
//! handle (a node's id changes when a handshake learns the real one).

use super::bus::{
    msg_type, node_flags, Body, Extension, Gossip, Header, Message, NodeId, SLOT_BITMAP_BYTES,
};
use super::state::{Cluster, Health, Node};
use crate::slot::{Slot, SLOT_COUNT};

/// What became of a CLUSTER MEET.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    Started,
    /// One with that address is already under way.
    InProgress,
    /// Not an IP address, or a port out of range.
    InvalidAddress,
}

/// What the node knows of the link a message arrived on.
#[derive(Clone, Debug)]
pub struct Link {
    /// Accepted from a peer (else opened by us towards `node`).
    pub inbound: bool,
    /// The node the link belongs to: for an outbound link the one it was
    /// opened for; for an inbound one, once a message named a known sender.
    pub node: Option<u64>,
    /// The peer's IP address and ours, as the socket sees them.
    pub peer_ip: String,
    pub local_ip: String,
}

/// Settings the protocol needs.
#[derive(Clone, Debug)]
pub struct Settings {
    pub node_timeout_ms: u64,
    /// `cluster-announce-ip` (empty: learnt from peers).
    pub announce_ip: String,
    pub require_full_coverage: bool,
}

/// What to do after a message.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Send on the link the message came in on.
    pub reply: Option<Message>,
    /// Send on the outbound links of these nodes.
    pub send: Vec<(u64, Message)>,
    /// Send on every outbound link.
    pub broadcast: Vec<Message>,
    /// Close the link the message came in on.
    pub close_link: bool,
    /// Close the outbound links of these nodes (address changed, node gone).
    pub close_links_of: Vec<u64>,
    /// The inbound link belongs to this node from now on.
    pub bind_link: Option<u64>,
    /// The state changed: save nodes.conf, hand out a new view.
    pub changed: bool,
}

/// What the periodic work asks for.
#[derive(Debug, Default)]
pub struct Tick {
    /// Nodes to open an outbound link to (send [`Cluster::first_message`] once up).
    pub connect: Vec<u64>,
    /// Nodes to PING on their outbound link.
    pub ping: Vec<u64>,
    /// Outbound links to close (the peer stopped answering; reconnect later).
    pub close_links_of: Vec<u64>,
    /// Send on every outbound link.
    pub broadcast: Vec<Message>,
    pub changed: bool,
}

/// Reports of failure are forgotten after this many node timeouts.
const FAIL_REPORT_VALIDITY_MULT: u64 = 2;
/// A master back from FAIL with slots is cleared after this many node timeouts.
const FAIL_UNDO_TIME_MULT: u64 = 2;

impl Cluster {
    /// CLUSTER MEET: remembers `ip:port@cport` as a node to meet (with a
    /// made-up `id` until the handshake learns its own).
    pub fn start_handshake(
        &mut self,
        ip: &str,
        port: i64,
        cport: i64,
        id: NodeId,
        now_ms: u64,
    ) -> Handshake {
        let Ok(addr) = ip.parse::<std::net::IpAddr>() else { return Handshake::InvalidAddress };
        let ip = addr.to_string();
        let valid = |p: i64| (1..=65535).contains(&p);
        if !valid(port) || !valid(cport) {
            return Handshake::InvalidAddress;
        }
        let (port, cport) = (port as u16, cport as u16);
        let busy = self.nodes().iter().any(|n| {
            n.has(node_flags::HANDSHAKE)
                && n.ip.eq_ignore_ascii_case(&ip)
                && n.port == port
                && n.cport == cport
        });
        if busy {
            return Handshake::InProgress;
        }
        let mut n = Node::new(id, node_flags::HANDSHAKE | node_flags::MEET);
        n.ip = ip;
        n.port = port;
        n.cport = cport;
        n.ctime_ms = now_ms;
        self.add_node(n);
        Handshake::Started
    }

    /// The header of every message this node sends.
    fn header(&self, t: u16, s: &Settings) -> Header {
        let me = self.myself();
        let master =
            me.master.as_ref().and_then(|m| self.node(m)).filter(|_| me.has(node_flags::SLAVE));
        let owner = master.unwrap_or(me);
        let mut slots = Box::new([0u8; SLOT_BITMAP_BYTES]);
        for (a, b) in self.ranges_of(&owner.id) {
            for slot in a..=b {
                slots[slot as usize / 8] |= 1 << (slot % 8);
            }
        }
        Header {
            port: me.port,
            msg_type: t,
            current_epoch: self.current_epoch,
            config_epoch: owner.config_epoch,
            offset: 0,
            sender: me.id,
            slots,
            replica_of: me.master,
            ip: s.announce_ip.as_bytes().to_vec(),
            pport: me.pport,
            cport: me.cport,
            flags: me.flags,
            state: (self.health != Health::Ok) as u8,
            mflags: [0; 3],
        }
    }

    /// A PING, PONG or MEET with gossip about up to a tenth of the nodes
    /// (at least 3) and every node in PFAIL; `to` is the node an outbound
    /// PING goes to (its ping time is noted). `pick` gives random numbers.
    pub fn ping_message(
        &mut self,
        t: u16,
        to: Option<u64>,
        s: &Settings,
        now_ms: u64,
        mut pick: impl FnMut() -> u64,
    ) -> Message {
        if t == msg_type::PING {
            if let Some(n) = to.and_then(|h| self.by_handle_mut(h)) {
                n.ping_sent_ms = now_ms;
            }
        }
        let header = self.header(t, s);
        let candidates: Vec<usize> = (1..self.nodes().len())
            .filter(|&i| {
                let n = &self.nodes()[i];
                !n.has(node_flags::PFAIL | node_flags::HANDSHAKE | node_flags::NOADDR)
                    && (n.connected || n.slot_count() > 0)
            })
            .collect();
        let wanted = (self.nodes().len() / 10).max(3).min(candidates.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(wanted);
        let mut pool = candidates;
        while chosen.len() < wanted && !pool.is_empty() {
            let i = (pick() as usize) % pool.len();
            chosen.push(pool.swap_remove(i));
        }
        chosen.extend((1..self.nodes().len()).filter(|&i| {
            let n = &self.nodes()[i];
            n.has(node_flags::PFAIL) && !n.has(node_flags::HANDSHAKE | node_flags::NOADDR)
        }));
        let gossip = chosen.into_iter().map(|i| gossip_entry(&self.nodes()[i])).collect();
        let me = self.myself();
        let extensions = if me.hostname.is_empty() {
            vec![]
        } else {
            vec![Extension::hostname(me.hostname.as_bytes())]
        };
        Message { header, body: Body::Ping { gossip, extensions } }
    }

    /// What to send first on a new outbound link to node `h`: MEET when the
    /// node is to be met (then no longer), else PING (keeping the time of a
    /// ping still unanswered, for failure detection).
    pub fn first_message(
        &mut self,
        h: u64,
        s: &Settings,
        now_ms: u64,
        pick: impl FnMut() -> u64,
    ) -> Option<Message> {
        let n = self.by_handle_mut(h)?;
        n.connected = true;
        n.link_since_ms = now_ms;
        let meet = n.has(node_flags::MEET);
        n.flags &= !node_flags::MEET;
        let pending = n.ping_sent_ms;
        let t = if meet { msg_type::MEET } else { msg_type::PING };
        let m = self.ping_message(t, Some(h), s, now_ms, pick);
        if pending != 0 {
            if let Some(n) = self.by_handle_mut(h) {
                n.ping_sent_ms = pending;
            }
        }
        Some(m)
    }

    /// The outbound link of node `h` went down.
    pub fn link_down(&mut self, h: u64, now_ms: u64) {
        if let Some(n) = self.by_handle_mut(h) {
            n.connected = false;
            n.link_since_ms = 0;
            // A node we could not even connect to is being pinged, as Redis claims.
            if n.ping_sent_ms == 0 {
                n.ping_sent_ms = now_ms;
            }
        }
    }

    /// Handles one message that arrived on `link`.
    pub fn process(
        &mut self,
        m: &Message,
        link: &Link,
        s: &Settings,
        now_ms: u64,
        pick: impl FnMut() -> u64,
    ) -> Outcome {
        let mut out = Outcome::default();
        let h = &m.header;
        // The sender: the link's node once out of handshake, else by id.
        let link_node = link
            .node
            .and_then(|x| self.by_handle(x))
            .map(|n| (n.handle(), n.has(node_flags::HANDSHAKE)));
        let sender = match link_node {
            Some((x, false)) => Some(x),
            _ => {
                let found = self.node(&h.sender).map(|n| n.handle());
                if found.is_some() && link.inbound && link.node.is_none() {
                    out.bind_link = found;
                }
                found
            }
        };
        if let Some(x) = sender {
            let in_handshake = self.by_handle(x).is_some_and(|n| n.has(node_flags::HANDSHAKE));
            if let Some(n) = self.by_handle_mut(x) {
                n.data_received_ms = now_ms;
            }
            if !in_handshake {
                self.current_epoch = self.current_epoch.max(h.current_epoch);
                let n = self.by_handle_mut(x).expect("sender known");
                if h.config_epoch > n.config_epoch {
                    n.config_epoch = h.config_epoch;
                    out.changed = true;
                }
            }
        }
        match h.msg_type {
            msg_type::PING | msg_type::PONG | msg_type::MEET => {
                self.process_ping(m, link, sender, s, now_ms, pick, &mut out)
            }
            msg_type::FAIL => {
                if let (Some(_), Body::Fail { node }) = (sender, &m.body) {
                    if let Some(f) = self.node_mut(node) {
                        if !f.has(node_flags::FAIL | node_flags::MYSELF) {
                            f.flags = (f.flags | node_flags::FAIL) & !node_flags::PFAIL;
                            f.fail_time_ms = now_ms;
                            out.changed = true;
                        }
                    }
                }
            }
            msg_type::UPDATE => {
                if let (Some(_), Body::Update { config_epoch, node, slots }) = (sender, &m.body) {
                    let known = self.node(node).map(|n| (n.config_epoch, n.has(node_flags::SLAVE)));
                    if let Some((epoch, is_replica)) = known {
                        if epoch < *config_epoch {
                            let n = self.node_mut(node).expect("known");
                            if is_replica {
                                n.flags = (n.flags & !node_flags::SLAVE) | node_flags::MASTER;
                                n.master = None;
                            }
                            n.config_epoch = *config_epoch;
                            let id = *node;
                            self.update_slots_with(&id, *config_epoch, slots);
                            out.changed = true;
                        }
                    }
                }
            }
            // PUBLISH, failover votes and MFSTART need pub/sub and replicas (later).
            _ => {}
        }
        if out.changed {
            self.update_health(s.require_full_coverage);
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn process_ping(
        &mut self,
        m: &Message,
        link: &Link,
        sender: Option<u64>,
        s: &Settings,
        now_ms: u64,
        mut pick: impl FnMut() -> u64,
        out: &mut Outcome,
    ) {
        let h = &m.header;
        let t = h.msg_type;
        if t == msg_type::PING || t == msg_type::MEET {
            // Learn our own address from the socket a peer reached us on.
            if (t == msg_type::MEET || self.myself().ip.is_empty())
                && s.announce_ip.is_empty()
                && !link.local_ip.is_empty()
                && self.myself().ip != link.local_ip
            {
                self.myself_mut().ip = link.local_ip.clone();
                out.changed = true;
            }
            if sender.is_none() && t == msg_type::MEET {
                let mut n = Node::new(random_id(&mut pick), node_flags::HANDSHAKE);
                n.ip = announced_or(&h.ip, &link.peer_ip);
                n.port = h.port;
                n.pport = h.pport;
                n.cport = h.cport;
                n.ctime_ms = now_ms;
                self.add_node(n);
                self.process_gossip(m, None, now_ms, s, out);
                out.changed = true;
            }
            out.reply = Some(self.ping_message(msg_type::PONG, None, s, now_ms, &mut pick));
        }
        if !link.inbound {
            let Some(lh) = link.node else { return };
            let in_handshake = self.by_handle(lh).is_some_and(|n| n.has(node_flags::HANDSHAKE));
            if in_handshake {
                if let Some(known) = sender.filter(|&x| x != lh) {
                    // We met a node we already know: update its address, drop the handshake node.
                    if self.update_address(known, link, h) {
                        out.close_links_of.push(known);
                    }
                    let id = self.by_handle(lh).expect("link node").id;
                    self.remove_node(&id);
                    out.close_link = true;
                    out.changed = true;
                    return;
                }
                // The handshake is done: the node takes the id it sent.
                if self.node(&h.sender).is_none() {
                    self.rename(lh, h.sender);
                }
                let n = self.by_handle_mut(lh).expect("link node");
                n.flags &= !node_flags::HANDSHAKE;
                n.flags |= h.flags & (node_flags::MASTER | node_flags::SLAVE);
                out.changed = true;
            } else if self.by_handle(lh).is_some_and(|n| n.id != h.sender) {
                // Someone else answers at that address: forget it until gossip says more.
                let n = self.by_handle_mut(lh).expect("link node");
                n.flags |= node_flags::NOADDR;
                n.ip.clear();
                n.port = 0;
                n.pport = 0;
                n.cport = 0;
                out.close_link = true;
                out.changed = true;
                return;
            }
        }
        let sender = sender.or(if link.inbound { None } else { link.node });
        let Some(x) =
            sender.filter(|&x| self.by_handle(x).is_some_and(|n| !n.has(node_flags::HANDSHAKE)))
        else {
            return;
        };
        {
            let n = self.by_handle_mut(x).expect("sender");
            n.flags = (n.flags & !node_flags::NOFAILOVER) | (h.flags & node_flags::NOFAILOVER);
        }
        if t == msg_type::PING && self.update_address(x, link, h) {
            out.close_links_of.push(x);
            out.changed = true;
        }
        if !link.inbound && t == msg_type::PONG && link.node == Some(x) {
            let timeout = s.node_timeout_ms;
            let n = self.by_handle_mut(x).expect("sender");
            n.pong_received_ms = now_ms;
            n.ping_sent_ms = 0;
            if n.has(node_flags::PFAIL) {
                n.flags &= !node_flags::PFAIL;
                out.changed = true;
            } else if n.has(node_flags::FAIL) {
                let serving = n.is_master() && n.slot_count() > 0;
                if !serving || now_ms.saturating_sub(n.fail_time_ms) > timeout * FAIL_UNDO_TIME_MULT
                {
                    n.flags &= !node_flags::FAIL;
                    out.changed = true;
                }
            }
        }
        // Role: master, or replica of the node it names.
        let sender_id = self.by_handle(x).expect("sender").id;
        match h.replica_of {
            None => {
                let n = self.by_handle_mut(x).expect("sender");
                if !n.is_master() {
                    n.flags = (n.flags & !node_flags::SLAVE) | node_flags::MASTER;
                    n.master = None;
                    out.changed = true;
                }
            }
            Some(master) => {
                if self.by_handle(x).expect("sender").is_master() {
                    for slot in 0..SLOT_COUNT as Slot {
                        if self.owner(slot).is_some_and(|o| o.id == sender_id) {
                            self.unassign(slot);
                        }
                    }
                    let n = self.by_handle_mut(x).expect("sender");
                    n.flags = (n.flags & !(node_flags::MASTER | node_flags::MIGRATE_TO))
                        | node_flags::SLAVE;
                    out.changed = true;
                }
                if self.node(&master).is_some() {
                    let n = self.by_handle_mut(x).expect("sender");
                    if n.master != Some(master) {
                        n.master = Some(master);
                        out.changed = true;
                    }
                }
            }
        }
        // Slots: the sender (or its master) claims what the header says.
        let sender_node = self.by_handle(x).expect("sender");
        let owner_id = if sender_node.is_master() { Some(sender_id) } else { sender_node.master };
        let dirty = owner_id.is_some_and(|o| !self.claims_exactly(&o, &h.slots));
        if dirty && self.by_handle(x).expect("sender").is_master() {
            self.update_slots_with(&sender_id, h.config_epoch, &h.slots);
            out.changed = true;
        }
        if dirty {
            // A stale claim: tell the sender who serves the slot with a newer epoch.
            for slot in 0..SLOT_COUNT {
                if h.slots[slot / 8] & (1 << (slot % 8)) == 0 {
                    continue;
                }
                let Some(o) = self.owner(slot as Slot) else { continue };
                if o.id != sender_id && o.config_epoch > h.config_epoch {
                    let about = o.id;
                    out.send.push((x, self.update_message(&about, s)));
                    break;
                }
            }
        }
        // Config epoch collision between two masters: the larger id moves on.
        let me = self.myself();
        let sender_node = self.by_handle(x).expect("sender");
        if me.is_master()
            && sender_node.is_master()
            && h.config_epoch == me.config_epoch
            && sender_node.config_epoch == me.config_epoch
            && sender_id > me.id
        {
            self.current_epoch += 1;
            let e = self.current_epoch;
            self.myself_mut().config_epoch = e;
            out.changed = true;
        }
        self.process_gossip(m, Some(x), now_ms, s, out);
        if let Body::Ping { extensions, .. } = &m.body {
            let hostname = extensions.iter().find_map(|e| e.as_hostname()).unwrap_or_default();
            let hostname = String::from_utf8_lossy(hostname).into_owned();
            let n = self.by_handle_mut(x).expect("sender");
            if n.hostname != hostname {
                n.hostname = hostname;
                out.changed = true;
            }
        }
    }

    /// Whether node `id` owns exactly the slots of `bitmap`.
    fn claims_exactly(&self, id: &NodeId, bitmap: &[u8; SLOT_BITMAP_BYTES]) -> bool {
        (0..SLOT_COUNT).all(|slot| {
            let claimed = bitmap[slot / 8] & (1 << (slot % 8)) != 0;
            claimed == self.owner(slot as Slot).is_some_and(|o| &o.id == id)
        })
    }

    /// `clusterUpdateSlotsConfigWith`: `id` claims `bitmap` with `epoch`;
    /// it takes every claimed slot that is unassigned or owned with an
    /// older epoch (slots being imported excepted).
    pub fn update_slots_with(&mut self, id: &NodeId, epoch: u64, bitmap: &[u8; SLOT_BITMAP_BYTES]) {
        if id == &self.myself().id {
            return;
        }
        for slot in 0..SLOT_COUNT as Slot {
            if bitmap[slot as usize / 8] & (1 << (slot % 8)) == 0 {
                continue;
            }
            match self.owner(slot) {
                Some(o) if &o.id == id => continue,
                _ if self.importing_from(slot).is_some() => continue,
                Some(o) if o.config_epoch >= epoch => continue,
                _ => self.assign(slot, id),
            }
        }
    }

    /// An UPDATE message telling that `about` serves its slots.
    fn update_message(&self, about: &NodeId, s: &Settings) -> Message {
        let n = self.node(about).expect("known node");
        let mut slots = Box::new([0u8; SLOT_BITMAP_BYTES]);
        for (a, b) in self.ranges_of(about) {
            for slot in a..=b {
                slots[slot as usize / 8] |= 1 << (slot % 8);
            }
        }
        Message {
            header: self.header(msg_type::UPDATE, s),
            body: Body::Update { config_epoch: n.config_epoch, node: n.id, slots },
        }
    }

    /// `nodeUpdateAddressIfNeeded` for a message on a link that is not the
    /// node's own outbound link: true when the address changed.
    fn update_address(&mut self, x: u64, link: &Link, h: &Header) -> bool {
        if !link.inbound && link.node == Some(x) {
            return false;
        }
        let ip = announced_or(&h.ip, &link.peer_ip);
        let n = self.by_handle_mut(x).expect("node");
        if n.ip == ip && n.port == h.port && n.cport == h.cport && n.pport == h.pport {
            return false;
        }
        n.ip = ip;
        n.port = h.port;
        n.cport = h.cport;
        n.pport = h.pport;
        n.flags &= !node_flags::NOADDR;
        true
    }

    /// `clusterProcessGossipSection`: failure reports from masters, newer
    /// pong times, new nodes to shake hands with.
    fn process_gossip(
        &mut self,
        m: &Message,
        sender: Option<u64>,
        now_ms: u64,
        s: &Settings,
        out: &mut Outcome,
    ) {
        let Body::Ping { gossip, .. } = &m.body else { return };
        let reporter =
            sender.and_then(|x| self.by_handle(x)).filter(|n| n.is_master()).map(|n| n.id);
        for g in gossip {
            let failing = g.flags & (node_flags::FAIL | node_flags::PFAIL) != 0;
            if self.node(&g.node).is_some() {
                let is_me = g.node == self.myself().id;
                if let (Some(r), false) = (reporter, is_me) {
                    let n = self.node_mut(&g.node).expect("known");
                    n.fail_reports.retain(|(id, _)| id != &r);
                    if failing {
                        n.fail_reports.push((r, now_ms));
                        if let Some(fail) = self.mark_failing_if_needed(&g.node, now_ms, s) {
                            out.broadcast.push(fail);
                            out.changed = true;
                        }
                    }
                }
                let n = self.node_mut(&g.node).expect("known");
                if !failing && n.ping_sent_ms == 0 && n.fail_reports.is_empty() {
                    let pong_ms = g.pong_received_s as u64 * 1000;
                    if pong_ms <= now_ms + 500 && pong_ms > n.pong_received_ms {
                        n.pong_received_ms = pong_ms;
                    }
                }
                let moved = n.ip != String::from_utf8_lossy(&g.ip)
                    || n.port != g.port
                    || n.cport != g.cport;
                if n.has(node_flags::FAIL | node_flags::PFAIL)
                    && g.flags & node_flags::NOADDR == 0
                    && !failing
                    && moved
                {
                    n.ip = String::from_utf8_lossy(&g.ip).into_owned();
                    n.port = g.port;
                    n.pport = g.pport;
                    n.cport = g.cport;
                    n.flags &= !node_flags::NOADDR;
                    out.close_links_of.push(n.handle());
                    out.changed = true;
                }
            } else if sender.is_some()
                && g.flags & node_flags::NOADDR == 0
                && !self.is_forgotten(&g.node, now_ms)
            {
                // A node we do not know: meet it through a handshake of our own.
                let mut n = Node::new(g.node, g.flags);
                n.ip = String::from_utf8_lossy(&g.ip).into_owned();
                n.port = g.port;
                n.pport = g.pport;
                n.cport = g.cport;
                n.ctime_ms = now_ms;
                self.add_node(n);
                out.changed = true;
            }
        }
    }

    /// `markNodeAsFailingIfNeeded`: PFAIL becomes FAIL once a majority of
    /// the masters (this one included) reported it; returns the FAIL
    /// message to broadcast.
    fn mark_failing_if_needed(
        &mut self,
        id: &NodeId,
        now_ms: u64,
        s: &Settings,
    ) -> Option<Message> {
        let quorum = self.size() / 2 + 1;
        let validity = s.node_timeout_ms * FAIL_REPORT_VALIDITY_MULT;
        let me_master = self.myself().is_master();
        let n = self.node_mut(id)?;
        if !n.has(node_flags::PFAIL) || n.has(node_flags::FAIL) {
            return None;
        }
        n.fail_reports.retain(|(_, t)| now_ms.saturating_sub(*t) <= validity);
        let failures = n.fail_reports.len() + me_master as usize;
        if failures < quorum {
            return None;
        }
        n.flags = (n.flags & !node_flags::PFAIL) | node_flags::FAIL;
        n.fail_time_ms = now_ms;
        let about = n.id;
        Some(Message { header: self.header(msg_type::FAIL, s), body: Body::Fail { node: about } })
    }

    /// The periodic work, called ten times a second (`iteration` counts the
    /// calls): handshake timeouts, links to open or drop, pings, PFAIL.
    pub fn tick(
        &mut self,
        iteration: u64,
        s: &Settings,
        now_ms: u64,
        mut pick: impl FnMut() -> u64,
    ) -> Tick {
        let mut t = Tick::default();
        let timeout = s.node_timeout_ms;
        let handshake_timeout = timeout.max(1000);
        let expired: Vec<NodeId> = self
            .nodes()
            .iter()
            .filter(|n| {
                n.has(node_flags::HANDSHAKE)
                    && now_ms.saturating_sub(n.ctime_ms) > handshake_timeout
            })
            .map(|n| n.id)
            .collect();
        for id in expired {
            if let Some(n) = self.remove_node(&id) {
                t.close_links_of.push(n.handle());
                t.changed = true;
            }
        }
        for n in self.nodes().iter().skip(1) {
            if !n.has(node_flags::NOADDR) && !n.connected {
                t.connect.push(n.handle());
            }
        }
        if iteration.is_multiple_of(10) {
            // Ping the node with the oldest pong among a few random ones.
            let mut best: Option<(u64, u64)> = None;
            for _ in 0..5 {
                let len = self.nodes().len();
                let n = &self.nodes()[(pick() as usize) % len];
                if !n.connected
                    || n.ping_sent_ms != 0
                    || n.has(node_flags::MYSELF | node_flags::HANDSHAKE)
                {
                    continue;
                }
                if best.is_none_or(|(_, p)| n.pong_received_ms < p) {
                    best = Some((n.handle(), n.pong_received_ms));
                }
            }
            if let Some((h, _)) = best {
                t.ping.push(h);
            }
        }
        let mut update = false;
        let mut newly_pfail = Vec::new();
        for n in self.nodes().iter().skip(1) {
            if n.has(node_flags::NOADDR | node_flags::HANDSHAKE) {
                continue;
            }
            let ping_delay = now_ms.saturating_sub(n.ping_sent_ms);
            let data_delay = now_ms.saturating_sub(n.data_received_ms);
            if n.connected
                && now_ms.saturating_sub(n.link_since_ms) > timeout
                && n.ping_sent_ms != 0
                && ping_delay > timeout / 2
                && data_delay > timeout / 2
            {
                t.close_links_of.push(n.handle());
            }
            if n.connected
                && n.ping_sent_ms == 0
                && now_ms.saturating_sub(n.pong_received_ms) > timeout / 2
            {
                if !t.ping.contains(&n.handle()) {
                    t.ping.push(n.handle());
                }
                continue;
            }
            if n.ping_sent_ms != 0
                && ping_delay.min(data_delay) > timeout
                && !n.has(node_flags::PFAIL | node_flags::FAIL)
            {
                newly_pfail.push(n.handle());
                update = true;
            }
        }
        for h in newly_pfail {
            if let Some(n) = self.by_handle_mut(h) {
                n.flags |= node_flags::PFAIL;
            }
            let id = self.by_handle(h).expect("node").id;
            if let Some(fail) = self.mark_failing_if_needed(&id, now_ms, s) {
                t.broadcast.push(fail);
            }
        }
        if update || self.health == Health::Fail {
            let before = self.health;
            self.update_health(s.require_full_coverage);
            t.changed |= update || before != self.health;
        }
        t
    }
}

/// The address a header announces, else the link's peer address.
fn announced_or(announced: &[u8], peer_ip: &str) -> String {
    if announced.is_empty() {
        peer_ip.to_string()
    } else {
        String::from_utf8_lossy(announced).into_owned()
    }
}

/// A gossip entry describing `n`.
fn gossip_entry(n: &Node) -> Gossip {
    Gossip {
        node: n.id,
        ping_sent_s: (n.ping_sent_ms / 1000) as u32,
        pong_received_s: (n.pong_received_ms / 1000) as u32,
        ip: n.ip.as_bytes().to_vec(),
        port: n.port,
        cport: n.cport,
        flags: n.flags,
        pport: n.pport,
    }
}

/// A random node id for a node met before its id is known.
fn random_id(pick: &mut impl FnMut() -> u64) -> NodeId {
    let mut b = [0u8; 20];
    for chunk in b.chunks_mut(8) {
        chunk.copy_from_slice(&pick().to_le_bytes()[..chunk.len()]);
    }
    super::state::new_id(b)
}

#[cfg(test)]
#[path = "gossip_tests.rs"]
mod tests;
