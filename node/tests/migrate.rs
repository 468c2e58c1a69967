//! MIGRATE against real redis-server 7.0 targets.
//!
//! - The same script of MIGRATE calls (every option and error) runs from a
//!   slotd source (1 and 2 shards) and from a redis-server source, each into its
//!   own redis-server target: the replies must be the same, and so must the
//!   two targets' contents and the two sources' remaining keys.
//! - Keys in flight stay readable while writes to them wait for their fate:
//!   with the target stalled (DEBUG SLEEP), a GET of a key being moved returns
//!   its value, and a pipelined SET + GET of it from other connections runs
//!   after the key left (the SET is not lost to the deletion that follows).
//! - A MIGRATE timeout shorter than the target's stall answers IOERR as Redis,
//!   but the key ends up in one place only (Redis 7.0 leaves it on both).

mod common;
#[path = "common/diff.rs"]
mod diff;

use std::time::{Duration, Instant};

use common::{redis_server, slotd, Server};
use diff::{show, RespConn};

fn words(line: &str) -> Vec<Vec<u8>> {
    diff::split_args(line).expect("a valid command line")
}

fn call(c: &mut RespConn, line: &str) -> String {
    show(&c.call(&words(line)).expect("reply").raw)
}

/// The script, with `{port}` for the target's port and `{bad}` for a closed one.
const SCRIPT: &[&str] = &[
    "SET k1 v1",
    "SET k2 12345",
    "SET k3 \"a string longer than twenty bytes, compressible aaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    "SET {t}a 1",
    "SET {t}b 2",
    "SET vol x PX 100000",
    "SET k5 v5",
    "SET k6 v6",
    "SET k7 v7",
    "MIGRATE 127.0.0.1 {port} k1 0 1000",
    "MIGRATE 127.0.0.1 {port} k1 0 1000",
    "MIGRATE 127.0.0.1 {port} \"\" 0 1000 KEYS k2 k3 missing {t}a {t}b",
    "MIGRATE 127.0.0.1 {port} \"\" 0 1000 KEYS missing other",
    "MIGRATE 127.0.0.1 {port} vol 0 1000",
    "SET k2 again",
    "MIGRATE 127.0.0.1 {port} k2 0 1000",
    "GET k2",
    "MIGRATE 127.0.0.1 {port} k2 0 1000 REPLACE",
    "MIGRATE 127.0.0.1 {port} k5 3 1000 COPY",
    "GET k5",
    "MIGRATE 127.0.0.1 {port} k5 3 1000 COPY REPLACE",
    "MIGRATE 127.0.0.1 {port} k6 0 1000 AUTH secret",
    "MIGRATE 127.0.0.1 {port} k6 0 1000 AUTH2 user secret",
    "MIGRATE 127.0.0.1 {port} k6 0 1000 AUTH",
    "MIGRATE 127.0.0.1 {port} k6 0 1000 AUTH2 user",
    "MIGRATE 127.0.0.1 {port} k6 0 1000 COPY bogus",
    "MIGRATE 127.0.0.1 {port} k6 0 1000 KEYS k7",
    "MIGRATE 127.0.0.1 {port} k6 x 1000",
    "MIGRATE 127.0.0.1 {port} k6 0 y",
    "MIGRATE 127.0.0.1 {port} k6 99 1000",
    "MIGRATE 127.0.0.1 {port} k6 0 0",
    "MIGRATE 127.0.0.1 {bad} k7 0 200",
    "MIGRATE 127.0.0.1 {bad} missing 0 200",
    "MIGRATE 127.0.0.1 {port} k7 0 1000",
    "MIGRATE 127.0.0.1 {port}",
    "DBSIZE",
    "KEYS *",
];

/// Runs the script from `source` into the target on `port`; returns the replies.
fn run_script(source: u16, target: u16, bad: u16) -> Vec<String> {
    let mut c = RespConn::connect(source).unwrap();
    SCRIPT
        .iter()
        .map(|template| {
            let line =
                template.replace("{port}", &target.to_string()).replace("{bad}", &bad.to_string());
            let reply = call(&mut c, &line);
            // KEYS order is the server's own.
            if line == "KEYS *" {
                let mut parts: Vec<&str> = reply.split("\\r\\n").collect();
                parts.sort();
                return parts.join(",");
            }
            format!("{template} -> {reply}")
        })
        .collect()
}

/// A redis-server's whole content: every db's keys with their DUMP and
/// whether they expire.
fn contents(port: u16) -> Vec<String> {
    let mut c = RespConn::connect(port).unwrap();
    let mut out = Vec::new();
    for db in 0..16 {
        call(&mut c, &format!("SELECT {db}"));
        let mut keys: Vec<Vec<u8>> = match c.call(&words("KEYS *")).unwrap().value {
            diff::Resp::Agg(_, Some(items)) => {
                items.iter().map(|i| i.as_bytes().unwrap().to_vec()).collect()
            }
            other => panic!("KEYS gave {other:?}"),
        };
        keys.sort();
        for k in keys {
            let dump = show(&c.call(&[b"DUMP".to_vec(), k.clone()]).unwrap().raw);
            let ttl = c.call(&[b"PTTL".to_vec(), k.clone()]).unwrap().value.as_int().unwrap();
            out.push(format!("db{db} {} {dump} expires={}", show(&k), ttl > 0));
        }
    }
    out
}

#[test]
fn replies_and_results_match_a_redis_source() {
    let bad = common::free_port();
    let (redis_src, redis_dst) = (redis_server(&[]), redis_server(&[]));
    let want = run_script(redis_src.port, redis_dst.port, bad);
    let want_target = contents(redis_dst.port);
    assert!(want.iter().any(|l| l.ends_with("BUSYKEY Target key name already exists.\\r\\n")));
    for shards in [1, 2] {
        let (src, dst) = (slotd(shards, &[]), redis_server(&[]));
        let got = run_script(src.port, dst.port, bad);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{shards} shard(s)");
        }
        assert_eq!(contents(dst.port), want_target, "target content, {shards} shard(s)");
    }
}

/// Makes the redis-server on `port` sleep `secs` (it answers nothing
/// meanwhile); returns the connection to read DEBUG's reply from.
fn stall(port: u16, secs: f64) -> RespConn {
    let mut c = RespConn::connect(port).unwrap();
    c.send(&words(&format!("DEBUG SLEEP {secs}"))).unwrap();
    c
}

/// Waits until `probe` holds, up to 20 s.
fn await_true(what: &str, mut probe: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !probe() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn keys_in_flight_are_readable_and_writes_to_them_wait_for_their_fate() {
    for shards in [1, 2] {
        let (src, dst) = (slotd(shards, &[]), target_with_debug());
        let keys: Vec<String> = (0..8).map(|i| format!("key:{i}")).collect();
        let mut setup = RespConn::connect(src.port).unwrap();
        for k in &keys {
            call(&mut setup, &format!("SET {k} old"));
        }
        let mut sleeper = stall(dst.port, 2.0);
        let mut mover = RespConn::connect(src.port).unwrap();
        let migrate =
            format!("MIGRATE 127.0.0.1 {} \"\" 0 10000 KEYS {}", dst.port, keys.join(" "));
        mover.send(&words(&migrate)).unwrap();
        let mut reader = RespConn::connect(src.port).unwrap();
        await_true("the keys to be in flight", || {
            info_field(&mut reader, "migrate_keys_in_flight") == keys.len() as u64
        });
        // While the target sleeps, every key is still readable here, and a
        // write to another key runs at once.
        assert_eq!(call(&mut reader, "SET unrelated x"), "+OK\\r\\n");
        for k in &keys {
            assert_eq!(call(&mut reader, &format!("GET {k}")), "$3\\r\\nold\\r\\n");
        }
        // Writers pipeline SET + GET on the moving keys (connections spread
        // over the shards): both wait, in order, for the keys' fate.
        let mut writers: Vec<RespConn> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let mut w = RespConn::connect(src.port).unwrap();
            let mut req = diff::encode_command(&words(&format!("SET {k} new{i}")));
            req.extend(diff::encode_command(&words(&format!("GET {k}"))));
            w.send_raw(&req).unwrap();
            writers.push(w);
        }
        await_true("the writes to wait", || {
            info_field(&mut reader, "migrate_parked_writes") >= keys.len() as u64
        });
        assert_eq!(info_field(&mut reader, "migrate_keys_in_flight"), keys.len() as u64);
        assert_eq!(show(&mover.read_reply().unwrap().raw), "+OK\\r\\n");
        assert_eq!(show(&sleeper.read_reply().unwrap().raw), "+OK\\r\\n");
        for (i, w) in writers.iter_mut().enumerate() {
            assert_eq!(show(&w.read_reply().unwrap().raw), "+OK\\r\\n");
            let want = format!("${}\\r\\nnew{i}\\r\\n", 3 + i.to_string().len());
            assert_eq!(show(&w.read_reply().unwrap().raw), want, "{shards} shard(s)");
        }
        // The target took the old values; the source kept the new writes.
        let mut t = RespConn::connect(dst.port).unwrap();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(call(&mut t, &format!("GET {k}")), "$3\\r\\nold\\r\\n");
            let want = format!("${}\\r\\nnew{i}\\r\\n", 3 + i.to_string().len());
            assert_eq!(call(&mut setup, &format!("GET {k}")), want);
        }
    }
}

/// A numeric field of INFO.
fn info_field(c: &mut RespConn, name: &str) -> u64 {
    let info = c.call(&words("INFO stats")).unwrap();
    let text = String::from_utf8_lossy(info.value.as_bytes().unwrap()).into_owned();
    let line = text.lines().find_map(|l| l.strip_prefix(&format!("{name}:")).map(str::to_owned));
    line.unwrap_or_else(|| panic!("INFO has no {name}")).trim().parse().unwrap()
}

/// Waits until the redis-server on `port` stops answering (a DEBUG SLEEP
/// runs): a PING on a new connection gets no reply within 50 ms.
fn await_stalled(port: u16) {
    await_true("the target to stall", || {
        let s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let mut s = s;
        use std::io::{Read, Write};
        s.write_all(b"PING\r\n").unwrap();
        let mut buf = [0u8; 16];
        s.read(&mut buf).is_err()
    });
}

/// A redis-server whose DEBUG command works from local connections.
fn target_with_debug() -> Server {
    redis_server(&["--enable-debug-command", "local"])
}

#[test]
fn a_timeout_shorter_than_the_restore_leaves_the_key_in_one_place() {
    for shards in [1, 2] {
        let (src, dst) = (slotd(shards, &[]), target_with_debug());
        let mut c = RespConn::connect(src.port).unwrap();
        call(&mut c, "SET moving value");
        let mut sleeper = stall(dst.port, 1.0);
        await_stalled(dst.port);
        let reply = call(&mut c, &format!("MIGRATE 127.0.0.1 {} moving 0 50", dst.port));
        assert_eq!(reply, "-IOERR error or timeout reading to target instance\\r\\n");
        assert_eq!(show(&sleeper.read_reply().unwrap().raw), "+OK\\r\\n");
        let mut t = RespConn::connect(dst.port).unwrap();
        await_true("the key to leave the source", || call(&mut c, "EXISTS moving") == ":0\\r\\n");
        assert_eq!(call(&mut t, "GET moving"), "$5\\r\\nvalue\\r\\n", "{shards} shard(s)");
    }
}

/// Big collections (serialized in steps, each payload sent from its own
/// buffer) arrive whole, with their TTL, on a redis-server and on a slotd
/// target; the source shard keeps answering meanwhile (the longest PING
/// wait is printed, not asserted: timings are for the benchmark).
#[test]
fn big_values_arrive_whole() {
    let n: usize = 150_000;
    let src = slotd(1, &[]);
    let mut c = src.conn();
    let mut p = redis::pipe();
    for chunk in (0..n).step_by(1000) {
        let (mut h, mut z, mut s, mut l) =
            (redis::cmd("HSET"), redis::cmd("ZADD"), redis::cmd("SADD"), redis::cmd("RPUSH"));
        h.arg("h");
        z.arg("z");
        s.arg("s");
        l.arg("l");
        for i in chunk..chunk + 1000 {
            h.arg(format!("field:{i}")).arg(format!("value:{i}"));
            z.arg(i).arg(format!("member:{i}"));
            s.arg(format!("member:{i}"));
            l.arg(format!("element:{i}"));
        }
        for cmd in [h, z, s, l] {
            p.add_command(cmd).ignore();
        }
    }
    p.cmd("PEXPIRE").arg("h").arg(600_000).ignore();
    let () = p.query(&mut c).unwrap();
    let targets = [redis_server(&[]), slotd(1, &[])];
    for (i, dst) in targets.iter().enumerate() {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let pinger = {
            let (stop, mut pc) = (stop.clone(), src.conn());
            std::thread::spawn(move || {
                let mut worst = Duration::ZERO;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = Instant::now();
                    let _: String = redis::cmd("PING").query(&mut pc).unwrap();
                    worst = worst.max(t.elapsed());
                }
                worst
            })
        };
        let copy = if i == 0 { "COPY" } else { "" };
        let reply: String = redis::cmd("MIGRATE")
            .arg("127.0.0.1")
            .arg(dst.port)
            .arg("")
            .arg(0)
            .arg(60_000)
            .arg(copy.split_whitespace().collect::<Vec<_>>())
            .arg("KEYS")
            .arg(&["h", "z", "s", "l"])
            .query(&mut c)
            .unwrap();
        assert_eq!(reply, "OK");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        println!(
            "target {i}: longest PING on the source during MIGRATE: {:?}",
            pinger.join().unwrap()
        );
        let mut t = dst.conn();
        let sizes: (usize, usize, usize, usize) = redis::pipe()
            .cmd("HLEN")
            .arg("h")
            .cmd("ZCARD")
            .arg("z")
            .cmd("SCARD")
            .arg("s")
            .cmd("LLEN")
            .arg("l")
            .query(&mut t)
            .unwrap();
        assert_eq!(sizes, (n, n, n, n), "target {i}");
        for j in [0, 777, n / 2, n - 1] {
            let got: (String, f64, bool, String) = redis::pipe()
                .cmd("HGET")
                .arg("h")
                .arg(format!("field:{j}"))
                .cmd("ZSCORE")
                .arg("z")
                .arg(format!("member:{j}"))
                .cmd("SISMEMBER")
                .arg("s")
                .arg(format!("member:{j}"))
                .cmd("LINDEX")
                .arg("l")
                .arg(j)
                .query(&mut t)
                .unwrap();
            assert_eq!(got, (format!("value:{j}"), j as f64, true, format!("element:{j}")));
        }
        let ttl: i64 = redis::cmd("PTTL").arg("h").query(&mut t).unwrap();
        assert!(ttl > 500_000 && ttl <= 600_000, "target {i}: PTTL {ttl}");
        let left: i64 = redis::cmd("EXISTS").arg(&["h", "z", "s", "l"]).query(&mut c).unwrap();
        assert_eq!(left, if i == 0 { 4 } else { 0 }, "COPY keeps the keys, a move does not");
    }
}
