//! End-to-end basics against real slotd processes with 1 and 2 shards: routing
//! of single- and multi-key commands, and clean shutdown.

mod common;

use common::*;

fn set_get_mget_del(shards: usize) {
    let srv = slotd(shards, &[]);
    let mut c = srv.conn();
    for i in 0..200 {
        let _: () = redis::cmd("SET").arg(format!("key:{i}")).arg(i).query(&mut c).unwrap();
    }
    let v: i64 = redis::cmd("GET").arg("key:42").query(&mut c).unwrap();
    assert_eq!(v, 42);
    let keys: Vec<String> =
        (0..50).map(|i| format!("key:{i}")).chain(["missing".to_string()]).collect();
    let vals: Vec<Option<i64>> = redis::cmd("MGET").arg(&keys).query(&mut c).unwrap();
    let mut want: Vec<Option<i64>> = (0..50).map(Some).collect();
    want.push(None);
    assert_eq!(vals, want);
    let n: i64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert_eq!(n, 200);
    let deleted: i64 = redis::cmd("DEL").arg(&keys).query(&mut c).unwrap();
    assert_eq!(deleted, 50);
    let n: i64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert_eq!(n, 150);
}

#[test]
fn one_shard_routes_everything_locally() {
    set_get_mget_del(1);
}

#[test]
fn two_shards_split_and_merge_multi_key_commands() {
    set_get_mget_del(2);
}

#[test]
fn pipelined_replies_come_back_in_order_across_shards() {
    let srv = slotd(2, &[]);
    let mut c = srv.conn();
    let mut pipe = redis::pipe();
    for i in 0..1000 {
        pipe.cmd("SET").arg(format!("p{i}")).arg(i).ignore();
        pipe.cmd("GET").arg(format!("p{i}"));
    }
    let got: Vec<i64> = pipe.query(&mut c).unwrap();
    assert_eq!(got, (0..1000).collect::<Vec<i64>>());
}

#[test]
fn unknown_command_error_matches_redis() {
    let srv = slotd(1, &[]);
    let mut s = srv.raw();
    let got = roundtrip_raw(&mut s, b"foo a b\r\n", 1);
    assert_eq!(
        String::from_utf8_lossy(&got),
        "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
    );
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut srv = slotd(2, &[]);
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(srv.child.id() as i32, libc::SIGTERM) };
    let st = srv.wait_exit(std::time::Duration::from_secs(10)).expect("slotd exits on SIGTERM");
    assert!(st.success(), "exit status {st}");
}
