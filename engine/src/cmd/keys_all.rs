//! Whole-keyspace commands: KEYS (every matching key) and RANDOMKEY. Each runs
//! on every shard; the node concatenates KEYS replies and picks one non-null
//! RANDOMKEY reply at random.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::command::{flags::*, Args, Combine, CommandSpec, Ctx, KeyRange};
use crate::glob::Glob;
use crate::keyspace::SlotTable;

/// Specs of KEYS and RANDOMKEY.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("keys", 2, READONLY, KeyRange::NONE, keys)
        .acl(&["keyspace", "dangerous"])
        .all_shards(Combine::Concat)
        .doc(
            "generic",
            "1.0.0",
            "Find all keys matching the given pattern",
            "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
        ),
    CommandSpec::keyspace("randomkey", 1, READONLY, KeyRange::NONE, randomkey)
        .acl(&["keyspace"])
        .all_shards(Combine::RandomNonNull)
        .doc("generic", "1.0.0", "Return a random key from the keyspace", "O(1)"),
];

fn keys(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let pattern = args.get(1);
    let glob = (pattern != b"*").then(|| Glob::new(pattern, false));
    let now = ctx.now_ms;
    let db = ctx.ks.db_ref(ctx.db);
    let mut found: Vec<&[u8]> = Vec::new();
    for slot in db.slots_with_keys(0) {
        let Some(table) = db.slot_table(slot) else {
            continue;
        };
        for e in table.iter() {
            let key = e.key.as_bytes();
            if !e.is_expired(now) && glob.is_none_or(|g| g.matches(key)) {
                found.push(key);
            }
        }
    }
    ctx.out.array(found.len());
    for k in found {
        ctx.out.bulk(k);
    }
}

/// A pseudo-random number: SplitMix64 over a process-wide counter, mixed with
/// the command's clock. Good enough to pick keys; not for anything secret.
pub(super) fn random_u64(now_ms: u64) -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0x853c_49e6_748f_ea9b);
    let mut z = STATE.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed) ^ now_ms;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A random full bucket of a non-empty table.
fn random_bucket(table: &SlotTable, now_ms: u64) -> usize {
    let n = table.num_buckets();
    for _ in 0..32 {
        let i = (random_u64(now_ms) % n as u64) as usize;
        if table.bucket(i).is_some() {
            return i;
        }
    }
    // A sparse table: the first full bucket from a random start.
    let start = (random_u64(now_ms) % n as u64) as usize;
    (0..n)
        .map(|k| (start + k) % n)
        .find(|&i| table.bucket(i).is_some())
        .expect("table is not empty")
}

fn randomkey(ctx: &mut Ctx<'_>, _args: &Args<'_>) {
    let now = ctx.now_ms;
    let owned = ctx.owned_slots;
    let db = ctx.ks.db(ctx.db);
    loop {
        // Pick a slot with probability proportional to its key count, then a
        // key in it.
        let total: usize =
            db.slots_with_keys(0).filter(|&s| owned.contains(s)).map(|s| db.slot_len(s)).sum();
        if total == 0 {
            ctx.out.null();
            return;
        }
        let mut r = (random_u64(now) % total as u64) as usize;
        let slot = db
            .slots_with_keys(0)
            .filter(|&s| owned.contains(s))
            .find(|&s| {
                let n = db.slot_len(s);
                let here = r < n;
                r = r.saturating_sub(n);
                here
            })
            .expect("r < total");
        let table = db.slot_table(slot).expect("slot has keys");
        let e = table.bucket(random_bucket(table, now)).expect("full bucket");
        if e.is_expired(now) {
            // Clear the slot's expired keys and draw again.
            db.expire_slot(slot, now);
            continue;
        }
        ctx.out.bulk(e.key.as_bytes());
        return;
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::test_util::{run, run_in};
    use crate::config::EngineConfig;
    use crate::keyspace::{Keyspace, Value};
    use crate::slot::{key_slot, Slot, SlotSet, SLOT_COUNT};
    use std::collections::HashSet;

    const NOW: u64 = 1_000_000;

    fn set(ks: &mut Keyspace, key: &str) {
        ks.db(0).set(key.as_bytes(), Value::from_bytes(b"v"), None, 0);
    }

    #[test]
    fn keys_matches_and_skips_expired() {
        let mut ks = Keyspace::new(1);
        for k in ["hello", "hallo", "hxllo", "world", ""] {
            set(&mut ks, k);
        }
        ks.db(0).set(b"hillo", Value::Int(1), Some(NOW - 1), 0);
        let sorted = |reply: Vec<u8>| {
            let mut r = reply;
            let (n, body) =
                crate::resp::scan::array_elements(&r).map(|(n, b)| (n, b.to_vec())).unwrap();
            let mut items = Vec::new();
            let mut rest = &body[..];
            while !rest.is_empty() {
                let len = crate::resp::scan::reply_len(rest).unwrap();
                items.push(rest[..len].to_vec());
                rest = &rest[len..];
            }
            items.sort();
            assert_eq!(items.len(), n);
            r.clear();
            items.concat()
        };
        assert_eq!(
            sorted(run(&mut ks, NOW, &["keys", "h[ae]llo"])),
            b"$5\r\nhallo\r\n$5\r\nhello\r\n"
        );
        assert_eq!(
            sorted(run(&mut ks, NOW, &["keys", "h?llo"])),
            b"$5\r\nhallo\r\n$5\r\nhello\r\n$5\r\nhxllo\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["keys", "w*"]), b"*1\r\n$5\r\nworld\r\n");
        assert!(
            run(&mut ks, NOW, &["keys", "*"]).starts_with(b"*5\r\n"),
            "* includes the empty key"
        );
        assert!(run(&mut ks, NOW, &["keys", "**"]).starts_with(b"*4\r\n"), "** does not");
        assert_eq!(run(&mut ks, NOW, &["keys", ""]), b"*1\r\n$0\r\n\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["keys"]),
            b"-ERR wrong number of arguments for 'keys' command\r\n"
        );
    }

    #[test]
    fn randomkey_picks_live_owned_keys() {
        let mut ks = Keyspace::new(1);
        assert_eq!(run(&mut ks, NOW, &["randomkey"]), b"$-1\r\n");
        for i in 0..50 {
            set(&mut ks, &format!("k{i}"));
        }
        let mut seen = HashSet::new();
        for _ in 0..300 {
            let r = run(&mut ks, NOW, &["randomkey"]);
            assert!(r.starts_with(b"$"));
            seen.insert(r);
        }
        assert!(seen.len() > 25, "RANDOMKEY should spread over the keys ({})", seen.len());
        // Expired keys are never returned, and are cleaned up on the way.
        let mut ks = Keyspace::new(1);
        for i in 0..20 {
            ks.db(0).set(format!("e{i}").as_bytes(), Value::Int(1), Some(NOW - 1), 0);
        }
        set(&mut ks, "live");
        for _ in 0..10 {
            assert_eq!(run(&mut ks, NOW, &["randomkey"]), b"$4\r\nlive\r\n");
        }
        ks.db(0).remove(b"live");
        assert_eq!(run(&mut ks, NOW, &["randomkey"]), b"$-1\r\n");
        assert_eq!(ks.db(0).len(), 0);
        // Keys of slots the shard does not own are not offered.
        set(&mut ks, "foo");
        let slot = key_slot(b"foo") as usize;
        let mut owned = SlotSet::from_range(0..SLOT_COUNT);
        owned.remove(slot as Slot);
        let cfg = EngineConfig::default();
        assert_eq!(run_in(&mut ks, NOW, 0, &owned, &cfg, &["randomkey"]), b"$-1\r\n");
    }
}
