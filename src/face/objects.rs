//! The public token set as JavaScript sees it: the `TokenSet` type that
//! `getTokens()`, the grants and the `tokens` event give the app.

use crate::core::tokens::TokenSet as SessionTokens;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

/// The tokens of the session.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct TokenSet<'a> {
    /// The access token, for the APIs' `Authorization: Bearer` header.
    pub access_token: &'a str,
    /// Always `"Bearer"`.
    #[tsify(type = "\"Bearer\"")]
    pub token_type: &'a str,
    /// When the access token expires, in milliseconds since the epoch (our
    /// clock); absent when the provider gave no lifetime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<f64>,
    /// The scopes granted, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
    /// Present with `offline_access`; rotated on each refresh where the
    /// provider rotates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<&'a str>,
    /// The ID token (a JWT), already checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<&'a str>,
}

impl<'a> From<&'a SessionTokens> for TokenSet<'a> {
    fn from(t: &'a SessionTokens) -> Self {
        TokenSet {
            access_token: t.access_token.secret(),
            token_type: &t.token_type,
            expires_at: t.expires_at_ms.map(|ms| ms as f64),
            scope: t.scope.as_deref(),
            refresh_token: t.refresh_token.as_ref().map(|r| r.secret()),
            id_token: t.id_token.as_deref(),
        }
    }
}

/// A value as a plain JavaScript object (`undefined` if it cannot be one).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_wasm_bindgen::to_value(value).unwrap_or(JsValue::UNDEFINED)
}

/// The public token set object.
pub fn tokens_object(t: &SessionTokens) -> JsValue {
    to_js(&TokenSet::from(t))
}
