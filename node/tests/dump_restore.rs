//! DUMP/RESTORE against a real redis-server 7.0, on slotd with 1 and 2
//! shards: random values of every type and size (listpack and big
//! encodings, binary strings, integers, infinite scores) are built on
//! redis-server, dumped there and restored on slotd, dumped on slotd and
//! restored on redis-server again; Redis's own DEBUG DIGEST-VALUE says the
//! round trip kept every value, and OBJECT ENCODING and TTLs agree. slotd's
//! DEBUG DIGEST-VALUE of every key and DEBUG DIGEST of the whole dataset
//! are Redis's.

mod common;
#[path = "common/diff.rs"]
mod diff;

use common::{redis_server, slotd};
use diff::{Resp, RespConn, Rng};

fn call(c: &mut RespConn, args: &[Vec<u8>]) -> Resp {
    c.call(args).expect("reply").value
}

fn cmd(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

/// Builds a random value under `key` on `c`; returns the commands used.
fn build(rng: &mut Rng, key: &[u8], c: &mut RespConn) {
    let big = rng.below(4) == 0;
    let n = if big { 300 + rng.below(1500) } else { 1 + rng.below(20) };
    let elem = |rng: &mut Rng, i: usize| -> Vec<u8> {
        match rng.below(4) {
            0 => i.to_string().into_bytes(),
            1 => (rng.below(1 << 40) as i64 - (1 << 39)).to_string().into_bytes(),
            2 => (0..rng.below(90)).map(|_| rng.below(256) as u8).collect(),
            _ => format!("member:{i}").into_bytes(),
        }
    };
    match rng.below(6) {
        0 => {
            let v = elem(rng, n);
            call(c, &cmd(&[b"SET", key, &v]));
        }
        1 => {
            let long: Vec<u8> = (0..n * 50).map(|i| b'a' + (i % 7) as u8).collect();
            call(c, &cmd(&[b"SET", key, &long]));
        }
        2 => {
            for i in 0..n {
                let e = elem(rng, i);
                call(c, &cmd(&[b"RPUSH", key, &e]));
            }
        }
        3 => {
            for i in 0..n {
                let (f, v) = (format!("f{i}").into_bytes(), elem(rng, i));
                call(c, &cmd(&[b"HSET", key, &f, &v]));
            }
        }
        4 => {
            let ints = rng.below(2) == 0;
            for i in 0..n {
                let m = if ints { i.to_string().into_bytes() } else { elem(rng, i) };
                call(c, &cmd(&[b"SADD", key, &m]));
            }
        }
        _ => {
            for i in 0..n {
                let score = match rng.below(5) {
                    0 => "-inf".to_string(),
                    1 => "inf".to_string(),
                    2 => format!("{}", rng.below(1000) as f64 / 7.0),
                    _ => i.to_string(),
                };
                let m = elem(rng, i);
                call(c, &cmd(&[b"ZADD", key, score.as_bytes(), &m]));
            }
        }
    }
    if rng.below(3) == 0 {
        call(c, &cmd(&[b"PEXPIRE", key, b"500000"]));
    }
}

fn payload_of(r: Resp) -> Vec<u8> {
    match r {
        Resp::Blob(b'$', Some(p)) => p,
        other => panic!("DUMP gave {other:?}"),
    }
}

#[test]
fn payloads_travel_both_ways_with_redis() {
    let redis = redis_server(&["--enable-debug-command", "local"]);
    for shards in [1, 2] {
        let s = slotd(shards, &[]);
        let (mut r, mut sl) =
            (RespConn::connect(redis.port).unwrap(), RespConn::connect(s.port).unwrap());
        call(&mut r, &cmd(&[b"FLUSHALL"]));
        let mut rng = Rng(0x5107d + shards as u64);
        for i in 0..250 {
            let key = format!("key:{i}").into_bytes();
            build(&mut rng, &key, &mut r);
            let p = payload_of(call(&mut r, &cmd(&[b"DUMP", &key])));
            let ttl = match call(&mut r, &cmd(&[b"PTTL", &key])) {
                Resp::Line(b':', t) => String::from_utf8(t).unwrap(),
                other => panic!("{other:?}"),
            };
            let ttl = if ttl.starts_with('-') { "0".to_string() } else { ttl };
            let ok = call(&mut sl, &cmd(&[b"RESTORE", &key, ttl.as_bytes(), &p]));
            assert_eq!(
                ok,
                Resp::Line(b'+', b"OK".to_vec()),
                "RESTORE {}",
                String::from_utf8_lossy(&key)
            );
            let enc = |c: &mut RespConn| call(c, &cmd(&[b"OBJECT", b"ENCODING", &key]));
            assert_eq!(enc(&mut sl), enc(&mut r), "encoding of {}", String::from_utf8_lossy(&key));
            let back_key = [key.as_slice(), b":back"].concat();
            let q = payload_of(call(&mut sl, &cmd(&[b"DUMP", &key])));
            // With the same TTL: DEBUG DIGEST-VALUE counts whether a key expires.
            let ok = call(&mut r, &cmd(&[b"RESTORE", &back_key, ttl.as_bytes(), &q]));
            assert_eq!(ok, Resp::Line(b'+', b"OK".to_vec()));
            let digest =
                |c: &mut RespConn, k: &[u8]| call(c, &cmd(&[b"DEBUG", b"DIGEST-VALUE", k]));
            assert_eq!(
                digest(&mut r, &key),
                digest(&mut r, &back_key),
                "{}",
                String::from_utf8_lossy(&key)
            );
            // slotd's own DEBUG DIGEST-VALUE is Redis's.
            assert_eq!(
                digest(&mut sl, &key),
                digest(&mut r, &key),
                "slotd's digest of {}",
                String::from_utf8_lossy(&key)
            );
            call(&mut r, &cmd(&[b"DEL", &back_key]));
            if ttl != "0" {
                let Resp::Line(b':', t) = call(&mut sl, &cmd(&[b"PTTL", &key])) else { panic!() };
                let t: i64 = String::from_utf8(t).unwrap().parse().unwrap();
                assert!((400_000..=500_000).contains(&t), "PTTL {t}");
            }
        }
        // The same dataset: the same DEBUG DIGEST (keys over all shards).
        let whole = |c: &mut RespConn| call(c, &cmd(&[b"DEBUG", b"DIGEST"]));
        assert_eq!(whole(&mut sl), whole(&mut r), "{shards} shard(s)");
        assert_ne!(whole(&mut sl), Resp::Line(b'+', [b'0'; 40].to_vec()));
    }
}

/// Payloads of a megabyte and more are decoded off the shard: the RESTORE
/// gives the same results and errors as a small one (BUSYKEY before a bad
/// payload, a checksum error, REPLACE, TTL), on the key's shard.
#[test]
fn big_payloads_restore_as_small_ones() {
    let n = 200_000;
    let src = redis_server(&[]);
    let mut r = src.conn();
    let mut p = redis::pipe();
    for chunk in (0..n).step_by(1000) {
        let (mut h, mut z) = (redis::cmd("HSET"), redis::cmd("ZADD"));
        h.arg("h");
        z.arg("z");
        for i in chunk..chunk + 1000 {
            h.arg(format!("field:{i}")).arg(format!("value:{i}"));
            z.arg(i).arg(format!("member:{i}"));
        }
        p.add_command(h).ignore();
        p.add_command(z).ignore();
    }
    let () = p.query(&mut r).unwrap();
    let dump = |k: &str| -> Vec<u8> { redis::cmd("DUMP").arg(k).query(&mut src.conn()).unwrap() };
    let (h, z) = (dump("h"), dump("z"));
    assert!(h.len() > 1 << 20 && z.len() > 1 << 20, "{} {}", h.len(), z.len());
    for shards in [1, 2] {
        let dst = slotd(shards, &[]);
        let mut c = dst.conn();
        let restore =
            |c: &mut redis::Connection, key: &str, ttl: u64, payload: &[u8], extra: &[&str]| {
                redis::cmd("RESTORE").arg(key).arg(ttl).arg(payload).arg(extra).query::<String>(c)
            };
        assert_eq!(restore(&mut c, "h", 0, &h, &[]).unwrap(), "OK");
        assert_eq!(restore(&mut c, "z", 600_000, &z, &[]).unwrap(), "OK");
        let sizes: (usize, usize) =
            redis::pipe().cmd("HLEN").arg("h").cmd("ZCARD").arg("z").query(&mut c).unwrap();
        assert_eq!(sizes, (n, n), "{shards} shard(s)");
        let got: (String, f64, i64) = redis::pipe()
            .cmd("HGET")
            .arg("h")
            .arg("field:12345")
            .cmd("ZSCORE")
            .arg("z")
            .arg("member:777")
            .cmd("PTTL")
            .arg("z")
            .query(&mut c)
            .unwrap();
        assert_eq!((got.0.as_str(), got.1), ("value:12345", 777.0));
        assert!(got.2 > 500_000, "PTTL {}", got.2);
        let mut bad = h.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 0x55;
        let busy = restore(&mut c, "h", 0, &bad, &[]).unwrap_err();
        assert_eq!(busy.code(), Some("BUSYKEY"), "BUSYKEY comes before the payload: {busy}");
        let wrong = restore(&mut c, "h", 0, &bad, &["REPLACE"]).unwrap_err();
        assert!(
            wrong.to_string().contains("DUMP payload version or checksum are wrong"),
            "{wrong}"
        );
        assert_eq!(restore(&mut c, "h", 0, &z, &["REPLACE"]).unwrap(), "OK");
        let card: usize = redis::cmd("ZCARD").arg("h").query(&mut c).unwrap();
        assert_eq!(card, n, "REPLACE put the sorted set under h");
    }
}
