//! Hash slot math: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384.
//!
//! Identical to Redis Cluster's `keyHashSlot`: if the key contains a `{` followed
//! later by a `}` with at least one byte between them, only the bytes between the
//! first `{` and the first `}` after it are hashed; otherwise the whole key is.

/// Number of hash slots in a Redis Cluster.
pub const SLOT_COUNT: usize = 16384;

/// A hash slot number, `0..SLOT_COUNT`.
pub type Slot = u16;

/// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection.
const CRC16_TABLE: [u16; 256] = build_table();

const fn build_table() -> [u16; 256] {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// CRC16 (XMODEM) of `data`, as Redis's `crc16()`.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in data {
        crc = (crc << 8) ^ CRC16_TABLE[(((crc >> 8) as u8) ^ b) as usize];
    }
    crc
}

/// The part of `key` that is hashed: its hash tag if it has a non-empty one.
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = key.iter().position(|&c| c == b'{') {
        if let Some(len) = key[open + 1..].iter().position(|&c| c == b'}') {
            if len > 0 {
                return &key[open + 1..open + 1 + len];
            }
        }
    }
    key
}

/// The hash slot of `key`.
#[inline]
pub fn key_slot(key: &[u8]) -> Slot {
    crc16(hash_tag(key)) & (SLOT_COUNT as u16 - 1)
}

/// A set of slots, as a bitmap (2 KiB).
#[derive(Clone, PartialEq, Eq)]
pub struct SlotSet {
    words: Box<[u64; SLOT_COUNT / 64]>,
}

impl Default for SlotSet {
    fn default() -> Self {
        SlotSet { words: Box::new([0; SLOT_COUNT / 64]) }
    }
}

impl SlotSet {
    /// A set holding every slot in `range`.
    pub fn from_range(range: std::ops::Range<usize>) -> SlotSet {
        let mut s = SlotSet::default();
        for slot in range {
            s.insert(slot as Slot);
        }
        s
    }

    /// True when `slot` is in the set.
    #[inline]
    pub fn contains(&self, slot: Slot) -> bool {
        self.words[slot as usize / 64] & (1 << (slot % 64)) != 0
    }

    /// Adds `slot`.
    pub fn insert(&mut self, slot: Slot) {
        self.words[slot as usize / 64] |= 1 << (slot % 64);
    }

    /// Removes `slot`.
    pub fn remove(&mut self, slot: Slot) {
        self.words[slot as usize / 64] &= !(1 << (slot % 64));
    }

    /// Number of slots in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The slots in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        (0..SLOT_COUNT as Slot).filter(|&s| self.contains(s))
    }
}

/// The runs of consecutive slots in ascending `slots`, as (first, last).
pub fn runs(slots: impl IntoIterator<Item = Slot>) -> Vec<(Slot, Slot)> {
    let mut out: Vec<(Slot, Slot)> = Vec::new();
    for s in slots {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == s => *end = s,
            _ => out.push((s, s)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_neighbours() {
        assert_eq!(runs([1, 2, 3, 7, 9, 10]), vec![(1, 3), (7, 7), (9, 10)]);
        assert_eq!(runs([]), vec![]);
    }

    #[test]
    fn crc16_reference_vector() {
        // The check value of CRC-16/XMODEM, also in Redis's crc16.c test.
        assert_eq!(crc16(b"123456789"), 0x31c3);
    }

    #[test]
    fn slots_match_redis() {
        // Values from `CLUSTER KEYSLOT` on redis-server 7.0.
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"bar"), 5061);
        assert_eq!(key_slot(b""), 0);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"{user1000}.followers"));
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"foo{}{bar}"), crc16(b"foo{}{bar}") & 16383);
        assert_eq!(key_slot(b"foo{{bar}}zap"), key_slot(b"{bar"));
        assert_eq!(key_slot(b"foo{bar}{zap}"), key_slot(b"bar"));
    }

    #[test]
    fn slot_set() {
        let mut s = SlotSet::from_range(10..20);
        assert_eq!(s.len(), 10);
        assert!(s.contains(10) && s.contains(19) && !s.contains(20));
        s.remove(10);
        s.insert(16383);
        assert_eq!(s.iter().next(), Some(11));
        assert_eq!(s.iter().last(), Some(16383));
    }
}
