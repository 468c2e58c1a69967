//! Slots moving between the shards of one node (SHARDS MOVESLOTS / BALANCE)
//! while clients keep working, on a 2-shard slotd:
//! - writers pipelining INCRs over 500 counters, a reader doing MGET (split
//!   over shards) and full SCANs, a client renaming a key back and forth
//!   across slots, and a client blocked in BLPOP all run while a mover sends
//!   slot ranges back and forth; afterwards every counter equals the number
//!   of INCRs acknowledged for it, every fixed key was seen by every SCAN and
//!   MGET, the renamed key exists exactly once, and the blocked client is
//!   served by a push made after its key's slot moved;
//! - one connection's pipeline of writes and reads to one key stays in order
//!   across moves;
//! - BALANCE evens out keys that all sit on one shard.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use common::slotd;
use redis::Commands;

const COUNTERS: usize = 500;
const FIXED: usize = 300;

fn moveslots(c: &mut redis::Connection, to: usize, ranges: &[(u16, u16)]) -> i64 {
    let mut cmd = redis::cmd("SHARDS");
    cmd.arg("MOVESLOTS").arg(to);
    for (a, b) in ranges {
        cmd.arg(*a).arg(*b);
    }
    cmd.query(c).expect("SHARDS MOVESLOTS")
}

/// Every slot's owner as SHARDS LIST tells it, with each shard's keys.
fn shard_keys(c: &mut redis::Connection) -> Vec<i64> {
    let list: Vec<redis::Value> = redis::cmd("SHARDS").arg("LIST").query(c).unwrap();
    list.iter()
        .map(|entry| {
            let redis::Value::Array(fields) = entry else { panic!("{entry:?}") };
            match fields.last() {
                Some(redis::Value::Int(n)) => *n,
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

#[test]
fn slots_move_between_shards_while_clients_work() {
    let server = slotd(2, &[]);
    let mut setup = server.conn();
    for i in 0..FIXED {
        let _: () = setup.set(format!("fixed:{i}"), i).unwrap();
    }
    let _: () = setup.set("ren:a", "payload").unwrap();
    let stop = Arc::new(AtomicBool::new(false));

    // A client blocked on a list whose slot will move.
    let blocked = {
        let mut c = server.conn();
        thread::spawn(move || -> Option<(String, String)> {
            redis::cmd("BLPOP").arg("queue").arg(0).query(&mut c).unwrap()
        })
    };
    common::await_blocked(&mut setup, 1);

    let writers: Vec<_> = (0..3)
        .map(|w| {
            let mut c = server.conn();
            thread::spawn(move || {
                let mut counts = vec![0i64; COUNTERS];
                let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ w;
                for _ in 0..150 {
                    let mut p = redis::pipe();
                    let mut picked = Vec::new();
                    for _ in 0..40 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let k = (x % COUNTERS as u64) as usize;
                        picked.push(k);
                        p.incr(format!("counter:{k}"), 1);
                    }
                    let replies: Vec<i64> = p.query(&mut c).expect("INCRs");
                    assert_eq!(replies.len(), picked.len());
                    for k in picked {
                        counts[k] += 1;
                    }
                }
                counts
            })
        })
        .collect();

    let reader = {
        let (mut c, stop) = (server.conn(), stop.clone());
        thread::spawn(move || {
            let keys: Vec<String> = (0..FIXED).map(|i| format!("fixed:{i}")).collect();
            let mut rounds = 0;
            while !stop.load(Ordering::Relaxed) || rounds == 0 {
                let values: Vec<Option<i64>> = c.mget(&keys).unwrap();
                for (i, v) in values.iter().enumerate() {
                    assert_eq!(*v, Some(i as i64), "MGET lost fixed:{i} during a move");
                }
                let mut seen = std::collections::HashSet::new();
                let iter: redis::Iter<String> = redis::cmd("SCAN")
                    .cursor_arg(0)
                    .arg("MATCH")
                    .arg("fixed:*")
                    .clone()
                    .iter(&mut c)
                    .unwrap();
                seen.extend(iter);
                assert_eq!(seen.len(), FIXED, "a SCAN missed fixed keys during moves");
                rounds += 1;
            }
            rounds
        })
    };

    let renamer = {
        let (mut c, stop) = (server.conn(), stop.clone());
        thread::spawn(move || {
            let mut at_a = true;
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) || n == 0 {
                let (from, to) = if at_a { ("ren:a", "ren:b") } else { ("ren:b", "ren:a") };
                let _: () = c.rename(from, to).expect("RENAME across slots");
                at_a = !at_a;
                n += 1;
            }
            at_a
        })
    };

    // The mover keeps going until the writers are done (12 rounds at least).
    let writers_done = Arc::new(AtomicBool::new(false));
    let mover = {
        let (mut c, done) = (server.conn(), writers_done.clone());
        thread::spawn(move || {
            let mut moved = 0;
            let mut round = 0u16;
            while round < 12 || !done.load(Ordering::Relaxed) {
                let lo = (round * 1361) % 16000;
                moved += moveslots(&mut c, 1, &[(0, 8191)]);
                moved += moveslots(&mut c, 0, &[(lo, lo + 383), (8192, 12000)]);
                moved += moveslots(&mut c, 1, &[(lo, 16383)]);
                moved += moveslots(&mut c, 0, &[(0, 16383)]);
                let _: i64 = redis::cmd("SHARDS").arg("BALANCE").query(&mut c).unwrap();
                round += 1;
            }
            moved
        })
    };

    let mut totals = vec![0i64; COUNTERS];
    for w in writers {
        for (k, n) in w.join().unwrap().into_iter().enumerate() {
            totals[k] += n;
        }
    }
    writers_done.store(true, Ordering::Relaxed);
    let moved = mover.join().unwrap();
    assert!(moved > 50_000, "slots moved: {moved}");
    stop.store(true, Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    let at_a = renamer.join().unwrap();

    for (k, want) in totals.iter().enumerate() {
        let got: Option<i64> = setup.get(format!("counter:{k}")).unwrap();
        assert_eq!(got.unwrap_or(0), *want, "counter:{k}");
    }
    let (live, gone) = if at_a { ("ren:a", "ren:b") } else { ("ren:b", "ren:a") };
    assert_eq!(setup.get::<_, Option<String>>(live).unwrap().as_deref(), Some("payload"));
    assert!(!setup.exists::<_, bool>(gone).unwrap());

    // The blocked client registered again with its key's new shard.
    let _: () = setup.rpush("queue", "job").unwrap();
    assert_eq!(blocked.join().unwrap(), Some(("queue".into(), "job".into())));

    let dbsize: i64 = redis::cmd("DBSIZE").query(&mut setup).unwrap();
    let used = totals.iter().filter(|&&n| n > 0).count() as i64;
    assert_eq!(dbsize, FIXED as i64 + 1 + used);
    assert_eq!(shard_keys(&mut setup).iter().sum::<i64>(), dbsize);
}

#[test]
fn a_pipeline_on_one_key_stays_in_order_across_moves() {
    let server = slotd(2, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let mover = {
        let (mut c, stop) = (server.conn(), stop.clone());
        thread::spawn(move || {
            let mut to = 0;
            while !stop.load(Ordering::Relaxed) {
                moveslots(&mut c, to, &[(0, 16383)]);
                to = 1 - to;
            }
        })
    };
    let mut c = server.conn();
    for round in 0..300 {
        let mut p = redis::pipe();
        for i in 0..20 {
            p.set("k", format!("{round}:{i}")).ignore().get("k");
        }
        let got: Vec<String> = p.query(&mut c).unwrap();
        let want: Vec<String> = (0..20).map(|i| format!("{round}:{i}")).collect();
        assert_eq!(got, want);
    }
    stop.store(true, Ordering::Relaxed);
    mover.join().unwrap();
}

#[test]
fn balance_spreads_keys_over_shards() {
    let server = slotd(2, &[]);
    let mut c = server.conn();
    assert_eq!(moveslots(&mut c, 0, &[(0, 16383)]), 8192);
    let mut p = redis::pipe();
    for i in 0..4000 {
        p.set(format!("key:{i}"), i).ignore();
    }
    let _: () = p.query(&mut c).unwrap();
    assert_eq!(shard_keys(&mut c), vec![4000, 0]);
    let moved: i64 = redis::cmd("SHARDS").arg("BALANCE").query(&mut c).unwrap();
    assert!(moved > 0);
    let keys = shard_keys(&mut c);
    assert_eq!(keys.iter().sum::<i64>(), 4000);
    assert!(keys.iter().all(|&k| (1960..=2040).contains(&k)), "after BALANCE: {keys:?}");
    let again: i64 = redis::cmd("SHARDS").arg("BALANCE").query(&mut c).unwrap();
    assert_eq!(again, 0, "a balanced node moves nothing");
    let values: HashMap<String, i64> =
        (0..4000).map(|i| (format!("key:{i}"), c.get(format!("key:{i}")).unwrap())).collect();
    assert!(values.iter().all(|(k, v)| k == &format!("key:{v}")));
    // Errors.
    let err = redis::cmd("SHARDS").arg("MOVESLOTS").arg(2).arg(0).arg(1).query::<i64>(&mut c);
    assert!(err.unwrap_err().to_string().contains("Invalid shard"));
    let err = redis::cmd("SHARDS").arg("MOVESLOTS").arg(1).arg(5).arg(1).query::<i64>(&mut c);
    assert!(err.unwrap_err().to_string().contains("greater than end"));
    let err = redis::cmd("SHARDS").arg("MOVESLOTS").arg(1).arg(0).arg(16384).query::<i64>(&mut c);
    assert!(err.unwrap_err().to_string().contains("out of range slot"));
}
