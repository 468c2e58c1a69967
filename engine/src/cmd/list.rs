//! The list family: the command table of every list command, the lookups they
//! share, and the commands that push, pop and read (LPUSH ... LINDEX). Edits in
//! the middle live in `list_edit.rs`; moves between lists and LMPOP in
//! `list_move.rs`; the blocking commands in `list_block.rs`.
//!
//! Behaviour follows Redis 7.0's t_list.c: the same order of checks (argument
//! parsing before or after the key lookup, command by command), the same
//! error strings, and an emptied list deletes its key. Reads (LLEN, LRANGE,
//! LINDEX, LPOS) count keyspace hits and misses; writes do not.

use super::lookup::{lookup_read, lookup_write};
use super::{list_block, list_edit, list_move};
use crate::command::key_spec::{key_flags as kf, BeginSearch, KeySpec};
use crate::command::{flags::*, Args, CommandSpec, Ctx, KeyRange};
use crate::keyspace::list::{End, Fill, List};
use crate::keyspace::Value;
use crate::num::parse_i64_strict;
use crate::resp::Reply;

/// Specs of the list family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("lpush", -3, WRITE | DENYOOM | FAST, KeyRange::FIRST, lpush)
        .acl(&["list"])
        .key_flags(kf::RW | kf::INSERT)
        .history(MULTI_ELEMENTS_240)
        .doc("list", "1.0.0", "Prepend one or multiple elements to a list", PUSH_COMPLEXITY),
    CommandSpec::keyspace("rpush", -3, WRITE | DENYOOM | FAST, KeyRange::FIRST, rpush)
        .acl(&["list"])
        .key_flags(kf::RW | kf::INSERT)
        .history(MULTI_ELEMENTS_240)
        .doc("list", "1.0.0", "Append one or multiple elements to a list", PUSH_COMPLEXITY),
    CommandSpec::keyspace("lpushx", -3, WRITE | DENYOOM | FAST, KeyRange::FIRST, lpushx)
        .acl(&["list"])
        .key_flags(kf::RW | kf::INSERT)
        .history(MULTI_ELEMENTS_400)
        .doc(
            "list",
            "2.2.0",
            "Prepend an element to a list, only if the list exists",
            PUSH_COMPLEXITY,
        ),
    CommandSpec::keyspace("rpushx", -3, WRITE | DENYOOM | FAST, KeyRange::FIRST, rpushx)
        .acl(&["list"])
        .key_flags(kf::RW | kf::INSERT)
        .history(MULTI_ELEMENTS_400)
        .doc("list", "2.2.0", "Append an element to a list, only if the list exists", PUSH_COMPLEXITY),
    CommandSpec::keyspace("lpop", -2, WRITE | FAST, KeyRange::FIRST, lpop)
        .acl(&["list"])
        .key_flags(kf::RW | kf::ACCESS | kf::DELETE)
        .history(COUNT_620)
        .doc("list", "1.0.0", "Remove and get the first elements in a list", POP_COMPLEXITY),
    CommandSpec::keyspace("rpop", -2, WRITE | FAST, KeyRange::FIRST, rpop)
        .acl(&["list"])
        .key_flags(kf::RW | kf::ACCESS | kf::DELETE)
        .history(COUNT_620)
        .doc("list", "1.0.0", "Remove and get the last elements in a list", POP_COMPLEXITY),
    CommandSpec::keyspace("llen", 2, READONLY | FAST, KeyRange::FIRST, llen)
        .acl(&["list"])
        .key_flags(kf::RO)
        .doc("list", "1.0.0", "Get the length of a list", "O(1)"),
    CommandSpec::keyspace("lrange", 4, READONLY, KeyRange::FIRST, lrange)
        .acl(&["list"])
        .doc(
            "list",
            "1.0.0",
            "Get a range of elements from a list",
            "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
        ),
    CommandSpec::keyspace("lindex", 3, READONLY, KeyRange::FIRST, lindex)
        .acl(&["list"])
        .doc(
            "list",
            "1.0.0",
            "Get an element from a list by its index",
            "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
        ),
    CommandSpec::keyspace("lset", 4, WRITE | DENYOOM, KeyRange::FIRST, list_edit::lset)
        .acl(&["list"])
        .doc(
            "list",
            "1.0.0",
            "Set the value of an element in a list by its index",
            "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
        ),
    CommandSpec::keyspace("linsert", 5, WRITE | DENYOOM, KeyRange::FIRST, list_edit::linsert)
        .acl(&["list"])
        .key_flags(kf::RW | kf::INSERT)
        .doc(
            "list",
            "2.2.0",
            "Insert an element before or after another element in a list",
            "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
        ),
    CommandSpec::keyspace("lrem", 4, WRITE, KeyRange::FIRST, list_edit::lrem)
        .acl(&["list"])
        .key_flags(kf::RW | kf::DELETE)
        .doc(
            "list",
            "1.0.0",
            "Remove elements from a list",
            "O(N+M) where N is the length of the list and M is the number of elements removed.",
        ),
    CommandSpec::keyspace("ltrim", 4, WRITE, KeyRange::FIRST, list_edit::ltrim)
        .acl(&["list"])
        .key_flags(kf::RW | kf::DELETE)
        .doc(
            "list",
            "1.0.0",
            "Trim a list to the specified range",
            "O(N) where N is the number of elements to be removed by the operation.",
        ),
    CommandSpec::keyspace("lpos", -3, READONLY, KeyRange::FIRST, list_edit::lpos)
        .acl(&["list"])
        .doc(
            "list",
            "6.0.6",
            "Return the index of matching elements on a list",
            "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
        ),
    CommandSpec::keyspace("lmove", 5, WRITE | DENYOOM, SOURCE_DEST, list_move::lmove)
        .acl(&["list"])
        .key_specs(MOVE_KEYS)
        .doc("list", "6.2.0", "Pop an element from a list, push it to another list and return it", "O(1)"),
    CommandSpec::keyspace("rpoplpush", 3, WRITE | DENYOOM, SOURCE_DEST, list_move::rpoplpush)
        .acl(&["list"])
        .key_specs(MOVE_KEYS)
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
        .doc(
            "list",
            "1.2.0",
            "Remove the last element in a list, prepend it to another list and return it",
            "O(1)",
        ),
    CommandSpec::keyspace("lmpop", -4, WRITE, KeyRange::NONE, list_move::lmpop)
        .acl(&["list"])
        .movable_keys(LMPOP_KEYS)
        .doc("list", "7.0.0", "Pop elements from a list", MPOP_COMPLEXITY),
    CommandSpec::keyspace("blpop", -3, WRITE | NOSCRIPT | BLOCKING, BLOCKING_KEYS, list_block::blpop)
        .blocking(&list_block::POP)
        .acl(&["list"])
        .key_flags(kf::RW | kf::ACCESS | kf::DELETE)
        .history(TIMEOUT_600)
        .doc(
            "list",
            "2.0.0",
            "Remove and get the first element in a list, or block until one is available",
            "O(N) where N is the number of provided keys.",
        ),
    CommandSpec::keyspace("brpop", -3, WRITE | NOSCRIPT | BLOCKING, BLOCKING_KEYS, list_block::brpop)
        .blocking(&list_block::POP)
        .acl(&["list"])
        .key_flags(kf::RW | kf::ACCESS | kf::DELETE)
        .history(TIMEOUT_600)
        .doc(
            "list",
            "2.0.0",
            "Remove and get the last element in a list, or block until one is available",
            "O(N) where N is the number of provided keys.",
        ),
    CommandSpec::keyspace(
        "blmove",
        6,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        SOURCE_DEST,
        list_block::blmove,
    )
    .blocking(&list_block::MOVE)
        .acl(&["list"])
    .key_specs(MOVE_KEYS)
    .doc("list", "6.2.0", BLMOVE_SUMMARY, "O(1)"),
    CommandSpec::keyspace(
        "brpoplpush",
        4,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        SOURCE_DEST,
        list_block::brpoplpush,
    )
    .blocking(&list_block::RPOPLPUSH)
        .acl(&["list"])
    .key_specs(MOVE_KEYS)
    .history(TIMEOUT_600)
    .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
    .doc("list", "2.2.0", BLMOVE_SUMMARY, "O(1)"),
    CommandSpec::keyspace("blmpop", -5, WRITE | BLOCKING, KeyRange::NONE, list_block::blmpop)
        .blocking(&list_block::MPOP)
        .acl(&["list"])
        .movable_keys(BLMPOP_KEYS)
        .doc("list", "7.0.0", "Pop elements from a list, or block until one is available", MPOP_COMPLEXITY),
];

const PUSH_COMPLEXITY: &str = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";
const POP_COMPLEXITY: &str = "O(N) where N is the number of elements returned";
const MPOP_COMPLEXITY: &str =
    "O(N+M) where N is the number of provided keys and M is the number of elements returned.";
const BLMOVE_SUMMARY: &str =
    "Pop an element from a list, push it to another list and return it; or block until one is available";
const MULTI_ELEMENTS_240: &[(&str, &str)] = &[("2.4.0", "Accepts multiple `element` arguments.")];
const MULTI_ELEMENTS_400: &[(&str, &str)] = &[("4.0.0", "Accepts multiple `element` arguments.")];
const COUNT_620: &[(&str, &str)] = &[("6.2.0", "Added the `count` argument.")];
const TIMEOUT_600: &[(&str, &str)] =
    &[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")];

/// Source and destination (LMOVE, RPOPLPUSH, BLMOVE, BRPOPLPUSH).
const SOURCE_DEST: KeyRange = KeyRange { first: 1, last: 2, step: 1 };
/// Every argument but the last, a timeout (BLPOP, BRPOP).
const BLOCKING_KEYS: KeyRange = KeyRange { first: 1, last: -2, step: 1 };
/// The source is popped, the destination pushed.
const MOVE_KEYS: &[KeySpec] = &[
    KeySpec::range(1, 0, 1, kf::RW | kf::ACCESS | kf::DELETE),
    KeySpec::range(2, 0, 1, kf::RW | kf::INSERT),
];
/// `LMPOP numkeys key ...`.
const LMPOP_KEYS: &[KeySpec] =
    &[KeySpec::keynum(BeginSearch::Index(1), 0, 1, 1, kf::RW | kf::ACCESS | kf::DELETE)];
/// `BLMPOP timeout numkeys key ...`.
const BLMPOP_KEYS: &[KeySpec] =
    &[KeySpec::keynum(BeginSearch::Index(2), 0, 1, 1, kf::RW | kf::ACCESS | kf::DELETE)];

/// The node size lists are built with, from `list-max-listpack-size`.
pub(super) fn fill(ctx: &Ctx<'_>) -> Fill {
    Fill::from_config(ctx.cfg.list_max_listpack_size)
}

/// The list at `key` looked up for a write: `Ok(None)` when absent,
/// `Err(())` after replying WRONGTYPE when it holds another type.
pub(super) fn write_list<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> Result<(Option<&'c mut List>, &'c mut Reply<'a>), ()> {
    let (found, out) = lookup_write(ctx, key);
    as_list(found.map(|e| &mut e.value), out)
}

/// [`write_list`] for a read (counts a keyspace hit or miss).
pub(super) fn read_list<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> Result<(Option<&'c mut List>, &'c mut Reply<'a>), ()> {
    let (found, out) = lookup_read(ctx, key);
    as_list(found.map(|e| &mut e.value), out)
}

#[allow(clippy::type_complexity)]
fn as_list<'c, 'a>(
    value: Option<&'c mut Value>,
    out: &'c mut Reply<'a>,
) -> Result<(Option<&'c mut List>, &'c mut Reply<'a>), ()> {
    match value {
        None => Ok((None, out)),
        Some(Value::List(l)) => Ok((Some(l), out)),
        Some(_) => {
            out.wrong_type();
            Err(())
        }
    }
}

/// The list at `key`, already known to exist (no stats, no LRU stamp).
pub(super) fn list_at<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Option<&'c mut List> {
    match ctx.ks.db(ctx.db).get(key, ctx.now_ms) {
        Some(e) => match &mut e.value {
            Value::List(l) => Some(l),
            _ => None,
        },
        None => None,
    }
}

/// Deletes `key` when its list is empty (commands never leave an empty list).
pub(super) fn delete_if_empty(ctx: &mut Ctx<'_>, key: &[u8]) {
    if list_at(ctx, key).is_some_and(|l| l.is_empty()) {
        ctx.db().remove(key);
    }
}

/// Stores a new list holding `elements` pushed at `end` under `key`.
pub(super) fn create_list<'e>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    end: End,
    elements: impl IntoIterator<Item = &'e [u8]>,
) {
    let fill = fill(ctx);
    let mut list = List::new();
    for v in elements {
        list.push(end, v, fill);
    }
    let lru = ctx.lru_s;
    ctx.db().set(key, Value::List(Box::new(list)), None, lru);
}

/// Parses LEFT or RIGHT (any case); None for anything else (a syntax error).
pub(super) fn parse_end(arg: &[u8]) -> Option<End> {
    if arg.eq_ignore_ascii_case(b"left") {
        Some(End::Front)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Some(End::Back)
    } else {
        None
    }
}

/// Pops up to `count` elements from `end` of `list`, replying them as an array.
pub(super) fn pop_reply(list: &mut List, out: &mut Reply<'_>, end: End, count: usize) {
    let n = count.min(list.len());
    out.array(n);
    for _ in 0..n {
        list.pop(end, |v| out.bulk(v));
    }
}

fn lpush(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    push(ctx, args, End::Front, false);
}

fn rpush(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    push(ctx, args, End::Back, false);
}

fn lpushx(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    push(ctx, args, End::Front, true);
}

fn rpushx(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    push(ctx, args, End::Back, true);
}

/// LPUSH/RPUSH, and with `only_existing` LPUSHX/RPUSHX.
fn push(ctx: &mut Ctx<'_>, args: &Args<'_>, end: End, only_existing: bool) {
    let key = args.get(1);
    let elements = (2..args.len()).map(|i| args.get(i));
    let fill = fill(ctx);
    match write_list(ctx, key) {
        Err(()) => {}
        Ok((Some(list), out)) => {
            for v in elements {
                list.push(end, v, fill);
            }
            out.int(list.len() as i64);
        }
        Ok((None, out)) if only_existing => out.int(0),
        Ok((None, out)) => {
            out.int(args.len() as i64 - 2);
            create_list(ctx, key, end, elements);
        }
    }
}

fn lpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    pop(ctx, args, End::Front);
}

fn rpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    pop(ctx, args, End::Back);
}

/// LPOP/RPOP key [count].
fn pop(ctx: &mut Ctx<'_>, args: &Args<'_>, end: End) {
    if args.len() > 3 {
        return ctx.out.wrong_arity(if end == End::Front { "lpop" } else { "rpop" });
    }
    let count = if args.len() == 3 {
        match parse_i64_strict(args.get(2)) {
            Some(n) if n >= 0 => Some(n as usize),
            _ => return ctx.out.error("ERR value is out of range, must be positive"),
        }
    } else {
        None
    };
    let key = args.get(1);
    match write_list(ctx, key) {
        Err(()) => return,
        Ok((None, out)) => {
            return if count.is_some() { out.null_array() } else { out.null() };
        }
        Ok((Some(list), out)) => match count {
            None => {
                list.pop(end, |v| out.bulk(v));
            }
            Some(n) => pop_reply(list, out, end, n),
        },
    }
    delete_if_empty(ctx, key);
}

fn llen(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if let Ok((list, out)) = read_list(ctx, args.get(1)) {
        out.int(list.map_or(0, |l| l.len() as i64));
    }
}

/// Clamps Redis-style start/stop indexes (negative from the end) to the list:
/// the first index and the count of elements, None when the range is empty.
pub(super) fn clamp_range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { (start + len).max(0) } else { start };
    let stop = if stop < 0 { stop + len } else { stop };
    if start > stop || start >= len {
        return None;
    }
    let stop = stop.min(len - 1);
    Some((start as usize, (stop - start + 1) as usize))
}

fn lrange(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (Some(start), Some(stop)) = (parse_i64_strict(args.get(2)), parse_i64_strict(args.get(3)))
    else {
        return ctx.out.not_integer();
    };
    let Ok((list, out)) = read_list(ctx, args.get(1)) else { return };
    let Some(list) = list else { return out.array(0) };
    match clamp_range(start, stop, list.len()) {
        None => out.array(0),
        Some((first, n)) => {
            out.array(n);
            for v in list.iter_from(first).take(n) {
                out.bulk(v);
            }
        }
    }
}

/// Resolves a Redis index (negative from the end) against a list of `len`.
pub(super) fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { index.checked_add(len as i64)? } else { index };
    (i >= 0 && (i as u64) < len as u64).then_some(i as usize)
}

fn lindex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Ok((list, out)) = read_list(ctx, args.get(1)) else { return };
    let Some(list) = list else { return out.null() };
    let Some(index) = parse_i64_strict(args.get(2)) else { return out.not_integer() };
    match resolve_index(index, list.len()).and_then(|i| list.get(i)) {
        Some(v) => out.bulk(v),
        None => out.null(),
    }
}
