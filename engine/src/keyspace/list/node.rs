//! One node of a list: a run of elements packed into one byte buffer (Redis's
//! listpack idea), walkable in both directions.
//!
//! An element is stored as `len` (forward varint) `bytes` `len` (backward
//! varint): the forward varint is LEB128 (low 7-bit group first, high bit =
//! more follows), the backward one holds the same groups in reverse order so
//! that it can be read from the element's end towards the start. Elements
//! shorter than 128 bytes cost two bytes of overhead, as in a listpack.
//!
//! The elements live in `buf[head..]`: the bytes before `head` are free room,
//! so a push at the front is a write into that room (amortized O(1)) and a pop
//! at the front just moves `head`. Room is given back when the node is sealed
//! (a neighbour node starts) or when the free front outgrows the elements.

/// Bytes of the varint holding `len` (forward and backward are the same size).
#[inline]
pub(crate) fn varint_size(len: usize) -> usize {
    match len {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0xfff_ffff => 4,
        _ => 5,
    }
}

/// Bytes an element of `len` bytes takes in a node.
#[inline]
pub(crate) fn entry_size(len: usize) -> usize {
    2 * varint_size(len) + len
}

/// Writes the element `v` into `out`, which is exactly `entry_size(v.len())` long.
fn encode_into(out: &mut [u8], v: &[u8]) {
    let n = varint_size(v.len());
    let mut len = v.len();
    for i in 0..n {
        let group = (len & 0x7f) as u8;
        len >>= 7;
        let more = if i + 1 < n { 0x80 } else { 0 };
        // Forward: group i at i. Backward: group i at the i-th byte from the end.
        out[i] = group | more;
        out[out.len() - 1 - i] = group | more;
    }
    out[n..n + v.len()].copy_from_slice(v);
}

/// Reads a forward varint at `buf[p..]`: (value, bytes used).
#[inline]
fn read_forward(buf: &[u8], p: usize) -> (usize, usize) {
    let b = buf[p];
    if b < 0x80 {
        return (b as usize, 1);
    }
    let (mut v, mut i) = (0usize, 0);
    loop {
        let b = buf[p + i];
        v |= ((b & 0x7f) as usize) << (7 * i);
        i += 1;
        if b & 0x80 == 0 {
            return (v, i);
        }
    }
}

/// Reads a backward varint ending just before `end`: (value, bytes used).
#[inline]
fn read_backward(buf: &[u8], end: usize) -> (usize, usize) {
    let b = buf[end - 1];
    if b < 0x80 {
        return (b as usize, 1);
    }
    let (mut v, mut i) = (0usize, 0);
    loop {
        let b = buf[end - 1 - i];
        v |= ((b & 0x7f) as usize) << (7 * i);
        i += 1;
        if b & 0x80 == 0 {
            return (v, i);
        }
    }
}

/// How big a node may grow, from `list-max-listpack-size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fill {
    /// Most element bytes (encoding included) in one node.
    pub max_bytes: usize,
    /// Most elements in one node.
    pub max_count: usize,
}

/// Node sizes for negative `list-max-listpack-size` values -1 ... -5 (Redis's
/// `optimization_level`); below -5 counts as -5.
const SIZE_LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// The byte bound of a node limited by element count (Redis's `SIZE_SAFETY_LIMIT`).
const SAFETY_BYTES: usize = 8192;
/// The element count bound of any node (Redis keeps a node's count in 16 bits).
const MAX_COUNT: usize = u16::MAX as usize;

impl Fill {
    /// The limits `list-max-listpack-size = fill` sets, as Redis's quicklist
    /// reads them: negative values bound the bytes, positive ones the count.
    pub fn from_config(fill: i64) -> Fill {
        if fill < 0 {
            let level = (fill.unsigned_abs() as usize - 1).min(SIZE_LEVELS.len() - 1);
            Fill { max_bytes: SIZE_LEVELS[level], max_count: MAX_COUNT }
        } else {
            Fill { max_bytes: SAFETY_BYTES, max_count: (fill as usize).clamp(1, MAX_COUNT) }
        }
    }
}

/// A run of elements in one buffer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// `buf[head..]` holds the elements; before `head` is free room.
    buf: Vec<u8>,
    head: usize,
    count: usize,
}

/// The smallest free room a front push reserves.
const MIN_FRONT_ROOM: usize = 16;

impl Node {
    /// Number of elements.
    #[inline]
    pub fn count(&self) -> usize {
        self.count
    }

    /// Bytes of the encoded elements.
    #[inline]
    pub fn used_bytes(&self) -> usize {
        self.buf.len() - self.head
    }

    /// Bytes allocated.
    pub fn heap_size_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// True when one more element of `len` bytes keeps the node within `fill`
    /// (an empty node takes any element).
    #[inline]
    pub fn fits(&self, len: usize, fill: Fill) -> bool {
        self.count == 0
            || (self.count < fill.max_count
                && self.used_bytes() + entry_size(len) <= fill.max_bytes)
    }

    /// True when the node is over `fill` (and could be split).
    pub fn over(&self, fill: Fill) -> bool {
        self.count > 1 && (self.count > fill.max_count || self.used_bytes() > fill.max_bytes)
    }

    /// Gives back free room: called when the node stops being an end of the list,
    /// and after deletions.
    pub fn seal(&mut self) {
        if self.head > 0 {
            self.buf.drain(..self.head);
            self.head = 0;
        }
        self.buf.shrink_to_fit();
    }

    /// Seals the node when it holds less than half of what it allocated.
    pub fn seal_if_sparse(&mut self) {
        if self.buf.capacity() > 2 * self.used_bytes() + 64 {
            self.seal();
        }
    }

    /// Appends an element.
    pub fn push_back(&mut self, v: &[u8]) {
        if self.head > self.used_bytes() {
            // Pops at the front freed more than what is left: move it back.
            self.buf.drain(..self.head);
            self.head = 0;
        }
        let at = self.buf.len();
        self.buf.resize(at + entry_size(v.len()), 0);
        encode_into(&mut self.buf[at..], v);
        self.count += 1;
    }

    /// Prepends an element.
    pub fn push_front(&mut self, v: &[u8]) {
        let size = entry_size(v.len());
        if self.head < size {
            let used = self.used_bytes();
            let room = size + used.max(MIN_FRONT_ROOM);
            let mut buf = Vec::with_capacity(room + used);
            buf.resize(room, 0);
            buf.extend_from_slice(&self.buf[self.head..]);
            self.buf = buf;
            self.head = room;
        }
        self.head -= size;
        let head = self.head;
        encode_into(&mut self.buf[head..head + size], v);
        self.count += 1;
    }

    /// The element starting at offset `p`: (bytes, offset of the next one).
    #[inline]
    pub fn entry_at(&self, p: usize) -> (&[u8], usize) {
        let (len, n) = read_forward(&self.buf, p);
        (&self.buf[p + n..p + n + len], p + 2 * n + len)
    }

    /// The element ending at offset `end`: (bytes, offset where it starts).
    #[inline]
    pub fn entry_before(&self, end: usize) -> (&[u8], usize) {
        let (len, n) = read_backward(&self.buf, end);
        let start = end - 2 * n - len;
        (&self.buf[start + n..start + n + len], start)
    }

    /// Offset of the first element.
    #[inline]
    pub fn start(&self) -> usize {
        self.head
    }

    /// Offset just past the last element.
    #[inline]
    pub fn end(&self) -> usize {
        self.buf.len()
    }

    /// Offset of element `i` (< count), walking from the nearer end.
    pub fn offset_of(&self, i: usize) -> usize {
        debug_assert!(i < self.count);
        if i <= self.count / 2 {
            let mut p = self.head;
            for _ in 0..i {
                p = self.entry_at(p).1;
            }
            p
        } else {
            let mut p = self.end();
            for _ in i..self.count {
                p = self.entry_before(p).1;
            }
            p
        }
    }

    /// Removes the first element, handing its bytes to `f` first.
    pub fn pop_front<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> R {
        debug_assert!(self.count > 0);
        let (v, next) = self.entry_at(self.head);
        let r = f(v);
        self.head = next;
        self.count -= 1;
        if self.count == 0 {
            self.buf.clear();
            self.head = 0;
        }
        r
    }

    /// Removes the last element, handing its bytes to `f` first.
    pub fn pop_back<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> R {
        debug_assert!(self.count > 0);
        let (v, start) = self.entry_before(self.end());
        let r = f(v);
        self.buf.truncate(start);
        self.count -= 1;
        if self.count == 0 {
            self.buf.clear();
            self.head = 0;
        }
        r
    }

    /// Removes the first `n` elements (n <= count).
    pub fn remove_front(&mut self, n: usize) {
        let p = if n == self.count { self.end() } else { self.offset_of(n) };
        self.head = p;
        self.count -= n;
        self.seal_if_sparse();
    }

    /// Removes the last `n` elements (n <= count).
    pub fn remove_back(&mut self, n: usize) {
        let p = if n == self.count { self.head } else { self.offset_of(self.count - n) };
        self.buf.truncate(p);
        self.count -= n;
        self.seal_if_sparse();
    }

    /// Inserts an element at offset `p` (an element boundary).
    pub fn insert_at(&mut self, p: usize, v: &[u8]) {
        let size = entry_size(v.len());
        self.buf.splice(p..p, std::iter::repeat_n(0, size));
        encode_into(&mut self.buf[p..p + size], v);
        self.count += 1;
    }

    /// Replaces the element at offset `p` with `v`.
    pub fn replace_at(&mut self, p: usize, v: &[u8]) {
        let next = self.entry_at(p).1;
        let size = entry_size(v.len());
        self.buf.splice(p..next, std::iter::repeat_n(0, size));
        encode_into(&mut self.buf[p..p + size], v);
    }

    /// Removes the elements equal to `v`: at most `limit` of them (0: all),
    /// the first ones, or the last ones when `from_back`. Returns how many.
    pub fn remove_matching(&mut self, v: &[u8], limit: usize, from_back: bool) -> usize {
        let mut hits: Vec<(usize, usize)> = Vec::new();
        let mut p = self.head;
        while p < self.end() {
            let (e, next) = self.entry_at(p);
            if e == v {
                hits.push((p, next));
                if !from_back && hits.len() == limit {
                    break;
                }
            }
            p = next;
        }
        if from_back && limit != 0 && hits.len() > limit {
            hits.drain(..hits.len() - limit);
        }
        if hits.is_empty() {
            return 0;
        }
        // Compact in one pass: slide each kept run over the removed ones.
        let mut write = hits[0].0;
        for (i, &(_, end)) in hits.iter().enumerate() {
            let run_end = hits.get(i + 1).map_or(self.end(), |h| h.0);
            self.buf.copy_within(end..run_end, write);
            write += run_end - end;
        }
        self.buf.truncate(write);
        self.count -= hits.len();
        self.seal_if_sparse();
        hits.len()
    }

    /// Splits off the elements from index `i` on into a new node.
    pub fn split_off(&mut self, i: usize) -> Node {
        let p = self.offset_of(i);
        let tail = Node { buf: self.buf[p..].to_vec(), head: 0, count: self.count - i };
        self.buf.truncate(p);
        self.count = i;
        self.seal();
        tail
    }

    /// The elements, first to last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + '_ {
        NodeIter { node: self, front: self.head, back: self.end() }
    }
}

/// Walks a node's elements from both ends.
struct NodeIter<'a> {
    node: &'a Node,
    front: usize,
    back: usize,
}

impl<'a> Iterator for NodeIter<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.front >= self.back {
            return None;
        }
        let (v, next) = self.node.entry_at(self.front);
        self.front = next;
        Some(v)
    }
}

impl<'a> DoubleEndedIterator for NodeIter<'a> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a [u8]> {
        if self.front >= self.back {
            return None;
        }
        let (v, start) = self.node.entry_before(self.back);
        self.back = start;
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elems(n: &Node) -> Vec<Vec<u8>> {
        n.iter().map(|e| e.to_vec()).collect()
    }

    #[test]
    fn varints_round_trip_both_ways() {
        for len in [0usize, 1, 127, 128, 300, 16383, 16384, 70000, 2_097_152, 1 << 28] {
            let v = vec![7u8; len];
            let mut out = vec![0u8; entry_size(len)];
            encode_into(&mut out, &v);
            assert_eq!(read_forward(&out, 0), (len, varint_size(len)));
            assert_eq!(read_backward(&out, out.len()), (len, varint_size(len)));
        }
        assert_eq!(entry_size(3), 5);
    }

    #[test]
    fn pushes_pops_and_walks() {
        let mut n = Node::default();
        for i in 0..100 {
            n.push_back(format!("b{i}").as_bytes());
            n.push_front(format!("f{i}").as_bytes());
        }
        assert_eq!(n.count(), 200);
        let all = elems(&n);
        assert_eq!(all[0], b"f99");
        assert_eq!(all[199], b"b99");
        let rev: Vec<Vec<u8>> = n.iter().rev().map(|e| e.to_vec()).collect();
        assert_eq!(rev.iter().rev().cloned().collect::<Vec<_>>(), all);
        for (i, e) in all.iter().enumerate() {
            assert_eq!(n.entry_at(n.offset_of(i)).0, &e[..]);
        }
        assert_eq!(n.pop_front(|v| v.to_vec()), b"f99");
        assert_eq!(n.pop_back(|v| v.to_vec()), b"b99");
        assert_eq!(n.count(), 198);
    }

    #[test]
    fn queue_use_keeps_the_buffer_bounded() {
        let mut n = Node::default();
        for i in 0..100_000 {
            n.push_back(b"0123456789");
            if i >= 10 {
                n.pop_front(|_| ());
            }
        }
        assert_eq!(n.count(), 10);
        assert!(n.heap_size_bytes() < 1024, "{}", n.heap_size_bytes());
    }

    #[test]
    fn edits_in_the_middle() {
        let mut n = Node::default();
        for v in ["a", "b", "a", "c", "a"] {
            n.push_back(v.as_bytes());
        }
        n.insert_at(n.offset_of(1), b"long-element");
        n.replace_at(n.offset_of(0), b"z");
        assert_eq!(elems(&n), [&b"z"[..], b"long-element", b"b", b"a", b"c", b"a"]);
        assert_eq!(n.remove_matching(b"a", 1, true), 1);
        assert_eq!(elems(&n), [&b"z"[..], b"long-element", b"b", b"a", b"c"]);
        assert_eq!(n.remove_matching(b"b", 0, false), 1);
        let tail = n.split_off(2);
        assert_eq!(elems(&n), [&b"z"[..], b"long-element"]);
        assert_eq!(elems(&tail), [&b"a"[..], b"c"]);
        n.remove_front(1);
        assert_eq!(elems(&n), [&b"long-element"[..]]);
        n.remove_back(1);
        assert_eq!(n.count(), 0);
    }

    #[test]
    fn fill_limits_like_redis() {
        assert_eq!(Fill::from_config(-2), Fill { max_bytes: 8192, max_count: 65535 });
        assert_eq!(Fill::from_config(-9), Fill { max_bytes: 65536, max_count: 65535 });
        assert_eq!(Fill::from_config(0), Fill { max_bytes: 8192, max_count: 1 });
        assert_eq!(Fill::from_config(5), Fill { max_bytes: 8192, max_count: 5 });
        let mut n = Node::default();
        let fill = Fill::from_config(2);
        assert!(n.fits(100_000, fill));
        n.push_back(b"a");
        assert!(n.fits(1, fill));
        n.push_back(b"a");
        assert!(!n.fits(1, fill));
    }
}
