//! The list type: Redis 7.0's quicklist, a sequence of packed nodes.
//!
//! A [`List`] is a deque of [`Node`]s, each a byte buffer of elements bounded by
//! `list-max-listpack-size` ([`Fill`]). Pushes and pops at either end touch one
//! end node and are amortized O(1) with no allocation per element; reading
//! element `i` walks the node counts from the nearer end, then the elements of
//! one node, so LINDEX/LRANGE cost O(S/node + node + N) like Redis's. OBJECT
//! ENCODING reports `quicklist` for every list, as Redis 7.0 does.
//!
//! Elements are stored as the bytes they were given (Redis turns canonical
//! integers into a compact integer encoding; replies are identical either way).
//! `list-compress-depth` is accepted but nodes are never compressed.
//!
//! Invariants: no node is empty; `len` is the sum of the node counts; a node
//! only exceeds its fill when it holds a single element.

mod node;

use std::collections::VecDeque;

pub use node::Fill;
use node::Node;

/// An end of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The head (LEFT, index 0).
    Front,
    /// The tail (RIGHT, index -1).
    Back,
}

/// A list value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    nodes: VecDeque<Node>,
    len: usize,
}

impl List {
    /// An empty list (a key never holds one: commands delete emptied lists).
    pub fn new() -> List {
        List::default()
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the list has no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of nodes (each one allocation).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The elements of node `i` (0 is the head's), in order.
    pub fn node_elements(&self, i: usize) -> impl Iterator<Item = &[u8]> + '_ {
        self.nodes.get(i).into_iter().flat_map(Node::iter)
    }

    /// Bytes allocated for the list (for MEMORY USAGE and eviction).
    pub fn heap_size_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.nodes.iter().map(Node::heap_size_bytes).sum::<usize>()
    }

    /// The node at `end`.
    fn end_node(&mut self, end: End) -> Option<&mut Node> {
        match end {
            End::Front => self.nodes.front_mut(),
            End::Back => self.nodes.back_mut(),
        }
    }

    /// Adds `v` at `end`, starting a new node when the end node is full.
    pub fn push(&mut self, end: End, v: &[u8], fill: Fill) {
        match self.end_node(end) {
            Some(n) if n.fits(v.len(), fill) => {}
            full => {
                if let Some(n) = full {
                    n.seal();
                }
                match end {
                    End::Front => self.nodes.push_front(Node::default()),
                    End::Back => self.nodes.push_back(Node::default()),
                }
            }
        }
        let node = self.end_node(end).expect("an end node");
        match end {
            End::Front => node.push_front(v),
            End::Back => node.push_back(v),
        }
        self.len += 1;
    }

    /// Removes the element at `end`, handing its bytes to `f`; None when empty.
    pub fn pop<R>(&mut self, end: End, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let node = self.end_node(end)?;
        let r = match end {
            End::Front => node.pop_front(f),
            End::Back => node.pop_back(f),
        };
        if node.count() == 0 {
            match end {
                End::Front => self.nodes.pop_front(),
                End::Back => self.nodes.pop_back(),
            };
        }
        self.len -= 1;
        Some(r)
    }

    /// (node index, index within the node) of element `i` < len, walking the
    /// node counts from the nearer end.
    fn locate(&self, i: usize) -> (usize, usize) {
        debug_assert!(i < self.len);
        if i < self.len / 2 {
            let mut i = i;
            for (ni, n) in self.nodes.iter().enumerate() {
                if i < n.count() {
                    return (ni, i);
                }
                i -= n.count();
            }
        } else {
            let mut from_end = self.len - i;
            for (ni, n) in self.nodes.iter().enumerate().rev() {
                if from_end <= n.count() {
                    return (ni, n.count() - from_end);
                }
                from_end -= n.count();
            }
        }
        unreachable!("index {i} within the list's {} elements", self.len)
    }

    /// Element `i` (from the head), if it exists.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let (ni, j) = self.locate(i);
        let node = &self.nodes[ni];
        Some(node.entry_at(node.offset_of(j)).0)
    }

    /// Replaces element `i` with `v`; false when out of range.
    pub fn set(&mut self, i: usize, v: &[u8], fill: Fill) -> bool {
        if i >= self.len {
            return false;
        }
        let (ni, j) = self.locate(i);
        let node = &mut self.nodes[ni];
        node.replace_at(node.offset_of(j), v);
        self.split_if_over(ni, fill);
        true
    }

    /// Inserts `v` before (or `after`) the first element equal to `pivot`.
    /// False when there is no such element.
    pub fn insert(&mut self, pivot: &[u8], v: &[u8], after: bool, fill: Fill) -> bool {
        for ni in 0..self.nodes.len() {
            let node = &mut self.nodes[ni];
            let mut p = node.start();
            while p < node.end() {
                let (e, next) = node.entry_at(p);
                if e == pivot {
                    node.insert_at(if after { next } else { p }, v);
                    self.len += 1;
                    self.split_if_over(ni, fill);
                    return true;
                }
                p = next;
            }
        }
        false
    }

    /// Splits node `ni` in two when an edit took it over `fill`.
    fn split_if_over(&mut self, ni: usize, fill: Fill) {
        let node = &mut self.nodes[ni];
        if node.over(fill) {
            let tail = node.split_off(node.count() / 2);
            self.nodes.insert(ni + 1, tail);
        }
    }

    /// Removes elements equal to `v`: the first `count` if positive, the last
    /// `-count` if negative, all if 0 (LREM). Returns how many were removed.
    pub fn remove(&mut self, v: &[u8], count: i64) -> usize {
        let from_back = count < 0;
        let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        let mut removed = 0;
        let n = self.nodes.len();
        for k in 0..n {
            let ni = if from_back { n - 1 - k } else { k };
            let left = if limit == 0 { 0 } else { limit - removed };
            removed += self.nodes[ni].remove_matching(v, left, from_back);
            if limit != 0 && removed == limit {
                break;
            }
        }
        if removed > 0 {
            self.nodes.retain(|n| n.count() > 0);
            self.len -= removed;
        }
        removed
    }

    /// Removes `front` elements from the head and `back` from the tail
    /// (front + back <= len).
    pub fn trim(&mut self, mut front: usize, mut back: usize) {
        debug_assert!(front + back <= self.len);
        self.len -= front + back;
        while front > 0 {
            let node = self.nodes.front_mut().expect("trim within the list");
            if front >= node.count() {
                front -= node.count();
                self.nodes.pop_front();
            } else {
                node.remove_front(front);
                front = 0;
            }
        }
        while back > 0 {
            let node = self.nodes.back_mut().expect("trim within the list");
            if back >= node.count() {
                back -= node.count();
                self.nodes.pop_back();
            } else {
                node.remove_back(back);
                back = 0;
            }
        }
    }

    /// The elements from index `start` on, head to tail.
    pub fn iter_from(&self, start: usize) -> Iter<'_> {
        if start >= self.len {
            return Iter { nodes: &self.nodes, node: self.nodes.len(), offset: 0, left: 0 };
        }
        let (ni, j) = self.locate(start);
        let offset = self.nodes[ni].offset_of(j);
        Iter { nodes: &self.nodes, node: ni, offset, left: self.len - start }
    }

    /// The elements, head to tail.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// The elements, tail to head.
    pub fn iter_rev(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.nodes.iter().rev().flat_map(|n| n.iter().rev())
    }
}

/// Walks a list head to tail from some index.
pub struct Iter<'a> {
    nodes: &'a VecDeque<Node>,
    node: usize,
    offset: usize,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        let mut node = &self.nodes[self.node];
        if self.offset >= node.end() {
            self.node += 1;
            node = &self.nodes[self.node];
            self.offset = node.start();
        }
        let (v, next) = node.entry_at(self.offset);
        self.offset = next;
        self.left -= 1;
        Some(v)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model list and ours, kept in step.
    fn check(list: &List, model: &VecDeque<Vec<u8>>) {
        assert_eq!(list.len(), model.len());
        assert_eq!(list.nodes.iter().map(|n| n.count()).sum::<usize>(), model.len());
        assert!(list.nodes.iter().all(|n| n.count() > 0));
        let fwd: Vec<&[u8]> = list.iter().collect();
        assert_eq!(fwd, model.iter().map(|v| &v[..]).collect::<Vec<_>>());
        let rev: Vec<&[u8]> = list.iter_rev().collect();
        assert_eq!(rev, model.iter().rev().map(|v| &v[..]).collect::<Vec<_>>());
        for i in (0..model.len()).step_by(7) {
            assert_eq!(list.get(i), Some(&model[i][..]));
            assert_eq!(list.iter_from(i).next(), Some(&model[i][..]));
        }
    }

    /// A small deterministic generator for the model test.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn matches_a_model_under_random_edits() {
        for fill in [-2, -1, 1, 3, 100] {
            let fill = Fill::from_config(fill);
            let mut rng = Lcg(fill.max_count as u64);
            let mut list = List::new();
            let mut model: VecDeque<Vec<u8>> = VecDeque::new();
            for step in 0..4000 {
                let v = format!("{}", rng.next(20)).repeat(1 + rng.next(40) as usize);
                match rng.next(10) {
                    0..=2 => {
                        list.push(End::Back, v.as_bytes(), fill);
                        model.push_back(v.into_bytes());
                    }
                    3..=4 => {
                        list.push(End::Front, v.as_bytes(), fill);
                        model.push_front(v.into_bytes());
                    }
                    5 => {
                        let a = list.pop(End::Front, |v| v.to_vec());
                        assert_eq!(a, model.pop_front());
                        let b = list.pop(End::Back, |v| v.to_vec());
                        assert_eq!(b, model.pop_back());
                    }
                    6 if !model.is_empty() => {
                        let i = rng.next(model.len() as u64) as usize;
                        assert!(list.set(i, v.as_bytes(), fill));
                        model[i] = v.into_bytes();
                    }
                    7 if !model.is_empty() => {
                        let i = rng.next(model.len() as u64) as usize;
                        let pivot = model[i].clone();
                        let after = rng.next(2) == 0;
                        assert!(list.insert(&pivot, v.as_bytes(), after, fill));
                        let at = model.iter().position(|e| *e == pivot).unwrap();
                        model.insert(at + after as usize, v.into_bytes());
                    }
                    8 if !model.is_empty() => {
                        let count = rng.next(5) as i64 - 2;
                        let target = model[rng.next(model.len() as u64) as usize].clone();
                        let removed = list.remove(&target, count);
                        let mut positions: Vec<usize> =
                            (0..model.len()).filter(|&i| model[i] == target).collect();
                        if count < 0 {
                            positions.reverse();
                        }
                        if count != 0 {
                            positions.truncate(count.unsigned_abs() as usize);
                        }
                        positions.sort_unstable();
                        for &p in positions.iter().rev() {
                            model.remove(p);
                        }
                        assert_eq!(removed, positions.len());
                    }
                    9 if step % 50 == 0 && !model.is_empty() => {
                        let front = rng.next(model.len() as u64 / 3 + 1) as usize;
                        let back = rng.next((model.len() - front) as u64 / 3 + 1) as usize;
                        list.trim(front, back);
                        model.drain(..front);
                        model.truncate(model.len() - back);
                    }
                    _ => {}
                }
                check(&list, &model);
            }
        }
    }

    #[test]
    fn nodes_respect_the_fill() {
        let fill = Fill::from_config(-2);
        let mut list = List::new();
        for i in 0..10_000 {
            list.push(if i % 2 == 0 { End::Back } else { End::Front }, b"xxx", fill);
        }
        assert!(list.nodes.iter().all(|n| n.used_bytes() <= 8192));
        // 5 bytes an element: ~1638 per node.
        assert!(list.nodes.len() <= 8, "{}", list.nodes.len());
        // Sealed nodes hold no spare room: about 5 bytes an element overall.
        assert!(list.heap_size_bytes() < 10_000 * 5 + 2 * 16384);
        let fill = Fill::from_config(4);
        let mut list = List::new();
        for _ in 0..10 {
            list.push(End::Back, b"x", fill);
        }
        assert_eq!(list.nodes.iter().map(|n| n.count()).collect::<Vec<_>>(), [4, 4, 2]);
        assert!(list.insert(b"x", b"y", false, fill));
        assert_eq!(list.nodes.iter().map(|n| n.count()).collect::<Vec<_>>(), [2, 3, 4, 2]);
    }
}
