//! Criterion benchmarks of the RESP request parser: a read buffer of pipelined
//! GET or SET frames parsed to the end (as a connection does after one read),
//! and a single SET frame carrying a large bulk value (the parser only records
//! where the value lies, so its time should not grow with the value's size).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use engine::resp::parse::{parse_request, ParseLimits, Parsed, Span};
use engine::resp::request::push_request;

/// A buffer of `count` pipelined frames, as redis-benchmark sends them
/// (`key:%012d` keys, `value_bytes`-byte values for SET).
fn pipelined(cmd: &str, count: usize, value_bytes: usize) -> Vec<u8> {
    let value = vec![b'x'; value_bytes];
    let mut buf = Vec::new();
    for i in 0..count {
        let key = format!("key:{i:012}");
        match cmd {
            "set" => push_request(&mut buf, &[b"SET", key.as_bytes(), &value]),
            _ => push_request(&mut buf, &[b"GET", key.as_bytes()]),
        }
    }
    buf
}

/// Parses every frame in `buf`, returning the number of commands.
fn parse_all(
    buf: &[u8],
    limits: &ParseLimits,
    spans: &mut Vec<Span>,
    scratch: &mut Vec<u8>,
) -> usize {
    let (mut pos, mut commands) = (0, 0);
    while pos < buf.len() {
        match parse_request(&buf[pos..], limits, spans, scratch) {
            Ok(Parsed::Command { consumed }) => {
                commands += 1;
                pos += consumed;
            }
            Ok(Parsed::Empty { consumed }) => pos += consumed,
            Ok(Parsed::Incomplete) | Err(_) => unreachable!("benchmark input is well formed"),
        }
    }
    commands
}

fn bench_pipelined(c: &mut Criterion) {
    let limits = ParseLimits::default();
    let mut group = c.benchmark_group("parse_pipelined");
    for (cmd, depth) in [("get", 1), ("get", 16), ("set", 1), ("set", 16)] {
        let buf = pipelined(cmd, depth, 64);
        group.throughput(Throughput::Elements(depth as u64));
        group.bench_with_input(BenchmarkId::new(cmd, depth), &buf, |b, buf| {
            let (mut spans, mut scratch) = (Vec::new(), Vec::new());
            b.iter(|| parse_all(black_box(buf), &limits, &mut spans, &mut scratch));
        });
    }
    group.finish();
}

fn bench_large_bulk(c: &mut Criterion) {
    let limits = ParseLimits::default();
    let mut group = c.benchmark_group("parse_large_bulk");
    for value_bytes in [16 * 1024, 1024 * 1024] {
        let buf = pipelined("set", 1, value_bytes);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::from_parameter(value_bytes), &buf, |b, buf| {
            let (mut spans, mut scratch) = (Vec::new(), Vec::new());
            b.iter(|| parse_all(black_box(buf), &limits, &mut spans, &mut scratch));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_pipelined, bench_large_bulk);
criterion_main!(benches);
