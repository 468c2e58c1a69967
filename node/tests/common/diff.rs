//! Differential-test support: send the same command to slotd and to a real
//! redis-server over raw TCP, read exactly one complete RESP reply from each,
//! and compare them byte for byte (with a few named normalisations for replies
//! that legitimately differ: TTL values, KEYS order, SCAN cursors, RANDOMKEY,
//! OBJECT IDLETIME/FREQ, HELLO). Mismatches are collected with the command,
//! both replies and the commands that came before, and reported at the end.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::{redis_server, slotd, Server};

/// How long to wait for one reply before calling the server stuck.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// Commands kept for the "preceding commands" part of a report.
const HISTORY_LEN: usize = 5;
/// Bytes of a reply shown in a report before it is cut.
const SHOW_MAX_BYTES: usize = 400;
/// Most slotd restarts in one run before giving up.
const MAX_RESTARTS: usize = 5;
/// Most SCAN calls made for one full iteration.
const SCAN_MAX_CALLS: usize = 10_000;
/// Largest bulk length or aggregate count the reader accepts.
const MAX_LEN: i64 = 1 << 30;

/// One decoded RESP2/RESP3 value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resp {
    /// A line-typed value: `+ - : _ # , (` and its text.
    Line(u8, Vec<u8>),
    /// A length-prefixed value: `$ = !`; `None` is the RESP2 null `$-1`.
    Blob(u8, Option<Vec<u8>>),
    /// An aggregate: `* % ~ > |` and its elements (a map's keys and values
    /// flattened; an attribute followed by the value it annotates); `None` is `*-1`.
    Agg(u8, Option<Vec<Resp>>),
}

impl Resp {
    /// True for `-` and `!` errors.
    pub fn is_error(&self) -> bool {
        matches!(self, Resp::Line(b'-', _) | Resp::Blob(b'!', _))
    }

    /// The integer of a `:` reply.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Resp::Line(b':', s) => std::str::from_utf8(s).ok()?.parse().ok(),
            _ => None,
        }
    }

    /// The bytes of a non-null bulk or simple string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Resp::Blob(b'$', Some(b)) | Resp::Line(b'+', b) => Some(b),
            _ => None,
        }
    }

    /// Appends the RESP encoding of `self` to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Resp::Line(t, s) => {
                out.push(*t);
                out.extend_from_slice(s);
                out.extend_from_slice(b"\r\n");
            }
            Resp::Blob(t, None) => {
                out.push(*t);
                out.extend_from_slice(b"-1\r\n");
            }
            Resp::Blob(t, Some(b)) => {
                out.push(*t);
                out.extend_from_slice(format!("{}\r\n", b.len()).as_bytes());
                out.extend_from_slice(b);
                out.extend_from_slice(b"\r\n");
            }
            Resp::Agg(t, None) => {
                out.push(*t);
                out.extend_from_slice(b"-1\r\n");
            }
            Resp::Agg(t, Some(items)) => {
                let n = match t {
                    b'%' => items.len() / 2,
                    // An attribute's count covers its pairs, not the value after them.
                    b'|' => (items.len() - 1) / 2,
                    _ => items.len(),
                };
                out.push(*t);
                out.extend_from_slice(format!("{n}\r\n").as_bytes());
                for i in items {
                    i.encode(out);
                }
            }
        }
    }
}

/// One reply: its exact bytes and what they decode to.
#[derive(Clone, Debug)]
pub struct Reply {
    pub raw: Vec<u8>,
    pub value: Resp,
}

impl Reply {
    fn from_value(value: Resp) -> Self {
        let mut raw = Vec::new();
        value.encode(&mut raw);
        Reply { raw, value }
    }
}

/// Encodes a command as a RESP multibulk request.
pub use engine::resp::request::encode_request as encode_command;

/// A raw RESP connection: writes requests, reads one complete reply at a time.
pub struct RespConn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl RespConn {
    /// Connects to 127.0.0.1:`port`.
    pub fn connect(port: u16) -> io::Result<Self> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(REPLY_TIMEOUT))?;
        Ok(RespConn { reader: BufReader::new(s.try_clone()?), writer: s })
    }

    /// Sends one command.
    pub fn send(&mut self, args: &[Vec<u8>]) -> io::Result<()> {
        self.writer.write_all(&encode_command(args))
    }

    /// Sends bytes as they are (several commands in one write, say).
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// Reads exactly one complete reply (an attribute and the value it
    /// annotates count as one).
    pub fn read_reply(&mut self) -> io::Result<Reply> {
        let mut raw = Vec::new();
        let value = self.read_value(&mut raw)?;
        Ok(Reply { raw, value })
    }

    /// Sends one command and reads its reply.
    pub fn call(&mut self, args: &[Vec<u8>]) -> io::Result<Reply> {
        self.send(args)?;
        self.read_reply()
    }

    fn read_line(&mut self, raw: &mut Vec<u8>) -> io::Result<(u8, Vec<u8>)> {
        let start = raw.len();
        let n = self.reader.read_until(b'\n', raw)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        let line = &raw[start..];
        if line.len() < 3 || !line.ends_with(b"\r\n") {
            return Err(bad(format!("malformed line {}", show(line))));
        }
        Ok((line[0], line[1..line.len() - 2].to_vec()))
    }

    fn read_len(text: &[u8]) -> io::Result<i64> {
        let n: i64 = std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("bad length {}", show(text))))?;
        if !(-1..=MAX_LEN).contains(&n) {
            return Err(bad(format!("length out of range: {n}")));
        }
        Ok(n)
    }

    fn read_value(&mut self, raw: &mut Vec<u8>) -> io::Result<Resp> {
        let (t, text) = self.read_line(raw)?;
        match t {
            b'+' | b'-' | b':' | b'_' | b'#' | b',' | b'(' => Ok(Resp::Line(t, text)),
            b'$' | b'=' | b'!' => {
                let n = Self::read_len(&text)?;
                if n < 0 {
                    return Ok(Resp::Blob(t, None));
                }
                let start = raw.len();
                raw.resize(start + n as usize + 2, 0);
                self.reader.read_exact(&mut raw[start..])?;
                if !raw.ends_with(b"\r\n") {
                    return Err(bad("bulk not terminated by CRLF".into()));
                }
                Ok(Resp::Blob(t, Some(raw[start..start + n as usize].to_vec())))
            }
            b'*' | b'%' | b'~' | b'>' | b'|' => {
                let n = Self::read_len(&text)?;
                if n < 0 {
                    return Ok(Resp::Agg(t, None));
                }
                let mut count = if matches!(t, b'%' | b'|') { 2 * n } else { n } as usize;
                if t == b'|' {
                    count += 1;
                }
                let mut items = Vec::with_capacity(count.min(1024));
                for _ in 0..count {
                    items.push(self.read_value(raw)?);
                }
                Ok(Resp::Agg(t, Some(items)))
            }
            _ => Err(bad(format!("unknown reply type byte {}", show(&[t])))),
        }
    }
}

/// How a failed read shows in a report.
fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("<no reply within {} s>", REPLY_TIMEOUT.as_secs())
        }
        _ => format!("<{e}>"),
    }
}

fn clone_err(e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), e.to_string())
}

fn bad(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Printable form of bytes (escaped like a Rust byte string, cut if long).
pub fn show(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        match c {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(c as char),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    if s.len() > SHOW_MAX_BYTES {
        format!("{}... ({} bytes)", &s[..SHOW_MAX_BYTES], b.len())
    } else {
        s
    }
}

/// A command as one might type it in redis-cli (arguments quoted when needed).
pub fn show_command(args: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let plain =
            !a.is_empty() && a.iter().all(|&c| c.is_ascii_graphic() && c != b'"' && c != b'\\');
        if plain {
            out.push_str(&String::from_utf8_lossy(a));
        } else {
            let _ = write!(out, "\"{}\"", show(a).replace('"', "\\\""));
        }
    }
    if out.len() > SHOW_MAX_BYTES {
        out.truncate(SHOW_MAX_BYTES);
        out.push_str("...");
    }
    out
}

/// Splits a corpus line into arguments the way redis-cli does: whitespace
/// separates, "double quotes" allow spaces and the escapes \n \r \t \" \\ \xHH,
/// 'single quotes' are literal.
pub fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let b = line.as_bytes();
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            return Ok(args);
        }
        let mut cur = Vec::new();
        match b[i] {
            b'"' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err(format!("unterminated quotes in {line:?}")),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let (c, used) = unescape(&b[i + 1..])
                                .ok_or_else(|| format!("bad escape in {line:?}"))?;
                            cur.push(c);
                            i += 1 + used;
                        }
                        Some(&c) => {
                            cur.push(c);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            b'\'' => {
                let end = b[i + 1..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .ok_or_else(|| format!("unterminated quotes in {line:?}"))?;
                cur.extend_from_slice(&b[i + 1..i + 1 + end]);
                i += end + 2;
            }
            _ => {
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    cur.push(b[i]);
                    i += 1;
                }
            }
        }
        args.push(cur);
    }
}

/// Decodes the escape after a backslash: the byte and how many bytes it used.
fn unescape(b: &[u8]) -> Option<(u8, usize)> {
    Some(match *b.first()? {
        b'n' => (b'\n', 1),
        b'r' => (b'\r', 1),
        b't' => (b'\t', 1),
        b'x' => (u8::from_str_radix(std::str::from_utf8(b.get(1..3)?).ok()?, 16).ok()?, 3),
        c => (c, 1),
    })
}

/// Uppercased command name, plus the subcommand for container commands
/// (`OBJECT ENCODING`), used to group and normalise.
pub fn command_name(args: &[Vec<u8>]) -> String {
    let name = args.first().map(|a| String::from_utf8_lossy(a).to_uppercase()).unwrap_or_default();
    match (name.as_str(), args.get(1)) {
        ("OBJECT", Some(sub)) => format!("OBJECT {}", String::from_utf8_lossy(sub).to_uppercase()),
        _ => name,
    }
}

/// Whether two replies to `name` count as the same. Byte-equal replies always
/// do; otherwise only the named normalisations apply.
fn equivalent(name: &str, a: &Reply, b: &Reply) -> bool {
    if a.raw == b.raw {
        return true;
    }
    let close = |tolerance: i64| match (a.value.as_int(), b.value.as_int()) {
        (Some(x), Some(y)) => x >= 0 && y >= 0 && (x - y).abs() <= tolerance,
        _ => false,
    };
    match name {
        // The two servers saw the command a few milliseconds apart.
        "TTL" | "EXPIRETIME" => close(1),
        "PTTL" | "PEXPIRETIME" => close(1500),
        "KEYS" => match (&a.value, &b.value) {
            (Resp::Agg(b'*', Some(x)), Resp::Agg(b'*', Some(y))) => sorted(x) == sorted(y),
            _ => false,
        },
        "RANDOMKEY" => {
            matches!((&a.value, &b.value), (Resp::Blob(b'$', Some(_)), Resp::Blob(b'$', Some(_))))
        }
        "OBJECT IDLETIME" | "OBJECT FREQ" => {
            a.value.as_int().is_some() && b.value.as_int().is_some()
        }
        "HELLO" => !a.value.is_error() && !b.value.is_error() && a.raw[0] == b.raw[0],
        // Random members: the same shape (a string, or an array of as many
        // elements of the same types); picks are random on both sides.
        "ZRANDMEMBER" => same_shape(&a.value, &b.value),
        // A whole collection in one call (cursor 0 on both sides): the same
        // (field, value) pairs in any order (hash-table encodings).
        "ZSCAN" => match (scan_pairs(&a.value), scan_pairs(&b.value)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

/// True when two replies have the same type and length, recursively, bulk
/// contents aside.
fn same_shape(a: &Resp, b: &Resp) -> bool {
    match (a, b) {
        (Resp::Blob(t, x), Resp::Blob(u, y)) => t == u && x.is_some() == y.is_some(),
        (Resp::Agg(t, Some(x)), Resp::Agg(u, Some(y))) => {
            t == u && x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_shape(p, q))
        }
        _ => a == b,
    }
}

/// The sorted (field, value) pairs of a finished collection scan reply
/// (`*2 $1 0 *2n ...`), or None for anything else.
fn scan_pairs(r: &Resp) -> Option<Vec<Vec<u8>>> {
    let Resp::Agg(b'*', Some(items)) = r else { return None };
    let [Resp::Blob(b'$', Some(cursor)), Resp::Agg(b'*', Some(flat))] = &items[..] else {
        return None;
    };
    if cursor != b"0" || flat.len() % 2 != 0 {
        return None;
    }
    let mut pairs: Vec<Vec<u8>> = flat
        .chunks(2)
        .map(|p| {
            let mut e = Vec::new();
            p[0].encode(&mut e);
            p[1].encode(&mut e);
            e
        })
        .collect();
    pairs.sort();
    Some(pairs)
}

fn sorted(items: &[Resp]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = items
        .iter()
        .map(|i| {
            let mut e = Vec::new();
            i.encode(&mut e);
            e
        })
        .collect();
    v.sort();
    v
}

/// Whether `args` is a SCAN starting a new iteration, which the harness runs to
/// completion on each server and compares as a set of keys.
fn is_full_scan(args: &[Vec<u8>]) -> bool {
    args.len() >= 2 && args[0].eq_ignore_ascii_case(b"scan") && args[1] == b"0"
}

/// Runs a SCAN-like command (cursor at argument `cursor_at`) from its cursor to
/// the end. An error reply is returned as is; otherwise the result is `*2 0
/// [sorted distinct groups]`, where a group is `group` consecutive elements
/// (1 for keys, 2 for HSCAN's field and value).
fn full_scan(
    conn: &mut RespConn,
    args: &[Vec<u8>],
    cursor_at: usize,
    group: usize,
) -> io::Result<Reply> {
    let mut args = args.to_vec();
    let mut groups = BTreeSet::new();
    for _ in 0..SCAN_MAX_CALLS {
        let r = conn.call(&args)?;
        let (cursor, batch) = match &r.value {
            Resp::Agg(b'*', Some(items)) if items.len() == 2 => match (&items[0], &items[1]) {
                (Resp::Blob(b'$', Some(c)), Resp::Agg(b'*', Some(ks))) => (c.clone(), ks.clone()),
                _ => return Ok(r),
            },
            _ => return Ok(r),
        };
        for g in batch.chunks(group) {
            groups.insert(g.to_vec());
        }
        if cursor == b"0" {
            let list = groups.into_iter().flatten().collect();
            return Ok(Reply::from_value(Resp::Agg(
                b'*',
                Some(vec![Resp::Blob(b'$', Some(b"0".to_vec())), Resp::Agg(b'*', Some(list))]),
            )));
        }
        args[cursor_at] = cursor;
    }
    Err(bad(format!("SCAN did not finish in {SCAN_MAX_CALLS} calls")))
}

/// Whether two aggregate replies hold the same groups of `group` consecutive
/// elements in any order (HGETALL of a hashtable: `group` 2; HKEYS: 1).
pub fn same_unordered(a: &Reply, b: &Reply, group: usize) -> bool {
    match (&a.value, &b.value) {
        (Resp::Agg(ta, Some(x)), Resp::Agg(tb, Some(y))) if ta == tb && x.len() == y.len() => {
            fn sorted_groups(items: &[Resp], group: usize) -> Vec<&[Resp]> {
                let mut g: Vec<&[Resp]> = items.chunks(group).collect();
                g.sort();
                g
            }
            sorted_groups(x, group) == sorted_groups(y, group)
        }
        _ => false,
    }
}

/// A command and what redis-server replied, for the report's context.
struct Past {
    command: String,
    redis: String,
}

/// One difference between the servers, ready to print.
pub struct Mismatch {
    /// Command name (see [`command_name`]), used to group.
    pub name: String,
    /// The full report.
    pub text: String,
}

/// A pair of connections (slotd, redis-server) that gets every command.
pub struct Differ {
    start_slotd: Box<dyn Fn() -> Server>,
    slotd: Server,
    /// Times slotd was restarted after it stopped answering.
    restarts: usize,
    redis: Server,
    label: String,
    s: RespConn,
    r: RespConn,
    history: VecDeque<Past>,
    /// Commands kept in `history` (more while a pipeline is compared).
    history_len: usize,
    /// Where we are (scenario name, seed), printed with each mismatch.
    pub context: String,
    /// Commands compared so far.
    pub count: usize,
    /// Of those, how many redis-server answered with an error (a sanity
    /// check on the generator's mix of valid and invalid commands).
    pub errors: usize,
    /// Mismatches kept in full.
    pub mismatches: Vec<Mismatch>,
    /// Mismatch count per command name (all of them, kept or not).
    pub per_name: HashMap<String, usize>,
    /// Keep only the first mismatch of each command name in full.
    pub dedupe: bool,
}

/// What became of one compared command.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Same,
    Different,
}

impl Differ {
    /// Starts slotd with `start_slotd` (called again to restart it should it
    /// stop answering) and connects to both; `label` names the slotd setup in
    /// reports.
    pub fn new(start_slotd: Box<dyn Fn() -> Server>, redis: Server, label: &str) -> Self {
        let slotd = start_slotd();
        let s = RespConn::connect(slotd.port).expect("connect to slotd");
        let r = RespConn::connect(redis.port).expect("connect to redis-server");
        Differ {
            start_slotd,
            slotd,
            restarts: 0,
            redis,
            label: label.to_string(),
            s,
            r,
            history: VecDeque::new(),
            history_len: HISTORY_LEN,
            context: String::new(),
            count: 0,
            errors: 0,
            mismatches: Vec::new(),
            per_name: HashMap::new(),
            dedupe: false,
        }
    }

    /// slotd on `shards` shards started with `slotd_args` against
    /// redis-server started with `redis_args`; `family` names the run.
    pub fn for_shards(
        shards: usize,
        family: &str,
        slotd_args: &'static [&'static str],
        redis_args: &[&str],
    ) -> Self {
        let label =
            format!("slotd {shards} shard{} ({family})", if shards == 1 { "" } else { "s" });
        Differ::new(Box::new(move || slotd(shards, slotd_args)), redis_server(redis_args), &label)
    }

    /// Sends `args` to both servers and compares the replies.
    pub fn check(&mut self, args: &[Vec<u8>]) -> Outcome {
        let (got, want) = self.exchange(args);
        self.judge(args, got, want)
    }

    /// Sends `args` to both servers and compares the replies with `same`
    /// (redis-server's reply first), for replies that are random or unordered
    /// (HRANDFIELD, HGETALL of a hashtable ...). Byte-equal replies always match.
    pub fn check_by(&mut self, args: &[Vec<u8>], same: &dyn Fn(&Reply, &Reply) -> bool) -> Outcome {
        let (got, want) = self.exchange(args);
        self.judge_by(args, got, want, same)
    }

    /// Runs a SCAN-like command (cursor at argument `cursor_at`) to the end on
    /// each server and compares the sets of groups of `group` elements
    /// returned (HSCAN of a hashtable: cursor at 2, groups of 2).
    pub fn check_full_scan(&mut self, args: &[Vec<u8>], cursor_at: usize, group: usize) -> Outcome {
        let got = full_scan(&mut self.s, args, cursor_at, group);
        let want = full_scan(&mut self.r, args, cursor_at, group);
        self.judge(args, got, want)
    }

    /// The port redis-server listens on (for a generator's own look at its state).
    pub fn redis_port(&self) -> u16 {
        self.redis.port
    }

    /// [`Differ::check`], also returning redis-server's reply, for a generator
    /// that chooses what to send next from the state (None if redis failed).
    pub fn check_returning(&mut self, args: &[Vec<u8>]) -> (Outcome, Option<Resp>) {
        let (got, want) = self.exchange(args);
        let redis = want.as_ref().ok().map(|w| w.value.clone());
        (self.judge(args, got, want), redis)
    }

    /// Sends all of `cmds` to both servers in one write each (a pipeline),
    /// then compares the replies in order. Stops at the first mismatch (what
    /// follows in the pipeline ran on diverged state) and reconnects; the
    /// report then lists the whole pipeline up to it.
    pub fn check_pipeline(&mut self, cmds: &[Vec<Vec<u8>>]) -> Outcome {
        let request: Vec<u8> = cmds.iter().flat_map(|c| encode_command(c)).collect();
        let sent_s = self.s.writer.write_all(&request);
        let sent_r = self.r.writer.write_all(&request);
        self.history_len = HISTORY_LEN + cmds.len();
        let mut outcome = Outcome::Same;
        for (i, c) in cmds.iter().enumerate() {
            let got = sent_s.as_ref().map_err(clone_err).and_then(|_| self.s.read_reply());
            let want = sent_r.as_ref().map_err(clone_err).and_then(|_| self.r.read_reply());
            let broken = got.is_err() || want.is_err();
            let kept = self.mismatches.len();
            if self.judge(c, got, want) == Outcome::Different {
                // slotd may run later commands of the pipeline first (other
                // shards), so a failure can come from one of them.
                if let (true, Some(m)) = (broken, self.mismatches.get_mut(kept)) {
                    m.text.push_str("  followed in the same pipeline by:\n");
                    for later in &cmds[i + 1..] {
                        let _ = writeln!(m.text, "    {}", show_command(later));
                    }
                }
                if !broken {
                    self.reconnect();
                }
                outcome = Outcome::Different;
                break;
            }
        }
        self.history_len = HISTORY_LEN;
        outcome
    }

    /// Compares the two replies to `args`, recording a mismatch.
    fn judge(
        &mut self,
        args: &[Vec<u8>],
        got: io::Result<Reply>,
        want: io::Result<Reply>,
    ) -> Outcome {
        let name = command_name(args);
        self.judge_by(args, got, want, &|w, g| equivalent(&name, w, g))
    }

    /// [`Self::judge`] with the comparison `same` (redis-server's reply first).
    fn judge_by(
        &mut self,
        args: &[Vec<u8>],
        got: io::Result<Reply>,
        want: io::Result<Reply>,
        same: &dyn Fn(&Reply, &Reply) -> bool,
    ) -> Outcome {
        self.count += 1;
        let name = command_name(args);
        let same = match (&got, &want) {
            (Ok(g), Ok(w)) => g.raw == w.raw || same(w, g),
            _ => false,
        };
        if want.as_ref().is_ok_and(|w| w.value.is_error()) {
            self.errors += 1;
        }
        let want_text = want.as_ref().map_or_else(io_text, |w| show(&w.raw));
        if !same {
            let got_text = got.as_ref().map_or_else(io_text, |g| show(&g.raw));
            self.record(&name, args, &want_text, &got_text);
        }
        self.remember(args, want_text);
        self.recover_from(&got, &want);
        if same {
            Outcome::Same
        } else {
            Outcome::Different
        }
    }

    /// Sends `args` to both servers and reads the replies without comparing
    /// them (setup commands whose replies legitimately differ).
    pub fn unchecked(&mut self, args: &[Vec<u8>]) {
        let (got, want) = self.exchange(args);
        let want_text = want.as_ref().map_or_else(io_text, |w| show(&w.raw));
        self.remember(args, format!("{want_text} (not compared)"));
        self.recover_from(&got, &want);
    }

    /// After a broken exchange: redis-server failing is the harness's problem
    /// (panic); slotd failing (no reply, closed connection, bad RESP) was just
    /// recorded as a mismatch, and slotd is restarted with both servers
    /// emptied, so the run goes on.
    fn recover_from(&mut self, got: &io::Result<Reply>, want: &io::Result<Reply>) {
        if let Err(e) = want {
            self.report_and_panic(&format!("redis-server failed: {e}"));
        }
        if got.is_err() {
            if self.restarts == MAX_RESTARTS {
                self.report_and_panic(&format!("slotd stopped answering {MAX_RESTARTS} times"));
            }
            self.restarts += 1;
            eprintln!("[{}] restarting slotd (restart {})", self.label, self.restarts);
            self.slotd = (self.start_slotd)();
            self.reconnect();
            self.resync();
        }
    }

    /// Closes both connections and opens fresh ones (database 0, RESP2).
    pub fn reconnect(&mut self) {
        self.s = RespConn::connect(self.slotd.port).expect("reconnect to slotd");
        self.r = RespConn::connect(self.redis.port).expect("reconnect to redis-server");
    }

    /// Empties both servers and selects database 0 on both, so that state
    /// diverged by a mismatch does not cause more.
    pub fn resync(&mut self) {
        self.unchecked(&[b"SELECT".to_vec(), b"0".to_vec()]);
        self.unchecked(&[b"FLUSHALL".to_vec()]);
    }

    fn exchange(&mut self, args: &[Vec<u8>]) -> (io::Result<Reply>, io::Result<Reply>) {
        if is_full_scan(args) {
            return (full_scan(&mut self.s, args, 1, 1), full_scan(&mut self.r, args, 1, 1));
        }
        // Write to both before reading either, so the waits overlap.
        let sent_s = self.s.send(args);
        let sent_r = self.r.send(args);
        let got = sent_s.and_then(|_| self.s.read_reply());
        let want = sent_r.and_then(|_| self.r.read_reply());
        (got, want)
    }

    fn remember(&mut self, args: &[Vec<u8>], redis: String) {
        while self.history.len() >= self.history_len {
            self.history.pop_front();
        }
        self.history.push_back(Past { command: show_command(args), redis });
    }

    fn record(&mut self, name: &str, args: &[Vec<u8>], want: &str, got: &str) {
        let seen = self.per_name.entry(name.to_string()).or_insert(0);
        *seen += 1;
        if self.dedupe && *seen > 1 {
            return;
        }
        let mut text = String::new();
        let _ =
            writeln!(text, "MISMATCH [{}] {} (command #{})", self.label, self.context, self.count);
        let _ = writeln!(text, "  command: {}", show_command(args));
        let _ = writeln!(text, "  redis:   {want}");
        let _ = writeln!(text, "  slotd:   {got}");
        if !self.history.is_empty() {
            let _ = writeln!(text, "  preceded by (redis replies):");
            for p in &self.history {
                let _ = writeln!(text, "    {}  ->  {}", p.command, p.redis);
            }
        }
        self.mismatches.push(Mismatch { name: name.to_string(), text });
    }

    /// The whole report: every kept mismatch and the count per command name.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for m in &self.mismatches {
            out.push_str(&m.text);
            out.push('\n');
        }
        let mut names: Vec<_> = self.per_name.iter().collect();
        names.sort();
        let total: usize = self.per_name.values().sum();
        let _ = writeln!(
            out,
            "[{}] {} of {} commands differ ({} redis errors); by command:",
            self.label, total, self.count, self.errors
        );
        for (n, c) in names {
            let _ = writeln!(out, "  {n}: {c}");
        }
        out
    }

    /// Panics with the report if any command differed.
    pub fn finish(&self) {
        if !self.per_name.is_empty() {
            self.report_and_panic("slotd differs from redis-server");
        }
        eprintln!(
            "[{}] all {} commands matched ({} of them errors)",
            self.label, self.count, self.errors
        );
    }

    fn report_and_panic(&self, why: &str) -> ! {
        eprintln!("{}", self.report());
        panic!("[{}] {why}; see the report above", self.label);
    }
}

/// splitmix64: small, seedable, good enough to pick commands.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// One generated command of a random run.
pub struct Generated {
    /// The command's words.
    pub args: Vec<Vec<u8>>,
    /// It may not go in a pipeline (it pauses first, is iterated
    /// interactively, or may block the connection).
    pub solo: bool,
    /// Milliseconds to wait before sending it (it compares times that the
    /// previous command set).
    pub pause_ms: u64,
}

impl Generated {
    /// A command that may go anywhere.
    pub fn any(words: Vec<String>) -> Generated {
        Generated {
            args: words.into_iter().map(String::into_bytes).collect(),
            solo: false,
            pause_ms: 0,
        }
    }

    /// A command that must be sent alone.
    pub fn solo(words: Vec<String>) -> Generated {
        Generated { solo: true, ..Generated::any(words) }
    }
}

/// Reads a setting from the environment, or `default` when unset.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("{name}={v} does not parse")),
        Err(_) => default,
    }
}

/// Most commands in one pipelined write of a random run.
pub const MAX_PIPELINE: usize = 32;

/// A seeded random run: `SLOTD_DIFF_SEED` and `SLOTD_DIFF_COUNT` override the
/// defaults a test file picks.
pub struct RandomRun {
    /// Names the run in every report (`list pipelines` ...).
    pub mode: String,
    pub seed: u64,
    /// Commands to send.
    pub count: usize,
    /// Send pipelines of 1 to [`MAX_PIPELINE`] commands in one write, which
    /// lets slotd run commands for different shards concurrently; replies
    /// must still be what sequential execution gives.
    pub pipelined: bool,
    /// Stop after this many mismatches: each costs a resync, and by then the
    /// report has said what there is to say.
    pub max_mismatches: usize,
}

impl RandomRun {
    /// A run named `mode` with the given defaults, overridable from the
    /// environment.
    pub fn from_env(mode: &str, pipelined: bool, default_seed: u64, default_count: usize) -> Self {
        RandomRun {
            mode: mode.to_string(),
            seed: env_or("SLOTD_DIFF_SEED", default_seed),
            count: env_or("SLOTD_DIFF_COUNT", default_count),
            pipelined,
            max_mismatches: 1000,
        }
    }

    /// Sends `count` commands from `next` (given a generator seeded with
    /// `seed`), comparing every reply; both servers are flushed after a
    /// mismatch so that diverged state does not cascade. `skip` may drop a
    /// command about to be sent alone (it may ask the servers first).
    pub fn run(
        &self,
        d: &mut Differ,
        next: impl FnMut() -> Generated,
        mut skip: impl FnMut(&mut Differ, &[Vec<u8>]) -> bool,
    ) {
        self.run_by(d, next, |d, args| (!skip(d, args)).then(|| d.check(args)))
    }

    /// [`Self::run`] where `check` sends and compares each command sent alone
    /// (None when it chose to drop it), for families whose replies need
    /// their own comparison (unordered, random); pipelines are compared
    /// byte for byte, so such commands must be [`Generated::solo`].
    pub fn run_by(
        &self,
        d: &mut Differ,
        mut next: impl FnMut() -> Generated,
        mut check: impl FnMut(&mut Differ, &[Vec<u8>]) -> Option<Outcome>,
    ) {
        let (mode, seed) = (&self.mode, self.seed);
        let mut rng = Rng(seed ^ 0x9e37);
        d.dedupe = true;
        d.resync();
        let mut step = 0;
        while step < self.count {
            let batch = if self.pipelined { 1 + rng.below(MAX_PIPELINE) } else { 1 };
            let mut cmds = Vec::with_capacity(batch);
            let mut pause_ms = 0;
            while cmds.len() < batch {
                let g = next();
                if self.pipelined && (g.solo || g.pause_ms > 0) {
                    continue;
                }
                pause_ms = g.pause_ms;
                cmds.push(g.args);
            }
            d.context = format!("{mode} SLOTD_DIFF_SEED={seed} step {step}");
            step += batch;
            if pause_ms > 0 {
                std::thread::sleep(std::time::Duration::from_millis(pause_ms));
            }
            let outcome =
                if self.pipelined { Some(d.check_pipeline(&cmds)) } else { check(d, &cmds[0]) };
            if outcome == Some(Outcome::Different) {
                if d.per_name.values().sum::<usize>() >= self.max_mismatches {
                    eprintln!(
                        "[{mode}] stopping at step {step}: {} mismatches",
                        self.max_mismatches
                    );
                    break;
                }
                d.resync();
            }
        }
        d.context = format!("{mode} SLOTD_DIFF_SEED={seed}, final state");
    }
}

/// The three standard random runs of a family as tests: `$differ(shards)`
/// builds the [`Differ`], `$run(&mut differ, pipelined)` sends the stream;
/// one shard, two shards, and two shards pipelined.
#[macro_export]
macro_rules! differential_runs {
    ($differ:path, $run:path, $one:ident, $two:ident, $pipelined:ident) => {
        #[test]
        fn $one() {
            let mut d = $differ(1);
            $run(&mut d, false);
            d.finish();
        }

        #[test]
        fn $two() {
            let mut d = $differ(2);
            $run(&mut d, false);
            d.finish();
        }

        #[test]
        fn $pipelined() {
            let mut d = $differ(2);
            $run(&mut d, true);
            d.finish();
        }
    };
}
