//! `Elem`: one member of a large sorted set and its score, in one heap block
//! behind a thin (8-byte) pointer.
//!
//! A large sorted set refers to each member from two places: its hash index
//! (member -> score) and its order-statistic tree (rank order). Both hold the
//! same `Elem`, so the member's bytes exist once and each reference costs 8
//! bytes. Layout of the block (8-byte aligned):
//!
//! | bytes        | what                                                   |
//! |--------------|--------------------------------------------------------|
//! | 0..8         | score, f64                                             |
//! | 8            | member length if < 255, else 255                       |
//! | 9..13        | member length as u32 LE (only when byte 8 is 255)      |
//! | then         | member bytes                                           |
//!
//! An `Elem` is a plain copyable handle: it does not free its block when
//! dropped. The sorted set that created it owns it and frees it exactly once
//! ([`Elem::free`]) after removing it from both its index and its tree; no
//! handle is used after that. This is the only module with `unsafe` code of
//! the sorted set.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// Offset of the length byte.
const LEN_AT: usize = 8;
/// Length byte value saying a u32 length follows.
const LONG_LEN: u8 = 255;

/// A member and its score in one heap block (see the module doc).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Elem(NonNull<u8>);

impl Elem {
    /// Allocates a block holding `member` and `score`.
    pub fn new(member: &[u8], score: f64) -> Elem {
        let len = u32::try_from(member.len()).expect("member longer than 4 GiB");
        let short = member.len() < LONG_LEN as usize;
        let data_at = if short { LEN_AT + 1 } else { LEN_AT + 5 };
        let layout = Self::layout(data_at + member.len());
        // SAFETY: the layout has a non-zero size (at least 9 bytes). Every write
        // below stays within the `data_at + member.len()` bytes allocated; the
        // score is written at offset 0 of an 8-aligned block.
        unsafe {
            let p = alloc(layout);
            let Some(p) = NonNull::new(p) else { handle_alloc_error(layout) };
            p.as_ptr().cast::<f64>().write(score);
            if short {
                p.as_ptr().add(LEN_AT).write(len as u8);
            } else {
                p.as_ptr().add(LEN_AT).write(LONG_LEN);
                std::ptr::copy_nonoverlapping(
                    len.to_le_bytes().as_ptr(),
                    p.as_ptr().add(LEN_AT + 1),
                    4,
                );
            }
            std::ptr::copy_nonoverlapping(member.as_ptr(), p.as_ptr().add(data_at), member.len());
            Elem(p)
        }
    }

    fn layout(size_bytes: usize) -> Layout {
        Layout::from_size_align(size_bytes, 8).expect("member size overflows a layout")
    }

    /// Where the member bytes start, and how many there are.
    #[inline]
    fn span(&self) -> (usize, usize) {
        // SAFETY: the block is live (module invariant) and at least 9 bytes;
        // when byte 8 is LONG_LEN the block holds 4 more length bytes.
        unsafe {
            let p = self.0.as_ptr();
            let b = *p.add(LEN_AT);
            if b != LONG_LEN {
                (LEN_AT + 1, b as usize)
            } else {
                let mut len = [0u8; 4];
                std::ptr::copy_nonoverlapping(p.add(LEN_AT + 1), len.as_mut_ptr(), 4);
                (LEN_AT + 5, u32::from_le_bytes(len) as usize)
            }
        }
    }

    /// The member's bytes.
    #[inline]
    pub fn member<'a>(&self) -> &'a [u8] {
        let (at, len) = self.span();
        // SAFETY: the block is live and holds `len` member bytes at `at`. The
        // lifetime is the caller's: the owning set never frees a block while a
        // borrow of itself (through which the handle was obtained) is alive.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(at), len) }
    }

    /// The score.
    #[inline]
    pub fn score(&self) -> f64 {
        // SAFETY: live block, 8-aligned, score at offset 0.
        unsafe { self.0.as_ptr().cast::<f64>().read() }
    }

    /// Replaces the score.
    #[inline]
    pub fn set_score(&self, score: f64) {
        // SAFETY: live block, 8-aligned, score at offset 0; the set owning the
        // block is borrowed mutably by whoever calls this.
        unsafe { self.0.as_ptr().cast::<f64>().write(score) }
    }

    /// Bytes of the heap block.
    pub fn size_bytes(&self) -> usize {
        let (at, len) = self.span();
        at + len
    }

    /// Frees the block. The handle (and every copy of it) must not be used
    /// again: the owning set calls this once, after unlinking the element.
    pub fn free(self) {
        let layout = Self::layout(self.size_bytes());
        // SAFETY: allocated by `new` with this same layout (the size is read
        // back from the block), freed once by the module invariant.
        unsafe { dealloc(self.0.as_ptr(), layout) }
    }
}

impl std::fmt::Debug for Elem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}={}", String::from_utf8_lossy(self.member()), self.score())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_members() {
        for len in [0usize, 1, 13, 254, 255, 256, 70_000] {
            let m: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let e = Elem::new(&m, -1.5);
            assert_eq!(e.member(), &m[..]);
            assert_eq!(e.score(), -1.5);
            e.set_score(f64::INFINITY);
            assert_eq!(e.score(), f64::INFINITY);
            assert_eq!(e.size_bytes(), len + if len < 255 { 9 } else { 13 });
            e.free();
        }
    }
}
