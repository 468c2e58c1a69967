//! Test helper: runs one command against a keyspace the way the node would
//! (table lookup, subcommand lookup, arity check) and returns the reply bytes.

use crate::command::{execute, table, Ctx, ExecStats, OwnedCmd};
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::reply::{Protocol, Reply};
use crate::slot::{SlotSet, SLOT_COUNT};

/// Where and how a test command runs.
struct Env<'a> {
    now_ms: u64,
    db: usize,
    proto: Protocol,
    owned: &'a SlotSet,
    cfg: &'a EngineConfig,
    stats: &'a mut ExecStats,
}

/// Runs `args` on database 0 of `ks` at `now_ms` (LRU clock `now_ms / 1000`),
/// RESP2, owning every slot. Returns the encoded reply.
pub fn run(ks: &mut Keyspace, now_ms: u64, args: &[&str]) -> Vec<u8> {
    run_in(ks, now_ms, 0, &SlotSet::from_range(0..SLOT_COUNT), &EngineConfig::default(), args)
}

/// [`run`] with any bytes as arguments, the given protocol, settings and counters.
pub fn run_with(
    ks: &mut Keyspace,
    now_ms: u64,
    proto: Protocol,
    cfg: &EngineConfig,
    stats: &mut ExecStats,
    args: &[&[u8]],
) -> Vec<u8> {
    let owned = SlotSet::from_range(0..SLOT_COUNT);
    exec(ks, Env { now_ms, db: 0, proto, owned: &owned, cfg, stats }, args)
}

/// [`run`] on database `db`, owning only `owned`, with settings `cfg`.
pub fn run_in(
    ks: &mut Keyspace,
    now_ms: u64,
    db: usize,
    owned: &SlotSet,
    cfg: &EngineConfig,
    args: &[&str],
) -> Vec<u8> {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let mut stats = ExecStats::default();
    exec(ks, Env { now_ms, db, proto: Protocol::Resp2, owned, cfg, stats: &mut stats }, &args)
}

/// Runs each command of `cases` in turn ([`run_with`], default settings) and
/// asserts that its reply is the expected one.
pub fn check_replies(ks: &mut Keyspace, now_ms: u64, proto: Protocol, cases: &[(&[&str], &str)]) {
    check_replies_with(ks, now_ms, proto, &EngineConfig::default(), cases);
}

/// [`check_replies`] with settings `cfg` (encoding limits ...).
pub fn check_replies_with(
    ks: &mut Keyspace,
    now_ms: u64,
    proto: Protocol,
    cfg: &EngineConfig,
    cases: &[(&[&str], &str)],
) {
    for (args, want) in cases {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        let got = run_with(ks, now_ms, proto, cfg, &mut ExecStats::default(), &args);
        assert_eq!(
            String::from_utf8_lossy(&got),
            *want,
            "{:?}",
            String::from_utf8_lossy(&args.join(&b' '))
        );
    }
}

fn exec(ks: &mut Keyspace, env: Env<'_>, args: &[&[u8]]) -> Vec<u8> {
    let cmd = OwnedCmd::from_parts(args.iter().copied());
    let args = cmd.args();
    let mut out = Vec::new();
    let mut reply = Reply::new(&mut out, env.proto);
    let Some(mut spec) = table::lookup(args.get(0)) else {
        reply.error(&format!("ERR unknown command '{}'", String::from_utf8_lossy(args.get(0))));
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
    let mut ctx = Ctx {
        ks,
        db: env.db,
        now_ms: env.now_ms,
        lru_s: (env.now_ms / 1000) as u32,
        out: reply,
        cfg: env.cfg,
        stats: env.stats,
        owned_slots: env.owned,
    };
    execute(spec, &mut ctx, &args);
    out
}

/// Checks `COMMAND INFO` of each command against the replies recorded from
/// redis-server in `lines` (a `testdata/*_command_info.txt` file: a command
/// name, a space, the RESP2 reply with `\r\n` and `\"` escaped).
pub fn check_command_info(lines: &str) {
    for line in lines.lines() {
        let (name, want) = line.split_once(' ').unwrap();
        let want = want.replace("\\r\\n", "\r\n").replace("\\\"", "\"");
        let cmd = OwnedCmd::from_parts([&b"command"[..], b"info", name.as_bytes()]);
        let mut buf = Vec::new();
        super::introspect::command(&cmd.args(), &mut Reply::new(&mut buf, Protocol::Resp2));
        assert_eq!(String::from_utf8(buf).unwrap(), want, "{name}");
    }
}
