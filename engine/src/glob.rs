//! Glob-style pattern matching with the exact semantics of Redis 7.0's
//! `stringmatchlen` (KEYS, SCAN MATCH, and any other pattern a client sends).
//!
//! Syntax: `*` any run of bytes, `?` any one byte, `[abc]` a class (`[^abc]`
//! negated, `[a-z]` ranges, `\x` inside a class a literal `x`), `\x` a literal `x`.
//! Redis's quirks are kept on purpose, because clients see them:
//! - an empty string matches only the empty pattern (`*` does not match ``;
//!   KEYS and SCAN short-cut the pattern `*` before matching);
//! - an unterminated class `[abc` acts as if closed at the end of the pattern;
//!   `[a-]` is the range from `a` to `]`;
//! - range bounds and the byte compare as C `char`, which is signed on the
//!   platforms Redis ships for: `[a-\xff]` is the range -1..=97 (bounds are
//!   swapped), matching `A` but neither `b` nor `\xc3`;
//! - `nocase` folds ASCII letters only, and not for an escaped byte in a class;
//! - more than 1000 `*` groups followed by more pattern make the pattern match
//!   nothing (Redis's recursion limit against abusive patterns).
//!
//! Unlike Redis, matching is iterative: each pattern token but `*` consumes
//! exactly one byte, so remembering only the last `*` seen is enough
//! (backtracking to an earlier one can never help). Time is O(pattern × string),
//! stack use is constant.

/// Redis gives up on a pattern with more `*` groups than this before its end.
const MAX_STAR_NESTING: usize = 1000;

/// A compiled glob pattern.
#[derive(Clone, Copy, Debug)]
pub struct Glob<'p> {
    pattern: &'p [u8],
    nocase: bool,
    /// True when Redis's nesting limit makes the pattern match nothing.
    never: bool,
}

/// One pattern token, at a position of the pattern.
enum Token {
    /// A run of `*`.
    Star,
    /// `?`.
    Any,
    /// A class whose body (after `[` and `^`) is `pattern[body.0..body.1]`.
    Class { body: (usize, usize), negated: bool },
    /// A literal byte (possibly escaped).
    Byte(u8),
}

impl<'p> Glob<'p> {
    /// Compiles `pattern`; `nocase` folds ASCII case.
    pub fn new(pattern: &'p [u8], nocase: bool) -> Self {
        let mut g = Glob { pattern, nocase, never: false };
        let mut stars_before_more = 0;
        let mut i = 0;
        while i < pattern.len() {
            let (tok, next) = g.token(i);
            if matches!(tok, Token::Star) && next < pattern.len() {
                stars_before_more += 1;
            }
            i = next;
        }
        g.never = stars_before_more > MAX_STAR_NESTING;
        g
    }

    /// The token at `i` (< pattern length) and the index after it.
    fn token(&self, i: usize) -> (Token, usize) {
        let p = self.pattern;
        match p[i] {
            b'*' => {
                let run = p[i..].iter().take_while(|&&c| c == b'*').count();
                (Token::Star, i + run)
            }
            b'?' => (Token::Any, i + 1),
            b'[' => {
                let mut j = i + 1;
                let negated = p.get(j) == Some(&b'^');
                if negated {
                    j += 1;
                }
                let start = j;
                loop {
                    if p.len() - j >= 2 && p[j] == b'\\' {
                        j += 2;
                    } else if j == p.len() {
                        // Unterminated: the class runs to the end of the pattern.
                        return (Token::Class { body: (start, j), negated }, j);
                    } else if p[j] == b']' {
                        return (Token::Class { body: (start, j), negated }, j + 1);
                    } else if p.len() - j >= 3 && p[j + 1] == b'-' {
                        j += 3;
                    } else {
                        j += 1;
                    }
                }
            }
            b'\\' if p.len() - i >= 2 => (Token::Byte(p[i + 1]), i + 2),
            c => (Token::Byte(c), i + 1),
        }
    }

    /// True when the class body `p[start..end]` (negated or not) accepts `c`.
    fn class_matches(&self, (start, end): (usize, usize), negated: bool, c: u8) -> bool {
        let p = &self.pattern[start..end];
        let mut matched = false;
        let mut j = 0;
        while j < p.len() {
            if p.len() - j >= 2 && p[j] == b'\\' {
                matched |= p[j + 1] == c;
                j += 2;
            } else if p.len() - j >= 3 && p[j + 1] == b'-' {
                // Bounds compare as signed C chars, swapped before case folding.
                let (mut lo, mut hi) = (p[j] as i8, p[j + 2] as i8);
                if lo > hi {
                    std::mem::swap(&mut lo, &mut hi);
                }
                let mut ch = c as i8;
                if self.nocase {
                    (lo, hi, ch) = (fold_signed(lo), fold_signed(hi), fold_signed(ch));
                }
                matched |= lo <= ch && ch <= hi;
                j += 3;
            } else {
                matched |= self.byte_eq(p[j], c);
                j += 1;
            }
        }
        matched != negated
    }

    #[inline]
    fn byte_eq(&self, a: u8, b: u8) -> bool {
        a == b || (self.nocase && a.eq_ignore_ascii_case(&b))
    }

    /// True when the whole of `s` matches the pattern.
    pub fn matches(&self, s: &[u8]) -> bool {
        let p = self.pattern;
        if self.never {
            return false;
        }
        if s.is_empty() {
            return p.is_empty();
        }
        let (mut pi, mut si) = (0, 0);
        // The last `*` seen: where the pattern resumes after it, and where in `s`
        // the current attempt for the rest of the pattern started.
        let mut last_star: Option<(usize, usize)> = None;
        loop {
            if si == s.len() {
                while p.get(pi) == Some(&b'*') {
                    pi += 1;
                }
                if pi == p.len() {
                    return true;
                }
            } else if pi < p.len() {
                let (tok, next) = self.token(pi);
                let ok = match tok {
                    Token::Star => {
                        if next == p.len() {
                            return true;
                        }
                        last_star = Some((next, si));
                        pi = next;
                        continue;
                    }
                    Token::Any => true,
                    Token::Class { body, negated } => self.class_matches(body, negated, s[si]),
                    Token::Byte(c) => self.byte_eq(c, s[si]),
                };
                if ok {
                    pi = next;
                    si += 1;
                    continue;
                }
            }
            // Mismatch: let the last star swallow one more byte, if any is left
            // for the rest of the pattern to match.
            match last_star {
                Some((resume, from)) if from + 1 < s.len() => {
                    last_star = Some((resume, from + 1));
                    pi = resume;
                    si = from + 1;
                }
                _ => return false,
            }
        }
    }
}

/// C's `tolower` on a signed char in the C locale: ASCII letters only.
fn fold_signed(c: i8) -> i8 {
    (c as u8).to_ascii_lowercase() as i8
}

/// True when `s` matches `pattern` (Redis's `stringmatchlen`).
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    Glob::new(pattern, nocase).matches(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A direct transcription of the recursive definition (no nesting limit), to
    /// cross-check the iterative matcher on small inputs.
    fn reference(p: &[u8], s: &[u8], nocase: bool) -> bool {
        fn go(g: &Glob, pi: usize, s: &[u8], si: usize, consumed: bool) -> bool {
            let p = g.pattern;
            if si == s.len() {
                if !consumed {
                    return pi == p.len();
                }
                let mut k = pi;
                while p.get(k) == Some(&b'*') {
                    k += 1;
                }
                return k == p.len();
            }
            if pi == p.len() {
                return false;
            }
            let (tok, next) = g.token(pi);
            match tok {
                Token::Star => next == p.len() || (si..s.len()).any(|k| go(g, next, s, k, true)),
                Token::Any => go(g, next, s, si + 1, true),
                Token::Class { body, negated } => {
                    g.class_matches(body, negated, s[si]) && go(g, next, s, si + 1, true)
                }
                Token::Byte(c) => g.byte_eq(c, s[si]) && go(g, next, s, si + 1, true),
            }
        }
        go(&Glob { pattern: p, nocase, never: false }, 0, s, 0, false)
    }

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn basics() {
        assert!(m("*", "anything"));
        assert!(m("h?llo", "hello") && m("h?llo", "hallo") && !m("h?llo", "hllo"));
        assert!(m("h*llo", "hllo") && m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hello") && !m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo") && !m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo") && !m("h[a-b]llo", "hcllo"));
        assert!(m("h[b-a]llo", "hallo"), "reversed range bounds are swapped");
        assert!(m("a\\*b", "a*b") && !m("a\\*b", "axb"));
        assert!(m("a\\", "a\\"), "a trailing backslash is literal");
        assert!(m("a**b***", "ab") && m("*a*b*", "xxaxxbxx") && !m("*a*b*", "ba"));
        assert!(m("", "") && !m("", "a") && !m("a", ""));
        assert!(!m("*", "") && !m("**", ""), "only the empty pattern matches ``");
        assert!(m("a*", "a") && m("a***", "a"));
        assert!(!m("a*\\*", "a"), "an escaped star is not stripped at the end");
    }

    #[test]
    fn classes_like_redis() {
        assert!(m("[abc", "b"), "unterminated class runs to the end");
        assert!(!m("[", "a") && !m("[", "["));
        assert!(m("[^", "x"), "an empty negated class matches any byte");
        assert!(m("[a-]", "]") && m("[a-]", "_") && !m("[a-]", "b"), "[a-] is ]..a");
        assert!(m("[\\]]", "]") && m("[\\-]", "-"));
        assert!(!m("[]]", "]") && !m("[]a]", "]"), "[] is an empty class");
        assert!(!m("x[]", "x"));
        assert!(m("[*]", "*") && !m("[*]", "a"));
        assert!(m("[?]", "?") && !m("[?]", "a"));
        assert!(m("[a-c-e]", "-") && m("[a-c-e]", "e") && !m("[a-c-e]", "d"));
        // Signed chars: \xff is -1, so [a-\xff] is -1..'a'.
        let hi = |p: &[u8], s: &[u8]| glob_match(p, s, false);
        assert!(!hi(b"[a-\xff]", b"\xc3") && !hi(b"[a-\xff]", b"b") && hi(b"[a-\xff]", b"A"));
        assert!(hi(b"[\x80-\xff]", b"\xc3") && !hi(b"[\x80-\xff]", b"a"));
    }

    #[test]
    fn nocase() {
        let n = |p: &str, s: &str| glob_match(p.as_bytes(), s.as_bytes(), true);
        assert!(n("HeLLo", "hello") && n("h*O", "HELLO") && n("[A-C]x", "bX"));
        assert!(n("[abc]", "B") && !n("[\\B]", "b"), "escaped class bytes are exact");
        assert!(!n("[Z-a]", "z") && !n("[Z-a]", "a"), "bounds fold after the swap");
        assert!(n("\\A", "a"), "an escaped byte outside a class folds");
        assert!(!m("HELLO", "hello"));
    }

    #[test]
    fn nesting_limit_like_redis() {
        let long = "x".repeat(2000);
        assert!(m(&format!("{}x", "x*".repeat(1000)), &long));
        assert!(!m(&format!("{}x", "x*".repeat(1001)), &long));
        assert!(m(&"x*".repeat(1001), &long), "a trailing star does not count");
        assert!(!m(&"*x".repeat(1001), &long));
        assert!(m(&"*x".repeat(1000), &long));
        assert!(!m(&format!("{}*x", "*".repeat(5000)), "yy"));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        // Exponential for naive backtracking; O(n*m) here.
        let s = "a".repeat(5000);
        let p = format!("{}b", "a*".repeat(900));
        assert!(!m(&p, &s));
        let p = format!("{}[^a]", "*?".repeat(900));
        assert!(!m(&p, &s));
        let s = "ab".repeat(50_000);
        assert!(m("*a*b*a*b*a*b*a*b*", &s) && !m("*a*b*a*b*a*b*a*c*", &s));
    }

    #[test]
    fn agrees_with_the_recursive_definition() {
        // Exhaustive over short patterns and strings on a small alphabet.
        let palpha: &[u8] = b"ab*?[]^-\\";
        let salpha: &[u8] = b"ab]-";
        let mut pats: Vec<Vec<u8>> = vec![vec![]];
        for _ in 0..4 {
            let next: Vec<Vec<u8>> = pats
                .iter()
                .filter(|p| p.len() == pats.last().unwrap().len())
                .flat_map(|p| palpha.iter().map(move |&c| [p.clone(), vec![c]].concat()))
                .collect();
            pats.extend(next);
        }
        let mut strs: Vec<Vec<u8>> = vec![vec![]];
        for len in 1..=4 {
            let mut v: Vec<Vec<u8>> = vec![vec![]];
            for _ in 0..len {
                v = v
                    .iter()
                    .flat_map(|s| salpha.iter().map(move |&c| [s.clone(), vec![c]].concat()))
                    .collect();
            }
            strs.extend(v);
        }
        for p in &pats {
            let g = Glob::new(p, false);
            for s in &strs {
                assert_eq!(
                    g.matches(s),
                    reference(p, s, false),
                    "pattern {:?} string {:?}",
                    String::from_utf8_lossy(p),
                    String::from_utf8_lossy(s)
                );
            }
        }
    }
}
