//! Writing a value as a DUMP payload (see the module doc of `rdb`).

use super::listpack::{intset, Builder};
use super::{crc64::crc64, types, RDB_VERSION};
use crate::keyspace::hash::Hash;
use crate::keyspace::set::Set;
use crate::keyspace::value::StrRef;
use crate::keyspace::Value;

/// Appends the DUMP payload of `value` to `out`, in one step.
pub fn dump_payload(value: &Value, out: &mut Vec<u8>) {
    let mut st = DumpState::new(out);
    while !dump_step(value, &mut st, usize::MAX, out) {}
}

/// Where a payload written in steps stands: a collection of millions of
/// elements is written a bounded part at a time, so that its shard serves
/// others in between (MIGRATE of a big key).
pub struct DumpState {
    /// Whether the object's header (type, length) is written.
    begun: bool,
    /// Where the next step resumes: a node index (lists), a bucket index
    /// (hash and set tables), or elements written (sorted sets).
    pos: usize,
    /// CRC64 of `out[start..crc_to]`.
    crc: u64,
    crc_to: usize,
}

impl DumpState {
    /// A payload to be appended to `out` from its current end.
    pub fn new(out: &[u8]) -> DumpState {
        DumpState { begun: false, pos: 0, crc: 0, crc_to: out.len() }
    }

    /// The next steps append to `out` (from its current end), the payload
    /// so far staying where it was written.
    pub fn continue_in(&mut self, out: &[u8]) {
        self.crc_to = out.len();
    }
}

/// Appends the next part of `value`'s payload to `out`: about `budget_bytes`
/// (at least one element), all of a string or a packed encoding. Returns
/// true when the payload is complete (RDB version and CRC64 written). The
/// value must not change between the steps of one payload.
pub fn dump_step(
    value: &Value,
    st: &mut DumpState,
    budget_bytes: usize,
    out: &mut Vec<u8>,
) -> bool {
    let done = write_object_step(value, st, budget_bytes, out);
    if done {
        out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    }
    st.crc = crc64(st.crc, &out[st.crc_to..]);
    st.crc_to = out.len();
    if done {
        out.extend_from_slice(&st.crc.to_le_bytes());
    }
    done
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

/// Writes the object (type and body) from where `st` stands; true when
/// it is complete.
fn write_object_step(
    value: &Value,
    st: &mut DumpState,
    budget_bytes: usize,
    out: &mut Vec<u8>,
) -> bool {
    let stop_at = out.len().saturating_add(budget_bytes);
    let begin = |st: &mut DumpState, out: &mut Vec<u8>, ty: u8, len: usize| {
        if !st.begun {
            st.begun = true;
            out.push(ty);
            write_len(len as u64, out);
        }
    };
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
            // One listpack per node of the list (nodes hold at most
            // list-max-listpack-size, as Redis's).
            begin(st, out, types::LIST_QUICKLIST_2, l.node_count());
            while st.pos < l.node_count() {
                let mut node = Builder::default();
                l.node_elements(st.pos).for_each(|e| node.push(e));
                write_len(2, out); // QUICKLIST_NODE_CONTAINER_PACKED
                write_string(&node.finish(), out);
                st.pos += 1;
                if out.len() >= stop_at {
                    break;
                }
            }
            return st.pos == l.node_count();
        }
        Value::Set(set) => match &**set {
            Set::Ints(ints) => {
                out.push(types::SET_INTSET);
                let values: Vec<i64> = ints.iter().collect();
                write_string(&intset(&values), out);
            }
            Set::Table(t) => {
                begin(st, out, types::SET, set.len());
                while st.pos < t.num_buckets() && out.len() < stop_at {
                    if let Some(m) = t.bucket(st.pos) {
                        write_string(m, out);
                    }
                    st.pos += 1;
                }
                return st.pos == t.num_buckets();
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
        Value::Hash(Hash::Table(t)) => {
            begin(st, out, types::HASH, t.len());
            while st.pos < t.num_buckets() && out.len() < stop_at {
                if let Some(p) = t.bucket(st.pos) {
                    write_string(p.field(), out);
                    write_string(p.value(), out);
                }
                st.pos += 1;
            }
            return st.pos == t.num_buckets();
        }
        Value::ZSet(z) if z.encoding_name() == "listpack" => {
            out.push(types::ZSET_LISTPACK);
            let mut b = Builder::default();
            z.for_each(|m, score| {
                b.push(m);
                b.push(score_text(score).as_bytes());
            });
            write_string(&b.finish(), out);
        }
        Value::ZSet(z) => {
            begin(st, out, types::ZSET_2, z.len());
            // Greatest first, as Redis writes them: the ranks not yet written.
            z.walk(0, z.len() - st.pos, true, |m, score| {
                write_string(m, out);
                out.extend_from_slice(&score.to_le_bytes());
                st.pos += 1;
                out.len() < stop_at
            });
            return st.pos == z.len();
        }
    }
    true
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
    use crate::cmd::test_util::run;
    use crate::keyspace::Keyspace;

    /// Written in small steps, every big encoding gives the same bytes as
    /// in one step, and decodes back.
    #[test]
    fn steps_write_the_same_payload() {
        let mut ks = Keyspace::new(1);
        let n = 5000;
        for i in 0..n {
            let (f, v) = (format!("field{i}"), format!("value{i}"));
            run(&mut ks, 0, &["hset", "h", &f, &v]);
            run(&mut ks, 0, &["sadd", "s", &f]);
            run(&mut ks, 0, &["zadd", "z", &i.to_string(), &f]);
            run(&mut ks, 0, &["rpush", "l", &v]);
        }
        for key in ["h", "s", "z", "l"] {
            let value = &ks.db(0).peek(key.as_bytes(), 0).unwrap().value;
            let mut whole = vec![7];
            super::dump_payload(value, &mut whole);
            // In buffers of about 10 KB, as MIGRATE writes big payloads.
            let mut chunks = vec![vec![7]];
            let mut st = super::DumpState::new(&chunks[0]);
            let mut steps = 1;
            while !super::dump_step(value, &mut st, 1000, chunks.last_mut().unwrap()) {
                steps += 1;
                if chunks.last().unwrap().len() > 10_000 {
                    chunks.push(Vec::new());
                    st.continue_in(&[]);
                }
            }
            let stepped = chunks.concat();
            assert!(steps > 5, "{key}: {steps} steps");
            assert_eq!(whole, stepped, "{key}");
            let cfg = crate::config::EngineConfig::default();
            let back = crate::rdb::decode_payload(&whole[1..], &cfg).unwrap();
            let mut again = Vec::new();
            super::dump_payload(&back, &mut again);
            assert_eq!(again.len(), whole.len() - 1, "{key}");
        }
    }

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
