//! Differential test of the bitmap family: a seeded random stream of SETBIT,
//! GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO (valid and
//! invalid arguments) mixed with plain string commands on the same keys (SET,
//! APPEND, SETRANGE, INCR, GET, GETRANGE, STRLEN), so that the bytes the bit
//! commands leave are compared, sent to slotd (1 shard and 2 shards) and to a
//! real redis-server 7.0, replies compared byte for byte (every bitmap reply
//! is deterministic).
//!
//! Keys are a small space, some sharing hash tags and some not, so that on 2
//! shards BITOP's destination and sources are often on different shards. A
//! few list keys give WRONGTYPE. Offsets stay small (strings of a few KB at
//! most) except for invalid ones past `proto-max-bulk-len`.
//!
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of
//! commands per run (default 100000).
//!
//! Run: `cargo test -p node --test diff_bitmap` (add `-- --nocapture` for the
//! summary).

mod common;
#[path = "common/diff.rs"]
mod diff;

use diff::{Differ, Generated, RandomRun, Rng};

const DEFAULT_SEED: u64 = 0xb17_0001;
const DEFAULT_COUNT: usize = 100_000;

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "bitmaps", &[], &[])
}

/// String keys the bit commands work on (some sharing a hash tag).
const KEYS: &[&str] = &["b1", "b2", "b3", "b4", "b5", "{t}a", "{t}b", "{t}c", "{u}x", "{u}y"];
/// List keys, for WRONGTYPE.
const LIST_KEYS: &[&str] = &["l1", "{t}l"];

/// Whole string values: integers (stored `int` by both), text, binary.
const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "-1",
    "12345",
    "9223372036854775807",
    "-9223372036854775808",
    "foobar",
    "\u{7f}\0\u{1}",
    "a longer value of more than forty-four bytes, stored raw",
    "01",
];

const BAD_INTS: &[&str] = &["abc", "", " 1", "+1", "1.5", "9223372036854775808", "0x10"];

/// Offsets beyond what is valid, or odd forms of valid ones (none valid and
/// large: a 512 MB string would only slow the run).
const BAD_OFFSETS: &[&str] =
    &["-1", "4294967296", "4294967304", "abc", "", "#1", "01", "9223372036854775807"];

const TYPES: &[&str] = &[
    "u1", "u2", "u3", "u7", "u8", "u9", "u16", "u31", "u32", "u63", "i1", "i2", "i5", "i8", "i9",
    "i16", "i32", "i33", "i63", "i64",
];
const BAD_TYPES: &[&str] = &["u64", "i65", "i0", "u0", "x8", "I8", "i", "", "i-1", "u08"];

const FIELD_VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "127",
    "128",
    "-128",
    "255",
    "256",
    "65535",
    "-32769",
    "2147483647",
    "-2147483648",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "-4611686018427387905",
    "-5000000000000000000",
];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> String {
        if self.rng.chance(4) {
            self.rng.pick(LIST_KEYS).into()
        } else {
            self.rng.pick(KEYS).into()
        }
    }

    /// A bit offset: mostly within a few bytes, sometimes a few KB, rarely invalid.
    fn offset(&mut self) -> String {
        match self.rng.below(100) {
            0..=2 => self.rng.pick(BAD_OFFSETS).into(),
            3..=7 => self.rng.range(0, 40_000).to_string(),
            _ => self.rng.range(0, 300).to_string(),
        }
    }

    /// An index of BITCOUNT/BITPOS ranges.
    fn index(&mut self) -> String {
        match self.rng.below(100) {
            0..=2 => self.rng.pick(BAD_INTS).into(),
            3..=5 => {
                self.rng.pick(&["9223372036854775807", "-9223372036854775808", "1000000"]).into()
            }
            _ => self.rng.range(-80, 80).to_string(),
        }
    }

    fn unit(&mut self) -> String {
        self.rng.pick(&["BIT", "BYTE", "bit", "byte", "bits", "foo"]).into()
    }

    fn value(&mut self) -> String {
        match self.rng.below(10) {
            0..=2 => self.rng.range(-100_000, 100_000).to_string(),
            3 => {
                let len = self.rng.below(60);
                (0..len).map(|i| (b'a' + ((i * 7 + len) % 26) as u8) as char).collect()
            }
            _ => self.rng.pick(VALUES).into(),
        }
    }

    fn bitfield(&mut self, name: &str) -> Vec<String> {
        let mut c = vec![name.into(), self.key()];
        for _ in 0..self.rng.below(5) {
            let ty = if self.rng.chance(4) {
                self.rng.pick(BAD_TYPES).into()
            } else {
                self.rng.pick(TYPES).to_string()
            };
            let offset = if self.rng.chance(20) {
                format!("#{}", self.rng.range(-1, 20))
            } else {
                self.offset()
            };
            let value = if self.rng.chance(40) {
                self.rng.pick(FIELD_VALUES).into()
            } else if self.rng.chance(3) {
                self.rng.pick(BAD_INTS).into()
            } else {
                self.rng.range(-300, 300).to_string()
            };
            // BITFIELD_RO mostly gets GETs, so that it usually succeeds.
            let op =
                if name == "BITFIELD_RO" && self.rng.chance(85) { 0 } else { self.rng.below(7) };
            match op {
                0 | 1 => c.extend(["GET".into(), ty, offset]),
                2 => c.extend(["SET".into(), ty, offset, value]),
                3 | 4 => c.extend(["INCRBY".into(), ty, offset, value]),
                5 => {
                    let kind = self.rng.pick(&["WRAP", "SAT", "FAIL", "sat", "fail", "bad"]);
                    c.extend(["OVERFLOW".into(), kind.into()]);
                }
                _ => c.push(self.rng.pick(&["GET", "SET", "INCRBY", "OVERFLOW", "FOO"]).into()),
            }
        }
        c
    }

    fn command(&mut self) -> Vec<String> {
        match self.rng.below(1000) {
            0..=149 => {
                let bit = if self.rng.chance(4) {
                    self.rng.pick(&["2", "-1", "abc", "", "01", "1.0"]).into()
                } else {
                    self.rng.below(2).to_string()
                };
                vec!["SETBIT".into(), self.key(), self.offset(), bit]
            }
            150..=229 => vec!["GETBIT".into(), self.key(), self.offset()],
            230..=329 => {
                let mut c = vec!["BITCOUNT".into(), self.key()];
                match self.rng.below(10) {
                    0..=1 => {}
                    2 => c.push(self.index()),
                    3..=5 => c.extend([self.index(), self.index()]),
                    _ => c.extend([self.index(), self.index(), self.unit()]),
                }
                c
            }
            330..=439 => {
                let bit = if self.rng.chance(5) {
                    self.rng.pick(&["2", "-1", "abc"]).into()
                } else {
                    self.rng.below(2).to_string()
                };
                let mut c = vec!["BITPOS".into(), self.key(), bit];
                match self.rng.below(10) {
                    0..=1 => {}
                    2..=3 => c.push(self.index()),
                    4..=5 => c.extend([self.index(), self.index()]),
                    _ => c.extend([self.index(), self.index(), self.unit()]),
                }
                c
            }
            440..=529 => {
                let op = self.rng.pick(&["AND", "OR", "XOR", "NOT", "and", "not", "nand"]);
                let mut c = vec!["BITOP".into(), op.into(), self.key()];
                let sources = if op.eq_ignore_ascii_case("not") && self.rng.chance(85) {
                    1
                } else {
                    1 + self.rng.below(4)
                };
                for _ in 0..sources {
                    c.push(self.key());
                }
                c
            }
            530..=639 => self.bitfield("BITFIELD"),
            640..=679 => self.bitfield("BITFIELD_RO"),
            680..=729 => vec!["SET".into(), self.key(), self.value()],
            730..=759 => vec!["APPEND".into(), self.key(), self.value()],
            760..=789 => {
                let offset = self.rng.range(0, 40).to_string();
                vec!["SETRANGE".into(), self.key(), offset, self.value()]
            }
            790..=809 => vec![self.rng.pick(&["INCR", "DECR"]).into(), self.key()],
            810..=869 => vec!["GET".into(), self.key()],
            870..=884 => vec!["STRLEN".into(), self.key()],
            885..=899 => vec!["GETRANGE".into(), self.key(), self.index(), self.index()],
            900..=929 => {
                let mut c = vec![self.rng.pick(&["DEL", "EXISTS"]).to_string()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.key());
                }
                c
            }
            930..=949 => vec!["TYPE".into(), self.key()],
            950..=979 => vec!["OBJECT".into(), "ENCODING".into(), self.key()],
            980..=989 => vec!["RPUSH".into(), self.rng.pick(LIST_KEYS).into(), "x".into()],
            _ => vec![self
                .rng
                .pick(&[
                    "SETBIT",
                    "GETBIT",
                    "BITCOUNT",
                    "BITPOS",
                    "BITOP",
                    "BITFIELD",
                    "BITFIELD_RO",
                ])
                .into()],
        }
    }

    /// A command, sometimes with its last argument dropped or an extra one added.
    fn generated(&mut self) -> Generated {
        let mut c = self.command();
        match self.rng.below(100) {
            0 | 1 if c.len() > 1 => {
                c.pop();
            }
            2 => c.push(self.rng.pick(&["extra", "BIT", "10"]).into()),
            _ => {}
        }
        Generated::any(c)
    }
}

fn cmd(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Runs the random stream, one command at a time or in pipelines, then
/// compares every key.
fn run(d: &mut Differ, pipelined: bool) {
    let mode = if pipelined { "bitmap pipelines" } else { "bitmap stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, DEFAULT_COUNT);
    let mut g = Gen { rng: Rng(run.seed) };
    run.run(d, || g.generated(), |_, _| false);
    for key in KEYS.iter().chain(LIST_KEYS) {
        d.check(&cmd(&["TYPE", key]));
        d.check(&cmd(&["OBJECT", "ENCODING", key]));
        d.check(&cmd(&["GET", key]));
    }
    d.check(&cmd(&["DBSIZE"]));
}

differential_runs!(
    differ,
    run,
    bitmaps_one_shard,
    bitmaps_two_shards,
    bitmaps_pipelined_two_shards
);
