//! Merging the replies of a command that was cut into per-shard parts.
//!
//! When a multi-key command's keys live on several shards (standalone mode), the
//! node sends each shard the same command with that shard's keys, then merges the
//! encoded replies here into the one reply Redis would have sent. An error reply
//! from any part becomes the whole reply (the first one, in part order).

use super::spec::Combine;
use crate::resp::reply::{push_i64, Protocol, Reply};
use crate::resp::scan::{array_elements, int_value, reply_len};

/// Merges `parts` (one complete encoded reply each) into `out`.
///
/// `key_parts` is used by [`Combine::ArrayByKey`]: for each key of the original
/// command, in order, the index of the part that answered for it (a part's
/// elements are consumed in order). `random` picks the part for
/// [`Combine::RandomNonNull`].
pub fn combine(
    kind: Combine,
    parts: &[&[u8]],
    key_parts: &[usize],
    random: u64,
    proto: Protocol,
    out: &mut Vec<u8>,
) {
    if let Some(err) = parts.iter().find(|p| p.first() == Some(&b'-')) {
        out.extend_from_slice(err);
        return;
    }
    let mut reply = Reply::new(out, proto);
    match kind {
        Combine::SumInt => {
            let sum = parts.iter().map(|p| int_value(p).unwrap_or(0)).sum();
            reply.int(sum);
        }
        Combine::AllOk => reply.ok(),
        Combine::Concat => {
            let elems: Vec<(usize, &[u8])> =
                parts.iter().filter_map(|p| array_elements(p)).collect();
            reply.array(elems.iter().map(|e| e.0).sum());
            for (_, bytes) in elems {
                out.extend_from_slice(bytes);
            }
        }
        Combine::ArrayByKey => {
            let mut cursors: Vec<&[u8]> =
                parts.iter().map(|p| array_elements(p).map_or(&[][..], |e| e.1)).collect();
            out.push(b'*');
            push_i64(out, key_parts.len() as i64);
            out.extend_from_slice(b"\r\n");
            for &p in key_parts {
                let cur = cursors[p];
                let n = reply_len(cur).unwrap_or(cur.len());
                out.extend_from_slice(&cur[..n]);
                cursors[p] = &cur[n..];
            }
        }
        Combine::RandomNonNull => {
            let non_null: Vec<&&[u8]> =
                parts.iter().filter(|p| !matches!(&p[..], b"$-1\r\n" | b"_\r\n")).collect();
            if non_null.is_empty() {
                reply.null();
            } else {
                out.extend_from_slice(non_null[(random % non_null.len() as u64) as usize]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: Combine, parts: &[&[u8]], key_parts: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        combine(kind, parts, key_parts, 7, Protocol::Resp2, &mut out);
        out
    }

    #[test]
    fn merges() {
        assert_eq!(run(Combine::SumInt, &[b":2\r\n", b":3\r\n"], &[]), b":5\r\n");
        assert_eq!(run(Combine::AllOk, &[b"+OK\r\n", b"+OK\r\n"], &[]), b"+OK\r\n");
        assert_eq!(
            run(Combine::Concat, &[b"*1\r\n$1\r\na\r\n", b"*0\r\n", b"*1\r\n$1\r\nb\r\n"], &[]),
            b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        );
        // MGET a b c with a, c on part 0 and b on part 1.
        assert_eq!(
            run(
                Combine::ArrayByKey,
                &[b"*2\r\n$1\r\nA\r\n$-1\r\n", b"*1\r\n$1\r\nB\r\n"],
                &[0, 1, 0]
            ),
            b"*3\r\n$1\r\nA\r\n$1\r\nB\r\n$-1\r\n"
        );
        assert_eq!(run(Combine::RandomNonNull, &[b"$-1\r\n", b"$1\r\nk\r\n"], &[]), b"$1\r\nk\r\n");
        assert_eq!(run(Combine::RandomNonNull, &[b"$-1\r\n", b"$-1\r\n"], &[]), b"$-1\r\n");
        assert_eq!(run(Combine::SumInt, &[b":2\r\n", b"-ERR x\r\n"], &[]), b"-ERR x\r\n");
    }
}
