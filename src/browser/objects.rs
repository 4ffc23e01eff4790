//! The public token set as JavaScript sees it. Here, not in the face,
//! because the tabs of a shared session also hand each other this object.

use crate::core::tokens::TokenSet;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// `{ accessToken, tokenType, expiresAt, scope?, refreshToken?, idToken? }`;
/// `expiresAt` is milliseconds since the epoch.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenSetView<'a> {
    pub access_token: &'a str,
    pub token_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<&'a str>,
}

impl<'a> From<&'a TokenSet> for TokenSetView<'a> {
    fn from(t: &'a TokenSet) -> Self {
        TokenSetView {
            access_token: &t.access_token,
            token_type: &t.token_type,
            expires_at: t.expires_at_ms.map(|ms| ms as f64),
            scope: t.scope.as_deref(),
            refresh_token: t.refresh_token.as_deref(),
            id_token: t.id_token.as_deref(),
        }
    }
}

/// A value as a plain JavaScript object (`undefined` if it cannot be one).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_wasm_bindgen::to_value(value).unwrap_or(JsValue::UNDEFINED)
}

/// The public token set object.
pub fn tokens_object(t: &TokenSet) -> JsValue {
    to_js(&TokenSetView::from(t))
}
