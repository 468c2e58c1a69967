//! slotd-migbench: how fast a quarter of a cluster's slots moves to a new
//! master, and what clients see meanwhile.
//!
//! For each server (`--server redis,slotd`), method (`--method
//! redis-cli,native`) and redis-cli pipeline (`--pipeline 10,100`), on a fresh
//! cluster each time: 3 masters made by `redis-cli --cluster create` plus an
//! empty 4th joined by `--cluster add-node`; the data set loaded at full speed
//! (pipelined, each key sent to its slot's master); a fixed-rate GET/SET load
//! started (open loop, see traffic.rs) and measured for `--baseline-secs`;
//! then `--slots` slots moved to the 4th master while the load runs on; then
//! every key checked. One table at the end (stdout; progress on stderr).
//! Nodes are killed and their directories removed on exit, panic or signal.

mod cluster;
mod dataset;
mod histogram;
mod load;
mod report;
mod slots;
mod traffic;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;

use bench::cleanup;
use bench::servers::{default_slotd_bin, ClusterMode, Kind};
use cluster::{Cluster, Method, Tools};
use dataset::Spec;
use engine::slot::key_slot;
use report::Row;
use slots::SlotMap;
use traffic::Phase;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(
    name = "slotd-migbench",
    about = "Time a reshard of a 4-master cluster under a fixed-rate load"
)]
struct Opts {
    /// Servers to build clusters of, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "redis")]
    server: Vec<ServerKind>,
    /// Reshard methods, comma-separated (`native` runs on slotd only).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "redis-cli")]
    method: Vec<Method>,
    /// redis-cli --cluster-pipeline values, comma-separated: one run each.
    #[arg(long, value_delimiter = ',', default_value = "10")]
    pipeline: Vec<usize>,
    /// Slots moved to the new master.
    #[arg(long, default_value_t = 4096)]
    slots: usize,
    /// String keys.
    #[arg(long, default_value_t = 1_000_000)]
    keys: u64,
    /// Bytes of each string value.
    #[arg(long, default_value_t = 64)]
    value_bytes: usize,
    /// Big collections (hash, sorted set, list in turn; half of them in slots that move).
    #[arg(long, default_value_t = 20)]
    collections: usize,
    /// Elements of each collection.
    #[arg(long, default_value_t = 1_000_000)]
    elements: u64,
    /// Requests per second of the load, all nodes together.
    #[arg(long, default_value_t = 20_000)]
    rate: u64,
    /// Load connections to each node.
    #[arg(long, default_value_t = 2)]
    conns_per_node: usize,
    /// Percent of the load's requests that are SETs (the rest GETs).
    #[arg(long, default_value_t = 20)]
    set_percent: u64,
    /// Seconds of load before measuring (connections and caches warm up).
    #[arg(long, default_value_t = 1.0)]
    warmup_secs: f64,
    /// Seconds of load measured before the move.
    #[arg(long, default_value_t = 5.0)]
    baseline_secs: f64,
    /// slotd shards per node.
    #[arg(long, default_value_t = 1)]
    shards: usize,
    /// --cluster-node-timeout of every node, ms.
    #[arg(long, default_value_t = 15_000)]
    node_timeout_ms: u64,
    /// Run the nodes under `taskset -c CPUS`.
    #[arg(long, value_name = "CPUS")]
    pin_server: Option<String>,
    /// slotd binary [default: $CARGO_TARGET_DIR or <workspace>/target, then release/slotd]
    #[arg(long)]
    slotd: Option<PathBuf>,
    /// redis-server binary (7.0).
    #[arg(long, default_value = "redis-server")]
    redis_server: PathBuf,
    /// redis-cli binary (7.0).
    #[arg(long, default_value = "redis-cli")]
    redis_cli: PathBuf,
}

/// The servers a cluster is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ServerKind {
    /// redis-server, persistence off.
    Redis,
    /// slotd.
    Slotd,
}

impl ServerKind {
    fn name(self) -> &'static str {
        match self {
            ServerKind::Redis => "redis",
            ServerKind::Slotd => "slotd",
        }
    }
}

impl Opts {
    fn tools(&self) -> Tools {
        Tools {
            redis_cli: self.redis_cli.clone(),
            slotd: self.slotd.clone().unwrap_or_else(default_slotd_bin),
        }
    }

    fn kind(&self, server: ServerKind) -> Kind {
        match server {
            ServerKind::Redis => Kind::Redis { bin: self.redis_server.clone() },
            ServerKind::Slotd => Kind::Slotd { bin: self.tools().slotd, shards: self.shards },
        }
    }

    /// Every run: (server, method, pipeline), native ones without pipeline.
    fn runs(&self) -> Vec<(ServerKind, Method, Option<usize>)> {
        let mut runs = Vec::new();
        for &server in &self.server {
            for &method in &self.method {
                match method {
                    Method::RedisCli => {
                        runs.extend(self.pipeline.iter().map(|&p| (server, method, Some(p))))
                    }
                    Method::Native if server == ServerKind::Slotd => {
                        runs.push((server, method, None))
                    }
                    Method::Native => eprintln!("native moves need slotd nodes: skipping redis"),
                }
            }
        }
        runs
    }

    fn load_config(&self) -> traffic::Config {
        traffic::Config {
            rate: self.rate,
            conns_per_node: self.conns_per_node,
            keys: self.keys,
            value_bytes: self.value_bytes,
            set_percent: self.set_percent,
        }
    }
}

fn main() -> ExitCode {
    let opts = Opts::parse();
    if let Err(e) = cleanup::install_signal_handler() {
        eprintln!("slotd-migbench: cannot install signal handler: {e}");
    }
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for (server, method, pipeline) in opts.runs() {
        let name = format!(
            "{} {} {}",
            server.name(),
            method.name(),
            pipeline.map_or("-".into(), |p| p.to_string())
        );
        eprintln!("== {name}");
        match run(&opts, server, method, pipeline) {
            Ok(row) => rows.push(row),
            Err(e) => {
                eprintln!("  failed: {e}");
                failed.push(format!("{name}: {e}"));
            }
        }
    }
    println!(
        "{} string keys of {} B + {} collections of {} elements; {} slots to a 4th master; \
         load {} req/s ({}% SET) on {} connections per node, latency from each request's due time",
        opts.keys,
        opts.value_bytes,
        opts.collections,
        opts.elements,
        opts.slots,
        opts.rate,
        opts.set_percent,
        opts.conns_per_node
    );
    print!("{}", report::table(&rows).render());
    for f in &failed {
        println!("failed: {f}");
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// CPU time used and run-queue wait so far of process `pid`.
fn sched(pid: u32) -> Result<(Duration, Duration), String> {
    Ok((bench::procfs::cpu_time(pid)?, bench::procfs::run_delay(pid)?))
}

/// One run on a fresh cluster.
fn run(
    opts: &Opts,
    server: ServerKind,
    method: Method,
    pipeline: Option<usize>,
) -> Result<Row, String> {
    let tools = opts.tools();
    let mode = ClusterMode { node_timeout_ms: opts.node_timeout_ms };
    let cluster = Cluster::start(&opts.kind(server), opts.pin_server.as_deref(), mode, &tools)?;
    let ports = cluster.ports();
    let owners = cluster.await_agreement(ports.len())?;
    let spec = Spec::new(
        opts.keys,
        opts.value_bytes,
        opts.collections,
        opts.elements,
        &owners,
        opts.slots,
    );
    load::load(&spec, &owners, &ports)?;

    let map = Arc::new(SlotMap::new(&owners));
    let traffic = traffic::Load::start(&opts.load_config(), map, &ports);
    std::thread::sleep(Duration::from_secs_f64(opts.warmup_secs));
    traffic.set_phase(Phase::Before);
    std::thread::sleep(Duration::from_secs_f64(opts.baseline_secs));
    traffic.set_phase(Phase::During);
    let unix_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    eprintln!("  moving {} slots (from Unix ms {unix_ms})", opts.slots);
    let mut procs: Vec<(String, u32)> =
        cluster.nodes.iter().map(|n| (n.port.to_string(), n.pid())).collect();
    procs.push(("load".into(), std::process::id()));
    let sched_before: Vec<_> = procs.iter().map(|(_, pid)| sched(*pid)).collect();
    let move_start = Instant::now();
    let moved = cluster.reshard(method, opts.slots, pipeline.unwrap_or(0), &tools);
    let sched_after: Vec<_> = procs.iter().map(|(_, pid)| sched(*pid)).collect();
    let [_, before, during] = traffic.finish();
    let move_time = moved?;
    eprintln!("  moved in {:.2} s", move_time.as_secs_f64());
    // CPU oversubscription shows as run-queue wait: a node waiting for a CPU
    // answers late however little it does.
    eprintln!("  CPU s / run-queue wait s during the move (node port or load):");
    for (((name, _), a), b) in procs.iter().zip(&sched_before).zip(&sched_after) {
        if let (Ok(a), Ok(b)) = (a, b) {
            let (cpu, wait) = ((b.0 - a.0).as_secs_f64(), (b.1 - a.1).as_secs_f64());
            eprintln!("    {name:>6}: {cpu:6.2} / {wait:6.2}");
        }
    }
    eprintln!(
        "  slowest during the move (ms after its start: latency ms, node, op, redirections):"
    );
    for s in &during.slowest {
        eprintln!(
            "    {:8.1}: {:7.2}  {} {} {}",
            s.due.saturating_duration_since(move_start).as_secs_f64() * 1e3,
            s.latency_ns as f64 / 1e6,
            s.port,
            if s.set { "SET" } else { "GET" },
            s.redirects
        );
    }

    let owners = cluster.await_agreement(ports.len())?;
    let new_port = cluster.new_port();
    let mut check = load::verify(&spec, &owners, &ports, new_port)?;
    if let Err(e) = cluster.check(&tools) {
        check.failures.add(e);
    }
    for st in [&before, &during] {
        for e in &st.error_samples {
            eprintln!("  load error: {e}");
        }
    }
    for f in &check.failures.shown {
        eprintln!("  check: {f}");
    }
    let on_new = spec
        .collections
        .iter()
        .filter(|c| owners[usize::from(key_slot(c.name.as_bytes()))] == new_port);
    Ok(Row {
        server: server.name().to_string(),
        method: method.name(),
        pipeline,
        move_time,
        moved_keys: check.moved_keys,
        moved_bytes: check.moved_bytes,
        moved_collections: (on_new.count(), spec.collections.len()),
        before,
        during,
        check_failures: check.failures.count,
    })
}
