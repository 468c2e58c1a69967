//! CLUSTER and its subcommands, ASKING, READONLY, READWRITE.
//!
//! KEYSLOT and HELP answer at once; COUNTKEYSINSLOT and GETKEYSINSLOT ask
//! the shard owning the slot; every other subcommand runs on shard 0, which
//! holds the cluster state (`engine::cluster::commands`), after the facts it
//! needs were gathered from the keyspaces. A change is saved to nodes.conf
//! and the new slot view handed to every shard before the reply goes out.

use engine::cluster::commands::{self as state_cmd, parse_slot, Changed, Facts};
use engine::cluster::gossip::Handshake;
use engine::command::{Args, CommandSpec};
use engine::num::parse_i64_strict;
use engine::resp::{Protocol, Reply};
use engine::slot::{key_slot, Slot};

use super::Flow;
use crate::conn::Conn;
use crate::shard::Shard;

const HELP: &[&str] = &[
    "ADDSLOTS <slot> [<slot> ...]",
    "    Assign slots to current node.",
    "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
    "    Assign slots which are between <start-slot> and <end-slot> to current node.",
    "BUMPEPOCH",
    "    Advance the cluster config epoch.",
    "COUNT-FAILURE-REPORTS <node-id>",
    "    Return number of failure reports for <node-id>.",
    "COUNTKEYSINSLOT <slot>",
    "    Return the number of keys in <slot>.",
    "DELSLOTS <slot> [<slot> ...]",
    "    Delete slots information from current node.",
    "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
    "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
    "FAILOVER [FORCE|TAKEOVER]",
    "    Promote current replica node to being a master.",
    "FORGET <node-id>",
    "    Remove a node from the cluster.",
    "GETKEYSINSLOT <slot> <count>",
    "    Return key names stored by current node in a slot.",
    "FLUSHSLOTS",
    "    Delete current node own slots information.",
    "INFO",
    "    Return information about the cluster.",
    "KEYSLOT <key>",
    "    Return the hash slot for <key>.",
    "MEET <ip> <port> [<bus-port>]",
    "    Connect nodes into a working cluster.",
    "MYID",
    "    Return the node id.",
    "NODES",
    "    Return cluster configuration seen by node. Output format:",
    "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
    "REPLICATE <node-id>",
    "    Configure current node as replica to <node-id>.",
    "RESET [HARD|SOFT]",
    "    Reset current node (default: soft).",
    "SET-CONFIG-EPOCH <epoch>",
    "    Set config epoch of current node.",
    "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
    "    Set slot state.",
    "REPLICAS <node-id>",
    "    Return <node-id> replicas.",
    "SAVECONFIG",
    "    Force saving cluster configuration on disk.",
    "SLOTS",
    "    Return information about slots range mappings. Each range is made of:",
    "    start, end, master and replicas IP addresses, ports and ids",
    "SHARDS",
    "    Return information about slot range mappings and the nodes associated with them.",
    "LINKS",
    "    Return information about all network links between this node and its peers.",
    "    Output format is an array where each array element is a map containing attributes of a link",
];

/// Whether `name` is one of this file's commands.
pub fn is_cluster_command(name: &str) -> bool {
    name.starts_with("cluster|") || matches!(name, "asking" | "readonly" | "readwrite")
}

/// The commands that answer on this shard; the others need shard 0 or a
/// slot's shard.
pub fn run_sync(conn: &mut Conn, spec: &'static CommandSpec, args: &Args<'_>) -> Flow {
    let proto = conn.client.borrow().proto;
    let enabled = conn.shard.core.borrow().cfg.cluster.enabled;
    let mut out = Reply::new(conn.local_out(), proto);
    if !enabled {
        out.error("ERR This instance has cluster support disabled");
        return Flow::Done;
    }
    match spec.name {
        "asking" => {
            conn.client.borrow_mut().asking = true;
            Reply::new(conn.local_out(), proto).ok()
        }
        "readonly" | "readwrite" => out.ok(),
        "cluster|help" => engine::cmd::introspect::help_reply(args.get(0), HELP, &mut out),
        "cluster|keyslot" => out.int(key_slot(args.get(2)) as i64),
        _ => return Flow::NeedsShards,
    }
    Flow::Done
}

/// The commands that need other shards.
pub async fn run_async(
    conn: &mut Conn,
    spec: &'static CommandSpec,
    args: &Args<'_>,
    out: &mut Vec<u8>,
) {
    let proto = conn.client.borrow().proto;
    let sub = spec.short_name();
    match sub {
        "meet" => meet(conn, args, proto, out).await,
        "countkeysinslot" => count_keys_in_slot(conn, args, proto, out).await,
        "getkeysinslot" => get_keys_in_slot(conn, args, proto, out).await,
        "links" => {
            let reply = conn
                .shard
                .on_shard(0, move |s: &Shard| {
                    let mut out = Vec::new();
                    if let Some(c) = s.cluster.borrow().as_ref() {
                        c.reply_links(&mut Reply::new(&mut out, proto));
                    }
                    out
                })
                .await;
            out.extend_from_slice(&reply);
        }
        "syncslots" => crate::cluster::import::syncslots(conn, args, proto, out).await,
        "migrateslots" => crate::migrate::slots::migrateslots(conn, args, proto, out).await,
        "cancelslotmigrations" => crate::migrate::slots::cancel(conn, proto, out).await,
        "getslotmigrations" => {
            let reply = conn
                .shard
                .on_shard(0, move |s: &Shard| {
                    let mut out = Vec::new();
                    if let Some(c) = s.cluster.borrow().as_ref() {
                        let me = c.state.myself().id;
                        let mut r = Reply::new(&mut out, proto);
                        r.array(c.imports.len() + c.exports.len());
                        crate::migrate::slots::describe(&c.exports, &me, &mut r);
                        crate::cluster::import::describe(&c.imports, &me, &mut r);
                    }
                    out
                })
                .await;
            out.extend_from_slice(&reply);
        }
        "saveconfig" => {
            let saved = conn
                .shard
                .on_shard(0, |s: &Shard| {
                    s.cluster
                        .borrow_mut()
                        .as_mut()
                        .map(|n| n.save_durable().map_err(|e| e.to_string()))
                })
                .await;
            let mut reply = Reply::new(out, proto);
            match saved {
                Some(Ok(())) => reply.ok(),
                Some(Err(e)) => {
                    reply.error(&format!("ERR error saving the cluster node config: {e}"))
                }
                None => reply.error("ERR This instance has cluster support disabled"),
            }
        }
        _ if state_cmd::is_state_command(sub) => state_command(conn, sub, args, proto, out).await,
        _ => Reply::new(out, proto)
            .error(&format!("ERR command '{}' is not available in slotd yet", spec.name)),
    }
}

/// A state subcommand on shard 0; a change is saved and broadcast first.
async fn state_command(
    conn: &mut Conn,
    sub: &'static str,
    args: &Args<'_>,
    proto: Protocol,
    out: &mut Vec<u8>,
) {
    let facts = gather_facts(conn, sub, args).await;
    let cmd = args.to_owned_cmd();
    let (reply, view) = conn
        .shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            let mut reply = Vec::new();
            let changed = state_cmd::run(
                &mut node.state,
                sub,
                &cmd.args(),
                &facts,
                &mut Reply::new(&mut reply, proto),
            );
            let view = (changed == Changed::Yes).then(|| node.commit());
            (reply, view)
        })
        .await;
    if let Some(view) = view {
        crate::cluster::install_view(&conn.shard, view).await;
    }
    out.extend_from_slice(&reply);
}

/// CLUSTER MEET ip port [bus-port]: the bus shakes hands with it next.
async fn meet(conn: &mut Conn, args: &Args<'_>, proto: Protocol, out: &mut Vec<u8>) {
    let mut reply = Reply::new(out, proto);
    if args.len() > 5 {
        return reply.error(
            "ERR unknown subcommand or wrong number of arguments for 'meet'. Try CLUSTER HELP.",
        );
    }
    let arg = |i: usize| String::from_utf8_lossy(args.get(i)).into_owned();
    let Some(port) = parse_i64_strict(args.get(3)) else {
        return reply.error(&format!("ERR Invalid TCP base port specified: {}", arg(3)));
    };
    let cport = if args.len() == 5 {
        match parse_i64_strict(args.get(4)) {
            Some(p) => p,
            None => return reply.error(&format!("ERR Invalid TCP bus port specified: {}", arg(4))),
        }
    } else {
        port.saturating_add(10_000)
    };
    let (ip, id) = (arg(2), engine::cluster::state::new_id(random_id_bytes()));
    let started = conn
        .shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            node.state.start_handshake(&ip, port, cport, id, crate::shard::unix_ms())
        })
        .await;
    let mut reply = Reply::new(out, proto);
    if started == Handshake::InvalidAddress {
        reply.error(&format!("ERR Invalid node address specified: {}:{}", arg(2), arg(3)));
    } else {
        reply.ok();
    }
}

/// What a state subcommand needs from the keyspaces.
async fn gather_facts(conn: &Conn, sub: &str, args: &Args<'_>) -> Facts {
    let cfg = &conn.shard.core.borrow().cfg.cluster.clone();
    let mut facts = Facts {
        require_full_coverage: cfg.require_full_coverage,
        now_ms: crate::shard::unix_ms(),
        ..Facts::default()
    };
    match sub {
        "flushslots" | "reset" => {
            let counts =
                conn.shard.on_all_shards(|s: &Shard| s.core.borrow_mut().ks.db(0).len()).await;
            facts.db_keys = counts.into_iter().sum();
            if sub == "reset" {
                facts.random = random_id_bytes();
            }
        }
        "setslot" => {
            if let Ok(slot) = parse_slot(args.get(2)) {
                facts.slot_keys = keys_in_slot(conn, slot).await;
            }
        }
        _ => {}
    }
    facts
}

/// Random bytes for a new node id.
fn random_id_bytes() -> [u8; 20] {
    let mut b = [0u8; 20];
    for chunk in b.chunks_mut(8) {
        let r = crate::conn::batch::fastrand_u64().to_le_bytes();
        chunk.copy_from_slice(&r[..chunk.len()]);
    }
    b
}

async fn keys_in_slot(conn: &Conn, slot: Slot) -> usize {
    conn.shard.until_routable(|core| core.is_frozen(slot)).await;
    let owner = conn.shard.core.borrow().shard_of(slot);
    conn.shard.on_shard(owner, move |s: &Shard| s.core.borrow_mut().ks.db(0).slot_len(slot)).await
}

/// CLUSTER COUNTKEYSINSLOT slot.
async fn count_keys_in_slot(conn: &Conn, args: &Args<'_>, proto: Protocol, out: &mut Vec<u8>) {
    let mut reply = Reply::new(out, proto);
    match parse_i64_strict(args.get(2)) {
        None => reply.error("ERR value is not an integer or out of range"),
        Some(s) if !(0..engine::slot::SLOT_COUNT as i64).contains(&s) => {
            reply.error("ERR Invalid slot")
        }
        Some(s) => {
            let n = keys_in_slot(conn, s as Slot).await;
            Reply::new(out, proto).int(n as i64)
        }
    }
}

/// CLUSTER GETKEYSINSLOT slot count.
async fn get_keys_in_slot(conn: &Conn, args: &Args<'_>, proto: Protocol, out: &mut Vec<u8>) {
    let (slot, count) = match (parse_i64_strict(args.get(2)), parse_i64_strict(args.get(3))) {
        (Some(s), Some(c)) => (s, c),
        _ => return Reply::new(out, proto).error("ERR value is not an integer or out of range"),
    };
    if !(0..engine::slot::SLOT_COUNT as i64).contains(&slot) || count < 0 {
        return Reply::new(out, proto).error("ERR Invalid slot or number of keys");
    }
    let slot = slot as Slot;
    conn.shard.until_routable(|core| core.is_frozen(slot)).await;
    let owner = conn.shard.core.borrow().shard_of(slot);
    let keys: Vec<Vec<u8>> = conn
        .shard
        .on_shard(owner, move |s: &Shard| {
            let mut core = s.core.borrow_mut();
            let db = core.ks.db(0);
            db.slot_table(slot)
                .map(|t| t.iter().take(count as usize).map(|e| e.key.as_bytes().to_vec()).collect())
                .unwrap_or_default()
        })
        .await;
    let mut reply = Reply::new(out, proto);
    reply.array(keys.len());
    for k in keys {
        reply.bulk(&k);
    }
}
