//! Reply encoder for RESP2 and RESP3.
//!
//! Commands write their replies through [`Reply`], which appends encoded bytes to an
//! output buffer owned by the connection (or by a cross-shard batch). The protocol
//! version decides how the richer RESP3 types degrade in RESP2, the way Redis's
//! `addReply*` functions do: maps become flat arrays, sets become arrays, doubles
//! become bulk strings, nulls become `$-1` or `*-1`.

/// Protocol version negotiated with `HELLO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    #[default]
    Resp2,
    Resp3,
}

/// Appends encoded replies to a byte buffer.
pub struct Reply<'a> {
    /// The output buffer; replies are appended.
    pub buf: &'a mut Vec<u8>,
    /// Protocol version of the connection the reply goes to.
    pub proto: Protocol,
}

/// Writes the decimal form of `v` into `out`.
#[inline]
pub fn push_i64(out: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&tmp[i..]);
}

/// Formats a double the way Redis's `addReplyDouble` does (`%.17g`, with `inf`,
/// `-inf` and `nan` spelled out).
pub fn format_double(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v.is_nan() {
        return "nan".into();
    }
    crate::num::fmt_g17(v)
}

impl<'a> Reply<'a> {
    /// A writer appending to `buf` for a connection speaking `proto`.
    pub fn new(buf: &'a mut Vec<u8>, proto: Protocol) -> Self {
        Reply { buf, proto }
    }

    fn header(&mut self, prefix: u8, n: i64) {
        self.buf.push(prefix);
        push_i64(self.buf, n);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `+OK`.
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// A simple string, `+<s>`. `s` must not contain CR or LF.
    pub fn simple(&mut self, s: &str) {
        debug_assert!(!s.contains(['\r', '\n']));
        self.buf.push(b'+');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error, `-<s>`. `s` starts with the error code (`ERR`, `WRONGTYPE`, ...).
    /// Newlines are replaced by spaces as Redis does.
    pub fn error(&mut self, s: &str) {
        self.error_bytes(s.as_bytes());
    }

    /// An error made of raw bytes (arguments echoed back unchanged, as Redis does).
    pub fn error_bytes(&mut self, s: &[u8]) {
        self.buf.push(b'-');
        for &b in s {
            self.buf.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
        }
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An integer, `:<n>`.
    pub fn int(&mut self, n: i64) {
        self.header(b':', n);
    }

    /// A bulk string, `$<len>\r\n<bytes>`.
    pub fn bulk(&mut self, b: &[u8]) {
        self.header(b'$', b.len() as i64);
        self.buf.extend_from_slice(b);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string holding the decimal form of `n`.
    pub fn bulk_i64(&mut self, n: i64) {
        let mut tmp = Vec::with_capacity(20);
        push_i64(&mut tmp, n);
        self.bulk(&tmp);
    }

    /// The null bulk string: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        match self.proto {
            Protocol::Resp2 => self.buf.extend_from_slice(b"$-1\r\n"),
            Protocol::Resp3 => self.buf.extend_from_slice(b"_\r\n"),
        }
    }

    /// The null array: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        match self.proto {
            Protocol::Resp2 => self.buf.extend_from_slice(b"*-1\r\n"),
            Protocol::Resp3 => self.buf.extend_from_slice(b"_\r\n"),
        }
    }

    /// An array header for `n` elements.
    pub fn array(&mut self, n: usize) {
        self.header(b'*', n as i64);
    }

    /// A map header for `n` key/value pairs (a flat array of 2n in RESP2).
    pub fn map(&mut self, n: usize) {
        match self.proto {
            Protocol::Resp2 => self.header(b'*', 2 * n as i64),
            Protocol::Resp3 => self.header(b'%', n as i64),
        }
    }

    /// A set header for `n` elements (an array in RESP2).
    pub fn set(&mut self, n: usize) {
        match self.proto {
            Protocol::Resp2 => self.header(b'*', n as i64),
            Protocol::Resp3 => self.header(b'~', n as i64),
        }
    }

    /// A double: a bulk string in RESP2, `,<v>` in RESP3.
    pub fn double(&mut self, v: f64) {
        let s = format_double(v);
        match self.proto {
            Protocol::Resp2 => self.bulk(s.as_bytes()),
            Protocol::Resp3 => {
                self.buf.push(b',');
                self.buf.extend_from_slice(s.as_bytes());
                self.buf.extend_from_slice(b"\r\n");
            }
        }
    }

    /// A boolean: `:1`/`:0` in RESP2, `#t`/`#f` in RESP3.
    pub fn boolean(&mut self, v: bool) {
        match self.proto {
            Protocol::Resp2 => self.int(v as i64),
            Protocol::Resp3 => self.buf.extend_from_slice(if v { b"#t\r\n" } else { b"#f\r\n" }),
        }
    }

    /// Verbatim text (`=<len>\r\ntxt:<s>` in RESP3, a bulk string in RESP2), as
    /// INFO and CLIENT LIST reply.
    pub fn verbatim(&mut self, s: &[u8]) {
        match self.proto {
            Protocol::Resp2 => self.bulk(s),
            Protocol::Resp3 => {
                self.header(b'=', s.len() as i64 + 4);
                self.buf.extend_from_slice(b"txt:");
                self.buf.extend_from_slice(s);
                self.buf.extend_from_slice(b"\r\n");
            }
        }
    }

    /// Appends bytes that are already an encoded reply.
    pub fn raw(&mut self, encoded: &[u8]) {
        self.buf.extend_from_slice(encoded);
    }

    /// `ERR wrong number of arguments for '<cmd>' command`.
    pub fn wrong_arity(&mut self, cmd_name: &str) {
        self.error(&format!("ERR wrong number of arguments for '{}' command", cmd_name));
    }

    /// `ERR syntax error`.
    pub fn syntax_error(&mut self) {
        self.error("ERR syntax error");
    }

    /// The WRONGTYPE error.
    pub fn wrong_type(&mut self) {
        self.error("WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    /// `ERR value is not an integer or out of range`.
    pub fn not_integer(&mut self) {
        self.error("ERR value is not an integer or out of range");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_and_resp3_shapes() {
        let mut b = Vec::new();
        let mut r = Reply::new(&mut b, Protocol::Resp2);
        r.null();
        r.map(1);
        r.double(1.5);
        r.int(-42);
        r.error("ERR a\nb");
        assert_eq!(b, b"$-1\r\n*2\r\n$3\r\n1.5\r\n:-42\r\n-ERR a b\r\n");
        let mut b = Vec::new();
        let mut r = Reply::new(&mut b, Protocol::Resp3);
        r.null();
        r.map(1);
        r.double(1.5);
        r.boolean(true);
        r.verbatim(b"x");
        assert_eq!(b, b"_\r\n%1\r\n,1.5\r\n#t\r\n=5\r\ntxt:x\r\n");
    }

    #[test]
    fn integers() {
        for v in [0i64, 1, -1, i64::MAX, i64::MIN, 1234567890] {
            let mut out = Vec::new();
            push_i64(&mut out, v);
            assert_eq!(out, v.to_string().into_bytes());
        }
    }
}
