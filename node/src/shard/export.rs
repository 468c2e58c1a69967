//! What a shard records while a native slot migration sends some of its slots
//! to another node (`migrate::slots` streams it).
//!
//! The stream sends the slots one by one, key by key. A key is "sent" once its
//! whole value went out; from then on every write to it must reach the target
//! too. So after each write command on an exporting slot:
//! - if none of its keys is sent yet, nothing is recorded: the key's value
//!   goes out later as it is then;
//! - else the command itself is logged (RESP), followed by `PEXPIREAT key ms`
//!   for each of its keys that expires (so relative TTLs land exactly); a
//!   command whose effect is not the same when replayed (SPOP, blocking
//!   commands) instead queues its keys to be sent again whole (DEL first).
//!
//! Keys created during a slot's pass are not in the pass's snapshot and count
//! as sent from the start. A flush of the dataset fails the migration.

use std::sync::Arc;

use engine::command::{flags, Args, CommandSpec};
use engine::slot::{key_slot, Slot, SlotSet};
use futures_channel::oneshot;
use hashbrown::HashSet;

use super::Core;

/// One migration's view of this shard.
pub struct ShardExport {
    /// The job's name.
    pub job: Arc<str>,
    /// This shard's slots in the job.
    pub slots: SlotSet,
    /// Slots whose keys all went out.
    pub done: SlotSet,
    /// The slot being sent and its keys not sent yet.
    pub current: Option<Slot>,
    pub pending: HashSet<Box<[u8]>>,
    /// Commands to forward, RESP-encoded, in execution order.
    pub log: Vec<u8>,
    /// Commands in `log`.
    pub log_commands: usize,
    /// Keys to send again whole.
    pub resend: Vec<Vec<u8>>,
    /// Why the migration cannot go on, if it cannot.
    pub failed: Option<String>,
    /// Wakes the stream when something was logged.
    pub wake: Option<oneshot::Sender<()>>,
}

impl ShardExport {
    /// A migration of `slots` (this shard's part), nothing sent yet.
    pub fn new(job: Arc<str>, slots: SlotSet) -> ShardExport {
        ShardExport {
            job,
            slots,
            done: SlotSet::from_range(0..0),
            current: None,
            pending: HashSet::new(),
            log: Vec::new(),
            log_commands: 0,
            resend: Vec::new(),
            failed: None,
            wake: None,
        }
    }

    /// Whether `key` (of `slot`) already went out whole.
    fn sent(&self, slot: Slot, key: &[u8]) -> bool {
        self.done.contains(slot) || (self.current == Some(slot) && !self.pending.contains(key))
    }

    fn wake(&mut self) {
        if let Some(tx) = self.wake.take() {
            let _ = tx.send(());
        }
    }
}

/// Whether replaying the command on the target does what it did here.
fn replayable(spec: &CommandSpec) -> bool {
    spec.blocking.is_none() && !matches!(spec.name, "spop")
}

impl Core {
    /// Records a write command that ran (see the module doc). Called by
    /// `exec` only while some migration runs here.
    pub fn capture_write(&mut self, spec: &CommandSpec, db: usize, args: &Args<'_>) {
        if matches!(spec.name, "flushall" | "flushdb") {
            for e in &mut self.exports {
                e.failed = Some("the dataset was flushed during the migration".into());
                e.wake();
            }
            return;
        }
        if db != 0 || !spec.has(flags::WRITE) {
            return;
        }
        let keys: Vec<usize> = spec.key_positions(args).collect();
        let Some(&first) = keys.first() else { return };
        let slot = key_slot(args.get(first));
        let now_ms = self.clock.unix_ms(super::ticks());
        let Some(e) = self.exports.iter_mut().find(|e| e.slots.contains(slot)) else { return };
        if !keys.iter().any(|&p| e.sent(key_slot(args.get(p)), args.get(p))) {
            return;
        }
        if replayable(spec) {
            engine::cmd::migrate::write_command(&mut e.log, (0..args.len()).map(|i| args.get(i)));
            e.log_commands += 1;
            let db = self.ks.db(0);
            for &p in &keys {
                let key = args.get(p);
                if let Some(at) = db.peek(key, now_ms).and_then(|en| en.expire_at_ms()) {
                    let at = at.to_string();
                    let parts: [&[u8]; 3] = [b"PEXPIREAT", key, at.as_bytes()];
                    engine::cmd::migrate::write_command(&mut e.log, parts.into_iter());
                    e.log_commands += 1;
                }
            }
        } else {
            for &p in &keys {
                let key = args.get(p);
                if e.sent(key_slot(key), key) {
                    e.resend.push(key.to_vec());
                }
            }
        }
        e.wake();
    }

    /// A key changed outside `exec` (a blocked client served from it): it is
    /// sent again whole if it already went out.
    pub fn capture_changed(&mut self, db: usize, key: &[u8]) {
        let slot = key_slot(key);
        if db != 0 {
            return;
        }
        if let Some(e) = self.exports.iter_mut().find(|e| e.slots.contains(slot)) {
            if e.sent(slot, key) {
                e.resend.push(key.to_vec());
                e.wake();
            }
        }
    }

    /// This shard's part of migration `job`.
    pub fn export_mut(&mut self, job: &str) -> Option<&mut ShardExport> {
        self.exports.iter_mut().find(|e| &*e.job == job)
    }
}
