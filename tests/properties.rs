#![cfg(not(target_arch = "wasm32"))]
//! Properties of the core's encoders and parsers, checked on generated input
//! (proptest): PKCE (RFC 7636 §4.1, §4.2), form encoding, and the callback
//! parser.

use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use wasm_oauth::core::callback::{is_callback, parse_callback, scrub, AuthorizationResponse};
use wasm_oauth::core::form::{encode_pairs, parse_pairs, MAX_VALUE_LEN};
use wasm_oauth::core::pkce::CodeVerifier;

/// RFC 3986 §2.3 unreserved characters: the code verifier's alphabet.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Base64url without padding, written a different way from the crate's
/// (one bit at a time), so the two check each other.
fn reference_base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bits: Vec<u8> = bytes
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
        .collect();
    bits.chunks(6)
        .map(|chunk| {
            let mut v = 0usize;
            for i in 0..6 {
                v = (v << 1) | usize::from(chunk.get(i).copied().unwrap_or(0));
            }
            char::from(ALPHABET[v])
        })
        .collect()
}

/// Strings that are sometimes a valid verifier and sometimes just miss:
/// unreserved text of any length around the bounds, with or without one
/// foreign character put in.
fn verifier_candidates() -> impl Strategy<Value = String> {
    let unreserved = "[A-Za-z0-9._~-]{0,140}";
    prop_oneof![
        unreserved.prop_map(String::from),
        (unreserved, any::<char>(), any::<prop::sample::Index>()).prop_map(|(s, c, at)| {
            let mut chars: Vec<char> = s.chars().collect();
            chars.insert(at.index(chars.len() + 1), c);
            chars.into_iter().collect()
        }),
        ".{0,140}".prop_map(String::from),
    ]
}

/// Any string of at most `max_chars` characters (so at most 4 × that many bytes).
fn text(max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..=max_chars).prop_map(|c| c.into_iter().collect())
}

proptest! {
    #[test]
    fn verifier_from_any_32_bytes_is_43_unreserved_chars(bytes in any::<[u8; 32]>()) {
        let v = CodeVerifier::from_entropy(&bytes);
        prop_assert_eq!(v.secret().len(), 43);
        prop_assert!(v.secret().bytes().all(is_unreserved));
        prop_assert_eq!(CodeVerifier::parse(v.secret()).map(|p| p.secret().to_string()),
            Some(v.secret().to_string()));
    }

    #[test]
    fn challenge_is_base64url_of_sha256_without_padding(bytes in any::<[u8; 32]>()) {
        let v = CodeVerifier::from_entropy(&bytes);
        let expected = reference_base64url(&Sha256::digest(v.secret().as_bytes()));
        prop_assert_eq!(v.challenge(), expected);
        prop_assert_eq!(v.challenge().len(), 43);
        prop_assert!(!v.challenge().contains('='));
    }

    #[test]
    fn parse_accepts_exactly_43_to_128_unreserved_chars(text in verifier_candidates()) {
        let valid = (43..=128).contains(&text.len()) && text.bytes().all(is_unreserved);
        let parsed = CodeVerifier::parse(&text);
        prop_assert_eq!(parsed.is_some(), valid, "{:?}", text);
        if let Some(v) = parsed {
            prop_assert_eq!(v.secret(), text.as_str());
            let expected = reference_base64url(&Sha256::digest(text.as_bytes()));
            prop_assert_eq!(v.challenge(), expected);
        }
    }

    #[test]
    fn form_encoding_round_trips_distinct_keys(
        // A key of 20 chars encodes to at most 240 bytes, under the 256 a key may take.
        pairs in prop::collection::btree_map(text(20), text(64), 0..12),
    ) {
        let encoded = encode_pairs(&pairs.iter().collect::<Vec<_>>());
        let back = parse_pairs(&encoded).expect("what we encode we can read");
        let expected: Vec<(String, String)> = pairs.into_iter().collect();
        prop_assert_eq!(back, expected);
    }

    #[test]
    fn form_encoding_round_trips_values_up_to_the_limit(
        key in text(20),
        // 2048 chars are at most 8 KiB of UTF-8.
        value in text(MAX_VALUE_LEN / 4),
        ascii_len in 0..=MAX_VALUE_LEN,
    ) {
        let long_ascii = "a".repeat(ascii_len);
        let pairs: BTreeMap<&str, &str> =
            [(key.as_str(), value.as_str()), ("long", long_ascii.as_str())].into_iter().collect();
        let encoded = encode_pairs(&pairs.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>());
        let back = parse_pairs(&encoded).expect("values within the limit are read");
        let expected: Vec<(String, String)> =
            pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        prop_assert_eq!(back, expected);
    }

    #[test]
    fn form_encoding_round_trips_keys_up_to_the_limit(key in "[A-Za-z0-9._~-]{1,256}") {
        // Unreserved characters encode as themselves: 256 of them is the longest key read.
        let encoded = encode_pairs(&[(key.as_str(), "v")]);
        let back = parse_pairs(&encoded).expect("keys within the limit are read");
        prop_assert_eq!(back, vec![(key, "v".to_string())]);
    }

    #[test]
    fn callback_parsing_never_panics_and_scrub_removes_the_response(url in ".{0,300}") {
        let _ = is_callback(&url);
        let _ = parse_callback(&url);
        let scrubbed = scrub(&url);
        prop_assert!(!is_callback(&scrubbed));
        prop_assert!(parse_callback(&scrubbed).is_err());
        prop_assert_eq!(scrub(&scrubbed), scrubbed);
    }

    #[test]
    fn callback_parsing_never_panics_on_response_shaped_urls(
        query in prop::collection::vec(
            (prop::sample::select(vec!["code", "state", "error", "iss", "access_token",
                "id_token", "error_description", "c%6Fde", "x"]), ".{0,12}"),
            0..6),
        fragment in prop::option::of(".{0,40}"),
    ) {
        let mut url = String::from("https://app.example/cb?");
        url.push_str(&query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(&f);
        }
        let _ = parse_callback(&url);
        prop_assert!(!is_callback(&scrub(&url)));
    }

    #[test]
    fn any_code_and_state_come_back_as_sent(
        code in text(200).prop_filter("a code is not empty", |c| !c.is_empty()),
        state in text(200),
    ) {
        let url = format!(
            "https://app.example/cb?{}",
            encode_pairs(&[("code", code.as_str()), ("state", state.as_str())])
        );
        let callback = parse_callback(&url).expect("a well-formed code response");
        prop_assert_eq!(
            callback.response,
            AuthorizationResponse::Code { code: code.as_str().into(), state: Some(state), iss: None }
        );
        prop_assert_eq!(scrub(&url), "https://app.example/cb");
    }
}
