//! List commands over several keys: LMOVE and RPOPLPUSH (pop from one list,
//! push onto another, possibly the same) and LMPOP (pop from the first
//! non-empty of several lists). The blocking variants reuse these pieces.

use super::list::{create_list, delete_if_empty, fill, list_at, parse_end, pop_reply, write_list};
use super::lookup::lookup_write;
use crate::command::{Args, Ctx};
use crate::keyspace::list::End;
use crate::keyspace::Value;

/// What a pop from the first key(s) of a command came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Popped {
    /// A reply was written: the elements, or an error.
    Replied,
    /// No key held a list: nothing was written.
    Nothing,
}

pub(super) fn lmove(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let (Some(from), Some(to)) = (parse_end(args.get(3)), parse_end(args.get(4))) else {
        return ctx.out.syntax_error();
    };
    if move_one(ctx, args.get(1), args.get(2), from, to) == Popped::Nothing {
        ctx.out.null();
    }
}

pub(super) fn rpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    if move_one(ctx, args.get(1), args.get(2), End::Back, End::Front) == Popped::Nothing {
        ctx.out.null();
    }
}

/// Pops an element from `from` of the list at `src` and pushes it at `to` of
/// the list at `dst` (created if needed), replying the element. Either key
/// holding another type gets WRONGTYPE before anything moves.
pub(super) fn move_one(ctx: &mut Ctx<'_>, src: &[u8], dst: &[u8], from: End, to: End) -> Popped {
    match write_list(ctx, src) {
        Err(()) => return Popped::Replied,
        Ok((None, _)) => return Popped::Nothing,
        Ok((Some(_), _)) => {}
    }
    let (found, out) = lookup_write(ctx, dst);
    if found.is_some_and(|e| !matches!(e.value, Value::List(_))) {
        out.wrong_type();
        return Popped::Replied;
    }
    let value = list_at(ctx, src)
        .and_then(|l| l.pop(from, |v| v.to_vec()))
        .expect("a stored list is never empty");
    ctx.out.bulk(&value);
    let fill = fill(ctx);
    match list_at(ctx, dst) {
        Some(list) => list.push(to, &value, fill),
        None => create_list(ctx, dst, to, [&value[..]]),
    }
    delete_if_empty(ctx, src);
    Popped::Replied
}

/// What `[B]LMPOP` asks for once parsed.
pub(super) struct Mpop {
    /// Argument index of the first key.
    pub first_key: usize,
    /// Number of keys.
    pub numkeys: usize,
    pub end: End,
    /// Most elements to pop.
    pub count: usize,
}

/// Parses `numkeys key ... LEFT|RIGHT [COUNT count]` with numkeys at argument
/// `at`, replying the error Redis gives when it is malformed.
pub(super) fn parse_mpop(ctx: &mut Ctx<'_>, args: &Args<'_>, at: usize) -> Option<Mpop> {
    let numkeys = match crate::num::parse_i64_strict(args.get(at)) {
        Some(n) if n >= 1 => n as u64,
        _ => {
            ctx.out.error("ERR numkeys should be greater than 0");
            return None;
        }
    };
    let where_at = (at as u64 + 1).saturating_add(numkeys);
    if where_at >= args.len() as u64 {
        ctx.out.syntax_error();
        return None;
    }
    let where_at = where_at as usize;
    let Some(end) = parse_end(args.get(where_at)) else {
        ctx.out.syntax_error();
        return None;
    };
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && args.is(j, "count") && j + 1 < args.len() {
            match crate::num::parse_i64_strict(args.get(j + 1)) {
                Some(n) if n >= 1 => count = Some(n as usize),
                _ => {
                    ctx.out.error("ERR count should be greater than 0");
                    return None;
                }
            }
            j += 2;
        } else {
            ctx.out.syntax_error();
            return None;
        }
    }
    Some(Mpop { first_key: at + 1, numkeys: numkeys as usize, end, count: count.unwrap_or(1) })
}

/// Pops from the first of `keys` that holds a list, replying `[key, [elements]]`.
pub(super) fn mpop_from<'k>(
    ctx: &mut Ctx<'_>,
    keys: impl IntoIterator<Item = &'k [u8]>,
    end: End,
    count: usize,
) -> Popped {
    for key in keys {
        match write_list(ctx, key) {
            Err(()) => return Popped::Replied,
            Ok((None, _)) => continue,
            Ok((Some(list), out)) => {
                out.array(2);
                out.bulk(key);
                pop_reply(list, out, end, count);
                delete_if_empty(ctx, key);
                return Popped::Replied;
            }
        }
    }
    Popped::Nothing
}

pub(super) fn lmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) {
    let Some(m) = parse_mpop(ctx, args, 1) else { return };
    let keys = (m.first_key..m.first_key + m.numkeys).map(|i| args.get(i));
    if mpop_from(ctx, keys, m.end, m.count) == Popped::Nothing {
        ctx.out.null_array();
    }
}
