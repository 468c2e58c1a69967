//! Test helper: runs one command against a keyspace and returns the reply bytes,
//! the way the node would (table lookup, arity check, execution).

use crate::command::{execute, table, Args, Ctx, ExecStats, OwnedCmd};
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::{Protocol, Reply};
use crate::slot::{SlotSet, SLOT_COUNT};

/// Runs `args` in database 0 at `now_ms` over RESP2 with default settings.
pub fn run(ks: &mut Keyspace, now_ms: u64, args: &[&str]) -> Vec<u8> {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    run_with(
        ks,
        now_ms,
        Protocol::Resp2,
        &EngineConfig::default(),
        &mut ExecStats::default(),
        &args,
    )
}

/// Runs `args` (any bytes) in database 0 at `now_ms` with the given protocol,
/// settings and counters.
pub fn run_with(
    ks: &mut Keyspace,
    now_ms: u64,
    proto: Protocol,
    cfg: &EngineConfig,
    stats: &mut ExecStats,
    args: &[&[u8]],
) -> Vec<u8> {
    let cmd = OwnedCmd::from_parts(args.iter().copied());
    let args: Args<'_> = cmd.args();
    let spec = table::lookup(args.get(0)).expect("unknown command in test");
    let mut buf = Vec::new();
    let mut out = Reply::new(&mut buf, proto);
    if !spec.arity_ok(args.len()) {
        out.wrong_arity(spec.name);
        return buf;
    }
    let owned_slots = SlotSet::from_range(0..SLOT_COUNT);
    let mut ctx = Ctx {
        ks,
        db: 0,
        now_ms,
        lru_s: (now_ms / 1000) as u32,
        out,
        cfg,
        stats,
        owned_slots: &owned_slots,
    };
    execute(spec, &mut ctx, &args);
    buf
}
