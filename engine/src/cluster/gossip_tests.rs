//! The bus state machine between in-memory nodes: messages are encoded and
//! decoded on the way, links are modelled as the node keeps them.

use super::*;
use crate::cluster::bus::NODE_ID_BYTES;
use crate::cluster::state::id_str;

/// One simulated node: its state, and which of its outbound links are up.
struct Sim {
    c: Cluster,
    ip: String,
    links: Vec<u64>,
}

fn settings() -> Settings {
    Settings { node_timeout_ms: 1000, announce_ip: String::new(), require_full_coverage: true }
}

fn id(i: usize) -> NodeId {
    let mut id = [b'0'; NODE_ID_BYTES];
    id[0] = b'a' + i as u8;
    id
}

fn sims(n: usize) -> Vec<Sim> {
    (0..n)
        .map(|i| {
            let mut c = Cluster::new(id(i));
            c.myself_mut().port = 7000 + i as u16;
            c.myself_mut().cport = 17000 + i as u16;
            Sim { c, ip: format!("10.0.0.{}", i + 1), links: vec![] }
        })
        .collect()
}

fn wire(m: &Message) -> Message {
    let mut b = Vec::new();
    m.encode(&mut b);
    Message::decode(&b).expect("valid frame")
}

/// Which simulated node listens at `cport` (None: it is gone).
fn at(sims: &[Sim], cport: u16) -> Option<usize> {
    sims.iter().position(|s| s.c.myself().cport == cport)
}

/// Delivers `m` from node `from` to node `to` over a link and returns what
/// the receiver answers (replies are delivered back on the same link).
fn deliver(
    sims: &mut [Sim],
    from: usize,
    from_handle: Option<u64>,
    to: usize,
    m: &Message,
    now: u64,
    rng: &mut u64,
) {
    let mut next = || {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        *rng
    };
    // The receiver sees an inbound link from `from`.
    let link = Link {
        inbound: true,
        node: None,
        peer_ip: sims[from].ip.clone(),
        local_ip: sims[to].ip.clone(),
    };
    let out = sims[to].c.process(&wire(m), &link, &settings(), now, &mut next);
    if let Some(reply) = out.reply {
        // Back on `from`'s outbound link.
        let link = Link {
            inbound: false,
            node: from_handle,
            peer_ip: sims[to].ip.clone(),
            local_ip: sims[from].ip.clone(),
        };
        let back = sims[from].c.process(&wire(&reply), &link, &settings(), now, &mut next);
        if back.close_link {
            if let Some(h) = from_handle {
                sims[from].links.retain(|&l| l != h);
                sims[from].c.link_down(h, now);
            }
        }
    }
}

/// One round: every node runs its tick; links are opened and first messages
/// and pings delivered.
fn round(sims: &mut [Sim], iteration: u64, now: u64, rng: &mut u64) {
    for i in 0..sims.len() {
        let mut r = *rng;
        let mut next = || {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r
        };
        let t = sims[i].c.tick(iteration, &settings(), now, &mut next);
        *rng = r;
        for h in t.close_links_of {
            sims[i].links.retain(|&l| l != h);
            sims[i].c.link_down(h, now);
        }
        let mut sends = Vec::new();
        for h in t.connect {
            let Some(n) = sims[i].c.by_handle(h) else { continue };
            if at(sims, n.cport).is_none() {
                sims[i].c.link_down(h, now);
                continue;
            }
            let mut r = *rng;
            let m = sims[i].c.first_message(h, &settings(), now, || {
                r = r.wrapping_mul(6364136223846793005).wrapping_add(1);
                r
            });
            sims[i].links.push(h);
            sends.push((h, m.expect("node known")));
        }
        for h in t.ping {
            let mut r = *rng;
            let m = sims[i].c.ping_message(msg_type::PING, Some(h), &settings(), now, || {
                r = r.wrapping_mul(6364136223846793005).wrapping_add(1);
                r
            });
            sends.push((h, m));
        }
        for (h, m) in sends {
            let Some(n) = sims[i].c.by_handle(h) else { continue };
            // A node that is gone never answers.
            let Some(to) = at(sims, n.cport) else { continue };
            deliver(sims, i, Some(h), to, &m, now, rng);
        }
    }
}

#[test]
fn meet_spreads_to_every_node_and_slots_follow() {
    let mut sims = sims(3);
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    // Each node serves a third of the slots with its own epoch.
    for (i, s) in sims.iter_mut().enumerate() {
        let me = s.c.myself().id;
        for slot in (i * SLOT_COUNT / 3)..((i + 1) * SLOT_COUNT / 3) {
            s.c.assign(slot as Slot, &me);
        }
        s.c.myself_mut().config_epoch = i as u64 + 1;
        s.c.current_epoch = i as u64 + 1;
    }
    // Node 0 meets node 1 and node 2 (as CLUSTER MEET does).
    for j in 1..3 {
        let ip = sims[j].ip.clone();
        let (port, cport) = (sims[j].c.myself().port as i64, sims[j].c.myself().cport as i64);
        assert_eq!(sims[0].c.start_handshake(&ip, port, cport, id(9 + j), 0), Handshake::Started);
        assert_eq!(sims[0].c.start_handshake(&ip, port, cport, id(12), 0), Handshake::InProgress);
    }
    assert_eq!(sims[0].c.start_handshake("not-an-ip", 1, 2, id(13), 0), Handshake::InvalidAddress);
    assert_eq!(
        sims[0].c.start_handshake("10.0.0.9", 70000, 2, id(13), 0),
        Handshake::InvalidAddress
    );
    for it in 0..60 {
        round(&mut sims, it, 100 * it, &mut rng);
    }
    for s in &sims {
        assert_eq!(s.c.nodes().len(), 3, "{}", s.c.describe_all(0));
        assert!(
            s.c.nodes().iter().all(|n| !n.has(node_flags::HANDSHAKE)),
            "{}",
            s.c.describe_all(0)
        );
        for (i, other) in sims.iter().enumerate() {
            let n = s.c.node(&other.c.myself().id).expect("knows every node");
            assert_eq!(
                n.slot_count(),
                SLOT_COUNT / 3 + (i == 2) as usize,
                "{}",
                s.c.describe_all(0)
            );
            assert_eq!(n.port, 7000 + i as u16);
        }
        assert_eq!(s.c.health, Health::Ok, "{}", s.c.describe_all(0));
        assert!(!s.c.myself().ip.is_empty(), "learnt its address from a peer");
        assert_eq!(s.c.current_epoch, 3);
    }
    // Node 2 stops answering: the others flag it PFAIL, then FAIL by majority.
    let gone = sims.remove(2);
    let gone_id = gone.c.myself().id;
    for it in 60..200 {
        round(&mut sims, it, 100 * it, &mut rng);
    }
    for s in &sims {
        let n = s.c.node(&gone_id).expect("still known");
        assert!(n.has(node_flags::FAIL), "{}: {}", id_str(&s.c.myself().id), s.c.describe_all(0));
        assert_eq!(s.c.health, Health::Fail);
    }
}

#[test]
fn a_newer_epoch_takes_slots_and_collisions_resolve() {
    let mut sims = sims(2);
    let mut rng = 7u64;
    let (a, b) = (sims[0].c.myself().id, sims[1].c.myself().id);
    for slot in 0..SLOT_COUNT as Slot {
        sims[0].c.assign(slot, &a);
    }
    let ip = sims[1].ip.clone();
    assert_eq!(sims[0].c.start_handshake(&ip, 7001, 17001, id(20), 0), Handshake::Started);
    for it in 0..30 {
        round(&mut sims, it, 100 * it, &mut rng);
    }
    // Both start at config epoch 0: the one with the larger id moves on.
    let (ea, eb) = (sims[0].c.myself().config_epoch, sims[1].c.myself().config_epoch);
    assert_ne!(ea, eb, "collision resolved");
    // Node b takes slot 5 by hand with a bumped epoch; a follows.
    sims[1].c.assign(5, &b);
    while sims[1].c.myself().config_epoch <= sims[0].c.myself().config_epoch {
        crate::cluster::commands::bump_epoch(&mut sims[1].c);
    }
    for it in 30..60 {
        round(&mut sims, it, 100 * it, &mut rng);
    }
    assert_eq!(sims[0].c.owner(5).unwrap().id, b);
    assert_eq!(sims[0].c.owner(6).unwrap().id, a);
}
