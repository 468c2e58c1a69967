//! Real tools against slotd: redis-benchmark's standard tests run clean with and
//! without pipelining, on 1 and 2 shards, and the data they write is there.

mod common;

use std::process::Command;

use common::*;

fn bench(port: u16, pipeline: &str) -> String {
    let out = Command::new("redis-benchmark")
        .args(["-p", &port.to_string(), "-t", "set,get,incr,mset,ping_inline,ping_mbulk"])
        .args(["-n", "3000", "-c", "8", "-r", "1000", "-d", "64", "-P", pipeline, "--csv"])
        .output()
        .expect("redis-benchmark is installed (the test script installs redis-tools)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn runs_clean(shards: usize) {
    let srv = slotd(shards, &[]);
    let mut c = srv.conn();
    for pipeline in ["1", "16"] {
        let csv = bench(srv.port, pipeline);
        let tests: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .map(|t| t.trim_matches('"'))
            .collect();
        assert_eq!(
            tests,
            ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"],
            "{csv}"
        );
        for line in csv.lines().skip(1) {
            let rps: f64 = line.split(',').nth(1).unwrap().trim_matches('"').parse().unwrap();
            assert!(rps > 0.0, "{line}");
        }
        if pipeline == "1" {
            // INCR ran 3000 times over the random counter keys: none lost.
            // (Pipelined runs may send a few requests past -n.)
            let counters: Vec<String> = redis::cmd("KEYS").arg("counter:*").query(&mut c).unwrap();
            let values: Vec<i64> = redis::cmd("MGET").arg(&counters).query(&mut c).unwrap();
            assert_eq!(values.iter().sum::<i64>(), 3000);
        }
    }
    let keys: i64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert!(keys > 1, "benchmark keys present: {keys}");
}

#[test]
fn redis_benchmark_standard_tests_one_shard() {
    runs_clean(1);
}

#[test]
fn redis_benchmark_standard_tests_two_shards() {
    runs_clean(2);
}
