//! A real cluster of slotd processes built by the real tools: `redis-cli
//! --cluster create` makes 3 slotd masters, `--cluster check` passes,
//! `redis-cli -c` writes and reads keys of every node; a real redis-server
//! 7.0 joins with CLUSTER MEET and both kinds agree on CLUSTER NODES; a
//! killed slotd is marked PFAIL then FAIL by the others (cluster_state:fail)
//! and comes back from its nodes.conf.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::cluster::{
    await_that, cli, cluster_opts, create_cluster, start_slotd, NODE_TIMEOUT_MS,
};
use common::{free_port, redis_server};

/// What a node's CLUSTER NODES says of every node, comparable across
/// nodes: id, address, master or replica, config epoch, slots; sorted.
fn agreed_view(port: u16) -> Vec<String> {
    let nodes = cli(&["-p", &port.to_string(), "cluster", "nodes"]);
    let mut lines: Vec<String> = nodes
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let role = if f[2].contains("master") { "master" } else { "replica" };
            let failing = f[2].contains("fail");
            format!("{} {} {role} fail={failing} epoch={} {}", f[0], f[1], f[6], f[8..].join(" "))
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn redis_cli_builds_a_slotd_cluster_that_redis_server_joins() {
    let (dir, cports, mut nodes) = create_cluster(3);
    let addrs: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
    let check = cli(&["--cluster", "check", &addrs[1]]);
    assert!(check.contains("[OK] All nodes agree about slots configuration."), "{check}");
    // Each node has a link to and a link from each other node.
    let ids: Vec<String> = nodes
        .iter()
        .map(|n| cli(&["-p", &n.port.to_string(), "cluster", "myid"]).trim().to_string())
        .collect();
    let p0s = nodes[0].port.to_string();
    await_that("CLUSTER LINKS lists both directions to both peers", || {
        let links = cli(&["-p", &p0s, "cluster", "links"]);
        links.matches("\nto\n").count() == 2
            && links.matches("\nfrom\n").count() == 2
            && ids[1..].iter().all(|id| links.matches(id.as_str()).count() == 2)
    });

    // Keys everywhere, through redirections.
    let p0 = nodes[0].port.to_string();
    for i in 0..30 {
        let key = format!("key:{i}");
        assert_eq!(cli(&["-c", "-p", &p0, "set", &key, &format!("v{i}")]).trim(), "OK");
    }
    for n in &nodes {
        let p = n.port.to_string();
        for i in 0..30 {
            let key = format!("key:{i}");
            assert_eq!(cli(&["-c", "-p", &p, "get", &key]).trim(), format!("v{i}"));
        }
    }
    let stats = cli(&["-p", &p0, "cluster", "info"]);
    for counter in ["cluster_stats_messages_ping_sent:", "cluster_stats_messages_pong_received:"] {
        assert!(stats.contains(counter), "{counter} missing: {stats}");
    }
    let info = cli(&["--cluster", "info", &addrs[0]]);
    assert!(info.contains("[OK] 30 keys in 3 masters."), "{info}");
    let moved = cli(&["-p", &p0, "get", "key:0"]) + &cli(&["-p", &p0, "get", "key:1"]);
    assert!(moved.contains("MOVED") || moved.contains("v0"), "{moved}");

    // A real redis-server joins; every node agrees on CLUSTER NODES.
    let rcport = free_port().to_string();
    let timeout = NODE_TIMEOUT_MS.to_string();
    let redis = redis_server(&[
        "--cluster-enabled",
        "yes",
        "--cluster-node-timeout",
        &timeout,
        "--cluster-port",
        &rcport,
    ]);
    let meet = cli(&["-p", &p0, "cluster", "meet", "127.0.0.1", &redis.port.to_string(), &rcport]);
    assert_eq!(meet.trim(), "OK");
    let mut all_ports: Vec<u16> = nodes.iter().map(|n| n.port).collect();
    all_ports.push(redis.port);
    await_that("slotd and redis-server agree on CLUSTER NODES", || {
        let views: Vec<Vec<String>> = all_ports.iter().map(|&p| agreed_view(p)).collect();
        views[0].len() == 4 && views.iter().all(|v| v == &views[0])
    });
    let check = cli(&["--cluster", "check", &format!("127.0.0.1:{}", redis.port)]);
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");

    // A slotd master dies: PFAIL, then FAIL by majority, cluster down.
    let dead_id = cli(&["-p", &nodes[2].port.to_string(), "cluster", "myid"]).trim().to_string();
    let dead_port = nodes[2].port;
    drop(nodes.remove(2));
    let started = Instant::now();
    for &p in &[nodes[0].port, nodes[1].port, redis.port] {
        let p = p.to_string();
        await_that("the dead node is FAIL everywhere", || {
            let nodes = cli(&["-p", &p, "cluster", "nodes"]);
            nodes.lines().any(|l| l.starts_with(&dead_id) && l.contains("master,fail "))
                && cli(&["-p", &p, "cluster", "info"]).contains("cluster_state:fail")
        });
    }
    let took = started.elapsed();
    assert!(took < Duration::from_millis(20 * NODE_TIMEOUT_MS), "FAIL took {took:?}");

    // It comes back from its nodes.conf, on its old port, and the cluster heals.
    let opts = cluster_opts(&dir, cports[2]);
    let opts: Vec<&str> = opts.iter().map(|s| s.as_str()).collect();
    let back = common::slotd_on(Some(dead_port), 1, &opts);
    assert_eq!(cli(&["-p", &back.port.to_string(), "cluster", "myid"]).trim(), dead_id);
    for &p in &[nodes[0].port, nodes[1].port, redis.port, back.port] {
        let p = p.to_string();
        await_that("the cluster is ok again", || {
            cli(&["-p", &p, "cluster", "info"]).contains("cluster_state:ok")
        });
    }
    let bp = back.port.to_string();
    for i in 0..30 {
        let key = format!("after:{i}");
        assert_eq!(cli(&["-c", "-p", &bp, "set", &key, "x"]).trim(), "OK");
        assert_eq!(cli(&["-c", "-p", &p0, "get", &key]).trim(), "x");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redis_cli_adds_and_deletes_an_empty_node() {
    let (dir, _, nodes) = create_cluster(3);
    let first = format!("127.0.0.1:{}", nodes[0].port);
    let extra = start_slotd(&dir, free_port());
    let extra_addr = format!("127.0.0.1:{}", extra.port);
    let out = cli(&["--cluster", "add-node", &extra_addr, &first]);
    assert!(out.contains("[OK] New node added correctly."), "{out}");
    let extra_id = cli(&["-p", &extra.port.to_string(), "cluster", "myid"]).trim().to_string();
    for n in &nodes {
        let p = n.port.to_string();
        await_that("every node knows the new one", || {
            cli(&["-p", &p, "cluster", "nodes"]).contains(&extra_id)
        });
    }
    let check = cli(&["--cluster", "check", &extra_addr]);
    assert!(check.contains("[OK] All nodes agree about slots configuration."), "{check}");

    let out = cli(&["--cluster", "del-node", &first, &extra_id]);
    assert!(out.contains("Sending CLUSTER FORGET messages to the cluster"), "{out}");
    // Forgotten, and gossip does not bring it back.
    std::thread::sleep(Duration::from_millis(3 * NODE_TIMEOUT_MS));
    for n in &nodes {
        let view = cli(&["-p", &n.port.to_string(), "cluster", "nodes"]);
        assert!(!view.contains(&extra_id), "{view}");
        assert_eq!(view.lines().filter(|l| !l.is_empty()).count(), 3, "{view}");
    }
    let check = cli(&["--cluster", "check", &first]);
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Cluster clients run a mixed workload with no error: the `redis` crate's
/// cluster client, and redis-py's RedisCluster (when redis-py is installed,
/// as the test command does).
#[test]
fn cluster_clients_run_a_mixed_workload() {
    let (dir, _, nodes) = create_cluster(3);
    let urls: Vec<String> =
        nodes.iter().map(|n| format!("redis://127.0.0.1:{}/", n.port)).collect();
    let client = redis::cluster::ClusterClient::new(urls).expect("cluster client");
    let mut c = client.get_connection().expect("cluster connection");
    for i in 0..500 {
        let key = format!("user:{i}");
        let _: () = redis::cmd("SET").arg(&key).arg(i).query(&mut c).expect("SET");
        let _: i64 = redis::cmd("INCRBY").arg(&key).arg(10).query(&mut c).expect("INCRBY");
        let _: i64 =
            redis::cmd("HSET").arg(format!("h:{i}")).arg("f").arg(i).query(&mut c).expect("HSET");
        let _: i64 = redis::cmd("RPUSH")
            .arg(format!("{{t{i}}}:l"))
            .arg("a")
            .arg("b")
            .query(&mut c)
            .expect("RPUSH");
    }
    for i in 0..500 {
        let v: i64 = redis::cmd("GET").arg(format!("user:{i}")).query(&mut c).expect("GET");
        assert_eq!(v, i + 10);
        let f: i64 = redis::cmd("HGET").arg(format!("h:{i}")).arg("f").query(&mut c).expect("HGET");
        assert_eq!(f, i);
        let pair: Vec<String> = redis::cmd("MGET")
            .arg(format!("{{t{i}}}:a"))
            .arg(format!("{{t{i}}}:l"))
            .query::<Vec<Option<String>>>(&mut c)
            .map(|v| v.into_iter().map(|x| x.unwrap_or_default()).collect())
            .unwrap_or_else(|e| vec![e.to_string()]);
        assert_eq!(pair.len(), 2, "{pair:?}");
    }
    let py = Command::new("python3").args(["-c", "import redis"]).status();
    if py.is_ok_and(|s| s.success()) {
        let script = format!(
            r#"
import redis
rc = redis.RedisCluster(host="127.0.0.1", port={port})
for i in range(500):
    rc.set(f"py:{{i}}", i)
    rc.hset(f"pyh:{{i}}", "f", i)
for i in range(500):
    assert int(rc.get(f"py:{{i}}")) == i
    assert int(rc.get(f"user:{{i}}")) == i + 10
    assert int(rc.hget(f"pyh:{{i}}", "f")) == i
print("redis-py ok")
"#,
            port = nodes[1].port
        );
        let out = Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && text.contains("redis-py ok"), "{text}");
    } else {
        eprintln!("redis-py is not installed: its part of the workload is skipped");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
