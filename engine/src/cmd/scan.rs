//! SCAN: walking the keyspace a few keys at a time, slot by slot.
//!
//! SCAN's cursor names a position in the slot-ordered keyspace: a slot, a bucket
//! of that slot's table, and a tag of the table's layout when the cursor was
//! issued. One call runs on one shard and walks the slots it owns in ascending
//! order; at the first slot it does not own it stops and returns a cursor at
//! that slot, which the node routes (via [`scan_cursor_slot`]) to the owner.
//!
//! Cursor layout, least significant bits first:
//!
//! | bits   | field                                                        |
//! |--------|--------------------------------------------------------------|
//! | 0..14  | slot                                                         |
//! | 14     | always 1, so that no position encodes as 0 (start and end)   |
//! | 15..21 | log2 of the table's bucket count                             |
//! | 21..29 | low 8 bits of the table's layout epoch                       |
//! | 29..64 | bucket index                                                 |
//!
//! Guarantee (as Redis's): a key present for the whole iteration is returned at
//! least once. Buckets of one table layout are visited in index order; when the
//! table was resized or rehashed since the cursor was issued (the tag differs),
//! the slot is restarted at bucket 0, which may return keys twice, never miss
//! one. A tag collision needs 256 rehashes of one slot table at the same size
//! between two calls.

use crate::command::{flags::*, Args, CommandSpec, Ctx, KeyRange};
use crate::glob::Glob;
use crate::keyspace::{SlotTable, ValueType};
use crate::resp::Reply;
use crate::slot::{Slot, SLOT_COUNT};

/// Specs of SCAN.
pub const COMMANDS: &[CommandSpec] = &[
    // The node routes SCAN itself (cursor slot -> owner shard, looping).
    CommandSpec::keyspace("scan", -2, READONLY, KeyRange::NONE, scan)
        .acl(&["keyspace"])
        .doc(
            "generic",
            "2.8.0",
            "Incrementally iterate the keys space",
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        ),
];

const SLOT_BITS: u32 = 14;
const MARK_BIT: u64 = 1 << SLOT_BITS;
const TAG_SHIFT: u32 = SLOT_BITS + 1;
const TAG_BITS: u32 = 14;
const BUCKET_SHIFT: u32 = TAG_SHIFT + TAG_BITS;

/// A decoded SCAN cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    slot: Slot,
    bucket: u64,
    tag: u64,
}

impl Cursor {
    const START: Cursor = Cursor { slot: 0, bucket: 0, tag: 0 };

    fn decode(c: u64) -> Option<Cursor> {
        if c == 0 {
            return Some(Cursor::START);
        }
        if c & MARK_BIT == 0 {
            return None;
        }
        Some(Cursor {
            slot: (c & (MARK_BIT - 1)) as Slot,
            bucket: c >> BUCKET_SHIFT,
            tag: (c >> TAG_SHIFT) & ((1 << TAG_BITS) - 1),
        })
    }

    fn encode(self) -> u64 {
        debug_assert!(self.bucket < 1 << (64 - BUCKET_SHIFT) && self.tag < 1 << TAG_BITS);
        self.slot as u64 | MARK_BIT | self.tag << TAG_SHIFT | self.bucket << BUCKET_SHIFT
    }

    /// The cursor at the start of `slot` (0, the end, past the last slot).
    fn at_slot(slot: usize) -> u64 {
        if slot >= SLOT_COUNT {
            0
        } else {
            Cursor { slot: slot as Slot, bucket: 0, tag: 0 }.encode()
        }
    }
}

/// The layout tag of a table: log2 of its bucket count and its layout epoch.
fn table_tag(t: &SlotTable) -> u64 {
    let log2 = (t.num_buckets().trailing_zeros() & 63) as u64;
    log2 | ((t.layout_epoch() & 0xff) as u64) << 6
}

/// Parses a SCAN cursor argument as Redis does (C `strtoul`: an optional sign,
/// decimal digits, nothing else; `-n` wraps; the empty string is 0; the text
/// ends at a NUL byte). None when Redis would reply "invalid cursor".
pub fn parse_scan_cursor(arg: &[u8]) -> Option<u64> {
    let text = arg.split(|&b| b == 0).next().unwrap_or_default();
    let (negative, digits) = match text.first() {
        None => return Some(0),
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        Some(_) => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    Some(if negative { v.wrapping_neg() } else { v })
}

/// The slot a SCAN cursor resumes at (slot 0 for the start cursor 0), or None
/// when the cursor is not one SCAN could have issued. The node sends the next
/// call to this slot's owner.
pub fn scan_cursor_slot(cursor: u64) -> Option<Slot> {
    Cursor::decode(cursor).map(|c| c.slot)
}

/// The options of SCAN and of the collection scans (HSCAN, SSCAN, ZSCAN).
pub(crate) struct ScanOptions<'a> {
    /// COUNT: how much work one call does.
    pub count: usize,
    /// MATCH, unless it was `*`.
    pub pattern: Option<Glob<'a>>,
    /// `TYPE` filter; `Some(None)` for a name that is no type (matches nothing).
    pub value_type: Option<Option<ValueType>>,
}

impl<'a> ScanOptions<'a> {
    /// Parses the options from argument `first` on (just after the cursor),
    /// replying the error through `out` when invalid. TYPE is an option of
    /// SCAN only (`allow_type`); the collection scans call it a syntax error,
    /// as Redis.
    pub(crate) fn parse(
        out: &mut Reply<'_>,
        args: &Args<'a>,
        first: usize,
        allow_type: bool,
    ) -> Option<ScanOptions<'a>> {
        let mut o = ScanOptions { count: 10, pattern: None, value_type: None };
        let mut i = first;
        while i < args.len() {
            if i + 1 >= args.len() {
                out.syntax_error();
                return None;
            }
            let value = args.get(i + 1);
            if args.is(i, "count") {
                let Some(n) = crate::num::parse_i64_strict(value) else {
                    out.not_integer();
                    return None;
                };
                if n < 1 {
                    out.syntax_error();
                    return None;
                }
                o.count = usize::try_from(n).unwrap_or(usize::MAX);
            } else if args.is(i, "match") {
                // `*` matches every key, the empty one included.
                o.pattern = (value != b"*").then(|| Glob::new(value, false));
            } else if allow_type && args.is(i, "type") {
                // Redis compares with strcasecmp: the name ends at a NUL byte.
                let name = value.split(|&b| b == 0).next().unwrap_or_default();
                o.value_type = Some(ValueType::from_name(name));
            } else {
                out.syntax_error();
                return None;
            }
            i += 2;
        }
        Some(o)
    }

    /// True when `item` passes the MATCH pattern.
    pub(crate) fn matches(&self, item: &[u8]) -> bool {
        self.pattern.as_ref().is_none_or(|g| g.matches(item))
    }
}

fn scan(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(cursor) = parse_scan_cursor(args.get(1)).and_then(Cursor::decode) else {
        ctx.out.error("ERR invalid cursor");
        return;
    };
    let Some(opts) = ScanOptions::parse(&mut ctx.out, args, 2, true) else {
        return;
    };
    let now = ctx.now_ms;
    let db = ctx.ks.db_ref(ctx.db);
    let mut found: Vec<Vec<u8>> = Vec::new();
    let mut expired: Vec<Vec<u8>> = Vec::new();
    let mut examined = 0usize;
    // Empty buckets cost too: bound the work of one call as Redis does (10 x COUNT).
    let mut bucket_budget = opts.count.saturating_mul(10);
    let mut slot = cursor.slot as usize;
    let mut resume_bucket = cursor.bucket;
    let next = loop {
        if slot >= SLOT_COUNT {
            break 0;
        }
        if !ctx.owned_slots.contains(slot as Slot) {
            break Cursor::at_slot(slot);
        }
        if let Some(table) = db.slot_table(slot as Slot) {
            let tag = table_tag(table);
            let mut pos =
                if resume_bucket != 0 && cursor.tag == tag { resume_bucket as usize } else { 0 };
            let mut stop = None;
            loop {
                let step = (opts.count - examined).min(bucket_budget);
                let next_pos = table.scan_buckets(pos, step, |e| {
                    examined += 1;
                    let key = e.key.as_bytes();
                    if e.is_expired(now) {
                        expired.push(key.to_vec());
                    } else if opts.value_type.is_none_or(|t| t == Some(e.value.value_type()))
                        && opts.matches(key)
                    {
                        found.push(key.to_vec());
                    }
                });
                bucket_budget -= next_pos.unwrap_or(table.num_buckets()).saturating_sub(pos);
                let Some(p) = next_pos else { break };
                if examined >= opts.count || bucket_budget == 0 {
                    stop = Some(Cursor { slot: slot as Slot, bucket: p as u64, tag }.encode());
                    break;
                }
                pos = p;
            }
            if let Some(c) = stop {
                break c;
            }
        }
        slot += 1;
        resume_bucket = 0;
        if examined >= opts.count || bucket_budget == 0 {
            break Cursor::at_slot(slot);
        }
    };
    // Expired keys met on the way are deleted, as a lookup would.
    let db = ctx.ks.db(ctx.db);
    for k in &expired {
        db.get(k, now);
    }
    ctx.out.array(2);
    ctx.out.bulk(next.to_string().as_bytes());
    ctx.out.array(found.len());
    for k in &found {
        ctx.out.bulk(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::test_util::{run, run_in};
    use crate::config::EngineConfig;
    use crate::keyspace::{Keyspace, Value};
    use crate::slot::{key_slot, SlotSet};
    use std::collections::HashSet;

    const NOW: u64 = 1_000_000;

    /// Splits a SCAN reply into its cursor and keys.
    fn parse_scan(reply: &[u8]) -> (u64, Vec<Vec<u8>>) {
        fn line<'a>(r: &mut &'a [u8]) -> &'a [u8] {
            let end = r.windows(2).position(|w| w == b"\r\n").expect("line");
            let l = &r[..end];
            *r = &r[end + 2..];
            l
        }
        fn bulk(r: &mut &[u8]) -> Vec<u8> {
            let n: usize = std::str::from_utf8(&line(r)[1..]).unwrap().parse().unwrap();
            let b = r[..n].to_vec();
            *r = &r[n + 2..];
            b
        }
        let mut r = reply;
        assert_eq!(line(&mut r), b"*2", "{}", String::from_utf8_lossy(reply));
        let cursor = std::str::from_utf8(&bulk(&mut r)).unwrap().parse().unwrap();
        let n: usize = std::str::from_utf8(&line(&mut r)[1..]).unwrap().parse().unwrap();
        let keys = (0..n).map(|_| bulk(&mut r)).collect();
        assert!(r.is_empty());
        (cursor, keys)
    }

    fn set(ks: &mut Keyspace, key: &str) {
        ks.db(0).set(key.as_bytes(), Value::from_bytes(b"v"), None, 0);
    }

    #[test]
    fn cursor_encoding() {
        assert_eq!(Cursor::decode(0), Some(Cursor::START));
        for c in [
            Cursor { slot: 0, bucket: 0, tag: 0 },
            Cursor { slot: 16383, bucket: (1 << 35) - 1, tag: (1 << 14) - 1 },
            Cursor { slot: 77, bucket: 12345, tag: 5 | 3 << 6 },
        ] {
            assert_ne!(c.encode(), 0);
            assert_eq!(Cursor::decode(c.encode()), Some(c));
            assert_eq!(scan_cursor_slot(c.encode()), Some(c.slot));
        }
        assert_eq!(scan_cursor_slot(0), Some(0));
        assert_eq!(scan_cursor_slot(1), None, "no marker bit");
        assert_eq!(Cursor::at_slot(SLOT_COUNT), 0);
    }

    #[test]
    fn cursor_text_like_strtoul() {
        assert_eq!(parse_scan_cursor(b"0"), Some(0));
        assert_eq!(parse_scan_cursor(b""), Some(0));
        assert_eq!(parse_scan_cursor(b"+5"), Some(5));
        assert_eq!(parse_scan_cursor(b"01"), Some(1));
        assert_eq!(parse_scan_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"1\0junk"), Some(1));
        for bad in [&b"18446744073709551616"[..], b"abc", b"-", b"+", b" 1", b"1 ", b"0x1"] {
            assert_eq!(parse_scan_cursor(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn scan_replies_and_errors() {
        let mut ks = Keyspace::new(1);
        set(&mut ks, "a");
        assert_eq!(run(&mut ks, NOW, &["scan", "0"]), b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
        assert_eq!(run(&mut ks, NOW, &["scan", ""]), b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
        assert_eq!(run(&mut ks, NOW, &["scan", "0", "type", "foo"]), b"*2\r\n$1\r\n0\r\n*0\r\n");
        assert_eq!(
            run(
                &mut ks,
                NOW,
                &["scan", "0", "count", "1", "match", "a*", "count", "5", "TYPE", "STRING"]
            ),
            b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["scan", "0", "match", "b*"]), b"*2\r\n$1\r\n0\r\n*0\r\n");
        let err = |args: &[&str], ks: &mut Keyspace| run(ks, NOW, args);
        assert_eq!(err(&["scan", "abc"], &mut ks), b"-ERR invalid cursor\r\n");
        assert_eq!(err(&["scan", "18446744073709551616"], &mut ks), b"-ERR invalid cursor\r\n");
        assert_eq!(err(&["scan", "1"], &mut ks), b"-ERR invalid cursor\r\n");
        assert_eq!(err(&["scan", "abc", "count", "0"], &mut ks), b"-ERR invalid cursor\r\n");
        assert_eq!(err(&["scan", "0", "count", "0"], &mut ks), b"-ERR syntax error\r\n");
        assert_eq!(err(&["scan", "0", "count", "-1"], &mut ks), b"-ERR syntax error\r\n");
        assert_eq!(
            err(&["scan", "0", "count", "abc"], &mut ks),
            b"-ERR value is not an integer or out of range\r\n"
        );
        assert_eq!(err(&["scan", "0", "count"], &mut ks), b"-ERR syntax error\r\n");
        assert_eq!(err(&["scan", "0", "match"], &mut ks), b"-ERR syntax error\r\n");
        assert_eq!(err(&["scan", "0", "foo", "bar"], &mut ks), b"-ERR syntax error\r\n");
        assert_eq!(
            err(&["scan"], &mut ks),
            b"-ERR wrong number of arguments for 'scan' command\r\n"
        );
    }

    #[test]
    fn scan_skips_and_deletes_expired_keys() {
        let mut ks = Keyspace::new(1);
        set(&mut ks, "live");
        ks.db(0).set(b"dead", Value::Int(1), Some(NOW - 1), 0);
        assert_eq!(
            run(&mut ks, NOW, &["scan", "0", "count", "100"]),
            b"*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n"
        );
        assert_eq!(ks.db(0).len(), 1);
    }

    /// Runs a whole SCAN iteration over `ks` (one shard owning every slot),
    /// calling `between` after each call; returns every key returned.
    fn full_scan(
        ks: &mut Keyspace,
        count: &str,
        mut between: impl FnMut(&mut Keyspace, usize),
    ) -> HashSet<Vec<u8>> {
        let mut seen = HashSet::new();
        let mut cursor = 0u64;
        for call in 0.. {
            assert!(call < 100_000, "SCAN does not terminate");
            let (next, keys) =
                parse_scan(&run(ks, NOW, &["scan", &cursor.to_string(), "count", count]));
            seen.extend(keys);
            if next == 0 {
                break;
            }
            cursor = next;
            between(ks, call);
        }
        seen
    }

    fn tagged_table_epoch(ks: &Keyspace, tag: u32) -> u32 {
        let slot = key_slot(format!("{{t{tag}}}").as_bytes());
        ks.db_ref(0).slot_table(slot).unwrap().layout_epoch()
    }

    #[test]
    fn scan_returns_every_stable_key_despite_churn() {
        // Keys spread over all slots, and keys packed in a few slots (hash tags)
        // so that their tables grow and rehash while the iteration runs.
        let mut ks = Keyspace::new(1);
        let stable: Vec<String> = (0..1500)
            .map(|i| if i % 4 == 0 { format!("s{i}") } else { format!("{{t{}}}s{i}", i % 3) })
            .collect();
        for k in &stable {
            set(&mut ks, k);
        }
        let mut added = 0usize;
        let mut deleted = 0usize;
        let epochs_before: Vec<u32> = (0..3).map(|t| tagged_table_epoch(&ks, t)).collect();
        let seen = full_scan(&mut ks, "10", |ks, call| {
            // Add new keys (growing the tagged tables) and delete earlier ones.
            for j in 0..6 {
                set(ks, &format!("{{t{}}}n{added}", j % 3));
                added += 1;
            }
            if call % 2 == 0 {
                for _ in 0..2 {
                    ks.db(0).remove(format!("{{t{}}}n{deleted}", deleted % 3).as_bytes());
                    deleted += 1;
                }
            }
        });
        let resized =
            (0..3).filter(|&t| tagged_table_epoch(&ks, t) != epochs_before[t as usize]).count();
        assert!(resized > 0, "the churn must resize or rehash the tagged tables");
        for k in &stable {
            assert!(seen.contains(k.as_bytes()), "SCAN missed {k}");
        }
    }

    #[test]
    fn scan_restarts_a_slot_whose_table_layout_changed() {
        // One slot's table, walked 10 keys at a time; midway, inserts change its
        // layout (grow or rehash), so the walk must restart at bucket 0: keys of
        // the first call come back (duplicates), none of the old keys is missed.
        let mut ks = Keyspace::new(1);
        let slot = key_slot(b"{g}");
        let epoch = |ks: &Keyspace| ks.db_ref(0).slot_table(slot).unwrap().layout_epoch();
        let stable: Vec<String> = (0..440).map(|i| format!("{{g}}{i}")).collect();
        for k in &stable {
            set(&mut ks, k);
        }
        let (mut cursor, first) = parse_scan(&run(&mut ks, NOW, &["scan", "0", "count", "10"]));
        let mut seen: Vec<Vec<u8>> = first.clone();
        for _ in 0..10 {
            let (next, keys) =
                parse_scan(&run(&mut ks, NOW, &["scan", &cursor.to_string(), "count", "10"]));
            seen.extend(keys);
            cursor = next;
        }
        assert!(first.iter().all(|k| seen.iter().filter(|s| *s == k).count() == 1));
        let before = epoch(&ks);
        let mut i = 0;
        while epoch(&ks) == before {
            set(&mut ks, &format!("{{g}}new{i}"));
            i += 1;
        }
        while cursor != 0 {
            let (next, keys) =
                parse_scan(&run(&mut ks, NOW, &["scan", &cursor.to_string(), "count", "10"]));
            seen.extend(keys);
            cursor = next;
        }
        assert!(
            first.iter().all(|k| seen.iter().filter(|s| *s == k).count() == 2),
            "slot restarted"
        );
        for k in &stable {
            assert!(seen.contains(&k.as_bytes().to_vec()), "SCAN missed {k}");
        }
    }

    #[test]
    fn scan_count_bounds_each_call() {
        let mut ks = Keyspace::new(1);
        for i in 0..200 {
            set(&mut ks, &format!("{{x}}{i}"));
        }
        let (cursor, keys) = parse_scan(&run(&mut ks, NOW, &["scan", "0", "count", "10"]));
        assert!(keys.len() <= 10 && cursor != 0);
        let all = full_scan(&mut ks, "1", |_, _| {});
        assert_eq!(all.len(), 200);
    }

    #[test]
    fn scan_stops_at_slots_owned_by_another_shard() {
        // Two shards: A owns slots 0..8000, B owns the rest. The node's loop is
        // simulated: each cursor goes to the owner of its slot.
        let owned_a = SlotSet::from_range(0..8000);
        let owned_b = SlotSet::from_range(8000..SLOT_COUNT);
        let mut a = Keyspace::new(1);
        let mut b = Keyspace::new(1);
        let mut all = HashSet::new();
        for i in 0..500 {
            let k = format!("key{i}");
            let ks = if key_slot(k.as_bytes()) < 8000 { &mut a } else { &mut b };
            set(ks, &k);
            all.insert(k.into_bytes());
        }
        let cfg = EngineConfig::default();
        // A first call on A ends at slot 8000 at the latest.
        let (c, _) =
            parse_scan(&run_in(&mut a, NOW, 0, &owned_a, &cfg, &["scan", "0", "count", "100000"]));
        assert_eq!(scan_cursor_slot(c), Some(8000));
        // A call on B with cursor 0 returns nothing: slot 0 is not B's.
        let (c0, keys) = parse_scan(&run_in(&mut b, NOW, 0, &owned_b, &cfg, &["scan", "0"]));
        assert!(keys.is_empty());
        assert_eq!(scan_cursor_slot(c0), Some(0));
        assert_ne!(c0, 0, "a stop at slot 0 is not the end cursor");
        let mut seen = HashSet::new();
        let mut cursor = 0u64;
        loop {
            let slot = scan_cursor_slot(cursor).unwrap();
            let (ks, owned) = if slot < 8000 { (&mut a, &owned_a) } else { (&mut b, &owned_b) };
            let (next, keys) = parse_scan(&run_in(
                ks,
                NOW,
                0,
                owned,
                &cfg,
                &["scan", &cursor.to_string(), "count", "3"],
            ));
            for k in keys {
                assert_eq!(
                    key_slot(&k) < 8000,
                    slot < 8000,
                    "a shard returned a key it does not own"
                );
                seen.insert(k);
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen, all);
    }
}
