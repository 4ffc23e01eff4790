//! The one error type of the SDK.
//!
//! Every failure has a stable snake_case `code`: either one of the SDK's own
//! ([`ErrorCode`]) or the OAuth error the server sent (`invalid_grant`,
//! `access_denied`, ...). Messages are static text, or name an option the app
//! wrote: nothing an error carries is built from a token, a code or a
//! verifier, so an error can be logged safely.

use std::borrow::Cow;

/// The SDK's own error codes. Server errors keep the server's code instead
/// (see [`AuthError::oauth`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ErrorCode {
    /// The callback's `state` is missing or is not one this client issued.
    StateMismatch,
    /// No pending login is stored for the callback's `state` (already used, or never started here).
    MissingTransaction,
    /// The pending login is older than its lifetime.
    TransactionExpired,
    /// The callback's or discovery document's `iss` is not our issuer.
    IssuerMismatch,
    /// The ID token's `nonce` is not the one the pending login sent.
    NonceMismatch,
    /// The ID token failed a check (claims, signature, encoding).
    InvalidIdToken,
    /// The session is gone (no tokens, or the refresh token was refused).
    LoginRequired,
    /// The request never got an HTTP response.
    NetworkError,
    /// The browser storage refused a write, or cannot be used at all.
    StorageUnavailable,
    /// A device code expired.
    ExpiredToken,
    /// The caller aborted the operation.
    Aborted,
    /// The browser refused to open a popup.
    PopupBlocked,
    /// The user closed the popup before finishing.
    PopupClosed,
    /// An HTTP request or a popup took too long.
    Timeout,
    /// A client secret or a secret-only grant was used inside a browser.
    SecretInBrowser,
    /// The options or arguments given to the SDK are wrong.
    InvalidOptions,
    /// The server's answer is not what the protocol allows.
    InvalidResponse,
}

impl ErrorCode {
    /// The stable string form of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::StateMismatch => "state_mismatch",
            ErrorCode::MissingTransaction => "missing_transaction",
            ErrorCode::TransactionExpired => "transaction_expired",
            ErrorCode::IssuerMismatch => "issuer_mismatch",
            ErrorCode::NonceMismatch => "nonce_mismatch",
            ErrorCode::InvalidIdToken => "invalid_id_token",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::StorageUnavailable => "storage_unavailable",
            ErrorCode::ExpiredToken => "expired_token",
            ErrorCode::Aborted => "aborted",
            ErrorCode::PopupBlocked => "popup_blocked",
            ErrorCode::PopupClosed => "popup_closed",
            ErrorCode::Timeout => "timeout",
            ErrorCode::SecretInBrowser => "secret_in_browser",
            ErrorCode::InvalidOptions => "invalid_options",
            ErrorCode::InvalidResponse => "invalid_response",
        }
    }
}

/// Longest server `error_description` we keep; longer text is cut.
const MAX_DESCRIPTION: usize = 512;
/// Longest server `error` code we keep as a code.
const MAX_SERVER_CODE: usize = 64;

/// The OAuth error codes a server sends (RFC 6749 §4.1.2.1, §5.2; RFC 8628
/// §3.5; OIDC Core §3.1.2.6; RFC 9126 §2.3; RFC 6750 §3.1) that the SDK
/// tells apart; any other plausible code is kept as [`OAuthErrorCode::Other`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    InteractionRequired,
    LoginRequired,
    AccountSelectionRequired,
    ConsentRequired,
    InvalidRequestUri,
    InvalidRequestObject,
    InvalidToken,
    InsufficientScope,
    /// RFC 9449 §12.2: the DPoP proof is invalid.
    InvalidDpopProof,
    /// RFC 9449 §12.2: retry with the nonce in the `DPoP-Nonce` header.
    UseDpopNonce,
    /// RFC 7009 §2.2.1: the server cannot revoke this type of token.
    UnsupportedTokenType,
    /// A code this SDK has no meaning for, as the server wrote it.
    Other(String),
}

/// The codes [`OAuthErrorCode`] names, with their wire form.
const OAUTH_CODES: &[(&str, OAuthErrorCode)] = &[
    ("invalid_request", OAuthErrorCode::InvalidRequest),
    ("invalid_client", OAuthErrorCode::InvalidClient),
    ("invalid_grant", OAuthErrorCode::InvalidGrant),
    ("unauthorized_client", OAuthErrorCode::UnauthorizedClient),
    (
        "unsupported_grant_type",
        OAuthErrorCode::UnsupportedGrantType,
    ),
    (
        "unsupported_response_type",
        OAuthErrorCode::UnsupportedResponseType,
    ),
    ("invalid_scope", OAuthErrorCode::InvalidScope),
    ("access_denied", OAuthErrorCode::AccessDenied),
    ("server_error", OAuthErrorCode::ServerError),
    (
        "temporarily_unavailable",
        OAuthErrorCode::TemporarilyUnavailable,
    ),
    (
        "authorization_pending",
        OAuthErrorCode::AuthorizationPending,
    ),
    ("slow_down", OAuthErrorCode::SlowDown),
    ("expired_token", OAuthErrorCode::ExpiredToken),
    ("interaction_required", OAuthErrorCode::InteractionRequired),
    ("login_required", OAuthErrorCode::LoginRequired),
    (
        "account_selection_required",
        OAuthErrorCode::AccountSelectionRequired,
    ),
    ("consent_required", OAuthErrorCode::ConsentRequired),
    ("invalid_request_uri", OAuthErrorCode::InvalidRequestUri),
    (
        "invalid_request_object",
        OAuthErrorCode::InvalidRequestObject,
    ),
    ("invalid_token", OAuthErrorCode::InvalidToken),
    ("insufficient_scope", OAuthErrorCode::InsufficientScope),
    ("invalid_dpop_proof", OAuthErrorCode::InvalidDpopProof),
    ("use_dpop_nonce", OAuthErrorCode::UseDpopNonce),
    (
        "unsupported_token_type",
        OAuthErrorCode::UnsupportedTokenType,
    ),
];

impl OAuthErrorCode {
    /// Reads a server's `error`; `None` when it is no plausible error code
    /// (empty, over 64 characters, or with characters outside
    /// `[A-Za-z0-9_.-]`).
    pub fn parse(error: &str) -> Option<OAuthErrorCode> {
        let plausible = !error.is_empty()
            && error.len() <= MAX_SERVER_CODE
            && error
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
        if !plausible {
            return None;
        }
        Some(
            OAUTH_CODES
                .iter()
                .find(|(text, _)| *text == error)
                .map_or_else(
                    || OAuthErrorCode::Other(error.to_string()),
                    |(_, c)| c.clone(),
                ),
        )
    }

    /// The code as the server wrote it.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::Other(text) => text,
            known => OAUTH_CODES
                .iter()
                .find(|(_, c)| c == known)
                .map_or("", |(text, _)| text),
        }
    }
}

/// Who said what went wrong: the SDK, in its own codes, or the server, in OAuth's.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ErrorKind {
    Sdk(ErrorCode),
    Server(OAuthErrorCode),
}

/// An SDK failure: a stable code, a message, and what the server said.
///
/// Boxed, so every `Result<_, AuthError>` is a pointer wide.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AuthError(Box<ErrorData>);

#[derive(Clone, PartialEq, Eq, Debug)]
struct ErrorData {
    kind: ErrorKind,
    /// Human text: static, or naming an option; never a secret.
    message: Cow<'static, str>,
    /// The server's `error_description`, when it sent one.
    description: Option<String>,
    /// The HTTP status of the response that failed, when there was one.
    status: Option<u16>,
    /// The option or argument that was wrong (`invalid_options`).
    option: Option<String>,
}

impl AuthError {
    fn with_kind(kind: ErrorKind, message: Cow<'static, str>) -> Self {
        AuthError(Box::new(ErrorData {
            kind,
            message,
            description: None,
            status: None,
            option: None,
        }))
    }

    /// An error with one of the SDK's own codes.
    pub fn new(code: ErrorCode, message: &'static str) -> Self {
        Self::with_kind(ErrorKind::Sdk(code), Cow::Borrowed(message))
    }

    /// An error reported by the server (RFC 6749 §4.1.2.1, §5.2). A code that is
    /// not a plausible OAuth error value becomes `invalid_response`.
    pub fn oauth(error: &str, description: Option<&str>, status: Option<u16>) -> Self {
        let kind = match OAuthErrorCode::parse(error) {
            Some(code) => ErrorKind::Server(code),
            None => ErrorKind::Sdk(ErrorCode::InvalidResponse),
        };
        let mut e = Self::with_kind(
            kind,
            Cow::Borrowed("the authorization server returned an error"),
        );
        e.0.description = description.map(clip_description);
        e.0.status = status;
        e
    }

    /// `invalid_options` for the option `name`: the message names it, and so
    /// does [`AuthError::option`].
    pub fn option(name: &str, problem: &str) -> Self {
        let mut e = Self::with_kind(
            ErrorKind::Sdk(ErrorCode::InvalidOptions),
            Cow::Owned(format!("option \"{name}\": {problem}")),
        );
        e.0.option = Some(name.to_string());
        e
    }

    /// The same error with a message that says more about where it came from
    /// (the code and what the server said stay).
    pub fn with_message(mut self, message: &'static str) -> Self {
        self.0.message = Cow::Borrowed(message);
        self
    }

    /// Adds the HTTP status of the failed response.
    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Keeps what the server said (`description`, `status`) of `cause`,
    /// an error this one stands for.
    pub fn caused_by(mut self, cause: &AuthError) -> Self {
        self.0.description = cause.0.description.clone();
        self.0.status = cause.0.status;
        self
    }

    /// The stable snake_case code.
    pub fn code(&self) -> &str {
        match &self.0.kind {
            ErrorKind::Sdk(c) => c.as_str(),
            ErrorKind::Server(c) => c.as_str(),
        }
    }

    /// Whose code it is, and which.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// True when the code is the SDK's `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.0.kind == ErrorKind::Sdk(code)
    }

    /// The server's OAuth error code, when the server sent one.
    pub fn server_code(&self) -> Option<&OAuthErrorCode> {
        match &self.0.kind {
            ErrorKind::Server(c) => Some(c),
            ErrorKind::Sdk(_) => None,
        }
    }

    /// Human text: static, or naming an option; never a secret.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The server's `error_description`, when it sent one.
    pub fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The HTTP status of the response that failed, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The option or argument that was wrong, for `invalid_options`.
    pub fn option_name(&self) -> Option<&str> {
        self.0.option.as_deref()
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for AuthError {}

fn clip_description(text: &str) -> String {
    // Keep printable text only (RFC 6749 §5.2 limits it to %x20-21 / %x23-5B / %x5D-7E).
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_DESCRIPTION)
        .collect()
}

/// Shorthand for `Err(AuthError::new(code, message))`.
pub fn fail<T>(code: ErrorCode, message: &'static str) -> Result<T, AuthError> {
    Err(AuthError::new(code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_server_code_and_description() {
        let e = AuthError::oauth("invalid_grant", Some("code expired"), Some(400));
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(e.description(), Some("code expired"));
        assert_eq!(e.status(), Some(400));
    }

    #[test]
    fn implausible_server_code_becomes_invalid_response() {
        let e = AuthError::oauth("<script>", None, None);
        assert_eq!(e.code(), "invalid_response");
        let long = "a".repeat(65);
        assert_eq!(
            AuthError::oauth(&long, None, None).code(),
            "invalid_response"
        );
        assert_eq!(AuthError::oauth("", None, None).code(), "invalid_response");
    }

    #[test]
    fn description_is_clipped_and_controls_dropped() {
        let d = "x\n".repeat(1000);
        let e = AuthError::oauth("server_error", Some(&d), None);
        let kept = e.description().unwrap();
        assert_eq!(kept.len(), MAX_DESCRIPTION);
        assert!(!kept.contains('\n'));
    }

    #[test]
    fn server_codes_are_typed_and_apart_from_the_sdks() {
        let e = AuthError::oauth("invalid_grant", None, Some(400));
        assert_eq!(e.server_code(), Some(&OAuthErrorCode::InvalidGrant));
        // A server's login_required is the server's, never the SDK's own.
        let e = AuthError::oauth("login_required", None, None);
        assert!(!e.is(ErrorCode::LoginRequired));
        assert_eq!(e.server_code(), Some(&OAuthErrorCode::LoginRequired));
        assert_eq!(e.code(), "login_required");
        let other = AuthError::oauth("custom_thing", None, None);
        assert_eq!(
            other.server_code(),
            Some(&OAuthErrorCode::Other("custom_thing".into()))
        );
        for (text, code) in OAUTH_CODES {
            assert_eq!(code.as_str(), *text);
            assert_eq!(OAuthErrorCode::parse(text).as_ref(), Some(code));
        }
    }

    #[test]
    fn option_errors_name_the_option() {
        let e = AuthError::option("clientID", "unknown option");
        assert_eq!(e.option_name(), Some("clientID"));
        assert_eq!(e.message(), "option \"clientID\": unknown option");
        assert!(e.is(ErrorCode::InvalidOptions));
        assert_eq!(
            e.to_string(),
            "invalid_options: option \"clientID\": unknown option"
        );
    }

    #[test]
    fn sdk_codes_are_snake_case() {
        assert_eq!(ErrorCode::StateMismatch.as_str(), "state_mismatch");
        assert!(AuthError::new(ErrorCode::Timeout, "t").is(ErrorCode::Timeout));
    }
}
