//! The device authorization grant (RFC 8628): the device authorization
//! response, and the polling state machine, driven by the caller's clock.

use super::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use super::secret::DeviceCode;
use super::tokens::{is_token_text, token_set, TokenResponse, TokenSet, TokenType};
use super::url::{is_secure_or_loopback, parse_web_url, UrlParser};
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

/// Longest user code shown (RFC 8628 §6.1: a few characters a person types).
pub const MAX_USER_CODE_LEN: usize = 64;

/// A verification URI as the app will use it, as a link or a QR code: an
/// absolute `https` URL (`http` only on loopback) without user-info. A
/// `javascript:` or `data:` URI would run in the app's page when clicked.
fn web_link(urls: &dyn UrlParser, value: String) -> Result<String, AuthError> {
    match parse_web_url(urls, &value) {
        Some(url) if is_secure_or_loopback(&url) => Ok(value),
        _ => fail(
            ErrorCode::InvalidResponse,
            "the device authorization response's verification URI is not an https URL",
        ),
    }
}

/// Builds the device authorization from the endpoint's answer. `interval`
/// defaults to 5 s and is never taken below it. Every member the app gets
/// is checked for what the app does with it: the verification URIs become
/// links, the user code is shown, the times become timers (bounded above),
/// and the device code is sent back in a form.
pub fn device_authorization(
    r: DeviceAuthorizationResponse,
    urls: &dyn UrlParser,
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
    let device_code = required(r.device_code)?;
    if !is_token_text(&device_code) {
        return fail(
            ErrorCode::InvalidResponse,
            "the device code has characters no code has",
        );
    }
    let user_code = required(r.user_code)?;
    if user_code.chars().count() > MAX_USER_CODE_LEN || user_code.chars().any(char::is_control) {
        return fail(
            ErrorCode::InvalidResponse,
            "the user code is too long or has control characters",
        );
    }
    Ok(DeviceAuthorization {
        device_code: DeviceCode::new(device_code),
        user_code,
        verification_uri: web_link(urls, verification_uri)?,
        verification_uri_complete: r
            .verification_uri_complete
            .filter(|s| !s.is_empty())
            .map(|link| web_link(urls, link))
            .transpose()?,
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

/// How many waits in a row may end before their time (a runtime whose timer
/// fires at once, or a clock that stands still) before polling stops: one
/// early wake is a timer a millisecond ahead of the clock, three are a
/// timer that does not wait, and the loop would spin.
pub const MAX_EARLY_WAKES: u32 = 3;

/// The polling state machine (RFC 8628 §3.4, §3.5). It reads the clock
/// again at every step, so a wait cut short, a clock set back or forward,
/// or a page asleep for an hour each lead to the right next step, and it
/// refuses to go round without time passing: every round either polls or
/// waits for a timer that let the clock move.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DevicePoller {
    interval_ms: u64,
    next_poll_at_ms: u64,
    deadline_ms: u64,
    /// The clock at the last step: a clock that reads earlier was set back.
    clock_ms: u64,
    /// When the wait handed out last should end.
    wake_at_ms: Option<u64>,
    /// Waits in a row that ended before `wake_at_ms`.
    early_wakes: u32,
    /// The `token_type` the polls ask for.
    token_type: TokenType,
}

impl DevicePoller {
    /// Starts polling for an authorization received at `started_at_ms`: the
    /// first poll waits one interval, as the device could not have been approved sooner.
    pub fn new(device: &DeviceAuthorization, started_at_ms: u64) -> Self {
        let interval_ms = u64::from(device.interval.max(MIN_INTERVAL_SECONDS)) * 1000;
        DevicePoller {
            interval_ms,
            next_poll_at_ms: started_at_ms.saturating_add(interval_ms),
            deadline_ms: started_at_ms.saturating_add(u64::from(device.expires_in) * 1000),
            clock_ms: started_at_ms,
            wake_at_ms: None,
            early_wakes: 0,
            token_type: TokenType::Bearer,
        }
    }

    /// The same poller, expecting tokens of `token_type` (`DPoP` when the
    /// polls carry a DPoP proof).
    pub fn expecting(mut self, token_type: TokenType) -> Self {
        self.token_type = token_type;
        self
    }

    /// The current interval in milliseconds.
    pub fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// What to do at `now_ms`: wait, poll, or give up (`expired_token`, or
    /// `timeout` when the waits keep ending early). A wait is never longer
    /// than the time to the next poll or to the deadline, so never longer
    /// than a day (the longest `expires_in` taken).
    pub fn next(&mut self, now_ms: u64) -> Result<Step, AuthError> {
        if now_ms < self.clock_ms {
            // The clock was set back: the poll and the deadline are as far
            // away in real time as before, not a month further. A wait in
            // progress is taken to have lasted its full time (timers do not
            // follow the wall clock).
            let back = self.wake_at_ms.unwrap_or(0).max(self.clock_ms) - now_ms;
            self.next_poll_at_ms = self.next_poll_at_ms.saturating_sub(back);
            self.deadline_ms = self.deadline_ms.saturating_sub(back);
            self.wake_at_ms = self.wake_at_ms.map(|at| at.saturating_sub(back));
        }
        self.clock_ms = now_ms;
        match self.wake_at_ms.take() {
            Some(at) if now_ms < at => {
                self.early_wakes += 1;
                if self.early_wakes >= MAX_EARLY_WAKES {
                    return fail(
                        ErrorCode::Timeout,
                        "the runtime's timer keeps waking device polling early: polling stopped instead of spinning",
                    );
                }
            }
            _ => self.early_wakes = 0,
        }
        if now_ms >= self.deadline_ms {
            return fail(
                ErrorCode::ExpiredToken,
                "the device code expired before the user approved it",
            );
        }
        if now_ms < self.next_poll_at_ms {
            let wake_at = self.next_poll_at_ms.min(self.deadline_ms);
            self.wake_at_ms = Some(wake_at);
            return Ok(Step::Wait(wake_at - now_ms));
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
        // The next poll is timed from this clock reading.
        self.clock_ms = now_ms;
        match answer.and_then(|r| token_set(r, now_ms, self.token_type)) {
            Ok(tokens) => Ok(Some(tokens)),
            Err(e) => match e.server_code() {
                Some(OAuthErrorCode::AuthorizationPending) => {
                    self.next_poll_at_ms = now_ms.saturating_add(self.interval_ms);
                    Ok(None)
                }
                Some(OAuthErrorCode::SlowDown) => {
                    self.interval_ms += u64::from(SLOW_DOWN_SECONDS) * 1000;
                    self.next_poll_at_ms = now_ms.saturating_add(self.interval_ms);
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

#[cfg(all(test, not(target_arch = "wasm32")))]
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
        device_authorization(
            serde_json::from_str(body).map_err(|_| unreadable_answer(status))?,
            &crate::core::url::WhatwgUrl,
        )
    }

    const DEVICE: &str = r#"{"device_code":"dc","user_code":"ABC123","verification_uri":"https://a/sc","verification_uri_complete":"https://a/auth/device?code=ABC123","expires_in":300,"interval":5}"#;

    fn device() -> DeviceAuthorization {
        parse_device_authorization(200, DEVICE).unwrap()
    }

    #[test]
    fn a_dpop_poller_takes_dpop_tokens_and_refuses_bearer_ones() {
        let mut poller = DevicePoller::new(&device(), 0).expecting(TokenType::Dpop);
        let bearer = answer(200, r#"{"access_token":"a","token_type":"Bearer"}"#);
        assert_eq!(
            poller.on_answer(bearer, 5_000).unwrap_err().code(),
            "invalid_response"
        );
        let mut poller = DevicePoller::new(&device(), 0).expecting(TokenType::Dpop);
        let dpop = answer(200, r#"{"access_token":"a","token_type":"DPoP"}"#);
        let tokens = poller.on_answer(dpop, 5_000).unwrap().unwrap();
        assert_eq!(tokens.token_type, "DPoP");
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

    #[test]
    fn refuses_links_codes_and_times_an_app_could_not_use_safely() {
        for (from, to) in [
            ("\"https://a/sc\"", "\"javascript:alert(1)\""),
            ("\"https://a/sc\"", "\"data:text/html,<script>1</script>\""),
            ("\"https://a/sc\"", "\"http://a.example/sc\""),
            ("\"https://a/sc\"", "\"https://good.example@evil.example/\""),
            ("\"https://a/sc\"", "\"/sc\""),
            (
                "\"https://a/auth/device?code=ABC123\"",
                "\"javascript:alert(document.cookie)\"",
            ),
            ("\"https://a/auth/device?code=ABC123\"", "\"vbscript:x\""),
            ("\"ABC123\"", "\"ABC\\n123\""),
            ("\"ABC123\"", &format!("\"{}\"", "A".repeat(65))),
            ("\"dc\"", "\"d\\u0000c\""),
            ("\"dc\"", "\"dé\""),
            ("\"interval\":5", "\"interval\":1e9"),
            ("\"expires_in\":300", "\"expires_in\":86401"),
            ("\"expires_in\":300", "\"expires_in\":0.5"),
        ] {
            let body = DEVICE.replacen(from, to, 1);
            assert_ne!(body, DEVICE, "{from}");
            let e = parse_device_authorization(200, &body).unwrap_err();
            assert_eq!(e.code(), "invalid_response", "{to}");
        }
        // http on this machine, a draft-style verification_url, and a long
        // but plausible user code are fine.
        let local = DEVICE.replace("https://a/sc", "http://127.0.0.1:3000/sc");
        assert!(parse_device_authorization(200, &local).is_ok());
        let draft = DEVICE.replace("verification_uri\"", "verification_url\"");
        assert_eq!(
            parse_device_authorization(200, &draft)
                .unwrap()
                .verification_uri,
            "https://a/sc"
        );
        let long = DEVICE.replace("ABC123", &"W".repeat(64));
        assert!(parse_device_authorization(200, &long).is_ok());
    }

    const PENDING: &str = r#"{"error":"authorization_pending"}"#;

    #[test]
    fn never_polls_before_the_interval() {
        let mut p = DevicePoller::new(&device(), 1_000);
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
        let mut p = DevicePoller::new(&device(), 0);
        assert_eq!(p.next(299_999).unwrap(), Step::Poll);
        assert_eq!(p.next(300_000).unwrap_err().code(), "expired_token");
    }

    #[test]
    fn a_timer_that_does_not_wait_stops_polling_instead_of_spinning() {
        // A sleep that returns at once with the clock standing still: the
        // poller refuses to go round again and again.
        let mut p = DevicePoller::new(&device(), 0);
        for _ in 0..MAX_EARLY_WAKES {
            assert_eq!(p.next(0).unwrap(), Step::Wait(5_000));
        }
        assert_eq!(p.next(0).unwrap_err().code(), "timeout");
        // A timer a millisecond early now and then is fine.
        let mut p = DevicePoller::new(&device(), 0);
        for round in 0..10u64 {
            let start = round * 5_000;
            if round > 0 {
                assert_eq!(p.on_answer(answer(400, PENDING), start).unwrap(), None);
            }
            assert_eq!(p.next(start).unwrap(), Step::Wait(5_000));
            assert_eq!(p.next(start + 4_999).unwrap(), Step::Wait(1));
            assert_eq!(p.next(start + 5_000).unwrap(), Step::Poll);
        }
    }

    #[test]
    fn a_clock_set_back_a_month_keeps_the_waits_and_the_deadline_in_real_time() {
        const MONTH: u64 = 30 * 24 * 3600 * 1000;
        let t = 2 * MONTH;
        let mut p = DevicePoller::new(&device(), t);
        assert_eq!(p.next(t).unwrap(), Step::Wait(5_000));
        // Set back a month while waiting: 5 s later the timer fires and the
        // clock reads a month earlier. The poll is due, not a month away.
        assert_eq!(p.next(t - MONTH + 5_000).unwrap(), Step::Poll);
        assert_eq!(
            p.on_answer(answer(400, PENDING), t - MONTH + 5_000)
                .unwrap(),
            None
        );
        // Set back again just as the next wait starts: still one interval.
        assert_eq!(p.next(t - 2 * MONTH + 5_000).unwrap(), Step::Wait(5_000));
        assert_eq!(p.next(t - 2 * MONTH + 10_000).unwrap(), Step::Poll);
        // The deadline stayed 300 s after the start, in real time.
        assert_eq!(
            p.next(t - 2 * MONTH + 300_000).unwrap_err().code(),
            "expired_token"
        );
        // Set forward a month: the code is taken as expired, no wait at all.
        let mut p = DevicePoller::new(&device(), t);
        assert_eq!(p.next(t + MONTH).unwrap_err().code(), "expired_token");
    }

    #[test]
    fn a_wait_is_never_longer_than_the_interval_or_the_time_left() {
        // A start in the future (an app that handed back a wrong expiresAt)
        // is a clock set back: one interval, not the distance to it.
        let mut p = DevicePoller::new(&device(), 10 * 86_400_000);
        assert_eq!(p.next(0).unwrap(), Step::Wait(5_000));
        // A deadline before the next poll: wait for the deadline, then stop.
        let short = DeviceAuthorization {
            expires_in: 60,
            interval: 3_600,
            ..device()
        };
        let mut p = DevicePoller::new(&short, 0);
        assert_eq!(p.next(0).unwrap(), Step::Wait(60_000));
        assert_eq!(p.next(60_000).unwrap_err().code(), "expired_token");
        // However often the provider says slow_down, a wait stays within a
        // day (the longest expires_in), far below setTimeout's 2^31 - 1 ms.
        let longest = DeviceAuthorization {
            expires_in: 86_400,
            ..device()
        };
        let mut p = DevicePoller::new(&longest, 0);
        let slow = r#"{"error":"slow_down"}"#;
        for _ in 0..20_000 {
            p.on_answer(answer(400, slow), 0).unwrap();
        }
        assert_eq!(p.next(0).unwrap(), Step::Wait(86_400_000));
    }
}
