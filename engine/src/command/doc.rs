//! Command documentation, as `COMMAND DOCS` reports it: summary, group, history
//! and the argument syntax that redis-cli turns into its inline hints.

/// Documentation flags.
pub mod doc_flags {
    /// The command is deprecated (see `deprecated_since` and `replaced_by`).
    pub const DEPRECATED: u32 = 1 << 0;
    /// A system command, not meant to be called by users.
    pub const SYSCMD: u32 = 1 << 1;

    /// Flag names in the order Redis prints them.
    pub const NAMES: &[(u32, &str)] = &[(DEPRECATED, "deprecated"), (SYSCMD, "syscmd")];
}

/// Argument flags.
pub mod arg_flags {
    /// The argument may be left out.
    pub const OPTIONAL: u32 = 1 << 0;
    /// The argument may be repeated.
    pub const MULTIPLE: u32 = 1 << 1;
    /// The argument's token is repeated with each repetition.
    pub const MULTIPLE_TOKEN: u32 = 1 << 2;

    /// Flag names in the order Redis prints them.
    pub const NAMES: &[(u32, &str)] =
        &[(OPTIONAL, "optional"), (MULTIPLE, "multiple"), (MULTIPLE_TOKEN, "multiple_token")];
}

/// What an argument is.
#[derive(Clone, Copy, Debug)]
pub enum ArgKind {
    String,
    Integer,
    Double,
    /// A key name, described by the command's key spec at this index.
    Key(u32),
    Pattern,
    UnixTime,
    /// Just the token itself.
    PureToken,
    /// Exactly one of the sub-arguments.
    OneOf(&'static [Arg]),
    /// The sub-arguments in sequence.
    Block(&'static [Arg]),
}

impl ArgKind {
    /// The type name `COMMAND DOCS` shows.
    pub fn type_name(&self) -> &'static str {
        match self {
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Key(_) => "key",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::OneOf(_) => "oneof",
            ArgKind::Block(_) => "block",
        }
    }
}

/// One argument of a command's syntax.
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    /// The literal word that introduces the argument (`EX`), or empty.
    pub token: &'static str,
    /// The version that added the argument, or empty.
    pub since: &'static str,
    /// The version that deprecated the argument, or empty.
    pub deprecated_since: &'static str,
    /// Bit set of [`arg_flags`].
    pub flags: u32,
}

/// Builders, usable in `const` tables: `Arg::integer("seconds").token("EX").optional()`.
impl Arg {
    const fn new(name: &'static str, kind: ArgKind) -> Arg {
        Arg { name, kind, token: "", since: "", deprecated_since: "", flags: 0 }
    }
    /// A string argument.
    pub const fn string(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::String)
    }
    /// An integer argument.
    pub const fn integer(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::Integer)
    }
    /// A floating point argument.
    pub const fn double(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::Double)
    }
    /// A key, described by key spec `key_spec_index`.
    pub const fn key(name: &'static str, key_spec_index: u32) -> Arg {
        Arg::new(name, ArgKind::Key(key_spec_index))
    }
    /// A glob-style pattern.
    pub const fn pattern(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::Pattern)
    }
    /// A Unix time.
    pub const fn unix_time(name: &'static str) -> Arg {
        Arg::new(name, ArgKind::UnixTime)
    }
    /// A bare keyword.
    pub const fn pure_token(name: &'static str, token: &'static str) -> Arg {
        Arg::new(name, ArgKind::PureToken).token(token)
    }
    /// One of `args`.
    pub const fn oneof(name: &'static str, args: &'static [Arg]) -> Arg {
        Arg::new(name, ArgKind::OneOf(args))
    }
    /// All of `args`, in order.
    pub const fn block(name: &'static str, args: &'static [Arg]) -> Arg {
        Arg::new(name, ArgKind::Block(args))
    }
    /// Sets the introducing token.
    pub const fn token(mut self, token: &'static str) -> Arg {
        self.token = token;
        self
    }
    /// Sets the version that added the argument.
    pub const fn since(mut self, since: &'static str) -> Arg {
        self.since = since;
        self
    }
    /// Sets the version that deprecated the argument.
    pub const fn deprecated_since(mut self, since: &'static str) -> Arg {
        self.deprecated_since = since;
        self
    }
    /// Marks the argument optional.
    pub const fn optional(mut self) -> Arg {
        self.flags |= arg_flags::OPTIONAL;
        self
    }
    /// Marks the argument repeatable.
    pub const fn multiple(mut self) -> Arg {
        self.flags |= arg_flags::MULTIPLE;
        self
    }
    /// Marks the argument's token as repeated with each repetition.
    pub const fn multiple_token(mut self) -> Arg {
        self.flags |= arg_flags::MULTIPLE_TOKEN;
        self
    }
}

/// Documentation shown by `COMMAND DOCS`.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    /// Time complexity, or empty.
    pub complexity: &'static str,
    /// Bit set of [`doc_flags`].
    pub flags: u32,
    /// For a deprecated command: the version that deprecated it, or empty.
    pub deprecated_since: &'static str,
    /// For a deprecated command: what to use instead, or empty.
    pub replaced_by: &'static str,
    /// Changes by version: (version, what changed).
    pub history: &'static [(&'static str, &'static str)],
    /// The argument syntax; empty when the command takes no arguments (or
    /// they are not described).
    pub args: &'static [Arg],
}

impl Doc {
    /// Documentation with a summary and nothing else yet.
    pub const fn new(
        group: &'static str,
        since: &'static str,
        summary: &'static str,
        complexity: &'static str,
    ) -> Doc {
        Doc {
            summary,
            since,
            group,
            complexity,
            flags: 0,
            deprecated_since: "",
            replaced_by: "",
            history: &[],
            args: &[],
        }
    }
}
