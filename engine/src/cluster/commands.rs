//! The CLUSTER subcommands that read or change the cluster state, as Redis
//! 7.0's `clusterCommand` answers them (replies and errors byte for byte).
//! The node gathers what they need from the keyspaces first ([`Facts`]) and
//! saves and broadcasts the state when [`run`] says it changed.

use super::bus::{node_flags, NODE_ID_BYTES};
use super::state::{new_id, Cluster, Health, Node, MESSAGE_TYPE_NAMES};
use crate::command::Args;
use crate::num::parse_i64_strict;
use crate::resp::Reply;
use crate::slot::{Slot, SLOT_COUNT};

/// What the keyspaces said before the command ran.
#[derive(Clone, Copy, Debug, Default)]
pub struct Facts {
    /// Keys of database 0 on this node.
    pub db_keys: usize,
    /// Keys in the slot named by the command (SETSLOT), if any.
    pub slot_keys: usize,
    /// Random bytes for a new node id (RESET HARD).
    pub random: [u8; NODE_ID_BYTES / 2],
    /// `cluster-require-full-coverage`.
    pub require_full_coverage: bool,
    /// Unix ms (FORGET keeps a node away from gossip for a minute).
    pub now_ms: u64,
}

/// Whether the state changed (save nodes.conf and hand the shards a new view).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changed {
    No,
    Yes,
}

/// Runs CLUSTER `sub` (lower case, e.g. `addslots`) with `args` (CLUSTER
/// and the subcommand included), writing one reply.
pub fn run(
    c: &mut Cluster,
    sub: &str,
    args: &Args<'_>,
    facts: &Facts,
    out: &mut Reply<'_>,
) -> Changed {
    let changed = match sub {
        "myid" => {
            out.bulk(&c.myself().id);
            Changed::No
        }
        "nodes" => {
            out.verbatim(c.describe_all(0).as_bytes());
            Changed::No
        }
        "info" => {
            out.verbatim(info(c).as_bytes());
            Changed::No
        }
        "slots" => {
            slots(c, out);
            Changed::No
        }
        "shards" => {
            shards(c, out);
            Changed::No
        }
        "addslots" | "delslots" => assign(c, args, sub == "delslots", false, out),
        "addslotsrange" | "delslotsrange" => {
            if args.len() % 2 == 1 {
                out.error(&format!("ERR wrong number of arguments for 'cluster|{sub}' command"));
                return Changed::No;
            }
            assign(c, args, sub == "delslotsrange", true, out)
        }
        "flushslots" => {
            if facts.db_keys != 0 {
                out.error("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
                return Changed::No;
            }
            for s in 0..SLOT_COUNT as Slot {
                if c.is_mine(s) {
                    c.unassign(s);
                }
            }
            out.ok();
            Changed::Yes
        }
        "setslot" => setslot(c, args, facts, out),
        "bumpepoch" => {
            let bumped = bump_epoch(c);
            let word = if bumped { "BUMPED" } else { "STILL" };
            out.simple(&format!("{word} {}", c.myself().config_epoch));
            if bumped {
                Changed::Yes
            } else {
                Changed::No
            }
        }
        "set-config-epoch" => set_config_epoch(c, args, out),
        "forget" => forget(c, args, facts.now_ms, out),
        "count-failure-reports" => {
            if let Some(n) = known(c, args.get(2), out) {
                out.int(n.fail_reports.len() as i64);
            }
            Changed::No
        }
        "replicas" | "slaves" => {
            replicas(c, args, out);
            Changed::No
        }
        "reset" => reset(c, args, facts, out),
        _ => unreachable!("CLUSTER {sub} is not a state command"),
    };
    if changed == Changed::Yes {
        c.update_health(facts.require_full_coverage);
    }
    changed
}

/// Whether `sub` is handled by [`run`].
pub fn is_state_command(sub: &str) -> bool {
    matches!(
        sub,
        "myid"
            | "nodes"
            | "info"
            | "slots"
            | "shards"
            | "addslots"
            | "delslots"
            | "addslotsrange"
            | "delslotsrange"
            | "flushslots"
            | "setslot"
            | "bumpepoch"
            | "set-config-epoch"
            | "forget"
            | "count-failure-reports"
            | "replicas"
            | "slaves"
            | "reset"
    )
}

/// Parses a slot as `getSlotOrReply`.
pub fn parse_slot(arg: &[u8]) -> Result<Slot, &'static str> {
    match parse_i64_strict(arg) {
        Some(n) if (0..SLOT_COUNT as i64).contains(&n) => Ok(n as Slot),
        _ => Err("ERR Invalid or out of range slot"),
    }
}

/// The node `id` names, or the "Unknown node" error.
fn known<'c>(c: &'c Cluster, id: &[u8], out: &mut Reply<'_>) -> Option<&'c Node> {
    let n = c.node(id);
    if n.is_none() {
        let mut msg = b"ERR Unknown node ".to_vec();
        msg.extend_from_slice(id);
        out.error_bytes(&msg);
    }
    n
}

fn info(c: &Cluster) -> String {
    let mut assigned = 0;
    let (mut ok, mut pfail, mut fail) = (0, 0, 0);
    for s in 0..SLOT_COUNT as Slot {
        let Some(n) = c.owner(s) else { continue };
        assigned += 1;
        if n.has(node_flags::FAIL) {
            fail += 1;
        } else if n.has(node_flags::PFAIL) {
            pfail += 1;
        } else {
            ok += 1;
        }
    }
    let me = c.myself();
    let my_epoch = match me.master.as_ref().and_then(|m| c.node(m)) {
        Some(master) if me.has(node_flags::SLAVE) => master.config_epoch,
        _ => me.config_epoch,
    };
    let mut info = format!(
        "cluster_state:{}\r\ncluster_slots_assigned:{assigned}\r\ncluster_slots_ok:{ok}\r\n\
         cluster_slots_pfail:{pfail}\r\ncluster_slots_fail:{fail}\r\ncluster_known_nodes:{}\r\n\
         cluster_size:{}\r\ncluster_current_epoch:{}\r\ncluster_my_epoch:{my_epoch}\r\n",
        if c.health == Health::Ok { "ok" } else { "fail" },
        c.nodes().len(),
        c.size(),
        c.current_epoch,
    );
    for (counts, dir) in [(&c.messages_sent, "sent"), (&c.messages_received, "received")] {
        for (name, n) in MESSAGE_TYPE_NAMES.iter().zip(counts.iter()).filter(|(_, n)| **n > 0) {
            info.push_str(&format!("cluster_stats_messages_{name}_{dir}:{n}\r\n"));
        }
        info.push_str(&format!("cluster_stats_messages_{dir}:{}\r\n", counts.iter().sum::<u64>()));
    }
    info.push_str("total_cluster_links_buffer_limit_exceeded:0\r\n");
    info
}

/// The replicas of the master `id`.
fn replicas_of(c: &Cluster, id: [u8; NODE_ID_BYTES]) -> impl Iterator<Item = &Node> {
    c.nodes().iter().filter(move |n| n.has(node_flags::SLAVE) && n.master == Some(id))
}

/// CLUSTER SLOTS: [first, last, [ip, port, id, {}], replicas ...] per range.
fn slots(c: &Cluster, out: &mut Reply<'_>) {
    let ranges = c.slot_ranges();
    out.array(ranges.len());
    for (first, last, n) in ranges {
        let replicas: Vec<&Node> =
            replicas_of(c, n.id).filter(|r| !r.has(node_flags::FAIL)).collect();
        out.array(3 + replicas.len());
        out.int(first as i64);
        out.int(last as i64);
        for node in std::iter::once(n).chain(replicas) {
            out.array(4);
            out.bulk(node.ip.as_bytes());
            out.int(node.port as i64);
            out.bulk(&node.id);
            if node.hostname.is_empty() {
                out.map(0);
            } else {
                out.map(1);
                out.bulk(b"hostname");
                out.bulk(node.hostname.as_bytes());
            }
        }
    }
}

/// CLUSTER SHARDS: one map per master, its slot ranges and nodes.
fn shards(c: &Cluster, out: &mut Reply<'_>) {
    let masters: Vec<&Node> = c.nodes().iter().filter(|n| n.is_master()).collect();
    out.array(masters.len());
    for m in masters {
        out.map(2);
        out.bulk(b"slots");
        let ranges = c.ranges_of(&m.id);
        out.array(2 * ranges.len());
        for (a, b) in ranges {
            out.int(a as i64);
            out.int(b as i64);
        }
        out.bulk(b"nodes");
        let members: Vec<&Node> = std::iter::once(m).chain(replicas_of(c, m.id)).collect();
        out.array(members.len());
        for n in members {
            let with_host = !n.hostname.is_empty();
            out.map(7 + with_host as usize);
            out.bulk(b"id");
            out.bulk(&n.id);
            out.bulk(b"port");
            out.int(n.port as i64);
            out.bulk(b"ip");
            out.bulk(n.ip.as_bytes());
            out.bulk(b"endpoint");
            out.bulk(n.ip.as_bytes());
            if with_host {
                out.bulk(b"hostname");
                out.bulk(n.hostname.as_bytes());
            }
            out.bulk(b"role");
            out.bulk(if n.has(node_flags::SLAVE) { b"replica" } else { b"master" });
            out.bulk(b"replication-offset");
            out.int(0);
            out.bulk(b"health");
            out.bulk(if n.has(node_flags::FAIL) { &b"fail"[..] } else { b"online" });
        }
    }
}

/// ADDSLOTS/DELSLOTS (`ranges`: the RANGE forms), checked completely before
/// anything changes, as `checkSlotAssignmentsOrReply`.
fn assign(
    c: &mut Cluster,
    args: &Args<'_>,
    del: bool,
    ranges: bool,
    out: &mut Reply<'_>,
) -> Changed {
    let mut pairs = Vec::new();
    let step = if ranges { 2 } else { 1 };
    let mut i = 2;
    while i < args.len() {
        let first = match parse_slot(args.get(i)) {
            Ok(s) => s,
            Err(e) => return error(out, e),
        };
        let last = if ranges {
            match parse_slot(args.get(i + 1)) {
                Ok(s) => s,
                Err(e) => return error(out, e),
            }
        } else {
            first
        };
        if first > last {
            let msg =
                format!("ERR start slot number {first} is greater than end slot number {last}");
            return error(out, &msg);
        }
        pairs.push((first, last));
        i += step;
    }
    let mut seen = vec![false; SLOT_COUNT];
    for &(first, last) in &pairs {
        for s in first..=last {
            let owned = c.owner(s).is_some();
            if del && !owned {
                return error(out, &format!("ERR Slot {s} is already unassigned"));
            }
            if !del && owned {
                return error(out, &format!("ERR Slot {s} is already busy"));
            }
            if std::mem::replace(&mut seen[s as usize], true) {
                return error(out, &format!("ERR Slot {s} specified multiple times"));
            }
        }
    }
    let me = c.myself().id;
    for &(first, last) in &pairs {
        for s in first..=last {
            c.set_importing(s, None);
            if del {
                c.unassign(s);
            } else {
                c.assign(s, &me);
            }
        }
    }
    out.ok();
    Changed::Yes
}

fn error(out: &mut Reply<'_>, msg: &str) -> Changed {
    out.error(msg);
    Changed::No
}

/// SETSLOT slot IMPORTING|MIGRATING|NODE id, SETSLOT slot STABLE.
fn setslot(c: &mut Cluster, args: &Args<'_>, facts: &Facts, out: &mut Reply<'_>) -> Changed {
    if c.myself().has(node_flags::SLAVE) {
        return error(out, "ERR Please use SETSLOT only with masters.");
    }
    let slot = match parse_slot(args.get(2)) {
        Ok(s) => s,
        Err(e) => return error(out, e),
    };
    let action = args.get(3).to_ascii_lowercase();
    let target = |c: &Cluster, out: &mut Reply<'_>, unknown: &str| -> Option<[u8; NODE_ID_BYTES]> {
        let id = args.get(4);
        let Some(n) = c.node(id) else {
            let mut msg = format!("ERR {unknown} ").into_bytes();
            msg.extend_from_slice(id);
            out.error_bytes(&msg);
            return None;
        };
        if n.has(node_flags::SLAVE) {
            out.error("ERR Target node is not a master");
            return None;
        }
        Some(n.id)
    };
    match (action.as_slice(), args.len()) {
        (b"migrating", 5) => {
            if !c.is_mine(slot) {
                return error(out, &format!("ERR I'm not the owner of hash slot {slot}"));
            }
            let Some(to) = target(c, out, "I don't know about node") else { return Changed::No };
            c.set_migrating(slot, Some(&to));
        }
        (b"importing", 5) => {
            if c.is_mine(slot) {
                return error(out, &format!("ERR I'm already the owner of hash slot {slot}"));
            }
            let Some(from) = target(c, out, "I don't know about node") else { return Changed::No };
            c.set_importing(slot, Some(&from));
        }
        (b"stable", 4) => {
            c.set_importing(slot, None);
            c.set_migrating(slot, None);
        }
        (b"node", 5) => {
            let Some(to) = target(c, out, "Unknown node") else { return Changed::No };
            let me = c.myself().id;
            if c.is_mine(slot) && to != me && facts.slot_keys != 0 {
                return error(
                    out,
                    &format!(
                        "ERR Can't assign hashslot {slot} to a different node while I still hold keys for this hash slot."
                    ),
                );
            }
            if facts.slot_keys == 0 {
                c.set_migrating(slot, None);
            }
            c.assign(slot, &to);
            if to == me && c.importing_from(slot).is_some() {
                bump_epoch(c);
                c.set_importing(slot, None);
            }
        }
        _ => {
            return error(
                out,
                "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP",
            )
        }
    }
    out.ok();
    Changed::Yes
}

/// `clusterBumpConfigEpochWithoutConsensus`: a new epoch for myself unless
/// mine is already the largest (and not 0). True when bumped.
pub fn bump_epoch(c: &mut Cluster) -> bool {
    let max = c.nodes().iter().map(|n| n.config_epoch).max().unwrap_or(0).max(c.current_epoch);
    let mine = c.myself().config_epoch;
    if mine == 0 || mine != max {
        c.current_epoch += 1;
        let epoch = c.current_epoch;
        c.myself_mut().config_epoch = epoch;
        true
    } else {
        false
    }
}

/// The end of a native slot import: this node takes `slots` with a new
/// config epoch of its own (bumped without consensus, as Redis does when a
/// slot is assigned to the importing node), so that its claim wins over the
/// source's when nodes compare them; the slots stop importing.
pub fn take_slots(c: &mut Cluster, slots: &[Slot]) {
    bump_epoch(c);
    let me = c.myself().id;
    for &s in slots {
        c.assign(s, &me);
        c.set_importing(s, None);
        c.set_migrating(s, None);
    }
}

fn set_config_epoch(c: &mut Cluster, args: &Args<'_>, out: &mut Reply<'_>) -> Changed {
    let Some(epoch) = parse_i64_strict(args.get(2)) else {
        return error(out, "ERR value is not an integer or out of range");
    };
    if epoch < 0 {
        return error(out, &format!("ERR Invalid config epoch specified: {epoch}"));
    }
    if c.nodes().len() > 1 {
        return error(
            out,
            "ERR The user can assign a config epoch only when the node does not know any other node.",
        );
    }
    if c.myself().config_epoch != 0 {
        return error(out, "ERR Node config epoch is already non-zero");
    }
    c.myself_mut().config_epoch = epoch as u64;
    c.current_epoch = c.current_epoch.max(epoch as u64);
    out.ok();
    Changed::Yes
}

fn forget(c: &mut Cluster, args: &Args<'_>, now_ms: u64, out: &mut Reply<'_>) -> Changed {
    let Some(n) = known(c, args.get(2), out) else { return Changed::No };
    let id = n.id;
    if id == c.myself().id {
        return error(out, "ERR I tried hard but I can't forget myself...");
    }
    if c.myself().has(node_flags::SLAVE) && c.myself().master == Some(id) {
        return error(out, "ERR Can't forget my master!");
    }
    c.forget(&id, now_ms);
    out.ok();
    Changed::Yes
}

fn replicas(c: &Cluster, args: &Args<'_>, out: &mut Reply<'_>) {
    let Some(n) = known(c, args.get(2), out) else { return };
    if n.has(node_flags::SLAVE) {
        return out.error("ERR The specified node is not a master");
    }
    let lines: Vec<String> = replicas_of(c, n.id).map(|r| c.describe(r)).collect();
    out.array(lines.len());
    for l in lines {
        out.bulk(l.as_bytes());
    }
}

/// RESET [SOFT|HARD]: forget every node and slot; HARD also zeroes the
/// epochs and takes a new id.
fn reset(c: &mut Cluster, args: &Args<'_>, facts: &Facts, out: &mut Reply<'_>) -> Changed {
    let hard = match args.len() {
        2 => false,
        _ if args.is(2, "hard") => true,
        _ if args.is(2, "soft") => false,
        _ => return error(out, "ERR syntax error"),
    };
    if c.myself().is_master() && facts.db_keys != 0 {
        return error(out, "ERR CLUSTER RESET can't be called with master nodes containing keys");
    }
    c.reset(hard.then(|| new_id(facts.random)));
    if hard {
        c.current_epoch = 0;
        c.last_vote_epoch = 0;
    }
    out.ok();
    Changed::Yes
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
