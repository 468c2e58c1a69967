//! Per-shard counters, summed over shards by INFO.

use ahash::AHashMap as HashMap;

use engine::command::ExecStats;

/// Calls and time of one command (INFO commandstats).
#[derive(Clone, Copy, Debug, Default)]
pub struct CommandStat {
    /// Times executed.
    pub calls: u64,
    /// Total execution time, microseconds.
    pub usec: u64,
    /// Rejected before execution (arity, auth, unknown subcommand ...).
    pub rejected_calls: u64,
    /// Executed and replied with an error.
    pub failed_calls: u64,
}

/// A command's name as a map key, hashed and compared by address: every name
/// comes from the command table, so one command has one address, and a
/// lookup per executed command costs no string hashing.
#[derive(Clone, Copy, Debug)]
pub struct CommandName(pub &'static str);

impl PartialEq for CommandName {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for CommandName {}

impl std::hash::Hash for CommandName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.0.as_ptr() as usize).hash(state)
    }
}

/// Counters of one shard.
#[derive(Clone, Default)]
pub struct ShardStats {
    /// Keyspace hits and misses.
    pub exec: ExecStats,
    /// Per command name.
    pub commands: HashMap<CommandName, CommandStat>,
    /// Commands processed.
    pub total_commands: u64,
    /// Connections accepted by this shard.
    pub connections_received: u64,
    /// Connections refused (maxclients).
    pub rejected_connections: u64,
    /// Bytes read from clients.
    pub net_input_bytes: u64,
    /// Bytes written to clients.
    pub net_output_bytes: u64,
    /// Commands this shard executed for connections on other shards.
    pub forwarded_in: u64,
    /// Times a write waited for keys a MIGRATE had in flight.
    pub migrate_parked: u64,
    /// Errors replied, by error code (INFO errorstats).
    pub errors: HashMap<String, u64>,
    /// Recent command rates (INFO instantaneous_ops_per_sec).
    pub ops: OpsSampler,
}

/// Samples of the command counter, to report a recent rate like Redis's
/// `instantaneous_ops_per_sec` (average of the last 16 samples).
#[derive(Clone, Copy, Default)]
pub struct OpsSampler {
    rates_per_sec: [u64; 16],
    next: usize,
    last_total: u64,
    last_ms: u64,
}

impl OpsSampler {
    /// Records the counter value `total` at `now_ms`.
    pub fn sample(&mut self, total: u64, now_ms: u64) {
        if self.last_ms != 0 && now_ms > self.last_ms {
            let rate = (total - self.last_total) * 1000 / (now_ms - self.last_ms);
            self.rates_per_sec[self.next] = rate;
            self.next = (self.next + 1) % self.rates_per_sec.len();
        }
        self.last_total = total;
        self.last_ms = now_ms;
    }

    /// The average rate over the samples, per second.
    pub fn per_sec(&self) -> u64 {
        self.rates_per_sec.iter().sum::<u64>() / self.rates_per_sec.len() as u64
    }
}

impl ShardStats {
    /// Counts one execution of `name`.
    #[inline]
    pub fn count_command(&mut self, name: &'static str, took_us: u64, failed: bool) {
        let s = self.commands.entry(CommandName(name)).or_default();
        s.calls += 1;
        s.usec += took_us;
        s.failed_calls += failed as u64;
        self.total_commands += 1;
    }

    /// Recent commands per second.
    pub fn ops_per_sec(&self) -> u64 {
        self.ops.per_sec()
    }

    /// Counts an error reply by its code (the first word after `-`).
    pub fn count_error(&mut self, reply: &[u8]) {
        let line = reply.strip_prefix(b"-").unwrap_or(reply);
        let end = line.iter().position(|&c| c == b' ' || c == b'\r').unwrap_or(line.len());
        let code = String::from_utf8_lossy(&line[..end.min(64)]).into_owned();
        *self.errors.entry(code).or_default() += 1;
    }

    /// Counts a command rejected before execution.
    pub fn count_rejected(&mut self, name: &'static str) {
        self.commands.entry(CommandName(name)).or_default().rejected_calls += 1;
    }

    /// Adds another shard's counters to these (for INFO).
    pub fn add(&mut self, other: &ShardStats) {
        self.exec.keyspace_hits += other.exec.keyspace_hits;
        self.exec.keyspace_misses += other.exec.keyspace_misses;
        for (k, v) in &other.commands {
            let s = self.commands.entry(*k).or_default();
            s.calls += v.calls;
            s.usec += v.usec;
            s.rejected_calls += v.rejected_calls;
            s.failed_calls += v.failed_calls;
        }
        self.total_commands += other.total_commands;
        self.connections_received += other.connections_received;
        self.rejected_connections += other.rejected_connections;
        self.net_input_bytes += other.net_input_bytes;
        self.net_output_bytes += other.net_output_bytes;
        self.forwarded_in += other.forwarded_in;
        self.migrate_parked += other.migrate_parked;
        for (k, v) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += v;
        }
    }
}
