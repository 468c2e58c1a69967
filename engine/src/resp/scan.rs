//! Reply scanner: finds where one encoded reply ends, so that replies produced on
//! several shards can be cut into elements and merged (see `command::combine`).

/// Length in bytes of the complete reply at the start of `buf`, or None if `buf`
/// does not start with a complete, well-formed reply.
pub fn reply_len(buf: &[u8]) -> Option<usize> {
    let mut pos = 0;
    // Number of replies still to skip; nested aggregates add to it.
    let mut pending: u64 = 1;
    while pending > 0 {
        let kind = *buf.get(pos)?;
        let line_end = pos + buf[pos..].windows(2).position(|w| w == b"\r\n")?;
        let line = &buf[pos + 1..line_end];
        pos = line_end + 2;
        pending -= 1;
        match kind {
            b'+' | b'-' | b':' | b',' | b'#' | b'_' | b'(' => {}
            b'$' | b'=' | b'!' => {
                let n = crate::num::parse_i64_strict(line)?;
                if n >= 0 {
                    pos = pos.checked_add(n as usize + 2)?;
                    if pos > buf.len() {
                        return None;
                    }
                }
            }
            b'*' | b'~' | b'>' => {
                let n = crate::num::parse_i64_strict(line)?;
                if n > 0 {
                    pending += n as u64;
                }
            }
            b'%' | b'|' => {
                let n = crate::num::parse_i64_strict(line)?;
                if n > 0 {
                    pending += 2 * n as u64;
                }
            }
            _ => return None,
        }
    }
    Some(pos)
}

/// Splits an aggregate reply (`*`, `~`) into its header's element count and the
/// bytes of its elements. None when `reply` is not an aggregate.
pub fn array_elements(reply: &[u8]) -> Option<(usize, &[u8])> {
    if !matches!(reply.first(), Some(b'*') | Some(b'~')) {
        return None;
    }
    let line_end = reply.windows(2).position(|w| w == b"\r\n")?;
    let n = crate::num::parse_i64_strict(&reply[1..line_end])?;
    Some((n.max(0) as usize, &reply[line_end + 2..]))
}

/// The value of an integer reply (`:n`).
pub fn int_value(reply: &[u8]) -> Option<i64> {
    if reply.first() != Some(&b':') || reply.len() < 3 {
        return None;
    }
    crate::num::parse_i64_strict(&reply[1..reply.len() - 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(reply_len(b"+OK\r\nrest"), Some(5));
        assert_eq!(reply_len(b"$3\r\nfoo\r\n"), Some(9));
        assert_eq!(reply_len(b"$-1\r\n"), Some(5));
        assert_eq!(reply_len(b"*2\r\n$1\r\na\r\n:5\r\n+x"), Some(15));
        assert_eq!(reply_len(b"%1\r\n+a\r\n*1\r\n_\r\n"), Some(15));
        assert_eq!(reply_len(b"*2\r\n$1\r\na\r\n"), None);
        assert_eq!(reply_len(b"$5\r\nab\r\n"), None);
        assert_eq!(int_value(b":-12\r\n"), Some(-12));
        assert_eq!(array_elements(b"*1\r\n:1\r\n"), Some((1, &b":1\r\n"[..])));
    }
}
