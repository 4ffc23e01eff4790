//! `application/x-www-form-urlencoded` (the body of every OAuth request, RFC 6749 §4.1.3)
//! and the query / fragment of a URL (RFC 3986 §3.4, §3.5).
//!
//! Percent-encoding and decoding are the `percent-encoding` crate's; this
//! module adds what OAuth asks of them: every parameter at most once, bounded
//! sizes and counts, and text that is UTF-8.

use super::error::{fail, AuthError, ErrorCode};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Longest single parameter value accepted from a URL or response (8 KiB).
pub const MAX_VALUE_LEN: usize = 8 * 1024;
/// Longest parameter name accepted.
pub const MAX_KEY_LEN: usize = 256;
/// Most parameters accepted in one query or fragment: an authorization
/// response has a handful, so anything near this is an attack.
pub const MAX_PARAMS: usize = 64;

/// Everything but RFC 3986's unreserved characters is escaped, so the output
/// is safe in a query, a fragment and a form body alike.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one component.
pub fn encode_component(value: &str, out: &mut String) {
    out.extend(utf8_percent_encode(value, COMPONENT));
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

/// Decodes one component: `+` is a space, `%XX` a byte; the result must be
/// UTF-8, and an escape must be well formed (`%zz` and a cut-short `%4` are
/// refused, where WHATWG's decoder would keep them as text).
pub fn decode_component(text: &str) -> Result<String, AuthError> {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('%') {
        let hex = bytes.get(i + 1..i + 3);
        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return fail(ErrorCode::InvalidResponse, "malformed percent-encoding");
        }
    }
    let spaced = text.replace('+', " ");
    match percent_decode_str(&spaced).decode_utf8() {
        Ok(decoded) => Ok(decoded.into_owned()),
        Err(_) => fail(ErrorCode::InvalidResponse, "parameter is not valid UTF-8"),
    }
}

/// The decoded name of one `key=value` segment. Parsing, detecting and
/// scrubbing a response all name parameters by this one definition, so
/// `session%5Fstate` is `session_state` to each of them.
pub fn decoded_key(segment: &str) -> Option<String> {
    let raw = segment.split_once('=').map_or(segment, |(k, _)| k);
    if raw.len() > MAX_KEY_LEN * 3 {
        return None;
    }
    decode_component(raw).ok()
}

/// Parses `a=1&b=2` into pairs, refusing a parameter given twice
/// (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more
/// than once"), more than [`MAX_PARAMS`] parameters and values over
/// [`MAX_VALUE_LEN`]. Empty segments are skipped. Linear in the input.
pub fn parse_pairs(text: &str) -> Result<Vec<(String, String)>, AuthError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for segment in text.split('&').filter(|s| !s.is_empty()) {
        if pairs.len() == MAX_PARAMS {
            return fail(ErrorCode::InvalidResponse, "too many parameters");
        }
        let (raw_key, raw_value) = segment.split_once('=').unwrap_or((segment, ""));
        if raw_value.len() > MAX_VALUE_LEN * 3 || raw_key.len() > MAX_KEY_LEN * 3 {
            return fail(ErrorCode::InvalidResponse, "parameter is too long");
        }
        let key = decode_component(raw_key)?;
        let value = decode_component(raw_value)?;
        if value.len() > MAX_VALUE_LEN || key.len() > MAX_KEY_LEN {
            return fail(ErrorCode::InvalidResponse, "parameter is too long");
        }
        pairs.push((key, value));
    }
    // Sorted, a repeated key sits next to its twin: n log n like a set,
    // without a B-tree of its own in the build.
    let mut keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return fail(ErrorCode::InvalidResponse, "parameter is repeated");
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
        // The same name, escaped differently, is the same parameter.
        let e = parse_pairs("state=a&st%61te=b").unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn refuses_non_utf8_and_broken_escapes() {
        for bad in ["%FF", "%4", "%zz", "a%", "%C3"] {
            assert_eq!(
                decode_component(bad).unwrap_err().code(),
                "invalid_response",
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_oversize_values() {
        let big = format!("code={}", "a".repeat(MAX_VALUE_LEN + 1));
        assert_eq!(parse_pairs(&big).unwrap_err().code(), "invalid_response");
        let ok = format!("code={}", "a".repeat(MAX_VALUE_LEN));
        assert!(parse_pairs(&ok).is_ok());
    }

    #[test]
    fn refuses_more_parameters_than_a_response_has() {
        let many: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("k{i}=v")).collect();
        let e = parse_pairs(&many.join("&")).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        assert!(parse_pairs(&many[..MAX_PARAMS].join("&")).is_ok());
        // Empty segments are free, and cost no more than their bytes.
        assert!(parse_pairs(&"&".repeat(100_000)).unwrap().is_empty());
    }

    #[test]
    fn keys_are_decoded_one_way_everywhere() {
        assert_eq!(
            decoded_key("session%5Fstate=x").as_deref(),
            Some("session_state")
        );
        assert_eq!(decoded_key("code").as_deref(), Some("code"));
        assert_eq!(decoded_key("%zz=1"), None);
    }
}
