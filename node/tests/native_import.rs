//! The target side of slotd's native slot migration (CLUSTER SYNCSLOTS), with
//! this test playing the source's links against a real 2-node slotd cluster
//! (node A serves every slot; B, with 2 shards, imports from it):
//! - a link writes keys of the slots it imports, which nobody else sees (B
//!   answers MOVED to A) until FINISH, after which B serves them with a new
//!   config epoch and A learns it over the bus;
//! - RESERVE leaves a sized empty collection for a link's next command on
//!   the key's shard, and only a link of the key's slot may ask;
//! - a job whose last link closes before FINISH deletes what it imported;
//! - bad jobs are refused with clear errors.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use common::cluster::{await_that, cli};

/// A raw connection: sends one command, reads a one-line reply or a bulk
/// string ("$len body").
struct Link(BufReader<TcpStream>);

impl Link {
    fn new(port: u16) -> Link {
        Link(BufReader::new(TcpStream::connect(("127.0.0.1", port)).unwrap()))
    }

    fn call(&mut self, args: &[&str]) -> String {
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        self.0.get_mut().write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.0.read_line(&mut line).unwrap();
        let line = line.trim_end().to_string();
        if line.starts_with('$') && line != "$-1" {
            // A bulk string: its body follows on the next line.
            let mut body = String::new();
            self.0.read_line(&mut body).unwrap();
            return format!("{line} {}", body.trim_end());
        }
        line
    }
}

/// A key hashing to a slot in `lo..=hi`, the `n`-th such.
fn key_in(lo: u16, hi: u16, n: usize) -> String {
    (0..)
        .map(|i| format!("k{i}"))
        .filter(|k| (lo..=hi).contains(&engine::slot::key_slot(k.as_bytes())))
        .nth(n)
        .unwrap()
}

#[test]
fn an_import_is_invisible_until_finish_then_owned_by_the_target() {
    let (a, b, id_a, id_b) = common::cluster::two_nodes(1, 2);
    let mut link = Link::new(b.port);
    let mut link2 = Link::new(b.port);
    let job = "job-0123456789";
    assert_eq!(link.call(&["CLUSTER", "SYNCSLOTS", "ESTABLISH", job, &id_a, "0", "99"]), "+OK");
    // A second link of the same job (another source shard).
    assert_eq!(link2.call(&["CLUSTER", "SYNCSLOTS", "ESTABLISH", job, &id_a, "0", "99"]), "+OK");
    let keys: Vec<String> = (0..40).map(|n| key_in(0, 99, n)).collect();
    for (i, k) in keys.iter().enumerate() {
        let l = if i % 2 == 0 { &mut link } else { &mut link2 };
        assert_eq!(l.call(&["SET", k, &format!("v{i}")]), "+OK");
        assert_eq!(l.call(&["HSET", &format!("{{{k}}}h"), "f", "x"]), ":1");
    }
    // A link may not write a slot outside its job.
    let outside = key_in(100, 16383, 0);
    assert!(link.call(&["SET", &outside, "x"]).starts_with("-MOVED"));
    // RESERVE: the next HSET of the key starts from a table sized for 5000
    // fields (a hash of 2 fields would be a listpack otherwise).
    let big = key_in(0, 99, 40);
    let reserve = ["CLUSTER", "SYNCSLOTS", "RESERVE", &big, "hash", "5000"];
    assert_eq!(link.call(&reserve), "+OK");
    assert_eq!(link.call(&["HSET", &big, "f1", "v", "f2", "v"]), ":2");
    assert_eq!(link.call(&["OBJECT", "ENCODING", &big]), "$9 hashtable");
    assert_eq!(link.call(&["HSET", &format!("{{{big}}}2"), "f", "v"]), ":1");
    assert_eq!(link.call(&["OBJECT", "ENCODING", &format!("{{{big}}}2")]), "$8 listpack");
    let not_link = Link::new(b.port).call(&reserve);
    assert_eq!(not_link, "-ERR Not a slot migration link importing that key's slot");
    let outside_reserve = ["CLUSTER", "SYNCSLOTS", "RESERVE", &outside, "hash", "5000"];
    assert!(link.call(&outside_reserve).starts_with("-ERR Not a slot migration link"));
    let bad_kind = ["CLUSTER", "SYNCSLOTS", "RESERVE", &big, "list", "5000"];
    assert_eq!(link.call(&bad_kind), "-ERR Unknown collection kind");
    let bad_count = ["CLUSTER", "SYNCSLOTS", "RESERVE", &big, "hash", "-1"];
    assert_eq!(link.call(&bad_count), "-ERR value is not an integer or out of range");
    // Nobody else sees the imported keys yet.
    let mut client = Link::new(b.port);
    let moved = client.call(&["GET", &keys[0]]);
    assert!(moved.starts_with("-MOVED") && moved.ends_with(&format!(":{}", a.port)), "{moved}");
    let migrations = cli(&["-p", &b.port.to_string(), "cluster", "getslotmigrations"]);
    assert!(
        migrations.contains("IMPORT")
            && migrations.contains("0-99")
            && migrations.contains("importing"),
        "{migrations}"
    );

    assert_eq!(link.call(&["CLUSTER", "SYNCSLOTS", "FINISH", job]), "+OK");
    assert_eq!(link.call(&["CLUSTER", "SYNCSLOTS", "STATUS", job]), "+finished");
    assert_eq!(client.call(&["GET", &keys[3]]), "$2 v3");
    assert_eq!(client.call(&["DBSIZE"]), ":82");
    // B claims 0-99 with an epoch of its own; A learns it over the bus and
    // sends clients there.
    let pa = a.port.to_string();
    await_that("A sees B owning slots 0-99", || {
        cli(&["-p", &pa, "cluster", "nodes"])
            .lines()
            .any(|l| l.starts_with(&id_b) && l.ends_with(" 0-99"))
    });
    let mut at_a = Link::new(a.port);
    assert_eq!(
        at_a.call(&["GET", &keys[0]]),
        format!("-MOVED {} 127.0.0.1:{}", engine::slot::key_slot(keys[0].as_bytes()), b.port)
    );
}

#[test]
fn an_unfinished_import_is_deleted_when_its_links_close() {
    let (_a, b, id_a, id_b) = common::cluster::two_nodes(1, 2);
    let pb = b.port.to_string();
    let job = "job-abandoned";
    {
        let mut link = Link::new(b.port);
        assert_eq!(
            link.call(&["CLUSTER", "SYNCSLOTS", "ESTABLISH", job, &id_a, "100", "199"]),
            "+OK"
        );
        for n in 0..50 {
            assert_eq!(link.call(&["SET", &key_in(100, 199, n), "v"]), "+OK");
        }
        let held = keys_in_slots(b.port, 100..200);
        assert_eq!(held, 50);
    }
    await_that("the abandoned import is deleted", || {
        cli(&["-p", &pb, "cluster", "getslotmigrations"]).contains("aborted")
    });
    let held = keys_in_slots(b.port, 100..200);
    assert_eq!(held, 0);

    // Explicit ABORT, then errors.
    let mut link = Link::new(b.port);
    assert_eq!(link.call(&["CLUSTER", "SYNCSLOTS", "ESTABLISH", "j2", &id_a, "5", "6"]), "+OK");
    assert_eq!(link.call(&["SET", &key_in(5, 6, 0), "v"]), "+OK");
    assert_eq!(link.call(&["CLUSTER", "SYNCSLOTS", "ABORT", "j2"]), "+OK");
    assert_eq!(link.call(&["CLUSTER", "SYNCSLOTS", "STATUS", "j2"]), "+aborted");
    assert_eq!(
        link.call(&["CLUSTER", "SYNCSLOTS", "FINISH", "j2"]),
        "-ERR The slot migration job was aborted"
    );
    assert_eq!(
        link.call(&["CLUSTER", "SYNCSLOTS", "FINISH", "nope"]),
        "-ERR No such slot migration job"
    );
    let mut other = Link::new(b.port);
    assert_eq!(
        other.call(&["CLUSTER", "SYNCSLOTS", "ESTABLISH", "j3", &id_b, "5", "6"]),
        "-ERR Slot 5 is not served by the source node"
    );
    assert_eq!(
        other.call(&["CLUSTER", "SYNCSLOTS", "ESTABLISH", "j4", &id_a, "9", "8"]),
        "-ERR start slot number is greater than end slot number"
    );
}

/// Keys node `port` holds in `slots`.
fn keys_in_slots(port: u16, slots: std::ops::Range<u16>) -> usize {
    let p = port.to_string();
    slots
        .map(|s| {
            cli(&["-p", &p, "cluster", "countkeysinslot", &s.to_string()])
                .trim()
                .parse::<usize>()
                .unwrap()
        })
        .sum()
}
