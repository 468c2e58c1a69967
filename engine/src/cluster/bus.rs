//! The Redis Cluster bus wire format (protocol version 1, as Redis 7.0): one
//! message = a 2256-byte header ("RCmb", total length, type, epochs, the
//! sender's id, slot bitmap, address and flags) and a body that depends on
//! the type (gossip entries and ping extensions, FAIL, UPDATE, PUBLISH ...).
//! All integers are big-endian.
//!
//! [`frame_len`] tells, from the first 8 bytes, how long a message is (or
//! that the stream is not a cluster bus); [`Message::decode`] checks a whole
//! frame exactly as Redis's `clusterIsValidPacket` does (lengths that add up
//! for the type, version 1) and [`Message::encode`] writes one. Nothing here
//! trusts the input: every length is checked before it is used.

use crate::slot::SLOT_COUNT;

/// "Redis Cluster message bus".
pub const SIGNATURE: &[u8; 4] = b"RCmb";
/// The only protocol version.
pub const PROTOCOL_VERSION: u16 = 1;
/// Bytes of the header (`CLUSTERMSG_MIN_LEN`): the shortest valid message.
pub const HEADER_BYTES: usize = 2256;
/// Bytes of one gossip entry.
pub const GOSSIP_BYTES: usize = 104;
/// Bytes of a slot bitmap.
pub const SLOT_BITMAP_BYTES: usize = SLOT_COUNT / 8;
/// Bytes of a node id (40 hex characters).
pub const NODE_ID_BYTES: usize = 40;
/// Bytes of an IP address field (`NET_IP_STR_LEN`), NUL-padded.
pub const IP_BYTES: usize = 46;
/// Largest message accepted. Redis has no limit but memory; PUBLISH
/// payloads larger than this are refused rather than buffered.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Message types.
pub mod msg_type {
    pub const PING: u16 = 0;
    pub const PONG: u16 = 1;
    pub const MEET: u16 = 2;
    pub const FAIL: u16 = 3;
    pub const PUBLISH: u16 = 4;
    pub const FAILOVER_AUTH_REQUEST: u16 = 5;
    pub const FAILOVER_AUTH_ACK: u16 = 6;
    pub const UPDATE: u16 = 7;
    pub const MFSTART: u16 = 8;
    pub const MODULE: u16 = 9;
    pub const PUBLISHSHARD: u16 = 10;
}

/// Node flags, as in the header and gossip entries.
pub mod node_flags {
    pub const MASTER: u16 = 1;
    pub const SLAVE: u16 = 2;
    pub const PFAIL: u16 = 4;
    pub const FAIL: u16 = 8;
    pub const MYSELF: u16 = 16;
    pub const HANDSHAKE: u16 = 32;
    pub const NOADDR: u16 = 64;
    pub const MEET: u16 = 128;
    pub const MIGRATE_TO: u16 = 256;
    pub const NOFAILOVER: u16 = 512;
}

/// `mflags[0]` bits.
pub mod msg_flags {
    pub const PAUSED: u8 = 1;
    pub const FORCEACK: u8 = 2;
    pub const EXT_DATA: u8 = 4;
}

/// The ping extension carrying the sender's announced hostname.
pub const EXT_HOSTNAME: u16 = 0;

/// A node id: 40 bytes (hex characters; all zero means "none" in `slaveof`).
pub type NodeId = [u8; NODE_ID_BYTES];

/// Why bytes are not a valid message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BusError {
    /// The signature is not "RCmb".
    BadSignature,
    /// The total length is below the header size or above the limit.
    BadLength(u32),
    /// The frame is shorter than its total length says.
    Truncated,
    /// Not protocol version 1.
    BadVersion(u16),
    /// The total length does not match what the type and counts imply.
    LengthMismatch { total: usize, expected: usize },
    /// A ping extension whose length is not a multiple of 8 or runs past the end.
    BadExtension,
}

impl std::fmt::Display for BusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BusError::BadSignature => write!(f, "bad signature"),
            BusError::BadLength(n) => write!(f, "bad total length {n}"),
            BusError::Truncated => write!(f, "truncated message"),
            BusError::BadVersion(v) => write!(f, "unsupported protocol version {v}"),
            BusError::LengthMismatch { total, expected } => {
                write!(f, "total length {total} but {expected} expected for its type")
            }
            BusError::BadExtension => write!(f, "malformed ping extension"),
        }
    }
}

/// The header every message starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The sender's client port.
    pub port: u16,
    /// The message type ([`msg_type`]).
    pub msg_type: u16,
    pub current_epoch: u64,
    /// The sender's config epoch (its master's, for a replica).
    pub config_epoch: u64,
    /// Replication offset.
    pub offset: u64,
    pub sender: NodeId,
    /// Slots the sender (or its master) serves.
    pub slots: Box<[u8; SLOT_BITMAP_BYTES]>,
    /// The sender's master, when it is a replica.
    pub replica_of: Option<NodeId>,
    /// The sender's IP as it announces it (empty: use the link's address).
    pub ip: Vec<u8>,
    /// Plaintext port when the client port is TLS.
    pub pport: u16,
    /// The sender's cluster bus port.
    pub cport: u16,
    /// [`node_flags`] of the sender.
    pub flags: u16,
    /// The cluster state as the sender sees it (0 ok, 1 fail).
    pub state: u8,
    /// [`msg_flags`] and two reserved bytes.
    pub mflags: [u8; 3],
}

/// One gossip entry: what the sender knows of another node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gossip {
    pub node: NodeId,
    /// Seconds (Unix) the sender last pinged it / got its pong.
    pub ping_sent_s: u32,
    pub pong_received_s: u32,
    pub ip: Vec<u8>,
    pub port: u16,
    pub cport: u16,
    pub flags: u16,
    pub pport: u16,
}

/// A ping extension (type and data, without its 8-byte header or padding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub ext_type: u16,
    /// The data as sent, padding included (a multiple of 8 bytes).
    pub data: Vec<u8>,
}

impl Extension {
    /// The hostname extension for `hostname` (NUL-terminated, padded).
    pub fn hostname(hostname: &[u8]) -> Extension {
        let mut data = hostname.to_vec();
        data.resize((hostname.len() + 1).next_multiple_of(8), 0);
        Extension { ext_type: EXT_HOSTNAME, data }
    }

    /// The hostname, if this is the hostname extension.
    pub fn as_hostname(&self) -> Option<&[u8]> {
        (self.ext_type == EXT_HOSTNAME).then(|| nul_terminated(&self.data))
    }
}

/// What follows the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// PING, PONG, MEET.
    Ping { gossip: Vec<Gossip>, extensions: Vec<Extension> },
    /// FAIL: `node` is failing.
    Fail { node: NodeId },
    /// PUBLISH / PUBLISHSHARD.
    Publish { channel: Vec<u8>, message: Vec<u8> },
    /// UPDATE: `node` serves `slots` with `config_epoch`.
    Update { config_epoch: u64, node: NodeId, slots: Box<[u8; SLOT_BITMAP_BYTES]> },
    /// FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: no body.
    Empty,
    /// MODULE and types this version does not know: kept as bytes.
    Raw(Vec<u8>),
}

/// One cluster bus message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub body: Body,
}

/// The total length of the message starting with `first8` (at least 8
/// bytes), checking the signature and bounds as Redis's read handler does.
pub fn frame_len(first8: &[u8]) -> Result<usize, BusError> {
    assert!(first8.len() >= 8, "frame_len needs the first 8 bytes");
    if &first8[..4] != SIGNATURE {
        return Err(BusError::BadSignature);
    }
    let total = u32::from_be_bytes(first8[4..8].try_into().expect("4 bytes"));
    if (total as usize) < HEADER_BYTES || total as usize > MAX_MESSAGE_BYTES {
        return Err(BusError::BadLength(total));
    }
    Ok(total as usize)
}

/// A reader of big-endian fields at fixed offsets of a checked buffer.
struct At<'a>(&'a [u8]);

impl At<'_> {
    fn u16(&self, at: usize) -> u16 {
        u16::from_be_bytes(self.0[at..at + 2].try_into().expect("2 bytes"))
    }
    fn u32(&self, at: usize) -> u32 {
        u32::from_be_bytes(self.0[at..at + 4].try_into().expect("4 bytes"))
    }
    fn u64(&self, at: usize) -> u64 {
        u64::from_be_bytes(self.0[at..at + 8].try_into().expect("8 bytes"))
    }
    fn id(&self, at: usize) -> NodeId {
        self.0[at..at + NODE_ID_BYTES].try_into().expect("40 bytes")
    }
    fn bitmap(&self, at: usize) -> Box<[u8; SLOT_BITMAP_BYTES]> {
        Box::new(self.0[at..at + SLOT_BITMAP_BYTES].try_into().expect("2048 bytes"))
    }
    fn ip(&self, at: usize) -> Vec<u8> {
        nul_terminated(&self.0[at..at + IP_BYTES]).to_vec()
    }
}

/// The bytes before the first NUL.
fn nul_terminated(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]
}

// Header field offsets (Redis's static asserts in cluster.h).
const OFF_TOTLEN: usize = 4;
const OFF_VER: usize = 8;
const OFF_PORT: usize = 10;
const OFF_TYPE: usize = 12;
const OFF_COUNT: usize = 14;
const OFF_CURRENT_EPOCH: usize = 16;
const OFF_CONFIG_EPOCH: usize = 24;
const OFF_OFFSET: usize = 32;
const OFF_SENDER: usize = 40;
const OFF_SLOTS: usize = 80;
const OFF_SLAVEOF: usize = 2128;
const OFF_MYIP: usize = 2168;
const OFF_EXTENSIONS: usize = 2214;
const OFF_PPORT: usize = 2246;
const OFF_CPORT: usize = 2248;
const OFF_FLAGS: usize = 2250;
const OFF_STATE: usize = 2252;
const OFF_MFLAGS: usize = 2253;

/// Bytes of an extension's own header (length, type, padding).
const EXT_HEADER_BYTES: usize = 8;
/// Bytes of the fixed part of a PUBLISH body (two lengths).
const PUBLISH_FIXED_BYTES: usize = 8;
/// Bytes of an UPDATE body.
const UPDATE_BYTES: usize = 8 + NODE_ID_BYTES + SLOT_BITMAP_BYTES;

impl Message {
    /// Decodes one whole frame (exactly `frame_len` bytes).
    pub fn decode(frame: &[u8]) -> Result<Message, BusError> {
        if frame.len() < 8 {
            return Err(BusError::Truncated);
        }
        let total = frame_len(frame)?;
        if frame.len() < total {
            return Err(BusError::Truncated);
        }
        let f = At(&frame[..total]);
        let version = f.u16(OFF_VER);
        if version != PROTOCOL_VERSION {
            return Err(BusError::BadVersion(version));
        }
        let msg_type = f.u16(OFF_TYPE);
        let count = f.u16(OFF_COUNT) as usize;
        let replica_of = f.id(OFF_SLAVEOF);
        let mut mflags = [0u8; 3];
        mflags.copy_from_slice(&frame[OFF_MFLAGS..OFF_MFLAGS + 3]);
        let header = Header {
            port: f.u16(OFF_PORT),
            msg_type,
            current_epoch: f.u64(OFF_CURRENT_EPOCH),
            config_epoch: f.u64(OFF_CONFIG_EPOCH),
            offset: f.u64(OFF_OFFSET),
            sender: f.id(OFF_SENDER),
            slots: f.bitmap(OFF_SLOTS),
            replica_of: (replica_of != [0; NODE_ID_BYTES]).then_some(replica_of),
            ip: f.ip(OFF_MYIP),
            pport: f.u16(OFF_PPORT),
            cport: f.u16(OFF_CPORT),
            flags: f.u16(OFF_FLAGS),
            state: frame[OFF_STATE],
            mflags,
        };
        let data = &frame[HEADER_BYTES..total];
        let expect = |expected: usize| {
            if HEADER_BYTES + expected == total {
                Ok(())
            } else {
                Err(BusError::LengthMismatch { total, expected: HEADER_BYTES + expected })
            }
        };
        let body = match msg_type {
            msg_type::PING | msg_type::PONG | msg_type::MEET => {
                let gossip_bytes = count * GOSSIP_BYTES;
                if data.len() < gossip_bytes {
                    return Err(BusError::LengthMismatch {
                        total,
                        expected: HEADER_BYTES + gossip_bytes,
                    });
                }
                let gossip = data[..gossip_bytes].chunks_exact(GOSSIP_BYTES).map(decode_gossip);
                let gossip: Vec<Gossip> = gossip.collect();
                let mut rest = &data[gossip_bytes..];
                let mut extensions = Vec::new();
                if header.mflags[0] & msg_flags::EXT_DATA != 0 {
                    for _ in 0..f.u16(OFF_EXTENSIONS) {
                        let (ext, len) = decode_extension(rest)?;
                        extensions.push(ext);
                        rest = &rest[len..];
                    }
                }
                expect(data.len() - rest.len())?;
                Body::Ping { gossip, extensions }
            }
            msg_type::FAIL => {
                expect(NODE_ID_BYTES)?;
                Body::Fail { node: At(data).id(0) }
            }
            msg_type::PUBLISH | msg_type::PUBLISHSHARD => {
                if data.len() < PUBLISH_FIXED_BYTES {
                    expect(PUBLISH_FIXED_BYTES)?;
                }
                let d = At(data);
                let (channel_len, message_len) = (d.u32(0) as usize, d.u32(4) as usize);
                expect(
                    PUBLISH_FIXED_BYTES.saturating_add(channel_len).saturating_add(message_len),
                )?;
                let channel = data[8..8 + channel_len].to_vec();
                let message = data[8 + channel_len..].to_vec();
                Body::Publish { channel, message }
            }
            msg_type::UPDATE => {
                expect(UPDATE_BYTES)?;
                let d = At(data);
                Body::Update { config_epoch: d.u64(0), node: d.id(8), slots: d.bitmap(48) }
            }
            msg_type::FAILOVER_AUTH_REQUEST | msg_type::FAILOVER_AUTH_ACK | msg_type::MFSTART => {
                expect(0)?;
                Body::Empty
            }
            // MODULE (not interpreted) and unknown types: Redis accepts
            // any length for the latter.
            _ => Body::Raw(data.to_vec()),
        };
        Ok(Message { header, body })
    }

    /// Appends the encoded message to `out`. The gossip count, extension
    /// count, EXT_DATA flag and total length follow from the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let h = &self.header;
        out.resize(start + HEADER_BYTES, 0);
        let hdr = &mut out[start..];
        hdr[..4].copy_from_slice(SIGNATURE);
        put16(hdr, OFF_VER, PROTOCOL_VERSION);
        put16(hdr, OFF_PORT, h.port);
        put16(hdr, OFF_TYPE, h.msg_type);
        hdr[OFF_CURRENT_EPOCH..OFF_CURRENT_EPOCH + 8]
            .copy_from_slice(&h.current_epoch.to_be_bytes());
        hdr[OFF_CONFIG_EPOCH..OFF_CONFIG_EPOCH + 8].copy_from_slice(&h.config_epoch.to_be_bytes());
        hdr[OFF_OFFSET..OFF_OFFSET + 8].copy_from_slice(&h.offset.to_be_bytes());
        hdr[OFF_SENDER..OFF_SENDER + NODE_ID_BYTES].copy_from_slice(&h.sender);
        hdr[OFF_SLOTS..OFF_SLOTS + SLOT_BITMAP_BYTES].copy_from_slice(&h.slots[..]);
        if let Some(master) = &h.replica_of {
            hdr[OFF_SLAVEOF..OFF_SLAVEOF + NODE_ID_BYTES].copy_from_slice(master);
        }
        put_ip(&mut hdr[OFF_MYIP..OFF_MYIP + IP_BYTES], &h.ip);
        put16(hdr, OFF_PPORT, h.pport);
        put16(hdr, OFF_CPORT, h.cport);
        put16(hdr, OFF_FLAGS, h.flags);
        hdr[OFF_STATE] = h.state;
        hdr[OFF_MFLAGS..OFF_MFLAGS + 3].copy_from_slice(&h.mflags);
        match &self.body {
            Body::Ping { gossip, extensions } => {
                put16(&mut out[start..], OFF_COUNT, gossip.len() as u16);
                for g in gossip {
                    encode_gossip(g, out);
                }
                for e in extensions {
                    let len = EXT_HEADER_BYTES + e.data.len().next_multiple_of(8);
                    out.extend_from_slice(&(len as u32).to_be_bytes());
                    out.extend_from_slice(&e.ext_type.to_be_bytes());
                    out.extend_from_slice(&[0, 0]);
                    out.extend_from_slice(&e.data);
                    out.resize(out.len() + e.data.len().next_multiple_of(8) - e.data.len(), 0);
                }
                let hdr = &mut out[start..];
                put16(hdr, OFF_EXTENSIONS, extensions.len() as u16);
                if !extensions.is_empty() {
                    hdr[OFF_MFLAGS] |= msg_flags::EXT_DATA;
                }
            }
            Body::Fail { node } => out.extend_from_slice(node),
            Body::Publish { channel, message } => {
                out.extend_from_slice(&(channel.len() as u32).to_be_bytes());
                out.extend_from_slice(&(message.len() as u32).to_be_bytes());
                out.extend_from_slice(channel);
                out.extend_from_slice(message);
            }
            Body::Update { config_epoch, node, slots } => {
                out.extend_from_slice(&config_epoch.to_be_bytes());
                out.extend_from_slice(node);
                out.extend_from_slice(&slots[..]);
            }
            Body::Empty => {}
            Body::Raw(data) => out.extend_from_slice(data),
        }
        let total = (out.len() - start) as u32;
        out[start + OFF_TOTLEN..start + OFF_TOTLEN + 4].copy_from_slice(&total.to_be_bytes());
    }
}

fn put16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

/// Writes `ip` NUL-padded into a 46-byte field (cut to leave a NUL).
fn put_ip(field: &mut [u8], ip: &[u8]) {
    let n = ip.len().min(IP_BYTES - 1);
    field[..n].copy_from_slice(&ip[..n]);
}

fn decode_gossip(g: &[u8]) -> Gossip {
    let a = At(g);
    Gossip {
        node: a.id(0),
        ping_sent_s: a.u32(40),
        pong_received_s: a.u32(44),
        ip: a.ip(48),
        port: a.u16(94),
        cport: a.u16(96),
        flags: a.u16(98),
        pport: a.u16(100),
    }
}

fn encode_gossip(g: &Gossip, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + GOSSIP_BYTES, 0);
    let e = &mut out[start..];
    e[..NODE_ID_BYTES].copy_from_slice(&g.node);
    e[40..44].copy_from_slice(&g.ping_sent_s.to_be_bytes());
    e[44..48].copy_from_slice(&g.pong_received_s.to_be_bytes());
    put_ip(&mut e[48..48 + IP_BYTES], &g.ip);
    put16(e, 94, g.port);
    put16(e, 96, g.cport);
    put16(e, 98, g.flags);
    put16(e, 100, g.pport);
}

/// Decodes the extension at the start of `rest`: it and its length.
fn decode_extension(rest: &[u8]) -> Result<(Extension, usize), BusError> {
    if rest.len() < EXT_HEADER_BYTES {
        return Err(BusError::BadExtension);
    }
    let a = At(rest);
    let len = a.u32(0) as usize;
    if len < EXT_HEADER_BYTES || !len.is_multiple_of(8) || len > rest.len() {
        return Err(BusError::BadExtension);
    }
    let ext = Extension { ext_type: a.u16(4), data: rest[EXT_HEADER_BYTES..len].to_vec() };
    Ok((ext, len))
}

#[cfg(test)]
#[path = "bus_tests.rs"]
mod tests;
