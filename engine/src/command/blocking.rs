//! What the node needs to block a command and serve it later (BLPOP, BRPOP,
//! BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP).
//!
//! The engine never waits. The node first runs the command's table entry: it
//! validates everything (Redis's errors, the timeout included) and serves at
//! once when a key holds something to serve from, or else replies null
//! ([`is_null_reply`]), which is Redis's reply where a client may not block
//! (MULTI, scripts). The node then parks the client on the keys
//! [`BlockingOps::watched`] gives until [`BlockingOps::deadline_ms`]. The
//! keyspace reports keys created under a watched name
//! ([`crate::keyspace::Db::watch`]); for each, the node serves the key's
//! waiters in arrival order while the key is [`BlockingOps::ready`] for them,
//! through [`BlockingOps::serve`]. At the deadline it replies
//! [`reply_timeout`].

use super::{Args, CommandSpec, Ctx};
use crate::keyspace::{Entry, ValueType};
use crate::longdouble::{self, Parsed};
use crate::resp::Reply;

/// Where a blocking command's timeout argument is.
#[derive(Clone, Copy, Debug)]
pub enum TimeoutAt {
    /// The last argument (BLPOP, BZPOPMIN ...).
    Last,
    /// A fixed position (BLMOVE 5, BRPOPLPUSH 3, BLMPOP/BZMPOP 1).
    At(usize),
}

/// How one blocking command waits and is served.
pub struct BlockingOps {
    /// The type a watched key must hold for the command to be served from it.
    pub serves: ValueType,
    /// The command moves an element from its first key to its second (BLMOVE,
    /// BRPOPLPUSH): only the first is watched.
    pub moves: bool,
    /// Where the timeout is.
    pub timeout_at: TimeoutAt,
    /// Serves the waiting command from `key`, which holds [`Self::serves`]
    /// (the node checked with [`Self::ready`]), writing its one reply; the
    /// key that became ready is served, not the first in argument order.
    pub serve: fn(&mut Ctx<'_>, &Args<'_>, &[u8]),
}

impl BlockingOps {
    /// Whether a waiter can be served from `entry`. A key of another type
    /// leaves the client waiting, as in Redis 7.0.
    pub fn ready(&self, entry: &Entry) -> bool {
        entry.value.value_type() == self.serves
    }

    /// The deadline of a command whose table entry accepted its timeout (Unix
    /// ms; None: wait forever).
    pub fn deadline_ms(&self, args: &Args<'_>, now_ms: u64) -> Option<u64> {
        let at = match self.timeout_at {
            TimeoutAt::Last => args.len() - 1,
            TimeoutAt::At(i) => i,
        };
        parse_timeout(args.get(at), now_ms).ok().flatten()
    }

    /// Argument positions of the keys the command waits on.
    pub fn watched(&self, spec: &CommandSpec, args: &Args<'_>) -> Vec<usize> {
        let take = if self.moves { 1 } else { usize::MAX };
        spec.key_positions(args).take(take).collect()
    }

    /// Argument position of a move's destination key.
    pub fn destination(&self, spec: &CommandSpec, args: &Args<'_>) -> Option<usize> {
        if self.moves {
            spec.key_positions(args).nth(1)
        } else {
            None
        }
    }
}

/// Whether `reply` is the null a blocking command's table entry gives when
/// nothing could be served (a served reply is never null).
pub fn is_null_reply(reply: &[u8]) -> bool {
    matches!(reply, b"*-1\r\n" | b"$-1\r\n" | b"_\r\n")
}

/// The reply of a blocking command whose deadline passed: a null array (also
/// for BLMOVE and BRPOPLPUSH, as Redis).
pub fn reply_timeout(out: &mut Reply<'_>) {
    out.null_array();
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

/// Validates a blocking command's timeout, replying its error when invalid
/// (false).
pub fn check_timeout(ctx: &mut Ctx<'_>, arg: &[u8]) -> bool {
    match parse_timeout(arg, ctx.now_ms) {
        Ok(_) => true,
        Err(e) => {
            ctx.out.error(e);
            false
        }
    }
}
