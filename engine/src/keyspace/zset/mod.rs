//! Sorted sets: members with scores, ordered by (score, member), with rank
//! queries in O(log n).
//!
//! Two encodings, as Redis 7.0 (`OBJECT ENCODING` names them the same):
//! - `listpack` ([`Listpack`]): one contiguous buffer, for sets of at most
//!   `zset-max-listpack-entries` members each at most
//!   `zset-max-listpack-value` bytes long;
//! - `skiplist` ([`Sorted`]): a hash index plus an order-statistic B+tree
//!   (not a skiplist: see `tree.rs` for why), once a set outgrows those.
//!
//! A set moves to the large encoding when an insert breaks a limit, and back
//! only where Redis does it (the results of the store commands, through
//! [`ZSet::fit_listpack`]); removals never convert.

mod elem;
mod listpack;
mod sorted;
mod tree;

pub use listpack::Listpack;
pub use sorted::Sorted;

use std::cmp::Ordering;

/// Orders (score, member) pairs as Redis: by score, then by member bytes.
/// Scores are never NaN.
#[inline]
pub fn order(score_a: f64, member_a: &[u8], score_b: f64, member_b: &[u8]) -> Ordering {
    match score_a.partial_cmp(&score_b) {
        Some(Ordering::Equal) | None => member_a.cmp(member_b),
        Some(o) => o,
    }
}

/// The listpack limits (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Clone, Copy, Debug)]
pub struct ZSetLimits {
    pub max_listpack_entries: usize,
    pub max_listpack_value_bytes: usize,
}

/// A sorted set value.
#[derive(Clone)]
pub enum ZSet {
    Listpack(Listpack),
    Sorted(Box<Sorted>),
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::Listpack(Listpack::default())
    }
}

impl ZSet {
    /// An empty set in the encoding Redis would create for a set expected to
    /// hold `len_hint` members (ZRANGESTORE's destination).
    pub fn with_len_hint(len_hint: usize, limits: &ZSetLimits) -> ZSet {
        if len_hint > limits.max_listpack_entries {
            ZSet::Sorted(Box::new(Sorted::with_capacity(len_hint)))
        } else {
            ZSet::default()
        }
    }

    /// An empty set in the large encoding (the store commands build their
    /// result there first, as Redis).
    pub fn new_sorted() -> ZSet {
        ZSet::Sorted(Box::default())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            ZSet::Listpack(l) => l.len(),
            ZSet::Sorted(s) => s.len(),
        }
    }

    /// True when the set has no member.
    pub fn is_empty(&self) -> bool {
        match self {
            ZSet::Listpack(l) => l.is_empty(),
            ZSet::Sorted(s) => s.is_empty(),
        }
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::Sorted(_) => "skiplist",
        }
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(l) => l.find(member).map(|(_, s)| s),
            ZSet::Sorted(s) => s.score(member),
        }
    }

    /// The 0-based rank of `member`, counted from the highest score if `rev`.
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<usize> {
        let rank = match self {
            ZSet::Listpack(l) => l.find(member).map(|(r, _)| r),
            ZSet::Sorted(s) => s.rank(member),
        }?;
        Some(if rev { self.len() - 1 - rank } else { rank })
    }

    /// Adds `member`, which is not in the set, converting to the large
    /// encoding first when the listpack limits would be broken (Redis's
    /// `zsetAdd`).
    pub fn insert_new(&mut self, member: &[u8], score: f64, limits: &ZSetLimits) {
        if let ZSet::Listpack(l) = self {
            if l.len() < limits.max_listpack_entries
                && member.len() <= limits.max_listpack_value_bytes
            {
                l.insert(member, score);
                return;
            }
            self.convert_to_sorted();
        }
        match self {
            ZSet::Sorted(s) => s.insert_new(member, score),
            ZSet::Listpack(_) => unreachable!("converted above"),
        }
    }

    /// Changes the score of `member`, which is in the set.
    pub fn update(&mut self, member: &[u8], score: f64) {
        match self {
            ZSet::Listpack(l) => {
                l.remove(member);
                l.insert(member, score);
            }
            ZSet::Sorted(s) => s.update(member, score),
        }
    }

    /// Removes `member`; false when absent.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            ZSet::Listpack(l) => l.remove(member),
            ZSet::Sorted(s) => s.remove(member),
        }
    }

    /// Removes the members of ranks `start..end` (ascending ranks).
    pub fn remove_range(&mut self, start: usize, end: usize) {
        match self {
            ZSet::Listpack(l) => l.remove_range(start, end),
            ZSet::Sorted(s) => {
                for _ in start..end.min(s.len()) {
                    s.remove_at(start);
                }
            }
        }
    }

    /// The member and score at `rank` (< len, ascending).
    pub fn get(&self, rank: usize) -> (&[u8], f64) {
        match self {
            ZSet::Listpack(l) => l.get(rank),
            ZSet::Sorted(s) => s.get(rank),
        }
    }

    /// Number of leading members for which `before(member, score)` holds; it
    /// must hold for a prefix of the order and nothing after.
    pub fn partition_point(&self, before: impl Fn(&[u8], f64) -> bool) -> usize {
        match self {
            ZSet::Listpack(l) => l.partition_point(before),
            ZSet::Sorted(s) => s.partition_point(before),
        }
    }

    /// Calls `f(member, score)` on ranks `start..end` (ascending ranks),
    /// visited in descending order if `rev`, until `f` returns false.
    pub fn walk(&self, start: usize, end: usize, rev: bool, f: impl FnMut(&[u8], f64) -> bool) {
        match self {
            ZSet::Listpack(l) => l.walk(start, end, rev, f),
            ZSet::Sorted(s) => s.walk(start, end, rev, f),
        }
    }

    /// Calls `f` on every member in order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        self.walk(0, self.len(), false, |m, s| {
            f(m, s);
            true
        });
    }

    /// Moves the members to the large encoding.
    pub fn convert_to_sorted(&mut self) {
        if let ZSet::Listpack(l) = self {
            let mut s = Sorted::with_capacity(l.len());
            l.walk(0, l.len(), false, |m, score| {
                s.insert_new(m, score);
                true
            });
            *self = ZSet::Sorted(Box::new(s));
        }
    }

    /// Moves a large set back to a listpack when it fits the limits, its
    /// longest member being `max_member_bytes` (Redis's
    /// `zsetConvertToListpackIfNeeded`, used on the store commands' results).
    pub fn fit_listpack(&mut self, max_member_bytes: usize, limits: &ZSetLimits) {
        if let ZSet::Sorted(s) = self {
            if s.len() <= limits.max_listpack_entries
                && max_member_bytes <= limits.max_listpack_value_bytes
            {
                let mut l = Listpack::default();
                s.walk(0, s.len(), false, |m, score| {
                    l.insert(m, score);
                    true
                });
                *self = ZSet::Listpack(l);
            }
        }
    }

    /// Approximate heap bytes owned.
    pub fn heap_size_bytes(&self) -> usize {
        match self {
            ZSet::Listpack(l) => l.heap_size_bytes(),
            ZSet::Sorted(s) => std::mem::size_of::<Sorted>() + s.heap_size_bytes(),
        }
    }
}

/// Equal sets hold the same members and scores in the same encoding (the
/// encoding shows through OBJECT ENCODING, so it is part of the value).
impl PartialEq for ZSet {
    fn eq(&self, other: &ZSet) -> bool {
        if self.len() != other.len() || self.encoding_name() != other.encoding_name() {
            return false;
        }
        let mut same = true;
        let mut rank = 0;
        self.walk(0, self.len(), false, |m, s| {
            let (m2, s2) = other.get(rank);
            rank += 1;
            same = m == m2 && s.to_bits() == s2.to_bits();
            same
        });
        same
    }
}

impl std::fmt::Debug for ZSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ZSet({}, {} members)", self.encoding_name(), self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ZSetLimits = ZSetLimits { max_listpack_entries: 4, max_listpack_value_bytes: 8 };

    #[test]
    fn converts_when_a_limit_breaks_and_back_when_it_fits() {
        let mut z = ZSet::default();
        for (i, m) in ["a", "b", "c", "d"].iter().enumerate() {
            z.insert_new(m.as_bytes(), i as f64, &LIMITS);
        }
        assert_eq!(z.encoding_name(), "listpack");
        z.insert_new(b"e", 0.5, &LIMITS);
        assert_eq!(z.encoding_name(), "skiplist");
        assert_eq!(z.rank(b"e", false), Some(1));
        assert_eq!(z.rank(b"e", true), Some(3));
        z.remove(b"e");
        assert_eq!(z.encoding_name(), "skiplist");
        let copy = z.clone();
        assert_eq!(z, copy);
        z.fit_listpack(1, &LIMITS);
        assert_eq!(z.encoding_name(), "listpack");
        assert_ne!(z, copy);
        let mut big = ZSet::default();
        big.insert_new(b"123456789", 1.0, &LIMITS);
        assert_eq!(big.encoding_name(), "skiplist");
    }

    #[test]
    fn large_set_index_and_order_agree() {
        let mut z = ZSet::new_sorted();
        for i in 0..5000u32 {
            z.insert_new(format!("m{i}").as_bytes(), (i % 97) as f64, &LIMITS);
        }
        for i in (0..5000u32).step_by(3) {
            z.update(format!("m{i}").as_bytes(), -(i as f64));
        }
        for i in (0..5000u32).step_by(7) {
            assert!(z.remove(format!("m{i}").as_bytes()));
        }
        z.remove_range(10, 100);
        let ZSet::Sorted(s) = &z else { panic!("large") };
        s.check();
        let mut prev: Option<(Vec<u8>, f64)> = None;
        z.for_each(|m, s| {
            if let Some((pm, ps)) = &prev {
                assert_eq!(order(*ps, pm, s, m), Ordering::Less);
            }
            prev = Some((m.to_vec(), s));
        });
    }
}
