#![cfg(not(target_arch = "wasm32"))]
//! Bad inputs refused with a stable code: the rows of `tests/BAD_INPUTS.md`
//! that the core's own unit tests and `tests/flows.rs` did not already pin.
//! Each test asserts the exact code, through the core's public API.

use wasm_oauth::core::authorize::{begin_login, LoginRequest, ReturnTo, LOGIN_ENTROPY};
use wasm_oauth::core::callback::{parse_callback, AuthorizationResponse, ResponseLocation};
use wasm_oauth::core::config::{AuthClientOptions, Config, EndpointOptions};
use wasm_oauth::core::error::AuthError;
use wasm_oauth::core::form::MAX_VALUE_LEN;
use wasm_oauth::core::jwt::{
    check_header, split, unreadable, validate_id_token, IdTokenCheck, IdTokenClaims, JwsHeader,
};
use wasm_oauth::core::tokens::{
    error_from_answer, token_set, unreadable_answer, TokenResponse, TokenSet, TokenType,
};
use wasm_oauth::core::url::WhatwgUrl;

/// A token endpoint answer read as the client reads it (serde_json here,
/// the browser's JSON.parse there).
fn parse_token_response(status: u16, body: &str, now_ms: u64) -> Result<TokenSet, AuthError> {
    if !(200..300).contains(&status) {
        return Err(error_from_answer(status, serde_json::from_str(body).ok()));
    }
    let response: TokenResponse =
        serde_json::from_str(body).map_err(|_| unreadable_answer(status))?;
    token_set(response, now_ms, TokenType::Bearer)
}

/// Endpoint overrides from `{ name: url }`.
fn endpoints(name: &str, url: &str) -> Option<EndpointOptions> {
    serde_json::from_value(serde_json::json!({ name: url })).unwrap()
}

const CB: &str = "https://app.example/cb";
const ISSUER: &str = "https://auth.example";
const CLIENT_ID: &str = "client-1";

fn callback_code(query_or_fragment: &str) -> String {
    parse_callback(&format!("{CB}{query_or_fragment}"))
        .map(|_| "ok".to_string())
        .unwrap_or_else(|e| e.code().to_string())
}

// ---- callback -------------------------------------------------------------

#[test]
fn error_callback_without_description_keeps_the_servers_code() {
    let c = parse_callback(&format!("{CB}?error=temporarily_unavailable&state=s")).unwrap();
    let AuthorizationResponse::Error {
        error, description, ..
    } = c.response
    else {
        panic!("not an error response");
    };
    // What the client raises for it (client: `AuthError::oauth(&error, description, None)`).
    let e = AuthError::oauth(&error, description.as_deref(), None);
    assert_eq!(e.code(), "temporarily_unavailable");
    assert_eq!(e.description(), None);
}

#[test]
fn error_callback_with_an_implausible_code_is_invalid_response() {
    let c = parse_callback(&format!("{CB}?error=%3Cscript%3E&state=s")).unwrap();
    let AuthorizationResponse::Error { error, .. } = c.response else {
        panic!("not an error response");
    };
    assert_eq!(
        AuthError::oauth(&error, None, None).code(),
        "invalid_response"
    );
}

#[test]
fn code_together_with_tokens_is_refused_in_query_and_fragment() {
    for response in [
        "?code=a&access_token=t&state=s",
        "?code=a&id_token=x.y.z&state=s",
        "#code=a&access_token=t&state=s",
        "#code=a&id_token=x.y.z&token_type=Bearer&state=s",
    ] {
        assert_eq!(callback_code(response), "invalid_response", "{response}");
    }
}

#[test]
fn repeated_callback_parameters_are_refused() {
    for response in [
        "?code=a&code=b&state=s",
        "?code=a&state=s&state=s",
        // The same key once plain and once percent-encoded is still a repeat.
        "?code=a&c%6Fde=b&state=s",
        "?error=a&error=b&state=s",
        "#access_token=a&access_token=b&state=s",
    ] {
        assert_eq!(callback_code(response), "invalid_response", "{response}");
    }
}

#[test]
fn oversize_callback_values_are_refused() {
    let big = "a".repeat(MAX_VALUE_LEN + 1);
    // Within the raw-length bound, but 8 KiB + 1 once decoded.
    let big_escaped = "%41".repeat(4000) + &"a".repeat(MAX_VALUE_LEN + 1 - 4000);
    let long_key = "k".repeat(257);
    for response in [
        format!("?code={big}&state=s"),
        format!("?code=c&state={big}"),
        // Decoded length counts.
        format!("?code={big_escaped}&state=s"),
        format!("#access_token={big}&state=s"),
        format!("?code=c&state=s&{long_key}=1"),
    ] {
        assert_eq!(callback_code(&response), "invalid_response");
    }
    // The limit itself is allowed.
    let at_limit = "a".repeat(MAX_VALUE_LEN);
    assert_eq!(callback_code(&format!("?code={at_limit}&state=s")), "ok");
}

#[test]
fn non_utf8_percent_encoding_is_refused() {
    for response in [
        "?code=%FF&state=s",
        "?code=c&state=%C3%28",    // a lead byte without its continuation
        "?code=%C0%AF&state=s",    // an overlong `/`
        "?code=%ED%A0%80&state=s", // a UTF-16 surrogate
        "?code=c&state=s&%FF=1",   // in a key
        "#access_token=%F8%88%80%80%80&state=s",
        "?code=%E2%82&state=s", // cut short
    ] {
        assert_eq!(callback_code(response), "invalid_response", "{response}");
    }
}

#[test]
fn broken_percent_escapes_are_refused() {
    for response in ["?code=%4&state=s", "?code=c&state=%zz", "?code=%&state=s"] {
        assert_eq!(callback_code(response), "invalid_response", "{response}");
    }
}

#[test]
fn tokens_in_the_query_are_reported_as_a_query_response() {
    // The client refuses a response in the wrong part of the URL for its flow;
    // this pins the core's half: implicit-style tokens in the query are seen,
    // and seen as coming from the query, never taken for a fragment response.
    let c = parse_callback(&format!("{CB}?access_token=t&token_type=Bearer&state=s")).unwrap();
    assert_eq!(c.location, ResponseLocation::Query);
    assert!(matches!(c.response, AuthorizationResponse::Tokens { .. }));
}

// ---- token responses ------------------------------------------------------

fn token_error(status: u16, body: &str) -> AuthError {
    parse_token_response(status, body, 1_700_000_000_000).expect_err("the answer must be refused")
}

#[test]
fn token_responses_of_the_wrong_shape_are_invalid_response() {
    for body in [
        "",
        "null",
        "42",
        "\"access_token\"",
        "{\"access_token\":\"a\",\"token_type\":\"Bearer\"",
        r#"{"access_token":["a"],"token_type":"Bearer"}"#,
        r#"{"access_token":"a","token_type":5}"#,
        r#"{"access_token":"a","token_type":"Bearer","scope":{}}"#,
        r#"{"access_token":"a","token_type":"Bearer","id_token":false}"#,
        r#"{"access_token":"a","access_token":"b","token_type":"Bearer"}"#,
        // An OAuth error with a 200 status still carries no access token.
        r#"{"error":"invalid_grant"}"#,
    ] {
        assert_eq!(token_error(200, body).code(), "invalid_response", "{body}");
    }
}

#[test]
fn token_type_other_than_bearer_is_refused() {
    for token_type in ["\"DPoP\"", "\"mac\"", "\"\"", "\"Bearer \"", "null"] {
        let body = format!(r#"{{"access_token":"a","token_type":{token_type}}}"#);
        assert_eq!(token_error(200, &body).code(), "invalid_response", "{body}");
    }
}

#[test]
fn expires_in_negative_string_or_huge_is_refused() {
    for expires_in in [
        "-1",
        "-0.5",
        "\"3600\"",
        "true",
        "[3600]",
        "315360001",
        "1e300",
        "1e400",
    ] {
        let body =
            format!(r#"{{"access_token":"a","token_type":"Bearer","expires_in":{expires_in}}}"#);
        assert_eq!(token_error(200, &body).code(), "invalid_response", "{body}");
    }
    // Ten years is the longest lifetime believed, and is still accepted.
    let ten_years = r#"{"access_token":"a","token_type":"Bearer","expires_in":315360000}"#;
    assert!(parse_token_response(200, ten_years, 0).is_ok());
}

#[test]
fn http_400_keeps_the_oauth_error_or_becomes_invalid_response() {
    let e = token_error(
        400,
        r#"{"error":"invalid_request","error_description":"missing code_verifier"}"#,
    );
    assert_eq!(e.code(), "invalid_request");
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.description(), Some("missing code_verifier"));
    let e = token_error(401, r#"{"error":"invalid_client"}"#);
    assert_eq!(e.code(), "invalid_client");
    assert_eq!(
        (e.status(), e.description().map(str::to_string)),
        (Some(401), None)
    );
    for body in [
        "",
        "{}",
        "Bad Request",
        r#"{"error":5}"#,
        r#"{"error":"a b"}"#,
    ] {
        let e = token_error(400, body);
        assert_eq!(e.code(), "invalid_response", "{body}");
        assert_eq!(e.status(), Some(400));
    }
}

#[test]
fn http_500_with_an_html_body_is_invalid_response_and_keeps_no_body() {
    let html = "<!doctype html><title>500</title><p>access_token=SECRET</p>";
    let e = token_error(500, html);
    assert_eq!(e.code(), "invalid_response");
    assert_eq!(e.status(), Some(500));
    assert_eq!(e.description(), None);
    assert!(!format!("{e:?}").contains("SECRET"));
}

// ---- ID tokens ------------------------------------------------------------

fn b64_bytes(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn b64(text: &str) -> String {
    b64_bytes(text.as_bytes())
}

const HEADER: &str = r#"{"alg":"RS256","kid":"k1"}"#;
const NOW_S: f64 = 1_700_000_000.0;

fn claims_with(extra: &str) -> String {
    format!(
        r#"{{"iss":"{ISSUER}","sub":"user-1","aud":"{CLIENT_ID}","exp":1700003600,"iat":1700000000,"nonce":"n1"{extra}}}"#
    )
}

fn id_token(header: &str, claims: &str) -> String {
    [b64(header), b64(claims), b64("signature")].join(".")
}

fn check() -> IdTokenCheck<'static> {
    IdTokenCheck {
        issuer: ISSUER,
        client_id: CLIENT_ID,
        nonce: Some("n1"),
        now_s: NOW_S,
        skew_s: 60.0,
        max_age: None,
        access_token: None,
        require_at_hash: false,
        sub: None,
    }
}

fn id_token_code(token: &str, check: &IdTokenCheck<'_>) -> String {
    let read = || -> Result<(), AuthError> {
        let parts = split(token)?;
        let header: JwsHeader =
            serde_json::from_str(&parts.header).map_err(|_| unreadable("header"))?;
        check_header(&header)?;
        let claims: IdTokenClaims =
            serde_json::from_str(&parts.claims).map_err(|_| unreadable("claims"))?;
        validate_id_token(&claims, check)
    };
    match read() {
        Ok(()) => "ok".into(),
        Err(e) => e.code().into(),
    }
}

#[test]
fn id_token_segments_that_are_not_base64url_json_are_refused() {
    let good = id_token(HEADER, &claims_with(""));
    assert_eq!(id_token_code(&good, &check()), "ok");
    let (h, rest) = good.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    // This kid's header encodes with `-` and `_`, the two characters the
    // standard alphabet writes as `+` and `/`.
    let url_safe = b64(r#"{"alg":"RS256","kid":"k>?"}"#);
    assert!(url_safe.contains('-') || url_safe.contains('_'));
    let standard_alphabet = format!("{}.{p}.{s}", url_safe.replace('-', "+").replace('_', "/"));
    let cases = [
        format!("{h}=.{p}.{s}"),                         // padding
        standard_alphabet,                               // `+` and `/` for `-` and `_`
        format!("{h}.{p} .{s}"),                         // whitespace
        format!("{h}.{p}.{s}+/"),                        // signature not base64url
        format!("{h}.{}.{s}", b64_bytes(&[0xff, 0xfe])), // payload not UTF-8
        format!("{h}.{}.{s}", b64("[1,2]")),             // payload not an object
        format!("{h}.{}.{s}", b64("{\"iss\":")),         // payload not JSON
        format!("{}.{p}.{s}", b64("RS256")),             // header not JSON
        format!("{h}.{p}.Zh"),                           // non-canonical trailing bits
    ];
    for token in cases {
        assert_eq!(
            id_token_code(&token, &check()),
            "invalid_id_token",
            "{token}"
        );
    }
}

#[test]
fn id_tokens_with_two_or_four_segments_are_refused() {
    let good = id_token(HEADER, &claims_with(""));
    let (two, _) = good.rsplit_once('.').unwrap();
    for token in [
        two.to_string(),
        format!("{good}.{}", b64("extra")),
        format!("{good}."),
        format!(".{good}"),
    ] {
        assert_eq!(
            id_token_code(&token, &check()),
            "invalid_id_token",
            "{token}"
        );
    }
}

#[test]
fn only_rs256_ps256_and_es256_are_accepted() {
    for header in [r#"{"alg":"PS256"}"#, r#"{"alg":"ES256","kid":"k1"}"#] {
        let token = id_token(header, &claims_with(""));
        assert_eq!(id_token_code(&token, &check()), "ok", "{header}");
    }
    for header in [
        r#"{"alg":"none"}"#,
        r#"{"alg":"None"}"#,
        r#"{"alg":"HS256","kid":"k1"}"#,
        r#"{"alg":"rs256"}"#,
        r#"{"alg":"RS384"}"#,
        r#"{"alg":"PS512"}"#,
        r#"{"alg":"ES384"}"#,
        r#"{"alg":"ES256K"}"#,
        r#"{"alg":"EdDSA"}"#,
        r#"{"alg":["RS256"]}"#,
        r#"{"alg":null}"#,
        r#"{"kid":"k1"}"#,
    ] {
        let token = id_token(header, &claims_with(""));
        assert_eq!(
            id_token_code(&token, &check()),
            "invalid_id_token",
            "{header}"
        );
    }
    let unsigned = format!("{}.{}.", b64(HEADER), b64(&claims_with("")));
    assert_eq!(id_token_code(&unsigned, &check()), "invalid_id_token");
}

#[test]
fn a_crit_header_member_is_refused_even_when_null() {
    // RFC 7515 §4.1.11: this SDK implements no extension, so any `crit`
    // refuses the token; `null` is a value too, not an absent member.
    for crit in ["null", "[]", r#"["b64"]"#, "false", "{}", "0"] {
        let header = format!(r#"{{"alg":"RS256","kid":"k1","crit":{crit}}}"#);
        let token = id_token(&header, &claims_with(""));
        assert_eq!(
            id_token_code(&token, &check()),
            "invalid_id_token",
            "{crit}"
        );
    }
}

#[test]
fn wrong_audience_is_refused() {
    for aud in [
        r#""other-client""#,
        r#"["other-client"]"#,
        r#"[]"#,
        r#"["client-1",5]"#,
        r#"5"#,
        r#"null"#,
        // Several audiences with no azp naming us (OIDC Core §3.1.3.7 step 4-5).
        r#"["client-1","api"]"#,
    ] {
        let claims = claims_with("").replace(r#""aud":"client-1""#, &format!(r#""aud":{aud}"#));
        let token = id_token(HEADER, &claims);
        assert_eq!(id_token_code(&token, &check()), "invalid_id_token", "{aud}");
    }
    let no_aud = claims_with("").replace(r#""aud":"client-1","#, "");
    assert_eq!(
        id_token_code(&id_token(HEADER, &no_aud), &check()),
        "invalid_id_token"
    );
}

#[test]
fn expired_or_future_id_tokens_beyond_the_skew_are_refused() {
    let token = id_token(HEADER, &claims_with(""));
    let at = |now_s: f64| IdTokenCheck { now_s, ..check() };
    // exp 1700003600 + 60 s of skew.
    assert_eq!(id_token_code(&token, &at(1_700_003_659.0)), "ok");
    assert_eq!(
        id_token_code(&token, &at(1_700_003_660.0)),
        "invalid_id_token"
    );
    // iat 1700000000 - 60 s of skew.
    assert_eq!(id_token_code(&token, &at(1_699_999_940.0)), "ok");
    assert_eq!(
        id_token_code(&token, &at(1_699_999_939.0)),
        "invalid_id_token"
    );
    // nbf in the future beyond the skew.
    let nbf = id_token(HEADER, &claims_with(",\"nbf\":1700000061"));
    assert_eq!(id_token_code(&nbf, &check()), "invalid_id_token");
    // exp and iat must be numbers.
    for claims in [
        claims_with("").replace("\"exp\":1700003600", "\"exp\":\"1700003600\""),
        claims_with("").replace("\"iat\":1700000000,", ""),
    ] {
        assert_eq!(
            id_token_code(&id_token(HEADER, &claims), &check()),
            "invalid_id_token"
        );
    }
}

#[test]
fn wrong_or_missing_nonce_is_nonce_mismatch() {
    for claims in [
        claims_with("").replace("\"n1\"", "\"n2\""),
        claims_with("").replace(",\"nonce\":\"n1\"", ""),
    ] {
        assert_eq!(
            id_token_code(&id_token(HEADER, &claims), &check()),
            "nonce_mismatch",
            "{claims}"
        );
    }
    // A nonce that is not even a string makes the claims unreadable.
    let numeric = claims_with("").replace("\"n1\"", "1");
    assert_eq!(
        id_token_code(&id_token(HEADER, &numeric), &check()),
        "invalid_id_token"
    );
}

#[test]
fn wrong_at_hash_is_refused() {
    let c = IdTokenCheck {
        access_token: Some("access-token-1"),
        ..check()
    };
    // The at_hash of another access token, and one that is not even base64url.
    let other = wasm_oauth::core::jwt::at_hash("access-token-2");
    for at_hash in [other.as_str(), "", "not a hash"] {
        let token = id_token(HEADER, &claims_with(&format!(",\"at_hash\":\"{at_hash}\"")));
        assert_eq!(id_token_code(&token, &c), "invalid_id_token", "{at_hash}");
    }
}

// ---- options --------------------------------------------------------------

fn options() -> AuthClientOptions {
    AuthClientOptions {
        client_id: Some(CLIENT_ID.into()),
        redirect_uri: Some("https://app.example/cb".into()),
        ..AuthClientOptions::default()
    }
}

fn options_code(o: AuthClientOptions) -> String {
    match Config::from_options(o, &WhatwgUrl) {
        Ok(_) => "ok".into(),
        Err(e) => e.code().into(),
    }
}

#[test]
fn missing_or_blank_client_id_or_redirect_uri_is_invalid_options() {
    assert_eq!(options_code(options()), "ok");
    for client_id in [None, Some(""), Some(" \t"), Some("a\nb")] {
        let o = AuthClientOptions {
            client_id: client_id.map(String::from),
            ..options()
        };
        assert_eq!(options_code(o), "invalid_options", "{client_id:?}");
    }
    let o = AuthClientOptions {
        client_id: Some("c".repeat(257)),
        ..options()
    };
    assert_eq!(options_code(o), "invalid_options");
    for redirect_uri in ["", "/callback", "app.example/cb"] {
        let o = AuthClientOptions {
            redirect_uri: Some(redirect_uri.into()),
            ..options()
        };
        assert_eq!(options_code(o), "invalid_options", "{redirect_uri:?}");
    }
    // Left out, it is fine for a client of server-runtime grants or device sign-in;
    // its logins are refused (src/core/authorize.rs :: a_client_without_redirect_uri_cannot_log_in).
    let o = AuthClientOptions {
        redirect_uri: None,
        ..options()
    };
    assert_eq!(options_code(o), "ok");
}

#[test]
fn issuer_or_endpoint_that_is_not_a_url_is_invalid_options() {
    for bad in [
        "",
        "auth.example",
        "/api/v1/oauth/token",
        "javascript:alert(1)",
        "ftp://auth.example/token",
        "https://good.example@evil.example/token",
        "https://auth example/token",
        "https://auth.example:99999/token",
    ] {
        let issuer = AuthClientOptions {
            issuer: Some(bad.into()),
            ..options()
        };
        assert_eq!(options_code(issuer), "invalid_options", "issuer {bad}");
        let endpoint = AuthClientOptions {
            endpoints: endpoints("token", bad),
            ..options()
        };
        assert_eq!(options_code(endpoint), "invalid_options", "token {bad}");
    }
}

#[test]
fn http_urls_off_loopback_are_invalid_options() {
    for name in [
        "authorization",
        "token",
        "revocation",
        "userinfo",
        "jwks",
        "deviceAuthorization",
        "pushedAuthorization",
        "endSession",
    ] {
        let o = AuthClientOptions {
            endpoints: endpoints(name, &format!("http://auth.example/{name}")),
            ..options()
        };
        assert_eq!(options_code(o), "invalid_options", "{name}");
    }
    let o = AuthClientOptions {
        redirect_uri: Some("http://app.example/cb".into()),
        ..options()
    };
    assert_eq!(options_code(o), "invalid_options");
    let o = AuthClientOptions {
        endpoints: endpoints("token", "http://127.0.0.1.evil.example/t"),
        ..options()
    };
    assert_eq!(options_code(o), "invalid_options");
    // Loopback may use http (RFC 8252 §7.3).
    let o = AuthClientOptions {
        issuer: Some("http://127.0.0.1:3000".into()),
        redirect_uri: Some("http://localhost:8080/cb".into()),
        ..options()
    };
    assert_eq!(options_code(o), "ok");
}

#[test]
fn unknown_storage_value_is_invalid_options() {
    for storage in [
        "",
        "Session",
        "LOCAL",
        "localStorage",
        "cookie",
        "indexeddb",
    ] {
        let o = AuthClientOptions {
            storage: Some(storage.into()),
            ..options()
        };
        assert_eq!(options_code(o), "invalid_options", "{storage}");
    }
}

#[test]
fn extra_params_may_not_override_what_the_sdk_controls() {
    let config = Config::from_options(options(), &WhatwgUrl).unwrap();
    for key in [
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
        "max_age",
        "prompt",
        "login_hint",
        "acr_values",
        "resource",
    ] {
        let request = LoginRequest {
            extra_params: vec![("ui_locales".into(), "fr".into()), (key.into(), "x".into())],
            ..LoginRequest::default()
        };
        let e = begin_login(
            &config,
            &request,
            &ReturnTo::Absent,
            &WhatwgUrl,
            None,
            &[7; LOGIN_ENTROPY],
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_options", "{key}");
    }
    let harmless = LoginRequest {
        extra_params: vec![("ui_locales".into(), "fr".into())],
        ..LoginRequest::default()
    };
    assert!(begin_login(
        &config,
        &harmless,
        &ReturnTo::Absent,
        &WhatwgUrl,
        None,
        &[7; LOGIN_ENTROPY],
        0
    )
    .is_ok());
}
