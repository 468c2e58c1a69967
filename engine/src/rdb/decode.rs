//! Reading a DUMP payload back into a value (see the module doc of `rdb`).

use super::listpack::{read, read_intset, Elem};
use super::{types, verify, RestoreError};
use crate::config::EngineConfig;
use crate::keyspace::hash::Hash;
use crate::keyspace::list::{End, Fill, List};
use crate::keyspace::set::Set;
use crate::keyspace::zset::{ZSet, ZSetLimits};
use crate::keyspace::Value;

type R<T> = Result<T, RestoreError>;

const BAD: RestoreError = RestoreError::BadData;

/// Decodes `payload` (checked first) into a value in the encoding Redis
/// would give it under `cfg`'s thresholds.
pub fn decode_payload(payload: &[u8], cfg: &EngineConfig) -> R<Value> {
    let body = verify(payload)?;
    let mut r = Reader { b: body, at: 0 };
    let t = r.byte()?;
    match t {
        types::STRING => Ok(Value::from_bytes(&r.string()?)),
        types::LIST_QUICKLIST_2 => list(&mut r, cfg),
        types::SET => {
            // `count` bounds n by the bytes left: a table may be sized for it.
            let n = r.count()?;
            let mut set: Option<Set> = None;
            for _ in 0..n {
                let m = r.string()?;
                let s = set.get_or_insert_with(|| Set::for_first(&m, n));
                if !s.add(&m, cfg.set_max_intset_entries) {
                    return Err(BAD);
                }
            }
            set.map(|s| Value::Set(Box::new(s))).ok_or(BAD)
        }
        types::SET_INTSET => {
            let values = read_intset(&r.string()?).ok_or(BAD)?;
            let mut set = Set::new_ints();
            for v in &values {
                set.add(v.to_string().as_bytes(), cfg.set_max_intset_entries);
            }
            (!values.is_empty()).then(|| Value::Set(Box::new(set))).ok_or(BAD)
        }
        types::HASH => {
            // `count` bounds n by the bytes left: the table may be sized for it.
            let n = r.count()?;
            let limits = cfg.hash_limits();
            let mut h = Hash::with_capacity(n, limits);
            for _ in 0..n {
                let (f, v) = (r.string()?, r.string()?);
                if !h.set(&f, &v, limits) {
                    return Err(BAD); // a duplicate field
                }
            }
            Ok(Value::Hash(h))
        }
        types::HASH_LISTPACK => {
            let blob = r.string()?;
            let elems = read(&blob).ok_or(BAD)?;
            if elems.len() % 2 != 0 {
                return Err(BAD);
            }
            let owned: Vec<Vec<u8>> = elems.iter().map(Elem::to_vec).collect();
            let pairs = owned.chunks(2).map(|p| (p[0].as_slice(), p[1].as_slice()));
            hash(pairs, owned.len() / 2, cfg)
        }
        types::ZSET_2 => {
            let n = r.count()?;
            let mut items = Vec::with_capacity(n.min(1024));
            for _ in 0..n {
                let m = r.string()?;
                let score = f64::from_le_bytes(r.take(8)?.try_into().map_err(|_| BAD)?);
                items.push((m, score));
            }
            zset(items, cfg)
        }
        types::ZSET_LISTPACK => {
            let blob = r.string()?;
            let elems = read(&blob).ok_or(BAD)?;
            if elems.len() % 2 != 0 {
                return Err(BAD);
            }
            let mut items = Vec::with_capacity(elems.len() / 2);
            for p in elems.chunks(2) {
                let score = match &p[1] {
                    Elem::Int(v) => *v as f64,
                    Elem::Str(s) => crate::num::parse_f64(s).ok_or(BAD)?,
                };
                items.push((p[0].to_vec(), score));
            }
            zset(items, cfg)
        }
        _ => Err(BAD),
    }
}

/// Reads RDB lengths and strings from a payload's body, every length checked
/// against what is left.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> R<u8> {
        let v = *self.b.get(self.at).ok_or(BAD)?;
        self.at += 1;
        Ok(v)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(BAD)?;
        let s = self.b.get(self.at..end).ok_or(BAD)?;
        self.at = end;
        Ok(s)
    }

    /// A length, or an encoded-string marker `Err(kind)` in `Ok`.
    fn len_or_special(&mut self) -> R<Result<u64, u8>> {
        let first = self.byte()?;
        Ok(match first >> 6 {
            0 => Ok((first & 0x3f) as u64),
            1 => Ok((((first & 0x3f) as u64) << 8) | self.byte()? as u64),
            2 => match first {
                0x80 => Ok(u32::from_be_bytes(self.take(4)?.try_into().map_err(|_| BAD)?) as u64),
                0x81 => Ok(u64::from_be_bytes(self.take(8)?.try_into().map_err(|_| BAD)?)),
                _ => return Err(BAD),
            },
            _ => Err(first & 0x3f),
        })
    }

    fn len(&mut self) -> R<u64> {
        self.len_or_special()?.map_err(|_| BAD)
    }

    /// A count of elements that must follow: at least one byte each, so a
    /// count beyond the bytes left is refused before anything is reserved.
    fn count(&mut self) -> R<usize> {
        let n = self.len()?;
        if n == 0 || n > (self.b.len() - self.at) as u64 {
            return Err(BAD);
        }
        Ok(n as usize)
    }

    fn string(&mut self) -> R<Vec<u8>> {
        match self.len_or_special()? {
            Ok(n) => Ok(self.take(usize::try_from(n).map_err(|_| BAD)?)?.to_vec()),
            Err(0) => Ok((self.byte()? as i8).to_string().into_bytes()),
            Err(1) => {
                let v = i16::from_le_bytes(self.take(2)?.try_into().map_err(|_| BAD)?);
                Ok(v.to_string().into_bytes())
            }
            Err(2) => {
                let v = i32::from_le_bytes(self.take(4)?.try_into().map_err(|_| BAD)?);
                Ok(v.to_string().into_bytes())
            }
            Err(3) => {
                let clen = usize::try_from(self.len()?).map_err(|_| BAD)?;
                let len = usize::try_from(self.len()?).map_err(|_| BAD)?;
                let data = self.take(clen)?;
                // LZF expands at most ~ 264x: a larger claim is corrupt.
                if len > clen.saturating_mul(264) + 64 {
                    return Err(BAD);
                }
                super::lzf::decompress(data, len).ok_or(BAD)
            }
            Err(_) => Err(BAD),
        }
    }
}

fn list(r: &mut Reader<'_>, cfg: &EngineConfig) -> R<Value> {
    let nodes = r.count()?;
    let fill = Fill::from_config(cfg.list_max_listpack_size);
    let mut list = List::new();
    for _ in 0..nodes {
        let container = r.len()?;
        let data = r.string()?;
        match container {
            // PLAIN: one element.
            1 => list.push(End::Back, &data, fill),
            // PACKED: a listpack (an empty one is skipped, as Redis does).
            2 => {
                for e in read(&data).ok_or(BAD)? {
                    list.push(End::Back, &e.to_vec(), fill);
                }
            }
            _ => return Err(BAD),
        }
    }
    (!list.is_empty()).then(|| Value::List(Box::new(list))).ok_or(BAD)
}

fn hash<'p>(
    pairs: impl Iterator<Item = (&'p [u8], &'p [u8])>,
    n: usize,
    cfg: &EngineConfig,
) -> R<Value> {
    let limits = cfg.hash_limits();
    let mut h = Hash::default();
    for (f, v) in pairs.take(n) {
        if !h.set(f, v, limits) {
            return Err(BAD); // a duplicate field
        }
    }
    (!h.is_empty()).then_some(Value::Hash(h)).ok_or(BAD)
}

fn zset(items: Vec<(Vec<u8>, f64)>, cfg: &EngineConfig) -> R<Value> {
    let limits = ZSetLimits {
        max_listpack_entries: cfg.zset_max_listpack_entries,
        max_listpack_value_bytes: cfg.zset_max_listpack_value_bytes,
    };
    let mut z = ZSet::with_len_hint(items.len(), &limits);
    for (m, score) in items {
        if score.is_nan() || z.score(&m).is_some() {
            return Err(BAD);
        }
        z.insert_new(&m, score, &limits);
    }
    (!z.is_empty()).then(|| Value::ZSet(Box::new(z))).ok_or(BAD)
}
