//! Commands whose keys live on several shards and that cannot be cut into
//! independent per-shard parts (RENAME, COPY, MSETNX, LCS ...), and SCAN, whose
//! cursor walks the slots of every shard in turn.
//!
//! A spanning command runs in three steps: copy the entries of its keys from their
//! owner shards into a scratch keyspace, execute the command there with the same
//! engine function, then send every key whose entry changed back to its owner
//! (stored or deleted). The result is what Redis replies; the steps are not atomic
//! against other clients (see ARCHITECTURE.md, "Atomicity across shards").

use std::rc::Rc;

use engine::command::{self, flags, Args, CommandSpec, Ctx, ExecStats, OwnedCmd};
use engine::keyspace::{Keyspace, Value};
use engine::resp::{Protocol, Reply};
use engine::slot::{key_slot, SlotSet};

use crate::shard::{lru_clock, unix_ms, Shard};

/// A key's entry as copied between shards: (value, expiry ms) or absent.
type Snapshot = Option<(Value, Option<u64>)>;

/// The (database, key) pairs a spanning command touches.
fn touched_keys(spec: &CommandSpec, db: usize, args: &Args<'_>) -> Vec<(usize, Vec<u8>)> {
    let mut keys: Vec<(usize, Vec<u8>)> =
        spec.key_positions(args).map(|p| (db, args.get(p).to_vec())).collect();
    if spec.name == "copy" {
        // COPY src dst [DB n] [REPLACE]: the destination may be in another database.
        let mut i = 3;
        while i + 1 < args.len() {
            if args.is(i, "db") {
                if let Some(n) = engine::num::parse_i64_strict(args.get(i + 1)) {
                    if n >= 0 {
                        keys[1].0 = n as usize;
                    }
                }
            }
            i += 1;
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Runs a keyspace command whose keys span shards, appending its reply to `out`.
pub async fn run(
    shard: &Rc<Shard>,
    spec: &'static CommandSpec,
    db: usize,
    proto: Protocol,
    args: &Args<'_>,
    out: &mut Vec<u8>,
) {
    let databases = shard.core.borrow().ks.db_count();
    // A database index out of range (COPY ... DB 99) touches nothing: the
    // command itself replies the error from an empty scratch keyspace.
    let keys: Vec<(usize, Vec<u8>)> =
        touched_keys(spec, db, args).into_iter().filter(|(d, _)| *d < databases).collect();
    let mut before: Vec<Snapshot> = Vec::with_capacity(keys.len());
    for (d, key) in &keys {
        let (d, key) = (*d, key.clone());
        let owner = owner_of(shard, &key).await;
        let snap = shard
            .on_shard(owner, move |s: &Shard| {
                let mut core = s.core.borrow_mut();
                let e = core.ks.db(d).get(&key, unix_ms())?;
                Some((e.value.clone(), e.expire_at_ms()))
            })
            .await;
        before.push(snap);
    }
    let mut scratch = Keyspace::new(databases);
    let lru = lru_clock(unix_ms());
    for ((d, key), snap) in keys.iter().zip(&before) {
        if let Some((v, exp)) = snap {
            scratch.db(*d).set(key, v.clone(), *exp, lru);
        }
    }
    // The scratch keyspace serves no slot: it holds the copied keys only, so
    // a command reading keys beyond its declared ones (SORT's BY and GET
    // patterns) refuses them rather than finding nothing.
    let no_slots = SlotSet::from_range(0..0);
    let (engine_cfg, started) = (shard.core.borrow().engine_cfg.clone(), std::time::Instant::now());
    let reply_start = out.len();
    let mut stats = ExecStats::default();
    let now_ms = unix_ms();
    let mut ctx = Ctx {
        ks: &mut scratch,
        db,
        now_ms,
        lru_s: lru,
        out: Reply::new(out, proto),
        cfg: &engine_cfg,
        stats: &mut stats,
        owned_slots: &no_slots,
    };
    command::execute(spec, &mut ctx, args);
    {
        let mut core = shard.core.borrow_mut();
        core.stats.exec.keyspace_hits += stats.keyspace_hits;
        core.stats.exec.keyspace_misses += stats.keyspace_misses;
        let failed = out.get(reply_start) == Some(&b'-');
        core.stats.count_command(spec.name, started.elapsed().as_micros() as u64, failed);
    }
    if !spec.has(flags::WRITE) {
        return;
    }
    for ((d, key), old) in keys.into_iter().zip(before) {
        let new: Snapshot =
            scratch.db(d).get(&key, now_ms).map(|e| (e.value.clone(), e.expire_at_ms()));
        if new == old {
            continue;
        }
        let owner = owner_of(shard, &key).await;
        shard
            .on_shard(owner, move |s: &Shard| {
                let mut core = s.core.borrow_mut();
                let db = core.ks.db(d);
                match new {
                    Some((v, exp)) => {
                        db.set(&key, v, exp, lru);
                    }
                    None => {
                        db.remove(&key);
                    }
                }
                // A key written back may be one a client blocks on.
                core.serve_ready();
            })
            .await;
    }
}

/// The shard owning `key` once no move of its slot between shards runs
/// (each step looks it up again: the slot may move between steps).
pub(crate) async fn owner_of(shard: &Rc<Shard>, key: &[u8]) -> usize {
    shard.until_keys_routable(std::iter::once(key)).await;
    shard.core.borrow().shard_of(key_slot(key))
}

/// Builds the owned form of `args` with argument `i` replaced by `with`.
pub fn replace_arg(args: &Args<'_>, i: usize, with: &[u8]) -> OwnedCmd {
    OwnedCmd::from_parts(args.iter().enumerate().map(|(j, a)| if j == i { with } else { a }))
}

/// SCAN: the cursor names a slot; the shard owning it scans its slots from there
/// and stops where another shard's slots begin, and this loop carries on there
/// until COUNT keys were gathered or the cursor returns to 0.
pub async fn scan(
    shard: &Rc<Shard>,
    db: usize,
    proto: Protocol,
    args: &Args<'_>,
    out: &mut Vec<u8>,
) {
    let spec = engine::command::table::lookup(b"scan").expect("scan is in the table");
    let Some(mut cursor) = engine::cmd::scan::parse_scan_cursor(args.get(1)) else {
        return Reply::new(out, proto).error("ERR invalid cursor");
    };
    let mut count = 10usize;
    let mut i = 2;
    while i + 1 < args.len() {
        if args.is(i, "count") {
            if let Some(n) = engine::num::parse_i64_strict(args.get(i + 1)).filter(|n| *n > 0) {
                count = n as usize;
            }
        }
        i += 2;
    }
    let mut elements: Vec<u8> = Vec::new();
    let mut n_elements = 0usize;
    // Each round moves to another shard's slot range; two rounds per shard bound it.
    for _ in 0..2 * shard.shared.shard_count + 2 {
        let Some(slot) = engine::cmd::scan::scan_cursor_slot(cursor) else {
            return Reply::new(out, proto).error("ERR invalid cursor");
        };
        shard.until_routable(|core| core.is_frozen(slot)).await;
        let owner = shard.core.borrow().shard_of(slot);
        let cmd = replace_arg(args, 1, cursor.to_string().as_bytes());
        let reply = shard
            .on_shard(owner, move |s: &Shard| {
                let mut buf = Vec::new();
                // A read: it never waits for keys in flight.
                let _ = s.core.borrow_mut().exec(spec, db, proto, &cmd.args(), &mut buf);
                buf
            })
            .await;
        let Some((next, n, elems)) = parse_scan_reply(&reply) else {
            out.extend_from_slice(&reply);
            return;
        };
        elements.extend_from_slice(elems);
        n_elements += n;
        cursor = next;
        if cursor == 0 || n_elements >= count {
            break;
        }
    }
    let mut r = Reply::new(out, proto);
    r.array(2);
    r.bulk(cursor.to_string().as_bytes());
    r.array(n_elements);
    out.extend_from_slice(&elements);
}

/// Splits a SCAN reply into (cursor, element count, element bytes).
fn parse_scan_reply(reply: &[u8]) -> Option<(u64, usize, &[u8])> {
    use engine::resp::scan::{array_elements, reply_len};
    let (2, body) = array_elements(reply)? else { return None };
    let cursor_len = reply_len(body)?;
    let cursor_reply = &body[..cursor_len];
    let start = cursor_reply.iter().position(|&c| c == b'\n')? + 1;
    let cursor = std::str::from_utf8(&cursor_reply[start..cursor_len - 2]).ok()?.parse().ok()?;
    let (n, elems) = array_elements(&body[cursor_len..])?;
    Some((cursor, n, elems))
}
