//! Real `redis-cli --cluster reshard` and `rebalance` (7.0) moving slots
//! between slotd nodes while a client writes to the moving slots, and between
//! a real redis-server 7.0 node and a slotd node, both ways, in one cluster.
//! Every key keeps its value (strings, lists, hashes, sets, sorted sets, TTLs),
//! every acknowledged write is there, and `redis-cli --cluster check` passes.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use common::cluster::{await_that, cli, create_cluster};
use common::free_port;
use redis::Commands;

/// Loads `n` strings and some collections through the cluster client;
/// returns the keys and a fingerprint of each value.
fn load(c: &mut redis::cluster::ClusterConnection, n: usize) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    for i in 0..n {
        let k = format!("str:{i}");
        let _: () = c.set(&k, format!("v{i}")).unwrap();
        keys.push(k);
    }
    for i in 0..20 {
        let (l, h, s, z) =
            (format!("list:{i}"), format!("hash:{i}"), format!("set:{i}"), format!("zset:{i}"));
        let items: Vec<String> = (0..(i * 40 + 5)).map(|j| format!("e{j}")).collect();
        let _: () = c.rpush(&l, &items).unwrap();
        let pairs: Vec<(String, usize)> =
            items.iter().enumerate().map(|(j, e)| (e.clone(), j)).collect();
        let _: () = c.hset_multiple(&h, &pairs).unwrap();
        let _: () = c.sadd(&s, &items).unwrap();
        let scored: Vec<(f64, String)> =
            items.iter().enumerate().map(|(j, e)| (j as f64 / 3.0, e.clone())).collect();
        let _: () = c.zadd_multiple(&z, &scored).unwrap();
        let _: () = c.pexpire(&z, 900_000).unwrap();
        keys.extend([l, h, s, z]);
    }
    keys.into_iter()
        .map(|k| {
            let f = fingerprint(c, &k);
            (k, f)
        })
        .collect()
}

/// A key's whole value as text (sorted where unordered), and whether it expires.
fn fingerprint(c: &mut redis::cluster::ClusterConnection, k: &str) -> String {
    let t: String = redis::cmd("TYPE").arg(k).query(c).unwrap();
    let ttl: i64 = c.pttl(k).unwrap();
    let body = match t.as_str() {
        "string" => c.get::<_, String>(k).unwrap(),
        "list" => c.lrange::<_, Vec<String>>(k, 0, -1).unwrap().join(","),
        "hash" => {
            let mut v: Vec<(String, String)> = c.hgetall(k).unwrap();
            v.sort();
            format!("{v:?}")
        }
        "set" => {
            let mut v: Vec<String> = c.smembers(k).unwrap();
            v.sort();
            v.join(",")
        }
        "zset" => format!("{:?}", c.zrange_withscores::<_, Vec<(String, f64)>>(k, 0, -1).unwrap()),
        other => panic!("{k} is a {other}"),
    };
    format!("{t}:{body}:expires={}", ttl > 0)
}

fn check_all(c: &mut redis::cluster::ClusterConnection, keys: &[(String, String)]) {
    for (k, want) in keys {
        assert_eq!(&fingerprint(c, k), want, "{k}");
    }
}

fn client(port: u16) -> redis::cluster::ClusterClient {
    redis::cluster::ClusterClient::new(vec![format!("redis://127.0.0.1:{port}/")]).unwrap()
}

fn myid(port: u16) -> String {
    cli(&["-p", &port.to_string(), "cluster", "myid"]).trim().to_string()
}

/// Runs `redis-cli --cluster <args>`; asserts it ended well.
fn cluster_cmd(args: &[&str]) -> String {
    let mut all = vec!["--cluster"];
    all.extend_from_slice(args);
    let out = cli(&all);
    assert!(!out.contains("[ERR]"), "redis-cli --cluster {}: {out}", args.join(" "));
    out
}

fn check_ok(addr: &str) {
    let out = cluster_cmd(&["check", addr]);
    assert!(
        out.contains("[OK] All nodes agree") && out.contains("[OK] All 16384 slots covered."),
        "{out}"
    );
}

/// A writer incrementing counters through the cluster client until stopped;
/// returns how many INCRs were acknowledged per counter.
fn writer(c: redis::cluster::ClusterClient, stop: Arc<AtomicBool>) -> thread::JoinHandle<Vec<i64>> {
    thread::spawn(move || {
        let mut conn = c.get_connection().unwrap();
        let mut counts = vec![0i64; 64];
        let mut n = 0usize;
        while !stop.load(Ordering::Relaxed) || n < 300 {
            let i = n % counts.len();
            let _: i64 = conn.incr(format!("counter:{i}"), 1).unwrap();
            counts[i] += 1;
            n += 1;
        }
        counts
    })
}

fn check_counters(c: &mut redis::cluster::ClusterConnection, counts: &[i64]) {
    for (i, want) in counts.iter().enumerate() {
        let got: Option<i64> = c.get(format!("counter:{i}")).unwrap();
        assert_eq!(got.unwrap_or(0), *want, "counter:{i}");
    }
}

#[test]
fn redis_cli_reshards_and_rebalances_slotd_nodes_under_writes() {
    let (dir, _cports, nodes) = create_cluster(3);
    let addr0 = format!("127.0.0.1:{}", nodes[0].port);
    let cc = client(nodes[0].port);
    let mut c = cc.get_connection().unwrap();
    let keys = load(&mut c, 2000);

    // A fourth slotd node; 4096 slots move to it while a client writes.
    let fourth = common::cluster::start_slotd_shards(&dir, free_port(), 2);
    let addr4 = format!("127.0.0.1:{}", fourth.port);
    cluster_cmd(&["add-node", &addr4, &addr0]);
    await_that("the new node is known everywhere", || {
        nodes.iter().all(|n| {
            cli(&["-p", &n.port.to_string(), "cluster", "nodes"]).contains(&myid(fourth.port))
        })
    });
    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(cc.clone(), stop.clone());
    let id4 = myid(fourth.port);
    let out = cluster_cmd(&[
        "reshard",
        &addr0,
        "--cluster-from",
        "all",
        "--cluster-to",
        &id4,
        "--cluster-slots",
        "4096",
        "--cluster-yes",
        "--cluster-pipeline",
        "10",
    ]);
    assert!(out.contains("Moving slot"), "{out}");
    check_ok(&addr0);
    // And back out with rebalance (weight 0 empties it).
    let weight = format!("{id4}=0");
    cluster_cmd(&["rebalance", &addr0, "--cluster-weight", &weight, "--cluster-pipeline", "50"]);
    stop.store(true, Ordering::Relaxed);
    let counts = w.join().unwrap();
    check_ok(&addr0);
    let mut c = cc.get_connection().unwrap();
    check_all(&mut c, &keys);
    check_counters(&mut c, &counts);
    assert_eq!(cli(&["-p", &fourth.port.to_string(), "dbsize"]).trim(), "0");
}

#[test]
fn redis_cli_moves_slots_between_redis_server_and_slotd() {
    let dir =
        std::env::temp_dir().join(format!("slotd-mixed-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let r1 = common::cluster::start_redis(&dir);
    let r2 = common::cluster::start_redis(&dir);
    let s1 = common::cluster::start_slotd_shards(&dir, free_port(), 2);
    let addrs: Vec<String> =
        [&r1, &r2, &s1].iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
    let mut create = vec!["create"];
    create.extend(addrs.iter().map(String::as_str));
    create.push("--cluster-yes");
    let out = cluster_cmd(&create);
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
    for n in [&r1, &r2, &s1] {
        let p = n.port.to_string();
        await_that("cluster_state:ok everywhere", || {
            cli(&["-p", &p, "cluster", "info"]).contains("cluster_state:ok")
        });
    }
    let cc = client(r1.port);
    let mut c = cc.get_connection().unwrap();
    let keys = load(&mut c, 1500);
    let (id_r1, id_s1) = (myid(r1.port), myid(s1.port));

    // redis-server → slotd.
    cluster_cmd(&[
        "reshard",
        &addrs[0],
        "--cluster-from",
        &id_r1,
        "--cluster-to",
        &id_s1,
        "--cluster-slots",
        "3000",
        "--cluster-yes",
    ]);
    check_ok(&addrs[2]);
    check_all(&mut c, &keys);
    // slotd → redis-server.
    cluster_cmd(&[
        "reshard",
        &addrs[2],
        "--cluster-from",
        &id_s1,
        "--cluster-to",
        &id_r1,
        "--cluster-slots",
        "5000",
        "--cluster-yes",
        "--cluster-pipeline",
        "100",
    ]);
    check_ok(&addrs[0]);
    let mut c = cc.get_connection().unwrap();
    check_all(&mut c, &keys);
}
