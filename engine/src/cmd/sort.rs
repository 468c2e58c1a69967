//! SORT and SORT_RO over lists, sets and sorted sets (Redis 7.0's sort.c).
//!
//! `SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
//! [ALPHA] [STORE destination]`. As in Redis: options are parsed first (errors
//! before WRONGTYPE); a BY pattern without `*` means no sorting (`nosort`),
//! and a list or sorted set then keeps its own order, read directly in the
//! LIMIT range (DESC walks it from the end); a set with `nosort` and STORE is
//! sorted ALPHA instead so the stored list is deterministic. Sorted sets are
//! converted to their skiplist encoding first, as Redis does. Numbers are
//! read with C's `strtod` (the empty string is 0; trailing bytes, overflow and
//! NaN are "One or more scores can't be converted into double", replied
//! after the sort); equal scores fall back to comparing the elements, so the
//! result does not depend on the input order. ALPHA compares as `strcoll` in
//! the C locale (bytes up to a NUL) when replying, byte strings when storing.
//! The sort is stable (glibc's `qsort` is a merge sort), except with BY and
//! a LIMIT range, where Redis sorts only the range with its own partial
//! quicksort, which `sort_partial.rs` follows for the order of ties.
//!
//! Pattern keys (BY and GET, `*` replaced by the element, `->field` reading
//! a hash field, `#` the element itself) are read on the shard running the
//! command, the sorted key's: in cluster mode Redis refuses BY and GET
//! outright; standalone, only a pattern key whose slot another shard owns is
//! refused, with the same errors (so hash-tagged patterns work on any shard
//! count).

use super::list::create_list;
use super::lookup::lookup_read;
use super::sort_partial::partial_sort;
use super::zset_num::strtod;
use crate::command::{flags::*, key_flags, Args, CommandSpec, Ctx, KeyRange, KeyRef, KeySpec};
use crate::keyspace::list::End;
use crate::keyspace::Value;
use crate::num::parse_i64_strict;
use crate::slot::key_slot;
use std::cmp::Ordering;

const COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";
const BY_GET_NOTES: &str = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
const STORE_NOTES: &str = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array";

const SORT_KEYS: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, key_flags::RO | key_flags::ACCESS),
    KeySpec::unknown(key_flags::RO | key_flags::ACCESS).notes(BY_GET_NOTES),
    KeySpec::unknown(key_flags::OW | key_flags::UPDATE).notes(STORE_NOTES),
];

const SORT_RO_KEYS: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, key_flags::RO | key_flags::ACCESS),
    KeySpec::unknown(key_flags::RO | key_flags::ACCESS).notes(BY_GET_NOTES),
];

const ACL: &[&str] = &["set", "sortedset", "list", "dangerous"];

/// SORT and SORT_RO.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("sort", -2, WRITE | DENYOOM, KeyRange::FIRST, sort)
        .acl(ACL)
        .own_keys(SORT_KEYS, sort_keys)
        .doc("generic", "1.0.0", "Sort the elements in a list, set or sorted set", COMPLEXITY),
    CommandSpec::keyspace("sort_ro", -2, READONLY, KeyRange::FIRST, sort_ro)
        .acl(ACL)
        .own_keys(SORT_RO_KEYS, sort_ro_keys)
        .doc(
            "generic",
            "7.0.0",
            "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
            COMPLEXITY,
        ),
];

/// The sorted key, and STORE's destination where the command will store.
/// (Redis's `sortGetKeys` skips option arguments its own way, so for a STORE
/// whose destination is named like an option, `STORE get STORE k`, it names
/// another key than SORT writes; this finder follows SORT's parser.)
fn sort_keys(args: &Args<'_>) -> Option<Vec<KeyRef>> {
    if args.len() < 2 {
        return None;
    }
    let mut keys = vec![KeyRef { pos: 1, flags: key_flags::RO | key_flags::ACCESS }];
    let store = options(args, false)
        .map_while(|(opt, at)| (opt != Opt::Invalid).then_some((opt, at)))
        .filter(|(opt, _)| *opt == Opt::Store)
        .last();
    if let Some((_, at)) = store {
        keys.push(KeyRef { pos: at + 1, flags: key_flags::OW | key_flags::UPDATE });
    }
    Some(keys)
}

/// SORT_RO's only key, the sorted one.
fn sort_ro_keys(args: &Args<'_>) -> Option<Vec<KeyRef>> {
    (args.len() >= 2).then(|| vec![KeyRef { pos: 1, flags: key_flags::RO | key_flags::ACCESS }])
}

fn sort(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    sort_generic(ctx, args, false);
}

fn sort_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    sort_generic(ctx, args, true);
}

/// The parsed options.
struct Options<'a> {
    desc: bool,
    alpha: bool,
    /// LIMIT offset and count (count < 0: all).
    offset: i64,
    count: i64,
    store: Option<&'a [u8]>,
    /// The last BY's pattern (read only when sorting, so it has a `*`).
    by: Option<&'a [u8]>,
    /// Some BY without `*`: keep the collection's order.
    dontsort: bool,
    gets: Vec<&'a [u8]>,
}

/// The text of a pattern as C's string functions see it: up to a NUL.
fn c_str(b: &[u8]) -> &[u8] {
    b.split(|&c| c == 0).next().unwrap_or_default()
}

/// One option word of SORT.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opt {
    Asc,
    Desc,
    Alpha,
    /// Followed by offset and count.
    Limit,
    /// Followed by the destination (SORT only).
    Store,
    /// Followed by a pattern.
    By,
    /// Followed by a pattern.
    Get,
    /// Anything else, or an option missing its arguments: a syntax error.
    Invalid,
}

/// The options after the key with their positions, as SORT's parser walks
/// them (an option's arguments are skipped; nothing follows `Invalid`).
fn options<'a>(args: &'a Args<'_>, readonly: bool) -> impl Iterator<Item = (Opt, usize)> + 'a {
    let mut j = 2;
    std::iter::from_fn(move || {
        if j >= args.len() {
            return None;
        }
        let left = args.len() - j - 1;
        let (opt, width) = if args.is(j, "asc") {
            (Opt::Asc, 1)
        } else if args.is(j, "desc") {
            (Opt::Desc, 1)
        } else if args.is(j, "alpha") {
            (Opt::Alpha, 1)
        } else if args.is(j, "limit") && left >= 2 {
            (Opt::Limit, 3)
        } else if !readonly && args.is(j, "store") && left >= 1 {
            (Opt::Store, 2)
        } else if args.is(j, "by") && left >= 1 {
            (Opt::By, 2)
        } else if args.is(j, "get") && left >= 1 {
            (Opt::Get, 2)
        } else {
            (Opt::Invalid, args.len())
        };
        let at = j;
        j += width;
        Some((opt, at))
    })
}

/// Parses the options after the key, replying the error when invalid.
fn parse_options<'a>(ctx: &mut Ctx<'_>, args: &Args<'a>, readonly: bool) -> Option<Options<'a>> {
    let mut o = Options {
        desc: false,
        alpha: false,
        offset: 0,
        count: -1,
        store: None,
        by: None,
        dontsort: false,
        gets: Vec::new(),
    };
    let cluster = ctx.cfg.cluster_enabled;
    for (opt, j) in options(args, readonly) {
        match opt {
            Opt::Asc => o.desc = false,
            Opt::Desc => o.desc = true,
            Opt::Alpha => o.alpha = true,
            Opt::Limit => {
                match (parse_i64_strict(args.get(j + 1)), parse_i64_strict(args.get(j + 2))) {
                    (Some(offset), Some(count)) => (o.offset, o.count) = (offset, count),
                    _ => {
                        ctx.out.not_integer();
                        return None;
                    }
                }
            }
            Opt::Store => o.store = Some(args.get(j + 1)),
            Opt::By => {
                // The last BY is the pattern; any BY without `*` means no sorting.
                let pattern = args.get(j + 1);
                if !c_str(pattern).contains(&b'*') {
                    o.dontsort = true;
                } else if cluster {
                    ctx.out.error("ERR BY option of SORT denied in Cluster mode.");
                    return None;
                }
                o.by = Some(pattern);
            }
            Opt::Get => {
                if cluster {
                    ctx.out.error("ERR GET option of SORT denied in Cluster mode.");
                    return None;
                }
                o.gets.push(args.get(j + 1));
            }
            Opt::Invalid => {
                ctx.out.syntax_error();
                return None;
            }
        }
    }
    Some(o)
}

/// What a pattern names for one element.
enum Target {
    /// `#`: the element itself.
    Element,
    /// No `*` in the pattern: nothing.
    Nothing,
    /// A string key, or a hash key and field (`->field`).
    Key(Vec<u8>, Option<Vec<u8>>),
}

/// Substitutes `elem` for the first `*` of `pattern` (Redis's
/// `lookupKeyByPattern`, string functions stopping at a NUL as in C).
fn target(pattern: &[u8], elem: &[u8]) -> Target {
    if pattern.first() == Some(&b'#') && matches!(pattern.get(1), None | Some(0)) {
        return Target::Element;
    }
    let text = c_str(pattern);
    let Some(star) = text.iter().position(|&c| c == b'*') else { return Target::Nothing };
    let arrow = text[star + 1..].windows(2).position(|w| w == b"->").map(|p| star + 1 + p);
    let field = arrow.filter(|&a| a + 2 < text.len()).map(|a| pattern[a + 2..].to_vec());
    let key_end = match &field {
        Some(f) => pattern.len() - f.len() - 2,
        None => pattern.len(),
    };
    let mut key = Vec::with_capacity(key_end + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(&pattern[star + 1..key_end]);
    Target::Key(key, field)
}

/// Whether this shard may read every key `pattern` names for `elems`.
fn all_local<'e>(ctx: &Ctx<'_>, pattern: &[u8], mut elems: impl Iterator<Item = &'e [u8]>) -> bool {
    elems.all(|e| match target(pattern, e) {
        Target::Key(key, _) => ctx.owned_slots.contains(key_slot(&key)),
        _ => true,
    })
}

/// The value `pattern` names for `elem`: a string, or a hash's field.
fn lookup_pattern(ctx: &mut Ctx<'_>, pattern: &[u8], elem: &[u8]) -> Option<Vec<u8>> {
    let (key, field) = match target(pattern, elem) {
        Target::Element => return Some(elem.to_vec()),
        Target::Nothing => return None,
        Target::Key(key, field) => (key, field),
    };
    let (found, _) = lookup_read(ctx, &key);
    match (&found?.value, field) {
        (Value::Hash(h), Some(f)) => h.get(&f).map(|v| v.as_bytes().to_vec()),
        (v, None) => v.as_str().map(|s| s.as_bytes().to_vec()),
        _ => None,
    }
}

/// A number as SORT reads it: `strtod` of the text up to a NUL, which must
/// all be used (the empty string is 0), without overflow or underflow, not NaN.
fn sort_score(b: &[u8]) -> Option<f64> {
    let text = c_str(b);
    let (v, used, erange) = strtod(text);
    let complete = if used == 0 { text.is_empty() } else { used == text.len() };
    (complete && !erange && !v.is_nan()).then_some(v)
}

/// One element to sort, with what it sorts by.
struct Item {
    elem: Vec<u8>,
    score: f64,
    /// ALPHA with BY: the BY value (None when missing).
    by: Option<Vec<u8>>,
}

/// The elements in the order SORT works on them, and the first and last
/// index of the output among them (`end < start`: none). A set with `nosort`
/// and STORE is sorted ALPHA instead (`o` changes).
fn load(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    o: &mut Options<'_>,
) -> Result<(Vec<Vec<u8>>, i64, i64), ()> {
    let (found, out) = lookup_read(ctx, key);
    let mut value = match found.map(|e| &mut e.value) {
        None => None,
        Some(v @ (Value::List(_) | Value::Set(_) | Value::ZSet(_))) => Some(v),
        Some(_) => {
            out.wrong_type();
            return Err(());
        }
    };
    match value.as_deref_mut() {
        Some(Value::ZSet(z)) => z.convert_to_sorted(),
        Some(Value::Set(_)) if o.dontsort && o.store.is_some() => {
            // A set's own order is not deterministic: what is stored is sorted.
            (o.dontsort, o.alpha, o.by) = (false, true, None);
        }
        _ => {}
    }
    let len = match value.as_deref() {
        Some(Value::List(l)) => l.len(),
        Some(Value::Set(s)) => s.len(),
        Some(Value::ZSet(z)) => z.len(),
        _ => 0,
    } as i64;
    let mut start = o.offset.max(0);
    let mut end = if o.count < 0 { len - 1 } else { start.saturating_add(o.count - 1) };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    end = end.min(len - 1);
    // A list or sorted set left in its order is read in the output range only.
    let direct = o.dontsort && !matches!(value.as_deref(), Some(Value::Set(_)));
    let (skip, take) = if direct {
        let n = if end >= start { (end - start + 1) as usize } else { 0 };
        (start as usize, n)
    } else {
        (0, len as usize)
    };
    let elems: Vec<Vec<u8>> = match value.as_deref() {
        None => Vec::new(),
        Some(Value::List(l)) if direct && o.desc => {
            l.iter_rev().skip(skip).take(take).map(<[u8]>::to_vec).collect()
        }
        Some(Value::List(l)) => l.iter_from(skip).take(take).map(<[u8]>::to_vec).collect(),
        Some(Value::Set(s)) => s.iter().map(|m| m.text().as_bytes().to_vec()).collect(),
        Some(Value::ZSet(z)) => {
            let n = z.len();
            let (lo, hi, rev) = if direct && o.desc {
                (n - skip - take, n - skip, true)
            } else {
                (skip, skip + take, false)
            };
            let mut v = Vec::with_capacity(take);
            z.walk(lo, hi, rev, |m, _| {
                v.push(m.to_vec());
                true
            });
            v
        }
        Some(_) => unreachable!("checked above"),
    };
    if direct && end >= start {
        (end, start) = (end - start, 0);
    }
    Ok((elems, start, end))
}

fn sort_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, readonly: bool) {
    let Some(mut o) = parse_options(ctx, args, readonly) else { return };
    let Ok((elems, start, end)) = load(ctx, args.get(1), &mut o) else { return };
    let mut items: Vec<Item> =
        elems.into_iter().map(|elem| Item { elem, score: 0.0, by: None }).collect();
    let mut bad_score = false;
    if !o.dontsort {
        if let Some(by) = o.by {
            if !all_local(ctx, by, items.iter().map(|i| i.elem.as_slice())) {
                return ctx.out.error("ERR BY option of SORT denied in Cluster mode.");
            }
        }
        for item in &mut items {
            let by = match o.by {
                Some(pattern) => match lookup_pattern(ctx, pattern, &item.elem) {
                    Some(v) => Some(v),
                    None => continue,
                },
                None => None,
            };
            if o.alpha {
                item.by = by;
            } else {
                match sort_score(by.as_deref().unwrap_or(&item.elem)) {
                    Some(v) => item.score = v,
                    None => bad_score = true,
                }
            }
        }
        let binary = o.store.is_some();
        let with_by = o.by.is_some();
        let cmp = |a: &Item, b: &Item| {
            let cmp = compare(a, b, o.alpha, with_by, binary);
            if o.desc {
                cmp.reverse()
            } else {
                cmp
            }
        };
        if with_by && (start != 0 || end != items.len() as i64 - 1) {
            if end >= start {
                partial_sort(&mut items, start as usize, end as usize, &cmp);
            }
        } else {
            items.sort_by(cmp);
        }
    }
    let output = if end >= start { &items[start as usize..=end as usize] } else { &[] };
    for pattern in &o.gets {
        if !all_local(ctx, pattern, output.iter().map(|i| i.elem.as_slice())) {
            return ctx.out.error("ERR GET option of SORT denied in Cluster mode.");
        }
    }
    if bad_score {
        return ctx.out.error("ERR One or more scores can't be converted into double");
    }
    let len = output.len() * o.gets.len().max(1);
    match o.store {
        None => {
            ctx.out.array(len);
            for item in output {
                if o.gets.is_empty() {
                    ctx.out.bulk(&item.elem);
                }
                for pattern in &o.gets {
                    match lookup_pattern(ctx, pattern, &item.elem) {
                        Some(v) => ctx.out.bulk(&v),
                        None => ctx.out.null(),
                    }
                }
            }
        }
        Some(dest) => {
            let mut values = Vec::with_capacity(len);
            for item in output {
                if o.gets.is_empty() {
                    values.push(item.elem.clone());
                }
                for pattern in &o.gets {
                    values.push(lookup_pattern(ctx, pattern, &item.elem).unwrap_or_default());
                }
            }
            if values.is_empty() {
                ctx.db().remove(dest);
            } else {
                create_list(ctx, dest, End::Back, values.iter().map(|v| v.as_slice()));
            }
            ctx.out.int(len as i64);
        }
    }
}

/// Redis's `sortCompare`, ascending.
fn compare(a: &Item, b: &Item, alpha: bool, with_by: bool, binary: bool) -> Ordering {
    let text = |x: &[u8], y: &[u8]| if binary { x.cmp(y) } else { c_str(x).cmp(c_str(y)) };
    if !alpha {
        return a
            .score
            .partial_cmp(&b.score)
            .filter(|o| o.is_ne())
            .unwrap_or_else(|| a.elem.cmp(&b.elem));
    }
    if !with_by {
        return text(&a.elem, &b.elem);
    }
    match (&a.by, &b.by) {
        (Some(x), Some(y)) => text(x, y),
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}
