//! RESP request parser, working in place on the connection's read buffer.
//!
//! Clients send either a multibulk frame (`*<n>\r\n$<len>\r\n<bytes>\r\n...`) or an
//! inline command (a line of space-separated words, as telnet and `redis-cli` in some
//! modes send). The parser never copies an argument: it records each argument as a
//! byte range of the buffer ([`Span`]) and the caller slices the buffer.
//!
//! Behaviour follows Redis 7.0's `processMultibulkBuffer` / `processInlineBuffer`:
//! the same limits and the same `Protocol error: ...` strings. A frame with a count
//! of zero or less (`*0`, `*-5`) is consumed and yields no command, exactly as Redis
//! does. After a protocol error Redis replies with the error and closes the
//! connection once the reply is written; the caller does the same.

/// A byte range `[start, end)` of the read buffer holding one argument.
pub type Span = (u32, u32);

/// Limits applied while parsing, from the server's config.
#[derive(Clone, Copy, Debug)]
pub struct ParseLimits {
    /// `proto-max-bulk-len`: the longest accepted bulk string, in bytes.
    pub max_bulk_len_bytes: u64,
    /// Longest inline line (and longest `*`/`$` header line) without a newline.
    pub max_inline_bytes: usize,
    /// Largest multibulk count accepted.
    pub max_multibulk_count: u64,
    /// Connection not authenticated yet: Redis caps counts and lengths hard.
    pub unauthenticated: bool,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_bulk_len_bytes: 512 * 1024 * 1024,
            max_inline_bytes: 64 * 1024,
            max_multibulk_count: i32::MAX as u64,
            unauthenticated: false,
        }
    }
}

/// A protocol error. The connection must be closed after replying with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtoError {
    TooBigInline,
    UnbalancedQuotes,
    TooBigMbulkCount,
    InvalidMultibulkLength,
    UnauthenticatedMultibulkLength,
    ExpectedDollar(u8),
    TooBigBulkCount,
    InvalidBulkLength,
    UnauthenticatedBulkLength,
}

impl ProtoError {
    /// The error reply line Redis sends, without the leading `-` and trailing CRLF.
    pub fn message(&self) -> String {
        match self {
            ProtoError::TooBigInline => "ERR Protocol error: too big inline request".into(),
            ProtoError::UnbalancedQuotes => {
                "ERR Protocol error: unbalanced quotes in request".into()
            }
            ProtoError::TooBigMbulkCount => "ERR Protocol error: too big mbulk count string".into(),
            ProtoError::InvalidMultibulkLength => {
                "ERR Protocol error: invalid multibulk length".into()
            }
            ProtoError::UnauthenticatedMultibulkLength => {
                "ERR Protocol error: unauthenticated multibulk length".into()
            }
            ProtoError::ExpectedDollar(c) => {
                format!("ERR Protocol error: expected '$', got '{}'", char::from(*c))
            }
            ProtoError::TooBigBulkCount => "ERR Protocol error: too big bulk count string".into(),
            ProtoError::InvalidBulkLength => "ERR Protocol error: invalid bulk length".into(),
            ProtoError::UnauthenticatedBulkLength => {
                "ERR Protocol error: unauthenticated bulk length".into()
            }
        }
    }
}

impl ProtoError {
    /// Appends the complete error reply (`-ERR Protocol error: ...\r\n`) to `out`,
    /// byte for byte as Redis sends it. Unlike [`ProtoError::message`], the byte
    /// of [`ProtoError::ExpectedDollar`] is written raw even when it is not ASCII
    /// (Redis formats it with `%c`), and CR/LF become spaces as in every error.
    pub fn write_reply(&self, out: &mut Vec<u8>) {
        out.push(b'-');
        match self {
            ProtoError::ExpectedDollar(c) => {
                out.extend_from_slice(b"ERR Protocol error: expected '$', got '");
                out.push(if matches!(c, b'\r' | b'\n') { b' ' } else { *c });
                out.push(b'\'');
            }
            other => out.extend_from_slice(other.message().as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// Outcome of one parse attempt at the front of the buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A complete command: its arguments were pushed to the span vector and it
    /// occupies `consumed` bytes.
    Command { consumed: usize },
    /// A complete frame that carries no command (empty inline line, `*0`, `*-1`).
    Empty { consumed: usize },
    /// The buffer holds only part of a frame; read more and try again.
    Incomplete,
}

/// Parses one request at the start of `buf`, pushing argument spans into `spans`
/// (offsets relative to `buf`; cleared first). Inline arguments with quotes or
/// escapes cannot be spans of the buffer, so they are unescaped into `scratch`
/// and their spans are marked as such (read them back with [`arg_bytes`]).
pub fn parse_request(
    buf: &[u8],
    limits: &ParseLimits,
    spans: &mut Vec<Span>,
    scratch: &mut Vec<u8>,
) -> Result<Parsed, ProtoError> {
    parse_request_resumable(buf, limits, &mut Progress::default(), spans, scratch)
}

/// How far an incomplete multibulk frame has been parsed, so that the next
/// attempt (after more bytes arrived) resumes there instead of rescanning every
/// argument: a frame of a million arguments arriving in many reads costs one
/// pass, not one pass per read. Offsets are relative to the frame start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Arguments still to parse; 0 when not inside a frame.
    remaining_args: u32,
    /// Offset of the first byte not yet parsed.
    pos: usize,
}

impl Progress {
    /// Bytes of the frame already parsed into complete arguments (they count as
    /// taken out of the query buffer, as Redis moves them into argv).
    pub fn parsed_bytes(&self) -> usize {
        self.pos
    }
}

/// [`parse_request`] that resumes an incomplete multibulk frame from `progress`.
/// The caller keeps `progress` and `spans` untouched between attempts on the
/// same frame (the buffer may be moved, since offsets are frame-relative); both
/// are reset when a frame completes or fails.
pub fn parse_request_resumable(
    buf: &[u8],
    limits: &ParseLimits,
    progress: &mut Progress,
    spans: &mut Vec<Span>,
    scratch: &mut Vec<u8>,
) -> Result<Parsed, ProtoError> {
    if progress.remaining_args == 0 {
        spans.clear();
        scratch.clear();
    }
    if buf.is_empty() {
        return Ok(Parsed::Incomplete);
    }
    let result = if buf[0] == b'*' {
        parse_multibulk(buf, limits, progress, spans)
    } else {
        parse_inline(buf, limits, spans, scratch)
    };
    if !matches!(result, Ok(Parsed::Incomplete)) {
        *progress = Progress::default();
    }
    result
}

/// Marks a span whose offsets index the scratch buffer rather than the read buffer.
/// Read buffers are bounded far below 2 GiB (`client-query-buffer-limit`), so the
/// top bit of an offset is free.
const SCRATCH_BIT: u32 = 1 << 31;

/// The bytes of an argument span produced by [`parse_request`].
#[inline]
pub fn arg_bytes<'a>(buf: &'a [u8], scratch: &'a [u8], span: Span) -> &'a [u8] {
    if span.0 & SCRATCH_BIT != 0 {
        &scratch[(span.0 & !SCRATCH_BIT) as usize..(span.1 & !SCRATCH_BIT) as usize]
    } else {
        &buf[span.0 as usize..span.1 as usize]
    }
}

/// Parses a decimal integer the way Redis's `string2ll` does: optional `-`, no `+`,
/// no leading zeros (except "0"), no spaces, fits in i64.
pub fn parse_i64_strict(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// Finds `want` at or after `from` the way Redis's `strchr` on its query buffer
/// does: a NUL byte ends the search, so a header or inline line holding a NUL
/// before its terminator is never complete (Redis waits for more data, then
/// fails with a "too big" error once the limit is passed).
fn find_byte(buf: &[u8], from: usize, want: u8) -> Option<usize> {
    buf[from..]
        .iter()
        .position(|&c| c == want || c == 0)
        .map(|p| p + from)
        .filter(|&i| buf[i] == want)
}

fn parse_multibulk(
    buf: &[u8],
    limits: &ParseLimits,
    progress: &mut Progress,
    spans: &mut Vec<Span>,
) -> Result<Parsed, ProtoError> {
    if progress.remaining_args == 0 {
        let Some(cr) = find_byte(buf, 1, b'\r') else {
            if buf.len() > limits.max_inline_bytes {
                return Err(ProtoError::TooBigMbulkCount);
            }
            return Ok(Parsed::Incomplete);
        };
        if cr + 1 >= buf.len() {
            return Ok(Parsed::Incomplete);
        }
        let count = match parse_i64_strict(&buf[1..cr]) {
            Some(n)
                if n <= i32::MAX as i64 && (n < 0 || n as u64 <= limits.max_multibulk_count) =>
            {
                n
            }
            _ => return Err(ProtoError::InvalidMultibulkLength),
        };
        if limits.unauthenticated && count > 10 {
            return Err(ProtoError::UnauthenticatedMultibulkLength);
        }
        if count <= 0 {
            return Ok(Parsed::Empty { consumed: cr + 2 });
        }
        *progress = Progress { remaining_args: count as u32, pos: cr + 2 };
    }
    while progress.remaining_args > 0 {
        let pos = progress.pos;
        if pos >= buf.len() {
            return Ok(Parsed::Incomplete);
        }
        let Some(cr) = find_byte(buf, pos, b'\r') else {
            if buf.len() - pos > limits.max_inline_bytes {
                return Err(ProtoError::TooBigBulkCount);
            }
            return Ok(Parsed::Incomplete);
        };
        // Like Redis, wait for the byte after CR before judging the header.
        if cr + 1 >= buf.len() {
            return Ok(Parsed::Incomplete);
        }
        if buf[pos] != b'$' {
            return Err(ProtoError::ExpectedDollar(buf[pos]));
        }
        let len = match parse_i64_strict(&buf[pos + 1..cr]) {
            Some(n) if n >= 0 && n as u64 <= limits.max_bulk_len_bytes => n as usize,
            _ => return Err(ProtoError::InvalidBulkLength),
        };
        if limits.unauthenticated && len > 16384 {
            return Err(ProtoError::UnauthenticatedBulkLength);
        }
        let start = cr + 2;
        let end = start + len;
        if end + 2 > buf.len() {
            return Ok(Parsed::Incomplete);
        }
        spans.push((start as u32, end as u32));
        // Redis skips the two bytes after the payload without checking them.
        progress.pos = end + 2;
        progress.remaining_args -= 1;
    }
    Ok(Parsed::Command { consumed: progress.pos })
}

fn parse_inline(
    buf: &[u8],
    limits: &ParseLimits,
    spans: &mut Vec<Span>,
    scratch: &mut Vec<u8>,
) -> Result<Parsed, ProtoError> {
    let Some(nl) = find_byte(buf, 0, b'\n') else {
        if buf.len() > limits.max_inline_bytes {
            return Err(ProtoError::TooBigInline);
        }
        return Ok(Parsed::Incomplete);
    };
    let mut line_end = nl;
    if line_end > 0 && buf[line_end - 1] == b'\r' {
        line_end -= 1;
    }
    split_args(&buf[..line_end], spans, scratch)?;
    if spans.is_empty() {
        return Ok(Parsed::Empty { consumed: nl + 1 });
    }
    Ok(Parsed::Command { consumed: nl + 1 })
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// White space as C's `isspace`: skipped between words and accepted after a
/// closing quote.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}

/// The bytes that end an unquoted word. Narrower than [`is_space`]: Redis's
/// `sdssplitargs` keeps vertical tab and form feed inside a word.
fn ends_word(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t')
}

/// Splits an inline line like Redis's `sdssplitargs`: words separated by white
/// space, `"..."` with C escapes and `\xHH`, `'...'` with only `\'` escaped; a
/// closing quote must be followed by white space or the end of the line.
/// Unquoted words become spans of the buffer; quoted ones are unescaped into
/// `scratch` and their spans carry [`SCRATCH_BIT`]. The line holds no NUL (the
/// caller's line search stops there).
fn split_args(line: &[u8], spans: &mut Vec<Span>, scratch: &mut Vec<u8>) -> Result<(), ProtoError> {
    let mut i = 0;
    loop {
        while i < line.len() && is_space(line[i]) {
            i += 1;
        }
        if i >= line.len() {
            return Ok(());
        }
        let word_start = i;
        let mut quoted = false;
        // Fast path: a plain word without quotes is a span of the buffer.
        while i < line.len() && !ends_word(line[i]) && line[i] != b'"' && line[i] != b'\'' {
            i += 1;
        }
        if i >= line.len() || ends_word(line[i]) {
            spans.push((word_start as u32, i as u32));
            continue;
        }
        // Slow path: unescape the whole word into scratch.
        let s_start = scratch.len();
        scratch.extend_from_slice(&line[word_start..i]);
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                if i >= line.len() {
                    return Err(ProtoError::UnbalancedQuotes);
                }
                let c = line[i];
                if c == b'\\'
                    && i + 3 < line.len()
                    && line[i + 1] == b'x'
                    && hex_val(line[i + 2]).is_some()
                    && hex_val(line[i + 3]).is_some()
                {
                    scratch
                        .push(hex_val(line[i + 2]).unwrap() * 16 + hex_val(line[i + 3]).unwrap());
                    i += 4;
                } else if c == b'\\' && i + 1 < line.len() {
                    let e = match line[i + 1] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    };
                    scratch.push(e);
                    i += 2;
                } else if c == b'"' {
                    if i + 1 < line.len() && !is_space(line[i + 1]) {
                        return Err(ProtoError::UnbalancedQuotes);
                    }
                    i += 1;
                    break;
                } else {
                    scratch.push(c);
                    i += 1;
                }
            } else if in_sq {
                if i >= line.len() {
                    return Err(ProtoError::UnbalancedQuotes);
                }
                let c = line[i];
                if c == b'\\' && i + 1 < line.len() && line[i + 1] == b'\'' {
                    scratch.push(b'\'');
                    i += 2;
                } else if c == b'\'' {
                    if i + 1 < line.len() && !is_space(line[i + 1]) {
                        return Err(ProtoError::UnbalancedQuotes);
                    }
                    i += 1;
                    break;
                } else {
                    scratch.push(c);
                    i += 1;
                }
            } else {
                if i >= line.len() || ends_word(line[i]) {
                    break;
                }
                match line[i] {
                    b'"' => {
                        in_dq = true;
                        quoted = true;
                    }
                    b'\'' => {
                        in_sq = true;
                        quoted = true;
                    }
                    c => scratch.push(c),
                }
                i += 1;
            }
        }
        debug_assert!(quoted);
        spans.push((s_start as u32 | SCRATCH_BIT, scratch.len() as u32 | SCRATCH_BIT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ProtoError> {
        let limits = ParseLimits::default();
        let mut spans = Vec::new();
        let mut scratch = Vec::new();
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            match parse_request(&input[pos..], &limits, &mut spans, &mut scratch)? {
                Parsed::Command { consumed } => {
                    let buf = &input[pos..];
                    out.push(spans.iter().map(|&s| arg_bytes(buf, &scratch, s).to_vec()).collect());
                    pos += consumed;
                }
                Parsed::Empty { consumed } => pos += consumed,
                Parsed::Incomplete => return Ok(out),
            }
        }
    }

    fn words(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn multibulk_pipeline() {
        let got = parse_all(b"*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n*1\r\n$4\r\nPING\r\n").unwrap();
        assert_eq!(got, vec![words(&["GET", "foo"]), words(&["PING"])]);
    }

    #[test]
    fn multibulk_incomplete_at_every_cut() {
        let frame = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
        for cut in 0..frame.len() {
            assert_eq!(parse_all(&frame[..cut]).unwrap(), Vec::<Vec<Vec<u8>>>::new());
        }
        assert_eq!(parse_all(frame).unwrap().len(), 1);
    }

    #[test]
    fn empty_and_negative_counts_are_skipped() {
        let got = parse_all(b"*0\r\n*-5\r\n*1\r\n$4\r\nPING\r\n").unwrap();
        assert_eq!(got, vec![words(&["PING"])]);
    }

    #[test]
    fn inline_with_quotes() {
        let got = parse_all(b"set \"a b\" 'c\\'d' \"\\x41\\n\"\r\nget k\n\r\n").unwrap();
        assert_eq!(
            got,
            vec![
                vec![b"set".to_vec(), b"a b".to_vec(), b"c'd".to_vec(), b"A\n".to_vec()],
                words(&["get", "k"])
            ]
        );
    }

    #[test]
    fn protocol_errors() {
        assert_eq!(parse_all(b"set \"a\r\n"), Err(ProtoError::UnbalancedQuotes));
        assert_eq!(parse_all(b"set \"a\"b\r\n"), Err(ProtoError::UnbalancedQuotes));
        assert_eq!(parse_all(b"*x\r\n"), Err(ProtoError::InvalidMultibulkLength));
        assert_eq!(parse_all(b"*1\r\n$999999999999\r\n"), Err(ProtoError::InvalidBulkLength));
        assert_eq!(parse_all(b"*1\r\n$-1\r\n"), Err(ProtoError::InvalidBulkLength));
        assert_eq!(parse_all(b"*1\r\n+abc\r\n"), Err(ProtoError::ExpectedDollar(b'+')));
        let long = vec![b'a'; 70 * 1024];
        assert_eq!(parse_all(&long), Err(ProtoError::TooBigInline));
        let mut star = b"*".to_vec();
        star.extend_from_slice(&long);
        assert_eq!(parse_all(&star), Err(ProtoError::TooBigMbulkCount));
    }

    #[test]
    fn unauthenticated_limits() {
        let limits = ParseLimits { unauthenticated: true, ..Default::default() };
        let mut spans = Vec::new();
        let mut scratch = Vec::new();
        assert_eq!(
            parse_request(b"*11\r\n", &limits, &mut spans, &mut scratch),
            Err(ProtoError::UnauthenticatedMultibulkLength)
        );
        assert_eq!(
            parse_request(b"*1\r\n$16385\r\n", &limits, &mut spans, &mut scratch),
            Err(ProtoError::UnauthenticatedBulkLength)
        );
    }

    #[test]
    fn nul_byte_hides_the_line_end_like_strchr() {
        let none = Vec::<Vec<Vec<u8>>>::new();
        assert_eq!(parse_all(b"PI\0NG\r\n"), Ok(none.clone()));
        assert_eq!(parse_all(b"\0\x01garbage\r\n"), Ok(none.clone()));
        assert_eq!(parse_all(b"*1\0\r\n$4\r\nPING\r\n"), Ok(none.clone()));
        assert_eq!(parse_all(b"*1\r\n$4\0\r\nPING\r\n"), Ok(none.clone()));
        assert_eq!(parse_all(b"*1\r\n\0\r\n"), Ok(none));
        // A NUL inside a bulk payload is data.
        assert_eq!(parse_all(b"*1\r\n$3\r\na\0b\r\n"), Ok(vec![vec![b"a\0b".to_vec()]]));
        let mut long = b"PING\0".to_vec();
        long.resize(70 * 1024, b'\n');
        assert_eq!(parse_all(&long), Err(ProtoError::TooBigInline));
    }

    #[test]
    fn vertical_tab_and_form_feed_stay_inside_words() {
        assert_eq!(parse_all(b"ECHO a\x0bb\r\n").unwrap(), vec![words(&["ECHO", "a\x0bb"])]);
        assert_eq!(parse_all(b"ECHO a\x0cb\r\n").unwrap(), vec![words(&["ECHO", "a\x0cb"])]);
        assert_eq!(parse_all(b"\x0b\x0cECHO a\r\n").unwrap(), vec![words(&["ECHO", "a"])]);
        assert_eq!(parse_all(b"ECHO \"a\"\x0bb\r\n").unwrap(), vec![words(&["ECHO", "a", "b"])]);
        assert_eq!(
            parse_all(b"ECHO a\x0b\"b c\"\r\n").unwrap(),
            vec![words(&["ECHO", "a\x0bb c"])]
        );
    }

    #[test]
    fn bulk_header_is_judged_only_once_complete() {
        assert_eq!(parse_all(b"*1\r\n+abc\r"), Ok(Vec::new()));
        assert_eq!(parse_all(b"*1\r\n+abc\r\n"), Err(ProtoError::ExpectedDollar(b'+')));
        // Redis does not check the byte after CR.
        assert_eq!(parse_all(b"*1\rX$4\r\nPING\r\n").unwrap(), vec![words(&["PING"])]);
    }

    #[test]
    fn error_replies_match_redis_bytes() {
        let reply = |e: ProtoError| {
            let mut out = Vec::new();
            e.write_reply(&mut out);
            out
        };
        assert_eq!(
            reply(ProtoError::ExpectedDollar(0xff)),
            b"-ERR Protocol error: expected '$', got '\xff'\r\n".to_vec()
        );
        assert_eq!(
            reply(ProtoError::ExpectedDollar(b'\r')),
            b"-ERR Protocol error: expected '$', got ' '\r\n".to_vec()
        );
        assert_eq!(
            reply(ProtoError::InvalidBulkLength),
            b"-ERR Protocol error: invalid bulk length\r\n".to_vec()
        );
    }

    #[test]
    fn resumed_frame_equals_whole_frame() {
        let frame = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
        let limits = ParseLimits::default();
        let (mut spans, mut scratch, mut progress) = (Vec::new(), Vec::new(), Progress::default());
        let mut last = Ok(Parsed::Incomplete);
        for end in 1..=frame.len() {
            last = parse_request_resumable(
                &frame[..end],
                &limits,
                &mut progress,
                &mut spans,
                &mut scratch,
            );
            if end < frame.len() {
                assert_eq!(last, Ok(Parsed::Incomplete), "cut at {end}");
            }
        }
        assert_eq!(last, Ok(Parsed::Command { consumed: frame.len() }));
        let got: Vec<&[u8]> = spans.iter().map(|&s| arg_bytes(frame, &scratch, s)).collect();
        assert_eq!(got, vec![&b"SET"[..], b"k", b"hello"]);
        assert_eq!(progress, Progress::default());
    }

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64_strict(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64_strict(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64_strict(b"9223372036854775808"), None);
        assert_eq!(parse_i64_strict(b"01"), None);
        assert_eq!(parse_i64_strict(b"+1"), None);
        assert_eq!(parse_i64_strict(b"-0"), None);
        assert_eq!(parse_i64_strict(b" 1"), None);
    }
}
