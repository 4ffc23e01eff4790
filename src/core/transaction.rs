//! The pending login: what the SDK must remember between sending the browser
//! to the provider and handling its return. Stored under its `state`, used
//! once, and only for [`LIFETIME_MS`].

use super::error::{fail, AuthError, ErrorCode};
use super::json::Json;
use super::pkce::CodeVerifier;

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
    pub fn to_json(&self) -> String {
        let mut m: Vec<(String, Json)> = vec![
            ("v".into(), Json::Num(SCHEMA_VERSION)),
            ("state".into(), Json::Str(self.state.clone())),
            ("flow".into(), Json::Str(self.flow.as_str().into())),
            ("redirect_uri".into(), Json::Str(self.redirect_uri.clone())),
            ("scope".into(), Json::Str(self.scope.clone())),
            ("created_at".into(), Json::Num(self.created_at_ms as f64)),
        ];
        if let Some(v) = &self.code_verifier {
            m.push(("code_verifier".into(), Json::Str(v.secret().into())));
        }
        if let Some(n) = &self.nonce {
            m.push(("nonce".into(), Json::Str(n.clone())));
        }
        if let Some(a) = self.max_age {
            m.push(("max_age".into(), Json::Num(f64::from(a))));
        }
        if let Some(s) = &self.app_state {
            m.push(("app_state".into(), Json::Str(s.clone())));
        }
        Json::Obj(m).to_text()
    }

    /// Reads a stored record; `None` for anything corrupt or of another schema.
    pub fn from_json(text: &str) -> Option<PendingLogin> {
        let j = Json::parse(text)?;
        if j.num("v")? != SCHEMA_VERSION {
            return None;
        }
        let code_verifier = match j.str("code_verifier") {
            Some(v) => Some(CodeVerifier::parse(v)?),
            None => None,
        };
        let created = j.num("created_at")?;
        Some(PendingLogin {
            state: j.str("state")?.to_string(),
            flow: Flow::parse(j.str("flow")?)?,
            code_verifier,
            nonce: j.str("nonce").map(str::to_string),
            redirect_uri: j.str("redirect_uri")?.to_string(),
            scope: j.str("scope")?.to_string(),
            max_age: j.num("max_age").map(|a| a as u32),
            app_state: j.str("app_state").map(str::to_string),
            created_at_ms: if created >= 0.0 { created as u64 } else { 0 },
        })
    }
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

    #[test]
    fn round_trips_through_storage_text() {
        let p = sample();
        assert_eq!(PendingLogin::from_json(&p.to_json()), Some(p));
    }

    #[test]
    fn ignores_corrupt_or_foreign_records() {
        assert_eq!(PendingLogin::from_json("not json"), None);
        assert_eq!(PendingLogin::from_json("{}"), None);
        let other_version = sample().to_json().replace("\"v\":1", "\"v\":2");
        assert_eq!(PendingLogin::from_json(&other_version), None);
        let bad_flow = sample()
            .to_json()
            .replace("\"flow\":\"code\"", "\"flow\":\"x\"");
        assert_eq!(PendingLogin::from_json(&bad_flow), None);
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
