//! The string family: the command table of every string command, and the commands
//! that get and set whole values (GET, SET and its variants, MGET, MSET, APPEND,
//! STRLEN). Counters live in `string_incr.rs`, ranges and LCS in `string_range.rs`.
//!
//! Behaviour follows Redis 7.0's t_string.c: the same option grammar and conflicts
//! for SET/GETEX, the same order of checks (syntax, then expiry, then type), the
//! same encodings (`Value::from_bytes` for whole values, `Value::Raw` once a value
//! was modified in place), and TTLs kept by in-place edits and dropped by SET.
//! Reads (GET, MGET, STRLEN, GETRANGE, LCS, and the GET of GETSET/GETDEL/GETEX/
//! SET ... GET) count keyspace hits and misses; write lookups do not, as in Redis.

use super::lookup::{lookup_read, lookup_write};
use super::{string_incr, string_range};
use crate::command::{flags::*, Args, Combine, CommandSpec, Ctx, KeyRange};
use crate::keyspace::Value;
use crate::num::parse_i64_strict;
use crate::resp::Reply;

/// Specs of the string family.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("get", 2, READONLY | FAST, KeyRange::FIRST, get)
        .acl(&["string"])
        .doc("string", "1.0.0", "Get the value of a key", "O(1)"),
    CommandSpec::keyspace("set", -3, WRITE | DENYOOM, KeyRange::FIRST, set)
        .acl(&["string"])
        .doc("string", "1.0.0", "Set the string value of a key", "O(1)"),
    CommandSpec::keyspace("setnx", 3, WRITE | DENYOOM | FAST, KeyRange::FIRST, setnx)
        .acl(&["string"])
        .doc("string", "1.0.0", "Set the value of a key, only if the key does not exist", "O(1)"),
    CommandSpec::keyspace("setex", 4, WRITE | DENYOOM, KeyRange::FIRST, setex)
        .acl(&["string"])
        .doc("string", "2.0.0", "Set the value and expiration of a key", "O(1)"),
    CommandSpec::keyspace("psetex", 4, WRITE | DENYOOM, KeyRange::FIRST, psetex)
        .acl(&["string"])
        .doc("string", "2.6.0", "Set the value and expiration in milliseconds of a key", "O(1)"),
    CommandSpec::keyspace("getset", 3, WRITE | DENYOOM | FAST, KeyRange::FIRST, getset)
        .acl(&["string"])
        .doc("string", "1.0.0", "Set the string value of a key and return its old value", "O(1)"),
    CommandSpec::keyspace("getdel", 2, WRITE | FAST, KeyRange::FIRST, getdel)
        .acl(&["string"])
        .doc("string", "6.2.0", "Get the value of a key and delete the key", "O(1)"),
    CommandSpec::keyspace("getex", -2, WRITE | FAST, KeyRange::FIRST, getex)
        .acl(&["string"])
        .doc("string", "6.2.0", "Get the value of a key and optionally set its expiration", "O(1)"),
    CommandSpec::keyspace("mget", -2, READONLY | FAST, ALL_KEYS, mget)
        .acl(&["string"])
        .split(Combine::ArrayByKey)
        .doc(
            "string",
            "1.0.0",
            "Get the values of all the given keys",
            "O(N) where N is the number of keys to retrieve.",
        ),
    CommandSpec::keyspace("mset", -3, WRITE | DENYOOM, PAIRS, mset)
        .acl(&["string"])
        .split(Combine::AllOk)
        .doc(
            "string",
            "1.0.1",
            "Set multiple keys to multiple values",
            "O(N) where N is the number of keys to set.",
        ),
    // Not split: all keys must be checked before any is set; the node handles it.
    CommandSpec::keyspace("msetnx", -3, WRITE | DENYOOM, PAIRS, msetnx)
        .acl(&["string"])
        .doc(
            "string",
            "1.0.1",
            "Set multiple keys to multiple values, only if none of the keys exist",
            "O(N) where N is the number of keys to set.",
        ),
    CommandSpec::keyspace("append", 3, WRITE | DENYOOM | FAST, KeyRange::FIRST, append)
        .acl(&["string"])
        .doc(
            "string",
            "2.0.0",
            "Append a value to a key",
            "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        ),
    CommandSpec::keyspace("strlen", 2, READONLY | FAST, KeyRange::FIRST, strlen)
        .acl(&["string"])
        .doc("string", "2.2.0", "Get the length of the value stored in a key", "O(1)"),
    CommandSpec::keyspace("incr", 2, WRITE | DENYOOM | FAST, KeyRange::FIRST, string_incr::incr)
        .acl(&["string"])
        .doc("string", "1.0.0", "Increment the integer value of a key by one", "O(1)"),
    CommandSpec::keyspace("decr", 2, WRITE | DENYOOM | FAST, KeyRange::FIRST, string_incr::decr)
        .acl(&["string"])
        .doc("string", "1.0.0", "Decrement the integer value of a key by one", "O(1)"),
    CommandSpec::keyspace("incrby", 3, WRITE | DENYOOM | FAST, KeyRange::FIRST, string_incr::incrby)
        .acl(&["string"])
        .doc("string", "1.0.0", "Increment the integer value of a key by the given amount", "O(1)"),
    CommandSpec::keyspace("decrby", 3, WRITE | DENYOOM | FAST, KeyRange::FIRST, string_incr::decrby)
        .acl(&["string"])
        .doc("string", "1.0.0", "Decrement the integer value of a key by the given number", "O(1)"),
    CommandSpec::keyspace(
        "incrbyfloat",
        3,
        WRITE | DENYOOM | FAST,
        KeyRange::FIRST,
        string_incr::incrbyfloat,
    )
    .acl(&["string"])
    .doc("string", "2.6.0", "Increment the float value of a key by the given amount", "O(1)"),
    CommandSpec::keyspace("getrange", 4, READONLY, KeyRange::FIRST, string_range::getrange)
        .acl(&["string"])
        .doc("string", "2.4.0", "Get a substring of the string stored at a key", RANGE_COMPLEXITY),
    CommandSpec::keyspace("substr", 4, READONLY, KeyRange::FIRST, string_range::getrange)
        .acl(&["string"])
        .doc("string", "1.0.0", "Get a substring of the string stored at a key", RANGE_COMPLEXITY),
    CommandSpec::keyspace("setrange", 4, WRITE | DENYOOM, KeyRange::FIRST, string_range::setrange)
        .acl(&["string"])
        .doc(
            "string",
            "2.2.0",
            "Overwrite part of a string at key starting at the specified offset",
            "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
        ),
    CommandSpec::keyspace("lcs", -3, READONLY, KeyRange { first: 1, last: 2, step: 1 }, string_range::lcs)
        .acl(&["string"])
        .doc(
            "string",
            "7.0.0",
            "Find longest common substring",
            "O(N*M) where N and M are the lengths of s1 and s2, respectively",
        ),
];

/// Every argument from the first on is a key (MGET).
const ALL_KEYS: KeyRange = KeyRange { first: 1, last: -1, step: 1 };
/// Key/value pairs from the first argument on (MSET, MSETNX).
const PAIRS: KeyRange = KeyRange { first: 1, last: -1, step: 2 };

const RANGE_COMPLEXITY: &str = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

/// Replies with the string at `key` (null when absent), as Redis's
/// `getGenericCommand`. Returns false when it replied WRONGTYPE instead.
fn reply_value(ctx: &mut Ctx<'_>, key: &[u8]) -> bool {
    let (found, out) = lookup_read(ctx, key);
    match found.map(|e| e.value.as_str()) {
        None => out.null(),
        Some(Some(s)) => out.bulk(s.as_bytes()),
        Some(None) => {
            out.wrong_type();
            return false;
        }
    }
    true
}

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    reply_value(ctx, args.get(1));
}

/// Which expiry option was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExpireKind {
    /// EX: seconds from now.
    Ex,
    /// PX: milliseconds from now.
    Px,
    /// EXAT: Unix time in seconds.
    ExAt,
    /// PXAT: Unix time in milliseconds.
    PxAt,
}

impl ExpireKind {
    fn parse(word: &[u8]) -> Option<ExpireKind> {
        let lower = word.to_ascii_lowercase();
        Some(match &lower[..] {
            b"ex" => ExpireKind::Ex,
            b"px" => ExpireKind::Px,
            b"exat" => ExpireKind::ExAt,
            b"pxat" => ExpireKind::PxAt,
            _ => return None,
        })
    }
}

/// An expiry option with its (not yet validated) argument.
#[derive(Clone, Copy)]
struct ExpireArg<'a> {
    kind: ExpireKind,
    value: &'a [u8],
}

/// Why an expiry argument was refused.
enum ExpireError {
    /// Not an integer: `ERR value is not an integer or out of range`.
    NotInteger,
    /// Not positive, or overflowing once in milliseconds: `ERR invalid expire time`.
    Invalid,
}

impl ExpireArg<'_> {
    /// The absolute expiry in Unix milliseconds, as Redis's
    /// `getExpireMillisecondsOrReply` computes it.
    fn at_ms(&self, now_ms: u64) -> Result<u64, ExpireError> {
        let v = parse_i64_strict(self.value).ok_or(ExpireError::NotInteger)?;
        let seconds = matches!(self.kind, ExpireKind::Ex | ExpireKind::ExAt);
        if v <= 0 || (seconds && v > i64::MAX / 1000) {
            return Err(ExpireError::Invalid);
        }
        let ms = if seconds { v * 1000 } else { v };
        if self.is_absolute() {
            return Ok(ms as u64);
        }
        let now_ms = i64::try_from(now_ms).map_err(|_| ExpireError::Invalid)?;
        ms.checked_add(now_ms).map(|at| at as u64).ok_or(ExpireError::Invalid)
    }

    /// True for EXAT/PXAT.
    fn is_absolute(&self) -> bool {
        matches!(self.kind, ExpireKind::ExAt | ExpireKind::PxAt)
    }
}

/// Replies the error for a refused expiry argument of command `cmd`.
fn reply_expire_error(out: &mut Reply<'_>, cmd: &str, err: ExpireError) {
    match err {
        ExpireError::NotInteger => out.not_integer(),
        ExpireError::Invalid => out.error(&format!("ERR invalid expire time in '{cmd}' command")),
    }
}

/// Options of SET and GETEX, parsed with Redis's conflict rules.
#[derive(Clone, Copy, Default)]
struct SetOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    persist: bool,
    expire: Option<ExpireArg<'a>>,
}

/// Which command's options are parsed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OptionsOf {
    /// SET: NX XX GET KEEPTTL EX PX EXAT PXAT.
    Set,
    /// GETEX: PERSIST EX PX EXAT PXAT.
    GetEx,
}

impl<'a> SetOptions<'a> {
    /// Parses options from argument `first` on; None means a syntax error. One
    /// expiry kind may repeat (the last wins) but two kinds conflict, as do NX
    /// and XX, and KEEPTTL or PERSIST with any expiry.
    fn parse(args: &Args<'a>, first: usize, of: OptionsOf) -> Option<SetOptions<'a>> {
        let mut o = SetOptions::default();
        let set = of == OptionsOf::Set;
        let mut j = first;
        while j < args.len() {
            let word = args.get(j);
            let is = |w: &str| word.eq_ignore_ascii_case(w.as_bytes());
            if set && is("nx") && !o.xx {
                o.nx = true;
            } else if set && is("xx") && !o.nx {
                o.xx = true;
            } else if set && is("get") {
                o.get = true;
            } else if set && is("keepttl") && o.expire.is_none() {
                o.keep_ttl = true;
            } else if !set && is("persist") && o.expire.is_none() {
                o.persist = true;
            } else {
                let kind = ExpireKind::parse(word)?;
                let compatible = o.expire.is_none_or(|e| e.kind == kind);
                if !compatible || o.keep_ttl || o.persist || j + 1 >= args.len() {
                    return None;
                }
                o.expire = Some(ExpireArg { kind, value: args.get(j + 1) });
                j += 1;
            }
            j += 1;
        }
        Some(o)
    }

    /// The absolute expiry asked for, if any, at `now_ms`.
    fn expire_at_ms(&self, now_ms: u64) -> Result<Option<u64>, ExpireError> {
        self.expire.map(|e| e.at_ms(now_ms)).transpose()
    }
}

/// What SET-like commands reply when they set, or refuse to set (NX/XX).
#[derive(Clone, Copy)]
enum SetReply {
    /// `+OK`, or null when refused (SET, SETEX, PSETEX).
    OkOrNull,
    /// `:1`, or `:0` when refused (SETNX).
    OneOrZero,
}

/// Redis's `setGenericCommand`: SET and its variants store `value` at `key`.
fn set_generic(
    ctx: &mut Ctx<'_>,
    cmd: &str,
    key: &[u8],
    value: &[u8],
    o: &SetOptions<'_>,
    reply: SetReply,
) {
    let expire_at_ms = match o.expire_at_ms(ctx.now_ms) {
        Ok(ms) => ms,
        Err(err) => return reply_expire_error(&mut ctx.out, cmd, err),
    };
    if o.get && !reply_value(ctx, key) {
        return;
    }
    let lru = ctx.lru_s;
    if !(o.nx || o.xx || o.keep_ttl) {
        // Nothing depends on the old value: replace it in one probe. An old
        // value that had expired counts as expired, as Redis's lookup would.
        let now_ms = ctx.now_ms;
        ctx.db().set_bytes(key, value, expire_at_ms, lru, now_ms);
        return reply_set(&mut ctx.out, o, reply);
    }
    let (old, out) = lookup_write(ctx, key);
    let found = old.is_some();
    let kept_ms = if o.keep_ttl { old.and_then(|e| e.expire_at_ms()) } else { None };
    if (o.nx && found) || (o.xx && !found) {
        if !o.get {
            match reply {
                SetReply::OkOrNull => out.null(),
                SetReply::OneOrZero => out.int(0),
            }
        }
        return;
    }
    // A past EXAT/PXAT stores the key already expired, as Redis does: the next
    // lookup deletes it.
    ctx.db().set(key, Value::from_bytes(value), expire_at_ms.or(kept_ms), lru);
    reply_set(&mut ctx.out, o, reply);
}

/// The reply of a SET that stored its value (none with GET: the old value was
/// the reply).
fn reply_set(out: &mut Reply<'_>, o: &SetOptions<'_>, reply: SetReply) {
    if !o.get {
        match reply {
            SetReply::OkOrNull => out.ok(),
            SetReply::OneOrZero => out.int(1),
        }
    }
}

fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    match SetOptions::parse(args, 3, OptionsOf::Set) {
        Some(o) => set_generic(ctx, "set", args.get(1), args.get(2), &o, SetReply::OkOrNull),
        None => ctx.out.syntax_error(),
    }
}

fn setnx(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let o = SetOptions { nx: true, ..Default::default() };
    set_generic(ctx, "setnx", args.get(1), args.get(2), &o, SetReply::OneOrZero);
}

/// SETEX and PSETEX: `cmd key ttl value`.
fn set_with_ttl(ctx: &mut Ctx<'_>, args: &Args<'_>, cmd: &str, kind: ExpireKind) {
    let o =
        SetOptions { expire: Some(ExpireArg { kind, value: args.get(2) }), ..Default::default() };
    set_generic(ctx, cmd, args.get(1), args.get(3), &o, SetReply::OkOrNull);
}

fn setex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    set_with_ttl(ctx, args, "setex", ExpireKind::Ex);
}

fn psetex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    set_with_ttl(ctx, args, "psetex", ExpireKind::Px);
}

fn getset(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let o = SetOptions { get: true, ..Default::default() };
    set_generic(ctx, "getset", args.get(1), args.get(2), &o, SetReply::OkOrNull);
}

fn getdel(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let key = args.get(1);
    let (found, out) = lookup_read(ctx, key);
    match found.map(|e| e.value.as_str()) {
        None => out.null(),
        Some(None) => out.wrong_type(),
        Some(Some(s)) => {
            out.bulk(s.as_bytes());
            ctx.db().remove(key);
        }
    }
}

fn getex(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(o) = SetOptions::parse(args, 2, OptionsOf::GetEx) else {
        return ctx.out.syntax_error();
    };
    let key = args.get(1);
    let now = ctx.now_ms;
    // Redis validates the expiry only once the key is known to hold a string.
    let expire_at_ms = o.expire_at_ms(now);
    let (found, out) = lookup_read(ctx, key);
    let Some(e) = found else { return out.null() };
    let Some(s) = e.value.as_str() else {
        return out.wrong_type();
    };
    let expire_at_ms = match expire_at_ms {
        Ok(ms) => ms,
        Err(err) => return reply_expire_error(out, "getex", err),
    };
    out.bulk(s.as_bytes());
    let absolute = o.expire.is_some_and(|e| e.is_absolute());
    let db = ctx.db();
    match expire_at_ms {
        // An absolute time already past deletes the key.
        Some(ms) if absolute && ms <= now => {
            db.remove(key);
        }
        Some(ms) => {
            db.set_expire(key, Some(ms));
        }
        None if o.persist => {
            db.set_expire(key, None);
        }
        None => {}
    }
}

fn mget(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    ctx.out.array(args.len() - 1);
    for key in args.iter().skip(1) {
        let (found, out) = lookup_read(ctx, key);
        match found.and_then(|e| e.value.as_str()) {
            Some(s) => out.bulk(s.as_bytes()),
            None => out.null(),
        }
    }
}

/// Checks that MSET/MSETNX got whole pairs; replies the arity error if not.
fn pairs_ok(ctx: &mut Ctx<'_>, args: &Args<'_>, cmd: &str) -> bool {
    let ok = args.len() % 2 == 1;
    if !ok {
        ctx.out.wrong_arity(cmd);
    }
    ok
}

/// Sets every key/value pair of MSET/MSETNX, dropping TTLs.
fn set_pairs(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let lru = ctx.lru_s;
    let db = ctx.db();
    for i in (1..args.len()).step_by(2) {
        db.set(args.get(i), Value::from_bytes(args.get(i + 1)), None, lru);
    }
}

fn mset(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if pairs_ok(ctx, args, "mset") {
        set_pairs(ctx, args);
        ctx.out.ok();
    }
}

fn msetnx(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if !pairs_ok(ctx, args, "msetnx") {
        return;
    }
    let now = ctx.now_ms;
    let db = ctx.db();
    if (1..args.len()).step_by(2).any(|i| db.contains(args.get(i), now)) {
        return ctx.out.int(0);
    }
    set_pairs(ctx, args);
    ctx.out.int(1);
}

/// True when a string of `len_bytes + extra_bytes` is within `limit_bytes`
/// (`proto-max-bulk-len`). Otherwise reply [`TOO_BIG`].
pub(super) fn fits(limit_bytes: u64, len_bytes: usize, extra_bytes: u64) -> bool {
    (len_bytes as u64).checked_add(extra_bytes).is_some_and(|total| total <= limit_bytes)
}

/// The error for a string that would exceed `proto-max-bulk-len`.
pub(super) const TOO_BIG: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/// Turns a string value into a growable `raw` buffer for an in-place edit and
/// returns it; None when the value is not a string.
pub(super) fn raw_mut(value: &mut Value) -> Option<&mut Vec<u8>> {
    if !matches!(value, Value::Raw(_)) {
        let bytes = value.as_str()?.as_bytes().to_vec();
        *value = Value::Raw(Box::new(bytes));
    }
    match value {
        Value::Raw(v) => Some(v),
        _ => None,
    }
}

fn append(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (key, tail) = (args.get(1), args.get(2));
    let limit = ctx.cfg.proto_max_bulk_len_bytes;
    let lru = ctx.lru_s;
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        out.int(tail.len() as i64);
        ctx.db().set(key, Value::from_bytes(tail), None, lru);
        return;
    };
    let Some(len) = e.value.as_str().map(|s| s.as_bytes().len()) else {
        return out.wrong_type();
    };
    if !fits(limit, len, tail.len() as u64) {
        return out.error(TOO_BIG);
    }
    let raw = raw_mut(&mut e.value).expect("checked above: a string");
    raw.extend_from_slice(tail);
    out.int(raw.len() as i64);
}

fn strlen(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (found, out) = lookup_read(ctx, args.get(1));
    match found.map(|e| e.value.as_str().map(|s| s.as_bytes().len())) {
        None => out.int(0),
        Some(Some(n)) => out.int(n as i64),
        Some(None) => out.wrong_type(),
    }
}
