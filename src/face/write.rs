//! The values the API returns, as `Serialize` types that serde-wasm-bindgen
//! turns into plain JavaScript objects. Documents from the provider (ID-token
//! claims, userinfo) are returned as `JSON.parse` built them, never rebuilt
//! key by key.

use crate::browser::objects::TokenSetView;
pub use crate::browser::objects::{to_js, tokens_object};
use crate::client::CallbackOutcome;
use crate::core::callback::{AuthorizationResponse, Callback, ResponseLocation};
use crate::core::device::DeviceAuthorization;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// `{ appState, tokens }` after a handled callback.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallbackResult<'a> {
    /// The app's own state, as its JSON text parses.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    app_state: JsValue,
    tokens: TokenSetView<'a>,
}

/// `{ appState, tokens }` after a handled callback.
pub fn callback_object(outcome: &CallbackOutcome) -> JsValue {
    let app_state = outcome
        .app_state
        .as_deref()
        .and_then(|s| js_sys::JSON::parse(s).ok())
        .unwrap_or(JsValue::UNDEFINED);
    to_js(&CallbackResult {
        app_state,
        tokens: TokenSetView::from(&outcome.tokens),
    })
}

/// `parseCallbackUrl`'s result: `{ kind, ..., responseMode }`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum ParsedCallback<'a> {
    #[serde(rename_all = "camelCase")]
    Code {
        code: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        state: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        iss: Option<&'a str>,
        response_mode: &'static str,
    },
    #[serde(rename_all = "camelCase")]
    Tokens {
        #[serde(skip_serializing_if = "Option::is_none")]
        access_token: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        token_type: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_in: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        scope: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        id_token: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        state: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        iss: Option<&'a str>,
        response_mode: &'static str,
    },
    #[serde(rename_all = "camelCase")]
    Error {
        error: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error_description: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        state: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        iss: Option<&'a str>,
        response_mode: &'static str,
    },
}

/// `parseCallbackUrl`'s result.
pub fn parsed_callback_object(c: &Callback) -> JsValue {
    let response_mode = match c.location {
        ResponseLocation::Query => "query",
        ResponseLocation::Fragment => "fragment",
    };
    to_js(&match &c.response {
        AuthorizationResponse::Code { code, state, iss } => ParsedCallback::Code {
            code,
            state: state.as_deref(),
            iss: iss.as_deref(),
            response_mode,
        },
        AuthorizationResponse::Tokens {
            access_token,
            token_type,
            expires_in,
            scope,
            id_token,
            state,
            iss,
        } => ParsedCallback::Tokens {
            access_token: access_token.as_deref(),
            token_type: token_type.as_deref(),
            expires_in: expires_in.as_deref(),
            scope: scope.as_deref(),
            id_token: id_token.as_deref(),
            state: state.as_deref(),
            iss: iss.as_deref(),
            response_mode,
        },
        AuthorizationResponse::Error {
            error,
            description,
            state,
            iss,
        } => ParsedCallback::Error {
            error,
            error_description: description.as_deref(),
            state: state.as_deref(),
            iss: iss.as_deref(),
            response_mode,
        },
    })
}

/// `startDeviceAuthorization`'s result; `expiresAt` (ms) lets the app show a
/// countdown and lets `pollDeviceToken` keep the provider's deadline.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceAuthorizationView<'a> {
    device_code: &'a str,
    user_code: &'a str,
    verification_uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification_uri_complete: Option<&'a str>,
    /// Seconds.
    expires_in: f64,
    /// Seconds.
    interval: f64,
    /// Milliseconds since the epoch.
    expires_at: f64,
}

/// `startDeviceAuthorization`'s result.
pub fn device_object(d: &DeviceAuthorization, started_ms: f64) -> JsValue {
    to_js(&DeviceAuthorizationView {
        device_code: &d.device_code,
        user_code: &d.user_code,
        verification_uri: &d.verification_uri,
        verification_uri_complete: d.verification_uri_complete.as_deref(),
        expires_in: f64::from(d.expires_in),
        interval: f64::from(d.interval),
        expires_at: started_ms + f64::from(d.expires_in) * 1000.0,
    })
}

/// `createPkcePair`'s result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PkcePair<'a> {
    pub code_verifier: &'a str,
    pub code_challenge: &'a str,
    pub code_challenge_method: &'static str,
}
