//! Connection and server commands against a real slotd: AUTH and requirepass,
//! maxclients, HELLO/RESP3, CLIENT, CONFIG, INFO, DEBUG, SELECT, and redis-cli's
//! own modes (--scan, -r, --stat) which exercise them the way users do.

mod common;

use std::time::Duration;

use common::*;

#[test]
fn requirepass_gates_commands_until_auth() {
    let srv = slotd(2, &["--requirepass", "s3cret"]);
    let mut s = srv.raw();
    assert_eq!(roundtrip_raw(&mut s, b"GET k\r\n", 1), b"-NOAUTH Authentication required.\r\n");
    assert_eq!(
        roundtrip_raw(&mut s, b"AUTH wrong\r\n", 1),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    assert_eq!(roundtrip_raw(&mut s, b"AUTH s3cret\r\n", 1), b"+OK\r\n");
    assert_eq!(roundtrip_raw(&mut s, b"SET k v\r\nGET k\r\n", 12), b"+OK\r\n$1\r\nv\r\n");
}

#[test]
fn auth_without_password_matches_redis() {
    let srv = slotd(1, &[]);
    let mut s = srv.raw();
    let got = roundtrip_raw(&mut s, b"AUTH x\r\n", 1);
    assert_eq!(
        String::from_utf8_lossy(&got),
        "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"
    );
}

#[test]
fn maxclients_refuses_with_redis_error() {
    let srv = slotd(2, &["--maxclients", "2"]);
    let mut a = srv.raw();
    // Wait until the start-up probe connection is gone and only `a` is counted.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let info = roundtrip_raw(&mut a, b"INFO clients\r\n", 40);
        let info = String::from_utf8_lossy(&info).into_owned();
        if info.contains("connected_clients:1\r\n") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{info}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut b = srv.raw();
    assert_eq!(roundtrip_raw(&mut b, b"PING\r\n", 1), b"+PONG\r\n");
    let mut c = srv.raw();
    let got = roundtrip_raw(&mut c, b"PING\r\n", 100);
    assert_eq!(got, b"-ERR max number of clients reached\r\n");
}

#[test]
fn hello_3_switches_to_resp3() {
    let srv = slotd(1, &[]);
    let mut s = srv.raw();
    let got = roundtrip_raw(&mut s, b"HELLO 3\r\n", 1);
    assert!(
        got.starts_with(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"),
        "{}",
        String::from_utf8_lossy(&got)
    );
    // A null is `_` in RESP3.
    let mut s2 = srv.raw();
    roundtrip_raw(&mut s2, b"HELLO 3\r\n", 100);
    assert_eq!(roundtrip_raw(&mut s2, b"GET missing\r\n", 1), b"_\r\n");
    assert_eq!(
        roundtrip_raw(&mut s2, b"HELLO 4\r\n", 1),
        b"-NOPROTO unsupported protocol version\r\n"
    );
}

#[test]
fn client_commands() {
    let srv = slotd(2, &[]);
    let mut c = srv.conn();
    let _: () = redis::cmd("CLIENT").arg("SETNAME").arg("tester").query(&mut c).unwrap();
    let name: String = redis::cmd("CLIENT").arg("GETNAME").query(&mut c).unwrap();
    assert_eq!(name, "tester");
    let id: i64 = redis::cmd("CLIENT").arg("ID").query(&mut c).unwrap();
    let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut c).unwrap();
    assert!(list.contains(&format!("id={id} ")) && list.contains("name=tester"), "{list}");
    let err = redis::cmd("CLIENT").arg("SETNAME").arg("a b").query::<()>(&mut c).unwrap_err();
    assert!(err.to_string().contains("Client names cannot contain spaces"), "{err}");
    // Kill another client by id, over shards.
    let mut other = srv.conn();
    let other_id: i64 = redis::cmd("CLIENT").arg("ID").query(&mut other).unwrap();
    let killed: i64 =
        redis::cmd("CLIENT").arg("KILL").arg("ID").arg(other_id).query(&mut c).unwrap();
    assert_eq!(killed, 1);
    assert!(redis::cmd("PING").query::<String>(&mut other).is_err());
}

#[test]
fn config_get_set_and_select() {
    let srv = slotd(2, &["--databases", "4"]);
    let mut c = srv.conn();
    let v: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("databases").query(&mut c).unwrap();
    assert_eq!(v, vec!["databases", "4"]);
    let _: () = redis::cmd("CONFIG").arg("SET").arg("maxclients").arg("50").query(&mut c).unwrap();
    let v: Vec<String> = redis::cmd("CONFIG").arg("GET").arg("maxc*").query(&mut c).unwrap();
    assert_eq!(v, vec!["maxclients", "50"]);
    let err = redis::cmd("CONFIG").arg("SET").arg("port").arg("1").query::<()>(&mut c).unwrap_err();
    assert!(err.to_string().contains("can't set immutable config"), "{err}");
    let err = redis::cmd("SELECT").arg(4).query::<()>(&mut c).unwrap_err();
    assert!(err.to_string().contains("DB index is out of range"), "{err}");
    let _: () = redis::cmd("SELECT").arg(3).query(&mut c).unwrap();
    let _: () = redis::cmd("SET").arg("k").arg("v").query(&mut c).unwrap();
    let info: String = redis::cmd("INFO").arg("keyspace").query(&mut c).unwrap();
    assert!(info.contains("db3:keys=1,expires=0"), "{info}");
}

#[test]
fn info_reports_real_figures() {
    let srv = slotd(2, &[]);
    let mut c = srv.conn();
    for i in 0..100 {
        let _: () = redis::cmd("SET").arg(format!("k{i}")).arg("x").query(&mut c).unwrap();
    }
    let _: Option<String> = redis::cmd("GET").arg("nope").query(&mut c).unwrap();
    let info: String = redis::cmd("INFO").arg("all").query(&mut c).unwrap();
    let field = |name: &str| info_field(&info, name);
    assert!(field("total_commands_processed") >= 101);
    assert_eq!(field("keyspace_misses"), 1);
    assert!(field("used_memory") > 0);
    assert!(info.contains("cmdstat_set:calls=100,"), "{info}");
    let shard_keys: u64 = info
        .lines()
        .filter(|l| l.starts_with("shard") && l.as_bytes().get(5).is_some_and(u8::is_ascii_digit))
        .map(|l| {
            l.split(',').find_map(|f| f.strip_prefix("keys=")).unwrap().parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(shard_keys, 100);
}

/// One field of an INFO text as a number.
fn info_field(info: &str, name: &str) -> u64 {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("{name} missing"))
        .trim()
        .parse()
        .unwrap()
}

/// One INFO field of the server behind `c`, as a number.
fn info_u64(c: &mut redis::Connection, name: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg("all").query(c).unwrap();
    info_field(&info, name)
}

/// UNLINK of a big value and FLUSHALL ASYNC free on the lazyfree thread:
/// the keys are gone at once, the memory comes back, INFO counts them.
#[test]
fn unlink_and_flush_async_free_in_the_background() {
    let srv = slotd(2, &[]);
    let mut c = srv.conn();
    let before = info_u64(&mut c, "used_memory");
    let mut p = redis::pipe();
    for chunk in 0..100 {
        let mut cmd = redis::cmd("HSET");
        cmd.arg("big");
        for i in 0..1000 {
            cmd.arg(format!("field:{chunk}:{i}")).arg("some value of a field");
        }
        p.add_command(cmd).ignore();
    }
    let () = p.query(&mut c).unwrap();
    let loaded = info_u64(&mut c, "used_memory");
    assert!(loaded > before + 4_000_000, "100k fields take memory: {before} -> {loaded}");
    let n: i64 = redis::cmd("UNLINK").arg("big").arg("nope").query(&mut c).unwrap();
    assert_eq!(n, 1);
    let exists: i64 = redis::cmd("EXISTS").arg("big").query(&mut c).unwrap();
    assert_eq!(exists, 0);
    common::cluster::await_that("the hash is freed", || {
        info_u64(&mut c, "lazyfreed_objects") == 1
            && info_u64(&mut c, "used_memory") < loaded - 4_000_000
    });
    for i in 0..2000 {
        let () = redis::cmd("SET").arg(format!("k{i}")).arg(i).query(&mut c).unwrap();
    }
    let () = redis::cmd("FLUSHALL").arg("ASYNC").query(&mut c).unwrap();
    let keys: i64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert_eq!(keys, 0);
    common::cluster::await_that("the flushed keys are freed", || {
        info_u64(&mut c, "lazyfreed_objects") == 2001
            && info_u64(&mut c, "lazyfree_pending_objects") == 0
    });
}

#[test]
fn debug_sleep_and_shutdown_command() {
    let mut srv = slotd(2, &[]);
    let mut c = srv.conn();
    let _: () = redis::cmd("DEBUG").arg("SLEEP").arg("0").query(&mut c).unwrap();
    let _ = redis::cmd("SHUTDOWN").arg("NOSAVE").query::<()>(&mut c);
    let st = srv.wait_exit(Duration::from_secs(10)).expect("SHUTDOWN stops slotd");
    assert!(st.success());
}

/// `shard-stall-warn-ms`: a shard busy longer than that (a DEL freeing
/// 300k fields at once, ~7 ms even in a debug build: the threshold is the
/// lowest, 2 ms, so that it is well past it) is reported in the log with a
/// backtrace.
#[test]
fn a_stalled_shard_is_reported() {
    let dir = std::env::temp_dir().join(format!("slotd-stall-{}", common::free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("slotd.log");
    let log_arg = log.display().to_string();
    let srv = slotd(1, &["--shard-stall-warn-ms", "2", "--logfile", &log_arg]);
    let mut c = srv.conn();
    let mut p = redis::pipe();
    for chunk in 0..300 {
        let mut cmd = redis::cmd("HSET");
        cmd.arg("big");
        for i in 0..1000 {
            cmd.arg(format!("{chunk}:{i}")).arg(i);
        }
        p.add_command(cmd).ignore();
    }
    let () = p.query(&mut c).unwrap();
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    let before = read_log().matches("shard stalled").count();
    let n: i64 = redis::cmd("DEL").arg("big").query(&mut c).unwrap();
    assert_eq!(n, 1);
    common::cluster::await_that("the stall is logged", || {
        read_log().matches("shard stalled").count() > before
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn redis_cli_scan_and_repeat_modes() {
    let srv = slotd(2, &[]);
    let port = srv.port;
    let out = redis_cli(port, &["-r", "300", "INCR", "counter"]);
    assert_eq!(out.lines().last(), Some("300"));
    load_with_redis_cli(port, 500);
    let out = redis_cli(port, &["--scan", "--pattern", "user:*"]);
    let mut keys: Vec<&str> = out.lines().collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 500);
    let stat = std::process::Command::new("timeout")
        .args(["2", "stdbuf", "-oL", "redis-cli", "-p", &port.to_string(), "--stat", "-i", "0.5"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&stat.stdout);
    assert!(text.contains("keys") && text.contains("501"), "{text}");
}

/// Sets `user:0` .. `user:{n-1}` by piping commands into one redis-cli.
fn load_with_redis_cli(port: u16, n: usize) {
    use std::io::Write;
    let cmds: String = (0..n).map(|j| format!("SET user:{j} v\n")).collect();
    let mut child = std::process::Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(cmds.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

/// A container command sent alone (COMMAND takes no subcommand; the others
/// need one) is answered as Redis answers it, and the server goes on.
#[test]
fn bare_container_commands() {
    let srv = slotd(2, &[]);
    let redis = redis_server(&[]);
    let (mut s, mut r) = (srv.raw(), redis.raw());
    for c in ["CLIENT", "CONFIG", "OBJECT", "CLUSTER"] {
        let req = format!("{c}\r\n");
        let want = roundtrip_raw(&mut r, req.as_bytes(), 1);
        assert_eq!(
            String::from_utf8_lossy(&roundtrip_raw(&mut s, req.as_bytes(), want.len())),
            String::from_utf8_lossy(&want),
            "{c}"
        );
    }
    let all = roundtrip_raw(&mut s, b"COMMAND\r\n", 1);
    assert!(all.starts_with(b"*"), "{}", String::from_utf8_lossy(&all[..all.len().min(64)]));
    let mut s = srv.raw();
    assert_eq!(roundtrip_raw(&mut s, b"PING\r\n", 7), b"+PONG\r\n");
}
