//! Sorted set ranges: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT,
//! WITHSCORES) and its older spellings, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and
//! the ZREMRANGEBY* commands.
//!
//! Every range becomes a window of ranks `lo..hi` found in O(log n) on the
//! large encoding (a score or lex bound is a partition point of the order),
//! then walked forwards or backwards. Lex ranges assume what Redis assumes:
//! all members of the set have the same score.

use super::zset::{array_of_members, delete_if_empty, read_zset, reply_member, store, write_zset};
use super::zset_num::parse_bound_number;
use crate::command::{Args, Ctx};
use crate::keyspace::zset::ZSet;
use crate::num::parse_i64_strict;

/// A score bound: `1.5`, `(1.5` (exclusive), `-inf`, `+inf`.
#[derive(Clone, Copy)]
struct ScoreBound {
    value: f64,
    exclusive: bool,
}

impl ScoreBound {
    fn parse(arg: &[u8]) -> Option<ScoreBound> {
        match arg.strip_prefix(b"(") {
            Some(rest) => Some(ScoreBound { value: parse_bound_number(rest)?, exclusive: true }),
            None => Some(ScoreBound { value: parse_bound_number(arg)?, exclusive: false }),
        }
    }
}

/// A lex bound: `-`, `+`, `[member` (inclusive), `(member` (exclusive).
#[derive(Clone, Copy)]
enum LexBound<'a> {
    Lowest,
    Highest,
    Incl(&'a [u8]),
    Excl(&'a [u8]),
}

impl<'a> LexBound<'a> {
    fn parse(arg: &'a [u8]) -> Option<LexBound<'a>> {
        // Redis reads a C string: `+` and `-` may be followed by a NUL byte.
        let alone = arg.len() == 1 || arg.get(1) == Some(&0);
        match arg.first()? {
            b'+' if alone => Some(LexBound::Highest),
            b'-' if alone => Some(LexBound::Lowest),
            b'(' => Some(LexBound::Excl(&arg[1..])),
            b'[' => Some(LexBound::Incl(&arg[1..])),
            _ => None,
        }
    }

    /// True when `m` lies before the range this bound starts.
    fn before_min(&self, m: &[u8]) -> bool {
        match *self {
            LexBound::Lowest => false,
            LexBound::Highest => true,
            LexBound::Incl(b) => m < b,
            LexBound::Excl(b) => m <= b,
        }
    }

    /// True when `m` is not past the range this bound ends.
    fn within_max(&self, m: &[u8]) -> bool {
        match *self {
            LexBound::Lowest => false,
            LexBound::Highest => true,
            LexBound::Incl(b) => m <= b,
            LexBound::Excl(b) => m < b,
        }
    }
}

/// A score or lex range.
#[derive(Clone, Copy)]
enum Range<'a> {
    Score(ScoreBound, ScoreBound),
    Lex(LexBound<'a>, LexBound<'a>),
}

/// Why a range did not parse.
const NOT_FLOAT: &str = "ERR min or max is not a float";
const NOT_LEX: &str = "ERR min or max not valid string range item";

impl<'a> Range<'a> {
    fn parse_score(min: &[u8], max: &[u8]) -> Result<Range<'a>, &'static str> {
        match (ScoreBound::parse(min), ScoreBound::parse(max)) {
            (Some(a), Some(b)) => Ok(Range::Score(a, b)),
            _ => Err(NOT_FLOAT),
        }
    }

    fn parse_lex(min: &'a [u8], max: &'a [u8]) -> Result<Range<'a>, &'static str> {
        match (LexBound::parse(min), LexBound::parse(max)) {
            (Some(a), Some(b)) => Ok(Range::Lex(a, b)),
            _ => Err(NOT_LEX),
        }
    }

    /// The ranks `lo..hi` of the members in the range.
    fn ranks(&self, z: &ZSet) -> (usize, usize) {
        let (lo, hi) = match *self {
            Range::Score(min, max) => (
                z.partition_point(
                    |_, s| if min.exclusive { s <= min.value } else { s < min.value },
                ),
                z.partition_point(
                    |_, s| if max.exclusive { s < max.value } else { s <= max.value },
                ),
            ),
            Range::Lex(min, max) => (
                z.partition_point(|m, _| min.before_min(m)),
                z.partition_point(|m, _| max.within_max(m)),
            ),
        };
        (lo, hi.max(lo))
    }
}

/// Clamps Redis-style inclusive indexes (negative from the end) to ascending
/// ranks `lo..hi`; None when the range is empty.
fn rank_window(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, (end.min(len - 1) + 1) as usize))
}

/// Which kind of range a ZRANGE-like command reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Not fixed by the command: ZRANGE's BYSCORE/BYLEX choose.
    Auto,
    Rank,
    Score,
    Lex,
}

/// What to do with the members found.
#[derive(Clone, Copy)]
enum Sink<'a> {
    Client,
    Store(&'a [u8]),
}

pub(super) fn zrange(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, args, Sink::Client, Kind::Auto, None);
}

pub(super) fn zrangestore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, &args.tail(1), Sink::Store(args.get(1)), Kind::Auto, None);
}

pub(super) fn zrevrange(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, args, Sink::Client, Kind::Rank, Some(true));
}

pub(super) fn zrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, args, Sink::Client, Kind::Score, Some(false));
}

pub(super) fn zrevrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, args, Sink::Client, Kind::Score, Some(true));
}

pub(super) fn zrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, args, Sink::Client, Kind::Lex, Some(false));
}

pub(super) fn zrevrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    range_generic(ctx, args, Sink::Client, Kind::Lex, Some(true));
}

/// ZRANGE and friends (Redis's `zrangeGenericCommand`). `args` starts one
/// before the source key (ZRANGESTORE passes its arguments from the
/// destination on); `rev` is None when REV may be given.
fn range_generic(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    sink: Sink<'_>,
    mut kind: Kind,
    rev: Option<bool>,
) {
    let storing = matches!(sink, Sink::Store(_));
    let (mut withscores, mut offset, mut limit) = (false, 0i64, -1i64);
    let mut reverse = rev.unwrap_or(false);
    let mut j = 4;
    while j < args.len() {
        let left = args.len() - j - 1;
        if !storing && args.is(j, "withscores") {
            withscores = true;
        } else if args.is(j, "limit") && left >= 2 {
            match (parse_i64_strict(args.get(j + 1)), parse_i64_strict(args.get(j + 2))) {
                (Some(o), Some(l)) => (offset, limit) = (o, l),
                _ => return ctx.out.not_integer(),
            }
            j += 2;
        } else if rev.is_none() && !reverse && args.is(j, "rev") {
            reverse = true;
        } else if kind == Kind::Auto && args.is(j, "bylex") {
            kind = Kind::Lex;
        } else if kind == Kind::Auto && args.is(j, "byscore") {
            kind = Kind::Score;
        } else {
            return ctx.out.syntax_error();
        }
        j += 1;
    }
    if kind == Kind::Auto {
        kind = Kind::Rank;
    }
    if limit != -1 && kind == Kind::Rank {
        return ctx.out.error(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        );
    }
    if withscores && kind == Kind::Lex {
        return ctx
            .out
            .error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    // Reversed score and lex ranges are given as max, min.
    let (min, max) = if reverse && kind != Kind::Rank {
        (args.get(3), args.get(2))
    } else {
        (args.get(2), args.get(3))
    };
    let query = match kind {
        Kind::Rank => match (parse_i64_strict(min), parse_i64_strict(max)) {
            (Some(a), Some(b)) => Ok(Query::Ranks(a, b)),
            _ => return ctx.out.not_integer(),
        },
        Kind::Score => Range::parse_score(min, max).map(Query::Range),
        Kind::Lex | Kind::Auto => Range::parse_lex(min, max).map(Query::Range),
    };
    let query = match query {
        Ok(q) => q,
        Err(msg) => return ctx.out.error(msg),
    };
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    let window = Window { query, reverse, offset, limit };
    let dst = match sink {
        Sink::Client => {
            let Some(z) = found else { return out.array(0) };
            let (lo, hi) = window.ranks(z);
            array_of_members(out, hi - lo, withscores);
            z.walk(lo, hi, reverse, |m, s| {
                reply_member(out, m, s, withscores);
                true
            });
            return;
        }
        Sink::Store(dst) => dst,
    };
    let Some(z) = found else { return store(ctx, dst, ZSet::default()) };
    let (lo, hi) = window.ranks(z);
    let mut picked = Vec::with_capacity(hi - lo);
    z.walk(lo, hi, reverse, |m, s| {
        picked.push((m.to_vec(), s));
        true
    });
    // Redis sizes the destination from the count only for rank ranges.
    let hint = if matches!(window.query, Query::Ranks(..)) { hi - lo } else { 0 };
    let limits = ctx.cfg.zset_limits();
    let mut result = ZSet::with_len_hint(hint, &limits);
    for (m, s) in &picked {
        result.insert_new(m, *s, &limits);
    }
    store(ctx, dst, result);
}

/// What a ZRANGE-like command asked for.
#[derive(Clone, Copy)]
enum Query<'a> {
    /// Inclusive start and stop indexes.
    Ranks(i64, i64),
    Range(Range<'a>),
}

/// A query with its direction and LIMIT.
struct Window<'a> {
    query: Query<'a>,
    reverse: bool,
    offset: i64,
    /// Negative: no limit.
    limit: i64,
}

impl Window<'_> {
    /// The ascending ranks `lo..hi` of the result (walked downwards when
    /// reversed). A negative offset selects nothing, as in Redis.
    fn ranks(&self, z: &ZSet) -> (usize, usize) {
        let len = z.len();
        match self.query {
            Query::Ranks(start, stop) => match rank_window(start, stop, len) {
                None => (0, 0),
                Some((lo, hi)) if self.reverse => (len - hi, len - lo),
                Some(w) => w,
            },
            Query::Range(r) => {
                let (lo, hi) = r.ranks(z);
                if self.offset < 0 {
                    return (0, 0);
                }
                let skip = usize::try_from(self.offset).unwrap_or(usize::MAX);
                let take = usize::try_from(self.limit).unwrap_or(usize::MAX);
                if self.reverse {
                    let top = hi.saturating_sub(skip).max(lo);
                    (top.saturating_sub(take).max(lo), top)
                } else {
                    let first = lo.saturating_add(skip).min(hi);
                    (first, first.saturating_add(take).min(hi))
                }
            }
        }
    }
}

pub(super) fn zcount(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    count_generic(ctx, args, Range::parse_score(args.get(2), args.get(3)));
}

pub(super) fn zlexcount(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    count_generic(ctx, args, Range::parse_lex(args.get(2), args.get(3)));
}

fn count_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, range: Result<Range<'_>, &'static str>) {
    let range = match range {
        Ok(r) => r,
        Err(msg) => return ctx.out.error(msg),
    };
    let Ok((found, out)) = read_zset(ctx, args.get(1)) else { return };
    out.int(found.map_or(0, |z| {
        let (lo, hi) = range.ranks(z);
        (hi - lo) as i64
    }));
}

pub(super) fn zremrangebyrank(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match (parse_i64_strict(args.get(2)), parse_i64_strict(args.get(3))) {
        (Some(a), Some(b)) => remove_generic(ctx, args, Query::Ranks(a, b)),
        _ => ctx.out.not_integer(),
    }
}

pub(super) fn zremrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match Range::parse_score(args.get(2), args.get(3)) {
        Ok(r) => remove_generic(ctx, args, Query::Range(r)),
        Err(msg) => ctx.out.error(msg),
    }
}

pub(super) fn zremrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match Range::parse_lex(args.get(2), args.get(3)) {
        Ok(r) => remove_generic(ctx, args, Query::Range(r)),
        Err(msg) => ctx.out.error(msg),
    }
}

fn remove_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, query: Query<'_>) {
    let key = args.get(1);
    let Ok((found, out)) = write_zset(ctx, key) else { return };
    let Some(z) = found else { return out.int(0) };
    let window = Window { query, reverse: false, offset: 0, limit: -1 };
    let (lo, hi) = window.ranks(z);
    z.remove_range(lo, hi);
    out.int((hi - lo) as i64);
    delete_if_empty(ctx, key);
}
