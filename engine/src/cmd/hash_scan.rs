//! HRANDFIELD and HSCAN: the hash commands that pick or walk part of a hash.
//!
//! HRANDFIELD follows Redis 7.0's `hrandfieldWithCountCommand`: a positive
//! count gives distinct fields (the whole hash, in storage order, when the count
//! reaches its size), a negative one that many independent draws; RESP3 nests
//! each field/value pair in an array, RESP2 flattens them. Redis would try to
//! build any reply however large; we refuse negative counts beyond
//! [`MAX_DRAWS`] (Redis already refuses those beyond 2^62 with WITHVALUES).
//!
//! HSCAN returns a listpack-encoded hash whole in one call with cursor 0, as
//! Redis does. A hashtable is walked by bucket: the cursor holds a bucket index
//! and a tag of the table's layout (bucket count and layout epoch); when the
//! tag no longer matches, the walk restarts at bucket 0, which may return
//! fields twice but never misses one present for the whole iteration. Cursor
//! layout, least significant bits first: 14 bits of tag, a marker bit (so that
//! no position encodes as 0, the start and end), then the bucket index. Any
//! cursor is accepted, as Redis accepts any: one that is not ours restarts.

use super::hash::read_hash;
use super::keys_all::random_u64;
use super::scan::{parse_scan_cursor, ScanOptions};
use crate::command::{Args, Ctx};
use crate::keyspace::hash::{Hash, PairTable};
use crate::keyspace::value::StrRef;
use crate::num::parse_i64_strict;
use crate::resp::reply::{Protocol, Reply};

/// Most draws a negative HRANDFIELD count may ask for.
const MAX_DRAWS: u64 = 1 << 24;

/// HRANDFIELD key [count [WITHVALUES]].
pub(super) fn hrandfield(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let now = ctx.now_ms;
    let mut rand = move || random_u64(now);
    if args.len() == 2 {
        return read_hash(ctx, args.get(1), |h, out| match h {
            Some(h) => out.bulk(h.random_pair(&mut rand).0.as_bytes()),
            None => out.null(),
        });
    }
    let Some(count) = parse_i64_strict(args.get(2)) else {
        return ctx.out.not_integer();
    };
    if count == i64::MIN {
        return ctx.out.error(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        );
    }
    let with_values = args.len() == 4;
    if args.len() > 4 || (with_values && !args.is(3, "withvalues")) {
        return ctx.out.syntax_error();
    }
    let magnitude = count.unsigned_abs();
    if (with_values && magnitude > i64::MAX as u64 / 2) || (count < 0 && magnitude > MAX_DRAWS) {
        return ctx.out.error("ERR value is out of range");
    }
    read_hash(ctx, args.get(1), |h, out| {
        let Some(h) = h.filter(|_| count != 0) else {
            return out.array(0);
        };
        let pairs = if count < 0 || count == 1 {
            (0..count.unsigned_abs()).map(|_| h.random_pair(&mut rand)).collect()
        } else if count as usize >= h.len() {
            h.pairs().collect()
        } else {
            h.sample(count as usize, &mut rand)
        };
        reply_pairs(out, &pairs, with_values);
    });
}

/// Replies `pairs` as HRANDFIELD does: fields only, or with their values
/// (flat in RESP2, one two-element array per pair in RESP3).
fn reply_pairs(out: &mut Reply<'_>, pairs: &[(StrRef<'_>, StrRef<'_>)], with_values: bool) {
    let nested = with_values && out.proto == Protocol::Resp3;
    out.array(if with_values && !nested { pairs.len() * 2 } else { pairs.len() });
    for (f, v) in pairs {
        if nested {
            out.array(2);
        }
        out.bulk(f.as_bytes());
        if with_values {
            out.bulk(v.as_bytes());
        }
    }
}

const TAG_BITS: u32 = 14;
const MARK_BIT: u64 = 1 << TAG_BITS;
const BUCKET_SHIFT: u32 = TAG_BITS + 1;

/// The layout tag of a table: log2 of its bucket count, and its layout epoch.
fn layout_tag(t: &PairTable) -> u64 {
    (t.num_buckets().trailing_zeros() as u64 & 63) | ((t.layout_epoch() as u64 & 0xff) << 6)
}

/// The bucket a cursor resumes at in `t` (0 when the cursor is not a
/// position of the table's current layout).
fn resume_bucket(t: &PairTable, cursor: u64) -> usize {
    let ours = cursor & MARK_BIT != 0 && cursor & (MARK_BIT - 1) == layout_tag(t);
    if ours {
        usize::try_from(cursor >> BUCKET_SHIFT).unwrap_or(usize::MAX)
    } else {
        0
    }
}

/// Walks `t` from the cursor's bucket, collecting pairs until `count` elements
/// (a field and a value count two, as in Redis) or `10 * count` buckets;
/// returns the next cursor (0 at the end).
fn scan_table<'t>(
    t: &'t PairTable,
    cursor: u64,
    count: usize,
    found: &mut Vec<(StrRef<'t>, StrRef<'t>)>,
) -> u64 {
    let n = t.num_buckets();
    let mut i = resume_bucket(t, cursor);
    let mut budget = count.saturating_mul(10);
    while i < n && budget > 0 && found.len() * 2 < count {
        if let Some(p) = t.bucket(i) {
            found.push((StrRef::Bytes(p.field()), StrRef::Bytes(p.value())));
        }
        i += 1;
        budget -= 1;
    }
    if i >= n {
        0
    } else {
        (i as u64) << BUCKET_SHIFT | MARK_BIT | layout_tag(t)
    }
}

/// HSCAN key cursor [MATCH pattern] [COUNT count].
pub(super) fn hscan(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(cursor) = parse_scan_cursor(args.get(2)) else {
        return ctx.out.error("ERR invalid cursor");
    };
    read_hash(ctx, args.get(1), |h, out| {
        let Some(h) = h else {
            // Options are not looked at for a missing key.
            out.array(2);
            out.bulk(b"0");
            return out.array(0);
        };
        let Some(opts) = ScanOptions::parse(out, args, 3, false) else { return };
        let mut found = Vec::new();
        let next = match h {
            Hash::Listpack(_) => {
                found.extend(h.pairs());
                0
            }
            Hash::Table(t) => scan_table(t, cursor, opts.count, &mut found),
        };
        found.retain(|(f, _)| opts.pattern.is_none_or(|g| g.matches(f.as_bytes())));
        out.array(2);
        out.bulk(next.to_string().as_bytes());
        out.array(found.len() * 2);
        for (f, v) in &found {
            out.bulk(f.as_bytes());
            out.bulk(v.as_bytes());
        }
    });
}
