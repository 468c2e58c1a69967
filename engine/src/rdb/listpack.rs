//! Redis's listpack and intset blobs, as RDB and DUMP carry them: built from
//! elements (integers encoded the way Redis's `lpAppend` chooses), and read
//! back with every length checked.
//!
//! A listpack is a 6-byte header (total bytes u32, element count u16, both
//! little-endian), the entries, and an end byte 0xFF. An entry is its
//! encoding and data, then its own length as a backwards varint ("backlen").

use crate::num::parse_i64_strict;

const END: u8 = 0xff;

/// A listpack being built.
pub struct Builder {
    buf: Vec<u8>,
    count: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder { buf: vec![0; 6], count: 0 }
    }
}

impl Builder {
    /// Appends an element: a canonical integer as an integer entry, anything
    /// else as a string entry.
    pub fn push(&mut self, e: &[u8]) {
        let start = self.buf.len();
        match (e.len() <= 20).then(|| parse_i64_strict(e)).flatten() {
            Some(v) => self.push_int(v),
            None => {
                let n = e.len();
                if n < 64 {
                    self.buf.push(0x80 | n as u8);
                } else if n < 4096 {
                    self.buf.extend_from_slice(&[0xe0 | (n >> 8) as u8, n as u8]);
                } else {
                    self.buf.push(0xf0);
                    self.buf.extend_from_slice(&(n as u32).to_le_bytes());
                }
                self.buf.extend_from_slice(e);
            }
        }
        let len = self.buf.len() - start;
        backlen(len, &mut self.buf);
        self.count += 1;
    }

    fn push_int(&mut self, v: i64) {
        if (0..=127).contains(&v) {
            self.buf.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = (v as u64 & 0x1fff) as u16;
            self.buf.extend_from_slice(&[0xc0 | (u >> 8) as u8, u as u8]);
        } else if (-32768..=32767).contains(&v) {
            self.buf.push(0xf1);
            self.buf.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-8_388_608..=8_388_607).contains(&v) {
            self.buf.push(0xf2);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if i32::try_from(v).is_ok() {
            self.buf.push(0xf3);
            self.buf.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            self.buf.push(0xf4);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// Elements so far.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The finished blob.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(END);
        let total = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        let count = u16::try_from(self.count).unwrap_or(u16::MAX);
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// Appends the backwards varint of an entry length `len`.
fn backlen(len: usize, out: &mut Vec<u8>) {
    let n = backlen_size(len);
    for i in (0..n).rev() {
        let part = ((len >> (7 * i)) & 127) as u8;
        out.push(if i == n - 1 { part } else { part | 128 });
    }
}

/// Bytes of the backlen of an entry of `len` bytes.
fn backlen_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// One element read from a listpack.
pub enum Elem<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Elem<'_> {
    /// The element's bytes (an integer in decimal).
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Elem::Int(v) => v.to_string().into_bytes(),
            Elem::Str(s) => s.to_vec(),
        }
    }
}

/// Reads every element of the listpack `lp`, checking its header, every
/// entry and its end. None when anything is off.
pub fn read(lp: &[u8]) -> Option<Vec<Elem<'_>>> {
    if lp.len() < 7 || u32::from_le_bytes(lp[..4].try_into().ok()?) as usize != lp.len() {
        return None;
    }
    let declared = u16::from_le_bytes([lp[4], lp[5]]);
    let mut out = Vec::new();
    let mut i = 6;
    loop {
        let b = *lp.get(i)?;
        if b == END {
            break;
        }
        let (elem, len) = entry(&lp[i..])?;
        let back = lp.get(i + len..i + len + backlen_size(len))?;
        let mut want = Vec::with_capacity(5);
        backlen(len, &mut want);
        if back != want.as_slice() {
            return None;
        }
        out.push(elem);
        i += len + back.len();
    }
    if i != lp.len() - 1 || (declared != u16::MAX && declared as usize != out.len()) {
        return None;
    }
    Some(out)
}

/// The entry at the start of `b` and its length (encoding and data).
fn entry(b: &[u8]) -> Option<(Elem<'_>, usize)> {
    let e = b[0];
    let int = |n: usize| -> Option<&[u8]> { b.get(1..1 + n) };
    let string = |hdr: usize, n: usize| -> Option<(Elem<'_>, usize)> {
        Some((Elem::Str(b.get(hdr..hdr.checked_add(n)?)?), hdr + n))
    };
    match e {
        0x00..=0x7f => Some((Elem::Int(e as i64), 1)),
        0x80..=0xbf => string(1, (e & 0x3f) as usize),
        0xc0..=0xdf => {
            let u = (((e & 0x1f) as u16) << 8) | *b.get(1)? as u16;
            let v = if u >= 1 << 12 { u as i64 - (1 << 13) } else { u as i64 };
            Some((Elem::Int(v), 2))
        }
        0xe0..=0xef => string(2, (((e & 0x0f) as usize) << 8) | *b.get(1)? as usize),
        0xf0 => string(5, u32::from_le_bytes(int(4)?.try_into().ok()?) as usize),
        0xf1 => Some((Elem::Int(i16::from_le_bytes(int(2)?.try_into().ok()?) as i64), 3)),
        0xf2 => {
            let d = int(3)?;
            let v = i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8;
            Some((Elem::Int(v as i64), 4))
        }
        0xf3 => Some((Elem::Int(i32::from_le_bytes(int(4)?.try_into().ok()?) as i64), 5)),
        0xf4 => Some((Elem::Int(i64::from_le_bytes(int(8)?.try_into().ok()?)), 9)),
        _ => None,
    }
}

/// An intset blob: encoding width (2, 4 or 8 bytes), count, sorted values.
pub fn intset(values: &[i64]) -> Vec<u8> {
    let width: usize = if values.iter().all(|&v| i16::try_from(v).is_ok()) {
        2
    } else if values.iter().all(|&v| i32::try_from(v).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + width * values.len());
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for &v in values {
        out.extend_from_slice(&v.to_le_bytes()[..width]);
    }
    out
}

/// The values of an intset blob, checked strictly ascending.
pub fn read_intset(b: &[u8]) -> Option<Vec<i64>> {
    let width = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
    let n = u32::from_le_bytes(b.get(4..8)?.try_into().ok()?) as usize;
    if !matches!(width, 2 | 4 | 8) || b.len() != 8 + width.checked_mul(n)? {
        return None;
    }
    let values: Vec<i64> = b[8..]
        .chunks(width)
        .map(|c| match width {
            2 => i16::from_le_bytes([c[0], c[1]]) as i64,
            4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
            _ => i64::from_le_bytes(c.try_into().expect("8 bytes")),
        })
        .collect();
    values.windows(2).all(|w| w[0] < w[1]).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_encoding() {
        let long = vec![b'x'; 5000];
        let mid = vec![b'y'; 100];
        let elems: Vec<&[u8]> = vec![
            b"0",
            b"127",
            b"128",
            b"-1",
            b"-4096",
            b"4095",
            b"-32768",
            b"32767",
            b"8388607",
            b"-8388608",
            b"2147483647",
            b"-2147483648",
            b"9223372036854775807",
            b"-9223372036854775808",
            b"01",
            b"abc",
            b"",
            &mid,
            &long,
        ];
        let mut b = Builder::default();
        elems.iter().for_each(|e| b.push(e));
        let lp = b.finish();
        let back: Vec<Vec<u8>> = read(&lp).unwrap().iter().map(Elem::to_vec).collect();
        assert_eq!(back, elems.iter().map(|e| e.to_vec()).collect::<Vec<_>>());
        // Redis's bytes for a small one: "1" and "a" (recorded from DUMP).
        let mut b = Builder::default();
        b.push(b"1");
        b.push(b"a");
        assert_eq!(b.finish(), vec![12, 0, 0, 0, 2, 0, 1, 1, 0x81, b'a', 2, 0xff]);
        // Corruption is refused.
        assert!(read(&lp[..lp.len() - 1]).is_none());
        let mut bad = lp.clone();
        bad[4] = 3;
        assert!(read(&bad).is_none());
    }

    #[test]
    fn intsets_round_trip_and_must_be_sorted() {
        for values in [vec![1, 2, 3], vec![-70000, 5], vec![i64::MIN, 0, i64::MAX]] {
            assert_eq!(read_intset(&intset(&values)), Some(values));
        }
        assert_eq!(read_intset(&intset(&[2, 1])), None);
        assert_eq!(read_intset(&intset(&[1, 1])), None);
    }
}
