//! Command arguments: borrowed from the read buffer, or owned for a hop between shards.

use crate::resp::parse::{arg_bytes, Span};

/// The arguments of one command (`args.get(0)` is the command name), as byte
/// ranges of a buffer. Cheap to copy; nothing is copied out of the buffer.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    buf: &'a [u8],
    scratch: &'a [u8],
    spans: &'a [Span],
}

impl<'a> Args<'a> {
    /// Arguments at `spans` of `buf` (and of `scratch` for unescaped inline words).
    pub fn new(buf: &'a [u8], scratch: &'a [u8], spans: &'a [Span]) -> Self {
        Args { buf, scratch, spans }
    }

    /// Number of arguments, the command name included.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no arguments (never for a parsed command).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Argument `i`. Panics when out of range: arity is checked before execution.
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        arg_bytes(self.buf, self.scratch, self.spans[i])
    }

    /// Iterates over all arguments.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.spans.iter().map(|&s| arg_bytes(self.buf, self.scratch, s))
    }

    /// True when argument `i` equals `word`, ignoring ASCII case.
    #[inline]
    pub fn is(&self, i: usize, word: &str) -> bool {
        self.get(i).eq_ignore_ascii_case(word.as_bytes())
    }

    /// The arguments from index `from` on, as a command of their own (the
    /// command nested in `COMMAND GETKEYS get key`).
    pub fn tail(&self, from: usize) -> Args<'a> {
        Args {
            buf: self.buf,
            scratch: self.scratch,
            spans: &self.spans[from.min(self.spans.len())..],
        }
    }

    /// Copies the arguments into an owned command.
    pub fn to_owned_cmd(&self) -> OwnedCmd {
        let mut c = OwnedCmd::with_capacity(self.len(), self.iter().map(|a| a.len()).sum());
        for a in self.iter() {
            c.push(a);
        }
        c
    }
}

/// A command with owned arguments, for messages between shards.
#[derive(Clone, Debug, Default)]
pub struct OwnedCmd {
    data: Vec<u8>,
    spans: Vec<Span>,
}

impl OwnedCmd {
    /// An empty command with room for `args` arguments of `bytes` bytes in all.
    pub fn with_capacity(args: usize, bytes: usize) -> Self {
        OwnedCmd { data: Vec::with_capacity(bytes), spans: Vec::with_capacity(args) }
    }

    /// A command made of `parts`.
    pub fn from_parts<'b>(parts: impl IntoIterator<Item = &'b [u8]>) -> Self {
        let mut c = OwnedCmd::default();
        for p in parts {
            c.push(p);
        }
        c
    }

    /// Appends an argument.
    pub fn push(&mut self, arg: &[u8]) {
        let start = self.data.len() as u32;
        self.data.extend_from_slice(arg);
        self.spans.push((start, self.data.len() as u32));
    }

    /// The arguments.
    pub fn args(&self) -> Args<'_> {
        Args::new(&self.data, &[], &self.spans)
    }
}
