//! HLL values compared byte for byte with what redis-server 7.0.15 stored
//! for the same additions (`testdata/redis_values.txt`: a name and the hex
//! of `GET`, recorded with PFADD/PFCOUNT/PFMERGE on a real server).

use super::*;

/// The recorded value called `name`.
fn recorded(name: &str) -> Vec<u8> {
    let data = include_str!("testdata/redis_values.txt");
    let line = data.lines().find(|l| l.split(' ').next() == Some(name)).expect(name);
    let hex = line.split(' ').nth(1).unwrap();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// A new HLL with `elements` added, as PFADD leaves it.
fn added<'a>(elements: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut s = new_sparse();
    for e in elements {
        add(&mut s, e, 3000).unwrap();
    }
    invalidate_cache(&mut s);
    s
}

/// Every register of `s`, one byte each.
fn registers(s: &[u8]) -> Vec<u8> {
    let mut regs = vec![0u8; REGISTERS];
    merge_into(&mut regs, s).unwrap();
    regs
}

fn names(prefix: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{prefix}{i}").into_bytes()).collect()
}

#[test]
fn sparse_values_match_redis() {
    assert_eq!(added([&b"a"[..], b"b", b"c"]), recorded("sparse_abc"));
    let e200 = names("e", 200);
    assert_eq!(added(e200.iter().map(|e| &e[..])), recorded("sparse_e200"));
    assert_eq!(added([]), recorded("empty_added"));
}

#[test]
fn cached_count_matches_redis() {
    let mut s = added([&b"a"[..], b"b", b"c"]);
    assert_eq!(cached_count(&s), None);
    let n = count(&s).unwrap();
    assert_eq!(n, 3);
    set_cached_count(&mut s, n);
    assert_eq!(s, recorded("sparse_abc_counted"));
    assert_eq!(cached_count(&s), Some(3));
}

#[test]
fn dense_value_matches_redis() {
    let e5000 = names("e", 5000);
    let mut s = added(e5000.iter().map(|e| &e[..]));
    assert_eq!(s.len(), DENSE_BYTES);
    assert_eq!(s, recorded("dense_e5000"));
    let n = count(&s).unwrap();
    assert_eq!(n, 4968);
    set_cached_count(&mut s, n);
    assert_eq!(s, recorded("dense_e5000_counted"));
}

/// PFMERGE's write of merged registers into a new (sparse) destination.
fn merged(sources: &[&[u8]]) -> Vec<u8> {
    let mut max = vec![0u8; REGISTERS];
    let mut dest = new_sparse();
    for s in sources {
        merge_into(&mut max, s).unwrap();
        if !is_sparse(s) {
            to_dense(&mut dest).unwrap();
        }
    }
    for (i, &v) in max.iter().enumerate().filter(|(_, &v)| v != 0) {
        raise(&mut dest, i, v, 3000).unwrap();
    }
    invalidate_cache(&mut dest);
    dest
}

#[test]
fn merges_match_redis() {
    let (s, s2, d) =
        (recorded("sparse_abc_counted"), recorded("sparse_e200"), recorded("dense_e5000_counted"));
    assert_eq!(merged(&[&s, &s2]), recorded("merge_s_s2"));
    assert_eq!(merged(&[&s, &d]), recorded("merge_s_d"));
    let mut max = vec![0u8; REGISTERS];
    for hll in [&s, &s2, &d] {
        merge_into(&mut max, hll).unwrap();
    }
    assert_eq!(count_registers(&max), 4972);
}

#[test]
fn estimates_match_redis() {
    let data = include_str!("testdata/redis_values.txt");
    let line = data.lines().find(|l| l.starts_with("counts ")).unwrap();
    let mut s = new_sparse();
    let mut added = 0usize;
    for pair in line.split(' ').skip(1) {
        let (n, want) = pair.split_once(':').unwrap();
        let (n, want): (usize, u64) = (n.parse().unwrap(), want.parse().unwrap());
        while added < n {
            add(&mut s, format!("x{added}").as_bytes(), 3000).unwrap();
            added += 1;
        }
        assert_eq!(count(&s), Ok(want), "after {n} elements");
    }
}

#[test]
fn validity_as_redis_checks_it() {
    assert!(is_hll(&new_sparse()));
    assert!(!is_hll(b"HYLL\x01"));
    let mut s = new_sparse();
    s[0] = b'h';
    assert!(!is_hll(&s));
    let mut s = new_sparse();
    s[4] = 2;
    assert!(!is_hll(&s));
    // A dense HLL must have exactly the dense length.
    let mut s = new_sparse();
    to_dense(&mut s).unwrap();
    assert!(is_hll(&s));
    s.push(0);
    assert!(!is_hll(&s));
}

#[test]
fn sparse_and_dense_agree() {
    let mut sp = new_sparse();
    let mut de = new_sparse();
    to_dense(&mut de).unwrap();
    for i in 0..2000u32 {
        let e = i.to_le_bytes();
        assert_eq!(add(&mut sp, &e, 1 << 20), add(&mut de, &e, 1 << 20));
        if i % 97 == 0 {
            assert_eq!(count(&sp), count(&de));
        }
    }
    assert!(is_sparse(&sp));
    assert_eq!(registers(&sp), registers(&de));
}
