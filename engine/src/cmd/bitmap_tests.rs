//! Tests of the bitmap family (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
//! BITFIELD, BITFIELD_RO): exact reply bytes, errors included. The sequences
//! in `redis_replies` were run against redis-server 7.0.15 and its replies
//! recorded as the expected values; so were the `COMMAND INFO` replies in
//! `testdata/bitmap_command_info.txt`.

use super::test_util::{check_command_info, check_replies, check_replies_with, run};
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::Protocol;

/// The clock of every test, Unix milliseconds.
const NOW_MS: u64 = 1_700_000_000_000;

/// Runs each command in turn and compares its reply with the expected one.
fn check(ks: &mut Keyspace, cases: &[(&[&str], &str)]) {
    check_replies(ks, NOW_MS, Protocol::Resp2, cases);
}

mod redis_replies {
    use super::*;

    #[test]
    fn setbit_and_getbit() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            &[
                (&["setbit", "b", "7", "1"], ":0\r\n"),
                (&["get", "b"], "$1\r\n\r\n"),
                (&["setbit", "b", "7", "1"], ":1\r\n"),
                (&["setbit", "b", "7", "0"], ":1\r\n"),
                (&["setbit", "b", "100", "1"], ":0\r\n"),
                (&["strlen", "b"], ":13\r\n"),
                (&["getbit", "b", "100"], ":1\r\n"),
                (&["getbit", "b", "101"], ":0\r\n"),
                (&["getbit", "b", "1000000"], ":0\r\n"),
                (&["getbit", "nokey", "5"], ":0\r\n"),
                (&["object", "encoding", "b"], "$3\r\nraw\r\n"),
                (
                    &["setbit", "b", "-1", "1"],
                    "-ERR bit offset is not an integer or out of range\r\n",
                ),
                (
                    &["setbit", "b", "abc", "1"],
                    "-ERR bit offset is not an integer or out of range\r\n",
                ),
                (
                    &["setbit", "b", "4294967295", "2"],
                    "-ERR bit is not an integer or out of range\r\n",
                ),
                (
                    &["setbit", "b", "4294967296", "1"],
                    "-ERR bit offset is not an integer or out of range\r\n",
                ),
                (&["setbit", "b", "1", "2"], "-ERR bit is not an integer or out of range\r\n"),
                (&["setbit", "b", "1", "-1"], "-ERR bit is not an integer or out of range\r\n"),
                (&["setbit", "b", "1", "x"], "-ERR bit is not an integer or out of range\r\n"),
                (&["setbit", "b", "1", "01"], "-ERR bit is not an integer or out of range\r\n"),
                (
                    &["setbit", "b", "x", "x"],
                    "-ERR bit offset is not an integer or out of range\r\n",
                ),
                (&["getbit", "b", "-1"], "-ERR bit offset is not an integer or out of range\r\n"),
                (
                    &["getbit", "b", "4294967296"],
                    "-ERR bit offset is not an integer or out of range\r\n",
                ),
                (&["getbit", "b", "4294967295"], ":0\r\n"),
                (&["getbit", "b", " 1"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["set", "i", "12"], "+OK\r\n"),
                (&["getbit", "i", "2"], ":1\r\n"),
                (&["getbit", "i", "3"], ":1\r\n"),
                (&["getbit", "i", "14"], ":1\r\n"),
                (&["object", "encoding", "i"], "$3\r\nint\r\n"),
                (&["setbit", "i", "15", "1"], ":0\r\n"),
                (&["get", "i"], "$2\r\n13\r\n"),
                (&["object", "encoding", "i"], "$3\r\nraw\r\n"),
                (&["set", "e", "hello"], "+OK\r\n"),
                (&["object", "encoding", "e"], "$6\r\nembstr\r\n"),
                (&["setbit", "e", "0", "0"], ":0\r\n"),
                (&["object", "encoding", "e"], "$3\r\nraw\r\n"),
                (&["get", "e"], "$5\r\nhello\r\n"),
                (&["lpush", "l", "a"], ":1\r\n"),
                (
                    &["setbit", "l", "0", "1"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["getbit", "l", "0"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (&["getbit", "l", "x"], "-ERR bit offset is not an integer or out of range\r\n"),
                (
                    &["setbit", "l", "x", "1"],
                    "-ERR bit offset is not an integer or out of range\r\n",
                ),
                (&["setbit", "l", "0", "5"], "-ERR bit is not an integer or out of range\r\n"),
                (&["set", "t", "abc"], "+OK\r\n"),
                (&["expire", "t", "100"], ":1\r\n"),
                (&["setbit", "t", "30", "1"], ":0\r\n"),
                (&["ttl", "t"], ":100\r\n"),
                (&["setbit", "b", "2"], "-ERR wrong number of arguments for 'setbit' command\r\n"),
                (&["getbit", "b"], "-ERR wrong number of arguments for 'getbit' command\r\n"),
            ],
        );
    }

    #[test]
    fn bitcount() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            &[
                (&["set", "s", "foobar"], "+OK\r\n"),
                (&["bitcount", "s"], ":26\r\n"),
                (&["bitcount", "s", "0", "0"], ":4\r\n"),
                (&["bitcount", "s", "1", "1"], ":6\r\n"),
                (&["bitcount", "s", "1", "1", "byte"], ":6\r\n"),
                (&["bitcount", "s", "5", "30", "bit"], ":17\r\n"),
                (&["bitcount", "s", "0", "-1", "bit"], ":26\r\n"),
                (&["bitcount", "s", "-5", "-1", "bit"], ":2\r\n"),
                (&["bitcount", "s", "0", "0", "BIT"], ":0\r\n"),
                (&["bitcount", "s", "7", "7", "bit"], ":0\r\n"),
                (&["bitcount", "s", "1", "-2"], ":18\r\n"),
                (&["bitcount", "s", "-100", "100"], ":26\r\n"),
                (&["bitcount", "s", "-3", "-5"], ":0\r\n"),
                (&["bitcount", "s", "-10", "-20"], ":0\r\n"),
                (&["bitcount", "s", "3", "1"], ":0\r\n"),
                (&["bitcount", "s", "0"], "-ERR syntax error\r\n"),
                (&["bitcount", "s", "0", "1", "2", "3"], "-ERR syntax error\r\n"),
                (&["bitcount", "s", "0", "1", "bits"], "-ERR syntax error\r\n"),
                (&["bitcount", "s", "x", "1"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitcount", "s", "1", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitcount", "s", "-3", "-5", "foo"], ":0\r\n"),
                (
                    &["bitcount", "s", "1", "x", "foo"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (&["bitcount", "s", "0", "0", "foo"], "-ERR syntax error\r\n"),
                (&["bitcount", "nokey"], ":0\r\n"),
                (&["bitcount", "nokey", "0"], ":0\r\n"),
                (&["bitcount", "nokey", "x", "y", "z", "w", "q"], ":0\r\n"),
                (&["set", "n", "12345"], "+OK\r\n"),
                (&["bitcount", "n"], ":17\r\n"),
                (&["bitcount", "n", "0", "0"], ":3\r\n"),
                (&["lpush", "l", "a"], ":1\r\n"),
                (
                    &["bitcount", "l"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["bitcount", "l", "0"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (&["set", "empty", ""], "+OK\r\n"),
                (&["bitcount", "empty"], ":0\r\n"),
                (&["bitcount", "empty", "0", "-1"], ":0\r\n"),
                (&["bitcount", "empty", "0", "-1", "bit"], ":0\r\n"),
                (&["bitcount", "s", "100", "200"], ":0\r\n"),
                (&["bitcount", "s", "47", "100", "bit"], ":0\r\n"),
                (&["bitcount", "s", "9223372036854775807", "-9223372036854775808"], ":0\r\n"),
                (
                    &["bitcount", "s", "-9223372036854775808", "9223372036854775807", "bit"],
                    ":26\r\n",
                ),
            ],
        );
    }

    #[test]
    fn bitpos() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            &[
                (&["bitpos", "nokey", "0"], ":0\r\n"),
                (&["bitpos", "nokey", "1"], ":-1\r\n"),
                (&["bitpos", "nokey", "1", "x", "y", "z", "w", "v"], ":-1\r\n"),
                (&["bitpos", "nokey", "2"], "-ERR The bit argument must be 1 or 0.\r\n"),
                (&["bitpos", "nokey", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["setbit", "k", "10", "1"], ":0\r\n"),
                (&["bitpos", "k", "1"], ":10\r\n"),
                (&["bitpos", "k", "0"], ":0\r\n"),
                (&["bitpos", "k", "1", "1"], ":10\r\n"),
                (&["bitpos", "k", "1", "2"], ":-1\r\n"),
                (&["bitpos", "k", "0", "1"], ":8\r\n"),
                (&["bitpos", "k", "0", "1", "1"], ":8\r\n"),
                (&["bitpos", "k", "1", "0", "-1", "bit"], ":10\r\n"),
                (&["bitpos", "k", "1", "11", "-1", "bit"], ":-1\r\n"),
                (&["bitpos", "k", "1", "0", "9", "bit"], ":-1\r\n"),
                (&["bitpos", "k", "0", "0", "9", "bit"], ":0\r\n"),
                (&["bitpos", "k", "1", "10", "10", "bit"], ":10\r\n"),
                (&["bitpos", "k", "1", "-100", "-50"], ":-1\r\n"),
                (&["bitpos", "k", "1", "-5", "-10"], ":-1\r\n"),
                (&["bitpos", "k", "1", "5", "3"], ":-1\r\n"),
                (&["bitpos", "k", "1", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitpos", "k", "1", "0", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitpos", "k", "1", "0", "1", "foo"], "-ERR syntax error\r\n"),
                (&["bitpos", "k", "1", "0", "x", "foo"], "-ERR syntax error\r\n"),
                (&["bitpos", "k", "1", "x", "1", "foo"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitpos", "k", "1", "0", "1", "bit", "extra"], "-ERR syntax error\r\n"),
                (&["bitpos", "k", "3"], "-ERR The bit argument must be 1 or 0.\r\n"),
                (&["bitpos", "k", "-1"], "-ERR The bit argument must be 1 or 0.\r\n"),
                (&["setbit", "f", "0", "1"], ":0\r\n"),
                (&["setbit", "f", "1", "1"], ":0\r\n"),
                (&["setbit", "f", "2", "1"], ":0\r\n"),
                (&["setbit", "f", "3", "1"], ":0\r\n"),
                (&["setbit", "f", "4", "1"], ":0\r\n"),
                (&["setbit", "f", "5", "1"], ":0\r\n"),
                (&["setbit", "f", "6", "1"], ":0\r\n"),
                (&["setbit", "f", "7", "1"], ":0\r\n"),
                (&["bitpos", "f", "0"], ":8\r\n"),
                (&["bitpos", "f", "0", "0"], ":8\r\n"),
                (&["bitpos", "f", "0", "0", "-1"], ":-1\r\n"),
                (&["bitpos", "f", "0", "0", "0"], ":-1\r\n"),
                (&["bitpos", "f", "0", "1"], ":-1\r\n"),
                (&["bitpos", "f", "0", "0", "7", "bit"], ":-1\r\n"),
                (&["bitpos", "f", "0", "2", "5", "bit"], ":-1\r\n"),
                (&["bitpos", "f", "1", "2", "5", "bit"], ":2\r\n"),
                (&["bitpos", "f", "0", "-1", "-1", "byte"], ":-1\r\n"),
                (&["set", "e", ""], "+OK\r\n"),
                (&["bitpos", "e", "0"], ":-1\r\n"),
                (&["bitpos", "e", "1"], ":-1\r\n"),
                (&["bitpos", "e", "0", "0"], ":-1\r\n"),
                (&["bitpos", "e", "0", "0", "-1", "bit"], ":-1\r\n"),
                (&["set", "n", "7"], "+OK\r\n"),
                (&["bitpos", "n", "1"], ":2\r\n"),
                (&["bitpos", "n", "0"], ":0\r\n"),
                (&["lpush", "l", "a"], ":1\r\n"),
                (&["bitpos", "l", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["bitpos", "l", "2"], "-ERR The bit argument must be 1 or 0.\r\n"),
                (&["set", "big", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], "+OK\r\n"),
                (&["bitpos", "big", "0"], ":0\r\n"),
                (&["bitpos", "big", "1", "20"], ":161\r\n"),
                (&["bitpos", "big", "0", "3", "-2"], ":24\r\n"),
                (&["bitpos", "big", "1", "100", "200", "bit"], ":103\r\n"),
                (&["bitpos", "big", "0", "100", "200", "bit"], ":100\r\n"),
                (&["bitpos", "big", "1", "-3", "-1", "bit"], ":631\r\n"),
            ],
        );
    }

    #[test]
    fn bitop() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            &[
                (&["set", "a", "abc"], "+OK\r\n"),
                (&["set", "b", "abcdefghijklmnopqrstuvwxyz0123456789"], "+OK\r\n"),
                (&["set", "c", "1234"], "+OK\r\n"),
                (&["bitop", "and", "d", "a", "b"], ":36\r\n"),
                (&["get", "d"], "$36\r\nabc\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\r\n"),
                (&["object", "encoding", "d"], "$3\r\nraw\r\n"),
                (&["bitop", "or", "d", "a", "b", "c"], ":36\r\n"),
                (&["get", "d"], "$36\r\nqrstefghijklmnopqrstuvwxyz0123456789\r\n"),
                (&["bitop", "xor", "d", "a", "b"], ":36\r\n"),
                (&["strlen", "d"], ":36\r\n"),
                (&["bitop", "not", "d", "a"], ":3\r\n"),
                (&["strlen", "d"], ":3\r\n"),
                (&["bitcount", "d"], ":14\r\n"),
                (
                    &["bitop", "not", "d", "a", "b"],
                    "-ERR BITOP NOT must be called with a single source key.\r\n",
                ),
                (&["bitop", "nand", "d", "a"], "-ERR syntax error\r\n"),
                (&["bitop", "AND", "d", "nokey"], ":0\r\n"),
                (&["exists", "d"], ":0\r\n"),
                (&["bitop", "or", "d", "nokey", "nokey2"], ":0\r\n"),
                (&["exists", "d"], ":0\r\n"),
                (&["set", "d", "x"], "+OK\r\n"),
                (&["expire", "d", "100"], ":1\r\n"),
                (&["bitop", "or", "d", "a"], ":3\r\n"),
                (&["ttl", "d"], ":-1\r\n"),
                (&["bitop", "or", "d", "d", "a"], ":3\r\n"),
                (&["get", "d"], "$3\r\nabc\r\n"),
                (&["lpush", "l", "x"], ":1\r\n"),
                (
                    &["bitop", "and", "d", "a", "l"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["bitop", "and", "d", "l"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (
                    &["bitop", "not", "d", "l"],
                    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                ),
                (&["bitop", "not", "l", "a"], ":3\r\n"),
                (&["type", "l"], "+string\r\n"),
                (&["set", "e", ""], "+OK\r\n"),
                (&["bitop", "or", "d", "e"], ":0\r\n"),
                (&["exists", "d"], ":0\r\n"),
                (&["bitop", "xor", "d", "a", "a"], ":3\r\n"),
                (&["get", "d"], "$3\r\n\0\0\0\r\n"),
                (&["bitop", "and", "d", "a", "a", "b"], ":36\r\n"),
                (&["get", "d"], "$36\r\nabc\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\r\n"),
                (&["bitop", "xor", "d"], "-ERR wrong number of arguments for 'bitop' command\r\n"),
            ],
        );
    }

    #[test]
    fn bitfield() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            &[
                (&["bitfield", "f", "set", "u8", "0", "255"], "*1\r\n:0\r\n"),
                (&["bitfield", "f", "get", "u8", "0"], "*1\r\n:255\r\n"),
                (&["bitfield", "f", "get", "i8", "0", "get", "u4", "0", "get", "u4", "4", "get", "i64", "0", "get", "u63", "0"], "*5\r\n:-1\r\n:15\r\n:15\r\n:-72057594037927936\r\n:9187343239835811840\r\n"),
                (&["bitfield", "f", "incrby", "u8", "0", "1"], "*1\r\n:0\r\n"),
                (&["bitfield", "f", "overflow", "sat", "incrby", "u8", "0", "300", "incrby", "i8", "8", "-200"], "*2\r\n:255\r\n:-128\r\n"),
                (&["bitfield", "f", "overflow", "fail", "incrby", "u8", "0", "1", "get", "u8", "0"], "*2\r\n$-1\r\n:255\r\n"),
                (&["bitfield", "f", "set", "i8", "#1", "-5", "get", "i8", "#1", "get", "u8", "#1"], "*3\r\n:-128\r\n:-5\r\n:251\r\n"),
                (&["bitfield", "f", "set", "i64", "#2", "-1", "get", "i64", "#2", "get", "u63", "#2", "get", "u63", "129"], "*4\r\n:0\r\n:-1\r\n:2305843009213693951\r\n:9223372036854775807\r\n"),
                (&["strlen", "f"], ":24\r\n"),
                (&["object", "encoding", "f"], "$3\r\nraw\r\n"),
                (&["bitfield", "f", "overflow", "wrap", "incrby", "i64", "0", "9223372036854775807", "incrby", "i64", "0", "1"], "*2\r\n:9221964661971222527\r\n:9221964661971222528\r\n"),
                (&["bitfield", "f", "overflow", "sat", "incrby", "i64", "0", "9223372036854775807", "incrby", "i64", "0", "9223372036854775807"], "*2\r\n:9223372036854775807\r\n:9223372036854775807\r\n"),
                (&["bitfield", "f", "overflow", "sat", "incrby", "i64", "0", "-9223372036854775808", "incrby", "i64", "0", "-9223372036854775808"], "*2\r\n:-1\r\n:-9223372036854775808\r\n"),
                (&["bitfield", "f", "overflow", "wrap", "set", "u8", "0", "-1", "overflow", "sat", "set", "u8", "0", "-1", "overflow", "fail", "set", "u8", "0", "-1", "get", "u8", "0"], "*4\r\n:128\r\n:255\r\n$-1\r\n:255\r\n"),
                (&["bitfield", "f", "overflow", "sat", "set", "i8", "0", "200", "set", "i8", "0", "-200", "set", "i1", "0", "1", "set", "i1", "0", "-2", "get", "i1", "0"], "*5\r\n:-1\r\n:127\r\n:-1\r\n:0\r\n:-1\r\n"),
                (&["bitfield", "f", "overflow", "sat", "set", "i63", "0", "-9223372036854775808", "get", "i63", "0"], "*2\r\n:-4611686018427387904\r\n:4611686018427387903\r\n"),
                (&["bitfield", "f", "overflow", "sat", "set", "i62", "0", "-9223372036854775808", "get", "i62", "0"], "*2\r\n:2305843009213693951\r\n:2305843009213693951\r\n"),
                (&["bitfield", "f", "overflow", "sat", "set", "i62", "0", "-5000000000000000000", "get", "i62", "0"], "*2\r\n:2305843009213693951\r\n:-2305843009213693952\r\n"),
                (&["bitfield", "f", "overflow", "wrap", "set", "i63", "0", "-9223372036854775808", "get", "i63", "0"], "*2\r\n:-4611686018427387903\r\n:0\r\n"),
                (&["bitfield", "f", "overflow", "sat", "set", "u63", "0", "-1", "get", "u63", "0"], "*2\r\n:0\r\n:9223372036854775807\r\n"),
                (&["bitfield", "f", "overflow", "wrap", "incrby", "u2", "0", "-5", "get", "u2", "0"], "*2\r\n:2\r\n:2\r\n"),
                (&["bitfield", "f", "overflow", "sat", "incrby", "u2", "0", "-5", "incrby", "u2", "0", "9223372036854775807"], "*2\r\n:0\r\n:3\r\n"),
                (&["bitfield", "f", "overflow", "fail", "incrby", "i8", "0", "1000", "incrby", "u1", "3", "1", "incrby", "u1", "3", "1", "get", "u8", "0"], "*4\r\n$-1\r\n$-1\r\n$-1\r\n:255\r\n"),
                (&["bitfield", "f", "get", "u64", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "i65", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "i0", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "x8", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "I8", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "i", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["bitfield", "f", "get", "i8", "-1"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "#-1"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "#x"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "##1"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "#"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "4294967295"], "*1\r\n:0\r\n"),
                (&["bitfield", "f", "get", "i8", "4294967296"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "#536870911"], "*1\r\n:0\r\n"),
                (&["bitfield", "f", "get", "i8", "#536870912"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i64", "#67108863"], "*1\r\n:0\r\n"),
                (&["bitfield", "f", "get", "i64", "#67108864"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "get", "i8", "#1152921504606846976"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "set", "i8", "0", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitfield", "f", "set", "i8", "0"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "incrby", "i8", "0"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "get", "i8"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "foo"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "overflow"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "overflow", "foo", "get", "i8", "0"], "-ERR Invalid OVERFLOW type specified\r\n"),
                (&["bitfield", "f", "overflow", "FAIL", "get", "i8", "0"], "*1\r\n:-1\r\n"),
                (&["bitfield", "f", "get", "i8", "0", "set", "i8", "0"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "get", "i8", "0", "bad"], "-ERR syntax error\r\n"),
                (&["bitfield", "f", "set", "u8", "0", "1", "get", "u8", "x"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield", "f", "set", "u8", "0", "1", "get", "u9", "0", "set", "i8", "0", "x"], "-ERR value is not an integer or out of range\r\n"),
                (&["bitfield", "f"], "*0\r\n"),
                (&["bitfield", "nokey"], "*0\r\n"),
                (&["exists", "nokey"], ":0\r\n"),
                (&["bitfield", "nokey", "get", "u8", "100"], "*1\r\n:0\r\n"),
                (&["exists", "nokey"], ":0\r\n"),
                (&["bitfield", "nokey", "overflow", "fail", "incrby", "u8", "8", "1000"], "*1\r\n$-1\r\n"),
                (&["exists", "nokey"], ":1\r\n"),
                (&["strlen", "nokey"], ":2\r\n"),
                (&["get", "nokey"], "$2\r\n\0\0\r\n"),
                (&["bitfield_ro", "f", "get", "u8", "0", "get", "i4", "4"], "*2\r\n:255\r\n:-1\r\n"),
                (&["bitfield_ro", "f", "set", "u8", "0", "1"], "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
                (&["bitfield_ro", "f", "incrby", "u8", "0", "1"], "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
                (&["bitfield_ro", "f", "overflow", "sat"], "*0\r\n"),
                (&["bitfield_ro", "f", "get", "u8", "0", "incrby", "u8", "0", "1"], "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
                (&["bitfield_ro", "f", "get", "u8", "x", "incrby", "u8", "0", "1"], "-ERR bit offset is not an integer or out of range\r\n"),
                (&["bitfield_ro", "f"], "*0\r\n"),
                (&["bitfield_ro", "nokey", "get", "u8", "0"], "*1\r\n:0\r\n"),
                (&["lpush", "l", "a"], ":1\r\n"),
                (&["bitfield", "l", "get", "u8", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["bitfield", "l", "set", "u8", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["bitfield", "l"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["bitfield_ro", "l", "get", "u8", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
                (&["bitfield", "l", "get", "x", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
                (&["set", "i", "255"], "+OK\r\n"),
                (&["bitfield", "i", "get", "u8", "0"], "*1\r\n:50\r\n"),
                (&["object", "encoding", "i"], "$3\r\nint\r\n"),
                (&["bitfield", "i", "set", "u8", "0", "50"], "*1\r\n:50\r\n"),
                (&["get", "i"], "$3\r\n255\r\n"),
                (&["object", "encoding", "i"], "$3\r\nraw\r\n"),
                (&["set", "t", "abc"], "+OK\r\n"),
                (&["expire", "t", "100"], ":1\r\n"),
                (&["bitfield", "t", "set", "u8", "0", "120"], "*1\r\n:97\r\n"),
                (&["ttl", "t"], ":100\r\n"),
                (&["get", "t"], "$3\r\nxbc\r\n"),
                (&["bitfield", "t", "set", "u8", "100", "1", "get", "u8", "100"], "*2\r\n:0\r\n:1\r\n"),
                (&["strlen", "t"], ":14\r\n"),
            ],
        );
    }
}

#[test]
fn bitfield_resp3_null_on_fail() {
    let mut ks = Keyspace::new(1);
    check_replies(
        &mut ks,
        NOW_MS,
        Protocol::Resp3,
        &[(
            &["bitfield", "k", "overflow", "fail", "incrby", "u2", "0", "9", "get", "u2", "0"],
            "*2\r\n_\r\n:0\r\n",
        )],
    );
}

#[test]
fn offsets_bounded_by_proto_max_bulk_len() {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig { proto_max_bulk_len_bytes: 4, ..EngineConfig::default() };
    let bad = "-ERR bit offset is not an integer or out of range\r\n";
    check_replies_with(
        &mut ks,
        NOW_MS,
        Protocol::Resp2,
        &cfg,
        &[
            (&["setbit", "k", "31", "1"], ":0\r\n"),
            (&["setbit", "k", "32", "1"], bad),
            (&["getbit", "k", "32"], bad),
            (&["bitfield", "k", "get", "u8", "#4"], bad),
            // The offset is checked, not the end of the field (as Redis).
            (
                &["bitfield", "k", "set", "u8", "#3", "255", "set", "i64", "31", "-1"],
                "*2\r\n:1\r\n:-9223372036854775808\r\n",
            ),
            (&["strlen", "k"], ":12\r\n"),
        ],
    );
}

#[test]
fn bit_helpers_match_a_bit_by_bit_reference() {
    // Every range of a few patterned strings, against a naive count and search.
    let bit = |s: &[u8], i: u64| s[(i / 8) as usize] >> (7 - i % 8) & 1;
    for s in [
        &b"\xff\x00\xf0\x0f\x01\x80\xaa\x55\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00"[..],
        &[0u8; 19][..],
        &[0xffu8; 21][..],
    ] {
        let n = s.len() as u64 * 8;
        for first in 0..n {
            for last in first..n {
                let want: u64 = (first..=last).map(|i| bit(s, i) as u64).sum();
                assert_eq!(super::bitmap::count_bits(s, first, last), want, "{first}..={last}");
                for b in [0, 1] {
                    let want = (first..=last).find(|&i| bit(s, i) == b);
                    assert_eq!(super::bitmap::find_bit(s, first, last, b == 1), want);
                }
            }
        }
    }
}

#[test]
fn bitop_stores_raw_and_drops_ttl() {
    let mut ks = Keyspace::new(1);
    run(&mut ks, NOW_MS, &["set", "d", "v", "ex", "100"]);
    run(&mut ks, NOW_MS, &["set", "a", "1"]);
    assert_eq!(run(&mut ks, NOW_MS, &["bitop", "or", "d", "a"]), b":1\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["ttl", "d"]), b":-1\r\n");
    assert_eq!(run(&mut ks, NOW_MS, &["object", "encoding", "d"]), b"$3\r\nraw\r\n");
}

#[test]
fn command_info_matches_redis() {
    check_command_info(include_str!("testdata/bitmap_command_info.txt"));
}
