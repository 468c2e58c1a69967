//! Tests of the string family: exact reply bytes, errors included, for every
//! command. The sequences in `redis_replies` were run against redis-server 7.0.15
//! and its replies recorded as the expected values.

use super::test_util::{check_replies, run, run_with};
use crate::command::ExecStats;
use crate::config::EngineConfig;
use crate::keyspace::{Keyspace, Value};
use crate::resp::Protocol;

/// The clock of every test, Unix milliseconds.
const NOW_MS: u64 = 1_700_000_000_000;

/// Runs each command in turn and compares its reply with the expected one.
fn check(ks: &mut Keyspace, proto: Protocol, cases: &[(&[&str], &str)]) {
    check_replies(ks, NOW_MS, proto, cases);
}

/// The expiry of `key` in database 0, if it exists.
fn expiry_ms(ks: &mut Keyspace, key: &str) -> Option<Option<u64>> {
    ks.db(0).get(key.as_bytes(), NOW_MS).map(|e| e.expire_at_ms())
}

/// The encoding `OBJECT ENCODING` would report for `key`.
fn encoding(ks: &mut Keyspace, key: &str) -> &'static str {
    ks.db(0).get(key.as_bytes(), NOW_MS).expect("key exists").value.encoding_name()
}

mod redis_replies {
    use super::*;

    #[test]
    fn get_and_set() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["get", "k"], "$-1\r\n"),
                (&["set", "k", "v"], "+OK\r\n"),
                (&["get", "k"], "$1\r\nv\r\n"),
                (&["set", "k", "12345"], "+OK\r\n"),
                (&["get", "k"], "$5\r\n12345\r\n"),
                (&["set", "k", ""], "+OK\r\n"),
                (&["get", "k"], "$0\r\n\r\n"),
                (&["GET", "k"], "$0\r\n\r\n"),
                (&["set", "k", "v", "extra"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "nx", "xx"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "xx", "nx"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "ex", "10", "ex", "20"], "+OK\r\n"),
                (&["set", "k", "v", "ex", "10", "px", "20"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "px", "10", "exat", "20"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "exat", "10", "pxat", "20"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "nx", "nx"], "$-1\r\n"),
                (&["set", "k", "v", "get", "get"], "$1\r\nv\r\n"),
                (&["set", "k", "v", "keepttl", "ex", "10"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "ex", "10", "keepttl"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "keepttl", "keepttl"], "+OK\r\n"),
                (&["set", "k", "v", "ex"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "persist"], "-ERR syntax error\r\n"),
                (&["set", "k", "v", "ex", "0"], "-ERR invalid expire time in 'set' command\r\n"),
                (&["set", "k", "v", "ex", "-1"], "-ERR invalid expire time in 'set' command\r\n"),
                (&["set", "k", "v", "px", "0"], "-ERR invalid expire time in 'set' command\r\n"),
                (&["set", "k", "v", "exat", "0"], "-ERR invalid expire time in 'set' command\r\n"),
                (&["set", "k", "v", "pxat", "-5"], "-ERR invalid expire time in 'set' command\r\n"),
                (
                    &["set", "k", "v", "ex", "abc"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    &["set", "k", "v", "ex", "1.5"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    &["set", "k", "v", "ex", "9223372036854775"],
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    &["set", "k", "v", "ex", "9223372036854776"],
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    &["set", "k", "v", "px", "9223372036854775807"],
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (&["set", "k", "v", "exat", "9223372036854775"], "+OK\r\n"),
                (&["set", "k", "v", "pxat", "9223372036854775807"], "+OK\r\n"),
                (&["set", "k", "v", "EX", "100"], "+OK\r\n"),
                (
                    &["set", "k", "v", "nx", "ex", "abc"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
            ],
        );
    }

    #[test]
    fn set_nx_xx_get() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["set", "k", "v", "nx"], "+OK\r\n"),
                (&["set", "k", "v2", "nx"], "$-1\r\n"),
                (&["get", "k"], "$1\r\nv\r\n"),
                (&["set", "k", "v3", "xx"], "+OK\r\n"),
                (&["get", "k"], "$2\r\nv3\r\n"),
                (&["set", "nk", "v", "xx"], "$-1\r\n"),
                (&["get", "nk"], "$-1\r\n"),
                (&["set", "nk", "v", "xx", "get"], "$-1\r\n"),
                (&["set", "k", "v4", "nx", "get"], "$2\r\nv3\r\n"),
                (&["set", "k", "v5", "xx", "get"], "$2\r\nv3\r\n"),
                (&["set", "k", "v6", "get"], "$2\r\nv5\r\n"),
                (&["set", "new", "v", "get"], "$-1\r\n"),
                (&["set", "new2", "v", "nx", "get"], "$-1\r\n"),
                (&["get", "new2"], "$1\r\nv\r\n"),
                (&["set", "k", "v7", "get", "keepttl"], "$2\r\nv6\r\n"),
                (
                    &["set", "k", "v", "ex", "0", "get"],
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
            ],
        );
    }

    #[test]
    fn setnx_setex_psetex_getset() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["setnx", "k", "v"], ":1\r\n"),
                (&["setnx", "k", "w"], ":0\r\n"),
                (&["get", "k"], "$1\r\nv\r\n"),
                (&["setex", "k", "10", "v2"], "+OK\r\n"),
                (&["setex", "k", "0", "v"], "-ERR invalid expire time in 'setex' command\r\n"),
                (&["setex", "k", "-3", "v"], "-ERR invalid expire time in 'setex' command\r\n"),
                (&["setex", "k", "abc", "v"], "-ERR value is not an integer or out of range\r\n"),
                (
                    &["setex", "k", "9223372036854776", "v"],
                    "-ERR invalid expire time in 'setex' command\r\n",
                ),
                (&["psetex", "k", "0", "v"], "-ERR invalid expire time in 'psetex' command\r\n"),
                (&["psetex", "k", "100000", "v3"], "+OK\r\n"),
                (&["get", "k"], "$2\r\nv3\r\n"),
                (
                    &["psetex", "k", "9223372036854775807", "v"],
                    "-ERR invalid expire time in 'psetex' command\r\n",
                ),
                (&["getset", "k", "v4"], "$2\r\nv3\r\n"),
                (&["getset", "k", "v5"], "$2\r\nv4\r\n"),
                (&["getset", "nokey", "v"], "$-1\r\n"),
                (&["get", "nokey"], "$1\r\nv\r\n"),
                (&["setnx"], "-ERR wrong number of arguments for 'setnx' command\r\n"),
                (&["setex", "k", "10"], "-ERR wrong number of arguments for 'setex' command\r\n"),
            ],
        );
    }

    #[test]
    fn getdel_getex() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["getdel", "nokey"], "$-1\r\n"),
                (&["set", "k", "v"], "+OK\r\n"),
                (&["getdel", "k"], "$1\r\nv\r\n"),
                (&["getdel", "k"], "$-1\r\n"),
                (&["get", "k"], "$-1\r\n"),
                (&["set", "k", "123"], "+OK\r\n"),
                (&["getex", "k"], "$3\r\n123\r\n"),
                (&["getex", "nokey"], "$-1\r\n"),
                (&["getex", "nokey", "ex", "0"], "$-1\r\n"),
                (&["getex", "k", "ex", "0"], "-ERR invalid expire time in 'getex' command\r\n"),
                (&["getex", "k", "ex", "abc"], "-ERR value is not an integer or out of range\r\n"),
                (&["getex", "k", "nx"], "-ERR syntax error\r\n"),
                (&["getex", "k", "persist", "ex", "10"], "-ERR syntax error\r\n"),
                (&["getex", "k", "ex", "10", "persist"], "-ERR syntax error\r\n"),
                (&["getex", "k", "ex", "10", "px", "10"], "-ERR syntax error\r\n"),
                (&["getex", "k", "ex", "10", "ex", "20"], "$3\r\n123\r\n"),
                (&["getex", "k", "keepttl"], "-ERR syntax error\r\n"),
                (&["getex", "k", "get"], "-ERR syntax error\r\n"),
                (&["getex", "k", "ex"], "-ERR syntax error\r\n"),
                (&["getex", "k", "persist"], "$3\r\n123\r\n"),
                (&["getex", "k", "px", "100000"], "$3\r\n123\r\n"),
                (&["getex", "k", "exat", "4102444800"], "$3\r\n123\r\n"),
                (&["getex", "k", "pxat", "4102444800000"], "$3\r\n123\r\n"),
                (&["getex", "k", "exat", "1"], "$3\r\n123\r\n"),
                (&["get", "k"], "$-1\r\n"),
                (&["dbsize"], ":0\r\n"),
            ],
        );
    }

    #[test]
    fn mget_mset_msetnx() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["mset", "a", "1", "b", "2"], "+OK\r\n"),
                (&["mget", "a", "b", "nokey"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"),
                (&["mset", "a", "1", "b"], "-ERR wrong number of arguments for 'mset' command\r\n"),
                (
                    &["mset", "a", "1", "b", "2", "c"],
                    "-ERR wrong number of arguments for 'mset' command\r\n",
                ),
                (&["mset", "a", "x", "a", "y"], "+OK\r\n"),
                (&["get", "a"], "$1\r\ny\r\n"),
                (
                    &["msetnx", "a", "1", "b"],
                    "-ERR wrong number of arguments for 'msetnx' command\r\n",
                ),
                (&["msetnx", "a", "1", "x", "3"], ":0\r\n"),
                (&["get", "x"], "$-1\r\n"),
                (&["msetnx", "x", "9", "y", "4"], ":1\r\n"),
                (&["get", "y"], "$1\r\n4\r\n"),
                (&["msetnx", "y", "1", "y", "2"], ":0\r\n"),
                (&["get", "y"], "$1\r\n4\r\n"),
                (&["msetnx", "p", "1", "p", "2"], ":1\r\n"),
                (&["get", "p"], "$1\r\n2\r\n"),
                (&["mget", "p"], "*1\r\n$1\r\n2\r\n"),
            ],
        );
    }

    #[test]
    fn append_strlen() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["append", "k", "hello"], ":5\r\n"),
                (&["append", "k", " world"], ":11\r\n"),
                (&["get", "k"], "$11\r\nhello world\r\n"),
                (&["strlen", "k"], ":11\r\n"),
                (&["strlen", "nokey"], ":0\r\n"),
                (&["append", "n", "123"], ":3\r\n"),
                (&["append", "n", ""], ":3\r\n"),
                (&["get", "n"], "$3\r\n123\r\n"),
                (&["strlen", "n"], ":3\r\n"),
                (&["set", "i", "-12345"], "+OK\r\n"),
                (&["strlen", "i"], ":6\r\n"),
                (&["append", "i", "6"], ":7\r\n"),
                (&["get", "i"], "$7\r\n-123456\r\n"),
            ],
        );
    }

    #[test]
    fn incr_decr() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["incr", "c"], ":1\r\n"),
                (&["incr", "c"], ":2\r\n"),
                (&["decr", "c"], ":1\r\n"),
                (&["decr", "c"], ":0\r\n"),
                (&["decr", "c"], ":-1\r\n"),
                (&["incrby", "c", "10"], ":9\r\n"),
                (&["incrby", "c", "-20"], ":-11\r\n"),
                (&["decrby", "c", "5"], ":-16\r\n"),
                (&["decrby", "c", "-5"], ":-11\r\n"),
                (&["incrby", "c", "abc"], "-ERR value is not an integer or out of range\r\n"),
                (&["decrby", "c", "1.5"], "-ERR value is not an integer or out of range\r\n"),
                (&["decrby", "c", "-9223372036854775808"], "-ERR decrement would overflow\r\n"),
                (&["incrby", "c", "9223372036854775807"], ":9223372036854775796\r\n"),
                (&["incrby", "c", "-9223372036854775808"], ":-12\r\n"),
                (&["set", "m", "9223372036854775807"], "+OK\r\n"),
                (&["incr", "m"], "-ERR increment or decrement would overflow\r\n"),
                (&["incrby", "m", "0"], ":9223372036854775807\r\n"),
                (&["set", "m", "-9223372036854775808"], "+OK\r\n"),
                (&["decr", "m"], "-ERR increment or decrement would overflow\r\n"),
                (&["decrby", "m", "1"], "-ERR increment or decrement would overflow\r\n"),
                (&["decrby", "m", "-1"], ":-9223372036854775807\r\n"),
                (&["set", "s", " 1"], "+OK\r\n"),
                (&["incr", "s"], "-ERR value is not an integer or out of range\r\n"),
                (&["set", "s", "00"], "+OK\r\n"),
                (&["incr", "s"], "-ERR value is not an integer or out of range\r\n"),
                (&["set", "s", "1.5"], "+OK\r\n"),
                (&["incr", "s"], "-ERR value is not an integer or out of range\r\n"),
                (&["set", "s", "12345678901234567890"], "+OK\r\n"),
                (&["incr", "s"], "-ERR value is not an integer or out of range\r\n"),
                (&["set", "s", "-0"], "+OK\r\n"),
                (&["incr", "s"], "-ERR value is not an integer or out of range\r\n"),
                (&["set", "s", ""], "+OK\r\n"),
                (&["incr", "s"], "-ERR value is not an integer or out of range\r\n"),
                (&["append", "r", "41"], ":2\r\n"),
                (&["incr", "r"], ":42\r\n"),
                (&["get", "r"], "$2\r\n42\r\n"),
                (&["incrby", "newkey", "-9223372036854775808"], ":-9223372036854775808\r\n"),
                (&["get", "newkey"], "$20\r\n-9223372036854775808\r\n"),
            ],
        );
    }

    #[test]
    fn incrbyfloat() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["incrbyfloat", "f", "10.5"], "$4\r\n10.5\r\n"),
                (&["incrbyfloat", "f", "0.1"], "$4\r\n10.6\r\n"),
                (&["get", "f"], "$4\r\n10.6\r\n"),
                (&["set", "f", "1000.1"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0.1"], "$22\r\n1000.19999999999999996\r\n"),
                (&["set", "f", "0.1"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0.1"], "$3\r\n0.2\r\n"),
                (&["incrbyfloat", "f", "0.1"], "$3\r\n0.3\r\n"),
                (&["set", "f", "3.0e3"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0"], "$4\r\n3000\r\n"),
                (&["set", "f", "5.0e3"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0"], "$4\r\n5000\r\n"),
                (&["set", "f", "1"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0x10"], "$2\r\n17\r\n"),
                (&["incrbyfloat", "f", "0x1p4"], "$2\r\n33\r\n"),
                (&["incrbyfloat", "f", "1.e1"], "$2\r\n43\r\n"),
                (&["incrbyfloat", "f", "+.5"], "$4\r\n43.5\r\n"),
                (
                    &["incrbyfloat", "f", "-infinity"],
                    "-ERR increment would produce NaN or Infinity\r\n",
                ),
                (&["incrbyfloat", "f", "inf"], "-ERR increment would produce NaN or Infinity\r\n"),
                (&["incrbyfloat", "f", "nan"], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", " 1"], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", "1 "], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", "1e"], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", "."], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", "abc"], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", "1e5000"], "-ERR value is not a valid float\r\n"),
                (&["incrbyfloat", "f", "1e-400"], "$4\r\n43.5\r\n"),
                (&["get", "f"], "$4\r\n43.5\r\n"),
                (&["set", "f", "1e20"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1.5"], "$21\r\n100000000000000000000\r\n"),
                (&["set", "f", "123456789.123"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1"], "$27\r\n123456790.12299999999959255\r\n"),
                (&["set", "f", "1"], "+OK\r\n"),
                (
                    &["incrbyfloat", "f", "0.3333333333333333333333"],
                    "$19\r\n1.33333333333333333\r\n",
                ),
                (&["set", "f", "17179869184"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1.5"], "$13\r\n17179869185.5\r\n"),
                (&["incrbyfloat", "f", "-1e-30"], "$13\r\n17179869185.5\r\n"),
                (&["set", "f", "-0.00000000000000000001"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0"], "$1\r\n0\r\n"),
                (&["set", "f", "100.01"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0.01"], "$6\r\n100.02\r\n"),
                (&["incrbyfloat", "f", "1.0e1"], "$6\r\n110.02\r\n"),
                (&["incrbyfloat", "f", "-110.02"], "$1\r\n0\r\n"),
                (&["set", "f", "1"], "+OK\r\n"),
                (&["incrbyfloat", "f", "-2.5"], "$4\r\n-1.5\r\n"),
                (&["incrbyfloat", "f", "1e-10"], "$13\r\n-1.4999999999\r\n"),
                (
                    &["incrbyfloat", "f", "12345678.87654321"],
                    "$26\r\n12345677.37654321009995328\r\n",
                ),
                (&["set", "f", "abc"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1"], "-ERR value is not a valid float\r\n"),
                (&["set", "f", "5"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0.024390243902439025"], "$19\r\n5.02439024390243902\r\n"),
                (&["incrbyfloat", "f", "-0.024390243902439025"], "$1\r\n5\r\n"),
                (
                    &["incrbyfloat", "f", "3.14159265358979323846264338327950288419716939937510"],
                    "$19\r\n8.14159265358979324\r\n",
                ),
                (&["set", "f", "0.1"], "+OK\r\n"),
                (&["incrbyfloat", "f", "0.2"], "$3\r\n0.3\r\n"),
                (&["incrbyfloat", "f", "-0.3"], "$1\r\n0\r\n"),
                (&["set", "f", "1e10"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1e-10"], "$11\r\n10000000000\r\n"),
                (&["set", "f", "99999999999999999999"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1"], "$21\r\n100000000000000000000\r\n"),
                (&["set", "f", "1.5e38"], "+OK\r\n"),
                (&["incrbyfloat", "f", "1"], "$39\r\n149999999999999999998968900672898990080\r\n"),
                (&["set", "f", "-7.25"], "+OK\r\n"),
                (&["incrbyfloat", "f", "7.25"], "$1\r\n0\r\n"),
                (&["incrbyfloat", "f", "0x1.8p-3"], "$6\r\n0.1875\r\n"),
            ],
        );
    }

    #[test]
    fn getrange_setrange() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp2,
            &[
                (&["set", "s", "hello"], "+OK\r\n"),
                (&["getrange", "s", "0", "-1"], "$5\r\nhello\r\n"),
                (&["getrange", "s", "0", "-100"], "$1\r\nh\r\n"),
                (&["getrange", "s", "-1", "-5"], "$0\r\n\r\n"),
                (&["getrange", "s", "-100", "-99"], "$1\r\nh\r\n"),
                (&["getrange", "s", "10", "20"], "$0\r\n\r\n"),
                (&["getrange", "s", "4", "100"], "$1\r\no\r\n"),
                (&["getrange", "s", "2", "1"], "$0\r\n\r\n"),
                (&["getrange", "s", "-3", "-1"], "$3\r\nllo\r\n"),
                (&["getrange", "s", "0", "0"], "$1\r\nh\r\n"),
                (&["getrange", "s", "0", "a"], "-ERR value is not an integer or out of range\r\n"),
                (
                    &["getrange", "s", "-9223372036854775808", "9223372036854775807"],
                    "$5\r\nhello\r\n",
                ),
                (
                    &["getrange", "nokey", "a", "1"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (&["getrange", "nokey", "0", "1"], "$0\r\n\r\n"),
                (&["substr", "s", "1", "2"], "$2\r\nel\r\n"),
                (&["set", "i", "12345"], "+OK\r\n"),
                (&["getrange", "i", "1", "2"], "$2\r\n23\r\n"),
                (&["set", "e", ""], "+OK\r\n"),
                (&["getrange", "e", "0", "-1"], "$0\r\n\r\n"),
                (&["setrange", "e", "0", ""], ":0\r\n"),
                (&["setrange", "nk", "0", ""], ":0\r\n"),
                (&["dbsize"], ":3\r\n"),
                (&["setrange", "nk", "-1", "x"], "-ERR offset is out of range\r\n"),
                (
                    &["setrange", "nk", "abc", "x"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (&["setrange", "nk", "3", "x"], ":4\r\n"),
                (&["get", "nk"], "$4\r\n\x00\x00\x00x\r\n"),
                (&["setrange", "s", "1", "EL"], ":5\r\n"),
                (&["get", "s"], "$5\r\nhELlo\r\n"),
                (&["setrange", "s", "7", "!!"], ":9\r\n"),
                (&["get", "s"], "$9\r\nhELlo\x00\x00!!\r\n"),
                (&["setrange", "s", "0", ""], ":9\r\n"),
                (&["setrange", "i", "0", "9"], ":5\r\n"),
                (&["get", "i"], "$5\r\n92345\r\n"),
            ],
        );
    }

    #[test]
    fn lcs() {
        let mut ks = Keyspace::new(1);
        check(&mut ks, Protocol::Resp2, &[
            (&["mset", "key1", "ohmytext", "key2", "mynewtext"], "+OK\r\n"),
            (&["lcs", "key1", "key2"], "$6\r\nmytext\r\n"),
            (&["lcs", "key1", "key2", "len"], ":6\r\n"),
            (&["lcs", "key1", "key2", "LEN"], ":6\r\n"),
            (&["lcs", "key1", "key2", "idx"], "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"),
            (&["lcs", "key1", "key2", "idx", "minmatchlen", "4"], "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n"),
            (&["lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"], "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n"),
            (&["lcs", "key1", "key2", "idx", "withmatchlen"], "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n"),
            (&["lcs", "key1", "key2", "withmatchlen"], "$6\r\nmytext\r\n"),
            (&["lcs", "key1", "key2", "idx", "len"], "-ERR If you want both the length and indexes, please just use IDX.\r\n"),
            (&["lcs", "key1", "key2", "len", "idx"], "-ERR If you want both the length and indexes, please just use IDX.\r\n"),
            (&["lcs", "key1", "key2", "minmatchlen"], "-ERR syntax error\r\n"),
            (&["lcs", "key1", "key2", "minmatchlen", "x"], "-ERR value is not an integer or out of range\r\n"),
            (&["lcs", "key1", "key2", "minmatchlen", "-5", "idx"], "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"),
            (&["lcs", "key1", "key2", "foo"], "-ERR syntax error\r\n"),
            (&["lcs", "key1", "nokey"], "$0\r\n\r\n"),
            (&["lcs", "key1", "nokey", "idx"], "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"),
            (&["lcs", "nokey", "nokey2", "len"], ":0\r\n"),
            (&["lcs", "key1", "key1", "idx", "withmatchlen"], "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n"),
            (&["mset", "a", "abcdefg", "b", "xabxcdxxefxg"], "+OK\r\n"),
            (&["lcs", "a", "b", "idx", "withmatchlen"], "*4\r\n$7\r\nmatches\r\n*4\r\n*3\r\n*2\r\n:6\r\n:6\r\n*2\r\n:11\r\n:11\r\n:1\r\n*3\r\n*2\r\n:4\r\n:5\r\n*2\r\n:8\r\n:9\r\n:2\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:4\r\n:5\r\n:2\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:1\r\n:2\r\n:2\r\n$3\r\nlen\r\n:7\r\n"),
            (&["lcs", "b", "a", "idx"], "*4\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:11\r\n:11\r\n*2\r\n:6\r\n:6\r\n*2\r\n*2\r\n:8\r\n:9\r\n*2\r\n:4\r\n:5\r\n*2\r\n*2\r\n:4\r\n:5\r\n*2\r\n:2\r\n:3\r\n*2\r\n*2\r\n:1\r\n:2\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:7\r\n"),
            (&["lcs", "a", "b"], "$7\r\nabcdefg\r\n"),
            (&["mset", "n1", "12345", "n2", "2x4"], "+OK\r\n"),
            (&["lcs", "n1", "n2", "idx"], "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:3\r\n:3\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:2\r\n"),
        ]);
    }

    #[test]
    fn resp3_nulls() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp3,
            &[
                (&["get", "nokey"], "_\r\n"),
                (&["set", "k", "v", "nx"], "+OK\r\n"),
                (&["set", "k", "v", "nx"], "_\r\n"),
                (&["set", "k", "v2", "xx", "get"], "$1\r\nv\r\n"),
                (&["set", "nk", "v", "xx", "get"], "_\r\n"),
                (&["mget", "k", "nokey"], "*2\r\n$2\r\nv2\r\n_\r\n"),
                (&["getdel", "nokey"], "_\r\n"),
                (&["getex", "nokey"], "_\r\n"),
                (&["getset", "nokey2", "v"], "_\r\n"),
                (&["lcs", "k", "nokey", "idx"], "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"),
                (&["incrbyfloat", "fl", "1.5"], "$3\r\n1.5\r\n"),
            ],
        );
    }
}

#[test]
fn arity_is_checked_before_running() {
    let mut ks = Keyspace::new(1);
    assert_eq!(
        run(&mut ks, NOW_MS, &["get"]),
        b"-ERR wrong number of arguments for 'get' command\r\n"
    );
    assert_eq!(
        run(&mut ks, NOW_MS, &["lcs", "a"]),
        b"-ERR wrong number of arguments for 'lcs' command\r\n"
    );
    assert_eq!(
        run(&mut ks, NOW_MS, &["getex"]),
        b"-ERR wrong number of arguments for 'getex' command\r\n"
    );
}

#[test]
fn encodings_follow_redis() {
    let mut ks = Keyspace::new(1);
    let long = "x".repeat(45);
    for args in [
        &["set", "int", "-12345"][..],
        &["set", "emb", "0123"],
        &["set", "raw", &long],
        &["append", "app", "123"],
        &["set", "app2", "1"],
        &["append", "app2", ""],
        &["setrange", "sr", "2", "x"],
        &["set", "sr2", "abc"],
        &["setrange", "sr2", "0", ""],
        &["set", "sr3", "abc"],
        &["setrange", "sr3", "0", "x"],
        &["set", "n", "abc"],
        &["set", "n", "5"],
        &["incr", "n"],
        &["append", "r", "7"],
        &["append", "r", "0"],
        &["incr", "r"],
        &["set", "f", "3.0e3"],
        &["incrbyfloat", "f", "0"],
    ] {
        run(&mut ks, NOW_MS, args);
    }
    let want = [
        ("int", "int"),
        ("emb", "embstr"),
        ("raw", "raw"),
        ("app", "int"),
        ("app2", "raw"),
        ("sr", "raw"),
        ("sr2", "embstr"),
        ("sr3", "raw"),
        ("n", "int"),
        ("r", "int"),
        ("f", "embstr"),
    ];
    for (key, enc) in want {
        assert_eq!(encoding(&mut ks, key), enc, "{key}");
    }
    assert_eq!(ks.db(0).get(b"r", NOW_MS).unwrap().value, Value::Int(71));
}

#[test]
fn ttl_is_set_kept_and_dropped_like_redis() {
    let mut ks = Keyspace::new(1);
    let ok = |ks: &mut Keyspace, args: &[&str]| run(ks, NOW_MS, args);
    ok(&mut ks, &["set", "k", "v", "ex", "10"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(NOW_MS + 10_000)));
    ok(&mut ks, &["set", "k", "v", "px", "10"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(NOW_MS + 10)));
    ok(&mut ks, &["set", "k", "v", "exat", "4102444800"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(4_102_444_800_000)));
    ok(&mut ks, &["set", "k", "v2", "keepttl"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(4_102_444_800_000)));
    // In-place edits keep the TTL.
    for args in [&["append", "k", "x"][..], &["setrange", "k", "0", "y"]] {
        ok(&mut ks, args);
        assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(4_102_444_800_000)));
    }
    ok(&mut ks, &["set", "c", "1", "pxat", "4102444800000"]);
    for args in [&["incr", "c"][..], &["decrby", "c", "3"], &["incrbyfloat", "c", "1.5"]] {
        ok(&mut ks, args);
        assert_eq!(expiry_ms(&mut ks, "c"), Some(Some(4_102_444_800_000)));
    }
    // Whole-value writes drop it.
    ok(&mut ks, &["set", "k", "v"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(None));
    ok(&mut ks, &["setex", "k", "5", "v"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(NOW_MS + 5000)));
    ok(&mut ks, &["getset", "k", "w"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(None));
    ok(&mut ks, &["psetex", "k", "5", "v"]);
    ok(&mut ks, &["mset", "k", "v"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(None));
    // GETEX sets and removes it.
    ok(&mut ks, &["getex", "k", "ex", "7"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(NOW_MS + 7000)));
    ok(&mut ks, &["getex", "k"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(Some(NOW_MS + 7000)));
    ok(&mut ks, &["getex", "k", "persist"]);
    assert_eq!(expiry_ms(&mut ks, "k"), Some(None));
    // A past EXAT: SET stores the key already expired; GETEX deletes it.
    assert_eq!(ok(&mut ks, &["set", "p", "v", "exat", "1"]), b"+OK\r\n");
    assert_eq!(ks.db(0).len(), 3);
    assert_eq!(ok(&mut ks, &["get", "p"]), b"$-1\r\n");
    assert_eq!(ks.db(0).len(), 2);
    assert_eq!(ok(&mut ks, &["getex", "k", "pxat", &NOW_MS.to_string()]), b"$1\r\nv\r\n");
    assert_eq!(expiry_ms(&mut ks, "k"), None);
    // An expired key counts as absent for NX, XX and MSETNX.
    ok(&mut ks, &["set", "e", "v", "px", "1"]);
    let later = NOW_MS + 2;
    assert_eq!(run(&mut ks, later, &["set", "e", "w", "xx"]), b"$-1\r\n");
    ok(&mut ks, &["set", "e", "v", "px", "1"]);
    assert_eq!(run(&mut ks, later, &["msetnx", "e", "w"]), b":1\r\n");
}

#[test]
fn reads_count_keyspace_hits_and_misses() {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig::default();
    let mut stats = ExecStats::default();
    let mut go = |ks: &mut Keyspace, args: &[&str]| {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        run_with(ks, NOW_MS, Protocol::Resp2, &cfg, &mut stats, &args);
    };
    go(&mut ks, &["set", "a", "1"]);
    go(&mut ks, &["get", "a"]); // hit
    go(&mut ks, &["get", "b"]); // miss
    go(&mut ks, &["mget", "a", "b", "a"]); // 2 hits, 1 miss
    go(&mut ks, &["strlen", "b"]); // miss
    go(&mut ks, &["getrange", "a", "0", "1"]); // hit
    go(&mut ks, &["lcs", "a", "b"]); // hit, miss
    go(&mut ks, &["set", "a", "2", "get"]); // hit
    go(&mut ks, &["getex", "b"]); // miss
    go(&mut ks, &["getdel", "b"]); // miss
                                   // Write lookups do not count.
    go(&mut ks, &["incr", "a"]);
    go(&mut ks, &["append", "a", "x"]);
    go(&mut ks, &["setnx", "a", "x"]);
    go(&mut ks, &["set", "b", "x"]);
    assert_eq!((stats.keyspace_hits, stats.keyspace_misses), (6, 6));
}

#[test]
fn strings_cannot_exceed_proto_max_bulk_len() {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig { proto_max_bulk_len_bytes: 10, ..Default::default() };
    let mut go = |args: &[&str]| {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        String::from_utf8(run_with(
            &mut ks,
            NOW_MS,
            Protocol::Resp2,
            &cfg,
            &mut ExecStats::default(),
            &args,
        ))
        .unwrap()
    };
    const TOO_BIG: &str = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    assert_eq!(go(&["setrange", "k", "9", "x"]), ":10\r\n");
    assert_eq!(go(&["setrange", "k", "10", "x"]), TOO_BIG);
    assert_eq!(go(&["setrange", "n", "10", "x"]), TOO_BIG);
    assert_eq!(go(&["setrange", "n", "9223372036854775807", "x"]), TOO_BIG);
    assert_eq!(go(&["append", "k", "x"]), TOO_BIG);
    assert_eq!(go(&["set", "s", "abcde"]), "+OK\r\n");
    assert_eq!(go(&["append", "s", "fghij"]), ":10\r\n");
    // LCS refuses a table larger than the limit: (1+1)*(10+1)*4 bytes here.
    assert_eq!(go(&["set", "a", "x"]), "+OK\r\n");
    assert_eq!(
        go(&["lcs", "a", "s"]),
        "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n"
    );
}

#[test]
fn binary_values_round_trip() {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig::default();
    let mut go = |args: &[&[u8]]| {
        run_with(&mut ks, NOW_MS, Protocol::Resp2, &cfg, &mut ExecStats::default(), args)
    };
    assert_eq!(go(&[b"set", b"k\xff", b"\x00\r\n\xfe"]), b"+OK\r\n");
    assert_eq!(go(&[b"get", b"k\xff"]), b"$4\r\n\x00\r\n\xfe\r\n");
    assert_eq!(go(&[b"getrange", b"k\xff", b"1", b"2"]), b"$2\r\n\r\n\r\n");
    assert_eq!(go(&[b"incrbyfloat", b"k\xff", b"1"]), b"-ERR value is not a valid float\r\n");
    assert_eq!(go(&[b"incrbyfloat", b"x", b"1\xff"]), b"-ERR value is not a valid float\r\n");
    assert_eq!(go(&[b"set", b"k", b"v", b"e\xffx", b"1"]), b"-ERR syntax error\r\n");
}
