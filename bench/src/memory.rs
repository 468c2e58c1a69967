//! Memory per key: start a fresh server, note its memory, load N keys of D
//! bytes with a deterministic pipelined loader (keys `key:%012d`, the names
//! redis-benchmark's `-r` uses), note it again, and divide the growth by N.
//! Two measures: `used_memory` from INFO memory (what the allocator reports;
//! missing if the server has no INFO) and the resident set size from /proc.

use std::time::Instant;

use crate::client::{encode_command, Conn, Resp};
use crate::procfs;
use crate::servers::{Kind, Server};
use crate::table::{count, fixed, ratio, Table};

/// SETs sent per write before reading their replies.
const LOAD_BATCH: u64 = 1000;

/// The key redis-benchmark uses for random number `i`.
pub fn key_name(i: u64) -> String {
    format!("key:{i:012}")
}

/// Sets keys `key_name(0..keys)` to `value_bytes`-byte values, pipelined,
/// printing progress on stderr under `label`.
pub fn load_keys(
    conn: &mut Conn,
    label: &str,
    keys: u64,
    value_bytes: usize,
) -> Result<(), String> {
    let value = vec![b'x'; value_bytes];
    let mut frame = Vec::with_capacity(LOAD_BATCH as usize * (value_bytes + 48));
    let step = (keys / 10).max(1);
    let mut start = 0;
    while start < keys {
        let end = (start + LOAD_BATCH).min(keys);
        frame.clear();
        for i in start..end {
            encode_command(&mut frame, &[b"SET", key_name(i).as_bytes(), &value]);
        }
        conn.send(&frame).map_err(|e| format!("{label}: loading: {e}"))?;
        for _ in start..end {
            match conn.read_reply().map_err(|e| format!("{label}: loading: {e}"))? {
                Resp::Simple(s) if s == "OK" => {}
                other => return Err(format!("{label}: SET replied {other:?}")),
            }
        }
        if end / step != start / step || end == keys {
            eprintln!("  {label}: loaded {end}/{keys} keys");
        }
        start = end;
    }
    Ok(())
}

/// `used_memory` from INFO memory, or None when the server has no INFO (or no such field).
pub fn used_memory_bytes(conn: &mut Conn) -> Option<u64> {
    match conn.command(&[b"INFO", b"memory"]) {
        Ok(Resp::Bulk(Some(text))) => {
            parse_info_field(&String::from_utf8_lossy(&text), "used_memory")
        }
        _ => None,
    }
}

/// The numeric value of `field` in INFO text (`field:value` lines).
fn parse_info_field(info: &str, field: &str) -> Option<u64> {
    info.lines().find_map(|l| l.trim_end().strip_prefix(field)?.strip_prefix(':')?.parse().ok())
}

/// What loading did to one server.
pub struct Footprint {
    /// Growth of INFO used_memory per key, bytes (None without INFO).
    pub used_memory_per_key: Option<f64>,
    /// Growth of resident memory per key, bytes.
    pub rss_per_key: Option<f64>,
    /// DBSIZE after loading (None if the command failed).
    pub dbsize: Option<i64>,
    /// Keys loaded per second.
    pub load_keys_per_s: f64,
}

/// Starts `kind` fresh, loads `keys` keys of `value_bytes` bytes and measures.
pub fn measure(
    label: &str,
    kind: &Kind,
    pin: Option<&str>,
    keys: u64,
    value_bytes: usize,
) -> Result<Footprint, String> {
    eprintln!("memory: starting {label}");
    let server = Server::start(label, kind, pin)?;
    let mut conn = server.conn().map_err(|e| format!("{label}: {e}"))?;
    let used_before = used_memory_bytes(&mut conn);
    if used_before.is_none() {
        eprintln!("  {label}: INFO memory has no used_memory; only RSS is measured");
    }
    let rss_before = procfs::rss_bytes(server.pid()).ok();
    let started = Instant::now();
    load_keys(&mut conn, label, keys, value_bytes)?;
    let load_s = started.elapsed().as_secs_f64();
    let used_after = used_memory_bytes(&mut conn);
    let rss_after = procfs::rss_bytes(server.pid()).ok();
    let dbsize = match conn.command(&[b"DBSIZE"]) {
        Ok(Resp::Int(n)) => Some(n),
        _ => None,
    };
    let per_key = |before: Option<u64>, after: Option<u64>| {
        Some((after? as f64 - before? as f64) / keys as f64)
    };
    Ok(Footprint {
        used_memory_per_key: per_key(used_before, used_after),
        rss_per_key: per_key(rss_before, rss_after),
        dbsize,
        load_keys_per_s: keys as f64 / load_s,
    })
}

/// The side-by-side table of two footprints (ratio = first / second).
pub fn table(labels: [&str; 2], a: &Footprint, b: &Footprint) -> Table {
    let mut t = Table::new(&["measure", labels[0], labels[1], "ratio"]);
    let mut row =
        |name: &str, x: Option<f64>, y: Option<f64>, fmt: &dyn Fn(Option<f64>) -> String| {
            t.row(vec![name.into(), fmt(x), fmt(y), ratio(x, y)]);
        };
    row("used_memory bytes/key", a.used_memory_per_key, b.used_memory_per_key, &|v| fixed(v, 1));
    row("RSS bytes/key", a.rss_per_key, b.rss_per_key, &|v| fixed(v, 1));
    row("DBSIZE after load", a.dbsize.map(|n| n as f64), b.dbsize.map(|n| n as f64), &count);
    row("load keys/s", Some(a.load_keys_per_s), Some(b.load_keys_per_s), &count);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_used_memory_from_info() {
        let info = "# Memory\r\nused_memory:1156832\r\nused_memory_human:1.10M\r\nused_memory_rss:7417856\r\n";
        assert_eq!(parse_info_field(info, "used_memory"), Some(1156832));
        assert_eq!(parse_info_field(info, "used_memory_rss"), Some(7417856));
        assert_eq!(parse_info_field(info, "used_memory_peak"), None);
    }

    #[test]
    fn keys_match_redis_benchmark() {
        assert_eq!(key_name(42), "key:000000000042");
    }
}
