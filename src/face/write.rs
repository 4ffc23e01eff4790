//! Building the plain JavaScript objects the API returns.

use crate::client::CallbackOutcome;
use crate::core::callback::{AuthorizationResponse, Callback};
use crate::core::device::DeviceAuthorization;
use crate::core::json::Json;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::JsValue;

use crate::browser::objects::opt;
pub use crate::browser::objects::{object, tokens_object};

/// `{ appState, tokens }` after a handled callback.
pub fn callback_object(outcome: &CallbackOutcome) -> JsValue {
    let app_state = outcome
        .app_state
        .as_deref()
        .and_then(|s| JSON::parse(s).ok())
        .unwrap_or(JsValue::UNDEFINED);
    object(&[
        ("appState", app_state),
        ("tokens", tokens_object(&outcome.tokens)),
    ])
}

/// A core JSON value as the equivalent JavaScript value.
pub fn json_to_js(value: &Json) -> JsValue {
    match value {
        Json::Null => JsValue::NULL,
        Json::Bool(b) => JsValue::from_bool(*b),
        Json::Num(n) => JsValue::from_f64(*n),
        Json::Str(s) => JsValue::from_str(s),
        Json::Arr(items) => items.iter().map(json_to_js).collect::<Array>().into(),
        Json::Obj(members) => {
            let o = Object::new();
            for (k, v) in members {
                let _ = Reflect::set(&o, &JsValue::from_str(k), &json_to_js(v));
            }
            o.into()
        }
    }
}

/// `parseCallbackUrl`'s result.
pub fn parsed_callback_object(c: &Callback) -> JsValue {
    let location = JsValue::from_str(match c.location {
        crate::core::callback::ResponseLocation::Query => "query",
        crate::core::callback::ResponseLocation::Fragment => "fragment",
    });
    match &c.response {
        AuthorizationResponse::Code { code, state, iss } => object(&[
            ("kind", "code".into()),
            ("code", JsValue::from_str(code)),
            ("state", opt(state)),
            ("iss", opt(iss)),
            ("responseMode", location),
        ]),
        AuthorizationResponse::Tokens {
            access_token,
            token_type,
            expires_in,
            scope,
            id_token,
            state,
            iss,
        } => object(&[
            ("kind", "tokens".into()),
            ("accessToken", opt(access_token)),
            ("tokenType", opt(token_type)),
            ("expiresIn", opt(expires_in)),
            ("scope", opt(scope)),
            ("idToken", opt(id_token)),
            ("state", opt(state)),
            ("iss", opt(iss)),
            ("responseMode", location),
        ]),
        AuthorizationResponse::Error {
            error,
            description,
            state,
            iss,
        } => object(&[
            ("kind", "error".into()),
            ("error", JsValue::from_str(error)),
            ("errorDescription", opt(description)),
            ("state", opt(state)),
            ("iss", opt(iss)),
            ("responseMode", location),
        ]),
    }
}

/// `startDeviceAuthorization`'s result; `expiresAt` (ms) lets the app show a
/// countdown and lets `pollDeviceToken` keep the provider's deadline.
pub fn device_object(d: &DeviceAuthorization, started_ms: f64) -> JsValue {
    object(&[
        ("deviceCode", JsValue::from_str(&d.device_code)),
        ("userCode", JsValue::from_str(&d.user_code)),
        ("verificationUri", JsValue::from_str(&d.verification_uri)),
        ("verificationUriComplete", opt(&d.verification_uri_complete)),
        ("expiresIn", JsValue::from_f64(f64::from(d.expires_in))),
        ("interval", JsValue::from_f64(f64::from(d.interval))),
        (
            "expiresAt",
            JsValue::from_f64(started_ms + f64::from(d.expires_in) * 1000.0),
        ),
    ])
}
