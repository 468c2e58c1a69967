//! Tests of the cluster state: slot assignment bookkeeping, node removal,
//! health, and CLUSTER NODES lines in Redis 7.0's format.

use super::*;

fn id(c: u8) -> NodeId {
    [c; NODE_ID_BYTES]
}

fn peer(c: u8, port: u16) -> Node {
    let mut n = Node::new(id(c), node_flags::MASTER);
    n.ip = "127.0.0.1".into();
    n.port = port;
    n.cport = port + 10000;
    n
}

fn cluster() -> Cluster {
    let mut c = Cluster::new(id(b'a'));
    let me = c.myself_mut();
    me.ip = "127.0.0.1".into();
    me.port = 7000;
    me.cport = 17000;
    c
}

#[test]
fn new_ids_are_lower_case_hex() {
    let id = new_id([0x01, 0xab, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x9c]);
    assert_eq!(id_str(&id), "01abff000000000000000000000000000000009c");
    assert_eq!(parse_id(b"short"), None);
    assert_eq!(parse_id(&id), Some(id));
}

#[test]
fn slot_counts_follow_assignments() {
    let mut c = cluster();
    c.add_node(peer(b'b', 7001));
    for s in 0..100 {
        c.assign(s, &id(b'a'));
    }
    for s in 50..150 {
        c.assign(s, &id(b'b'));
    }
    c.unassign(149);
    assert_eq!(c.myself().slot_count(), 50);
    assert_eq!(c.node(&id(b'b')).unwrap().slot_count(), 99);
    assert!(c.is_mine(49) && !c.is_mine(50));
    assert_eq!(c.owner(148).unwrap().port, 7001);
    assert!(c.owner(149).is_none());
    assert_eq!(c.ranges_of(&id(b'b')), vec![(50, 148)]);
    assert_eq!(c.size(), 2);
}

#[test]
fn removing_a_node_keeps_the_other_indexes() {
    let mut c = cluster();
    c.add_node(peer(b'b', 7001));
    c.add_node(peer(b'c', 7002));
    c.assign(1, &id(b'b'));
    c.assign(2, &id(b'c'));
    c.set_migrating(3, Some(&id(b'c')));
    c.set_importing(4, Some(&id(b'b')));
    let gone = c.remove_node(&id(b'b')).unwrap();
    assert_eq!(gone.id, id(b'b'));
    assert!(c.owner(1).is_none());
    assert_eq!(c.owner(2).unwrap().id, id(b'c'));
    assert_eq!(c.migrating_to(3).unwrap().id, id(b'c'));
    assert!(c.importing_from(4).is_none());
    assert_eq!(c.nodes().len(), 2);
}

#[test]
fn health_needs_coverage_and_a_majority() {
    let mut c = cluster();
    c.update_health(true);
    assert_eq!(c.health, Health::Fail);
    c.add_node(peer(b'b', 7001));
    c.add_node(peer(b'c', 7002));
    for s in 0..SLOT_COUNT as Slot {
        c.assign(s, &id([b'a', b'b', b'c'][s as usize % 3]));
    }
    c.update_health(true);
    assert_eq!(c.health, Health::Ok);
    c.node_mut(&id(b'b')).unwrap().flags |= node_flags::PFAIL;
    c.update_health(true);
    assert_eq!(c.health, Health::Ok, "two of three masters reachable");
    c.node_mut(&id(b'c')).unwrap().flags |= node_flags::FAIL;
    c.update_health(true);
    assert_eq!(c.health, Health::Fail);
    c.node_mut(&id(b'c')).unwrap().flags &= !node_flags::FAIL;
    c.unassign(5);
    c.update_health(true);
    assert_eq!(c.health, Health::Fail, "slot 5 is not covered");
    c.update_health(false);
    assert_eq!(c.health, Health::Ok, "coverage not required");
}

#[test]
fn nodes_lines_look_like_redis() {
    let mut c = cluster();
    let mut b = peer(b'b', 7001);
    b.hostname = "host-b".into();
    b.config_epoch = 3;
    b.ping_sent_ms = 0;
    b.pong_received_ms = 1_700_000_000_000;
    b.connected = true;
    c.add_node(b);
    let mut r = Node::new(id(b'r'), node_flags::SLAVE | node_flags::PFAIL);
    r.master = Some(id(b'b'));
    c.add_node(r);
    c.myself_mut().config_epoch = 2;
    for s in [0, 1, 2, 5, 16383] {
        c.assign(s, &id(b'a'));
    }
    for s in 100..=200 {
        c.assign(s, &id(b'b'));
    }
    c.set_migrating(5, Some(&id(b'b')));
    c.set_importing(300, Some(&id(b'b')));
    let a40 = "a".repeat(40);
    let b40 = "b".repeat(40);
    let r40 = "r".repeat(40);
    assert_eq!(
        c.describe_all(0),
        format!(
            "{a40} 127.0.0.1:7000@17000 myself,master - 0 0 2 connected 0-2 5 16383 [5->-{b40}] [300-<-{b40}]\n\
             {b40} 127.0.0.1:7001@17001,host-b master - 0 1700000000000 3 connected 100-200\n\
             {r40} :0@0 slave,fail? {b40} 0 0 3 disconnected\n"
        )
    );
    c.node_mut(&id(b'r')).unwrap().flags = node_flags::HANDSHAKE;
    assert!(!c.describe_all(node_flags::HANDSHAKE).contains(&r40));
    c.node_mut(&id(b'r')).unwrap().flags = 0;
    assert!(c.describe_all(0).contains(" noflags "));
}
