//! `slotd cluster reshard` and `rebalance`: which slots move where, and moving
//! them, with a progress bar (slots, keys, bytes, rate, ETA) and a summary.
//!
//! Between two slotd nodes a source's slots move with one native migration
//! (`CLUSTER MIGRATESLOTS`, polled with `GETSLOTMIGRATIONS`); otherwise slot by
//! slot the way redis-cli does (SETSLOT IMPORTING/MIGRATING, GETKEYSINSLOT and
//! MIGRATE in batches of `pipeline` keys, SETSLOT NODE on every master).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use redis::Value;

use super::topology::{field, text, Cluster};

/// One slot to move and where it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub slot: u16,
    pub from: String,
}

/// How moves run.
pub struct Options {
    /// Keys per MIGRATE on the Redis path.
    pub pipeline: usize,
    /// MIGRATE timeout, ms.
    pub timeout_ms: u64,
    /// Use the Redis path even between slotd nodes.
    pub redis_path: bool,
    /// MIGRATE with REPLACE when the target already has a key.
    pub replace: bool,
}

/// What a run moved.
#[derive(Default, Debug)]
pub struct Summary {
    pub slots: usize,
    pub keys: u64,
    pub bytes: u64,
}

/// Who serves which slots: master id → its slots, ascending.
pub type SlotMap = std::collections::BTreeMap<String, Vec<u16>>;

/// `count` slots for `target`, taken from `sources` in proportion to the
/// slots each has (the first source takes the rounding), each source's
/// lowest slots first.
pub fn plan_reshard(map: &SlotMap, sources: &[String], target: &str, count: usize) -> Vec<Move> {
    let srcs: Vec<(&String, &Vec<u16>)> = sources
        .iter()
        .filter(|id| id.as_str() != target)
        .filter_map(|id| map.get(id).map(|s| (id, s)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    let total: usize = srcs.iter().map(|(_, s)| s.len()).sum();
    let count = count.min(total);
    let mut moves = Vec::new();
    for (i, (id, slots)) in srcs.iter().enumerate() {
        let exact = count as f64 * slots.len() as f64 / total as f64;
        let share = if i == 0 { exact.ceil() } else { exact.floor() } as usize;
        let share = share.min(count - moves.len()).min(slots.len());
        moves.extend(slots.iter().take(share).map(|&slot| Move { slot, from: (*id).clone() }));
    }
    moves
}

/// Rebalance: the moves that give every master its share of the slots by
/// weight (default 1; masters without slots take part only with
/// `use_empty`), unless every master is already within `threshold_pct` of
/// its share. Returns (target, its moves) in order.
pub fn plan_rebalance(
    map: &SlotMap,
    weights: &[(String, f64)],
    use_empty: bool,
    threshold_pct: f64,
) -> Vec<(String, Vec<Move>)> {
    let weight = |id: &str| weights.iter().find(|(w, _)| w == id).map_or(1.0, |(_, w)| *w);
    let masters: Vec<(&String, &Vec<u16>)> =
        map.iter().filter(|(_, s)| use_empty || !s.is_empty()).collect();
    let total_weight: f64 = masters.iter().map(|(id, _)| weight(id)).sum();
    if masters.len() < 2 || total_weight <= 0.0 {
        return Vec::new();
    }
    // Shares by weight, the rounding left over to the first weighted ones (a
    // master of weight 0 gets nothing).
    let mut shares: Vec<i64> = masters
        .iter()
        .map(|(id, _)| (16384.0 * weight(id) / total_weight).floor() as i64)
        .collect();
    let mut left = 16384 - shares.iter().sum::<i64>();
    for (i, (id, _)) in masters.iter().enumerate() {
        if left > 0 && weight(id) > 0.0 {
            shares[i] += 1;
            left -= 1;
        }
    }
    // (id, slots over its share (negative: under), its slots).
    let mut balance: Vec<(String, i64, Vec<u16>)> = masters
        .iter()
        .zip(&shares)
        .map(|((id, slots), share)| (id.to_string(), slots.len() as i64 - share, slots.to_vec()))
        .collect();
    let off_pct = |b: &(String, i64, Vec<u16>)| {
        let share = b.2.len() as i64 - b.1;
        if share == 0 {
            if b.1 == 0 {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            b.1.unsigned_abs() as f64 * 100.0 / share as f64
        }
    };
    if !balance.iter().any(|b| off_pct(b) > threshold_pct) {
        return Vec::new();
    }
    let mut plan: Vec<(String, Vec<Move>)> = Vec::new();
    loop {
        balance.sort_by_key(|b| b.1);
        let hi = balance.len() - 1;
        if balance[0].1 >= 0 || balance[hi].1 <= 0 {
            break;
        }
        let n = balance[0].1.unsigned_abs().min(balance[hi].1 as u64) as usize;
        let from = balance[hi].0.clone();
        let take: Vec<u16> = balance[hi].2.drain(..n).collect();
        balance[hi].1 -= n as i64;
        balance[0].1 += n as i64;
        let to = balance[0].0.clone();
        let moves = take.into_iter().map(|slot| Move { slot, from: from.clone() });
        match plan.iter_mut().find(|(t, _)| *t == to) {
            Some((_, m)) => m.extend(moves),
            None => plan.push((to, moves.collect())),
        }
    }
    plan
}

/// Moves `moves` to `target`: the sources that can stream natively all at
/// once (each its own job), then the others one at a time.
pub fn execute(
    c: &mut Cluster,
    moves: &[Move],
    target: &str,
    opts: &Options,
) -> Result<Summary, String> {
    let mut summary = Summary::default();
    let mut sources: Vec<String> = moves.iter().map(|m| m.from.clone()).collect();
    sources.sort();
    sources.dedup();
    let slots_of = |from: &str| -> Vec<u16> {
        moves.iter().filter(|m| m.from == from).map(|m| m.slot).collect()
    };
    let (native, redis): (Vec<String>, Vec<String>) = sources
        .into_iter()
        .partition(|from| !opts.redis_path && c.nodes[from].slotd && c.nodes[target].slotd);
    let mut add = |s: Summary| {
        summary.slots += s.slots;
        summary.keys += s.keys;
        summary.bytes += s.bytes;
    };
    if !native.is_empty() {
        let jobs: Vec<(String, Vec<u16>)> =
            native.into_iter().map(|from| (from.clone(), slots_of(&from))).collect();
        add(native_moves(c, target, &jobs)?);
    }
    for from in redis {
        add(redis_move(c, &from, target, &slots_of(&from), opts)?);
    }
    Ok(summary)
}

fn bar(total_keys: u64, slots: usize, how: &str) -> ProgressBar {
    let bar = ProgressBar::new(total_keys);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} keys ({per_sec}, ETA {eta}) {msg}",
        )
        .expect("a valid template"),
    );
    bar.set_prefix(format!("{slots} slots, {how}"));
    bar
}

/// Keys `id` holds in `slots` (one pipelined round trip).
fn count_keys(c: &mut Cluster, id: &str, slots: &[u16]) -> Result<u64, String> {
    let n = c.nodes.get_mut(id).ok_or("unknown node")?;
    let mut p = redis::pipe();
    for &s in slots {
        p.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(s);
    }
    let counts: Vec<u64> = p.query(&mut n.conn).map_err(|e| format!("{}: {e}", n.addr()))?;
    Ok(counts.iter().sum())
}

/// Where one source's job stands, as its GETSLOTMIGRATIONS entry says.
struct JobProgress {
    from: String,
    /// `a-b c-d`: how the job's entry names its slots.
    ranges: String,
    started_ms: u64,
    keys: u64,
    bytes: u64,
    /// None while running; then Ok or the failure.
    outcome: Option<Result<(), String>>,
}

/// One native migration per source (`from`, its slots), all started at once
/// and polled together under one progress bar.
fn native_moves(
    c: &mut Cluster,
    target: &str,
    jobs: &[(String, Vec<u16>)],
) -> Result<Summary, String> {
    let mut total = 0;
    for (from, slots) in jobs {
        total += count_keys(c, from, slots)?;
    }
    let slots: usize = jobs.iter().map(|(_, s)| s.len()).sum();
    let how = format!("native stream from {} node(s)", jobs.len());
    let bar = bar(total, slots, &how);
    let mut progress = Vec::new();
    for (from, slots) in jobs {
        let ranges: Vec<(u16, u16)> = engine::slot::runs(slots.iter().copied());
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("MIGRATESLOTS").arg("SLOTSRANGE");
        for (a, b) in &ranges {
            cmd.arg(*a).arg(*b);
        }
        cmd.arg("NODE").arg(target);
        let started_ms = now_ms();
        let _: () = c.nodes.get_mut(from).expect("known source").call(&cmd)?;
        progress.push(JobProgress {
            from: from.clone(),
            ranges: crate::cluster::import::ranges_text(slots),
            started_ms,
            keys: 0,
            bytes: 0,
            outcome: None,
        });
    }
    while progress.iter().any(|p| p.outcome.is_none()) {
        std::thread::sleep(Duration::from_millis(20));
        for p in progress.iter_mut().filter(|p| p.outcome.is_none()) {
            poll(c, p)?;
        }
        bar.set_position(progress.iter().map(|p| p.keys).sum::<u64>().min(total));
        let bytes: u64 = progress.iter().map(|p| p.bytes).sum();
        bar.set_message(format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64));
    }
    let failed: Vec<String> = progress
        .iter()
        .filter_map(|p| match &p.outcome {
            Some(Err(e)) => Some(format!("from {}: {e}", p.from)),
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        bar.abandon();
        return Err(failed.join("; "));
    }
    bar.finish();
    Ok(Summary {
        slots,
        keys: progress.iter().map(|p| p.keys).sum(),
        bytes: progress.iter().map(|p| p.bytes).sum(),
    })
}

/// Reads the source's entry for `p`'s job (the newest one for its slots
/// created since it started) into `p`.
fn poll(c: &mut Cluster, p: &mut JobProgress) -> Result<(), String> {
    let src = c.nodes.get_mut(&p.from).expect("known source");
    let entries: Vec<Value> = src.call(redis::cmd("CLUSTER").arg("GETSLOTMIGRATIONS"))?;
    let mut mine = entries.iter().filter(|e| {
        field(e, "operation").map(text).as_deref() == Some("EXPORT")
            && field(e, "slot_ranges").map(text).as_deref() == Some(p.ranges.as_str())
            && field(e, "create_time").map(text).and_then(|t| t.parse::<u64>().ok())
                >= Some(p.started_ms.saturating_sub(1000))
    });
    let Some(entry) = mine.next_back() else { return Ok(()) };
    let number = |name| field(entry, name).map(text).and_then(|t| t.parse().ok()).unwrap_or(0);
    p.keys = number("keys_sent");
    p.bytes = number("bytes_sent");
    p.outcome = match field(entry, "state").map(text).as_deref() {
        Some("running") => None,
        Some("success") => Some(Ok(())),
        state => {
            let msg = field(entry, "message").map(text).unwrap_or_default();
            Some(Err(format!("the migration {}: {msg}", state.unwrap_or("vanished"))))
        }
    };
    Ok(())
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The Redis path, slot by slot.
fn redis_move(
    c: &mut Cluster,
    from: &str,
    target: &str,
    slots: &[u16],
    opts: &Options,
) -> Result<Summary, String> {
    let total = count_keys(c, from, slots)?;
    let bar = bar(total, slots.len(), "MIGRATE");
    let mut moved = 0u64;
    for &slot in slots {
        let r = move_slot(c, from, target, slot, opts, &mut |n| {
            moved += n;
            bar.set_position(moved.min(total));
        });
        if let Err(e) = r {
            bar.abandon();
            return Err(e);
        }
    }
    bar.finish();
    Ok(Summary { slots: slots.len(), keys: moved, bytes: 0 })
}

fn setslot(slot: u16, state: &str, id: Option<&str>) -> redis::Cmd {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("SETSLOT").arg(slot).arg(state);
    if let Some(id) = id {
        cmd.arg(id);
    }
    cmd
}

/// Moves one slot's keys from `from` to `target` as redis-cli does, then
/// gives the slot to `target` on every master. `progress` hears of each batch.
pub fn move_slot(
    c: &mut Cluster,
    from: &str,
    target: &str,
    slot: u16,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<(), String> {
    let (thost, tport) = {
        let t = &c.nodes[target];
        (t.host.clone(), t.port)
    };
    let t = c.nodes.get_mut(target).ok_or("unknown target")?;
    let _: () = t.call(&setslot(slot, "IMPORTING", Some(from)))?;
    let s = c.nodes.get_mut(from).ok_or("unknown source")?;
    let _: () = s.call(&setslot(slot, "MIGRATING", Some(target)))?;
    loop {
        let keys: Vec<Vec<u8>> =
            s.call(redis::cmd("CLUSTER").arg("GETKEYSINSLOT").arg(slot).arg(opts.pipeline))?;
        if keys.is_empty() {
            break;
        }
        let migrate = |replace: bool| {
            let mut cmd = redis::cmd("MIGRATE");
            cmd.arg(&thost).arg(tport).arg("").arg(0).arg(opts.timeout_ms);
            if replace {
                cmd.arg("REPLACE");
            }
            cmd.arg("KEYS").arg(&keys);
            cmd
        };
        match s.call::<String>(&migrate(false)) {
            Ok(_) => {}
            Err(e) if e.contains("BUSYKEY") && opts.replace => {
                let _: String = s.call(&migrate(true))?;
            }
            Err(e) => return Err(format!("moving slot {slot}: {e}")),
        }
        progress(keys.len() as u64);
    }
    let t = c.nodes.get_mut(target).expect("known target");
    let _: () = t.call(&setslot(slot, "NODE", Some(target)))?;
    let others: Vec<String> = c.masters().map(|n| n.id.clone()).filter(|id| id != target).collect();
    for id in others {
        let n = c.nodes.get_mut(&id).expect("listed");
        let _: () = n.call(&setslot(slot, "NODE", Some(target)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(parts: &[(&str, std::ops::Range<u16>)]) -> SlotMap {
        parts.iter().map(|(id, r)| (id.to_string(), r.clone().collect())).collect()
    }

    #[test]
    fn reshard_takes_from_sources_in_proportion() {
        let m = map(&[("a", 0..6000), ("b", 6000..16384), ("c", 0..0)]);
        let moves = plan_reshard(&m, &["a".into(), "b".into()], "c", 1000);
        assert_eq!(moves.len(), 1000);
        let from_a = moves.iter().filter(|m| m.from == "a").count();
        assert_eq!(from_a, 367); // ceil(1000 * 6000 / 16384)
        assert_eq!(moves[0], Move { slot: 0, from: "a".into() });
        assert_eq!(plan_reshard(&m, &["c".into()], "a", 10), vec![]);
    }

    #[test]
    fn rebalance_fills_empty_masters_and_respects_threshold() {
        let m = map(&[("a", 0..8192), ("b", 8192..16384), ("c", 0..0)]);
        assert!(plan_rebalance(&m, &[], false, 2.0).is_empty());
        let plan = plan_rebalance(&m, &[], true, 2.0);
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].0, "c");
        assert_eq!(plan[0].1.len(), 5461);
        // Weights: c gets twice the share of each other master.
        let plan = plan_rebalance(&m, &[("c".into(), 2.0)], true, 2.0);
        assert_eq!(plan[0].1.len(), 8192);
        // Weight 0 drains a master entirely.
        let m = map(&[("a", 0..5461), ("b", 5461..10922), ("c", 10922..16384)]);
        let plan = plan_rebalance(&m, &[("c".into(), 0.0)], false, 2.0);
        let moved: usize = plan.iter().map(|(_, m)| m.len()).sum();
        assert_eq!(moved, 5462);
        assert!(plan.iter().all(|(to, m)| to != "c" && m.iter().all(|x| x.from == "c")));
    }
}
