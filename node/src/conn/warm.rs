//! Cache warm-up for pipelines: before the commands of one read run, look
//! their keys up back to back.
//!
//! A lookup in a large keyspace is a chain of cache misses (slot table, hash
//! bucket, entry, value) and a command waits for its chain before the next
//! command starts, so a pipeline of N GETs pays N chains one after another.
//! Issued in a tight loop with nothing between them, the lookups of the whole
//! pipeline overlap in the CPU's out-of-order window; the commands then find
//! their entries in the cache. Only local keys of keyspace commands are
//! touched, nothing is modified, and a frame that does not parse simply ends
//! the warm-up (the real parse reports it).

use engine::command::{table, Args, Exec};
use engine::resp::parse::{parse_request_resumable, Progress};
use engine::resp::{ParseLimits, Parsed, Span};
use engine::slot::key_slot;

use crate::shard::Core;

/// Most commands looked ahead per read: enough to cover a deep pipeline's
/// misses, few enough that warmed lines are still cached when used.
const MAX_WARM_COMMANDS: usize = 32;
/// Reads shorter than this hold too few commands for their misses to
/// overlap usefully (a pipeline of 16 GETs is ~560 bytes, one SET of 64 bytes
/// ~100): they skip the extra parse.
const MIN_WARM_BYTES: usize = 256;

/// Reusable buffers of the warm-up parse.
#[derive(Default)]
pub struct Warmer {
    spans: Vec<Span>,
    scratch: Vec<u8>,
    /// The keys to touch, as byte ranges of the read buffer.
    keys: Vec<std::ops::Range<usize>>,
}

impl Warmer {
    /// Touches the keys of the complete commands at the front of `buf` that
    /// shard `me` owns (every key when `single_shard`), in database `db`. Does
    /// nothing for a single command or a short read.
    ///
    /// Two passes: parse and collect the keys, then look them all up in a
    /// tight loop, so that the lookups sit close enough together for their
    /// misses to overlap.
    pub fn warm(
        &mut self,
        core: &Core,
        at_shard: (usize, bool),
        db: usize,
        buf: &[u8],
        limits: &ParseLimits,
    ) {
        let (me, single_shard) = at_shard;
        if buf.len() < MIN_WARM_BYTES {
            return;
        }
        self.keys.clear();
        let mut at = 0;
        let mut seen = 0;
        while seen < MAX_WARM_COMMANDS && at < buf.len() {
            let rest = &buf[at..];
            let mut progress = Progress::default();
            let parsed = parse_request_resumable(
                rest,
                limits,
                &mut progress,
                &mut self.spans,
                &mut self.scratch,
            );
            let consumed = match parsed {
                Ok(Parsed::Command { consumed }) => consumed,
                Ok(Parsed::Empty { consumed }) => {
                    at += consumed;
                    continue;
                }
                Ok(Parsed::Incomplete) | Err(_) => break,
            };
            if seen == 0 && consumed == rest.len() {
                return; // One command: nothing to overlap.
            }
            let args = Args::new(rest, &self.scratch, &self.spans);
            if let Some(spec) = table::lookup(args.get(0)) {
                if matches!(spec.exec, Exec::Keyspace(_)) && spec.subcommands.is_empty() {
                    for p in spec.key_positions(&args) {
                        let key = args.get(p);
                        // Keys unescaped into the scratch buffer (inline
                        // commands) are not worth the trouble.
                        let offset = (key.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
                        let in_buf = offset <= buf.len() && buf.len() - offset >= key.len();
                        if in_buf && (single_shard || core.shard_of(key_slot(key)) == me) {
                            self.keys.push(offset..offset + key.len());
                        }
                    }
                }
            }
            at += consumed;
            seen += 1;
        }
        core.ks.db_ref(db).warm(self.keys.iter().map(|k| &buf[k.clone()]));
    }
}
