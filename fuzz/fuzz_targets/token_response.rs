//! The token endpoint's answer: `parse_token_response` on any status and body,
//! and `TokenSet::from_json` (the stored form) on the same body.
//!
//! Input: byte 0 picks the status (even: 200, odd: bytes 1-2 as a u16), bytes
//! 3-10 the clock, the rest the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::json::MAX_LEN;
use wasm_oauth::core::tokens::{parse_token_response, HttpAnswer, TokenSet};

/// `Date.now()` never exceeds this (ECMA-262 §21.4.1.1: ±8.64e15 ms).
const MAX_CLOCK_MS: u64 = 8_640_000_000_000_000;
/// Ten years, the longest `expires_in` believed (tokens.rs).
const MAX_LIFETIME_MS: u64 = 315_360_000_000;
/// Integers a JSON number holds exactly.
const EXACT: u64 = 1 << 53;

fn stored_form_round_trips(t: &TokenSet) {
    let text = t.to_json();
    if text.len() <= MAX_LEN {
        assert_eq!(TokenSet::from_json(&text).as_ref(), Some(t));
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 11 {
        return;
    }
    let status = if data[0] & 1 == 0 {
        200
    } else {
        u16::from_le_bytes([data[1], data[2]])
    };
    let mut clock = [0u8; 8];
    clock.copy_from_slice(&data[3..11]);
    let now_ms = u64::from_le_bytes(clock) % (MAX_CLOCK_MS + 1);
    let body = String::from_utf8_lossy(&data[11..]);

    match parse_token_response(
        &HttpAnswer {
            status,
            body: &body,
        },
        now_ms,
    ) {
        Ok(t) => {
            assert!((200..300).contains(&status), "success only on 2xx");
            assert!(!t.access_token.is_empty());
            assert_eq!(t.token_type, "Bearer");
            if let Some(at) = t.expires_at_ms {
                assert!(at >= now_ms && at <= now_ms + MAX_LIFETIME_MS);
            }
            for token in [&t.scope, &t.refresh_token, &t.id_token]
                .into_iter()
                .flatten()
            {
                assert!(!token.is_empty(), "an empty member reads as absent");
            }
            stored_form_round_trips(&t);
        }
        Err(e) => {
            if (200..300).contains(&status) {
                assert_eq!(e.code(), "invalid_response");
            } else {
                assert_eq!(e.status, Some(status), "an HTTP error keeps its status");
            }
        }
    }

    if let Some(stored) = TokenSet::from_json(&body) {
        assert!(!stored.access_token.is_empty());
        if stored.expires_at_ms.is_none_or(|at| at <= EXACT) {
            stored_form_round_trips(&stored);
        }
    }
});
