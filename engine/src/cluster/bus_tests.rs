//! Tests of the cluster bus codec: round trips, the exact layout of the
//! header fields Redis asserts, and every way a frame can be invalid.

use super::*;

fn id(c: u8) -> NodeId {
    [c; NODE_ID_BYTES]
}

fn header(msg_type: u16) -> Header {
    let mut slots = Box::new([0u8; SLOT_BITMAP_BYTES]);
    slots[0] = 0b1000_0001;
    slots[SLOT_BITMAP_BYTES - 1] = 0x80;
    Header {
        port: 7000,
        msg_type,
        current_epoch: 7,
        config_epoch: 3,
        offset: 12345,
        sender: id(b'a'),
        slots,
        replica_of: None,
        ip: b"10.0.0.1".to_vec(),
        pport: 0,
        cport: 17000,
        flags: node_flags::MASTER,
        state: 0,
        mflags: [0; 3],
    }
}

fn gossip(c: u8) -> Gossip {
    Gossip {
        node: id(c),
        ping_sent_s: 1,
        pong_received_s: 2,
        ip: b"127.0.0.1".to_vec(),
        port: 7001,
        cport: 17001,
        flags: node_flags::SLAVE | node_flags::PFAIL,
        pport: 0,
    }
}

fn encoded(m: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    m.encode(&mut out);
    out
}

#[test]
fn header_fields_sit_where_redis_puts_them() {
    let mut h = header(msg_type::PING);
    h.replica_of = Some(id(b'm'));
    let b =
        encoded(&Message { header: h, body: Body::Ping { gossip: vec![], extensions: vec![] } });
    assert_eq!(b.len(), HEADER_BYTES);
    assert_eq!(&b[..4], b"RCmb");
    assert_eq!(u32::from_be_bytes(b[4..8].try_into().unwrap()), HEADER_BYTES as u32);
    assert_eq!(&b[8..10], &[0, 1]);
    assert_eq!(u16::from_be_bytes([b[10], b[11]]), 7000);
    assert_eq!(u64::from_be_bytes(b[16..24].try_into().unwrap()), 7);
    assert_eq!(u64::from_be_bytes(b[24..32].try_into().unwrap()), 3);
    assert_eq!(&b[40..80], &id(b'a'));
    assert_eq!(b[80], 0b1000_0001);
    assert_eq!(b[2127], 0x80);
    assert_eq!(&b[2128..2168], &id(b'm'));
    assert_eq!(&b[2168..2176], b"10.0.0.1");
    assert_eq!(b[2176], 0);
    assert_eq!(u16::from_be_bytes([b[2248], b[2249]]), 17000);
    assert_eq!(u16::from_be_bytes([b[2250], b[2251]]), node_flags::MASTER);
}

#[test]
fn every_body_round_trips() {
    let mut slots = Box::new([0u8; SLOT_BITMAP_BYTES]);
    slots[100] = 0xff;
    let bodies = [
        (
            msg_type::PING,
            Body::Ping { gossip: vec![gossip(b'b'), gossip(b'c')], extensions: vec![] },
        ),
        (
            msg_type::MEET,
            Body::Ping {
                gossip: vec![gossip(b'b')],
                extensions: vec![Extension::hostname(b"host-1.example")],
            },
        ),
        (
            msg_type::PONG,
            Body::Ping { gossip: vec![], extensions: vec![Extension::hostname(b"1234567")] },
        ),
        (msg_type::FAIL, Body::Fail { node: id(b'f') }),
        (
            msg_type::PUBLISH,
            Body::Publish { channel: b"news".to_vec(), message: b"\0hello\r\n".to_vec() },
        ),
        (msg_type::PUBLISHSHARD, Body::Publish { channel: vec![], message: vec![] }),
        (msg_type::UPDATE, Body::Update { config_epoch: 9, node: id(b'u'), slots }),
        (msg_type::FAILOVER_AUTH_REQUEST, Body::Empty),
        (msg_type::FAILOVER_AUTH_ACK, Body::Empty),
        (msg_type::MFSTART, Body::Empty),
        (msg_type::MODULE, Body::Raw(vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])),
        (42, Body::Raw(b"future".to_vec())),
    ];
    for (t, body) in bodies {
        let mut m = Message { header: header(t), body };
        let b = encoded(&m);
        assert_eq!(frame_len(&b), Ok(b.len()), "type {t}");
        if let Body::Ping { extensions, .. } = &m.body {
            if !extensions.is_empty() {
                m.header.mflags[0] |= msg_flags::EXT_DATA;
            }
        }
        assert_eq!(Message::decode(&b), Ok(m), "type {t}");
    }
}

#[test]
fn hostname_extension_is_nul_terminated_and_padded() {
    let e = Extension::hostname(b"1234567");
    assert_eq!(e.data.len(), 8);
    assert_eq!(e.as_hostname(), Some(&b"1234567"[..]));
    let e = Extension::hostname(b"12345678");
    assert_eq!(e.data.len(), 16);
    assert_eq!(e.as_hostname(), Some(&b"12345678"[..]));
    let m = Message {
        header: header(msg_type::PING),
        body: Body::Ping { gossip: vec![], extensions: vec![e] },
    };
    let b = encoded(&m);
    assert_eq!(b.len(), HEADER_BYTES + 8 + 16);
    assert_eq!(u16::from_be_bytes([b[2214], b[2215]]), 1);
    assert_eq!(b[2253] & msg_flags::EXT_DATA, msg_flags::EXT_DATA);
    assert_eq!(u32::from_be_bytes(b[2256..2260].try_into().unwrap()), 24);
}

#[test]
fn invalid_frames_are_rejected() {
    let ping = |gossip: Vec<Gossip>| Message {
        header: header(msg_type::PING),
        body: Body::Ping { gossip, extensions: vec![] },
    };
    let good = encoded(&ping(vec![gossip(b'b')]));
    let set_len = |b: &mut Vec<u8>, n: u32| b[4..8].copy_from_slice(&n.to_be_bytes());

    let mut b = good.clone();
    b[0] = b'X';
    assert_eq!(frame_len(&b), Err(BusError::BadSignature));
    assert_eq!(Message::decode(&b), Err(BusError::BadSignature));

    let mut b = good.clone();
    set_len(&mut b, 100);
    assert_eq!(frame_len(&b), Err(BusError::BadLength(100)));
    set_len(&mut b, u32::MAX);
    assert_eq!(frame_len(&b), Err(BusError::BadLength(u32::MAX)));

    assert_eq!(Message::decode(&good[..good.len() - 1]), Err(BusError::Truncated));
    assert_eq!(Message::decode(&good[..5]), Err(BusError::Truncated));

    let mut b = good.clone();
    b[9] = 2;
    assert_eq!(Message::decode(&b), Err(BusError::BadVersion(2)));

    // A gossip count that does not match the length, both ways.
    let mut b = good.clone();
    b[15] = 2;
    assert!(matches!(Message::decode(&b), Err(BusError::LengthMismatch { .. })));
    let mut b = good.clone();
    b[15] = 0;
    assert!(matches!(Message::decode(&b), Err(BusError::LengthMismatch { .. })));

    // Extensions: a length not a multiple of 8, one running past the end,
    // and trailing bytes without the EXT_DATA flag.
    let with_ext = encoded(&Message {
        header: header(msg_type::PONG),
        body: Body::Ping { gossip: vec![], extensions: vec![Extension::hostname(b"h")] },
    });
    let mut b = with_ext.clone();
    b[2259] = 12;
    assert_eq!(Message::decode(&b), Err(BusError::BadExtension));
    let mut b = with_ext.clone();
    b[2259] = 64;
    assert_eq!(Message::decode(&b), Err(BusError::BadExtension));
    let mut b = with_ext.clone();
    b[2253] = 0;
    assert!(matches!(Message::decode(&b), Err(BusError::LengthMismatch { .. })));
    // Two extensions announced, one sent.
    let mut b = with_ext;
    b[2215] = 2;
    assert_eq!(Message::decode(&b), Err(BusError::BadExtension));

    // Fixed-size bodies with a byte too many or too few.
    for (t, body) in [
        (msg_type::FAIL, Body::Fail { node: id(b'f') }),
        (msg_type::MFSTART, Body::Empty),
        (
            msg_type::UPDATE,
            Body::Update {
                config_epoch: 1,
                node: id(b'u'),
                slots: Box::new([0; SLOT_BITMAP_BYTES]),
            },
        ),
    ] {
        let mut b = encoded(&Message { header: header(t), body });
        b.push(0);
        let n = b.len() as u32;
        set_len(&mut b, n);
        assert!(matches!(Message::decode(&b), Err(BusError::LengthMismatch { .. })), "type {t}");
        b.truncate(b.len() - 2);
        let n = b.len() as u32;
        set_len(&mut b, n.max(HEADER_BYTES as u32));
        if b.len() >= HEADER_BYTES {
            assert!(Message::decode(&b).is_err(), "type {t}");
        }
    }

    // PUBLISH lengths that overflow or overrun.
    let mut b = encoded(&Message {
        header: header(msg_type::PUBLISH),
        body: Body::Publish { channel: b"c".to_vec(), message: b"m".to_vec() },
    });
    b[2256..2260].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(Message::decode(&b), Err(BusError::LengthMismatch { .. })));
    let mut b = encoded(&Message { header: header(msg_type::PUBLISH), body: Body::Empty });
    b.extend_from_slice(&[0, 0, 0]);
    let n = b.len() as u32;
    set_len(&mut b, n);
    assert!(matches!(Message::decode(&b), Err(BusError::LengthMismatch { .. })));
}

#[test]
fn long_ips_are_cut_to_leave_a_nul() {
    let mut h = header(msg_type::PING);
    h.ip = vec![b'1'; 60];
    let b =
        encoded(&Message { header: h, body: Body::Ping { gossip: vec![], extensions: vec![] } });
    let m = Message::decode(&b).unwrap();
    assert_eq!(m.header.ip, vec![b'1'; IP_BYTES - 1]);
}

/// Decoding never panics: valid frames of every kind with random bytes
/// changed, cut or appended either decode or are rejected.
#[test]
fn mutated_frames_never_panic() {
    let frames: Vec<Vec<u8>> = [
        Message {
            header: header(msg_type::PING),
            body: Body::Ping {
                gossip: vec![gossip(b'b')],
                extensions: vec![Extension::hostname(b"h")],
            },
        },
        Message {
            header: header(msg_type::PUBLISH),
            body: Body::Publish { channel: b"c".to_vec(), message: b"m".to_vec() },
        },
        Message {
            header: header(msg_type::UPDATE),
            body: Body::Update {
                config_epoch: 1,
                node: id(b'u'),
                slots: Box::new([0; SLOT_BITMAP_BYTES]),
            },
        },
    ]
    .iter()
    .map(encoded)
    .collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..20_000 {
        let mut b = frames[round % frames.len()].clone();
        for _ in 0..1 + next() % 4 {
            // Mostly the length fields and counts, sometimes anywhere.
            let at = match next() % 4 {
                0 => 4 + (next() % 4) as usize,
                1 => 14 + (next() % 2) as usize,
                2 => 2214 + (next() % 2) as usize,
                _ => (next() as usize) % b.len(),
            };
            b[at] = next() as u8;
        }
        match next() % 3 {
            0 => b.truncate((next() as usize) % (b.len() + 1)),
            1 => b.extend(std::iter::repeat_n(0u8, (next() % 64) as usize)),
            _ => {}
        }
        if b.len() >= 8 {
            let _ = frame_len(&b);
        }
        let _ = Message::decode(&b);
    }
}
