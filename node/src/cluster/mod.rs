//! Cluster mode (`cluster-enabled yes`): the node's cluster state and its
//! nodes.conf, and the slot view every shard routes by.
//!
//! The state ([`ClusterNode`]: engine's `Cluster` plus its file) lives on
//! shard 0; other shards reach it by message. Each change is saved to
//! nodes.conf and a new [`SlotView`] is handed to every shard. A shard routes
//! each command by its own copy of the view, without locks.
//!
//! nodes.conf is rewritten in place as Redis 7.0 does it: one write of the
//! whole text at offset 0, padded with newlines to the old length (which the
//! parser skips), then truncated. A process crash leaves the old text or the
//! new one (a single write to the page cache is not torn by the process
//! dying). It is synced only when the epochs differ from the last synced
//! ones, as Redis syncs for epoch changes and not for slot assignments: a
//! reshard issues thousands of SETSLOTs, and a temporary file renamed and
//! synced each time cost ~1 ms against ~6 us for the write in place.
//!
//! Invariants:
//! - nodes.conf always describes the state the shards route by, or a later one;
//! - the epochs on disk, once synced, never go back: a change of the current
//!   or config epoch is synced before it is acted on (replied to, gossiped);
//! - only one process uses a nodes.conf (a lock file beside it is held).

pub mod bus;
pub mod config;
pub mod import;
pub mod redirect;

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use engine::cluster::bus::NODE_ID_BYTES;
use engine::cluster::nodes_conf;
use engine::cluster::state::{new_id, Cluster, Health, SlotIndexes};
use engine::slot::Slot;

use crate::config::Config;

/// The cluster state of this node, with the file it is kept in.
pub struct ClusterNode {
    pub state: Cluster,
    file: PathBuf,
    /// nodes.conf, open for writing in place.
    conf: File,
    /// Bytes of the text last written to `conf`.
    conf_len: u64,
    /// The epochs (current, config) the last synced save holds.
    synced_epochs: (u64, u64),
    _lock: File,
    /// Version of the last view handed out.
    view_version: u64,
    /// The bus links up now (CLUSTER LINKS), by link id.
    pub links: std::collections::BTreeMap<u64, LinkRecord>,
    /// Native slot imports (CLUSTER SYNCSLOTS), by job name.
    pub imports: import::Imports,
    /// Native slot exports (CLUSTER MIGRATESLOTS), by job name.
    pub exports: crate::migrate::slots::Exports,
    /// Send a PONG to every node at the next bus tick (slots changed hands:
    /// the others learn it within 100 ms, not at the next gossip).
    pub pong_all: bool,
}

/// One bus link as CLUSTER LINKS shows it.
#[derive(Clone, Debug)]
pub struct LinkRecord {
    /// Opened by us ("to") or by the peer ("from").
    pub outbound: bool,
    /// The node it belongs to (None: an inbound link not yet bound).
    pub node: Option<u64>,
    /// Unix ms it was made.
    pub created_ms: u64,
}

impl ClusterNode {
    /// CLUSTER LINKS: one map per link bound to a node.
    pub fn reply_links(&self, out: &mut engine::resp::Reply<'_>) {
        let bound: Vec<(&LinkRecord, &engine::cluster::state::Node)> = self
            .links
            .values()
            .filter_map(|l| l.node.and_then(|h| self.state.by_handle(h)).map(|n| (l, n)))
            .collect();
        out.array(bound.len());
        for (l, n) in bound {
            out.map(6);
            out.bulk(b"direction");
            out.bulk(if l.outbound { b"to" } else { b"from" });
            out.bulk(b"node");
            out.bulk(&n.id);
            out.bulk(b"create-time");
            out.int(l.created_ms as i64);
            out.bulk(b"events");
            out.bulk(b"r");
            out.bulk(b"send-buffer-allocated");
            out.int(0);
            out.bulk(b"send-buffer-used");
            out.int(0);
        }
    }
}

impl ClusterNode {
    /// Loads nodes.conf from `dir` (or starts a new one-node cluster with a
    /// random id and writes it), holding the file's lock.
    pub fn open(cfg: &Config) -> Result<ClusterNode, String> {
        let file = cfg.dir.join(&cfg.cluster.config_file);
        let lock = lock(&file)?;
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
        };
        let fresh = text.trim().is_empty();
        let mut state = if fresh {
            Cluster::new(new_id(random_bytes()?))
        } else {
            nodes_conf::parse(&text, crate::shard::unix_ms()).map_err(|e| {
                format!(
                    "Unrecoverable error: corrupted cluster config file {}: {e}",
                    file.display()
                )
            })?
        };
        let me = state.myself_mut();
        me.port = cfg.cluster.announce_port_or(cfg.port);
        me.cport = cfg.cluster.announce_bus_port_or(cfg.port);
        // The address is learnt from peers (or announced); a loaded one stays.
        if !cfg.cluster.announce_ip.is_empty() {
            me.ip = cfg.cluster.announce_ip.clone();
        }
        me.hostname = cfg.cluster.announce_hostname.clone();
        state.update_health(cfg.cluster.require_full_coverage);
        let conf = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&file)
            .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
        let mut node = ClusterNode {
            state,
            conf,
            conf_len: text.len() as u64,
            synced_epochs: (u64::MAX, u64::MAX),
            file,
            _lock: lock,
            view_version: 0,
            links: Default::default(),
            imports: Default::default(),
            exports: Default::default(),
            pong_all: false,
        };
        node.save_durable().map_err(|e| format!("cannot write {}: {e}", node.file.display()))?;
        if fresh {
            tracing::info!("No cluster configuration found, I'm {}", node.my_id());
        } else {
            tracing::info!("Node configuration loaded, I'm {}", node.my_id());
        }
        Ok(node)
    }

    /// This node's id.
    pub fn my_id(&self) -> &str {
        engine::cluster::state::id_str(&self.state.myself().id)
    }

    /// Writes nodes.conf in place; synced when the epochs changed since
    /// the last synced save.
    pub fn save(&mut self) -> std::io::Result<()> {
        let fsync = self.epochs() != self.synced_epochs;
        self.write_conf(fsync)
    }

    /// Writes nodes.conf in place and syncs it (CLUSTER SAVECONFIG).
    pub fn save_durable(&mut self) -> std::io::Result<()> {
        self.write_conf(true)
    }

    /// One write of the text at offset 0, padded with newlines over what is
    /// left of the old text; synced with `fsync`; then cut to its length.
    fn write_conf(&mut self, fsync: bool) -> std::io::Result<()> {
        let mut text = nodes_conf::render(&self.state).into_bytes();
        let len = text.len() as u64;
        if self.conf_len > len {
            text.resize(self.conf_len as usize, b'\n');
        }
        self.conf.write_all_at(&text, 0)?;
        if fsync {
            self.conf.sync_data()?;
            self.synced_epochs = self.epochs();
        }
        if text.len() as u64 != len {
            self.conf.set_len(len)?;
        }
        self.conf_len = len;
        Ok(())
    }

    /// After a change of the state: saves it (a failure is logged: the
    /// state in memory stays the truth, as the next save will write it) and
    /// returns the view to route by.
    pub fn commit(&mut self) -> std::sync::Arc<SlotView> {
        if let Err(e) = self.save() {
            tracing::warn!("cannot update the cluster config file: {e}");
        }
        std::sync::Arc::new(self.view())
    }

    /// The epochs a durable save protects: (current epoch, my config epoch).
    pub fn epochs(&self) -> (u64, u64) {
        (self.state.current_epoch, self.state.myself().config_epoch)
    }

    /// What the shards route by; each call gives a newer version.
    pub fn view(&mut self) -> SlotView {
        self.view_version += 1;
        let t = self.state.slot_indexes();
        let me = self.state.myself().id;
        // The view's code of each node index, and of "none" (the last).
        let mut addrs: Vec<String> = Vec::new();
        let mut code: Vec<u16> = t
            .nodes
            .iter()
            .map(|n| {
                if n.id == me {
                    return MINE;
                }
                let a = format!("{}:{}", n.ip, n.port);
                let i = addrs.iter().position(|x| *x == a).unwrap_or_else(|| {
                    addrs.push(a);
                    addrs.len() - 1
                });
                i as u16 + FIRST_PEER
            })
            .collect();
        code.push(UNASSIGNED);
        let none = code.len() - 1;
        let code_of = |i: u16| code[if i == SlotIndexes::NONE { none } else { i as usize }];
        let owner = t.owner.iter().map(|&i| code_of(i)).collect();
        let migrating = t.migrating_to.iter().map(|&i| code_of(i)).collect();
        let importing = t.importing_from.iter().map(|&i| i != SlotIndexes::NONE).collect();
        SlotView {
            owner,
            migrating,
            importing,
            addrs,
            ok: self.state.health == Health::Ok,
            version: self.view_version,
        }
    }
}

/// Hands `view` to every shard; a shard keeps it unless it has a newer one.
pub async fn install_view(
    shard: &std::rc::Rc<crate::shard::Shard>,
    view: std::sync::Arc<SlotView>,
) {
    shard
        .on_all_shards(move |s: &crate::shard::Shard| {
            let mut core = s.core.borrow_mut();
            if core.slot_view.as_ref().is_none_or(|v| v.version < view.version) {
                core.slot_view = Some(view.clone());
            }
        })
        .await;
}

/// The lock beside nodes.conf, held for the life of the process.
fn lock(file: &Path) -> Result<File, String> {
    let path = file.with_extension("conf.lock");
    let f = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    // SAFETY: flock on a descriptor we own.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(format!(
            "Sorry, the cluster configuration file {} is already used by a different Redis Cluster node. \
             Please make sure that different nodes use different cluster configuration files.",
            file.display()
        ));
    }
    Ok(f)
}

/// Random bytes for a node id, from the kernel.
fn random_bytes() -> Result<[u8; NODE_ID_BYTES / 2], String> {
    use std::io::Read;
    let mut b = [0u8; NODE_ID_BYTES / 2];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("cannot read /dev/urandom for a node id: {e}"))?;
    Ok(b)
}

const UNASSIGNED: u16 = 0;
const MINE: u16 = 1;
const FIRST_PEER: u16 = 2;

/// Who serves each slot, as the shards route by it.
pub struct SlotView {
    /// Per slot: [`UNASSIGNED`], [`MINE`], or `FIRST_PEER + i` for `addrs[i]`.
    owner: Box<[u16]>,
    /// Per slot: where it is being migrated to (`FIRST_PEER + i`), or
    /// [`UNASSIGNED`] (SETSLOT MIGRATING).
    migrating: Box<[u16]>,
    /// Per slot: being imported here (SETSLOT IMPORTING).
    importing: Box<[bool]>,
    /// "ip:port" of the other nodes serving or receiving slots.
    addrs: Vec<String>,
    /// The cluster is up (CLUSTER INFO cluster_state:ok).
    pub ok: bool,
    /// Views are handed out in increasing versions; a shard keeps the newest.
    pub version: u64,
}

/// Where a command for a slot goes.
#[derive(Debug, PartialEq, Eq)]
pub enum SlotRoute<'a> {
    /// Served here.
    Here,
    /// Served by the node at this address.
    Moved(&'a str),
    /// Nobody serves it.
    Unassigned,
}

impl SlotView {
    /// Who serves `slot`.
    pub fn route(&self, slot: Slot) -> SlotRoute<'_> {
        match self.owner[slot as usize] {
            UNASSIGNED => SlotRoute::Unassigned,
            MINE => SlotRoute::Here,
            i => SlotRoute::Moved(&self.addrs[(i - FIRST_PEER) as usize]),
        }
    }

    /// Where `slot` is being migrated to, if it is (SETSLOT MIGRATING).
    pub fn migrating_to(&self, slot: Slot) -> Option<&str> {
        match self.migrating[slot as usize] {
            UNASSIGNED => None,
            i => Some(&self.addrs[(i - FIRST_PEER) as usize]),
        }
    }

    /// Whether `slot` is being imported here (SETSLOT IMPORTING).
    pub fn importing(&self, slot: Slot) -> bool {
        self.importing[slot as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::cluster::state::Node;

    fn cfg(dir: &Path) -> Config {
        let mut c = Config { dir: dir.to_path_buf(), port: 7000, ..Default::default() };
        c.cluster.enabled = true;
        c
    }

    #[test]
    fn a_new_node_writes_its_file_and_finds_it_again() {
        let dir = std::env::temp_dir().join(format!("slotd-cluster-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = cfg(&dir);
        let id = {
            let mut node = ClusterNode::open(&cfg).unwrap();
            let second = ClusterNode::open(&cfg).err().expect("the file is locked");
            assert!(second.contains("already used"), "{second}");
            assert_eq!(node.my_id().len(), 40);
            assert!(node.my_id().bytes().all(|b| b.is_ascii_hexdigit()));
            let mut peer = Node::new(*b"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 1);
            peer.ip = "10.0.0.2".into();
            peer.port = 7001;
            node.state.add_node(peer);
            for s in 0..10 {
                node.state.assign(s, &node.state.myself().id.clone());
            }
            node.state.assign(10, b"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
            node.save().unwrap();
            let view = node.view();
            assert_eq!(view.route(0), SlotRoute::Here);
            assert_eq!(view.route(10), SlotRoute::Moved("10.0.0.2:7001"));
            assert_eq!(view.route(11), SlotRoute::Unassigned);
            assert!(!view.ok);
            node.my_id().to_string()
        };
        {
            // A shorter text over a longer one: the file holds exactly it.
            let mut node = ClusterNode::open(&cfg).unwrap();
            for s in (100..200).step_by(2) {
                node.state.assign(s, &node.state.myself().id.clone());
            }
            node.save().unwrap();
            for s in (100..200).step_by(2) {
                node.state.unassign(s);
            }
            node.save().unwrap();
            let text = std::fs::read_to_string(dir.join("nodes.conf")).unwrap();
            assert_eq!(text, nodes_conf::render(&node.state));
        }
        let again = ClusterNode::open(&cfg).unwrap();
        assert_eq!(again.view_version, 0);
        assert_eq!(again.my_id(), id);
        assert_eq!(again.state.myself().slot_count(), 10);
        assert_eq!(again.state.myself().cport, 17000);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
