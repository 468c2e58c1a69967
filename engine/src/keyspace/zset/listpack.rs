//! The small sorted set encoding (`OBJECT ENCODING` says `listpack`, as
//! Redis): every (member, score) pair in (score, member) order in one
//! contiguous byte buffer, searched linearly like Redis's listpack.
//!
//! Entry layout: the member length as LEB128 (one byte below 128), the
//! member bytes, then the score as 8 little-endian bytes. Scores round-trip
//! exactly, as Redis's `%.17g` text in its listpack does.

use super::order;
use std::cmp::Ordering;

/// Members and scores of a small sorted set, in order.
#[derive(Clone, Default, PartialEq)]
pub struct Listpack {
    buf: Vec<u8>,
    len: usize,
}

/// One entry: where it lies in the buffer, its member and score.
#[derive(Clone, Copy)]
struct Item<'a> {
    start: usize,
    end: usize,
    member: &'a [u8],
    score: f64,
}

/// Walks the entries of a buffer from the start.
struct Items<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        if self.at >= self.buf.len() {
            return None;
        }
        let start = self.at;
        let mut len = 0usize;
        let mut shift = 0;
        let mut p = start;
        loop {
            let b = self.buf[p];
            p += 1;
            len |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let member = &self.buf[p..p + len];
        let mut score = [0u8; 8];
        score.copy_from_slice(&self.buf[p + len..p + len + 8]);
        self.at = p + len + 8;
        Some(Item { start, end: self.at, member, score: f64::from_le_bytes(score) })
    }
}

impl Listpack {
    fn items(&self) -> Items<'_> {
        Items { buf: &self.buf, at: 0 }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there is no member.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Heap bytes of the buffer.
    pub fn heap_size_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// Every (member, score), in order.
    pub fn entries(&self) -> Vec<(&[u8], f64)> {
        self.items().map(|it| (it.member, it.score)).collect()
    }

    /// The rank and score of `member`.
    pub fn find(&self, member: &[u8]) -> Option<(usize, f64)> {
        self.items().enumerate().find(|(_, it)| it.member == member).map(|(i, it)| (i, it.score))
    }

    /// Inserts `member` (not present) with `score` at its place in the order.
    /// A score of -0 is stored as 0: Redis's listpack keeps scores as text
    /// and reads "-0" back as the integer 0.
    pub fn insert(&mut self, member: &[u8], score: f64) {
        let score = if score == 0.0 { 0.0 } else { score };
        let at = self
            .items()
            .find(|it| order(it.score, it.member, score, member) == Ordering::Greater)
            .map_or(self.buf.len(), |it| it.start);
        let mut enc = Vec::with_capacity(member.len() + 10);
        let mut n = member.len();
        while n >= 0x80 {
            enc.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        enc.push(n as u8);
        enc.extend_from_slice(member);
        enc.extend_from_slice(&score.to_le_bytes());
        self.buf.splice(at..at, enc);
        self.len += 1;
    }

    /// Removes `member`; false when absent.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        let Some(it) = self.items().find(|it| it.member == member) else { return false };
        self.buf.drain(it.start..it.end);
        self.len -= 1;
        true
    }

    /// Removes the members of ranks `start..end`.
    pub fn remove_range(&mut self, start: usize, end: usize) {
        let end = end.min(self.len);
        if start >= end {
            return;
        }
        let mut items = self.items().skip(start);
        let from = items.next().map_or(self.buf.len(), |it| it.start);
        let to = self.items().nth(end - 1).map_or(self.buf.len(), |it| it.end);
        self.buf.drain(from..to);
        self.len -= end - start;
    }

    /// The member and score at `rank` (< len).
    pub fn get(&self, rank: usize) -> (&[u8], f64) {
        let it = self.items().nth(rank).expect("rank in range");
        (it.member, it.score)
    }

    /// Number of leading entries for which `before(member, score)` holds.
    pub fn partition_point(&self, before: impl Fn(&[u8], f64) -> bool) -> usize {
        self.items().take_while(|it| before(it.member, it.score)).count()
    }

    /// Calls `f` on entries of ranks `start..end`, descending if `rev`, until
    /// it returns false.
    pub fn walk(&self, start: usize, end: usize, rev: bool, mut f: impl FnMut(&[u8], f64) -> bool) {
        let end = end.min(self.len);
        if start >= end {
            return;
        }
        let range = self.items().skip(start).take(end - start);
        if rev {
            let items: Vec<Item<'_>> = range.collect();
            for it in items.iter().rev() {
                if !f(it.member, it.score) {
                    return;
                }
            }
        } else {
            for it in range {
                if !f(it.member, it.score) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_inserts_finds_and_removals() {
        let mut lp = Listpack::default();
        lp.insert(b"b", 2.0);
        lp.insert(b"a", 2.0);
        lp.insert(b"z", -1.0);
        let long = vec![b'x'; 300];
        lp.insert(&long, 10.0);
        assert_eq!(lp.len(), 4);
        assert_eq!(lp.get(0), (&b"z"[..], -1.0));
        assert_eq!(lp.get(1), (&b"a"[..], 2.0));
        assert_eq!(lp.get(3), (&long[..], 10.0));
        assert_eq!(lp.find(b"b"), Some((2, 2.0)));
        assert_eq!(lp.partition_point(|_, s| s < 2.0), 1);
        assert!(lp.remove(b"a"));
        assert!(!lp.remove(b"a"));
        let mut seen = Vec::new();
        lp.walk(0, 10, true, |m, _| {
            seen.push(m.len());
            true
        });
        assert_eq!(seen, vec![300, 1, 1]);
        lp.remove_range(1, 3);
        assert_eq!(lp.len(), 1);
        assert_eq!(lp.get(0), (&b"z"[..], -1.0));
    }
}
