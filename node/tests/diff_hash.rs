//! Differential test of the hash family: a seeded random stream of hash
//! commands (valid and invalid arguments) over a small key space, sent to
//! slotd (1 shard and 2 shards) and to a real redis-server 7.0, replies
//! compared.
//!
//! Both servers start with small listpack limits (16 fields, 24 bytes) so that
//! hashes convert often, and the stream now and then raises or lowers them
//! with CONFIG SET (under both the listpack and the old ziplist names).
//! Replies must be the same bytes, except where Redis's own are not fixed:
//! - HGETALL, HKEYS, HVALS of a hashtable-encoded hash compare as unordered
//!   (of a listpack-encoded one, insertion order, byte for byte);
//! - HSCAN of a hashtable-encoded hash is iterated to the end on each server
//!   and the sets of field/value pairs compared (cursors are ours);
//! - HRANDFIELD is checked by properties against the hash's contents: the
//!   reply's size, distinct fields for a positive count, every field a member
//!   with its value.
//!
//! The encoding and contents are read from redis-server on a connection of
//! the test's own just before such a command; these commands are sent alone,
//! and the pipelined run (2 shards, 1-32 commands a write) has the others.
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of
//! commands per run (default 100000).
//!
//! Run: `cargo test -p node --test diff_hash` (add `-- --nocapture` for the
//! summary).

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::collections::{HashMap, HashSet};

use diff::{same_unordered, Differ, Generated, Outcome, RandomRun, Reply, Resp, RespConn, Rng};

const DEFAULT_SEED: u64 = 0x4a54_0001;
const DEFAULT_COUNT: usize = 100_000;
/// The listpack limits both servers start with.
const START_LIMITS: &[&str] =
    &["--hash-max-listpack-entries", "16", "--hash-max-listpack-value", "24"];

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "hashes", START_LIMITS, START_LIMITS)
}

/// Hash keys (some sharing a hash tag), and string keys for WRONGTYPE.
const HASH_KEYS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "{t}a", "{t}b", "{t}c", "{u}x", "{u}y"];
const STRING_KEYS: &[&str] = &["s1", "{t}s"];

/// Fields: a small pool so that commands meet, plus integers, the empty
/// field, binary, and lengths around the limits (24 and 64 bytes).
const FIELDS: &[&str] = &[
    "f0",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "f6",
    "f7",
    "0",
    "1",
    "-5",
    "100000",
    "",
    "a\r\nb\0",
    "123456789012345678901234",
    "1234567890123456789012345",
    "field-of-sixty-four-bytes-0123456789012345678901234567890123456x",
    "field-of-sixty-five-bytes-0123456789012345678901234567890123456xy",
];

/// Values: integers at the edges, floats, text, and long ones.
const VALUES: &[&str] = &[
    "",
    "v",
    "hello",
    "0",
    "1",
    "-1",
    "42",
    "127",
    "128",
    "-4096",
    "4095",
    "32767",
    "-8388608",
    "2147483648",
    "-9223372036854775808",
    "9223372036854775807",
    "9223372036854775808",
    "1.5",
    "-0.25",
    "3e2",
    "1e308",
    "inf",
    "nan",
    " 1",
    "01",
    "+1",
    "-0",
    "0x10",
    "\0\u{7f}\r\n",
    "123456789012345678901234",
    "1234567890123456789012345",
    "a value of seventy bytes, longer than the default listpack value limit",
];

const BAD_INTS: &[&str] = &[
    "abc",
    "1.5",
    "",
    " 1",
    "+1",
    "01",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
];

const FLOATS: &[&str] = &[
    "1.5", "-2", "0.1", "0.2", "1e3", "-1e-3", "10", "17", "-0.0001", "1e17", "2.5e-10", "inf",
    "-inf", "nan", "abc", "1e400", "", "0x10", " 1", "1.", ".5", "1e308", "-1e308",
];

const PATTERNS: &[&str] = &["*", "f*", "f[0-3]", "?", "*1*", "[^f]*", "nomatch", "1*"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> String {
        if self.rng.chance(6) {
            self.rng.pick(STRING_KEYS).into()
        } else {
            self.rng.pick(HASH_KEYS).into()
        }
    }

    fn field(&mut self) -> String {
        if self.rng.chance(5) {
            format!("g{}", self.rng.below(40))
        } else {
            self.rng.pick(FIELDS).into()
        }
    }

    fn value(&mut self) -> String {
        match self.rng.below(10) {
            0 => self.rng.range(-100_000, 100_000).to_string(),
            1 => {
                let len = self.rng.below(80);
                (0..len).map(|i| (b'a' + ((i + len) % 26) as u8) as char).collect()
            }
            _ => self.rng.pick(VALUES).into(),
        }
    }

    fn int(&mut self) -> String {
        if self.rng.chance(10) {
            self.rng.pick(BAD_INTS).into()
        } else {
            self.rng.range(-1000, 1000).to_string()
        }
    }

    /// HSET/HMSET with `pairs` field/value pairs.
    fn set(&mut self, name: &str, pairs: usize) -> Vec<String> {
        let mut c = vec![name.into(), self.key()];
        for _ in 0..pairs {
            c.push(self.field());
            c.push(self.value());
        }
        c
    }

    fn count(&mut self) -> String {
        match self.rng.below(10) {
            0 => self
                .rng
                .pick(&["0", "-1", "abc", "-9223372036854775808", "4611686018427387904"])
                .into(),
            1..=3 => self.rng.range(-30, -1).to_string(),
            _ => self.rng.range(1, 30).to_string(),
        }
    }

    fn hscan(&mut self) -> Vec<String> {
        let cursor = match self.rng.below(20) {
            0 => "abc".into(),
            1 => self.rng.range(1, 1000).to_string(),
            _ => "0".into(),
        };
        let mut c = vec!["HSCAN".into(), self.key(), cursor];
        if self.rng.chance(40) {
            c.push("MATCH".into());
            c.push(self.rng.pick(PATTERNS).into());
        }
        if self.rng.chance(40) {
            c.push("COUNT".into());
            c.push(if self.rng.chance(10) {
                self.rng.pick(&["0", "abc", "-1"]).into()
            } else {
                self.rng.range(1, 20).to_string()
            });
        }
        if self.rng.chance(3) {
            c.push(self.rng.pick(&["TYPE", "FOO", "COUNT"]).into());
        }
        c
    }

    fn command(&mut self) -> Vec<String> {
        match self.rng.below(1000) {
            0..=149 => {
                let pairs = 1 + self.rng.below(4);
                self.set("HSET", pairs)
            }
            150..=169 => {
                // Enough fields to cross the entry limit at once.
                let pairs = 10 + self.rng.below(12);
                self.set("HSET", pairs)
            }
            170..=209 => {
                let pairs = 1 + self.rng.below(3);
                self.set("HMSET", pairs)
            }
            210..=259 => vec!["HSETNX".into(), self.key(), self.field(), self.value()],
            260..=339 => vec!["HGET".into(), self.key(), self.field()],
            340..=389 => {
                let mut c = vec!["HMGET".into(), self.key()];
                for _ in 0..1 + self.rng.below(4) {
                    c.push(self.field());
                }
                c
            }
            390..=469 => {
                let mut c = vec!["HDEL".into(), self.key()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.field());
                }
                c
            }
            470..=499 => vec!["HLEN".into(), self.key()],
            500..=529 => vec!["HSTRLEN".into(), self.key(), self.field()],
            530..=559 => vec!["HEXISTS".into(), self.key(), self.field()],
            560..=619 => vec![self.rng.pick(&["HKEYS", "HVALS", "HGETALL"]).into(), self.key()],
            620..=679 => vec!["HINCRBY".into(), self.key(), self.field(), self.int()],
            680..=739 => {
                vec!["HINCRBYFLOAT".into(), self.key(), self.field(), self.rng.pick(FLOATS).into()]
            }
            740..=799 => {
                let mut c = vec!["HRANDFIELD".into(), self.key()];
                if self.rng.chance(70) {
                    c.push(self.count());
                    if self.rng.chance(50) {
                        c.push(
                            self.rng
                                .pick(&["WITHVALUES", "withvalues", "WITHVALUES", "foo"])
                                .into(),
                        );
                    }
                }
                c
            }
            800..=849 => self.hscan(),
            850..=879 => {
                let mut c = vec![self.rng.pick(&["DEL", "EXISTS"]).to_string()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.key());
                }
                c
            }
            880..=899 => vec!["TYPE".into(), self.key()],
            900..=949 => vec!["OBJECT".into(), "ENCODING".into(), self.key()],
            950..=969 => vec!["SET".into(), self.rng.pick(STRING_KEYS).into(), self.value()],
            970..=974 => vec!["SET".into(), self.key(), "overwritten".into()],
            975..=977 => {
                let (name, values): (&str, &[&str]) = if self.rng.chance(50) {
                    (
                        self.rng.pick(&["hash-max-listpack-entries", "hash-max-ziplist-entries"]),
                        &["4", "16", "512", "0"],
                    )
                } else {
                    (
                        self.rng.pick(&["hash-max-listpack-value", "hash-max-ziplist-value"]),
                        &["8", "24", "64", "1k"],
                    )
                };
                vec!["CONFIG".into(), "SET".into(), name.into(), self.rng.pick(values).into()]
            }
            _ => vec![self
                .rng
                .pick(&["HGETT", "HSET", "HGET", "HINCRBY", "HRANDFIELD", "HSCAN"])
                .into()],
        }
    }

    /// A command, sometimes with its last argument dropped or an extra one
    /// added (CONFIG SET is left alone: its errors are not this family's).
    /// Commands whose replies need their own comparison go alone.
    fn generated(&mut self) -> Generated {
        let mut c = self.command();
        if c[0] != "CONFIG" {
            match self.rng.below(100) {
                0 | 1 if c.len() > 1 => {
                    c.pop();
                }
                2 => c.push(self.rng.pick(&["extra", "WITHVALUES", "10"]).into()),
                _ => {}
            }
        }
        if needs_own_comparison(c[0].as_bytes()) {
            Generated::solo(c)
        } else {
            Generated::any(c)
        }
    }
}

/// What redis-server holds at a key, read on the test's own connection.
struct Seen {
    hashtable: bool,
    contents: HashMap<Vec<u8>, Vec<u8>>,
}

fn look(redis: &mut RespConn, key: &[u8]) -> Seen {
    let enc = redis.call(&[b"OBJECT".to_vec(), b"ENCODING".to_vec(), key.to_vec()]).expect("redis");
    let hashtable = enc.value.as_bytes() == Some(b"hashtable");
    let all = redis.call(&[b"HGETALL".to_vec(), key.to_vec()]).expect("redis");
    let mut contents = HashMap::new();
    if let Resp::Agg(b'*', Some(items)) = &all.value {
        for kv in items.chunks(2) {
            if let (Some(k), Some(v)) = (kv[0].as_bytes(), kv[1].as_bytes()) {
                contents.insert(k.to_vec(), v.to_vec());
            }
        }
    }
    Seen { hashtable, contents }
}

/// The bulk strings of an array reply.
fn bulks(r: &Reply) -> Option<Vec<&[u8]>> {
    match &r.value {
        Resp::Agg(b'*', Some(items)) => items.iter().map(Resp::as_bytes).collect(),
        _ => None,
    }
}

/// Whether `reply` is a valid HRANDFIELD reply for a hash holding `contents`
/// (a non-empty hash, count given or not).
fn valid_hrandfield(args: &[Vec<u8>], contents: &HashMap<Vec<u8>, Vec<u8>>, reply: &Reply) -> bool {
    let Some(count) = args.get(2) else {
        return reply.value.as_bytes().is_some_and(|f| contents.contains_key(f));
    };
    let count: i64 = std::str::from_utf8(count).unwrap().parse().unwrap();
    let with_values = args.len() == 4;
    let Some(items) = bulks(reply) else { return false };
    let picks = if count >= 0 {
        (count as usize).min(contents.len())
    } else {
        count.unsigned_abs() as usize
    };
    let step = if with_values { 2 } else { 1 };
    if items.len() != picks * step {
        return false;
    }
    let fields: Vec<&[u8]> = items.iter().step_by(step).copied().collect();
    let members = items
        .chunks(step)
        .all(|p| contents.get(p[0]).is_some_and(|v| !with_values || v.as_slice() == p[1]));
    let distinct = count < 0 || fields.iter().collect::<HashSet<_>>().len() == fields.len();
    members && distinct
}

fn is_error(r: &Reply) -> bool {
    r.value.is_error()
}

/// Whether replies to the command `name` may differ from Redis's bytes when
/// the hash is a hashtable (order) or always (randomness).
fn needs_own_comparison(name: &[u8]) -> bool {
    ["HGETALL", "HKEYS", "HVALS", "HSCAN", "HRANDFIELD"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// Sends one generated command, choosing the comparison its reply needs.
fn check_one(d: &mut Differ, redis: &mut RespConn, args: &[Vec<u8>]) -> Outcome {
    if !needs_own_comparison(&args[0]) || args.len() < 2 {
        return d.check(args);
    }
    let name = String::from_utf8_lossy(&args[0]).to_ascii_uppercase();
    let seen = look(redis, &args[1]);
    match name.as_str() {
        "HRANDFIELD" if !seen.contents.is_empty() => {
            let contents = seen.contents;
            d.check_by(args, &|want, got| {
                if is_error(want) || is_error(got) {
                    return false;
                }
                valid_hrandfield(args, &contents, want) && valid_hrandfield(args, &contents, got)
            })
        }
        "HSCAN" if seen.hashtable => {
            let mut args = args.to_vec();
            if args.len() > 2 && args[2].iter().all(u8::is_ascii_digit) {
                // Cursors are each server's own: walk from the start.
                args[2] = b"0".to_vec();
            }
            d.check_full_scan(&args, 2, 2)
        }
        "HGETALL" | "HKEYS" | "HVALS" if seen.hashtable => {
            let group = if name == "HGETALL" { 2 } else { 1 };
            d.check_by(args, &|want, got| same_unordered(want, got, group))
        }
        _ => d.check(args),
    }
}

/// Runs the random stream, one command at a time or in pipelines, then
/// compares every key.
fn run(d: &mut Differ, pipelined: bool) {
    let mode = if pipelined { "hash pipelines" } else { "hash stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, DEFAULT_COUNT);
    let mut g = Gen { rng: Rng(run.seed) };
    let mut redis = RespConn::connect(d.redis_port()).expect("connect to redis-server");
    run.run_by(d, || g.generated(), |d, args| Some(check_one(d, &mut redis, args)));
    for key in HASH_KEYS.iter().chain(STRING_KEYS) {
        check_one(d, &mut redis, &[b"HGETALL".to_vec(), key.as_bytes().to_vec()]);
        d.check(&[b"OBJECT".to_vec(), b"ENCODING".to_vec(), key.as_bytes().to_vec()]);
    }
}

differential_runs!(differ, run, hashes_one_shard, hashes_two_shards, hashes_pipelined_two_shards);
