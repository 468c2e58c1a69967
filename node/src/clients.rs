//! The clients connected to one shard: what CLIENT LIST, CLIENT INFO and CLIENT KILL
//! see, and the per-connection state the connection task keeps.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use engine::resp::Protocol;

use crate::shard::waiters::WaitState;

/// CLIENT REPLY mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// Skip the reply of the next command only.
    Skip,
}

/// One connected client.
pub struct Client {
    /// Unique id over the node (CLIENT ID).
    pub id: u64,
    /// Peer address.
    pub addr: SocketAddr,
    /// Local address.
    pub laddr: SocketAddr,
    /// Socket descriptor (CLIENT KILL shuts it down to wake the connection task).
    pub fd: RawFd,
    /// CLIENT SETNAME.
    pub name: String,
    /// CLIENT SETINFO lib-name / lib-ver.
    pub lib_name: String,
    pub lib_ver: String,
    /// When the connection was accepted.
    pub created: Instant,
    /// When the last command was received.
    pub last_interaction: Instant,
    /// Selected database.
    pub db: usize,
    /// Protocol version.
    pub proto: Protocol,
    /// True once AUTH succeeded (or no password is set).
    pub authenticated: bool,
    /// The last command executed, for CLIENT LIST `cmd=`.
    pub last_cmd: &'static str,
    /// CLIENT REPLY state.
    pub reply_mode: ReplyMode,
    /// CLIENT NO-EVICT.
    pub no_evict: bool,
    /// Bytes waiting in the query buffer.
    pub qbuf_bytes: usize,
    /// Set by CLIENT KILL: the connection closes as soon as it notices.
    pub killed: bool,
    /// Set while the client is blocked (BLPOP ...): CLIENT UNBLOCK takes it.
    pub blocked: Option<Arc<WaitState>>,
    /// The blocked client has a deadline (INFO clients_in_timeout_table).
    pub blocked_timeout: bool,
    /// ASKING was sent: the next command may use a slot being imported.
    pub asking: bool,
    /// A native migration link (CLUSTER SYNCSLOTS ESTABLISH): it writes the
    /// slots it imports, which this node does not serve yet.
    pub import: Option<crate::cluster::import::ImportLink>,
}

impl Client {
    /// The CLIENT LIST / CLIENT INFO line (without the trailing newline).
    pub fn info_line(&self, now: Instant) -> String {
        format!(
            "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi=-1 qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=0 tot-mem={} events=r cmd={} user=default redir=-1 resp={} lib-name={} lib-ver={}",
            self.id,
            self.addr,
            self.laddr,
            self.fd,
            self.name,
            now.duration_since(self.created).as_secs(),
            now.duration_since(self.last_interaction).as_secs(),
            if self.blocked.is_some() { "b" } else { "N" },
            self.db,
            self.qbuf_bytes,
            16384usize.saturating_sub(self.qbuf_bytes),
            16384 + self.qbuf_bytes,
            self.last_cmd,
            if self.proto == Protocol::Resp3 { 3 } else { 2 },
            self.lib_name,
            self.lib_ver,
        )
    }

    /// Wakes the connection task by shutting the socket down; it then closes.
    pub fn kill(&mut self) {
        self.killed = true;
        // SAFETY: `fd` is the live socket of this client; shutdown does not close it.
        unsafe {
            libc::shutdown(self.fd, libc::SHUT_RDWR);
        }
    }
}

/// The clients of one shard, by id.
#[derive(Default)]
pub struct Registry {
    clients: BTreeMap<u64, Rc<RefCell<Client>>>,
}

impl Registry {
    /// Adds a client.
    pub fn add(&mut self, c: Rc<RefCell<Client>>) {
        let id = c.borrow().id;
        self.clients.insert(id, c);
    }

    /// Removes a client.
    pub fn remove(&mut self, id: u64) {
        self.clients.remove(&id);
    }

    /// Clients in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Rc<RefCell<Client>>> {
        self.clients.values()
    }

    /// Number of clients.
    pub fn len(&self) -> usize {
        self.clients.len()
    }
}
