//! Where a command may run in cluster mode, as Redis 7.0's `getNodeByQuery`
//! decides it: every key in one slot (else CROSSSLOT), a slot nobody serves
//! (CLUSTERDOWN Hash slot not served), the cluster down (CLUSTERDOWN, or
//! reads only with `cluster-allow-reads-when-down`), a slot another node
//! serves (MOVED slot ip:port). Migrating and importing slots (ASK,
//! TRYAGAIN, ASKING) come with slot migration.

use engine::command::{flags, Args, CommandSpec};
use engine::slot::key_slot;

use super::{SlotRoute, SlotView};

/// The error a command gets instead of running here, if any.
pub fn check(
    view: &SlotView,
    spec: &CommandSpec,
    args: &Args<'_>,
    allow_reads_when_down: bool,
) -> Option<String> {
    let mut first = None;
    for p in spec.key_positions(args) {
        let slot = key_slot(args.get(p));
        match first {
            None => {
                if view.route(slot) == SlotRoute::Unassigned {
                    return Some("CLUSTERDOWN Hash slot not served".into());
                }
                first = Some(slot);
            }
            Some(f) if f != slot => {
                return Some("CROSSSLOT Keys in request don't hash to the same slot".into())
            }
            Some(_) => {}
        }
    }
    let slot = first?;
    if !view.ok {
        if !allow_reads_when_down {
            return Some("CLUSTERDOWN The cluster is down".into());
        }
        if spec.has(flags::WRITE) {
            return Some("CLUSTERDOWN The cluster is down and only accepts read commands".into());
        }
    }
    match view.route(slot) {
        SlotRoute::Here | SlotRoute::Unassigned => None,
        SlotRoute::Moved(addr) => Some(format!("MOVED {slot} {addr}")),
    }
}
