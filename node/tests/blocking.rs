//! Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
//! BZPOPMAX, BZMPOP) with several real connections: each scenario runs
//! against a real redis-server 7.0 and against slotd with 1 and 2 shards,
//! and the transcripts (every reply, in order) must be the same; each also
//! asserts what the transcript must say. With 2 shards the keys and the
//! connections are spread over both, so a waiter is woken by pushes executed
//! on another shard than its connection's.
//!
//! A client is known to be blocked when INFO reports it (awaited, no sleeps).

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::time::{Duration, Instant};

use common::{redis_server, slotd, Server};
use diff::{show, RespConn};

/// One connection of a scenario.
struct C(RespConn);

impl C {
    fn new(port: u16) -> C {
        C(RespConn::connect(port).expect("connect"))
    }

    /// Sends a command (words split on spaces) without reading its reply.
    fn send(&mut self, line: &str) {
        self.0.send(&words(line)).expect("send");
    }

    /// Reads one reply.
    fn read(&mut self) -> String {
        show(&self.0.read_reply().expect("reply").raw)
    }

    /// Sends a command and reads its reply.
    fn call(&mut self, line: &str) -> String {
        self.send(line);
        self.read()
    }
}

fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// Waits until INFO reports `n` blocked clients.
fn await_blocked(ctl: &mut C, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let want = format!("blocked_clients:{n}\\r");
    loop {
        let info = ctl.call("INFO clients");
        if info.contains(&want) {
            return;
        }
        assert!(Instant::now() < deadline, "never {want}: {info}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs `scenario` on redis-server and on slotd with 1 and 2 shards; the
/// transcripts must be equal. Returns redis-server's.
fn same_everywhere(scenario: fn(u16) -> Vec<String>) -> Vec<String> {
    same_everywhere_with(&[], scenario)
}

/// [`same_everywhere`] with both servers started with `options`.
fn same_everywhere_with(options: &[&str], scenario: fn(u16) -> Vec<String>) -> Vec<String> {
    let redis = redis_server(options);
    let want = scenario(redis.port);
    for shards in [1, 2] {
        let s: Server = slotd(shards, options);
        let got = scenario(s.port);
        assert_eq!(got, want, "slotd with {shards} shard(s) differs from redis-server");
    }
    want
}

#[test]
fn a_push_on_another_connection_wakes_the_waiter() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w) = (C::new(port), C::new(port));
        let mut t = vec![];
        // Keys on both shards of a 2-shard node ({a} 15495, foo 12182, bar 5061).
        w.send("BLPOP {a}x foo bar 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("RPUSH bar x y"));
        t.push(w.read());
        t.push(ctl.call("LRANGE bar 0 -1"));
        w.send("BRPOP foo 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("LPUSH foo 1 2"));
        t.push(w.read());
        let info = ctl.call("INFO clients");
        t.push(info.split("\\r\\n").filter(|l| l.starts_with("blocked")).collect());
        t
    });
    assert_eq!(t[1], r#"*2\r\n$3\r\nbar\r\n$1\r\nx\r\n"#);
    assert_eq!(t[4], r#"*2\r\n$3\r\nfoo\r\n$1\r\n1\r\n"#);
}

#[test]
fn waiters_are_served_in_arrival_order_before_the_next_command() {
    let t = same_everywhere(|port| {
        let mut ctl = C::new(port);
        let mut ws: Vec<C> = (0..4).map(|_| C::new(port)).collect();
        for (i, w) in ws.iter_mut().enumerate() {
            w.send(if i % 2 == 0 { "BLPOP q 0" } else { "BLPOP other q 0" });
            await_blocked(&mut ctl, i + 1);
        }
        let mut t = vec![ctl.call("RPUSH q 1 2 3")];
        // Three served at once, in order; the fourth still waits, and the
        // pusher's next command already sees the list empty.
        t.push(ctl.call("LLEN q"));
        for w in ws.iter_mut().take(3) {
            t.push(w.read());
        }
        await_blocked(&mut ctl, 1);
        // A push and a pop in one pipeline: the waiter is served between them.
        ctl.send("LPUSH q a");
        ctl.send("LPOP q");
        t.push(ctl.read());
        t.push(ctl.read());
        t.push(ws[3].read());
        t
    });
    assert_eq!(t[1], ":0\\r\\n");
    assert_eq!(
        t[2..5],
        [
            r"*2\r\n$1\r\nq\r\n$1\r\n1\r\n",
            r"*2\r\n$1\r\nq\r\n$1\r\n2\r\n",
            r"*2\r\n$1\r\nq\r\n$1\r\n3\r\n"
        ]
    );
    assert_eq!(t[6], r"$-1\r\n");
    assert_eq!(t[7], r"*2\r\n$1\r\nq\r\n$1\r\na\r\n");
}

#[test]
fn commands_after_a_blocked_one_wait_for_it() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w) = (C::new(port), C::new(port));
        // One write: the PING and GET must not be answered before the BLPOP.
        let mut req = diff::encode_command(&words("BLPOP k 0"));
        req.extend(diff::encode_command(&words("PING")));
        req.extend(diff::encode_command(&words("GET k")));
        w.0.send_raw(&req).expect("send");
        await_blocked(&mut ctl, 1);
        let mut t = vec![ctl.call("RPUSH k v")];
        t.extend([w.read(), w.read(), w.read()]);
        t
    });
    assert_eq!(t[1..], [r"*2\r\n$1\r\nk\r\n$1\r\nv\r\n", r"+PONG\r\n", r"$-1\r\n"]);
}

#[test]
fn timeouts_reply_null() {
    let t = same_everywhere(|port| {
        let mut w = C::new(port);
        let started = Instant::now();
        let mut t = vec![
            w.call("BLPOP k foo 0.05"),
            w.call("BLMOVE foo bar LEFT LEFT 0.05"),
            w.call("BRPOPLPUSH foo bar 0.05"),
            w.call("BLMPOP 0.05 2 foo bar LEFT"),
            w.call("BZPOPMIN z 0.05"),
            w.call("BZMPOP 0.05 1 z MAX"),
        ];
        assert!(started.elapsed() >= Duration::from_millis(6 * 50));
        w.call("HELLO 3");
        t.push(w.call("BZPOPMAX z 0.01"));
        t.push(w.call("BLMOVE foo bar LEFT LEFT 0.01"));
        t
    });
    assert!(t[..6].iter().all(|r| r == r"*-1\r\n"), "{t:?}");
    assert_eq!(t[6..], [r"_\r\n", r"_\r\n"]);
}

#[test]
fn a_key_of_another_type_does_not_wake_and_a_gone_client_takes_nothing() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w) = (C::new(port), C::new(port));
        let mut t = vec![];
        w.send("BLPOP k 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("SET k s"));
        t.push(ctl.call("DEL k"));
        t.push(ctl.call("ZADD k 1 m"));
        t.push(ctl.call("DEL k"));
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("RPUSH k v"));
        t.push(w.read());
        // A client that leaves while blocked is not served.
        let mut gone = C::new(port);
        gone.send("BLPOP k2 0");
        await_blocked(&mut ctl, 1);
        drop(gone);
        await_blocked(&mut ctl, 0);
        t.push(ctl.call("RPUSH k2 v"));
        t.push(ctl.call("LLEN k2"));
        t
    });
    assert_eq!(t[5], r"*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
    assert_eq!(t[7], ":1\\r\\n");
}

#[test]
fn sorted_set_and_multi_pops_wake() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w) = (C::new(port), C::new(port));
        let mut t = vec![];
        w.send("BZPOPMIN z1 foo 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("ZADD foo 2 b 1 a"));
        t.push(w.read());
        t.push(w.call("BZMPOP 0 2 z3 foo MAX COUNT 5"));
        w.send("BZPOPMAX bar 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("ZADD bar 1 a 2 b"));
        t.push(w.read());
        t.push(ctl.call("DEL bar"));
        w.send("BLMPOP 0 2 x bar RIGHT COUNT 2");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("RPUSH bar 1 2 3"));
        t.push(w.read());
        w.send("BZMPOP 0 2 q1 foo MIN COUNT 2");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("ZADD foo 5 e 4 d 3 c"));
        t.push(w.read());
        t
    });
    assert_eq!(t[1], r"*3\r\n$3\r\nfoo\r\n$1\r\na\r\n$1\r\n1\r\n");
    assert_eq!(t[7], r"*2\r\n$3\r\nbar\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
}

#[test]
fn moves_wake_and_chain_across_shards() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w1, mut w2) = (C::new(port), C::new(port), C::new(port));
        let mut t = vec![];
        // foo and bar live on different shards of a 2-shard node.
        w1.send("BLMOVE foo bar LEFT RIGHT 0");
        await_blocked(&mut ctl, 1);
        w2.send("BLPOP bar 0");
        await_blocked(&mut ctl, 2);
        // The move fills bar, which wakes the second waiter.
        t.push(ctl.call("RPUSH foo v1 v2"));
        t.push(w1.read());
        t.push(w2.read());
        t.push(ctl.call("LRANGE foo 0 -1"));
        t.push(ctl.call("EXISTS bar"));
        w1.send("BRPOPLPUSH {t}a {t}b 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("RPUSH {t}a x"));
        t.push(w1.read());
        t.push(ctl.call("LRANGE {t}b 0 -1"));
        // A destination of the wrong type: WRONGTYPE, the element stays.
        t.push(ctl.call("SET {t}s x"));
        w1.send("BLMOVE {t}c {t}s LEFT LEFT 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("RPUSH {t}c y"));
        t.push(w1.read());
        t.push(ctl.call("LLEN {t}c"));
        t
    });
    assert_eq!(t[1], r"$2\r\nv1\r\n");
    assert_eq!(t[2], r"*2\r\n$3\r\nbar\r\n$2\r\nv1\r\n");
    assert_eq!(t[10], r"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

#[test]
fn client_unblock_ends_the_wait() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w) = (C::new(port), C::new(port));
        let id = w.call("CLIENT ID");
        let id = id.trim_start_matches(':').trim_end_matches(r"\r\n");
        let mut t = vec![ctl.call(&format!("CLIENT UNBLOCK {id}"))];
        w.send("BLPOP k 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call("CLIENT LIST").contains("flags=b").to_string());
        t.push(ctl.call(&format!("CLIENT UNBLOCK {id} TIMEOUT")));
        t.push(w.read());
        w.send("BZPOPMIN k 0");
        await_blocked(&mut ctl, 1);
        t.push(ctl.call(&format!("CLIENT UNBLOCK {id} ERROR")));
        t.push(w.read());
        t.push(ctl.call(&format!("CLIENT UNBLOCK {id} FOO")));
        t.push(ctl.call("CLIENT UNBLOCK x"));
        t
    });
    assert_eq!(t[..4], [":0\\r\\n", "true", ":1\\r\\n", r"*-1\r\n"]);
    assert_eq!(t[5], r"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
}

/// Many clients time out on keys of every shard: afterwards nothing is left
/// registered (a push to those keys finds no waiter).
#[test]
fn timed_out_waiters_leave_nothing_behind() {
    let s = slotd(2, &[]);
    let mut ctl = C::new(s.port);
    let mut ws: Vec<C> = (0..16).map(|_| C::new(s.port)).collect();
    for (i, w) in ws.iter_mut().enumerate() {
        w.send(&format!("BLPOP k{i} k{} 0.05", i + 1));
    }
    for w in &mut ws {
        assert_eq!(w.read(), r"*-1\r\n");
    }
    await_blocked(&mut ctl, 0);
    for i in 0..17 {
        assert_eq!(ctl.call(&format!("RPUSH k{i} v")), ":1\\r\\n");
    }
    let info = ctl.call("INFO clients");
    assert!(info.contains("clients_in_timeout_table:0"), "{info}");
}

/// The idle `timeout` closes idle clients but not blocked ones.
#[test]
fn blocked_clients_are_not_idle() {
    let t = same_everywhere_with(&["--timeout", "1"], |port| {
        let (mut w, mut idle) = (C::new(port), C::new(port));
        w.send("BLPOP k 0");
        let mut ctl = C::new(port);
        await_blocked(&mut ctl, 1);
        // The idle client is closed within a few seconds: reading sees EOF.
        let closed = idle.0.read_reply().is_err_and(|e| {
            e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut
        });
        let mut ctl = C::new(port);
        let mut t = vec![closed.to_string(), ctl.call("RPUSH k v")];
        t.push(w.read());
        t
    });
    assert_eq!(t, ["true", ":1\\r\\n", r"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"]);
}

/// SWAPDB brings a list under a waiter's key: it is served (as Redis).
#[test]
fn swapdb_wakes_waiters() {
    let t = same_everywhere(|port| {
        let (mut ctl, mut w) = (C::new(port), C::new(port));
        w.send("BLPOP k 0");
        await_blocked(&mut ctl, 1);
        let mut t = vec![ctl.call("SELECT 1"), ctl.call("RPUSH k v w"), ctl.call("SWAPDB 0 1")];
        t.push(w.read());
        t.push(ctl.call("LLEN k"));
        t.push(ctl.call("SELECT 0"));
        t.push(ctl.call("LLEN k"));
        t
    });
    assert_eq!(t[3], r"*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
    assert_eq!(t[6], ":1\\r\\n");
}
