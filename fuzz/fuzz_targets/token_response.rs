//! The token endpoint's answer, read as the client reads it (src/client/mod.rs
//! `read_answer`): a 2xx body through serde_json into `TokenResponse`, then
//! `token_set`; any other status through `error_from_answer`.
//!
//! Beyond "never panics": a token set only from a 2xx, with a non-empty access
//! token, `Bearer`, an expiry believed for at most 2^31 - 1 ms, tokens of
//! visible ASCII and a scope of RFC 6749 §3.3 scope tokens, no empty member,
//! every member the one the JSON holds, and a stored form that round-trips
//! through JSON text. An error keeps the status and the server's code.
//!
//! Input: byte 0 picks the status (even: 200, odd: bytes 1-2 as a u16), bytes
//! 3-10 the clock, the rest the body.
#![no_main]

mod common;

use common::{check_error_answer, read_answer, status_of, value_of};
use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::tokens::{
    token_set, StoredTokens, TokenResponse, TokenSet, TokenType, MAX_LIFETIME_MS,
};

/// `Date.now()` never exceeds this (ECMA-262 §21.4.1.1: ±8.64e15 ms).
const MAX_CLOCK_MS: u64 = 8_640_000_000_000_000;

/// RFC 6749 A.12, A.17: visible ASCII and space.
fn visible_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn stored_form_round_trips(t: &TokenSet) {
    let text = serde_json::to_string(&t.to_stored()).expect("a stored form is JSON");
    let back: StoredTokens = serde_json::from_str(&text).expect("read back");
    assert_eq!(TokenSet::from_stored(back).as_ref(), Some(t), "{text}");
}

fuzz_target!(|data: &[u8]| {
    let Some(status) = status_of(data) else {
        return;
    };
    let Some(clock) = data.get(3..11) else {
        return;
    };
    let now_ms = u64::from_le_bytes(clock.try_into().unwrap()) % (MAX_CLOCK_MS + 1);
    let body = String::from_utf8_lossy(&data[11..]);

    match read_answer::<TokenResponse>(status, &body).and_then(|r| token_set(r, now_ms, TokenType::Bearer)) {
        Ok(t) => {
            assert!((200..300).contains(&status), "success only on 2xx");
            assert!(!t.access_token.secret().is_empty());
            assert_eq!(t.token_type, "Bearer");
            for member in [t.scope.as_deref(), t.refresh_token.as_ref().map(|r| r.secret()), t.id_token.as_deref()].into_iter().flatten() {
                assert!(!member.is_empty(), "an empty member is refused");
            }
            assert!(visible_ascii(t.access_token.secret()), "an access token that breaks a header");
            assert!(t.refresh_token.as_ref().map(|r| r.secret()).is_none_or(visible_ascii));
            assert!(t.scope.as_deref().is_none_or(|scope| scope.split(' ').all(|token| {
                !token.is_empty() && token.bytes().all(|b| b != b'"' && b != b'\\' && b > 0x20 && b < 0x7f)
            })), "a scope outside RFC 6749 §3.3");
            // Each member is the one a plain JSON reader sees in the body.
            // A member the type ignores may hold a number no f64 holds (1e699999900):
            // serde_json skips it unread, but a serde_json::Value cannot hold it. Only
            // documents a Value can hold are cross-checked.
            let Some(v) = value_of(&body) else {
                return;
            };
            let str_of = |k: &str| v.get(k).and_then(|x| x.as_str());
            assert_eq!(str_of("access_token"), Some(t.access_token.secret()));
            assert!(str_of("token_type").is_some_and(|ty| ty.eq_ignore_ascii_case("bearer")));
            assert_eq!(str_of("scope"), t.scope.as_deref());
            assert_eq!(str_of("refresh_token"), t.refresh_token.as_ref().map(|r| r.secret()));
            assert_eq!(str_of("id_token"), t.id_token.as_deref());
            let expires_in = v.get("expires_in").and_then(|x| x.as_f64());
            match t.expires_at_ms {
                Some(at) => {
                    assert!(at >= now_ms && at <= now_ms + MAX_LIFETIME_MS);
                    let s = expires_in.expect("an expiry comes from expires_in");
                    assert_eq!(at - now_ms, ((s * 1000.0) as u64).min(MAX_LIFETIME_MS));
                }
                None => assert!(expires_in.is_none()),
            }
            // Valid exactly until its expiry, for any margin.
            assert!(t.is_valid_for(now_ms, 0) == t.expires_at_ms.is_none_or(|at| at > now_ms));
            stored_form_round_trips(&t);
        }
        Err(e) if (200..300).contains(&status) => {
            assert_eq!(e.code(), "invalid_response");
            assert!(e.description().is_none(), "the body never leaks into the error");
        }
        Err(e) => check_error_answer(status, &body, &e),
    }
});
