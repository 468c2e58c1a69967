//! The blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP): the
//! engine side of blocking (see `command::blocking` for how the node uses it).
//!
//! The table entries serve at once when one of the keys holds a list, or reply
//! null: a null array, or a null bulk for BLMOVE/BRPOPLPUSH, which is what
//! Redis replies where a client may not block (MULTI, scripts). The node
//! blocks the client on that null; [`POP`] and [`MOVE`] serve it later from
//! the key that became ready.

use super::list::{delete_if_empty, parse_end, write_list};
use super::list_move::{move_one, mpop_from, parse_mpop, Popped};
use crate::command::blocking::{check_timeout, reply_timeout};
use crate::command::{Args, BlockingOps, Ctx, TimeoutAt};
use crate::keyspace::list::End;
use crate::keyspace::ValueType;

/// BLPOP, BRPOP: wait on every key; the timeout is last.
pub const POP: BlockingOps = BlockingOps {
    serves: ValueType::List,
    moves: false,
    timeout_at: TimeoutAt::Last,
    serve: serve_key,
};

/// BLMPOP: wait on every key; the timeout is first.
pub const MPOP: BlockingOps = BlockingOps { timeout_at: TimeoutAt::At(1), ..POP };

/// BLMOVE: wait on the source.
pub const MOVE: BlockingOps = BlockingOps { moves: true, timeout_at: TimeoutAt::At(5), ..POP };

/// BRPOPLPUSH: wait on the source.
pub const RPOPLPUSH: BlockingOps = BlockingOps { timeout_at: TimeoutAt::At(3), ..MOVE };

/// Serves a waiting command from `key`, which holds a list.
fn serve_key(ctx: &mut Ctx<'_>, args: &Args<'_>, key: &[u8]) {
    if !attempt(ctx, args, Some(key)) {
        debug_assert!(false, "a ready list key did not serve");
        reply_timeout(&mut ctx.out);
    }
}

pub(super) fn blpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if !attempt(ctx, args, None) {
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
    if !attempt(ctx, args, None) {
        ctx.out.null();
    }
}

pub(super) fn brpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    blmove(ctx, args);
}

/// Serves the command from its keys (or only from `only`): true when a reply
/// was written (elements, or an error), false when nothing could be served.
fn attempt(ctx: &mut Ctx<'_>, args: &Args<'_>, only: Option<&[u8]>) -> bool {
    let name = args.get(0);
    let considered = |k: &[u8]| only.is_none_or(|o| o == k);
    let served = |p: Popped| p == Popped::Replied;
    if name.eq_ignore_ascii_case(b"blmpop") {
        let Some(m) = parse_mpop(ctx, args, 2) else { return true };
        if !check_timeout(ctx, args.get(1)) {
            return true;
        }
        let keys = (m.first_key..m.first_key + m.numkeys).map(|i| args.get(i));
        return served(mpop_from(ctx, keys.filter(|k| considered(k)), m.end, m.count));
    }
    if name.eq_ignore_ascii_case(b"blmove") || name.eq_ignore_ascii_case(b"brpoplpush") {
        let (from, to, timeout_at) = if name.len() == b"blmove".len() {
            let (Some(from), Some(to)) = (parse_end(args.get(3)), parse_end(args.get(4))) else {
                ctx.out.syntax_error();
                return true;
            };
            (from, to, 5)
        } else {
            (End::Back, End::Front, 3)
        };
        if !check_timeout(ctx, args.get(timeout_at)) {
            return true;
        }
        return served(move_one(ctx, args.get(1), args.get(2), from, to));
    }
    // BLPOP / BRPOP key ... timeout.
    let end = if name.eq_ignore_ascii_case(b"blpop") { End::Front } else { End::Back };
    let last = args.len() - 1;
    if !check_timeout(ctx, args.get(last)) {
        return true;
    }
    for key in (1..last).map(|i| args.get(i)).filter(|k| considered(k)) {
        match write_list(ctx, key) {
            Err(()) => return true,
            Ok((None, _)) => continue,
            Ok((Some(list), out)) => {
                out.array(2);
                out.bulk(key);
                list.pop(end, |v| out.bulk(v));
                delete_if_empty(ctx, key);
                return true;
            }
        }
    }
    false
}
