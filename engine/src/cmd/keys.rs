//! The generic key family: DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME, RENAMENX,
//! COPY, MOVE, SWAPDB, DBSIZE, FLUSHDB and FLUSHALL, plus the lookups every
//! keyspace family shares. Expiry commands live in `expire`, SCAN in `scan`,
//! KEYS and RANDOMKEY in `keys_all`, OBJECT in `object`.
//!
//! Lookups follow Redis's `lookupKey*` rules: an expired key is deleted and
//! absent; read lookups count keyspace hits and misses; every lookup but the
//! "no touch" ones (EXISTS, TYPE, TTL, OBJECT) stamps the key's LRU clock.

use super::lookup::{lookup_peek, lookup_read, lookup_write};
use crate::command::{flags::*, Args, Combine, CommandSpec, Ctx, KeyRange};
use crate::keyspace::lazyfree::Garbage;
use crate::keyspace::{Entry, SmallBytes};
use crate::resp::reply::Reply;

const ALL_KEYS: KeyRange = KeyRange { first: 1, last: -1, step: 1 };
const TWO_KEYS: KeyRange = KeyRange { first: 1, last: 2, step: 1 };

/// Specs of the generic key family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("del", -2, WRITE, ALL_KEYS, del)
        .acl(&["keyspace"])
        .split(Combine::SumInt)
        .doc(
            "generic",
            "1.0.0",
            "Delete a key",
            "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
        ),
    CommandSpec::keyspace("unlink", -2, WRITE | FAST, ALL_KEYS, unlink)
        .acl(&["keyspace"])
        .split(Combine::SumInt)
        .doc(
            "generic",
            "4.0.0",
            "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
            "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
        ),
    CommandSpec::keyspace("exists", -2, READONLY | FAST, ALL_KEYS, exists)
        .acl(&["keyspace"])
        .split(Combine::SumInt)
        .doc("generic", "1.0.0", "Determine if a key exists", "O(N) where N is the number of keys to check."),
    CommandSpec::keyspace("touch", -2, READONLY | FAST, ALL_KEYS, touch)
        .acl(&["keyspace"])
        .split(Combine::SumInt)
        .doc(
            "generic",
            "3.2.1",
            "Alters the last access time of a key(s). Returns the number of existing keys specified.",
            "O(N) where N is the number of keys that will be touched.",
        ),
    CommandSpec::keyspace("type", 2, READONLY | FAST, KeyRange::FIRST, type_)
        .acl(&["keyspace"])
        .doc("generic", "1.0.0", "Determine the type stored at key", "O(1)"),
    CommandSpec::keyspace("rename", 3, WRITE, TWO_KEYS, rename)
        .acl(&["keyspace"])
        .doc("generic", "1.0.0", "Rename a key", "O(1)"),
    CommandSpec::keyspace("renamenx", 3, WRITE | FAST, TWO_KEYS, renamenx)
        .acl(&["keyspace"])
        .doc("generic", "1.0.0", "Rename a key, only if the new key does not exist", "O(1)"),
    CommandSpec::keyspace("copy", -3, WRITE | DENYOOM, TWO_KEYS, copy)
        .acl(&["keyspace"])
        .doc(
            "generic",
            "6.2.0",
            "Copy a key",
            "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
        ),
    CommandSpec::keyspace("move", 3, WRITE | FAST, KeyRange::FIRST, move_)
        .acl(&["keyspace"])
        .doc("generic", "1.0.0", "Move a key to another database", "O(1)"),
    CommandSpec::keyspace("swapdb", 3, WRITE | FAST, KeyRange::NONE, swapdb)
        .acl(&["keyspace", "dangerous"])
        .all_shards(Combine::AllOk)
        .doc(
            "server",
            "4.0.0",
            "Swaps two Redis databases",
            "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        ),
    CommandSpec::keyspace("dbsize", 1, READONLY | FAST, KeyRange::NONE, dbsize)
        .acl(&["keyspace"])
        .all_shards(Combine::SumInt)
        .doc("server", "1.0.0", "Return the number of keys in the selected database", "O(1)"),
    CommandSpec::keyspace("flushdb", -1, WRITE, KeyRange::NONE, flushdb)
        .acl(&["keyspace", "dangerous"])
        .all_shards(Combine::AllOk)
        .doc(
            "server",
            "1.0.0",
            "Remove all keys from the current database",
            "O(N) where N is the number of keys in the selected database",
        ),
    CommandSpec::keyspace("flushall", -1, WRITE, KeyRange::NONE, flushall)
        .acl(&["keyspace", "dangerous"])
        .all_shards(Combine::AllOk)
        .doc(
            "server",
            "1.0.0",
            "Remove all keys from all databases",
            "O(N) where N is the total number of keys in all databases",
        ),
];

/// Parses a C `int` argument as Redis's `getIntFromObjectOrReply`: on failure
/// replies `msg` if given, else Redis's generic error for the failure.
pub(crate) fn parse_int_arg(out: &mut Reply<'_>, arg: &[u8], msg: Option<&str>) -> Option<i32> {
    let err = match crate::num::parse_i64_strict(arg) {
        Some(v) => match i32::try_from(v) {
            Ok(v) => return Some(v),
            Err(_) => "ERR value is out of range, value must between -2147483648 and 2147483647",
        },
        None => "ERR value is not an integer or out of range",
    };
    out.error(msg.unwrap_or(err));
    None
}

/// Parses a database index argument (MOVE, COPY ... DB): replies the error and
/// returns None when it is not an index of an existing database.
fn parse_db_index(ctx: &mut Ctx<'_>, arg: &[u8]) -> Option<usize> {
    let id = parse_int_arg(&mut ctx.out, arg, None)?;
    match usize::try_from(id) {
        Ok(id) if id < ctx.ks.db_count() => Some(id),
        _ => {
            ctx.out.error("ERR DB index is out of range");
            None
        }
    }
}

fn del(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let now = ctx.now_ms;
    let db = ctx.ks.db(ctx.db);
    let mut n = 0;
    for k in args.iter().skip(1) {
        // An expired key counts as absent.
        if db.get(k, now).is_some() {
            db.remove(k);
            n += 1;
        }
    }
    ctx.out.int(n);
}

/// DEL, freeing big values later (in the background on a node).
fn unlink(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let now = ctx.now_ms;
    let mut n = 0;
    for k in args.iter().skip(1) {
        // An expired key counts as absent.
        if ctx.ks.db(ctx.db).get(k, now).is_some() {
            ctx.ks.unlink(ctx.db, k);
            n += 1;
        }
    }
    ctx.out.int(n);
}

fn exists(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    // A key named twice counts twice, as in Redis.
    let n = args.iter().skip(1).filter(|k| lookup_peek(ctx, k).0.is_some()).count();
    ctx.out.int(n as i64);
}

fn touch(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let n = args.iter().skip(1).filter(|k| lookup_read(ctx, k).0.is_some()).count();
    ctx.out.int(n as i64);
}

fn type_(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let name = lookup_peek(ctx, args.get(1)).0.map_or("none", |e| e.value.value_type().name());
    ctx.out.simple(name);
}

fn rename(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    rename_generic(ctx, args, false);
}

fn renamenx(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    rename_generic(ctx, args, true);
}

fn rename_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, nx: bool) {
    let (src, dst) = (args.get(1), args.get(2));
    if lookup_write(ctx, src).0.is_none() {
        ctx.out.error("ERR no such key");
        return;
    }
    let reply_done = |out: &mut Reply<'_>, renamed: bool| match (nx, renamed) {
        (false, _) => out.ok(),
        (true, r) => out.int(r as i64),
    };
    if src == dst {
        reply_done(&mut ctx.out, false);
        return;
    }
    if lookup_write(ctx, dst).0.is_some() && nx {
        reply_done(&mut ctx.out, false);
        return;
    }
    let db = ctx.db();
    let Some(mut entry) = db.remove(src) else { unreachable!("looked up above") };
    // The value moves with its expiry and LRU clock; only the name changes.
    let expire = entry.expire_at_ms();
    entry.key = SmallBytes::new(dst);
    db.insert_entry(entry, expire);
    reply_done(&mut ctx.out, true);
}

fn copy(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (src, dst) = (args.get(1), args.get(2));
    let mut replace = false;
    let mut dst_db = ctx.db;
    let mut i = 3;
    while i < args.len() {
        if args.is(i, "replace") {
            replace = true;
        } else if args.is(i, "db") && i + 1 < args.len() {
            let Some(id) = parse_db_index(ctx, args.get(i + 1)) else {
                return;
            };
            dst_db = id;
            i += 1;
        } else {
            ctx.out.syntax_error();
            return;
        }
        i += 1;
    }
    if ctx.cfg.cluster_enabled && (ctx.db != 0 || dst_db != 0) {
        ctx.out.error("ERR Copying to another database is not allowed in cluster mode");
        return;
    }
    if dst_db == ctx.db && src == dst {
        ctx.out.error("ERR source and destination objects are the same");
        return;
    }
    let (now, lru) = (ctx.now_ms, ctx.lru_s);
    let Some(e) = lookup_read(ctx, src).0 else {
        ctx.out.int(0);
        return;
    };
    let copied = Entry::new(dst, e.value.clone(), lru);
    let expire = e.expire_at_ms();
    let target = ctx.ks.db(dst_db);
    if target.get(dst, now).is_some() && !replace {
        ctx.out.int(0);
        return;
    }
    target.insert_entry(copied, expire);
    ctx.out.int(1);
}

fn move_(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if ctx.cfg.cluster_enabled {
        ctx.out.error("ERR MOVE is not allowed in cluster mode");
        return;
    }
    let Some(dst_db) = parse_db_index(ctx, args.get(2)) else {
        return;
    };
    if dst_db == ctx.db {
        ctx.out.error("ERR source and destination objects are the same");
        return;
    }
    let key = args.get(1);
    if lookup_write(ctx, key).0.is_none() {
        ctx.out.int(0);
        return;
    }
    let now = ctx.now_ms;
    let (src, dst) = ctx.ks.two_dbs(ctx.db, dst_db);
    if dst.get(key, now).is_some() {
        ctx.out.int(0);
        return;
    }
    let Some(entry) = src.remove(key) else { unreachable!("looked up above") };
    let expire = entry.expire_at_ms();
    dst.insert_entry(entry, expire);
    ctx.out.int(1);
}

fn swapdb(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if ctx.cfg.cluster_enabled {
        ctx.out.error("ERR SWAPDB is not allowed in cluster mode");
        return;
    }
    let Some(a) = parse_int_arg(&mut ctx.out, args.get(1), Some("ERR invalid first DB index"))
    else {
        return;
    };
    let Some(b) = parse_int_arg(&mut ctx.out, args.get(2), Some("ERR invalid second DB index"))
    else {
        return;
    };
    let count = ctx.ks.db_count();
    match (usize::try_from(a), usize::try_from(b)) {
        (Ok(a), Ok(b)) if a < count && b < count => {
            if a != b {
                ctx.ks.swap_dbs(a, b);
            }
            ctx.out.ok();
        }
        _ => ctx.out.error("ERR DB index is out of range"),
    }
}

fn dbsize(ctx: &mut Ctx<'_>, _args: &Args<'_>) {
    let n = ctx.ks.db_ref(ctx.db).len();
    ctx.out.int(n as i64);
}

/// FLUSHDB / FLUSHALL's optional ASYNC or SYNC: Some(true) for ASYNC (the
/// keys are freed in the background), None after a syntax error. Without
/// either the flush is synchronous (`lazyfree-lazy-user-flush no`).
fn flush_mode(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Option<bool> {
    match args.len() {
        1 => Some(false),
        2 if args.is(1, "async") => Some(true),
        2 if args.is(1, "sync") => Some(false),
        _ => {
            ctx.out.syntax_error();
            None
        }
    }
}

/// Empties database `db`, freeing its keys later when `lazy`.
fn flush(ctx: &mut Ctx<'_>, db: usize, lazy: bool) {
    let tables = ctx.ks.db(db).take_all();
    if lazy {
        ctx.ks.free_later(Garbage::Tables(tables));
    }
}

fn flushdb(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if let Some(lazy) = flush_mode(ctx, args) {
        flush(ctx, ctx.db, lazy);
        ctx.out.ok();
    }
}

fn flushall(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if let Some(lazy) = flush_mode(ctx, args) {
        for i in 0..ctx.ks.db_count() {
            flush(ctx, i, lazy);
        }
        ctx.out.ok();
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::test_util::{run, run_in};
    use crate::config::EngineConfig;
    use crate::keyspace::{Keyspace, Value};
    use crate::slot::{SlotSet, SLOT_COUNT};

    const NOW: u64 = 1_000_000;

    fn ks_with(keys: &[&str]) -> Keyspace {
        let mut ks = Keyspace::new(16);
        for k in keys {
            ks.db(0).set(k.as_bytes(), Value::from_bytes(b"v"), None, 0);
        }
        ks
    }

    #[test]
    fn del_unlink_exists_touch() {
        let mut ks = ks_with(&["a", "b", "c"]);
        ks.db(0).set(b"gone", Value::Int(1), Some(NOW - 1), 0);
        assert_eq!(run(&mut ks, NOW, &["exists", "a", "a", "missing", "a", "gone"]), b":3\r\n");
        assert_eq!(run(&mut ks, NOW, &["touch", "a", "a", "missing", "b"]), b":3\r\n");
        assert_eq!(run(&mut ks, NOW, &["del", "a", "a", "b", "missing"]), b":2\r\n");
        assert_eq!(run(&mut ks, NOW, &["unlink", "c", "gone"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["dbsize"]), b":0\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["del"]),
            b"-ERR wrong number of arguments for 'del' command\r\n"
        );
    }

    #[test]
    fn touch_stamps_lru_and_exists_does_not() {
        let mut ks = ks_with(&["a"]);
        run(&mut ks, 5000, &["exists", "a"]);
        run(&mut ks, 5000, &["type", "a"]);
        assert_eq!(ks.db(0).get(b"a", 0).unwrap().lru_s, 0);
        run(&mut ks, 7000, &["touch", "a"]);
        assert_eq!(ks.db(0).get(b"a", 0).unwrap().lru_s, 7);
    }

    #[test]
    fn type_of_keys() {
        let mut ks = ks_with(&["a"]);
        assert_eq!(run(&mut ks, NOW, &["type", "a"]), b"+string\r\n");
        assert_eq!(run(&mut ks, NOW, &["type", "b"]), b"+none\r\n");
    }

    #[test]
    fn rename_and_renamenx() {
        let mut ks = ks_with(&["a", "b"]);
        ks.db(0).set_expire(b"a", Some(NOW + 5000));
        assert_eq!(run(&mut ks, NOW, &["rename", "missing", "x"]), b"-ERR no such key\r\n");
        assert_eq!(run(&mut ks, NOW, &["renamenx", "missing", "x"]), b"-ERR no such key\r\n");
        assert_eq!(run(&mut ks, NOW, &["rename", "a", "a"]), b"+OK\r\n");
        assert_eq!(run(&mut ks, NOW, &["renamenx", "a", "a"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["renamenx", "a", "b"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["rename", "a", "b"]), b"+OK\r\n");
        assert_eq!(run(&mut ks, NOW, &["exists", "a"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["pttl", "b"]), b":5000\r\n", "the TTL moves with the value");
        assert_eq!(run(&mut ks, NOW, &["renamenx", "b", "c"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["dbsize"]), b":1\r\n");
        assert_eq!(ks.db(0).volatile_len(), 1);
        // An expired destination does not block RENAMENX; an expired source is missing.
        ks.db(0).set(b"d", Value::Int(1), Some(NOW - 1), 0);
        assert_eq!(run(&mut ks, NOW, &["renamenx", "c", "d"]), b":1\r\n");
        ks.db(0).set(b"e", Value::Int(1), Some(NOW - 1), 0);
        assert_eq!(run(&mut ks, NOW, &["rename", "e", "f"]), b"-ERR no such key\r\n");
    }

    #[test]
    fn copy_options_and_errors() {
        let mut ks = ks_with(&["k3"]);
        ks.db(0).set_expire(b"k3", Some(NOW + 9000));
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["pttl", "k4"]), b":9000\r\n");
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4", "REPLACE"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4", "db", "1"]), b":1\r\n");
        assert!(ks.db(1).get(b"k4", NOW).is_some());
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4", "db", "1"]), b":0\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3", "k4", "db", "16"]),
            b"-ERR DB index is out of range\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3", "k4", "db", "-1"]),
            b"-ERR DB index is out of range\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3", "k4", "db", "abc"]),
            b"-ERR value is not an integer or out of range\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3", "k4", "db", "99999999999"]),
            b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4", "db"]), b"-ERR syntax error\r\n");
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k4", "foo"]), b"-ERR syntax error\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3", "k3"]),
            b"-ERR source and destination objects are the same\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3", "k3", "db", "0"]),
            b"-ERR source and destination objects are the same\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["copy", "k3", "k3", "db", "1", "replace"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["copy", "missing", "k9"]), b":0\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["copy", "k3"]),
            b"-ERR wrong number of arguments for 'copy' command\r\n"
        );
        let cluster = EngineConfig { cluster_enabled: true, ..Default::default() };
        let all = SlotSet::from_range(0..SLOT_COUNT);
        assert_eq!(
            run_in(&mut ks, NOW, 0, &all, &cluster, &["copy", "k3", "k5", "db", "1"]),
            b"-ERR Copying to another database is not allowed in cluster mode\r\n"
        );
        assert_eq!(run_in(&mut ks, NOW, 0, &all, &cluster, &["copy", "k3", "k5"]), b":1\r\n");
    }

    #[test]
    fn move_between_dbs() {
        let mut ks = ks_with(&["k", "both"]);
        ks.db(1).set(b"both", Value::Int(1), None, 0);
        ks.db(0).set_expire(b"k", Some(NOW + 100));
        assert_eq!(
            run(&mut ks, NOW, &["move", "k", "0"]),
            b"-ERR source and destination objects are the same\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["move", "k", "16"]), b"-ERR DB index is out of range\r\n");
        assert_eq!(run(&mut ks, NOW, &["move", "k", "-1"]), b"-ERR DB index is out of range\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["move", "k", "x"]),
            b"-ERR value is not an integer or out of range\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["move", "k", "2147483648"]),
            b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["move", "missing", "1"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["move", "both", "1"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["move", "k", "2"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["exists", "k"]), b":0\r\n");
        assert_eq!(ks.db(2).get(b"k", NOW).unwrap().expire_at_ms(), Some(NOW + 100));
        assert_eq!((ks.db(0).volatile_len(), ks.db(2).volatile_len()), (0, 1));
        let cluster = EngineConfig { cluster_enabled: true, ..Default::default() };
        let all = SlotSet::from_range(0..SLOT_COUNT);
        assert_eq!(
            run_in(&mut ks, NOW, 0, &all, &cluster, &["move", "both", "1"]),
            b"-ERR MOVE is not allowed in cluster mode\r\n"
        );
        assert_eq!(
            run_in(&mut ks, NOW, 0, &all, &cluster, &["swapdb", "0", "1"]),
            b"-ERR SWAPDB is not allowed in cluster mode\r\n"
        );
    }

    #[test]
    fn swapdb_checks_indexes() {
        let mut ks = ks_with(&["a"]);
        assert_eq!(run(&mut ks, NOW, &["swapdb", "0", "1"]), b"+OK\r\n");
        assert_eq!(run(&mut ks, NOW, &["dbsize"]), b":0\r\n");
        assert_eq!(ks.db(1).len(), 1);
        assert_eq!(run(&mut ks, NOW, &["swapdb", "0", "0"]), b"+OK\r\n");
        assert_eq!(run(&mut ks, NOW, &["swapdb", "0", "16"]), b"-ERR DB index is out of range\r\n");
        assert_eq!(run(&mut ks, NOW, &["swapdb", "0", "-1"]), b"-ERR DB index is out of range\r\n");
        assert_eq!(run(&mut ks, NOW, &["swapdb", "a", "1"]), b"-ERR invalid first DB index\r\n");
        assert_eq!(run(&mut ks, NOW, &["swapdb", "1", "a"]), b"-ERR invalid second DB index\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["swapdb", "99999999999", "1"]),
            b"-ERR invalid first DB index\r\n"
        );
    }

    /// UNLINK and FLUSH* ASYNC hand big values and tables to the sink;
    /// small values, DEL and a synchronous flush free at once.
    #[test]
    fn unlink_and_async_flush_free_later() {
        use crate::keyspace::lazyfree::Garbage;
        use std::cell::RefCell;
        use std::rc::Rc;
        let mut ks = ks_with(&["small"]);
        let sent = Rc::new(RefCell::new(Vec::new()));
        let log = sent.clone();
        ks.set_lazyfree_sink(Box::new(move |g: Garbage| log.borrow_mut().push(g.effort())));
        let fields: Vec<String> = (0..1000).map(|i| format!("f{i}")).collect();
        for key in ["big", "big2", "big3"] {
            let mut cmd = vec!["hset", key];
            for f in &fields {
                cmd.extend([f.as_str(), "v"]);
            }
            assert_eq!(run(&mut ks, NOW, &cmd), b":1000\r\n");
        }
        assert_eq!(run(&mut ks, NOW, &["object", "encoding", "big"]), b"$9\r\nhashtable\r\n");
        assert_eq!(run(&mut ks, NOW, &["unlink", "small", "big", "nope"]), b":2\r\n");
        assert_eq!(*sent.borrow(), vec![1000]);
        assert_eq!(run(&mut ks, NOW, &["del", "big2"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["flushall", "sync"]), b"+OK\r\n");
        assert_eq!(*sent.borrow(), vec![1000], "DEL and FLUSHALL SYNC free at once");
        assert_eq!(run(&mut ks, NOW, &["hset", "big", "f", "v"]), b":1\r\n");
        for i in 0..100 {
            run(&mut ks, NOW, &["set", &format!("k{i}"), "v"]);
        }
        assert_eq!(run(&mut ks, NOW, &["flushdb", "async"]), b"+OK\r\n");
        let sent = sent.borrow();
        assert_eq!((sent.len(), sent[0]), (2, 1000));
        assert!(sent[1] > crate::keyspace::lazyfree::LAZYFREE_THRESHOLD, "{sent:?}");
        assert_eq!(run(&mut ks, NOW, &["dbsize"]), b":0\r\n");
    }

    #[test]
    fn flushdb_and_flushall() {
        let mut ks = ks_with(&["a", "b"]);
        ks.db(3).set(b"c", Value::Int(1), None, 0);
        assert_eq!(run(&mut ks, NOW, &["flushdb", "foo"]), b"-ERR syntax error\r\n");
        assert_eq!(run(&mut ks, NOW, &["flushdb", "async", "extra"]), b"-ERR syntax error\r\n");
        assert_eq!(run(&mut ks, NOW, &["flushall", "sync", "async"]), b"-ERR syntax error\r\n");
        assert_eq!(ks.total_keys(), 3);
        assert_eq!(run(&mut ks, NOW, &["flushdb", "ASYNC"]), b"+OK\r\n");
        assert_eq!(ks.total_keys(), 1);
        assert_eq!(run(&mut ks, NOW, &["flushall", "sync"]), b"+OK\r\n");
        assert_eq!(ks.total_keys(), 0);
        assert_eq!(run(&mut ks, NOW, &["flushall"]), b"+OK\r\n");
        assert_eq!(run(&mut ks, NOW, &["flushdb"]), b"+OK\r\n");
    }
}
