//! Criterion benchmarks of command execution in the engine: GET (hit and miss)
//! and SET (overwrite) looked up in the command table and executed with a
//! `Ctx` against a keyspace preloaded with one million 64-byte string keys —
//! the engine's share of a request, without parsing or I/O.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use engine::command::{execute, table::lookup, CommandSpec, Ctx, ExecStats, OwnedCmd};
use engine::config::EngineConfig;
use engine::keyspace::{Keyspace, Value};
use engine::resp::reply::{Protocol, Reply};
use engine::slot::{SlotSet, SLOT_COUNT};

const PRELOADED_KEYS: u64 = 1_000_000;
const VALUE_BYTES: usize = 64;
/// Commands prepared up front and cycled through, so that key choice costs nothing.
const PREPARED_COMMANDS: usize = 1 << 14;

/// The key redis-benchmark uses for `__rand_int__` = `i`.
fn key(i: u64) -> String {
    format!("key:{i:012}")
}

/// A keyspace with keys `key(0..PRELOADED_KEYS)` holding 64-byte values.
fn preloaded_keyspace() -> Keyspace {
    let mut ks = Keyspace::new(16);
    let value = [b'x'; VALUE_BYTES];
    let db = ks.db(0);
    for i in 0..PRELOADED_KEYS {
        db.set(key(i).as_bytes(), Value::from_bytes(&value), None, 0);
    }
    ks
}

/// Pseudo-random key indices below `bound` (xorshift; deterministic).
fn key_indices(count: usize, bound: u64) -> impl Iterator<Item = u64> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..count).map(move |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    })
}

/// `PREPARED_COMMANDS` commands built by `make` from random key indices below `bound`.
fn prepare(bound: u64, make: impl Fn(String) -> OwnedCmd) -> Vec<OwnedCmd> {
    key_indices(PREPARED_COMMANDS, bound).map(|i| make(key(i))).collect()
}

/// Executes `cmds` round-robin, one per iteration, clearing the reply buffer each time.
fn run_commands(c: &mut Criterion, ks: &mut Keyspace, name: &str, cmds: &[OwnedCmd]) {
    let spec: &CommandSpec = lookup(cmds[0].args().get(0)).expect("command exists");
    let (cfg, all_slots) = (EngineConfig::default(), SlotSet::from_range(0..SLOT_COUNT));
    let (mut stats, mut out) = (ExecStats::default(), Vec::with_capacity(256));
    let mut group = c.benchmark_group("execute");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::from_parameter(name), |b| {
        let mut next = 0;
        b.iter(|| {
            let args = cmds[next].args();
            next = (next + 1) % cmds.len();
            out.clear();
            let mut ctx = Ctx {
                ks: &mut *ks,
                db: 0,
                now_ms: 1_700_000_000_000,
                lru_s: 0,
                out: Reply::new(&mut out, Protocol::Resp2),
                cfg: &cfg,
                stats: &mut stats,
                owned_slots: &all_slots,
            };
            execute(spec, &mut ctx, &args);
        });
    });
    group.finish();
}

fn bench_get_set(c: &mut Criterion) {
    let mut ks = preloaded_keyspace();
    let value = [b'y'; VALUE_BYTES];
    let get = |k: String| OwnedCmd::from_parts([&b"GET"[..], k.as_bytes()]);
    let set = |k: String| OwnedCmd::from_parts([&b"SET"[..], k.as_bytes(), &value]);
    run_commands(c, &mut ks, "get_hit", &prepare(PRELOADED_KEYS, get));
    // Keys with a prefix never loaded: every lookup misses.
    let get_miss = |k: String| get(format!("miss{k}"));
    run_commands(c, &mut ks, "get_miss", &prepare(PRELOADED_KEYS, get_miss));
    run_commands(c, &mut ks, "set_overwrite", &prepare(PRELOADED_KEYS, set));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench_get_set
}
criterion_main!(benches);
