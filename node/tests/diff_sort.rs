//! Differential test of SORT and SORT_RO: a seeded random stream over lists,
//! sets and sorted sets, with BY and GET patterns (string keys, hash fields,
//! `#`, `nosort`), LIMIT, ASC/DESC, ALPHA and STORE, valid and invalid, sent
//! to slotd (1 and 2 shards) and to redis-server 7.0, replies compared.
//!
//! Every key carries one of two hash tags, and patterns use the tag of the
//! key sorted (`{u}w_*` for `{u}l1`), so that the keys they name are on the
//! sorted key's shard however many shards there are. STORE goes to a key of
//! the same tag when patterns are read; without patterns, to either tag, so
//! that on 2 shards the destination may be on another shard.
//!
//! Replies are compared byte for byte, except where Redis's order is not
//! fixed: ALPHA with a BY pattern leaves ties (missing or equal BY values) in
//! the input order, which for sets and sorted sets is a hash table's; and BY
//! nosort leaves a set in its hash table's order. Those are compared as
//! unordered groups (of one element per GET), or by length with a LIMIT;
//! after such a STORE both servers get redis-server's stored list. Numbers
//! that overflow (1e400) are left out: Redis never clears `errno`, so after
//! one every numeric SORT of that server fails.
//!
//! `sort_pattern_keys_on_other_shards` shows the other side on slotd alone:
//! pattern keys of another shard are refused with Redis's cluster-mode errors.
//!
//! `SLOTD_DIFF_SEED` picks the seed, `SLOTD_DIFF_COUNT` the number of
//! commands per run (default 100000). Run: `cargo test -p node --test
//! diff_sort -- --nocapture`.

mod common;
#[path = "common/diff.rs"]
mod diff;

use diff::{same_unordered, Differ, Generated, Outcome, RandomRun, Reply, Resp, RespConn, Rng};

const DEFAULT_SEED: u64 = 0x5027_0001;
const DEFAULT_COUNT: usize = 100_000;

fn differ(shards: usize) -> Differ {
    Differ::for_shards(shards, "sort", &[], &[])
}

const TAGS: &[&str] = &["{u}", "{v}"];
/// Sorted keys by type, after the tag.
const LISTS: &[&str] = &["l1", "l2"];
const SETS: &[&str] = &["s1", "s2"];
const ZSETS: &[&str] = &["z1"];
/// A string (WRONGTYPE) and a key never written.
const OTHERS: &[&str] = &["str", "none"];
/// STORE destinations (after the tag), besides the sorted keys.
const DESTS: &[&str] = &["d1", "d2"];

/// Elements that are numbers to `strtod`: integers, floats, odd forms.
const NUMBERS: &[&str] = &[
    "0", "1", "2", "3", "5", "8", "10", "-1", "-7", "1.5", "-0.5", "2e1", "0x10", " 7", "", "inf",
    "-inf", "01", "1.0",
];
/// Elements that are not (a numeric SORT of them fails).
const WORDS: &[&str] = &["a", "B", "b", "ab", "nan", "x1"];
/// Values of the BY keys: numbers, and words for ALPHA or errors.
const VALUES: &[&str] = &["0", "1", "2", "-3", "4.5", "10", "x", "Y", "y", "", "7", "7"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn pick(&mut self, xs: &[&str]) -> String {
        self.rng.pick(xs).to_string()
    }

    fn tag(&mut self) -> String {
        self.pick(TAGS)
    }

    fn element(&mut self) -> String {
        match self.rng.below(10) {
            0..=5 => self.pick(NUMBERS),
            6..=8 => self.rng.range(-20, 40).to_string(),
            _ => self.pick(WORDS),
        }
    }

    /// Elements for `name`: keys whose name ends in 1 hold numbers only, so
    /// that numeric sorts of them succeed.
    fn elements(&mut self, name: &str, max: usize) -> Vec<String> {
        let n = 1 + self.rng.below(max);
        let numbers_only = name.ends_with('1');
        (0..n)
            .map(|_| loop {
                let e = self.element();
                if !numbers_only || !WORDS.contains(&e.as_str()) {
                    break e;
                }
            })
            .collect()
    }

    /// A key to sort, mostly of the three types.
    fn sorted_key(&mut self, tag: &str) -> String {
        let names = match self.rng.below(20) {
            0..=6 => LISTS,
            7..=12 => SETS,
            13..=17 => ZSETS,
            _ => OTHERS,
        };
        format!("{tag}{}", self.pick(names))
    }

    fn by(&mut self, tag: &str) -> String {
        match self.rng.below(6) {
            0 | 1 => format!("{tag}w_*"),
            2 => format!("{tag}h_*->f"),
            3 => format!("{tag}h_*->g"),
            4 => "nosort".into(),
            _ => format!("{tag}nokey_*"),
        }
    }

    fn get(&mut self, tag: &str) -> String {
        match self.rng.below(8) {
            0 | 1 => "#".into(),
            2 | 3 => format!("{tag}w_*"),
            4 => format!("{tag}h_*->f"),
            5 => format!("{tag}h_*->g"),
            6 => format!("{tag}nokey_*"),
            _ => "nostar".into(),
        }
    }

    fn sort(&mut self) -> Vec<String> {
        let tag = self.tag();
        let name = if self.rng.chance(25) { "SORT_RO" } else { "SORT" };
        let mut c = vec![name.to_string(), self.sorted_key(&tag)];
        let mut reads_patterns = false;
        for _ in 0..self.rng.below(5) {
            match self.rng.below(9) {
                0 | 1 => {
                    let by = self.by(&tag);
                    reads_patterns |= by.contains('*');
                    c.extend(["BY".into(), by]);
                }
                2 => {
                    let count = self.rng.range(-1, 6).to_string();
                    c.extend(["LIMIT".into(), self.rng.range(-1, 6).to_string(), count]);
                }
                3 | 4 => {
                    let get = self.get(&tag);
                    reads_patterns |= get.contains('*');
                    c.extend(["GET".into(), get]);
                }
                5 => c.push(self.pick(&["ASC", "DESC", "desc"])),
                6 => c.push("ALPHA".into()),
                7 => c.push(self.pick(&["foo", "LIMIT", "BY", "GET"])),
                _ => {
                    let (limit, bad) = (self.rng.range(0, 3).to_string(), self.pick(&["x", "1.5"]));
                    c.extend(["LIMIT".into(), limit, bad]);
                }
            }
        }
        if self.rng.chance(30) {
            let dest_tag = if reads_patterns { tag } else { self.tag() };
            let dest = if self.rng.chance(80) { self.pick(DESTS) } else { self.pick(LISTS) };
            c.extend(["STORE".into(), format!("{dest_tag}{dest}")]);
        } else if self.rng.chance(2) {
            c.push("STORE".into());
        }
        c
    }

    fn command(&mut self) -> Vec<String> {
        let tag = self.tag();
        let s = |x: &str| x.to_string();
        match self.rng.below(100) {
            0..=39 => self.sort(),
            40..=47 => {
                let name = self.pick(LISTS);
                [vec![s("RPUSH"), format!("{tag}{name}")], self.elements(&name, 4)].concat()
            }
            48..=55 => {
                let name = self.pick(SETS);
                [vec![s("SADD"), format!("{tag}{name}")], self.elements(&name, 4)].concat()
            }
            56..=61 => {
                let name = self.pick(ZSETS);
                let mut c = vec![s("ZADD"), format!("{tag}{name}")];
                for e in self.elements(&name, 3) {
                    c.push(self.rng.range(-3, 3).to_string());
                    c.push(e);
                }
                c
            }
            62..=71 => {
                let key = format!("{tag}w_{}", self.element());
                vec![s("SET"), key, self.pick(VALUES)]
            }
            72..=77 => {
                let key = format!("{tag}h_{}", self.element());
                vec![s("HSET"), key, self.pick(&["f", "g"]), self.pick(VALUES)]
            }
            78..=81 => {
                let key = format!("{tag}{}", self.pick(&[LISTS, SETS, ZSETS, DESTS].concat()));
                vec![s("DEL"), key]
            }
            82..=83 => vec![s("DEL"), format!("{tag}w_{}", self.element())],
            84..=87 => {
                let key = format!("{tag}{}", self.pick(&[LISTS, DESTS].concat()));
                vec![s("LRANGE"), key, s("0"), s("-1")]
            }
            88..=91 => {
                let key = format!("{tag}{}", self.pick(&[ZSETS, DESTS, SETS].concat()));
                vec![s("OBJECT"), s("ENCODING"), key]
            }
            92..=93 => vec![s("TYPE"), format!("{tag}{}", self.pick(&[DESTS, LISTS].concat()))],
            94 => vec![s("SET"), format!("{tag}str"), s("v")],
            95 => vec![s("SREM"), format!("{tag}{}", self.pick(SETS)), self.element()],
            96 => vec![s("LPOP"), format!("{tag}{}", self.pick(LISTS))],
            97 => vec![s("SORT")],
            _ => vec![s("SORT_RO")],
        }
    }

    fn generated(&mut self) -> Generated {
        let c = self.command();
        if may_be_unordered(&c) {
            Generated::solo(c)
        } else {
            Generated::any(c)
        }
    }
}

/// What a SORT command asks for, as far as the comparison cares.
struct Shape {
    alpha: bool,
    /// BY with a `*`.
    by_pattern: bool,
    nosort: bool,
    limit: bool,
    gets: usize,
    store: Option<Vec<u8>>,
}

fn shape(args: &[Vec<u8>]) -> Shape {
    let is = |i: usize, w: &str| args.get(i).is_some_and(|a| a.eq_ignore_ascii_case(w.as_bytes()));
    let mut s = Shape {
        alpha: false,
        by_pattern: false,
        nosort: false,
        limit: false,
        gets: 0,
        store: None,
    };
    let mut i = 2;
    while i < args.len() {
        if is(i, "alpha") {
            s.alpha = true;
        } else if is(i, "by") && i + 1 < args.len() {
            // The last BY is the pattern; any BY without `*` means nosort.
            s.by_pattern = args[i + 1].contains(&b'*');
            s.nosort |= !s.by_pattern;
            i += 1;
        } else if is(i, "get") && i + 1 < args.len() {
            s.gets += 1;
            i += 1;
        } else if is(i, "store") && i + 1 < args.len() {
            s.store = Some(args[i + 1].clone());
            i += 1;
        } else if is(i, "limit") {
            s.limit = true;
            i += 2;
        }
        i += 1;
    }
    s.by_pattern &= !s.nosort;
    s
}

fn is_sort(args: &[Vec<u8>]) -> bool {
    args.len() >= 2
        && (args[0].eq_ignore_ascii_case(b"sort") || args[0].eq_ignore_ascii_case(b"sort_ro"))
}

/// Whether a command's reply may be in an order Redis leaves open.
fn may_be_unordered(c: &[String]) -> bool {
    let args: Vec<Vec<u8>> = c.iter().map(|w| w.as_bytes().to_vec()).collect();
    if !is_sort(&args) {
        return false;
    }
    let s = shape(&args);
    (s.alpha && s.by_pattern) || s.nosort
}

fn call(redis: &mut RespConn, args: &[&[u8]]) -> Reply {
    let args: Vec<Vec<u8>> = args.iter().map(|a| a.to_vec()).collect();
    redis.call(&args).expect("redis-server answers")
}

/// Sends one command alone, choosing the comparison its reply needs.
fn check_one(d: &mut Differ, redis: &mut RespConn, args: &[Vec<u8>]) -> Outcome {
    if !is_sort(args) {
        return d.check(args);
    }
    let s = shape(args);
    let kind = call(redis, &[b"TYPE", &args[1]]).value.as_bytes().unwrap_or_default().to_vec();
    let unordered = match kind.as_slice() {
        b"set" => (s.alpha && s.by_pattern) || (s.nosort && s.store.is_none()),
        b"zset" => s.alpha && s.by_pattern,
        _ => false,
    };
    if !unordered {
        return d.check(args);
    }
    let group = s.gets.max(1);
    let outcome = d.check_by(args, &|r, g| {
        if s.limit {
            // Which elements a LIMIT keeps among ties is open too.
            matches!((&r.value, &g.value), (Resp::Agg(_, Some(x)), Resp::Agg(_, Some(y))) if x.len() == y.len())
                || (r.value.as_int().is_some() && r.value.as_int() == g.value.as_int())
        } else {
            same_unordered(r, g, group) || r.value.as_int().is_some_and(|n| g.value.as_int() == Some(n))
        }
    });
    if let Some(dest) = s.store {
        // Both servers go on from redis-server's stored list.
        let stored = call(redis, &[b"LRANGE", &dest, b"0", b"-1"]);
        d.unchecked(&[b"DEL".to_vec(), dest.clone()]);
        if let Resp::Agg(_, Some(items)) = &stored.value {
            if !items.is_empty() {
                let mut push = vec![b"RPUSH".to_vec(), dest];
                push.extend(items.iter().filter_map(|i| i.as_bytes().map(<[u8]>::to_vec)));
                d.unchecked(&push);
            }
        }
    }
    outcome
}

/// Runs the random stream, one command at a time or in pipelines, then
/// compares what every key holds.
fn run(d: &mut Differ, pipelined: bool) {
    stream(d, pipelined, DEFAULT_COUNT);
}

/// [`run`] with `count` commands unless `SLOTD_DIFF_COUNT` says otherwise.
fn stream(d: &mut Differ, pipelined: bool, count: usize) {
    let mode = if pipelined { "sort pipelines" } else { "sort stream" };
    let run = RandomRun::from_env(mode, pipelined, DEFAULT_SEED, count);
    let mut g = Gen { rng: Rng(run.seed) };
    let mut redis = RespConn::connect(d.redis_port()).expect("connect to redis-server");
    run.run_by(d, || g.generated(), |d, args| Some(check_one(d, &mut redis, args)));
    for tag in TAGS {
        for name in [LISTS, SETS, ZSETS, DESTS, OTHERS].concat() {
            let key = format!("{tag}{name}").into_bytes();
            d.check(&[b"TYPE".to_vec(), key.clone()]);
            d.check(&[b"OBJECT".to_vec(), b"ENCODING".to_vec(), key.clone()]);
            check_one(d, &mut redis, &[b"SORT".to_vec(), key, b"ALPHA".to_vec()]);
        }
    }
}

differential_runs!(differ, run, sort_one_shard, sort_two_shards, sort_pipelined_two_shards);

/// The harness against itself: two redis-servers (whose hash tables order
/// sets differently) must agree, which shows the unordered comparisons leave
/// nothing to chance.
#[test]
fn sort_harness_redis_against_redis() {
    let redis = || common::redis_server(&[]);
    let mut d = Differ::new(Box::new(redis), redis(), "redis vs redis (sort)");
    stream(&mut d, false, DEFAULT_COUNT / 10);
    d.finish();
}

/// A hash tag whose slot the given shard of 2 owns (slots split in halves).
fn tag_on_shard(shard: usize) -> String {
    (b'a'..=b'z')
        .map(|c| format!("{{{}}}", c as char))
        .find(|t| (engine::slot::key_slot(t.as_bytes()) as usize) * 2 / 16384 == shard)
        .expect("a tag on each half")
}

/// Pattern keys on the sorted key's shard are read; on another shard (or
/// from the scratch keyspace of a STORE to another shard) they are refused
/// with Redis's cluster-mode errors; on one shard everything is local.
#[test]
fn sort_pattern_keys_on_other_shards() {
    let (a, b) = (tag_on_shard(0), tag_on_shard(1));
    let by_denied = "-ERR BY option of SORT denied in Cluster mode.\r\n";
    let get_denied = "-ERR GET option of SORT denied in Cluster mode.\r\n";
    let cases: &[(&str, &str, &str)] = &[
        ("RPUSH <A>l 2 1", ":2\r\n", ":2\r\n"),
        ("MSET <A>w_1 x <B>w_1 y", "+OK\r\n", "+OK\r\n"),
        (
            "SORT <A>l BY <A>w_* ALPHA GET <A>w_*",
            "*2\r\n$-1\r\n$1\r\nx\r\n",
            "*2\r\n$-1\r\n$1\r\nx\r\n",
        ),
        ("SORT <A>l GET <B>w_*", "*2\r\n$1\r\ny\r\n$-1\r\n", get_denied),
        ("SORT <A>l BY <B>w_* ALPHA", "*2\r\n$1\r\n2\r\n$1\r\n1\r\n", by_denied),
        ("SORT <A>l GET # STORE <B>d", ":2\r\n", ":2\r\n"),
        ("LRANGE <B>d 0 -1", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ("SORT <A>l GET <A>w_* STORE <B>d", ":2\r\n", get_denied),
    ];
    for shards in [1, 2] {
        let server = common::slotd(shards, &[]);
        let mut conn = RespConn::connect(server.port).expect("connect to slotd");
        for (command, one, two) in cases {
            let command = command.replace("<A>", &a).replace("<B>", &b);
            let args: Vec<Vec<u8>> = command.split(' ').map(|w| w.as_bytes().to_vec()).collect();
            let got = conn.call(&args).expect("slotd answers");
            let want = if shards == 1 { one } else { two };
            assert_eq!(
                diff::show(&got.raw),
                diff::show(want.as_bytes()),
                "{command} on {shards} shards"
            );
        }
    }
}
