//! Test helper: runs one command against a keyspace the way the node would
//! (table lookup, subcommand lookup, arity check) and returns the reply bytes.

use crate::command::{execute, table, Ctx, ExecStats, OwnedCmd};
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::reply::{Protocol, Reply};
use crate::slot::{SlotSet, SLOT_COUNT};

/// Runs `args` on database 0 of `ks` at `now_ms` (LRU clock `now_ms / 1000`),
/// RESP2, owning every slot. Returns the encoded reply.
pub fn run(ks: &mut Keyspace, now_ms: u64, args: &[&str]) -> Vec<u8> {
    run_with(
        ks,
        now_ms,
        0,
        &SlotSet::from_range(0..SLOT_COUNT),
        &EngineConfig::default(),
        args,
    )
}

/// [`run`] on database `db`, owning only `owned`, with settings `cfg`.
pub fn run_with(
    ks: &mut Keyspace,
    now_ms: u64,
    db: usize,
    owned: &SlotSet,
    cfg: &EngineConfig,
    args: &[&str],
) -> Vec<u8> {
    let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
    let args = cmd.args();
    let mut out = Vec::new();
    let mut reply = Reply::new(&mut out, Protocol::Resp2);
    let Some(mut spec) = table::lookup(args.get(0)) else {
        reply.error(&format!(
            "ERR unknown command '{}'",
            String::from_utf8_lossy(args.get(0))
        ));
        return out;
    };
    if !spec.subcommands.is_empty() && spec.arity_ok(args.len()) {
        match table::lookup_sub(spec, args.get(1)) {
            Some(sub) => spec = sub,
            None => {
                reply.error(&format!(
                    "ERR unknown subcommand '{}'. Try {} HELP.",
                    String::from_utf8_lossy(args.get(1)),
                    spec.name.to_ascii_uppercase()
                ));
                return out;
            }
        }
    }
    if !spec.arity_ok(args.len()) {
        reply.wrong_arity(spec.name);
        return out;
    }
    let mut stats = ExecStats::default();
    let mut ctx = Ctx {
        ks,
        db,
        now_ms,
        lru_s: (now_ms / 1000) as u32,
        out: reply,
        cfg,
        stats: &mut stats,
        owned_slots: owned,
    };
    execute(spec, &mut ctx, &args);
    out
}
