//! `application/x-www-form-urlencoded` (the body of every OAuth request, RFC 6749 §4.1.3)
//! and the query / fragment of a URL (RFC 3986 §3.4, §3.5).

use super::error::{fail, AuthError, ErrorCode};
use super::text::{cut, pieces, utf8};

/// Longest single parameter value accepted from a URL or response (8 KiB).
pub const MAX_VALUE_LEN: usize = 8 * 1024;

/// Percent-encodes everything but RFC 3986's unreserved characters, so the
/// output is safe in a query, a fragment and a form body alike.
pub fn encode_component(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Serializes `key=value` pairs joined by `&`.
pub fn encode_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(key.as_ref(), &mut out);
        out.push('=');
        encode_component(value.as_ref(), &mut out);
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one component: `+` is a space, `%XX` a byte; the result must be UTF-8.
pub fn decode_component(text: &str) -> Result<String, AuthError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let pair = bytes
                    .get(i + 1)
                    .and_then(|&h| hex(h))
                    .zip(bytes.get(i + 2).and_then(|&l| hex(l)));
                match pair {
                    Some((h, l)) => {
                        out.push(h << 4 | l);
                        i += 2;
                    }
                    None => return fail(ErrorCode::InvalidResponse, "malformed percent-encoding"),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    utf8(&out).map_or_else(
        || fail(ErrorCode::InvalidResponse, "parameter is not valid UTF-8"),
        Ok,
    )
}

/// Parses `a=1&b=2` into pairs, refusing a parameter given twice
/// (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more
/// than once") and values over [`MAX_VALUE_LEN`]. Empty segments are skipped.
pub fn parse_pairs(text: &str) -> Result<Vec<(String, String)>, AuthError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for segment in pieces(text, b'&').filter(|s| !s.is_empty()) {
        let (raw_key, raw_value) = cut(segment, b'=').unwrap_or((segment, ""));
        if raw_value.len() > MAX_VALUE_LEN * 3 || raw_key.len() > 256 {
            return fail(ErrorCode::InvalidResponse, "parameter is too long");
        }
        let key = decode_component(raw_key)?;
        let value = decode_component(raw_value)?;
        if value.len() > MAX_VALUE_LEN {
            return fail(ErrorCode::InvalidResponse, "parameter is too long");
        }
        if pairs.iter().any(|(k, _)| *k == key) {
            return fail(ErrorCode::InvalidResponse, "parameter is repeated");
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// The value of `key` among parsed pairs.
pub fn find<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(
            encode_pairs(&[
                ("scope", "openid profile"),
                ("r", "a/b?c=d&e#f"),
                ("n", "é")
            ]),
            "scope=openid%20profile&r=a%2Fb%3Fc%3Dd%26e%23f&n=%C3%A9"
        );
    }

    #[test]
    fn decodes_plus_and_percent() {
        assert_eq!(decode_component("a+b%20c%2Bd").unwrap(), "a b c+d");
    }

    #[test]
    fn round_trips() {
        let pairs = [("k y", "v&=+%é\u{1F600}"), ("empty", "")];
        let encoded = encode_pairs(&pairs);
        let back = parse_pairs(&encoded).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(find(&back, "k y"), Some("v&=+%é\u{1F600}"));
        assert_eq!(find(&back, "empty"), Some(""));
    }

    #[test]
    fn refuses_repeated_parameters() {
        let e = parse_pairs("state=a&code=1&state=b").unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn refuses_non_utf8_and_broken_escapes() {
        assert_eq!(
            decode_component("%FF").unwrap_err().code(),
            "invalid_response"
        );
        assert_eq!(
            decode_component("%4").unwrap_err().code(),
            "invalid_response"
        );
        assert_eq!(
            decode_component("%zz").unwrap_err().code(),
            "invalid_response"
        );
    }

    #[test]
    fn refuses_oversize_values() {
        let big = format!("code={}", "a".repeat(MAX_VALUE_LEN + 1));
        assert_eq!(parse_pairs(&big).unwrap_err().code(), "invalid_response");
        let ok = format!("code={}", "a".repeat(MAX_VALUE_LEN));
        assert!(parse_pairs(&ok).is_ok());
    }
}
