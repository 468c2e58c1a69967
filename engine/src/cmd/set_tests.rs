//! Tests of the set family. The expected bytes of the tables were recorded
//! from redis-server 7.0.15 (each table ran on an empty server, in order).
//! Replies whose order Redis leaves to its hashtable, and random replies, are
//! checked by property instead.

use super::test_util::run_with;
use crate::command::{find_keys, table, ExecStats, OwnedCmd};
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::reply::{Protocol, Reply};

const NOW: u64 = 1_700_000_000_000;

/// Runs `steps` in order on one keyspace with `set-max-intset-entries` at
/// `max`, checking each reply (RESP2 or RESP3).
fn check_with(proto: Protocol, max: usize, steps: &[(&str, &str)]) {
    let mut ks = Keyspace::new(16);
    let cfg = EngineConfig { set_max_intset_entries: max, ..Default::default() };
    let mut stats = ExecStats::default();
    for (cmd, want) in steps {
        let words = split(cmd);
        let args: Vec<&[u8]> = words.iter().map(|a| a.as_bytes()).collect();
        let got = run_with(&mut ks, NOW, proto, &cfg, &mut stats, &args);
        assert_eq!(String::from_utf8_lossy(&got), *want, "{cmd}");
    }
}

/// Splits on spaces; a "double-quoted" word may hold spaces.
fn split(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let (word, after) = match rest.strip_prefix('"') {
            Some(q) => q.split_once('"').expect("closing quote"),
            None => rest.split_once(' ').unwrap_or((rest, "")),
        };
        words.push(word.to_string());
        rest = after.trim_start();
    }
    words
}

fn check(steps: &[(&str, &str)]) {
    check_with(Protocol::Resp2, 512, steps);
}

fn check_resp3(steps: &[(&str, &str)]) {
    check_with(Protocol::Resp3, 512, steps);
}

fn check_max_intset(max: usize, steps: &[(&str, &str)]) {
    check_with(Protocol::Resp2, max, steps);
}
#[test]
fn sadd_srem_scard() {
    check(&[
        ("sadd s 3 1 2", ":3\r\n"),
        ("sadd s 2 4", ":1\r\n"),
        ("object encoding s", "$6\r\nintset\r\n"),
        ("smembers s", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        ("scard s", ":4\r\n"),
        ("sismember s 1", ":1\r\n"),
        ("sismember s 5", ":0\r\n"),
        ("sismember s 01", ":0\r\n"),
        ("smismember s 1 5 2", "*3\r\n:1\r\n:0\r\n:1\r\n"),
        ("smismember nokey a b", "*2\r\n:0\r\n:0\r\n"),
        ("scard nokey", ":0\r\n"),
        ("sismember nokey a", ":0\r\n"),
        ("srem s 9 1", ":1\r\n"),
        ("srem nokey a", ":0\r\n"),
        ("smembers s", "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        ("sadd s -5 100000 9223372036854775807 -9223372036854775808", ":4\r\n"),
        ("smembers s", "*7\r\n$20\r\n-9223372036854775808\r\n$2\r\n-5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$6\r\n100000\r\n$19\r\n9223372036854775807\r\n"),
        ("sadd s abc", ":1\r\n"),
        ("object encoding s", "$9\r\nhashtable\r\n"),
        ("scard s", ":8\r\n"),
        ("srem s 2 3 4 -5 100000 9223372036854775807 -9223372036854775808 abc zzz", ":8\r\n"),
        ("exists s", ":0\r\n"),
        ("sadd h abc", ":1\r\n"),
        ("object encoding h", "$9\r\nhashtable\r\n"),
        ("sadd h 1", ":1\r\n"),
        ("object encoding h", "$9\r\nhashtable\r\n"),
        ("sadd x 07", ":1\r\n"),
        ("object encoding x", "$9\r\nhashtable\r\n"),
        ("sadd y 1 2 3", ":3\r\n"),
        ("sadd y 1 2 3 4", ":1\r\n"),
        ("srem y 1 2 3 4", ":4\r\n"),
        ("exists y", ":0\r\n"),
        ("set str v", "+OK\r\n"),
        ("sadd str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("srem str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("scard str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("sismember str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("smismember str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("smembers str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("type s", "+none\r\n"),
        ("type h", "+set\r\n"),
        ("sadd", "-ERR wrong number of arguments for 'sadd' command\r\n"),
        ("sadd k", "-ERR wrong number of arguments for 'sadd' command\r\n"),
        ("srem k", "-ERR wrong number of arguments for 'srem' command\r\n"),
        ("smismember k", "-ERR wrong number of arguments for 'smismember' command\r\n"),
    ]);
}

#[test]
fn intset_threshold() {
    check_max_intset(
        4,
        &[
            ("sadd s 1 2 3 4", ":4\r\n"),
            ("object encoding s", "$6\r\nintset\r\n"),
            ("sadd s 5", ":1\r\n"),
            ("object encoding s", "$9\r\nhashtable\r\n"),
            ("srem s 5", ":1\r\n"),
            ("object encoding s", "$9\r\nhashtable\r\n"),
            ("sadd t 1 2 3 4 5", ":5\r\n"),
            ("object encoding t", "$9\r\nhashtable\r\n"),
            ("sadd u 1", ":1\r\n"),
            ("sinterstore d s u", ":1\r\n"),
            ("object encoding d", "$6\r\nintset\r\n"),
            ("sunionstore d s", ":4\r\n"),
            ("object encoding d", "$6\r\nintset\r\n"),
            ("sunionstore d u", ":1\r\n"),
            ("object encoding d", "$6\r\nintset\r\n"),
            ("sadd big 1 2 3 4 5 6 7 8", ":8\r\n"),
            ("sdiffstore d big u", ":7\r\n"),
            ("object encoding d", "$9\r\nhashtable\r\n"),
            ("sdiff big s", "*4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"),
            ("sadd two 1 2", ":2\r\n"),
            ("sdiffstore d2 two big", ":0\r\n"),
            ("exists d2", ":0\r\n"),
        ],
    );
}

#[test]
fn algebra() {
    check(&[
        ("sadd a 5 1 3 7", ":4\r\n"),
        ("sadd b 3 5 9", ":3\r\n"),
        ("sadd c x 3 5 y", ":4\r\n"),
        ("sinter a b", "*2\r\n$1\r\n3\r\n$1\r\n5\r\n"),
        ("sinter b a", "*2\r\n$1\r\n3\r\n$1\r\n5\r\n"),
        ("sinter a b c", "*2\r\n$1\r\n3\r\n$1\r\n5\r\n"),
        ("sinter a nokey", "*0\r\n"),
        ("sinter nokey a", "*0\r\n"),
        ("sinterstore d a b", ":2\r\n"),
        ("smembers d", "*2\r\n$1\r\n3\r\n$1\r\n5\r\n"),
        ("object encoding d", "$6\r\nintset\r\n"),
        ("sinterstore d a c", ":2\r\n"),
        ("smembers d", "*2\r\n$1\r\n3\r\n$1\r\n5\r\n"),
        ("object encoding d", "$6\r\nintset\r\n"),
        ("sinterstore d a nokey", ":0\r\n"),
        ("exists d", ":0\r\n"),
        ("set d x", "+OK\r\n"),
        ("sinterstore d a a", ":4\r\n"),
        ("smembers d", "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n"),
        ("expire d 100", ":1\r\n"),
        ("sinterstore d a b", ":2\r\n"),
        ("ttl d", ":-1\r\n"),
        ("sunion a b", "*5\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n$1\r\n9\r\n"),
        ("sunion nokey a", "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n"),
        ("sunion nokey nokey2", "*0\r\n"),
        ("sunionstore e a b", ":5\r\n"),
        ("smembers e", "*5\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n$1\r\n9\r\n"),
        ("sunionstore e nokey", ":0\r\n"),
        ("exists e", ":0\r\n"),
        ("sunionstore a a", ":4\r\n"),
        ("sdiff a b", "*2\r\n$1\r\n1\r\n$1\r\n7\r\n"),
        ("sdiff a nokey", "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n"),
        ("sdiff nokey a", "*0\r\n"),
        ("sdiff a a", "*0\r\n"),
        ("sdiff a b a", "*0\r\n"),
        ("sdiffstore f a b", ":2\r\n"),
        ("smembers f", "*2\r\n$1\r\n1\r\n$1\r\n7\r\n"),
        ("sdiffstore f a a", ":0\r\n"),
        ("exists f", ":0\r\n"),
        ("sintercard 2 a b", ":2\r\n"),
        ("sintercard 3 a b c", ":2\r\n"),
        ("sintercard 2 a b limit 1", ":1\r\n"),
        ("sintercard 2 a b limit 0", ":2\r\n"),
        ("sintercard 2 a nokey", ":0\r\n"),
        ("sintercard 1 a", ":4\r\n"),
        ("sintercard 1 a LIMIT 2 limit 3", ":3\r\n"),
        ("sintercard 1 a limit", "-ERR syntax error\r\n"),
        ("sintercard abc a", "-ERR numkeys should be greater than 0\r\n"),
        ("sintercard 0 a", "-ERR numkeys should be greater than 0\r\n"),
        ("sintercard -1 a", "-ERR numkeys should be greater than 0\r\n"),
        ("sintercard 3 a b", "-ERR Number of keys can't be greater than number of args\r\n"),
        ("sintercard 1 a foo 1", "-ERR syntax error\r\n"),
        ("sintercard 1 a limit -1", "-ERR LIMIT can't be negative\r\n"),
        ("sintercard 1 a limit x", "-ERR LIMIT can't be negative\r\n"),
        ("set str v", "+OK\r\n"),
        ("sinter a str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (
            "sinter str nokey",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        (
            "sinter nokey str",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        ("sunion a str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (
            "sdiff nokey str",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        (
            "sdiffstore a2 a str",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        (
            "sintercard 2 a str",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        ("sintercard 1 str limit x", "-ERR LIMIT can't be negative\r\n"),
        (
            "sinterstore a2 str",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        ("sinterstore str a", ":4\r\n"),
        ("type str", "+set\r\n"),
        ("smembers str", "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n7\r\n"),
        ("sinter", "-ERR wrong number of arguments for 'sinter' command\r\n"),
        ("sinterstore d", "-ERR wrong number of arguments for 'sinterstore' command\r\n"),
        ("sintercard 1", "-ERR wrong number of arguments for 'sintercard' command\r\n"),
    ]);
}

/// Redis 7.0's sorted set algebra takes plain sets as sources, every member
/// scoring 1 before its weight (intset and hashtable alike).
#[test]
fn sets_as_zset_algebra_sources() {
    let big =
        format!("sadd big {}", (1..=130).map(|n| n.to_string()).collect::<Vec<_>>().join(" "));
    let steps: Vec<(&str, &str)> = vec![
        ("sadd s1 1 2 3", ":3\r\n"),
        ("sadd s2 a b 2", ":3\r\n"),
        ("zadd z1 5 a 2 2", ":2\r\n"),
        ("set str x", "+OK\r\n"),
        ("zunion 3 s1 s2 z1 withscores", "*10\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\na\r\n$1\r\n6\r\n"),
        ("zinter 2 s1 s2 weights 2 3 withscores", "*2\r\n$1\r\n2\r\n$1\r\n5\r\n"),
        ("zinter 2 s2 z1 aggregate max withscores", "*4\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n5\r\n"),
        ("zdiff 2 s1 z1 withscores", "*4\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n"),
        ("zdiff 2 z1 s2", "*0\r\n"),
        ("zunionstore d 2 s1 s2 weights 1 0.5 aggregate max", ":5\r\n"),
        ("zrange d 0 -1 withscores", "*10\r\n$1\r\na\r\n$3\r\n0.5\r\n$1\r\nb\r\n$3\r\n0.5\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n"),
        ("object encoding d", "$8\r\nlistpack\r\n"),
        ("zinterstore d2 2 s1 s2", ":1\r\n"),
        ("zrange d2 0 -1 withscores", "*2\r\n$1\r\n2\r\n$1\r\n2\r\n"),
        ("zdiffstore d3 2 s1 s1", ":0\r\n"),
        ("exists d3", ":0\r\n"),
        ("zintercard 2 s2 z1", ":2\r\n"),
        ("zintercard 2 s1 s2 limit 1", ":1\r\n"),
        ("zunion 2 s1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("zunion 2 s1 nokey withscores", "*6\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n"),
        ("zinter 2 s1 z1 weights inf 0 withscores", "*2\r\n$1\r\n2\r\n$3\r\ninf\r\n"),
        (&big, ":130\r\n"),
        ("zunionstore d4 2 big s1", ":130\r\n"),
        ("object encoding d4", "$8\r\nskiplist\r\n"),
        ("zrange d4 0 2 withscores", "*6\r\n$2\r\n10\r\n$1\r\n1\r\n$3\r\n100\r\n$1\r\n1\r\n$3\r\n101\r\n$1\r\n1\r\n"),
        ("zrange d4 -1 -1 withscores", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
        ("zinter 2 big z1 withscores", "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"),
    ];
    check(&steps);
}

#[test]
fn smove_spop_srand() {
    check(&[
        ("sadd s 1 2", ":2\r\n"),
        ("smove s t 1", ":1\r\n"),
        ("smembers t", "*1\r\n$1\r\n1\r\n"),
        ("object encoding t", "$6\r\nintset\r\n"),
        ("smove s t 3", ":0\r\n"),
        ("smove s t 2", ":1\r\n"),
        ("exists s", ":0\r\n"),
        ("smove nokey t 1", ":0\r\n"),
        ("set str v", "+OK\r\n"),
        ("smove nokey str 1", ":0\r\n"),
        ("smove t str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("smove str t 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("smove t t 1", ":1\r\n"),
        ("smove t t 9", ":0\r\n"),
        ("sadd h a", ":1\r\n"),
        ("smove t h 1", ":1\r\n"),
        ("scard h", ":2\r\n"),
        ("sismember h 1", ":1\r\n"),
        ("exists t", ":1\r\n"),
        ("smove h n a", ":1\r\n"),
        ("object encoding n", "$9\r\nhashtable\r\n"),
        ("spop nokey", "$-1\r\n"),
        ("spop nokey 3", "*0\r\n"),
        ("spop str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("spop str 3", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("spop h 1 2", "-ERR syntax error\r\n"),
        ("spop h -1", "-ERR value is out of range, must be positive\r\n"),
        ("spop h x", "-ERR value is out of range, must be positive\r\n"),
        ("spop h 0", "*0\r\n"),
        ("spop n", "$1\r\na\r\n"),
        ("exists n", ":0\r\n"),
        ("sadd p 3 1 2", ":3\r\n"),
        ("spop p 5", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("exists p", ":0\r\n"),
        ("sadd p 3 1 2", ":3\r\n"),
        ("spop p 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("sadd q a", ":1\r\n"),
        ("spop q 1", "*1\r\n$1\r\na\r\n"),
        ("sadd q a", ":1\r\n"),
        ("spop q", "$1\r\na\r\n"),
        ("srandmember nokey", "$-1\r\n"),
        ("srandmember nokey 5", "*0\r\n"),
        ("srandmember nokey -5", "*0\r\n"),
        ("srandmember nokey 0", "*0\r\n"),
        ("srandmember str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("srandmember str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("srandmember p 1 2", "-ERR syntax error\r\n"),
        ("srandmember p x", "-ERR value is not an integer or out of range\r\n"),
        ("srandmember p -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
        ("sadd r 3 1 2", ":3\r\n"),
        ("srandmember r 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("srandmember r 10", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("srandmember r 0", "*0\r\n"),
        ("sadd o z", ":1\r\n"),
        ("srandmember o", "$1\r\nz\r\n"),
        ("srandmember o -3", "*3\r\n$1\r\nz\r\n$1\r\nz\r\n$1\r\nz\r\n"),
        ("srandmember o 1", "*1\r\n$1\r\nz\r\n"),
    ]);
}

#[test]
fn sscan_cases() {
    check(&[
        ("sadd s 3 1 2 10", ":4\r\n"),
        ("sscan s 0", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        ("sscan s 123", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        ("sscan s 0 match 1*", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$2\r\n10\r\n"),
        (
            "sscan s 0 count 1",
            "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n",
        ),
        ("sscan s 0 count 0", "-ERR syntax error\r\n"),
        ("sscan s 0 count x", "-ERR value is not an integer or out of range\r\n"),
        ("sscan s 0 count", "-ERR syntax error\r\n"),
        ("sscan s 0 type string", "-ERR syntax error\r\n"),
        ("sscan s 0 foo bar", "-ERR syntax error\r\n"),
        ("sscan s x", "-ERR invalid cursor\r\n"),
        ("sscan s -1", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        ("sscan s \" 1\"", "-ERR invalid cursor\r\n"),
        ("sscan s 18446744073709551616", "-ERR invalid cursor\r\n"),
        ("sscan nokey 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
        ("sscan nokey 0 count 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
        ("sscan nokey x", "-ERR invalid cursor\r\n"),
        ("set str v", "+OK\r\n"),
        ("sscan str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (
            "sscan str 0 count 0",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ),
        ("sadd h a", ":1\r\n"),
        ("sscan h 0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
        ("sscan h 0 match b", "*2\r\n$1\r\n0\r\n*0\r\n"),
        ("sscan h 0 MATCH * COUNT 5", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
    ]);
}

#[test]
fn resp3_replies() {
    check_resp3(&[
        ("sadd s 2 1", ":2\r\n"),
        ("smembers s", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ("smembers nokey", "~0\r\n"),
        ("sinter s nokey", "~0\r\n"),
        ("sunion s", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ("sdiff s s", "~0\r\n"),
        ("spop nokey", "_\r\n"),
        ("spop nokey 2", "~0\r\n"),
        ("spop s 0", "~0\r\n"),
        ("srandmember nokey", "_\r\n"),
        ("srandmember nokey 2", "*0\r\n"),
        ("sscan s 0", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ("smismember s 1 3", "*2\r\n:1\r\n:0\r\n"),
        ("spop s 5", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
    ]);
}

/// `COMMAND INFO <name>` replies of redis-server 7.0.15 (RESP2).
const REDIS_COMMAND_INFO: &[(&str, &str)] = &[
    ("sadd", "*1\r\n*10\r\n$4\r\nsadd\r\n:-3\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("srem", "*1\r\n*10\r\n$4\r\nsrem\r\n:-3\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("scard", "*1\r\n*10\r\n$5\r\nscard\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sismember", "*1\r\n*10\r\n$9\r\nsismember\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("smismember", "*1\r\n*10\r\n$10\r\nsmismember\r\n:-3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("smembers", "*1\r\n*10\r\n$8\r\nsmembers\r\n:2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("spop", "*1\r\n*10\r\n$4\r\nspop\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@fast\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("srandmember", "*1\r\n*10\r\n$11\r\nsrandmember\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("smove", "*1\r\n*10\r\n$5\r\nsmove\r\n:4\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@fast\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sinter", "*1\r\n*10\r\n$6\r\nsinter\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sintercard", "*1\r\n*10\r\n$10\r\nsintercard\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"),
    ("sinterstore", "*1\r\n*10\r\n$11\r\nsinterstore\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sunion", "*1\r\n*10\r\n$6\r\nsunion\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sunionstore", "*1\r\n*10\r\n$11\r\nsunionstore\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sdiff", "*1\r\n*10\r\n$5\r\nsdiff\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sdiffstore", "*1\r\n*10\r\n$10\r\nsdiffstore\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:1\r\n*3\r\n+@write\r\n+@set\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
    ("sscan", "*1\r\n*10\r\n$5\r\nsscan\r\n:-3\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@set\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
];

#[test]
fn command_info_like_redis() {
    for (name, want) in REDIS_COMMAND_INFO {
        let cmd = OwnedCmd::from_parts([&b"command"[..], b"info", name.as_bytes()]);
        let mut got = Vec::new();
        super::introspect::command(&cmd.args(), &mut Reply::new(&mut got, Protocol::Resp2));
        assert_eq!(String::from_utf8_lossy(&got), *want, "COMMAND INFO {name}");
    }
}

#[test]
fn movable_keys_like_redis_getkeys() {
    let keys = |line: &str| {
        let cmd = OwnedCmd::from_parts(line.split(' ').map(str::as_bytes));
        let spec = table::lookup(cmd.args().get(0)).unwrap();
        find_keys(spec.key_specs.as_slice(), &cmd.args())
            .map(|k| k.iter().map(|k| k.pos).collect::<Vec<_>>())
    };
    assert_eq!(keys("sintercard 2 a b limit 1"), Some(vec![2, 3]));
    assert_eq!(keys("sintercard 3 a b"), None);
    assert_eq!(keys("sintercard x a"), None);
    assert_eq!(keys("smove a b m"), Some(vec![1, 2]));
    assert_eq!(keys("sinterstore d a b"), Some(vec![1, 2, 3]));
}
