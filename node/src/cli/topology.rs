//! What the admin CLI knows of a cluster: the nodes as CLUSTER NODES lists
//! them (id, address, role, epoch, slots, open slots), a connection to each
//! master, and whether it is a slotd node (which speaks the native slot
//! migration) or a redis-server.

use std::collections::BTreeMap;
use std::time::Duration;

use redis::{Connection, Value};

/// One node of the cluster.
pub struct Node {
    pub id: String,
    pub host: String,
    pub port: u16,
    pub master: bool,
    /// The master's id, for a replica.
    pub master_id: Option<String>,
    /// Owned slots, ascending.
    pub slots: Vec<u16>,
    /// Slots being migrated to (slot, node id) and imported from.
    pub migrating: Vec<(u16, String)>,
    pub importing: Vec<(u16, String)>,
    /// A slotd node (INFO reports `slotd_version`).
    pub slotd: bool,
    pub conn: Connection,
}

impl Node {
    /// `host:port`.
    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Runs a command, mapping errors to text.
    pub fn call<T: redis::FromRedisValue>(&mut self, cmd: &redis::Cmd) -> Result<T, String> {
        cmd.query(&mut self.conn).map_err(|e| format!("{}: {e}", self.addr()))
    }
}

/// The cluster as seen from one entry node.
pub struct Cluster {
    /// By node id.
    pub nodes: BTreeMap<String, Node>,
    /// The `host:port` it was loaded from.
    pub entry: String,
}

/// Connects to `host:port` with deadlines on every read and write.
pub fn connect(host: &str, port: u16) -> Result<Connection, String> {
    let client = redis::Client::open(format!("redis://{host}:{port}/"))
        .map_err(|e| format!("{host}:{port}: {e}"))?;
    let conn = client
        .get_connection_with_timeout(Duration::from_secs(5))
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    conn.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
    conn.set_write_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Splits `host:port`.
pub fn parse_addr(addr: &str) -> Result<(String, u16), String> {
    let (host, port) =
        addr.rsplit_once(':').ok_or_else(|| format!("bad address {addr}: host:port expected"))?;
    let port = port.parse().map_err(|_| format!("bad port in {addr}"))?;
    Ok((host.to_string(), port))
}

impl Cluster {
    /// Loads the cluster from the node at `addr` and connects to every node
    /// it knows that is not failing.
    pub fn load(addr: &str) -> Result<Cluster, String> {
        let (host, port) = parse_addr(addr)?;
        let mut entry = connect(&host, port)?;
        let text: String = redis::cmd("CLUSTER")
            .arg("NODES")
            .query(&mut entry)
            .map_err(|e| format!("{addr}: {e}"))?;
        let mut nodes = BTreeMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let l = parse_line(line, &host, port)?;
            if l.failing {
                continue;
            }
            let mut conn = connect(&l.host, l.port)?;
            let info: String =
                redis::cmd("INFO").arg("server").query(&mut conn).map_err(|e| e.to_string())?;
            let node = Node {
                id: l.id,
                host: l.host,
                port: l.port,
                master: l.master,
                master_id: l.master_id,
                slots: l.slots,
                migrating: l.migrating,
                importing: l.importing,
                slotd: info.contains("slotd_version:"),
                conn,
            };
            nodes.insert(node.id.clone(), node);
        }
        Ok(Cluster { nodes, entry: addr.to_string() })
    }

    /// The masters, in id order.
    pub fn masters(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().filter(|n| n.master)
    }

    /// The node whose id starts with `prefix` (unique), or at `host:port`.
    pub fn find(&self, what: &str) -> Result<String, String> {
        if let Some(n) = self.nodes.values().find(|n| n.addr() == what) {
            return Ok(n.id.clone());
        }
        let hits: Vec<&String> = self.nodes.keys().filter(|id| id.starts_with(what)).collect();
        match hits.as_slice() {
            [id] => Ok((*id).clone()),
            [] => Err(format!("No such node ID {what}")),
            _ => Err(format!("Ambiguous node ID {what}")),
        }
    }

    /// Keys each master holds in `slot`.
    pub fn keys_in_slot(&mut self, id: &str, slot: u16) -> Result<u64, String> {
        let n = self.nodes.get_mut(id).ok_or("unknown node")?;
        n.call(redis::cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot))
    }
}

/// One CLUSTER NODES line.
struct NodeLine {
    id: String,
    host: String,
    port: u16,
    master: bool,
    master_id: Option<String>,
    failing: bool,
    slots: Vec<u16>,
    migrating: Vec<(u16, String)>,
    importing: Vec<(u16, String)>,
}

/// Parses one CLUSTER NODES line; a line without an address (a lone node
/// not told its address yet) gets the entry's.
fn parse_line(line: &str, entry_host: &str, entry_port: u16) -> Result<NodeLine, String> {
    let f: Vec<&str> = line.split(' ').collect();
    if f.len() < 8 {
        return Err(format!("bad CLUSTER NODES line: {line}"));
    }
    let addr = f[1].split('@').next().unwrap_or_default().split(',').next().unwrap_or_default();
    let (mut host, mut port) = parse_addr(addr).unwrap_or((String::new(), 0));
    if host.is_empty() || port == 0 {
        (host, port) = (entry_host.to_string(), entry_port);
    }
    let flags: Vec<&str> = f[2].split(',').collect();
    let mut slots = Vec::new();
    let (mut migrating, mut importing) = (Vec::new(), Vec::new());
    for s in &f[8..] {
        if let Some(open) = s.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
            if let Some((slot, to)) = open.split_once("->-") {
                migrating
                    .push((slot.parse().map_err(|_| format!("bad slot {s}"))?, to.to_string()));
            } else if let Some((slot, from)) = open.split_once("-<-") {
                importing
                    .push((slot.parse().map_err(|_| format!("bad slot {s}"))?, from.to_string()));
            }
            continue;
        }
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let (a, b): (u16, u16) = (
            a.parse().map_err(|_| format!("bad slot range {s}"))?,
            b.parse().map_err(|_| format!("bad slot range {s}"))?,
        );
        slots.extend(a..=b);
    }
    Ok(NodeLine {
        id: f[0].to_string(),
        host,
        port,
        master: flags.contains(&"master"),
        master_id: (f[3] != "-").then(|| f[3].to_string()),
        failing: flags.iter().any(|x| *x == "fail" || *x == "fail?" || *x == "noaddr"),
        slots,
        migrating,
        importing,
    })
}

/// The value of a field of a `GETSLOTMIGRATIONS` entry (a flat array of
/// name, value pairs).
pub fn field<'v>(entry: &'v Value, name: &str) -> Option<&'v Value> {
    let Value::Array(items) = entry else { return None };
    items.chunks(2).find_map(|kv| match &kv[0] {
        Value::BulkString(k) if k == name.as_bytes() => kv.get(1),
        _ => None,
    })
}

/// A bulk or simple string value as text.
pub fn text(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}
