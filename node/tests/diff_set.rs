//! Differential test of the set family: a seeded random stream of set commands
//! (valid and invalid arguments) over a small key space, sent to slotd (1 and
//! 2 shards, where multi-key commands span shards) and to redis-server 7.0,
//! replies compared.
//!
//! Both servers run with `set-max-intset-entries 16`, so that sets cross the
//! intset/hashtable boundary often. How replies are compared:
//! - byte for byte, except:
//! - SMEMBERS, SINTER, SUNION, SDIFF: as sets of members, and byte for byte
//!   when Redis's reply order is determined by an intset (ascending): SMEMBERS
//!   and SINTER of intsets, SUNION of an all-integer result that fits an
//!   intset, SDIFF whose first set is an intset;
//! - SSCAN from cursor 0: iterated to the end on each server, members compared
//!   as sets (`Differ`'s full scan);
//! - SRANDMEMBER and SPOP by property: the same shape and size as Redis's
//!   reply, distinct members (except SRANDMEMBER with a negative count), all
//!   members of the set as it was. After an SPOP both servers are given the
//!   set slotd was left with, so that they go on from the same state.
//!
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of commands
//! per shard count (default 100000).
//!
//! Run: `cargo test -p node --test diff_set -- --nocapture`.

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::collections::BTreeSet;

use common::{redis_server, slotd};
use diff::{same_members, Differ, Reply, Resp, Rng};

const DEFAULT_SEED: u64 = 0x5e75_0001;
const DEFAULT_COUNT: usize = 100_000;
/// A run stops after this many mismatches.
const MAX_MISMATCHES: usize = 200;
/// `set-max-intset-entries` on both servers.
const MAX_INTSET: usize = 16;
const MAX_INTSET_ARG: &str = "16";

/// Set keys: plain (spread over shards) and hash-tagged (one slot).
const KEYS: &[&str] = &["s0", "s1", "s2", "s3", "s4", "{t}a", "{t}b", "{t}c", "str", "{t}str"];
/// Keys that the stream sets to strings (WRONGTYPE).
const STRING_KEYS: &[&str] = &["str", "{t}str"];

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

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> String {
        // String keys rarely, so that most commands see sets.
        if self.rng.chance(6) {
            self.rng.pick(STRING_KEYS).to_string()
        } else {
            KEYS[self.rng.below(KEYS.len() - STRING_KEYS.len())].to_string()
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
            self.rng.pick(MEMBERS).to_string()
        }
    }

    fn members(&mut self, max: usize) -> Vec<String> {
        let n = 1 + self.rng.below(max);
        (0..n).map(|_| self.member()).collect()
    }

    fn count(&mut self, lo: i64, hi: i64) -> String {
        if self.rng.chance(6) {
            self.rng.pick(BAD_INTS).to_string()
        } else {
            self.rng.range(lo, hi).to_string()
        }
    }

    fn sintercard(&mut self) -> Vec<String> {
        let keys = self.keys(3);
        let numkeys = match self.rng.below(20) {
            0 => self.rng.pick(&["0", "-1", "abc", "9"]).to_string(),
            1 => (keys.len() + 1).to_string(),
            _ => keys.len().to_string(),
        };
        let mut c = [vec!["SINTERCARD".to_string(), numkeys], keys].concat();
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

    fn command(&mut self) -> Vec<String> {
        let key = self.key();
        let c: Vec<String> = match self.rng.below(1000) {
            0..=179 => [vec!["SADD".into(), key], self.members(5)].concat(),
            180..=259 => [vec!["SREM".into(), key], self.members(4)].concat(),
            260..=289 => vec!["SCARD".into(), key],
            290..=329 => vec!["SISMEMBER".into(), key, self.member()],
            330..=359 => [vec!["SMISMEMBER".into(), key], self.members(4)].concat(),
            360..=409 => vec!["SMEMBERS".into(), key],
            410..=449 => {
                let mut c = vec!["SPOP".into(), key];
                if self.rng.chance(60) {
                    c.push(self.count(0, 20));
                }
                c
            }
            450..=489 => {
                let mut c = vec!["SRANDMEMBER".into(), key];
                if self.rng.chance(70) {
                    c.push(self.count(-20, 20));
                }
                c
            }
            490..=529 => vec!["SMOVE".into(), key, self.key(), self.member()],
            530..=569 => [vec!["SINTER".into()], self.keys(3)].concat(),
            570..=599 => self.sintercard(),
            600..=629 => [vec!["SINTERSTORE".into(), key], self.keys(3)].concat(),
            630..=669 => [vec!["SUNION".into()], self.keys(3)].concat(),
            670..=699 => [vec!["SUNIONSTORE".into(), key], self.keys(3)].concat(),
            700..=739 => [vec!["SDIFF".into()], self.keys(3)].concat(),
            740..=769 => [vec!["SDIFFSTORE".into(), key], self.keys(3)].concat(),
            770..=809 => self.sscan(),
            810..=829 => {
                [vec![self.rng.pick(&["DEL", "EXISTS"]).to_string()], self.keys(3)].concat()
            }
            830..=844 => vec!["TYPE".into(), key],
            845..=904 => vec!["OBJECT".into(), "ENCODING".into(), key],
            905..=914 => vec!["SET".into(), self.rng.pick(STRING_KEYS).into(), "v".into()],
            _ => vec![self
                .rng
                .pick(&["SADD", "SREM", "SMISMEMBER", "SMOVE", "SINTERSTORE", "SCARD"])
                .into()],
        };
        // Now and then an argument too few or too many.
        match self.rng.below(100) {
            0 if c.len() > 1 => c[..c.len() - 1].to_vec(),
            1 => [c, vec![self.member()]].concat(),
            _ => c,
        }
    }
}

fn words(c: &[&str]) -> Vec<Vec<u8>> {
    c.iter().map(|w| w.as_bytes().to_vec()).collect()
}

fn bytes(c: &[String]) -> Vec<Vec<u8>> {
    c.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// The elements of an aggregate reply as byte strings.
fn elements(r: &Reply) -> Option<Vec<Vec<u8>>> {
    match &r.value {
        Resp::Agg(_, Some(items)) => {
            items.iter().map(|i| i.as_bytes().map(<[u8]>::to_vec)).collect()
        }
        _ => None,
    }
}

/// The members of `key` on redis-server (empty for a missing key or another
/// type: the command then fails or replies empty on both).
fn redis_members(d: &mut Differ, key: &str) -> BTreeSet<Vec<u8>> {
    let (_, redis) = d.query(&words(&["SMEMBERS", key]));
    redis.and_then(|r| elements(&r)).unwrap_or_default().into_iter().collect()
}

/// The encoding of `key` on redis-server ("none" when missing).
fn redis_encoding(d: &mut Differ, key: &str) -> String {
    match d.query(&words(&["OBJECT", "ENCODING", key])).1.map(|r| r.value) {
        Some(Resp::Blob(b'$', Some(e))) => String::from_utf8_lossy(&e).into_owned(),
        _ => "none".into(),
    }
}

/// True when `m` is a canonical decimal i64 (what an intset holds).
fn is_int(m: &[u8]) -> bool {
    std::str::from_utf8(m)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .is_some_and(|n| n.to_string().as_bytes() == m)
}

/// Compares a set-valued reply: byte for byte when `ordered`, else as sets.
fn check_set_reply(d: &mut Differ, c: &[String], ordered: bool) {
    d.check_by(&bytes(c), |r, s| r.raw == s.raw || (!ordered && same_members(&r.value, &s.value)));
}

/// SMEMBERS, SINTER, SUNION, SDIFF: strict order where an intset decides it.
fn check_algebra(d: &mut Differ, c: &[String]) {
    let name = c[0].as_str();
    let keys = &c[1..];
    let ordered = match name {
        "SMEMBERS" | "SINTER" => keys.iter().all(|k| {
            let e = redis_encoding(d, k);
            e == "intset" || e == "none"
        }),
        "SDIFF" => !keys.is_empty() && redis_encoding(d, &keys[0]) == "intset",
        _ => {
            // SUNION: an all-integer result small enough is an intset.
            let (_, redis) = d.query(&bytes(c));
            let result = redis.and_then(|r| elements(&r)).unwrap_or_default();
            result.len() <= MAX_INTSET && result.iter().all(|m| is_int(m))
        }
    };
    check_set_reply(d, c, ordered);
}

/// SRANDMEMBER: shape and size as Redis's, members of the set.
fn check_srandmember(d: &mut Differ, c: &[String]) {
    let set = redis_members(d, &c[1]);
    let count = c.get(2).and_then(|n| n.parse::<i64>().ok());
    d.check_by(&bytes(c), |r, s| {
        if r.value.is_error()
            || matches!(r.value, Resp::Blob(_, None))
            || c.len() != 3 && c.len() != 2
        {
            return r.raw == s.raw;
        }
        match (count, elements(r), elements(s)) {
            (None, _, _) => {
                s.value.as_bytes().is_some_and(|m| set.contains(m)) && r.raw[0] == s.raw[0]
            }
            (Some(n), Some(want), Some(got)) => {
                let distinct: BTreeSet<_> = got.iter().collect();
                r.raw[0] == s.raw[0]
                    && want.len() == got.len()
                    && got.iter().all(|m| set.contains(m))
                    && (n < 0 || distinct.len() == got.len())
            }
            _ => false,
        }
    });
}

/// SPOP: shape and size as Redis's, distinct members of the set; then both
/// servers get the set slotd was left with.
fn check_spop(d: &mut Differ, c: &[String]) {
    let key = &c[1];
    let set = redis_members(d, key);
    let mut popped = false;
    d.check_by(&bytes(c), |r, s| {
        if r.value.is_error() || matches!(r.value, Resp::Blob(_, None)) || c.len() > 3 {
            return r.raw == s.raw;
        }
        popped = true;
        let got = match &s.value {
            Resp::Blob(b'$', Some(m)) => vec![m.clone()],
            _ => elements(s).unwrap_or_default(),
        };
        let want_len = elements(r).map_or(1, |w| w.len());
        let distinct: BTreeSet<_> = got.iter().collect();
        r.raw[0] == s.raw[0]
            && got.len() == want_len
            && distinct.len() == got.len()
            && got.iter().all(|m| set.contains(m))
    });
    if popped {
        let (left, _) = d.query(&words(&["SMEMBERS", key]));
        let left = left.and_then(|l| elements(&l)).unwrap_or_default();
        d.query(&words(&["DEL", key]));
        if !left.is_empty() {
            let sorted: BTreeSet<_> = left.into_iter().collect();
            let mut sadd = vec![b"SADD".to_vec(), key.as_bytes().to_vec()];
            sadd.extend(sorted);
            d.query(&sadd);
        }
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("{name}={v} does not parse")),
        Err(_) => default,
    }
}

fn run(d: &mut Differ, count: usize) {
    let seed = env_or("SLOTD_DIFF_SEED", DEFAULT_SEED);
    let mut g = Gen { rng: Rng(seed) };
    d.dedupe = true;
    d.resync();
    for step in 0..count {
        let c = g.command();
        d.context = format!("set stream SLOTD_DIFF_SEED={seed} step {step}");
        let before = d.per_name.values().sum::<usize>();
        match c[0].as_str() {
            "SMEMBERS" | "SINTER" | "SUNION" | "SDIFF" if c.len() >= 2 => check_algebra(d, &c),
            "SRANDMEMBER" if c.len() >= 2 => check_srandmember(d, &c),
            "SPOP" if c.len() >= 2 => check_spop(d, &c),
            _ => {
                d.check(&bytes(&c));
            }
        }
        let after = d.per_name.values().sum::<usize>();
        if after != before {
            if after >= MAX_MISMATCHES {
                eprintln!("stopping at step {step}: {MAX_MISMATCHES} mismatches");
                break;
            }
            d.resync();
        }
    }
    // What is left, key by key.
    d.context = format!("set stream SLOTD_DIFF_SEED={seed}, final state");
    for key in KEYS {
        for c in [vec!["TYPE", key], vec!["OBJECT", "ENCODING", key]] {
            d.check(&words(&c));
        }
        check_algebra(d, &["SMEMBERS".to_string(), key.to_string()]);
    }
}

fn differ(shards: usize) -> Differ {
    let label = format!("slotd {shards} shard{}", if shards == 1 { "" } else { "s" });
    Differ::new(
        Box::new(move || slotd(shards, &["--set-max-intset-entries", MAX_INTSET_ARG])),
        redis_server(&["--set-max-intset-entries", MAX_INTSET_ARG]),
        &label,
    )
}

#[test]
fn sets_one_shard() {
    let mut d = differ(1);
    run(&mut d, env_or("SLOTD_DIFF_COUNT", DEFAULT_COUNT));
    d.finish();
}

#[test]
fn sets_two_shards() {
    let mut d = differ(2);
    run(&mut d, env_or("SLOTD_DIFF_COUNT", DEFAULT_COUNT));
    d.finish();
}

/// The harness against itself: redis-server against redis-server must pass,
/// which shows the property checks leave nothing to chance.
#[test]
fn set_harness_is_deterministic_redis_against_redis() {
    let redis = || redis_server(&["--set-max-intset-entries", MAX_INTSET_ARG]);
    let mut d = Differ::new(Box::new(redis), redis(), "redis vs redis");
    run(&mut d, env_or("SLOTD_DIFF_COUNT", DEFAULT_COUNT) / 10);
    d.finish();
}
