//! Criterion benchmarks of hash-slot computation: CRC16 of plain keys of
//! several lengths, and keys with a `{hash tag}`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use engine::slot::key_slot;

fn bench_key_slot(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_slot");
    let keys: Vec<(&str, Vec<u8>)> = vec![
        ("plain_16", b"key:000000123456".to_vec()),
        ("plain_64", vec![b'k'; 64]),
        ("plain_1024", vec![b'k'; 1024]),
        ("tagged_16", b"{user:42}:orders".to_vec()),
    ];
    for (name, key) in &keys {
        group.throughput(Throughput::Bytes(key.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), key, |b, key| {
            b.iter(|| key_slot(black_box(key)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_key_slot);
criterion_main!(benches);
