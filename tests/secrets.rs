#![cfg(not(target_arch = "wasm32"))]
//! Every public type that holds a secret prints `[redacted]` in its place:
//! `{:?}` of a token set, a configuration, a device authorization, a pending
//! login, a parsed callback or an HTTP request never shows a token, a code,
//! a verifier or a client secret.

use wasm_oauth::client::CallbackOutcome;
use wasm_oauth::core::authorize::{begin_login, LoginRequest, ReturnTo, LOGIN_ENTROPY};
use wasm_oauth::core::callback::parse_callback;
use wasm_oauth::core::config::{AuthClientOptions, Config};
use wasm_oauth::core::device::device_authorization;
use wasm_oauth::core::tokens::{token_set, TokenType};
use wasm_oauth::core::url::WhatwgUrl;
use wasm_oauth::ports::HttpRequest;

/// The secrets planted below; none may appear in any `Debug` output.
const SECRETS: &[&str] = &[
    "ACCESS-SECRET",
    "REFRESH-SECRET",
    "CODE-SECRET",
    "DEVICE-SECRET",
    "CLIENT-SECRET",
    "FORM-SECRET",
    "BEARER-SECRET",
];

fn assert_redacted(what: &str, debug: String) {
    for secret in SECRETS {
        assert!(!debug.contains(secret), "{what} shows {secret}: {debug}");
    }
    assert!(
        debug.contains("redacted"),
        "{what} says nothing was left out: {debug}"
    );
}

#[test]
fn debug_of_every_type_holding_a_secret_shows_none() {
    let tokens = token_set(
        serde_json::from_str(
            r#"{"access_token":"ACCESS-SECRET","token_type":"Bearer","refresh_token":"REFRESH-SECRET"}"#,
        )
        .unwrap(),
        0,
        TokenType::Bearer,
    )
    .unwrap();
    assert_redacted("TokenSet", format!("{tokens:?}"));
    let outcome = CallbackOutcome {
        app_state: None,
        tokens: tokens.clone(),
    };
    assert_redacted("CallbackOutcome", format!("{outcome:?}"));

    let options = AuthClientOptions {
        client_id: Some("client-1".into()),
        redirect_uri: Some("https://app.example/cb".into()),
        client_secret: Some("CLIENT-SECRET".into()),
        ..AuthClientOptions::default()
    };
    assert_redacted("AuthClientOptions", format!("{options:?}"));
    let config = Config::from_options(options, &WhatwgUrl).unwrap();
    assert_redacted("Config", format!("{config:?}"));

    let device = device_authorization(
        serde_json::from_str(
            r#"{"device_code":"DEVICE-SECRET","user_code":"ABC123","verification_uri":"https://a/sc","expires_in":300}"#,
        )
        .unwrap(),
        &WhatwgUrl,
    )
    .unwrap();
    assert_redacted("DeviceAuthorization", format!("{device:?}"));

    let mut entropy = [0u8; LOGIN_ENTROPY];
    for (i, b) in entropy.iter_mut().enumerate() {
        *b = i as u8;
    }
    let (pending, _) = begin_login(
        &config,
        &LoginRequest::default(),
        &ReturnTo::Absent,
        &WhatwgUrl,
        None,
        &entropy,
        0,
    )
    .unwrap();
    let verifier = pending.code_verifier.clone().unwrap();
    let debug = format!("{pending:?}");
    assert!(!debug.contains(verifier.secret()), "PendingLogin: {debug}");
    assert_redacted("PendingLogin", debug);

    let code = parse_callback("https://app.example/cb?code=CODE-SECRET&state=s").unwrap();
    assert_redacted("Callback (code)", format!("{code:?}"));
    let implicit =
        parse_callback("https://app.example/cb#access_token=ACCESS-SECRET&state=s").unwrap();
    assert_redacted("Callback (implicit)", format!("{implicit:?}"));

    let request = HttpRequest {
        url: "https://auth.example/token".into(),
        form: Some("refresh_token=FORM-SECRET".into()),
        bearer: Some("BEARER-SECRET".into()),
        dpop: None,
    };
    assert_redacted("HttpRequest", format!("{request:?}"));
}
