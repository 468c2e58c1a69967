//! The `slotd cluster` admin CLI on real nodes: create a cluster of three
//! slotd nodes, add a fourth, reshard a quarter of the slots to it with the
//! native stream while a client writes, check, rebalance it empty again the
//! Redis way (SETSLOT + MIGRATE), delete it, add a real redis-server and
//! reshard slots to it (the Redis path, chosen because the target is not
//! slotd), and fix an open slot left by an interrupted migration. Every key
//! keeps its value throughout; every acknowledged write is there.

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use common::cluster::{cli, start_slotd_shards};
use common::free_port;

/// Runs `slotd cluster <args>`; returns (success, stdout + stderr).
fn slotd_cluster(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_slotd"))
        .arg("cluster")
        .args(args)
        .output()
        .expect("slotd runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn ok(args: &[&str]) -> String {
    let (success, text) = slotd_cluster(args);
    assert!(success, "slotd cluster {}: {text}", args.join(" "));
    text
}

fn myid(port: u16) -> String {
    cli(&["-p", &port.to_string(), "cluster", "myid"]).trim().to_string()
}

/// Every key with the value it must hold, checked through `redis-cli -c`.
fn check_keys(entry: u16, keys: &[(String, String)]) {
    for (k, v) in keys {
        let got = cli(&["-c", "-p", &entry.to_string(), "get", k]);
        assert_eq!(got.trim(), v, "{k}");
    }
}

#[test]
fn the_cli_creates_reshards_rebalances_and_fixes() {
    let dir =
        std::env::temp_dir().join(format!("slotd-cli-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let nodes: Vec<_> = (0..4).map(|_| start_slotd_shards(&dir, free_port(), 2)).collect();
    let addrs: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
    let out = ok(&["create", &addrs[0], &addrs[1], &addrs[2], "--yes"]);
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
    assert!(out.contains("[OK] All nodes agree about slots configuration."), "{out}");

    // Data, through cluster redirections.
    let entry = nodes[0].port;
    let client =
        redis::cluster::ClusterClient::new(vec![format!("redis://{}/", addrs[0])]).unwrap();
    let mut c = client.get_connection().unwrap();
    let mut keys = Vec::new();
    for i in 0..1500 {
        let (k, v) = (format!("key:{i}"), format!("value{i}"));
        let _: () = redis::cmd("SET").arg(&k).arg(&v).query(&mut c).unwrap();
        keys.push((k, v));
    }
    let info = ok(&["info", &addrs[0]]);
    assert!(info.contains("[OK] 1500 keys in 3 masters."), "{info}");

    // A fourth node; a quarter of the slots go to it natively while a
    // client increments a counter.
    let out = ok(&["add-node", &addrs[3], &addrs[0]]);
    assert!(out.contains("[OK] New node added correctly."), "{out}");
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, client) = (stop.clone(), client.clone());
        thread::spawn(move || {
            let mut c = client.get_connection().unwrap();
            let mut n = 0i64;
            while !stop.load(Ordering::Relaxed) || n < 200 {
                let got: i64 =
                    redis::cmd("INCR").arg(format!("counter:{}", n % 50)).query(&mut c).unwrap();
                assert!(got > 0);
                n += 1;
            }
            n
        })
    };
    let id4 = myid(nodes[3].port);
    let out =
        ok(&["reshard", &addrs[0], "--from", "all", "--to", &id4, "--slots", "4096", "--yes"]);
    assert!(out.contains("[OK] Moved 4096 slots"), "{out}");
    let out = ok(&["check", &addrs[1]]);
    assert!(
        out.contains("[OK] All nodes agree") && out.contains("[OK] All 16384 slots covered."),
        "{out}"
    );
    assert_eq!(
        cli(&["-p", &nodes[3].port.to_string(), "cluster", "countkeysinslot", "0"]).trim(),
        "0"
    );

    // Rebalance the fourth node empty again, the Redis way.
    let weight = format!("{id4}=0");
    let out =
        ok(&["rebalance", &addrs[0], "--weight", &weight, "--redis-path", "--pipeline", "50"]);
    assert!(out.contains("[OK] Moved 4096 slots"), "{out}");
    stop.store(true, Ordering::Relaxed);
    let increments = writer.join().unwrap();
    let total: i64 = (0..50)
        .map(|i| {
            cli(&["-c", "-p", &entry.to_string(), "get", &format!("counter:{i}")])
                .trim()
                .parse::<i64>()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(total, increments, "every acknowledged INCR is there");
    check_keys(entry, &keys);

    let out = ok(&["del-node", &addrs[0], &id4]);
    assert!(out.contains("CLUSTER FORGET"), "{out}");
    let out = ok(&["info", &addrs[0]]);
    assert!(out.contains("keys in 3 masters."), "{out}");

    // A real redis-server joins; slots move to it the Redis way.
    let redis_node = common::cluster::start_redis(&dir);
    let raddr = format!("127.0.0.1:{}", redis_node.port);
    ok(&["add-node", &raddr, &addrs[0]]);
    let rid = myid(redis_node.port);
    let out = ok(&[
        "reshard",
        &addrs[0],
        "--from",
        &myid(nodes[1].port),
        "--to",
        &rid,
        "--slots",
        "500",
        "--yes",
    ]);
    assert!(out.contains("[OK] Moved 500 slots"), "{out}");
    let out = ok(&["check", &raddr]);
    assert!(
        out.contains("[OK] All nodes agree") && out.contains("[OK] All 16384 slots covered."),
        "{out}"
    );
    check_keys(entry, &keys);

    // An interrupted migration: a slot left open, migrating and importing.
    let slot = engine::slot::key_slot(b"key:7");
    let owner = keys_owner(&addrs, slot);
    let other = addrs.iter().find(|a| **a != owner).unwrap().clone();
    let (oport, xport) = (port_of(&owner), port_of(&other));
    cli(&[
        "-p",
        &xport,
        "cluster",
        "setslot",
        &slot.to_string(),
        "importing",
        &myid(oport.parse().unwrap()),
    ]);
    cli(&[
        "-p",
        &oport,
        "cluster",
        "setslot",
        &slot.to_string(),
        "migrating",
        &myid(xport.parse().unwrap()),
    ]);
    let (success, out) = slotd_cluster(&["check", &owner]);
    assert!(!success && out.contains("migrating state"), "{out}");
    let out = ok(&["fix", &owner]);
    assert!(out.contains("[OK] Fixed."), "{out}");
    let out = ok(&["check", &owner]);
    assert!(!out.contains("[WARNING]") && out.contains("[OK] All 16384 slots covered."), "{out}");
    check_keys(entry, &keys);
}

fn port_of(addr: &str) -> String {
    addr.rsplit(':').next().unwrap().to_string()
}

/// The address of the slotd node holding the keys of `slot`.
fn keys_owner(addrs: &[String], slot: u16) -> String {
    addrs[..3]
        .iter()
        .find(|a| {
            cli(&["-p", &port_of(a), "cluster", "countkeysinslot", &slot.to_string()]).trim() != "0"
        })
        .unwrap_or_else(|| panic!("no node holds keys of slot {slot}"))
        .clone()
}
