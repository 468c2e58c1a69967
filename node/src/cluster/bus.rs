//! The cluster bus on shard 0: the listener on the bus port, one link per
//! peer we connect to (outbound) and per peer that connected to us
//! (inbound), and the cron that runs the protocol ten times a second. What
//! the messages mean is decided by `engine::cluster::gossip`; this file
//! moves frames and carries out what it returns.
//!
//! Invariants:
//! - at most one outbound link per node (by handle); a link whose node is
//!   forgotten or whose socket fails is closed and the node marked so;
//! - a frame is bounded (`MAX_MESSAGE_BYTES`); one that does not decode is
//!   logged and its link closed, the state untouched;
//! - a state change from the bus is saved and routed by on this shard
//!   before the next message is read; the other shards get it by message.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use engine::cluster::bus::{frame_len, msg_type, Message};
use engine::cluster::gossip::{Link, Outcome, Settings};
use futures_channel::mpsc;
use futures_lite::{AsyncReadExt, AsyncWriteExt, StreamExt};
use glommio::net::{TcpListener, TcpStream};

use super::LinkRecord;
use crate::conn::batch::fastrand_u64;
use crate::shard::{unix_ms, Shard};

/// How often the protocol's periodic work runs.
const TICK: Duration = Duration::from_millis(100);

/// The outbound links of this node, by node handle: where to queue frames.
#[derive(Default)]
struct Links {
    out: HashMap<u64, mpsc::UnboundedSender<Vec<u8>>>,
    /// Ids of the link records kept for CLUSTER LINKS.
    next_id: u64,
}

/// Records a link that came up (CLUSTER LINKS); returns its id.
fn link_up(shard: &Shard, links: &Shared, outbound: bool, node: Option<u64>) -> u64 {
    let id = {
        let mut l = links.borrow_mut();
        l.next_id += 1;
        l.next_id
    };
    if let Some(c) = shard.cluster.borrow_mut().as_mut() {
        c.links.insert(id, LinkRecord { outbound, node, created_ms: unix_ms() });
    }
    id
}

/// Updates or drops the record of link `id`.
fn link_record(shard: &Shard, id: u64, node: Option<Option<u64>>) {
    if let Some(c) = shard.cluster.borrow_mut().as_mut() {
        match node {
            Some(n) => {
                if let Some(r) = c.links.get_mut(&id) {
                    r.node = n;
                }
            }
            None => {
                c.links.remove(&id);
            }
        }
    }
}

type Shared = Rc<RefCell<Links>>;

/// Starts the bus on shard 0: listens on `addrs` (those flagged optional
/// may be missing) and runs the cron.
pub fn start(shard: &Rc<Shard>, addrs: Vec<(SocketAddr, bool)>) -> Result<(), String> {
    let links: Shared = Rc::default();
    for (addr, optional) in addrs {
        let listener = match TcpListener::bind(addr) {
            Ok(l) => l,
            Err(_) if optional => continue,
            Err(e) => return Err(format!("Could not create the cluster bus socket {addr}: {e}")),
        };
        let (shard, links) = (shard.clone(), links.clone());
        glommio::spawn_local(async move {
            loop {
                match listener.accept().await {
                    Ok(stream) => {
                        let (shard, links) = (shard.clone(), links.clone());
                        glommio::spawn_local(inbound(shard, links, stream)).detach();
                    }
                    Err(e) => {
                        tracing::warn!("cluster bus accept: {e}");
                        glommio::timer::sleep(TICK).await;
                    }
                }
            }
        })
        .detach();
    }
    let shard = shard.clone();
    glommio::spawn_local(cron(shard, links)).detach();
    Ok(())
}

fn settings(shard: &Shard) -> Settings {
    let core = shard.core.borrow();
    let c = &core.cfg.cluster;
    Settings {
        node_timeout_ms: c.node_timeout_ms,
        announce_ip: c.announce_ip.clone(),
        require_full_coverage: c.require_full_coverage,
    }
}

/// Encodes `m`, counting it as sent `copies` times (CLUSTER INFO).
fn encode(shard: &Shard, m: &Message, copies: usize) -> Vec<u8> {
    if let Some(c) = shard.cluster.borrow_mut().as_mut() {
        for _ in 0..copies {
            c.state.count_message(m.header.msg_type, true);
        }
    }
    let mut b = Vec::with_capacity(4096);
    m.encode(&mut b);
    b
}

/// Reads one frame; None at end of stream, on an error, or on a frame that
/// is not the cluster bus (logged).
async fn read_frame(r: &mut (impl futures_lite::AsyncRead + Unpin)) -> Option<Vec<u8>> {
    let mut frame = vec![0u8; 8];
    r.read_exact(&mut frame).await.ok()?;
    let total = match frame_len(&frame) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!("cluster bus: closing a link that sent a bad frame: {e}");
            return None;
        }
    };
    frame.resize(total, 0);
    r.read_exact(&mut frame[8..]).await.ok()?;
    Some(frame)
}

/// Decodes and processes one frame that came on `link`.
fn process(shard: &Rc<Shard>, links: &Shared, frame: &[u8], link: &Link) -> Option<Outcome> {
    let m = match Message::decode(frame) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!("cluster bus: dropping an invalid message from {}: {e}", link.peer_ip);
            return None;
        }
    };
    let s = settings(shard);
    let mut cluster = shard.cluster.borrow_mut();
    let node = cluster.as_mut()?;
    node.state.count_message(m.header.msg_type, false);
    let out = node.state.process(&m, link, &s, unix_ms(), fastrand_u64);
    drop(cluster);
    if out.changed {
        publish(shard);
    }
    let mut l = links.borrow_mut();
    for (h, m) in &out.send {
        if let Some(tx) = l.out.get(h) {
            let _ = tx.unbounded_send(encode(shard, m, 1));
        }
    }
    for m in &out.broadcast {
        let frame = encode(shard, m, l.out.len());
        for tx in l.out.values() {
            let _ = tx.unbounded_send(frame.clone());
        }
    }
    for h in &out.close_links_of {
        // Dropping the sender ends that link's writer, which closes it.
        l.out.remove(h);
    }
    Some(out)
}

fn ips(stream: &TcpStream) -> (String, String) {
    let peer = stream.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let local = stream.local_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    (peer, local)
}

/// A link a peer opened: answer its PINGs and MEETs.
async fn inbound(shard: Rc<Shard>, links: Shared, mut stream: TcpStream) {
    let (peer_ip, local_ip) = ips(&stream);
    let mut link = Link { inbound: true, node: None, peer_ip, local_ip };
    let id = link_up(&shard, &links, false, None);
    while let Some(frame) = read_frame(&mut stream).await {
        let Some(out) = process(&shard, &links, &frame, &link) else { break };
        if let Some(h) = out.bind_link {
            link.node = Some(h);
            link_record(&shard, id, Some(Some(h)));
        }
        if let Some(reply) = out.reply {
            if stream.write_all(&encode(&shard, &reply, 1)).await.is_err() {
                break;
            }
        }
        if out.close_link {
            break;
        }
    }
    link_record(&shard, id, None);
}

/// A link to node `h`: connect, send the first message, then write what is
/// queued and process what comes back, until either side fails.
async fn outbound(
    shard: Rc<Shard>,
    links: Shared,
    h: u64,
    addr: String,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let timeout = Duration::from_millis(settings(&shard).node_timeout_ms.max(1000));
    let stream = match TcpStream::connect_timeout(addr.as_str(), timeout).await {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!("cluster bus: cannot connect to {addr}: {e}");
            return link_closed(&shard, &links, h);
        }
    };
    let (peer_ip, local_ip) = ips(&stream);
    let link = Link { inbound: false, node: Some(h), peer_ip, local_ip };
    let id = link_up(&shard, &links, true, Some(h));
    let first = {
        let s = settings(&shard);
        let mut cluster = shard.cluster.borrow_mut();
        cluster.as_mut().and_then(|c| c.state.first_message(h, &s, unix_ms(), fastrand_u64))
    };
    let (mut reader, mut writer) = futures_lite::io::split(stream);
    let sent = match first {
        Some(first) => writer.write_all(&encode(&shard, &first, 1)).await.is_ok(),
        None => false,
    };
    if !sent {
        link_record(&shard, id, None);
        return link_closed(&shard, &links, h);
    }
    let read_side = {
        let (shard, links, link) = (shard.clone(), links.clone(), link.clone());
        glommio::spawn_local(async move {
            while let Some(frame) = read_frame(&mut reader).await {
                let Some(out) = process(&shard, &links, &frame, &link) else { break };
                if out.close_link {
                    break;
                }
            }
            // Ends the writer too: its queue closes with the link's entry.
            links.borrow_mut().out.remove(&h);
        })
    };
    while let Some(frame) = rx.next().await {
        if writer.write_all(&frame).await.is_err() {
            break;
        }
    }
    drop(read_side);
    link_record(&shard, id, None);
    link_closed(&shard, &links, h);
}

/// Marks node `h`'s outbound link down (the cron reconnects).
fn link_closed(shard: &Shard, links: &Shared, h: u64) {
    links.borrow_mut().out.remove(&h);
    if let Some(c) = shard.cluster.borrow_mut().as_mut() {
        c.state.link_down(h, unix_ms());
    }
}

/// Ten times a second: the protocol's periodic work, new links, pings,
/// and saving what changed.
async fn cron(shard: Rc<Shard>, links: Shared) {
    let mut iteration = 0u64;
    loop {
        glommio::timer::sleep(TICK).await;
        if shard.shared.shutdown.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        iteration += 1;
        let s = settings(&shard);
        let now = unix_ms();
        let (tick, to_connect) = {
            let mut cluster = shard.cluster.borrow_mut();
            let Some(c) = cluster.as_mut() else { return };
            let mut tick = c.state.tick(iteration, &s, now, fastrand_u64);
            if std::mem::take(&mut c.pong_all) {
                tick.broadcast.push(c.state.ping_message(
                    msg_type::PONG,
                    None,
                    &s,
                    now,
                    fastrand_u64,
                ));
            }
            let open = links.borrow();
            tick.connect.retain(|h| !open.out.contains_key(h));
            let to_connect: Vec<(u64, String)> = tick
                .connect
                .iter()
                .filter_map(|&h| c.state.by_handle(h).map(|n| (h, format!("{}:{}", n.ip, n.cport))))
                .collect();
            (tick, to_connect)
        };
        if tick.changed {
            publish(&shard);
        }
        {
            let mut l = links.borrow_mut();
            for h in &tick.close_links_of {
                l.out.remove(h);
            }
            for m in &tick.broadcast {
                let frame = encode(&shard, m, l.out.len());
                for tx in l.out.values() {
                    let _ = tx.unbounded_send(frame.clone());
                }
            }
        }
        for &h in &tick.ping {
            let ping = {
                let mut cluster = shard.cluster.borrow_mut();
                let Some(c) = cluster.as_mut() else { return };
                c.state.ping_message(msg_type::PING, Some(h), &s, now, fastrand_u64)
            };
            if let Some(tx) = links.borrow().out.get(&h) {
                let _ = tx.unbounded_send(encode(&shard, &ping, 1));
            }
        }
        for (h, addr) in to_connect {
            let (tx, rx) = mpsc::unbounded();
            links.borrow_mut().out.insert(h, tx);
            glommio::spawn_local(outbound(shard.clone(), links.clone(), h, addr, rx)).detach();
        }
    }
}

/// Saves nodes.conf and routes by the new view: on this shard at once, on
/// the others as soon as their message arrives.
fn publish(shard: &Rc<Shard>) {
    let view = {
        let mut cluster = shard.cluster.borrow_mut();
        let Some(c) = cluster.as_mut() else { return };
        c.commit()
    };
    shard.core.borrow_mut().slot_view = Some(view.clone());
    let shard = shard.clone();
    glommio::spawn_local(async move { super::install_view(&shard, view).await }).detach();
}
