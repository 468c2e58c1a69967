//! CLUSTER state commands against a transcript of redis-server 7.0.15 in
//! cluster mode (one node, its id written MYID here).

use super::*;
use crate::command::OwnedCmd;
use crate::resp::Protocol;

const MYID: &str = "0123456789abcdef0123456789abcdef01234567";

fn call(c: &mut Cluster, line: &str, facts: &Facts) -> String {
    let line = line.replace("MYID", MYID);
    let cmd = OwnedCmd::from_parts(line.split(' ').map(|w| w.as_bytes()));
    let args = cmd.args();
    let sub = String::from_utf8(args.get(1).to_ascii_lowercase()).unwrap();
    assert!(is_state_command(&sub), "{sub}");
    let mut buf = Vec::new();
    run(c, &sub, &args, facts, &mut Reply::new(&mut buf, Protocol::Resp2));
    String::from_utf8(buf).unwrap().replace(MYID, "MYID")
}

#[test]
fn replies_like_redis() {
    let mut c = Cluster::new(MYID.as_bytes().try_into().unwrap());
    c.myself_mut().port = 7391;
    c.myself_mut().cport = 17391;
    let facts = Facts { require_full_coverage: true, ..Facts::default() };
    let transcript: &[(&str, &str)] = &[
        ("cluster addslots 0 1 2", "+OK\r\n"),
        ("cluster addslots 0", "-ERR Slot 0 is already busy\r\n"),
        ("cluster addslots x", "-ERR Invalid or out of range slot\r\n"),
        ("cluster addslots 16384", "-ERR Invalid or out of range slot\r\n"),
        ("cluster addslots -1", "-ERR Invalid or out of range slot\r\n"),
        ("cluster addslotsrange 5 3", "-ERR start slot number 5 is greater than end slot number 3\r\n"),
        ("cluster addslotsrange 10 20 15 25", "-ERR Slot 15 specified multiple times\r\n"),
        ("cluster addslotsrange 10 20 30", "-ERR wrong number of arguments for 'cluster|addslotsrange' command\r\n"),
        ("cluster addslots 7 7", "-ERR Slot 7 specified multiple times\r\n"),
        ("cluster delslots 100", "-ERR Slot 100 is already unassigned\r\n"),
        ("cluster delslots 1 2", "+OK\r\n"),
        ("cluster delslotsrange 0 0", "+OK\r\n"),
        ("cluster addslotsrange 100 199", "+OK\r\n"),
        ("cluster setslot 150 migrating nonode", "-ERR I don't know about node nonode\r\n"),
        ("cluster setslot 150 migrating MYID", "+OK\r\n"),
        ("cluster setslot 300 migrating MYID", "-ERR I'm not the owner of hash slot 300\r\n"),
        ("cluster setslot 150 importing MYID", "-ERR I'm already the owner of hash slot 150\r\n"),
        ("cluster setslot 300 importing x", "-ERR I don't know about node x\r\n"),
        ("cluster setslot 150 stable", "+OK\r\n"),
        ("cluster setslot 150 stable x", "-ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP\r\n"),
        ("cluster setslot 150 bogus", "-ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP\r\n"),
        ("cluster setslot 99999 stable", "-ERR Invalid or out of range slot\r\n"),
        ("cluster setslot 150 node nonode", "-ERR Unknown node nonode\r\n"),
        ("cluster bumpepoch", "+BUMPED 1\r\n"),
        ("cluster bumpepoch", "+STILL 1\r\n"),
        ("cluster set-config-epoch 5", "-ERR Node config epoch is already non-zero\r\n"),
        ("cluster forget nonode", "-ERR Unknown node nonode\r\n"),
        ("cluster forget MYID", "-ERR I tried hard but I can't forget myself...\r\n"),
        ("cluster count-failure-reports nonode", "-ERR Unknown node nonode\r\n"),
        ("cluster count-failure-reports MYID", ":0\r\n"),
        ("cluster replicas MYID", "*0\r\n"),
        ("cluster replicas nonode", "-ERR Unknown node nonode\r\n"),
        ("cluster reset bogus", "-ERR syntax error\r\n"),
        ("cluster reset", "+OK\r\n"),
        ("cluster flushslots", "+OK\r\n"),
        ("cluster setslot 150 node MYID", "+OK\r\n"),
        ("cluster slots", "*1\r\n*3\r\n:150\r\n:150\r\n*4\r\n$0\r\n\r\n:7391\r\n$40\r\nMYID\r\n*0\r\n"),
        ("cluster shards", "*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:150\r\n:150\r\n$5\r\nnodes\r\n*1\r\n*14\r\n$2\r\nid\r\n$40\r\nMYID\r\n$4\r\nport\r\n:7391\r\n$2\r\nip\r\n$0\r\n\r\n$8\r\nendpoint\r\n$0\r\n\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$6\r\nonline\r\n"),
        ("cluster info", "$306\r\ncluster_state:fail\r\ncluster_slots_assigned:1\r\ncluster_slots_ok:1\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:1\r\ncluster_size:1\r\ncluster_current_epoch:1\r\ncluster_my_epoch:1\r\ncluster_stats_messages_sent:0\r\ncluster_stats_messages_received:0\r\ntotal_cluster_links_buffer_limit_exceeded:0\r\n\r\n"),
        ("cluster nodes", "$89\r\nMYID :7391@17391 myself,master - 0 0 1 connected 150\n\r\n"),
        ("cluster flushslots", "+OK\r\n"),
        ("cluster reset hard", "+OK\r\n"),
        ("cluster set-config-epoch -1", "-ERR Invalid config epoch specified: -1\r\n"),
        ("cluster set-config-epoch x", "-ERR value is not an integer or out of range\r\n"),
    ];
    for (cmd, want) in transcript {
        assert_eq!(call(&mut c, cmd, &facts), *want, "{cmd}");
    }
    // RESET HARD took a new id; the epochs start over.
    assert_ne!(id_of(&c), MYID);
    assert_eq!(c.current_epoch, 0);
    let facts_new = Facts { random: [7; 20], ..facts };
    let mut d = Cluster::new(MYID.as_bytes().try_into().unwrap());
    call(&mut d, "cluster set-config-epoch 3", &facts_new);
    assert_eq!(
        call(&mut d, "cluster set-config-epoch 4", &facts),
        "-ERR Node config epoch is already non-zero\r\n"
    );
    assert!(call(&mut d, "cluster info", &facts)
        .contains("cluster_current_epoch:3\r\ncluster_my_epoch:3\r\n"));
}

fn id_of(c: &Cluster) -> String {
    String::from_utf8(c.myself().id.to_vec()).unwrap()
}

#[test]
fn commands_that_need_facts() {
    let mut c = Cluster::new(MYID.as_bytes().try_into().unwrap());
    let mut other = Node::new(*b"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", node_flags::MASTER);
    other.port = 7001;
    c.add_node(other);
    call(&mut c, "cluster addslots 5", &Facts::default());
    let with_keys = Facts { db_keys: 3, slot_keys: 2, ..Facts::default() };
    assert_eq!(
        call(&mut c, "cluster setslot 5 node bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", &with_keys),
        "-ERR Can't assign hashslot 5 to a different node while I still hold keys for this hash slot.\r\n"
    );
    assert_eq!(
        call(&mut c, "cluster flushslots", &with_keys),
        "-ERR DB must be empty to perform CLUSTER FLUSHSLOTS.\r\n"
    );
    assert_eq!(
        call(&mut c, "cluster reset", &with_keys),
        "-ERR CLUSTER RESET can't be called with master nodes containing keys\r\n"
    );
    assert_eq!(
        call(
            &mut c,
            "cluster setslot 5 node bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            &Facts::default()
        ),
        "+OK\r\n"
    );
    assert_eq!(c.owner(5).unwrap().port, 7001);
    // Importing a slot and taking it bumps the config epoch.
    call(
        &mut c,
        "cluster setslot 5 importing bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        &Facts::default(),
    );
    assert!(c.importing_from(5).is_some());
    assert_eq!(call(&mut c, "cluster setslot 5 node MYID", &Facts::default()), "+OK\r\n");
    assert!(c.importing_from(5).is_none());
    assert_eq!(c.myself().config_epoch, 1);
    assert_eq!(
        call(&mut c, "cluster forget bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", &Facts::default()),
        "+OK\r\n"
    );
    assert_eq!(c.nodes().len(), 1);
}
