//! `slotd cluster create`, `add-node`, `del-node` and `fix`: joining and
//! removing nodes, and repairing what an interrupted migration leaves (open
//! slots, slots nobody serves).

use std::time::{Duration, Instant};

use super::reshard::{move_slot, Options};
use super::topology::{connect, parse_addr, Cluster};

/// How long to wait for the nodes to agree after a change.
const AGREE_TIMEOUT: Duration = Duration::from_secs(60);

/// A node's own id and bus port, from its CLUSTER NODES `myself` line.
fn myself(addr: &str) -> Result<(String, u16, redis::Connection), String> {
    let (host, port) = parse_addr(addr)?;
    let mut conn = connect(&host, port)?;
    let nodes: String = redis::cmd("CLUSTER")
        .arg("NODES")
        .query(&mut conn)
        .map_err(|e| format!("{addr}: {e} (is cluster-enabled yes set?)"))?;
    let line = nodes.lines().find(|l| l.contains("myself")).ok_or("no myself line")?;
    let f: Vec<&str> = line.split(' ').collect();
    let cport =
        f[1].split('@').nth(1).and_then(|c| c.split(',').next()).and_then(|c| c.parse().ok());
    Ok((f[0].to_string(), cport.unwrap_or(port + 10_000), conn))
}

/// Fails unless the node is empty and alone (a fresh node).
fn fresh(addr: &str, conn: &mut redis::Connection) -> Result<(), String> {
    let keys: u64 = redis::cmd("DBSIZE").query(conn).map_err(|e| e.to_string())?;
    let info: String = redis::cmd("CLUSTER").arg("INFO").query(conn).map_err(|e| e.to_string())?;
    if keys > 0 || !info.contains("cluster_known_nodes:1\r") {
        return Err(format!("Node {addr} is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0."));
    }
    Ok(())
}

/// Whether the cluster has `nodes` nodes that all know each other, agree
/// about who serves which slot, and say the cluster is ok (a redis-server
/// master waits 2 s after it starts before it does).
fn agreed(mut c: Cluster, nodes: usize) -> bool {
    if c.nodes.len() != nodes {
        return false;
    }
    let want = format!("cluster_known_nodes:{nodes}");
    let mut views = Vec::new();
    for n in c.nodes.values_mut() {
        let Ok(info) = n.call::<String>(redis::cmd("CLUSTER").arg("INFO")) else { return false };
        if !info.lines().any(|l| l == want) || !info.lines().any(|l| l == "cluster_state:ok") {
            return false;
        }
        match super::check::signature(n) {
            Ok(sig) => views.push(sig),
            Err(_) => return false,
        }
    }
    views.windows(2).all(|w| w[0] == w[1])
}

/// Waits until the `nodes` nodes know each other and agree about the slots.
pub fn await_agreement(entry: &str, nodes: usize) -> Result<(), String> {
    print!("Waiting for the nodes to agree");
    let deadline = Instant::now() + AGREE_TIMEOUT;
    loop {
        let ok = Cluster::load(entry).ok().is_some_and(|c| agreed(c, nodes));
        if ok {
            println!();
            return Ok(());
        }
        if Instant::now() > deadline {
            println!();
            return Err("the nodes did not agree in time".into());
        }
        print!(".");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `create`: the slots in equal ranges, distinct config epochs, then MEET.
pub fn create(addrs: &[String]) -> Result<(), String> {
    if addrs.len() < 3 {
        return Err(
            "Invalid configuration for cluster creation: a cluster needs at least 3 master nodes."
                .into(),
        );
    }
    let mut nodes = Vec::new();
    for a in addrs {
        let (id, cport, mut conn) = myself(a)?;
        fresh(a, &mut conn)?;
        nodes.push((a.clone(), id, cport, conn));
    }
    println!(">>> Performing hash slots allocation on {} nodes...", nodes.len());
    let n = nodes.len();
    for (i, (addr, id, _, conn)) in nodes.iter_mut().enumerate() {
        let (first, last) = (i * 16384 / n, (i + 1) * 16384 / n - 1);
        println!("Master[{i}] -> Slots {first} - {last} ({addr}, {id})");
        let _: () = redis::cmd("CLUSTER")
            .arg("ADDSLOTSRANGE")
            .arg(first)
            .arg(last)
            .query(conn)
            .map_err(|e| format!("{addr}: {e}"))?;
        let _: () = redis::cmd("CLUSTER")
            .arg("SET-CONFIG-EPOCH")
            .arg(i + 1)
            .query(conn)
            .map_err(|e| format!("{addr}: {e}"))?;
    }
    println!(">>> Sending CLUSTER MEET messages to join the cluster");
    let (first_host, first_port) = parse_addr(&nodes[0].0)?;
    let first_cport = nodes[0].2;
    for (addr, _, _, conn) in nodes.iter_mut().skip(1) {
        let _: () = redis::cmd("CLUSTER")
            .arg("MEET")
            .arg(&first_host)
            .arg(first_port)
            .arg(first_cport)
            .query(conn)
            .map_err(|e| format!("{addr}: {e}"))?;
    }
    await_agreement(&nodes[0].0, n)?;
    let mut c = Cluster::load(&nodes[0].0)?;
    let problems = super::check::check(&mut c, &nodes[0].0)?;
    if problems > 0 {
        return Err(format!("{problems} problems after creating the cluster"));
    }
    Ok(())
}

/// `add-node`: the new (empty) node meets the cluster.
pub fn add_node(new: &str, existing: &str) -> Result<(), String> {
    println!(">>> Adding node {new} to cluster {existing}");
    let before = Cluster::load(existing)?.nodes.len();
    let (_, _, mut conn) = myself(new)?;
    fresh(new, &mut conn)?;
    let (_, ecport, _) = myself(existing)?;
    let (host, port) = parse_addr(existing)?;
    let _: () = redis::cmd("CLUSTER")
        .arg("MEET")
        .arg(host)
        .arg(port)
        .arg(ecport)
        .query(&mut conn)
        .map_err(|e| format!("{new}: {e}"))?;
    await_agreement(existing, before + 1)?;
    println!("[OK] New node added correctly.");
    Ok(())
}

/// `del-node`: the node must serve no slot; the others forget it, it resets.
pub fn del_node(entry: &str, id: &str) -> Result<(), String> {
    let mut c = Cluster::load(entry)?;
    let id = c.find(id)?;
    println!(">>> Removing node {id} from cluster {entry}");
    if !c.nodes[&id].slots.is_empty() {
        return Err(format!(
            "Node {} is not empty! Reshard data away and try again.",
            c.nodes[&id].addr()
        ));
    }
    println!(">>> Sending CLUSTER FORGET messages to the cluster...");
    let others: Vec<String> = c.nodes.keys().filter(|k| **k != id).cloned().collect();
    for o in others {
        let n = c.nodes.get_mut(&o).expect("listed");
        let _: () = n.call(redis::cmd("CLUSTER").arg("FORGET").arg(&id))?;
    }
    println!(">>> Sending CLUSTER RESET SOFT to the deleted node.");
    let n = c.nodes.get_mut(&id).expect("listed");
    let _: () = n.call(redis::cmd("CLUSTER").arg("RESET").arg("SOFT"))?;
    Ok(())
}

/// `fix`: moves the keys of open slots to the slot's owner (or finishes a
/// migration whose source still owns the slot) and closes them; gives
/// uncovered slots to the node holding their keys, or the emptiest master.
pub fn fix(entry: &str) -> Result<(), String> {
    let mut c = Cluster::load(entry)?;
    let opts = Options { pipeline: 100, timeout_ms: 60_000, redis_path: true, replace: false };
    let mut open: Vec<u16> = c
        .nodes
        .values()
        .flat_map(|n| {
            n.migrating.iter().map(|(s, _)| *s).chain(n.importing.iter().map(|(s, _)| *s))
        })
        .collect();
    open.sort_unstable();
    open.dedup();
    println!(">>> Fixing {} open slots", open.len());
    for slot in open {
        let owner = c.masters().find(|n| n.slots.contains(&slot)).map(|n| n.id.clone());
        let holders: Vec<String> = c.masters().map(|n| n.id.clone()).collect();
        let mut with_keys = Vec::new();
        for id in holders {
            if c.keys_in_slot(&id, slot)? > 0 {
                with_keys.push(id);
            }
        }
        let owner = owner
            .or_else(|| with_keys.first().cloned())
            .ok_or(format!("slot {slot} has no owner and no keys"))?;
        // A migration the owner started: finish it towards its target.
        let migrating_to =
            c.nodes[&owner].migrating.iter().find(|(s, _)| *s == slot).map(|(_, t)| t.clone());
        match migrating_to {
            Some(to) if c.nodes.contains_key(&to) => {
                println!("Slot {slot}: finishing the migration from {owner} to {to}");
                move_slot(&mut c, &owner, &to, slot, &opts, &mut |_| {})?;
            }
            _ => {
                for from in with_keys.into_iter().filter(|id| *id != owner) {
                    println!("Slot {slot}: moving keys from {from} to its owner {owner}");
                    move_slot(&mut c, &from, &owner, slot, &opts, &mut |_| {})?;
                }
            }
        }
        let ids: Vec<String> = c.nodes.keys().cloned().collect();
        for id in ids {
            let n = c.nodes.get_mut(&id).expect("listed");
            let _: () = n.call(redis::cmd("CLUSTER").arg("SETSLOT").arg(slot).arg("STABLE"))?;
        }
    }
    let served: Vec<u16> = c.masters().flat_map(|n| n.slots.iter().copied()).collect();
    let mut covered = vec![false; 16384];
    served.iter().for_each(|&s| covered[s as usize] = true);
    let uncovered: Vec<u16> = (0..16384u16).filter(|&s| !covered[s as usize]).collect();
    if !uncovered.is_empty() {
        println!(">>> Covering {} slots", uncovered.len());
        let masters: Vec<String> = c.masters().map(|n| n.id.clone()).collect();
        for slot in uncovered {
            let mut pick = None;
            for id in &masters {
                if c.keys_in_slot(id, slot)? > 0 {
                    pick = Some(id.clone());
                    break;
                }
            }
            let pick = pick
                .or_else(|| c.masters().min_by_key(|n| n.slots.len()).map(|n| n.id.clone()))
                .ok_or("no master to serve the slots")?;
            let n = c.nodes.get_mut(&pick).expect("listed");
            let _: () = n.call(redis::cmd("CLUSTER").arg("ADDSLOTS").arg(slot))?;
            n.slots.push(slot);
        }
        for id in masters {
            let n = c.nodes.get_mut(&id).expect("listed");
            let _: String = n.call(redis::cmd("CLUSTER").arg("BUMPEPOCH"))?;
        }
    }
    println!("[OK] Fixed.");
    Ok(())
}
