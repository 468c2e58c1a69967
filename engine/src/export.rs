//! A value as the commands that rebuild it, in bounded steps: how slotd's
//! native slot migration sends a key to another node. A string is a SET
//! (then APPENDs), a collection HSET / SADD / ZADD / RPUSH commands of a
//! bounded size, and an expiring key ends with PEXPIREAT. A step writes about
//! `budget_bytes` and says where the next one resumes, so a collection of
//! millions of elements goes out in many small commands, between which its
//! shard serves other clients; the caller keeps writes to the key waiting
//! meanwhile, so positions stay valid.
//!
//! A collection kept in a hash table that needs more than one command starts
//! with `CLUSTER SYNCSLOTS RESERVE key hash|set|zset count` (a slotd target
//! only): the target builds the empty collection off its shards
//! ([`reserved_collection`]) and the first command fills it, instead of
//! growing its table by rehashing.
//!
//! Positions are per type: a byte offset (strings), an element index (lists,
//! listpack hashes, sorted sets by rank, intsets), or a bucket index (hash and
//! set tables, which do not change while the key is being exported).

use crate::config::EngineConfig;
use crate::keyspace::hash::Hash;
use crate::keyspace::set::Set;
use crate::keyspace::value::StrRef;
use crate::keyspace::zset::ZSet;
use crate::keyspace::Value;

/// Most elements (pairs for hashes) in one command.
const MAX_ELEMENTS_PER_COMMAND: usize = 1024;
/// Strings up to this size go in one SET whatever the budget (so that the
/// target encodes them as the source did: int, embstr or raw).
const MIN_STRING_CHUNK_BYTES: usize = 64 * 1024;

/// Where the export of one key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// More to send from this position.
    At(u64),
    /// The key is complete on the target.
    Done,
}

/// Emits, through `emit`, the commands rebuilding `key` from position `pos`
/// (0 to start; the first step of a collection creates it, so the target
/// must not hold the key, or the caller sends DEL first), writing about
/// `budget_bytes` of arguments. The last step adds PEXPIREAT when the key
/// expires at `expire_at_ms`.
pub fn export_step(
    key: &[u8],
    value: &Value,
    expire_at_ms: Option<u64>,
    pos: u64,
    budget_bytes: usize,
    emit: &mut dyn FnMut(&[&[u8]]),
) -> Step {
    let mut c = Chunker { key, budget_bytes: budget_bytes.max(1), emit };
    if pos == 0 {
        if let Some((kind, n)) = in_table(value).filter(|&(_, n)| n > MAX_ELEMENTS_PER_COMMAND) {
            let n = n.to_string();
            (c.emit)(&[b"CLUSTER", b"SYNCSLOTS", b"RESERVE", key, kind, n.as_bytes()]);
        }
    }
    let start = pos as usize;
    let next = match value {
        Value::Int(n) => c.string(StrRef::from_i64(*n).as_bytes(), pos),
        Value::Str(s) => c.string(s.as_bytes(), pos),
        Value::Raw(r) => c.string(r, pos),
        Value::List(l) => c.elements(b"RPUSH", start, l.len(), |p| {
            for e in l.iter_from(start) {
                p.arg(e);
                if p.end_element() {
                    break;
                }
            }
        }),
        Value::Hash(Hash::Listpack(lp)) => c.elements(b"HSET", start, lp.len(), |p| {
            for (f, v) in lp.pairs().skip(start) {
                p.arg(f.as_bytes());
                p.arg(v.as_bytes());
                if p.end_element() {
                    break;
                }
            }
        }),
        Value::Hash(Hash::Table(t)) => {
            let n = t.num_buckets();
            let pairs = (start..n).map(|i| t.bucket(i).map(|p| [p.field(), p.value()]));
            c.buckets(b"HSET", start, n, pairs)
        }
        Value::Set(set) => match &**set {
            Set::Ints(ints) => c.elements(b"SADD", start, ints.len(), |p| {
                for m in ints.iter().skip(start) {
                    p.arg(StrRef::from_i64(m).as_bytes());
                    if p.end_element() {
                        break;
                    }
                }
            }),
            Set::Table(t) => {
                let n = t.num_buckets();
                c.buckets(b"SADD", start, n, (start..n).map(|i| t.bucket(i).map(|m| [m])))
            }
        },
        Value::ZSet(z) => c.elements(b"ZADD", start, z.len(), |p| {
            z.walk(start, z.len(), false, |m, score| {
                p.score(score);
                p.arg(m);
                !p.end_element()
            })
        }),
    };
    match next {
        Some(p) => Step::At(p),
        None => {
            if let Some(at) = expire_at_ms {
                let at = at.to_string();
                (c.emit)(&[b"PEXPIREAT", key, at.as_bytes()]);
            }
            Step::Done
        }
    }
}

/// The kind and element count of a collection kept in a hash table (the
/// encodings that rehash as they grow).
fn in_table(value: &Value) -> Option<(&'static [u8], usize)> {
    match value {
        Value::Hash(Hash::Table(t)) => Some((b"hash", t.len())),
        Value::Set(set) => matches!(**set, Set::Table(_)).then(|| (&b"set"[..], set.len())),
        Value::ZSet(z) => Some((b"zset", z.len())),
        _ => None,
    }
}

/// Largest reservation honoured, in elements (a table of 2^24 pointers is
/// 128 MiB): a bigger collection grows from there as usual.
pub const MAX_RESERVED_ELEMENTS: usize = 1 << 24;

/// The empty collection `RESERVE key kind count` asks for, sized for `count`
/// elements (at most [`MAX_RESERVED_ELEMENTS`]); None for an unknown kind.
/// Allocating and clearing a table of millions of buckets takes ~20 ms, so
/// a target builds it on a thread of its own.
pub fn reserved_collection(kind: &[u8], count: usize, cfg: &EngineConfig) -> Option<Value> {
    let n = count.min(MAX_RESERVED_ELEMENTS);
    match kind.to_ascii_lowercase().as_slice() {
        b"hash" => Some(Value::Hash(Hash::with_capacity(n, cfg.hash_limits()))),
        b"set" => Some(Value::Set(Box::new(Set::new_table(n)))),
        b"zset" => Some(Value::ZSet(Box::new(ZSet::with_len_hint(n, &cfg.zset_limits())))),
        _ => None,
    }
}

/// The arguments of one command's elements, back to back in one buffer (no
/// allocation per element).
#[derive(Default)]
struct Packed {
    bytes: Vec<u8>,
    /// Where each argument ends in `bytes`.
    ends: Vec<usize>,
    elements: usize,
    budget_bytes: usize,
}

impl Packed {
    fn arg(&mut self, a: &[u8]) {
        self.bytes.extend_from_slice(a);
        self.ends.push(self.bytes.len());
    }

    /// A score, in the shortest text that reads back as the same double:
    /// integers as such, others in exponent form (`1.25e-1`), `inf`, `-inf`.
    fn score(&mut self, score: f64) {
        use std::io::Write;
        if score.fract() == 0.0 && score.abs() < 1e15 && !(score == 0.0 && score.is_sign_negative())
        {
            self.bytes.extend_from_slice(StrRef::from_i64(score as i64).as_bytes());
        } else {
            write!(self.bytes, "{score:e}").expect("writing to a Vec");
        }
        self.ends.push(self.bytes.len());
    }

    /// Ends an element (its arguments pushed); true when the command is
    /// full: `MAX_ELEMENTS_PER_COMMAND` elements or the byte budget.
    fn end_element(&mut self) -> bool {
        self.elements += 1;
        self.elements >= MAX_ELEMENTS_PER_COMMAND
            || self.bytes.len() + 16 * self.ends.len() >= self.budget_bytes
    }
}

/// Writes one step's commands for one key.
struct Chunker<'a, 'e> {
    key: &'a [u8],
    budget_bytes: usize,
    emit: &'e mut dyn FnMut(&[&[u8]]),
}

impl Chunker<'_, '_> {
    /// SET with the first part, APPEND with the next ones.
    fn string(&mut self, s: &[u8], pos: u64) -> Option<u64> {
        let start = (pos as usize).min(s.len());
        let end = s.len().min(start + self.budget_bytes.max(MIN_STRING_CHUNK_BYTES));
        let verb: &[u8] = if start == 0 { b"SET" } else { b"APPEND" };
        (self.emit)(&[verb, self.key, &s[start..end]]);
        (end < s.len()).then_some(end as u64)
    }

    /// One command of `verb` with the elements from index `start` of `len`
    /// that `fill` packs (it stops when [`Packed::end_element`] says the
    /// command is full).
    fn elements(
        &mut self,
        verb: &[u8],
        start: usize,
        len: usize,
        fill: impl FnOnce(&mut Packed),
    ) -> Option<u64> {
        let mut packed = Packed { budget_bytes: self.budget_bytes, ..Packed::default() };
        fill(&mut packed);
        let next = start + packed.elements;
        if packed.elements > 0 {
            let mut args: Vec<&[u8]> = Vec::with_capacity(2 + packed.ends.len());
            args.extend([verb, self.key]);
            let mut from = 0;
            for &end in &packed.ends {
                args.push(&packed.bytes[from..end]);
                from = end;
            }
            (self.emit)(&args);
        }
        (next < len).then_some(next as u64)
    }

    /// One command of `verb` with the elements of the buckets from `start` of
    /// `n` (empty buckets are None), within the budget.
    fn buckets<'v, const N: usize>(
        &mut self,
        verb: &[u8],
        start: usize,
        n: usize,
        buckets: impl Iterator<Item = Option<[&'v [u8]; N]>>,
    ) -> Option<u64> {
        let mut args: Vec<&[u8]> = vec![verb, self.key];
        let (mut bytes, mut count, mut next) = (0, 0, start);
        for bucket in buckets {
            next += 1;
            if let Some(item) = bucket {
                bytes += item.iter().map(|a| a.len() + 16).sum::<usize>();
                args.extend_from_slice(&item);
                count += 1;
            }
            if count >= MAX_ELEMENTS_PER_COMMAND || bytes >= self.budget_bytes {
                break;
            }
        }
        if args.len() > 2 {
            (self.emit)(&args);
        }
        (next < n).then_some(next as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::test_util::run;
    use crate::keyspace::Keyspace;

    const NOW: u64 = 1_700_000_000_000;

    /// Exports `key` of `from` step by step with `budget` into `to`,
    /// returning the number of commands.
    fn copy_key(from: &mut Keyspace, to: &mut Keyspace, key: &[u8], budget: usize) -> usize {
        let mut cmds: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut pos = 0;
        loop {
            let e = from.db(0).get(key, NOW).expect("the key exists");
            let mut emit = |args: &[&[u8]]| cmds.push(args.iter().map(|a| a.to_vec()).collect());
            match export_step(key, &e.value, e.expire_at_ms(), pos, budget, &mut emit) {
                Step::At(p) => {
                    assert!(
                        p > pos,
                        "a step makes progress: {} at {pos}",
                        String::from_utf8_lossy(key)
                    );
                    pos = p;
                }
                Step::Done => break,
            }
        }
        for c in &cmds {
            let args: Vec<&str> = c.iter().map(|a| std::str::from_utf8(a).unwrap()).collect();
            if let ["CLUSTER", "SYNCSLOTS", "RESERVE", k, kind, n] = args[..] {
                // What the target's SYNCSLOTS RESERVE does.
                let cfg = EngineConfig::default();
                let empty = reserved_collection(kind.as_bytes(), n.parse().unwrap(), &cfg);
                to.db(0).reserve(k.as_bytes(), empty.expect("a known kind"));
                continue;
            }
            let reply = run(to, NOW, &args);
            assert_ne!(reply.first(), Some(&b'-'), "{args:?}: {}", String::from_utf8_lossy(&reply));
        }
        cmds.len()
    }

    /// The bulk strings of an array reply, in order.
    fn bulks(reply: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = reply;
        while let Some(i) = rest.iter().position(|&c| c == b'\n') {
            let line = &rest[..i - 1];
            rest = &rest[i + 1..];
            if let Some(len) = line.strip_prefix(b"$") {
                let n: usize = std::str::from_utf8(len).unwrap().parse().unwrap();
                out.push(rest[..n].to_vec());
                rest = &rest[n + 2..];
            }
        }
        out
    }

    /// Buckets of the table holding `key`'s elements (hash or set).
    fn table_buckets(ks: &mut Keyspace, key: &str) -> usize {
        match &ks.db(0).get(key.as_bytes(), NOW).expect("the key exists").value {
            Value::Hash(Hash::Table(t)) => t.num_buckets(),
            Value::Set(s) => match &**s {
                Set::Table(t) => t.num_buckets(),
                Set::Ints(_) => panic!("{key} is an intset"),
            },
            _ => panic!("{key} has no table"),
        }
    }

    #[test]
    fn big_tables_are_reserved_before_their_first_command() {
        let mut src = Keyspace::new(1);
        for i in 0..3000 {
            let f = format!("field:{i}");
            run(&mut src, NOW, &["HSET", "h", &f, "v"]);
            run(&mut src, NOW, &["SADD", "s", &f]);
            run(&mut src, NOW, &["ZADD", "z", "1", &f]);
            run(&mut src, NOW, &["RPUSH", "l", &f]);
        }
        for key in ["h", "s", "z", "l"] {
            let e = src.db(0).get(key.as_bytes(), NOW).unwrap();
            let mut first: Option<Vec<Vec<u8>>> = None;
            export_step(key.as_bytes(), &e.value, None, 0, 1 << 20, &mut |args| {
                first.get_or_insert_with(|| args.iter().map(|a| a.to_vec()).collect());
            });
            let first = first.expect("a command");
            let reserves =
                first[..3] == [b"CLUSTER".to_vec(), b"SYNCSLOTS".to_vec(), b"RESERVE".to_vec()];
            assert_eq!(reserves, ["h", "s", "z"].contains(&key), "{key}: {first:?}");
            if reserves {
                let kind = if key == "h" {
                    "hash"
                } else if key == "s" {
                    "set"
                } else {
                    "zset"
                };
                assert_eq!(first[3..], [key.as_bytes(), kind.as_bytes(), b"3000"]);
            }
        }
        // The reservation sizes the table its key is created with, once.
        let mut dst = Keyspace::new(1);
        let cfg = EngineConfig::default();
        assert!(reserved_collection(b"list", 100_000, &cfg).is_none());
        for (key, kind) in [("h", "hash"), ("s", "set"), ("wrong", "set")] {
            let empty = reserved_collection(kind.as_bytes(), 100_000, &cfg).unwrap();
            dst.db(0).reserve(key.as_bytes(), empty);
        }
        run(&mut dst, NOW, &["HSET", "h", "f", "v"]);
        run(&mut dst, NOW, &["SADD", "s", "m"]);
        run(&mut dst, NOW, &["HSET", "h2", "f", "v"]);
        run(&mut dst, NOW, &["HSET", "wrong", "f", "v"]);
        assert!(table_buckets(&mut dst, "h") >= 100_000);
        assert!(table_buckets(&mut dst, "s") >= 100_000);
        assert!(dst.db(0).take_reserved(b"h").is_none(), "taken by the HSET");
        assert!(dst.db(0).take_reserved(b"wrong").is_none(), "taken, of the wrong kind");
        assert_eq!(run(&mut dst, NOW, &["OBJECT", "ENCODING", "wrong"]), b"$8\r\nlistpack\r\n");
        run(&mut dst, NOW, &["DEL", "s"]);
        run(&mut dst, NOW, &["SADD", "s", "m"]);
        assert!(table_buckets(&mut dst, "s") < 100);
    }

    fn same_key(a: &mut Keyspace, b: &mut Keyspace, key: &str) {
        for probe in [
            vec!["TYPE", key],
            vec!["OBJECT", "ENCODING", key],
            vec!["PEXPIRETIME", key],
            vec!["GET", key],
            vec!["LRANGE", key, "0", "-1"],
            vec!["ZRANGE", key, "0", "-1", "WITHSCORES"],
        ] {
            assert_eq!(run(a, NOW, &probe), run(b, NOW, &probe), "{probe:?}");
        }
        let pairs = |k: &mut Keyspace| {
            let mut p: Vec<Vec<Vec<u8>>> =
                bulks(&run(k, NOW, &["HGETALL", key])).chunks(2).map(<[_]>::to_vec).collect();
            p.sort();
            p
        };
        assert_eq!(pairs(a), pairs(b), "HGETALL {key}");
        let members = |k: &mut Keyspace| {
            let mut m = bulks(&run(k, NOW, &["SMEMBERS", key]));
            m.sort();
            m
        };
        assert_eq!(members(a), members(b), "SMEMBERS {key}");
    }

    #[test]
    fn every_type_rebuilds_the_same_value_in_small_steps() {
        let mut src = Keyspace::new(1);
        let big = "x".repeat(200_000);
        let setup: Vec<Vec<String>> = vec![
            vec!["SET".into(), "s:int".into(), "-12345".into()],
            vec!["SET".into(), "s:big".into(), big.clone()],
            vec![
                "SET".into(),
                "s:ttl".into(),
                "v".into(),
                "PXAT".into(),
                (NOW + 50_000).to_string(),
            ],
        ];
        for c in &setup {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            run(&mut src, NOW, &args);
        }
        for i in 0..3000 {
            let (i, f) = (i.to_string(), format!("field:{i}"));
            run(&mut src, NOW, &["RPUSH", "l:big", &i]);
            run(&mut src, NOW, &["HSET", "h:big", &f, &i]);
            run(&mut src, NOW, &["SADD", "set:big", &f]);
            run(&mut src, NOW, &["ZADD", "z:big", &format!("{}.25", i), &f]);
            if i.len() == 1 {
                run(&mut src, NOW, &["RPUSH", "l:small", &i]);
                run(&mut src, NOW, &["HSET", "h:small", &f, &i]);
                run(&mut src, NOW, &["SADD", "set:ints", &i]);
                run(&mut src, NOW, &["SADD", "set:small", &f]);
                run(&mut src, NOW, &["ZADD", "z:small", "-inf", &f]);
            }
        }
        for score in ["-0", "1e300", "-1e-300", "inf", "-inf", "0.1", "3.0000000000000004", "1e15"]
        {
            run(&mut src, NOW, &["ZADD", "z:odd", score, score]);
        }
        run(&mut src, NOW, &["PEXPIREAT", "h:big", &(NOW + 99_000).to_string()]);
        let keys = [
            "s:int",
            "s:big",
            "s:ttl",
            "l:big",
            "l:small",
            "h:big",
            "h:small",
            "set:big",
            "set:ints",
            "set:small",
            "z:big",
            "z:small",
            "z:odd",
        ];
        for budget in [1, 100, 4096, 1 << 20] {
            let mut dst = Keyspace::new(1);
            for key in keys {
                let n = copy_key(&mut src, &mut dst, key.as_bytes(), budget);
                if budget == 100 && key.ends_with(":big") {
                    // 200 kB in 64 kB parts; 3000 elements in ~100-byte parts.
                    let least = if key == "s:big" { 4 } else { 30 };
                    assert!(n >= least, "{key} went out in {n} commands");
                }
                same_key(&mut src, &mut dst, key);
            }
        }
    }
}
