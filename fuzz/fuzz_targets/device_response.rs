//! The device authorization response (RFC 8628 §3.2), read as the client reads
//! it (a 2xx body through serde_json into `DeviceAuthorizationResponse`, then
//! `device_authorization`), and, for one it accepts, the poller fed the same
//! body as the token endpoint's answer to a poll, once as a 200 and once as a 400.
//!
//! Properties: success only on 2xx, every required member non-empty, times as
//! the JSON gives them (rounded up, interval never below 5 s); the poller
//! never polls before one interval nor after the deadline; a 200 yields tokens
//! or ends the polling, never "keep polling"; a 400 never yields tokens, and
//! keeps polling exactly on `authorization_pending` (same interval) and
//! `slow_down` (interval + 5 s).
//!
//! Input: byte 0 picks the status (even: 200, odd: bytes 1-2 as a u16), the
//! rest is the body.
#![no_main]

mod common;

use common::{check_error_answer, read_answer, status_of, value_of};
use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::device::{
    device_authorization, DeviceAuthorizationResponse, DevicePoller, Step, MIN_INTERVAL_SECONDS,
    SLOW_DOWN_SECONDS,
};
use wasm_oauth::core::tokens::TokenResponse;

/// A day: the longest `expires_in` or `interval` believed (device.rs).
const MAX_SECONDS: u32 = 86_400;
const STARTED_AT_MS: u64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    let Some(status) = status_of(data) else {
        return;
    };
    let body = String::from_utf8_lossy(&data[3..]);

    let device = match read_answer::<DeviceAuthorizationResponse>(status, &body)
        .and_then(|r| device_authorization(r, &wasm_oauth::core::url::WhatwgUrl))
    {
        Ok(d) => d,
        Err(e) if (200..300).contains(&status) => {
            assert_eq!(e.code(), "invalid_response");
            assert!(e.description().is_none(), "the body never leaks into the error");
            return;
        }
        Err(e) => return check_error_answer(status, &body, &e),
    };
    assert!((200..300).contains(&status), "success only on 2xx");
    assert!(!device.device_code.secret().is_empty());
    assert!(!device.user_code.is_empty());
    assert!(!device.verification_uri.is_empty());
    assert!(device.verification_uri_complete.as_ref().is_none_or(|u| !u.is_empty()));
    assert!((1..=MAX_SECONDS).contains(&device.expires_in));
    assert!((MIN_INTERVAL_SECONDS..=MAX_SECONDS).contains(&device.interval));

    // The members a plain JSON reader sees: the codes as sent, times rounded up.
    // A member the type ignores may hold a number no f64 holds (1e699999900):
    // serde_json skips it unread, but a serde_json::Value cannot hold it. Only
    // documents a Value can hold are cross-checked.
    let Some(v) = value_of(&body) else {
        return;
    };
    let str_of = |k: &str| v.get(k).and_then(|x| x.as_str());
    assert_eq!(str_of("device_code"), Some(device.device_code.secret()));
    assert_eq!(str_of("user_code"), Some(device.user_code.as_str()));
    assert_eq!(
        str_of("verification_uri").or(str_of("verification_url")),
        Some(device.verification_uri.as_str())
    );
    let expires_in = v.get("expires_in").and_then(|x| x.as_f64()).expect("required");
    assert_eq!(f64::from(device.expires_in), expires_in.ceil());
    match v.get("interval").and_then(|x| x.as_f64()) {
        Some(i) => assert_eq!(device.interval, (i.ceil() as u32).max(MIN_INTERVAL_SECONDS)),
        None => assert_eq!(device.interval, MIN_INTERVAL_SECONDS),
    }

    // The poller never asks before one interval, and never after the deadline;
    // it never waits past the deadline either. Each step reads the clock and
    // changes the poller, so each check starts from a fresh copy.
    let poller = DevicePoller::new(&device, STARTED_AT_MS);
    let interval_ms = u64::from(device.interval) * 1000;
    let deadline_ms = STARTED_AT_MS + u64::from(device.expires_in) * 1000;
    assert_eq!(poller.interval_ms(), interval_ms);
    assert_eq!(
        poller.clone().next(STARTED_AT_MS).ok(),
        Some(Step::Wait(interval_ms.min(deadline_ms - STARTED_AT_MS)))
    );
    assert_eq!(
        poller.clone().next(deadline_ms).map_err(|e| e.code().to_string()),
        Err("expired_token".to_string())
    );
    let poll_at = STARTED_AT_MS + interval_ms;
    if poll_at < deadline_ms {
        assert_eq!(poller.clone().next(poll_at).ok(), Some(Step::Poll));
    }

    // The same body as a 200 to a poll: tokens, or the end of polling.
    let mut p = poller.clone();
    match p.on_answer(read_answer::<TokenResponse>(200, &body), poll_at) {
        Ok(Some(t)) => assert!(!t.access_token.secret().is_empty()),
        Ok(None) => panic!("a 200 never means keep polling"),
        Err(e) => assert_eq!(e.code(), "invalid_response"),
    }

    // The same body as a 400: keep polling on pending and slow_down only.
    let mut p = poller.clone();
    let answer = read_answer::<TokenResponse>(400, &body);
    let code = answer.as_ref().err().map(|e| e.code().to_string());
    match p.on_answer(answer, poll_at) {
        Ok(Some(_)) => panic!("a 400 never yields tokens"),
        Ok(None) => {
            let new_interval = match code.as_deref() {
                Some("authorization_pending") => interval_ms,
                Some("slow_down") => interval_ms + u64::from(SLOW_DOWN_SECONDS) * 1000,
                other => panic!("kept polling after {other:?}"),
            };
            assert_eq!(p.interval_ms(), new_interval);
            if poll_at + 1 < deadline_ms {
                let wait = (new_interval - 1).min(deadline_ms - poll_at - 1);
                assert_eq!(p.next(poll_at + 1).ok(), Some(Step::Wait(wait)));
            }
        }
        Err(e) => {
            assert_eq!(Some(e.code()), code.as_deref(), "the server's error ends polling as it is");
            assert!(!matches!(e.code(), "authorization_pending" | "slow_down"));
        }
    }
});
