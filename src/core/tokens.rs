//! Token sets: parsing the token endpoint's answer (RFC 6749 §5.1, §5.2) and
//! the implicit fragment (§4.2.2), storing them, and judging their expiry.

use super::error::{fail, AuthError, ErrorCode};
use super::json::Json;

/// Longest lifetime we believe (ten years); anything larger is a broken server.
const MAX_EXPIRES_IN: f64 = 315_360_000.0;
/// Schema version of the stored token set.
const SCHEMA_VERSION: f64 = 1.0;

/// The tokens of one session. `expires_at_ms` is absolute (our clock, already
/// corrected for skew) so it never goes stale the way `expires_in` does.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: String,
    pub token_type: String,
    pub expires_at_ms: Option<u64>,
    pub scope: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
}

impl core::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print a token, even in a debug log.
        f.debug_struct("TokenSet")
            .field("expires_at_ms", &self.expires_at_ms)
            .field("scope", &self.scope)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("has_id_token", &self.id_token.is_some())
            .finish()
    }
}

/// What the token endpoint answered, as the HTTP adapter hands it over.
pub struct HttpAnswer<'a> {
    pub status: u16,
    pub body: &'a str,
}

/// Turns an error answer into the server's OAuth error, or `invalid_response`.
pub fn error_from_answer(answer: &HttpAnswer<'_>) -> AuthError {
    match Json::parse(answer.body) {
        Some(j) if j.str("error").is_some() => AuthError::oauth(
            j.str("error").unwrap_or_default(),
            j.str("error_description"),
            Some(answer.status),
        ),
        _ => AuthError::new(
            ErrorCode::InvalidResponse,
            "the server answered with an HTTP error and no OAuth error",
        )
        .with_status(answer.status),
    }
}

/// The JSON object of a successful answer, or the error the answer stands for.
pub fn success_json(answer: &HttpAnswer<'_>) -> Result<Json, AuthError> {
    if !(200..300).contains(&answer.status) {
        return Err(error_from_answer(answer));
    }
    match Json::parse(answer.body) {
        Some(j) if j.is_object() => Ok(j),
        _ => Err(AuthError::new(
            ErrorCode::InvalidResponse,
            "the server's answer is not a JSON object",
        )
        .with_status(answer.status)),
    }
}

fn expires_at(expires_in: Option<f64>, now_ms: u64) -> Result<Option<u64>, AuthError> {
    match expires_in {
        None => Ok(None),
        Some(s) if (0.0..=MAX_EXPIRES_IN).contains(&s) => Ok(Some(now_ms + (s * 1000.0) as u64)),
        Some(_) => fail(ErrorCode::InvalidResponse, "expires_in is out of range"),
    }
}

fn check_token_type(token_type: Option<&str>) -> Result<String, AuthError> {
    // RFC 6749 §7.1: the type is case-insensitive. Only Bearer is supported:
    // a DPoP or MAC token used as a bearer token would fail at every API.
    match token_type {
        Some(t) if t.eq_ignore_ascii_case("bearer") => Ok("Bearer".into()),
        Some(_) => fail(ErrorCode::InvalidResponse, "token_type is not Bearer"),
        None => fail(ErrorCode::InvalidResponse, "token_type is missing"),
    }
}

fn optional_str(j: &Json, key: &str) -> Result<Option<String>, AuthError> {
    match j.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) if !s.is_empty() => Ok(Some(s.clone())),
        _ => fail(
            ErrorCode::InvalidResponse,
            "a token response member has the wrong type",
        ),
    }
}

/// Parses a token endpoint answer (RFC 6749 §5.1) received at `now_ms`.
pub fn parse_token_response(answer: &HttpAnswer<'_>, now_ms: u64) -> Result<TokenSet, AuthError> {
    let j = success_json(answer)?;
    let access_token = match optional_str(&j, "access_token")? {
        Some(t) => t,
        None => return fail(ErrorCode::InvalidResponse, "access_token is missing"),
    };
    let token_type = check_token_type(j.str("token_type"))?;
    let expires_in = match j.get("expires_in") {
        None | Some(Json::Null) => None,
        Some(Json::Num(n)) => Some(*n),
        Some(_) => return fail(ErrorCode::InvalidResponse, "expires_in is not a number"),
    };
    Ok(TokenSet {
        access_token,
        token_type,
        expires_at_ms: expires_at(expires_in, now_ms)?,
        scope: optional_str(&j, "scope")?,
        refresh_token: optional_str(&j, "refresh_token")?,
        id_token: optional_str(&j, "id_token")?,
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
        Some(t) if !t.is_empty() => t.to_string(),
        _ => return fail(ErrorCode::InvalidResponse, "access_token is missing"),
    };
    let token_type = check_token_type(token_type)?;
    let expires_in = match expires_in {
        None => None,
        Some(s) if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) => Some(
            s.bytes()
                .fold(0f64, |acc, b| acc * 10.0 + f64::from(b - b'0')),
        ),
        Some(_) => return fail(ErrorCode::InvalidResponse, "expires_in is not a number"),
    };
    Ok(TokenSet {
        access_token,
        token_type,
        expires_at_ms: expires_at(expires_in, now_ms)?,
        scope: scope.map(str::to_string),
        refresh_token: None,
        id_token: id_token.map(str::to_string),
    })
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
    pub fn to_json(&self) -> String {
        let mut m: Vec<(String, Json)> = vec![
            ("v".into(), Json::Num(SCHEMA_VERSION)),
            ("access_token".into(), Json::Str(self.access_token.clone())),
            ("token_type".into(), Json::Str(self.token_type.clone())),
        ];
        if let Some(at) = self.expires_at_ms {
            m.push(("expires_at".into(), Json::Num(at as f64)));
        }
        let optional = [
            ("scope", &self.scope),
            ("refresh_token", &self.refresh_token),
            ("id_token", &self.id_token),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                m.push((k.into(), Json::Str(v.clone())));
            }
        }
        Json::Obj(m).to_text()
    }

    /// Reads a stored token set; `None` for anything corrupt or of another schema.
    pub fn from_json(text: &str) -> Option<TokenSet> {
        let j = Json::parse(text)?;
        if j.num("v")? != SCHEMA_VERSION {
            return None;
        }
        let expires_at_ms = match j.get("expires_at") {
            None => None,
            Some(Json::Num(n)) if *n >= 0.0 => Some(*n as u64),
            Some(_) => return None,
        };
        Some(TokenSet {
            access_token: j.str("access_token").filter(|t| !t.is_empty())?.to_string(),
            token_type: j.str("token_type")?.to_string(),
            expires_at_ms,
            scope: j.str("scope").map(str::to_string),
            refresh_token: j.str("refresh_token").map(str::to_string),
            id_token: j.str("id_token").map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> Result<TokenSet, AuthError> {
        parse_token_response(&HttpAnswer { status: 200, body }, 1_000_000)
    }

    #[test]
    fn parses_a_full_response() {
        let t = ok(r#"{"access_token":"at","token_type":"bearer","expires_in":3600,"scope":"openid offline_access","refresh_token":"rt","id_token":"a.b.c"}"#).unwrap();
        assert_eq!(t.access_token, "at");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_at_ms, Some(1_000_000 + 3_600_000));
        assert_eq!(t.scope.as_deref(), Some("openid offline_access"));
        assert_eq!(t.refresh_token.as_deref(), Some("rt"));
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
    fn keeps_the_servers_error() {
        let e = parse_token_response(
            &HttpAnswer {
                status: 400,
                body: r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
            },
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(e.status, Some(400));
        assert_eq!(e.description.as_deref(), Some("grant request is invalid"));
    }

    #[test]
    fn http_errors_without_oauth_body_are_invalid_response_with_status() {
        for (status, body) in [(400, ""), (500, "<html>oops</html>"), (502, "{}")] {
            let e = parse_token_response(&HttpAnswer { status, body }, 0).unwrap_err();
            assert_eq!(e.code(), "invalid_response");
            assert_eq!(e.status, Some(status));
        }
    }

    #[test]
    fn errors_never_carry_the_body() {
        let e = ok(r#"{"access_token":"SECRET","token_type":"mac"}"#).unwrap_err();
        assert!(!format!("{e:?}").contains("SECRET"));
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
        assert_eq!(TokenSet::from_json(&t.to_json()), Some(t.clone()));
        assert_eq!(TokenSet::from_json("{\"access_token\":\"a\"}"), None);
        assert_eq!(
            TokenSet::from_json(&t.to_json().replace("\"v\":1", "\"v\":0")),
            None
        );
        assert_eq!(TokenSet::from_json("\u{0}"), None);
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
        assert_eq!(new.refresh_token.as_deref(), Some("r"));
        assert_eq!(new.id_token.as_deref(), Some("i"));
    }
}
