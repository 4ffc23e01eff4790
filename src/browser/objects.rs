//! The plain JavaScript objects built in Rust. Here, not in the face, because
//! the tabs of a shared session also hand each other the public token set.

use crate::core::tokens::TokenSet;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// `{ key: value, ... }`, skipping `undefined` values.
pub fn object(members: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        if !v.is_undefined() {
            let _ = Reflect::set(&o, &JsValue::from_str(k), v);
        }
    }
    o.into()
}

pub fn opt(value: &Option<String>) -> JsValue {
    value
        .as_deref()
        .map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// The public token set: `{ accessToken, tokenType, expiresAt, scope?, refreshToken?, idToken? }`.
pub fn tokens_object(t: &TokenSet) -> JsValue {
    object(&[
        ("accessToken", JsValue::from_str(&t.access_token)),
        ("tokenType", JsValue::from_str(&t.token_type)),
        (
            "expiresAt",
            t.expires_at_ms
                .map_or(JsValue::UNDEFINED, |ms| JsValue::from_f64(ms as f64)),
        ),
        ("scope", opt(&t.scope)),
        ("refreshToken", opt(&t.refresh_token)),
        ("idToken", opt(&t.id_token)),
    ])
}
