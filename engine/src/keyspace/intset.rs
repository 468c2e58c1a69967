//! `IntSet`: a sorted array of distinct integers in one contiguous buffer, the
//! `intset` encoding of small all-integer sets.
//!
//! As Redis's intset, every element takes the width of the widest one (2, 4 or
//! 8 bytes); adding a wider element upgrades the whole array, and it is never
//! downgraded. Lookups are binary searches, iteration is in ascending order
//! (which is why SMEMBERS of an intset replies sorted).

/// A sorted set of distinct `i64`s stored at the narrowest common width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntSet {
    /// Bytes per element: 2, 4 or 8.
    width: u8,
    /// `len * width` bytes, elements little-endian in ascending order.
    data: Vec<u8>,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet { width: 2, data: Vec::new() }
    }
}

/// The narrowest width (2, 4 or 8 bytes) that holds `v`.
fn width_of(v: i64) -> u8 {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

impl IntSet {
    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.data.len() / self.width as usize
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The element at position `i` (ascending order).
    #[inline]
    pub fn get(&self, i: usize) -> i64 {
        let w = self.width as usize;
        let b = &self.data[i * w..(i + 1) * w];
        match w {
            2 => i16::from_le_bytes([b[0], b[1]]) as i64,
            4 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
            _ => i64::from_le_bytes(b.try_into().expect("8 bytes")),
        }
    }

    /// Position of `v`, or where it would be inserted.
    fn search(&self, v: i64) -> Result<usize, usize> {
        if width_of(v) > self.width {
            // Wider than every element: below or above them all.
            return Err(if v < 0 { 0 } else { self.len() });
        }
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(&v) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// True when `v` is an element.
    pub fn contains(&self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    /// Adds `v`; false when it was already there.
    pub fn insert(&mut self, v: i64) -> bool {
        let Err(pos) = self.search(v) else {
            return false;
        };
        let w = width_of(v);
        if w > self.width {
            self.upgrade(w);
        }
        let w = self.width as usize;
        let at = pos * w;
        let bytes = v.to_le_bytes();
        self.data.splice(at..at, bytes[..w].iter().copied());
        true
    }

    /// Removes `v`; false when it was not there.
    pub fn remove(&mut self, v: i64) -> bool {
        let Ok(pos) = self.search(v) else {
            return false;
        };
        let w = self.width as usize;
        self.data.drain(pos * w..(pos + 1) * w);
        true
    }

    /// Re-encodes every element at `width` bytes.
    fn upgrade(&mut self, width: u8) {
        let mut data = Vec::with_capacity((self.len() + 1) * width as usize);
        for v in self.iter() {
            data.extend_from_slice(&v.to_le_bytes()[..width as usize]);
        }
        self.data = data;
        self.width = width;
    }

    /// The elements in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Heap bytes owned.
    pub fn heap_size_bytes(&self) -> usize {
        self.data.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_distinct_with_upgrades() {
        let mut s = IntSet::default();
        assert!(s.insert(5));
        assert!(!s.insert(5));
        assert!(s.insert(-3));
        assert_eq!(s.width, 2);
        assert!(s.insert(100_000));
        assert_eq!(s.width, 4);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.width, 8);
        assert!(s.insert(i64::MAX));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![i64::MIN, -3, 5, 100_000, i64::MAX]);
        assert!(s.contains(100_000) && !s.contains(4) && !s.contains(1 << 40));
        assert!(s.remove(-3) && !s.remove(-3));
        assert_eq!(s.len(), 4);
        // Never downgraded.
        for v in [i64::MIN, 5, 100_000, i64::MAX] {
            assert!(s.remove(v));
        }
        assert!(s.is_empty() && s.width == 8);
    }

    #[test]
    fn wide_value_probe_on_narrow_set() {
        let mut s = IntSet::default();
        s.insert(1);
        assert!(!s.contains(1 << 20) && !s.contains(-(1 << 40)));
        assert!(!s.remove(1 << 20));
        assert_eq!(s.width, 2);
    }
}
