//! An order-statistic B+tree of sorted set elements: ordered by (score,
//! member), every inner node knowing how many elements each child holds, so
//! that rank queries, access by rank and insert/remove are O(log n).
//!
//! Why a B+tree rather than Redis's skiplist: a leaf is one 1 KiB array of
//! (score, element handle) pairs, so an element costs 16 bytes over its
//! block (about 23 at the usual 70% fill; ~100% when scores arrive in order,
//! thanks to the end-biased split) where a skiplist node costs 40-80 bytes,
//! and searches touch a few cache lines per level instead of one per hop.
//!
//! Invariants (checked by `check` in tests):
//! - all leaves are at the same depth; entries are strictly increasing;
//! - an inner node's `Child::min` is the first entry of that child and
//!   `Child::count` the number of entries under it;
//! - every node but the root holds at least one entry/child; nodes are
//!   merged with a neighbour when they fall below a third of capacity.
//!
//! The tree stores `Elem` handles; it never allocates or frees them.

use super::elem::Elem;
use super::order;
use std::cmp::Ordering;

/// Entries per leaf (a leaf's buffer holds one more, transiently, before a split).
const LEAF_CAP: usize = 63;
/// Children per inner node (likewise, plus one).
const INNER_CAP: usize = 31;

/// A score and its element, as stored in leaves.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub score: f64,
    pub elem: Elem,
}

impl Entry {
    /// Orders the entry against (score, member), as [`order`].
    #[inline]
    pub fn cmp_key(&self, score: f64, member: &[u8]) -> Ordering {
        order(self.score, self.elem.member(), score, member)
    }
}

struct Child {
    /// First entry under `node`.
    min: Entry,
    /// Entries under `node`.
    count: usize,
    node: Node,
}

enum Node {
    Leaf(Vec<Entry>),
    Inner(Vec<Child>),
}

impl Node {
    fn new_leaf() -> Node {
        Node::Leaf(Vec::with_capacity(LEAF_CAP + 1))
    }

    fn width(&self) -> usize {
        match self {
            Node::Leaf(v) => v.len(),
            Node::Inner(c) => c.len(),
        }
    }

    fn cap(&self) -> usize {
        match self {
            Node::Leaf(_) => LEAF_CAP,
            Node::Inner(_) => INNER_CAP,
        }
    }

    fn count(&self) -> usize {
        match self {
            Node::Leaf(v) => v.len(),
            Node::Inner(c) => c.iter().map(|c| c.count).sum(),
        }
    }

    fn min(&self) -> Entry {
        match self {
            Node::Leaf(v) => v[0],
            Node::Inner(c) => c[0].min,
        }
    }

    fn into_child(self) -> Child {
        Child { min: self.min(), count: self.count(), node: self }
    }

    /// Splits off the items from `at` on into a new node of the same kind.
    fn split_off(&mut self, at: usize) -> Node {
        match self {
            Node::Leaf(v) => {
                let mut r = Vec::with_capacity(LEAF_CAP + 1);
                r.extend(v.drain(at..));
                Node::Leaf(r)
            }
            Node::Inner(c) => {
                let mut r = Vec::with_capacity(INNER_CAP + 1);
                r.extend(c.drain(at..));
                Node::Inner(r)
            }
        }
    }

    /// Moves every item of `right` (same kind, all greater) to the end of self.
    fn append(&mut self, right: Node) {
        match (self, right) {
            (Node::Leaf(a), Node::Leaf(b)) => a.extend(b),
            (Node::Inner(a), Node::Inner(b)) => a.extend(b),
            _ => unreachable!("siblings are of one kind"),
        }
    }

    /// After an item was inserted at `pos`, splits an overfull node: the new
    /// right sibling, if any. Appending at either end (ascending or descending
    /// inserts) leaves the old node full rather than half full.
    fn split_if_full(&mut self, pos: usize) -> Option<Node> {
        let width = self.width();
        if width <= self.cap() {
            return None;
        }
        let at = if pos == width - 1 {
            width - 1
        } else if pos == 0 {
            1
        } else {
            width / 2
        };
        Some(self.split_off(at))
    }

    fn insert(&mut self, e: Entry) -> Option<Node> {
        match self {
            Node::Leaf(v) => {
                let key = e.elem.member();
                let pos = v.partition_point(|x| x.cmp_key(e.score, key) == Ordering::Less);
                v.insert(pos, e);
                self.split_if_full(pos)
            }
            Node::Inner(children) => {
                let i = child_for(children, e.score, e.elem.member());
                let child = &mut children[i];
                let split = child.node.insert(e);
                child.count += 1;
                child.min = child.node.min();
                if let Some(right) = split {
                    child.count -= right.count();
                    children.insert(i + 1, right.into_child());
                    return self.split_if_full(i + 1);
                }
                None
            }
        }
    }

    /// Removes the entry at `rank` (< count).
    fn remove_at(&mut self, rank: usize) -> Entry {
        match self {
            Node::Leaf(v) => v.remove(rank),
            Node::Inner(children) => {
                let (i, within) = locate(children, rank);
                let e = children[i].node.remove_at(within);
                fix_child(children, i);
                e
            }
        }
    }

    /// Number of entries for which `before` holds (`before` must hold for a
    /// prefix of the order and not after it).
    fn partition_point(&self, before: &impl Fn(&Entry) -> bool) -> usize {
        let mut node = self;
        let mut skipped = 0;
        loop {
            match node {
                Node::Leaf(v) => return skipped + v.partition_point(before),
                Node::Inner(children) => {
                    let j = children.partition_point(|c| before(&c.min));
                    if j == 0 {
                        return skipped;
                    }
                    skipped += children[..j - 1].iter().map(|c| c.count).sum::<usize>();
                    node = &children[j - 1].node;
                }
            }
        }
    }

    fn get(&self, mut rank: usize) -> Entry {
        let mut node = self;
        loop {
            match node {
                Node::Leaf(v) => return v[rank],
                Node::Inner(children) => {
                    let (i, within) = locate(children, rank);
                    rank = within;
                    node = &children[i].node;
                }
            }
        }
    }

    /// Calls `f` on the entries of ranks `start..end` (relative to this node),
    /// ascending or, if `rev`, descending. Stops when `f` returns false;
    /// returns false then.
    fn walk(&self, start: usize, end: usize, rev: bool, f: &mut impl FnMut(Entry) -> bool) -> bool {
        match self {
            Node::Leaf(v) => {
                let part = &v[start..end];
                if rev {
                    part.iter().rev().all(|e| f(*e))
                } else {
                    part.iter().all(|e| f(*e))
                }
            }
            Node::Inner(children) => {
                let mut first = 0;
                let mut spans = Vec::with_capacity(children.len());
                for c in children {
                    let (lo, hi) = (first, first + c.count);
                    first = hi;
                    if hi > start && lo < end {
                        spans.push((c, start.max(lo) - lo, end.min(hi) - lo));
                    }
                }
                if rev {
                    spans.reverse();
                }
                spans.into_iter().all(|(c, s, e)| c.node.walk(s, e, rev, f))
            }
        }
    }
}

/// The child whose range holds (score, member): the last whose minimum is
/// not greater, or the first.
fn child_for(children: &[Child], score: f64, member: &[u8]) -> usize {
    children.partition_point(|c| c.min.cmp_key(score, member) != Ordering::Greater).max(1) - 1
}

/// The child holding `rank` and the rank within it.
fn locate(children: &[Child], mut rank: usize) -> (usize, usize) {
    for (i, c) in children.iter().enumerate() {
        if rank < c.count {
            return (i, rank);
        }
        rank -= c.count;
    }
    unreachable!("rank beyond the node's count")
}

/// After child `i` lost an entry: updates its count and minimum, and merges
/// it with a neighbour (splitting the result evenly if too wide) when it fell
/// below a third of capacity.
fn fix_child(children: &mut Vec<Child>, i: usize) {
    let c = &mut children[i];
    c.count -= 1;
    if c.node.width() > 0 {
        c.min = c.node.min();
    }
    if c.node.width() * 3 >= c.node.cap() || children.len() == 1 {
        return;
    }
    let left = if i + 1 < children.len() { i } else { i - 1 };
    let right = children.remove(left + 1);
    let merged = &mut children[left];
    merged.node.append(right.node);
    merged.count += right.count;
    let width = merged.node.width();
    if width > 0 {
        merged.min = merged.node.min();
    }
    if width > merged.node.cap() {
        let r = merged.node.split_off(width / 2);
        merged.count -= r.count();
        children.insert(left + 1, r.into_child());
    }
}

/// An order-statistic B+tree of entries (see the module doc).
pub struct Tree {
    root: Node,
    len: usize,
}

impl Default for Tree {
    fn default() -> Self {
        Tree { root: Node::new_leaf(), len: 0 }
    }
}

impl Tree {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Inserts an entry whose member is not in the tree.
    pub fn insert(&mut self, e: Entry) {
        if let Some(right) = self.root.insert(e) {
            let left = std::mem::replace(&mut self.root, Node::new_leaf());
            let mut children = Vec::with_capacity(INNER_CAP + 1);
            children.push(left.into_child());
            children.push(right.into_child());
            self.root = Node::Inner(children);
        }
        self.len += 1;
    }

    /// Removes and returns the entry at `rank` (< len).
    pub fn remove_at(&mut self, rank: usize) -> Entry {
        debug_assert!(rank < self.len);
        let e = self.root.remove_at(rank);
        self.len -= 1;
        // A root with one child hands over to it.
        while let Node::Inner(children) = &mut self.root {
            if children.len() != 1 {
                break;
            }
            self.root = children.pop().expect("one child").node;
        }
        e
    }

    /// The rank of the entry (score, member), which must be in the tree.
    pub fn rank(&self, score: f64, member: &[u8]) -> usize {
        self.partition_point(|e| e.cmp_key(score, member) == Ordering::Less)
    }

    /// Number of leading entries for which `before` holds (it must hold for a
    /// prefix of the order and for nothing after).
    pub fn partition_point(&self, before: impl Fn(&Entry) -> bool) -> usize {
        self.root.partition_point(&before)
    }

    /// The entry at `rank` (< len).
    pub fn get(&self, rank: usize) -> Entry {
        self.root.get(rank)
    }

    /// Calls `f` on entries of ranks `start..end`, descending if `rev`, until
    /// it returns false.
    pub fn walk(&self, start: usize, end: usize, rev: bool, mut f: impl FnMut(Entry) -> bool) {
        let end = end.min(self.len);
        if start < end {
            self.root.walk(start, end, rev, &mut f);
        }
    }

    /// Heap bytes of the nodes (an estimate from the entry count: leaves and
    /// inner nodes are fixed-size buffers about 70% full).
    pub fn heap_size_bytes(&self) -> usize {
        self.len * std::mem::size_of::<Entry>() * 10 / 7
    }

    /// Checks the invariants of the module doc (tests).
    #[cfg(test)]
    pub fn check(&self) {
        fn visit(n: &Node, is_root: bool, depth: usize, leaf_depth: &mut Option<usize>) -> usize {
            assert!(is_root || n.width() > 0, "empty non-root node");
            assert!(n.width() <= n.cap());
            match n {
                Node::Leaf(v) => {
                    assert_eq!(*leaf_depth.get_or_insert(depth), depth, "leaves at one depth");
                    for w in v.windows(2) {
                        assert_eq!(w[0].cmp_key(w[1].score, w[1].elem.member()), Ordering::Less);
                    }
                    v.len()
                }
                Node::Inner(children) => {
                    let mut total = 0;
                    for c in children {
                        let count = visit(&c.node, false, depth + 1, leaf_depth);
                        assert_eq!(count, c.count, "child count");
                        assert_eq!(c.min.elem, c.node.min().elem, "child min");
                        total += count;
                    }
                    total
                }
            }
        }
        assert_eq!(visit(&self.root, true, 0, &mut None), self.len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(score: f64, member: &str) -> Entry {
        Entry { score, elem: Elem::new(member.as_bytes(), score) }
    }

    fn members(t: &Tree, start: usize, end: usize, rev: bool) -> Vec<String> {
        let mut out = Vec::new();
        t.walk(start, end, rev, |e| {
            out.push(String::from_utf8_lossy(e.elem.member()).into_owned());
            true
        });
        out
    }

    #[test]
    fn random_inserts_and_removals_keep_order_and_ranks() {
        let mut t = Tree::default();
        let mut model: Vec<(i64, String)> = Vec::new();
        let mut x: u64 = 7;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..20_000 {
            let r = next();
            if model.is_empty() || r % 3 != 0 {
                let score = (r % 500) as i64;
                let member = format!("m{}", next() % 5000);
                if model.iter().any(|(_, m)| *m == member) {
                    continue;
                }
                t.insert(entry(score as f64, &member));
                let pos = model.partition_point(|(s, m)| (*s, m.as_str()) < (score, &member));
                model.insert(pos, (score, member.clone()));
                assert_eq!(t.rank(score as f64, member.as_bytes()), pos);
            } else {
                let rank = (next() as usize) % model.len();
                let e = t.remove_at(rank);
                let (s, m) = model.remove(rank);
                assert_eq!((e.score, e.elem.member()), (s as f64, m.as_bytes()));
                e.elem.free();
            }
            if round % 997 == 0 {
                t.check();
            }
        }
        t.check();
        let all: Vec<String> = model.iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(members(&t, 0, usize::MAX, false), all);
        let mut rev = all.clone();
        rev.reverse();
        assert_eq!(members(&t, 0, t.len(), true), rev);
        assert_eq!(members(&t, 3, 9, false), all[3..9].to_vec());
        for (i, (s, m)) in model.iter().enumerate() {
            assert_eq!(t.get(i).elem.member(), m.as_bytes());
            assert_eq!(
                t.partition_point(|e| e.score < *s as f64),
                model.partition_point(|x| x.0 < *s)
            );
        }
        while t.len() > 0 {
            t.remove_at(t.len() / 2).elem.free();
        }
        t.check();
    }

    #[test]
    fn ascending_inserts_fill_leaves() {
        let mut t = Tree::default();
        for i in 0..10_000 {
            t.insert(entry(i as f64, "m"));
        }
        t.check();
        let Node::Inner(children) = &t.root else { panic!("one level at least") };
        let leaves = |n: &Node| -> usize {
            fn count(n: &Node) -> usize {
                match n {
                    Node::Leaf(_) => 1,
                    Node::Inner(c) => c.iter().map(|c| count(&c.node)).sum(),
                }
            }
            count(n)
        };
        let total: usize = children.iter().map(|c| leaves(&c.node)).sum();
        assert!(total <= 10_000 / LEAF_CAP + 1, "{total} leaves");
        while t.len() > 0 {
            t.remove_at(0).elem.free();
        }
    }
}
