//! The command table: every command slotd knows, looked up by name.
//!
//! Families declare their specs in `crate::cmd`; this module indexes them once
//! by lower-case name (and subcommands by container and name).

use ahash::AHashMap as HashMap;
use std::sync::OnceLock;

use super::args::Args;
use super::spec::CommandSpec;

struct Table {
    by_name: HashMap<&'static str, &'static CommandSpec>,
    all: Vec<&'static CommandSpec>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut by_name = HashMap::new();
        let mut all = Vec::new();
        for family in crate::cmd::FAMILIES {
            for spec in family.iter() {
                assert!(
                    spec.name.bytes().all(|c| !c.is_ascii_uppercase()),
                    "command names are lower case: {}",
                    spec.name
                );
                let prev = by_name.insert(spec.name, spec);
                assert!(prev.is_none(), "command {} declared twice", spec.name);
                all.push(spec);
            }
        }
        Table { by_name, all }
    })
}

/// The spec of command `name` (any case).
#[inline]
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    let mut lower = [0u8; 32];
    if name.len() > lower.len() {
        return None;
    }
    for (d, s) in lower.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(&lower[..name.len()]).ok()?;
    table().by_name.get(lower).copied()
}

/// The subcommand `sub` (any case) of container command `spec`.
pub fn lookup_sub(spec: &'static CommandSpec, sub: &[u8]) -> Option<&'static CommandSpec> {
    spec.subcommands.iter().find(|s| s.short_name().as_bytes().eq_ignore_ascii_case(sub))
}

/// The command a request names, as Redis's `lookupCommand` finds it: the
/// subcommand of a container (`None` if it has no such subcommand), or the
/// command itself when it has no subcommands or no second argument.
pub fn lookup_args(args: &Args<'_>) -> Option<&'static CommandSpec> {
    let base = lookup(args.get(0))?;
    if args.len() == 1 || base.subcommands.is_empty() {
        Some(base)
    } else {
        lookup_sub(base, args.get(1))
    }
}

/// The command or subcommand of full name `name` (`get`, `client|list`, any case).
pub fn lookup_full(name: &[u8]) -> Option<&'static CommandSpec> {
    let mut parts = name.split(|&b| b == b'|');
    let base = lookup(parts.next()?)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(base),
        (Some(sub), None) => lookup_sub(base, sub),
        _ => None,
    }
}

/// Every top-level command.
pub fn all() -> &'static [&'static CommandSpec] {
    &table().all
}
