//! DUMP payloads for MIGRATE, strings only: a stopgap until the engine's
//! RDB codec (issue 5, DUMP/RESTORE) lands and replaces this file. Other
//! types are refused with an error rather than sent wrong.

use engine::keyspace::Value;

/// RDB version written in the payload footer (Redis 7.0).
const RDB_VERSION: u16 = 10;

/// Appends the DUMP payload of `v` to `out`, or says why it cannot.
pub fn dump_payload(v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    let text;
    let bytes: &[u8] = match v {
        Value::Int(i) => {
            text = i.to_string();
            text.as_bytes()
        }
        Value::Str(s) => s.as_bytes(),
        Value::Raw(r) => r,
        other => {
            let name = other.value_type().name();
            return Err(format!("ERR MIGRATE of {name} values is not supported yet"));
        }
    };
    let start = out.len();
    out.push(0); // RDB_TYPE_STRING
    let n = bytes.len();
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if let Ok(n) = u32::try_from(n) {
        out.push(0x80);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&(n as u64).to_be_bytes());
    }
    out.extend_from_slice(bytes);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64_jones(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(())
}

/// CRC-64/Jones (reflected), as Redis's crc64.c.
fn crc64_jones(data: &[u8]) -> u64 {
    const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;
    let mut crc = 0u64;
    for &b in data {
        crc ^= b as u64;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY_REFLECTED } else { crc >> 1 };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc64_matches_redis_test_vector() {
        assert_eq!(super::crc64_jones(b"123456789"), 0xe9c6d914c4b8d9ca);
    }
}
