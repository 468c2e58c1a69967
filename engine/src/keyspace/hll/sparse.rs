//! The sparse encoding: a run-length code of the registers after the header.
//!
//! Opcodes: ZERO `00xxxxxx` (1 to 64 zero registers), XZERO `01xxxxxx
//! yyyyyyyy` (1 to 16384 zero registers), VAL `1vvvvvxx` (1 to 4 registers
//! of value 1 to 32). Updates edit the code in place exactly as Redis 7.0's
//! `hllSparseSet` does (same splits, same merges of neighbouring VALs), so
//! the bytes stay identical to Redis's. Strings edited by users may hold any
//! bytes: an XZERO in the last byte reads its second byte as 0 (Redis reads
//! the string's NUL terminator), and a code that does not cover exactly 16384
//! registers is reported as corruption where Redis reports it (an update
//! only fails when the register it needs is not covered).

use super::{dense, invalidate_cache, Corrupt, DENSE, DENSE_BYTES, HDR_BYTES, REGISTERS};

/// Largest value a VAL opcode holds.
const VAL_MAX_VALUE: u8 = 32;
/// Most registers a VAL opcode covers.
const VAL_MAX_LEN: usize = 4;
/// Most registers a ZERO opcode covers.
const ZERO_MAX_LEN: usize = 64;

/// One decoded opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `len` zero registers, one byte.
    Zero(usize),
    /// `len` zero registers, two bytes.
    XZero(usize),
    /// `len` registers holding `value`.
    Val { value: u8, len: usize },
}

impl Op {
    /// Registers the opcode covers.
    fn span(self) -> usize {
        match self {
            Op::Zero(n) | Op::XZero(n) => n,
            Op::Val { len, .. } => len,
        }
    }

    /// Bytes the opcode takes.
    fn bytes(self) -> usize {
        if matches!(self, Op::XZero(_)) {
            2
        } else {
            1
        }
    }
}

/// The opcode at byte `p` of the whole string `s` (`p < s.len()`).
pub fn op_at(s: &[u8], p: usize) -> Op {
    let b = s[p];
    match b & 0xc0 {
        0x00 => Op::Zero(usize::from(b & 0x3f) + 1),
        0x40 => {
            let low = s.get(p + 1).copied().unwrap_or(0);
            Op::XZero(((usize::from(b & 0x3f) << 8) | usize::from(low)) + 1)
        }
        _ => Op::Val { value: ((b >> 2) & 0x1f) + 1, len: usize::from(b & 3) + 1 },
    }
}

/// The byte of a VAL opcode.
fn val_byte(value: u8, len: usize) -> u8 {
    0x80 | ((value - 1) << 2) | (len as u8 - 1)
}

/// Appends the code for `len` zero registers (ZERO up to 64, else XZERO).
fn push_zeros(seq: &mut Vec<u8>, len: usize) {
    if len > ZERO_MAX_LEN {
        let l = len - 1;
        seq.push(0x40 | (l >> 8) as u8);
        seq.push((l & 0xff) as u8);
    } else {
        seq.push(len as u8 - 1);
    }
}

/// The code of an HLL with every register 0.
pub fn empty_code() -> [u8; 2] {
    let l = REGISTERS - 1;
    [0x40 | (l >> 8) as u8, (l & 0xff) as u8]
}

/// Raises each of `max` to the registers coded in the whole string `s`; a
/// code that does not cover exactly the 16384 registers is corruption
/// (Redis's `hllMerge` with the CVE-2025-32023 fix that the reference
/// redis-server 7.0.15 package carries: any run past the end is refused).
pub fn merge_into(max: &mut [u8], s: &[u8]) -> Result<(), Corrupt> {
    let (mut i, mut p) = (0usize, HDR_BYTES);
    while p < s.len() {
        let op = op_at(s, p);
        if i + op.span() > REGISTERS {
            return Err(Corrupt);
        }
        if let Op::Val { value, len } = op {
            for m in &mut max[i..i + len] {
                *m = (*m).max(value);
            }
        }
        i += op.span();
        p += op.bytes();
    }
    if i == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Counts the registers holding each value; corruption unless the opcodes
/// cover exactly the 16384 registers (Redis's `hllSparseRegHisto`).
pub fn histogram(s: &[u8], hist: &mut [u64; 64]) -> Result<(), Corrupt> {
    let (mut i, mut p) = (0usize, HDR_BYTES);
    while p < s.len() {
        let op = op_at(s, p);
        let value = if let Op::Val { value, .. } = op { value } else { 0 };
        hist[value as usize] += op.span() as u64;
        i += op.span();
        p += op.bytes();
    }
    if i == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Converts the sparse HLL `s` to the dense encoding, keeping its header.
pub fn to_dense(s: &mut Vec<u8>) -> Result<(), Corrupt> {
    let mut regs = vec![0u8; REGISTERS];
    merge_into(&mut regs, s)?;
    let mut out = vec![0u8; DENSE_BYTES];
    out[..HDR_BYTES].copy_from_slice(&s[..HDR_BYTES]);
    out[4] = DENSE;
    for (i, &v) in regs.iter().enumerate().filter(|(_, &v)| v != 0) {
        dense::put(&mut out[HDR_BYTES..], i, v);
    }
    *s = out;
    Ok(())
}

/// Raises register `index` to `count` (Redis's `hllSparseSet`): true if it
/// changed. Promotes `s` to dense when `count` does not fit a VAL or when the
/// code would grow past `max_bytes`.
pub fn raise(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    // Step 1: find the opcode covering the register.
    let end = s.len();
    let (mut p, mut first, mut prev, mut found) = (HDR_BYTES, 0usize, None, None);
    while p < end {
        let op = op_at(s, p);
        if index < first + op.span() {
            found = Some(op);
            break;
        }
        prev = Some(p);
        p += op.bytes();
        first += op.span();
    }
    let Some(op) = found else { return Err(Corrupt) };
    // Step 2: the trivial cases, then the split of the opcode into a sequence.
    let updated_in_place = match op {
        Op::Val { value, .. } if value >= count => return Ok(false),
        Op::Val { len: 1, .. } | Op::Zero(1) => {
            s[p] = val_byte(count, 1);
            true
        }
        _ => false,
    };
    if !updated_in_place {
        let last = first + op.span() - 1;
        let mut seq = Vec::with_capacity(5);
        match op {
            Op::Val { value, .. } => {
                if index != first {
                    seq.push(val_byte(value, index - first));
                }
                seq.push(val_byte(count, 1));
                if index != last {
                    seq.push(val_byte(value, last - index));
                }
            }
            Op::Zero(_) | Op::XZero(_) => {
                if index != first {
                    push_zeros(&mut seq, index - first);
                }
                seq.push(val_byte(count, 1));
                if index != last {
                    push_zeros(&mut seq, last - index);
                }
            }
        }
        // Step 3: put the sequence in place of the opcode.
        let new_len = (end + seq.len()).saturating_sub(op.bytes());
        if new_len > end && new_len > max_bytes {
            return promote(s, index, count);
        }
        let to = (p + op.bytes()).min(end);
        s.splice(p..to, seq);
        // An XZERO cut by the end of the string keeps that length (its
        // second byte was the terminator).
        s.truncate(new_len);
    }
    merge_vals(s, prev.unwrap_or(HDR_BYTES));
    invalidate_cache(s);
    Ok(true)
}

/// Step 4 of Redis's update: scanning up to five opcodes from `p`, merges
/// neighbouring VALs of the same value while they fit one opcode.
fn merge_vals(s: &mut Vec<u8>, mut p: usize) {
    let mut scans = 5;
    while p < s.len() && scans > 0 {
        scans -= 1;
        match op_at(s, p) {
            Op::XZero(_) => p += 2,
            Op::Zero(_) => p += 1,
            Op::Val { value, len } => {
                if p + 1 < s.len() {
                    if let Op::Val { value: v2, len: len2 } = op_at(s, p + 1) {
                        if value == v2 && len + len2 <= VAL_MAX_LEN {
                            s[p + 1] = val_byte(value, len + len2);
                            s.remove(p);
                            continue;
                        }
                    }
                }
                p += 1;
            }
        }
    }
}

/// Converts to dense and raises the register there.
fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(s)?;
    Ok(dense::raise(&mut s[HDR_BYTES..], index, count))
}

/// The opcodes as PFDEBUG DECODE shows them: `z:len`, `Z:len`, `v:value,len`.
pub fn decode(s: &[u8]) -> String {
    let mut out = Vec::new();
    let mut p = HDR_BYTES;
    while p < s.len() {
        let op = op_at(s, p);
        out.push(match op {
            Op::Zero(n) => format!("z:{n}"),
            Op::XZero(n) => format!("Z:{n}"),
            Op::Val { value, len } => format!("v:{value},{len}"),
        });
        p += op.bytes();
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::new_sparse;
    use super::*;

    fn code(s: &[u8]) -> &[u8] {
        &s[HDR_BYTES..]
    }

    #[test]
    fn redis_example_layout() {
        // Registers 1000, 1020, 1021 set to 2, 3, 3 (the example of hyperloglog.c).
        let mut s = new_sparse();
        assert!(raise(&mut s, 1000, 2, 3000).unwrap());
        assert!(raise(&mut s, 1020, 3, 3000).unwrap());
        assert!(raise(&mut s, 1021, 3, 3000).unwrap());
        assert_eq!(decode(&s), "Z:1000 v:2,1 z:19 v:3,2 Z:15362");
        assert!(!raise(&mut s, 1021, 2, 3000).unwrap());
        assert_eq!(code(&s).len(), 7);
    }

    #[test]
    fn promotes_on_large_value_and_size() {
        let mut s = new_sparse();
        assert!(raise(&mut s, 7, 33, 3000).unwrap());
        assert_eq!((s.len(), s[4]), (DENSE_BYTES, DENSE));
        assert_eq!(dense::get(&s[HDR_BYTES..], 7), 33);
        let mut s = new_sparse();
        assert!(raise(&mut s, 100, 1, 19).unwrap());
        assert_eq!(s[4], DENSE);
    }

    #[test]
    fn corrupt_codes() {
        // Too few registers: register 20000 is not covered.
        let mut s = new_sparse();
        s.truncate(HDR_BYTES);
        s.push(0x00);
        assert_eq!(raise(&mut s, 5, 1, 3000), Err(Corrupt));
        assert_eq!(histogram(&s, &mut [0; 64]), Err(Corrupt));
        // A trailing VAL past the last register (a corruption for every reader
        // since the CVE-2025-32023 fix).
        let mut s = new_sparse();
        s.push(0x80);
        assert_eq!(merge_into(&mut vec![0; REGISTERS], &s), Err(Corrupt));
        assert_eq!(histogram(&s, &mut [0; 64]), Err(Corrupt));
        assert_eq!(to_dense(&mut s), Err(Corrupt));
    }

    #[test]
    fn xzero_cut_by_the_end() {
        // The XZERO's length byte is the terminator (0): it covers one register.
        // Replacing it by a VAL shortens the string by one byte, as in Redis,
        // and the VAL falls off the end.
        let mut s = new_sparse();
        s.truncate(HDR_BYTES);
        s.extend_from_slice(&[0x7f, 0xfe, 0x40]);
        assert_eq!(decode(&s), "Z:16383 Z:1");
        assert!(raise(&mut s, 16383, 3, 3000).unwrap());
        assert_eq!(code(&s), &[0x7f, 0xfe]);
    }
}
