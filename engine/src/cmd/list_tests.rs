//! Tests of the list family: exact reply bytes for every command, errors
//! included. The sequences in `redis_replies` were run against redis-server
//! 7.0.15 and its replies recorded as the expected values; so were the
//! `COMMAND INFO` replies in `testdata/list_command_info.txt`.

use super::test_util::{check_command_info, check_replies, run, run_in, run_with};
use crate::command::blocking::parse_timeout;
use crate::command::{table, Ctx, ExecStats, OwnedCmd};
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::{Protocol, Reply};
use crate::slot::{SlotSet, SLOT_COUNT};

/// The clock of every test, Unix milliseconds.
const NOW_MS: u64 = 1_700_000_000_000;

/// Runs each command in turn and compares its reply with the expected one.
fn check(ks: &mut Keyspace, proto: Protocol, cases: &[(&[&str], &str)]) {
    check_replies(ks, NOW_MS, proto, cases);
}

mod redis_replies {
    use super::*;

    #[test]
    fn push_and_pop() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["lpush", "l", "a", "b", "c"], ":3\r\n"),
                (&["rpush", "l", "d", "e"], ":5\r\n"),
                (
                    &["lrange", "l", "0", "-1"],
                    "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n",
                ),
                (&["llen", "l"], ":5\r\n"),
                (&["lpushx", "nx", "a"], ":0\r\n"),
                (&["rpushx", "nx", "a", "b"], ":0\r\n"),
                (&["exists", "nx"], ":0\r\n"),
                (&["lpushx", "l", "x"], ":6\r\n"),
                (&["rpushx", "l", "y", "z"], ":8\r\n"),
                (&["lpop", "l"], "$1\r\nx\r\n"),
                (&["rpop", "l"], "$1\r\nz\r\n"),
                (&["lpop", "l", "2"], "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
                (&["rpop", "l", "0"], "*0\r\n"),
                (&["lpop", "l", "-1"], "-ERR value is out of range, must be positive\r\n"),
                (&["lpop", "l", "abc"], "-ERR value is out of range, must be positive\r\n"),
                (&["lpop", "l", "1", "2"], "-ERR wrong number of arguments for 'lpop' command\r\n"),
                (&["lpop", "nx"], "$-1\r\n"),
                (&["lpop", "nx", "2"], "*-1\r\n"),
                (&["lpop", "nx", "0"], "*-1\r\n"),
                (&["rpop", "l", "100"], "*4\r\n$1\r\ny\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\na\r\n"),
                (&["exists", "l"], ":0\r\n"),
                (&["llen", "l"], ":0\r\n"),
                (&["lpop", "l"], "$-1\r\n"),
                (&["type", "l"], "+none\r\n"),
                (&["rpush", "n", "1", "22", "333", "-1", "0"], ":5\r\n"),
                (&["object", "encoding", "n"], "$9\r\nquicklist\r\n"),
                (
                    &["lrange", "n", "0", "-1"],
                    "*5\r\n$1\r\n1\r\n$2\r\n22\r\n$3\r\n333\r\n$2\r\n-1\r\n$1\r\n0\r\n",
                ),
                (&["type", "n"], "+list\r\n"),
                (&["lpush", "l"], "-ERR wrong number of arguments for 'lpush' command\r\n"),
                (&["rpush"], "-ERR wrong number of arguments for 'rpush' command\r\n"),
            ],
        );
    }

    #[test]
    fn wrong_type() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["set", "s", "v"], "+OK\r\n"),
                (&["lpush", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["rpushx", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lpop", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["rpop", "s", "2"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["llen", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lrange", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lindex", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lset", "s", "0", "v"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["linsert", "s", "before", "a", "b"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lrem", "s", "0", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["ltrim", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lpos", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lmove", "s", "d", "left", "right"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["rpush", "l", "a"], ":1\r\n"),
                (&["lmove", "l", "s", "left", "right"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lrange", "l", "0", "-1"], "*1\r\n$1\r\na\r\n"),
                (&["rpoplpush", "s", "l"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["rpoplpush", "l", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lmpop", "2", "nx", "s", "left"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lmpop", "2", "l", "s", "left"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n"),
                (&["blpop", "nx", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["brpop", "s", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["blmove", "s", "d", "left", "left", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["rpush", "l", "a"], ":1\r\n"),
                (&["blmove", "l", "s", "left", "left", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["brpoplpush", "s", "l", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["blmpop", "0", "1", "s", "right"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lrange", "s", "a", "b"], "-ERR value is not an integer or out of range\r\n"),
                (&["lindex", "s", "abc"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lset", "s", "abc", "v"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["lrem", "s", "abc", "v"], "-ERR value is not an integer or out of range\r\n"),
                (&["ltrim", "s", "a", "b"], "-ERR value is not an integer or out of range\r\n"),
                (&["lpos", "s", "a", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
                (&["linsert", "s", "middle", "a", "b"], "-ERR syntax error\r\n"),
                (&["lpop", "s", "abc"], "-ERR value is out of range, must be positive\r\n"),
            ],
        );
    }

    #[test]
    fn ranges() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "l", "a", "b", "c", "d", "e", "f", "g"], ":7\r\n"),
                (&["lrange", "l", "0", "-1"], "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
                (&["lrange", "l", "2", "4"], "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
                (&["lrange", "l", "-3", "-1"], "*3\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
                (&["lrange", "l", "-100", "1"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
                (&["lrange", "l", "5", "100"], "*2\r\n$1\r\nf\r\n$1\r\ng\r\n"),
                (&["lrange", "l", "4", "2"], "*0\r\n"),
                (&["lrange", "l", "7", "10"], "*0\r\n"),
                (&["lrange", "l", "-1", "-2"], "*0\r\n"),
                (&["lrange", "l", "0", "-8"], "*0\r\n"),
                (&["lrange", "l", "0", "-7"], "*1\r\n$1\r\na\r\n"),
                (&["lrange", "l", "-9223372036854775808", "9223372036854775807"], "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
                (&["lrange", "l", "1", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["lrange", "l", "01", "2"], "-ERR value is not an integer or out of range\r\n"),
                (&["lrange", "nx", "0", "-1"], "*0\r\n"),
                (&["lrange", "nx", "a", "b"], "-ERR value is not an integer or out of range\r\n"),
                (&["lindex", "l", "0"], "$1\r\na\r\n"),
                (&["lindex", "l", "-1"], "$1\r\ng\r\n"),
                (&["lindex", "l", "6"], "$1\r\ng\r\n"),
                (&["lindex", "l", "7"], "$-1\r\n"),
                (&["lindex", "l", "-7"], "$1\r\na\r\n"),
                (&["lindex", "l", "-8"], "$-1\r\n"),
                (&["lindex", "l", "-9223372036854775808"], "$-1\r\n"),
                (&["lindex", "l", "1.5"], "-ERR value is not an integer or out of range\r\n"),
                (&["lindex", "nx", "0"], "$-1\r\n"),
                (&["lindex", "nx", "abc"], "$-1\r\n"),
            ],
        );
    }

    #[test]
    fn lset_linsert() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "l", "a", "b", "c", "a"], ":4\r\n"),
                (&["lset", "l", "0", "x"], "+OK\r\n"),
                (&["lset", "l", "-1", "y"], "+OK\r\n"),
                (&["lset", "l", "4", "z"], "-ERR index out of range\r\n"),
                (&["lset", "l", "-5", "z"], "-ERR index out of range\r\n"),
                (&["lset", "l", "abc", "z"], "-ERR value is not an integer or out of range\r\n"),
                (&["lset", "nx", "0", "v"], "-ERR no such key\r\n"),
                (&["lset", "nx", "abc", "v"], "-ERR no such key\r\n"),
                (&["lrange", "l", "0", "-1"], "*4\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ny\r\n"),
                (&["linsert", "l", "before", "a", "A"], ":-1\r\n"),
                (&["linsert", "l", "after", "a", "B"], ":-1\r\n"),
                (&["linsert", "l", "AFTER", "y", "Z"], ":5\r\n"),
                (&["linsert", "l", "BEFORE", "x", "W"], ":6\r\n"),
                (&["linsert", "l", "before", "nope", "v"], ":-1\r\n"),
                (&["linsert", "l", "middle", "a", "v"], "-ERR syntax error\r\n"),
                (&["linsert", "nx", "before", "a", "v"], ":0\r\n"),
                (&["linsert", "nx", "middle", "a", "v"], "-ERR syntax error\r\n"),
                (
                    &["lrange", "l", "0", "-1"],
                    "*6\r\n$1\r\nW\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ny\r\n$1\r\nZ\r\n",
                ),
                (&["llen", "l"], ":6\r\n"),
            ],
        );
    }

    #[test]
    fn lrem_ltrim() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "l", "a", "b", "a", "c", "a", "d", "a"], ":7\r\n"),
                (&["lrem", "l", "2", "a"], ":2\r\n"),
                (
                    &["lrange", "l", "0", "-1"],
                    "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\na\r\n",
                ),
                (&["lrem", "l", "-1", "a"], ":1\r\n"),
                (&["lrange", "l", "0", "-1"], "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n"),
                (&["lrem", "l", "0", "a"], ":1\r\n"),
                (&["lrange", "l", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
                (&["lrem", "l", "0", "nope"], ":0\r\n"),
                (&["lrem", "l", "x", "a"], "-ERR value is not an integer or out of range\r\n"),
                (&["lrem", "nx", "1", "a"], ":0\r\n"),
                (&["lrem", "nx", "x", "a"], "-ERR value is not an integer or out of range\r\n"),
                (&["lrem", "l", "0", "b"], ":1\r\n"),
                (&["lrem", "l", "0", "c"], ":1\r\n"),
                (&["lrem", "l", "0", "d"], ":1\r\n"),
                (&["exists", "l"], ":0\r\n"),
                (&["rpush", "t", "1", "2", "3", "4", "5", "6", "7", "8"], ":8\r\n"),
                (&["ltrim", "t", "1", "-2"], "+OK\r\n"),
                (
                    &["lrange", "t", "0", "-1"],
                    "*6\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n",
                ),
                (&["ltrim", "t", "-3", "100"], "+OK\r\n"),
                (&["lrange", "t", "0", "-1"], "*3\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n"),
                (&["ltrim", "t", "0", "0"], "+OK\r\n"),
                (&["lrange", "t", "0", "-1"], "*1\r\n$1\r\n5\r\n"),
                (&["ltrim", "t", "1", "0"], "+OK\r\n"),
                (&["exists", "t"], ":0\r\n"),
                (&["ltrim", "nx", "0", "1"], "+OK\r\n"),
                (&["ltrim", "nx", "a", "b"], "-ERR value is not an integer or out of range\r\n"),
                (&["rpush", "t", "a", "b"], ":2\r\n"),
                (&["ltrim", "t", "5", "10"], "+OK\r\n"),
                (&["exists", "t"], ":0\r\n"),
                (&["rpush", "t", "a", "b"], ":2\r\n"),
                (&["ltrim", "t", "0", "x"], "-ERR value is not an integer or out of range\r\n"),
            ],
        );
    }

    #[test]
    fn lpos() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "p", "a", "b", "a", "c", "a"], ":5\r\n"),
                (&["lpos", "p", "a"], ":0\r\n"),
                (&["lpos", "p", "a", "rank", "2"], ":2\r\n"),
                (&["lpos", "p", "a", "rank", "-1"], ":4\r\n"),
                (&["lpos", "p", "a", "rank", "-3"], ":0\r\n"),
                (&["lpos", "p", "a", "rank", "4"], "$-1\r\n"),
                (&["lpos", "p", "a", "count", "0"], "*3\r\n:0\r\n:2\r\n:4\r\n"),
                (&["lpos", "p", "a", "count", "2"], "*2\r\n:0\r\n:2\r\n"),
                (&["lpos", "p", "a", "rank", "-1", "count", "2"], "*2\r\n:4\r\n:2\r\n"),
                (&["lpos", "p", "a", "rank", "2", "count", "0"], "*2\r\n:2\r\n:4\r\n"),
                (&["lpos", "p", "a", "maxlen", "1"], ":0\r\n"),
                (&["lpos", "p", "a", "maxlen", "2", "count", "0"], "*1\r\n:0\r\n"),
                (&["lpos", "p", "a", "rank", "-1", "maxlen", "1"], ":4\r\n"),
                (&["lpos", "p", "a", "rank", "-2", "maxlen", "1"], "$-1\r\n"),
                (&["lpos", "p", "z"], "$-1\r\n"),
                (&["lpos", "p", "z", "count", "3"], "*0\r\n"),
                (&["lpos", "nx", "a"], "$-1\r\n"),
                (&["lpos", "nx", "a", "count", "0"], "*0\r\n"),
                (&["lpos", "nx", "a", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
                (&["lpos", "p", "a", "rank", "0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
                (&["lpos", "p", "a", "rank", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["lpos", "p", "a", "count", "-1"], "-ERR COUNT can't be negative\r\n"),
                (&["lpos", "p", "a", "count", "x"], "-ERR COUNT can't be negative\r\n"),
                (&["lpos", "p", "a", "maxlen", "-1"], "-ERR MAXLEN can't be negative\r\n"),
                (&["lpos", "p", "a", "maxlen", "x"], "-ERR MAXLEN can't be negative\r\n"),
                (&["lpos", "p", "a", "foo"], "-ERR syntax error\r\n"),
                (&["lpos", "p", "a", "rank"], "-ERR syntax error\r\n"),
                (&["lpos", "p", "a", "RANK", "1", "RANK", "2"], ":2\r\n"),
                (&["lpos", "p", "a", "rank", "-9223372036854775808"], ":4\r\n"),
                (&["lpos", "p", "a", "rank", "-9223372036854775808", "count", "1"], "*3\r\n:4\r\n:2\r\n:0\r\n"),
                (&["lpos", "p", "a", "rank", "9223372036854775807"], "$-1\r\n"),
                (&["lpos", "p", "a", "maxlen", "9223372036854775807", "count", "0"], "*3\r\n:0\r\n:2\r\n:4\r\n"),
                (&["lpos", "p", "a", "count", "0", "rank", "5"], "*0\r\n"),
            ],
        );
    }

    #[test]
    fn moves() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "a", "1", "2", "3"], ":3\r\n"),
                (&["lmove", "a", "b", "left", "right"], "$1\r\n1\r\n"),
                (&["lmove", "a", "b", "right", "left"], "$1\r\n3\r\n"),
                (&["lrange", "a", "0", "-1"], "*1\r\n$1\r\n2\r\n"),
                (&["lrange", "b", "0", "-1"], "*2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
                (&["lmove", "a", "a", "left", "right"], "$1\r\n2\r\n"),
                (&["lrange", "a", "0", "-1"], "*1\r\n$1\r\n2\r\n"),
                (&["lmove", "a", "b", "up", "left"], "-ERR syntax error\r\n"),
                (&["lmove", "a", "b", "left", "down"], "-ERR syntax error\r\n"),
                (&["lmove", "nx", "b", "left", "left"], "$-1\r\n"),
                (&["exists", "nx"], ":0\r\n"),
                (&["rpoplpush", "a", "b"], "$1\r\n2\r\n"),
                (&["exists", "a"], ":0\r\n"),
                (&["lrange", "b", "0", "-1"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
                (&["rpoplpush", "nx", "b"], "$-1\r\n"),
                (&["rpush", "one", "x"], ":1\r\n"),
                (&["lmove", "one", "one", "right", "left"], "$1\r\nx\r\n"),
                (&["lrange", "one", "0", "-1"], "*1\r\n$1\r\nx\r\n"),
                (&["rpoplpush", "one", "one"], "$1\r\nx\r\n"),
                (&["lrange", "one", "0", "-1"], "*1\r\n$1\r\nx\r\n"),
                (&["blmove", "b", "c", "right", "left", "0"], "$1\r\n1\r\n"),
                (&["brpoplpush", "b", "c", "1.5"], "$1\r\n3\r\n"),
                (&["lrange", "c", "0", "-1"], "*2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
                (&["blmove", "b", "c", "middle", "left", "0"], "-ERR syntax error\r\n"),
                (
                    &["blmove", "b", "c", "left", "left", "abc"],
                    "-ERR timeout is not a float or out of range\r\n",
                ),
                (
                    &["brpoplpush", "b", "c", "abc"],
                    "-ERR timeout is not a float or out of range\r\n",
                ),
                (&["blmove", "b", "c", "left", "left", "-1"], "-ERR timeout is negative\r\n"),
                (&["brpoplpush", "b", "c", "-1"], "-ERR timeout is negative\r\n"),
                (&["blpop", "nx", "b", "0"], "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
                (&["brpop", "b", "c", "0"], "*2\r\n$1\r\nc\r\n$1\r\n1\r\n"),
                (&["blpop", "b", "x"], "-ERR timeout is not a float or out of range\r\n"),
                (&["blpop", "nx", "c", "-0.5"], "-ERR timeout is negative\r\n"),
                (&["brpop", "c", "0.01"], "*2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
                (&["exists", "c"], ":0\r\n"),
            ],
        );
    }

    #[test]
    fn mpop() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "a", "1", "2", "3"], ":3\r\n"),
                (&["rpush", "b", "4", "5"], ":2\r\n"),
                (&["lmpop", "2", "nx", "a", "left"], "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"),
                (
                    &["lmpop", "2", "a", "b", "right", "count", "2"],
                    "*2\r\n$1\r\na\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n",
                ),
                (&["lmpop", "1", "a", "left", "count", "10"], "*-1\r\n"),
                (&["exists", "a"], ":0\r\n"),
                (
                    &["lmpop", "2", "a", "b", "LEFT", "COUNT", "1"],
                    "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n4\r\n",
                ),
                (&["lmpop", "2", "nx", "nx2", "left"], "*-1\r\n"),
                (&["lmpop", "0", "a", "left"], "-ERR numkeys should be greater than 0\r\n"),
                (&["lmpop", "-1", "a", "left"], "-ERR numkeys should be greater than 0\r\n"),
                (&["lmpop", "x", "a", "left"], "-ERR numkeys should be greater than 0\r\n"),
                (&["lmpop", "3", "a", "b", "left"], "-ERR syntax error\r\n"),
                (&["lmpop", "1", "a", "middle"], "-ERR syntax error\r\n"),
                (
                    &["lmpop", "1", "b", "left", "count", "0"],
                    "-ERR count should be greater than 0\r\n",
                ),
                (
                    &["lmpop", "1", "b", "left", "count", "x"],
                    "-ERR count should be greater than 0\r\n",
                ),
                (&["lmpop", "1", "b", "left", "count", "1", "count", "1"], "-ERR syntax error\r\n"),
                (&["lmpop", "1", "b", "left", "foo"], "-ERR syntax error\r\n"),
                (&["lmpop", "1", "b", "left", "count"], "-ERR syntax error\r\n"),
                (&["lmpop", "2", "b"], "-ERR wrong number of arguments for 'lmpop' command\r\n"),
                (&["rpush", "c", "x", "y"], ":2\r\n"),
                (
                    &["blmpop", "0", "1", "c", "left", "count", "5"],
                    "*2\r\n$1\r\nc\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n",
                ),
                (&["rpush", "c", "x", "y"], ":2\r\n"),
                (&["blmpop", "1", "2", "nx", "c", "right"], "*2\r\n$1\r\nc\r\n*1\r\n$1\r\ny\r\n"),
                (
                    &["blmpop", "x", "1", "c", "left"],
                    "-ERR timeout is not a float or out of range\r\n",
                ),
                (&["blmpop", "0", "0", "c", "left"], "-ERR numkeys should be greater than 0\r\n"),
                (&["blmpop", "x", "0", "c", "left"], "-ERR numkeys should be greater than 0\r\n"),
                (&["blmpop", "-1", "1", "c", "left"], "-ERR timeout is negative\r\n"),
                (&["blmpop", "0", "1", "c", "middle"], "-ERR syntax error\r\n"),
                (
                    &["blmpop", "0", "1", "c", "left", "count", "0"],
                    "-ERR count should be greater than 0\r\n",
                ),
                (&["blmpop", "1", "1"], "-ERR wrong number of arguments for 'blmpop' command\r\n"),
            ],
        );
    }

    #[test]
    fn resp3() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp3,
            &[
                (&["lpop", "nx"], "_\r\n"),
                (&["lpop", "nx", "1"], "_\r\n"),
                (&["lmpop", "1", "nx", "left"], "_\r\n"),
                (&["lindex", "nx", "0"], "_\r\n"),
                (&["lpos", "nx", "a"], "_\r\n"),
                (&["rpush", "l", "a", "b"], ":2\r\n"),
                (&["lpos", "l", "z"], "_\r\n"),
                (&["lindex", "l", "5"], "_\r\n"),
                (&["lmove", "nx", "l", "left", "left"], "_\r\n"),
                (&["lpop", "l", "1"], "*1\r\n$1\r\na\r\n"),
                (&["lmpop", "1", "l", "left", "count", "2"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\nb\r\n"),
                (&["blpop", "nx", "l", "0.001"], "_\r\n"),
                (&["rpush", "l", "q"], ":1\r\n"),
                (&["blpop", "nx", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\nq\r\n"),
            ],
        );
    }

    #[test]
    fn timeouts() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["rpush", "l", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], ":10\r\n"),
                (&["blpop", "l", "inf"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "-inf"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "+inf"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "nan"], "-ERR timeout is not a float or out of range\r\n"),
                (&["blpop", "l", "1e400"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "1e16"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "9223372036854775.8079"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "9223372036854775.806"], "*2\r\n$1\r\nl\r\n$1\r\na\r\n"),
                (&["blpop", "l", "1e-400"], "*2\r\n$1\r\nl\r\n$1\r\nb\r\n"),
                (&["blpop", "l", "0x1p-3"], "*2\r\n$1\r\nl\r\n$1\r\nc\r\n"),
                (&["blpop", "l", "0x"], "-ERR timeout is not a float or out of range\r\n"),
                (&["blpop", "l", "-0.001"], "*2\r\n$1\r\nl\r\n$1\r\nd\r\n"),
                (&["blpop", "l", "-0.0011"], "-ERR timeout is negative\r\n"),
                (&["blpop", "l", "1."], "*2\r\n$1\r\nl\r\n$1\r\ne\r\n"),
                (&["blpop", "l", ".5"], "*2\r\n$1\r\nl\r\n$1\r\nf\r\n"),
                (&["blpop", "l", "5e-4"], "*2\r\n$1\r\nl\r\n$1\r\ng\r\n"),
                (&["blpop", "l", " 1"], "-ERR timeout is not a float or out of range\r\n"),
                (&["blpop", "l", "1 "], "-ERR timeout is not a float or out of range\r\n"),
                (&["blpop", "l", ""], "-ERR timeout is not a float or out of range\r\n"),
                (&["blpop", "l", "1e5000"], "-ERR timeout is not a float or out of range\r\n"),
                (&["lrange", "l", "0", "-1"], "*3\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n"),
            ],
        );
    }
}

/// Serves `args` from `key` as the node does once `key` became ready, returning
/// the reply.
fn serve(ks: &mut Keyspace, args: &[&str], key: &str) -> String {
    let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
    let spec = table::lookup(args[0].as_bytes()).unwrap();
    let ops = spec.blocking.expect("a blocking command");
    let (cfg, owned) = (EngineConfig::default(), SlotSet::from_range(0..SLOT_COUNT));
    let (mut stats, mut out) = (ExecStats::default(), Vec::new());
    let mut ctx = Ctx {
        ks,
        db: 0,
        now_ms: NOW_MS,
        lru_s: 0,
        out: Reply::new(&mut out, Protocol::Resp2),
        cfg: &cfg,
        stats: &mut stats,
        owned_slots: &owned,
    };
    assert!(ops.ready(ctx.ks.db(0).peek(key.as_bytes(), NOW_MS).unwrap()));
    (ops.serve)(&mut ctx, &cmd.args(), key.as_bytes());
    String::from_utf8(out).unwrap()
}

#[test]
fn blocking_entries_serve_or_reply_null() {
    let mut ks = Keyspace::new(1);
    // Nothing to serve: the null the node blocks on (and MULTI replies).
    assert_eq!(run(&mut ks, NOW_MS, &["blpop", "a", "b", "0"]), b"*-1\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["blmpop", "0", "1", "a", "left"]), b"*-1\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["blmove", "a", "b", "left", "left", "0"]), b"$-1\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["brpoplpush", "a", "b", "0"]), b"$-1\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["blpop", "a", "-1"]), b"-ERR timeout is negative\r\n");
    run(&mut ks, NOW_MS, &["rpush", "b", "x", "y"]);
    assert_eq!(run(&mut ks, NOW_MS, &["blpop", "a", "b", "0"]), b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["blmove", "b", "c", "left", "right", "0"]), b"$1\r\ny\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["exists", "b"]), b":0\r\n");
}

#[test]
fn blocking_deadlines_and_watched_keys() {
    let cmd = |a: &[&str]| OwnedCmd::from_parts(a.iter().map(|w| w.as_bytes()));
    let cases: &[(&[&str], Option<u64>, &[usize])] = &[
        (&["blpop", "a", "b", "0"], None, &[1, 2]),
        (&["brpop", "a", "1.5"], Some(NOW_MS + 1500), &[1]),
        (&["blmove", "a", "b", "left", "right", "0.0001"], Some(NOW_MS + 1), &[1]),
        (&["brpoplpush", "a", "b", "0"], None, &[1]),
        (&["blmpop", "2", "2", "a", "b", "left"], Some(NOW_MS + 2000), &[3, 4]),
        // A deadline past i64 (Redis's wraps into the past and never fires): forever.
        (&["blpop", "a", "9223372036854775.806"], None, &[1]),
    ];
    for (args, deadline, watched) in cases {
        let spec = table::lookup(args[0].as_bytes()).unwrap();
        let ops = spec.blocking.unwrap();
        let c = cmd(args);
        assert_eq!(ops.deadline_ms(&c.args(), NOW_MS), *deadline, "{args:?}");
        assert_eq!(ops.watched(spec, &c.args()), watched.to_vec(), "{args:?}");
        let dst = ops.destination(spec, &c.args());
        assert_eq!(dst, ops.moves.then_some(2), "{args:?}");
    }
}

#[test]
fn blocking_serves_the_ready_key_only() {
    let mut ks = Keyspace::new(1);
    run(&mut ks, NOW_MS, &["rpush", "a", "1"]);
    run(&mut ks, NOW_MS, &["rpush", "b", "2"]);
    run(&mut ks, NOW_MS, &["set", "s", "x"]);
    // Redis serves the key that became ready, not the first in argument order.
    assert_eq!(serve(&mut ks, &["blpop", "a", "b", "0"], "b"), "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
    // A key of another type leaves the client waiting.
    let ops = table::lookup(b"blpop").unwrap().blocking.unwrap();
    assert!(!ops.ready(ks.db(0).peek(b"s", NOW_MS).unwrap()));
    assert_eq!(
        serve(&mut ks, &["blmpop", "0", "2", "b", "a", "right", "count", "3"], "a"),
        "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"
    );
    // BLMOVE onto a key of another type: WRONGTYPE, and the element stays.
    run(&mut ks, NOW_MS, &["rpush", "a", "1"]);
    assert_eq!(
        serve(&mut ks, &["blmove", "a", "s", "left", "left", "0"], "a"),
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
    assert_eq!(run(&mut ks, NOW_MS, &["llen", "a"]), b":1\r\n");
}

#[test]
fn timeouts_like_redis() {
    assert_eq!(parse_timeout(b"0", 5), Ok(None));
    assert_eq!(parse_timeout(b"-0.0001", 5), Ok(None));
    assert_eq!(parse_timeout(b"0.0001", 5), Ok(Some(6)));
    assert_eq!(parse_timeout(b"2", 5), Ok(Some(2005)));
    assert_eq!(parse_timeout(b"0x1p1", 5), Ok(Some(2005)));
    assert_eq!(parse_timeout(b"inf", 5), Err("ERR timeout is negative"));
    assert_eq!(parse_timeout(b"abc", 5), Err("ERR timeout is not a float or out of range"));
    assert_eq!(
        parse_timeout("1".repeat(5120).as_bytes(), 5),
        Err("ERR timeout is not a float or out of range")
    );
}

#[test]
fn command_info_matches_redis() {
    check_command_info(include_str!("testdata/list_command_info.txt"));
}

#[test]
fn key_specs_find_keys_like_command_getkeys() {
    // (command, the keys Redis's COMMAND GETKEYS lists, None for its error).
    let cases: [(&str, Option<&[&str]>); 6] = [
        ("lmpop 2 a b left count 3", Some(&["a", "b"])),
        ("blmpop 0 1 a right", Some(&["a"])),
        ("blpop a b 0", Some(&["a", "b"])),
        ("lmove a b left right", Some(&["a", "b"])),
        ("lmpop 3 a b", None),
        ("lmpop 0 a left", None),
    ];
    for (line, want) in cases {
        let args: Vec<&str> = line.split(' ').collect();
        let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
        let spec = table::lookup(args[0].as_bytes()).unwrap();
        let found = crate::command::find_keys(spec.key_specs.as_slice(), &cmd.args());
        let got = found.map(|keys| keys.iter().map(|k| args[k.pos]).collect::<Vec<_>>());
        assert_eq!(got.as_deref(), want, "{line}");
        let routed: Vec<usize> = spec.key_positions(&cmd.args()).collect();
        assert_eq!(routed.len(), want.map_or(0, |w| w.len()), "{line}");
    }
}

#[test]
fn every_list_is_a_quicklist_whatever_the_fill() {
    let mut ks = Keyspace::new(1);
    let owned = SlotSet::from_range(0..SLOT_COUNT);
    for fill in [-5, -2, -1, 0, 1, 2, 1000] {
        let cfg = EngineConfig { list_max_listpack_size: fill, ..EngineConfig::default() };
        let run = |ks: &mut Keyspace, args: &[&str]| run_in(ks, NOW_MS, 0, &owned, &cfg, args);
        run(&mut ks, &["del", "l"]);
        for i in 0..50 {
            let v = format!("{i}");
            run(&mut ks, &["rpush", "l", &v]);
            run(&mut ks, &["linsert", "l", "before", &v, "x"]);
        }
        assert_eq!(run(&mut ks, &["object", "encoding", "l"]), b"$9\r\nquicklist\r\n");
        assert_eq!(run(&mut ks, &["llen", "l"]), b":100\r\n");
        assert_eq!(run(&mut ks, &["lindex", "l", "99"]), b"$2\r\n49\r\n");
        assert_eq!(run(&mut ks, &["lrem", "l", "0", "x"]), b":50\r\n");
        assert_eq!(run(&mut ks, &["lrange", "l", "48", "49"]), b"*2\r\n$2\r\n48\r\n$2\r\n49\r\n");
    }
}

#[test]
fn long_lists_read_from_the_nearer_end() {
    let mut ks = Keyspace::new(1);
    let elements: Vec<String> = (0..20_000).map(|i| format!("e{i}")).collect();
    let mut args = vec!["rpush", "l"];
    args.extend(elements.iter().map(|s| s.as_str()));
    assert_eq!(run(&mut ks, NOW_MS, &args), b":20000\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["lindex", "l", "-1"]), b"$6\r\ne19999\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["lindex", "l", "12345"]), b"$6\r\ne12345\r\n");
    let got = run(&mut ks, NOW_MS, &["lrange", "l", "-3", "-1"]);
    assert_eq!(got, b"*3\r\n$6\r\ne19997\r\n$6\r\ne19998\r\n$6\r\ne19999\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["ltrim", "l", "100", "-101"]), b"+OK\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["lindex", "l", "0"]), b"$4\r\ne100\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["llen", "l"]), b":19800\r\n");
}

#[test]
fn reads_count_keyspace_hits_and_misses() {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig::default();
    let mut stats = ExecStats::default();
    for args in
        [&["rpush", "l", "a"][..], &["lpop", "nx"], &["llen", "l"], &["lrange", "nx", "0", "1"]]
    {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        run_with(&mut ks, NOW_MS, Protocol::Resp2, &cfg, &mut stats, &args);
    }
    assert_eq!((stats.keyspace_hits, stats.keyspace_misses), (1, 1));
}
