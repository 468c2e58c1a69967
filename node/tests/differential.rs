//! Differential test: the same commands go to slotd and to a real redis-server
//! 7.0, and every reply must be the same bytes (errors included).
//!
//! Two modes, each run against slotd with 1 shard and with 2 shards (multi-key
//! commands then span shards):
//! - the hand-written corpus in `tests/data/diff_corpus.txt` (strings and
//!   generic keys: every option, conflict, overflow and wrong arity);
//! - a seeded random stream over a small key space mixing the same commands
//!   with valid and invalid arguments. `SLOTD_DIFF_SEED` picks the seed
//!   (printed in every report), `SLOTD_DIFF_COUNT` the number of commands
//!   (default 20000). On 2 shards it also runs as pipelines of 1-32 commands
//!   in one write, where slotd may execute commands for different shards out
//!   of order and must still reply as if it ran them one by one.
//!
//! A failure prints each mismatch (the command, both replies, the commands
//! before it) and a count per command; in random mode only the first mismatch
//! of each command is printed, and both servers are flushed after each one so
//! that diverged state does not cascade. If slotd stops answering (a shard
//! panicked) it is restarted, up to 5 times. A redis-against-redis run of both
//! modes checks that the harness itself leaves nothing to timing.
//!
//! Run: `cargo test -p node --test differential` (add `-- --nocapture` to see
//! the summary of a passing run).

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::redis_server;
use diff::{split_args, Differ, Generated, Outcome, RandomRun, Rng};

const CORPUS: &str = include_str!("data/diff_corpus.txt");
const DEFAULT_SEED: u64 = 0x5107_d1ff;
const DEFAULT_COUNT: usize = 20_000;

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "strings and keys", &[], &[])
}

fn cmd(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

// ---------------------------------------------------------------- corpus

/// Runs every scenario of the corpus; each starts on fresh connections after
/// FLUSHALL.
fn run_corpus(d: &mut Differ) {
    let mut scenario = String::new();
    let mut diverged = false;
    for (n, line) in CORPUS.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("===") {
            scenario = name.trim().to_string();
            diverged = false;
            d.reconnect();
            d.resync();
            continue;
        }
        let mark = if diverged { ", after an earlier mismatch in it" } else { "" };
        d.context = format!("scenario '{scenario}', corpus line {}{mark}", n + 1);
        if let Some(ms) = line.strip_prefix("!sleep") {
            std::thread::sleep(Duration::from_millis(ms.trim().parse().expect("!sleep <ms>")));
        } else if let Some(rest) = line.strip_prefix("!unchecked") {
            d.unchecked(&split_args(rest).unwrap());
        } else {
            let args = split_args(line).unwrap_or_else(|e| panic!("corpus line {}: {e}", n + 1));
            if d.check(&args) == Outcome::Different {
                diverged = true;
            }
        }
    }
}

#[test]
fn corpus_one_shard() {
    let mut d = differ(1);
    run_corpus(&mut d);
    d.finish();
}

#[test]
fn corpus_two_shards() {
    let mut d = differ(2);
    run_corpus(&mut d);
    d.finish();
}

// ---------------------------------------------------------------- random

/// The key space: plain keys, and keys sharing a hash tag (same slot).
const KEYS: &[&str] = &[
    "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "n", "f", "s", "{t}a", "{t}b", "{t}c", "{t}d",
    "{u}a", "{u}b", "{u}c", "x:1", "x:2",
];

/// Values worth storing: integers at the edges, floats, text, binary, and
/// lengths around the embstr/raw boundary (44 bytes).
const VALUES: &[&str] = &[
    "",
    "v",
    "hello",
    "hello world",
    "0",
    "1",
    "-1",
    "42",
    "10000",
    "10001",
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
    "1 ",
    "01",
    "+1",
    "-0",
    "0x10",
    "abc",
    "\0\u{7f}\r\n",
    "12345678901234567890123456789012345678901234",
    "123456789012345678901234567890123456789012345",
    "ohmytext",
    "mynewtext",
];

/// Integer arguments: mostly small, sometimes at the edges or not integers.
const BAD_INTS: &[&str] = &[
    "abc",
    "1.5",
    "",
    " 1",
    "1 ",
    "+1",
    "01",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "0x10",
];

const FLOATS: &[&str] = &[
    "1.5", "-2", "0.1", "0.2", "1e3", "-1e-3", "3.0", "10", "5.0e3", "17", "-0.0001", "1e17",
    "2.5e-10", "inf", "-inf", "nan", "abc", "1e400", "", "0x10", " 1", "1.", ".5", "1e308",
];

const PATTERNS: &[&str] =
    &["*", "k*", "{t}*", "*a", "?1", "k[0-3]", "x:?", "[^k]*", "nomatch", "*\\*"];

/// Generates random commands. Expiry times are chosen so that replies are
/// deterministic: nothing expires during a run (or it is in the past and
/// expires at once), relative times are multiples of 10000 s and absolute ones
/// sit 5000 s off that grid, so that GT/LT comparisons never hinge on the few
/// milliseconds between the two servers.
struct Gen {
    rng: Rng,
    now_s: i64,
}

impl Gen {
    fn key(&mut self) -> String {
        KEYS[self.rng.below(KEYS.len())].to_string()
    }

    fn keys(&mut self, max: usize) -> Vec<String> {
        let n = 1 + self.rng.below(max);
        (0..n).map(|_| self.key()).collect()
    }

    fn value(&mut self) -> String {
        match self.rng.below(10) {
            0 => self.rng.range(-1000, 1000).to_string(),
            1 => {
                let len = self.rng.below(60);
                (0..len).map(|i| (b'a' + ((i + len) % 26) as u8) as char).collect()
            }
            _ => self.rng.pick(VALUES).to_string(),
        }
    }

    fn int(&mut self, lo: i64, hi: i64) -> String {
        if self.rng.chance(8) {
            self.rng.pick(BAD_INTS).to_string()
        } else {
            self.rng.range(lo, hi).to_string()
        }
    }

    fn db(&mut self) -> String {
        if self.rng.chance(10) {
            self.rng.pick(&["16", "-1", "abc", "15"]).to_string()
        } else {
            self.rng.range(0, 2).to_string()
        }
    }

    /// A relative time in seconds (or milliseconds with `ms`).
    fn rel(&mut self, ms: bool) -> String {
        let unit = if ms { 1000 } else { 1 };
        match self.rng.below(12) {
            0 => self.rng.pick(&["0", "-1", "-100"]).to_string(),
            1 => self.rng.pick(BAD_INTS).to_string(),
            _ => (10_000 * self.rng.range(1, 50) * unit).to_string(),
        }
    }

    /// An absolute unix time in seconds (or milliseconds with `ms`); a time
    /// in the past only if `past_ok`: SET keeps a key whose time has passed
    /// until Redis's active expiry finds it, so DBSIZE would depend on timing
    /// (EXPIREAT and GETEX delete such a key at once).
    fn abs(&mut self, ms: bool, past_ok: bool) -> String {
        let unit = if ms { 1000 } else { 1 };
        match self.rng.below(12) {
            0 => match self.rng.pick(&["1", "0", "-1"]) {
                "1" if !past_ok => "0".to_string(),
                t => t.to_string(),
            },
            1 => self.rng.pick(BAD_INTS).to_string(),
            _ => ((self.now_s + 5000 + 10_000 * self.rng.range(1, 50)) * unit).to_string(),
        }
    }

    /// An expiry option for SET (`keepttl`) or GETEX (`persist`).
    fn expiry_opt(&mut self, out: &mut Vec<String>, keepttl: bool) {
        let (word, value) = match self.rng.below(6) {
            0 => ("EX", self.rel(false)),
            1 => ("PX", self.rel(true)),
            2 => ("EXAT", self.abs(false, !keepttl)),
            3 => ("PXAT", self.abs(true, !keepttl)),
            _ => {
                out.push(if keepttl { "KEEPTTL" } else { "PERSIST" }.into());
                return;
            }
        };
        out.push(word.into());
        out.push(value);
    }

    fn set(&mut self) -> Vec<String> {
        let mut c = vec!["SET".into(), self.key(), self.value()];
        for _ in 0..self.rng.below(4) {
            match self.rng.below(8) {
                0 => c.push("NX".into()),
                1 => c.push("XX".into()),
                2 => c.push("GET".into()),
                3 => c.push(self.rng.pick(&["FOO", "PERSIST", "nx", "get", "ex"]).into()),
                _ => self.expiry_opt(&mut c, true),
            }
        }
        c
    }

    /// EXPIRE, PEXPIRE, EXPIREAT or PEXPIREAT with options; the second value
    /// says whether it compares a relative time (GT/LT), which needs a pause
    /// before it (see [`Gen`]).
    fn expire(&mut self) -> (Vec<String>, bool) {
        let ms = self.rng.chance(50);
        let absolute = self.rng.chance(40);
        let (name, t) = match (absolute, ms) {
            (false, false) => ("EXPIRE", self.rel(false)),
            (false, true) => ("PEXPIRE", self.rel(true)),
            (true, false) => ("EXPIREAT", self.abs(false, true)),
            (true, true) => ("PEXPIREAT", self.abs(true, true)),
        };
        let mut c = vec![name.to_string(), self.key(), t];
        for _ in 0..self.rng.below(3) {
            c.push(self.rng.pick(&["NX", "XX", "GT", "LT", "gt", "FOO"]).into());
        }
        let compares =
            c[3..].iter().any(|o| o.eq_ignore_ascii_case("gt") || o.eq_ignore_ascii_case("lt"));
        (c, compares && !absolute)
    }

    fn lcs(&mut self) -> Vec<String> {
        let mut c = vec!["LCS".into(), self.key(), self.key()];
        match self.rng.below(4) {
            0 => c.push("LEN".into()),
            1 => {
                c.push("IDX".into());
                if self.rng.chance(50) {
                    c.push("MINMATCHLEN".into());
                    c.push(self.int(0, 5));
                }
                if self.rng.chance(50) {
                    c.push("WITHMATCHLEN".into());
                }
            }
            2 if self.rng.chance(30) => {
                c.push(self.rng.pick(&["LEN", "IDX", "FOO", "MINMATCHLEN"]).into())
            }
            _ => {}
        }
        c
    }

    fn scan(&mut self) -> Vec<String> {
        let mut c = vec!["SCAN".into(), if self.rng.chance(95) { "0" } else { "abc" }.into()];
        if self.rng.chance(50) {
            c.push("MATCH".into());
            c.push(self.rng.pick(PATTERNS).into());
        }
        if self.rng.chance(50) {
            c.push("COUNT".into());
            c.push(self.int(1, 20));
        }
        if self.rng.chance(20) {
            c.push("TYPE".into());
            c.push(self.rng.pick(&["string", "list", "foo"]).into());
        }
        c
    }

    /// One command; the flag says it needs a pause before it.
    fn command(&mut self) -> (Vec<String>, bool) {
        let c: Vec<String> = match self.rng.below(1000) {
            0..=79 => vec!["GET".into(), self.key()],
            80..=159 => self.set(),
            160..=179 => vec!["SETNX".into(), self.key(), self.value()],
            180..=199 => {
                let ms = self.rng.chance(50);
                let name = if ms { "PSETEX" } else { "SETEX" };
                vec![name.into(), self.key(), self.rel(ms), self.value()]
            }
            200..=219 => vec!["GETSET".into(), self.key(), self.value()],
            220..=239 => vec!["GETDEL".into(), self.key()],
            240..=269 => {
                let mut c = vec!["GETEX".into(), self.key()];
                if self.rng.chance(70) {
                    self.expiry_opt(&mut c, false);
                }
                c
            }
            270..=299 => [vec!["MGET".to_string()], self.keys(5)].concat(),
            300..=349 => {
                let name = if self.rng.chance(30) { "MSETNX" } else { "MSET" };
                let mut c = vec![name.to_string()];
                for key in self.keys(4) {
                    c.push(key);
                    c.push(self.value());
                }
                c
            }
            350..=379 => vec!["APPEND".into(), self.key(), self.value()],
            380..=399 => vec!["STRLEN".into(), self.key()],
            400..=429 => vec![self.rng.pick(&["INCR", "DECR"]).into(), self.key()],
            430..=459 => {
                vec![self.rng.pick(&["INCRBY", "DECRBY"]).into(), self.key(), self.int(-1000, 1000)]
            }
            460..=489 => vec!["INCRBYFLOAT".into(), self.key(), self.rng.pick(FLOATS).into()],
            490..=519 => {
                vec![
                    self.rng.pick(&["GETRANGE", "SUBSTR"]).into(),
                    self.key(),
                    self.int(-60, 60),
                    self.int(-60, 60),
                ]
            }
            520..=549 => {
                let off = if self.rng.chance(95) { self.int(0, 100) } else { "536870912".into() };
                vec!["SETRANGE".into(), self.key(), off, self.value()]
            }
            550..=569 => self.lcs(),
            570..=609 => [
                vec![self.rng.pick(&["DEL", "UNLINK", "EXISTS", "TOUCH"]).to_string()],
                self.keys(4),
            ]
            .concat(),
            610..=629 => vec!["TYPE".into(), self.key()],
            630..=679 => return self.expire(),
            680..=719 => vec![
                self.rng.pick(&["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]).into(),
                self.key(),
            ],
            720..=739 => vec!["PERSIST".into(), self.key()],
            740..=769 => {
                vec![self.rng.pick(&["RENAME", "RENAMENX"]).into(), self.key(), self.key()]
            }
            770..=794 => {
                let mut c = vec!["COPY".into(), self.key(), self.key()];
                if self.rng.chance(40) {
                    c.push("DB".into());
                    c.push(self.db());
                }
                if self.rng.chance(40) {
                    c.push("REPLACE".into());
                }
                c
            }
            795..=809 => vec!["MOVE".into(), self.key(), self.db()],
            810..=814 => vec!["SWAPDB".into(), self.db(), self.db()],
            815..=839 => vec!["OBJECT".into(), "ENCODING".into(), self.key()],
            840..=844 => vec![
                "OBJECT".into(),
                self.rng.pick(&["IDLETIME", "FREQ", "NOSUCH"]).into(),
                self.key(),
            ],
            845..=869 => vec!["SELECT".into(), self.db()],
            870..=884 => vec!["DBSIZE".into()],
            885..=899 => vec!["KEYS".into(), self.rng.pick(PATTERNS).into()],
            900..=914 => self.scan(),
            915..=924 => vec!["RANDOMKEY".into()],
            925..=927 => vec!["FLUSHDB".into()],
            928 => vec!["FLUSHALL".into()],
            929..=949 => vec!["ECHO".into(), self.value()],
            950..=969 => vec!["PING".into()],
            _ => vec![self.rng.pick(&["FOO", "GETT", "SETT"]).into(), self.key()],
        };
        (c, false)
    }

    /// A command, sometimes with its last argument dropped or an extra one
    /// added, to exercise arity and syntax errors.
    fn mutated_command(&mut self) -> (Vec<String>, bool) {
        let (mut c, pause) = self.command();
        match self.rng.below(100) {
            0 | 1 if c.len() > 1 => {
                c.pop();
            }
            2 => c.push(self.rng.pick(&["extra", "EX", "10", "NX"]).into()),
            _ => {}
        }
        (c, pause)
    }
}

/// Runs the random stream, one command at a time or (`pipelined`) in
/// pipelines, then looks at everything that is left.
fn run_random(d: &mut Differ, pipelined: bool) {
    let mode = if pipelined { "random pipelines" } else { "random stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, DEFAULT_COUNT);
    let now_s = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut g = Gen { rng: Rng(run.seed), now_s };
    let next = || {
        let (c, pause) = g.mutated_command();
        // SCAN is iterated interactively.
        let solo = pause || c[0] == "SCAN";
        Generated {
            pause_ms: if pause { 2 } else { 0 },
            ..if solo { Generated::solo(c) } else { Generated::any(c) }
        }
    };
    run.run(d, next, |_, _| false);
    // A final look at everything that is left, database by database.
    for db in 0..3 {
        d.check(&cmd(&["SELECT", &db.to_string()]));
        d.check(&cmd(&["DBSIZE"]));
        d.check(&cmd(&["KEYS", "*"]));
        d.check(&[cmd(&["MGET"]), cmd(KEYS)].concat());
    }
}

differential_runs!(
    differ,
    run_random,
    random_one_shard,
    random_two_shards,
    random_pipelines_two_shards
);

/// The harness itself: redis-server against redis-server must agree on every
/// command, which shows that the corpus, the generator and the normalisations
/// leave nothing to timing or chance.
#[test]
fn harness_is_deterministic_redis_against_redis() {
    let mut d = Differ::new(Box::new(|| redis_server(&[])), redis_server(&[]), "redis vs redis");
    run_corpus(&mut d);
    run_random(&mut d, false);
    run_random(&mut d, true);
    d.finish();
}
