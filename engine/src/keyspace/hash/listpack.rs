//! `Listpack`: a small hash as one contiguous byte buffer (Redis's listpack idea).
//!
//! The buffer is a sequence of entries, field then value, in insertion order,
//! with no header and no terminator: the boxed slice knows its length. Each
//! entry uses the entry encodings of Redis's listpack (without its per-entry
//! back-length, which only reverse iteration needs):
//!
//! | first byte  | entry                                                  |
//! |-------------|--------------------------------------------------------|
//! | `0xxxxxxx`  | integer 0..=127                                        |
//! | `10llllll`  | string of up to 63 bytes follows                       |
//! | `110xxxxx`  | 13-bit signed integer, low 8 bits in the next byte     |
//! | `1110llll`  | string of up to 4095 bytes, low 8 length bits next     |
//! | `0xF0`      | string, u32 little-endian length follows               |
//! | `0xF1..F4`  | i16, i24, i32, i64 little-endian follows               |
//!
//! Strings that are canonical decimal integers (Redis's `string2ll`) are stored
//! as integers; reading one back renders the same text, so replies are
//! unaffected. The buffer is reallocated to its exact size on every change, as
//! Redis reallocates its listpacks: small hashes carry no slack.

use crate::keyspace::value::StrRef;
use crate::num::parse_i64_strict;

/// A hash's fields and values in one exact-size buffer, in insertion order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Listpack(Box<[u8]>);

/// Where a field's entry and its value's entry sit in the buffer.
#[derive(Clone, Copy, Debug)]
struct PairPos {
    /// Offset of the field's entry.
    field: usize,
    /// Offset of the value's entry.
    value: usize,
    /// Offset just past the value's entry.
    end: usize,
}

const STR_6BIT: u8 = 0x80;
const INT_13BIT: u8 = 0xC0;
const STR_12BIT: u8 = 0xE0;
const STR_32BIT: u8 = 0xF0;
const INT_16: u8 = 0xF1;
const INT_24: u8 = 0xF2;
const INT_32: u8 = 0xF3;
const INT_64: u8 = 0xF4;

/// `s` as an integer, when it is a canonical one (then stored as such).
fn as_int(s: &[u8]) -> Option<i64> {
    (s.len() <= 20).then(|| parse_i64_strict(s)).flatten()
}

/// Length in bytes of the entry for `s`.
fn encoded_len(s: &[u8]) -> usize {
    match as_int(s) {
        Some(n) => int_len(n),
        None => s.len() + str_header_len(s.len()),
    }
}

fn str_header_len(len: usize) -> usize {
    match len {
        0..=63 => 1,
        64..=4095 => 2,
        _ => 5,
    }
}

fn int_len(n: i64) -> usize {
    match n {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32_768..=32_767 => 3,
        -8_388_608..=8_388_607 => 4,
        -2_147_483_648..=2_147_483_647 => 5,
        _ => 9,
    }
}

/// Appends the entry for `s` to `out`.
fn encode(out: &mut Vec<u8>, s: &[u8]) {
    if let Some(n) = as_int(s) {
        let le = n.to_le_bytes();
        match int_len(n) {
            1 => out.push(n as u8),
            2 => out.extend_from_slice(&[INT_13BIT | ((n >> 8) as u8 & 0x1F), n as u8]),
            len => {
                out.push([INT_16, INT_24, INT_32, 0, 0, 0, INT_64][len - 3]);
                out.extend_from_slice(&le[..len - 1]);
            }
        }
        return;
    }
    let len = s.len();
    match str_header_len(len) {
        1 => out.push(STR_6BIT | len as u8),
        2 => out.extend_from_slice(&[STR_12BIT | (len >> 8) as u8, len as u8]),
        _ => {
            out.push(STR_32BIT);
            out.extend_from_slice(&(len as u32).to_le_bytes());
        }
    }
    out.extend_from_slice(s);
}

/// Sign-extends the low `bits` bits of `v`.
fn sign_extend(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// Reads `n` little-endian bytes at `at` as an unsigned number.
fn read_le(buf: &[u8], at: usize, n: usize) -> u64 {
    let mut b = [0u8; 8];
    b[..n].copy_from_slice(&buf[at..at + n]);
    u64::from_le_bytes(b)
}

/// The entry at `at` and the offset just past it.
fn decode(buf: &[u8], at: usize) -> (StrRef<'_>, usize) {
    let b = buf[at];
    let int = |n: i64, next: usize| (StrRef::from_i64(n), next);
    match b {
        0..=0x7F => int(b as i64, at + 1),
        0x80..=0xBF => {
            let len = (b & 0x3F) as usize;
            (StrRef::Bytes(&buf[at + 1..at + 1 + len]), at + 1 + len)
        }
        0xC0..=0xDF => int(sign_extend(((b as u64 & 0x1F) << 8) | buf[at + 1] as u64, 13), at + 2),
        0xE0..=0xEF => {
            let len = ((b as usize & 0x0F) << 8) | buf[at + 1] as usize;
            (StrRef::Bytes(&buf[at + 2..at + 2 + len]), at + 2 + len)
        }
        STR_32BIT => {
            let len = read_le(buf, at + 1, 4) as usize;
            (StrRef::Bytes(&buf[at + 5..at + 5 + len]), at + 5 + len)
        }
        INT_16 => int(sign_extend(read_le(buf, at + 1, 2), 16), at + 3),
        INT_24 => int(sign_extend(read_le(buf, at + 1, 3), 24), at + 4),
        INT_32 => int(sign_extend(read_le(buf, at + 1, 4), 32), at + 5),
        INT_64 => int(read_le(buf, at + 1, 8) as i64, at + 9),
        _ => unreachable!("invalid listpack entry byte {b:#x}"),
    }
}

/// Iterator over a listpack's (field, value) pairs, in order.
pub struct Pairs<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (StrRef<'a>, StrRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.buf.len() {
            return None;
        }
        let (field, v) = decode(self.buf, self.at);
        let (value, end) = decode(self.buf, v);
        self.at = end;
        Some((field, value))
    }
}

impl Listpack {
    /// Iterates over the (field, value) pairs in insertion order.
    pub fn pairs(&self) -> Pairs<'_> {
        Pairs { buf: &self.0, at: 0 }
    }

    /// Number of pairs (a walk over the buffer, which is small).
    pub fn len(&self) -> usize {
        self.pairs().count()
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Size of the buffer in bytes.
    pub fn size_bytes(&self) -> usize {
        self.0.len()
    }

    /// Positions of `field`'s pair.
    fn find(&self, field: &[u8]) -> Option<PairPos> {
        let mut at = 0;
        while at < self.0.len() {
            let (f, v) = decode(&self.0, at);
            let (_, end) = decode(&self.0, v);
            if f.as_bytes() == field {
                return Some(PairPos { field: at, value: v, end });
            }
            at = end;
        }
        None
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<StrRef<'_>> {
        self.find(field).map(|p| decode(&self.0, p.value).0)
    }

    /// Replaces bytes `start..end` of the buffer with `with`, keeping it exact-size.
    fn splice(&mut self, start: usize, end: usize, with: &[u8]) {
        let mut v = std::mem::take(&mut self.0).into_vec();
        if with.len() > end - start {
            v.reserve_exact(with.len() - (end - start));
        }
        v.splice(start..end, with.iter().copied());
        self.0 = v.into_boxed_slice();
    }

    /// Sets `field` to `value`: replaced in place when present, appended
    /// otherwise. Returns true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        let mut enc = Vec::with_capacity(encoded_len(value) + encoded_len(field));
        match self.find(field) {
            Some(p) => {
                encode(&mut enc, value);
                self.splice(p.value, p.end, &enc);
                false
            }
            None => {
                encode(&mut enc, field);
                encode(&mut enc, value);
                let len = self.0.len();
                self.splice(len, len, &enc);
                true
            }
        }
    }

    /// Deletes `field`; returns true when it was present.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self.find(field) {
            Some(p) => {
                self.splice(p.field, p.end, &[]);
                true
            }
            None => false,
        }
    }
}

impl std::fmt::Debug for Listpack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.pairs().map(|(k, v)| {
                (
                    String::from_utf8_lossy(k.as_bytes()).into_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(s: &[u8]) -> (Vec<u8>, usize) {
        let mut out = Vec::new();
        encode(&mut out, s);
        assert_eq!(out.len(), encoded_len(s), "{:?}", String::from_utf8_lossy(s));
        let (v, end) = decode(&out, 0);
        assert_eq!(end, out.len());
        (v.as_bytes().to_vec(), out.len())
    }

    #[test]
    fn entries_roundtrip_with_listpack_sizes() {
        let cases: &[(&[u8], usize)] = &[
            (b"0", 1),
            (b"127", 1),
            (b"128", 2),
            (b"-1", 2),
            (b"-4096", 2),
            (b"4095", 2),
            (b"4096", 3),
            (b"-32768", 3),
            (b"32768", 4),
            (b"-8388608", 4),
            (b"8388608", 5),
            (b"-2147483648", 5),
            (b"2147483648", 9),
            (b"9223372036854775807", 9),
            (b"-9223372036854775808", 9),
            (b"", 1),
            (b"01", 3),
            (b"-0", 3),
            (b"+1", 3),
            (b"1 ", 3),
            (b"9223372036854775808", 20),
            (b"abc", 4),
        ];
        for &(s, size) in cases {
            assert_eq!(roundtrip(s), (s.to_vec(), size), "{:?}", String::from_utf8_lossy(s));
        }
        for len in [63usize, 64, 4095, 4096, 70_000] {
            let s = vec![b'x'; len];
            let header = if len <= 63 {
                1
            } else if len <= 4095 {
                2
            } else {
                5
            };
            assert_eq!(roundtrip(&s), (s.clone(), len + header));
        }
    }

    #[test]
    fn set_get_remove_keep_insertion_order() {
        let mut lp = Listpack::default();
        assert!(lp.is_empty());
        assert!(lp.set(b"a", b"1"));
        assert!(lp.set(b"b", b"two"));
        assert!(lp.set(b"c", b"-300"));
        assert!(!lp.set(b"a", &[b'z'; 100]));
        assert_eq!(lp.len(), 3);
        assert_eq!(lp.get(b"a").unwrap().as_bytes(), &[b'z'; 100][..]);
        assert_eq!(lp.get(b"c").unwrap().as_bytes(), b"-300");
        assert!(lp.get(b"d").is_none());
        let order: Vec<Vec<u8>> = lp.pairs().map(|(f, _)| f.as_bytes().to_vec()).collect();
        assert_eq!(order, [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert!(lp.remove(b"b"));
        assert!(!lp.remove(b"b"));
        assert_eq!(lp.size_bytes(), 1 + 1 + 2 + 100 + 1 + 3);
        assert!(lp.remove(b"a") && lp.remove(b"c"));
        assert!(lp.is_empty());
    }
}
