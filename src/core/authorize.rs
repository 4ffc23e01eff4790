//! The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1).
//!
//! Builds the parameters as data and the pending login that goes with them;
//! the caller stores the one and sends the browser with the other.

use super::config::Config;
use super::error::{fail, AuthError, ErrorCode};
use super::form;
use super::pkce::{CodeVerifier, CHALLENGE_METHOD, VERIFIER_ENTROPY};
use super::resource::check_resource;
use super::transaction::{Flow, PendingLogin};
use super::url::{origin_of, with_query, UrlParser};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Random bytes one login needs: state, verifier, nonce (32 each).
pub const LOGIN_ENTROPY: usize = 3 * 32;

/// Parameters the SDK owns or sets from its own options; `extraParams` may
/// not set them (a second `max_age` would also slip past the `auth_time`
/// check, and RFC 6749 §3.1 forbids a parameter twice). `dpop_jkt` binds the
/// code to the client's own DPoP key (RFC 9449 §10): the SDK sets it when
/// `dpop` is on, and one of the app's choosing would bind the session to a
/// key the SDK does not hold.
const RESERVED: &[&str] = &[
    "max_age",
    "prompt",
    "login_hint",
    "acr_values",
    "resource",
    "state",
    "code_challenge",
    "code_challenge_method",
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "nonce",
    "scope",
    "request",
    "request_uri",
    "dpop_jkt",
];

/// What the app asks of one login.
#[derive(Clone, Default, Debug)]
pub struct LoginRequest {
    pub scope: Option<String>,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub max_age: Option<u32>,
    pub acr_values: Option<String>,
    pub resource: Vec<String>,
    pub extra_params: Vec<(String, String)>,
    /// `fragment` to have the code come back in the fragment.
    pub response_mode_fragment: bool,
    /// The app's state as JSON text.
    pub app_state: Option<String>,
    /// Where this login's answer goes instead of the configured
    /// `redirectUri`: silent sign-in's callback page (`silentRedirectUri`).
    pub redirect_uri: Option<String>,
}

/// Where the app's state says to go after the login: its `returnTo`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub enum ReturnTo {
    /// No `appState`, or one that names no `returnTo`.
    #[default]
    Absent,
    /// `appState.returnTo` is this string.
    Target(String),
    /// The state could not be read, or `returnTo` is not a string: refused,
    /// since the app's own JSON.parse will read it after the login.
    Unreadable,
}

/// Reads `returnTo` out of the app's state (any JSON value) without looking
/// at the rest of it.
impl<'de> Deserialize<'de> for ReturnTo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AppState;

        impl<'de> Visitor<'de> for AppState {
            type Value = ReturnTo;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the app's state")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<ReturnTo, M::Error> {
                let mut found = ReturnTo::Absent;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "returnTo" {
                        found = match map.next_value::<Option<String>>() {
                            Ok(Some(target)) => ReturnTo::Target(target),
                            Ok(None) => ReturnTo::Absent,
                            Err(_) => return Ok(ReturnTo::Unreadable),
                        };
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found)
            }

            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<ReturnTo, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ReturnTo::Absent)
            }

            fn visit_bool<E>(self, _: bool) -> Result<ReturnTo, E> {
                Ok(ReturnTo::Absent)
            }

            fn visit_f64<E>(self, _: f64) -> Result<ReturnTo, E> {
                Ok(ReturnTo::Absent)
            }

            fn visit_i64<E>(self, _: i64) -> Result<ReturnTo, E> {
                Ok(ReturnTo::Absent)
            }

            fn visit_u64<E>(self, _: u64) -> Result<ReturnTo, E> {
                Ok(ReturnTo::Absent)
            }

            fn visit_str<E>(self, _: &str) -> Result<ReturnTo, E> {
                Ok(ReturnTo::Absent)
            }

            fn visit_unit<E>(self) -> Result<ReturnTo, E> {
                Ok(ReturnTo::Absent)
            }
        }

        deserializer.deserialize_any(AppState)
    }
}

/// `appState.returnTo` may only name a place in this app: a path on the
/// redirect URI's origin. Anything else would make the login an open redirect.
pub fn check_return_to(
    return_to: &ReturnTo,
    redirect_uri: &str,
    urls: &dyn UrlParser,
) -> Result<(), AuthError> {
    let ok = match return_to {
        ReturnTo::Absent => true,
        ReturnTo::Unreadable => false,
        ReturnTo::Target(t) => {
            let path_only = t.starts_with('/') && !t.starts_with("//");
            let same_origin =
                origin_of(urls, t).is_some_and(|o| Some(o) == origin_of(urls, redirect_uri));
            (path_only || same_origin) && !t.contains('\\') && !t.chars().any(char::is_control)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(AuthError::option(
            "appState.returnTo",
            "must be a path of this app (same origin)",
        ))
    }
}

/// `response_type` for the implicit flow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ImplicitType {
    Token,
    IdTokenToken,
}

/// Starts a login: the pending login to store and the request parameters.
pub fn begin_login(
    config: &Config,
    request: &LoginRequest,
    return_to: &ReturnTo,
    urls: &dyn UrlParser,
    implicit: Option<ImplicitType>,
    entropy: &[u8; LOGIN_ENTROPY],
    now_ms: u64,
) -> Result<(PendingLogin, Vec<(String, String)>), AuthError> {
    for (key, _) in &request.extra_params {
        if RESERVED.contains(&key.as_str()) {
            return Err(AuthError::option(
                &format!("extraParams.{key}"),
                "is a parameter the SDK sets itself",
            ));
        }
    }
    let Some(redirect_uri) = request
        .redirect_uri
        .as_deref()
        .or(config.redirect_uri.as_deref())
    else {
        return Err(AuthError::option(
            "redirectUri",
            "is required to log in (only a client for clientCredentials, exchangeServiceToken or device sign-in may leave it out)",
        ));
    };
    check_return_to(return_to, redirect_uri, urls)?;
    for r in &request.resource {
        check_resource("resource", r, urls)?;
    }
    let (state_bytes, rest) = entropy.split_at(32);
    let (verifier_bytes, nonce_bytes) = rest.split_at(32);
    let state = URL_SAFE_NO_PAD.encode(state_bytes);
    let scope = request
        .scope
        .clone()
        .unwrap_or_else(|| config.scope.clone());
    let openid = Config::wants_openid(&scope);
    let flow = match implicit {
        Some(_) => Flow::Implicit,
        None if request.response_mode_fragment => Flow::CodeInFragment,
        None => Flow::Code,
    };
    // OIDC Core §3.2.2.1: the nonce is required when an ID token comes in the fragment.
    if implicit == Some(ImplicitType::IdTokenToken) && !openid {
        return Err(AuthError::option(
            "responseType",
            "\"id_token token\" needs the openid scope",
        ));
    }
    let nonce = (openid && implicit != Some(ImplicitType::Token))
        .then(|| URL_SAFE_NO_PAD.encode(nonce_bytes));
    let code_verifier = match implicit {
        None => {
            let mut v = [0u8; VERIFIER_ENTROPY];
            v.copy_from_slice(verifier_bytes);
            Some(CodeVerifier::from_entropy(&v))
        }
        Some(_) => None,
    };
    let response_type = match implicit {
        None => "code",
        Some(ImplicitType::Token) => "token",
        Some(ImplicitType::IdTokenToken) => "id_token token",
    };
    let mut params: Vec<(String, String)> = vec![
        ("response_type".into(), response_type.into()),
        ("client_id".into(), config.client_id.clone()),
        ("redirect_uri".into(), redirect_uri.to_string()),
        ("scope".into(), scope.clone()),
        ("state".into(), state.clone()),
    ];
    if let Some(v) = &code_verifier {
        params.push(("code_challenge".into(), v.challenge()));
        params.push(("code_challenge_method".into(), CHALLENGE_METHOD.into()));
    }
    if let Some(n) = &nonce {
        params.push(("nonce".into(), n.clone()));
    }
    if flow == Flow::CodeInFragment {
        params.push(("response_mode".into(), "fragment".into()));
    }
    let optional = [
        ("prompt", &request.prompt),
        ("login_hint", &request.login_hint),
        ("acr_values", &request.acr_values),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            params.push((key.into(), v.clone()));
        }
    }
    if let Some(m) = request.max_age {
        params.push(("max_age".into(), m.to_string()));
    }
    for r in &request.resource {
        params.push(("resource".into(), r.clone()));
    }
    for (key, value) in &request.extra_params {
        params.push((key.clone(), value.clone()));
    }
    let pending = PendingLogin {
        state,
        flow,
        code_verifier,
        nonce,
        redirect_uri: redirect_uri.to_string(),
        scope,
        max_age: request.max_age,
        app_state: request.app_state.clone(),
        created_at_ms: now_ms,
    };
    Ok((pending, params))
}

/// The PAR endpoint's answer (RFC 9126 §2.2), as read from its JSON.
#[derive(Clone, Default, serde::Deserialize)]
pub struct PushedAuthorizationResponse {
    pub request_uri: Option<String>,
    pub expires_in: Option<f64>,
}

/// RFC 9126 §4: after a push, the browser carries only `client_id` and the
/// `request_uri` the provider answered.
pub fn pushed_authorize_url(
    endpoint: &str,
    client_id: &str,
    pushed: PushedAuthorizationResponse,
) -> Result<String, AuthError> {
    match pushed.request_uri {
        Some(uri) if !uri.is_empty() => Ok(authorize_url(
            endpoint,
            &[
                ("client_id".into(), client_id.to_string()),
                ("request_uri".into(), uri),
            ],
        )),
        _ => fail(
            ErrorCode::InvalidResponse,
            "the PAR response has no request_uri",
        ),
    }
}

/// The URL to send the browser to.
pub fn authorize_url(endpoint: &str, params: &[(String, String)]) -> String {
    with_query(endpoint, &form::encode_pairs(params))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::config::AuthClientOptions;
    use crate::core::form::{find, parse_pairs};
    use crate::core::url::WhatwgUrl;

    /// The app's state as the client reads it: JSON text through the JSON reader.
    fn rt(app_state: &str) -> ReturnTo {
        serde_json::from_str(app_state).unwrap_or(ReturnTo::Unreadable)
    }

    fn config() -> Config {
        let options = AuthClientOptions {
            client_id: Some("550e8400-e29b-41d4-a716-446655440000".into()),
            redirect_uri: Some("https://app.example/callback?x=1".into()),
            ..AuthClientOptions::default()
        };
        Config::from_options(options, &WhatwgUrl).unwrap()
    }

    /// A code login with the test configuration and fixed entropy.
    fn begin(request: &LoginRequest) -> Result<(PendingLogin, Vec<(String, String)>), AuthError> {
        begin_login(
            &config(),
            request,
            &ReturnTo::Absent,
            &WhatwgUrl,
            None,
            &[1; LOGIN_ENTROPY],
            0,
        )
    }

    fn query_of(url: &str) -> Vec<(String, String)> {
        parse_pairs(url::Url::parse(url).unwrap().query().unwrap()).unwrap()
    }

    #[test]
    fn app_state_the_checker_cannot_read_is_refused_not_waved_through() {
        let app = "https://app.example/callback";
        let lone = r#"{"returnTo":"https://evil.example/","t":"\ud800"}"#.to_string();
        let deep = format!(
            r#"{{"returnTo":"https://evil.example/","x":{}{}}}"#,
            "[".repeat(40),
            "]".repeat(40)
        );
        for app_state in [lone, deep] {
            let e = check_return_to(&rt(&app_state), app, &WhatwgUrl).unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{app_state}");
        }
        check_return_to(&rt(r#"{"returnTo":"/inbox"}"#), app, &WhatwgUrl).unwrap();
    }

    #[test]
    fn code_flow_url_carries_pkce_state_and_nonce() {
        let c = config();
        let mut entropy = [0u8; LOGIN_ENTROPY];
        for (i, b) in entropy.iter_mut().enumerate() {
            *b = (i * 7) as u8;
        }
        let (p, params) = begin_login(
            &c,
            &LoginRequest::default(),
            &ReturnTo::Absent,
            &WhatwgUrl,
            None,
            &entropy,
            5,
        )
        .unwrap();
        let url = authorize_url(&c.endpoints.authorization, &params);
        assert!(url.starts_with("https://auth.xeonr.io/auth/authorize?response_type=code&"));
        let q = query_of(&url);
        assert_eq!(
            find(&q, "client_id"),
            Some("550e8400-e29b-41d4-a716-446655440000")
        );
        assert_eq!(
            find(&q, "redirect_uri"),
            Some("https://app.example/callback?x=1")
        );
        assert_eq!(find(&q, "scope"), Some("openid profile email"));
        assert_eq!(find(&q, "code_challenge_method"), Some("S256"));
        let verifier = p.code_verifier.clone().unwrap();
        assert_eq!(
            find(&q, "code_challenge"),
            Some(verifier.challenge().as_str())
        );
        assert_eq!(find(&q, "state"), Some(p.state.as_str()));
        assert_eq!(p.state.len(), 43);
        assert_eq!(find(&q, "nonce"), p.nonce.as_deref());
        assert!(find(&q, "response_mode").is_none());
        assert!(find(&q, "code_verifier").is_none());
        assert!(!url.contains(verifier.secret()));
        assert!(url.contains("scope=openid%20profile%20email"));
        assert!(url.contains("redirect_uri=https%3A%2F%2Fapp.example%2Fcallback%3Fx%3D1"));
        assert_eq!(p.created_at_ms, 5);
    }

    #[test]
    fn passes_through_optional_parameters() {
        let req = LoginRequest {
            prompt: Some("consent".into()),
            login_hint: Some("a@b.example".into()),
            max_age: Some(120),
            acr_values: Some("urn:mace:incommon:iap:silver".into()),
            resource: vec!["https://api.example/".into()],
            extra_params: vec![("ui_locales".into(), "fr de".into())],
            response_mode_fragment: true,
            ..LoginRequest::default()
        };
        let (p, params) = begin(&req).unwrap();
        let q = query_of(&authorize_url("https://a.example/authz", &params));
        assert_eq!(find(&q, "prompt"), Some("consent"));
        assert_eq!(find(&q, "login_hint"), Some("a@b.example"));
        assert_eq!(find(&q, "max_age"), Some("120"));
        assert_eq!(find(&q, "acr_values"), Some("urn:mace:incommon:iap:silver"));
        assert_eq!(find(&q, "resource"), Some("https://api.example/"));
        assert_eq!(find(&q, "ui_locales"), Some("fr de"));
        assert_eq!(find(&q, "response_mode"), Some("fragment"));
        assert_eq!(p.flow, Flow::CodeInFragment);
        assert_eq!(p.max_age, Some(120));
    }

    #[test]
    fn a_resource_must_be_an_absolute_uri_without_fragment() {
        for bad in ["api-a", "https://api.example/#x", ""] {
            let req = LoginRequest {
                resource: vec!["urn:wasm-oauth:api-a".into(), bad.into()],
                ..LoginRequest::default()
            };
            let e = begin(&req).unwrap_err();
            assert_eq!(e.option_name(), Some("resource"), "{bad:?}");
        }
        let two = LoginRequest {
            resource: vec!["urn:wasm-oauth:api-a".into(), "https://b.example/".into()],
            ..LoginRequest::default()
        };
        let (_, params) = begin(&two).unwrap();
        let resources: Vec<_> = params.iter().filter(|(k, _)| k == "resource").collect();
        assert_eq!(resources.len(), 2);
    }

    #[test]
    fn no_nonce_without_openid() {
        let req = LoginRequest {
            scope: Some("api:read".into()),
            ..LoginRequest::default()
        };
        let (p, params) = begin(&req).unwrap();
        assert!(p.nonce.is_none());
        assert!(!params.iter().any(|(k, _)| k == "nonce"));
    }

    #[test]
    fn a_client_without_redirect_uri_cannot_log_in() {
        let mut c = config();
        c.redirect_uri = None;
        for implicit in [None, Some(ImplicitType::IdTokenToken)] {
            let e = begin_login(
                &c,
                &LoginRequest::default(),
                &ReturnTo::Absent,
                &WhatwgUrl,
                implicit,
                &[1; LOGIN_ENTROPY],
                0,
            )
            .unwrap_err();
            assert_eq!(e.code(), "invalid_options");
            assert_eq!(e.option_name(), Some("redirectUri"));
            assert!(e.message().contains("\"redirectUri\""));
        }
    }

    #[test]
    fn extra_params_cannot_override_security_parameters() {
        for key in [
            "state",
            "code_challenge",
            "client_id",
            "redirect_uri",
            "response_type",
            "nonce",
            "max_age",
            "prompt",
            "login_hint",
            "acr_values",
            "resource",
            "dpop_jkt",
        ] {
            let req = LoginRequest {
                extra_params: vec![(key.into(), "x".into())],
                ..LoginRequest::default()
            };
            let e = begin(&req).unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{key}");
        }
    }

    #[test]
    fn return_to_must_stay_in_the_app() {
        let app = "https://app.example/callback";
        for ok in [
            r#"{"returnTo":"/inbox?x=1"}"#,
            r#"{"returnTo":"https://app.example/x"}"#,
            r#"{"other":1}"#,
            "5",
        ] {
            assert!(check_return_to(&rt(ok), app, &WhatwgUrl).is_ok(), "{ok}");
        }
        for bad in [
            r#"{"returnTo":"https://evil.example/"}"#,
            r#"{"returnTo":"//evil.example/"}"#,
            r#"{"returnTo":"/\\evil.example"}"#,
            r#"{"returnTo":"javascript:alert(1)"}"#,
            r#"{"returnTo":"https://app.example.evil.example/"}"#,
            r#"{"returnTo":7}"#,
        ] {
            assert_eq!(
                check_return_to(&rt(bad), app, &WhatwgUrl)
                    .unwrap_err()
                    .code(),
                "invalid_options",
                "{bad}"
            );
        }
        let evil = rt(r#"{"returnTo":"https://evil.example/"}"#);
        let e = begin_login(
            &config(),
            &LoginRequest::default(),
            &evil,
            &WhatwgUrl,
            None,
            &[1; LOGIN_ENTROPY],
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_options");
    }

    #[test]
    fn implicit_has_no_pkce_and_names_its_response_type() {
        let (p, params) = begin_login(
            &config(),
            &LoginRequest::default(),
            &ReturnTo::Absent,
            &WhatwgUrl,
            Some(ImplicitType::IdTokenToken),
            &[2; LOGIN_ENTROPY],
            0,
        )
        .unwrap();
        let q = query_of(&authorize_url("https://a.example/authz", &params));
        assert_eq!(find(&q, "response_type"), Some("id_token token"));
        assert!(find(&q, "code_challenge").is_none());
        assert!(find(&q, "nonce").is_some());
        assert_eq!(p.flow, Flow::Implicit);
        assert!(p.code_verifier.is_none());
    }

    #[test]
    fn state_verifier_and_nonce_come_from_distinct_entropy() {
        let mut e = [0u8; LOGIN_ENTROPY];
        for (i, b) in e.iter_mut().enumerate() {
            *b = i as u8;
        }
        let (p, _) = begin_login(
            &config(),
            &LoginRequest::default(),
            &ReturnTo::Absent,
            &WhatwgUrl,
            None,
            &e,
            0,
        )
        .unwrap();
        let n = p.nonce.unwrap();
        let v = p.code_verifier.unwrap();
        assert_ne!(p.state, n);
        assert_ne!(p.state, v.secret());
        assert_ne!(n, v.secret());
    }
}
