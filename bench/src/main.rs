//! slotd-bench: slotd and redis-server side by side under redis-benchmark.
//!
//! It builds nothing: give it a slotd binary (by default the workspace's
//! `target/release/slotd`, so run `cargo build --release -p node` first); it
//! takes `redis-server` and `redis-benchmark` from PATH. Modes:
//! - default: throughput, latency and server CPU per operation, slotd vs redis;
//! - `--shards-compare`: the same with slotd at 1 shard vs 2 shards;
//! - `--suite default`: redis-benchmark's whole default suite instead of `-t` tests;
//! - `--memory`: bytes per element of hashes, sets, sorted sets, lists, small
//!   hashes and strings, slotd vs redis.
//!
//! Progress goes to stderr, tables to stdout. Servers are killed on exit,
//! on panic and on Ctrl-C.

mod compare;
mod memory;
use bench::procfs;
mod redis_benchmark;
mod suite;

use bench::{cleanup, client, servers, table};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use redis_benchmark::Load;
use servers::{Kind, Server};

/// Command-line options.
#[derive(Parser, Debug)]
#[command(
    name = "slotd-bench",
    about = "Benchmark slotd against redis-server with redis-benchmark"
)]
struct Opts {
    /// slotd binary [default: $CARGO_TARGET_DIR or <workspace>/target, then release/slotd]
    #[arg(long)]
    slotd: Option<PathBuf>,
    /// redis-server binary.
    #[arg(long, default_value = "redis-server")]
    redis_server: PathBuf,
    /// redis-benchmark binary.
    #[arg(long, default_value = "redis-benchmark")]
    redis_benchmark: PathBuf,
    /// slotd shards (--shards N).
    #[arg(long, default_value_t = 1)]
    shards: usize,
    /// Run the servers under `taskset -c CPUS` (e.g. 0, or 0-1).
    #[arg(long, value_name = "CPUS")]
    pin_server: Option<String>,
    /// Run redis-benchmark under `taskset -c CPUS`.
    #[arg(long, value_name = "CPUS")]
    pin_client: Option<String>,
    /// Tests (redis-benchmark -t names), comma-separated; each is run on its own.
    #[arg(short = 't', long, value_delimiter = ',', default_value = "set,get")]
    tests: Vec<String>,
    /// Run a whole redis-benchmark suite per server and round instead of -t
    /// tests: `default` is its default suite (no -t), CPU time and error
    /// replies sampled between its tests.
    #[arg(long, value_enum, conflicts_with = "tests")]
    suite: Option<Suite>,
    /// Pipeline depths, comma-separated.
    #[arg(short = 'P', long, value_delimiter = ',', default_value = "1")]
    pipeline: Vec<u32>,
    /// Parallel client connections.
    #[arg(short = 'c', long, default_value_t = 50)]
    clients: u32,
    /// Requests per test and run.
    #[arg(short = 'n', long, default_value_t = 1_000_000)]
    requests: u64,
    /// Value size in bytes.
    #[arg(short = 'd', long, default_value_t = 64)]
    data_size: usize,
    /// Random keys from a range of this size (redis-benchmark -r; 0: a single key).
    #[arg(short = 'r', long, default_value_t = 1_000_000)]
    keyspace: u64,
    /// redis-benchmark client threads.
    #[arg(long, default_value_t = 1)]
    threads: u32,
    /// Rounds; results are medians over rounds.
    #[arg(long, default_value_t = 3)]
    rounds: u32,
    /// Before the rounds, load every key of -r into both servers so GETs hit.
    #[arg(long)]
    preload: bool,
    /// Compare slotd with 1 shard against slotd with 2 shards instead of redis-server.
    #[arg(long, conflicts_with = "memory")]
    shards_compare: bool,
    /// Memory mode: bytes per element after loading each data set into a fresh server.
    #[arg(long)]
    memory: bool,
    /// Memory mode: elements per data set (string keys, hash fields, members;
    /// the small hashes are elements / 10 hashes of 10 fields).
    #[arg(long, alias = "keys", default_value_t = 1_000_000)]
    elements: u64,
    /// Memory mode: the data sets to load, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = memory::Dataset::ALL)]
    datasets: Vec<memory::Dataset>,
}

/// Whole redis-benchmark suites.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Suite {
    /// redis-benchmark's default tests, PING_INLINE to MSET, as run without -t.
    Default,
}

impl Opts {
    fn slotd_bin(&self) -> PathBuf {
        self.slotd.clone().unwrap_or_else(servers::default_slotd_bin)
    }

    fn slotd(&self, shards: usize) -> Kind {
        Kind::Slotd { bin: self.slotd_bin(), shards }
    }

    fn load(&self) -> Load {
        Load {
            program: self.redis_benchmark.clone(),
            pin: self.pin_client.clone(),
            clients: self.clients,
            requests: self.requests,
            data_bytes: self.data_size,
            keyspace: self.keyspace,
            threads: self.threads,
        }
    }

    /// The two servers compared, with their labels.
    fn contenders(&self) -> [(String, Kind); 2] {
        if self.shards_compare {
            [("slotd/1".into(), self.slotd(1)), ("slotd/2".into(), self.slotd(2))]
        } else {
            [
                ("slotd".into(), self.slotd(self.shards)),
                ("redis".into(), Kind::Redis { bin: self.redis_server.clone() }),
            ]
        }
    }

    /// One line saying what ran, printed above the table.
    fn describe(&self) -> String {
        format!(
            "slotd={} shards={} clients={} requests={} value={}B keyspace={} rounds={} server-cpus={} client-cpus={}",
            self.slotd_bin().display(),
            if self.shards_compare { "1 vs 2".to_string() } else { self.shards.to_string() },
            self.clients,
            self.requests,
            self.data_size,
            self.keyspace,
            self.rounds,
            self.pin_server.as_deref().unwrap_or("any"),
            self.pin_client.as_deref().unwrap_or("any"),
        )
    }
}

fn main() -> ExitCode {
    let opts = Opts::parse();
    if let Err(e) = cleanup::install_signal_handler() {
        eprintln!("slotd-bench: cannot install signal handler: {e}");
    }
    let slotd = opts.slotd_bin();
    if !slotd.exists() {
        eprintln!(
            "slotd-bench: {} not found: build it with `cargo build --release -p node` or pass --slotd PATH",
            slotd.display()
        );
        return ExitCode::FAILURE;
    }
    let result = if opts.memory { memory_mode(&opts) } else { throughput_mode(&opts) };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("slotd-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn throughput_mode(opts: &Opts) -> Result<(), String> {
    let [(label_a, kind_a), (label_b, kind_b)] = opts.contenders();
    let pin = opts.pin_server.as_deref();
    eprintln!("starting {label_a} and {label_b}");
    let servers = [Server::start(&label_a, &kind_a, pin)?, Server::start(&label_b, &kind_b, pin)?];
    if opts.preload {
        for s in &servers {
            let mut conn = s.conn().map_err(|e| format!("{}: {e}", s.label))?;
            let strings = memory::Dataset::Strings;
            memory::load(&mut conn, &s.label, strings, opts.keyspace, opts.data_size)?;
        }
    }
    let plan = compare::Plan {
        tests: if opts.suite.is_some() { None } else { Some(opts.tests.clone()) },
        pipelines: opts.pipeline.clone(),
        rounds: opts.rounds,
        load: opts.load(),
    };
    let (table, errors) = compare::run(&servers, &plan);
    println!(
        "{}\nmedians over {} rounds; ratio = {label_a} / {label_b}; (!) = errors, left out of the medians",
        opts.describe(),
        opts.rounds
    );
    print!("{}", table.render());
    if !errors.is_empty() {
        println!("errors:");
        for e in &errors {
            println!("  {e}");
        }
    }
    Ok(())
}

fn memory_mode(opts: &Opts) -> Result<(), String> {
    let [(label_a, kind_a), (label_b, kind_b)] = opts.contenders();
    let pin = opts.pin_server.as_deref();
    let (n, d) = (opts.elements, opts.data_size);
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for &dataset in &opts.datasets {
        let measured = [(&label_a, &kind_a), (&label_b, &kind_b)].map(|(label, kind)| {
            let result = memory::measure(label, kind, pin, dataset, n, d);
            if let Err(e) = &result {
                eprintln!("  {e}");
                errors.push(e.clone());
            }
            result
        });
        results.push((dataset, measured));
    }
    println!(
        "growth over the empty server per element, bytes; scale {n} (strings of {d} bytes); ratio = {label_a} / {label_b}",
    );
    print!("{}", memory::table([&label_a, &label_b], n, &results).render());
    for e in &errors {
        println!("error: {e}");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} data set load(s) failed", errors.len()))
    }
}
