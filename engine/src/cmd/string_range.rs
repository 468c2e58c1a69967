//! Parts of strings: GETRANGE (and its old name SUBSTR), SETRANGE, and LCS.
//!
//! GETRANGE clamps indexes the way Redis 7.0 does (an end before the start of
//! the string still yields the first byte). SETRANGE zero-pads, edits in place as
//! a `raw` value and keeps the TTL. LCS is Redis's dynamic programming over a
//! (len1+1)×(len2+1) table of u32, refused when that table would exceed
//! `proto-max-bulk-len`; its IDX walk reports matches from the end, as Redis.

use super::lookup::{lookup_read, lookup_write};
use super::string::{fits, raw_mut, TOO_BIG};
use crate::command::{Args, Ctx};
use crate::keyspace::Value;
use crate::num::parse_i64_strict;

/// GETRANGE key start end (and SUBSTR).
pub(super) fn getrange(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (Some(start), Some(end)) = (parse_i64_strict(args.get(2)), parse_i64_strict(args.get(3)))
    else {
        return ctx.out.not_integer();
    };
    let (found, out) = lookup_read(ctx, args.get(1));
    let Some(e) = found else { return out.bulk(b"") };
    let Some(s) = e.value.as_str() else {
        return out.wrong_type();
    };
    let s = s.as_bytes();
    match byte_range(s.len(), start, end) {
        Some((from, to)) => out.bulk(&s[from..=to]),
        None => out.bulk(b""),
    }
}

/// The inclusive byte range GETRANGE returns from a string of `len` bytes, or
/// None for an empty reply.
fn byte_range(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    if start < 0 && end < 0 && start > end {
        return None;
    }
    let len = len as i64;
    let from_end = |i: i64| if i < 0 { (len + i).max(0) } else { i };
    let (start, end) = (from_end(start), from_end(end).min(len - 1));
    (len > 0 && start <= end).then_some((start as usize, end as usize))
}

/// SETRANGE key offset value.
pub(super) fn setrange(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (key, patch) = (args.get(1), args.get(3));
    let Some(offset) = parse_i64_strict(args.get(2)) else {
        return ctx.out.not_integer();
    };
    if offset < 0 {
        return ctx.out.error("ERR offset is out of range");
    }
    let limit = ctx.cfg.proto_max_bulk_len_bytes;
    let lru = ctx.lru_s;
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        if patch.is_empty() {
            return out.int(0);
        }
        if !fits(limit, patch.len(), offset as u64) {
            return out.error(TOO_BIG);
        }
        let mut buf = vec![0u8; offset as usize];
        buf.extend_from_slice(patch);
        out.int(buf.len() as i64);
        ctx.db().set(key, Value::Raw(Box::new(buf)), None, lru);
        return;
    };
    let Some(len) = e.value.as_str().map(|s| s.as_bytes().len()) else {
        return out.wrong_type();
    };
    if patch.is_empty() {
        return out.int(len as i64);
    }
    if !fits(limit, patch.len(), offset as u64) {
        return out.error(TOO_BIG);
    }
    let raw = raw_mut(&mut e.value).expect("checked above: a string");
    let offset = offset as usize;
    let end = offset + patch.len();
    if raw.len() < end {
        raw.resize(end, 0);
    }
    raw[offset..end].copy_from_slice(patch);
    out.int(raw.len() as i64);
}

/// What LCS replies.
#[derive(Clone, Copy, Default)]
struct LcsOptions {
    /// LEN: only the length.
    len: bool,
    /// IDX: the matching ranges.
    idx: bool,
    /// WITHMATCHLEN: each range with its length.
    with_match_len: bool,
    /// MINMATCHLEN: shorter ranges are left out.
    min_match_len: u64,
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN].
pub(super) fn lcs(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    const NOT_STRINGS: &str = "ERR The specified keys must contain string values";
    // Both keys are read (and counted) before anything else is checked.
    let mut strings = [Vec::new(), Vec::new()];
    let mut all_strings = true;
    for (i, s) in strings.iter_mut().enumerate() {
        let (found, _) = lookup_read(ctx, args.get(1 + i));
        match found.map(|e| e.value.as_str().map(|v| v.as_bytes().to_vec())) {
            None => {}
            Some(Some(v)) => *s = v,
            Some(None) => all_strings = false,
        }
    }
    if !all_strings {
        return ctx.out.error(NOT_STRINGS);
    }
    let mut o = LcsOptions::default();
    let mut j = 3;
    while j < args.len() {
        if args.is(j, "idx") {
            o.idx = true;
        } else if args.is(j, "len") {
            o.len = true;
        } else if args.is(j, "withmatchlen") {
            o.with_match_len = true;
        } else if args.is(j, "minmatchlen") && j + 1 < args.len() {
            let Some(n) = parse_i64_strict(args.get(j + 1)) else {
                return ctx.out.not_integer();
            };
            o.min_match_len = n.max(0) as u64;
            j += 1;
        } else {
            return ctx.out.syntax_error();
        }
        j += 1;
    }
    if o.idx && o.len {
        return ctx.out.error("ERR If you want both the length and indexes, please just use IDX.");
    }
    let [a, b] = &strings;
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return ctx.out.error("ERR String too long for LCS");
    }
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells.saturating_mul(4) > ctx.cfg.proto_max_bulk_len_bytes {
        return ctx
            .out
            .error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    let Some(table) = LcsTable::build(a, b) else {
        return ctx
            .out
            .error("ERR Insufficient memory, failed allocating transient memory for LCS");
    };
    if o.len {
        return ctx.out.int(table.get(a.len(), b.len()) as i64);
    }
    let (common, matches) = table.walk(a, b, o.min_match_len);
    if !o.idx {
        return ctx.out.bulk(&common);
    }
    let out = &mut ctx.out;
    out.map(2);
    out.bulk(b"matches");
    out.array(matches.len());
    for m in &matches {
        out.array(2 + o.with_match_len as usize);
        for (from, to) in [(m.a_start, m.a_end), (m.b_start, m.b_end)] {
            out.array(2);
            out.int(from as i64);
            out.int(to as i64);
        }
        if o.with_match_len {
            out.int((m.a_end - m.a_start + 1) as i64);
        }
    }
    out.bulk(b"len");
    out.int(common.len() as i64);
}

/// A run of bytes common to both strings, inclusive positions in each.
struct LcsMatch {
    a_start: usize,
    a_end: usize,
    b_start: usize,
    b_end: usize,
}

/// `cell(i, j)` is the LCS length of `a[..i]` and `b[..j]`.
struct LcsTable {
    cells: Vec<u32>,
    width: usize,
}

impl LcsTable {
    /// Fills the table; None when it cannot be allocated.
    fn build(a: &[u8], b: &[u8]) -> Option<LcsTable> {
        let width = b.len() + 1;
        let n = (a.len() + 1).checked_mul(width)?;
        let mut cells = Vec::new();
        cells.try_reserve_exact(n).ok()?;
        cells.resize(n, 0u32);
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                cells[i * width + j] = if a[i - 1] == b[j - 1] {
                    cells[(i - 1) * width + j - 1] + 1
                } else {
                    cells[(i - 1) * width + j].max(cells[i * width + j - 1])
                };
            }
        }
        Some(LcsTable { cells, width })
    }

    fn get(&self, i: usize, j: usize) -> u32 {
        self.cells[i * self.width + j]
    }

    /// Walks back from the end: the common subsequence, and its runs of at least
    /// `min_len` bytes (all when 0), last run first.
    fn walk(&self, a: &[u8], b: &[u8], min_len: u64) -> (Vec<u8>, Vec<LcsMatch>) {
        let mut common = vec![0u8; self.get(a.len(), b.len()) as usize];
        let mut left = common.len();
        let mut matches = Vec::new();
        let mut run: Option<LcsMatch> = None;
        let (mut i, mut j) = (a.len(), b.len());
        while i > 0 && j > 0 {
            let run_ends = if a[i - 1] == b[j - 1] {
                left -= 1;
                common[left] = a[i - 1];
                // Walking back diagonally, a run only grows at its start.
                let r = run.get_or_insert(LcsMatch {
                    a_start: i,
                    a_end: i - 1,
                    b_start: j,
                    b_end: j - 1,
                });
                r.a_start -= 1;
                r.b_start -= 1;
                let at_start = r.a_start == 0 || r.b_start == 0;
                i -= 1;
                j -= 1;
                at_start
            } else {
                if self.get(i - 1, j) > self.get(i, j - 1) {
                    i -= 1;
                } else {
                    j -= 1;
                }
                run.is_some()
            };
            if run_ends {
                if let Some(r) = run.take() {
                    if min_len == 0 || (r.a_end - r.a_start + 1) as u64 >= min_len {
                        matches.push(r);
                    }
                }
            }
        }
        (common, matches)
    }
}
