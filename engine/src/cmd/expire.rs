//! Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX, XX, GT,
//! LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.
//!
//! Times are Unix milliseconds internally. As in Redis, an expiry at or before
//! now deletes the key at once (and the command still replies 1), and a time
//! that overflows 64-bit milliseconds is an error naming the command.

use super::lookup::{lookup_peek, lookup_write};
use crate::command::{flags::*, Args, CommandSpec, Ctx, KeyRange};

/// Specs of the expiry commands.
pub const COMMANDS: &[CommandSpec] =
    &[
        CommandSpec::keyspace("expire", -3, WRITE | FAST, KeyRange::FIRST, expire)
            .acl(&["keyspace"])
            .doc("generic", "1.0.0", "Set a key's time to live in seconds", "O(1)"),
        CommandSpec::keyspace("pexpire", -3, WRITE | FAST, KeyRange::FIRST, pexpire)
            .acl(&["keyspace"])
            .doc("generic", "2.6.0", "Set a key's time to live in milliseconds", "O(1)"),
        CommandSpec::keyspace("expireat", -3, WRITE | FAST, KeyRange::FIRST, expireat)
            .acl(&["keyspace"])
            .doc("generic", "1.2.0", "Set the expiration for a key as a UNIX timestamp", "O(1)"),
        CommandSpec::keyspace("pexpireat", -3, WRITE | FAST, KeyRange::FIRST, pexpireat)
            .acl(&["keyspace"])
            .doc(
                "generic",
                "2.6.0",
                "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
                "O(1)",
            ),
        CommandSpec::keyspace("ttl", 2, READONLY | FAST, KeyRange::FIRST, ttl)
            .acl(&["keyspace"])
            .doc("generic", "1.0.0", "Get the time to live for a key in seconds", "O(1)"),
        CommandSpec::keyspace("pttl", 2, READONLY | FAST, KeyRange::FIRST, pttl)
            .acl(&["keyspace"])
            .doc("generic", "2.6.0", "Get the time to live for a key in milliseconds", "O(1)"),
        CommandSpec::keyspace("expiretime", 2, READONLY | FAST, KeyRange::FIRST, expiretime)
            .acl(&["keyspace"])
            .doc("generic", "7.0.0", "Get the expiration Unix timestamp for a key", "O(1)"),
        CommandSpec::keyspace("pexpiretime", 2, READONLY | FAST, KeyRange::FIRST, pexpiretime)
            .acl(&["keyspace"])
            .doc(
                "generic",
                "7.0.0",
                "Get the expiration Unix timestamp for a key in milliseconds",
                "O(1)",
            ),
        CommandSpec::keyspace("persist", 2, WRITE | FAST, KeyRange::FIRST, persist)
            .acl(&["keyspace"])
            .doc("generic", "2.2.0", "Remove the expiration from a key", "O(1)"),
    ];

/// How a SET-expiry command reads its time argument.
#[derive(Clone, Copy)]
struct TimeArg {
    /// Command name for the overflow error.
    name: &'static str,
    /// Seconds (true) or milliseconds.
    seconds: bool,
    /// Relative to now (true) or absolute Unix time.
    relative: bool,
}

fn expire(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    expire_generic(ctx, args, TimeArg { name: "expire", seconds: true, relative: true });
}

fn pexpire(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    expire_generic(ctx, args, TimeArg { name: "pexpire", seconds: false, relative: true });
}

fn expireat(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    expire_generic(ctx, args, TimeArg { name: "expireat", seconds: true, relative: false });
}

fn pexpireat(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    expire_generic(ctx, args, TimeArg { name: "pexpireat", seconds: false, relative: false });
}

/// The NX / XX / GT / LT conditions.
#[derive(Default)]
struct Conditions {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

impl Conditions {
    /// Parses the options after the time, replying Redis's error when invalid.
    fn parse(ctx: &mut Ctx<'_>, args: &Args<'_>) -> Option<Conditions> {
        let mut c = Conditions::default();
        for i in 3..args.len() {
            let flag = match args.get(i).to_ascii_lowercase().as_slice() {
                b"nx" => &mut c.nx,
                b"xx" => &mut c.xx,
                b"gt" => &mut c.gt,
                b"lt" => &mut c.lt,
                _ => {
                    error_with_arg(ctx, "ERR Unsupported option ", args.get(i));
                    return None;
                }
            };
            *flag = true;
        }
        if c.nx && (c.xx || c.gt || c.lt) {
            ctx.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return None;
        }
        if c.gt && c.lt {
            ctx.out.error("ERR GT and LT options at the same time are not compatible");
            return None;
        }
        Some(c)
    }

    /// True when an expiry change from `current` (None: persistent) to `new_ms`
    /// is allowed. A persistent key counts as expiring at infinity.
    fn allow(&self, current: Option<i64>, new_ms: i64) -> bool {
        match current {
            None => !self.xx && !self.gt,
            Some(cur) => !(self.nx || (self.gt && new_ms <= cur) || (self.lt && new_ms >= cur)),
        }
    }
}

/// Replies `-<prefix><arg>` the way Redis's `addReplyErrorFormat("...%s")` does:
/// the argument stops at a NUL byte, trailing CR/LF are trimmed, others become
/// spaces.
fn error_with_arg(ctx: &mut Ctx<'_>, prefix: &str, arg: &[u8]) {
    let arg = arg.split(|&b| b == 0).next().unwrap_or_default();
    let end = arg.len() - arg.iter().rev().take_while(|&&b| b == b'\r' || b == b'\n').count();
    let mut line = Vec::with_capacity(prefix.len() + end + 3);
    line.push(b'-');
    line.extend_from_slice(prefix.as_bytes());
    line.extend(arg[..end].iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
    line.extend_from_slice(b"\r\n");
    ctx.out.raw(&line);
}

fn expire_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, t: TimeArg) {
    let Some(cond) = Conditions::parse(ctx, args) else {
        return;
    };
    let Some(mut when_ms) = crate::num::parse_i64_strict(args.get(2)) else {
        ctx.out.not_integer();
        return;
    };
    let base_ms = if t.relative { ctx.now_ms as i64 } else { 0 };
    let when = if t.seconds { when_ms.checked_mul(1000) } else { Some(when_ms) };
    match when.and_then(|w| w.checked_add(base_ms)) {
        Some(w) => when_ms = w,
        None => {
            ctx.out.error(&format!("ERR invalid expire time in '{}' command", t.name));
            return;
        }
    }
    let key = args.get(1);
    let Some(e) = lookup_write(ctx, key).0 else {
        ctx.out.int(0);
        return;
    };
    let current = e.expire_at_ms().map(|ms| ms as i64);
    if !cond.allow(current, when_ms) {
        ctx.out.int(0);
        return;
    }
    let now = ctx.now_ms as i64;
    let db = ctx.db();
    if when_ms <= now {
        db.remove(key);
    } else {
        db.set_expire(key, Some(when_ms as u64));
    }
    ctx.out.int(1);
}

fn ttl(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    ttl_generic(ctx, args, false, false);
}

fn pttl(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    ttl_generic(ctx, args, true, false);
}

fn expiretime(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    ttl_generic(ctx, args, false, true);
}

fn pexpiretime(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    ttl_generic(ctx, args, true, true);
}

/// TTL and friends: -2 for a missing key, -1 for a persistent one, else the
/// time left (or the absolute expiry), seconds rounded to nearest.
fn ttl_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, millis: bool, absolute: bool) {
    let now = ctx.now_ms as i64;
    let reply = match lookup_peek(ctx, args.get(1)).0 {
        None => -2,
        Some(e) => match e.expire_at_ms() {
            None => -1,
            Some(at) => {
                let ms = if absolute { at as i64 } else { (at as i64 - now).max(0) };
                if millis {
                    ms
                } else {
                    (ms + 500) / 1000
                }
            }
        },
    };
    ctx.out.int(reply);
}

fn persist(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let key = args.get(1);
    let volatile = lookup_write(ctx, key).0.is_some_and(|e| e.expire_at_ms().is_some());
    if volatile {
        ctx.db().set_expire(key, None);
    }
    ctx.out.int(volatile as i64);
}

#[cfg(test)]
mod tests {
    use crate::cmd::test_util::run;
    use crate::keyspace::{Keyspace, Value};

    const NOW: u64 = 1_700_000_000_000;

    fn ks_with_k() -> Keyspace {
        let mut ks = Keyspace::new(1);
        ks.db(0).set(b"k", Value::from_bytes(b"v"), None, 0);
        ks
    }

    #[test]
    fn option_errors() {
        let mut ks = ks_with_k();
        let nx_err = b"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "100", "nx", "xx"]), nx_err);
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "100", "NX", "gt"]), nx_err);
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "100", "nx", "lt"]), nx_err);
        assert_eq!(
            run(&mut ks, NOW, &["pexpire", "k", "100", "gt", "lt"]),
            b"-ERR GT and LT options at the same time are not compatible\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["expire", "k", "100", "foo"]),
            b"-ERR Unsupported option foo\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["expire", "k", "abc", "foo"]),
            b"-ERR Unsupported option foo\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "abc", "nx", "xx"]), nx_err);
        assert_eq!(
            run(&mut ks, NOW, &["expire", "k", "1", "a\r\nb\n"]),
            b"-ERR Unsupported option a  b\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["expire", "k", "1", "x\0y"]),
            b"-ERR Unsupported option x\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["expire", "k", "abc"]),
            b"-ERR value is not an integer or out of range\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["expire", "k"]),
            b"-ERR wrong number of arguments for 'expire' command\r\n"
        );
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "100", "nx", "nx"]), b":1\r\n");
    }

    #[test]
    fn overflow_errors_name_the_command() {
        let mut ks = ks_with_k();
        for (cmd, t) in [
            ("expire", "9223372036854775807"),
            ("expire", "9223372036854770"),
            ("expire", "-9223372036854775808"),
            ("pexpire", "9223372036854775807"),
            ("expireat", "9223372036854776"),
            ("expireat", "-9223372036854776"),
        ] {
            let want = format!("-ERR invalid expire time in '{cmd}' command\r\n");
            assert_eq!(run(&mut ks, NOW, &[cmd, "k", t]), want.as_bytes(), "{cmd} {t}");
        }
        assert_eq!(run(&mut ks, NOW, &["expireat", "k", "9223372036854775"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpiretime", "k"]), b":9223372036854775000\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpireat", "k", "9223372036854775807"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "-9223372036854775808"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["exists", "k"]), b":0\r\n");
    }

    #[test]
    fn past_times_delete() {
        for args in [
            &["expire", "k", "0"][..],
            &["expire", "k", "-5"],
            &["pexpire", "k", "0"],
            &["expireat", "k", "1"],
            &["pexpireat", "k", &NOW.to_string()],
        ] {
            let mut ks = ks_with_k();
            assert_eq!(run(&mut ks, NOW, args), b":1\r\n", "{args:?}");
            assert_eq!(run(&mut ks, NOW, &["exists", "k"]), b":0\r\n");
            assert_eq!(ks.db(0).len(), 0);
        }
        // A condition that fails leaves the key alone, even with a past time.
        let mut ks = ks_with_k();
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "-5", "gt"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "-5", "xx"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["exists", "k"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "-5", "lt"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["exists", "k"]), b":0\r\n");
    }

    #[test]
    fn conditions() {
        let mut ks = ks_with_k();
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "100", "xx"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "100", "gt"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "100", "lt"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "50", "nx"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "200", "lt"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "100", "gt"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "200", "gt"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpire", "k", "150", "XX", "lt"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["pttl", "k"]), b":150\r\n");
        assert_eq!(run(&mut ks, NOW, &["persist", "k"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["persist", "k"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["expire", "k", "10", "nx"]), b":1\r\n");
        assert_eq!(run(&mut ks, NOW, &["expire", "missing", "10"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW, &["persist", "missing"]), b":0\r\n");
        assert_eq!(ks.db(0).volatile_len(), 1);
    }

    #[test]
    fn ttl_family() {
        let mut ks = ks_with_k();
        for cmd in ["ttl", "pttl", "expiretime", "pexpiretime"] {
            assert_eq!(run(&mut ks, NOW, &[cmd, "missing"]), b":-2\r\n");
            assert_eq!(run(&mut ks, NOW, &[cmd, "k"]), b":-1\r\n");
        }
        for (ms, secs) in [(1499, "1"), (1500, "2"), (500, "1"), (499, "0")] {
            run(&mut ks, NOW, &["pexpire", "k", &ms.to_string()]);
            assert_eq!(run(&mut ks, NOW, &["ttl", "k"]), format!(":{secs}\r\n").as_bytes(), "{ms}");
            assert_eq!(run(&mut ks, NOW, &["pttl", "k"]), format!(":{ms}\r\n").as_bytes());
        }
        run(&mut ks, NOW, &["pexpireat", "k", "1999999999499"]);
        assert_eq!(run(&mut ks, NOW, &["expiretime", "k"]), b":1999999999\r\n");
        run(&mut ks, NOW, &["pexpireat", "k", "1999999999500"]);
        assert_eq!(run(&mut ks, NOW, &["expiretime", "k"]), b":2000000000\r\n");
        assert_eq!(run(&mut ks, NOW, &["pexpiretime", "k"]), b":1999999999500\r\n");
        // Expiry is "now > at": at the very millisecond the key still exists.
        run(&mut ks, NOW, &["pexpireat", "k", &(NOW + 10).to_string()]);
        assert_eq!(run(&mut ks, NOW + 10, &["pttl", "k"]), b":0\r\n");
        assert_eq!(run(&mut ks, NOW + 11, &["pttl", "k"]), b":-2\r\n");
    }
}
