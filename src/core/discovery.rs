//! OpenID Connect Discovery 1.0 (§4) / RFC 8414: taking the provider's
//! endpoints from its metadata document, after checking whose it is.

use super::config::Endpoints;
use super::error::{fail, AuthError, ErrorCode};
use super::url::{check_option_url, join, UrlParser};
use serde::Deserialize;

/// The members of the provider's metadata (RFC 8414 §2, OIDC Discovery §3)
/// the SDK uses.
#[derive(Clone, Default, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub pushed_authorization_request_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

/// Where the metadata lives (OIDC Discovery §4.1).
pub fn metadata_url(issuer: &str) -> String {
    join(issuer, "/.well-known/openid-configuration")
}

/// Applies a metadata document to `current`: every endpoint it names, except
/// those the app set explicitly (`explicit`, by option name), which win.
pub fn apply(
    issuer: &str,
    doc: ProviderMetadata,
    current: &Endpoints,
    explicit: &[String],
    urls: &dyn UrlParser,
) -> Result<Endpoints, AuthError> {
    // OIDC Discovery §4.3: the issuer in the document must be exactly ours,
    // or an attacker's metadata could point us at their endpoints.
    if doc.issuer.as_deref() != Some(issuer) {
        return fail(
            ErrorCode::IssuerMismatch,
            "the discovery document is for another issuer",
        );
    }
    let mut out = current.clone();
    let fields: [(&str, Option<String>, &mut String); 7] = [
        (
            "authorization",
            doc.authorization_endpoint,
            &mut out.authorization,
        ),
        ("token", doc.token_endpoint, &mut out.token),
        ("revocation", doc.revocation_endpoint, &mut out.revocation),
        ("userinfo", doc.userinfo_endpoint, &mut out.userinfo),
        ("jwks", doc.jwks_uri, &mut out.jwks),
        (
            "deviceAuthorization",
            doc.device_authorization_endpoint,
            &mut out.device_authorization,
        ),
        (
            "pushedAuthorization",
            doc.pushed_authorization_request_endpoint,
            &mut out.pushed_authorization,
        ),
    ];
    for (option, member, slot) in fields {
        if explicit.iter().any(|e| e == option) {
            continue;
        }
        if let Some(url) = member {
            check_endpoint(urls, &url)?;
            *slot = url;
        }
    }
    if !explicit.iter().any(|e| e == "endSession") {
        if let Some(url) = doc.end_session_endpoint {
            check_endpoint(urls, &url)?;
            out.end_session = Some(url);
        }
    }
    out.requires_iss = doc.authorization_response_iss_parameter_supported == Some(true);
    Ok(out)
}

fn check_endpoint(urls: &dyn UrlParser, url: &str) -> Result<(), AuthError> {
    match check_option_url(urls, url, "") {
        Ok(_) => Ok(()),
        Err(_) => fail(
            ErrorCode::InvalidResponse,
            "the discovery document names an insecure endpoint",
        ),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::url::WhatwgUrl;

    const ISS: &str = "https://auth.example";

    fn doc(body: &str) -> ProviderMetadata {
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn notes_whether_the_provider_always_sends_iss() {
        let base = Endpoints::for_issuer(ISS);
        let with = r#"{"issuer":"https://auth.example","authorization_response_iss_parameter_supported":true}"#;
        assert!(
            apply(ISS, doc(with), &base, &[], &WhatwgUrl)
                .unwrap()
                .requires_iss
        );
        let without = r#"{"issuer":"https://auth.example"}"#;
        assert!(
            !apply(ISS, doc(without), &base, &[], &WhatwgUrl)
                .unwrap()
                .requires_iss
        );
        // A member of the wrong type makes the document unreadable.
        let wrong = r#"{"issuer":"https://auth.example","authorization_response_iss_parameter_supported":"true"}"#;
        assert!(serde_json::from_str::<ProviderMetadata>(wrong).is_err());
    }

    #[test]
    fn takes_endpoints_from_the_document_but_explicit_options_win() {
        let body = r#"{"issuer":"https://auth.example","authorization_endpoint":"https://auth.example/a","token_endpoint":"https://auth.example/t","jwks_uri":"https://auth.example/k","end_session_endpoint":"https://auth.example/bye"}"#;
        let current = Endpoints::for_issuer(ISS);
        let explicit = vec!["token".to_string()];
        let e = apply(ISS, doc(body), &current, &explicit, &WhatwgUrl).unwrap();
        assert_eq!(e.authorization, "https://auth.example/a");
        assert_eq!(e.token, current.token, "explicit token endpoint kept");
        assert_eq!(e.jwks, "https://auth.example/k");
        assert_eq!(e.end_session.as_deref(), Some("https://auth.example/bye"));
        assert_eq!(
            e.userinfo, current.userinfo,
            "absent members keep the default"
        );
        assert_eq!(
            metadata_url("https://auth.example/"),
            "https://auth.example/.well-known/openid-configuration"
        );
    }

    #[test]
    fn refuses_another_issuers_document() {
        let body = r#"{"issuer":"https://evil.example","token_endpoint":"https://evil.example/t"}"#;
        let e = apply(ISS, doc(body), &Endpoints::for_issuer(ISS), &[], &WhatwgUrl).unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
        let e = apply(
            ISS,
            doc(r#"{"token_endpoint":"https://auth.example/t"}"#),
            &Endpoints::for_issuer(ISS),
            &[],
            &WhatwgUrl,
        )
        .unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
    }

    #[test]
    fn refuses_insecure_endpoints_and_bad_documents() {
        let body = r#"{"issuer":"https://auth.example","token_endpoint":"http://evil.example/t"}"#;
        let e = apply(ISS, doc(body), &Endpoints::for_issuer(ISS), &[], &WhatwgUrl).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        // The authorization and end-session endpoints become navigations,
        // the others requests carrying secrets: none may be a script URL,
        // plain http off this machine, relative, or carry user-info.
        for member in [
            "authorization_endpoint",
            "end_session_endpoint",
            "token_endpoint",
            "revocation_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "device_authorization_endpoint",
            "pushed_authorization_request_endpoint",
        ] {
            for url in [
                "javascript:alert(1)",
                "data:text/html,x",
                "http://evil.example/x",
                "https://auth.example@evil.example/x",
                "/relative",
            ] {
                let body = format!(r#"{{"issuer":"{ISS}","{member}":"{url}"}}"#);
                let e = apply(
                    ISS,
                    doc(&body),
                    &Endpoints::for_issuer(ISS),
                    &[],
                    &WhatwgUrl,
                )
                .unwrap_err();
                assert_eq!(e.code(), "invalid_response", "{member} {url}");
            }
        }
    }
}
