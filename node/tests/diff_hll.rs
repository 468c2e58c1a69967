//! Differential test of the HyperLogLog family: a seeded random stream of
//! PFADD, PFCOUNT, PFMERGE and PFDEBUG (valid and invalid arguments) mixed
//! with string commands on the same keys (GET, SET, SETRANGE, APPEND,
//! STRLEN), sent to slotd (1 shard and 2 shards) and to a real redis-server
//! 7.0, replies compared byte for byte (every HLL reply is deterministic).
//!
//! GET compares the stored HLLs themselves: header, cached cardinality and
//! its stale bit, sparse code and dense registers. PFADD sends small and
//! bulk element lists over a pool large enough that keys cross from sparse
//! to dense; `hll-sparse-max-bytes` is lowered and raised now and then with
//! CONFIG SET. SETRANGE and APPEND of random bytes, and SET of crafted
//! sparse codes (some covering exactly 16384 registers, some not), give corrupt values for INVALIDOBJ; plain strings and a
//! list give both WRONGTYPE errors. Keys share hash tags or not, so that on
//! 2 shards multi-key PFCOUNT and PFMERGE often span shards.
//!
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of
//! commands per run (default 100000).
//!
//! Run: `cargo test -p node --test diff_hll` (add `-- --nocapture` for the
//! summary).

mod common;
#[path = "common/diff.rs"]
mod diff;

use diff::{Differ, Generated, RandomRun, Rng};

const DEFAULT_SEED: u64 = 0x411_0001;
const DEFAULT_COUNT: usize = 100_000;

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "hyperloglogs", &[], &[])
}

/// Keys the HLL commands work on (some sharing a hash tag).
const KEYS: &[&str] = &["p1", "p2", "p3", "p4", "p5", "{t}a", "{t}b", "{t}c", "{u}x", "{u}y"];
/// List keys, for the generic WRONGTYPE.
const LIST_KEYS: &[&str] = &["l1", "{t}l"];
/// Strings that are not HLLs.
const NOT_HLL: &[&str] = &["", "foo", "123", "HYLL", "HYLL\u{1}\0\0\0\0\0\0\0\0\0\0", "-7"];
/// Sizes of `hll-sparse-max-bytes` the stream switches between.
const SPARSE_MAX: &[&str] = &["3000", "3000", "200", "600", "0", "1k", "20000"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> String {
        let keys = if self.rng.chance(4) { LIST_KEYS } else { KEYS };
        self.rng.pick(keys).into()
    }

    fn element(&mut self) -> String {
        match self.rng.below(20) {
            0 => "".into(),
            1 => "\0\r\n\u{7f}".into(),
            2 => format!("long-element-{}-{}", self.rng.below(100), "x".repeat(50)),
            _ => format!("e{}", self.rng.below(30_000)),
        }
    }

    fn pfadd(&mut self) -> Vec<String> {
        let mut c = vec!["PFADD".into(), self.key()];
        let n = match self.rng.below(10) {
            0 => 0,
            1..=6 => 1 + self.rng.below(5),
            _ => 20 + self.rng.below(600),
        };
        for _ in 0..n {
            c.push(self.element());
        }
        c
    }

    fn keys(&mut self, name: &str, min: usize, max: usize) -> Vec<String> {
        let mut c = vec![name.to_string()];
        for _ in 0..min + self.rng.below(max - min + 1) {
            c.push(self.key());
        }
        c
    }

    /// A byte string of `len` random bytes, none of them an XZERO opener
    /// (see [`Gen::crafted`]).
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| match self.rng.below(256) as u8 {
                b @ 0x40..=0x7f => b ^ 0x40,
                b => b,
            })
            .collect()
    }

    /// A sparse HLL built from random opcodes: covering exactly the 16384
    /// registers most of the time, too few or too many otherwise. The cached
    /// cardinality is valid or not.
    ///
    /// Never a code cut in the middle of an XZERO: Redis reads the missing
    /// byte past the end of the string, and an update of that XZERO leaves a
    /// byte there that only later reads see (slotd reads it as 0; see
    /// `keyspace::hll::sparse`). Random bytes written by SETRANGE and APPEND
    /// avoid XZERO openers for the same reason.
    fn crafted(&mut self) -> Vec<u8> {
        let mut s = b"HYLL\x01\0\0\0".to_vec();
        let card = self.rng.below(1000) as u64;
        s.extend_from_slice(&card.to_le_bytes());
        if self.rng.chance(50) {
            s[15] |= 0x80;
        }
        let target = match self.rng.below(10) {
            0 => 16384 - self.rng.below(3),
            1 => 16385 + self.rng.below(3),
            _ => 16384,
        };
        let mut covered = 0;
        while covered < target {
            let left = target - covered;
            let n = match self.rng.below(3) {
                0 => {
                    let n = (1 + self.rng.below(4)).min(left);
                    let value = 1 + self.rng.below(32);
                    s.push(0x80 | ((value as u8 - 1) << 2) | (n as u8 - 1));
                    n
                }
                1 => {
                    let n = (1 + self.rng.below(64)).min(left);
                    s.push(n as u8 - 1);
                    n
                }
                _ => {
                    let n = (1 + self.rng.below(3000)).min(left);
                    s.push(0x40 | ((n - 1) >> 8) as u8);
                    s.push(((n - 1) & 0xff) as u8);
                    n
                }
            };
            covered += n;
        }
        s
    }

    fn command(&mut self) -> Generated {
        let c: Vec<String> = match self.rng.below(1000) {
            0..=299 => self.pfadd(),
            300..=419 => vec!["PFCOUNT".into(), self.key()],
            420..=499 => self.keys("PFCOUNT", 2, 4),
            500..=579 => self.keys("PFMERGE", 1, 4),
            580..=669 => vec!["GET".into(), self.key()],
            670..=689 => {
                // One random byte in the header or the first opcodes, or anywhere.
                let offset =
                    if self.rng.chance(60) { self.rng.below(40) } else { self.rng.below(13_000) };
                let byte = self.bytes(1);
                return raw(vec![
                    b"SETRANGE".to_vec(),
                    self.key().into_bytes(),
                    offset.to_string().into_bytes(),
                    byte,
                ]);
            }
            690..=699 => {
                let len = 1 + self.rng.below(2);
                let tail = self.bytes(len);
                return raw(vec![b"APPEND".to_vec(), self.key().into_bytes(), tail]);
            }
            700..=719 => {
                return raw(vec![b"SET".to_vec(), self.key().into_bytes(), self.crafted()])
            }
            720..=724 => vec!["SET".into(), self.key(), self.rng.pick(NOT_HLL).into()],
            725..=739 => vec!["STRLEN".into(), self.key()],
            740..=789 => {
                let sub = self.rng.pick(&[
                    "ENCODING", "DECODE", "TODENSE", "encoding", "decode", "FOO", "GETREG",
                ]);
                if sub == "GETREG" && !self.rng.chance(10) {
                    vec!["PFDEBUG".into(), "ENCODING".into(), self.key()]
                } else {
                    vec!["PFDEBUG".into(), sub.into(), self.key()]
                }
            }
            790..=859 => self.keys("DEL", 1, 2),
            860..=874 => self.keys("EXISTS", 1, 3),
            875..=889 => vec!["TYPE".into(), self.key()],
            890..=929 => vec!["OBJECT".into(), "ENCODING".into(), self.key()],
            930..=944 => vec!["RPUSH".into(), self.rng.pick(LIST_KEYS).into(), "x".into()],
            945..=954 => vec![
                "CONFIG".into(),
                "SET".into(),
                "hll-sparse-max-bytes".into(),
                self.rng.pick(SPARSE_MAX).into(),
            ],
            _ => vec![self.rng.pick(&["PFADD", "PFCOUNT", "PFMERGE", "PFDEBUG", "PFADDX"]).into()],
        };
        Generated::any(c)
    }

    /// A command, sometimes with its last argument dropped or an extra one
    /// added (CONFIG SET is left alone).
    fn generated(&mut self) -> Generated {
        let mut g = self.command();
        if g.args[0] != b"CONFIG" {
            match self.rng.below(100) {
                0 | 1 if g.args.len() > 1 => {
                    g.args.pop();
                }
                2 => g.args.push(self.rng.pick(&["extra", "p1", "{t}a"]).into()),
                _ => {}
            }
        }
        g
    }
}

/// A command of arbitrary bytes.
fn raw(args: Vec<Vec<u8>>) -> Generated {
    Generated { args, solo: false, pause_ms: 0 }
}

fn cmd(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Runs the random stream, one command at a time or in pipelines, then
/// compares every key.
fn run(d: &mut Differ, pipelined: bool) {
    let mode = if pipelined { "hll pipelines" } else { "hll stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, DEFAULT_COUNT);
    let mut g = Gen { rng: Rng(run.seed) };
    run.run(d, || g.generated(), |_, _| false);
    let mut encodings = Vec::new();
    for key in KEYS.iter().chain(LIST_KEYS) {
        let (_, enc) = d.check_returning(&cmd(&["PFDEBUG", "ENCODING", key]));
        let shown = enc.map(|r| {
            let mut b = Vec::new();
            r.encode(&mut b);
            diff::show(&b)
        });
        encodings.push(format!("{key}={}", shown.unwrap_or_default()));
        d.check(&cmd(&["TYPE", key]));
        d.check(&cmd(&["OBJECT", "ENCODING", key]));
        d.check(&cmd(&["GET", key]));
        d.check(&cmd(&["PFCOUNT", key]));
    }
    d.check(&cmd(&["DBSIZE"]));
    eprintln!("[{mode}] final encodings: {}", encodings.join(" "));
}

differential_runs!(
    differ,
    run,
    hyperloglogs_one_shard,
    hyperloglogs_two_shards,
    hyperloglogs_pipelined_two_shards
);
