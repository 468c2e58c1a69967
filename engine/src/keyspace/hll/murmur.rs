//! The hash HyperLogLog applies to elements: MurmurHash64A (Austin Appleby's
//! MurmurHash2, 64-bit) with Redis's seed, read little-endian on every
//! platform, so elements land in the same registers as in Redis.

use super::{P, REGISTERS};

/// The seed Redis hashes HyperLogLog elements with.
const SEED: u32 = 0xadc8_3b19;

/// MurmurHash64A of `data` with `seed`.
pub fn murmur64a(data: &[u8], seed: u32) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = u64::from(seed) ^ (data.len() as u64).wrapping_mul(M);
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut k = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register `element` falls in and the length of the `0..01` run that
/// follows the index bits of its hash (1 to 51): the value the register
/// takes if it is larger than the current one.
pub fn register_and_run(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    // The bit above the 50 used guarantees a 1 is found.
    let rest = (hash >> P) | (1u64 << (64 - P));
    (index, rest.trailing_zeros() as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_registers_in_range() {
        // Exact values are checked through the HLLs recorded from Redis (hll/tests.rs).
        assert_eq!(murmur64a(b"", 0), 0);
        for n in 0..1000u32 {
            let (idx, run) = register_and_run(&n.to_le_bytes()[..(n % 5) as usize]);
            assert!(idx < REGISTERS && (1..=51).contains(&run));
        }
    }
}
