//! Key lookups as commands make them (Redis's `lookupKeyRead`/`lookupKeyWrite`):
//! lazy expiry, keyspace hit/miss counting and LRU stamping in one place.
//!
//! Each returns the entry together with the reply writer, so a command can use
//! both at once without a second lookup.

use crate::command::Ctx;
use crate::keyspace::Entry;
use crate::resp::reply::Reply;

/// Looks `key` up for reading: counts a keyspace hit or miss and stamps the
/// LRU clock.
pub(crate) fn lookup_read<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> (Option<&'c mut Entry>, &'c mut Reply<'a>) {
    read(ctx, key, true)
}

/// Looks `key` up for reading without touching it (Redis's `LOOKUP_NOTOUCH`:
/// EXISTS, TYPE, TTL, OBJECT): counts a hit or miss, leaves the LRU clock.
pub(crate) fn lookup_peek<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> (Option<&'c mut Entry>, &'c mut Reply<'a>) {
    read(ctx, key, false)
}

fn read<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
    touch: bool,
) -> (Option<&'c mut Entry>, &'c mut Reply<'a>) {
    let lru = ctx.lru_s;
    match ctx.ks.db(ctx.db).get(key, ctx.now_ms) {
        Some(e) => {
            ctx.stats.keyspace_hits += 1;
            if touch {
                e.lru_s = lru;
            }
            (Some(e), &mut ctx.out)
        }
        None => {
            ctx.stats.keyspace_misses += 1;
            (None, &mut ctx.out)
        }
    }
}

/// Looks `key` up for a write (no hit/miss counting, as Redis), stamping the LRU
/// clock.
pub(crate) fn lookup_write<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    key: &[u8],
) -> (Option<&'c mut Entry>, &'c mut Reply<'a>) {
    let lru = ctx.lru_s;
    let mut found = ctx.ks.db(ctx.db).get(key, ctx.now_ms);
    if let Some(e) = found.as_deref_mut() {
        e.lru_s = lru;
    }
    (found, &mut ctx.out)
}
