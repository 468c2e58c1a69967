//! Sorted set algebra: ZUNION, ZINTER, ZDIFF, their *STORE forms and
//! ZINTERCARD (Redis's `zunionInterDiffGenericCommand`).
//!
//! Order of work as in Redis: the key count, then every source key's type,
//! then the options (WEIGHTS, AGGREGATE, WITHSCORES, LIMIT). Union and
//! intersection visit the sources from the smallest (a stable sort, as
//! glibc's qsort is a merge sort), which fixes the order in which scores are
//! aggregated. A weighted score that is NaN (0 * inf) counts as 0, and so
//! does a sum of inf and -inf. Results are built in the large encoding and
//! moved to a listpack when they fit, as Redis. Plain sets are sources too
//! (Redis 7.0's `zuiInitIterator`): each member scores 1 before its weight.

use super::lookup::lookup_read;
use super::zset::{array_of_members, reply_member, store};
use super::zset_num::parse_score;
use crate::command::{Args, Ctx};
use crate::keyspace::zset::ZSet;
use crate::keyspace::{Set, Value};
use crate::num::parse_i64_strict;
use std::collections::HashMap;

/// Which operation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

/// Where the result goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    /// Replied as members (ZUNION, ZINTER, ZDIFF).
    Reply,
    /// Stored at the key at argument 1 (the *STORE forms).
    Store,
    /// Only counted (ZINTERCARD).
    Count,
}

pub(super) fn zunion(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Union, Output::Reply);
}

pub(super) fn zinter(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Inter, Output::Reply);
}

pub(super) fn zdiff(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Diff, Output::Reply);
}

pub(super) fn zunionstore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Union, Output::Store);
}

pub(super) fn zinterstore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Inter, Output::Store);
}

pub(super) fn zdiffstore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Diff, Output::Store);
}

pub(super) fn zintercard(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    generic(ctx, args, Op::Inter, Output::Count);
}

/// How scores of one member in several sources combine.
#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    fn apply(self, acc: &mut f64, v: f64) {
        match self {
            Aggregate::Sum => {
                *acc += v;
                if acc.is_nan() {
                    *acc = 0.0;
                }
            }
            Aggregate::Min => {
                if v < *acc {
                    *acc = v;
                }
            }
            Aggregate::Max => {
                if v > *acc {
                    *acc = v;
                }
            }
        }
    }
}

/// A source's score times its weight, NaN counting as 0.
fn weighted(score: f64, weight: f64) -> f64 {
    let v = score * weight;
    if v.is_nan() {
        0.0
    } else {
        v
    }
}

/// Options after the keys.
struct Options {
    weights: Vec<f64>,
    aggregate: Aggregate,
    withscores: bool,
    /// ZINTERCARD's LIMIT; 0: none.
    limit: u64,
}

/// Parses the options from argument `at`, replying the error when invalid.
fn parse_options(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    mut at: usize,
    n: usize,
    op: Op,
    output: Output,
) -> Option<Options> {
    let mut o =
        Options { weights: vec![1.0; n], aggregate: Aggregate::Sum, withscores: false, limit: 0 };
    let algebra = op != Op::Diff && output != Output::Count;
    while at < args.len() {
        let remaining = args.len() - at;
        if algebra && remaining > n && args.is(at, "weights") {
            for i in 0..n {
                match parse_score(args.get(at + 1 + i)) {
                    Some(w) => o.weights[i] = w,
                    None => {
                        ctx.out.error("ERR weight value is not a float");
                        return None;
                    }
                }
            }
            at += 1 + n;
        } else if algebra && remaining >= 2 && args.is(at, "aggregate") {
            o.aggregate = match &args.get(at + 1).to_ascii_lowercase()[..] {
                b"sum" => Aggregate::Sum,
                b"min" => Aggregate::Min,
                b"max" => Aggregate::Max,
                _ => {
                    ctx.out.syntax_error();
                    return None;
                }
            };
            at += 2;
        } else if output == Output::Reply && args.is(at, "withscores") {
            o.withscores = true;
            at += 1;
        } else if output == Output::Count && remaining >= 2 && args.is(at, "limit") {
            match parse_i64_strict(args.get(at + 1)) {
                Some(l) if l >= 0 => o.limit = l as u64,
                _ => {
                    ctx.out.error("ERR LIMIT can't be negative");
                    return None;
                }
            }
            at += 2;
        } else {
            ctx.out.syntax_error();
            return None;
        }
    }
    Some(o)
}

/// A source key's collection.
#[derive(Clone, Copy)]
enum Input<'a> {
    ZSet(&'a ZSet),
    /// A plain set: every member scores 1.
    Set(&'a Set),
}

/// One input of the operation: a sorted set or a set, or nothing (a missing key).
#[derive(Clone, Copy)]
struct Source<'a> {
    input: Option<Input<'a>>,
    weight: f64,
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self.input {
            Some(Input::ZSet(z)) => z.len(),
            Some(Input::Set(s)) => s.len(),
            None => 0,
        }
    }

    fn score(&self, member: &[u8]) -> Option<f64> {
        match self.input {
            Some(Input::ZSet(z)) => z.score(member),
            Some(Input::Set(s)) => s.contains(member).then_some(1.0),
            None => None,
        }
    }

    /// Calls `f` with each member and its (unweighted) score until it returns
    /// false: a sorted set in rank order, a set in its own.
    fn walk(&self, mut f: impl FnMut(&[u8], f64) -> bool) {
        match self.input {
            Some(Input::ZSet(z)) => z.walk(0, z.len(), false, f),
            Some(Input::Set(s)) => {
                for m in s.iter() {
                    if !f(m.text().as_bytes(), 1.0) {
                        break;
                    }
                }
            }
            None => {}
        }
    }

    /// Calls `f` with each member and its (unweighted) score.
    fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        self.walk(|m, s| {
            f(m, s);
            true
        });
    }
}

fn generic(ctx: &mut Ctx<'_>, args: &Args<'_>, op: Op, output: Output) {
    let numkeys_at = if output == Output::Store { 2 } else { 1 };
    let Some(n) = parse_i64_strict(args.get(numkeys_at)) else {
        return ctx.out.not_integer();
    };
    if n < 1 {
        let name = String::from_utf8_lossy(args.get(0)).to_ascii_lowercase();
        return ctx.out.error(&format!("ERR at least 1 input key is needed for '{name}' command"));
    }
    let first = numkeys_at + 1;
    if n as u64 > (args.len() - first) as u64 {
        return ctx.out.syntax_error();
    }
    let n = n as usize;
    let keys: Vec<&[u8]> = (first..first + n).map(|i| args.get(i)).collect();
    for key in &keys {
        let (found, out) = lookup_read(ctx, key);
        if found.is_some_and(|e| !matches!(e.value, Value::ZSet(_) | Value::Set(_))) {
            return out.wrong_type();
        }
    }
    let Some(opts) = parse_options(ctx, args, first + n, n, op, output) else { return };
    let (db, now) = (ctx.db, ctx.now_ms);
    let dbr = ctx.ks.db_ref(db);
    let mut sources: Vec<Source<'_>> = keys
        .iter()
        .zip(&opts.weights)
        .map(|(k, &weight)| {
            let input = match dbr.peek(k, now).map(|e| &e.value) {
                Some(Value::ZSet(z)) => Some(Input::ZSet(z)),
                Some(Value::Set(s)) => Some(Input::Set(s)),
                _ => None,
            };
            Source { input, weight }
        })
        .collect();
    if op != Op::Diff {
        sources.sort_by_key(|s| s.len());
    }
    if output == Output::Count {
        let count = intersect(&sources, opts.aggregate, opts.limit, |_, _| {});
        return ctx.out.int(count as i64);
    }
    let mut result = ZSet::new_sorted();
    let mut max_member_bytes = 0;
    let limits = ctx.cfg.zset_limits();
    let mut keep = |m: &[u8], s: f64| {
        max_member_bytes = max_member_bytes.max(m.len());
        result.insert_new(m, s, &limits);
    };
    match op {
        Op::Inter => {
            intersect(&sources, opts.aggregate, 0, &mut keep);
        }
        Op::Union => union(&sources, opts.aggregate, &mut keep),
        Op::Diff => diff(&sources, &mut keep),
    }
    if output == Output::Store {
        result.fit_listpack(max_member_bytes, &limits);
        return store(ctx, args.get(1), result);
    }
    let out = &mut ctx.out;
    array_of_members(out, result.len(), opts.withscores);
    result.for_each(|m, s| reply_member(out, m, s, opts.withscores));
}

/// Members in every source (sorted by size), with aggregated scores; stops
/// after `limit` (0: no limit). Returns how many were found.
fn intersect(
    sources: &[Source<'_>],
    agg: Aggregate,
    limit: u64,
    mut keep: impl FnMut(&[u8], f64),
) -> u64 {
    let mut found = 0;
    sources[0].walk(|m, s| {
        let mut score = weighted(s, sources[0].weight);
        for src in &sources[1..] {
            match src.score(m) {
                Some(v) => agg.apply(&mut score, v * src.weight),
                None => return true,
            }
        }
        keep(m, score);
        found += 1;
        limit == 0 || found < limit
    });
    found
}

/// Members of any source, with aggregated scores.
fn union(sources: &[Source<'_>], agg: Aggregate, mut keep: impl FnMut(&[u8], f64)) {
    let mut acc: HashMap<Vec<u8>, f64> =
        HashMap::with_capacity(sources.last().map_or(0, |s| s.len()));
    for src in sources {
        src.for_each(|m, s| {
            let v = weighted(s, src.weight);
            match acc.get_mut(m) {
                Some(score) => agg.apply(score, v),
                None => {
                    acc.insert(m.to_vec(), v);
                }
            }
        });
    }
    for (m, s) in acc {
        keep(&m, s);
    }
}

/// Members of the first source in none of the others, with their scores.
fn diff(sources: &[Source<'_>], mut keep: impl FnMut(&[u8], f64)) {
    sources[0].for_each(|m, s| {
        if !sources[1..].iter().any(|src| src.score(m).is_some()) {
            keep(m, s);
        }
    });
}
