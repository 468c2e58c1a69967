//! PFSELFTEST: Redis's self-test of the HLL code, with the same checks and
//! failure messages: dense registers keep the values written to them, and
//! sparse and dense HLLs fed the same elements agree, stay sparse while
//! small, and estimate within six standard errors at each power of ten.

use super::{add, count, dense, is_sparse, new_sparse, to_dense, REGISTERS};

/// A xorshift64* generator standing in for C's `rand()`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Runs the test: `cycles` rounds of register writes (Redis: 1000), then
/// `elements` additions (Redis: 10 000 000). Err holds the error to reply.
pub fn run(cycles: usize, elements: u64, sparse_max_bytes: usize, seed: u64) -> Result<(), String> {
    let mut rng = Rng(seed | 1);
    let mut regs = vec![0u8; REGISTERS * 6 / 8];
    let mut bytes = vec![0u8; REGISTERS];
    for _ in 0..cycles {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (rng.next() & 63) as u8;
            dense::put(&mut regs, i, *b);
        }
        for (i, &b) in bytes.iter().enumerate() {
            let v = dense::get(&regs, i);
            if v != b {
                return Err(format!("TESTFAILED Register {i} should be {b} but is {v}"));
            }
        }
    }
    let mut dense_hll = new_sparse();
    to_dense(&mut dense_hll).map_err(|_| "TESTFAILED dense/sparse disagree".to_string())?;
    let mut sparse_hll = new_sparse();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let offset = rng.next();
    let mut checkpoint = 1u64;
    for j in 1..=elements {
        let element = (j ^ offset).to_le_bytes();
        let corrupt = |_| "TESTFAILED dense/sparse disagree".to_string();
        add(&mut dense_hll, &element, sparse_max_bytes).map_err(corrupt)?;
        add(&mut sparse_hll, &element, sparse_max_bytes).map_err(corrupt)?;
        if j != checkpoint {
            continue;
        }
        if j < (sparse_max_bytes / 2) as u64 && !is_sparse(&sparse_hll) {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let estimate = count(&dense_hll).map_err(corrupt)?;
        if count(&sparse_hll) != Ok(estimate) {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let abserr = checkpoint.abs_diff(estimate);
        let maxerr = if j == 10 { 1 } else { (relerr * 6.0 * checkpoint as f64).ceil() as u64 };
        if abserr > maxerr {
            return Err(format!("TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}"));
        }
        checkpoint *= 10;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passes() {
        assert_eq!(super::run(3, 20_000, 3000, 42), Ok(()));
    }
}
