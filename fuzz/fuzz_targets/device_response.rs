//! The device authorization response (RFC 8628 §3.2): `parse_device_authorization`
//! on any status and body, and, for one it accepts, the poller's first steps
//! and its reading of the same body as a token endpoint answer.
//!
//! Input: byte 0 picks the status (even: 200, odd: bytes 1-2 as a u16), the
//! rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::device::{
    parse_device_authorization, DevicePoller, Step, MIN_INTERVAL_SECONDS,
};
use wasm_oauth::core::tokens::HttpAnswer;

/// A day: the longest `expires_in` or `interval` believed (device.rs).
const MAX_SECONDS: u32 = 86_400;
const STARTED_AT_MS: u64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = if data[0] & 1 == 0 {
        200
    } else {
        u16::from_le_bytes([data[1], data[2]])
    };
    let body = String::from_utf8_lossy(&data[3..]);
    let answer = HttpAnswer {
        status,
        body: &body,
    };

    let device = match parse_device_authorization(&answer) {
        Ok(d) => d,
        Err(e) => {
            if (200..300).contains(&status) {
                assert_eq!(e.code(), "invalid_response");
            } else {
                assert_eq!(e.status, Some(status), "an HTTP error keeps its status");
            }
            return;
        }
    };
    assert!((200..300).contains(&status), "success only on 2xx");
    assert!(!device.device_code.is_empty());
    assert!(!device.user_code.is_empty());
    assert!(!device.verification_uri.is_empty());
    assert!((1..=MAX_SECONDS).contains(&device.expires_in));
    assert!((MIN_INTERVAL_SECONDS..=MAX_SECONDS).contains(&device.interval));

    // The poller never asks before one interval, and never after the deadline.
    let mut poller = DevicePoller::new(&device, STARTED_AT_MS);
    let interval_ms = u64::from(device.interval) * 1000;
    let deadline_ms = STARTED_AT_MS + u64::from(device.expires_in) * 1000;
    assert_eq!(poller.next(STARTED_AT_MS), Ok(Step::Wait(interval_ms)));
    assert_eq!(
        poller.next(deadline_ms).map_err(|e| e.code().to_string()),
        Err("expired_token".to_string())
    );
    // The same body read as a poll's answer: tokens, keep polling, or an error.
    let poll_at = STARTED_AT_MS + interval_ms;
    if let Ok(None) = poller.on_answer(&answer, poll_at) {
        assert!(poller.interval_ms() >= interval_ms);
    }
});
