//! The hash type: a map from field to value with Redis's two encodings.
//!
//! - `listpack` ([`Listpack`]): one exact-size buffer in insertion order, while
//!   the hash has at most `hash-max-listpack-entries` fields and no field or
//!   value longer than `hash-max-listpack-value` bytes;
//! - `hashtable` ([`PairTable`]): one allocation per field+value pair in a
//!   hashbrown table of thin pointers.
//!
//! A hash converts from listpack to hashtable when a limit is crossed and never
//! back, as in Redis (`hashTypeTryConversion`, `hashTypeSet`). A `Hash` is 16
//! bytes, so it sits in a `Value` unboxed; the listpack is the only allocation
//! of a small hash.

mod listpack;
mod table;

pub use listpack::Listpack;
pub use table::{Pair, PairTable};

use super::value::StrRef;

/// The listpack limits (`hash-max-listpack-entries`, `hash-max-listpack-value`).
#[derive(Clone, Copy, Debug)]
pub struct ListpackLimits {
    /// Most fields a listpack-encoded hash holds.
    pub entries: usize,
    /// Longest field or value, in bytes, a listpack-encoded hash holds.
    pub value_bytes: usize,
}

/// A hash value.
#[derive(Clone)]
pub enum Hash {
    /// Small: one buffer, insertion order.
    Listpack(Listpack),
    /// Large: a table of field+value allocations.
    Table(Box<PairTable>),
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Listpack(Listpack::default())
    }
}

/// Iterator over a hash's (field, value) pairs: insertion order for a listpack,
/// bucket order for a table.
pub enum Pairs<'a> {
    Listpack(listpack::Pairs<'a>),
    Table(hashbrown::hash_table::Iter<'a, Pair>),
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (StrRef<'a>, StrRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Pairs::Listpack(it) => it.next(),
            Pairs::Table(it) => {
                it.next().map(|p| (StrRef::Bytes(p.field()), StrRef::Bytes(p.value())))
            }
        }
    }
}

impl Hash {
    /// An empty hash about to take `n` fields: a table sized for them when
    /// that many cannot stay a listpack (RESTORE knows the count up front;
    /// growing a table of a million fields rehashes it twenty times).
    pub fn with_capacity(n: usize, limits: ListpackLimits) -> Hash {
        if n > limits.entries {
            Hash::Table(Box::new(PairTable::with_capacity(n)))
        } else {
            Hash::default()
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.len(),
            Hash::Table(t) => t.len(),
        }
    }

    /// True when the hash has no field (it is then deleted by the command).
    pub fn is_empty(&self) -> bool {
        match self {
            Hash::Listpack(lp) => lp.is_empty(),
            Hash::Table(t) => t.is_empty(),
        }
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<StrRef<'_>> {
        match self {
            Hash::Listpack(lp) => lp.get(field),
            Hash::Table(t) => t.get(field).map(|p| StrRef::Bytes(p.value())),
        }
    }

    /// Iterates over the (field, value) pairs.
    pub fn pairs(&self) -> Pairs<'_> {
        match self {
            Hash::Listpack(lp) => Pairs::Listpack(lp.pairs()),
            Hash::Table(t) => Pairs::Table(t.iter()),
        }
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }

    /// Converts a listpack to a table (Redis's `hashTypeConvert`).
    fn convert(&mut self) {
        if let Hash::Listpack(lp) = self {
            let mut t = PairTable::with_capacity(lp.len());
            for (f, v) in lp.pairs() {
                t.set(f.as_bytes(), v.as_bytes());
            }
            *self = Hash::Table(Box::new(t));
        }
    }

    /// Converts a listpack to a table when any of `items` (the fields and
    /// values a command is about to write) is longer than the listpack allows,
    /// as Redis's `hashTypeTryConversion` does before HSET writes anything.
    pub fn convert_for<'i>(
        &mut self,
        mut items: impl Iterator<Item = &'i [u8]>,
        limits: ListpackLimits,
    ) {
        if matches!(self, Hash::Listpack(_)) && items.any(|s| s.len() > limits.value_bytes) {
            self.convert();
        }
    }

    /// Sets `field` to `value`, converting to a table when a limit is crossed.
    /// Returns true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: ListpackLimits) -> bool {
        self.convert_for([field, value].into_iter(), limits);
        match self {
            Hash::Listpack(lp) => {
                let new = lp.set(field, value);
                // Checked on updates too: the limit may have been lowered.
                if lp.len() > limits.entries {
                    self.convert();
                }
                new
            }
            Hash::Table(t) => t.set(field, value),
        }
    }

    /// Deletes `field`; returns true when it was present.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => lp.remove(field),
            Hash::Table(t) => t.remove(field),
        }
    }

    /// Heap bytes owned by the hash.
    pub fn heap_size_bytes(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.size_bytes(),
            Hash::Table(t) => std::mem::size_of::<PairTable>() + t.heap_size_bytes(),
        }
    }

    /// A uniformly random pair of a non-empty hash; `rand` yields random numbers.
    pub fn random_pair(&self, rand: &mut impl FnMut() -> u64) -> (StrRef<'_>, StrRef<'_>) {
        debug_assert!(!self.is_empty());
        match self {
            Hash::Listpack(lp) => {
                let i = (rand() % lp.len() as u64) as usize;
                lp.pairs().nth(i).expect("index below len")
            }
            Hash::Table(t) => {
                let p = t.random_bucket(rand).1;
                (StrRef::Bytes(p.field()), StrRef::Bytes(p.value()))
            }
        }
    }

    /// `count` distinct random pairs (`count` below the length), in storage order.
    pub fn sample(
        &self,
        count: usize,
        rand: &mut impl FnMut() -> u64,
    ) -> Vec<(StrRef<'_>, StrRef<'_>)> {
        let len = self.len();
        debug_assert!(count < len);
        if let Hash::Table(t) = self {
            // Few out of many: random buckets until enough distinct ones.
            if count.saturating_mul(3) <= len {
                let mut seen = hashbrown::HashSet::with_capacity(count);
                let mut out = Vec::with_capacity(count);
                while out.len() < count {
                    let (i, p) = t.random_bucket(rand);
                    if seen.insert(i) {
                        out.push((StrRef::Bytes(p.field()), StrRef::Bytes(p.value())));
                    }
                }
                return out;
            }
        }
        // Floyd's sampling of `count` distinct indexes, then one walk.
        let mut chosen = hashbrown::HashSet::with_capacity(count);
        for j in len - count..len {
            let t = (rand() % (j as u64 + 1)) as usize;
            if !chosen.insert(t) {
                chosen.insert(j);
            }
        }
        self.pairs().enumerate().filter(|(i, _)| chosen.contains(i)).map(|(_, p)| p).collect()
    }
}

impl PartialEq for Hash {
    /// Equal contents, whatever the encoding and order.
    fn eq(&self, other: &Hash) -> bool {
        self.len() == other.len()
            && self
                .pairs()
                .all(|(f, v)| other.get(f.as_bytes()).is_some_and(|o| o.as_bytes() == v.as_bytes()))
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = |s: &StrRef<'_>| String::from_utf8_lossy(s.as_bytes()).into_owned();
        f.debug_map().entries(self.pairs().map(|(k, v)| (text(&k), text(&v)))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ListpackLimits = ListpackLimits { entries: 4, value_bytes: 8 };

    fn fields(h: &Hash) -> Vec<String> {
        h.pairs().map(|(f, _)| String::from_utf8_lossy(f.as_bytes()).into_owned()).collect()
    }

    #[test]
    fn converts_past_the_entry_limit_and_never_back() {
        let mut h = Hash::default();
        for f in ["a", "b", "c", "d"] {
            assert!(h.set(f.as_bytes(), b"1", LIMITS));
        }
        assert_eq!(h.encoding_name(), "listpack");
        assert_eq!(fields(&h), ["a", "b", "c", "d"]);
        assert!(!h.set(b"a", b"2", LIMITS), "replacing adds no entry");
        assert_eq!(h.encoding_name(), "listpack");
        assert!(h.set(b"e", b"1", LIMITS));
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"a").unwrap().as_bytes(), b"2");
        for f in ["a", "b", "c", "d"] {
            assert!(h.remove(f.as_bytes()));
        }
        assert_eq!(h.encoding_name(), "hashtable");
    }

    #[test]
    fn converts_for_long_fields_or_values() {
        let mut h = Hash::default();
        h.set(b"f", b"12345678", LIMITS);
        assert_eq!(h.encoding_name(), "listpack");
        h.set(b"g", b"123456789", LIMITS);
        assert_eq!(h.encoding_name(), "hashtable");
        let mut h = Hash::default();
        h.convert_for([&b"short"[..], b"longer than 8"].into_iter(), LIMITS);
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h, Hash::default(), "equal contents, other encoding");
    }

    #[test]
    fn random_and_sampled_pairs_are_members() {
        let mut seed = 7u64;
        let mut rand = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 11
        };
        let limits = ListpackLimits { entries: 8, value_bytes: 64 };
        for n in [3usize, 8, 9, 1000] {
            let mut h = Hash::default();
            for i in 0..n {
                h.set(format!("f{i}").as_bytes(), format!("v{i}").as_bytes(), limits);
            }
            for _ in 0..50 {
                let (f, v) = h.random_pair(&mut rand);
                assert_eq!(h.get(f.as_bytes()).unwrap().as_bytes(), v.as_bytes());
            }
            for count in [1, n / 3, n - 1] {
                let s = h.sample(count, &mut rand);
                assert_eq!(s.len(), count);
                let distinct: hashbrown::HashSet<Vec<u8>> =
                    s.iter().map(|(f, _)| f.as_bytes().to_vec()).collect();
                assert_eq!(distinct.len(), count);
            }
        }
    }
}
