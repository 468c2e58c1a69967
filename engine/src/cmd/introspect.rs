//! COMMAND and its subcommands: what clients learn about the command table.
//!
//! Cluster clients read `COMMAND` (or `COMMAND INFO`) for key positions, redis-cli
//! reads `COMMAND DOCS` for its help and inline hints, proxies read the tips and
//! key specs. Everything here is computed from the specs in `crate::cmd`; the
//! node executes COMMAND by calling [`command`]. Replies follow Redis 7.0.15
//! byte for byte, in RESP2 and RESP3 (sets for flags, maps for docs).

use crate::command::table::{self, lookup_args, lookup_full};
use crate::command::{
    arg_flags, doc_flags, flags, key_flags, Arg, ArgKind, Args, BeginSearch, CommandSpec, FindKeys,
    KeySpec,
};
use crate::glob::glob_match;
use crate::resp::Reply;

/// ACL categories in the order Redis prints them (without the `@`).
pub const ACL_CATEGORIES: &[&str] = &[
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// Bit of ACL category `name` (any case) in the sets [`acl_categories`] returns.
fn acl_category_bit(name: &[u8]) -> Option<u32> {
    ACL_CATEGORIES.iter().position(|c| c.as_bytes().eq_ignore_ascii_case(name)).map(|i| 1 << i)
}

/// The ACL categories of a command as a bit set over [`ACL_CATEGORIES`]: those
/// its spec declares plus those Redis derives from its flags (write, read,
/// admin + dangerous, pubsub, fast or else slow, blocking).
pub fn acl_categories(spec: &CommandSpec) -> u32 {
    let cat = |name: &str| acl_category_bit(name.as_bytes()).unwrap_or(0);
    let mut bits = spec.acl.iter().fold(0, |b, name| b | cat(name));
    let implied = [
        (flags::WRITE, "write"),
        (flags::ADMIN, "admin"),
        (flags::ADMIN, "dangerous"),
        (flags::PUBSUB, "pubsub"),
        (flags::FAST, "fast"),
        (flags::BLOCKING, "blocking"),
    ];
    for (flag, name) in implied {
        if spec.has(flag) {
            bits |= cat(name);
        }
    }
    // Scripting commands are not @read even when read-only.
    if spec.has(flags::READONLY) && bits & cat("scripting") == 0 {
        bits |= cat("read");
    }
    if bits & cat("fast") == 0 {
        bits |= cat("slow");
    }
    bits
}

/// The command flags `COMMAND INFO` shows: the declared ones, plus
/// `movablekeys` when the legacy key range cannot describe every key (a key
/// spec found by keyword or count, an incomplete one, or a stepped range among
/// several).
pub fn effective_flags(spec: &CommandSpec) -> u32 {
    let specs = spec.key_specs.as_slice();
    let movable = specs.iter().any(|s| {
        let stepped = matches!(s.find, FindKeys::Range { keystep, .. } if keystep != 1);
        !s.is_plain_range() || s.flags & key_flags::INCOMPLETE != 0 || (specs.len() > 1 && stepped)
    });
    spec.flags | if movable { flags::MOVABLEKEYS } else { 0 }
}

/// Executes COMMAND with any subcommand. The node has checked the arity of
/// the subcommand (`command|info` ...) and passes the whole request.
pub fn command(args: &Args<'_>, out: &mut Reply<'_>) {
    if args.len() == 1 {
        return info_all(out);
    }
    let sub = args.get(1);
    let is = |w: &str| sub.eq_ignore_ascii_case(w.as_bytes());
    if is("count") {
        out.int(table::all().len() as i64);
    } else if is("info") {
        info(args, out);
    } else if is("docs") {
        docs(args, out);
    } else if is("list") {
        list(args, out);
    } else if is("getkeys") {
        getkeys(args, out, false);
    } else if is("getkeysandflags") {
        getkeys(args, out, true);
    } else if is("help") {
        help_reply(args.get(0), COMMAND_HELP, out);
    } else {
        out.error(&format!(
            "ERR unknown subcommand '{}'. Try COMMAND HELP.",
            String::from_utf8_lossy(&sub[..sub.len().min(128)])
        ));
    }
}

const COMMAND_HELP: &[&str] = &[
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
];

/// The reply of a container's HELP subcommand (COMMAND HELP, CLIENT HELP ...):
/// a header naming `container` (as the client typed it, upper-cased), `lines`,
/// and the HELP entry itself, all simple strings.
pub fn help_reply(container: &[u8], lines: &[&str], out: &mut Reply<'_>) {
    out.array(lines.len() + 3);
    let name = String::from_utf8_lossy(container).to_ascii_uppercase();
    out.simple(&format!("{name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for line in lines {
        out.simple(line);
    }
    out.simple("HELP");
    out.simple("    Prints this help.");
}

/// COMMAND, COMMAND INFO without names: every top-level command.
fn info_all(out: &mut Reply<'_>) {
    let all = table::all();
    out.array(all.len());
    for spec in all {
        write_info(spec, out);
    }
}

/// COMMAND INFO [name ...]: a null element for an unknown name.
fn info(args: &Args<'_>, out: &mut Reply<'_>) {
    if args.len() == 2 {
        return info_all(out);
    }
    out.array(args.len() - 2);
    for name in args.iter().skip(2) {
        match lookup_full(name) {
            Some(spec) => write_info(spec, out),
            None => out.null(),
        }
    }
}

/// COMMAND DOCS [name ...]: a map from full name to docs; unknown names are left out.
fn docs(args: &Args<'_>, out: &mut Reply<'_>) {
    let specs: Vec<&CommandSpec> = if args.len() == 2 {
        table::all().to_vec()
    } else {
        args.iter().skip(2).filter_map(lookup_full).collect()
    };
    out.map(specs.len());
    for spec in specs {
        out.bulk(spec.name.as_bytes());
        write_docs(spec, out);
    }
}

/// A COMMAND LIST filter.
enum ListFilter<'a> {
    All,
    /// No module exists, so this filter matches nothing.
    Module,
    /// A bit set of ACL categories (0 for an unknown category: nothing matches).
    AclCat(u32),
    Pattern(&'a [u8]),
}

impl ListFilter<'_> {
    fn keeps(&self, spec: &CommandSpec) -> bool {
        match self {
            ListFilter::All => true,
            ListFilter::Module => false,
            ListFilter::AclCat(bits) => acl_categories(spec) & bits != 0,
            ListFilter::Pattern(p) => glob_match(p, spec.name.as_bytes(), true),
        }
    }
}

/// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]:
/// full names of commands and subcommands.
fn list(args: &Args<'_>, out: &mut Reply<'_>) {
    let mut filter = ListFilter::All;
    let mut i = 2;
    while i < args.len() {
        if !(args.is(i, "filterby") && args.len() - 1 - i == 2) {
            return out.syntax_error();
        }
        let arg = args.get(i + 2);
        filter = if args.is(i + 1, "module") {
            ListFilter::Module
        } else if args.is(i + 1, "aclcat") {
            ListFilter::AclCat(acl_category_bit(arg).unwrap_or(0))
        } else if args.is(i + 1, "pattern") {
            ListFilter::Pattern(arg)
        } else {
            return out.syntax_error();
        };
        i += 3;
    }
    let mut names = Vec::new();
    for spec in table::all() {
        for s in std::iter::once(*spec).chain(spec.subcommands) {
            if filter.keeps(s) {
                names.push(s.name);
            }
        }
    }
    out.array(names.len());
    for name in names {
        out.bulk(name.as_bytes());
    }
}

/// COMMAND GETKEYS / GETKEYSANDFLAGS command arg ...: the keys of a command,
/// found with its key specs.
fn getkeys(args: &Args<'_>, out: &mut Reply<'_>, with_flags: bool) {
    let cmd = args.tail(2);
    let Some(spec) = (if cmd.is_empty() { None } else { lookup_args(&cmd) }) else {
        return out.error("ERR Invalid command specified");
    };
    let specs = spec.key_specs.as_slice();
    if specs.iter().all(|s| s.flags & key_flags::NOT_KEY != 0) {
        return out.error("ERR The command has no key arguments");
    }
    let argc = cmd.len() as i64;
    if (spec.arity > 0 && spec.arity as i64 != argc) || argc < -(spec.arity as i64) {
        return out.error("ERR Invalid number of arguments specified for command");
    }
    match spec.find_keys(&cmd) {
        Some(keys) if !keys.is_empty() => {
            out.array(keys.len());
            for k in keys {
                if with_flags {
                    out.array(2);
                    out.bulk(cmd.get(k.pos));
                    write_flag_set(out, k.flags, key_flags::NAMES);
                } else {
                    out.bulk(cmd.get(k.pos));
                }
            }
        }
        _ if spec.has(flags::NO_MANDATORY_KEYS) => out.array(0),
        _ => out.error("ERR Invalid arguments specified for command"),
    }
}

/// A set of simple strings: the names in `names` whose flag is in `bits`.
fn write_flag_set(out: &mut Reply<'_>, bits: u32, names: &[(u32, &str)]) {
    out.set(names.iter().filter(|(f, _)| bits & f != 0).count());
    for (_, name) in names.iter().filter(|(f, _)| bits & f != 0) {
        out.simple(name);
    }
}

/// One command's COMMAND INFO entry: name, arity, flags, first key, last key,
/// step, ACL categories, tips, key specs, subcommands.
fn write_info(spec: &CommandSpec, out: &mut Reply<'_>) {
    out.array(10);
    out.bulk(spec.name.as_bytes());
    out.int(spec.arity as i64);
    write_flag_set(out, effective_flags(spec), flags::NAMES);
    out.int(spec.keys.first as i64);
    out.int(spec.keys.last as i64);
    out.int(spec.keys.step as i64);
    let cats = acl_categories(spec);
    out.set(cats.count_ones() as usize);
    for (i, name) in ACL_CATEGORIES.iter().enumerate() {
        if cats & (1 << i) != 0 {
            out.simple(&format!("@{name}"));
        }
    }
    out.set(spec.tips.len());
    for tip in spec.tips {
        out.bulk(tip.as_bytes());
    }
    let key_specs = spec.key_specs.as_slice();
    out.set(key_specs.len());
    for ks in key_specs {
        write_key_spec(ks, out);
    }
    if spec.subcommands.is_empty() {
        out.set(0);
    } else {
        out.array(spec.subcommands.len());
        for sub in spec.subcommands {
            write_info(sub, out);
        }
    }
}

/// A map entry `name` whose value is a map of integers.
fn write_int_map(out: &mut Reply<'_>, fields: &[(&str, i32)]) {
    out.map(fields.len());
    for (name, v) in fields {
        out.bulk(name.as_bytes());
        out.int(*v as i64);
    }
}

/// One key spec: [notes,] flags, begin_search, find_keys.
fn write_key_spec(ks: &KeySpec, out: &mut Reply<'_>) {
    out.map(3 + !ks.notes.is_empty() as usize);
    if !ks.notes.is_empty() {
        out.bulk(b"notes");
        out.bulk(ks.notes.as_bytes());
    }
    out.bulk(b"flags");
    write_flag_set(out, ks.flags, key_flags::NAMES);
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    match ks.begin {
        BeginSearch::Index(pos) => {
            out.bulk(b"index");
            out.bulk(b"spec");
            write_int_map(out, &[("index", pos)]);
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            out.bulk(b"keyword");
            out.bulk(b"spec");
            out.map(2);
            out.bulk(b"keyword");
            out.bulk(keyword.as_bytes());
            out.bulk(b"startfrom");
            out.int(startfrom as i64);
        }
        BeginSearch::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
    }
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    match ks.find {
        FindKeys::Range { lastkey, keystep, limit } => {
            out.bulk(b"range");
            out.bulk(b"spec");
            write_int_map(out, &[("lastkey", lastkey), ("keystep", keystep), ("limit", limit)]);
        }
        FindKeys::Keynum { keynumidx, firstkey, keystep } => {
            out.bulk(b"keynum");
            out.bulk(b"spec");
            write_int_map(
                out,
                &[("keynumidx", keynumidx), ("firstkey", firstkey), ("keystep", keystep)],
            );
        }
        FindKeys::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
    }
}

/// One command's COMMAND DOCS map. Summary, since and group are always there
/// (redis-cli reads them unconditionally); the other fields when known.
fn write_docs(spec: &CommandSpec, out: &mut Reply<'_>) {
    let d = &spec.doc;
    let optional = [
        !d.complexity.is_empty(),
        d.flags != 0,
        !d.deprecated_since.is_empty(),
        !d.replaced_by.is_empty(),
        !d.history.is_empty(),
        !d.args.is_empty(),
        !spec.subcommands.is_empty(),
    ];
    out.map(3 + optional.iter().filter(|&&b| b).count());
    let mut field = |name: &str, value: &str| {
        out.bulk(name.as_bytes());
        out.bulk(value.as_bytes());
    };
    field("summary", d.summary);
    field("since", d.since);
    field("group", d.group);
    if !d.complexity.is_empty() {
        field("complexity", d.complexity);
    }
    if d.flags != 0 {
        out.bulk(b"doc_flags");
        write_flag_set(out, d.flags, doc_flags::NAMES);
    }
    if !d.deprecated_since.is_empty() {
        out.bulk(b"deprecated_since");
        out.bulk(d.deprecated_since.as_bytes());
    }
    if !d.replaced_by.is_empty() {
        out.bulk(b"replaced_by");
        out.bulk(d.replaced_by.as_bytes());
    }
    if !d.history.is_empty() {
        out.bulk(b"history");
        out.set(d.history.len());
        for (version, change) in d.history {
            out.array(2);
            out.bulk(version.as_bytes());
            out.bulk(change.as_bytes());
        }
    }
    if !d.args.is_empty() {
        out.bulk(b"arguments");
        write_args(d.args, out);
    }
    if !spec.subcommands.is_empty() {
        out.bulk(b"subcommands");
        out.map(spec.subcommands.len());
        for sub in spec.subcommands {
            out.bulk(sub.name.as_bytes());
            write_docs(sub, out);
        }
    }
}

/// An argument list of COMMAND DOCS: one map per argument.
fn write_args(args: &[Arg], out: &mut Reply<'_>) {
    out.array(args.len());
    for a in args {
        let sub_args = match a.kind {
            ArgKind::OneOf(s) | ArgKind::Block(s) => Some(s),
            _ => None,
        };
        let key_spec_index = match a.kind {
            ArgKind::Key(i) => Some(i),
            _ => None,
        };
        let strings =
            [("token", a.token), ("since", a.since), ("deprecated_since", a.deprecated_since)];
        // A pure token shows its token even when empty (MIGRATE's "").
        let pure = matches!(a.kind, ArgKind::PureToken);
        let shown = |&&(name, v): &&(&str, &str)| !v.is_empty() || (pure && name == "token");
        let n = 2
            + key_spec_index.is_some() as usize
            + strings.iter().filter(shown).count()
            + (a.flags != 0) as usize
            + sub_args.is_some() as usize;
        out.map(n);
        out.bulk(b"name");
        out.bulk(a.name.as_bytes());
        out.bulk(b"type");
        out.bulk(a.kind.type_name().as_bytes());
        if let Some(i) = key_spec_index {
            out.bulk(b"key_spec_index");
            out.int(i as i64);
        }
        for (name, value) in strings.iter().filter(shown) {
            out.bulk(name.as_bytes());
            out.bulk(value.as_bytes());
        }
        if a.flags != 0 {
            out.bulk(b"flags");
            write_flag_set(out, a.flags, arg_flags::NAMES);
        }
        if let Some(s) = sub_args {
            out.bulk(b"arguments");
            write_args(s, out);
        }
    }
}

#[cfg(test)]
#[path = "introspect_tests.rs"]
mod tests;
