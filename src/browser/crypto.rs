//! RS256 signature checks through WebCrypto (`crypto.subtle`), available in
//! browsers, workers and Node alike.

use crate::core::error::{AuthError, ErrorCode};
use crate::ports::RsaKey;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    type Subtle;
    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &Subtle,
        format: &str,
        key: &Object,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn verify(
        this: &Subtle,
        algorithm: &str,
        key: &JsValue,
        signature: &[u8],
        data: &[u8],
    ) -> Result<Promise, JsValue>;
}

const RSASSA: &str = "RSASSA-PKCS1-v1_5";

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn unavailable() -> AuthError {
    AuthError::new(
        ErrorCode::InvalidIdToken,
        "WebCrypto could not check the ID token's signature",
    )
}

/// Verifies an RSASSA-PKCS1-v1_5 / SHA-256 signature with a JWK's `n` and `e`.
pub async fn verify_rs256(key: &RsaKey, input: &[u8], signature: &[u8]) -> Result<bool, AuthError> {
    let subtle: Subtle = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .and_then(|c| Reflect::get(&c, &JsValue::from_str("subtle")))
        .ok()
        .filter(|s| !s.is_undefined())
        .ok_or_else(unavailable)?
        .unchecked_into();
    let jwk = Object::new();
    set(&jwk, "kty", &"RSA".into());
    set(&jwk, "n", &key.n.as_str().into());
    set(&jwk, "e", &key.e.as_str().into());
    set(&jwk, "alg", &"RS256".into());
    set(&jwk, "ext", &JsValue::TRUE);
    let algorithm = Object::new();
    set(&algorithm, "name", &RSASSA.into());
    set(&algorithm, "hash", &"SHA-256".into());
    let usages = Array::of1(&"verify".into());
    let imported = subtle
        .import_key("jwk", &jwk, &algorithm, false, &usages)
        .map_err(|_| unavailable())?;
    // A malformed key from the JWKS fails the import: the token cannot be trusted.
    let crypto_key = JsFuture::from(imported).await.map_err(|_| {
        AuthError::new(
            ErrorCode::InvalidIdToken,
            "the JWKS key cannot be used for RS256",
        )
    })?;
    let check = subtle
        .verify(RSASSA, &crypto_key, signature, input)
        .map_err(|_| unavailable())?;
    Ok(JsFuture::from(check)
        .await
        .map_err(|_| unavailable())?
        .is_truthy())
}
