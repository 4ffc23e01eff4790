//! The pending login: what the SDK must remember between sending the browser
//! to the provider and handling its return. Stored under its `state`, used
//! once, and only for [`LIFETIME_MS`].

use super::error::{fail, AuthError, ErrorCode};
use super::pkce::CodeVerifier;
use serde::{Deserialize, Serialize};

/// A pending login older than this is refused (`transaction_expired`).
pub const LIFETIME_MS: u64 = 10 * 60 * 1000;
/// Schema version of stored records; other versions are ignored and removed.
pub const SCHEMA_VERSION: f64 = 1.0;

/// Which response the login asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flow {
    /// Authorization code with PKCE, delivered in the query.
    Code,
    /// Authorization code delivered in the fragment (`response_mode=fragment`).
    CodeInFragment,
    /// Implicit (legacy): tokens in the fragment.
    Implicit,
}

impl Flow {
    fn as_str(self) -> &'static str {
        match self {
            Flow::Code => "code",
            Flow::CodeInFragment => "code_fragment",
            Flow::Implicit => "implicit",
        }
    }

    fn parse(text: &str) -> Option<Flow> {
        match text {
            "code" => Some(Flow::Code),
            "code_fragment" => Some(Flow::CodeInFragment),
            "implicit" => Some(Flow::Implicit),
            _ => None,
        }
    }

    /// True when the provider answers in the URL fragment.
    pub fn uses_fragment(self) -> bool {
        !matches!(self, Flow::Code)
    }
}

/// One login in progress.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PendingLogin {
    pub state: String,
    pub flow: Flow,
    pub code_verifier: Option<CodeVerifier>,
    pub nonce: Option<String>,
    pub redirect_uri: String,
    pub scope: String,
    pub max_age: Option<u32>,
    /// The app's own state, as JSON text, handed back after the callback.
    pub app_state: Option<String>,
    pub created_at_ms: u64,
}

impl PendingLogin {
    /// RFC 6749 §10.12 + the Security BCP §4.7: a callback is only honoured for
    /// a login this browser started recently.
    pub fn check_fresh(&self, now_ms: u64) -> Result<(), AuthError> {
        if now_ms.saturating_sub(self.created_at_ms) > LIFETIME_MS {
            return fail(
                ErrorCode::TransactionExpired,
                "the login took too long: start it again",
            );
        }
        Ok(())
    }

    /// The stored form.
    pub fn to_stored(&self) -> StoredLogin {
        StoredLogin {
            v: SCHEMA_VERSION,
            state: self.state.clone(),
            flow: self.flow.as_str().into(),
            redirect_uri: self.redirect_uri.clone(),
            scope: self.scope.clone(),
            created_at: self.created_at_ms as f64,
            code_verifier: self.code_verifier.as_ref().map(|v| v.secret().into()),
            nonce: self.nonce.clone(),
            max_age: self.max_age.map(f64::from),
            app_state: self.app_state.clone(),
        }
    }

    /// Reads a stored record; `None` for one of another schema or with
    /// impossible values.
    pub fn from_stored(s: StoredLogin) -> Option<PendingLogin> {
        if s.v != SCHEMA_VERSION {
            return None;
        }
        let code_verifier = match s.code_verifier {
            Some(v) => Some(CodeVerifier::parse(&v)?),
            None => None,
        };
        let max_age = match s.max_age {
            None => None,
            Some(a) if (0.0..=f64::from(u32::MAX)).contains(&a) => Some(a as u32),
            Some(_) => return None,
        };
        Some(PendingLogin {
            state: s.state,
            flow: Flow::parse(&s.flow)?,
            code_verifier,
            nonce: s.nonce,
            redirect_uri: s.redirect_uri,
            scope: s.scope,
            max_age,
            app_state: s.app_state,
            created_at_ms: if s.created_at >= 0.0 {
                s.created_at as u64
            } else {
                0
            },
        })
    }
}

/// The stored form of a pending login (schema version `v`).
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredLogin {
    pub v: f64,
    pub state: String,
    pub flow: String,
    pub redirect_uri: String,
    pub scope: String,
    pub created_at: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_state: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PendingLogin {
        PendingLogin {
            state: "s1".into(),
            flow: Flow::Code,
            code_verifier: Some(CodeVerifier::from_entropy(&[1; 32])),
            nonce: Some("n1".into()),
            redirect_uri: "https://app.example/cb".into(),
            scope: "openid".into(),
            max_age: Some(300),
            app_state: Some("{\"returnTo\":\"/x\"}".into()),
            created_at_ms: 1_700_000_000_000,
        }
    }

    fn through_text(p: &PendingLogin) -> Option<PendingLogin> {
        let text = serde_json::to_string(&p.to_stored()).ok()?;
        PendingLogin::from_stored(serde_json::from_str(&text).ok()?)
    }

    #[test]
    fn round_trips_through_storage_text() {
        let p = sample();
        assert_eq!(through_text(&p), Some(p));
    }

    #[test]
    fn ignores_corrupt_or_foreign_records() {
        assert!(serde_json::from_str::<StoredLogin>("{}").is_err());
        let mut other_version = sample().to_stored();
        other_version.v = 2.0;
        assert_eq!(PendingLogin::from_stored(other_version), None);
        let mut bad_flow = sample().to_stored();
        bad_flow.flow = "x".into();
        assert_eq!(PendingLogin::from_stored(bad_flow), None);
        let mut bad_verifier = sample().to_stored();
        bad_verifier.code_verifier = Some("short".into());
        assert_eq!(PendingLogin::from_stored(bad_verifier), None);
    }

    #[test]
    fn expires_after_ten_minutes() {
        let p = sample();
        assert!(p.check_fresh(p.created_at_ms + LIFETIME_MS).is_ok());
        let e = p
            .check_fresh(p.created_at_ms + LIFETIME_MS + 1)
            .unwrap_err();
        assert_eq!(e.code(), "transaction_expired");
    }
}
