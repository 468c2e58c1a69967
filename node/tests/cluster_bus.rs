//! The cluster bus codec against a real redis-server 7.0 in cluster mode:
//! it MEETs a listener of this test, whose frames must decode to what Redis
//! says of itself and re-encode to the same bytes; the PONG this test answers
//! with (encoded by slotd's codec) must make Redis add the node it names.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::{free_port, redis_server};
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
    let mut slots = Box::new([0u8; SLOT_BITMAP_BYTES]);
    for slot in 0..100 {
        // Bit `slot % 8` of byte `slot / 8`, least significant first (Redis).
        slots[slot / 8] |= 1 << (slot % 8);
    }
    let pong = Message {
        header: Header {
            port: fake_port,
            msg_type: msg_type::PONG,
            current_epoch: 1,
            config_epoch: 1,
            offset: 0,
            sender: our_id,
            slots,
            replica_of: None,
            ip: Vec::new(),
            pport: 0,
            cport: bus_port,
            flags: node_flags::MASTER,
            state: 0,
            mflags: [0; 3],
        },
        body: Body::Ping { gossip: vec![], extensions: vec![] },
    };
    let mut out = Vec::new();
    pong.encode(&mut out);
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
