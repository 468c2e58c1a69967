//! Configuration: a redis.conf-style file plus `--option value` flags, and the table
//! behind CONFIG GET / CONFIG SET / CONFIG REWRITE.
//!
//! Every option slotd knows is one row of [`OPTIONS`]: its name, how to read it
//! from the typed [`Config`], how to set it from text, and whether CONFIG SET may
//! change it at run time. An unknown option is a startup error naming it, so a
//! typo never silently runs a node with defaults.

use std::path::PathBuf;

/// Log verbosity, as Redis's `loglevel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

/// The node's configuration. Each shard holds a copy; CONFIG SET updates all.
#[derive(Clone, Debug)]
pub struct Config {
    /// TCP port; 0 disables TCP.
    pub port: u16,
    /// Addresses to listen on; a leading `-` marks an address that may be missing.
    pub bind: Vec<String>,
    /// Working directory (for future RDB/AOF and nodes.conf).
    pub dir: PathBuf,
    /// Number of logical databases.
    pub databases: usize,
    /// Password clients must AUTH with; empty: none.
    pub requirepass: String,
    /// Most clients connected at once.
    pub maxclients: usize,
    /// Close a client idle for this many seconds; 0: never.
    pub timeout_s: u64,
    /// TCP keepalive interval, seconds; 0: off.
    pub tcp_keepalive_s: u64,
    /// Listen backlog.
    pub tcp_backlog: u32,
    /// Log verbosity.
    pub loglevel: LogLevel,
    /// Log file; empty: standard output.
    pub logfile: String,
    /// Refuse non-loopback clients when no password is set and bind is default.
    pub protected_mode: bool,
    /// Number of shards (one per core); 0: one per core this process may run on.
    pub shards: usize,
    /// How long an idle shard spins before parking, microseconds (0: never).
    /// Worth it only when every shard has a core of its own.
    pub shard_spin_us: u64,
    /// `shard-stall-warn-ms`: log a warning with a backtrace when a shard
    /// runs this long without polling its I/O (0: off; the watch costs a
    /// timer per scheduling round, so it is for finding stalls).
    pub shard_stall_warn_ms: u64,
    /// Largest bulk string accepted, bytes.
    pub proto_max_bulk_len_bytes: u64,
    /// `hash-max-listpack-entries`: most fields of a listpack-encoded hash.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: longest field or value of a listpack hash, bytes.
    pub hash_max_listpack_value_bytes: usize,
    /// Largest query buffer of one client, bytes.
    pub client_query_buffer_limit_bytes: u64,
    /// Background task frequency (active expiry), per second.
    pub hz: u32,
    /// Largest set kept in the intset encoding (`set-max-intset-entries`).
    pub set_max_intset_entries: usize,
    /// File the PID is written to; empty: none.
    pub pidfile: String,
    /// `save` points (kept and shown; snapshots come with persistence).
    pub save: String,
    /// `list-max-listpack-size` (alias `list-max-ziplist-size`).
    pub list_max_listpack_size: i64,
    /// `list-compress-depth` (accepted; nodes are not compressed).
    pub list_compress_depth: i64,
    /// Most members of a listpack-encoded sorted set.
    pub zset_max_listpack_entries: usize,
    /// Longest member of a listpack-encoded sorted set, bytes.
    pub zset_max_listpack_value_bytes: usize,
    /// Longest sparse HyperLogLog, bytes (`hll-sparse-max-bytes`).
    pub hll_sparse_max_bytes: usize,
    /// The config file this configuration was loaded from (CONFIG REWRITE target).
    pub config_file: Option<PathBuf>,
    /// The `cluster-*` options.
    pub cluster: crate::cluster::config::ClusterConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 6379,
            bind: vec!["*".into(), "-::*".into()],
            dir: PathBuf::from("."),
            databases: 16,
            requirepass: String::new(),
            maxclients: 10000,
            timeout_s: 0,
            tcp_keepalive_s: 300,
            tcp_backlog: 511,
            loglevel: LogLevel::Notice,
            logfile: String::new(),
            protected_mode: true,
            shards: 0,
            shard_spin_us: 0,
            shard_stall_warn_ms: 0,
            proto_max_bulk_len_bytes: 512 * 1024 * 1024,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value_bytes: 64,
            client_query_buffer_limit_bytes: 1024 * 1024 * 1024,
            hz: 10,
            set_max_intset_entries: 512,
            pidfile: String::new(),
            save: String::new(),
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value_bytes: 64,
            hll_sparse_max_bytes: 3000,
            config_file: None,
            cluster: Default::default(),
        }
    }
}

/// One option: name, getter, setter, and whether it can change at run time.
pub struct OptionDef {
    /// Name as in redis.conf and CONFIG GET.
    pub name: &'static str,
    /// Renders the current value as CONFIG GET shows it.
    pub get: fn(&Config) -> String,
    /// Parses and stores a value given as words (most options take one word).
    pub set: fn(&mut Config, &[String]) -> Result<(), String>,
    /// True when CONFIG SET may change it.
    pub mutable: bool,
}

pub(crate) fn one(words: &[String]) -> Result<&str, String> {
    match words {
        [w] => Ok(w),
        _ => Err("wrong number of arguments".into()),
    }
}

pub(crate) fn parse_int<T>(words: &[String], min: T, max: T) -> Result<T, String>
where
    T: TryFrom<i64> + Into<i64> + std::fmt::Display + Copy,
{
    let w = one(words)?;
    let v: i64 =
        w.parse().map_err(|_| "argument couldn't be parsed into an integer".to_string())?;
    if v < min.into() || v > max.into() {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    T::try_from(v).map_err(|_| format!("argument must be between {min} and {max} inclusive"))
}

pub(crate) fn parse_bool(words: &[String]) -> Result<bool, String> {
    match one(words)?.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err("argument must be 'yes' or 'no'".into()),
    }
}

/// Parses a memory amount as redis.conf does: `1gb`, `512mb`, `100k`, `1024`.
pub fn parse_memory(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    let (num, mul) = [
        ("gb", 1u64 << 30),
        ("mb", 1 << 20),
        ("kb", 1 << 10),
        ("g", 1_000_000_000),
        ("m", 1_000_000),
        ("k", 1_000),
        ("b", 1),
    ]
    .iter()
    .find_map(|(suffix, mul)| lower.strip_suffix(suffix).map(|n| (n.to_string(), *mul)))
    .unwrap_or((lower.clone(), 1));
    num.parse::<u64>().ok()?.checked_mul(mul)
}

fn parse_mem_words(words: &[String], min: u64) -> Result<u64, String> {
    let v = parse_memory(one(words)?).ok_or("argument must be a memory value")?;
    if v < min {
        return Err(format!("argument must be a memory value of at least {min}"));
    }
    Ok(v)
}

pub(crate) fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// `hash-max-listpack-entries`, also known by its old name `hash-max-ziplist-entries`.
const HASH_MAX_LISTPACK_ENTRIES: OptionDef = OptionDef {
    name: "hash-max-listpack-entries",
    get: |c| c.hash_max_listpack_entries.to_string(),
    set: |c, w| {
        c.hash_max_listpack_entries = parse_int(w, 0i64, i64::MAX)? as usize;
        Ok(())
    },
    mutable: true,
};

/// `hash-max-listpack-value` (a memory amount, as in Redis), also known as
/// `hash-max-ziplist-value`.
const HASH_MAX_LISTPACK_VALUE: OptionDef = OptionDef {
    name: "hash-max-listpack-value",
    get: |c| c.hash_max_listpack_value_bytes.to_string(),
    set: |c, w| {
        c.hash_max_listpack_value_bytes = parse_mem_words(w, 0)?.min(i64::MAX as u64) as usize;
        Ok(())
    },
    mutable: true,
};
// Sorted set encoding limits; the `ziplist` names are Redis's aliases.
fn get_zset_entries(c: &Config) -> String {
    c.zset_max_listpack_entries.to_string()
}

fn set_zset_entries(c: &mut Config, w: &[String]) -> Result<(), String> {
    c.zset_max_listpack_entries = parse_int(w, 0i64, i64::MAX)? as usize;
    Ok(())
}

fn get_zset_value(c: &Config) -> String {
    c.zset_max_listpack_value_bytes.to_string()
}

fn set_zset_value(c: &mut Config, w: &[String]) -> Result<(), String> {
    c.zset_max_listpack_value_bytes = parse_mem_words(w, 0)? as usize;
    Ok(())
}

/// Every option slotd accepts: [`OPTIONS`] and the cluster ones.
pub fn all_options() -> impl Iterator<Item = &'static OptionDef> {
    OPTIONS.iter().chain(crate::cluster::config::OPTIONS)
}

/// The options of the server and the keyspace.
pub const OPTIONS: &[OptionDef] = &[
    OptionDef {
        name: "port",
        get: |c| c.port.to_string(),
        set: |c, w| {
            c.port = parse_int(w, 0u16, 65535)?;
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "bind",
        get: |c| c.bind.join(" "),
        set: |c, w| {
            if w.is_empty() || w.len() > 16 {
                return Err("wrong number of arguments".into());
            }
            c.bind = w.to_vec();
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "dir",
        get: |c| c.dir.display().to_string(),
        set: |c, w| {
            c.dir = PathBuf::from(one(w)?);
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "databases",
        get: |c| c.databases.to_string(),
        set: |c, w| {
            c.databases = parse_int(w, 1u32, 1024)? as usize;
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "requirepass",
        get: |c| c.requirepass.clone(),
        set: |c, w| {
            c.requirepass = one(w)?.to_string();
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "maxclients",
        get: |c| c.maxclients.to_string(),
        set: |c, w| {
            c.maxclients = parse_int(w, 1u32, 1_000_000)? as usize;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "timeout",
        get: |c| c.timeout_s.to_string(),
        set: |c, w| {
            c.timeout_s = parse_int(w, 0u32, i32::MAX as u32)? as u64;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "tcp-keepalive",
        get: |c| c.tcp_keepalive_s.to_string(),
        set: |c, w| {
            c.tcp_keepalive_s = parse_int(w, 0u32, i32::MAX as u32)? as u64;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "tcp-backlog",
        get: |c| c.tcp_backlog.to_string(),
        set: |c, w| {
            c.tcp_backlog = parse_int(w, 0u32, i32::MAX as u32)?;
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "loglevel",
        get: |c| {
            match c.loglevel {
                LogLevel::Debug => "debug",
                LogLevel::Verbose => "verbose",
                LogLevel::Notice => "notice",
                LogLevel::Warning => "warning",
            }
            .into()
        },
        set: |c, w| {
            c.loglevel = match one(w)?.to_ascii_lowercase().as_str() {
                "debug" => LogLevel::Debug,
                "verbose" => LogLevel::Verbose,
                "notice" => LogLevel::Notice,
                "warning" => LogLevel::Warning,
                _ => return Err("argument(s) must be one of the following: debug, verbose, notice, warning, nothing".into()),
            };
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "logfile",
        get: |c| c.logfile.clone(),
        set: |c, w| {
            c.logfile = one(w)?.to_string();
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "protected-mode",
        get: |c| yes_no(c.protected_mode),
        set: |c, w| {
            c.protected_mode = parse_bool(w)?;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "shards",
        get: |c| c.shards.to_string(),
        set: |c, w| {
            c.shards = parse_int(w, 0u32, 1024)? as usize;
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "shard-spin-us",
        get: |c| c.shard_spin_us.to_string(),
        set: |c, w| {
            c.shard_spin_us = parse_int(w, 0u32, 10_000)? as u64;
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "shard-stall-warn-ms",
        get: |c| c.shard_stall_warn_ms.to_string(),
        set: |c, w| {
            c.shard_stall_warn_ms = parse_int(w, 0u32, 60_000)? as u64;
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "proto-max-bulk-len",
        get: |c| c.proto_max_bulk_len_bytes.to_string(),
        set: |c, w| {
            c.proto_max_bulk_len_bytes = parse_mem_words(w, 1024 * 1024)?;
            Ok(())
        },
        mutable: true,
    },
    HASH_MAX_LISTPACK_ENTRIES,
    OptionDef { name: "hash-max-ziplist-entries", ..HASH_MAX_LISTPACK_ENTRIES },
    HASH_MAX_LISTPACK_VALUE,
    OptionDef { name: "hash-max-ziplist-value", ..HASH_MAX_LISTPACK_VALUE },
    OptionDef {
        name: "client-query-buffer-limit",
        get: |c| c.client_query_buffer_limit_bytes.to_string(),
        set: |c, w| {
            c.client_query_buffer_limit_bytes = parse_mem_words(w, 1024 * 1024)?;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "zset-max-listpack-entries",
        get: get_zset_entries,
        set: set_zset_entries,
        mutable: true,
    },
    OptionDef {
        name: "zset-max-ziplist-entries",
        get: get_zset_entries,
        set: set_zset_entries,
        mutable: true,
    },
    OptionDef {
        name: "zset-max-listpack-value",
        get: get_zset_value,
        set: set_zset_value,
        mutable: true,
    },
    OptionDef {
        name: "zset-max-ziplist-value",
        get: get_zset_value,
        set: set_zset_value,
        mutable: true,
    },
    OptionDef {
        name: "hz",
        get: |c| c.hz.to_string(),
        set: |c, w| {
            c.hz = parse_int(w, 1u32, 500)?;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "set-max-intset-entries",
        get: |c| c.set_max_intset_entries.to_string(),
        set: |c, w| {
            c.set_max_intset_entries = parse_int(w, 0i64, i64::MAX)? as usize;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "pidfile",
        get: |c| c.pidfile.clone(),
        set: |c, w| {
            c.pidfile = one(w)?.to_string();
            Ok(())
        },
        mutable: false,
    },
    OptionDef {
        name: "save",
        get: |c| c.save.clone(),
        set: |c, w| {
            c.save = w.join(" ");
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "appendonly",
        get: |_| yes_no(false),
        set: |_, w| match parse_bool(w)? {
            false => Ok(()),
            true => Err("appendonly yes is not supported yet (persistence comes later)".into()),
        },
        mutable: true,
    },
    OptionDef {
        name: "list-max-listpack-size",
        get: |c| c.list_max_listpack_size.to_string(),
        set: set_list_max_listpack_size,
        mutable: true,
    },
    OptionDef {
        name: "list-max-ziplist-size",
        get: |c| c.list_max_listpack_size.to_string(),
        set: set_list_max_listpack_size,
        mutable: true,
    },
    OptionDef {
        name: "hll-sparse-max-bytes",
        get: |c| c.hll_sparse_max_bytes.to_string(),
        set: |c, w| {
            c.hll_sparse_max_bytes = parse_mem_words(w, 0)?.min(i64::MAX as u64) as usize;
            Ok(())
        },
        mutable: true,
    },
    OptionDef {
        name: "list-compress-depth",
        get: |c| c.list_compress_depth.to_string(),
        set: |c, w| {
            c.list_compress_depth = parse_int(w, 0, i32::MAX)? as i64;
            Ok(())
        },
        mutable: true,
    },
];

/// Sets `list-max-listpack-size` (either of its names).
fn set_list_max_listpack_size(c: &mut Config, w: &[String]) -> Result<(), String> {
    c.list_max_listpack_size = parse_int(w, i32::MIN, i32::MAX)? as i64;
    Ok(())
}

/// The option called `name` (any case).
pub fn option(name: &str) -> Option<&'static OptionDef> {
    all_options().find(|o| o.name.eq_ignore_ascii_case(name))
}

/// Splits a config line into words like Redis (quotes and escapes as in inline
/// commands).
fn split_line(line: &str) -> Result<Vec<String>, String> {
    let mut spans = Vec::new();
    let mut scratch = Vec::new();
    let mut buf = line.as_bytes().to_vec();
    buf.push(b'\n');
    let limits = engine::resp::ParseLimits { max_inline_bytes: usize::MAX, ..Default::default() };
    match engine::resp::parse_request(&buf, &limits, &mut spans, &mut scratch) {
        Ok(_) => Ok(spans
            .iter()
            .map(|&s| {
                String::from_utf8_lossy(engine::resp::parse::arg_bytes(&buf, &scratch, s))
                    .into_owned()
            })
            .collect()),
        Err(_) => Err("Unbalanced quotes in configuration line".into()),
    }
}

impl Config {
    /// Applies one `name value...` directive; `origin` names where it came from
    /// for the error message.
    pub fn apply(&mut self, name: &str, values: &[String], origin: &str) -> Result<(), String> {
        let opt = option(name).ok_or_else(|| format!("unknown option '{name}' ({origin})"))?;
        (opt.set)(self, values).map_err(|e| format!("option '{name}' ({origin}): {e}"))
    }

    /// Builds the configuration from the command line: `[config-file] [--name
    /// value ...]`, as `redis-server` takes it. Options on the command line win
    /// over the file.
    pub fn from_args(args: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        let mut rest = args;
        if let Some(first) = rest.first() {
            if !first.starts_with("--") {
                let path = PathBuf::from(first);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
                cfg.load_text(&text, &path.display().to_string())?;
                cfg.config_file = Some(std::fs::canonicalize(&path).unwrap_or(path));
                rest = &rest[1..];
            }
        }
        let mut i = 0;
        while i < rest.len() {
            let Some(name) = rest[i].strip_prefix("--") else {
                return Err(format!(
                    "unexpected argument '{}': options are given as --name value",
                    rest[i]
                ));
            };
            let mut values = Vec::new();
            i += 1;
            while i < rest.len() && !rest[i].starts_with("--") {
                values.push(rest[i].clone());
                i += 1;
            }
            cfg.apply(name, &values, "command line")?;
        }
        Ok(cfg)
    }

    /// Applies every directive of a redis.conf-style text.
    pub fn load_text(&mut self, text: &str, file_name: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words =
                split_line(line).map_err(|e| format!("{e} (line {} of {file_name})", n + 1))?;
            let Some((name, values)) = words.split_first() else { continue };
            self.apply(name, values, &format!("line {} of {file_name}", n + 1))?;
        }
        Ok(())
    }

    /// The configuration as redis.conf text (CONFIG REWRITE).
    pub fn to_text(&self) -> String {
        let mut out = String::from("# Written by slotd CONFIG REWRITE\n");
        for o in all_options() {
            let v = (o.get)(self);
            if o.name == "bind" {
                out.push_str(&format!("bind {v}\n"));
            } else {
                out.push_str(&format!(
                    "{} \"{}\"\n",
                    o.name,
                    v.replace('\\', "\\\\").replace('"', "\\\"")
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn command_line_and_errors() {
        let c = Config::from_args(&s(&[
            "--port",
            "7000",
            "--bind",
            "127.0.0.1",
            "::1",
            "--shards",
            "2",
        ]))
        .unwrap();
        assert_eq!(c.port, 7000);
        assert_eq!(c.bind, s(&["127.0.0.1", "::1"]));
        assert_eq!(c.shards, 2);
        let e = Config::from_args(&s(&["--prot", "1"])).unwrap_err();
        assert!(e.contains("unknown option 'prot'"), "{e}");
        let e = Config::from_args(&s(&["--port", "70000"])).unwrap_err();
        assert!(e.contains("between 0 and 65535"), "{e}");
    }

    #[test]
    fn file_text_and_rewrite_roundtrip() {
        let mut c = Config::default();
        c.load_text("# comment\nport 7001\nrequirepass \"a b\"\nmaxclients 5\n", "t.conf").unwrap();
        assert_eq!((c.port, c.requirepass.as_str(), c.maxclients), (7001, "a b", 5));
        let mut d = Config::default();
        d.load_text(&c.to_text(), "rewrite").unwrap();
        assert_eq!((d.port, d.requirepass.as_str(), d.maxclients), (7001, "a b", 5));
        let e = Config::default().load_text("port 1\nfoo bar\n", "t.conf").unwrap_err();
        assert!(e.contains("unknown option 'foo' (line 2 of t.conf)"), "{e}");
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("1gb"), Some(1 << 30));
        assert_eq!(parse_memory("512mb"), Some(512 << 20));
        assert_eq!(parse_memory("100k"), Some(100_000));
        assert_eq!(parse_memory("42"), Some(42));
        assert_eq!(parse_memory("x"), None);
    }
}
