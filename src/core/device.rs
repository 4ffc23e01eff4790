//! The device authorization grant (RFC 8628): the device authorization
//! response, and the polling state machine, driven by the caller's clock.

use super::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use super::secret::DeviceCode;
use super::tokens::{token_set, TokenResponse, TokenSet};
use serde::Deserialize;

/// Never poll faster than this (RFC 8628 §3.2 default, and the provider's limit).
pub const MIN_INTERVAL_SECONDS: u32 = 5;
/// `slow_down` adds this to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_SECONDS: u32 = 5;
/// The grant type of the polling request.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the device authorization endpoint answered (RFC 8628 §3.2).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DeviceAuthorization {
    pub device_code: DeviceCode,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u32,
    pub interval: u32,
}

/// The device authorization endpoint's answer (RFC 8628 §3.2), as read from its JSON.
#[derive(Clone, Default, Deserialize)]
pub struct DeviceAuthorizationResponse {
    pub device_code: Option<String>,
    pub user_code: Option<String>,
    pub verification_uri: Option<String>,
    /// The draft's name for `verification_uri`, still sent by some servers.
    pub verification_url: Option<String>,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Option<f64>,
    pub interval: Option<f64>,
}

fn required(value: Option<String>) -> Result<String, AuthError> {
    match value {
        Some(s) if !s.is_empty() => Ok(s),
        _ => fail(
            ErrorCode::InvalidResponse,
            "the device authorization response lacks a required member",
        ),
    }
}

/// A whole number of seconds; a fraction is rounded up, so an `interval` of
/// 7.5 never makes the client poll sooner than asked (RFC 8628 §3.5).
fn seconds(value: Option<f64>, default: Option<u32>) -> Result<u32, AuthError> {
    match (value, default) {
        (None, Some(d)) => Ok(d),
        (Some(n), _) if (1.0..=86_400.0).contains(&n) => Ok(n.ceil() as u32),
        _ => fail(
            ErrorCode::InvalidResponse,
            "the device authorization response has a bad expires_in or interval",
        ),
    }
}

/// Builds the device authorization from the endpoint's answer. `interval`
/// defaults to 5 s and is never taken below it.
pub fn device_authorization(
    r: DeviceAuthorizationResponse,
) -> Result<DeviceAuthorization, AuthError> {
    let verification_uri = r
        .verification_uri
        .or(r.verification_url)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            AuthError::new(
                ErrorCode::InvalidResponse,
                "the device authorization response has no verification_uri",
            )
        })?;
    Ok(DeviceAuthorization {
        device_code: DeviceCode::new(required(r.device_code)?),
        user_code: required(r.user_code)?,
        verification_uri,
        verification_uri_complete: r.verification_uri_complete.filter(|s| !s.is_empty()),
        expires_in: seconds(r.expires_in, None)?,
        interval: seconds(r.interval, Some(MIN_INTERVAL_SECONDS))?.max(MIN_INTERVAL_SECONDS),
    })
}

/// What the poller wants done next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// Sleep this many milliseconds, then ask again.
    Wait(u64),
    /// Send the token request now.
    Poll,
}

/// The polling state machine (RFC 8628 §3.4, §3.5).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DevicePoller {
    interval_ms: u64,
    next_poll_at_ms: u64,
    deadline_ms: u64,
}

impl DevicePoller {
    /// Starts polling for an authorization received at `started_at_ms`: the
    /// first poll waits one interval, as the device could not have been approved sooner.
    pub fn new(device: &DeviceAuthorization, started_at_ms: u64) -> Self {
        let interval_ms = u64::from(device.interval.max(MIN_INTERVAL_SECONDS)) * 1000;
        DevicePoller {
            interval_ms,
            next_poll_at_ms: started_at_ms + interval_ms,
            deadline_ms: started_at_ms + u64::from(device.expires_in) * 1000,
        }
    }

    /// The current interval in milliseconds.
    pub fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// What to do at `now_ms`: wait, poll, or give up (`expired_token`).
    pub fn next(&self, now_ms: u64) -> Result<Step, AuthError> {
        if now_ms >= self.deadline_ms {
            return fail(
                ErrorCode::ExpiredToken,
                "the device code expired before the user approved it",
            );
        }
        if now_ms < self.next_poll_at_ms {
            return Ok(Step::Wait(self.next_poll_at_ms - now_ms));
        }
        Ok(Step::Poll)
    }

    /// Takes the token endpoint's answer to a poll sent at `now_ms`:
    /// `Some(tokens)` when approved, `None` to keep polling.
    pub fn on_answer(
        &mut self,
        answer: Result<TokenResponse, AuthError>,
        now_ms: u64,
    ) -> Result<Option<TokenSet>, AuthError> {
        match answer.and_then(|r| token_set(r, now_ms)) {
            Ok(tokens) => Ok(Some(tokens)),
            Err(e) => match e.server_code() {
                Some(OAuthErrorCode::AuthorizationPending) => {
                    self.next_poll_at_ms = now_ms + self.interval_ms;
                    Ok(None)
                }
                Some(OAuthErrorCode::SlowDown) => {
                    self.interval_ms += u64::from(SLOW_DOWN_SECONDS) * 1000;
                    self.next_poll_at_ms = now_ms + self.interval_ms;
                    Ok(None)
                }
                Some(OAuthErrorCode::ExpiredToken) => fail(
                    ErrorCode::ExpiredToken,
                    "the device code expired: start again",
                ),
                // access_denied and every other error end the polling as they are.
                _ => Err(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::tokens::{error_from_answer, unreadable_answer};

    /// A body read as the client reads it.
    fn answer(status: u16, body: &str) -> Result<TokenResponse, AuthError> {
        if (200..300).contains(&status) {
            serde_json::from_str(body).map_err(|_| unreadable_answer(status))
        } else {
            Err(error_from_answer(status, serde_json::from_str(body).ok()))
        }
    }

    fn parse_device_authorization(
        status: u16,
        body: &str,
    ) -> Result<DeviceAuthorization, AuthError> {
        if !(200..300).contains(&status) {
            return Err(error_from_answer(status, serde_json::from_str(body).ok()));
        }
        device_authorization(serde_json::from_str(body).map_err(|_| unreadable_answer(status))?)
    }

    const DEVICE: &str = r#"{"device_code":"dc","user_code":"ABC123","verification_uri":"https://a/sc","verification_uri_complete":"https://a/auth/device?code=ABC123","expires_in":300,"interval":5}"#;

    fn device() -> DeviceAuthorization {
        parse_device_authorization(200, DEVICE).unwrap()
    }

    #[test]
    fn parses_the_device_authorization_response() {
        let d = device();
        assert_eq!(d.device_code, "dc");
        assert_eq!(d.user_code, "ABC123");
        assert_eq!(d.verification_uri, "https://a/sc");
        assert_eq!(
            d.verification_uri_complete.as_deref(),
            Some("https://a/auth/device?code=ABC123")
        );
        assert_eq!((d.expires_in, d.interval), (300, 5));
    }

    #[test]
    fn interval_defaults_to_five_and_never_below() {
        let no_interval = r#"{"device_code":"d","user_code":"u","verification_uri":"https://a","expires_in":300}"#;
        assert_eq!(
            parse_device_authorization(200, no_interval)
                .unwrap()
                .interval,
            5
        );
        let fast = DEVICE.replace("\"interval\":5", "\"interval\":1");
        assert_eq!(parse_device_authorization(200, &fast).unwrap().interval, 5);
        // A fraction rounds up: polling at 7 s would be sooner than asked.
        let fractional = DEVICE.replace("\"interval\":5", "\"interval\":7.5");
        assert_eq!(
            parse_device_authorization(200, &fractional)
                .unwrap()
                .interval,
            8
        );
    }

    #[test]
    fn refuses_bad_device_responses() {
        for body in [
            "{}",
            "nope",
            &DEVICE.replace("\"device_code\":\"dc\",", ""),
            &DEVICE.replace("\"user_code\":\"ABC123\"", "\"user_code\":7"),
            &DEVICE.replace("\"verification_uri\":\"https://a/sc\",", ""),
            &DEVICE.replace("\"expires_in\":300", "\"expires_in\":-3"),
            &DEVICE.replace("\"expires_in\":300,", ""),
        ] {
            let e = parse_device_authorization(200, body).unwrap_err();
            assert_eq!(e.code(), "invalid_response", "{body}");
        }
        let e = parse_device_authorization(401, r#"{"error":"invalid_client"}"#).unwrap_err();
        assert_eq!(e.code(), "invalid_client");
    }

    const PENDING: &str = r#"{"error":"authorization_pending"}"#;

    #[test]
    fn never_polls_before_the_interval() {
        let p = DevicePoller::new(&device(), 1_000);
        assert_eq!(p.next(1_000).unwrap(), Step::Wait(5_000));
        assert_eq!(p.next(5_999).unwrap(), Step::Wait(1));
        assert_eq!(p.next(6_000).unwrap(), Step::Poll);
    }

    #[test]
    fn pending_keeps_the_interval_and_slow_down_adds_five_seconds() {
        let mut p = DevicePoller::new(&device(), 0);
        assert_eq!(p.on_answer(answer(400, PENDING), 5_000).unwrap(), None);
        assert_eq!(p.next(9_999).unwrap(), Step::Wait(1));
        assert_eq!(p.next(10_000).unwrap(), Step::Poll);
        let slow = r#"{"error":"slow_down"}"#;
        assert_eq!(p.on_answer(answer(400, slow), 10_000).unwrap(), None);
        assert_eq!(p.interval_ms(), 10_000);
        assert_eq!(p.next(19_999).unwrap(), Step::Wait(1));
        assert_eq!(p.on_answer(answer(400, slow), 20_000).unwrap(), None);
        assert_eq!(p.interval_ms(), 15_000);
        assert_eq!(p.next(34_999).unwrap(), Step::Wait(1));
        assert_eq!(p.next(35_000).unwrap(), Step::Poll);
    }

    #[test]
    fn approval_yields_tokens() {
        let mut p = DevicePoller::new(&device(), 0);
        let ok = r#"{"access_token":"at","token_type":"Bearer","expires_in":3600}"#;
        let t = p.on_answer(answer(200, ok), 5_000).unwrap().unwrap();
        assert_eq!(t.access_token, "at");
        assert_eq!(t.expires_at_ms, Some(5_000 + 3_600_000));
    }

    #[test]
    fn expiry_denial_and_other_errors_end_polling() {
        let mut p = DevicePoller::new(&device(), 0);
        let e = p
            .on_answer(answer(400, r#"{"error":"expired_token"}"#), 5_000)
            .unwrap_err();
        assert_eq!(e.code(), "expired_token");
        let e = p
            .on_answer(answer(400, r#"{"error":"access_denied"}"#), 5_000)
            .unwrap_err();
        assert_eq!(e.code(), "access_denied");
        let e = p.on_answer(answer(500, "<html>"), 5_000).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn local_deadline_expires_without_a_poll() {
        let p = DevicePoller::new(&device(), 0);
        assert_eq!(p.next(299_999).unwrap(), Step::Poll);
        assert_eq!(p.next(300_000).unwrap_err().code(), "expired_token");
    }
}
