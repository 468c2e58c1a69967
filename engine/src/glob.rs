//! Glob-style pattern matching with Redis's exact rules (`stringmatchlen`), used
//! by KEYS, SCAN MATCH, COMMAND LIST FILTERBY PATTERN and friends.
//!
//! `*` matches any run of bytes, `?` one byte, `[abc]`, `[^abc]` and `[a-z]` a
//! class (an unterminated class ends with the pattern), `\x` the byte `x`.

/// True when `s` matches `pattern`; `nocase` folds ASCII case.
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if nocase {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut p, mut s) = (pattern, s);
    while !p.is_empty() && !s.is_empty() {
        match p[0] {
            b'*' => {
                while p.len() > 1 && p[1] == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                return (0..s.len()).any(|i| glob_match(&p[1..], &s[i..], nocase));
            }
            b'?' => {}
            b'[' => {
                let (matched, rest) = match_class(&p[1..], s[0], nocase);
                if !matched {
                    return false;
                }
                // `rest` starts at the closing `]` (or is empty).
                p = rest;
                s = &s[1..];
                if p.is_empty() {
                    break;
                }
                p = &p[1..];
                continue;
            }
            b'\\' if p.len() >= 2 => {
                p = &p[1..];
                if !eq(p[0], s[0]) {
                    return false;
                }
            }
            c => {
                if !eq(c, s[0]) {
                    return false;
                }
            }
        }
        p = &p[1..];
        s = &s[1..];
    }
    if s.is_empty() {
        while p.first() == Some(&b'*') {
            p = &p[1..];
        }
    }
    p.is_empty() && s.is_empty()
}

/// Matches byte `c` against the class starting after `[`. Returns whether it
/// matched and the pattern from the closing `]` on (empty if there is none).
fn match_class(mut p: &[u8], c: u8, nocase: bool) -> (bool, &[u8]) {
    let fold = |b: u8| if nocase { b.to_ascii_lowercase() } else { b };
    let negate = p.first() == Some(&b'^');
    if negate {
        p = &p[1..];
    }
    let mut matched = false;
    loop {
        match p {
            [] => break,
            [b'\\', x, ..] => {
                // An escaped byte is compared exactly, even with `nocase`.
                matched |= *x == c;
                p = &p[1..];
            }
            [b']', ..] => break,
            [lo, b'-', hi, ..] => {
                let (lo, hi) = if lo <= hi { (*lo, *hi) } else { (*hi, *lo) };
                matched |= (fold(lo)..=fold(hi)).contains(&fold(c));
                p = &p[2..];
            }
            [x, ..] => matched |= fold(*x) == fold(c),
        }
        p = &p[1..];
    }
    (matched != negate, p)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn patterns() {
        assert!(m("*", ""));
        assert!(m("*", "abc"));
        assert!(m("a*c", "abbc"));
        assert!(m("a*c", "ac"));
        assert!(!m("a*c", "ab"));
        assert!(m("h?llo", "hello"));
        assert!(!m("h?llo", "hllo"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h[b-a]llo", "hbllo"));
        assert!(m("h\\*llo", "h*llo"));
        assert!(!m("h\\*llo", "hello"));
        assert!(m("a[bc", "ab"));
        assert!(!m("a[bc", "abc"));
        assert!(m("client|*", "client|list"));
        assert!(!m("abc", "ABC"));
        assert!(glob_match(b"abc", b"ABC", true));
        assert!(glob_match(b"[A-C]x", b"bx", true));
        assert!(m("a**", "a"));
        assert!(!m("a?", "a"));
    }
}
