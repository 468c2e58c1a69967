//! The data set the migration moves: `keys` string keys of `value_bytes`
//! bytes and `collections` big collections (hash, sorted set and list in
//! turn) of `elements` small elements each. Every name and value is a pure
//! function of its index, so the loader and the checker agree without
//! storing anything. Half of the collections are named into slots the
//! reshard plans to move, half into slots that stay.

use engine::slot::key_slot;

use crate::slots::planned_moves;

/// What to load.
#[derive(Clone, Debug)]
pub struct Spec {
    /// String keys `key:%012d`.
    pub keys: u64,
    /// Bytes of each string value.
    pub value_bytes: usize,
    /// Big collections.
    pub collections: Vec<Collection>,
    /// Elements of each collection.
    pub elements: u64,
}

/// The type of a big collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionKind {
    /// HSET `f:%07d` -> `v:%d`.
    Hash,
    /// ZADD member `m:%07d`, score = index.
    Zset,
    /// RPUSH `e:%07d`.
    List,
}

/// One big collection.
#[derive(Clone, Debug)]
pub struct Collection {
    /// Its key.
    pub name: String,
    /// Its type.
    pub kind: CollectionKind,
}

/// Elements per command when a collection is built.
pub const ELEMENTS_PER_COMMAND: u64 = 100;

/// String key number `i` (the names `redis-benchmark -r` uses).
pub fn key_name(i: u64) -> String {
    format!("key:{i:012}")
}

/// The value the loader gives key `i`: `v<i>:` padded with `x` to `bytes`.
pub fn loaded_value(i: u64, bytes: usize) -> Vec<u8> {
    padded(format!("v{i}:"), bytes, b'x')
}

/// The value the load's SETs give key `i`: `w<i>:` padded with `y`.
pub fn written_value(i: u64, bytes: usize) -> Vec<u8> {
    padded(format!("w{i}:"), bytes, b'y')
}

fn padded(prefix: String, bytes: usize, fill: u8) -> Vec<u8> {
    let mut v = prefix.into_bytes();
    v.resize(bytes, fill);
    v
}

impl CollectionKind {
    /// The type of collection number `c`.
    fn of(c: usize) -> CollectionKind {
        [CollectionKind::Hash, CollectionKind::Zset, CollectionKind::List][c % 3]
    }

    /// The key name's prefix, also the word in reports.
    pub fn name(self) -> &'static str {
        match self {
            CollectionKind::Hash => "hash",
            CollectionKind::Zset => "zset",
            CollectionKind::List => "list",
        }
    }

    /// The command that adds elements `from..to` to `key`.
    pub fn add_command(self, key: &str, from: u64, to: u64) -> Vec<Vec<u8>> {
        let head: &[u8] = match self {
            CollectionKind::Hash => b"HSET",
            CollectionKind::Zset => b"ZADD",
            CollectionKind::List => b"RPUSH",
        };
        let mut args = vec![head.to_vec(), key.as_bytes().to_vec()];
        for j in from..to {
            match self {
                CollectionKind::Hash => args.extend([field(j), format!("v:{j}").into_bytes()]),
                CollectionKind::Zset => args.extend([j.to_string().into_bytes(), field(j)]),
                CollectionKind::List => args.push(field(j)),
            }
        }
        args
    }

    /// The command that returns the collection's size.
    pub fn size_command(self) -> &'static [u8] {
        match self {
            CollectionKind::Hash => b"HLEN",
            CollectionKind::Zset => b"ZCARD",
            CollectionKind::List => b"LLEN",
        }
    }

    /// A command reading element `j` and the bulk reply it must get.
    pub fn probe(self, key: &str, j: u64) -> (Vec<Vec<u8>>, Vec<u8>) {
        let key = key.as_bytes().to_vec();
        match self {
            CollectionKind::Hash => {
                (vec![b"HGET".to_vec(), key, field(j)], format!("v:{j}").into())
            }
            CollectionKind::Zset => (vec![b"ZSCORE".to_vec(), key, field(j)], j.to_string().into()),
            CollectionKind::List => (vec![b"LINDEX".to_vec(), key, j.to_string().into()], field(j)),
        }
    }

    /// Bytes of element `j` as loaded (field and value, member and score, element).
    pub fn element_bytes(self, j: u64) -> u64 {
        let digits = j.max(1).ilog10() as u64 + 1;
        match self {
            CollectionKind::Hash => 9 + 2 + digits,
            CollectionKind::Zset => 9 + 8,
            CollectionKind::List => 9,
        }
    }
}

/// Field, member or element number `j`: `f:0000042`.
fn field(j: u64) -> Vec<u8> {
    format!("f:{j:07}").into_bytes()
}

impl Spec {
    /// The spec with `collections` collections, named (by hash tag) so that
    /// the even ones sit in slots a reshard of `moving_slots` slots from the
    /// masters of `owners` moves and the odd ones in slots that stay.
    pub fn new(
        keys: u64,
        value_bytes: usize,
        collections: usize,
        elements: u64,
        owners: &[u16],
        moving_slots: usize,
    ) -> Spec {
        let moves = planned_moves(owners, moving_slots);
        let collections = (0..collections)
            .map(|c| {
                let kind = CollectionKind::of(c);
                let name = (0u32..)
                    .map(|tag| format!("{}:{c}{{{tag}}}", kind.name()))
                    .find(|name| moves[usize::from(key_slot(name.as_bytes()))] == (c % 2 == 0))
                    .expect("some tag lands on either side");
                Collection { name, kind }
            })
            .collect();
        Spec { keys, value_bytes, collections, elements }
    }

    /// Keys in the data set.
    pub fn key_count(&self) -> u64 {
        self.keys + self.collections.len() as u64
    }

    /// Elements loaded: string keys plus collection elements.
    pub fn element_count(&self) -> u64 {
        self.keys + self.collections.len() as u64 * self.elements
    }

    /// Bytes of key names and values of the collection `c` (its elements).
    pub fn collection_bytes(&self, c: &Collection) -> u64 {
        c.name.len() as u64 + (0..self.elements).map(|j| c.kind.element_bytes(j)).sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_distinct_and_sized() {
        assert_eq!(loaded_value(7, 8), b"v7:xxxxx");
        assert_eq!(written_value(7, 8), b"w7:yyyyy");
        assert_eq!(loaded_value(123, 2), b"v1");
        assert_eq!(key_name(5), "key:000000000005");
    }

    #[test]
    fn collections_land_on_both_sides_of_the_plan() {
        let mut owners = vec![1u16; crate::slots::SLOTS];
        owners[8192..].fill(2);
        let spec = Spec::new(10, 64, 4, 1000, &owners, 4096);
        let moves = planned_moves(&owners, 4096);
        let kinds: Vec<_> = spec.collections.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                CollectionKind::Hash,
                CollectionKind::Zset,
                CollectionKind::List,
                CollectionKind::Hash
            ]
        );
        for (c, coll) in spec.collections.iter().enumerate() {
            assert_eq!(moves[usize::from(key_slot(coll.name.as_bytes()))], c % 2 == 0, "{c}");
        }
        assert_eq!(spec.key_count(), 14);
        assert_eq!(spec.element_count(), 4010);
    }

    #[test]
    fn element_commands() {
        let cmd = CollectionKind::Zset.add_command("z", 9, 11);
        assert_eq!(cmd, [&b"ZADD"[..], b"z", b"9", b"f:0000009", b"10", b"f:0000010"]);
        assert_eq!(CollectionKind::Hash.probe("h", 3).1, b"v:3");
        assert_eq!(CollectionKind::Hash.element_bytes(10), 13);
    }
}
