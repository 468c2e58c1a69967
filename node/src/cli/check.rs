//! `slotd cluster info` and `check`, as redis-cli --cluster prints them: keys
//! and slots per master; then whether every node agrees about the slots,
//! open (migrating/importing) slots, and coverage of the 16384 slots.

use super::topology::{Cluster, Node};

/// Slot runs as `[0-5460],[5462]`.
pub fn ranges(slots: &[u16]) -> String {
    engine::slot::runs(slots.iter().copied())
        .iter()
        .map(|(a, b)| if a == b { format!("[{a}]") } else { format!("[{a}-{b}]") })
        .collect::<Vec<_>>()
        .join(",")
}

/// `info`: one line per master, then the totals.
pub fn info(c: &mut Cluster) -> Result<(), String> {
    let ids: Vec<String> = c.masters().map(|n| n.id.clone()).collect();
    let (mut keys, mut masters) = (0u64, 0);
    for id in ids {
        let n = c.nodes.get_mut(&id).expect("listed");
        let dbsize: u64 = n.call(&redis::cmd("DBSIZE"))?;
        let replicas =
            c.nodes.values().filter(|r| r.master_id.as_deref() == Some(id.as_str())).count();
        let n = &c.nodes[&id];
        println!(
            "{} ({}...) -> {dbsize} keys | {} slots | {replicas} slaves.",
            n.addr(),
            &n.id[..8],
            n.slots.len()
        );
        keys += dbsize;
        masters += 1;
    }
    println!("[OK] {keys} keys in {masters} masters.");
    println!("{:.2} keys per slot on average.", keys as f64 / 16384.0);
    Ok(())
}

/// `check`: prints the report; returns the number of problems found.
pub fn check(c: &mut Cluster, entry: &str) -> Result<usize, String> {
    println!(">>> Performing Cluster Check (using node {entry})");
    for n in c.nodes.values() {
        let role = if n.master { "M" } else { "S" };
        println!("{role}: {} {}", n.id, n.addr());
        if n.master {
            println!("   slots:{} ({} slots) master", ranges(&n.slots), n.slots.len());
        } else if let Some(m) = &n.master_id {
            println!("   replicates {m}");
        }
    }
    let mut problems = 0;
    let signatures: Vec<(String, String)> = c
        .nodes
        .values_mut()
        .map(|n| Ok((n.addr(), signature(n)?)))
        .collect::<Result<_, String>>()?;
    if signatures.windows(2).all(|w| w[0].1 == w[1].1) {
        println!("[OK] All nodes agree about slots configuration.");
    } else {
        println!("[ERR] Nodes don't agree about configuration!");
        problems += 1;
    }
    println!(">>> Check for open slots...");
    let mut open: Vec<String> = Vec::new();
    for n in c.nodes.values() {
        for (slot, to) in &n.migrating {
            open.push(format!(
                "[WARNING] Node {} has slot {slot} in migrating state (to {to}).",
                n.addr()
            ));
        }
        for (slot, from) in &n.importing {
            open.push(format!(
                "[WARNING] Node {} has slot {slot} in importing state (from {from}).",
                n.addr()
            ));
        }
    }
    if !open.is_empty() {
        open.iter().for_each(|l| println!("{l}"));
        println!("[WARNING] The following slots are open: see above.");
        problems += 1;
    }
    println!(">>> Check slots coverage...");
    let covered: usize = c.masters().map(|n| n.slots.len()).sum();
    if covered == 16384 {
        println!("[OK] All 16384 slots covered.");
    } else {
        println!("[ERR] Not all 16384 slots are covered by nodes.");
        problems += 1;
    }
    Ok(problems)
}

/// A node's view of who serves which slots, comparable between nodes.
pub fn signature(n: &mut Node) -> Result<String, String> {
    let text: String = n.call(redis::cmd("CLUSTER").arg("NODES"))?;
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| l.contains("master"))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let slots: Vec<&str> = f
                .get(8..)
                .unwrap_or_default()
                .iter()
                .filter(|s| !s.starts_with('['))
                .copied()
                .collect();
            format!("{}:{}", f[0], slots.join(","))
        })
        .filter(|l| !l.ends_with(':'))
        .collect();
    lines.sort();
    Ok(lines.join("|"))
}
