//! MIGRATE: its spec as Redis 7.0 declares it, its argument parsing with
//! Redis's errors, and the requests it sends to the target (AUTH, SELECT,
//! RESTORE / RESTORE-ASKING). The node does the I/O (`node/src/migrate/`).

use crate::command::key_spec::{key_flags, FindKeys, KeyRef, KeySpec};
use crate::command::{flags::*, Arg, Args, CommandSpec, KeyRange};

/// The MIGRATE spec (executed by the node).
pub const COMMANDS: &[CommandSpec] = &[CommandSpec::node("migrate", -6, WRITE)
    .legacy_keys(KeyRange { first: 3, last: 3, step: 1 })
    .own_keys(MIGRATE_KEYS, migrate_keys)
    .acl(&["keyspace", "dangerous"])
    .tips(&["nondeterministic_output"])
    .doc(
        "generic",
        "2.6.0",
        "Atomically transfer a key from a Redis instance to another one.",
        "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
    )
    .history(&[
        ("3.0.0", "Added the `COPY` and `REPLACE` options."),
        ("3.0.6", "Added the `KEYS` option."),
        ("4.0.7", "Added the `AUTH` option."),
        ("6.0.0", "Added the `AUTH2` option."),
    ])
    .args(&[
        Arg::string("host"),
        Arg::integer("port"),
        Arg::oneof(
            "key_or_empty_string",
            &[Arg::key("key", 0), Arg::pure_token("empty_string", "")],
        ),
        Arg::integer("destination-db"),
        Arg::integer("timeout"),
        Arg::pure_token("copy", "COPY").since("3.0.0").optional(),
        Arg::pure_token("replace", "REPLACE").since("3.0.0").optional(),
        Arg::oneof(
            "authentication",
            &[
                Arg::string("password").token("AUTH").since("4.0.7").optional(),
                Arg::block("username_password", &[Arg::string("username"), Arg::string("password")])
                    .token("AUTH2")
                    .since("6.0.0")
                    .optional(),
            ],
        )
        .optional(),
        Arg::key("key", 1).token("KEYS").since("3.0.6").optional().multiple(),
    ])];

const MIGRATE_KEYS: &[KeySpec] = &[
    KeySpec::range(3, 0, 1, key_flags::RW | key_flags::ACCESS | key_flags::DELETE),
    KeySpec::keyword(
        "KEYS",
        -2,
        FindKeys::Range { lastkey: -1, keystep: 1, limit: 0 },
        key_flags::RW | key_flags::ACCESS | key_flags::DELETE | key_flags::INCOMPLETE,
    ),
];

/// MIGRATE's keys as Redis's `migrateGetKeys` finds them: the key argument,
/// or everything after KEYS (which needs an empty key argument; else none).
fn migrate_keys(args: &Args<'_>) -> Option<Vec<KeyRef>> {
    let flags = key_flags::RW | key_flags::ACCESS | key_flags::DELETE;
    let key = |pos| KeyRef { pos, flags };
    let mut i = 6;
    while i < args.len() {
        let a = args.get(i);
        if a.eq_ignore_ascii_case(b"keys") {
            if !args.get(3).is_empty() {
                return None;
            }
            let keys: Vec<KeyRef> = (i + 1..args.len()).map(key).collect();
            return (!keys.is_empty()).then_some(keys);
        }
        if a.eq_ignore_ascii_case(b"auth") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"auth2") {
            i += 2;
        }
        i += 1;
    }
    (args.len() > 3).then(|| vec![key(3)])
}

/// A parsed MIGRATE command. Keys are argument positions.
#[derive(Debug, PartialEq, Eq)]
pub struct Migrate<'a> {
    pub host: &'a [u8],
    pub port: &'a [u8],
    pub db: i64,
    /// Per I/O step, as Redis: 1000 when given as zero or less.
    pub timeout_ms: i64,
    pub copy: bool,
    pub replace: bool,
    /// `(username, password)` for AUTH / AUTH2.
    pub auth: Option<(Option<&'a [u8]>, &'a [u8])>,
    /// Positions of the keys to move.
    pub keys: Vec<usize>,
}

impl<'a> Migrate<'a> {
    /// Parses MIGRATE's arguments (arity already checked) as Redis does,
    /// failing with its error message.
    pub fn parse(args: &Args<'a>) -> Result<Migrate<'a>, &'static str> {
        const SYNTAX: &str = "ERR syntax error";
        let mut m = Migrate {
            host: args.get(1),
            port: args.get(2),
            db: 0,
            timeout_ms: 0,
            copy: false,
            replace: false,
            auth: None,
            keys: vec![3],
        };
        let mut j = 6;
        while j < args.len() {
            let more = args.len() - 1 - j;
            let a = args.get(j);
            if a.eq_ignore_ascii_case(b"copy") {
                m.copy = true;
            } else if a.eq_ignore_ascii_case(b"replace") {
                m.replace = true;
            } else if a.eq_ignore_ascii_case(b"auth") {
                if more == 0 {
                    return Err(SYNTAX);
                }
                j += 1;
                m.auth = Some((None, args.get(j)));
            } else if a.eq_ignore_ascii_case(b"auth2") {
                if more < 2 {
                    return Err(SYNTAX);
                }
                m.auth = Some((Some(args.get(j + 1)), args.get(j + 2)));
                j += 2;
            } else if a.eq_ignore_ascii_case(b"keys") {
                if !args.get(3).is_empty() {
                    return Err("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
                }
                m.keys = (j + 1..args.len()).collect();
                break;
            } else {
                return Err(SYNTAX);
            }
            j += 1;
        }
        const NOT_INT: &str = "ERR value is not an integer or out of range";
        m.timeout_ms = crate::num::parse_i64_strict(args.get(5)).ok_or(NOT_INT)?;
        m.db = crate::num::parse_i64_strict(args.get(4)).ok_or(NOT_INT)?;
        if m.timeout_ms <= 0 {
            m.timeout_ms = 1000;
        }
        Ok(m)
    }
}

/// Appends one command in RESP (an array of bulk strings) to `out`.
pub fn write_command<'p>(out: &mut Vec<u8>, parts: impl ExactSizeIterator<Item = &'p [u8]>) {
    write_array_len(out, parts.len());
    for p in parts {
        write_bulk(out, p);
    }
}

fn write_bulk(out: &mut Vec<u8>, p: &[u8]) {
    write_bulk_len(out, p.len());
    out.extend_from_slice(p);
    out.extend_from_slice(b"\r\n");
}

fn write_array_len(out: &mut Vec<u8>, n: usize) {
    out.push(b'*');
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
}

fn write_bulk_len(out: &mut Vec<u8>, n: usize) {
    out.push(b'$');
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Appends the RESTORE (RESTORE-ASKING in cluster mode) that recreates `key`
/// from `payload` with `ttl_ms` left (0: no expiry), as MIGRATE sends it.
pub fn write_restore(
    out: &mut Vec<u8>,
    asking: bool,
    key: &[u8],
    ttl_ms: i64,
    payload: &[u8],
    replace: bool,
) {
    write_restore_head(out, asking, key, ttl_ms, payload.len(), replace);
    out.extend_from_slice(payload);
    write_restore_tail(out, replace);
}

/// [`write_restore`] up to the payload (the payload's length line last), for
/// a payload sent from its own buffer; [`write_restore_tail`] follows it.
pub fn write_restore_head(
    out: &mut Vec<u8>,
    asking: bool,
    key: &[u8],
    ttl_ms: i64,
    payload_len: usize,
    replace: bool,
) {
    let name: &[u8] = if asking { b"RESTORE-ASKING" } else { b"RESTORE" };
    let ttl = ttl_ms.to_string();
    write_array_len(out, if replace { 5 } else { 4 });
    for p in [name, key, ttl.as_bytes()] {
        write_bulk(out, p);
    }
    write_bulk_len(out, payload_len);
}

/// What follows the payload of a RESTORE.
pub fn write_restore_tail(out: &mut Vec<u8>, replace: bool) {
    out.extend_from_slice(b"\r\n");
    if replace {
        write_bulk(out, b"REPLACE");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::OwnedCmd;

    fn parse(args: &[&str]) -> Result<(bool, bool, i64, i64, Vec<usize>), &'static str> {
        let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
        let m = Migrate::parse(&cmd.args())?;
        Ok((m.copy, m.replace, m.db, m.timeout_ms, m.keys))
    }

    #[test]
    fn options_and_errors_as_redis() {
        assert_eq!(parse(&["migrate", "h", "1", "k", "0", "5"]), Ok((false, false, 0, 5, vec![3])));
        assert_eq!(
            parse(&["migrate", "h", "1", "", "3", "0", "COPY", "replace", "KEYS", "a", "b"]),
            Ok((true, true, 3, 1000, vec![9, 10]))
        );
        assert_eq!(
            parse(&["migrate", "h", "1", "k", "0", "-5", "AUTH", "pw"]),
            Ok((false, false, 0, 1000, vec![3]))
        );
        assert_eq!(parse(&["migrate", "h", "1", "k", "0", "5", "AUTH"]), Err("ERR syntax error"));
        assert_eq!(
            parse(&["migrate", "h", "1", "k", "0", "5", "AUTH2", "u"]),
            Err("ERR syntax error")
        );
        assert_eq!(parse(&["migrate", "h", "1", "k", "0", "5", "bogus"]), Err("ERR syntax error"));
        assert_eq!(
            parse(&["migrate", "h", "1", "k", "0", "5", "KEYS", "a"]),
            Err("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
        );
        // Options are checked before the numbers, as in Redis.
        assert_eq!(parse(&["migrate", "h", "1", "k", "x", "5", "bogus"]), Err("ERR syntax error"));
        assert_eq!(
            parse(&["migrate", "h", "1", "k", "x", "5"]),
            Err("ERR value is not an integer or out of range")
        );
        let cmd = OwnedCmd::from_parts(
            ["migrate", "h", "1", "", "0", "5", "AUTH2", "u", "p"].iter().map(|a| a.as_bytes()),
        );
        let args = cmd.args();
        let m = Migrate::parse(&args).unwrap();
        assert_eq!(m.auth, Some((Some(&b"u"[..]), &b"p"[..])));
    }

    #[test]
    fn command_info_docs_and_keys_match_redis() {
        crate::cmd::test_util::check_command_info(include_str!(
            "testdata/migrate_command_info.txt"
        ));
        let docs = include_str!("testdata/migrate_command_docs.txt").trim_end();
        assert_eq!(command(&["command", "docs", "migrate"]), docs.replace("\\r\\n", "\r\n"));
        let cases: &[(&[&str], &str)] = &[
            (&["migrate", "h", "1", "k", "0", "5"], "*1\r\n$1\r\nk\r\n"),
            (&["migrate", "h", "1", "", "0", "5"], "*1\r\n$0\r\n\r\n"),
            (&["migrate", "h", "1", "", "0", "5", "KEYS"], "*1\r\n$0\r\n\r\n"),
            (
                &["migrate", "h", "1", "", "0", "5", "AUTH", "keys", "KEYS", "a", "b"],
                "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
            ),
            (
                &["migrate", "h", "1", "k", "0", "5", "KEYS", "a"],
                "-ERR Invalid arguments specified for command\r\n",
            ),
        ];
        for (args, want) in cases {
            let mut full = vec!["command", "getkeys"];
            full.extend_from_slice(args);
            assert_eq!(command(&full), *want, "{}", args.join(" "));
        }
    }

    fn command(args: &[&str]) -> String {
        let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
        let mut buf = Vec::new();
        let mut reply = crate::resp::Reply::new(&mut buf, crate::resp::Protocol::Resp2);
        crate::cmd::introspect::command(&cmd.args(), &mut reply);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn restore_requests() {
        let mut out = Vec::new();
        write_restore(&mut out, true, b"k", 0, b"\x00\x01", true);
        assert_eq!(
            out,
            b"*5\r\n$14\r\nRESTORE-ASKING\r\n$1\r\nk\r\n$1\r\n0\r\n$2\r\n\x00\x01\r\n$7\r\nREPLACE\r\n"
        );
        out.clear();
        write_restore(&mut out, false, b"k", 12, b"p", false);
        assert_eq!(out, b"*4\r\n$7\r\nRESTORE\r\n$1\r\nk\r\n$2\r\n12\r\n$1\r\np\r\n");
    }
}
