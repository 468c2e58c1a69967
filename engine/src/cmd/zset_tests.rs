//! Tests of the sorted set family: exact reply bytes, errors included. The
//! sequences in `redis_replies` were run against redis-server 7.0.15 and its
//! replies recorded as the expected values; the other tests check encodings,
//! conversions at the thresholds, and large sets against a simple model.

use super::test_util::run_with;
use crate::command::ExecStats;
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::Protocol;

/// The clock of every test, Unix milliseconds.
const NOW_MS: u64 = 1_700_000_000_000;

/// Runs `args` with settings `cfg` and returns the reply as text.
fn call(ks: &mut Keyspace, proto: Protocol, cfg: &EngineConfig, args: &[&str]) -> String {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let got = run_with(ks, NOW_MS, proto, cfg, &mut ExecStats::default(), &args);
    String::from_utf8_lossy(&got).into_owned()
}

/// Runs each command in turn and compares its reply with the expected one.
fn check(ks: &mut Keyspace, proto: Protocol, cases: &[(&[&str], &str)]) {
    let cfg = EngineConfig::default();
    for (args, want) in cases {
        assert_eq!(call(ks, proto, &cfg, args), *want, "{}", args.join(" "));
    }
}

/// The encoding `OBJECT ENCODING` would report for `key`.
fn encoding(ks: &mut Keyspace, key: &str) -> &'static str {
    ks.db(0).get(key.as_bytes(), NOW_MS).expect("key exists").value.encoding_name()
}

mod redis_replies {
    use super::*;

    #[test]
    fn zadd_options() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n"),
                (&["zadd", "z", "1.5", "a", "0.1", "d", "-inf", "e", "+inf", "f"], ":3\r\n"),
                (&["zadd", "z", "nx", "xx", "1", "a"], "-ERR XX and NX options at the same time are not compatible\r\n"),
                (&["zadd", "z", "gt", "lt", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
                (&["zadd", "z", "gt", "nx", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
                (&["zadd", "z", "lt", "nx", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
                (&["zadd", "z", "incr", "1", "a", "2", "b"], "-ERR INCR option supports a single increment-element pair\r\n"),
                (&["zadd", "z", "1", "a", "2"], "-ERR syntax error\r\n"),
                (&["zadd", "z", "nx"], "-ERR wrong number of arguments for 'zadd' command\r\n"),
                (&["zadd", "z", "abc", "a"], "-ERR value is not a valid float\r\n"),
                (&["zadd", "z", "nan", "a"], "-ERR value is not a valid float\r\n"),
                (&["zadd", "z", "1e400", "a"], "-ERR value is not a valid float\r\n"),
                (&["zadd", "z", " 1", "a"], "-ERR value is not a valid float\r\n"),
                (&["zadd", "z", "0x10", "hex"], ":1\r\n"),
                (&["zadd", "z", "incr", "5", "a"], "$3\r\n6.5\r\n"),
                (&["zadd", "z", "xx", "incr", "1", "zz"], "$-1\r\n"),
                (&["zadd", "missing", "xx", "1", "a"], ":0\r\n"),
                (&["exists", "missing"], ":0\r\n"),
                (&["zadd", "z", "ch", "9", "a", "10", "newone", "10", "newone"], ":2\r\n"),
                (&["zadd", "z", "ch", "gt", "1", "a", "100", "a"], ":1\r\n"),
                (&["zadd", "z", "lt", "50", "a"], ":0\r\n"),
                (&["zadd", "z", "xx", "7", "nosuch", "8", "a"], ":0\r\n"),
                (&["zadd", "z", "gt", "incr", "-1", "a"], "$-1\r\n"),
                (&["zadd", "z", "nx", "incr", "1", "a"], "$-1\r\n"),
                (&["zadd", "z", "NX", "CH", "1", "brandnew"], ":1\r\n"),
                (&["zrange", "z", "0", "-1", "withscores"], "*18\r\n$1\r\ne\r\n$4\r\n-inf\r\n$1\r\nd\r\n$19\r\n0.10000000000000001\r\n$8\r\nbrandnew\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n8\r\n$6\r\nnewone\r\n$2\r\n10\r\n$3\r\nhex\r\n$2\r\n16\r\n$1\r\nf\r\n$3\r\ninf\r\n"),
                (&["zadd", "inf", "1", "a"], ":1\r\n"),
                (&["zadd", "inf", "incr", "+inf", "a"], "$3\r\ninf\r\n"),
                (&["zadd", "inf", "incr", "-inf", "a"], "-ERR resulting score is not a number (NaN)\r\n"),
                (&["zscore", "inf", "a"], "$3\r\ninf\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (&["zadd", "s", "1", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zadd", "s", "xx", "nx", "1", "a"], "-ERR XX and NX options at the same time are not compatible\r\n"),
                (&["zadd", "s", "abc", "a"], "-ERR value is not a valid float\r\n"),
            ],
        );
    }

    #[test]
    fn zincrby_and_scores() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zincrby", "z", "1.5", "a"], "$3\r\n1.5\r\n"),
                (&["zincrby", "z", "0.1", "a"], "$18\r\n1.6000000000000001\r\n"),
                (&["zincrby", "z", "0.2", "a"], "$3\r\n1.8\r\n"),
                (&["zincrby", "z", "incr", "a"], "-ERR syntax error\r\n"),
                (&["zincrby", "z", "abc", "a"], "-ERR value is not a valid float\r\n"),
                (&["zincrby", "z", "-inf", "a"], "$4\r\n-inf\r\n"),
                (&["zincrby", "z", "+inf", "a"], "-ERR resulting score is not a number (NaN)\r\n"),
                (&["zscore", "z", "a"], "$4\r\n-inf\r\n"),
                (&["zadd", "fl", "0.1", "a", "1e17", "b", "3.0000000000000004", "c", "-0", "d", "1e-5", "e", "123456789.125", "f", "4.9e-324", "g", "-1.7976931348623157e308", "h"], ":8\r\n"),
                (&["zrange", "fl", "0", "-1", "withscores"], "*16\r\n$1\r\nh\r\n$24\r\n-1.7976931348623157e+308\r\n$1\r\nd\r\n$1\r\n0\r\n$1\r\ng\r\n$23\r\n4.9406564584124654e-324\r\n$1\r\ne\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$18\r\n3.0000000000000004\r\n$1\r\nf\r\n$13\r\n123456789.125\r\n$1\r\nb\r\n$5\r\n1e+17\r\n"),
                (&["zscore", "fl", "d"], "$1\r\n0\r\n"),
                (&["zmscore", "fl", "a", "nope", "b"], "*3\r\n$19\r\n0.10000000000000001\r\n$-1\r\n$5\r\n1e+17\r\n"),
                (&["zmscore", "nokey", "a", "b"], "*2\r\n$-1\r\n$-1\r\n"),
                (&["zscore", "nokey", "a"], "$-1\r\n"),
                (&["zscore", "z", "nope"], "$-1\r\n"),
                (&["zscan", "fl", "0"], "*2\r\n$1\r\n0\r\n*16\r\n$1\r\nh\r\n$24\r\n-1.7976931348623157e+308\r\n$1\r\nd\r\n$1\r\n0\r\n$1\r\ng\r\n$23\r\n4.9406564584124654e-324\r\n$1\r\ne\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$18\r\n3.0000000000000004\r\n$1\r\nf\r\n$13\r\n123456789.125\r\n$1\r\nb\r\n$18\r\n100000000000000000\r\n"),
                (&["zscan", "fl", "0", "match", "[a-c]"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$18\r\n3.0000000000000004\r\n$1\r\nb\r\n$18\r\n100000000000000000\r\n"),
                (&["zscan", "fl", "0", "count", "0"], "-ERR syntax error\r\n"),
                (&["zscan", "fl", "0", "count", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["zscan", "fl", "0", "type", "zset"], "-ERR syntax error\r\n"),
                (&["zscan", "fl", "0", "match"], "-ERR syntax error\r\n"),
                (&["zscan", "fl", "abc"], "-ERR invalid cursor\r\n"),
                (&["zscan", "fl", "-1"], "*2\r\n$1\r\n0\r\n*16\r\n$1\r\nh\r\n$24\r\n-1.7976931348623157e+308\r\n$1\r\nd\r\n$1\r\n0\r\n$1\r\ng\r\n$23\r\n4.9406564584124654e-324\r\n$1\r\ne\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$18\r\n3.0000000000000004\r\n$1\r\nf\r\n$13\r\n123456789.125\r\n$1\r\nb\r\n$18\r\n100000000000000000\r\n"),
                (&["zscan", "nokey", "0", "foo"], "*2\r\n$1\r\n0\r\n*0\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (&["zscan", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zscore", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zmscore", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ],
        );
    }

    #[test]
    fn rank_card_rem() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "3", "d", "4", "e"], ":5\r\n"),
                (&["zrank", "z", "a"], ":0\r\n"),
                (&["zrank", "z", "d"], ":3\r\n"),
                (&["zrevrank", "z", "d"], ":1\r\n"),
                (&["zrevrank", "z", "e"], ":0\r\n"),
                (&["zrank", "z", "nope"], "$-1\r\n"),
                (&["zrank", "nokey", "a"], "$-1\r\n"),
                (&["zcard", "z"], ":5\r\n"),
                (&["zcard", "nokey"], ":0\r\n"),
                (&["zrem", "z", "a", "nope", "b"], ":2\r\n"),
                (&["zrem", "z", "nope"], ":0\r\n"),
                (&["zrem", "nokey", "a"], ":0\r\n"),
                (&["zrem", "z", "c", "d", "e"], ":3\r\n"),
                (&["exists", "z"], ":0\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (
                    &["zrank", "s", "a"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["zcard", "s"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["zrem", "s", "a"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
            ],
        );
    }

    #[test]
    fn ranges_by_rank() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n"),
                (&["zrange", "z", "0", "-1"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
                (&["zrange", "z", "-3", "-1", "withscores"], "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"),
                (&["zrange", "z", "2", "1"], "*0\r\n"),
                (&["zrange", "z", "-100", "100"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
                (&["zrange", "z", "5", "10"], "*0\r\n"),
                (&["zrange", "z", "0", "-1", "rev", "withscores"], "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"),
                (&["zrange", "z", "0", "0", "rev"], "*1\r\n$1\r\ne\r\n"),
                (&["zrange", "z", "0", "1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
                (&["zrange", "z", "0", "1", "limit", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
                (&["zrange", "z", "0", "1", "limit", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
                (&["zrange", "z", "0", "1", "foo"], "-ERR syntax error\r\n"),
                (&["zrange", "z", "a", "1"], "-ERR value is not an integer or out of range\r\n"),
                (&["zrange", "z", "0", "1", "withscores", "withscores"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
                (&["zrange", "z", "0", "1", "rev", "rev"], "-ERR syntax error\r\n"),
                (&["zrevrange", "z", "0", "1", "withscores"], "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n"),
                (&["zrevrange", "z", "0", "1", "rev"], "-ERR syntax error\r\n"),
                (&["zrevrange", "z", "0", "1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
                (&["zrevrange", "z", "1", "-1"], "*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
                (&["zrange", "nokey", "0", "-1"], "*0\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (&["zrange", "s", "0", "-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zrange", "s", "a", "b"], "-ERR value is not an integer or out of range\r\n"),
            ],
        );
    }

    #[test]
    fn ranges_by_score() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n"),
                (&["zrange", "z", "(1", "3", "byscore", "withscores"], "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
                (&["zrange", "z", "3", "(1", "byscore", "rev", "withscores"], "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n"),
                (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
                (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "-1", "2"], "*0\r\n"),
                (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "-1"], "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
                (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "0"], "*0\r\n"),
                (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "10", "1"], "*0\r\n"),
                (&["zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2"], "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"),
                (&["zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "4", "10"], "*1\r\n$1\r\na\r\n"),
                (&["zrange", "z", "3", "3", "byscore"], "*1\r\n$1\r\nc\r\n"),
                (&["zrange", "z", "(3", "3", "byscore"], "*0\r\n"),
                (&["zrange", "z", "4", "2", "byscore"], "*0\r\n"),
                (&["zrange", "z", "1", "2", "byscore", "bylex"], "-ERR syntax error\r\n"),
                (&["zrange", "z", "", "3", "byscore"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
                (&["zrange", "z", "( 2", "3", "byscore"], "*1\r\n$1\r\nc\r\n"),
                (&["zrange", "z", "x", "3", "byscore"], "-ERR min or max is not a float\r\n"),
                (&["zrange", "z", "1e", "3", "byscore"], "-ERR min or max is not a float\r\n"),
                (&["zrange", "z", "nan", "3", "byscore"], "-ERR min or max is not a float\r\n"),
                (&["zrangebyscore", "z", "1", "3", "rev"], "-ERR syntax error\r\n"),
                (&["zrangebyscore", "z", "1", "3", "byscore"], "-ERR syntax error\r\n"),
                (&["zrangebyscore", "z", "-inf", "inf", "withscores", "limit", "0", "2"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
                (&["zrangebyscore", "z", "-inf", "inf", "limit", "0"], "-ERR syntax error\r\n"),
                (&["zrevrangebyscore", "z", "inf", "-inf", "withscores"], "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"),
                (&["zrevrangebyscore", "z", "3", "1", "limit", "1", "1"], "*1\r\n$1\r\nb\r\n"),
                (&["zcount", "z", "-inf", "+inf"], ":5\r\n"),
                (&["zcount", "z", "(1", "3"], ":2\r\n"),
                (&["zcount", "z", "3", "1"], ":0\r\n"),
                (&["zcount", "z", "a", "b"], "-ERR min or max is not a float\r\n"),
                (&["zcount", "z", "", "3"], ":3\r\n"),
                (&["zcount", "nokey", "1", "2"], ":0\r\n"),
            ],
        );
    }

    #[test]
    fn ranges_by_lex() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"], ":5\r\n"),
                (
                    &["zrangebylex", "l", "-", "+"],
                    "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
                ),
                (&["zrangebylex", "l", "[b", "(d"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
                (&["zrangebylex", "l", "(b", "[d", "limit", "1", "5"], "*1\r\n$1\r\nd\r\n"),
                (
                    &["zrevrangebylex", "l", "+", "-", "limit", "1", "2"],
                    "*2\r\n$1\r\nd\r\n$1\r\nc\r\n",
                ),
                (&["zrevrangebylex", "l", "[d", "[b"], "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n"),
                (
                    &["zrangebylex", "l", "b", "d"],
                    "-ERR min or max not valid string range item\r\n",
                ),
                (
                    &["zrangebylex", "l", "-", "+", "withscores"],
                    "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
                ),
                (
                    &["zrange", "l", "[a", "[c", "bylex", "withscores"],
                    "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
                ),
                (&["zrange", "l", "[a", "[c", "bylex"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
                (
                    &["zrange", "l", "[c", "[a", "bylex", "rev"],
                    "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
                ),
                (&["zrange", "l", "+", "-", "bylex"], "*0\r\n"),
                (
                    &["zrange", "l", "[", "+", "bylex"],
                    "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
                ),
                (
                    &["zrange", "l", "++", "-", "bylex"],
                    "-ERR min or max not valid string range item\r\n",
                ),
                (&["zlexcount", "l", "[b", "+"], ":4\r\n"),
                (&["zlexcount", "l", "-", "(c"], ":2\r\n"),
                (&["zlexcount", "l", "+", "-"], ":0\r\n"),
                (&["zlexcount", "l", "-", "-"], ":0\r\n"),
                (&["zlexcount", "l", "a", "c"], "-ERR min or max not valid string range item\r\n"),
                (&["zlexcount", "nokey", "-", "+"], ":0\r\n"),
                (&["zremrangebylex", "l", "[b", "[c"], ":2\r\n"),
                (&["zrange", "l", "0", "-1"], "*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n"),
                (
                    &["zremrangebylex", "l", "x", "y"],
                    "-ERR min or max not valid string range item\r\n",
                ),
                (&["zremrangebylex", "l", "-", "+"], ":3\r\n"),
                (&["exists", "l"], ":0\r\n"),
            ],
        );
    }

    #[test]
    fn remove_ranges() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n"),
                (&["zremrangebyrank", "z", "0", "0"], ":1\r\n"),
                (&["zremrangebyrank", "z", "-1", "-1"], ":1\r\n"),
                (&["zremrangebyrank", "z", "5", "10"], ":0\r\n"),
                (
                    &["zremrangebyrank", "z", "a", "1"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (&["zremrangebyscore", "z", "(2", "3"], ":1\r\n"),
                (&["zremrangebyscore", "z", "x", "2"], "-ERR min or max is not a float\r\n"),
                (
                    &["zrange", "z", "0", "-1", "withscores"],
                    "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n",
                ),
                (&["zremrangebyscore", "z", "-inf", "+inf"], ":2\r\n"),
                (&["exists", "z"], ":0\r\n"),
                (&["zremrangebyrank", "nokey", "0", "1"], ":0\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (
                    &["zremrangebyscore", "s", "0", "1"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
            ],
        );
    }

    #[test]
    fn rangestore() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n"),
                (&["zrangestore", "dst", "z", "0", "-1"], ":5\r\n"),
                (&["zrange", "dst", "0", "-1", "withscores"], "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"),
                (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n"),
                (&["zrangestore", "dst", "z", "5", "1"], ":0\r\n"),
                (&["exists", "dst"], ":0\r\n"),
                (&["zrangestore", "dst", "z", "0", "-1", "withscores"], "-ERR syntax error\r\n"),
                (&["zrangestore", "dst", "z", "(1", "4", "byscore", "rev", "limit", "1", "2"], ":0\r\n"),
                (&["zrange", "dst", "0", "-1", "withscores"], "*0\r\n"),
                (&["zrangestore", "dst", "z", "[a", "[c", "bylex"], ":3\r\n"),
                (&["zrange", "dst", "0", "-1", "withscores"], "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
                (&["zrangestore", "dst", "nokey", "0", "-1"], ":0\r\n"),
                (&["exists", "dst"], ":0\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (&["zrangestore", "dst", "s", "0", "-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zrangestore", "s", "z", "0", "0"], ":1\r\n"),
                (&["type", "s"], "+zset\r\n"),
            ],
        );
    }

    #[test]
    fn pops() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n"),
                (&["zpopmin", "z"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
                (&["zpopmax", "z", "2"], "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n"),
                (&["zpopmin", "z", "0"], "*0\r\n"),
                (&["zpopmin", "z", "-1"], "-ERR value is out of range, must be positive\r\n"),
                (&["zpopmin", "z", "x"], "-ERR value is out of range, must be positive\r\n"),
                (&["zpopmin", "z", "1", "2"], "-ERR syntax error\r\n"),
                (&["zpopmin", "nokey"], "*0\r\n"),
                (&["zpopmin", "nokey", "3"], "*0\r\n"),
                (
                    &["zmpop", "1", "z", "min"],
                    "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                ),
                (
                    &["zmpop", "2", "nokey", "z", "max", "count", "10"],
                    "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
                ),
                (&["exists", "z"], ":0\r\n"),
                (&["zadd", "z", "1", "a", "2", "b"], ":2\r\n"),
                (&["zmpop", "0", "z", "min"], "-ERR numkeys should be greater than 0\r\n"),
                (&["zmpop", "-1", "z", "min"], "-ERR numkeys should be greater than 0\r\n"),
                (&["zmpop", "x", "z", "min"], "-ERR numkeys should be greater than 0\r\n"),
                (&["zmpop", "1", "z", "foo"], "-ERR syntax error\r\n"),
                (&["zmpop", "5", "z", "min"], "-ERR syntax error\r\n"),
                (
                    &["zmpop", "1", "z", "min", "count", "0"],
                    "-ERR count should be greater than 0\r\n",
                ),
                (
                    &["zmpop", "1", "z", "min", "count", "x"],
                    "-ERR count should be greater than 0\r\n",
                ),
                (&["zmpop", "1", "z", "min", "count", "1", "count", "1"], "-ERR syntax error\r\n"),
                (&["zmpop", "1", "z", "min", "count"], "-ERR syntax error\r\n"),
                (&["zmpop", "1", "nokey", "min"], "*-1\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (
                    &["zmpop", "2", "nokey", "s", "min"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["zpopmin", "s"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
            ],
        );
    }

    #[test]
    fn pops_resp3() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp3,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n"),
                (&["zpopmin", "z"], "*2\r\n$1\r\na\r\n,1\r\n"),
                (&["zpopmin", "z", "1"], "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
                (&["zpopmax", "z", "2"], "*2\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n"),
                (
                    &["zmpop", "1", "z", "min", "count", "2"],
                    "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n",
                ),
                (&["zmpop", "1", "nokey", "min"], "_\r\n"),
                (&["zpopmin", "nokey"], "*0\r\n"),
                (&["zscore", "nokey", "a"], "_\r\n"),
                (&["zrange", "z", "0", "-1", "withscores"], "*0\r\n"),
                (&["zrandmember", "nokey"], "_\r\n"),
                (&["zrandmember", "z", "5", "withscores"], "*0\r\n"),
                (&["zunion", "1", "z", "withscores"], "*0\r\n"),
                (&["zincrby", "z", "1", "e"], ",1\r\n"),
                (&["zmscore", "z", "e", "x"], "*2\r\n,1\r\n_\r\n"),
                (&["zadd", "z", "incr", "1", "e"], ",2\r\n"),
            ],
        );
    }

    #[test]
    fn algebra() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "a", "1", "x", "2", "y", "3", "z"], ":3\r\n"),
                (&["zadd", "b", "10", "y", "20", "z", "30", "w"], ":3\r\n"),
                (&["zunion", "2", "a", "b", "withscores"], "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"),
                (&["zunion", "2", "a", "b", "weights", "2", "3", "aggregate", "max", "withscores"], "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$2\r\n30\r\n$1\r\nz\r\n$2\r\n60\r\n$1\r\nw\r\n$2\r\n90\r\n"),
                (&["zunion", "2", "a", "b", "aggregate", "min"], "*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n"),
                (&["zinter", "2", "a", "b", "withscores"], "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n"),
                (&["zinter", "2", "a", "b", "aggregate", "min", "withscores"], "*4\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"),
                (&["zdiff", "2", "a", "b", "withscores"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
                (&["zdiff", "2", "b", "a"], "*1\r\n$1\r\nw\r\n"),
                (&["zdiff", "2", "a", "a"], "*0\r\n"),
                (&["zunionstore", "out", "2", "a", "b"], ":4\r\n"),
                (&["zrange", "out", "0", "-1", "withscores"], "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"),
                (&["object", "encoding", "out"], "$8\r\nlistpack\r\n"),
                (&["zinterstore", "out", "2", "a", "nokey"], ":0\r\n"),
                (&["exists", "out"], ":0\r\n"),
                (&["zdiffstore", "out", "1", "a"], ":3\r\n"),
                (&["zrange", "out", "0", "-1", "withscores"], "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"),
                (&["zintercard", "2", "a", "b"], ":2\r\n"),
                (&["zintercard", "2", "a", "b", "limit", "1"], ":1\r\n"),
                (&["zintercard", "2", "a", "b", "limit", "-1"], "-ERR LIMIT can't be negative\r\n"),
                (&["zintercard", "2", "a", "b", "limit", "x"], "-ERR LIMIT can't be negative\r\n"),
                (&["zintercard", "1", "a", "withscores"], "-ERR syntax error\r\n"),
                (&["zunion", "0", "a"], "-ERR at least 1 input key is needed for 'zunion' command\r\n"),
                (&["zunionstore", "out", "0", "a"], "-ERR at least 1 input key is needed for 'zunionstore' command\r\n"),
                (&["zintercard", "0", "a"], "-ERR at least 1 input key is needed for 'zintercard' command\r\n"),
                (&["zunion", "x", "a"], "-ERR value is not an integer or out of range\r\n"),
                (&["zunion", "3", "a", "b"], "-ERR syntax error\r\n"),
                (&["zunion", "2", "a", "b", "withscores", "foo"], "-ERR syntax error\r\n"),
                (&["zunion", "2", "a", "b", "weights", "1", "x"], "-ERR weight value is not a float\r\n"),
                (&["zunion", "2", "a", "b", "weights", "1"], "-ERR syntax error\r\n"),
                (&["zinter", "2", "a", "b", "aggregate", "foo"], "-ERR syntax error\r\n"),
                (&["zdiff", "2", "a", "b", "weights", "1", "2"], "-ERR syntax error\r\n"),
                (&["zdiff", "2", "a", "b", "aggregate", "sum"], "-ERR syntax error\r\n"),
                (&["zunionstore", "out", "2", "a", "b", "withscores"], "-ERR syntax error\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (&["zunion", "2", "a", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zunion", "2", "a", "s", "weights", "x", "y"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zunionstore", "s", "1", "a"], ":3\r\n"),
                (&["type", "s"], "+zset\r\n"),
                (&["zadd", "w", "1", "a"], ":1\r\n"),
                (&["zadd", "w2", "-inf", "a"], ":1\r\n"),
                (&["zunion", "2", "w", "w2", "weights", "0", "1", "withscores"], "*2\r\n$1\r\na\r\n$4\r\n-inf\r\n"),
                (&["zunion", "2", "w2", "w2", "weights", "0", "0", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n0\r\n"),
                (&["zinter", "2", "w", "w2", "weights", "inf", "1", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n0\r\n"),
                (&["zunion", "2", "w", "w2", "aggregate", "sum", "weights", "inf", "1", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n0\r\n"),
            ],
        );
    }

    #[test]
    fn random_deterministic() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n"),
                (&["zrandmember", "z", "10"], "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
                (&["zrandmember", "z", "3", "withscores"], "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"),
                (&["zrandmember", "z", "0"], "*0\r\n"),
                (&["zrandmember", "nokey"], "$-1\r\n"),
                (&["zrandmember", "nokey", "5"], "*0\r\n"),
                (&["zrandmember", "z", "1", "foo"], "-ERR syntax error\r\n"),
                (&["zrandmember", "z", "1", "withscores", "x"], "-ERR syntax error\r\n"),
                (&["zrandmember", "z", "-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
                (&["zrandmember", "z", "9223372036854775807", "withscores"], "-ERR value is out of range\r\n"),
                (&["zrandmember", "z", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["zadd", "one", "7", "only"], ":1\r\n"),
                (&["zrandmember", "one"], "$4\r\nonly\r\n"),
                (&["zrandmember", "one", "-3", "withscores"], "*6\r\n$4\r\nonly\r\n$1\r\n7\r\n$4\r\nonly\r\n$1\r\n7\r\n$4\r\nonly\r\n$1\r\n7\r\n"),
                (&["zrandmember", "one", "1"], "*1\r\n$4\r\nonly\r\n"),
                (&["set", "s", "x"], "+OK\r\n"),
                (&["zrandmember", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["zrandmember", "s", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ],
        );
    }
}

/// `zadd key 0 m0 1 m1 ...` with `n` members from `from`.
fn zadd_many(ks: &mut Keyspace, key: &str, from: usize, n: usize) {
    let mut args = vec!["zadd".to_string(), key.to_string()];
    for i in from..from + n {
        args.push(format!("{}", i as f64 * 0.5));
        args.push(format!("m{i}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(call(ks, Protocol::Resp2, &EngineConfig::default(), &args), format!(":{n}\r\n"));
}

#[test]
fn encodings_at_the_thresholds() {
    // Recorded from redis-server 7.0.15 with the default limits (128 members, 64 bytes).
    let mut ks = Keyspace::new(1);
    zadd_many(&mut ks, "big", 0, 128);
    assert_eq!(encoding(&mut ks, "big"), "listpack");
    zadd_many(&mut ks, "big", 128, 1);
    assert_eq!(encoding(&mut ks, "big"), "skiplist");
    let long64 = "x".repeat(64);
    let long65 = "x".repeat(65);
    check(
        &mut ks,
        Protocol::Resp2,
        &[
            (&["zadd", "v64", "1", &long64], ":1\r\n"),
            (&["object", "encoding", "v64"], "$8\r\nlistpack\r\n"),
            (&["zadd", "v65", "1", &long65], ":1\r\n"),
            (&["object", "encoding", "v65"], "$8\r\nskiplist\r\n"),
            // ZRANGESTORE sizes its destination from a rank range's length.
            (&["zrangestore", "d1", "big", "0", "127"], ":128\r\n"),
            (&["object", "encoding", "d1"], "$8\r\nlistpack\r\n"),
            (&["zrangestore", "d2", "big", "0", "128"], ":129\r\n"),
            (&["object", "encoding", "d2"], "$8\r\nskiplist\r\n"),
            (&["zrangestore", "d3", "big", "-inf", "+inf", "byscore"], ":129\r\n"),
            (&["object", "encoding", "d3"], "$8\r\nskiplist\r\n"),
            (&["zrangestore", "d4", "v65", "0", "-1"], ":1\r\n"),
            (&["object", "encoding", "d4"], "$8\r\nskiplist\r\n"),
            (&["zunionstore", "u1", "1", "big"], ":129\r\n"),
            (&["object", "encoding", "u1"], "$8\r\nskiplist\r\n"),
            // Removals never convert back; the store commands' results do.
            (&["zremrangebyrank", "big", "0", "100"], ":101\r\n"),
            (&["object", "encoding", "big"], "$8\r\nskiplist\r\n"),
            (&["zunionstore", "u2", "1", "big"], ":28\r\n"),
            (&["object", "encoding", "u2"], "$8\r\nlistpack\r\n"),
            (&["zunionstore", "u3", "1", "v65"], ":1\r\n"),
            (&["object", "encoding", "u3"], "$8\r\nskiplist\r\n"),
            (&["copy", "big", "bigc"], ":1\r\n"),
            (&["object", "encoding", "bigc"], "$8\r\nskiplist\r\n"),
            (&["zrank", "bigc", "m120"], ":19\r\n"),
            (&["zrevrank", "bigc", "m120"], ":8\r\n"),
            (&["zrange", "bigc", "-inf", "+inf", "byscore", "limit", "3", "2", "withscores"], "*4\r\n$4\r\nm104\r\n$2\r\n52\r\n$4\r\nm105\r\n$4\r\n52.5\r\n"),
            (&["zcount", "bigc", "55", "(60"], ":10\r\n"),
            (&["zscan", "u2", "0", "match", "m12?"], "*2\r\n$1\r\n0\r\n*18\r\n$4\r\nm120\r\n$2\r\n60\r\n$4\r\nm121\r\n$4\r\n60.5\r\n$4\r\nm122\r\n$2\r\n61\r\n$4\r\nm123\r\n$4\r\n61.5\r\n$4\r\nm124\r\n$2\r\n62\r\n$4\r\nm125\r\n$4\r\n62.5\r\n$4\r\nm126\r\n$2\r\n63\r\n$4\r\nm127\r\n$4\r\n63.5\r\n$4\r\nm128\r\n$2\r\n64\r\n"),
        ],
    );
}

#[test]
fn configured_limits() {
    let mut ks = Keyspace::new(1);
    let none = EngineConfig { zset_max_listpack_entries: 0, ..EngineConfig::default() };
    assert_eq!(call(&mut ks, Protocol::Resp2, &none, &["zadd", "a", "1", "x"]), ":1\r\n");
    assert_eq!(encoding(&mut ks, "a"), "skiplist");
    let short = EngineConfig { zset_max_listpack_value_bytes: 2, ..EngineConfig::default() };
    assert_eq!(call(&mut ks, Protocol::Resp2, &short, &["zadd", "b", "1", "xy"]), ":1\r\n");
    assert_eq!(encoding(&mut ks, "b"), "listpack");
    assert_eq!(call(&mut ks, Protocol::Resp2, &short, &["zadd", "b", "2", "xyz"]), ":1\r\n");
    assert_eq!(encoding(&mut ks, "b"), "skiplist");
}

#[test]
fn large_sets_match_a_model() {
    // A skiplist-encoded set under a random mix of updates, removals and range
    // queries, against a sorted vector.
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig::default();
    let mut model: Vec<(i64, String)> = Vec::new();
    let mut x: u64 = 99;
    let mut next = |n: u64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    for step in 0..6000 {
        let member = format!("k{}", next(3000));
        let score = next(200) as i64;
        match next(10) {
            0..=5 => {
                call(&mut ks, Protocol::Resp2, &cfg, &["zadd", "z", &score.to_string(), &member]);
                model.retain(|(_, m)| *m != member);
                let at = model.partition_point(|(s, m)| (*s, m.as_str()) < (score, &member));
                model.insert(at, (score, member));
            }
            6 => {
                call(&mut ks, Protocol::Resp2, &cfg, &["zrem", "z", &member]);
                model.retain(|(_, m)| *m != member);
            }
            7 => {
                let (lo, hi) = (score, score + 20);
                let got = call(
                    &mut ks,
                    Protocol::Resp2,
                    &cfg,
                    &["zcount", "z", &lo.to_string(), &format!("({hi}")],
                );
                let want = model.iter().filter(|(s, _)| (lo..hi).contains(s)).count();
                assert_eq!(got, format!(":{want}\r\n"));
            }
            _ => {
                let got = call(&mut ks, Protocol::Resp2, &cfg, &["zrank", "z", &member]);
                let want = match model.iter().position(|(_, m)| *m == member) {
                    Some(r) => format!(":{r}\r\n"),
                    None => "$-1\r\n".into(),
                };
                assert_eq!(got, want, "step {step}");
            }
        }
    }
    assert_eq!(encoding(&mut ks, "z"), "skiplist");
    let got = call(&mut ks, Protocol::Resp2, &cfg, &["zrange", "z", "100", "104", "withscores"]);
    let mut want = "*10\r\n".to_string();
    for (s, m) in &model[100..105] {
        want += &format!("${}\r\n{m}\r\n${}\r\n{s}\r\n", m.len(), s.to_string().len());
    }
    assert_eq!(got, want);
}

#[test]
fn zscan_of_a_large_set_visits_every_member_once() {
    let mut ks = Keyspace::new(1);
    zadd_many(&mut ks, "z", 0, 1000);
    let cfg = EngineConfig::default();
    let mut cursor = "0".to_string();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        let reply = call(&mut ks, Protocol::Resp2, &cfg, &["zscan", "z", &cursor, "count", "7"]);
        let lines: Vec<&str> = reply.split("\r\n").collect();
        cursor = lines[2].to_string();
        for pair in lines[4..lines.len() - 1].chunks(4) {
            assert!(seen.insert(pair[1].to_string()), "{} twice", pair[1]);
        }
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 1000);
}

#[test]
fn command_info_and_getkeys_like_redis() {
    // Recorded from redis-server 7.0.15.
    let cases: &[(&[&str], &str)] = &[
        (&["command", "info", "zunionstore"], "*1\r\n*10\r\n$11\r\nzunionstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"),
        (&["command", "info", "zmpop"], "*1\r\n*10\r\n$5\r\nzmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"),
        (&["command", "info", "zrangestore"], "*1\r\n*10\r\n$11\r\nzrangestore\r\n:-5\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "info", "zcard", "zincrby", "zpopmin", "zrem"], "*4\r\n*10\r\n$5\r\nzcard\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$7\r\nzincrby\r\n:4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$7\r\nzpopmin\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$4\r\nzrem\r\n:-3\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "getkeys", "bzmpop", "0", "2", "a", "b", "min"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        (&["command", "getkeys", "bzpopmin", "a", "b", "0"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        (&["command", "info", "bzpopmin", "bzmpop"], "*2\r\n*10\r\n$8\r\nbzpopmin\r\n:-3\r\n*4\r\n+write\r\n+noscript\r\n+blocking\r\n+fast\r\n:1\r\n:-2\r\n:1\r\n*4\r\n+@write\r\n+@sortedset\r\n+@fast\r\n+@blocking\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-2\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$6\r\nbzmpop\r\n:-5\r\n*3\r\n+write\r\n+blocking\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@write\r\n+@sortedset\r\n+@slow\r\n+@blocking\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"),
        (&["command", "getkeys", "zunionstore", "d", "2", "a", "b", "weights", "1", "2"], "*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n"),
        (&["command", "getkeys", "zinter", "2", "a", "b"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        (&["command", "getkeys", "zmpop", "2", "a", "b", "min"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
        (&["command", "getkeys", "zintercard", "3", "a", "b"], "-ERR Invalid arguments specified for command\r\n"),
        (&["command", "getkeys", "zunion", "0", "a"], "-ERR Invalid arguments specified for command\r\n"),
        (&["command", "getkeysandflags", "zrangestore", "d", "s", "0", "1"], "*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n"),
    ];
    for (args, want) in cases {
        let cmd = crate::command::OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
        let mut buf = Vec::new();
        super::introspect::command(
            &cmd.args(),
            &mut crate::resp::Reply::new(&mut buf, Protocol::Resp2),
        );
        assert_eq!(String::from_utf8_lossy(&buf), *want, "{}", args.join(" "));
    }
}

#[test]
fn blocking_pops_like_redis() {
    // Recorded from redis-server 7.0.15; where Redis blocked until its
    // timeout, the table entries reply the same null at once (the node
    // blocks on it).
    let mut ks = Keyspace::new(1);
    check(
        &mut ks,
        Protocol::Resp2,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n"),
            (&["bzpopmin", "z", "0"], "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n"),
            (&["bzpopmax", "z", "nope"], "-ERR timeout is not a float or out of range\r\n"),
            (&["bzpopmin", "z", "-1"], "-ERR timeout is negative\r\n"),
            (&["bzmpop", "x", "0", "z", "min"], "-ERR numkeys should be greater than 0\r\n"),
            (
                &["bzmpop", "0", "1", "z", "min", "count", "0"],
                "-ERR count should be greater than 0\r\n",
            ),
            (
                &["bzmpop", "0", "1", "z", "min", "count", "5"],
                "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
            ),
            (&["bzpopmin", "z", "0.01"], "*-1\r\n"),
            (&["bzmpop", "0.01", "1", "z", "max"], "*-1\r\n"),
            (&["set", "s", "x"], "+OK\r\n"),
            (
                &["bzpopmin", "s", "0"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                &["bzmpop", "0", "2", "nokey", "s", "min"],
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (&["bzmpop", "x", "1", "z", "min"], "-ERR timeout is not a float or out of range\r\n"),
            (&["bzmpop", "0", "1", "z", "foo"], "-ERR syntax error\r\n"),
            (&["zadd", "z", "1", "a", "2", "b"], ":2\r\n"),
            (&["bzpopmax", "nokey", "z", "0"], "*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            (
                &["bzmpop", "0", "1", "z", "max", "count", "1", "count", "2"],
                "-ERR syntax error\r\n",
            ),
        ],
    );
    check(
        &mut ks,
        Protocol::Resp3,
        &[
            (&["zadd", "z", "1", "a", "2", "b"], ":1\r\n"),
            (&["bzpopmin", "z", "0"], "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n"),
            (&["bzmpop", "0", "1", "z", "min"], "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
            (&["bzpopmin", "nokey", "0.01"], "_\r\n"),
        ],
    );
}
