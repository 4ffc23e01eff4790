//! Token sets: parsing the token endpoint's answer (RFC 6749 §5.1, §5.2) and
//! the implicit fragment (§4.2.2), storing them, and judging their expiry.

use super::error::{fail, AuthError, ErrorCode};
use super::secret::{AccessToken, RefreshToken};
use serde::{Deserialize, Serialize};

/// Longest lifetime we accept (ten years); anything larger is a broken server.
const MAX_EXPIRES_IN: f64 = 315_360_000.0;

/// Longest lifetime we believe, in ms: 2^31 - 1, the longest delay
/// `setTimeout` takes (about 24.8 days). A token said to live longer is
/// refreshed, or taken as expired, after that: `expiresAt` is never so far
/// ahead that an app's `setTimeout(refresh, expiresAt - Date.now())` fires
/// at once (every browser runs a longer delay immediately) and spins.
pub const MAX_LIFETIME_MS: u64 = 2_147_483_647;
/// Schema version of the stored token set.
const SCHEMA_VERSION: f64 = 1.0;

/// The tokens of one session. `expires_at_ms` is absolute (our clock, already
/// corrected for skew) so it never goes stale the way `expires_in` does.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub token_type: String,
    pub expires_at_ms: Option<u64>,
    pub scope: Option<String>,
    pub refresh_token: Option<RefreshToken>,
    pub id_token: Option<String>,
}

impl core::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print a token (the ID token carries the user's data).
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("scope", &self.scope)
            .field("refresh_token", &self.refresh_token)
            .field("has_id_token", &self.id_token.is_some())
            .finish()
    }
}

/// A successful token endpoint answer (RFC 6749 §5.1), as read from its JSON.
/// Members of the wrong type make the whole answer unreadable.
#[derive(Clone, Default, Deserialize)]
pub struct TokenResponse {
    pub access_token: Option<String>,
    pub token_type: Option<String>,
    pub expires_in: Option<f64>,
    pub scope: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
}

/// An OAuth error answer (RFC 6749 §5.2), as read from its JSON.
#[derive(Clone, Default, Deserialize)]
pub struct ErrorResponse {
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// The error an HTTP error answer stands for: the server's OAuth error when
/// its body is one (`body`: `None` when it is not JSON of that shape), else
/// `invalid_response` with the status.
pub fn error_from_answer(status: u16, body: Option<ErrorResponse>) -> AuthError {
    match body {
        Some(ErrorResponse {
            error: Some(error),
            error_description,
        }) => AuthError::oauth(&error, error_description.as_deref(), Some(status)),
        _ => AuthError::new(
            ErrorCode::InvalidResponse,
            "the server answered with an HTTP error and no OAuth error",
        )
        .with_status(status),
    }
}

/// The error for a 2xx answer whose body is not the JSON object expected.
pub fn unreadable_answer(status: u16) -> AuthError {
    AuthError::new(
        ErrorCode::InvalidResponse,
        "the server's answer is not the JSON object the protocol asks for",
    )
    .with_status(status)
}

fn expires_at(expires_in: Option<f64>, now_ms: u64) -> Result<Option<u64>, AuthError> {
    match expires_in {
        None => Ok(None),
        Some(s) if (0.0..=MAX_EXPIRES_IN).contains(&s) => {
            Ok(Some(now_ms + ((s * 1000.0) as u64).min(MAX_LIFETIME_MS)))
        }
        Some(_) => fail(ErrorCode::InvalidResponse, "expires_in is out of range"),
    }
}

/// RFC 6749 Appendix A.12, A.17: an access or refresh token (and a device
/// code, RFC 8628 §3.2) is one or more visible ASCII characters or spaces.
/// Anything else (a line break that would split the `Authorization` header
/// an app builds from it, a control character, non-ASCII) is no token.
pub fn is_token_text(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn check_token_text(
    value: Option<String>,
    name: &'static str,
) -> Result<Option<String>, AuthError> {
    match value {
        Some(t) if !is_token_text(&t) => fail(ErrorCode::InvalidResponse, name),
        other => Ok(other),
    }
}

/// RFC 6749 §3.3: scope tokens of `%x21 / %x23-5B / %x5D-7E`, separated by
/// single spaces.
pub fn is_scope_text(scope: &str) -> bool {
    let token_char = |b: u8| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
    !scope
        .split(' ')
        .any(|t| t.is_empty() || !t.bytes().all(token_char))
}

/// RFC 6749 §3.3: `scope` is scope tokens of `%x21 / %x23-5B / %x5D-7E`
/// separated by spaces. The app reads it (and may show it or split it):
/// quotes, backslashes, control characters or non-ASCII are no scope.
fn check_scope(scope: Option<String>) -> Result<Option<String>, AuthError> {
    match scope {
        Some(s) if !is_scope_text(&s) => fail(
            ErrorCode::InvalidResponse,
            "scope is not a space-separated list of scope tokens (RFC 6749 §3.3)",
        ),
        other => Ok(other),
    }
}

/// How the client presents its access token, and so the `token_type` it
/// accepts: `Bearer` (RFC 6750), or `DPoP` (RFC 9449) when the `dpop`
/// option is on.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum TokenType {
    #[default]
    Bearer,
    Dpop,
}

impl TokenType {
    /// The `token_type` and `Authorization` scheme as written.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Bearer => "Bearer",
            TokenType::Dpop => "DPoP",
        }
    }
}

/// The `token_type` of an answer, when it is the one `expected`.
fn check_token_type(token_type: Option<&str>, expected: TokenType) -> Result<String, AuthError> {
    // RFC 6749 §7.1: the type is case-insensitive. Any other type than the
    // one asked for is refused: a DPoP or MAC token used as a bearer token
    // would fail at every API, and a Bearer answer to a DPoP request is a
    // token a thief can replay (RFC 9449 §5: the server did not bind it).
    match token_type {
        Some(t) if t.eq_ignore_ascii_case(expected.name()) => Ok(expected.name().into()),
        Some(_) => match expected {
            TokenType::Bearer => fail(ErrorCode::InvalidResponse, "token_type is not Bearer"),
            TokenType::Dpop => fail(
                ErrorCode::InvalidResponse,
                "token_type is not DPoP though the request carried a DPoP proof",
            ),
        },
        None => fail(ErrorCode::InvalidResponse, "token_type is missing"),
    }
}

/// An optional member that, when present, is a non-empty string.
fn non_empty(value: Option<String>) -> Result<Option<String>, AuthError> {
    match value {
        Some(s) if s.is_empty() => fail(
            ErrorCode::InvalidResponse,
            "a token response member is an empty string",
        ),
        other => Ok(other),
    }
}

const ACCESS_TOKEN_TEXT: &str = "access_token has characters no token has (RFC 6749 A.12)";
const REFRESH_TOKEN_TEXT: &str = "refresh_token has characters no token has (RFC 6749 A.17)";

/// Builds the token set of a token endpoint answer (RFC 6749 §5.1) received
/// at `now_ms` to a request for a token of type `expected`.
pub fn token_set(
    response: TokenResponse,
    now_ms: u64,
    expected: TokenType,
) -> Result<TokenSet, AuthError> {
    let Some(access_token) = non_empty(response.access_token)? else {
        return fail(ErrorCode::InvalidResponse, "access_token is missing");
    };
    let access_token = check_token_text(Some(access_token), ACCESS_TOKEN_TEXT)?.unwrap_or_default();
    let token_type = check_token_type(response.token_type.as_deref(), expected)?;
    Ok(TokenSet {
        access_token: AccessToken::new(access_token),
        token_type,
        expires_at_ms: expires_at(response.expires_in, now_ms)?,
        scope: check_scope(non_empty(response.scope)?)?,
        refresh_token: check_token_text(non_empty(response.refresh_token)?, REFRESH_TOKEN_TEXT)?
            .map(RefreshToken::new),
        id_token: non_empty(response.id_token)?,
    })
}

/// Builds the token set of an implicit response (RFC 6749 §4.2.2). A refresh
/// token is never part of it (§4.2.2: "MUST NOT issue a refresh token").
pub fn implicit_token_set(
    access_token: Option<&str>,
    token_type: Option<&str>,
    expires_in: Option<&str>,
    scope: Option<&str>,
    id_token: Option<&str>,
    now_ms: u64,
) -> Result<TokenSet, AuthError> {
    let access_token = match access_token {
        Some(t) if is_token_text(t) => AccessToken::new(t),
        Some(t) if !t.is_empty() => return fail(ErrorCode::InvalidResponse, ACCESS_TOKEN_TEXT),
        _ => return fail(ErrorCode::InvalidResponse, "access_token is missing"),
    };
    // Implicit tokens come without a token request to bind them: always Bearer.
    let token_type = check_token_type(token_type, TokenType::Bearer)?;
    let expires_in = match expires_in {
        None => None,
        // Digits only (no sign, no fraction): at most 12 of them fit a u64.
        Some(s) if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<u64>().ok().map(|n| n as f64)
        }
        Some(_) => return fail(ErrorCode::InvalidResponse, "expires_in is not a number"),
    };
    Ok(TokenSet {
        access_token,
        token_type,
        expires_at_ms: expires_at(expires_in, now_ms)?,
        scope: check_scope(scope.map(str::to_string))?,
        refresh_token: None,
        id_token: id_token.map(str::to_string),
    })
}

/// The stored form of a token set (schema version `v`). Times are `f64`
/// milliseconds, as JSON numbers are.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredTokens {
    pub v: f64,
    pub access_token: String,
    pub token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl TokenSet {
    /// True when the access token has more than `min_validity_ms` left at `now_ms`.
    /// A token without a known lifetime counts as valid.
    pub fn is_valid_for(&self, now_ms: u64, min_validity_ms: u64) -> bool {
        self.expires_at_ms
            .is_none_or(|at| at > now_ms.saturating_add(min_validity_ms))
    }

    /// Merges a refresh answer: a server that does not rotate the refresh token
    /// or does not resend the ID token keeps the old ones (RFC 6749 §6).
    pub fn merged_over(mut self, previous: &TokenSet) -> TokenSet {
        if self.refresh_token.is_none() {
            self.refresh_token = previous.refresh_token.clone();
        }
        if self.id_token.is_none() {
            self.id_token = previous.id_token.clone();
        }
        if self.scope.is_none() {
            self.scope = previous.scope.clone();
        }
        self
    }

    /// The stored form.
    pub fn to_stored(&self) -> StoredTokens {
        StoredTokens {
            v: SCHEMA_VERSION,
            access_token: self.access_token.secret().to_string(),
            token_type: self.token_type.clone(),
            expires_at: self.expires_at_ms.map(|ms| ms as f64),
            scope: self.scope.clone(),
            refresh_token: self.refresh_token.as_ref().map(|t| t.secret().to_string()),
            id_token: self.id_token.clone(),
        }
    }

    /// Reads a stored token set; `None` for one of another schema or with
    /// impossible values.
    pub fn from_stored(stored: StoredTokens) -> Option<TokenSet> {
        if stored.v != SCHEMA_VERSION || stored.access_token.is_empty() {
            return None;
        }
        let expires_at_ms = match stored.expires_at {
            None => None,
            Some(ms) if ms >= 0.0 && ms.is_finite() => Some(ms as u64),
            Some(_) => return None,
        };
        Some(TokenSet {
            access_token: AccessToken::new(stored.access_token),
            token_type: stored.token_type,
            expires_at_ms,
            scope: stored.scope,
            refresh_token: stored.refresh_token.map(RefreshToken::new),
            id_token: stored.id_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a body as the client does: a 2xx answer as a token response,
    /// any other as an OAuth error.
    pub(crate) fn answer(status: u16, body: &str, now_ms: u64) -> Result<TokenSet, AuthError> {
        if (200..300).contains(&status) {
            let response = serde_json::from_str::<TokenResponse>(body)
                .map_err(|_| unreadable_answer(status))?;
            token_set(response, now_ms, TokenType::Bearer)
        } else {
            Err(error_from_answer(status, serde_json::from_str(body).ok()))
        }
    }

    fn ok(body: &str) -> Result<TokenSet, AuthError> {
        answer(200, body, 1_000_000)
    }

    fn of_type(token_type: &str, expected: TokenType) -> Result<TokenSet, AuthError> {
        let body = format!(r#"{{"access_token":"a","token_type":"{token_type}"}}"#);
        token_set(serde_json::from_str(&body).unwrap(), 0, expected)
    }

    #[test]
    fn dpop_answers_are_accepted_only_when_dpop_was_asked_for() {
        for t in ["DPoP", "dpop", "DPOP"] {
            assert_eq!(of_type(t, TokenType::Dpop).unwrap().token_type, "DPoP");
            assert_eq!(
                of_type(t, TokenType::Bearer).unwrap_err().code(),
                "invalid_response"
            );
        }
    }

    #[test]
    fn a_bearer_answer_to_a_dpop_request_is_refused() {
        // RFC 9449 §5: the server did not bind the token; a thief could replay it.
        let e = of_type("Bearer", TokenType::Dpop).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        assert!(e.message().contains("DPoP"));
        assert_eq!(
            of_type("Bearer", TokenType::Bearer).unwrap().token_type,
            "Bearer"
        );
    }

    #[test]
    fn implicit_tokens_are_never_dpop() {
        let e = implicit_token_set(Some("a"), Some("DPoP"), None, None, None, 0).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn parses_a_full_response() {
        let t = ok(r#"{"access_token":"at","token_type":"bearer","expires_in":3600,"scope":"openid offline_access","refresh_token":"rt","id_token":"a.b.c"}"#).unwrap();
        assert_eq!(t.access_token, "at");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_at_ms, Some(1_000_000 + 3_600_000));
        assert_eq!(t.scope.as_deref(), Some("openid offline_access"));
        assert_eq!(
            t.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt")
        );
        assert_eq!(t.id_token.as_deref(), Some("a.b.c"));
    }

    #[test]
    fn refuses_bad_success_bodies() {
        for body in [
            "not json",
            "[1,2]",
            r#"{"token_type":"Bearer"}"#,
            r#"{"access_token":"","token_type":"Bearer"}"#,
            r#"{"access_token":5,"token_type":"Bearer"}"#,
            r#"{"access_token":"a","token_type":"DPoP"}"#,
            r#"{"access_token":"a"}"#,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":-1}"#,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":"3600"}"#,
            r#"{"access_token":"a","token_type":"Bearer","expires_in":1e300}"#,
            r#"{"access_token":"a","token_type":"Bearer","refresh_token":7}"#,
        ] {
            assert_eq!(ok(body).unwrap_err().code(), "invalid_response", "{body}");
        }
    }

    #[test]
    fn tokens_and_scope_have_only_the_characters_their_grammar_allows() {
        let body = |member: &str, value: &str| {
            let mut v = serde_json::json!({"access_token":"at","token_type":"Bearer"});
            v[member] = serde_json::Value::from(value);
            v.to_string()
        };
        for (member, value) in [
            ("access_token", "at\r\nX-Injected: 1"),
            ("access_token", "at\u{0}"),
            ("access_token", "jeton-é"),
            ("refresh_token", "rt\n"),
            ("refresh_token", "rt\u{7f}"),
            ("scope", "openid é"),
            ("scope", "openid\nprofile"),
            ("scope", "openid  profile"),
            ("scope", " openid"),
            ("scope", "openid \"x\""),
            ("scope", "a\\b"),
        ] {
            let e = ok(&body(member, value)).unwrap_err();
            assert_eq!(e.code(), "invalid_response", "{member} {value:?}");
            assert!(
                !e.message().contains(value),
                "the value stays out of the message"
            );
        }
        for (member, value) in [
            ("access_token", "2YotnFZFEjr1zCsicMWpAA"),
            ("access_token", "a b~+/=:@!"),
            ("refresh_token", "tGzv3JOkF0XG5Qx2TlKWIA"),
            ("scope", "openid profile api:read https://api.example/x"),
        ] {
            assert!(ok(&body(member, value)).is_ok(), "{member} {value:?}");
        }
        let e = implicit_token_set(Some("a\nb"), Some("Bearer"), None, None, None, 0).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        let e =
            implicit_token_set(Some("a"), Some("Bearer"), None, Some("a\tb"), None, 0).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn a_lifetime_is_believed_at_most_as_long_as_set_timeout_can_wait() {
        // 30 days is a real (if long) lifetime: taken, but believed for
        // 2^31 - 1 ms, so an app's timer on expiresAt never overflows.
        let t = ok(r#"{"access_token":"a","token_type":"Bearer","expires_in":2592000}"#).unwrap();
        assert_eq!(t.expires_at_ms, Some(1_000_000 + MAX_LIFETIME_MS));
        let t = ok(r#"{"access_token":"a","token_type":"Bearer","expires_in":2147483}"#).unwrap();
        assert_eq!(t.expires_at_ms, Some(1_000_000 + 2_147_483_000));
        let t = implicit_token_set(Some("a"), Some("Bearer"), Some("315360000"), None, None, 0)
            .unwrap();
        assert_eq!(t.expires_at_ms, Some(MAX_LIFETIME_MS));
    }

    #[test]
    fn keeps_the_servers_error() {
        let e = answer(
            400,
            r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.description(), Some("grant request is invalid"));
    }

    #[test]
    fn error_uri_is_never_read() {
        // RFC 6749 §5.2's error_uri would be a link chosen by the provider:
        // the SDK keeps the code and the text, and never that link.
        let e = answer(
            400,
            r#"{"error":"invalid_grant","error_uri":"javascript:alert(1)"}"#,
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(e.description(), None);
        assert!(!format!("{e:?}").contains("javascript"));
    }

    #[test]
    fn http_errors_without_oauth_body_are_invalid_response_with_status() {
        for (status, body) in [(400, ""), (500, "<html>oops</html>"), (502, "{}")] {
            let e = answer(status, body, 0).unwrap_err();
            assert_eq!(e.code(), "invalid_response");
            assert_eq!(e.status(), Some(status));
        }
    }

    #[test]
    fn errors_never_carry_the_body() {
        let e = ok(r#"{"access_token":"SECRET","token_type":"mac"}"#).unwrap_err();
        assert!(!format!("{e:?}").contains("SECRET"));
        assert!(!e.to_string().contains("SECRET"));
    }

    #[test]
    fn expiry_with_margin() {
        let t = ok(r#"{"access_token":"a","token_type":"Bearer","expires_in":60}"#).unwrap();
        assert!(t.is_valid_for(1_000_000, 30_000));
        assert!(!t.is_valid_for(1_000_000 + 30_000, 30_000));
        assert!(!t.is_valid_for(1_000_000 + 61_000, 0));
    }

    #[test]
    fn implicit_tokens_never_have_refresh_tokens() {
        let t = implicit_token_set(
            Some("a"),
            Some("Bearer"),
            Some("3600"),
            Some("openid"),
            None,
            0,
        )
        .unwrap();
        assert_eq!(t.refresh_token, None);
        assert_eq!(t.expires_at_ms, Some(3_600_000));
        let e =
            implicit_token_set(Some("a"), Some("Bearer"), Some("-5"), None, None, 0).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        let e = implicit_token_set(Some("a"), Some("mac"), None, None, None, 0).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn stored_form_round_trips_and_refuses_junk() {
        let t =
            ok(r#"{"access_token":"a","token_type":"Bearer","expires_in":5,"refresh_token":"r"}"#)
                .unwrap();
        let text = serde_json::to_string(&t.to_stored()).unwrap();
        let back = serde_json::from_str::<StoredTokens>(&text).unwrap();
        assert_eq!(TokenSet::from_stored(back), Some(t.clone()));
        assert!(serde_json::from_str::<StoredTokens>(r#"{"access_token":"a"}"#).is_err());
        let mut other = t.to_stored();
        other.v = 0.0;
        assert_eq!(TokenSet::from_stored(other), None);
        let mut negative = t.to_stored();
        negative.expires_at = Some(-1.0);
        assert_eq!(TokenSet::from_stored(negative), None);
    }

    #[test]
    fn refresh_keeps_refresh_token_when_not_rotated() {
        let old =
            ok(r#"{"access_token":"a","token_type":"Bearer","refresh_token":"r","id_token":"i"}"#)
                .unwrap();
        let new = ok(r#"{"access_token":"b","token_type":"Bearer"}"#)
            .unwrap()
            .merged_over(&old);
        assert_eq!(new.access_token, "b");
        assert_eq!(
            new.refresh_token.as_ref().map(RefreshToken::secret),
            Some("r")
        );
        assert_eq!(new.id_token.as_deref(), Some("i"));
    }
}
