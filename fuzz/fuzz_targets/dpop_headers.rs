//! The DPoP headers a server sends (RFC 9449): `DPoP-Nonce` read by
//! `read_nonce` and kept by `NonceBook`, and `WWW-Authenticate` read by
//! `challenge_error` for the `DPoP` and `Bearer` schemes and judged by
//! `api_retry`. Whatever the bytes, nothing panics, a nonce kept is exactly
//! the grammar's (RFC 9449 §8.1), and an error read is no longer than the header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::dpop::{
    api_retry, challenge_error, read_nonce, NonceBook, MAX_CHALLENGE_LEN, MAX_NONCE_LEN,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(nonce) = read_nonce(text) {
        assert!(!nonce.is_empty() && nonce.len() <= MAX_NONCE_LEN);
        assert!(nonce.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\'));
        let mut book = NonceBook::default();
        assert!(book.remember("https://as.example", text));
        assert_eq!(book.nonce_for("https://as.example"), Some(nonce));
    }
    for scheme in ["DPoP", "Bearer"] {
        let error = challenge_error(text, scheme);
        if let Some(error) = &error {
            assert!(text.len() <= MAX_CHALLENGE_LEN && error.len() <= text.len());
        }
        let _ = api_retry(401, Some(text), scheme, true);
    }
});
