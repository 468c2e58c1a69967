//! DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's SHA1-based signatures of
//! values and of a whole dataset (debug.c's `xorDigest` / `mixDigest`), the
//! same as Redis's for the same data, so that a key can be compared across
//! nodes of either kind (redis-cli does on BUSYKEY).
//!
//! `xor` folds the SHA1 of some bytes into a digest (order does not matter:
//! set members, hash fields, keys); `mix` also hashes the result (order
//! matters: list elements, and the parts of one element).

use sha1::{Digest as _, Sha1};

use crate::keyspace::{Db, Value, ValueType};

/// A 20-byte digest.
pub type Digest = [u8; 20];

/// digest ^= SHA1(data).
pub fn xor(digest: &mut Digest, data: &[u8]) {
    let h = Sha1::digest(data);
    digest.iter_mut().zip(h.iter()).for_each(|(d, h)| *d ^= h);
}

/// digest = SHA1(digest ^ SHA1(data)).
pub fn mix(digest: &mut Digest, data: &[u8]) {
    xor(digest, data);
    let h = Sha1::digest(&digest[..]);
    digest.copy_from_slice(&h);
}

/// Redis's type number of a value (`OBJ_STRING` ... `OBJ_HASH`).
fn type_code(t: ValueType) -> u32 {
    match t {
        ValueType::String => 0,
        ValueType::List => 1,
        ValueType::Set => 2,
        ValueType::ZSet => 3,
        ValueType::Hash => 4,
        ValueType::Stream => 6,
    }
}

/// Folds `value` into `digest` as `xorObjectDigest`; `expires` when the key
/// has a TTL.
pub fn value(digest: &mut Digest, value: &Value, expires: bool) {
    mix(digest, &type_code(value.value_type()).to_be_bytes());
    match value {
        Value::List(l) => l.iter().for_each(|e| mix(digest, e)),
        Value::Set(s) => s.iter().for_each(|m| xor(digest, m.text().as_bytes())),
        Value::ZSet(z) => z.walk(0, z.len(), false, |m, score| {
            let mut element = [0u8; 20];
            mix(&mut element, m);
            mix(&mut element, crate::resp::reply::format_double(score).as_bytes());
            xor(digest, &element);
            true
        }),
        Value::Hash(h) => h.pairs().for_each(|(f, v)| {
            let mut element = [0u8; 20];
            mix(&mut element, f.as_bytes());
            mix(&mut element, v.as_bytes());
            xor(digest, &element);
        }),
        string => mix(digest, string.as_str().expect("a string").as_bytes()),
    }
    if expires {
        xor(digest, b"!!expire!!");
    }
}

/// DEBUG DIGEST-VALUE of `key` in `db`: its value's digest, zeros when
/// absent (a logically expired key still counts, as in Redis).
pub fn key_value(db: &Db, key: &[u8]) -> Digest {
    let mut d = [0u8; 20];
    let table = db.slot_table(crate::slot::key_slot(key));
    if let Some(e) = table.and_then(|t| t.get(key)) {
        value(&mut d, &e.value, e.expire_at_ms().is_some());
    }
    d
}

/// The xor of SHA1(digest of the key) over every key of `db` (each digest:
/// the key mixed, then its value), expired keys not yet deleted included, as
/// Redis; None when it is empty. Xoring these across shards gives the
/// database's.
pub fn db_keys(db: &Db) -> Option<Digest> {
    let mut all = [0u8; 20];
    let mut any = false;
    for slot in db.slots_with_keys(0) {
        for e in db.slot_table(slot).into_iter().flat_map(|t| t.iter()) {
            let mut d = [0u8; 20];
            mix(&mut d, e.key.as_bytes());
            value(&mut d, &e.value, e.expire_at_ms().is_some());
            xor(&mut all, &d);
            any = true;
        }
    }
    any.then_some(all)
}

/// The dataset digest, as `computeDatasetDigest`, from each shard's
/// [`db_keys`] of every database (in database order): a database's parts
/// are xored together, and each non-empty one is mixed in with its number.
pub fn dataset(per_shard: &[Vec<Option<Digest>>]) -> Digest {
    let dbs = per_shard.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = [0u8; 20];
    for j in 0..dbs {
        let mut parts = per_shard.iter().filter_map(|s| s.get(j).copied().flatten()).peekable();
        if parts.peek().is_none() {
            continue;
        }
        mix(&mut out, &(j as u32).to_be_bytes());
        for keys in parts {
            out.iter_mut().zip(keys).for_each(|(o, k)| *o ^= k);
        }
    }
    out
}

/// Lowercase hex, as DEBUG replies.
pub fn hex(d: &Digest) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_and_mixing() {
        let mut d = [0u8; 20];
        xor(&mut d, b"abc");
        assert_eq!(hex(&d), "a9993e364706816aba3e25717850c26c9cd0d89d");
        // mix("a") then mix("b") differs from mix("b") then mix("a").
        let (mut ab, mut ba) = ([0u8; 20], [0u8; 20]);
        mix(&mut ab, b"a");
        mix(&mut ab, b"b");
        mix(&mut ba, b"b");
        mix(&mut ba, b"a");
        assert_ne!(ab, ba);
        assert_eq!(dataset(&[vec![None, None]]), [0u8; 20]);
    }
}
