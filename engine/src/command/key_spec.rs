//! Redis 7 key specs: where a command's keys are and what it does to them.
//!
//! A key spec is a two-step search, as `COMMAND INFO` reports it: `begin_search`
//! finds where the keys start (a fixed index, or just after a keyword), then
//! `find_keys` says how many there are (a range, or a count read from the
//! arguments). `COMMAND GETKEYS` and movable-key routing evaluate them with
//! [`find_keys`]. Most commands have one key range, derived from their legacy
//! [`KeyRange`](super::KeyRange); the others declare their specs explicitly.

use super::args::Args;

/// Key spec flags, as `COMMAND INFO` reports them.
pub mod key_flags {
    /// Read-only access to the value.
    pub const RO: u32 = 1 << 0;
    /// Read-write access to the value.
    pub const RW: u32 = 1 << 1;
    /// Overwrites the value without reading it.
    pub const OW: u32 = 1 << 2;
    /// Removes the key.
    pub const RM: u32 = 1 << 3;
    /// Returns, copies or uses user data from the value.
    pub const ACCESS: u32 = 1 << 4;
    /// Updates the value (or replaces it).
    pub const UPDATE: u32 = 1 << 5;
    /// Adds data to the value without touching what is there.
    pub const INSERT: u32 = 1 << 6;
    /// Deletes data from the value.
    pub const DELETE: u32 = 1 << 7;
    /// The argument is not really a key (it only hashes to a slot).
    pub const NOT_KEY: u32 = 1 << 8;
    /// The spec may miss some keys.
    pub const INCOMPLETE: u32 = 1 << 9;
    /// The flags depend on other arguments.
    pub const VARIABLE_FLAGS: u32 = 1 << 10;

    /// Flag names in the order Redis prints them.
    pub const NAMES: &[(u32, &str)] = &[
        (RO, "RO"),
        (RW, "RW"),
        (OW, "OW"),
        (RM, "RM"),
        (ACCESS, "access"),
        (UPDATE, "update"),
        (INSERT, "insert"),
        (DELETE, "delete"),
        (NOT_KEY, "not_key"),
        (INCOMPLETE, "incomplete"),
        (VARIABLE_FLAGS, "variable_flags"),
    ];
}

/// Where the search for keys begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BeginSearch {
    /// At a fixed argument index.
    Index(i32),
    /// Just after `keyword`, searched from `startfrom` (from the end if negative).
    Keyword { keyword: &'static str, startfrom: i32 },
    /// Nowhere the specs can say (SORT's STORE, BY and GET keys).
    Unknown,
}

/// How the keys are found from where the search began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys up to `lastkey` (relative to the first key; from the end if negative),
    /// every `keystep`; with a `limit`, only `1/limit` of the remaining arguments.
    Range { lastkey: i32, keystep: i32, limit: i32 },
    /// The count of keys is the argument at `keynumidx`; the first key is
    /// `firstkey` arguments after the search began.
    Keynum { keynumidx: i32, firstkey: i32, keystep: i32 },
    /// Unknown (with [`BeginSearch::Unknown`]).
    Unknown,
}

/// One key spec of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// Free text shown by `COMMAND INFO`, or empty.
    pub notes: &'static str,
    /// Bit set of [`key_flags`].
    pub flags: u32,
    pub begin: BeginSearch,
    pub find: FindKeys,
}

impl KeySpec {
    /// Keys from index `first` up to `lastkey` (relative to `first`, or from the
    /// end if negative) every `keystep`.
    pub const fn range(first: i32, lastkey: i32, keystep: i32, flags: u32) -> KeySpec {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Index(first),
            find: FindKeys::Range { lastkey, keystep, limit: 0 },
        }
    }

    /// Keys counted by the argument at `begin + keynumidx`, starting at `begin + firstkey`.
    pub const fn keynum(
        begin: BeginSearch,
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
        flags: u32,
    ) -> KeySpec {
        KeySpec { notes: "", flags, begin, find: FindKeys::Keynum { keynumidx, firstkey, keystep } }
    }

    /// Keys found after `keyword`, searched from `startfrom`.
    pub const fn keyword(
        keyword: &'static str,
        startfrom: i32,
        find: FindKeys,
        flags: u32,
    ) -> KeySpec {
        KeySpec { notes: "", flags, begin: BeginSearch::Keyword { keyword, startfrom }, find }
    }

    /// A key the specs cannot locate (Redis's `KSPEC_BS_UNKNOWN`): it makes
    /// [`find_keys`] give up, so the command's own finder runs.
    pub const fn unknown(flags: u32) -> KeySpec {
        KeySpec { notes: "", flags, begin: BeginSearch::Unknown, find: FindKeys::Unknown }
    }

    /// Sets the notes.
    pub const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = notes;
        self
    }

    /// True when the spec is a plain range from a fixed index (a legacy
    /// first/last/step triple can express it).
    pub const fn is_plain_range(&self) -> bool {
        matches!((self.begin, self.find), (BeginSearch::Index(_), FindKeys::Range { .. }))
    }
}

/// The key specs of a command: one derived from its legacy key range (the
/// common case, kept inline so `const` builders can compute it), or a list.
#[derive(Clone, Copy, Debug)]
pub enum KeySpecs {
    One(KeySpec),
    Many(&'static [KeySpec]),
}

impl KeySpecs {
    /// No key specs.
    pub const NONE: KeySpecs = KeySpecs::Many(&[]);

    /// The specs as a slice.
    pub fn as_slice(&self) -> &[KeySpec] {
        match self {
            KeySpecs::One(s) => std::slice::from_ref(s),
            KeySpecs::Many(s) => s,
        }
    }
}

/// A key found in a command: its argument index and the flags of its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRef {
    pub pos: usize,
    pub flags: u32,
}

/// Finds the keys of a command from its key specs, the way Redis's
/// `getKeysUsingKeySpecs` does: keyword specs whose keyword is absent are
/// skipped; a spec that points outside the arguments (or a bad key count) makes
/// the command invalid, `None`, and so does a spec of unknown kind. `NOT_KEY`
/// specs are skipped. An `INCOMPLETE` spec that applies makes the result `None`
/// too (the command's own finder decides, as Redis falls back to its getkeys proc).
pub fn find_keys(specs: &[KeySpec], args: &Args<'_>) -> Option<Vec<KeyRef>> {
    let argc = args.len() as i64;
    let mut keys = Vec::new();
    for spec in specs {
        if spec.flags & key_flags::NOT_KEY != 0 {
            continue;
        }
        let first = match spec.begin {
            BeginSearch::Index(i) => i as i64,
            BeginSearch::Keyword { keyword, startfrom } => {
                match find_keyword(args, keyword, startfrom) {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
            BeginSearch::Unknown => return None,
        };
        let (first, last, step) = match spec.find {
            FindKeys::Range { lastkey, keystep, limit } => {
                let last = if lastkey >= 0 {
                    first + lastkey as i64
                } else if limit == 0 {
                    argc + lastkey as i64
                } else {
                    first + ((argc - first) / limit as i64 + lastkey as i64)
                };
                (first, last, keystep)
            }
            FindKeys::Keynum { keynumidx, firstkey, keystep } => {
                let idx = first + keynumidx as i64;
                if idx < 0 || idx >= argc {
                    return None;
                }
                let n = crate::num::parse_i64_strict(args.get(idx as usize))?;
                if n < 0 {
                    return None;
                }
                let first = first + firstkey as i64;
                (first, first + n - 1, keystep)
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc || step <= 0 {
            return None;
        }
        if spec.flags & key_flags::INCOMPLETE != 0 {
            // It may miss keys: the command's own finder must tell.
            return None;
        }
        let mut i = first;
        while i <= last {
            keys.push(KeyRef { pos: i as usize, flags: spec.flags });
            i += step as i64;
        }
    }
    Some(keys)
}

/// Index of the argument equal to `keyword` (any case), searched from
/// `startfrom` forwards, or backwards from `argc + startfrom` when it is
/// negative. Like Redis, the search never looks at the last argument going
/// forwards, nor at argument 1 going backwards.
fn find_keyword(args: &Args<'_>, keyword: &str, startfrom: i32) -> Option<i64> {
    let argc = args.len() as i64;
    let hit = |i: &i64| args.is(*i as usize, keyword);
    if startfrom > 0 {
        (startfrom as i64..argc - 1).find(hit)
    } else {
        (2..=(argc + startfrom as i64).min(argc - 1)).rev().find(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::OwnedCmd;

    fn positions(specs: &[KeySpec], args: &str) -> Option<Vec<usize>> {
        let cmd = OwnedCmd::from_parts(args.split(' ').map(str::as_bytes));
        find_keys(specs, &cmd.args()).map(|keys| keys.iter().map(|k| k.pos).collect())
    }

    #[test]
    fn ranges() {
        let mset = [KeySpec::range(1, -1, 2, key_flags::OW)];
        assert_eq!(positions(&mset, "mset a 1 b 2"), Some(vec![1, 3]));
        let get = [KeySpec::range(1, 0, 1, key_flags::RO)];
        assert_eq!(positions(&get, "get a"), Some(vec![1]));
        assert_eq!(positions(&get, "get"), None);
        let smove =
            [KeySpec::range(1, 0, 1, key_flags::RW), KeySpec::range(2, 0, 1, key_flags::RW)];
        assert_eq!(positions(&smove, "smove a b m"), Some(vec![1, 2]));
    }

    #[test]
    fn keynum() {
        // EVAL script numkeys key ...: the count is at 2, keys start at 3.
        let eval = [KeySpec::keynum(BeginSearch::Index(2), 0, 1, 1, key_flags::RW)];
        assert_eq!(positions(&eval, "eval s 2 a b c"), Some(vec![3, 4]));
        assert_eq!(positions(&eval, "eval s 0"), None);
        assert_eq!(positions(&eval, "eval s 3 a b"), None);
        assert_eq!(positions(&eval, "eval s -1 a"), None);
        assert_eq!(positions(&eval, "eval s x a"), None);
    }

    #[test]
    fn keyword() {
        // XREAD ... STREAMS k1 k2 id1 id2: half of what follows STREAMS.
        let xread = [KeySpec::keyword(
            "STREAMS",
            1,
            FindKeys::Range { lastkey: -1, keystep: 1, limit: 2 },
            key_flags::RO,
        )];
        assert_eq!(positions(&xread, "xread count 1 streams a b 0 0"), Some(vec![4, 5]));
        assert_eq!(positions(&xread, "xread count 1"), Some(vec![]));
        // Searching backwards, as MIGRATE ... KEYS k1 k2 does.
        let migrate = [KeySpec::keyword(
            "KEYS",
            -2,
            FindKeys::Range { lastkey: -1, keystep: 1, limit: 0 },
            key_flags::RW,
        )];
        assert_eq!(positions(&migrate, "migrate h p  0 5 keys a b"), Some(vec![7, 8]));
    }
}
