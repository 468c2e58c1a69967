//! The dense encoding: 16384 registers of 6 bits packed from the least
//! significant bit of each byte up, 12288 bytes after the header.
//!
//! Redis reads the byte after the last register too (the string's NUL
//! terminator); here that byte reads as 0 and is never written.

use super::REGISTERS;

/// Bits per register.
const BITS: usize = 6;
/// Largest register value.
const MAX: u32 = (1 << BITS) - 1;

/// Register `i` of the packed `regs`.
pub fn get(regs: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = u32::from(regs[byte]);
    let b1 = u32::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & MAX) as u8
}

/// Sets register `i` of the packed `regs` to `v` (at most 63).
pub fn put(regs: &mut [u8], i: usize, v: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let v = u32::from(v);
    regs[byte] = ((u32::from(regs[byte]) & !(MAX << fb)) | (v << fb)) as u8;
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 = ((u32::from(*b1) & !(MAX >> (8 - fb))) | (v >> (8 - fb))) as u8;
    }
}

/// Raises register `i` to `v` if it is lower; true if it changed.
pub fn raise(regs: &mut [u8], i: usize, v: u8) -> bool {
    if v > get(regs, i) {
        put(regs, i, v);
        true
    } else {
        false
    }
}

/// Counts the registers holding each value.
pub fn histogram(regs: &[u8], hist: &mut [u64; 64]) {
    for i in 0..REGISTERS {
        hist[get(regs, i) as usize] += 1;
    }
}

/// Raises each of `max` to the matching register of `regs`.
pub fn merge_into(max: &mut [u8], regs: &[u8]) {
    for (i, m) in max.iter_mut().enumerate() {
        *m = (*m).max(get(regs, i));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_do_not_overlap() {
        let mut regs = vec![0u8; REGISTERS * BITS / 8];
        let value = |i: usize| ((i * 7 + 3) % 64) as u8;
        for i in 0..REGISTERS {
            put(&mut regs, i, value(i));
        }
        for i in 0..REGISTERS {
            assert_eq!(get(&regs, i), value(i), "register {i}");
        }
        assert!(!raise(&mut regs, 5, value(5)));
        put(&mut regs, 5, 0);
        assert!(raise(&mut regs, 5, 1));
        assert_eq!((get(&regs, 4), get(&regs, 5), get(&regs, 6)), (value(4), 1, value(6)));
    }

    #[test]
    fn first_registers_layout() {
        // |11000000|22221111|33333322|: register 0 in the low bits of byte 0.
        let mut regs = vec![0u8; 4];
        put(&mut regs, 0, 0b111111);
        assert_eq!(regs, [0b0011_1111, 0, 0, 0]);
        put(&mut regs, 1, 0b101010);
        assert_eq!(regs, [0b1011_1111, 0b0000_1010, 0, 0]);
    }
}
