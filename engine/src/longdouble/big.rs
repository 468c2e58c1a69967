//! A small unsigned arbitrary-precision integer for [`super`]: exact decimal
//! parsing and printing of x87 long doubles, whose values reach 2^16384 and
//! 2^-16445. Only what that needs: multiply, add and divide by a small number,
//! shifts and bit tests. Little-endian `u32` limbs, no leading zero limbs.

/// Largest power of ten in a limb, used to multiply and divide by 10^n in steps.
const TEN9: u32 = 1_000_000_000;

/// An unsigned integer of any size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Big {
    limbs: Vec<u32>,
}

impl Big {
    /// The integer `v`.
    pub(super) fn from_u64(v: u64) -> Big {
        let mut b = Big { limbs: vec![v as u32, (v >> 32) as u32] };
        b.trim();
        b
    }

    /// Reads digits (ASCII, each valid in `radix`), most significant first.
    pub(super) fn from_digits<'a>(digits: impl Iterator<Item = &'a u8>, radix: u32) -> Big {
        let mut b = Big { limbs: Vec::new() };
        // Digits are taken in groups whose scale still fits a limb.
        let (mut group, mut scale) = (0u32, 1u32);
        for d in digits {
            if scale.checked_mul(radix).is_none() {
                b.mul_add(scale, group);
                (group, scale) = (0, 1);
            }
            group = group * radix + (*d as char).to_digit(radix).unwrap_or(0);
            scale *= radix;
        }
        b.mul_add(scale, group);
        b
    }

    /// Drops leading zero limbs.
    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    /// True when the value is 0.
    pub(super) fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// `self = self * k + add`.
    pub(super) fn mul_add(&mut self, k: u32, add: u32) {
        let mut carry = add as u64;
        for limb in &mut self.limbs {
            let v = *limb as u64 * k as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
        self.trim();
    }

    /// `self = self / k`, returning the remainder; `k` must not be 0.
    #[inline(always)]
    pub(super) fn div_rem(&mut self, k: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let v = rem << 32 | *limb as u64;
            *limb = (v / k as u64) as u32;
            rem = v % k as u64;
        }
        self.trim();
        rem as u32
    }

    /// `self = self * 10^n`.
    pub(super) fn mul_pow10(&mut self, n: u64) {
        for _ in 0..n / 9 {
            self.mul_add(TEN9, 0);
        }
        self.mul_add(10u32.pow((n % 9) as u32), 0);
    }

    /// `self = self / 10^n` rounded down; true when the division was not exact.
    pub(super) fn div_pow10(&mut self, n: u64) -> bool {
        let mut inexact = false;
        for _ in 0..n / 9 {
            inexact |= self.div_rem(TEN9) != 0;
        }
        inexact | (self.div_rem(10u32.pow((n % 9) as u32)) != 0)
    }

    /// Number of significant bits (0 for 0).
    pub(super) fn bit_len(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(top) => self.limbs.len() as u64 * 32 - top.leading_zeros() as u64,
        }
    }

    /// Bit `i` (0 is the lowest).
    pub(super) fn bit(&self, i: u64) -> bool {
        let limb = self.limbs.get((i / 32) as usize).copied().unwrap_or(0);
        limb >> (i % 32) & 1 == 1
    }

    /// True when some bit below bit `i` is set.
    pub(super) fn any_below(&self, i: u64) -> bool {
        let whole = ((i / 32) as usize).min(self.limbs.len());
        let part = self.limbs.get(whole).map_or(0, |l| l & ((1u32 << (i % 32)) - 1));
        part != 0 || self.limbs[..whole].iter().any(|&l| l != 0)
    }

    /// `self = self << bits`.
    pub(super) fn shl(&mut self, bits: u64) {
        if self.is_zero() {
            return;
        }
        let (whole, part) = ((bits / 32) as usize, (bits % 32) as u32);
        if part != 0 {
            let mut carry = 0u32;
            for limb in &mut self.limbs {
                let v = (*limb as u64) << part | carry as u64;
                *limb = v as u32;
                carry = (v >> 32) as u32;
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        self.limbs.splice(0..0, std::iter::repeat_n(0, whole));
    }

    /// `self = self >> bits` (rounded down).
    pub(super) fn shr(&mut self, bits: u64) {
        let whole = ((bits / 32) as usize).min(self.limbs.len());
        self.limbs.drain(..whole);
        let part = (bits % 32) as u32;
        if part != 0 {
            let mut carry = 0u32;
            for limb in self.limbs.iter_mut().rev() {
                let v = *limb;
                *limb = v >> part | carry;
                carry = v << (32 - part);
            }
        }
        self.trim();
    }

    /// The top bits: `(x, shift, sticky)` with `self = x * 2^shift + r`, where
    /// `x` keeps up to 128 bits (exactly 128 when `shift > 0`) and `sticky` says
    /// that `r` is not 0.
    pub(super) fn top128(&self) -> (u128, u64, bool) {
        let shift = self.bit_len().saturating_sub(128);
        let mut top = self.clone();
        top.shr(shift);
        let x = top.limbs.iter().rev().fold(0u128, |acc, &l| acc << 32 | l as u128);
        (x, shift, self.any_below(shift))
    }

    /// The value in decimal, "0" for 0.
    pub(super) fn to_decimal(&self) -> String {
        let mut rest = self.clone();
        let mut chunks = Vec::new();
        while !rest.is_zero() {
            chunks.push(rest.div_rem(TEN9));
        }
        let mut out = chunks.pop().unwrap_or(0).to_string();
        for chunk in chunks.iter().rev() {
            out.push_str(&format!("{chunk:09}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Big {
        Big::from_digits(s.as_bytes().iter(), 10)
    }

    #[test]
    fn decimal_round_trip_and_arithmetic() {
        let s = "123456789012345678901234567890123456789";
        assert_eq!(big(s).to_decimal(), s);
        assert_eq!(big("0").to_decimal(), "0");
        assert_eq!(big("000").limbs, Vec::<u32>::new());
        let mut b = big("12345");
        b.mul_pow10(20);
        assert_eq!(b.to_decimal(), "1234500000000000000000000");
        assert!(!b.div_pow10(19));
        assert_eq!(b.to_decimal(), "123450");
        assert!(b.div_pow10(3));
        assert_eq!(b.to_decimal(), "123");
        assert_eq!(Big::from_digits(b"fF".iter(), 16).to_decimal(), "255");
        assert_eq!(Big::from_u64(u64::MAX).to_decimal(), "18446744073709551615");
    }

    #[test]
    fn shifts_and_bits() {
        let mut b = Big::from_u64(0b1011);
        b.shl(100);
        assert_eq!(b.bit_len(), 104);
        assert!(b.bit(100) && b.bit(101) && !b.bit(102) && b.bit(103) && !b.bit(500));
        assert!(!b.any_below(100) && b.any_below(101) && b.any_below(1000));
        assert_eq!(b.top128(), (0b1011 << 100, 0, false));
        b.shl(100);
        assert_eq!(b.top128(), (0b1011 << 124, 76, false));
        b.mul_add(1, 1);
        assert_eq!(b.top128(), (0b1011 << 124, 76, true));
        b.shr(203);
        assert_eq!(b.to_decimal(), "1");
        b.shr(1);
        assert!(b.is_zero());
    }
}
