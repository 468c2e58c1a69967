//! Cluster test support: slotd nodes started in cluster mode (small node
//! timeout), clusters built with the real `redis-cli --cluster create`, and
//! polling until a condition holds.

use std::process::Command;
use std::time::{Duration, Instant};

use super::{free_port, slotd, Server};

/// Node timeout of the test cluster, ms (small so failures show quickly).
pub const NODE_TIMEOUT_MS: u64 = 1000;

/// Runs redis-cli with `args`; stdout and stderr together.
pub fn cli(args: &[&str]) -> String {
    let out = Command::new("redis-cli").args(args).output().expect("redis-cli runs");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The `--cluster-*` options of a test node whose bus listens on `cport`.
pub fn cluster_opts(dir: &std::path::Path, cport: u16) -> Vec<String> {
    let timeout = NODE_TIMEOUT_MS.to_string();
    let conf = dir.join(format!("nodes-{cport}.conf"));
    [
        "--cluster-enabled",
        "yes",
        "--cluster-node-timeout",
        &timeout,
        "--cluster-port",
        &cport.to_string(),
        "--cluster-config-file",
        conf.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A 1-shard slotd cluster node keeping its nodes.conf in `dir`.
pub fn start_slotd(dir: &std::path::Path, cport: u16) -> Server {
    start_slotd_shards(dir, cport, 1)
}

/// [`start_slotd`] with `shards` shards.
pub fn start_slotd_shards(dir: &std::path::Path, cport: u16, shards: usize) -> Server {
    let opts = cluster_opts(dir, cport);
    let opts: Vec<&str> = opts.iter().map(|s| s.as_str()).collect();
    slotd(shards, &opts)
}

/// Waits until `check` holds, polling; panics with `what` after 30 s.
pub fn await_that(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A cluster of `n` slotd masters made by `redis-cli --cluster create`,
/// every node seeing cluster_state:ok: its directory, bus ports, nodes.
pub fn create_cluster(n: usize) -> (std::path::PathBuf, Vec<u16>, Vec<Server>) {
    let dir =
        std::env::temp_dir().join(format!("slotd-create-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let cports: Vec<u16> = (0..n).map(|_| free_port()).collect();
    let nodes: Vec<Server> = cports.iter().map(|&c| start_slotd(&dir, c)).collect();
    let addrs: Vec<String> = nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
    let mut create = vec!["--cluster", "create"];
    create.extend(addrs.iter().map(|s| s.as_str()));
    create.push("--cluster-yes");
    let out = cli(&create);
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
    for n in &nodes {
        let p = n.port.to_string();
        await_that("every node sees cluster_state:ok", || {
            cli(&["-p", &p, "cluster", "info"]).contains("cluster_state:ok")
        });
    }
    (dir, cports, nodes)
}

/// Waits until the nodes on `ports` agree on every node's config epoch and
/// no two masters share one (epoch collisions resolved), so that a slot
/// claim made with a bumped epoch wins everywhere.
pub fn await_settled_epochs(ports: &[u16]) {
    let epochs = |port: u16| -> Vec<String> {
        let nodes = cli(&["-p", &port.to_string(), "cluster", "nodes"]);
        let mut v: Vec<String> = nodes
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                format!("{} {}", f[0], f[6])
            })
            .collect();
        v.sort();
        v
    };
    await_that("the nodes agree on distinct config epochs", || {
        let first = epochs(ports[0]);
        let mut seen: Vec<&str> = first.iter().map(|l| l.split(' ').nth(1).unwrap()).collect();
        seen.sort();
        seen.dedup();
        seen.len() == first.len() && ports.iter().all(|&p| epochs(p) == first)
    });
}

/// Two slotd cluster nodes (with `shards_a` and `shards_b` shards): A serves
/// every slot, B none; both see an ok cluster with settled epochs. Returns
/// them with their ids.
pub fn two_nodes(shards_a: usize, shards_b: usize) -> (Server, Server, String, String) {
    let dir =
        std::env::temp_dir().join(format!("slotd-pair-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, cb) = (free_port(), free_port());
    let a = start_slotd_shards(&dir, ca, shards_a);
    let b = start_slotd_shards(&dir, cb, shards_b);
    let (pa, pb) = (a.port.to_string(), b.port.to_string());
    assert_eq!(cli(&["-p", &pa, "cluster", "addslotsrange", "0", "16383"]).trim(), "OK");
    let meet = cli(&["-p", &pa, "cluster", "meet", "127.0.0.1", &pb, &cb.to_string()]);
    assert_eq!(meet.trim(), "OK");
    for p in [&pa, &pb] {
        await_that("both nodes see an ok cluster of two", || {
            let info = cli(&["-p", p, "cluster", "info"]);
            info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:2")
        });
    }
    await_settled_epochs(&[a.port, b.port]);
    let id_a = cli(&["-p", &pa, "cluster", "myid"]).trim().to_string();
    let id_b = cli(&["-p", &pb, "cluster", "myid"]).trim().to_string();
    (a, b, id_a, id_b)
}

/// A redis-server 7.0 cluster node (same node timeout as the slotd ones)
/// keeping its nodes.conf in `dir`.
pub fn start_redis(dir: &std::path::Path) -> Server {
    let cport = free_port();
    let conf = dir.join(format!("nodes-redis-{cport}.conf"));
    let timeout = NODE_TIMEOUT_MS.to_string();
    super::redis_server(&[
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        &cport.to_string(),
        "--cluster-config-file",
        conf.to_str().unwrap(),
        "--cluster-node-timeout",
        &timeout,
    ])
}
