//! Values stored under keys, with Redis's encodings in spirit.
//!
//! Each variant corresponds to what `OBJECT ENCODING` reports, so that reply and
//! memory behaviour track Redis: integers that fit an i64 are stored as one
//! (`int`), short strings are immutable and inline (`embstr` up to 44 bytes), and
//! strings that were appended to or ranged into are growable buffers (`raw`).
//! Collections live in their own modules: lists ([`super::list`]), sets
//! ([`super::set`]) and sorted sets ([`super::zset`]) are boxed so that a value stays 24 bytes;
//! hashes ([`super::hash`], `listpack` or `hashtable`) are 16 bytes and sit
//! in the value unboxed.

use super::hash::Hash;
use super::list::List;
use super::set::Set;
use super::small_bytes::SmallBytes;
use super::zset::ZSet;

/// Longest string Redis reports as `embstr`.
pub const EMBSTR_MAX_BYTES: usize = 44;

/// Longest string value (`proto-max-bulk-len` default; SETRANGE/APPEND check it).
pub const STRING_MAX_BYTES: usize = 512 * 1024 * 1024;

/// A stored value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string holding a canonical decimal integer (`int`).
    Int(i64),
    /// An immutable string (`embstr` up to 44 bytes, `raw` above).
    Str(SmallBytes),
    /// A string modified in place by APPEND or SETRANGE (`raw`). Boxed so that
    /// `Value` stays 24 bytes (see the size test): every large variant is boxed.
    Raw(Box<Vec<u8>>),
    /// A hash (`listpack` or `hashtable`); 16 bytes, so not boxed.
    Hash(Hash),
    /// A list (`quicklist`).
    List(Box<List>),
    /// A sorted set (`listpack` or `skiplist`).
    ZSet(Box<ZSet>),
    /// A set (`intset` or `hashtable`).
    Set(Box<Set>),
}

/// The type of a value, as `TYPE` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    String,
    List,
    Set,
    ZSet,
    Hash,
    Stream,
}

impl ValueType {
    /// The name `TYPE` replies with.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::List => "list",
            ValueType::Set => "set",
            ValueType::ZSet => "zset",
            ValueType::Hash => "hash",
            ValueType::Stream => "stream",
        }
    }

    /// Parses a type name as `SCAN ... TYPE` takes it (case-insensitive).
    pub fn from_name(name: &[u8]) -> Option<ValueType> {
        let lower = name.to_ascii_lowercase();
        Some(match &lower[..] {
            b"string" => ValueType::String,
            b"list" => ValueType::List,
            b"set" => ValueType::Set,
            b"zset" => ValueType::ZSet,
            b"hash" => ValueType::Hash,
            b"stream" => ValueType::Stream,
            _ => return None,
        })
    }
}

/// A string's bytes, borrowed or rendered from an integer without allocating.
pub enum StrRef<'a> {
    Bytes(&'a [u8]),
    Int { buf: [u8; 20], len: u8 },
}

impl StrRef<'_> {
    /// The decimal text of `n`, rendered on the stack.
    pub fn from_i64(n: i64) -> StrRef<'static> {
        let mut buf = [0u8; 20];
        let mut at = 20;
        let mut rest = n.unsigned_abs();
        loop {
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            at -= 1;
            buf[at] = b'-';
        }
        StrRef::Int { buf, len: (20 - at) as u8 }
    }

    /// The bytes of the string.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            StrRef::Bytes(b) => b,
            StrRef::Int { buf, len } => &buf[20 - *len as usize..],
        }
    }
}

impl Value {
    /// Builds a string value the way Redis's `tryObjectEncoding` would store it:
    /// an integer when the bytes are a canonical i64 of at most 20 chars.
    pub fn from_bytes(b: &[u8]) -> Value {
        if b.len() <= 20 {
            if let Some(n) = crate::num::parse_i64_strict(b) {
                return Value::Int(n);
            }
        }
        Value::Str(SmallBytes::new(b))
    }

    /// Makes this value the string `bytes`, encoded as [`Value::from_bytes`]
    /// would, reusing a heap string's allocation when the length is the same
    /// (an overwrite of a fixed-size value then allocates nothing).
    pub fn assign_bytes(&mut self, bytes: &[u8]) {
        if let Value::Str(SmallBytes::Heap(b)) = self {
            // Longer than any integer, so `from_bytes` would keep a string too.
            if b.len() == bytes.len() && bytes.len() > 20 {
                b.copy_from_slice(bytes);
                return;
            }
        }
        *self = Value::from_bytes(bytes);
    }

    /// The value's type.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Int(_) | Value::Str(_) | Value::Raw(_) => ValueType::String,
            Value::Hash(_) => ValueType::Hash,
            Value::List(_) => ValueType::List,
            Value::ZSet(_) => ValueType::ZSet,
            Value::Set(_) => ValueType::Set,
        }
    }

    /// How many allocations freeing the value gives back (Redis's
    /// `lazyfreeGetFreeEffort`): the elements of a table or skiplist, the
    /// nodes of a list, 1 for a string or a packed encoding.
    pub fn free_effort(&self) -> usize {
        match self {
            Value::Hash(h) if h.encoding_name() == "hashtable" => h.len(),
            Value::ZSet(z) if z.encoding_name() == "skiplist" => z.len(),
            Value::Set(s) if s.encoding_name() == "hashtable" => s.len(),
            Value::List(l) => l.node_count(),
            _ => 1,
        }
    }

    /// The encoding name `OBJECT ENCODING` reports.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Str(s) if s.len() <= EMBSTR_MAX_BYTES => "embstr",
            Value::Str(_) | Value::Raw(_) => "raw",
            Value::Hash(h) => h.encoding_name(),
            Value::List(_) => "quicklist",
            Value::ZSet(z) => z.encoding_name(),
            Value::Set(s) => s.encoding_name(),
        }
    }

    /// The string's bytes if this is a string value.
    pub fn as_str(&self) -> Option<StrRef<'_>> {
        match self {
            Value::Int(n) => Some(StrRef::from_i64(*n)),
            Value::Str(s) => Some(StrRef::Bytes(s.as_bytes())),
            Value::Raw(v) => Some(StrRef::Bytes(v)),
            Value::Hash(_) => None,
            Value::List(_) => None,
            Value::ZSet(_) => None,
            Value::Set(_) => None,
        }
    }

    /// Prefetches the first bytes of a string value held on the heap (see
    /// [`super::Db::warm`]); collections are left alone.
    #[inline]
    pub fn prefetch(&self) {
        match self {
            Value::Str(s) => super::prefetch(s.as_bytes().as_ptr()),
            Value::Raw(v) => super::prefetch(v.as_ptr()),
            _ => {}
        }
    }

    /// Approximate heap bytes owned by the value (for MEMORY USAGE and eviction).
    pub fn heap_size_bytes(&self) -> usize {
        match self {
            Value::Int(_) => 0,
            Value::Str(s) => s.heap_size_bytes(),
            Value::Raw(v) => v.capacity(),
            Value::Hash(h) => h.heap_size_bytes(),
            Value::List(l) => std::mem::size_of::<List>() + l.heap_size_bytes(),
            Value::ZSet(z) => std::mem::size_of::<ZSet>() + z.heap_size_bytes(),
            Value::Set(s) => std::mem::size_of::<Set>() + s.heap_size_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_fits_in_24_bytes() {
        // The discriminant lives in SmallBytes' spare tag values; an entry of key,
        // value, expiry and LRU clock then fits a 64-byte allocation.
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert!(std::mem::size_of::<super::super::Entry>() <= 64);
    }

    #[test]
    fn encodings_like_redis() {
        assert_eq!(Value::from_bytes(b"123").encoding_name(), "int");
        assert_eq!(Value::from_bytes(b"-9223372036854775808").encoding_name(), "int");
        assert_eq!(Value::from_bytes(b"0123").encoding_name(), "embstr");
        assert_eq!(Value::from_bytes(&[b'a'; 44]).encoding_name(), "embstr");
        assert_eq!(Value::from_bytes(&[b'a'; 45]).encoding_name(), "raw");
        assert_eq!(Value::from_bytes(b"-17").as_str().unwrap().as_bytes(), b"-17");
        for n in [0, 7, -1, 10, i64::MAX, i64::MIN] {
            assert_eq!(StrRef::from_i64(n).as_bytes(), n.to_string().as_bytes());
        }
    }
}
