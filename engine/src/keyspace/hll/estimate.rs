//! The cardinality estimator of Redis 7.0: Otmar Ertl's improved raw
//! estimator ("New cardinality estimation algorithms for HyperLogLog
//! sketches", arXiv:1702.01284) over the histogram of register values,
//! evaluated in the same order as Redis so the result is the same integer.

use super::{Q, REGISTERS};

/// 0.5 / ln 2.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// The estimated cardinality from `hist[v]` = number of registers holding
/// `v`. Values above Q + 1 (impossible unless the data was edited) are
/// ignored, as in Redis.
pub fn cardinality(hist: &[u64; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - hist[Q + 1] as f64) / m);
    for j in (1..=Q).rev() {
        z += hist[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(hist[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if before == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        // C's pow(1 - x, 2), which compilers turn into this exact product.
        z -= (1.0 - x) * (1.0 - x) * y;
        if before == z {
            return z / 3.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_small() {
        let mut hist = [0u64; 64];
        hist[0] = REGISTERS as u64;
        assert_eq!(cardinality(&hist), 0);
        hist[0] -= 1;
        hist[1] = 1;
        assert_eq!(cardinality(&hist), 1);
    }
}
