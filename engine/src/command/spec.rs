//! What the command table says about a command: arity, flags, keys, routing, docs.
//!
//! The node uses a spec to check arity, find the keys (and so the slot and the
//! shard), decide how a command that spans shards is split, and to answer
//! `COMMAND`. Each command family declares its own specs next to its code.

use super::args::Args;
use super::blocking::BlockingOps;
use super::doc::{doc_flags, Arg, Doc};
use super::key_spec::{key_flags, KeySpec, KeySpecs};
use super::Ctx;

/// Flags, as `COMMAND INFO` reports them.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const ASKING: u32 = 1 << 11;
    pub const FAST: u32 = 1 << 12;
    pub const NO_AUTH: u32 = 1 << 13;
    pub const MAY_REPLICATE: u32 = 1 << 14;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 15;
    pub const NO_MULTI: u32 = 1 << 16;
    pub const MOVABLEKEYS: u32 = 1 << 17;
    pub const ALLOW_BUSY: u32 = 1 << 18;
    pub const NO_ASYNC_LOADING: u32 = 1 << 19;

    /// Flag names in the order Redis prints them. `may_replicate` is not
    /// printed (Redis hides it).
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLEKEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// A command implemented over a shard's keyspace.
pub type KeyspaceFn = fn(&mut Ctx<'_>, &Args<'_>);

/// Who executes a command.
#[derive(Clone, Copy)]
pub enum Exec {
    /// A function of the engine, run on the shard that owns the keys.
    Keyspace(KeyspaceFn),
    /// Connection and server commands, implemented by the node.
    Node,
}

/// How replies of a command cut into per-shard parts are put back together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    /// Integer replies are summed (DEL, EXISTS, UNLINK, TOUCH, DBSIZE).
    SumInt,
    /// Every part replies `+OK`; so does the whole (MSET, FLUSHALL).
    AllOk,
    /// Each part replies an array with one element per key; the whole is an array
    /// in the order of the original keys (MGET).
    ArrayByKey,
    /// Array replies are concatenated (KEYS).
    Concat,
    /// Each part replies a key or null; one non-null part is picked at random
    /// (RANDOMKEY).
    RandomNonNull,
}

/// How the node routes a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Handled by the node on the connection's shard (no keyspace access).
    Node,
    /// Executed where its keys live. If its keys are on several shards it is cut
    /// into per-shard commands (`Some`) or handled specially by the node (`None`).
    Keys(Option<Combine>),
    /// Executed on every shard, replies combined.
    AllShards(Combine),
}

/// Where a command's keys are among its arguments, as Redis's legacy
/// (first, last, step) triple: `last` < 0 counts from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRange {
    pub first: i32,
    pub last: i32,
    pub step: i32,
}

impl KeyRange {
    /// No keys.
    pub const NONE: KeyRange = KeyRange { first: 0, last: 0, step: 0 };
    /// One key, the first argument.
    pub const FIRST: KeyRange = KeyRange { first: 1, last: 1, step: 1 };

    /// Positions of the keys in a command of `argc` arguments.
    pub fn positions(&self, argc: usize) -> std::iter::StepBy<std::ops::Range<usize>> {
        let (first, step) = (self.first.max(0) as usize, self.step.max(1) as usize);
        let last = if self.first <= 0 {
            0
        } else if self.last < 0 {
            (argc as i64 + self.last as i64).max(0) as usize
        } else {
            (self.last as usize).min(argc.saturating_sub(1))
        };
        let end = if self.first <= 0 { 0 } else { last + 1 };
        (first..end).step_by(step)
    }
}

/// Where a command's keys are: see [`CommandSpec::key_positions`].
pub enum KeyPositions {
    /// Every `step`-th argument of the legacy range.
    Range(std::iter::StepBy<std::ops::Range<usize>>),
    /// Found by the key specs.
    Found(std::vec::IntoIter<super::key_spec::KeyRef>),
}

impl Iterator for KeyPositions {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            KeyPositions::Range(r) => r.next(),
            KeyPositions::Found(f) => f.next().map(|k| k.pos),
        }
    }
}

/// One entry of the command table.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// Lower-case name (`get`, `client|list` for a subcommand's full name).
    pub name: &'static str,
    /// Redis arity: exact count if positive, minimum count if negative.
    pub arity: i32,
    /// Bit set of [`flags`].
    pub flags: u32,
    /// ACL categories without the `@`.
    pub acl: &'static [&'static str],
    /// Where the keys are, as the legacy (first, last, step) triple.
    pub keys: KeyRange,
    /// Where the keys are and what the command does to them (Redis 7 key specs).
    /// By default one spec covering `keys`, flagged from READONLY/WRITE.
    pub key_specs: KeySpecs,
    /// Hints for clients and proxies (`request_policy:all_shards` ...).
    pub tips: &'static [&'static str],
    /// Who executes it.
    pub exec: Exec,
    /// How it is routed.
    pub route: Route,
    /// Documentation.
    pub doc: Doc,
    /// Subcommands (CLIENT LIST, OBJECT ENCODING ...); empty for plain commands.
    pub subcommands: &'static [CommandSpec],
    /// How the command blocks, for commands flagged [`flags::BLOCKING`].
    pub blocking: Option<&'static BlockingOps>,
    /// Finds the keys when the key specs cannot (a spec of unknown kind, as
    /// SORT's STORE): Redis's `getkeys_proc`.
    pub get_keys: Option<GetKeysFn>,
}

/// A command's own key finder (see [`CommandSpec::get_keys`]); None for
/// arguments it cannot make sense of.
pub type GetKeysFn = fn(&Args<'_>) -> Option<Vec<super::key_spec::KeyRef>>;

impl CommandSpec {
    /// True when `argc` arguments satisfy the arity.
    #[inline]
    pub fn arity_ok(&self, argc: usize) -> bool {
        if self.arity >= 0 {
            argc == self.arity as usize
        } else {
            argc >= (-self.arity) as usize
        }
    }

    /// True when the command has flag `f`.
    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Argument positions of the command's keys in `args`: the legacy range, or
    /// for a movable-keys command what its key specs find. A movable-keys
    /// command whose specs reject the arguments (a bad key count) has no keys:
    /// it runs where it is and replies its own error.
    pub fn key_positions(&self, args: &Args<'_>) -> KeyPositions {
        if !self.has(flags::MOVABLEKEYS) {
            return KeyPositions::Range(self.keys.positions(args.len()));
        }
        KeyPositions::Found(self.find_keys(args).unwrap_or_default().into_iter())
    }

    /// The keys of a movable-keys command as Redis's
    /// `getKeysFromCommandWithSpecs` finds them: by the key specs, or by the
    /// command's own finder when the specs cannot tell (None: invalid).
    pub fn find_keys(&self, args: &Args<'_>) -> Option<Vec<super::key_spec::KeyRef>> {
        super::key_spec::find_keys(self.key_specs.as_slice(), args)
            .or_else(|| self.get_keys.and_then(|f| f(args)))
    }

    /// The name without the container (`list` for `client|list`).
    pub fn short_name(&self) -> &'static str {
        self.name.rsplit('|').next().unwrap_or(self.name)
    }
}

/// Builders, usable in `const` tables: start with [`CommandSpec::keyspace`] or
/// [`CommandSpec::node`], then set docs, ACL categories, routing, subcommands.
impl CommandSpec {
    /// A command executed by `f` over the keyspace, keys at `keys`. Routed to the
    /// shard of its keys; not split across shards unless [`Self::split`] says how.
    pub const fn keyspace(
        name: &'static str,
        arity: i32,
        flags: u32,
        keys: KeyRange,
        f: KeyspaceFn,
    ) -> CommandSpec {
        CommandSpec {
            name,
            arity,
            flags,
            acl: &[],
            keys,
            key_specs: legacy_key_spec(keys, flags),
            tips: &[],
            exec: Exec::Keyspace(f),
            // A movable-keys command has no legacy range (SINTERCARD ...): its
            // key specs find the keys.
            route: if keys.first > 0 || flags & flags::MOVABLEKEYS != 0 {
                Route::Keys(None)
            } else {
                Route::AllShards(Combine::AllOk)
            },
            doc: Doc::new("generic", "1.0.0", "", ""),
            subcommands: &[],
            blocking: None,
            get_keys: None,
        }
    }

    /// A connection or server command implemented by the node.
    pub const fn node(name: &'static str, arity: i32, flags: u32) -> CommandSpec {
        CommandSpec {
            name,
            arity,
            flags,
            acl: &[],
            keys: KeyRange::NONE,
            key_specs: KeySpecs::NONE,
            tips: &[],
            exec: Exec::Node,
            route: Route::Node,
            doc: Doc::new("server", "1.0.0", "", ""),
            subcommands: &[],
            blocking: None,
            get_keys: None,
        }
    }

    /// Says how the command blocks (see [`BlockingOps`]).
    pub const fn blocking(mut self, ops: &'static BlockingOps) -> CommandSpec {
        self.blocking = Some(ops);
        self
    }

    /// Sets the documentation.
    pub const fn doc(
        mut self,
        group: &'static str,
        since: &'static str,
        summary: &'static str,
        complexity: &'static str,
    ) -> CommandSpec {
        self.doc.summary = summary;
        self.doc.since = since;
        self.doc.group = group;
        self.doc.complexity = complexity;
        self
    }

    /// Sets the argument syntax shown by `COMMAND DOCS` (and redis-cli hints).
    pub const fn args(mut self, args: &'static [Arg]) -> CommandSpec {
        self.doc.args = args;
        self
    }

    /// Sets the history shown by `COMMAND DOCS`: (version, what changed).
    pub const fn history(
        mut self,
        history: &'static [(&'static str, &'static str)],
    ) -> CommandSpec {
        self.doc.history = history;
        self
    }

    /// Marks the command deprecated since version `since`, replaced by `replaced_by`.
    pub const fn deprecated(
        mut self,
        since: &'static str,
        replaced_by: &'static str,
    ) -> CommandSpec {
        self.doc.flags |= doc_flags::DEPRECATED;
        self.doc.deprecated_since = since;
        self.doc.replaced_by = replaced_by;
        self
    }

    /// Keys found by `specs` from a key count (ZUNION, SINTERCARD, LMPOP ...):
    /// flagged `movablekeys` as Redis shows it, and routed by the keys the
    /// specs find (see [`CommandSpec::key_positions`]).
    pub const fn movable_keys(mut self, specs: &'static [KeySpec]) -> CommandSpec {
        self = self.key_specs(specs);
        self.flags |= flags::MOVABLEKEYS;
        self.route = Route::Keys(None);
        self
    }

    /// Keys found by the command's own `finder` where its key specs say
    /// `unknown` (SORT): flagged `movablekeys` and routed by what it finds.
    pub const fn own_keys(mut self, specs: &'static [KeySpec], finder: GetKeysFn) -> CommandSpec {
        self = self.movable_keys(specs);
        self.get_keys = Some(finder);
        self
    }

    /// The legacy key range `COMMAND INFO` shows for a command whose keys its
    /// key specs (or finder) give (MIGRATE).
    pub const fn legacy_keys(mut self, keys: KeyRange) -> CommandSpec {
        self.keys = keys;
        self
    }

    /// Marks the command a system command (not meant for users).
    pub const fn syscmd(mut self) -> CommandSpec {
        self.doc.flags |= doc_flags::SYSCMD;
        self
    }

    /// Sets the client hints (`nondeterministic_output`, `request_policy:...`).
    pub const fn tips(mut self, tips: &'static [&'static str]) -> CommandSpec {
        self.tips = tips;
        self
    }

    /// Sets the [`key_flags`] of the key spec derived from the key range
    /// (`RW | ACCESS | DELETE` ...).
    pub const fn key_flags(mut self, flags: u32) -> CommandSpec {
        if let KeySpecs::One(ref mut spec) = self.key_specs {
            spec.flags = flags;
        }
        self
    }

    /// Sets the notes of the key spec derived from the key range.
    pub const fn key_notes(mut self, notes: &'static str) -> CommandSpec {
        if let KeySpecs::One(ref mut spec) = self.key_specs {
            spec.notes = notes;
        }
        self
    }

    /// Replaces the key specs (for commands with several, or with keys found
    /// by keyword or by a key count).
    pub const fn key_specs(mut self, specs: &'static [KeySpec]) -> CommandSpec {
        self.key_specs = KeySpecs::Many(specs);
        self
    }

    /// Sets the ACL categories besides those implied by flags (`keyspace`, `string` ...).
    pub const fn acl(mut self, acl: &'static [&'static str]) -> CommandSpec {
        self.acl = acl;
        self
    }

    /// Lets the command be cut into per-shard parts whose replies `combine` merges.
    pub const fn split(mut self, combine: Combine) -> CommandSpec {
        self.route = Route::Keys(Some(combine));
        self
    }

    /// Runs the command on every shard, replies merged by `combine`.
    pub const fn all_shards(mut self, combine: Combine) -> CommandSpec {
        self.route = Route::AllShards(combine);
        self
    }

    /// Sets the subcommands.
    pub const fn subs(mut self, subcommands: &'static [CommandSpec]) -> CommandSpec {
        self.subcommands = subcommands;
        self
    }
}

/// The key spec equivalent to a legacy key range, flagged `RO | ACCESS` for
/// read-only commands and `RW | UPDATE` for the others.
const fn legacy_key_spec(keys: KeyRange, cmd_flags: u32) -> KeySpecs {
    if keys.first <= 0 {
        return KeySpecs::NONE;
    }
    let key_flags = if cmd_flags & flags::READONLY != 0 {
        key_flags::RO | key_flags::ACCESS
    } else {
        key_flags::RW | key_flags::UPDATE
    };
    let lastkey = if keys.last < 0 { keys.last } else { keys.last - keys.first };
    KeySpecs::One(KeySpec::range(keys.first, lastkey, keys.step, key_flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_positions() {
        let mset = KeyRange { first: 1, last: -1, step: 2 };
        assert_eq!(mset.positions(5).collect::<Vec<_>>(), vec![1, 3]);
        let del = KeyRange { first: 1, last: -1, step: 1 };
        assert_eq!(del.positions(4).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(KeyRange::NONE.positions(3).count(), 0);
        assert_eq!(KeyRange::FIRST.positions(3).collect::<Vec<_>>(), vec![1]);
        let rename = KeyRange { first: 1, last: 2, step: 1 };
        assert_eq!(rename.positions(3).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn movable_key_positions() {
        use super::super::key_spec::BeginSearch;
        use crate::command::OwnedCmd;
        fn nop(_: &mut Ctx<'_>, _: &Args<'_>) {}
        const SPECS: &[KeySpec] = &[
            KeySpec::range(1, 0, 1, key_flags::OW),
            KeySpec::keynum(BeginSearch::Index(2), 0, 1, 1, key_flags::RO),
        ];
        let store = CommandSpec::keyspace(
            "zunionstore",
            -4,
            flags::WRITE | flags::MOVABLEKEYS,
            KeyRange::FIRST,
            nop,
        )
        .key_specs(SPECS);
        let at = |line: &str| {
            let cmd = OwnedCmd::from_parts(line.split(' ').map(str::as_bytes));
            store.key_positions(&cmd.args()).collect::<Vec<_>>()
        };
        assert_eq!(at("zunionstore d 2 a b weights 1 2"), vec![1, 3, 4]);
        // A bad count finds no keys: the command runs locally and replies its error.
        assert_eq!(at("zunionstore d 3 a b"), Vec::<usize>::new());
    }
}
