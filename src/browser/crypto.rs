//! RS256 signature checks through WebCrypto (`crypto.subtle`, by web-sys),
//! available in browsers, workers and Node alike.

use crate::core::error::{AuthError, ErrorCode};
use crate::ports::RsaKey;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), as WebCrypto names it.
#[derive(Serialize)]
struct Algorithm {
    name: &'static str,
    hash: &'static str,
}

const RSASSA_SHA256: Algorithm = Algorithm {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
};

/// The public key as a JWK for `importKey`.
#[derive(Serialize)]
struct PublicJwk<'a> {
    kty: &'static str,
    n: &'a str,
    e: &'a str,
    alg: &'static str,
    ext: bool,
}

fn unavailable() -> AuthError {
    AuthError::new(
        ErrorCode::InvalidIdToken,
        "WebCrypto could not check the ID token's signature",
    )
}

fn object<T: Serialize>(value: &T) -> Result<js_sys::Object, AuthError> {
    serde_wasm_bindgen::to_value(value)
        .map(JsCast::unchecked_into)
        .map_err(|_| unavailable())
}

/// `crypto.subtle` of this runtime.
fn subtle() -> Result<web_sys::SubtleCrypto, AuthError> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .ok()
        .filter(JsValue::is_object)
        .ok_or_else(unavailable)?;
    Ok(crypto.unchecked_into::<web_sys::Crypto>().subtle())
}

/// Verifies an RSASSA-PKCS1-v1_5 / SHA-256 signature with a JWK's `n` and `e`.
pub async fn verify_rs256(key: &RsaKey, input: &[u8], signature: &[u8]) -> Result<bool, AuthError> {
    let subtle = subtle()?;
    let jwk = object(&PublicJwk {
        kty: "RSA",
        n: &key.n,
        e: &key.e,
        alg: "RS256",
        ext: true,
    })?;
    let algorithm = object(&RSASSA_SHA256)?;
    let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
    // A malformed key from the JWKS fails the import: the token cannot be trusted.
    let unusable = || {
        AuthError::new(
            ErrorCode::InvalidIdToken,
            "the JWKS key cannot be used for RS256",
        )
    };
    let import = subtle
        .import_key_with_object("jwk", &jwk, &algorithm, false, &usages)
        .map_err(|_| unusable())?;
    let crypto_key: web_sys::CryptoKey = JsFuture::from(import)
        .await
        .map_err(|_| unusable())?
        .unchecked_into();
    let verify = subtle
        .verify_with_object_and_u8_array_and_u8_array(&algorithm, &crypto_key, signature, input)
        .map_err(|_| unavailable())?;
    let valid = JsFuture::from(verify).await.map_err(|_| unavailable())?;
    Ok(valid.as_bool() == Some(true))
}
