//! `slotd`: a Redis Cluster–compatible key-value node, one shard per core.
//!
//! `slotd [config-file] [--option value ...]` starts a node (options as in
//! redis.conf, see `config.rs`); `slotd cluster ...` runs the admin CLI
//! (`cli/`) instead. The process claims its port, starts one glommio
//! executor per shard (`runtime.rs`), and serves until SHUTDOWN, SIGTERM or SIGINT.

mod alloc;
mod cli;
mod clients;
mod cluster;
mod commands;
mod config;
mod conn;
mod lazyfree;
mod migrate;
mod runtime;
mod shard;
mod sys;

#[global_allocator]
static GLOBAL: alloc::CountingMiMalloc = alloc::CountingMiMalloc;

/// The Redis version slotd reports (HELLO, INFO): the behaviour it follows.
pub const REDIS_VERSION: &str = "7.0.15";

/// `n` random hex characters (run ids).
pub fn random_hex(n: usize) -> String {
    let mut s = String::with_capacity(n);
    while s.len() < n {
        s.push_str(&format!("{:016x}", conn::batch::fastrand_u64()));
    }
    s.truncate(n);
    s
}

fn init_logging(cfg: &config::Config) -> Result<(), String> {
    use tracing_subscriber::filter::LevelFilter;
    let level = match cfg.loglevel {
        config::LogLevel::Debug => LevelFilter::DEBUG,
        config::LogLevel::Verbose | config::LogLevel::Notice => LevelFilter::INFO,
        config::LogLevel::Warning => LevelFilter::WARN,
    };
    let builder = tracing_subscriber::fmt().with_max_level(level).with_target(false);
    if cfg.logfile.is_empty() {
        builder.init();
    } else {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&cfg.logfile)
            .map_err(|e| format!("cannot open logfile {}: {e}", cfg.logfile))?;
        builder.with_ansi(false).with_writer(std::sync::Mutex::new(file)).init();
    }
    Ok(())
}

fn start(args: &[String]) -> Result<(), String> {
    let cfg = config::Config::from_args(args)?;
    init_logging(&cfg)?;
    let _port_lock = if cfg.port != 0 { Some(runtime::claim_port(&cfg)?) } else { None };
    if !cfg.pidfile.is_empty() {
        std::fs::write(&cfg.pidfile, format!("{}\n", std::process::id()))
            .map_err(|e| format!("cannot write pidfile {}: {e}", cfg.pidfile))?;
    }
    let result = runtime::run(cfg.clone());
    if !cfg.pidfile.is_empty() {
        let _ = std::fs::remove_file(&cfg.pidfile);
    }
    if _port_lock.is_some() {
        let _ = std::fs::remove_file(runtime::lock_path(cfg.port));
    }
    result
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("cluster") {
        std::process::exit(cli::run(&args[1..]));
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("Usage: slotd [config-file] [--option value ...]\n       slotd cluster <create|check|info|add-node|del-node|reshard|rebalance|fix> ... (see slotd cluster --help)\n\nOptions are redis.conf directives (port, bind, dir, databases, requirepass, maxclients,\ntimeout, tcp-keepalive, loglevel, logfile, protected-mode, shards, ...).");
        return;
    }
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("slotd v={} (redis compatibility {})", env!("CARGO_PKG_VERSION"), REDIS_VERSION);
        return;
    }
    if let Err(e) = start(&args) {
        eprintln!("slotd: {e}");
        std::process::exit(1);
    }
}
