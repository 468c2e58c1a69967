//! The partial quicksort SORT uses with BY and LIMIT (Redis's `pqsort`, the
//! NetBSD `qsort` of Bentley and McIlroy's "Engineering a Sort Function",
//! skipping the parts that lie outside the wanted range).
//!
//! Only the wanted range ends up sorted; elements that compare equal come out
//! in the order this algorithm leaves them, which SORT ... ALPHA BY ... LIMIT
//! shows, so it is followed step for step (pivot choice, three-way
//! partition, insertion sort below 7 elements).

use std::cmp::Ordering;

/// Sorts `v` enough that positions `lo..=hi` hold what a full sort by `cmp`
/// would put there (ties in this algorithm's order).
pub(super) fn partial_sort<T>(
    v: &mut [T],
    lo: usize,
    hi: usize,
    cmp: &impl Fn(&T, &T) -> Ordering,
) {
    part(v, 0, v.len(), lo, hi, cmp);
}

/// Sorts the `n` elements from `base` on, as far as they meet `lo..=hi`.
fn part<T>(
    v: &mut [T],
    mut base: usize,
    mut n: usize,
    lo: usize,
    hi: usize,
    cmp: &impl Fn(&T, &T) -> Ordering,
) {
    loop {
        let a = &mut v[base..base + n];
        if n < 7 {
            for m in 1..n {
                let mut l = m;
                while l > 0 && cmp(&a[l - 1], &a[l]) == Ordering::Greater {
                    a.swap(l, l - 1);
                    l -= 1;
                }
            }
            return;
        }
        let mut pm = n / 2;
        if n > 7 {
            let (mut pl, mut pn) = (0, n - 1);
            if n > 40 {
                let d = n / 8;
                pl = median3(a, pl, pl + d, pl + 2 * d, cmp);
                pm = median3(a, pm - d, pm, pm + d, cmp);
                pn = median3(a, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = median3(a, pl, pm, pn, cmp);
        }
        a.swap(0, pm);
        // Equal to the pivot: gathered at both ends, [0, pa) and (pd, n).
        let (mut pa, mut pb, mut pc, mut pd) = (1, 1, n - 1, n - 1);
        loop {
            while pb <= pc {
                match cmp(&a[pb], &a[0]) {
                    Ordering::Greater => break,
                    Ordering::Equal => {
                        a.swap(pa, pb);
                        pa += 1;
                    }
                    Ordering::Less => {}
                }
                pb += 1;
            }
            while pb <= pc {
                match cmp(&a[pc], &a[0]) {
                    Ordering::Less => break,
                    Ordering::Equal => {
                        a.swap(pc, pd);
                        pd -= 1;
                    }
                    Ordering::Greater => {}
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            a.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let r = pa.min(pb - pa);
        swap_runs(a, 0, pb - r, r);
        let r = (pd - pc).min(n - pd - 1);
        swap_runs(a, pb, n - r, r);
        let overlaps = |from: usize, len: usize| !(hi < from || lo > from + len - 1);
        let left = pb - pa;
        if left > 1 && overlaps(base, left) {
            part(v, base, left, lo, hi, cmp);
        }
        let right = pd - pc;
        if right > 1 && overlaps(base + n - right, right) {
            base += n - right;
            n = right;
        } else {
            return;
        }
    }
}

/// The index of the median of three, as Redis's `med3` picks it.
fn median3<T>(a: &[T], i: usize, j: usize, k: usize, cmp: &impl Fn(&T, &T) -> Ordering) -> usize {
    if cmp(&a[i], &a[j]) == Ordering::Less {
        if cmp(&a[j], &a[k]) == Ordering::Less {
            j
        } else if cmp(&a[i], &a[k]) == Ordering::Less {
            k
        } else {
            i
        }
    } else if cmp(&a[j], &a[k]) == Ordering::Greater {
        j
    } else if cmp(&a[i], &a[k]) == Ordering::Less {
        i
    } else {
        k
    }
}

/// Swaps the `n` elements from `i` with the `n` from `j`, pairwise.
fn swap_runs<T>(a: &mut [T], i: usize, j: usize, n: usize) {
    for k in 0..n {
        a.swap(i + k, j + k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys with many ties, tagged with their original position.
    fn input(n: usize, seed: u64) -> Vec<(u64, usize)> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((x >> 33) % 7, i)
            })
            .collect()
    }

    #[test]
    fn the_range_holds_what_a_full_sort_puts_there() {
        let by_key = |a: &(u64, usize), b: &(u64, usize)| a.0.cmp(&b.0);
        for n in [0usize, 1, 5, 7, 8, 40, 41, 100, 500] {
            for (lo, hi) in
                [(0, 0), (0, 3), (2, 9), (n / 2, n / 2 + 5), (n.saturating_sub(3), n + 2)]
            {
                let mut v = input(n, (n * 31 + lo) as u64);
                let mut full = v.clone();
                full.sort_by(by_key);
                partial_sort(&mut v, lo, hi, &by_key);
                let end = (hi + 1).min(n);
                if lo < end {
                    let keys = |s: &[(u64, usize)]| s.iter().map(|e| e.0).collect::<Vec<_>>();
                    assert_eq!(keys(&v[lo..end]), keys(&full[lo..end]), "n {n} range {lo}..={hi}");
                }
                // A permutation of the input.
                let mut seen: Vec<usize> = v.iter().map(|e| e.1).collect();
                seen.sort();
                assert_eq!(seen, (0..n).collect::<Vec<_>>());
            }
        }
    }

    /// Below 7 elements the insertion sort moves only strictly greater
    /// elements, so ties keep their order (larger inputs: sort_tests.rs has
    /// ties recorded from redis-server).
    #[test]
    fn ties_in_insertion_sort_keep_their_order() {
        let mut v = vec![(1, 0), (0, 1), (1, 2), (0, 3)];
        partial_sort(&mut v, 0, 1, &|a: &(u8, u8), b: &(u8, u8)| a.0.cmp(&b.0));
        assert_eq!(v, vec![(0, 1), (0, 3), (1, 0), (1, 2)]);
    }
}
