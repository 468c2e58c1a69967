//! Tests of SORT and SORT_RO: exact reply bytes recorded from redis-server
//! 7.0.15 (one session, in order), COMMAND INFO and key finding, RESP3, and
//! pattern keys on a shard that does not own their slot (standalone with
//! several shards) or in cluster mode.

use super::test_util::{check_command_info, check_replies, check_replies_with, run, run_in};
use crate::command::OwnedCmd;
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::reply::{Protocol, Reply};
use crate::slot::{key_slot, SlotSet};

const NOW_MS: u64 = 1_700_000_000_000;

#[test]
fn replies_like_redis() {
    let mut ks = Keyspace::new(16);
    check_replies(&mut ks, NOW_MS, Protocol::Resp2, &[
        (&["rpush", "l", "3", "1", "2", "10", "-5", "1.5"], ":6\r\n"),
        (&["sort", "l"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        (&["sort", "l", "desc"], "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n"),
        (&["sort", "l", "alpha"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sort", "l", "alpha", "desc"], "*6\r\n$1\r\n3\r\n$1\r\n2\r\n$2\r\n10\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n"),
        (&["sort", "l", "limit", "1", "2"], "*2\r\n$1\r\n1\r\n$3\r\n1.5\r\n"),
        (&["sort", "l", "limit", "-1", "2"], "*2\r\n$2\r\n-5\r\n$1\r\n1\r\n"),
        (&["sort", "l", "limit", "2", "-1"], "*4\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        (&["sort", "l", "limit", "10", "2"], "*0\r\n"),
        (&["sort", "l", "limit", "0", "0"], "*0\r\n"),
        (&["sort", "l", "limit", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["sort", "l", "limit", "1"], "-ERR syntax error\r\n"),
        (&["sort", "l", "foo"], "-ERR syntax error\r\n"),
        (&["sort", "l", "asc", "desc", "asc"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        (&["sort", "nokey"], "*0\r\n"),
        (&["sort", "nokey", "store", "d"], ":0\r\n"),
        (&["set", "str", "x"], "+OK\r\n"),
        (&["sort", "str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sort", "str", "limit", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
        (&["sort", "l", "by", "nosort"], "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n"),
        (&["sort", "l", "by", "nosort", "desc"], "*6\r\n$3\r\n1.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n"),
        (&["sort", "l", "by", "nosort", "limit", "1", "2"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        (&["sort", "l", "by", "nosort", "desc", "limit", "1", "2"], "*2\r\n$2\r\n-5\r\n$2\r\n10\r\n"),
        (&["sort", "l", "by", "nosort", "limit", "5", "5"], "*1\r\n$3\r\n1.5\r\n"),
        (&["sort", "l", "by", "nosort", "limit", "7", "1"], "*0\r\n"),
        (&["mset", "w_3", "30", "w_1", "10", "w_2", "20", "w_10", "5", "w_-5", "0"], "+OK\r\n"),
        (&["sort", "l", "by", "w_*"], "*6\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sort", "l", "by", "w_*", "desc"], "*6\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$2\r\n10\r\n$3\r\n1.5\r\n$2\r\n-5\r\n"),
        (&["sort", "l", "by", "w_*", "get", "#"], "*6\r\n$2\r\n-5\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sort", "l", "by", "w_*", "get", "w_*", "get", "#"], "*12\r\n$1\r\n0\r\n$2\r\n-5\r\n$-1\r\n$3\r\n1.5\r\n$1\r\n5\r\n$2\r\n10\r\n$2\r\n10\r\n$1\r\n1\r\n$2\r\n20\r\n$1\r\n2\r\n$2\r\n30\r\n$1\r\n3\r\n"),
        (&["sort", "l", "get", "w_*", "get", "nokey_*"], "*12\r\n$1\r\n0\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$-1\r\n$-1\r\n$2\r\n20\r\n$-1\r\n$2\r\n30\r\n$-1\r\n$1\r\n5\r\n$-1\r\n"),
        (&["sort", "l", "get", "nostar"], "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
        (&["sort", "l", "by", "w_*", "limit", "1", "2", "get", "w_*"], "*2\r\n$-1\r\n$1\r\n5\r\n"),
        (&["hset", "h_1", "f", "a", "g", "1"], ":2\r\n"),
        (&["hset", "h_2", "f", "b", "g", "2"], ":2\r\n"),
        (&["hset", "h_3", "f", "c"], ":1\r\n"),
        (&["sort", "l", "by", "h_*->g", "get", "h_*->f", "get", "#"], "*12\r\n$-1\r\n$2\r\n-5\r\n$-1\r\n$3\r\n1.5\r\n$-1\r\n$2\r\n10\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        (&["sort", "l", "by", "h_*->f", "alpha", "get", "h_*->f"], "*6\r\n$-1\r\n$-1\r\n$-1\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["sort", "l", "by", "h_*->", "get", "h_*->"], "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
        (&["sort", "l", "get", "h_*->nofield"], "*6\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"),
        (&["rpush", "bad", "1", "x", "2"], ":3\r\n"),
        (&["sort", "bad"], "-ERR One or more scores can't be converted into double\r\n"),
        (&["sort", "bad", "alpha"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nx\r\n"),
        (&["sort", "bad", "store", "dst"], "-ERR One or more scores can't be converted into double\r\n"),
        (&["exists", "dst"], ":0\r\n"),
        (&["sort", "bad", "by", "nosort"], "*3\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n2\r\n"),
        (&["sort", "l", "store", "dst"], ":6\r\n"),
        (&["lrange", "dst", "0", "-1"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"),
        (&["type", "dst"], "+list\r\n"),
        (&["sort", "l", "get", "w_*", "store", "dst"], ":6\r\n"),
        (&["lrange", "dst", "0", "-1"], "*6\r\n$1\r\n0\r\n$2\r\n10\r\n$0\r\n\r\n$2\r\n20\r\n$2\r\n30\r\n$1\r\n5\r\n"),
        (&["sort", "l", "get", "nokey_*", "store", "dst"], ":6\r\n"),
        (&["lrange", "dst", "0", "-1"], "*6\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n"),
        (&["sort", "l", "limit", "100", "1", "store", "dst"], ":0\r\n"),
        (&["exists", "dst"], ":0\r\n"),
        (&["sort_ro", "l", "store", "dst"], "-ERR syntax error\r\n"),
        (&["sort_ro", "l", "desc", "limit", "0", "3"], "*3\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n"),
        (&["sadd", "s", "5", "3", "9", "1"], ":4\r\n"),
        (&["sort", "s"], "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n"),
        (&["sort", "s", "desc", "limit", "1", "2"], "*2\r\n$1\r\n5\r\n$1\r\n3\r\n"),
        (&["sort", "s", "by", "nosort", "store", "dst"], ":4\r\n"),
        (&["lrange", "dst", "0", "-1"], "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n"),
        (&["sadd", "s2", "b", "a", "c", "10", "2"], ":5\r\n"),
        (&["sort", "s2"], "-ERR One or more scores can't be converted into double\r\n"),
        (&["sort", "s2", "alpha"], "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["sort", "s2", "alpha", "store", "dst"], ":5\r\n"),
        (&["lrange", "dst", "0", "-1"], "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["sort", "s2", "by", "nosort", "alpha", "store", "dst"], ":5\r\n"),
        (&["lrange", "dst", "0", "-1"], "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["zadd", "z", "3", "a", "1", "b", "2", "c"], ":3\r\n"),
        (&["object", "encoding", "z"], "$8\r\nlistpack\r\n"),
        (&["sort", "z", "alpha"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        (&["sort", "z", "by", "nosort"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
        (&["object", "encoding", "z"], "$8\r\nskiplist\r\n"),
        (&["sort", "z", "by", "nosort", "desc"], "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n"),
        (&["sort", "z", "by", "nosort", "limit", "1", "5"], "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
        (&["sort", "z", "by", "nosort", "desc", "limit", "1", "1"], "*1\r\n$1\r\nc\r\n"),
        (&["sort", "z", "by", "nosort", "limit", "5", "1"], "*0\r\n"),
        (&["sort", "z"], "-ERR One or more scores can't be converted into double\r\n"),
        (&["rpush", "n2", "nan", "3"], ":2\r\n"),
        (&["sort", "n2"], "-ERR One or more scores can't be converted into double\r\n"),
        (&["rpush", "n3", " 5", "3", "", "0x10", "inf", "-inf"], ":6\r\n"),
        (&["sort", "n3"], "*6\r\n$4\r\n-inf\r\n$0\r\n\r\n$1\r\n3\r\n$2\r\n 5\r\n$4\r\n0x10\r\n$3\r\ninf\r\n"),
        (&["rpush", "n4", "2", "1", "2", "1", "01", "1.0"], ":6\r\n"),
        (&["sort", "n4"], "*6\r\n$2\r\n01\r\n$1\r\n1\r\n$1\r\n1\r\n$3\r\n1.0\r\n$1\r\n2\r\n$1\r\n2\r\n"),
        (&["sort", "n4", "desc"], "*6\r\n$1\r\n2\r\n$1\r\n2\r\n$3\r\n1.0\r\n$1\r\n1\r\n$1\r\n1\r\n$2\r\n01\r\n"),
        (&["rpush", "a", "b", "a", "B", "A", "ab", ""], ":6\r\n"),
        (&["sort", "a", "alpha"], "*6\r\n$0\r\n\r\n$1\r\nA\r\n$1\r\nB\r\n$1\r\na\r\n$2\r\nab\r\n$1\r\nb\r\n"),
        (&["sort", "a", "alpha", "desc"], "*6\r\n$1\r\nb\r\n$2\r\nab\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nA\r\n$0\r\n\r\n"),
        (&["sort", "l", "by", "w_*", "store"], "-ERR syntax error\r\n"),
        (&["sort", "l", "store"], "-ERR syntax error\r\n"),
        (&["sort", "l", "get"], "-ERR syntax error\r\n"),
        (&["sort", "l", "by"], "-ERR syntax error\r\n"),
        (&["sort", "l", "alpha", "by", "w_*", "limit", "0", "2"], "*2\r\n$3\r\n1.5\r\n$2\r\n-5\r\n"),
        (&["rpush", "n", "1e400", "3"], ":2\r\n"),
        (&["sort", "n"], "-ERR One or more scores can't be converted into double\r\n"),
    ]);
}

/// An overflowing number: recorded last, because Redis never clears `errno`
/// and every later numeric SORT of that server would fail as well.
#[test]
fn a_number_out_of_range_is_an_error() {
    let mut ks = Keyspace::new(16);
    check_replies(
        &mut ks,
        NOW_MS,
        Protocol::Resp2,
        &[
            (&["rpush", "n", "1e400", "3"], ":2\r\n"),
            (&["sort", "n"], "-ERR One or more scores can't be converted into double\r\n"),
            (&["rpush", "m", "1e-400"], ":1\r\n"),
            (&["sort", "m"], "-ERR One or more scores can't be converted into double\r\n"),
        ],
    );
}

/// BY with LIMIT sorts only the range with Redis's partial quicksort: ties
/// (equal or missing BY values) come out in its order.
#[test]
fn ties_under_limit_like_redis() {
    let mut ks = Keyspace::new(16);
    check_replies(&mut ks, NOW_MS, Protocol::Resp2, &[
        (&["rpush", "t", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59"], ":60\r\n"),
        (&["mset", "w_0", "a", "w_1", "b", "w_2", "c", "w_3", "a", "w_5", "c", "w_6", "a", "w_7", "b", "w_8", "c", "w_10", "b", "w_11", "c", "w_12", "a", "w_13", "b", "w_15", "a", "w_16", "b", "w_17", "c", "w_18", "a", "w_20", "c", "w_21", "a", "w_22", "b", "w_23", "c", "w_25", "b", "w_26", "c", "w_27", "a", "w_28", "b", "w_30", "a", "w_31", "b", "w_32", "c", "w_33", "a", "w_35", "c", "w_36", "a", "w_37", "b", "w_38", "c", "w_40", "b", "w_41", "c", "w_42", "a", "w_43", "b", "w_45", "a", "w_46", "b", "w_47", "c", "w_48", "a", "w_50", "c", "w_51", "a", "w_52", "b", "w_53", "c", "w_55", "b", "w_56", "c", "w_57", "a", "w_58", "b"], "+OK\r\n"),
        (&["sort", "t", "by", "w_*", "alpha", "limit", "0", "10"], "*10\r\n$2\r\n29\r\n$2\r\n24\r\n$2\r\n14\r\n$1\r\n4\r\n$2\r\n19\r\n$2\r\n49\r\n$2\r\n54\r\n$2\r\n44\r\n$2\r\n39\r\n$1\r\n9\r\n"),
        (&["sort", "t", "by", "w_*", "alpha", "limit", "20", "5"], "*5\r\n$2\r\n30\r\n$2\r\n33\r\n$2\r\n36\r\n$2\r\n42\r\n$2\r\n45\r\n"),
        (&["sort", "t", "by", "w_*", "alpha", "limit", "45", "20"], "*15\r\n$2\r\n11\r\n$2\r\n56\r\n$2\r\n50\r\n$2\r\n32\r\n$2\r\n53\r\n$2\r\n47\r\n$2\r\n35\r\n$1\r\n2\r\n$2\r\n26\r\n$2\r\n38\r\n$1\r\n8\r\n$2\r\n17\r\n$2\r\n41\r\n$1\r\n5\r\n$2\r\n20\r\n"),
        (&["sort", "t", "by", "w_*", "alpha", "desc", "limit", "3", "7"], "*7\r\n$2\r\n53\r\n$2\r\n20\r\n$1\r\n2\r\n$2\r\n47\r\n$2\r\n23\r\n$2\r\n38\r\n$2\r\n35\r\n"),
        (&["sort", "t", "by", "w_*", "alpha", "limit", "10", "3", "get", "w_*", "get", "#"], "*6\r\n$-1\r\n$2\r\n34\r\n$-1\r\n$2\r\n59\r\n$1\r\na\r\n$1\r\n0\r\n"),
        (&["rpush", "u", "5", "3", "8", "1", "9", "2", "7", "4", "6", "0"], ":10\r\n"),
        (&["sort", "u", "by", "w_*", "alpha", "limit", "2", "4"], "*4\r\n$1\r\n3\r\n$1\r\n6\r\n$1\r\n0\r\n$1\r\n1\r\n"),
    ]);
}

#[test]
fn missing_get_values_are_resp3_nulls() {
    let mut ks = Keyspace::new(16);
    check_replies(
        &mut ks,
        NOW_MS,
        Protocol::Resp3,
        &[
            (&["rpush", "l", "2", "1"], ":2\r\n"),
            (&["set", "w_1", "x"], "+OK\r\n"),
            (&["sort", "l", "get", "w_*"], "*2\r\n$1\r\nx\r\n_\r\n"),
        ],
    );
}

#[test]
fn command_info_matches_redis() {
    check_command_info(include_str!("testdata/sort_command_info.txt"));
}

/// Runs a COMMAND subcommand (the node's), returning the reply.
fn command(args: &[&str]) -> String {
    let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
    let mut buf = Vec::new();
    super::introspect::command(&cmd.args(), &mut Reply::new(&mut buf, Protocol::Resp2));
    String::from_utf8(buf).unwrap()
}

#[test]
fn keys_found_like_redis() {
    let cases: &[(&[&str], &str)] = &[
        (&["command", "getkeys", "sort", "k"], "*1\r\n$1\r\nk\r\n"),
        (&["command", "getkeys", "sort", "k", "store", "d"], "*2\r\n$1\r\nk\r\n$1\r\nd\r\n"),
        (&["command", "getkeys", "sort", "k", "store", "d", "store", "e"], "*2\r\n$1\r\nk\r\n$1\r\ne\r\n"),
        (&["command", "getkeys", "sort", "k", "limit", "store", "x", "store", "d"], "*2\r\n$1\r\nk\r\n$1\r\nd\r\n"),
        (&["command", "getkeys", "sort", "k", "get", "store", "by", "store"], "*1\r\n$1\r\nk\r\n"),
        (&["command", "getkeys", "sort", "k", "store"], "*1\r\n$1\r\nk\r\n"),
        (&["command", "getkeysandflags", "sort", "k", "store", "d"], "*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n"),
        (&["command", "getkeys", "sort_ro", "k", "store", "d"], "*1\r\n$1\r\nk\r\n"),
        (&["command", "getkeysandflags", "sort_ro", "k", "by", "x"], "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n"),
    ];
    for (args, want) in cases {
        assert_eq!(command(args), *want, "{}", args.join(" "));
    }
    // Redis's sortGetKeys says `get` here, but SORT stores into `d`: the
    // node must route by the key SORT writes.
    assert_eq!(
        command(&["command", "getkeys", "sort", "k", "store", "get", "store", "d"]),
        "*2\r\n$1\r\nk\r\n$1\r\nd\r\n"
    );
}

/// A shard owning only the slot of `{u}` keys: BY and GET patterns naming
/// keys elsewhere are refused, hash-tagged ones work.
#[test]
fn pattern_keys_must_be_local() {
    let mut ks = Keyspace::new(16);
    let mut owned = SlotSet::from_range(0..0);
    owned.insert(key_slot(b"{u}l"));
    let cfg = EngineConfig::default();
    let mut call =
        |args: &[&str]| String::from_utf8(run_in(&mut ks, NOW_MS, 0, &owned, &cfg, args)).unwrap();
    for setup in
        [&["rpush", "{u}l", "2", "1"][..], &["set", "{u}w_1", "b"], &["set", "{u}w_2", "a"]]
    {
        call(setup);
    }
    let by_denied = "-ERR BY option of SORT denied in Cluster mode.\r\n";
    let get_denied = "-ERR GET option of SORT denied in Cluster mode.\r\n";
    assert_eq!(call(&["sort", "{u}l", "by", "w_*"]), by_denied);
    assert_eq!(call(&["sort", "{u}l", "get", "w_*"]), get_denied);
    assert_eq!(call(&["sort", "{u}l", "by", "{u}w_*", "alpha", "get", "w_*->f"]), get_denied);
    assert_eq!(call(&["sort", "{u}l", "by", "{u}w_*", "alpha"]), "*2\r\n$1\r\n2\r\n$1\r\n1\r\n");
    assert_eq!(
        call(&["sort_ro", "{u}l", "get", "{u}w_*", "get", "#", "by", "nosort"]),
        "*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n1\r\n"
    );
    // No element, no pattern key: nothing to refuse.
    assert_eq!(call(&["sort", "{u}none", "by", "w_*", "get", "w_*"]), "*0\r\n");
    // Only the keys of the LIMIT range are read by GET.
    assert_eq!(call(&["sort", "{u}l", "limit", "5", "1", "get", "w_*"]), "*0\r\n");
}

/// In cluster mode Redis refuses BY with a pattern and any GET while parsing.
#[test]
fn cluster_mode_refuses_patterns() {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig { cluster_enabled: true, ..Default::default() };
    check_replies_with(
        &mut ks,
        NOW_MS,
        Protocol::Resp2,
        &cfg,
        &[
            (&["rpush", "l", "2", "1"], ":2\r\n"),
            (&["sort", "l", "by", "{l}w_*"], "-ERR BY option of SORT denied in Cluster mode.\r\n"),
            (&["sort", "l", "get", "#"], "-ERR GET option of SORT denied in Cluster mode.\r\n"),
            (
                &["sort", "l", "get", "#", "foo"],
                "-ERR GET option of SORT denied in Cluster mode.\r\n",
            ),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n2\r\n$1\r\n1\r\n"),
        ],
    );
}

/// Sorted sets are converted to skiplist by any SORT, as in Redis 7.0.
#[test]
fn sorting_a_zset_converts_it() {
    let mut ks = Keyspace::new(1);
    run(&mut ks, NOW_MS, &["zadd", "z", "1", "a"]);
    run(&mut ks, NOW_MS, &["sort_ro", "z", "alpha"]);
    assert_eq!(run(&mut ks, NOW_MS, &["object", "encoding", "z"]), b"$8\r\nskiplist\r\n");
}
