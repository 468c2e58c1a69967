//! Differential test of the set family: a seeded random stream of set commands
//! (valid and invalid arguments) over a small key space, sent to slotd (1 and
//! 2 shards, where multi-key commands span shards) and to redis-server 7.0,
//! replies compared.
//!
//! Both servers start with `set-max-intset-entries 16`, and the stream moves
//! it with CONFIG SET, so that sets cross the intset/hashtable boundary both
//! ways; OBJECT ENCODING is compared. The sorted set algebra (ZUNION ...)
//! takes these sets as sources too. How replies are compared:
//! - byte for byte, except:
//! - SMEMBERS, SINTER, SUNION, SDIFF: as sets of members, unless Redis's order
//!   is an intset's (ascending): SMEMBERS of an intset, SINTER of intsets,
//!   SUNION and SDIFF whose result is all integers and fits an intset (Redis
//!   builds it as one);
//! - SSCAN of a hashtable: iterated from cursor 0 to the end on each server,
//!   members compared as sets;
//! - SRANDMEMBER and SPOP by property: the same shape and size as Redis's
//!   reply, distinct members (except SRANDMEMBER with a negative count), all
//!   members of the set as it was. When the two SPOPs took different members,
//!   both servers are given the set redis-server was left with.
//!
//! Those commands are read against redis-server's state (on a connection of
//! the test's own) and go alone; the pipelined run has the others.
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of commands
//! per run (default 100000).
//!
//! Run: `cargo test -p node --test diff_set -- --nocapture`.

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::cell::RefCell;
use std::collections::BTreeSet;

use diff::{same_unordered, Differ, Generated, Outcome, RandomRun, Reply, Resp, RespConn, Rng};

const DEFAULT_SEED: u64 = 0x5e75_0001;
const DEFAULT_COUNT: usize = 100_000;
/// `set-max-intset-entries` of both servers at the start.
const START_LIMIT: &[&str] = &["--set-max-intset-entries", "16"];
/// What CONFIG SET moves it to.
const LIMITS: &[&str] = &["0", "4", "16", "16", "64", "512"];

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "sets", START_LIMIT, START_LIMIT)
}

/// Set keys: plain (spread over shards) and hash-tagged (one slot).
const SET_KEYS: &[&str] = &["s0", "s1", "s2", "s3", "s4", "{t}a", "{t}b", "{t}c"];
/// Keys that the stream sets to strings (WRONGTYPE).
const STRING_KEYS: &[&str] = &["str", "{t}str"];
/// Sorted sets, mixed with sets in the sorted set algebra.
const ZSET_KEYS: &[&str] = &["z1", "{t}z"];

/// Members that are not small integers: words, edge integers, integers Redis
/// does not read as such, binary.
const MEMBERS: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "hello",
    "",
    "-9223372036854775808",
    "9223372036854775807",
    "9223372036854775808",
    "01",
    "+1",
    "-0",
    " 1",
    "1.5",
    "100000",
    "-70000",
    "4294967296",
    "\0\r\n",
    "a-long-member-that-is-more-than-twenty-two-bytes",
];

const BAD_INTS: &[&str] = &["abc", "", "1.5", "+1", "01", "9223372036854775808", " 1"];
const PATTERNS: &[&str] = &["*", "1*", "a*", "*0", "?", "[a-c]", "nomatch"];
const WEIGHTS: &[&str] = &["1", "2", "-1", "0", "0.5", "inf", "x"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> String {
        // String keys rarely, so that most commands see sets.
        if self.rng.chance(6) {
            self.rng.pick(STRING_KEYS).into()
        } else {
            self.rng.pick(SET_KEYS).into()
        }
    }

    fn keys(&mut self, max: usize) -> Vec<String> {
        let n = 1 + self.rng.below(max);
        (0..n).map(|_| self.key()).collect()
    }

    fn member(&mut self) -> String {
        if self.rng.chance(75) {
            self.rng.range(-5, 30).to_string()
        } else {
            self.rng.pick(MEMBERS).into()
        }
    }

    fn members(&mut self, max: usize) -> Vec<String> {
        let n = 1 + self.rng.below(max);
        (0..n).map(|_| self.member()).collect()
    }

    fn count(&mut self, lo: i64, hi: i64) -> String {
        if self.rng.chance(6) {
            self.rng.pick(BAD_INTS).into()
        } else {
            self.rng.range(lo, hi).to_string()
        }
    }

    /// A key count for `keys` source keys: mostly right, sometimes not.
    fn numkeys(&mut self, keys: usize) -> String {
        match self.rng.below(20) {
            0 => self.rng.pick(&["0", "-1", "abc", "9"]).into(),
            1 => (keys + 1).to_string(),
            _ => keys.to_string(),
        }
    }

    fn sintercard(&mut self) -> Vec<String> {
        let keys = self.keys(3);
        let mut c = [vec!["SINTERCARD".into(), self.numkeys(keys.len())], keys].concat();
        if self.rng.chance(40) {
            c.push(self.rng.pick(&["LIMIT", "limit", "FOO"]).into());
            if self.rng.chance(90) {
                c.push(self.count(0, 4));
            }
        }
        c
    }

    fn sscan(&mut self) -> Vec<String> {
        let cursor = if self.rng.chance(95) { "0" } else { self.rng.pick(&["abc", "-x", " 1"]) };
        let mut c = vec!["SSCAN".into(), self.key(), cursor.into()];
        if self.rng.chance(40) {
            c.push("MATCH".into());
            c.push(self.rng.pick(PATTERNS).into());
        }
        if self.rng.chance(40) {
            c.push("COUNT".into());
            c.push(self.count(1, 20));
        }
        if self.rng.chance(5) {
            c.push(self.rng.pick(&["TYPE", "COUNT", "FOO"]).into());
        }
        c
    }

    /// The sorted set algebra over sets, sorted sets and strings.
    fn zalgebra(&mut self) -> Vec<String> {
        let name = self.rng.pick(&[
            "ZUNION",
            "ZINTER",
            "ZDIFF",
            "ZUNIONSTORE",
            "ZINTERSTORE",
            "ZDIFFSTORE",
            "ZINTERCARD",
        ]);
        let mut c = vec![name.to_string()];
        if name.ends_with("STORE") {
            c.push(if self.rng.chance(70) { self.rng.pick(ZSET_KEYS).into() } else { self.key() });
        }
        let n = 1 + self.rng.below(3);
        c.push(self.numkeys(n));
        for _ in 0..n {
            c.push(if self.rng.chance(25) { self.rng.pick(ZSET_KEYS).into() } else { self.key() });
        }
        if self.rng.chance(30) {
            c.push("WEIGHTS".into());
            for _ in 0..n {
                c.push(self.rng.pick(WEIGHTS).into());
            }
        }
        if self.rng.chance(20) {
            c.push("AGGREGATE".into());
            c.push(self.rng.pick(&["SUM", "min", "MAX", "avg"]).into());
        }
        if self.rng.chance(40) {
            c.push("WITHSCORES".into());
        }
        if name == "ZINTERCARD" && self.rng.chance(40) {
            c.push("LIMIT".into());
            c.push(self.count(0, 3));
        }
        c
    }

    fn command(&mut self) -> Vec<String> {
        let key = self.key();
        let s = |x: &str| x.to_string();
        match self.rng.below(1000) {
            0..=159 => [vec![s("SADD"), key], self.members(5)].concat(),
            160..=179 => {
                // Enough integers to cross the limit at once.
                let n = 10 + self.rng.below(60);
                let mut c = vec![s("SADD"), key];
                c.extend((0..n).map(|_| self.rng.range(-100, 100).to_string()));
                c
            }
            180..=259 => [vec![s("SREM"), key], self.members(4)].concat(),
            260..=289 => vec![s("SCARD"), key],
            290..=329 => vec![s("SISMEMBER"), key, self.member()],
            330..=359 => [vec![s("SMISMEMBER"), key], self.members(4)].concat(),
            360..=399 => vec![s("SMEMBERS"), key],
            400..=439 => {
                let mut c = vec![s("SPOP"), key];
                if self.rng.chance(60) {
                    c.push(self.count(0, 20));
                }
                c
            }
            440..=479 => {
                let mut c = vec![s("SRANDMEMBER"), key];
                if self.rng.chance(70) {
                    c.push(self.count(-20, 20));
                }
                c
            }
            480..=519 => vec![s("SMOVE"), key, self.key(), self.member()],
            520..=549 => [vec![s("SINTER")], self.keys(3)].concat(),
            550..=569 => self.sintercard(),
            570..=599 => [vec![s("SINTERSTORE"), key], self.keys(3)].concat(),
            600..=629 => [vec![s("SUNION")], self.keys(3)].concat(),
            630..=659 => [vec![s("SUNIONSTORE"), key], self.keys(3)].concat(),
            660..=689 => [vec![s("SDIFF")], self.keys(3)].concat(),
            690..=719 => [vec![s("SDIFFSTORE"), key], self.keys(3)].concat(),
            720..=759 => self.sscan(),
            760..=819 => self.zalgebra(),
            820..=829 => {
                vec![s("ZADD"), self.rng.pick(ZSET_KEYS).into(), self.count(-3, 3), self.member()]
            }
            830..=849 => [vec![s(self.rng.pick(&["DEL", "EXISTS"]))], self.keys(3)].concat(),
            850..=864 => vec![s("TYPE"), key],
            865..=914 => vec![s("OBJECT"), s("ENCODING"), key],
            915..=924 => vec![s("SET"), self.rng.pick(STRING_KEYS).into(), s("v")],
            925..=934 => {
                let limit = self.rng.pick(LIMITS);
                vec![s("CONFIG"), s("SET"), s("set-max-intset-entries"), s(limit)]
            }
            _ => vec![s(self.rng.pick(&[
                "SADD",
                "SREM",
                "SMISMEMBER",
                "SMOVE",
                "SINTERSTORE",
                "SCARD",
                "SINTERCARD",
            ]))],
        }
    }

    /// A command, now and then with an argument too few or too many (CONFIG
    /// SET left alone); commands checked against redis-server's state go alone.
    fn generated(&mut self) -> Generated {
        let mut c = self.command();
        if c[0] != "CONFIG" {
            match self.rng.below(100) {
                0 if c.len() > 1 => {
                    c.pop();
                }
                1 => c.push(self.member()),
                _ => {}
            }
        }
        if needs_own_comparison(&c[0]) {
            Generated::solo(c)
        } else {
            Generated::any(c)
        }
    }
}

/// Whether replies to `name` may differ from Redis's bytes (order or chance).
fn needs_own_comparison(name: &str) -> bool {
    ["SMEMBERS", "SINTER", "SUNION", "SDIFF", "SSCAN", "SPOP", "SRANDMEMBER"].contains(&name)
}

fn words<S: AsRef<[u8]>>(c: &[S]) -> Vec<Vec<u8>> {
    c.iter().map(|w| w.as_ref().to_vec()).collect()
}

/// The bulk strings of an array reply.
fn elements(r: &Reply) -> Option<Vec<Vec<u8>>> {
    match &r.value {
        Resp::Agg(b'*', Some(items)) => {
            items.iter().map(|i| i.as_bytes().map(<[u8]>::to_vec)).collect()
        }
        _ => None,
    }
}

/// redis-server's state, read on the test's own connection.
struct Redis(RespConn);

impl Redis {
    fn call<S: AsRef<[u8]>>(&mut self, c: &[S]) -> Reply {
        self.0.call(&words(c)).expect("redis-server answers")
    }

    /// The members of `key` (empty for a missing key or another type).
    fn members(&mut self, key: &[u8]) -> BTreeSet<Vec<u8>> {
        let r = self.call(&[b"SMEMBERS".as_slice(), key]);
        elements(&r).unwrap_or_default().into_iter().collect()
    }

    fn encoding(&mut self, key: &[u8]) -> Vec<u8> {
        let r = self.call(&[b"OBJECT".as_slice(), b"ENCODING", key]);
        r.value.as_bytes().unwrap_or(b"none").to_vec()
    }

    fn intset_limit(&mut self) -> usize {
        let r = self.call(&["CONFIG", "GET", "set-max-intset-entries"]);
        let limit = elements(&r).and_then(|e| e.get(1).cloned()).expect("CONFIG GET reply");
        String::from_utf8_lossy(&limit).parse().expect("a number")
    }
}

/// True when `m` is a canonical decimal i64 (what an intset holds).
fn is_int(m: &[u8]) -> bool {
    std::str::from_utf8(m)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .is_some_and(|n| n.to_string().as_bytes() == m)
}

/// SMEMBERS, SINTER, SUNION, SDIFF: byte for byte where an intset decides
/// Redis's order, else as sets.
fn check_algebra(d: &mut Differ, redis: &mut Redis, args: &[Vec<u8>]) -> Outcome {
    let name = String::from_utf8_lossy(&args[0]).into_owned();
    let keys = &args[1..];
    let ordered: Box<dyn Fn(&Reply) -> bool> = match name.as_str() {
        "SMEMBERS" | "SINTER" => {
            let all_intsets = keys.iter().all(|k| redis.encoding(k) != b"hashtable");
            Box::new(move |_| all_intsets)
        }
        _ => {
            // The result is built as a set, an intset when it can be.
            let limit = redis.intset_limit();
            Box::new(move |r| {
                elements(r).is_some_and(|e| e.len() <= limit && e.iter().all(|m| is_int(m)))
            })
        }
    };
    d.check_by(args, &|r, s| !ordered(r) && same_unordered(r, s, 1))
}

/// Whether `got` is a valid SRANDMEMBER/SPOP reply (`count` given or not) of
/// the same shape and size as Redis's `want`, for a non-empty `set`.
fn valid_pick(
    set: &BTreeSet<Vec<u8>>,
    count: Option<i64>,
    repeats: bool,
    want: &Reply,
    got: &Reply,
) -> bool {
    if count.is_none() {
        return got.value.as_bytes().is_some_and(|m| set.contains(m))
            && want.value.as_bytes().is_some();
    }
    match (elements(want), elements(got)) {
        (Some(w), Some(g)) => {
            let distinct: BTreeSet<_> = g.iter().collect();
            w.len() == g.len()
                && g.iter().all(|m| set.contains(m))
                && (repeats || distinct.len() == g.len())
        }
        _ => false,
    }
}

/// The count argument of SRANDMEMBER/SPOP, when it is a valid one.
fn count_arg(args: &[Vec<u8>]) -> Result<Option<i64>, ()> {
    match args.len() {
        2 => Ok(None),
        3 => std::str::from_utf8(&args[2]).ok().and_then(|s| s.parse().ok()).map(Some).ok_or(()),
        _ => Err(()),
    }
}

/// SRANDMEMBER: shape and size as Redis's, members of the set.
fn check_srandmember(d: &mut Differ, redis: &mut Redis, args: &[Vec<u8>]) -> Outcome {
    let set = redis.members(&args[1]);
    let Ok(count) = count_arg(args) else { return d.check(args) };
    let repeats = count.is_some_and(|n| n < 0);
    d.check_by(args, &|r, s| !set.is_empty() && valid_pick(&set, count, repeats, r, s))
}

/// SPOP: shape and size as Redis's, distinct members of the set; when the
/// servers popped different members, both get what redis-server kept.
fn check_spop(d: &mut Differ, redis: &mut Redis, args: &[Vec<u8>]) -> Outcome {
    let key = &args[1];
    let set = redis.members(key);
    let Ok(count) = count_arg(args) else { return d.check(args) };
    let popped = RefCell::new(false);
    let outcome = d.check_by(args, &|r, s| {
        let ok = !set.is_empty() && valid_pick(&set, count, false, r, s);
        *popped.borrow_mut() = ok;
        ok
    });
    if popped.into_inner() {
        let kept = redis.members(key);
        d.unchecked(&words(&[b"DEL".as_slice(), key]));
        if !kept.is_empty() {
            let mut sadd = vec![b"SADD".to_vec(), key.clone()];
            sadd.extend(kept);
            d.unchecked(&sadd);
        }
    }
    outcome
}

/// SSCAN: a hashtable is walked to the end (cursors are each server's own).
fn check_sscan(d: &mut Differ, redis: &mut Redis, args: &[Vec<u8>]) -> Outcome {
    if args.len() < 3 || redis.encoding(&args[1]) != b"hashtable" || args[2] != b"0" {
        return d.check(args);
    }
    d.check_full_scan(args, 2, 1)
}

/// Sends one command alone, choosing the comparison its reply needs.
fn check_one(d: &mut Differ, redis: &mut Redis, args: &[Vec<u8>]) -> Outcome {
    let name = String::from_utf8_lossy(&args[0]).into_owned();
    if args.len() < 2 {
        return d.check(args);
    }
    match name.as_str() {
        "SMEMBERS" | "SINTER" | "SUNION" | "SDIFF" => check_algebra(d, redis, args),
        "SRANDMEMBER" => check_srandmember(d, redis, args),
        "SPOP" => check_spop(d, redis, args),
        "SSCAN" => check_sscan(d, redis, args),
        _ => d.check(args),
    }
}

/// Runs the random stream, one command at a time or in pipelines, then
/// compares every key.
fn run(d: &mut Differ, pipelined: bool) {
    stream(d, pipelined, DEFAULT_COUNT);
}

/// [`run`] with `count` commands unless `SLOTD_DIFF_COUNT` says otherwise.
fn stream(d: &mut Differ, pipelined: bool, count: usize) {
    let mode = if pipelined { "set pipelines" } else { "set stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, count);
    let mut g = Gen { rng: Rng(run.seed) };
    let mut redis = Redis(RespConn::connect(d.redis_port()).expect("connect to redis-server"));
    run.run_by(d, || g.generated(), |d, args| Some(check_one(d, &mut redis, args)));
    for key in SET_KEYS.iter().chain(STRING_KEYS).chain(ZSET_KEYS) {
        check_one(d, &mut redis, &words(&["SMEMBERS", key]));
        d.check(&words(&["OBJECT", "ENCODING", key]));
        d.check(&words(&["TYPE", key]));
    }
}

differential_runs!(differ, run, sets_one_shard, sets_two_shards, sets_pipelined_two_shards);

/// The harness against itself: redis-server against redis-server must pass,
/// which shows the property checks leave nothing to chance.
#[test]
fn set_harness_redis_against_redis() {
    let redis = || common::redis_server(START_LIMIT);
    let mut d = Differ::new(Box::new(redis), redis(), "redis vs redis (sets)");
    stream(&mut d, false, DEFAULT_COUNT / 10);
    d.finish();
}
