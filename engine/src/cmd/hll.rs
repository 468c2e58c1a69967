//! The HyperLogLog family: PFADD, PFCOUNT, PFMERGE and the debugging
//! commands PFDEBUG and PFSELFTEST (Redis 7.0's hyperloglog.c).
//!
//! An HLL is a string value (`keyspace::hll` has the format). Commands that
//! accept an existing HLL make it a `raw` string first, as Redis's
//! `dbUnshareStringValue` does, and edit its bytes in place (the TTL stays).
//! PFCOUNT of one key stores the cardinality in the header, so it changes
//! the value although the command is read-only; PFCOUNT of several keys only
//! reads, which is what lets the node run it across shards without writing
//! anything back.

use super::lookup::{lookup_read, lookup_write};
use super::string::raw_mut;
use crate::command::{flags::*, key_flags, Arg, Args, CommandSpec, Ctx, KeyRange, KeySpec, Route};
use crate::keyspace::hll::{self, REGISTERS};
use crate::keyspace::Value;
use crate::resp::Reply;

/// Specs of the HyperLogLog family.
#[rustfmt::skip]
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec::keyspace("pfadd", -2, WRITE | DENYOOM | FAST, KeyRange::FIRST, pfadd)
        .acl(&["hyperloglog"])
        .key_flags(key_flags::RW | key_flags::INSERT)
        .doc("hyperloglog", "2.8.9", "Adds the specified elements to the specified HyperLogLog.", "O(1) to add every element.")
        .args(&[KEY, Arg::string("element").optional().multiple()]),
    CommandSpec::keyspace("pfcount", -2, READONLY | MAY_REPLICATE, ALL_KEYS, pfcount)
        .acl(&["hyperloglog"])
        .key_flags(key_flags::RW | key_flags::ACCESS)
        .key_notes("RW because it may change the internal representation of the key, and propagate to replicas")
        .doc("hyperloglog", "2.8.9", "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.")
        .args(&[Arg::key("key", 0).multiple()]),
    CommandSpec::keyspace("pfmerge", -2, WRITE | DENYOOM, ALL_KEYS, pfmerge)
        .acl(&["hyperloglog"])
        .key_specs(&[
            KeySpec::range(1, 0, 1, key_flags::RW | key_flags::ACCESS | key_flags::INSERT),
            KeySpec::range(2, -1, 1, key_flags::RO | key_flags::ACCESS),
        ])
        .doc("hyperloglog", "2.8.9", "Merge N different HyperLogLogs into a single one.", "O(N) to merge N HyperLogLogs, but with high constant times.")
        .args(&[Arg::key("destkey", 0), Arg::key("sourcekey", 1).multiple()]),
    CommandSpec::keyspace("pfdebug", 3, WRITE | DENYOOM | ADMIN, KeyRange { first: 2, last: 2, step: 1 }, pfdebug)
        .acl(&["hyperloglog"])
        .key_flags(key_flags::RW | key_flags::ACCESS)
        .doc("hyperloglog", "2.8.9", "Internal commands for debugging HyperLogLog values", "N/A")
        .syscmd()
        .args(&[Arg::string("subcommand"), Arg::key("key", 0)]),
    // Keyless: runs on the connection's shard.
    CommandSpec {
        route: Route::Node,
        ..CommandSpec::keyspace("pfselftest", 1, ADMIN, KeyRange::NONE, pfselftest)
            .acl(&["hyperloglog"])
            .doc("hyperloglog", "2.8.9", "An internal command for testing HyperLogLog values", "N/A")
            .syscmd()
    },
];

const KEY: Arg = Arg::key("key", 0);
const ALL_KEYS: KeyRange = KeyRange { first: 1, last: -1, step: 1 };

/// The error for a string that is not an HLL (or a value of another type
/// never reaches it: those get the generic WRONGTYPE).
const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
/// The error for a sparse HLL whose code is broken.
const CORRUPT: &str = "INVALIDOBJ Corrupted HLL object detected";

/// Why a value cannot be used as an HLL.
enum Refused {
    /// Not a string: the generic WRONGTYPE error.
    WrongType,
    /// A string, but not an HLL.
    NotHll,
}

impl Refused {
    fn reply(self, out: &mut Reply<'_>) {
        match self {
            Refused::WrongType => out.wrong_type(),
            Refused::NotHll => out.error(NOT_HLL),
        }
    }
}

/// The HLL bytes of `value`, for reading.
fn hll_ref(value: &Value) -> Result<&[u8], Refused> {
    match value {
        Value::Str(s) if hll::is_hll(s.as_bytes()) => Ok(s.as_bytes()),
        Value::Raw(v) if hll::is_hll(v) => Ok(v),
        // An integer string is never an HLL (Redis: not an sds-encoded object).
        Value::Int(_) | Value::Str(_) | Value::Raw(_) => Err(Refused::NotHll),
        _ => Err(Refused::WrongType),
    }
}

/// The HLL bytes of `value` made a `raw` string, for editing.
fn hll_mut(value: &mut Value) -> Result<&mut Vec<u8>, Refused> {
    hll_ref(value)?;
    raw_mut(value).ok_or(Refused::WrongType)
}

/// PFADD key [element ...].
fn pfadd(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let key = args.get(1);
    let (max_bytes, lru) = (ctx.cfg.hll_sparse_max_bytes, ctx.lru_s);
    let (found, out) = lookup_write(ctx, key);
    let Some(e) = found else {
        let mut s = hll::new_sparse();
        // A new HLL is well formed: adding to it cannot fail.
        for i in 2..args.len() {
            let _ = hll::add(&mut s, args.get(i), max_bytes);
        }
        hll::invalidate_cache(&mut s);
        out.int(1);
        ctx.db().set(key, Value::Raw(Box::new(s)), None, lru);
        return;
    };
    let s = match hll_mut(&mut e.value) {
        Ok(s) => s,
        Err(refused) => return refused.reply(out),
    };
    let mut updated = false;
    for i in 2..args.len() {
        match hll::add(s, args.get(i), max_bytes) {
            Ok(changed) => updated |= changed,
            // Registers changed before the error stay changed, as in Redis.
            Err(hll::Corrupt) => return out.error(CORRUPT),
        }
    }
    if updated {
        hll::invalidate_cache(s);
    }
    out.int(updated as i64);
}

/// PFCOUNT key [key ...].
fn pfcount(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if args.len() > 2 {
        return match union_registers(ctx, args, 1).map(|(regs, _)| hll::count_registers(&regs)) {
            Ok(n) => ctx.out.int(n as i64),
            Err(e) => e.reply(&mut ctx.out),
        };
    }
    let (found, out) = lookup_read(ctx, args.get(1));
    let Some(e) = found else { return out.int(0) };
    let s = match hll_mut(&mut e.value) {
        Ok(s) => s,
        Err(refused) => return refused.reply(out),
    };
    if let Some(n) = hll::cached_count(s) {
        return out.int(n as i64);
    }
    match hll::count(s) {
        Ok(n) => {
            hll::set_cached_count(s, n);
            out.int(n as i64);
        }
        Err(hll::Corrupt) => out.error(CORRUPT),
    }
}

/// Why a union of HLLs failed: a refused value, or a corrupt one.
enum UnionError {
    Refused(Refused),
    Corrupt,
}

impl UnionError {
    fn reply(self, out: &mut Reply<'_>) {
        match self {
            UnionError::Refused(r) => r.reply(out),
            UnionError::Corrupt => out.error(CORRUPT),
        }
    }
}

/// The register-wise maximum of the HLLs at `args[from..]` (missing keys
/// count as empty), and whether any of them is dense.
fn union_registers(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    from: usize,
) -> Result<(Vec<u8>, bool), UnionError> {
    let mut max = vec![0u8; REGISTERS];
    let mut any_dense = false;
    for i in from..args.len() {
        let (found, _) = lookup_read(ctx, args.get(i));
        let Some(e) = found else { continue };
        let s = hll_ref(&e.value).map_err(UnionError::Refused)?;
        any_dense |= !hll::is_sparse(s);
        hll::merge_into(&mut max, s).map_err(|_| UnionError::Corrupt)?;
    }
    Ok((max, any_dense))
}

/// PFMERGE destkey [sourcekey ...]: the destination is one of the sources.
fn pfmerge(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (max, any_dense) = match union_registers(ctx, args, 1) {
        Ok(union) => union,
        Err(e) => return e.reply(&mut ctx.out),
    };
    let key = args.get(1);
    let (max_bytes, lru) = (ctx.cfg.hll_sparse_max_bytes, ctx.lru_s);
    let (found, out) = lookup_write(ctx, key);
    let mut created = None;
    let s = match found {
        // Checked as a source above.
        Some(e) => match hll_mut(&mut e.value) {
            Ok(s) => s,
            Err(refused) => return refused.reply(out),
        },
        None => created.insert(hll::new_sparse()),
    };
    if any_dense && hll::to_dense(s).is_err() {
        return out.error(CORRUPT);
    }
    for (i, &v) in max.iter().enumerate().filter(|(_, &v)| v != 0) {
        // The destination was validated as a source: it cannot be corrupt.
        let _ = hll::raise(s, i, v, max_bytes);
    }
    hll::invalidate_cache(s);
    out.ok();
    if let Some(s) = created {
        ctx.db().set(key, Value::Raw(Box::new(s)), None, lru);
    }
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key.
fn pfdebug(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    // Redis compares the subcommand as a C string: it ends at a NUL byte.
    let raw_sub = args.get(1);
    let sub = &raw_sub[..raw_sub.iter().position(|&b| b == 0).unwrap_or(raw_sub.len())];
    let (found, out) = lookup_write(ctx, args.get(2));
    let Some(e) = found else {
        return out.error("ERR The specified key does not exist");
    };
    let s = match hll_mut(&mut e.value) {
        Ok(s) => s,
        Err(refused) => return refused.reply(out),
    };
    match sub.to_ascii_lowercase().as_slice() {
        b"getreg" => {
            if hll::to_dense(s).is_err() {
                return out.error(CORRUPT);
            }
            out.array(REGISTERS);
            for i in 0..REGISTERS {
                out.int(i64::from(hll::dense::get(&s[hll::HDR_BYTES..], i)));
            }
        }
        b"decode" if hll::is_sparse(s) => out.bulk(hll::sparse::decode(s).as_bytes()),
        b"decode" => out.error("ERR HLL encoding is not sparse"),
        b"encoding" => out.simple(if hll::is_sparse(s) { "sparse" } else { "dense" }),
        b"todense" => match hll::to_dense(s) {
            Ok(converted) => out.int(converted as i64),
            Err(hll::Corrupt) => out.error(CORRUPT),
        },
        _ => {
            let mut msg = b"ERR Unknown PFDEBUG subcommand '".to_vec();
            msg.extend_from_slice(sub);
            msg.push(b'\'');
            out.error_bytes(&msg);
        }
    }
}

/// PFSELFTEST: Redis's full self-test (about a second in a release build).
fn pfselftest(ctx: &mut Ctx<'_>, _: &Args<'_>) {
    match hll::selftest::run(1000, 10_000_000, ctx.cfg.hll_sparse_max_bytes, ctx.now_ms) {
        Ok(()) => ctx.out.ok(),
        Err(e) => ctx.out.error(&e),
    }
}
