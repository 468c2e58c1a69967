//! CRC-64/Jones (reflected polynomial 0xad93d23594c935a9, as Redis's
//! crc64.c), table-driven: the checksum of DUMP payloads and RDB files.

/// The reflected polynomial.
const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

/// One table entry per byte value.
const TABLE: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY_REFLECTED } else { crc >> 1 };
            bit += 1;
        }
        t[i] = crc;
        i += 1;
    }
    t
};

/// Continues `crc` over `data` (start with 0).
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    for &b in data {
        crc = TABLE[((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_redis_test_vectors() {
        // From Redis's crc64.c self-test.
        assert_eq!(super::crc64(0, b"123456789"), 0xe9c6d914c4b8d9ca);
        // Its second vector includes the C string's terminating NUL.
        let li = concat!(
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed ",
            "do eiusmod tempor incididunt ut labore et dolore magna ",
            "aliqua. Ut enim ad minim veniam, quis nostrud exercitation ",
            "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis ",
            "aute irure dolor in reprehenderit in voluptate velit esse ",
            "cillum dolore eu fugiat nulla pariatur. Excepteur sint ",
            "occaecat cupidatat non proident, sunt in culpa qui officia ",
            "deserunt mollit anim id est laborum.\0"
        );
        assert_eq!(super::crc64(0, li.as_bytes()), 0xc7794709e69683b3);
    }
}
