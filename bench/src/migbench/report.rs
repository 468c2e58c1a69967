//! The result table: one row per (server, method, pipeline) with the move's
//! duration and rate, latency before and during it, and what the load and
//! the check after it saw.

use std::time::Duration;

use bench::table::{count, fixed, Table};

use crate::traffic::PhaseStats;

/// What one run measured.
pub struct Row {
    /// `redis` or `slotd`.
    pub server: String,
    /// The reshard method's name.
    pub method: &'static str,
    /// redis-cli's `--cluster-pipeline`, None for the native stream.
    pub pipeline: Option<usize>,
    /// Wall time of the reshard command.
    pub move_time: Duration,
    /// Keys on the new master after the move.
    pub moved_keys: u64,
    /// Bytes of key names and values among them.
    pub moved_bytes: u64,
    /// Collections among them, of how many.
    pub moved_collections: (usize, usize),
    /// The load before the move.
    pub before: PhaseStats,
    /// The load during the move.
    pub during: PhaseStats,
    /// Problems the check after the move found (0: all keys intact).
    pub check_failures: u64,
}

const HEADER: [&str; 13] = [
    "server",
    "method",
    "pipeline",
    "move s",
    "keys moved",
    "colls moved",
    "keys/s",
    "MB/s",
    "before ms p50/p99/p99.9/max",
    "during ms p50/p99/p99.9/max",
    "requests before/during",
    "MOVED/ASK/TRYAGAIN/DOWN/conn during",
    "errors load/check",
];

/// p50/p99/p99.9/max of `st` in ms.
fn latencies(st: &PhaseStats) -> String {
    let h = &st.latency_ns;
    let ms = |v: Option<u64>| fixed(v.map(|ns| ns as f64 / 1e6), 2);
    let qs = [0.5, 0.99, 0.999].map(|q| ms(h.quantile(q)));
    format!("{}/{}/{}/{}", qs[0], qs[1], qs[2], ms(h.max()))
}

/// The table of `rows`.
pub fn table(rows: &[Row]) -> Table {
    let mut t = Table::new(&HEADER);
    for r in rows {
        let secs = r.move_time.as_secs_f64();
        let d = &r.during;
        t.row(vec![
            r.server.clone(),
            r.method.to_string(),
            r.pipeline.map_or_else(|| "-".into(), |p| p.to_string()),
            fixed(Some(secs), 2),
            count(Some(r.moved_keys as f64)),
            format!("{}/{}", r.moved_collections.0, r.moved_collections.1),
            count(Some(r.moved_keys as f64 / secs)),
            fixed(Some(r.moved_bytes as f64 / 1e6 / secs), 1),
            latencies(&r.before),
            latencies(&r.during),
            format!("{}/{}", r.before.latency_ns.len(), d.latency_ns.len()),
            format!("{}/{}/{}/{}/{}", d.moved, d.ask, d.tryagain, d.clusterdown, d.io_errors),
            format!("{}/{}", r.before.errors + d.errors, r.check_failures),
        ]);
    }
    t
}
