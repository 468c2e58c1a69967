//! DUMP/RESTORE payloads: a value in Redis's RDB object format (RDB version
//! 10, Redis 7.0), followed by the RDB version (2 bytes, little-endian) and a
//! CRC-64 of everything before it (8 bytes, little-endian).
//!
//! Written: STRING (integers int-encoded), LIST_QUICKLIST_2 (listpack nodes),
//! SET_INTSET / SET, HASH_LISTPACK / HASH, ZSET_LISTPACK / ZSET_2, each in the
//! encoding the value has here; the big encodings can be written in bounded
//! steps ([`dump_step`]). Read: those, with strings raw, int-encoded or
//! LZF-compressed as Redis writes them; any other type (streams, modules,
//! older encodings) is "Bad data format". Every length is checked against
//! the bytes there are before anything is allocated; duplicates, NaN scores,
//! empty collections and unsorted intsets are refused (deep sanitization, as
//! Redis with `sanitize-dump-payload yes`). Decoded values take the encoding
//! Redis would give them under this node's thresholds.

pub mod crc64;
mod decode;
mod encode;
pub mod listpack;
pub mod lzf;

pub use decode::decode_payload;
pub use encode::{dump_payload, dump_step, DumpState};

/// The RDB version written (Redis 7.0's).
pub const RDB_VERSION: u16 = 10;

/// RDB object types.
pub mod types {
    pub const STRING: u8 = 0;
    pub const SET: u8 = 2;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const SET_INTSET: u8 = 11;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
}

/// Why a payload was refused, with Redis's error for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestoreError {
    /// "ERR DUMP payload version or checksum are wrong".
    VersionOrChecksum,
    /// "ERR Bad data format".
    BadData,
}

impl RestoreError {
    /// The error message (without the leading `-`).
    pub fn message(self) -> &'static str {
        match self {
            RestoreError::VersionOrChecksum => "ERR DUMP payload version or checksum are wrong",
            RestoreError::BadData => "ERR Bad data format",
        }
    }
}

/// Checks the footer of `payload` (Redis's `verifyDumpPayload`) and returns
/// the object bytes before it.
pub fn verify(payload: &[u8]) -> Result<&[u8], RestoreError> {
    if payload.len() < 10 {
        return Err(RestoreError::VersionOrChecksum);
    }
    let footer = &payload[payload.len() - 10..];
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if version > RDB_VERSION {
        return Err(RestoreError::VersionOrChecksum);
    }
    let crc = crc64::crc64(0, &payload[..payload.len() - 8]);
    if crc.to_le_bytes() != footer[2..] {
        return Err(RestoreError::VersionOrChecksum);
    }
    Ok(&payload[..payload.len() - 10])
}
