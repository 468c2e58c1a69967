//! Request encoder: a command as the multibulk frame clients send. Used by tests,
//! benchmarks and (later) by slotd itself when it talks to other nodes.

use super::reply::push_i64;

/// Appends the multibulk frame of `args` to `out`.
pub fn push_request<A: AsRef<[u8]>>(out: &mut Vec<u8>, args: &[A]) {
    out.push(b'*');
    push_i64(out, args.len() as i64);
    out.extend_from_slice(b"\r\n");
    for a in args {
        let a = a.as_ref();
        out.push(b'$');
        push_i64(out, a.len() as i64);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// The multibulk frame of `args`.
pub fn encode_request<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = Vec::new();
    push_request(&mut out, args);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames() {
        assert_eq!(encode_request(&["GET", "k"]), b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        assert_eq!(encode_request::<&[u8]>(&[b"", b"\x00"]), b"*2\r\n$0\r\n\r\n$1\r\n\x00\r\n");
    }
}
