//! INFO: every section Redis 7.0 has that applies to slotd, plus `shards` (keys,
//! slots, ops and CPU time of each shard). Every figure is measured; sections
//! about features slotd does not have yet report them as off.

use std::fmt::Write;
use std::time::Duration;

use engine::command::Args;
use engine::resp::Reply;

use crate::conn::Conn;
use crate::shard::stats::ShardStats;
use crate::shard::{lru_clock, unix_ms, Shard};
use crate::sys;

/// What one shard reports for INFO.
struct ShardInfo {
    stats: ShardStats,
    /// (keys, volatile keys, average TTL ms) per database.
    dbs: Vec<(usize, usize, u64)>,
    expired_keys: u64,
    /// Keys a MIGRATE has in flight.
    in_flight_keys: usize,
    slots: usize,
    clients: usize,
    /// Clients blocked (BLPOP ...), and those of them with a deadline.
    blocked: (usize, usize),
    cpu: (Duration, Duration),
    ops_per_sec: u64,
}

const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
    "shards",
];
const ALL_EXTRA: &[&str] = &["commandstats"];

/// Formats a byte count as Redis's `bytesToHuman` does.
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    let units = [(1u64 << 50, "P"), (1 << 40, "T"), (1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
    for (size, unit) in units {
        if n >= size as f64 {
            return format!("{:.2}{}", n / size as f64, unit);
        }
    }
    format!("{}B", n as u64)
}

fn wanted_sections(args: &Args<'_>) -> Vec<String> {
    let mut want: Vec<String> = Vec::new();
    if args.len() == 1 {
        return DEFAULT_SECTIONS.iter().map(|s| s.to_string()).collect();
    }
    for a in args.iter().skip(1) {
        let a = String::from_utf8_lossy(a).to_ascii_lowercase();
        match a.as_str() {
            "default" => want.extend(DEFAULT_SECTIONS.iter().map(|s| s.to_string())),
            "all" | "everything" => {
                want.extend(DEFAULT_SECTIONS.iter().map(|s| s.to_string()));
                want.extend(ALL_EXTRA.iter().map(|s| s.to_string()));
            }
            _ => want.push(a),
        }
    }
    want
}

/// INFO [section ...].
pub async fn info(conn: &mut Conn, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    let want = wanted_sections(args);
    let infos: Vec<ShardInfo> = conn
        .shard
        .on_all_shards(|s: &Shard| {
            let core = s.core.borrow();
            ShardInfo {
                stats: core.stats.clone(),
                dbs: (0..core.ks.db_count())
                    .map(|i| {
                        let db = core.ks.db_ref(i);
                        (
                            db.len(),
                            db.volatile_len(),
                            if db.volatile_len() > 0 { db.avg_ttl_ms } else { 0 },
                        )
                    })
                    .collect(),
                expired_keys: core.ks.expired_keys(),
                in_flight_keys: core.in_flight.len(),
                slots: core.owned.len(),
                clients: core.clients.len(),
                blocked: core.clients.iter().fold((0, 0), |(b, t), c| {
                    let c = c.borrow();
                    let on = c.blocked.is_some();
                    (b + on as usize, t + (on && c.blocked_timeout) as usize)
                }),
                cpu: sys::cpu_times(libc::RUSAGE_THREAD),
                ops_per_sec: core.stats.ops_per_sec(),
            }
        })
        .await;
    let mut total = ShardStats::default();
    for i in &infos {
        total.add(&i.stats);
    }
    let mut text = String::new();
    for section in &want {
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        let before = text.len();
        write_section(conn, section, &infos, &total, &mut text);
        if text.len() == before && before > 0 {
            // Unknown section: no blank separator either.
            text.truncate(before - 2);
        }
    }
    Reply::new(out, proto).verbatim(text.as_bytes());
}

fn write_section(
    conn: &Conn,
    section: &str,
    infos: &[ShardInfo],
    total: &ShardStats,
    t: &mut String,
) {
    let shared = &conn.shard.shared;
    let cfg = conn.shard.core.borrow().cfg.clone();
    let now_ms = unix_ms();
    let uptime = shared.started.elapsed().as_secs();
    let expired: u64 = infos.iter().map(|i| i.expired_keys).sum();
    match section {
        "server" => {
            let _ = write!(
                t,
                "# Server\r\nredis_version:{}\r\nslotd_version:{}\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:{} {}\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:io_uring\r\natomicvar_api:c11-builtin\r\ngcc_version:0.0.0\r\nprocess_id:{}\r\nprocess_supervised:no\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\nlru_clock:{}\r\nexecutable:{}\r\nconfig_file:{}\r\nio_threads_active:0\r\nshards:{}\r\n",
                crate::REDIS_VERSION,
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS,
                std::env::consts::ARCH,
                std::process::id(),
                shared.run_id,
                shared.port,
                now_ms * 1000,
                uptime,
                uptime / 86400,
                cfg.hz,
                cfg.hz,
                lru_clock(now_ms),
                std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default(),
                cfg.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                shared.shard_count,
            );
        }
        "clients" => {
            let connected: usize = infos.iter().map(|i| i.clients).sum();
            let blocked: usize = infos.iter().map(|i| i.blocked.0).sum();
            let in_timeout_table: usize = infos.iter().map(|i| i.blocked.1).sum();
            let _ = write!(
                t,
                "# Clients\r\nconnected_clients:{}\r\ncluster_connections:0\r\nmaxclients:{}\r\nclient_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:{}\r\ntracking_clients:0\r\nclients_in_timeout_table:{}\r\n",
                connected, cfg.maxclients, blocked, in_timeout_table
            );
        }
        "memory" => {
            let used = crate::alloc::used_memory_bytes();
            let peak = crate::alloc::sample_peak_bytes();
            let rss = sys::rss_bytes();
            let system = sys::total_memory_bytes();
            let _ = write!(
                t,
                "# Memory\r\nused_memory:{used}\r\nused_memory_human:{}\r\nused_memory_rss:{rss}\r\nused_memory_rss_human:{}\r\nused_memory_peak:{peak}\r\nused_memory_peak_human:{}\r\nused_memory_peak_perc:{:.2}%\r\ntotal_system_memory:{system}\r\ntotal_system_memory_human:{}\r\nmaxmemory:0\r\nmaxmemory_human:0B\r\nmaxmemory_policy:noeviction\r\nmem_fragmentation_ratio:{:.2}\r\nmem_allocator:mimalloc\r\nlazyfree_pending_objects:{}\r\nlazyfreed_objects:{}\r\n",
                human_bytes(used),
                human_bytes(rss),
                human_bytes(peak),
                used as f64 * 100.0 / peak.max(1) as f64,
                human_bytes(system),
                if used > 0 { rss as f64 / used as f64 } else { 0.0 },
                shared.lazyfree.pending_objects(),
                shared.lazyfree.freed_objects(),
            );
        }
        "persistence" => {
            t.push_str("# Persistence\r\nloading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:0\r\nrdb_bgsave_in_progress:0\r\nrdb_last_bgsave_status:ok\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_last_bgrewrite_status:ok\r\naof_last_write_status:ok\r\n");
        }
        "stats" => {
            let ops: u64 = infos.iter().map(|i| i.ops_per_sec).sum();
            let errors: u64 = total.errors.values().sum();
            let _ = write!(
                t,
                "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\ninstantaneous_ops_per_sec:{}\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\nrejected_connections:{}\r\nexpired_keys:{}\r\nevicted_keys:0\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:0\r\npubsub_patterns:0\r\ntotal_error_replies:{}\r\ncross_shard_commands:{}\r\nmigrate_keys_in_flight:{}\r\nmigrate_parked_writes:{}\r\n",
                total.connections_received,
                total.total_commands,
                ops,
                total.net_input_bytes,
                total.net_output_bytes,
                total.rejected_connections,
                expired,
                total.exec.keyspace_hits,
                total.exec.keyspace_misses,
                errors,
                total.forwarded_in,
                infos.iter().map(|i| i.in_flight_keys).sum::<usize>(),
                total.migrate_parked,
            );
        }
        "replication" => {
            let _ = write!(
                t,
                "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:{}\r\nmaster_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n",
                shared.run_id
            );
        }
        "cpu" => {
            let (user, sys_t) = sys::cpu_times(libc::RUSAGE_SELF);
            let (cu, cs) = sys::cpu_times(libc::RUSAGE_CHILDREN);
            let _ = write!(
                t,
                "# CPU\r\nused_cpu_sys:{:.6}\r\nused_cpu_user:{:.6}\r\nused_cpu_sys_children:{:.6}\r\nused_cpu_user_children:{:.6}\r\n",
                sys_t.as_secs_f64(),
                user.as_secs_f64(),
                cs.as_secs_f64(),
                cu.as_secs_f64()
            );
        }
        "modules" => t.push_str("# Modules\r\n"),
        "errorstats" => {
            t.push_str("# Errorstats\r\n");
            let mut errs: Vec<_> = total.errors.iter().collect();
            errs.sort();
            for (code, n) in errs {
                let _ = write!(t, "errorstat_{code}:count={n}\r\n");
            }
        }
        "cluster" => {
            let _ = write!(t, "# Cluster\r\ncluster_enabled:{}\r\n", cfg.cluster.enabled as u8);
        }
        "keyspace" => {
            t.push_str("# Keyspace\r\n");
            let dbs = infos.first().map_or(0, |i| i.dbs.len());
            for d in 0..dbs {
                let keys: usize = infos.iter().map(|i| i.dbs[d].0).sum();
                let expires: usize = infos.iter().map(|i| i.dbs[d].1).sum();
                // Average of the shards' estimates, weighted by their volatile keys.
                let weighted: u128 =
                    infos.iter().map(|i| i.dbs[d].1 as u128 * i.dbs[d].2 as u128).sum();
                let avg_ttl = if expires > 0 { (weighted / expires as u128) as u64 } else { 0 };
                if keys > 0 {
                    let _ = write!(t, "db{d}:keys={keys},expires={expires},avg_ttl={avg_ttl}\r\n");
                }
            }
        }
        "commandstats" => {
            t.push_str("# Commandstats\r\n");
            let mut cmds: Vec<_> = total.commands.iter().collect();
            cmds.sort_by_key(|(k, _)| k.0);
            for (name, s) in cmds {
                let per_call = if s.calls > 0 { s.usec as f64 / s.calls as f64 } else { 0.0 };
                let _ = write!(
                    t,
                    "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
                    name.0, s.calls, s.usec, per_call, s.rejected_calls, s.failed_calls
                );
            }
        }
        "shards" => {
            t.push_str("# Shards\r\n");
            for (id, i) in infos.iter().enumerate() {
                let keys: usize = i.dbs.iter().map(|d| d.0).sum();
                let _ = write!(
                    t,
                    "shard{id}:cpu={},slots={},keys={},clients={},ops={},ops_per_sec={},forwarded_in={},used_cpu_user={:.6},used_cpu_sys={:.6}\r\n",
                    shared.cpu_of(id),
                    i.slots,
                    keys,
                    i.clients,
                    i.stats.total_commands,
                    i.ops_per_sec,
                    i.stats.forwarded_in,
                    i.cpu.0.as_secs_f64(),
                    i.cpu.1.as_secs_f64(),
                );
            }
        }
        _ => {}
    }
}
