//! Writing a value as a DUMP payload (see the module doc of `rdb`).

use super::listpack::{intset, Builder};
use super::{crc64::crc64, types, RDB_VERSION};
use crate::keyspace::hash::Hash;
use crate::keyspace::set::Set;
use crate::keyspace::value::StrRef;
use crate::keyspace::Value;

/// Elements per listpack node of a dumped list (Redis's default fill, -2,
/// is 8 KiB per node; the target re-packs as its own settings say).
const LIST_NODE_BYTES: usize = 8 * 1024;

/// Appends the DUMP payload of `value` to `out`.
pub fn dump_payload(value: &Value, out: &mut Vec<u8>) {
    let start = out.len();
    write_object(value, out);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(0, &out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// Writes an RDB length.
pub fn write_len(n: u64, out: &mut Vec<u8>) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if let Ok(n) = u32::try_from(n) {
        out.push(0x80);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Writes an RDB string: int-encoded when it is a small canonical integer
/// (as Redis's `rdbTryIntegerEncoding`), else raw (never compressed).
pub fn write_string(s: &[u8], out: &mut Vec<u8>) {
    if s.len() <= 11 {
        if let Some(v) = crate::num::parse_i64_strict(s) {
            if write_int(v, out) {
                return;
            }
        }
    }
    write_len(s.len() as u64, out);
    out.extend_from_slice(s);
}

/// Writes `v` int-encoded if it fits 32 bits.
fn write_int(v: i64, out: &mut Vec<u8>) -> bool {
    if let Ok(b) = i8::try_from(v) {
        out.extend_from_slice(&[0xc0, b as u8]);
    } else if let Ok(h) = i16::try_from(v) {
        out.push(0xc1);
        out.extend_from_slice(&h.to_le_bytes());
    } else if let Ok(w) = i32::try_from(v) {
        out.push(0xc2);
        out.extend_from_slice(&w.to_le_bytes());
    } else {
        return false;
    }
    true
}

fn write_object(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Int(n) => {
            out.push(types::STRING);
            if !write_int(*n, out) {
                write_string(StrRef::from_i64(*n).as_bytes(), out);
            }
        }
        Value::Str(s) => {
            out.push(types::STRING);
            write_string(s.as_bytes(), out);
        }
        Value::Raw(r) => {
            out.push(types::STRING);
            write_string(r, out);
        }
        Value::List(l) => {
            out.push(types::LIST_QUICKLIST_2);
            let mut nodes: Vec<Vec<u8>> = Vec::new();
            let mut node = Builder::default();
            let mut node_bytes = 0;
            for e in l.iter() {
                if !node.is_empty() && node_bytes + e.len() > LIST_NODE_BYTES {
                    nodes.push(std::mem::take(&mut node).finish());
                    node_bytes = 0;
                }
                node.push(e);
                node_bytes += e.len() + 2;
            }
            if !node.is_empty() {
                nodes.push(node.finish());
            }
            write_len(nodes.len() as u64, out);
            for n in nodes {
                write_len(2, out); // QUICKLIST_NODE_CONTAINER_PACKED
                write_string(&n, out);
            }
        }
        Value::Set(set) => match &**set {
            Set::Ints(ints) => {
                out.push(types::SET_INTSET);
                let values: Vec<i64> = ints.iter().collect();
                write_string(&intset(&values), out);
            }
            Set::Table(_) => {
                out.push(types::SET);
                write_len(set.len() as u64, out);
                for m in set.iter() {
                    write_string(m.text().as_bytes(), out);
                }
            }
        },
        Value::Hash(Hash::Listpack(lp)) => {
            out.push(types::HASH_LISTPACK);
            let mut b = Builder::default();
            for (f, v) in lp.pairs() {
                b.push(f.as_bytes());
                b.push(v.as_bytes());
            }
            write_string(&b.finish(), out);
        }
        Value::Hash(h) => {
            out.push(types::HASH);
            write_len(h.len() as u64, out);
            for (f, v) in h.pairs() {
                write_string(f.as_bytes(), out);
                write_string(v.as_bytes(), out);
            }
        }
        Value::ZSet(z) => {
            if z.encoding_name() == "listpack" {
                out.push(types::ZSET_LISTPACK);
                let mut b = Builder::default();
                z.for_each(|m, score| {
                    b.push(m);
                    b.push(score_text(score).as_bytes());
                });
                write_string(&b.finish(), out);
            } else {
                out.push(types::ZSET_2);
                write_len(z.len() as u64, out);
                // Greatest first, as Redis writes them.
                z.walk(0, z.len(), true, |m, score| {
                    write_string(m, out);
                    out.extend_from_slice(&score.to_le_bytes());
                    true
                });
            }
        }
    }
}

/// A score as Redis's `d2string` renders it in a listpack: an integral value
/// of magnitude below 2^52 as an integer, else `%.17g`.
fn score_text(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    if v.is_finite() && v.abs() < 4_503_599_627_370_496.0 && v == v.trunc() {
        return (v as i64).to_string();
    }
    crate::resp::reply::format_double(v)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lengths_and_strings() {
        let mut out = Vec::new();
        super::write_len(63, &mut out);
        super::write_len(64, &mut out);
        super::write_len(70_000, &mut out);
        assert_eq!(out, vec![63, 0x40, 64, 0x80, 0, 1, 0x11, 0x70]);
        out.clear();
        super::write_string(b"-5", &mut out);
        super::write_string(b"300", &mut out);
        super::write_string(b"012", &mut out);
        assert_eq!(out, vec![0xc0, 0xfb, 0xc1, 0x2c, 0x01, 3, b'0', b'1', b'2']);
    }
}
