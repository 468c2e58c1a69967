//! Where a command may run in cluster mode, as Redis 7.0's `getNodeByQuery`
//! decides it: every key in one slot (else CROSSSLOT), a slot nobody serves
//! (CLUSTERDOWN Hash slot not served), the cluster down (CLUSTERDOWN, or
//! reads only with `cluster-allow-reads-when-down`), a slot another node
//! serves (MOVED slot ip:port). For a slot being migrated away or imported
//! (after ASKING), which keys exist decides (ASK, TRYAGAIN, or run); that
//! check runs on the slot's shard together with the command ([`Verify`]).

use engine::command::{flags, Args, CommandSpec};
use engine::keyspace::Db;
use engine::slot::{key_slot, Slot};

use super::{SlotRoute, SlotView};

/// What to do with a command in cluster mode.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Run it as usual.
    Run,
    /// Run it on the slot's shard if [`Verify::decide`] allows.
    Verify(Verify),
    /// Reply this error instead.
    Refuse(String),
}

/// The key check of a command on a slot being migrated or imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verify {
    pub slot: Slot,
    /// The slot is migrating to this address (we serve what we still have).
    pub ask: Option<String>,
    /// The command names several different keys.
    pub multiple_keys: bool,
}

impl Verify {
    /// The error replacing the command given the keys at `positions`, or
    /// None to run it: while migrating, a command missing every key is sent
    /// to the target (ASK), one missing some of them must wait (TRYAGAIN);
    /// while importing, a multi-key command missing some must wait.
    pub fn decide(
        &self,
        db: &Db,
        args: &Args<'_>,
        positions: &[usize],
        now_ms: u64,
    ) -> Option<String> {
        let missing = positions.iter().filter(|&&p| db.peek(args.get(p), now_ms).is_none()).count();
        if missing == 0 {
            return None;
        }
        let tryagain =
            || Some("TRYAGAIN Multiple keys request during rehashing of slot".to_string());
        match &self.ask {
            Some(_) if missing < positions.len() => tryagain(),
            Some(addr) => Some(format!("ASK {} {addr}", self.slot)),
            None if self.multiple_keys => tryagain(),
            None => None,
        }
    }
}

/// Decides where a command goes; `asking` is the client's ASKING flag.
pub fn check(
    view: &SlotView,
    spec: &CommandSpec,
    args: &Args<'_>,
    allow_reads_when_down: bool,
    asking: bool,
) -> Decision {
    let mut first: Option<(Slot, &[u8])> = None;
    let mut multiple_keys = false;
    for p in spec.key_positions(args) {
        let key = args.get(p);
        let slot = key_slot(key);
        match first {
            None => {
                if view.route(slot) == SlotRoute::Unassigned {
                    return Decision::Refuse("CLUSTERDOWN Hash slot not served".into());
                }
                first = Some((slot, key));
            }
            Some((f, _)) if f != slot => {
                return Decision::Refuse(
                    "CROSSSLOT Keys in request don't hash to the same slot".into(),
                )
            }
            Some((_, k)) => multiple_keys |= k != key,
        }
    }
    let Some((slot, _)) = first else { return Decision::Run };
    if !view.ok {
        if !allow_reads_when_down {
            return Decision::Refuse("CLUSTERDOWN The cluster is down".into());
        }
        if spec.has(flags::WRITE) {
            return Decision::Refuse(
                "CLUSTERDOWN The cluster is down and only accepts read commands".into(),
            );
        }
    }
    let route = view.route(slot);
    let open = view.migrating_to(slot).is_some() || view.importing(slot);
    if open && spec.name == "migrate" {
        // As Redis: MIGRATE works locally on a slot being moved, so that keys
        // can move freely between the two nodes.
        return Decision::Run;
    }
    if route == SlotRoute::Here {
        if let Some(addr) = view.migrating_to(slot) {
            return Decision::Verify(Verify { slot, ask: Some(addr.to_string()), multiple_keys });
        }
    } else if view.importing(slot) && (asking || spec.has(flags::ASKING)) {
        return Decision::Verify(Verify { slot, ask: None, multiple_keys });
    }
    match route {
        SlotRoute::Here | SlotRoute::Unassigned => Decision::Run,
        SlotRoute::Moved(addr) => Decision::Refuse(format!("MOVED {slot} {addr}")),
    }
}
