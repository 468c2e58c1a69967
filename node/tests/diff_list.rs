//! Differential test of the list family: a seeded random stream of list
//! commands (valid and invalid arguments) over a small key space, sent to
//! slotd (1 shard, 2 shards, and 2 shards pipelined) and to a real
//! redis-server 7.0; every reply must be the same bytes.
//!
//! The key space has plain keys, keys sharing a hash tag, and string keys (for
//! WRONGTYPE); LMOVE, RPOPLPUSH, LMPOP and their blocking forms pick keys from
//! all of it, so on 2 shards they span shards. The stream also changes
//! `list-max-listpack-size` on both servers now and then, so that lists are
//! cut into many small nodes or few large ones.
//!
//! Blocking commands are sent only with short positive timeouts (or invalid
//! ones): one that finds nothing blocks and replies as a timeout on both
//! servers. They are left out of pipelines (node/tests/blocking.rs tests
//! blocking with several connections).
//!
//! `SLOTD_DIFF_SEED` picks the seed (printed in every report),
//! `SLOTD_DIFF_COUNT` the number of commands per run (default 100000).
//! Run: `cargo test -p node --test diff_list -- --nocapture`.

mod common;
#[path = "common/diff.rs"]
mod diff;

use diff::{Differ, Generated, RandomRun, Rng};

const DEFAULT_SEED: u64 = 0x1157_d1ff;
const DEFAULT_COUNT: usize = 100_000;

/// List keys: plain ones and two hash tags (same slot within a tag).
const LIST_KEYS: &[&str] = &["l0", "l1", "l2", "{t}a", "{t}b", "{t}c", "{u}a", "{u}b"];
/// Keys that hold strings now and then.
const STRING_KEYS: &[&str] = &["s", "{t}s"];

/// Elements: short ones that repeat (so LREM, LPOS and LINSERT find them),
/// integers, the empty string, binary, and one long enough for a two-byte
/// length in a node.
const ELEMENTS: &[&str] = &["a", "b", "c", "d", "1", "-1", "0", "", "hello world", "\0\r\n"];

/// Integer arguments that are not valid integers, or at the edges.
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

/// Timeouts that never wait long: short, or invalid, or negative. (0 and
/// values rounding to 0, like -0.001, would block redis-server forever.)
const TIMEOUTS: &[&str] =
    &["0.01", "0.002", "1e-3", "0x1p-8", "abc", "-1", "inf", "-0.5", "", "nan"];

/// Node sizes worth running with: byte levels and element counts.
const FILLS: &[&str] = &["-2", "-1", "-5", "1", "2", "3", "8"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> String {
        if self.rng.chance(8) {
            self.rng.pick(STRING_KEYS).into()
        } else {
            self.rng.pick(LIST_KEYS).into()
        }
    }

    fn element(&mut self) -> String {
        match self.rng.below(20) {
            0 => "x".repeat(130),
            1 => self.rng.range(-100, 100).to_string(),
            _ => self.rng.pick(ELEMENTS).into(),
        }
    }

    fn int(&mut self, lo: i64, hi: i64) -> String {
        if self.rng.chance(4) {
            self.rng.pick(BAD_INTS).into()
        } else {
            self.rng.range(lo, hi).to_string()
        }
    }

    fn end(&mut self) -> String {
        if self.rng.chance(3) {
            self.rng.pick(&["up", "", "LEFTS"]).into()
        } else {
            self.rng.pick(&["LEFT", "RIGHT", "left", "Right"]).into()
        }
    }

    fn timeout(&mut self) -> String {
        self.rng.pick(TIMEOUTS).into()
    }

    /// `numkeys key ... LEFT|RIGHT [COUNT n]`, sometimes malformed.
    fn mpop_args(&mut self, c: &mut Vec<String>) {
        let n = 1 + self.rng.below(3);
        c.push(if self.rng.chance(5) {
            self.rng.pick(&["0", "-1", "x", "9"]).into()
        } else {
            n.to_string()
        });
        for _ in 0..n {
            c.push(self.key());
        }
        c.push(self.end());
        if self.rng.chance(50) {
            c.push(self.rng.pick(&["COUNT", "count", "COUNT", "foo"]).into());
            c.push(self.int(0, 6));
        }
        if self.rng.chance(2) {
            c.push("COUNT".into());
        }
    }

    /// One command and whether it may block (kept out of pipelines).
    fn command(&mut self) -> (Vec<String>, bool) {
        let mut c: Vec<String> = Vec::new();
        let mut blocking = false;
        let key = self.key();
        match self.rng.below(100) {
            0..=11 => {
                c.push(self.rng.pick(&["LPUSH", "RPUSH"]).into());
                c.push(key);
                let n = if self.rng.chance(3) { 30 } else { 1 + self.rng.below(4) };
                for _ in 0..n {
                    c.push(self.element());
                }
            }
            12..=15 => {
                c.push(self.rng.pick(&["LPUSHX", "RPUSHX"]).into());
                c.push(key);
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.element());
                }
            }
            16..=25 => {
                c.push(self.rng.pick(&["LPOP", "RPOP"]).into());
                c.push(key);
                if self.rng.chance(40) {
                    c.push(self.int(-1, 5));
                }
            }
            26..=28 => c.extend([String::from("LLEN"), key]),
            29..=36 => {
                c.extend([String::from("LRANGE"), key, self.int(-15, 15), self.int(-15, 15)]);
            }
            37..=40 => c.extend([String::from("LINDEX"), key, self.int(-15, 15)]),
            41..=44 => c.extend([String::from("LSET"), key, self.int(-10, 10), self.element()]),
            45..=49 => {
                let place =
                    if self.rng.chance(5) { "AROUND" } else { self.rng.pick(&["BEFORE", "after"]) };
                c.extend([
                    String::from("LINSERT"),
                    key,
                    place.into(),
                    self.element(),
                    self.element(),
                ]);
            }
            50..=53 => c.extend([String::from("LREM"), key, self.int(-3, 3), self.element()]),
            54..=55 => c.extend([String::from("LTRIM"), key, self.int(-12, 6), self.int(-6, 20)]),
            56..=61 => {
                c.extend([String::from("LPOS"), key, self.element()]);
                for _ in 0..self.rng.below(4) {
                    let opt = self.rng.pick(&["RANK", "COUNT", "MAXLEN", "rank", "bogus"]);
                    c.push(opt.into());
                    match opt {
                        "RANK" | "rank" => c.push(self.int(-4, 4)),
                        "COUNT" | "MAXLEN" => c.push(self.int(-1, 5)),
                        _ => {}
                    }
                }
            }
            62..=67 => c.extend([String::from("LMOVE"), key, self.key(), self.end(), self.end()]),
            68..=70 => c.extend([String::from("RPOPLPUSH"), key, self.key()]),
            71..=75 => {
                c.push("LMPOP".into());
                self.mpop_args(&mut c);
            }
            76..=77 => {
                blocking = true;
                c.push(self.rng.pick(&["BLPOP", "BRPOP"]).into());
                c.push(key);
                for _ in 0..self.rng.below(3) {
                    c.push(self.key());
                }
                c.push(self.timeout());
            }
            78 => {
                blocking = true;
                c.extend([
                    String::from("BLMOVE"),
                    key,
                    self.key(),
                    self.end(),
                    self.end(),
                    self.timeout(),
                ]);
            }
            79 => {
                blocking = true;
                c.extend([String::from("BRPOPLPUSH"), key, self.key(), self.timeout()]);
            }
            80 => {
                blocking = true;
                c.extend([String::from("BLMPOP"), self.timeout()]);
                self.mpop_args(&mut c);
            }
            81..=84 => {
                c.extend([String::from("SET"), self.rng.pick(STRING_KEYS).into(), "v".into()])
            }
            85..=87 => c.extend([String::from("DEL"), key, self.key()]),
            88..=89 => c.extend([String::from("EXISTS"), key]),
            90..=91 => c.extend([String::from("TYPE"), key]),
            92..=93 => c.extend([String::from("OBJECT"), "ENCODING".into(), key]),
            94 => c.extend([
                String::from("CONFIG"),
                "SET".into(),
                self.rng.pick(&["list-max-listpack-size", "list-max-ziplist-size"]).into(),
                self.rng.pick(FILLS).into(),
            ]),
            _ => {
                // Read the whole list: the state must be the same.
                c.extend([String::from("LRANGE"), key, "0".into(), "-1".into()]);
            }
        }
        // Now and then a dropped or extra argument, for arity errors (not for
        // CONFIG SET: its argument errors are no list matter).
        if c[0] == "CONFIG" {
            return (c, blocking);
        }
        match self.rng.below(100) {
            0 if c.len() > 1 => {
                c.pop();
            }
            1 if !blocking => c.push("extra".into()),
            _ => {}
        }
        (c, blocking)
    }
}

fn cmd(words: &[&str]) -> Vec<Vec<u8>> {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// Runs the random stream, one command at a time or in pipelines, then
/// compares what is left.
fn run(d: &mut Differ, pipelined: bool) {
    let mode = if pipelined { "list pipelines" } else { "list stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, DEFAULT_COUNT);
    let mut g = Gen { rng: Rng(run.seed) };
    let next = || match g.command() {
        (c, true) => Generated::solo(c),
        (c, false) => Generated::any(c),
    };
    run.run(d, next, |_, _| false);
    for key in LIST_KEYS.iter().chain(STRING_KEYS) {
        d.check(&cmd(&["TYPE", key]));
        d.check(&cmd(&["LRANGE", key, "0", "-1"]));
    }
    d.check(&cmd(&["DBSIZE"]));
}

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "lists", &[], &["--hz", "500"])
}

differential_runs!(differ, run, lists_one_shard, lists_two_shards, lists_pipelined_two_shards);
