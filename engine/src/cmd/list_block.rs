//! The blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP): the
//! engine side of blocking.
//!
//! The engine never waits. A blocking command is first tried with
//! [`try_serve`]: it parses and validates everything (Redis's errors, the
//! timeout included) and serves at once when one of its keys holds a list, or
//! returns [`Blocking::Wait`] with nothing written. The node then parks the
//! client on the command's keys (their positions come from the spec, as for
//! routing) until the deadline. When a key it waits on may have become a
//! non-empty list, the node calls [`serve_ready_key`] for the waiters on that
//! key in arrival order, stopping at the first that still has to wait; at the
//! deadline it replies with [`reply_timeout`].
//!
//! The table entries of these commands run the non-blocking path Redis takes
//! where a client may not block (MULTI, scripts): serve, or reply as a
//! timeout would — except BLMOVE/BRPOPLPUSH, which reply a null bulk there.

use super::list::{delete_if_empty, parse_end, write_list};
use super::list_move::{move_one, mpop_from, parse_mpop, Popped};
use crate::command::{Args, Ctx};
use crate::keyspace::list::End;
use crate::keyspace::Value;
use crate::longdouble::{self, Parsed};
use crate::resp::Reply;

/// What an attempt to serve a blocking command came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocking {
    /// A reply was written (elements, or an error).
    Served,
    /// None of the keys holds a list: nothing was written, the client waits
    /// until the deadline (Unix ms; None: forever). On a retry after a key
    /// became ready the deadline is recomputed and should be ignored.
    Wait { deadline_ms: Option<u64> },
}

/// First attempt at a blocking command (arity already checked).
pub fn try_serve(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Blocking {
    attempt(ctx, args, None)
}

/// Retry of a waiting blocking command after `key` (one of its keys; the
/// source for BLMOVE/BRPOPLPUSH) may have become a non-empty list. Serves from
/// that key only, as Redis serves the key that became ready. A key holding
/// another type leaves the client waiting, as in Redis 7.0.
pub fn serve_ready_key(ctx: &mut Ctx<'_>, args: &Args<'_>, key: &[u8]) -> Blocking {
    let holds_list =
        ctx.ks.db(ctx.db).peek(key, ctx.now_ms).is_some_and(|e| matches!(e.value, Value::List(_)));
    if !holds_list {
        return Blocking::Wait { deadline_ms: None };
    }
    attempt(ctx, args, Some(key))
}

/// The reply of a blocking list command whose deadline passed: a null array.
pub fn reply_timeout(out: &mut Reply<'_>) {
    out.null_array();
}

pub(super) fn blpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if try_serve(ctx, args) != Blocking::Served {
        ctx.out.null_array();
    }
}

pub(super) fn brpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    blpop(ctx, args);
}

pub(super) fn blmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    blpop(ctx, args);
}

pub(super) fn blmove(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if try_serve(ctx, args) != Blocking::Served {
        ctx.out.null();
    }
}

pub(super) fn brpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    blmove(ctx, args);
}

/// Serves the command from its keys (or only from `only`), or says to wait.
fn attempt(ctx: &mut Ctx<'_>, args: &Args<'_>, only: Option<&[u8]>) -> Blocking {
    let name = args.get(0);
    let considered = |k: &[u8]| only.is_none_or(|o| o == k);
    let served = |p: Popped, deadline_ms| match p {
        Popped::Replied => Blocking::Served,
        Popped::Nothing => Blocking::Wait { deadline_ms },
    };
    if name.eq_ignore_ascii_case(b"blmpop") {
        let Some(m) = parse_mpop(ctx, args, 2) else { return Blocking::Served };
        let Some(deadline_ms) = timeout_or_reply(ctx, args.get(1)) else {
            return Blocking::Served;
        };
        let keys = (m.first_key..m.first_key + m.numkeys).map(|i| args.get(i));
        return served(mpop_from(ctx, keys.filter(|k| considered(k)), m.end, m.count), deadline_ms);
    }
    if name.eq_ignore_ascii_case(b"blmove") || name.eq_ignore_ascii_case(b"brpoplpush") {
        let (from, to, timeout_at) = if name.len() == b"blmove".len() {
            let (Some(from), Some(to)) = (parse_end(args.get(3)), parse_end(args.get(4))) else {
                ctx.out.syntax_error();
                return Blocking::Served;
            };
            (from, to, 5)
        } else {
            (End::Back, End::Front, 3)
        };
        let Some(deadline_ms) = timeout_or_reply(ctx, args.get(timeout_at)) else {
            return Blocking::Served;
        };
        return served(move_one(ctx, args.get(1), args.get(2), from, to), deadline_ms);
    }
    // BLPOP / BRPOP key ... timeout.
    let end = if name.eq_ignore_ascii_case(b"blpop") { End::Front } else { End::Back };
    let last = args.len() - 1;
    let Some(deadline_ms) = timeout_or_reply(ctx, args.get(last)) else {
        return Blocking::Served;
    };
    for key in (1..last).map(|i| args.get(i)).filter(|k| considered(k)) {
        match write_list(ctx, key) {
            Err(()) => return Blocking::Served,
            Ok((None, _)) => continue,
            Ok((Some(list), out)) => {
                out.array(2);
                out.bulk(key);
                list.pop(end, |v| out.bulk(v));
                delete_if_empty(ctx, key);
                return Blocking::Served;
            }
        }
    }
    Blocking::Wait { deadline_ms }
}

/// Parses a timeout, replying its error when invalid: `Some(deadline)`.
fn timeout_or_reply(ctx: &mut Ctx<'_>, arg: &[u8]) -> Option<Option<u64>> {
    match parse_timeout(arg, ctx.now_ms) {
        Ok(deadline) => Some(deadline),
        Err(e) => {
            ctx.out.error(e);
            None
        }
    }
}

/// Longest number Redis hands to `strtold` (`MAX_LONG_DOUBLE_CHARS`).
const MAX_FLOAT_CHARS: usize = 5 * 1024;

/// Reads a timeout in seconds as Redis 7.0.15's `getTimeoutFromObjectOrReply`:
/// a long double times 1000, rounded up, cast to a C `long long` (infinity and
/// anything past i64 become i64::MIN, so "negative"). 0 waits forever; a
/// deadline past i64 (Redis overflows it into the past, where its timeout
/// table never fires) waits forever too.
pub fn parse_timeout(arg: &[u8], now_ms: u64) -> Result<Option<u64>, &'static str> {
    let parsed = if arg.len() >= MAX_FLOAT_CHARS { None } else { longdouble::parse(arg) };
    let ms = match parsed {
        None => return Err("ERR timeout is not a float or out of range"),
        Some(Parsed::Infinite) => i64::MIN,
        Some(Parsed::Finite(v)) => v.checked_mul_u64(1000).map_or(i64::MIN, |p| p.ceil_to_i64()),
    };
    if ms < 0 {
        return Err("ERR timeout is negative");
    }
    if ms == 0 {
        return Ok(None);
    }
    Ok((ms as u64).checked_add(now_ms).filter(|&d| d <= i64::MAX as u64))
}
