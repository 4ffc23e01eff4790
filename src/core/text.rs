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

/// `bytes` as text when they are UTF-8 (RFC 3629 §3: no overlong forms, no
/// surrogates, nothing past U+10FFFF). `std::str::from_utf8` does the same
/// with a word-at-a-time fast path that costs the `.wasm` three times this.
pub fn utf8(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        let (len, min) = match lead {
            0..=0x7F => (1, 0),
            0xC0..=0xDF => (2, 0x80),
            0xE0..=0xEF => (3, 0x800),
            0xF0..=0xF7 => (4, 0x1_0000),
            _ => return None,
        };
        // The lead byte's payload bits: 7, 5, 4 or 3 of them.
        let mut code = u32::from(lead) & (0xFF >> (len + usize::from(len > 1)));
        for k in 1..len {
            let next = *bytes.get(i + k)?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            code = code << 6 | u32::from(next & 0x3F);
        }
        if code < min {
            return None;
        }
        // from_u32 refuses surrogates and anything past U+10FFFF.
        out.push(char::from_u32(code)?);
        i += len;
    }
    Some(out)
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
    fn utf8_takes_exactly_what_rfc_3629_allows() {
        for ok in [
            "",
            "a",
            "é",
            "€",
            "𝄞",
            "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}",
        ] {
            assert_eq!(utf8(ok.as_bytes()).as_deref(), Some(ok));
        }
        for bad in [
            &[0x80][..],               // a lone continuation byte
            &[0xC3],                   // cut short
            &[0xC0, 0xAF],             // overlong '/'
            &[0xE0, 0x80, 0xAF],       // overlong '/'
            &[0xF0, 0x80, 0x80, 0xAF], // overlong '/'
            &[0xED, 0xA0, 0x80],       // a surrogate (U+D800)
            &[0xF4, 0x90, 0x80, 0x80], // past U+10FFFF
            &[0xF8, 0x88, 0x80, 0x80, 0x80],
            &[0xFF],
            &[0xE2, 0x28, 0xA1], // bad second byte
        ] {
            assert_eq!(utf8(bad), None, "{bad:x?}");
        }
    }

    #[test]
    fn cat_joins() {
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(cat(&[]), "");
    }
}
