//! The blocking sorted set pops (BZPOPMIN, BZPOPMAX, BZMPOP): the engine side
//! of blocking (see `command::blocking` for how the node uses it).
//!
//! The table entries serve at once when one of the keys holds a sorted set, or
//! reply a null array, which is what Redis replies where a client may not
//! block (MULTI, scripts) and what the node blocks on. [`POP`] and [`MPOP`]
//! serve a waiting client later from the key that became ready.

use super::zset_pop::{parse_mpop, pop, End, Shape};
use crate::command::blocking::{check_timeout, reply_timeout};
use crate::command::{Args, BlockingOps, Ctx, TimeoutAt};
use crate::keyspace::ValueType;

/// BZPOPMIN, BZPOPMAX: wait on every key; the timeout is last.
pub const POP: BlockingOps = BlockingOps {
    serves: ValueType::ZSet,
    moves: false,
    timeout_at: TimeoutAt::Last,
    serve: serve_key,
};

/// BZMPOP: wait on every key; the timeout is first.
pub const MPOP: BlockingOps = BlockingOps { timeout_at: TimeoutAt::At(1), ..POP };

/// BZPOPMIN, BZPOPMAX and BZMPOP where the client does not block.
pub(super) fn serve_or_null(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if !attempt(ctx, args, None) {
        ctx.out.null_array();
    }
}

/// Serves a waiting command from `key`, which holds a sorted set.
fn serve_key(ctx: &mut Ctx<'_>, args: &Args<'_>, key: &[u8]) {
    if !attempt(ctx, args, Some(key)) {
        debug_assert!(false, "a ready sorted set key did not serve");
        reply_timeout(&mut ctx.out);
    }
}

/// Serves the command from its keys (or only from `only`): true when a reply
/// was written (members, or an error), false when no key holds a sorted set.
fn attempt(ctx: &mut Ctx<'_>, args: &Args<'_>, only: Option<&[u8]>) -> bool {
    let considered = |i: &usize| only.is_none_or(|o| o == args.get(*i));
    if args.is(0, "bzmpop") {
        let Some(m) = parse_mpop(ctx, args, 2) else { return true };
        if !check_timeout(ctx, args.get(1)) {
            return true;
        }
        let keys = m.keys.filter(considered);
        return pop(ctx, args, keys, m.end, Some(m.count), Shape::WithKey);
    }
    let last = args.len() - 1;
    if !check_timeout(ctx, args.get(last)) {
        return true;
    }
    let end = if args.is(0, "bzpopmin") { End::Min } else { End::Max };
    pop(ctx, args, (1..last).filter(considered), end, None, Shape::KeyFlat)
}
