//! `ThinBytes`: an owned, immutable byte string behind one 8-byte pointer.
//!
//! Large collections (a set's hashtable encoding) hold millions of short
//! strings; a `Box<[u8]>` costs 16 bytes per table bucket and hashbrown keeps up
//! to twice as many buckets as elements. `ThinBytes` stores its length in front
//! of the bytes, in the same allocation (LEB128, one byte up to 127), so a
//! bucket is a single pointer and an element is one exact-size allocation.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// An owned byte string: a pointer to `[varint length][bytes]`.
pub struct ThinBytes {
    ptr: NonNull<u8>,
}

// SAFETY: a `ThinBytes` uniquely owns its allocation (like `Box<[u8]>`) and
// offers only shared access to it through `&self`.
unsafe impl Send for ThinBytes {}
// SAFETY: as above; `&ThinBytes` only reads immutable bytes.
unsafe impl Sync for ThinBytes {}

/// Bytes of the LEB128 encoding of `len`.
fn varint_len(mut len: usize) -> usize {
    let mut n = 1;
    while len >= 0x80 {
        len >>= 7;
        n += 1;
    }
    n
}

impl ThinBytes {
    /// Copies `b` into a new allocation.
    pub fn new(b: &[u8]) -> ThinBytes {
        let header = varint_len(b.len());
        let layout = Self::layout(header + b.len());
        // SAFETY: the layout has a non-zero size (the header is at least one byte).
        let raw = unsafe { alloc(layout) };
        let Some(ptr) = NonNull::new(raw) else { handle_alloc_error(layout) };
        let mut len = b.len();
        // SAFETY: `header + b.len()` bytes were allocated at `raw`; the header
        // takes `header` of them and the copy the rest, without overlap.
        unsafe {
            for i in 0..header {
                let more = if i + 1 < header { 0x80 } else { 0 };
                raw.add(i).write((len & 0x7f) as u8 | more);
                len >>= 7;
            }
            std::ptr::copy_nonoverlapping(b.as_ptr(), raw.add(header), b.len());
        }
        ThinBytes { ptr }
    }

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 1).expect("byte string too long")
    }

    /// Decodes the header: (header bytes, string length).
    #[inline]
    fn header(&self) -> (usize, usize) {
        let (mut len, mut shift, mut i) = (0usize, 0, 0);
        loop {
            // SAFETY: the header was written by `new` and ends with a byte
            // below 0x80, so every byte read here is inside the allocation.
            let b = unsafe { self.ptr.as_ptr().add(i).read() };
            len |= ((b & 0x7f) as usize) << shift;
            i += 1;
            if b < 0x80 {
                return (i, len);
            }
            shift += 7;
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let (header, len) = self.header();
        // SAFETY: `len` bytes follow the header in the allocation, which lives
        // as long as `self` and is never written after `new`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().add(header), len) }
    }

    /// Bytes of the allocation (header included).
    pub fn alloc_size_bytes(&self) -> usize {
        let (header, len) = self.header();
        header + len
    }
}

impl Drop for ThinBytes {
    fn drop(&mut self) {
        let layout = Self::layout(self.alloc_size_bytes());
        // SAFETY: `ptr` was allocated by `new` with this same layout.
        unsafe { dealloc(self.ptr.as_ptr(), layout) }
    }
}

impl Clone for ThinBytes {
    fn clone(&self) -> Self {
        ThinBytes::new(self.as_bytes())
    }
}

impl PartialEq for ThinBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl Eq for ThinBytes {}

impl std::fmt::Debug for ThinBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_across_header_sizes() {
        assert_eq!(std::mem::size_of::<ThinBytes>(), 8);
        assert_eq!(std::mem::size_of::<Option<ThinBytes>>(), 8);
        for n in [0usize, 1, 127, 128, 300, 16_383, 16_384, 70_000] {
            let v: Vec<u8> = (0..n).map(|i| (i * 7) as u8).collect();
            let t = ThinBytes::new(&v);
            assert_eq!(t.as_bytes(), &v[..]);
            assert_eq!(t.alloc_size_bytes(), n + varint_len(n));
            assert_eq!(t.clone(), t);
        }
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
    }
}
