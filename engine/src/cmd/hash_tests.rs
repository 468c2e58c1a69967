//! Tests of the hash family: exact reply bytes, errors included, for every
//! command, encodings and their conversions, and the properties of the random
//! and scanning commands. The sequences in `redis_replies` were run against
//! redis-server 7.0.15 and its replies recorded as the expected values.

use super::test_util::{check_replies_with, run_with};
use crate::command::ExecStats;
use crate::config::EngineConfig;
use crate::keyspace::{Keyspace, Value};
use crate::resp::Protocol;
use std::collections::{HashMap, HashSet};

/// The clock of every test, Unix milliseconds.
const NOW_MS: u64 = 1_700_000_000_000;

/// Runs `args` and returns the reply bytes.
fn exec(ks: &mut Keyspace, proto: Protocol, cfg: &EngineConfig, args: &[&str]) -> Vec<u8> {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    run_with(ks, NOW_MS, proto, cfg, &mut ExecStats::default(), &args)
}

/// Runs each command in turn and compares its reply with the expected one.
fn check(ks: &mut Keyspace, proto: Protocol, cfg: &EngineConfig, cases: &[(&[&str], &str)]) {
    check_replies_with(ks, NOW_MS, proto, cfg, cases);
}

mod redis_replies {
    use super::*;

    #[test]
    fn commands_errors_and_wrongtype() {
        let mut ks = Keyspace::new(1);
        check(&mut ks, Protocol::Resp2, &EngineConfig::default(), &[
        (&["hset", "h", "a", "1", "b", "2"], ":2\r\n"),
        (&["hset", "h", "a", "10", "c", "3"], ":1\r\n"),
        (&["hset", "h"], "-ERR wrong number of arguments for 'hset' command\r\n"),
        (&["hset", "h", "a"], "-ERR wrong number of arguments for 'hset' command\r\n"),
        (&["hset", "h", "a", "1", "b"], "-ERR wrong number of arguments for 'hset' command\r\n"),
        (&["hmset", "h", "a", "1", "b"], "-ERR wrong number of arguments for 'hmset' command\r\n"),
        (&["hmset", "h", "d", "4"], "+OK\r\n"),
        (&["hsetnx", "h", "a", "x"], ":0\r\n"),
        (&["hsetnx", "h", "e", "5"], ":1\r\n"),
        (&["hget", "h", "a"], "$2\r\n10\r\n"),
        (&["hget", "h", "zz"], "$-1\r\n"),
        (&["hget", "nokey", "a"], "$-1\r\n"),
        (&["hmget", "h", "a", "zz", "b"], "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n2\r\n"),
        (&["hmget", "nokey", "a", "b"], "*2\r\n$-1\r\n$-1\r\n"),
        (&["hlen", "h"], ":5\r\n"),
        (&["hlen", "nokey"], ":0\r\n"),
        (&["hstrlen", "h", "a"], ":2\r\n"),
        (&["hstrlen", "h", "zz"], ":0\r\n"),
        (&["hstrlen", "nokey", "a"], ":0\r\n"),
        (&["hexists", "h", "a"], ":1\r\n"),
        (&["hexists", "h", "zz"], ":0\r\n"),
        (&["hexists", "nokey", "a"], ":0\r\n"),
        (&["hkeys", "h"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
        (&["hvals", "h"], "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"),
        (&["hgetall", "h"], "*10\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"),
        (&["hkeys", "nokey"], "*0\r\n"),
        (&["hvals", "nokey"], "*0\r\n"),
        (&["hgetall", "nokey"], "*0\r\n"),
        (&["hdel", "h", "a", "zz"], ":1\r\n"),
        (&["hdel", "h", "a"], ":0\r\n"),
        (&["hdel", "nokey", "a"], ":0\r\n"),
        (&["hdel", "h", "b", "c", "d", "e"], ":4\r\n"),
        (&["exists", "h"], ":0\r\n"),
        (&["set", "s", "x"], "+OK\r\n"),
        (&["hset", "s", "a", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hsetnx", "s", "a", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hmset", "s", "a", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hget", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hmget", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hlen", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hstrlen", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hexists", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hkeys", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hvals", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hgetall", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hdel", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hincrby", "s", "a", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hincrbyfloat", "s", "a", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hrandfield", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hrandfield", "s", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hscan", "s", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["hincrby", "h", "n", "5"], ":5\r\n"),
        (&["hincrby", "h", "n", "-7"], ":-2\r\n"),
        (&["hincrby", "h", "n", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["hincrby", "h", "n", "9223372036854775807"], ":9223372036854775805\r\n"),
        (&["hincrby", "h", "n", "1.5"], "-ERR value is not an integer or out of range\r\n"),
        (&["hset", "h", "str", "abc", "big", "9223372036854775807", "neg", "-9223372036854775808", "sp", " 1", "lz", "01"], ":5\r\n"),
        (&["hincrby", "h", "str", "1"], "-ERR hash value is not an integer\r\n"),
        (&["hincrby", "h", "big", "1"], "-ERR increment or decrement would overflow\r\n"),
        (&["hincrby", "h", "neg", "-1"], "-ERR increment or decrement would overflow\r\n"),
        (&["hincrby", "h", "sp", "1"], "-ERR hash value is not an integer\r\n"),
        (&["hincrby", "h", "lz", "1"], "-ERR hash value is not an integer\r\n"),
        (&["hincrby", "h", "big", "-9223372036854775807"], ":0\r\n"),
        (&["hincrbyfloat", "h", "f", "1.5"], "$3\r\n1.5\r\n"),
        (&["hincrbyfloat", "h", "f", "0.1"], "$3\r\n1.6\r\n"),
        (&["hincrbyfloat", "h", "f", "-1.6"], "$1\r\n0\r\n"),
        (&["hincrbyfloat", "h", "f", "abc"], "-ERR value is not a valid float\r\n"),
        (&["hincrbyfloat", "h", "f", "inf"], "-ERR value is NaN or Infinity\r\n"),
        (&["hincrbyfloat", "h", "f", "-inf"], "-ERR value is NaN or Infinity\r\n"),
        (&["hincrbyfloat", "h", "f", "nan"], "-ERR value is not a valid float\r\n"),
        (&["hincrbyfloat", "fl", "f", "1e400"], "$401\r\n10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880\r\n"),
        (&["object", "encoding", "fl"], "$9\r\nhashtable\r\n"),
        (&["hincrbyfloat", "h", "str", "1"], "-ERR hash value is not a float\r\n"),
        (&["hincrbyfloat", "h", "lz", "1"], "$1\r\n2\r\n"),
        (&["hincrbyfloat", "h", "sp", "1"], "-ERR hash value is not a float\r\n"),
        (&["hset", "h", "i", "inf"], ":1\r\n"),
        (&["hincrbyfloat", "h", "i", "1"], "-ERR increment would produce NaN or Infinity\r\n"),
        (&["hincrbyfloat", "fl", "g", "1e308"], "$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n"),
        (&["hincrbyfloat", "fl", "g", "1e308"], "$309\r\n199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096\r\n"),
        (&["hincrbyfloat", "h", "n", "0x10"], "$19\r\n9223372036854775821\r\n"),
        (&["hincrbyfloat", "h", "n", "1e-3"], "$19\r\n9223372036854775821\r\n"),
        (&["hgetall", "h"], "*16\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nstr\r\n$3\r\nabc\r\n$3\r\nbig\r\n$1\r\n0\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n$2\r\nsp\r\n$2\r\n 1\r\n$2\r\nlz\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\ninf\r\n"),
        (&["hrandfield", "nokey"], "$-1\r\n"),
        (&["hrandfield", "nokey", "3"], "*0\r\n"),
        (&["hrandfield", "nokey", "0"], "*0\r\n"),
        (&["hrandfield", "nokey", "-3", "withvalues"], "*0\r\n"),
        (&["hrandfield", "nokey", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["hrandfield", "h", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["hrandfield", "h", "1", "foo"], "-ERR syntax error\r\n"),
        (&["hrandfield", "h", "1", "withvalues", "x"], "-ERR syntax error\r\n"),
        (&["hrandfield", "h", "-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
        (&["hrandfield", "h", "4611686018427387904", "withvalues"], "-ERR value is out of range\r\n"),
        (&["hrandfield", "h", "-4611686018427387904", "withvalues"], "-ERR value is out of range\r\n"),
        (&["hrandfield", "h", "4611686018427387903", "withvalues"], "*16\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nstr\r\n$3\r\nabc\r\n$3\r\nbig\r\n$1\r\n0\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n$2\r\nsp\r\n$2\r\n 1\r\n$2\r\nlz\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\ninf\r\n"),
        (&["hrandfield", "h", "0"], "*0\r\n"),
        (&["hrandfield", "h", "0", "withvalues"], "*0\r\n"),
        (&["hrandfield", "h", "100"], "*8\r\n$1\r\nn\r\n$3\r\nstr\r\n$3\r\nbig\r\n$3\r\nneg\r\n$2\r\nsp\r\n$2\r\nlz\r\n$1\r\nf\r\n$1\r\ni\r\n"),
        (&["hrandfield", "h", "100", "WITHVALUES"], "*16\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nstr\r\n$3\r\nabc\r\n$3\r\nbig\r\n$1\r\n0\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n$2\r\nsp\r\n$2\r\n 1\r\n$2\r\nlz\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\ninf\r\n"),
        (&["hscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"),
        (&["hscan", "nokey", "x"], "-ERR invalid cursor\r\n"),
        (&["hscan", "nokey", "0", "foo"], "*2\r\n$1\r\n0\r\n*0\r\n"),
        (&["hscan", "h", "x"], "-ERR invalid cursor\r\n"),
        (&["hscan", "h", "-1"], "*2\r\n$1\r\n0\r\n*16\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nstr\r\n$3\r\nabc\r\n$3\r\nbig\r\n$1\r\n0\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n$2\r\nsp\r\n$2\r\n 1\r\n$2\r\nlz\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\ninf\r\n"),
        (&["hscan", "h", "0", "foo"], "-ERR syntax error\r\n"),
        (&["hscan", "h", "0", "type", "hash"], "-ERR syntax error\r\n"),
        (&["hscan", "h", "0", "count", "0"], "-ERR syntax error\r\n"),
        (&["hscan", "h", "0", "count", "x"], "-ERR value is not an integer or out of range\r\n"),
        (&["hscan", "h", "0", "count"], "-ERR syntax error\r\n"),
        (&["hscan", "h", "0", "match"], "-ERR syntax error\r\n"),
        (&["hscan", "h", "0"], "*2\r\n$1\r\n0\r\n*16\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nstr\r\n$3\r\nabc\r\n$3\r\nbig\r\n$1\r\n0\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n$2\r\nsp\r\n$2\r\n 1\r\n$2\r\nlz\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\ninf\r\n"),
        (&["hscan", "h", "0", "match", "n*"], "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n"),
        (&["hscan", "h", "0", "match", "*"], "*2\r\n$1\r\n0\r\n*16\r\n$1\r\nn\r\n$19\r\n9223372036854775821\r\n$3\r\nstr\r\n$3\r\nabc\r\n$3\r\nbig\r\n$1\r\n0\r\n$3\r\nneg\r\n$20\r\n-9223372036854775808\r\n$2\r\nsp\r\n$2\r\n 1\r\n$2\r\nlz\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ni\r\n$3\r\ninf\r\n"),
        (&["hscan", "h", "0", "MATCH", "[a-h]*", "COUNT", "1"], "*2\r\n$1\r\n0\r\n*4\r\n$3\r\nbig\r\n$1\r\n0\r\n$1\r\nf\r\n$1\r\n0\r\n"),
        (&["hscan", "h", "0", "match", "*s*"], "*2\r\n$1\r\n0\r\n*4\r\n$3\r\nstr\r\n$3\r\nabc\r\n$2\r\nsp\r\n$2\r\n 1\r\n"),
        (&["object", "encoding", "h"], "$8\r\nlistpack\r\n"),
        ]);
    }

    #[test]
    fn conversions_at_the_limits() {
        let mut ks = Keyspace::new(1);
        let cfg = EngineConfig {
            hash_max_listpack_entries: 4,
            hash_max_listpack_value_bytes: 8,
            ..Default::default()
        };
        check(
            &mut ks,
            Protocol::Resp2,
            &cfg,
            &[
                (&["hset", "a", "f1", "1", "f2", "2", "f3", "3", "f4", "4"], ":4\r\n"),
                (&["object", "encoding", "a"], "$8\r\nlistpack\r\n"),
                (&["hset", "a", "f4", "44"], ":0\r\n"),
                (&["object", "encoding", "a"], "$8\r\nlistpack\r\n"),
                (&["hset", "a", "f5", "5"], ":1\r\n"),
                (&["object", "encoding", "a"], "$9\r\nhashtable\r\n"),
                (&["hdel", "a", "f1", "f2", "f3", "f4"], ":4\r\n"),
                (&["object", "encoding", "a"], "$9\r\nhashtable\r\n"),
                (&["hgetall", "a"], "*2\r\n$2\r\nf5\r\n$1\r\n5\r\n"),
                (&["hset", "b", "12345678", "v"], ":1\r\n"),
                (&["object", "encoding", "b"], "$8\r\nlistpack\r\n"),
                (&["hset", "b", "123456789", "v"], ":1\r\n"),
                (&["object", "encoding", "b"], "$9\r\nhashtable\r\n"),
                (&["hset", "c", "f", "12345678"], ":1\r\n"),
                (&["object", "encoding", "c"], "$8\r\nlistpack\r\n"),
                (&["hset", "c", "f", "123456789"], ":0\r\n"),
                (&["object", "encoding", "c"], "$9\r\nhashtable\r\n"),
                (&["hsetnx", "d", "f", "123456789"], ":1\r\n"),
                (&["object", "encoding", "d"], "$9\r\nhashtable\r\n"),
                (&["hincrby", "e", "123456789", "1"], ":1\r\n"),
                (&["object", "encoding", "e"], "$9\r\nhashtable\r\n"),
                (&["hincrby", "e2", "f", "123456789"], ":123456789\r\n"),
                (&["object", "encoding", "e2"], "$9\r\nhashtable\r\n"),
                (&["hincrbyfloat", "e3", "f", "1234567.5"], "$9\r\n1234567.5\r\n"),
                (&["object", "encoding", "e3"], "$9\r\nhashtable\r\n"),
                (&["hset", "g", "x", "1", "y", "123456789"], ":2\r\n"),
                (&["object", "encoding", "g"], "$9\r\nhashtable\r\n"),
                (&["hset", "h2", "f1", "1", "f2", "2", "f3", "3", "f4", "4", "f5", "5"], ":5\r\n"),
                (&["object", "encoding", "h2"], "$9\r\nhashtable\r\n"),
                (&["hset", "i", "12345678901234567890", "1"], ":1\r\n"),
                (&["object", "encoding", "i"], "$9\r\nhashtable\r\n"),
            ],
        );
    }

    #[test]
    fn lowered_entry_limit_converts_on_update() {
        let mut ks = Keyspace::new(1);
        let mut cfg = EngineConfig::default();
        check(
            &mut ks,
            Protocol::Resp2,
            &cfg,
            &[
                (&["hset", "big", "f1", "1", "f2", "2", "f3", "3", "f4", "4", "f5", "5"], ":5\r\n"),
                (&["object", "encoding", "big"], "$8\r\nlistpack\r\n"),
            ],
        );
        cfg.hash_max_listpack_entries = 4;
        check(
            &mut ks,
            Protocol::Resp2,
            &cfg,
            &[
                (&["hset", "big", "f1", "9"], ":0\r\n"),
                (&["object", "encoding", "big"], "$9\r\nhashtable\r\n"),
            ],
        );
    }

    #[test]
    fn resp3_replies() {
        let mut ks = Keyspace::new(1);
        check(
            &mut ks,
            Protocol::Resp3,
            &EngineConfig::default(),
            &[
                (&["hset", "h", "a", "1", "b", "2"], ":2\r\n"),
                (&["hgetall", "h"], "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
                (&["hgetall", "nokey"], "%0\r\n"),
                (&["hkeys", "nokey"], "*0\r\n"),
                (&["hget", "nokey", "a"], "_\r\n"),
                (&["hmget", "nokey", "a"], "*1\r\n_\r\n"),
                (&["hrandfield", "nokey"], "_\r\n"),
                (&["hrandfield", "nokey", "2"], "*0\r\n"),
                (&["hrandfield", "nokey", "2", "withvalues"], "*0\r\n"),
                (
                    &["hrandfield", "h", "5", "withvalues"],
                    "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                ),
                (
                    &["hrandfield", "h", "2", "withvalues"],
                    "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                ),
                (&["hrandfield", "h", "5"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
                (
                    &["hscan", "h", "0"],
                    "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
                ),
                (&["hincrbyfloat", "h", "a", "1.5"], "$3\r\n2.5\r\n"),
                (&["hscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"),
            ],
        );
    }
}

/// COMMAND INFO and COMMAND DOCS of every hash command, as Redis 7.0.15 replies.
#[test]
fn command_info_and_docs_like_redis() {
    let cases: &[(&[&str], &str)] = &[
        (&["command", "info", "hset"], "*1\r\n*10\r\n$4\r\nhset\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hset"], "*2\r\n$4\r\nhset\r\n*12\r\n$7\r\nsummary\r\n$36\r\nSet the string value of a hash field\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$132\r\nO(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n4.0.0\r\n$47\r\nAccepts multiple `field` and `value` arguments.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$11\r\nfield_value\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"),
        (&["command", "info", "hsetnx"], "*1\r\n*10\r\n$6\r\nhsetnx\r\n:4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hsetnx"], "*2\r\n$6\r\nhsetnx\r\n*10\r\n$7\r\nsummary\r\n$63\r\nSet the value of a hash field, only if the field does not exist\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"),
        (&["command", "info", "hget"], "*1\r\n*10\r\n$4\r\nhget\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hget"], "*2\r\n$4\r\nhget\r\n*10\r\n$7\r\nsummary\r\n$29\r\nGet the value of a hash field\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n"),
        (&["command", "info", "hmset"], "*1\r\n*10\r\n$5\r\nhmset\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hmset"], "*2\r\n$5\r\nhmset\r\n*16\r\n$7\r\nsummary\r\n$43\r\nSet multiple hash fields to multiple values\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$47\r\nO(N) where N is the number of fields being set.\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n4.0.0\r\n$11\r\nreplaced_by\r\n$38\r\n`HSET` with multiple field-value pairs\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$11\r\nfield_value\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n"),
        (&["command", "info", "hmget"], "*1\r\n*10\r\n$5\r\nhmget\r\n:-3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hmget"], "*2\r\n$5\r\nhmget\r\n*10\r\n$7\r\nsummary\r\n$43\r\nGet the values of all the given hash fields\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$53\r\nO(N) where N is the number of fields being requested.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n"),
        (&["command", "info", "hdel"], "*1\r\n*10\r\n$4\r\nhdel\r\n:-3\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hdel"], "*2\r\n$4\r\nhdel\r\n*12\r\n$7\r\nsummary\r\n$30\r\nDelete one or more hash fields\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$51\r\nO(N) where N is the number of fields to be removed.\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n2.4.0\r\n$35\r\nAccepts multiple `field` arguments.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n"),
        (&["command", "info", "hlen"], "*1\r\n*10\r\n$4\r\nhlen\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hlen"], "*2\r\n$4\r\nhlen\r\n*10\r\n$7\r\nsummary\r\n$34\r\nGet the number of fields in a hash\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"),
        (&["command", "info", "hstrlen"], "*1\r\n*10\r\n$7\r\nhstrlen\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hstrlen"], "*2\r\n$7\r\nhstrlen\r\n*10\r\n$7\r\nsummary\r\n$43\r\nGet the length of the value of a hash field\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n"),
        (&["command", "info", "hexists"], "*1\r\n*10\r\n$7\r\nhexists\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hexists"], "*2\r\n$7\r\nhexists\r\n*10\r\n$7\r\nsummary\r\n$32\r\nDetermine if a hash field exists\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n"),
        (&["command", "info", "hkeys"], "*1\r\n*10\r\n$5\r\nhkeys\r\n:2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hkeys"], "*2\r\n$5\r\nhkeys\r\n*10\r\n$7\r\nsummary\r\n$28\r\nGet all the fields in a hash\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$37\r\nO(N) where N is the size of the hash.\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"),
        (&["command", "info", "hvals"], "*1\r\n*10\r\n$5\r\nhvals\r\n:2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hvals"], "*2\r\n$5\r\nhvals\r\n*10\r\n$7\r\nsummary\r\n$28\r\nGet all the values in a hash\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$37\r\nO(N) where N is the size of the hash.\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"),
        (&["command", "info", "hgetall"], "*1\r\n*10\r\n$7\r\nhgetall\r\n:2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@slow\r\n*1\r\n$29\r\nnondeterministic_output_order\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hgetall"], "*2\r\n$7\r\nhgetall\r\n*10\r\n$7\r\nsummary\r\n$39\r\nGet all the fields and values in a hash\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$37\r\nO(N) where N is the size of the hash.\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"),
        (&["command", "info", "hincrby"], "*1\r\n*10\r\n$7\r\nhincrby\r\n:4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hincrby"], "*2\r\n$7\r\nhincrby\r\n*10\r\n$7\r\nsummary\r\n$63\r\nIncrement the integer value of a hash field by the given number\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$9\r\nincrement\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"),
        (&["command", "info", "hincrbyfloat"], "*1\r\n*10\r\n$12\r\nhincrbyfloat\r\n:4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@hash\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hincrbyfloat"], "*2\r\n$12\r\nhincrbyfloat\r\n*10\r\n$7\r\nsummary\r\n$61\r\nIncrement the float value of a hash field by the given amount\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nfield\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$9\r\nincrement\r\n$4\r\ntype\r\n$6\r\ndouble\r\n"),
        (&["command", "info", "hrandfield"], "*1\r\n*10\r\n$10\r\nhrandfield\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hrandfield"], "*2\r\n$10\r\nhrandfield\r\n*10\r\n$7\r\nsummary\r\n$45\r\nGet one or multiple random fields from a hash\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$45\r\nO(N) where N is the number of fields returned\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$7\r\noptions\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$10\r\nwithvalues\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHVALUES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"),
        (&["command", "info", "hscan"], "*1\r\n*10\r\n$5\r\nhscan\r\n:-3\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@hash\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"),
        (&["command", "docs", "hscan"], "*2\r\n$5\r\nhscan\r\n*10\r\n$7\r\nsummary\r\n$55\r\nIncrementally iterate hash fields and associated values\r\n$5\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$4\r\nhash\r\n$10\r\ncomplexity\r\n$170\r\nO(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..\r\n$9\r\narguments\r\n*4\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\ncursor\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$5\r\nMATCH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"),
    ];
    for (args, want) in cases {
        let cmd = crate::command::OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
        let mut buf = Vec::new();
        super::introspect::command(
            &cmd.args(),
            &mut crate::resp::Reply::new(&mut buf, Protocol::Resp2),
        );
        assert_eq!(String::from_utf8_lossy(&buf), *want, "{args:?}");
    }
}

/// A decoded RESP2 reply: enough of RESP to read the hash commands' replies.
#[derive(Debug, PartialEq)]
enum R {
    Bulk(Vec<u8>),
    Int(i64),
    Array(Vec<R>),
}

fn parse(reply: &[u8]) -> R {
    fn line<'a>(r: &mut &'a [u8]) -> &'a [u8] {
        let end = r.windows(2).position(|w| w == b"\r\n").expect("line");
        let l = &r[..end];
        *r = &r[end + 2..];
        l
    }
    fn one(r: &mut &[u8]) -> R {
        let l = line(r);
        let n: i64 = std::str::from_utf8(&l[1..]).unwrap().parse().unwrap();
        match l[0] {
            b':' => R::Int(n),
            b'$' => {
                let b = r[..n as usize].to_vec();
                *r = &r[n as usize + 2..];
                R::Bulk(b)
            }
            b'*' => R::Array((0..n).map(|_| one(r)).collect()),
            other => panic!("unexpected reply type {}", other as char),
        }
    }
    let mut r = reply;
    let v = one(&mut r);
    assert!(r.is_empty());
    v
}

fn bulks(r: R) -> Vec<Vec<u8>> {
    match r {
        R::Array(items) => items
            .into_iter()
            .map(|i| match i {
                R::Bulk(b) => b,
                other => panic!("not a bulk: {other:?}"),
            })
            .collect(),
        other => panic!("not an array: {other:?}"),
    }
}

/// A hash `h` of `n` fields `f<i>` = `v<i>`.
fn filled(n: usize) -> (Keyspace, HashMap<Vec<u8>, Vec<u8>>) {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig::default();
    let mut want = HashMap::new();
    for i in 0..n {
        let (f, v) = (format!("f{i}"), format!("v{i}"));
        exec(&mut ks, Protocol::Resp2, &cfg, &["hset", "h", &f, &v]);
        want.insert(f.into_bytes(), v.into_bytes());
    }
    (ks, want)
}

#[test]
fn hscan_walks_a_hashtable_in_steps() {
    let (mut ks, want) = filled(2000);
    let cfg = EngineConfig::default();
    let mut seen = HashMap::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        calls += 1;
        assert!(calls < 10_000, "HSCAN does not terminate");
        let R::Array(mut parts) =
            parse(&exec(&mut ks, Protocol::Resp2, &cfg, &["hscan", "h", &cursor, "count", "20"]))
        else {
            panic!()
        };
        let items = bulks(parts.pop().unwrap());
        assert!(items.len() <= 2 * 20, "COUNT bounds a call");
        for kv in items.chunks(2) {
            seen.insert(kv[0].clone(), kv[1].clone());
        }
        let R::Bulk(next) = parts.pop().unwrap() else { panic!() };
        cursor = String::from_utf8(next).unwrap();
        if cursor == "0" {
            break;
        }
    }
    assert!(calls > 20);
    assert_eq!(seen, want);
}

#[test]
fn hscan_with_a_stale_cursor_never_misses_fields() {
    let (mut ks, want) = filled(1000);
    let cfg = EngineConfig::default();
    let scan = |ks: &mut Keyspace, cursor: &str| -> (String, Vec<Vec<u8>>) {
        let R::Array(mut parts) = parse(&exec(
            ks,
            Protocol::Resp2,
            &cfg,
            &["hscan", "h", cursor, "count", "50", "match", "f*"],
        )) else {
            panic!()
        };
        let items = bulks(parts.pop().unwrap());
        let R::Bulk(next) = parts.pop().unwrap() else { panic!() };
        (String::from_utf8(next).unwrap(), items.chunks(2).map(|kv| kv[0].clone()).collect())
    };
    let (mut cursor, mut seen) = scan(&mut ks, "0");
    // The table grows between calls: the cursor restarts, nothing is missed.
    for i in 0..5000 {
        exec(&mut ks, Protocol::Resp2, &cfg, &["hset", "h", &format!("g{i}"), "x"]);
    }
    while cursor != "0" {
        let (next, fields) = scan(&mut ks, &cursor);
        seen.extend(fields);
        cursor = next;
    }
    let seen: HashSet<Vec<u8>> = seen.into_iter().collect();
    assert!(want.keys().all(|f| seen.contains(f)));
    assert!(seen.iter().all(|f| f.starts_with(b"f")), "MATCH filters");
    // A cursor that is not ours restarts the walk.
    assert_ne!(scan(&mut ks, "12345").1.len(), 0);
}

#[test]
fn hrandfield_counts_and_shapes() {
    for n in [5usize, 600] {
        let (mut ks, want) = filled(n);
        let cfg = EngineConfig::default();
        let run =
            |ks: &mut Keyspace, args: &[&str]| bulks(parse(&exec(ks, Protocol::Resp2, &cfg, args)));
        for count in [1usize, 2, n / 2, n - 1, n, n + 3] {
            let c = count.to_string();
            let fields = run(&mut ks, &["hrandfield", "h", &c]);
            assert_eq!(fields.len(), count.min(n));
            let distinct: HashSet<_> = fields.iter().collect();
            assert_eq!(distinct.len(), fields.len(), "distinct for a positive count");
            assert!(fields.iter().all(|f| want.contains_key(f)));
            let pairs = run(&mut ks, &["hrandfield", "h", &c, "withvalues"]);
            assert_eq!(pairs.len(), 2 * count.min(n));
            assert!(pairs.chunks(2).all(|kv| want.get(&kv[0]) == Some(&kv[1])));
        }
        let draws = run(&mut ks, &["hrandfield", "h", "-1000", "WITHVALUES"]);
        assert_eq!(draws.len(), 2000);
        assert!(draws.chunks(2).all(|kv| want.get(&kv[0]) == Some(&kv[1])));
        let distinct: HashSet<_> = draws.chunks(2).map(|kv| kv[0].clone()).collect();
        assert!(distinct.len() > 1, "draws are random");
        let R::Bulk(one) = parse(&exec(&mut ks, Protocol::Resp2, &cfg, &["hrandfield", "h"]))
        else {
            panic!()
        };
        assert!(want.contains_key(&one));
        // RESP3 nests each pair.
        let r3 = exec(&mut ks, Protocol::Resp3, &cfg, &["hrandfield", "h", "-2", "withvalues"]);
        assert!(r3.starts_with(b"*2\r\n*2\r\n$"), "{}", String::from_utf8_lossy(&r3));
    }
    let (mut ks, _) = filled(3);
    assert_eq!(
        exec(&mut ks, Protocol::Resp2, &EngineConfig::default(), &["hrandfield", "h", "-16777217"]),
        b"-ERR value is out of range\r\n"
    );
}

#[test]
fn emptied_hashes_are_deleted() {
    let (mut ks, _) = filled(600);
    let cfg = EngineConfig::default();
    for i in 0..600 {
        exec(&mut ks, Protocol::Resp2, &cfg, &["hdel", "h", &format!("f{i}"), "nope"]);
    }
    assert!(ks.db(0).get(b"h", NOW_MS).is_none());
    // A failed write on a missing key leaves no empty hash behind.
    exec(&mut ks, Protocol::Resp2, &cfg, &["hincrby", "k", "f", "x"]);
    assert!(ks.db(0).get(b"k", NOW_MS).is_none());
}

/// Heap bytes per field of `n` hashes of `fields` fields each (values only;
/// the key entries are the keyspace's).
fn hash_bytes_per_field(hashes: usize, fields: usize) -> f64 {
    let mut ks = Keyspace::new(1);
    let cfg = EngineConfig::default();
    for k in 0..hashes {
        let key = format!("key:{k}");
        let mut args = vec!["hset".to_string(), key.clone()];
        for i in 0..fields {
            args.push(format!("field:{i}"));
            args.push(format!("value:{i}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        exec(&mut ks, Protocol::Resp2, &cfg, &args);
    }
    let total: usize = (0..hashes)
        .map(|k| match &ks.db(0).get(format!("key:{k}").as_bytes(), NOW_MS).unwrap().value {
            Value::Hash(h) => h.heap_size_bytes(),
            _ => unreachable!(),
        })
        .sum();
    total as f64 / (hashes * fields) as f64
}

#[test]
fn memory_per_field() {
    // Redis 7.0 (jemalloc) for these fields: a 10-field listpack is 187 bytes
    // in a 192-byte class, plus a 16-byte robj (20.8 bytes a field; MEMORY
    // USAGE 240 with the key); a hashtable field costs a 24-byte dictEntry (32
    // with jemalloc), two sds of 16 and a bucket (8 to 16): 72 to 80 bytes.
    let small = hash_bytes_per_field(100, 10);
    assert!(small < 20.0, "listpack: {small} bytes per field");
    let big = hash_bytes_per_field(1, 100_000);
    eprintln!("bytes per field: listpack {small}, hashtable {big}");
    assert!(big < 50.0, "hashtable: {big} bytes per field");
}
