//! The cluster under test: 3 masters created with the real `redis-cli
//! --cluster create`, plus a 4th, empty master joined with `redis-cli
//! --cluster add-node`, every node on free ports in its own scratch
//! directory; and the reshard that moves slots to the 4th, by the method
//! chosen. Dropping a [`Cluster`] kills its nodes and removes their directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bench::cleanup;
use bench::client::Resp;
use bench::servers::{ClusterMode, Kind, Server};

use crate::slots::{owners_from_cluster_slots, SLOTS};

/// How long the nodes may take to agree after create, add-node or a reshard.
const AGREE_TIMEOUT: Duration = Duration::from_secs(60);

/// How slots move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// `redis-cli --cluster reshard` (7.0): per slot SETSLOT IMPORTING and
    /// MIGRATING, GETKEYSINSLOT and MIGRATE batches of `--cluster-pipeline`
    /// keys, SETSLOT NODE on every master.
    RedisCli,
    /// `slotd cluster reshard`: between slotd nodes, the native stream
    /// (CLUSTER MIGRATESLOTS, whole slots, no ASK). slotd nodes only.
    Native,
}

impl Method {
    /// The name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Method::RedisCli => "redis-cli",
            Method::Native => "native",
        }
    }
}

/// The programs the cluster is built and resharded with.
#[derive(Clone, Debug)]
pub struct Tools {
    /// `redis-cli` (7.0).
    pub redis_cli: PathBuf,
    /// The slotd binary, for `slotd cluster reshard`.
    pub slotd: PathBuf,
}

/// 4 masters; the last one starts without slots.
pub struct Cluster {
    /// The nodes; `nodes[3]` is the new master.
    pub nodes: Vec<Server>,
}

impl Cluster {
    /// Starts 4 nodes of `kind`, creates the cluster of the first 3 and adds the 4th.
    pub fn start(
        kind: &Kind,
        pin: Option<&str>,
        mode: ClusterMode,
        tools: &Tools,
    ) -> Result<Cluster, String> {
        let nodes = (0..4)
            .map(|i| Server::start_cluster_node(&format!("node{i}"), kind, pin, mode))
            .collect::<Result<Vec<_>, _>>()?;
        let cluster = Cluster { nodes };
        let addrs: Vec<String> = cluster.nodes.iter().map(|n| addr(n.port)).collect();
        let mut create = vec!["--cluster", "create"];
        create.extend(addrs[..3].iter().map(String::as_str));
        create.push("--cluster-yes");
        run_tool(&tools.redis_cli, &create)?;
        cluster.await_agreement(3)?;
        run_tool(&tools.redis_cli, &["--cluster", "add-node", &addrs[3], &addrs[0]])?;
        cluster.await_agreement(4)?;
        Ok(cluster)
    }

    /// The nodes' ports.
    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|n| n.port).collect()
    }

    /// The new master's port.
    pub fn new_port(&self) -> u16 {
        self.nodes[3].port
    }

    /// Waits until the first `count` nodes know `count` nodes, all connected,
    /// are in state ok (a master that just joined waits up to 5 s before it
    /// serves: it answers CLUSTERDOWN meanwhile, RESTORE-ASKING too) and say
    /// the same of every slot, all slots served; returns the owner port of
    /// each slot.
    pub fn await_agreement(&self, count: usize) -> Result<Vec<u16>, String> {
        let deadline = Instant::now() + AGREE_TIMEOUT;
        let mut last = String::new();
        while Instant::now() < deadline {
            match self.agreement(count) {
                Ok(owners) => return Ok(owners),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("the nodes did not agree within {AGREE_TIMEOUT:?}: {last}"))
    }

    fn agreement(&self, count: usize) -> Result<Vec<u16>, String> {
        let mut first: Option<Vec<u16>> = None;
        for n in &self.nodes[..count] {
            let mut conn = n.conn().map_err(|e| format!("{}: {e}", n.label))?;
            let nodes = text(conn.command(&[b"CLUSTER", b"NODES"]))?;
            let lines: Vec<&str> = nodes.lines().filter(|l| !l.is_empty()).collect();
            if lines.len() != count || lines.iter().any(|l| !l.contains(" connected")) {
                return Err(format!("{} sees:\n{nodes}", n.label));
            }
            let info = text(conn.command(&[b"CLUSTER", b"INFO"]))?;
            if !info.contains("cluster_state:ok") {
                return Err(format!("{} is not in state ok", n.label));
            }
            let slots = conn.command(&[b"CLUSTER", b"SLOTS"]).map_err(|e| e.to_string())?;
            let owners = owners_from_cluster_slots(&slots)?;
            if owners.contains(&0) {
                return Err(format!("{} has slots without master", n.label));
            }
            match &first {
                Some(f) if *f != owners => return Err(format!("{} disagrees on slots", n.label)),
                Some(_) => {}
                None => first = Some(owners),
            }
        }
        Ok(first.unwrap_or_else(|| vec![0; SLOTS]))
    }

    /// The 4th node's id.
    pub fn new_node_id(&self) -> Result<String, String> {
        let mut conn = self.nodes[3].conn().map_err(|e| e.to_string())?;
        let reply = conn.command(&[b"CLUSTER", b"MYID"]).map_err(|e| e.to_string())?;
        Ok(text(Ok(reply))?.trim().to_string())
    }

    /// Moves `slots` slots from all masters to the 4th with `method`
    /// (`pipeline` keys per MIGRATE for redis-cli); returns how long it took.
    pub fn reshard(
        &self,
        method: Method,
        slots: usize,
        pipeline: usize,
        tools: &Tools,
    ) -> Result<Duration, String> {
        let (entry, to, slots) = (addr(self.nodes[0].port), self.new_node_id()?, slots.to_string());
        let started = Instant::now();
        match method {
            Method::RedisCli => {
                let pipeline = pipeline.to_string();
                let args = [
                    "--cluster",
                    "reshard",
                    &entry,
                    "--cluster-from",
                    "all",
                    "--cluster-to",
                    &to,
                    "--cluster-slots",
                    &slots,
                    "--cluster-yes",
                    "--cluster-pipeline",
                    &pipeline,
                ];
                run_tool(&tools.redis_cli, &args)?;
            }
            Method::Native => {
                let args = [
                    "cluster", "reshard", &entry, "--from", "all", "--to", &to, "--slots", &slots,
                    "--yes",
                ];
                run_tool(&tools.slotd, &args)?;
            }
        }
        Ok(started.elapsed())
    }

    /// `redis-cli --cluster check`: Ok when every node agrees, every slot is
    /// covered and none is open; else its complaints.
    pub fn check(&self, tools: &Tools) -> Result<(), String> {
        let out = run_tool(&tools.redis_cli, &["--cluster", "check", &addr(self.nodes[0].port)])?;
        let complaints: Vec<&str> =
            out.lines().filter(|l| l.contains("[WARNING]") || l.contains("[ERR]")).collect();
        let agree = out.contains("[OK] All nodes agree about slots configuration.");
        if agree && out.contains("[OK] All 16384 slots covered.") && complaints.is_empty() {
            Ok(())
        } else {
            Err(format!("redis-cli --cluster check: {}", complaints.join("; ")))
        }
    }
}

fn addr(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

/// The text of a bulk reply (or its error).
fn text(reply: std::io::Result<Resp>) -> Result<String, String> {
    match reply {
        Ok(Resp::Bulk(Some(b))) => Ok(String::from_utf8_lossy(&b).into_owned()),
        Ok(Resp::Simple(s)) => Ok(s),
        Ok(other) => Err(format!("unexpected reply {other:?}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs `program args` to its end (killed with the harness on a signal);
/// its standard output, or an error when it failed or printed `[ERR]`.
fn run_tool(program: &Path, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let shown = format!("{} {}", program.display(), args.join(" "));
    let child = cleanup::spawn(&mut cmd, None).map_err(|e| format!("{shown}: {e}"))?;
    let pid = child.id();
    let out = child.wait_with_output();
    cleanup::unregister(pid);
    let out = out.map_err(|e| format!("{shown}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() || stdout.contains("[ERR]") {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stdout.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!("{shown} failed ({}):\n{}\n{stderr}", out.status, tail.join("\n")));
    }
    Ok(stdout)
}
