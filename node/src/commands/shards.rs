//! SHARDS: this node's shards (one per core). LIST shows each one's CPU, slot
//! ranges and keys; MOVESLOTS hands slot ranges to a shard; BALANCE moves
//! slots until the shards hold about as many keys each (see
//! `shard::slot_move` for how a slot changes shard without stopping others).

use engine::cmd::introspect::help_reply;
use engine::command::Args;
use engine::num::parse_i64_strict;
use engine::resp::Reply;
use engine::slot::{runs, Slot, SLOT_COUNT};

use crate::conn::Conn;
use crate::shard::Shard;

/// Runs a SHARDS subcommand.
pub async fn run(conn: &mut Conn, name: &str, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    match name {
        "shards|list" => list(conn, out, proto).await,
        "shards|moveslots" => match parse_moves(args, conn.shard.shared.shard_count) {
            Ok((to, slots)) => {
                let n = conn.shard.move_slots(slots, to).await;
                Reply::new(out, proto).int(n as i64);
            }
            Err(e) => Reply::new(out, proto).error(e),
        },
        "shards|balance" => {
            let n = balance(conn).await;
            Reply::new(out, proto).int(n as i64);
        }
        _ => {
            let lines = [
                "LIST",
                "    Return each shard's id, CPU, slot ranges and number of keys.",
                "MOVESLOTS <shard> <start-slot> <end-slot> [<start-slot> <end-slot> ...]",
                "    Move the slot ranges to the shard; return how many slots changed shard.",
                "BALANCE",
                "    Move slots until every shard holds about as many keys; return how many moved.",
            ];
            help_reply(args.get(0), &lines, &mut Reply::new(out, proto));
        }
    }
}

/// MOVESLOTS' shard and slots.
fn parse_moves(args: &Args<'_>, shards: usize) -> Result<(usize, Vec<Slot>), &'static str> {
    let to = parse_i64_strict(args.get(2))
        .filter(|s| (0..shards as i64).contains(s))
        .ok_or("ERR Invalid shard")?;
    if !(args.len() - 3).is_multiple_of(2) {
        return Err("ERR syntax error");
    }
    let mut slots = Vec::new();
    for i in (3..args.len()).step_by(2) {
        let slot =
            |j: usize| parse_i64_strict(args.get(j)).filter(|s| (0..SLOT_COUNT as i64).contains(s));
        match (slot(i), slot(i + 1)) {
            (Some(a), Some(b)) if a <= b => slots.extend(a as Slot..=b as Slot),
            (Some(_), Some(_)) => {
                return Err("ERR start slot number is greater than end slot number")
            }
            _ => return Err("ERR Invalid or out of range slot"),
        }
    }
    slots.sort_unstable();
    slots.dedup();
    Ok((to as usize, slots))
}

/// LIST: per shard, `id`, `cpu`, `slots` (ranges) and `keys`.
async fn list(conn: &Conn, out: &mut Vec<u8>, proto: engine::resp::Protocol) {
    let infos = conn
        .shard
        .on_all_shards(|s: &Shard| {
            let core = s.core.borrow();
            let keys: usize = (0..core.ks.db_count()).map(|d| core.ks.db_ref(d).len()).sum();
            (runs(core.owned.iter()), keys)
        })
        .await;
    let mut r = Reply::new(out, proto);
    r.array(infos.len());
    for (id, (ranges, keys)) in infos.into_iter().enumerate() {
        r.map(4);
        r.bulk(b"id");
        r.int(id as i64);
        r.bulk(b"cpu");
        r.int(conn.shard.shared.cpu_of(id));
        r.bulk(b"slots");
        r.array(ranges.len() * 2);
        for (a, b) in ranges {
            r.int(a as i64);
            r.int(b as i64);
        }
        r.bulk(b"keys");
        r.int(keys as i64);
    }
}

/// BALANCE: plans moves by key count (every database), then runs them.
async fn balance(conn: &Conn) -> usize {
    let per_shard: Vec<Vec<(Slot, usize)>> = conn
        .shard
        .on_all_shards(|s: &Shard| {
            let core = s.core.borrow();
            core.owned
                .iter()
                .map(|slot| {
                    let n = (0..core.ks.db_count()).map(|d| core.ks.db_ref(d).slot_len(slot)).sum();
                    (slot, n)
                })
                .filter(|&(_, n)| n > 0)
                .collect()
        })
        .await;
    let mut moved = 0;
    for (to, slots) in plan_balance(per_shard).into_iter().enumerate() {
        if !slots.is_empty() {
            moved += conn.shard.move_slots(slots, to).await;
        }
    }
    moved
}

/// Greedy plan: while the fullest and the emptiest shard differ by more than
/// 1% of the keys (and at least one slot's worth helps), move the fullest
/// shard's biggest slot that narrows the gap to the emptiest. Returns the
/// slots each shard receives.
fn plan_balance(mut per_shard: Vec<Vec<(Slot, usize)>>) -> Vec<Vec<Slot>> {
    let mut load: Vec<usize> = per_shard.iter().map(|v| v.iter().map(|&(_, n)| n).sum()).collect();
    let total: usize = load.iter().sum();
    let mut incoming: Vec<Vec<Slot>> = vec![Vec::new(); per_shard.len()];
    for v in &mut per_shard {
        v.sort_unstable_by_key(|&(_, n)| std::cmp::Reverse(n));
    }
    // Each round moves one slot; a slot moves at most once.
    for _ in 0..SLOT_COUNT {
        let (hi, lo) = match (argmax(&load), argmin(&load)) {
            (Some(h), Some(l)) if h != l => (h, l),
            _ => break,
        };
        let gap = load[hi] - load[lo];
        if gap * 100 <= total {
            break;
        }
        // The biggest slot smaller than the gap lowers the maximum difference.
        let Some(i) = per_shard[hi].iter().position(|&(_, n)| n < gap) else { break };
        let (slot, n) = per_shard[hi].remove(i);
        load[hi] -= n;
        load[lo] += n;
        incoming[lo].push(slot);
    }
    incoming
}

fn argmax(v: &[usize]) -> Option<usize> {
    (0..v.len()).max_by_key(|&i| v[i])
}

fn argmin(v: &[usize]) -> Option<usize> {
    (0..v.len()).min_by_key(|&i| v[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_plans_even_out_keys() {
        // Shard 0 holds 100 slots of 10 keys, shard 1 nothing.
        let plan = plan_balance(vec![(0..100).map(|s| (s, 10)).collect(), vec![]]);
        assert_eq!(plan[0].len(), 0);
        assert_eq!(plan[1].len(), 50);
        // Balanced already: nothing moves.
        let plan = plan_balance(vec![vec![(0, 5), (1, 5)], vec![(2, 5), (3, 5)]]);
        assert!(plan.iter().all(Vec::is_empty));
        // One huge slot cannot be split: it stays.
        let plan = plan_balance(vec![vec![(0, 1000)], vec![(1, 1)]]);
        assert!(plan.iter().all(Vec::is_empty));
    }
}
