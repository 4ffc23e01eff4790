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

/// An SDK failure: a stable code, a static message, and what the server said.
///
/// Boxed, so every `Result<_, AuthError>` is a pointer wide: results move
/// through every flow, and copying a wide error at each `?` costs code size.
/// Fields read through `Deref` (`e.status`, `e.description`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AuthError(Box<ErrorData>);

/// What an [`AuthError`] carries.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ErrorData {
    code: Code,
    /// Human text: static, or naming an option; never a secret.
    pub message: Cow<'static, str>,
    /// The server's `error_description`, when it sent one.
    pub description: Option<String>,
    /// The HTTP status of the response that failed, when there was one.
    pub status: Option<u16>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum Code {
    Sdk(ErrorCode),
    Server(String),
}

impl core::ops::Deref for AuthError {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl core::ops::DerefMut for AuthError {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl AuthError {
    /// An error with one of the SDK's own codes.
    pub fn new(code: ErrorCode, message: &'static str) -> Self {
        AuthError(Box::new(ErrorData {
            code: Code::Sdk(code),
            message: Cow::Borrowed(message),
            description: None,
            status: None,
        }))
    }

    /// An error reported by the server (RFC 6749 §4.1.2.1, §5.2). A code that is
    /// not a plausible OAuth error value becomes `invalid_response`.
    pub fn oauth(error: &str, description: Option<&str>, status: Option<u16>) -> Self {
        let plausible = !error.is_empty()
            && error.len() <= MAX_SERVER_CODE
            && error
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
        let code = if plausible {
            Code::Server(error.to_string())
        } else {
            Code::Sdk(ErrorCode::InvalidResponse)
        };
        AuthError(Box::new(ErrorData {
            code,
            message: Cow::Borrowed("the authorization server returned an error"),
            description: description.map(clip_description),
            status,
        }))
    }

    /// `invalid_options` for the option `name`: the message names it, and so
    /// does `description`.
    pub fn option(name: &str, problem: &str) -> Self {
        let mut e = AuthError::new(ErrorCode::InvalidOptions, "");
        e.message = Cow::Owned(format!("option \"{name}\": {problem}"));
        e.description = Some(name.to_string());
        e
    }

    /// Adds the HTTP status of the failed response.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The stable snake_case code.
    pub fn code(&self) -> &str {
        match &self.code {
            Code::Sdk(c) => c.as_str(),
            Code::Server(s) => s,
        }
    }

    /// True when the code is the SDK's `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code == Code::Sdk(code)
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message)
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
        assert_eq!(e.description.as_deref(), Some("code expired"));
        assert_eq!(e.status, Some(400));
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
        let kept = e.description.clone().unwrap();
        assert_eq!(kept.len(), MAX_DESCRIPTION);
        assert!(!kept.contains('\n'));
    }

    #[test]
    fn sdk_codes_are_snake_case() {
        assert_eq!(ErrorCode::StateMismatch.as_str(), "state_mismatch");
        assert!(AuthError::new(ErrorCode::Timeout, "t").is(ErrorCode::Timeout));
    }
}
