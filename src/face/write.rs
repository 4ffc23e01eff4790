//! The values the API returns, as `Serialize` types that serde-wasm-bindgen
//! turns into plain JavaScript objects (the results whose TypeScript is
//! written in `types.d.ts`, `parseCallbackUrl`'s and the callback's, are built
//! member by member).
//! Documents from the provider (ID-token claims, userinfo) are returned as
//! `JSON.parse` built them, never rebuilt key by key.

pub use super::objects::{to_js, tokens_object};
use crate::browser::plain_object;
use crate::client::CallbackOutcome;
use crate::core::callback::{AuthorizationResponse, Callback, ResponseLocation};
use crate::core::device::DeviceAuthorization as Device;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

/// `{ appState, tokens }` after a handled callback (`CallbackResult` in
/// `types.d.ts`): `appState` as its JSON parses, `undefined` when the login
/// gave none.
pub fn callback_object(outcome: &CallbackOutcome) -> JsValue {
    let app_state = outcome
        .app_state
        .as_deref()
        .and_then(|s| js_sys::JSON::parse(s).ok())
        .unwrap_or(JsValue::UNDEFINED);
    let result = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&result, &"appState".into(), &app_state);
    let _ = js_sys::Reflect::set(&result, &"tokens".into(), &tokens_object(&outcome.tokens));
    result.into()
}

/// `parseCallbackUrl`'s result: what an authorization response holds,
/// unchecked, with `kind` saying which (`ParsedCallback` in `types.d.ts`,
/// with each member's documentation); absent members are left out.
pub fn parsed_callback_object(c: &Callback) -> JsValue {
    let response_mode = match c.location {
        ResponseLocation::Query => "query",
        ResponseLocation::Fragment => "fragment",
    };
    let object = match &c.response {
        AuthorizationResponse::Code { code, state, iss } => plain_object(&[
            ("kind", "code".into()),
            ("code", code.secret().into()),
            ("state", state.as_deref().into()),
            ("iss", iss.as_deref().into()),
            ("responseMode", response_mode.into()),
        ]),
        AuthorizationResponse::Tokens {
            access_token,
            token_type,
            expires_in,
            scope,
            id_token,
            state,
            iss,
        } => plain_object(&[
            ("kind", "tokens".into()),
            (
                "accessToken",
                access_token.as_ref().map(|t| t.secret()).into(),
            ),
            ("tokenType", token_type.as_deref().into()),
            ("expiresIn", expires_in.as_deref().into()),
            ("scope", scope.as_deref().into()),
            ("idToken", id_token.as_deref().into()),
            ("state", state.as_deref().into()),
            ("iss", iss.as_deref().into()),
            ("responseMode", response_mode.into()),
        ]),
        AuthorizationResponse::Error {
            error,
            description,
            state,
            iss,
        } => plain_object(&[
            ("kind", "error".into()),
            ("error", error.into()),
            ("errorDescription", description.as_deref().into()),
            ("state", state.as_deref().into()),
            ("iss", iss.as_deref().into()),
            ("responseMode", response_mode.into()),
        ]),
    };
    object.into()
}

/// A device sign-in in progress (RFC 8628): show `userCode` and
/// `verificationUri` (or a QR code of `verificationUriComplete`), then pass
/// the whole object to `pollDeviceToken`.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAuthorization<'a> {
    /// The secret the poll sends; never show it.
    device_code: &'a str,
    /// Show this to the user (6 characters at the provider).
    user_code: &'a str,
    /// The page where the user enters the code.
    verification_uri: &'a str,
    /// The verification page with the code filled in: good for a QR code.
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_uri_complete: Option<&'a str>,
    /// How long the code lives, in seconds.
    expires_in: f64,
    /// Seconds between polls (never below 5).
    interval: f64,
    /// When the code expires, in milliseconds since the epoch.
    expires_at: f64,
}

/// `startDeviceAuthorization`'s result.
pub fn device_object(d: &Device, started_ms: f64) -> JsValue {
    to_js(&DeviceAuthorization {
        device_code: d.device_code.secret(),
        user_code: &d.user_code,
        verification_uri: &d.verification_uri,
        verification_uri_complete: d.verification_uri_complete.as_deref(),
        expires_in: f64::from(d.expires_in),
        interval: f64::from(d.interval),
        expires_at: started_ms + f64::from(d.expires_in) * 1000.0,
    })
}

/// A fresh PKCE pair (RFC 7636): keep the verifier secret, send the challenge.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PkcePair<'a> {
    /// 43 characters of base64url: the secret the token request sends.
    pub code_verifier: &'a str,
    /// BASE64URL(SHA-256(codeVerifier)), for the authorization request.
    pub code_challenge: &'a str,
    /// Always `"S256"`.
    #[tsify(type = "\"S256\"")]
    pub code_challenge_method: &'static str,
}
