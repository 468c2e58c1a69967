//! Invariant checks for the request parser, shared by the property test below
//! (stable Rust, runs in `cargo test -p engine`) and the cargo-fuzz target in
//! `engine/fuzz/` (built with the `fuzzing` feature).
//!
//! [`drive`] feeds a byte stream to [`parse_request`] in reads of a given size,
//! the way the connection does (parse every complete frame, drop the consumed
//! bytes, read more on `Incomplete`, stop at the first protocol error), and
//! panics when an invariant breaks:
//! - `consumed` is positive and within the buffer; spans are ordered and inside
//!   the consumed frame (or inside the scratch buffer for unescaped arguments);
//! - a command has at least one argument, an empty frame none;
//! - the parser never looks past its frame: parsing exactly the consumed bytes
//!   gives the same outcome and arguments;
//! - once a buffer was `Incomplete`, the frame that later completes is longer
//!   than that buffer.
//!
//! [`check_bytes`] also checks that reads of one byte and one read of the whole
//! stream yield the same commands (unless a "too big" limit, which depends on
//! how much was read at once, was hit).

use super::parse::{arg_bytes, parse_request, ParseLimits, Parsed, ProtoError, Span};

/// What the connection would have seen for one stream.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Every command parsed, as owned argument lists.
    pub commands: Vec<Vec<Vec<u8>>>,
    /// The protocol error that ended the stream, if any.
    pub error: Option<ProtoError>,
    /// Bytes left unparsed at the end (an incomplete frame), or 0 after an error.
    pub pending_bytes: usize,
}

/// Whether `e` depends on how many bytes were buffered at once.
fn is_size_error(e: ProtoError) -> bool {
    matches!(
        e,
        ProtoError::TooBigInline | ProtoError::TooBigMbulkCount | ProtoError::TooBigBulkCount
    )
}

/// The arguments of the command just parsed from `frame`, checking every span.
fn checked_args(frame: &[u8], scratch: &[u8], spans: &[Span]) -> Vec<Vec<u8>> {
    const SCRATCH_BIT: u32 = 1 << 31;
    spans
        .iter()
        .map(|&(start, end)| {
            let in_scratch = start & SCRATCH_BIT != 0;
            assert_eq!(
                in_scratch,
                end & SCRATCH_BIT != 0,
                "span halves disagree: {start:#x}..{end:#x}"
            );
            let (s, e) = ((start & !SCRATCH_BIT) as usize, (end & !SCRATCH_BIT) as usize);
            let bound = if in_scratch { scratch.len() } else { frame.len() };
            assert!(
                s <= e && e <= bound,
                "span {s}..{e} outside 0..{bound} (scratch: {in_scratch})"
            );
            arg_bytes(frame, scratch, (start, end)).to_vec()
        })
        .collect()
}

/// Feeds `stream` in reads of `chunk_bytes` (at least 1), checking the
/// invariants listed in the module doc, and returns what was parsed.
pub fn drive(stream: &[u8], chunk_bytes: usize, limits: &ParseLimits) -> Outcome {
    let chunk_bytes = chunk_bytes.max(1);
    let (mut spans, mut scratch) = (Vec::new(), Vec::new());
    let (mut respans, mut rescratch) = (Vec::new(), Vec::new());
    let mut commands = Vec::new();
    let (mut start, mut end) = (0usize, 0usize);
    // Length of the buffer when the parser last said Incomplete.
    let mut incomplete_at = 0usize;
    loop {
        let buf = &stream[start..end];
        match parse_request(buf, limits, &mut spans, &mut scratch) {
            Ok(Parsed::Incomplete) => {
                incomplete_at = buf.len();
                if end == stream.len() {
                    return Outcome { commands, error: None, pending_bytes: buf.len() };
                }
                end = (end + chunk_bytes).min(stream.len());
            }
            Ok(parsed) => {
                let (consumed, is_command) = match parsed {
                    Parsed::Command { consumed } => (consumed, true),
                    Parsed::Empty { consumed } => (consumed, false),
                    Parsed::Incomplete => unreachable!(),
                };
                assert!(
                    consumed > 0 && consumed <= buf.len(),
                    "consumed {consumed} of {}",
                    buf.len()
                );
                assert!(
                    consumed > incomplete_at,
                    "frame of {consumed} bytes was Incomplete at {incomplete_at}"
                );
                assert_eq!(is_command, !spans.is_empty(), "{parsed:?} with {} spans", spans.len());
                let frame = &buf[..consumed];
                let args = checked_args(frame, &scratch, &spans);
                let again = parse_request(frame, limits, &mut respans, &mut rescratch);
                assert_eq!(again, Ok(parsed), "parser looked past its frame");
                assert_eq!(checked_args(frame, &rescratch, &respans), args);
                if is_command {
                    commands.push(args);
                }
                start += consumed;
                incomplete_at = 0;
            }
            Err(e) => return Outcome { commands, error: Some(e), pending_bytes: 0 },
        }
    }
}

/// Limits small enough for short inputs to reach every error: chosen by `sel`.
pub fn limits_for(sel: u8) -> ParseLimits {
    let small = ParseLimits {
        max_bulk_len_bytes: 64,
        max_inline_bytes: 32,
        max_multibulk_count: 16,
        unauthenticated: false,
    };
    match sel % 4 {
        0 => ParseLimits::default(),
        1 => ParseLimits { unauthenticated: true, ..ParseLimits::default() },
        2 => small,
        _ => ParseLimits { unauthenticated: true, ..small },
    }
}

/// The fuzz entry point: the first byte picks the limits and the read size,
/// the rest is the stream. Runs [`drive`] with that read size, with reads of
/// one byte and with a single read, and checks that they agree.
pub fn check_bytes(data: &[u8]) {
    let Some((&sel, stream)) = data.split_first() else {
        return;
    };
    let limits = limits_for(sel);
    let chunk_bytes = 1 + (sel >> 2) as usize;
    let whole = drive(stream, stream.len(), &limits);
    for chunked in [drive(stream, chunk_bytes, &limits), drive(stream, 1, &limits)] {
        let size_error = [whole.error, chunked.error].into_iter().flatten().any(is_size_error);
        if size_error {
            let n = whole.commands.len().min(chunked.commands.len());
            assert_eq!(whole.commands[..n], chunked.commands[..n]);
        } else {
            assert_eq!(whole, chunked);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64: a tiny deterministic generator, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    /// Bytes that steer the parser: frame markers, line ends, quotes, escapes.
    const INTERESTING: &[u8] = b"*$\r\n\0\"'\\ \t\x0b\x0cx-0123456789";

    fn random_arg(rng: &mut Rng) -> Vec<u8> {
        let len = *rng.pick(&[0usize, 1, 3, 8, 40]);
        (0..len)
            .map(|_| if rng.below(2) == 0 { *rng.pick(INTERESTING) } else { rng.next() as u8 })
            .collect()
    }

    fn multibulk(args: &[Vec<u8>]) -> Vec<u8> {
        crate::resp::request::encode_request(args)
    }

    /// An inline line for `args`, each double-quoted with `\xHH` escapes.
    fn inline(args: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for a in args {
            out.push(b'"');
            for &b in a {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
            out.extend_from_slice(b"\" ");
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    fn random_command(rng: &mut Rng) -> Vec<Vec<u8>> {
        let argc = 1 + rng.below(4);
        (0..argc).map(|_| random_arg(rng)).collect()
    }

    fn mutate(rng: &mut Rng, stream: &mut Vec<u8>) {
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(stream.len() + 1);
            match rng.below(5) {
                0 if at < stream.len() => stream[at] = *rng.pick(INTERESTING),
                1 if at < stream.len() => stream[at] = rng.next() as u8,
                2 => stream.insert(at, *rng.pick(INTERESTING)),
                3 if at < stream.len() => {
                    stream.remove(at);
                }
                _ => stream.truncate(at),
            }
        }
    }

    #[test]
    fn valid_streams_round_trip_at_any_read_size() {
        let mut rng = Rng(7);
        for _ in 0..20_000 {
            let cmds: Vec<_> = (0..1 + rng.below(4)).map(|_| random_command(&mut rng)).collect();
            let mut stream = Vec::new();
            for c in &cmds {
                stream.extend(if rng.below(3) == 0 { inline(c) } else { multibulk(c) });
            }
            let chunk = 1 + rng.below(16);
            let got = drive(&stream, chunk, &ParseLimits::default());
            assert_eq!(got, Outcome { commands: cmds, error: None, pending_bytes: 0 });
        }
    }

    #[test]
    fn mutated_and_random_streams_keep_invariants() {
        let mut rng = Rng(42);
        for i in 0..200_000 {
            let mut data = vec![rng.next() as u8];
            if i % 4 == 0 {
                data.extend((0..rng.below(48)).map(|_| *rng.pick(INTERESTING)));
            } else {
                for _ in 0..1 + rng.below(3) {
                    let c = random_command(&mut rng);
                    data.extend(if rng.below(3) == 0 { inline(&c) } else { multibulk(&c) });
                }
                mutate(&mut rng, &mut data);
            }
            check_bytes(&data);
        }
    }
}
