//! Malformed input, compared byte for byte with a real redis-server 7.0.
//!
//! Every case sends the same bytes over raw TCP to redis-server and to slotd
//! with 1 and 2 shards. slotd's reply bytes must equal redis's, and the
//! connection must end up alike: closed by the server (read returns 0 or the
//! socket is reset) or still open. After every case a client connected
//! beforehand must still get PONG from each server.
//!
//! Redis is the reference: when a case fails, the message shows both byte
//! strings.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// How long the reference server must stay silent before a connection counts
/// as open with nothing more to say.
const QUIET: Duration = Duration::from_millis(300);
/// Longest wait for bytes or a close that the reference says will come.
const PATIENCE: Duration = Duration::from_secs(15);

/// One malformed (or tricky) input.
struct Case {
    name: &'static str,
    /// Sent first on the same connection; its reply is read and compared too.
    prelude: Vec<u8>,
    payload: Vec<u8>,
    /// Half-close the connection after writing (a client that gives up mid-frame).
    half_close: bool,
}

fn case(name: &'static str, payload: impl Into<Vec<u8>>) -> Case {
    Case { name, prelude: Vec::new(), payload: payload.into(), half_close: false }
}

fn truncated_then_closed(name: &'static str, payload: impl Into<Vec<u8>>) -> Case {
    Case { half_close: true, ..case(name, payload) }
}

fn after(name: &'static str, prelude: &[u8], payload: impl Into<Vec<u8>>) -> Case {
    Case { prelude: prelude.to_vec(), ..case(name, payload) }
}

/// What a server did with one case.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    prelude_reply: Vec<u8>,
    reply: Vec<u8>,
    closed: bool,
}

/// Reads until the peer closes, or until `want_bytes` arrived and then nothing
/// more for `QUIET` (once `writer` finished), or until `PATIENCE` ran out.
/// With `until_close`, waits for the close for up to `PATIENCE`.
fn collect(
    s: &mut TcpStream,
    want_bytes: usize,
    until_close: bool,
    writer: Option<&thread::JoinHandle<()>>,
) -> (Vec<u8>, bool) {
    let deadline = Instant::now() + PATIENCE;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut quiet_since = Instant::now();
    loop {
        let writing = writer.is_some_and(|w| !w.is_finished());
        let patient = until_close || got.len() < want_bytes || writing;
        let now = Instant::now();
        if now >= deadline || (!patient && now >= quiet_since + QUIET) {
            return (got, false);
        }
        let wait = if patient { deadline - now } else { quiet_since + QUIET - now };
        s.set_read_timeout(Some(wait.min(Duration::from_millis(100)))).unwrap();
        match s.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                quiet_since = Instant::now();
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if writing {
                    quiet_since = Instant::now();
                }
            }
            Err(_) => return (got, true),
        }
    }
}

/// Runs `c` against `port`. Without `reference` (the redis run) it waits for
/// silence; with it, it waits as long as needed for what redis did.
fn observe(port: u16, c: &Case, reference: Option<&Observed>) -> Observed {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_nodelay(true).unwrap();
    let mut prelude_reply = Vec::new();
    if !c.prelude.is_empty() {
        s.write_all(&c.prelude).unwrap();
        let want = reference.map_or(1, |r| r.prelude_reply.len());
        prelude_reply = collect(&mut s, want, false, None).0;
    }
    let mut w = s.try_clone().unwrap();
    let (payload, half_close) = (c.payload.clone(), c.half_close);
    // A server that closes early resets the connection: write errors are expected.
    let writer = thread::spawn(move || {
        if w.write_all(&payload).is_ok() && half_close {
            let _ = w.shutdown(Shutdown::Write);
        }
    });
    let (want, until_close) = reference.map_or((0, false), |r| (r.reply.len(), r.closed));
    let (reply, closed) = collect(&mut s, want, until_close, Some(&writer));
    drop(s);
    writer.join().unwrap();
    Observed { prelude_reply, reply, closed }
}

/// Bytes for a failure message: printable ASCII as is, the rest as `\r`,
/// `\n` or `\xNN`; long runs cut.
fn show(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b.iter().take(300) {
        match c {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(c)),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    if b.len() > 300 {
        s.push_str(&format!("... ({} bytes)", b.len()));
    }
    s
}

/// The servers of one test: the reference redis first, then slotd with 1 and
/// 2 shards, each with a client connected before any case runs.
struct Rig {
    servers: Vec<(String, Server, TcpStream)>,
    /// Sent on each bystander before PING (AUTH when a password is set).
    bystander_auth: Vec<u8>,
}

impl Rig {
    fn new(extra: &[&str], bystander_auth: &[u8]) -> Rig {
        let servers = [
            ("redis".to_string(), redis_server(extra)),
            ("slotd/1".to_string(), slotd(1, extra)),
            ("slotd/2".to_string(), slotd(2, extra)),
        ];
        let servers = servers
            .into_iter()
            .map(|(name, srv)| {
                let mut raw = srv.raw();
                if !bystander_auth.is_empty() {
                    let got = roundtrip_raw(&mut raw, bystander_auth, 5);
                    assert_eq!(got, b"+OK\r\n", "{name}: bystander AUTH");
                }
                (name, srv, raw)
            })
            .collect();
        Rig { servers, bystander_auth: bystander_auth.to_vec() }
    }

    /// Runs every case on every server, comparing with redis; returns the
    /// failures instead of stopping at the first.
    fn run(&mut self, cases: &[Case]) -> Vec<String> {
        let mut failures = Vec::new();
        for c in cases {
            let reference = observe(self.servers[0].1.port, c, None);
            let runs: Vec<(String, Observed)> = thread::scope(|scope| {
                let handles: Vec<_> = self.servers[1..]
                    .iter()
                    .map(|(name, srv, _)| {
                        let (port, reference) = (srv.port, &reference);
                        (name.clone(), scope.spawn(move || observe(port, c, Some(reference))))
                    })
                    .collect();
                handles.into_iter().map(|(n, h)| (n, h.join().unwrap())).collect()
            });
            for (name, got) in runs {
                if got != reference {
                    failures.push(format!(
                        "case {}: {name} differs from redis\n  redis: prelude \"{}\" reply \"{}\" closed {}\n  {name}: prelude \"{}\" reply \"{}\" closed {}",
                        c.name,
                        show(&reference.prelude_reply),
                        show(&reference.reply),
                        reference.closed,
                        show(&got.prelude_reply),
                        show(&got.reply),
                        got.closed
                    ));
                }
            }
            self.check_bystanders(c.name, &mut failures);
        }
        failures
    }

    /// The client connected before the cases must still be served.
    fn check_bystanders(&mut self, case_name: &str, failures: &mut Vec<String>) {
        for (name, srv, raw) in &mut self.servers {
            let got = roundtrip_raw(raw, b"PING\r\n", 7);
            if got != b"+PONG\r\n" {
                failures
                    .push(format!("case {case_name}: {name}: bystander got \"{}\"", show(&got)));
                // Keep checking the later cases with a fresh bystander.
                *raw = srv.raw();
                if !self.bystander_auth.is_empty() {
                    roundtrip_raw(raw, &self.bystander_auth, 5);
                }
            }
        }
    }
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// A `*<n>` multibulk frame of `args`.
fn multibulk(args: &[&[u8]]) -> Vec<u8> {
    engine::resp::request::encode_request(args)
}

/// `prefix` followed by `n` copies of `fill`, with no line end.
fn long_line(prefix: &[u8], fill: u8, n: usize) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.resize(prefix.len() + n, fill);
    v
}

fn malformed_cases() -> Vec<Case> {
    const MB: usize = 1024 * 1024;
    vec![
        // Garbage: an inline line that is no command, and one with a NUL before
        // the line end (Redis searches the line end with strchr: never found).
        case("garbage_line", &b"\x01\x02garbage!@#\r\n"[..]),
        case("garbage_with_nul", &b"\x00\x01\x02garbage\r\n"[..]),
        case("nul_inside_inline", &b"PI\x00NG\r\n"[..]),
        // Counts of zero or less are consumed without a reply.
        case("count_minus_5", &b"*-5\r\n"[..]),
        case("count_minus_5_then_ping", &b"*-5\r\nPING\r\n"[..]),
        case("count_zero_minus_one_then_ping", &b"*0\r\n*-1\r\n*-2147483649\r\nPING\r\n"[..]),
        case("count_minus_zero", &b"*-0\r\n"[..]),
        case("count_leading_zero", &b"*01\r\n"[..]),
        case("count_plus", &b"*+1\r\n"[..]),
        case("count_empty", &b"*\r\n"[..]),
        case("count_abc", &b"*abc\r\n"[..]),
        case("count_2147483648", &b"*2147483648\r\n"[..]),
        case("count_2147483647_waits", &b"*2147483647\r\n"[..]),
        case("count_with_nul_waits", &b"*1\x00\r\n$4\r\nPING\r\n"[..]),
        case("count_line_lf_only", &b"*1\n$4\r\nPING\r\n"[..]),
        case("count_cr_then_any_byte", &b"*1\rX$4\r\nPING\r\n"[..]),
        // Bulk headers.
        case("bulk_len_999999999999", &b"*1\r\n$999999999999\r\n"[..]),
        case("bulk_len_minus_1", &b"*1\r\n$-1\r\n"[..]),
        case("bulk_len_huge", &b"*1\r\n$99999999999999999999\r\n"[..]),
        case("bulk_without_dollar", &b"*1\r\n+abc\r\n"[..]),
        case("bulk_without_dollar_cr", &b"*1\r\n\r\n"[..]),
        case("bulk_without_dollar_waits_for_lf", &b"*1\r\n+abc\r"[..]),
        case("bulk_header_with_nul_waits", &b"*1\r\n$4\x00\r\nPING\r\n"[..]),
        case("bulk_trailer_not_checked", &b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"[..]),
        // Truncated frames, then the client closes its side: no reply, closed.
        truncated_then_closed("truncated_count", &b"*2"[..]),
        truncated_then_closed("truncated_bulk_header", &b"*2\r\n$4\r\nECHO\r\n$"[..]),
        truncated_then_closed("truncated_bulk", &b"*2\r\n$4\r\nECHO\r\n$5\r\nhel"[..]),
        truncated_then_closed("truncated_inline", &b"ECHO hello"[..]),
        // Size limits of lines without an end (64 KiB in Redis).
        case("inline_64k_waits", long_line(b"", b'a', 64 * 1024)),
        case("inline_64k_plus_1", long_line(b"", b'a', 64 * 1024 + 1)),
        case("inline_1mb_no_newline", long_line(b"", b'a', MB)),
        case("count_1mb_no_cr", long_line(b"*", b'1', MB)),
        case("bulk_header_1mb_no_cr", long_line(b"*1\r\n$", b'1', MB)),
        // Inline commands.
        case("empty_inline_lines", &b"\r\n\n\r\n"[..]),
        case("empty_inline_then_ping", &b"\r\n\nPING\r\n"[..]),
        case("inline_ping", &b"PING\r\n"[..]),
        case("inline_ping_lf_only", &b"PING\n"[..]),
        case("inline_echo_quoted", &b"ECHO \"a b\"\r\n"[..]),
        case(
            "inline_escapes",
            &b"ECHO \"\\x41\\n\\t\\q\"\r\nECHO 'a\\'b'\r\nECHO a\"b c\"\r\n"[..],
        ),
        case("inline_vertical_tab_in_word", &b"ECHO a\x0bb\r\nECHO a\x0cb\r\n\x0bECHO c\r\n"[..]),
        case("inline_high_bytes", &b"ECHO \xff\xfe\r\n"[..]),
        case("unbalanced_double_quote", &b"ECHO \"a b\r\n"[..]),
        case("unbalanced_single_quote", &b"ECHO 'a b\r\n"[..]),
        case("closing_quote_then_letter", &b"ECHO \"a\"b\r\n"[..]),
        case("escape_at_line_end", &b"ECHO \"\\\r\n"[..]),
        // Valid pipelined commands, then garbage: their replies come first.
        case("pipeline_then_bad_count", &b"PING\r\nECHO hi\r\n*1\r\n$4\r\nPING\r\n*x\r\n"[..]),
        case(
            "pipeline_across_shards_then_bad_bulk",
            [
                &b"SET a 1\r\nSET b 2\r\nSET c 3\r\n"[..],
                &multibulk(&[b"MGET", b"a", b"b", b"c", b"d"]),
                b"DEL a b c\r\n*1\r\n$x\r\n",
            ]
            .concat(),
        ),
        case("pipeline_then_unbalanced_quotes", &b"SET k v\r\nGET k\r\nECHO \"x\r\nPING\r\n"[..]),
    ]
}

#[test]
fn malformed_input_matches_redis() {
    let mut rig = Rig::new(&[], b"");
    assert_no_failures(rig.run(&malformed_cases()));
}

#[test]
fn unauthenticated_limits_match_redis() {
    let mut rig = Rig::new(&["--requirepass", "secret"], b"AUTH secret\r\n");
    let cases = vec![
        case("unauth_count_11", &b"*11\r\n"[..]),
        case("unauth_count_10_waits", &b"*10\r\n"[..]),
        case("unauth_bulk_16385", &b"*1\r\n$16385\r\n"[..]),
        case("unauth_bulk_16384_waits", &b"*1\r\n$16384\r\n"[..]),
        case("unauth_ping", &b"PING\r\n"[..]),
        case("unauth_long_inline_is_fine", [&b"ECHO "[..], &[b'a'; 20000], b"\r\n"].concat()),
        case("unauth_wrong_password_then_count_11", &b"AUTH wrong\r\n*11\r\n"[..]),
        after("authed_count_11_waits", b"AUTH secret\r\n", &b"*11\r\n"[..]),
        after("authed_bulk_16385_waits", b"AUTH secret\r\n", &b"*1\r\n$16385\r\n"[..]),
    ];
    assert_no_failures(rig.run(&cases));
}

/// `SET k <n bytes>` as one multibulk frame.
fn set_bulk(n_bytes: usize) -> Vec<u8> {
    multibulk(&[b"SET", b"k", &vec![b'x'; n_bytes]])
}

#[test]
fn query_buffer_and_bulk_limits_match_redis() {
    let mut rig =
        Rig::new(&["--client-query-buffer-limit", "1mb", "--proto-max-bulk-len", "1mb"], b"");
    const MB: usize = 1024 * 1024;
    let cases = vec![
        // proto-max-bulk-len: the header alone is rejected.
        case("bulk_2mb_rejected", set_bulk(2 * MB)),
        case("bulk_header_1mb_plus_1", &b"*1\r\n$1048577\r\n"[..]),
        case("bulk_header_1mb_waits", &b"*1\r\n$1048576\r\n"[..]),
        // client-query-buffer-limit: a bulk whose bytes (with CRLF) pass 1 MiB
        // closes the connection with no reply.
        case("bulk_1mb_exceeds_query_buffer", set_bulk(MB)),
        case("bulk_under_1mb_accepted", set_bulk(MB - 100)),
    ];
    assert_no_failures(rig.run(&cases));
}

/// Cases the connection layer (not the parser) must get right: limits lifted by
/// AUTH within one read, raw bytes in errors, HTTP requests, and the query
/// buffer limit counting only unparsed bytes.
#[test]
fn connection_layer_matches_redis() {
    let mut rig = Rig::new(&["--requirepass", "secret"], b"AUTH secret\r\n");
    let cases = vec![
        // The parse limits are computed once per read: a frame after AUTH in
        // the same read is still parsed as unauthenticated.
        case("auth_then_count_11_same_read", &b"AUTH secret\r\n*11\r\n"[..]),
        case("auth_then_bulk_16385_same_read", &b"AUTH secret\r\n*1\r\n$16385\r\n"[..]),
        // `expected '$', got '%c'` sends the raw byte; ProtoError::message()
        // is a String, so a non-ASCII byte comes out as two UTF-8 bytes.
        // ProtoError::write_reply writes the exact bytes.
        case("bulk_without_dollar_high_byte", &b"*1\r\n\xff\r\n"[..]),
        // The unknown-command error prints names with %s: raw bytes, cut at a NUL.
        after("unknown_command_high_bytes", b"AUTH secret\r\n", &b"\xffgarbage\xfe x\xff\r\n"[..]),
        after("unknown_command_with_nul", b"AUTH secret\r\n", multibulk(&[b"a\x00b", b"c\x00d"])),
        // POST and Host: (HTTP sent to the port) close the connection at once,
        // dropping replies not yet written.
        case("http_post", &b"POST / HTTP/1.1\r\nHost: x\r\n\r\n"[..]),
        after("ping_then_host_header", b"AUTH secret\r\n", &b"PING\r\nHost: x\r\nPING\r\n"[..]),
    ];
    let mut failures = rig.run(&cases);
    // Redis trims the consumed part of its query buffer after every argument,
    // so one frame of many small arguments is never held whole: 2 MB of
    // arguments pass a 1mb client-query-buffer-limit. slotd keeps the whole
    // frame in its read buffer and closes the connection.
    let mut rig = Rig::new(&["--client-query-buffer-limit", "1mb"], b"");
    let args: Vec<Vec<u8>> =
        std::iter::once(b"EXISTS".to_vec()).chain((0..2000).map(|_| vec![b'x'; 1000])).collect();
    let args: Vec<&[u8]> = args.iter().map(|a| &a[..]).collect();
    failures.extend(rig.run(&[case("many_small_args_2mb", multibulk(&args))]));
    assert_no_failures(failures);
}
