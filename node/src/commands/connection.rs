//! PING, ECHO, SELECT, QUIT, HELLO, AUTH, RESET, TIME: commands about the
//! connection itself.

use engine::command::Args;
use engine::num::parse_i64_strict;
use engine::resp::{Protocol, Reply};

use super::Flow;
use crate::clients::ReplyMode;
use crate::conn::Conn;

/// Runs one of this file's commands.
pub fn run(conn: &mut Conn, name: &str, args: &Args<'_>) -> Flow {
    match name {
        "ping" => ping(conn, args),
        "echo" => {
            let proto = conn.client.borrow().proto;
            Reply::new(conn.local_out(), proto).bulk(args.get(1));
        }
        "select" => select(conn, args),
        "quit" => {
            let proto = conn.client.borrow().proto;
            Reply::new(conn.local_out(), proto).ok();
            return Flow::Close;
        }
        "hello" => hello(conn, args),
        "auth" => auth(conn, args),
        "reset" => reset(conn),
        "time" => time(conn),
        _ => unreachable!("not a connection command: {name}"),
    }
    Flow::Done
}

fn ping(conn: &mut Conn, args: &Args<'_>) {
    let proto = conn.client.borrow().proto;
    let mut out = Reply::new(conn.local_out(), proto);
    match args.len() {
        1 => out.simple("PONG"),
        2 => out.bulk(args.get(1)),
        _ => out.wrong_arity("ping"),
    }
}

fn select(conn: &mut Conn, args: &Args<'_>) {
    let (databases, cluster) = {
        let core = conn.shard.core.borrow();
        (core.cfg.databases, core.cfg.cluster.enabled)
    };
    let mut c = conn.client.borrow_mut();
    let proto = c.proto;
    let result = match parse_i64_strict(args.get(1)) {
        None => Err("ERR value is not an integer or out of range"),
        Some(n) if cluster && n != 0 => Err("ERR SELECT is not allowed in cluster mode"),
        Some(n) if n < 0 || n >= databases as i64 => Err("ERR DB index is out of range"),
        Some(n) => {
            c.db = n as usize;
            Ok(())
        }
    };
    drop(c);
    let mut out = Reply::new(conn.local_out(), proto);
    match result {
        Ok(()) => out.ok(),
        Err(e) => out.error(e),
    }
}

/// Checks a password against `requirepass` the way AUTH does; Err is the reply.
fn check_password(conn: &Conn, user: Option<&[u8]>, pass: &[u8]) -> Result<(), &'static str> {
    let required = conn.shard.core.borrow().cfg.requirepass.clone();
    if required.is_empty() && user.is_none() {
        return Err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
    }
    let user_ok = user.is_none_or(|u| u == b"default");
    let pass_ok = required.is_empty() || required.as_bytes() == pass;
    if user_ok && pass_ok {
        Ok(())
    } else {
        Err("WRONGPASS invalid username-password pair or user is disabled.")
    }
}

fn auth(conn: &mut Conn, args: &Args<'_>) {
    let proto = conn.client.borrow().proto;
    let result = match args.len() {
        2 => check_password(conn, None, args.get(1)),
        3 => check_password(conn, Some(args.get(1)), args.get(2)),
        _ => {
            Reply::new(conn.local_out(), proto).syntax_error();
            return;
        }
    };
    if result.is_ok() {
        conn.client.borrow_mut().authenticated = true;
    }
    let mut out = Reply::new(conn.local_out(), proto);
    match result {
        Ok(()) => out.ok(),
        Err(e) => out.error(e),
    }
}

fn hello(conn: &mut Conn, args: &Args<'_>) {
    let cur = conn.client.borrow().proto;
    let mut new_proto = cur;
    let mut i = 1;
    if args.len() >= 2 {
        match parse_i64_strict(args.get(1)) {
            None => {
                Reply::new(conn.local_out(), cur)
                    .error("ERR Protocol version is not an integer or out of range");
                return;
            }
            Some(2) => new_proto = Protocol::Resp2,
            Some(3) => new_proto = Protocol::Resp3,
            Some(_) => {
                Reply::new(conn.local_out(), cur).error("NOPROTO unsupported protocol version");
                return;
            }
        }
        i = 2;
    }
    let mut setname: Option<Vec<u8>> = None;
    while i < args.len() {
        let more = args.len() - i - 1;
        if args.is(i, "auth") && more >= 2 {
            if let Err(e) = check_password(conn, Some(args.get(i + 1)), args.get(i + 2)) {
                Reply::new(conn.local_out(), cur).error(e);
                return;
            }
            conn.client.borrow_mut().authenticated = true;
            i += 3;
        } else if args.is(i, "setname") && more >= 1 {
            setname = Some(args.get(i + 1).to_vec());
            i += 2;
        } else {
            Reply::new(conn.local_out(), cur).error(&format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(args.get(i))
            ));
            return;
        }
    }
    if !conn.client.borrow().authenticated {
        Reply::new(conn.local_out(), cur).error(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
        );
        return;
    }
    if let Some(name) = setname {
        if let Err(e) = super::client::valid_name(&name) {
            Reply::new(conn.local_out(), cur).error(e);
            return;
        }
        conn.client.borrow_mut().name = String::from_utf8_lossy(&name).into_owned();
    }
    let id = {
        let mut c = conn.client.borrow_mut();
        c.proto = new_proto;
        c.id
    };
    let mut out = Reply::new(conn.local_out(), new_proto);
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(if new_proto == Protocol::Resp3 { 3 } else { 2 });
    out.bulk(b"id");
    out.int(id as i64);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
}

fn reset(conn: &mut Conn) {
    let needs_auth = !conn.shard.core.borrow().cfg.requirepass.is_empty();
    {
        let mut c = conn.client.borrow_mut();
        c.db = 0;
        c.proto = Protocol::Resp2;
        c.name.clear();
        c.reply_mode = ReplyMode::On;
        c.no_evict = false;
        c.authenticated = !needs_auth;
    }
    Reply::new(conn.local_out(), Protocol::Resp2).simple("RESET");
}

fn time(conn: &mut Conn) {
    let proto = conn.client.borrow().proto;
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let mut out = Reply::new(conn.local_out(), proto);
    out.array(2);
    out.bulk_i64(now.as_secs() as i64);
    out.bulk_i64(now.subsec_micros() as i64);
}
