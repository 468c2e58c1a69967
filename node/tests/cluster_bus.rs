//! The cluster bus against real peers and bad ones. A real redis-server 7.0
//! MEETs a listener of this test: its frames must decode to what Redis says
//! of itself and re-encode to the same bytes, and the PONG this test answers
//! with (slotd's codec) must make Redis add the node it names. Then slotd
//! itself faces a fake node: garbage, bad lengths and truncated frames on its
//! bus port are refused without harm, and a node claiming slotd's slots with
//! a stale config epoch gets an UPDATE and takes nothing, while a newer epoch
//! takes them.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::{free_port, redis_server, slotd};
use engine::cluster::bus::{
    frame_len, msg_type, node_flags, Body, Header, Message, NODE_ID_BYTES, SLOT_BITMAP_BYTES,
};

fn redis_cmd(c: &mut redis::Connection, args: &[&str]) -> String {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query::<redis::Value>(c).expect(args[0]) {
        redis::Value::Okay => "OK".into(),
        redis::Value::SimpleString(s) => s,
        redis::Value::BulkString(b) => String::from_utf8(b).unwrap(),
        redis::Value::VerbatimString { text, .. } => text,
        v => format!("{v:?}"),
    }
}

/// Reads one whole frame.
fn read_frame(s: &mut TcpStream) -> Vec<u8> {
    let mut frame = vec![0u8; 8];
    s.read_exact(&mut frame).expect("frame start");
    let total = frame_len(&frame).expect("a cluster bus frame");
    frame.resize(total, 0);
    s.read_exact(&mut frame[8..]).expect("frame body");
    frame
}

#[test]
fn frames_from_redis_decode_and_our_pong_is_accepted() {
    let cport = free_port();
    let cport_arg = cport.to_string();
    let redis = redis_server(&[
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        &cport_arg,
        "--cluster-node-timeout",
        "5000",
    ]);
    let mut c = redis.conn();
    let redis_id = redis_cmd(&mut c, &["CLUSTER", "MYID"]);
    assert_eq!(redis_id.len(), NODE_ID_BYTES);

    // A listener posing as a node's bus port; Redis connects and sends MEET.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let bus_port = listener.local_addr().unwrap().port();
    let fake_port = free_port();
    let meet = ["CLUSTER", "MEET", "127.0.0.1", &fake_port.to_string(), &bus_port.to_string()];
    assert_eq!(redis_cmd(&mut c, &meet), "OK");
    listener.set_nonblocking(false).unwrap();
    let (mut s, _) = listener.accept().expect("redis connects to the bus port");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let frame = read_frame(&mut s);
    let m = Message::decode(&frame).expect("Redis's MEET decodes");
    assert_eq!(m.header.msg_type, msg_type::MEET);
    assert_eq!(&m.header.sender[..], redis_id.as_bytes());
    assert_eq!(m.header.port, redis.port);
    assert_eq!(m.header.cport, cport);
    assert_ne!(m.header.flags & node_flags::MASTER, 0);
    assert_eq!(m.header.replica_of, None);
    assert!(m.header.slots.iter().all(|&b| b == 0));
    let Body::Ping { gossip, .. } = &m.body else { panic!("MEET carries a ping body") };
    assert!(gossip.iter().all(|g| g.node.len() == NODE_ID_BYTES));
    let mut again = Vec::new();
    m.encode(&mut again);
    assert_eq!(again, frame, "re-encoding gives Redis's bytes");

    // Answer as a master owning slots 0..=99 with config epoch 1.
    let our_id = *b"0123456789abcdef0123456789abcdef01234567";
    let out = fake_pong(our_id, fake_port, bus_port, 0..100, 1);
    s.write_all(&out).unwrap();

    // Redis renames the handshake node to our id; a second PONG, now from a
    // node it knows, gives it our slots.
    let ours = String::from_utf8(our_id.to_vec()).unwrap();
    await_node_line(&mut c, &ours, |l| !l.contains("handshake"));
    s.write_all(&out).unwrap();
    let line = await_node_line(&mut c, &ours, |l| l.ends_with(" 0-99"));
    assert!(line.contains(&format!("127.0.0.1:{fake_port}@{bus_port} master")), "{line}");
}

/// Waits until Redis's CLUSTER NODES has a line for `id` that `ok` accepts.
fn await_node_line(c: &mut redis::Connection, id: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let nodes = redis_cmd(c, &["CLUSTER", "NODES"]);
        if let Some(line) = nodes.lines().find(|l| l.starts_with(id) && ok(l)) {
            return line.to_string();
        }
        assert!(Instant::now() < deadline, "no such line for {id}: {nodes}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A PONG (or PING) from the fake node `id` at `port`/`cport` claiming
/// `slots` with `epoch`.
fn fake_pong(
    id: [u8; NODE_ID_BYTES],
    port: u16,
    cport: u16,
    slots: std::ops::Range<usize>,
    epoch: u64,
) -> Vec<u8> {
    let mut bitmap = Box::new([0u8; SLOT_BITMAP_BYTES]);
    for slot in slots {
        bitmap[slot / 8] |= 1 << (slot % 8);
    }
    let m = Message {
        header: Header {
            port,
            msg_type: msg_type::PONG,
            current_epoch: epoch,
            config_epoch: epoch,
            offset: 0,
            sender: id,
            slots: bitmap,
            replica_of: None,
            ip: Vec::new(),
            pport: 0,
            cport,
            flags: node_flags::MASTER,
            state: 0,
            mflags: [0; 3],
        },
        body: Body::Ping { gossip: vec![], extensions: vec![] },
    };
    let mut out = Vec::new();
    m.encode(&mut out);
    out
}

#[test]
fn bad_frames_and_stale_claims_change_nothing() {
    let cport = free_port();
    let conf = std::env::temp_dir().join(format!("slotd-bus-{}-{cport}.conf", std::process::id()));
    let srv = slotd(
        1,
        &[
            "--cluster-enabled",
            "yes",
            "--cluster-port",
            &cport.to_string(),
            "--cluster-config-file",
            conf.to_str().unwrap(),
        ],
    );
    let mut c = srv.conn();
    assert_eq!(redis_cmd(&mut c, &["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]), "OK");
    assert_eq!(redis_cmd(&mut c, &["CLUSTER", "SET-CONFIG-EPOCH", "5"]), "OK");
    let my_id = redis_cmd(&mut c, &["CLUSTER", "MYID"]);

    // Garbage, a length past the limit, a truncated frame: each link is
    // closed, the node goes on.
    let half = fake_pong(*b"cccccccccccccccccccccccccccccccccccccccc", 1, 2, 0..0, 1);
    for bad in [&b"hello world\r\n\r\n"[..], b"RCmb\xff\xff\xff\xff", &half[..1000]] {
        let mut s = TcpStream::connect(("127.0.0.1", cport)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(bad).unwrap();
        if bad.len() == 1000 {
            s.shutdown(std::net::Shutdown::Write).unwrap();
        }
        let mut buf = [0u8; 16];
        assert!(matches!(s.read(&mut buf), Ok(0) | Err(_)), "the link is closed");
        assert_eq!(redis_cmd(&mut c, &["PING"]), "PONG");
    }

    // A fake node slotd meets: it claims every slot with epoch 1 (< 5).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let fake_cport = listener.local_addr().unwrap().port();
    let fake_port = free_port();
    let meet = ["CLUSTER", "MEET", "127.0.0.1", &fake_port.to_string(), &fake_cport.to_string()];
    assert_eq!(redis_cmd(&mut c, &meet), "OK");
    let (mut s, _) = listener.accept().expect("slotd connects to the fake node");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let first = Message::decode(&read_frame(&mut s)).expect("slotd's MEET decodes");
    assert_eq!(first.header.msg_type, msg_type::MEET);
    assert_eq!(&first.header.sender[..], my_id.as_bytes());
    let fake_id = *b"ffffffffffffffffffffffffffffffffffffffff";
    s.write_all(&fake_pong(fake_id, fake_port, fake_cport, 0..16384, 1)).unwrap();
    let fake = String::from_utf8(fake_id.to_vec()).unwrap();
    await_node_line(&mut c, &fake, |l| !l.contains("handshake"));
    s.write_all(&fake_pong(fake_id, fake_port, fake_cport, 0..16384, 1)).unwrap();
    // slotd answers the stale claim with an UPDATE about itself.
    let update = loop {
        let m = Message::decode(&read_frame(&mut s)).expect("slotd's frames decode");
        if m.header.msg_type == msg_type::UPDATE {
            break m;
        }
    };
    let Body::Update { node, config_epoch, .. } = update.body else { panic!("an UPDATE body") };
    assert_eq!(&node[..], my_id.as_bytes());
    assert_eq!(config_epoch, 5);
    let mine = await_node_line(&mut c, &my_id, |l| l.ends_with(" 0-16383"));
    assert!(mine.contains("myself"), "{mine}");

    // A newer epoch wins the slots it claims.
    s.write_all(&fake_pong(fake_id, fake_port, fake_cport, 0..100, 9)).unwrap();
    await_node_line(&mut c, &fake, |l| l.ends_with(" 0-99"));
    await_node_line(&mut c, &my_id, |l| l.ends_with(" 100-16383"));
    drop(srv);
    for f in [conf.clone(), conf.with_extension("conf.lock")] {
        let _ = std::fs::remove_file(f);
    }
}
