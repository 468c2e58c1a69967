//! The target side of slotd's native slot migration: `CLUSTER SYNCSLOTS`, the
//! internal commands a source slotd sends over its migration links.
//!
//! - `ESTABLISH job source-id start end [start end ...]` makes the connection
//!   a link of import `job` (created by the first link: the source must serve
//!   every slot, and this node must hold no key in them). A link writes keys
//!   of the job's slots although this node does not serve them yet; everyone
//!   else is still sent to the source (MOVED), so a half-imported slot is
//!   never visible.
//! - `FINISH job` takes the slots: a config epoch of our own and the slots
//!   assigned to us, saved and routed by before the reply (the source then
//!   drops them; the bus tells the others).
//! - `ABORT job`, or the last link closing before FINISH, deletes what was
//!   imported.
//! - `STATUS job` says where a job stands (a source that lost its link
//!   learns whether FINISH happened).
//! - `RESERVE key hash|set|zset count`, on a link, announces a collection
//!   of `count` elements that the link's next commands create: it is built
//!   empty and sized on a thread of its own, then left with the key's shard
//!   for them (`engine::export`).

use std::collections::BTreeMap;
use std::sync::Arc;

use engine::cluster::bus::NodeId;
use engine::cluster::state::{id_str, parse_id};
use engine::command::Args;
use engine::resp::{Protocol, Reply};
use engine::slot::{key_slot, Slot, SlotSet};

use futures_channel::oneshot;

use crate::conn::Conn;
use crate::shard::{unix_ms, Shard};

/// Longest job name accepted.
const MAX_JOB_NAME_BYTES: usize = 64;

/// One import (kept on shard 0).
pub struct ImportJob {
    pub source: NodeId,
    pub slots: Vec<Slot>,
    pub state: ImportState,
    /// Links attached and still open.
    pub links: usize,
    pub created_ms: u64,
    pub updated_ms: u64,
}

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportState {
    Importing,
    Finished,
    Aborted,
}

impl ImportState {
    fn name(self) -> &'static str {
        match self {
            ImportState::Importing => "importing",
            ImportState::Finished => "finished",
            ImportState::Aborted => "aborted",
        }
    }
}

/// On a client that is a migration link: its job and the slots it may write.
#[derive(Clone)]
pub struct ImportLink {
    pub job: String,
    pub slots: Arc<SlotSet>,
}

/// The imports of this node, by job name.
pub type Imports = BTreeMap<String, ImportJob>;

/// CLUSTER SYNCSLOTS ESTABLISH | FINISH | ABORT | STATUS.
pub async fn syncslots(conn: &mut Conn, args: &Args<'_>, proto: Protocol, out: &mut Vec<u8>) {
    let sub = String::from_utf8_lossy(args.get(2)).to_ascii_lowercase();
    let job = String::from_utf8_lossy(args.get(3)).into_owned();
    let result = if sub == "reserve" && args.len() == 6 {
        reserve(conn, args.get(3), args.get(4), args.get(5)).await
    } else if job.is_empty() || job.len() > MAX_JOB_NAME_BYTES {
        Err("ERR Invalid slot migration job name".to_string())
    } else {
        match (sub.as_str(), args.len()) {
            ("establish", n) if n >= 7 && n % 2 == 1 => establish(conn, args, job).await,
            ("finish", 4) => finish(conn, job).await,
            ("abort", 4) => {
                abort(&conn.shard, job, ImportState::Aborted).await.map(|_| "OK".into())
            }
            ("status", 4) => {
                let state = on_imports(conn, move |i| i.get(&job).map(|j| j.state.name())).await;
                state.map(str::to_string).ok_or_else(|| "ERR No such slot migration job".into())
            }
            _ => Err(format!(
                "ERR unknown subcommand or wrong number of arguments for 'syncslots|{sub}'"
            )),
        }
    };
    let mut r = Reply::new(out, proto);
    match result {
        Ok(s) => r.simple(&s),
        Err(e) => r.error(&e),
    }
}

/// Runs `f` on the imports (shard 0).
async fn on_imports<R: Send + 'static>(
    conn: &Conn,
    f: impl FnOnce(&mut Imports) -> R + Send + 'static,
) -> R {
    conn.shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            f(&mut cluster.as_mut().expect("shard 0 holds the cluster state").imports)
        })
        .await
}

async fn establish(conn: &mut Conn, args: &Args<'_>, job: String) -> Result<String, String> {
    let source = parse_id(args.get(4)).ok_or("ERR Invalid node id")?;
    let mut slots = Vec::new();
    for i in (5..args.len()).step_by(2) {
        let a = engine::cluster::commands::parse_slot(args.get(i))?;
        let b = engine::cluster::commands::parse_slot(args.get(i + 1))?;
        if a > b {
            return Err("ERR start slot number is greater than end slot number".into());
        }
        slots.extend(a..=b);
    }
    slots.sort_unstable();
    slots.dedup();
    let keys = keys_in(conn, slots.clone()).await;
    let (name, job_slots) = (job.clone(), slots.clone());
    let attached = conn
        .shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            if let Some(j) = node.imports.get_mut(&name) {
                if j.state != ImportState::Importing || j.source != source || j.slots != job_slots {
                    return Err("ERR Slot migration job mismatch".to_string());
                }
                j.links += 1;
                return Ok(());
            }
            let c = &node.state;
            if c.node(&source).is_none() {
                return Err(format!("ERR Unknown node {}", id_str(&source)));
            }
            for &slot in &job_slots {
                if c.owner(slot).map(|n| n.id) != Some(source) {
                    return Err(format!("ERR Slot {slot} is not served by the source node"));
                }
                if node.imports.values().any(|j| {
                    j.state == ImportState::Importing && j.slots.binary_search(&slot).is_ok()
                }) {
                    return Err(format!("ERR Slot {slot} is already being imported"));
                }
            }
            if keys > 0 {
                return Err(format!("ERR The target holds {keys} keys in the slots to import"));
            }
            let now = unix_ms();
            node.imports.insert(
                name,
                ImportJob {
                    source,
                    slots: job_slots,
                    state: ImportState::Importing,
                    links: 1,
                    created_ms: now,
                    updated_ms: now,
                },
            );
            Ok(())
        })
        .await;
    attached?;
    let mut set = SlotSet::from_range(0..0);
    for s in slots {
        set.insert(s);
    }
    conn.client.borrow_mut().import = Some(ImportLink { job, slots: Arc::new(set) });
    Ok("OK".into())
}

/// RESERVE: builds the empty collection that this link fills next.
async fn reserve(conn: &Conn, key: &[u8], kind: &[u8], count: &[u8]) -> Result<String, String> {
    let covered =
        conn.client.borrow().import.as_ref().is_some_and(|l| l.slots.contains(key_slot(key)));
    if !covered {
        return Err("ERR Not a slot migration link importing that key's slot".into());
    }
    let n = engine::resp::parse::parse_i64_strict(count)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or("ERR value is not an integer or out of range")?;
    let cfg = conn.shard.core.borrow().engine_cfg.clone();
    let kind = kind.to_vec();
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("reserve".into())
        .spawn(move || {
            let _ = tx.send(engine::export::reserved_collection(&kind, n, &cfg));
        })
        .map_err(|e| format!("ERR cannot start a thread: {e}"))?;
    let empty = rx.await.ok().flatten().ok_or("ERR Unknown collection kind")?;
    let owner = crate::conn::cross_shard::owner_of(&conn.shard, key).await;
    let key = key.to_vec();
    conn.shard
        .on_shard(owner, move |s: &Shard| s.core.borrow_mut().ks.db(0).reserve(&key, empty))
        .await;
    Ok("OK".into())
}

/// Keys this node holds in `slots` (database 0).
async fn keys_in(conn: &Conn, slots: Vec<Slot>) -> usize {
    let counts = conn
        .shard
        .on_all_shards(move |s: &Shard| {
            let mut core = s.core.borrow_mut();
            slots.iter().map(|&slot| core.ks.db(0).slot_len(slot)).sum::<usize>()
        })
        .await;
    counts.into_iter().sum()
}

async fn finish(conn: &mut Conn, job: String) -> Result<String, String> {
    let view = conn
        .shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            let j = node.imports.get_mut(&job).ok_or("ERR No such slot migration job")?;
            match j.state {
                ImportState::Finished => return Ok(None),
                ImportState::Aborted => return Err("ERR The slot migration job was aborted"),
                ImportState::Importing => {}
            }
            j.state = ImportState::Finished;
            j.updated_ms = unix_ms();
            let slots = j.slots.clone();
            engine::cluster::commands::take_slots(&mut node.state, &slots);
            node.pong_all = true;
            tracing::info!("slot migration {job}: took {} slots", slots.len());
            Ok(Some(node.commit()))
        })
        .await?;
    if let Some(view) = view {
        crate::cluster::install_view(&conn.shard, view).await;
    }
    Ok("OK".into())
}

/// Ends an import that did not finish: its keys are deleted. Returns the
/// number of slots emptied (none when the job was not importing).
async fn abort(
    shard: &std::rc::Rc<Shard>,
    job: String,
    state: ImportState,
) -> Result<usize, String> {
    let slots = shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            let j = node.imports.get_mut(&job).ok_or("ERR No such slot migration job")?;
            if j.state != ImportState::Importing {
                return Ok::<_, &str>(Vec::new());
            }
            j.state = state;
            j.updated_ms = unix_ms();
            tracing::warn!("slot migration {job}: import aborted, deleting what was imported");
            Ok(j.slots.clone())
        })
        .await?;
    let n = slots.len();
    shard
        .on_all_shards(move |s: &Shard| {
            let mut core = s.core.borrow_mut();
            let mine: Vec<Slot> =
                slots.iter().copied().filter(|&x| core.owned.contains(x)).collect();
            core.ks.drop_slots(0, mine);
        })
        .await;
    Ok(n)
}

/// A link closed: the last link of an unfinished import aborts it.
pub async fn link_closed(shard: &std::rc::Rc<Shard>, link: ImportLink) {
    let job = link.job.clone();
    let last = shard
        .on_shard(0, move |s: &Shard| {
            let mut cluster = s.cluster.borrow_mut();
            let node = cluster.as_mut().expect("shard 0 holds the cluster state");
            node.imports.get_mut(&job).is_some_and(|j| {
                j.links = j.links.saturating_sub(1);
                j.links == 0 && j.state == ImportState::Importing
            })
        })
        .await;
    if last {
        let _ = abort(shard, link.job, ImportState::Aborted).await;
    }
}

/// The import entries of CLUSTER GETSLOTMIGRATIONS (one map per job; the
/// caller writes the array header).
pub fn describe(imports: &Imports, me: &NodeId, out: &mut Reply<'_>) {
    for (name, j) in imports {
        out.map(8);
        out.bulk(b"name");
        out.bulk(name.as_bytes());
        out.bulk(b"operation");
        out.bulk(b"IMPORT");
        out.bulk(b"slot_ranges");
        out.bulk(ranges_text(&j.slots).as_bytes());
        out.bulk(b"source_node");
        out.bulk(id_str(&j.source).as_bytes());
        out.bulk(b"target_node");
        out.bulk(id_str(me).as_bytes());
        out.bulk(b"create_time");
        out.int(j.created_ms as i64);
        out.bulk(b"last_update_time");
        out.int(j.updated_ms as i64);
        out.bulk(b"state");
        out.bulk(j.state.name().as_bytes());
    }
}

/// `0-9 20-29`: the runs of ascending `slots`.
pub fn ranges_text(slots: &[Slot]) -> String {
    let runs = engine::slot::runs(slots.iter().copied());
    runs.iter().map(|(a, b)| format!("{a}-{b}")).collect::<Vec<_>>().join(" ")
}
