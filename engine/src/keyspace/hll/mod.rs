//! HyperLogLog values, byte for byte as Redis 7.0 stores them in a string.
//!
//! A 16-byte header (`HYLL`, the encoding byte, three unused bytes, the
//! cached cardinality as a little-endian u64 whose top bit marks it stale)
//! followed by 16384 registers (P = 14), either run-length coded
//! ([`sparse`], for new and small HLLs) or packed 6 bits each ([`dense`],
//! 12288 bytes). Elements are hashed with MurmurHash64A ([`murmur`]); the
//! count is Redis 7.0's estimator ([`estimate`]). The value stays a plain
//! string: GET, SETRANGE and APPEND see and change these bytes, so every
//! reader checks them as Redis does and reports corruption where it does.

pub mod dense;
pub mod estimate;
pub mod murmur;
pub mod selftest;
pub mod sparse;

/// Header bytes.
pub const HDR_BYTES: usize = 16;
/// Bits of the hash that choose the register.
pub const P: usize = 14;
/// Bits of the hash left for the run of zeros.
pub const Q: usize = 64 - P;
/// Number of registers.
pub const REGISTERS: usize = 1 << P;
/// Length of a dense HLL: header and 6-bit registers.
pub const DENSE_BYTES: usize = HDR_BYTES + REGISTERS * 6 / 8;
/// Encoding byte of the dense representation.
pub const DENSE: u8 = 0;
/// Encoding byte of the sparse representation.
pub const SPARSE: u8 = 1;
/// Byte of the cached cardinality that holds the stale bit (its top bit).
const CACHE_FLAG_BYTE: usize = 15;

/// A sparse code that does not describe 16384 registers (`INVALIDOBJ`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt;

/// True when the string `s` is an HLL as Redis's `isHLLObjectOrReply`
/// accepts it: the magic, a known encoding, and for dense the exact length.
pub fn is_hll(s: &[u8]) -> bool {
    s.len() >= HDR_BYTES
        && &s[..4] == b"HYLL"
        && s[4] <= SPARSE
        && (s[4] == SPARSE || s.len() == DENSE_BYTES)
}

/// True when the (valid) HLL `s` is sparse.
pub fn is_sparse(s: &[u8]) -> bool {
    s[4] == SPARSE
}

/// A new, empty HLL: sparse, cardinality 0 cached.
pub fn new_sparse() -> Vec<u8> {
    let mut s = vec![0u8; HDR_BYTES];
    s[..4].copy_from_slice(b"HYLL");
    s[4] = SPARSE;
    s.extend_from_slice(&sparse::empty_code());
    s
}

/// The cached cardinality, if it is current.
pub fn cached_count(s: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(s[8..16].try_into().expect("8 bytes"));
    (s[CACHE_FLAG_BYTE] & 0x80 == 0).then_some(card)
}

/// Stores `count` as the cached cardinality.
pub fn set_cached_count(s: &mut [u8], count: u64) {
    s[8..16].copy_from_slice(&count.to_le_bytes());
}

/// Marks the cached cardinality stale (only its top bit changes).
pub fn invalidate_cache(s: &mut [u8]) {
    s[CACHE_FLAG_BYTE] |= 0x80;
}

/// Adds `element`; true when a register changed. A sparse HLL is promoted
/// to dense when its code would grow past `sparse_max_bytes`.
pub fn add(s: &mut Vec<u8>, element: &[u8], sparse_max_bytes: usize) -> Result<bool, Corrupt> {
    let (index, run) = murmur::register_and_run(element);
    raise(s, index, run, sparse_max_bytes)
}

/// Raises register `index` to `value` in either encoding; true if it changed.
pub fn raise(
    s: &mut Vec<u8>,
    index: usize,
    value: u8,
    sparse_max_bytes: usize,
) -> Result<bool, Corrupt> {
    if is_sparse(s) {
        sparse::raise(s, index, value, sparse_max_bytes)
    } else {
        Ok(dense::raise(&mut s[HDR_BYTES..], index, value))
    }
}

/// The estimated cardinality of the HLL `s` (cache ignored).
pub fn count(s: &[u8]) -> Result<u64, Corrupt> {
    let mut hist = [0u64; 64];
    if is_sparse(s) {
        sparse::histogram(s, &mut hist)?;
    } else {
        dense::histogram(&s[HDR_BYTES..], &mut hist);
    }
    Ok(estimate::cardinality(&hist))
}

/// The estimated cardinality of registers given one byte each.
pub fn count_registers(regs: &[u8]) -> u64 {
    let mut hist = [0u64; 64];
    for &r in regs {
        hist[usize::from(r & 63)] += 1;
    }
    estimate::cardinality(&hist)
}

/// Raises each of `max` (one byte per register) to the registers of `s`.
pub fn merge_into(max: &mut [u8], s: &[u8]) -> Result<(), Corrupt> {
    if is_sparse(s) {
        sparse::merge_into(max, s)
    } else {
        dense::merge_into(max, &s[HDR_BYTES..]);
        Ok(())
    }
}

/// Converts `s` to dense if it is sparse; true if it was converted.
pub fn to_dense(s: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if !is_sparse(s) {
        return Ok(false);
    }
    sparse::to_dense(s)?;
    Ok(true)
}

#[cfg(test)]
mod tests;
