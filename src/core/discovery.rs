//! OpenID Connect Discovery 1.0 (§4) / RFC 8414: taking the provider's
//! endpoints from its metadata document, after checking whose it is.

use super::config::Endpoints;
use super::error::{fail, AuthError, ErrorCode};
use super::json::Json;
use super::tokens::{success_json, HttpAnswer};
use super::url::{check_option_url, join};

/// Where the metadata lives (OIDC Discovery §4.1).
pub fn metadata_url(issuer: &str) -> String {
    join(issuer, "/.well-known/openid-configuration")
}

/// Applies a metadata document to `current`: every endpoint it names, except
/// those the app set explicitly (`explicit`, by option name), which win.
pub fn apply(
    issuer: &str,
    answer: &HttpAnswer<'_>,
    current: &Endpoints,
    explicit: &[String],
) -> Result<Endpoints, AuthError> {
    let doc: Json = success_json(answer)?;
    // OIDC Discovery §4.3: the issuer in the document must be exactly ours,
    // or an attacker's metadata could point us at their endpoints.
    if doc.str("issuer") != Some(issuer) {
        return fail(
            ErrorCode::IssuerMismatch,
            "the discovery document is for another issuer",
        );
    }
    let mut out = current.clone();
    let fields: [(&str, &str, &mut String); 7] = [
        (
            "authorization",
            "authorization_endpoint",
            &mut out.authorization,
        ),
        ("token", "token_endpoint", &mut out.token),
        ("revocation", "revocation_endpoint", &mut out.revocation),
        ("userinfo", "userinfo_endpoint", &mut out.userinfo),
        ("jwks", "jwks_uri", &mut out.jwks),
        (
            "deviceAuthorization",
            "device_authorization_endpoint",
            &mut out.device_authorization,
        ),
        (
            "pushedAuthorization",
            "pushed_authorization_request_endpoint",
            &mut out.pushed_authorization,
        ),
    ];
    for (option, member, slot) in fields {
        if explicit.iter().any(|e| e == option) {
            continue;
        }
        if let Some(url) = doc.str(member) {
            check_option_url(url, "the discovery document names an insecure endpoint").map_err(
                |_| {
                    AuthError::new(
                        ErrorCode::InvalidResponse,
                        "the discovery document names an insecure endpoint",
                    )
                },
            )?;
            *slot = url.to_string();
        }
    }
    if !explicit.iter().any(|e| e == "endSession") {
        if let Some(url) = doc.str("end_session_endpoint") {
            check_option_url(url, "").map_err(|_| {
                AuthError::new(
                    ErrorCode::InvalidResponse,
                    "the discovery document names an insecure endpoint",
                )
            })?;
            out.end_session = Some(url.to_string());
        }
    }
    out.requires_iss = matches!(
        doc.get("authorization_response_iss_parameter_supported"),
        Some(Json::Bool(true))
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://auth.example";

    fn doc(body: &str) -> HttpAnswer<'_> {
        HttpAnswer { status: 200, body }
    }

    #[test]
    fn notes_whether_the_provider_always_sends_iss() {
        let base = Endpoints::for_issuer(ISS);
        let with = r#"{"issuer":"https://auth.example","authorization_response_iss_parameter_supported":true}"#;
        assert!(apply(ISS, &doc(with), &base, &[]).unwrap().requires_iss);
        for without in [
            r#"{"issuer":"https://auth.example"}"#,
            r#"{"issuer":"https://auth.example","authorization_response_iss_parameter_supported":"true"}"#,
        ] {
            assert!(!apply(ISS, &doc(without), &base, &[]).unwrap().requires_iss);
        }
    }

    #[test]
    fn takes_endpoints_from_the_document_but_explicit_options_win() {
        let body = r#"{"issuer":"https://auth.example","authorization_endpoint":"https://auth.example/a","token_endpoint":"https://auth.example/t","jwks_uri":"https://auth.example/k","end_session_endpoint":"https://auth.example/bye"}"#;
        let current = Endpoints::for_issuer(ISS);
        let explicit = vec!["token".to_string()];
        let e = apply(ISS, &doc(body), &current, &explicit).unwrap();
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
        let e = apply(ISS, &doc(body), &Endpoints::for_issuer(ISS), &[]).unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
        let e = apply(
            ISS,
            &doc(r#"{"token_endpoint":"https://auth.example/t"}"#),
            &Endpoints::for_issuer(ISS),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
    }

    #[test]
    fn refuses_insecure_endpoints_and_bad_documents() {
        let body = r#"{"issuer":"https://auth.example","token_endpoint":"http://evil.example/t"}"#;
        let e = apply(ISS, &doc(body), &Endpoints::for_issuer(ISS), &[]).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        let e = apply(
            ISS,
            &HttpAnswer {
                status: 404,
                body: "not found",
            },
            &Endpoints::for_issuer(ISS),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.status, Some(404));
    }
}
