//! Differential test of the sorted set family: a seeded random stream of
//! sorted set commands (valid and invalid arguments) over a small key space,
//! sent to slotd (1 shard and 2 shards) and to a real redis-server 7.0, whose
//! replies must be the same bytes. Random replies (ZRANDMEMBER) are compared
//! by shape, ZSCAN of hash-table encodings as sets of pairs (see
//! `equivalent` in common/diff.rs).
//!
//! Scores are picked to exercise Redis's double formatting (`%.17g`,
//! `inf`, `-0`, denormals, 1e17, hex floats) and its parsing errors. Lex
//! commands use their own keys whose members all have score 0 (Redis leaves
//! lex ranges over mixed scores unspecified). A few large ZADDs push sets
//! past `zset-max-listpack-entries`, so both encodings and the conversions
//! are exercised; OBJECT ENCODING is compared. The blocking pops (BZPOPMIN,
//! BZPOPMAX, BZMPOP) come with short timeouts, in pipelines too, where a
//! waiting one holds back the commands after it on both servers.
//!
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of
//! commands per run (default 100000). Run: `cargo test -p node --test
//! diff_zset -- --nocapture`.

mod common;
#[path = "common/diff.rs"]
mod diff;

use diff::{Differ, Generated, RandomRun, Rng};

const DEFAULT_SEED: u64 = 0x25e7_0001;
const DEFAULT_COUNT: usize = 100_000;
const MAX_MISMATCHES: usize = 200;

/// Sorted sets with any scores (hash-tagged ones share a slot).
const ZKEYS: &[&str] = &["z1", "z2", "z3", "{t}z4", "{t}z5", "{t}z6"];
/// Sorted sets whose members all have score 0 (lex commands).
const LKEYS: &[&str] = &["l1", "{t}l2", "l3"];
/// String keys, for WRONGTYPE.
const SKEYS: &[&str] = &["s1", "{t}s2"];
/// A key that is a string or missing, never a sorted set: what lex commands
/// get instead of a lex key (the string keys above may become mixed-score sets).
const LEX_STRING: &str = "{t}ls";

/// Timeouts of the blocking pops: short, or invalid.
const BLOCK_TIMEOUTS: &[&str] = &["0.002", "0.001", "1e-3", "-1", "x", "inf"];

const SCORES: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "0.1",
    "0.2",
    "3.0000000000000004",
    "1e17",
    "1e-5",
    "123456789.125",
    "inf",
    "-inf",
    "+inf",
    "2.5e-310",
    "1e300",
    "-7",
    "42",
    "0x1p3",
    "9007199254740993",
    "4611686018427387904",
    "-2.5",
    "7.77",
];
const BAD_SCORES: &[&str] = &["abc", "nan", "", "1e400", " 1", "1e", "(1"];
const MEMBERS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "", "m1", "m50"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn pick(&mut self, xs: &[&str]) -> String {
        xs[self.rng.below(xs.len())].to_string()
    }

    /// Any key: mostly score keys, some lex and string keys, sometimes a missing one.
    fn key(&mut self) -> String {
        match self.rng.below(20) {
            0..=13 => self.pick(ZKEYS),
            14..=16 => self.pick(LKEYS),
            17..=18 => self.pick(SKEYS),
            _ => "nokey".into(),
        }
    }

    fn zkey(&mut self) -> String {
        if self.rng.chance(90) {
            self.pick(ZKEYS)
        } else {
            self.pick(SKEYS)
        }
    }

    fn lkey(&mut self) -> String {
        if self.rng.chance(90) {
            self.pick(LKEYS)
        } else {
            LEX_STRING.into()
        }
    }

    fn member(&mut self) -> String {
        match self.rng.below(30) {
            0 => "x".repeat(65),
            1 => "y".repeat(64),
            2 => format!("m{}", self.rng.below(200)),
            _ => self.pick(MEMBERS),
        }
    }

    fn score(&mut self) -> String {
        match self.rng.below(40) {
            0 => self.pick(BAD_SCORES),
            1..=15 => self.pick(SCORES),
            16..=30 => self.rng.range(-20, 20).to_string(),
            _ => format!("{}.{}", self.rng.range(-99, 99), self.rng.below(1000)),
        }
    }

    fn score_bound(&mut self) -> String {
        match self.rng.below(12) {
            0 => "x".into(),
            1 => "-inf".into(),
            2 => "+inf".into(),
            3..=6 => format!("({}", self.rng.range(-10, 10)),
            _ => self.score(),
        }
    }

    fn lex_bound(&mut self) -> String {
        match self.rng.below(12) {
            0 => "-".into(),
            1 => "+".into(),
            2 => "a".into(),
            3..=7 => format!("[{}", self.pick(MEMBERS)),
            _ => format!("({}", self.pick(MEMBERS)),
        }
    }

    fn index(&mut self) -> String {
        if self.rng.chance(3) {
            return "x".into();
        }
        self.rng.range(-8, 8).to_string()
    }

    /// Source keys of the algebra commands, with their count (sometimes wrong).
    fn sources(&mut self, out: &mut Vec<String>) -> usize {
        let n = 1 + self.rng.below(3);
        let said = match self.rng.below(25) {
            0 => "0".to_string(),
            1 => (n + 1).to_string(),
            2 => "x".to_string(),
            _ => n.to_string(),
        };
        out.push(said);
        for _ in 0..n {
            out.push(if self.rng.chance(20) { self.pick(LKEYS) } else { self.key() });
        }
        n
    }

    fn add(&mut self) -> Vec<String> {
        let lex = self.rng.chance(25);
        let key = if lex { self.lkey() } else { self.zkey() };
        let mut c = vec!["ZADD".to_string(), key];
        if !lex {
            for opt in ["NX", "XX", "GT", "LT", "CH", "INCR"] {
                if self.rng.chance(8) {
                    c.push(opt.into());
                }
            }
        }
        let pairs =
            if self.rng.chance(3) { 130 + self.rng.below(10) } else { 1 + self.rng.below(4) };
        for i in 0..pairs {
            c.push(if lex { "0".into() } else { self.score() });
            c.push(if pairs > 100 { format!("m{i}") } else { self.member() });
        }
        if self.rng.chance(3) {
            c.pop();
        }
        c
    }

    /// ZRANGE-style options.
    fn range_options(&mut self, c: &mut Vec<String>, store: bool) {
        for _ in 0..self.rng.below(3) {
            match self.rng.below(6) {
                0 if !store => c.push("WITHSCORES".into()),
                1 => c.push("REV".into()),
                2 => {
                    c.push("LIMIT".into());
                    c.push(self.rng.range(-2, 5).to_string());
                    c.push(self.rng.range(-2, 5).to_string());
                }
                3 => c.push("BYSCORE".into()),
                4 => c.push("BYLEX".into()),
                _ => c.push("foo".into()),
            }
        }
    }

    /// ZRANGE or ZRANGESTORE with rank, score or lex bounds.
    fn zrange(&mut self, store: bool) -> Vec<String> {
        let mut c = if store {
            vec!["ZRANGESTORE".to_string(), self.zkey()]
        } else {
            vec!["ZRANGE".to_string()]
        };
        let (lo, hi, by, src) = match self.rng.below(3) {
            0 => (self.index(), self.index(), None, self.key()),
            1 => (self.score_bound(), self.score_bound(), Some("BYSCORE"), self.key()),
            _ => (self.lex_bound(), self.lex_bound(), Some("BYLEX"), self.lkey()),
        };
        c.extend([src, lo, hi]);
        if let Some(by) = by {
            c.push(by.into());
        }
        self.range_options(&mut c, store);
        c
    }

    fn algebra(&mut self) -> Vec<String> {
        let (name, store) = *[
            ("ZUNION", false),
            ("ZINTER", false),
            ("ZDIFF", false),
            ("ZUNIONSTORE", true),
            ("ZINTERSTORE", true),
            ("ZDIFFSTORE", true),
            ("ZINTERCARD", false),
        ]
        .get(self.rng.below(7))
        .expect("in range");
        let mut c = vec![name.to_string()];
        if store {
            c.push(self.zkey());
        }
        let n = self.sources(&mut c);
        for _ in 0..self.rng.below(3) {
            match self.rng.below(5) {
                0 => {
                    c.push("WEIGHTS".into());
                    for _ in 0..n {
                        c.push(if self.rng.chance(20) {
                            self.score()
                        } else {
                            self.rng.range(-3, 3).to_string()
                        });
                    }
                }
                1 => {
                    c.push("AGGREGATE".into());
                    c.push(self.pick(&["SUM", "MIN", "MAX", "avg"]));
                }
                2 => c.push("WITHSCORES".into()),
                3 => {
                    c.push("LIMIT".into());
                    c.push(self.rng.range(-1, 3).to_string());
                }
                _ => c.push("foo".into()),
            }
        }
        c
    }

    fn command(&mut self) -> Vec<String> {
        let s = |x: &str| x.to_string();
        match self.rng.below(100) {
            0..=19 => self.add(),
            20..=22 => vec![s("ZINCRBY"), self.zkey(), self.score(), self.member()],
            23..=26 => {
                let mut c = vec![s("ZREM"), self.key()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.member());
                }
                c
            }
            27..=28 => vec![s("ZCARD"), self.key()],
            29..=31 => vec![s("ZSCORE"), self.key(), self.member()],
            32..=33 => vec![s("ZMSCORE"), self.key(), self.member(), self.member()],
            34..=36 => vec![self.pick(&["ZRANK", "ZREVRANK"]), self.key(), self.member()],
            37..=38 => vec![s("ZCOUNT"), self.key(), self.score_bound(), self.score_bound()],
            39..=40 => vec![s("ZLEXCOUNT"), self.lkey(), self.lex_bound(), self.lex_bound()],
            41..=48 => self.zrange(false),
            49..=51 => self.zrange(true),
            52..=53 => {
                let mut c = vec![
                    self.pick(&["ZREVRANGE", "ZRANGE"]),
                    self.key(),
                    self.index(),
                    self.index(),
                ];
                if self.rng.chance(50) {
                    c.push(s("WITHSCORES"));
                }
                c
            }
            54..=56 => {
                let name = self.pick(&["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]);
                let mut c = vec![name, self.key(), self.score_bound(), self.score_bound()];
                self.range_options(&mut c, false);
                c
            }
            57..=58 => {
                let name = self.pick(&["ZRANGEBYLEX", "ZREVRANGEBYLEX"]);
                let mut c = vec![name, self.lkey(), self.lex_bound(), self.lex_bound()];
                self.range_options(&mut c, false);
                c
            }
            59..=60 => vec![s("ZREMRANGEBYRANK"), self.key(), self.index(), self.index()],
            61..=62 => {
                vec![s("ZREMRANGEBYSCORE"), self.key(), self.score_bound(), self.score_bound()]
            }
            63 => vec![s("ZREMRANGEBYLEX"), self.lkey(), self.lex_bound(), self.lex_bound()],
            64..=67 if self.rng.chance(20) => {
                // Blocking pops time out quickly (or get an invalid timeout).
                let mut c = vec![self.pick(&["BZPOPMIN", "BZPOPMAX"]), self.key()];
                if self.rng.chance(50) {
                    c.push(self.key());
                }
                c.push(self.pick(BLOCK_TIMEOUTS));
                c
            }
            64..=67 => {
                let mut c = vec![self.pick(&["ZPOPMIN", "ZPOPMAX"]), self.key()];
                if self.rng.chance(60) {
                    c.push(self.rng.range(-1, 4).to_string());
                }
                if self.rng.chance(5) {
                    c.push(s("1"));
                }
                c
            }
            68..=70 => {
                let blocking = self.rng.chance(20);
                let mut c = vec![s(if blocking { "BZMPOP" } else { "ZMPOP" })];
                if blocking {
                    c.push(self.pick(BLOCK_TIMEOUTS));
                }
                let n = 1 + self.rng.below(3);
                c.push(if self.rng.chance(5) { s("0") } else { n.to_string() });
                for _ in 0..n {
                    c.push(self.key());
                }
                c.push(self.pick(&["MIN", "MAX", "max", "mid"]));
                if self.rng.chance(50) {
                    c.push(s("COUNT"));
                    c.push(self.rng.range(-1, 5).to_string());
                }
                c
            }
            71..=73 => {
                let mut c = vec![s("ZRANDMEMBER"), self.key()];
                if self.rng.chance(70) {
                    c.push(self.rng.range(-5, 5).to_string());
                    if self.rng.chance(50) {
                        c.push(self.pick(&["WITHSCORES", "withscores", "foo"]));
                    }
                }
                c
            }
            74..=76 => {
                let mut c = vec![s("ZSCAN"), self.key(), s("0"), s("COUNT"), s("1000")];
                if self.rng.chance(30) {
                    c.push(s("MATCH"));
                    c.push(self.pick(&["m1*", "*", "[a-c]", "?"]));
                }
                c
            }
            77..=86 => self.algebra(),
            87..=90 => vec![s("OBJECT"), s("ENCODING"), self.key()],
            91..=92 => vec![s("TYPE"), self.key()],
            93 => vec![s("EXISTS"), self.key(), self.key()],
            94 => vec![s("DEL"), self.key()],
            95 => vec![s("SET"), self.pick(&[SKEYS[0], SKEYS[1], LEX_STRING]), s("v")],
            96 => vec![s("ZUNIONSTORE"), self.pick(LKEYS), s("1"), self.pick(LKEYS)],
            _ => vec![s("ZRANGE"), self.key(), s("0"), s("-1"), s("WITHSCORES")],
        }
    }
}

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "sorted sets", &[], &[])
}

fn run(d: &mut Differ, pipelined: bool) {
    let mode = if pipelined { "zset pipelines" } else { "zset stream" };
    let mut run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, DEFAULT_COUNT);
    run.max_mismatches = MAX_MISMATCHES;
    let mut g = Gen { rng: Rng(run.seed) };
    run.run(d, || Generated::any(g.command()), |_, _| false);
    // Whatever is left must be the same too.
    let keys: Vec<&str> = ZKEYS.iter().chain(LKEYS).copied().collect();
    for k in keys {
        d.check(&[
            b"ZRANGE".to_vec(),
            k.into(),
            b"0".to_vec(),
            b"-1".to_vec(),
            b"WITHSCORES".to_vec(),
        ]);
        d.check(&[b"OBJECT".to_vec(), b"ENCODING".to_vec(), k.into()]);
    }
}

differential_runs!(
    differ,
    run,
    zset_random_one_shard,
    zset_random_two_shards,
    zset_pipelined_two_shards
);
