//! Tests of the HyperLogLog commands: replies and stored bytes recorded from
//! redis-server 7.0.15 (the Debian package, which has the CVE-2025-32023 fix
//! for corrupt sparse HLLs), run in order on one keyspace.

use super::test_util::{check_command_info, run_with};
use crate::command::ExecStats;
use crate::config::EngineConfig;
use crate::keyspace::Keyspace;
use crate::resp::Protocol;

/// Runs `cases` in order, each reply compared byte for byte.
fn check(ks: &mut Keyspace, cfg: &EngineConfig, cases: &[(&[&[u8]], &[u8])]) {
    for (args, want) in cases {
        let got = run_with(ks, 0, Protocol::Resp2, cfg, &mut ExecStats::default(), args);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "{:?}",
            String::from_utf8_lossy(&args.join(&b' '))
        );
    }
}

#[test]
fn command_info_matches_redis() {
    check_command_info(include_str!("testdata/hll_command_info.txt"));
}

#[test]
fn replies_and_values_match_redis() {
    check(&mut Keyspace::new(1), &EngineConfig::default(), CASES);
}

#[rustfmt::skip]
const CASES: &[(&[&[u8]], &[u8])] = &[
    (&[b"pfadd", b"h", b"a", b"b", b"c"], b":1\r\n"),
    (&[b"pfadd", b"h", b"a"], b":0\r\n"),
    (&[b"pfadd", b"h"], b":0\r\n"),
    (&[b"get", b"h"], b"$27\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ\r\n"),
    (&[b"pfcount", b"h"], b":3\r\n"),
    (&[b"get", b"h"], b"$27\r\nHYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ\r\n"),
    (&[b"pfadd", b"h", b"d"], b":1\r\n"),
    (&[b"get", b"h"], b"$30\r\nHYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x80\\{\x80Dv\x80P\xb1\x84K\xfb\x80BZ\r\n"),
    (&[b"pfcount", b"h", b"missing"], b":4\r\n"),
    (&[b"pfcount", b"missing"], b":0\r\n"),
    (&[b"pfcount", b"h", b"h"], b":4\r\n"),
    (&[b"object", b"encoding", b"h"], b"$3\r\nraw\r\n"),
    (&[b"set", b"s", b"foo"], b"+OK\r\n"),
    (&[b"pfadd", b"s", b"a"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfcount", b"s"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfcount", b"h", b"s"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfmerge", b"d", b"h", b"s"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfmerge", b"s", b"h"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfdebug", b"encoding", b"s"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"set", b"i", b"12345"], b"+OK\r\n"),
    (&[b"pfadd", b"i", b"a"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfcount", b"i"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfmerge", b"i"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"lpush", b"l", b"a"], b":1\r\n"),
    (&[b"pfadd", b"l", b"a"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"pfcount", b"l"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"pfcount", b"h", b"l"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"pfmerge", b"d", b"l"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"pfmerge", b"d", b"h", b"missing"], b"+OK\r\n"),
    (&[b"get", b"d"], b"$30\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\\{\x80Dv\x80P\xb1\x84K\xfb\x80BZ\r\n"),
    (&[b"pfmerge", b"d2"], b"+OK\r\n"),
    (&[b"get", b"d2"], b"$18\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\r\n"),
    (&[b"pfmerge", b"h"], b"+OK\r\n"),
    (&[b"get", b"h"], b"$30\r\nHYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x80\\{\x80Dv\x80P\xb1\x84K\xfb\x80BZ\r\n"),
    (&[b"set", b"e", b"HYLL"], b"+OK\r\n"),
    (&[b"pfadd", b"e", b"a"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfcount", b"e"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfadd", b"c", b"a", b"b"], b":1\r\n"),
    (&[b"append", b"c", b"\x80"], b":25\r\n"),
    (&[b"pfcount", b"c"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"pfcount", b"c", b"h"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"pfadd", b"c", b"zzz", b"yyy"], b":1\r\n"),
    (&[b"get", b"c"], b"$31\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80ka\x88FC\x84G\xbc\x88D=\x80BZ\x80\r\n"),
    (&[b"pfmerge", b"m", b"c"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"get", b"m"], b"$-1\r\n"),
    (&[b"pfadd", b"c2", b"a"], b":1\r\n"),
    (&[b"append", b"c2", b"\x00"], b":22\r\n"),
    (&[b"pfcount", b"c2"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"pfcount", b"c2", b"h"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"pfmerge", b"x", b"c2"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"exists", b"x"], b":0\r\n"),
    (&[b"pfadd", b"c2", b"b", b"q", b"r"], b":1\r\n"),
    (&[b"pfadd", b"c3", b"a"], b":1\r\n"),
    (&[b"setrange", b"c3", b"16", b"\x00"], b":21\r\n"),
    (&[b"pfadd", b"c3", b"x", b"y", b"z", b"w"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"get", b"c3"], b"$21\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00\xa6\x84NW\r\n"),
    (&[b"pfdebug", b"decode", b"c"], b"$64\r\nZ:11106 v:3,1 Z:1604 v:2,1 Z:1981 v:3,1 Z:1086 v:1,1 Z:603 v:1,1\r\n"),
    (&[b"pfdebug", b"NOSUCH", b"c"], b"-ERR Unknown PFDEBUG subcommand 'NOSUCH'\r\n"),
    (&[b"pfdebug", b"encoding", b"nokey"], b"-ERR The specified key does not exist\r\n"),
    (&[b"pfdebug", b"encoding", b"l"], b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
    (&[b"pfdebug", b"Encoding\x00x", b"h"], b"+sparse\r\n"),
    (&[b"pfdebug", b"todense", b"h"], b":1\r\n"),
    (&[b"pfdebug", b"todense", b"h"], b":0\r\n"),
    (&[b"pfdebug", b"encoding", b"h"], b"+dense\r\n"),
    (&[b"pfdebug", b"decode", b"h"], b"-ERR HLL encoding is not sparse\r\n"),
    (&[b"strlen", b"h"], b":12304\r\n"),
    (&[b"pfcount", b"h"], b":4\r\n"),
    (&[b"pfadd", b"h", b"new"], b":1\r\n"),
    (&[b"getrange", b"h", b"0", b"15"], b"$16\r\nHYLL\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x80\r\n"),
    (&[b"setrange", b"h", b"4", b"\x01"], b":12304\r\n"),
    (&[b"pfcount", b"h"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"setrange", b"h", b"4", b"\x02"], b":12304\r\n"),
    (&[b"pfadd", b"h", b"a"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"setrange", b"h", b"4", b"\x00"], b":12304\r\n"),
    (&[b"append", b"h", b"x"], b":12305\r\n"),
    (&[b"pfadd", b"h", b"a"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"pfcount", b"h", b"s"], b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"),
    (&[b"set", b"k", b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ"], b"+OK\r\n"),
    (&[b"object", b"encoding", b"k"], b"$6\r\nembstr\r\n"),
    (&[b"pfcount", b"k"], b":3\r\n"),
    (&[b"object", b"encoding", b"k"], b"$3\r\nraw\r\n"),
    (&[b"get", b"k"], b"$27\r\nHYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ\r\n"),
    (&[b"pfcount", b"c2", b"nosuch"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"pfdebug", b"todense", b"c2"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
    (&[b"pfdebug", b"getreg", b"c2"], b"-INVALIDOBJ Corrupted HLL object detected\r\n"),
];
