//! `SmallBytes`: an immutable byte string stored inline when short.
//!
//! Keys and short string values are the bulk of a cache's memory. Up to
//! [`INLINE_CAP`] bytes live inside the 24-byte value itself (no allocation, no
//! pointer chase); longer ones are one exact-size heap allocation.

/// Longest byte string stored inline.
pub const INLINE_CAP: usize = 22;

/// An immutable byte string, inline up to [`INLINE_CAP`] bytes.
#[derive(Clone)]
pub enum SmallBytes {
    /// Short: `len` bytes of `data` are used.
    Inline { len: u8, data: [u8; INLINE_CAP] },
    /// Long: an exact-size heap allocation.
    Heap(Box<[u8]>),
}

impl SmallBytes {
    /// Copies `b` into a new `SmallBytes`.
    #[inline]
    pub fn new(b: &[u8]) -> Self {
        if b.len() <= INLINE_CAP {
            let mut data = [0u8; INLINE_CAP];
            data[..b.len()].copy_from_slice(b);
            SmallBytes::Inline {
                len: b.len() as u8,
                data,
            }
        } else {
            SmallBytes::Heap(b.into())
        }
    }

    /// Takes ownership of `v`, inlining it when short.
    pub fn from_vec(v: Vec<u8>) -> Self {
        if v.len() <= INLINE_CAP {
            Self::new(&v)
        } else {
            SmallBytes::Heap(v.into_boxed_slice())
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SmallBytes::Inline { len, data } => &data[..*len as usize],
            SmallBytes::Heap(b) => b,
        }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes owned beyond the inline value itself.
    pub fn heap_size_bytes(&self) -> usize {
        match self {
            SmallBytes::Inline { .. } => 0,
            SmallBytes::Heap(b) => b.len(),
        }
    }
}

impl std::fmt::Debug for SmallBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

impl PartialEq for SmallBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl Eq for SmallBytes {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_roundtrip() {
        assert_eq!(std::mem::size_of::<SmallBytes>(), 24);
        for n in [0usize, 1, 21, 22, 23, 100] {
            let v: Vec<u8> = (0..n).map(|i| i as u8).collect();
            assert_eq!(SmallBytes::new(&v).as_bytes(), &v[..]);
            assert_eq!(SmallBytes::from_vec(v.clone()).as_bytes(), &v[..]);
        }
        assert!(matches!(
            SmallBytes::new(&[0; 22]),
            SmallBytes::Inline { .. }
        ));
        assert!(matches!(SmallBytes::new(&[0; 23]), SmallBytes::Heap(_)));
    }
}
