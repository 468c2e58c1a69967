//! CLIENT: ID, SETNAME, GETNAME, INFO, SETINFO, REPLY, NO-EVICT, HELP on this
//! connection; LIST and KILL over every shard's clients.

use std::time::Instant;

use engine::command::Args;
use engine::num::parse_i64_strict;
use engine::resp::Reply;

use super::Flow;
use crate::clients::ReplyMode;
use crate::conn::Conn;
use crate::shard::waiters::Wake;
use crate::shard::Shard;

/// Checks a client or library name: no spaces, newlines or special characters.
pub fn valid_name(name: &[u8]) -> Result<(), &'static str> {
    if name.iter().all(|&c| (b'!'..=b'~').contains(&c)) {
        Ok(())
    } else {
        Err("ERR Client names cannot contain spaces, newlines or special characters.")
    }
}

const HELP: &[&str] = &[
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "    * ID <client-id>",
    "      Kill connections by client id.",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
];

/// Runs a CLIENT subcommand that concerns this connection only.
pub fn run_sync(conn: &mut Conn, name: &str, args: &Args<'_>) -> Flow {
    let proto = conn.client.borrow().proto;
    match name {
        "client|id" => {
            let id = conn.client.borrow().id;
            Reply::new(conn.local_out(), proto).int(id as i64);
        }
        "client|getname" => {
            let n = conn.client.borrow().name.clone();
            let mut out = Reply::new(conn.local_out(), proto);
            if n.is_empty() {
                out.null();
            } else {
                out.bulk(n.as_bytes());
            }
        }
        "client|setname" => {
            let r = valid_name(args.get(2));
            if r.is_ok() {
                conn.client.borrow_mut().name = String::from_utf8_lossy(args.get(2)).into_owned();
            }
            let mut out = Reply::new(conn.local_out(), proto);
            match r {
                Ok(()) => out.ok(),
                Err(e) => out.error(e),
            }
        }
        "client|setinfo" => setinfo(conn, args),
        "client|info" => {
            let line = conn.client.borrow().info_line(Instant::now()) + "\n";
            Reply::new(conn.local_out(), proto).verbatim(line.as_bytes());
        }
        "client|reply" => {
            let mode = if args.is(2, "on") {
                ReplyMode::On
            } else if args.is(2, "off") {
                ReplyMode::Off
            } else if args.is(2, "skip") {
                ReplyMode::Skip
            } else {
                Reply::new(conn.local_out(), proto).syntax_error();
                return Flow::Done;
            };
            let mut c = conn.client.borrow_mut();
            // SKIP while replies are OFF changes nothing, as in Redis.
            if !(mode == ReplyMode::Skip && c.reply_mode == ReplyMode::Off) {
                c.reply_mode = mode;
            }
            drop(c);
            if mode == ReplyMode::On {
                Reply::new(conn.local_out(), proto).ok();
            }
        }
        "client|no-evict" => {
            let v = if args.is(2, "on") {
                Some(true)
            } else if args.is(2, "off") {
                Some(false)
            } else {
                None
            };
            if let Some(v) = v {
                conn.client.borrow_mut().no_evict = v;
            }
            let mut out = Reply::new(conn.local_out(), proto);
            match v {
                Some(_) => out.ok(),
                None => out.syntax_error(),
            }
        }
        "client|help" => {
            engine::cmd::introspect::help_reply(
                args.get(0),
                HELP,
                &mut Reply::new(conn.local_out(), proto),
            );
        }
        other => {
            Reply::new(conn.local_out(), proto).error(&format!(
                "ERR unknown subcommand '{}'. Try CLIENT HELP.",
                other.trim_start_matches("client|")
            ));
        }
    }
    Flow::Done
}

fn setinfo(conn: &mut Conn, args: &Args<'_>) {
    let proto = conn.client.borrow().proto;
    let value = args.get(3);
    let ok_chars = value.iter().all(|&c| (b'!'..=b'~').contains(&c));
    let result = if args.is(2, "lib-name") {
        if ok_chars {
            conn.client.borrow_mut().lib_name = String::from_utf8_lossy(value).into_owned();
            Ok(())
        } else {
            Err("ERR lib-name cannot contain spaces, newlines or special characters.".to_string())
        }
    } else if args.is(2, "lib-ver") {
        if ok_chars {
            conn.client.borrow_mut().lib_ver = String::from_utf8_lossy(value).into_owned();
            Ok(())
        } else {
            Err("ERR lib-ver cannot contain spaces, newlines or special characters.".to_string())
        }
    } else {
        Err(format!("ERR Unrecognized option '{}'", String::from_utf8_lossy(args.get(2))))
    };
    let mut out = Reply::new(conn.local_out(), proto);
    match result {
        Ok(()) => out.ok(),
        Err(e) => out.error(&e),
    }
}

/// A filter of CLIENT KILL / CLIENT LIST.
#[derive(Clone, Default)]
struct Filter {
    ids: Option<Vec<u64>>,
    addr: Option<String>,
    laddr: Option<String>,
    /// TYPE: only `normal` clients exist so far; other types match none.
    type_normal: Option<bool>,
    user_default: Option<bool>,
    skip_id: Option<u64>,
}

impl Filter {
    fn matches(&self, c: &crate::clients::Client) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(&c.id))
            && self.addr.as_ref().is_none_or(|a| *a == c.addr.to_string())
            && self.laddr.as_ref().is_none_or(|a| *a == c.laddr.to_string())
            && self.type_normal.unwrap_or(true)
            && self.user_default.unwrap_or(true)
            && self.skip_id != Some(c.id)
    }
}

/// Parses a TYPE filter value: true for `normal` (the only kind of client slotd
/// has so far), false for the other known types; the error names the value as
/// the client wrote it, as Redis does.
fn is_normal_type(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "normal" => Ok(true),
        "master" | "replica" | "slave" | "pubsub" => Ok(false),
        _ => Err(format!("ERR Unknown client type '{v}'")),
    }
}

/// Parses CLIENT KILL's `<option> <value>` pairs (from argument 2).
fn parse_kill_filter(args: &Args<'_>, me: u64) -> Result<Filter, String> {
    let mut f = Filter { skip_id: Some(me), ..Default::default() };
    let mut i = 2;
    while i < args.len() {
        if i + 1 >= args.len() {
            return Err("ERR syntax error".into());
        }
        let v = String::from_utf8_lossy(args.get(i + 1)).into_owned();
        if args.is(i, "id") {
            match parse_i64_strict(args.get(i + 1)) {
                Some(id) if id > 0 => f.ids = Some(vec![id as u64]),
                _ => return Err("ERR client-id should be greater than 0".into()),
            }
        } else if args.is(i, "addr") {
            f.addr = Some(v);
        } else if args.is(i, "laddr") {
            f.laddr = Some(v);
        } else if args.is(i, "type") {
            f.type_normal = Some(is_normal_type(&v)?);
        } else if args.is(i, "user") {
            f.user_default = Some(v == "default");
        } else if args.is(i, "skipme") {
            f.skip_id = match v.to_ascii_lowercase().as_str() {
                "yes" => Some(me),
                "no" => None,
                _ => return Err("ERR syntax error".into()),
            };
        } else {
            return Err("ERR syntax error".into());
        }
        i += 2;
    }
    Ok(f)
}

/// Parses CLIENT LIST's options (from argument 2).
fn parse_list_filter(args: &Args<'_>) -> Result<Filter, String> {
    let mut f = Filter::default();
    let mut i = 2;
    while i < args.len() {
        if args.is(i, "type") && i + 1 < args.len() {
            f.type_normal = Some(is_normal_type(&String::from_utf8_lossy(args.get(i + 1)))?);
            i += 2;
        } else if args.is(i, "id") && i + 1 < args.len() {
            let mut ids = Vec::new();
            i += 1;
            while i < args.len() {
                match parse_i64_strict(args.get(i)) {
                    Some(id) if id > 0 => ids.push(id as u64),
                    _ => return Err("ERR Invalid client ID".into()),
                }
                i += 1;
            }
            f.ids = Some(ids);
        } else {
            return Err("ERR syntax error".into());
        }
    }
    Ok(f)
}

/// CLIENT LIST and CLIENT KILL, which look at every shard's clients.
pub async fn run_async(conn: &mut Conn, name: &str, args: &Args<'_>, out: &mut Vec<u8>) {
    let (proto, me) = {
        let c = conn.client.borrow();
        (c.proto, c.id)
    };
    if name == "client|pause" || name == "client|unpause" {
        return pause(conn, name, args, out).await;
    }
    if name == "client|unblock" {
        return unblock(conn, args, out).await;
    }
    if name == "client|list" {
        let filter = match parse_list_filter(args) {
            Ok(f) => f,
            Err(e) => return Reply::new(out, proto).error(&e),
        };
        let lines = conn
            .shard
            .on_all_shards(move |s: &Shard| {
                let now = Instant::now();
                let core = s.core.borrow();
                core.clients
                    .iter()
                    .filter(|c| filter.matches(&c.borrow()))
                    .map(|c| c.borrow().info_line(now) + "\n")
                    .collect::<String>()
            })
            .await;
        Reply::new(out, proto).verbatim(lines.concat().as_bytes());
        return;
    }
    // CLIENT KILL addr:port (old form) or CLIENT KILL <option> <value> ...
    let old_form = args.len() == 3;
    let filter = if old_form {
        Filter {
            addr: Some(String::from_utf8_lossy(args.get(2)).into_owned()),
            ..Default::default()
        }
    } else {
        match parse_kill_filter(args, me) {
            Ok(f) => f,
            Err(e) => return Reply::new(out, proto).error(&e),
        }
    };
    let killed: usize = conn
        .shard
        .on_all_shards(move |s: &Shard| {
            let core = s.core.borrow();
            let mut n = 0;
            for c in core.clients.iter() {
                let mut c = c.borrow_mut();
                if filter.matches(&c) {
                    c.kill();
                    n += 1;
                }
            }
            n
        })
        .await
        .into_iter()
        .sum();
    let mut reply = Reply::new(out, proto);
    if old_form {
        if killed == 0 {
            reply.error("ERR No such client");
        } else {
            reply.ok();
        }
    } else {
        reply.int(killed as i64);
    }
}

/// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocked client's wait as a
/// timeout or with an UNBLOCKED error; 1 when the client was blocked.
async fn unblock(conn: &mut Conn, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    let Some(id) = parse_i64_strict(args.get(2)) else {
        return Reply::new(out, proto).error("ERR value is not an integer or out of range");
    };
    let error = match args.len() {
        3 => false,
        4 if args.is(3, "timeout") => false,
        4 if args.is(3, "error") => true,
        _ => {
            return Reply::new(out, proto)
                .error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
        }
    };
    let unblocked = conn
        .shard
        .on_all_shards(move |s: &Shard| {
            let core = s.core.borrow();
            let client = core.clients.iter().find(|c| c.borrow().id as i64 == id);
            let state = client.and_then(|c| c.borrow().blocked.clone());
            match state.and_then(|st| st.take()) {
                Some(tx) => tx.send(Wake::Unblock { error }).is_ok(),
                None => false,
            }
        })
        .await
        .contains(&true);
    Reply::new(out, proto).int(unblocked as i64);
}

/// CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, on every shard.
async fn pause(conn: &mut Conn, name: &str, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    let pause = if name == "client|unpause" {
        None
    } else {
        let Some(timeout_ms) = parse_i64_strict(args.get(2)) else {
            return Reply::new(out, proto).error("ERR timeout is not an integer or out of range");
        };
        if timeout_ms < 0 {
            return Reply::new(out, proto).error("ERR timeout is negative");
        }
        let writes_only = match args.len() {
            3 => false,
            4 if args.is(3, "write") => true,
            4 if args.is(3, "all") => false,
            _ => return Reply::new(out, proto).syntax_error(),
        };
        Some(crate::shard::Pause {
            until_ms: crate::shard::unix_ms().saturating_add(timeout_ms as u64),
            writes_only,
        })
    };
    conn.shard.on_all_shards(move |s: &Shard| s.core.borrow_mut().pause = pause).await;
    Reply::new(out, proto).ok();
}
