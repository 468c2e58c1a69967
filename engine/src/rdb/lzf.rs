//! LZF decompression (the format of liblzf, which Redis uses for strings in
//! RDB files and DUMP payloads). Every read and copy is bounds-checked: a
//! corrupt input gives `None`, never a panic or an out-of-bounds access.

/// Decompresses `input` into exactly `len` bytes.
pub fn decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(len.min(input.len().saturating_mul(64)));
    let mut i = 0;
    while i < input.len() {
        let ctrl = input[i] as usize;
        i += 1;
        if ctrl < 32 {
            // A literal run of ctrl + 1 bytes.
            let run = ctrl + 1;
            let lit = input.get(i..i + run)?;
            if out.len() + run > len {
                return None;
            }
            out.extend_from_slice(lit);
            i += run;
        } else {
            // A back reference: length (ctrl >> 5) + 2, extended by a byte
            // when 7; distance from the low bits and the next byte, plus 1.
            let mut run = ctrl >> 5;
            if run == 7 {
                run += *input.get(i)? as usize;
                i += 1;
            }
            run += 2;
            let back = ((ctrl & 0x1f) << 8) + *input.get(i)? as usize + 1;
            i += 1;
            if back > out.len() || out.len() + run > len {
                return None;
            }
            let start = out.len() - back;
            // May overlap what it writes: byte by byte.
            for k in 0..run {
                let b = out[start + k];
                out.push(b);
            }
        }
    }
    (out.len() == len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::decompress;

    #[test]
    fn literals_and_overlapping_references() {
        // "abc" literal, then a reference 3 back of length 6: "abcabcabc".
        let input = [2, b'a', b'b', b'c', 0b100_00000, 2];
        assert_eq!(decompress(&input, 9).as_deref(), Some(&b"abcabcabc"[..]));
        assert_eq!(decompress(&input, 8), None);
        // A reference before the start, a truncated literal.
        assert_eq!(decompress(&[0b001_00000, 5], 3), None);
        assert_eq!(decompress(&[5, b'a'], 6), None);
    }
}
