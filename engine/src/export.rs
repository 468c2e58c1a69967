//! A value as the commands that rebuild it, in bounded steps: how slotd's
//! native slot migration sends a key to another node. A string is a SET
//! (then APPENDs), a collection HSET / SADD / ZADD / RPUSH commands of a
//! bounded size, and an expiring key ends with PEXPIREAT. A step writes about
//! `budget_bytes` and says where the next one resumes, so a collection of
//! millions of elements goes out in many small commands, between which its
//! shard serves other clients; the caller keeps writes to the key waiting
//! meanwhile, so positions stay valid.
//!
//! Positions are per type: a byte offset (strings), an element index (lists,
//! listpack hashes, sorted sets by rank, intsets), or a bucket index (hash and
//! set tables, which do not change while the key is being exported).

use crate::keyspace::hash::Hash;
use crate::keyspace::set::Set;
use crate::keyspace::value::StrRef;
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
    let next = match value {
        Value::Int(n) => c.string(StrRef::from_i64(*n).as_bytes(), pos),
        Value::Str(s) => c.string(s.as_bytes(), pos),
        Value::Raw(r) => c.string(r, pos),
        Value::List(l) => {
            let start = pos as usize;
            c.elements(b"RPUSH", start, l.len(), l.iter_from(start).map(|e| [e]))
        }
        Value::Hash(Hash::Listpack(lp)) => {
            let start = pos as usize;
            let pairs = lp.pairs().skip(start).map(|(f, v)| [f, v]);
            c.elements(b"HSET", start, lp.len(), pairs.map(|p| p.map(|s| s.as_bytes().to_vec())))
        }
        Value::Hash(Hash::Table(t)) => {
            let start = pos as usize;
            let n = t.num_buckets();
            let pairs = (start..n).map(|i| t.bucket(i).map(|p| [p.field(), p.value()]));
            c.buckets(b"HSET", start, n, pairs)
        }
        Value::Set(set) => match &**set {
            Set::Ints(ints) => {
                let start = pos as usize;
                let members =
                    ints.iter().skip(start).map(|m| [StrRef::from_i64(m).as_bytes().to_vec()]);
                c.elements(b"SADD", start, ints.len(), members)
            }
            Set::Table(t) => {
                let start = pos as usize;
                let n = t.num_buckets();
                c.buckets(b"SADD", start, n, (start..n).map(|i| t.bucket(i).map(|m| [m])))
            }
        },
        Value::ZSet(z) => {
            let start = pos as usize;
            let mut items: Vec<[Vec<u8>; 2]> = Vec::new();
            let mut bytes = 0;
            z.walk(start, z.len(), false, |m, score| {
                bytes += m.len() + 24;
                items.push([crate::resp::reply::format_double(score).into_bytes(), m.to_vec()]);
                items.len() < MAX_ELEMENTS_PER_COMMAND && bytes < c.budget_bytes
            });
            c.elements(b"ZADD", start, z.len(), items.into_iter())
        }
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
    /// (each element one or more arguments), within the budget.
    fn elements<A: AsRef<[u8]>, const N: usize>(
        &mut self,
        verb: &[u8],
        start: usize,
        len: usize,
        items: impl Iterator<Item = [A; N]>,
    ) -> Option<u64> {
        let mut taken = Vec::new();
        let mut bytes = 0;
        for item in items {
            bytes += item.iter().map(|a| a.as_ref().len() + 16).sum::<usize>();
            taken.push(item);
            if taken.len() >= MAX_ELEMENTS_PER_COMMAND || bytes >= self.budget_bytes {
                break;
            }
        }
        let next = start + taken.len();
        let mut args: Vec<&[u8]> = vec![verb, self.key];
        args.extend(taken.iter().flat_map(|i| i.iter().map(AsRef::as_ref)));
        if args.len() > 2 {
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
