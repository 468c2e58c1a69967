//! Cluster mode on one node, side by side with a real redis-server 7.0 in
//! cluster mode: both start from the same nodes.conf (this node and a peer
//! that serves some slots), and a transcript of CLUSTER commands and key
//! commands (MOVED, CROSSSLOT, CLUSTERDOWN, SELECT) must be the same, node
//! ids aside; then slotd restarts from the nodes.conf it wrote.

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{free_port, redis_server, slotd, Server};
use diff::{show, RespConn};

const ME: &str = "1111111111111111111111111111111111111111";
const PEER: &str = "2222222222222222222222222222222222222222";

fn conn(s: &Server) -> RespConn {
    RespConn::connect(s.port).expect("connect")
}

fn call(c: &mut RespConn, line: &str) -> String {
    let args: Vec<Vec<u8>> = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
    show(&c.call(&args).expect("reply").raw)
}

/// A nodes.conf in a fresh directory: this node serves nothing yet, the
/// peer (never reachable) serves slots 0-99 with config epoch 1.
fn nodes_conf(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "slotd-cluster-{tag}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nodes.conf");
    std::fs::write(
        &file,
        format!(
            "{ME} 127.0.0.1:1@2 myself,master - 0 0 0 connected\n\
             {PEER} 127.0.0.1:30002@40002 master - 0 0 1 connected 0-99\n\
             vars currentEpoch 1 lastVoteEpoch 0\n"
        ),
    )
    .unwrap();
    file
}

/// Server options for cluster mode with `file`, and the bus port chosen.
fn options(file: &Path) -> (Vec<String>, u16) {
    let cport = free_port();
    let opts = [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        file.to_str().unwrap(),
        "--cluster-node-timeout",
        "600000",
        "--cluster-port",
        &cport.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    (opts, cport)
}

/// Waits until CLUSTER INFO says `state`.
fn await_state(c: &mut RespConn, state: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let want = format!("cluster_state:{state}");
    while !call(c, "CLUSTER INFO").contains(&want) {
        assert!(Instant::now() < deadline, "never {want}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A reply with what legitimately differs taken out: our ports (PORT,
/// CPORT), the bus message counters and ping times (slotd has no bus yet),
/// node order.
fn normalized(reply: String, port: &str, cport: &str) -> String {
    let reply = reply.replace(cport, "CPORT").replace(port, "PORT");
    let Some((_, body)) = reply.split_once("\\r\\n") else { return reply };
    if body.starts_with("cluster_state") {
        return body.split("\\r\\n").filter(|l| !l.starts_with("cluster_stats")).collect();
    }
    if body.contains(" myself,") {
        let mut lines: Vec<String> = body
            .split("\\n")
            .map(|l| {
                let mut f: Vec<&str> = l.split(' ').collect();
                if f.len() > 5 {
                    f[4] = "0";
                }
                f.join(" ")
            })
            .collect();
        lines.sort();
        return lines.join("\n");
    }
    reply
}

/// The scenario's replies, [`normalized`].
fn transcript(s: &Server, cport: u16) -> Vec<String> {
    let mut c = conn(s);
    let (port, cport) = (s.port.to_string(), format!("@{cport}"));
    let mut t = Vec::new();
    let mut step = |c: &mut RespConn, line: &str| t.push(normalized(call(c, line), &port, &cport));
    step(&mut c, "CLUSTER MYID");
    step(&mut c, "CLUSTER KEYSLOT {user1000}.following");
    step(&mut c, "GET foo");
    step(&mut c, "CLUSTER ADDSLOTSRANGE 100 16383");
    await_state(&mut c, "ok");
    for line in [
        "CLUSTER INFO",
        "CLUSTER NODES",
        "CLUSTER SLOTS",
        "CLUSTER COUNTKEYSINSLOT 12182",
        "SET foo bar",
        "GET foo",
        "CLUSTER COUNTKEYSINSLOT 12182",
        "CLUSTER GETKEYSINSLOT 12182 10",
        "GET {a}",
        "GET k126",
        "SET {a} 1",
        "MGET foo {a}",
        "MSET x{u} 1 y{u} 2",
        "MGET x{u} y{u}",
        "DEL foo bar",
        "SELECT 1",
        "SELECT 0",
        "CLUSTER SETSLOT 12182 NODE 2222222222222222222222222222222222222222",
        "DEL foo",
        "CLUSTER SETSLOT 12182 NODE 2222222222222222222222222222222222222222",
        "SET foo x",
        "CLUSTER DELSLOTS 5000",
        "GET {a}",
        "SET k126 v",
        "CLUSTER INFO",
        "ASKING",
        "READONLY",
        "READWRITE",
        "CLUSTER FOO",
        "CLUSTER ADDSLOTS 5000",
        // Slot 200 migrating to the peer: keys still here are served.
        "SET k19366 here",
        "CLUSTER SETSLOT 200 MIGRATING 2222222222222222222222222222222222222222",
        "GET k19366",
        "GET k101245",
        "SET k101245 x",
        "MGET k19366 k101245",
        "MGET k19366 k19366",
        "CLUSTER NODES",
        // Slot 50 imported from the peer: only after ASKING, once.
        "CLUSTER SETSLOT 50 IMPORTING 2222222222222222222222222222222222222222",
        "GET k3552",
        "ASKING",
        "GET k3552",
        "GET k3552",
        "ASKING",
        "SET k3552 v",
        "ASKING",
        "MGET k3552 k6220",
        "ASKING",
        "MGET k3552 k3552",
        "ASKING",
        "PING",
        "GET k3552",
        "CLUSTER SETSLOT 50 STABLE",
        "CLUSTER SETSLOT 200 STABLE",
        "GET k101245",
    ] {
        step(&mut c, line);
    }
    t
}

#[test]
fn one_node_behaves_like_redis() {
    let redis_file = nodes_conf("redis");
    let (redis_opts, redis_cport) = options(&redis_file);
    let redis_opts: Vec<&str> = redis_opts.iter().map(|s| s.as_str()).collect();
    let redis = redis_server(&redis_opts);
    let want = transcript(&redis, redis_cport);
    for shards in [1, 2] {
        let file = nodes_conf("slotd");
        let (opts, cport) = options(&file);
        let opts: Vec<&str> = opts.iter().map(|s| s.as_str()).collect();
        let s = slotd(shards, &opts);
        let got = transcript(&s, cport);
        assert_eq!(got, want, "slotd with {shards} shard(s) differs from redis-server");
        // The file it wrote brings it back as it was.
        let cport_at = format!("@{cport}");
        let nodes =
            normalized(call(&mut conn(&s), "CLUSTER NODES"), &s.port.to_string(), &cport_at);
        drop(s);
        let again = slotd(shards, &opts);
        let port = again.port.to_string();
        assert_eq!(normalized(call(&mut conn(&again), "CLUSTER NODES"), &port, &cport_at), nodes);
    }
    // What the transcript must say, whoever says it.
    assert_eq!(want[0], format!("$40\\r\\n{ME}\\r\\n"));
    assert_eq!(want[1], ":3443\\r\\n");
    assert_eq!(want[2], "-CLUSTERDOWN Hash slot not served\\r\\n");
    assert_eq!(want[13], "-MOVED 58 127.0.0.1:30002\\r\\n");
    assert_eq!(want[15], "-CROSSSLOT Keys in request don't hash to the same slot\\r\\n");
    for line in [
        "-ASK 200 127.0.0.1:30002\\r\\n",
        "-TRYAGAIN Multiple keys request during rehashing of slot\\r\\n",
        "$4\\r\\nhere\\r\\n",
    ] {
        assert!(want.iter().any(|r| r == line), "{line} not in {want:?}");
    }
}
