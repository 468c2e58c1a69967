//! OBJECT: introspection of one key's value (ENCODING, FREQ, IDLETIME,
//! REFCOUNT, HELP). The container is resolved by the node, which looks the
//! subcommand up and runs it where the key lives.
//!
//! Values are never shared between keys here, except that Redis reports its
//! shared small integers (0..=9999) as referenced `INT_MAX` times; we report the
//! same so that clients see Redis's numbers. LFU eviction is not implemented,
//! so OBJECT FREQ always gives Redis's error for a non-LFU policy.

use super::lookup::lookup_peek;
use crate::command::{flags::*, Args, CommandSpec, Ctx, KeyRange, Route};
use crate::keyspace::{Entry, Value};

/// The key of `OBJECT <sub> <key>`.
const SUB_KEY: KeyRange = KeyRange { first: 2, last: 2, step: 1 };

/// Redis shares the integers below this (`OBJ_SHARED_INTEGERS`).
const SHARED_INTEGERS: i64 = 10_000;

/// What OBJECT REFCOUNT reports for a shared object (`OBJ_SHARED_REFCOUNT`).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// Specs of OBJECT and its subcommands.
pub const COMMANDS: &[CommandSpec] = &[CommandSpec::node("object", -2, 0).subs(SUBCOMMANDS).doc(
    "generic",
    "2.2.3",
    "A container for object introspection commands",
    "Depends on subcommand.",
)];

const SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("object|encoding", 3, READONLY, SUB_KEY, encoding)
        .acl(&["keyspace"])
        .doc("generic", "2.2.3", "Inspect the internal encoding of a Redis object", "O(1)"),
    CommandSpec::keyspace("object|freq", 3, READONLY, SUB_KEY, freq).acl(&["keyspace"]).doc(
        "generic",
        "4.0.0",
        "Get the logarithmic access frequency counter of a Redis object",
        "O(1)",
    ),
    CommandSpec::keyspace("object|idletime", 3, READONLY, SUB_KEY, idletime)
        .acl(&["keyspace"])
        .doc("generic", "2.2.3", "Get the time since a Redis object was last accessed", "O(1)"),
    CommandSpec::keyspace("object|refcount", 3, READONLY, SUB_KEY, refcount)
        .acl(&["keyspace"])
        .doc("generic", "2.2.3", "Get the number of references to the value of the key", "O(1)"),
    // HELP touches no key: it runs on the connection's own shard.
    CommandSpec {
        route: Route::Node,
        ..CommandSpec::keyspace("object|help", 2, LOADING | STALE, KeyRange::NONE, help)
            .acl(&["keyspace"])
            .doc("generic", "6.2.0", "Show helpful text about the different subcommands", "O(1)")
    },
];

const HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

/// Applies `f` to the key's entry (looked up without touching it); replies
/// null and returns None when the key does not exist.
fn inspect<T>(ctx: &mut Ctx<'_>, args: &Args<'_>, f: impl FnOnce(&Entry) -> T) -> Option<T> {
    let found = lookup_peek(ctx, args.get(2)).0.map(|e| f(e));
    if found.is_none() {
        ctx.out.null();
    }
    found
}

fn encoding(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if let Some(name) = inspect(ctx, args, |e| e.value.encoding_name()) {
        ctx.out.bulk(name.as_bytes());
    }
}

fn freq(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if inspect(ctx, args, |_| ()).is_some() {
        ctx.out.error(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
             Please note that when switching between policies at runtime LRU and LFU data \
             will take some time to adjust.",
        );
    }
}

fn idletime(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let now_s = ctx.lru_s;
    if let Some(idle_s) = inspect(ctx, args, |e| now_s.saturating_sub(e.lru_s)) {
        ctx.out.int(idle_s as i64);
    }
}

fn refcount(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let shared = |e: &Entry| matches!(e.value, Value::Int(n) if (0..SHARED_INTEGERS).contains(&n));
    if let Some(shared) = inspect(ctx, args, shared) {
        ctx.out.int(if shared { SHARED_REFCOUNT } else { 1 });
    }
}

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) {
    ctx.out.array(HELP.len());
    for line in HELP {
        ctx.out.simple(line);
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::test_util::run;
    use crate::keyspace::{Keyspace, Value};

    const NOW: u64 = 1_000_000;

    #[test]
    fn encodings_and_missing_keys() {
        let mut ks = Keyspace::new(1);
        ks.db(0).set(b"i", Value::from_bytes(b"123"), None, 0);
        ks.db(0).set(b"e", Value::from_bytes(b"abc"), None, 0);
        ks.db(0).set(b"r", Value::from_bytes(&[b'x'; 100]), None, 0);
        assert_eq!(run(&mut ks, NOW, &["object", "encoding", "i"]), b"$3\r\nint\r\n");
        assert_eq!(run(&mut ks, NOW, &["OBJECT", "ENCODING", "e"]), b"$6\r\nembstr\r\n");
        assert_eq!(run(&mut ks, NOW, &["object", "encoding", "r"]), b"$3\r\nraw\r\n");
        for sub in ["encoding", "freq", "idletime", "refcount"] {
            assert_eq!(run(&mut ks, NOW, &["object", sub, "missing"]), b"$-1\r\n", "{sub}");
        }
    }

    #[test]
    fn refcount_like_redis_shared_integers() {
        let mut ks = Keyspace::new(1);
        for (v, want) in [
            ("0", ":2147483647\r\n"),
            ("9999", ":2147483647\r\n"),
            ("10000", ":1\r\n"),
            ("-1", ":1\r\n"),
            ("abc", ":1\r\n"),
        ] {
            ks.db(0).set(b"k", Value::from_bytes(v.as_bytes()), None, 0);
            assert_eq!(run(&mut ks, NOW, &["object", "refcount", "k"]), want.as_bytes(), "{v}");
        }
    }

    #[test]
    fn idletime_and_freq() {
        let mut ks = Keyspace::new(1);
        ks.db(0).set(b"k", Value::Int(1), None, 990);
        assert_eq!(run(&mut ks, NOW, &["object", "idletime", "k"]), b":10\r\n");
        // OBJECT does not touch the key.
        assert_eq!(run(&mut ks, NOW, &["object", "idletime", "k"]), b":10\r\n");
        assert_eq!(
            run(&mut ks, NOW, &["object", "freq", "k"]),
            &b"-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"[..]
        );
    }

    #[test]
    fn help_and_arity() {
        let mut ks = Keyspace::new(1);
        let help = run(&mut ks, NOW, &["object", "help"]);
        assert_eq!(
            help,
            &b"*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n"[..]
        );
        assert_eq!(
            run(&mut ks, NOW, &["object", "foo"]),
            b"-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["object", "encoding"]),
            b"-ERR wrong number of arguments for 'object|encoding' command\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["object", "help", "x"]),
            b"-ERR wrong number of arguments for 'object|help' command\r\n"
        );
        assert_eq!(
            run(&mut ks, NOW, &["object"]),
            b"-ERR wrong number of arguments for 'object' command\r\n"
        );
    }
}
