//! Splitting and joining strings at ASCII separators, byte by byte.
//!
//! `str`'s own `split_once(char)`, `split(char)`, `rsplit_once` and
//! `concat` are generic over patterns and pull `memchr`, `memrchr`,
//! `CharSearcher` and `join_generic_copy` into the `.wasm` (about 2 KB raw)
//! for what a byte loop does here: every separator the SDK splits at is
//! ASCII, and an ASCII byte never occurs inside a multi-byte character, so a
//! byte index is always a character boundary.

/// Splits at the first `sep`: `cut("a=b=c", b'=')` is `("a", "b=c")`.
pub fn cut(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let i = s.bytes().position(|b| b == sep)?;
    Some((&s[..i], &s[i + 1..]))
}

/// Splits at the last `sep`: `cut_last("a:b:c", b':')` is `("a:b", "c")`.
pub fn cut_last(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let i = s.bytes().rposition(|b| b == sep)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s` up to the first `sep`, or all of it.
pub fn before(s: &str, sep: u8) -> &str {
    cut(s, sep).map_or(s, |(head, _)| head)
}

/// True when `s` holds the byte `b`.
pub fn has(s: &str, b: u8) -> bool {
    s.bytes().any(|x| x == b)
}

/// The pieces between `sep`s, like `str::split`: `""` gives one empty piece.
pub fn pieces(s: &str, sep: u8) -> Pieces<'_> {
    Pieces { rest: Some(s), sep }
}

/// The iterator of [`pieces`].
pub struct Pieces<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        Some(match cut(rest, self.sep) {
            Some((head, tail)) => {
                self.rest = Some(tail);
                head
            }
            None => {
                self.rest = None;
                rest
            }
        })
    }
}

/// The parts one after another (`[a, b].concat()`).
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_like_split_once() {
        assert_eq!(cut("a=b=c", b'='), Some(("a", "b=c")));
        assert_eq!(cut("=", b'='), Some(("", "")));
        assert_eq!(cut("abc", b'='), None);
        assert_eq!(cut_last("a:b:c", b':'), Some(("a:b", "c")));
        assert_eq!(cut_last("abc", b':'), None);
        assert_eq!(before("k=v", b'='), "k");
        assert_eq!(before("k", b'='), "k");
        // Multi-byte characters around the separator stay whole.
        assert_eq!(cut("é=ü", b'='), Some(("é", "ü")));
        assert!(has("a@b", b'@'));
        assert!(!has("ab", b'@'));
    }

    #[test]
    fn pieces_match_str_split() {
        for s in ["", "&", "a", "a&b", "&a&&b&", "é&ü&"] {
            let ours: Vec<&str> = pieces(s, b'&').collect();
            let std: Vec<&str> = s.split('&').collect();
            assert_eq!(ours, std, "{s:?}");
        }
    }

    #[test]
    fn cat_joins() {
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(cat(&[]), "");
    }
}
