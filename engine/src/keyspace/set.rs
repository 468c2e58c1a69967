//! `Set`: the set type's value, in Redis 7.0's two encodings.
//!
//! - `intset`: every member is an integer (a canonical decimal i64, as
//!   Redis's `string2ll` reads it) and there are at most
//!   `set-max-intset-entries` of them: one sorted buffer ([`IntSet`]);
//! - `hashtable`: anything else: a hashbrown table of [`ThinBytes`], one
//!   8-byte pointer per bucket and one exact-size allocation per member.
//!
//! Conversions follow Redis 7.0's `t_set.c`: a set starts as an intset when
//! its first member is an integer (`setTypeCreate`), becomes a hashtable when
//! a non-integer is added or it grows past the limit, and never converts back
//! (only a newly built set, such as SINTERSTORE's result, starts over). Redis
//! 7.0 has no listpack encoding for sets.
//!
//! Invariant: `Table::member_bytes` is the sum of the members' allocation sizes;
//! `Table::layout_epoch` changes whenever members may have moved between
//! buckets (growth, in-place rehash, shrink), which SSCAN cursors rely on.

use crate::keyspace::big_table::{big_table, BigTable};

use super::intset::IntSet;
use super::slot_table::key_hash;
use super::thin_bytes::ThinBytes;
use super::value::StrRef;

/// Redis caps the intset limit at 2^30 entries whatever the setting.
const INTSET_MAX_ENTRIES_CAP: usize = 1 << 30;

/// A hashtable smaller than this many buckets is never shrunk.
const MIN_SHRINK_BUCKETS: usize = 64;

/// A set value.
#[derive(Clone, Debug, PartialEq)]
pub enum Set {
    /// All-integer small set (`intset`).
    Ints(IntSet),
    /// Any other set (`hashtable`).
    Table(Table),
}

/// One member as commands see it: an intset element or a table's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Member<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Member<'_> {
    /// The member's bytes (an integer rendered in decimal).
    pub fn text(&self) -> StrRef<'_> {
        match *self {
            Member::Int(n) => StrRef::from_i64(n),
            Member::Bytes(b) => StrRef::Bytes(b),
        }
    }
}

/// A member taken out of a set.
#[derive(Debug)]
pub enum Popped {
    Int(i64),
    Bytes(ThinBytes),
}

impl Popped {
    /// The member, borrowed.
    pub fn member(&self) -> Member<'_> {
        match self {
            Popped::Int(n) => Member::Int(*n),
            Popped::Bytes(b) => Member::Bytes(b.as_bytes()),
        }
    }
}

/// The integer a member is stored as in an intset, if it is one
/// (Redis's `isSdsRepresentableAsLongLong`).
#[inline]
fn as_int(m: &[u8]) -> Option<i64> {
    crate::num::parse_i64_strict(m)
}

impl Set {
    /// An empty set of the encoding Redis gives a set whose first member is
    /// `first` (`setTypeCreate`): an intset for an integer.
    /// A table is sized for `capacity` members up front (0: grows as
    /// needed); an intset grows as it goes (it has no table to rehash).
    pub fn for_first(first: &[u8], capacity: usize) -> Set {
        if as_int(first).is_some() {
            Set::Ints(IntSet::default())
        } else {
            Set::new_table(capacity)
        }
    }

    /// An empty set in the `hashtable` encoding with room for `capacity`
    /// members.
    pub fn new_table(capacity: usize) -> Set {
        Set::Table(Table::with_capacity(capacity))
    }

    /// An empty intset, the start of every set the set algebra builds.
    pub fn new_ints() -> Set {
        Set::Ints(IntSet::default())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            Set::Ints(s) => s.len(),
            Set::Table(t) => t.map.len(),
        }
    }

    /// True when the set has no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Set::Ints(_) => "intset",
            Set::Table(_) => "hashtable",
        }
    }

    /// Adds `m`; false when it was already a member. An intset that takes a
    /// non-integer, or grows past `max_intset_entries`, becomes a hashtable.
    pub fn add(&mut self, m: &[u8], max_intset_entries: usize) -> bool {
        match self {
            Set::Ints(s) => match as_int(m) {
                Some(n) => self.add_int(n, max_intset_entries),
                None => {
                    let mut t = Table::from_ints(s);
                    let added = t.insert(m);
                    *self = Set::Table(t);
                    added
                }
            },
            Set::Table(t) => t.insert(m),
        }
    }

    /// Adds a member taken from another set (no need to parse integers again).
    pub fn add_member(&mut self, m: Member<'_>, max_intset_entries: usize) -> bool {
        match (m, &mut *self) {
            (Member::Int(n), Set::Ints(_)) => self.add_int(n, max_intset_entries),
            (Member::Int(n), Set::Table(t)) => t.insert(StrRef::from_i64(n).as_bytes()),
            (Member::Bytes(b), _) => self.add(b, max_intset_entries),
        }
    }

    fn add_int(&mut self, n: i64, max_intset_entries: usize) -> bool {
        match self {
            Set::Ints(s) => {
                if !s.insert(n) {
                    return false;
                }
                if s.len() > max_intset_entries.min(INTSET_MAX_ENTRIES_CAP) {
                    *self = Set::Table(Table::from_ints(s));
                }
                true
            }
            Set::Table(t) => t.insert(StrRef::from_i64(n).as_bytes()),
        }
    }

    /// Removes `m`; false when it was not a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Set::Ints(s) => as_int(m).is_some_and(|n| s.remove(n)),
            Set::Table(t) => t.remove(m),
        }
    }

    /// True when `m` is a member.
    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            Set::Ints(s) => as_int(m).is_some_and(|n| s.contains(n)),
            Set::Table(t) => t.contains(m),
        }
    }

    /// True when `m`, taken from another set, is a member.
    pub fn contains_member(&self, m: Member<'_>) -> bool {
        match (m, self) {
            (Member::Int(n), Set::Ints(s)) => s.contains(n),
            (Member::Int(n), Set::Table(t)) => t.contains(StrRef::from_i64(n).as_bytes()),
            (Member::Bytes(b), _) => self.contains(b),
        }
    }

    /// The members: ascending for an intset, in bucket order for a hashtable.
    pub fn iter(&self) -> impl Iterator<Item = Member<'_>> {
        let (ints, table) = match self {
            Set::Ints(s) => (Some(s.iter().map(Member::Int)), None),
            Set::Table(t) => (None, Some(t.map.iter().map(|m| Member::Bytes(m.as_bytes())))),
        };
        ints.into_iter().flatten().chain(table.into_iter().flatten())
    }

    /// A random member of a non-empty set; `rng` gives uniform u64s.
    pub fn random(&self, rng: &mut impl FnMut() -> u64) -> Member<'_> {
        match self {
            Set::Ints(s) => Member::Int(s.get((rng() % s.len() as u64) as usize)),
            Set::Table(t) => {
                Member::Bytes(t.map.get_bucket(t.random_bucket(rng)).expect("full").as_bytes())
            }
        }
    }

    /// Removes and returns a random member of a non-empty set.
    pub fn pop_random(&mut self, rng: &mut impl FnMut() -> u64) -> Popped {
        match self {
            Set::Ints(s) => {
                let n = s.get((rng() % s.len() as u64) as usize);
                s.remove(n);
                Popped::Int(n)
            }
            Set::Table(t) => {
                let bucket = t.random_bucket(rng);
                let (m, _) = t.map.get_bucket_entry(bucket).expect("full bucket").remove();
                t.member_bytes -= m.alloc_size_bytes();
                t.maybe_shrink();
                Popped::Bytes(m)
            }
        }
    }

    /// Heap bytes owned by the set's contents.
    pub fn heap_size_bytes(&self) -> usize {
        match self {
            Set::Ints(s) => s.heap_size_bytes(),
            Set::Table(t) => t.map.allocation_size() + t.member_bytes,
        }
    }
}

/// The `hashtable` encoding: members in a hashbrown table of thin pointers.
#[derive(Clone, Default)]
pub struct Table {
    map: BigTable<ThinBytes>,
    /// Sum of the members' allocation sizes.
    member_bytes: usize,
    /// Changes whenever members may have moved between buckets.
    layout_epoch: u32,
}

/// Hash of a member (the keyspace's hasher).
#[inline]
fn member_hash(m: &ThinBytes) -> u64 {
    key_hash(m.as_bytes())
}

/// Bits of an SSCAN cursor that hold the table's layout tag; the bucket index
/// is above them.
const CURSOR_TAG_BITS: u32 = 20;

impl Table {
    /// An empty table with room for `n` members.
    fn with_capacity(n: usize) -> Table {
        Table { map: big_table(n), member_bytes: 0, layout_epoch: 0 }
    }

    /// The members of an intset, presized (Redis's `setTypeConvert`).
    fn from_ints(s: &IntSet) -> Table {
        let mut t = Table::with_capacity(s.len() + 1);
        for n in s.iter() {
            t.insert(StrRef::from_i64(n).as_bytes());
        }
        t
    }

    fn contains(&self, m: &[u8]) -> bool {
        self.map.find(key_hash(m), |x| x.as_bytes() == m).is_some()
    }

    fn insert(&mut self, m: &[u8]) -> bool {
        if self.map.len() == self.map.capacity() {
            // No free bucket: hashbrown grows or rehashes in place first.
            self.layout_epoch = self.layout_epoch.wrapping_add(1);
        }
        match self.map.entry(key_hash(m), |x| x.as_bytes() == m, member_hash) {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(v) => {
                let member = ThinBytes::new(m);
                self.member_bytes += member.alloc_size_bytes();
                v.insert(member);
                true
            }
        }
    }

    fn remove(&mut self, m: &[u8]) -> bool {
        match self.map.find_entry(key_hash(m), |x| x.as_bytes() == m) {
            Ok(o) => {
                let (member, _) = o.remove();
                self.member_bytes -= member.alloc_size_bytes();
                self.maybe_shrink();
                true
            }
            Err(_) => false,
        }
    }

    /// Shrinks a table that became mostly empty (below 1/8 full), as Redis
    /// resizes a dict under 10% fill, so random picks and scans stay cheap.
    fn maybe_shrink(&mut self) {
        let buckets = self.map.num_buckets();
        if buckets > MIN_SHRINK_BUCKETS && self.map.len() * 8 < buckets {
            self.map.shrink_to(self.map.len(), member_hash);
            self.layout_epoch = self.layout_epoch.wrapping_add(1);
        }
    }

    /// A random full bucket of a non-empty table.
    fn random_bucket(&self, rng: &mut impl FnMut() -> u64) -> usize {
        let n = self.map.num_buckets();
        // The table is at least 1/8 full (see `maybe_shrink`): a few probes do.
        for _ in 0..64 {
            let i = (rng() % n as u64) as usize;
            if self.map.get_bucket(i).is_some() {
                return i;
            }
        }
        let start = (rng() % n as u64) as usize;
        (0..n)
            .map(|k| (start + k) % n)
            .find(|&i| self.map.get_bucket(i).is_some())
            .expect("non-empty")
    }

    /// The layout tag an SSCAN cursor carries: log2 of the bucket count and
    /// the low bits of the layout epoch.
    fn cursor_tag(&self) -> u64 {
        let log2 = (self.map.num_buckets().trailing_zeros() & 63) as u64;
        log2 | ((self.layout_epoch as u64) << 6) & ((1 << CURSOR_TAG_BITS) - 1)
    }

    /// Number of buckets (positions for [`Self::bucket`]).
    pub fn num_buckets(&self) -> usize {
        self.map.num_buckets()
    }

    /// The member in bucket `index`, if the bucket is full.
    pub fn bucket(&self, index: usize) -> Option<&[u8]> {
        self.map.get_bucket(index).map(|m| m.as_bytes())
    }

    /// One SSCAN step from `cursor` (0 to start): visits buckets until `count`
    /// members were found or `10 * count` buckets were looked at (Redis's
    /// bound), calling `f` for each member. Returns the next cursor, 0 at the
    /// end. A cursor from another table layout restarts at bucket 0, so a
    /// member present throughout is returned at least once.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8])) -> u64 {
        let tag = self.cursor_tag();
        let n = self.map.num_buckets();
        let mut pos = if cursor & ((1 << CURSOR_TAG_BITS) - 1) == tag {
            usize::try_from(cursor >> CURSOR_TAG_BITS).unwrap_or(usize::MAX).min(n)
        } else {
            0
        };
        let mut budget = count.saturating_mul(10);
        let mut found = 0;
        while pos < n && found < count && budget > 0 {
            if let Some(m) = self.bucket(pos) {
                f(m);
                found += 1;
            }
            pos += 1;
            budget -= 1;
        }
        if pos >= n {
            0
        } else {
            (pos as u64) << CURSOR_TAG_BITS | tag
        }
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.map.len() == other.map.len() && self.map.iter().all(|m| other.contains(m.as_bytes()))
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.map.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> impl FnMut() -> u64 {
        let mut x = 0x1234_5678_u64;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn encodings_and_conversions() {
        let mut s = Set::for_first(b"1", 0);
        assert_eq!(s.encoding_name(), "intset");
        for m in ["3", "1", "2", "-5"] {
            s.add(m.as_bytes(), 4);
        }
        assert_eq!(s.encoding_name(), "intset");
        let sorted: Vec<_> = s.iter().collect();
        assert_eq!(sorted, [-5, 1, 2, 3].map(Member::Int));
        assert!(!s.add(b"3", 4));
        // The fifth entry exceeds the limit of 4.
        assert!(s.add(b"9", 4));
        assert_eq!(s.encoding_name(), "hashtable");
        assert!(s.contains(b"9") && s.contains(b"-5") && s.contains_member(Member::Int(2)));
        // Never back, even with only integers left.
        assert!(s.remove(b"9"));
        assert_eq!((s.encoding_name(), s.len()), ("hashtable", 4));

        let mut s = Set::for_first(b"07", 0);
        assert_eq!(s.encoding_name(), "hashtable");
        s.add(b"07", 512);
        assert!(!s.contains(b"7"));

        let mut s = Set::for_first(b"1", 0);
        s.add(b"1", 512);
        assert!(s.add(b"a", 512));
        assert_eq!(s.encoding_name(), "hashtable");
        assert!(s.contains(b"1") && s.contains(b"a"));
        // Members that are not canonical integers are never intset members.
        let mut s = Set::new_ints();
        for m in ["+1", "-0", " 1", "1.0", "9223372036854775808"] {
            assert!(!s.contains(m.as_bytes()));
            assert!(!s.remove(m.as_bytes()));
        }
        assert_eq!(s.encoding_name(), "intset");
    }

    #[test]
    fn table_add_remove_random_pop_shrink() {
        let mut s = Set::new_ints();
        let mut r = rng();
        for i in 0..10_000 {
            assert!(s.add(format!("m{i}").as_bytes(), 512));
        }
        assert_eq!(s.len(), 10_000);
        for _ in 0..100 {
            let Member::Bytes(b) = s.random(&mut r) else { panic!("table member") };
            assert!(b.starts_with(b"m"));
        }
        let mut popped = std::collections::HashSet::new();
        while s.len() > 10 {
            let Popped::Bytes(b) = s.pop_random(&mut r) else { panic!("table member") };
            assert!(popped.insert(b.as_bytes().to_vec()));
        }
        let Set::Table(t) = &s else { panic!("table") };
        assert!(t.map.num_buckets() <= 64, "shrunk: {}", t.map.num_buckets());
        let expect: usize = t.map.iter().map(|m| m.alloc_size_bytes()).sum();
        assert_eq!(t.member_bytes, expect);
        assert_eq!(popped.len() + s.len(), 10_000);
    }

    #[test]
    fn scan_returns_every_member_across_resizes() {
        let mut s = Set::new_ints();
        for i in 0..1000 {
            s.add(format!("x{i}").as_bytes(), 512);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            let Set::Table(t) = &s else { panic!("table") };
            cursor = t.scan(cursor, 7, |m| {
                seen.insert(m.to_vec());
            });
            calls += 1;
            if calls == 20 {
                // Grow the table mid-iteration: the scan restarts, missing nothing.
                for i in 1000..5000 {
                    s.add(format!("x{i}").as_bytes(), 512);
                }
            }
            if cursor == 0 {
                break;
            }
        }
        assert!((0..1000).all(|i| seen.contains(format!("x{i}").as_bytes())));
    }
}
