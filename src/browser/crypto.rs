//! RS256 signature checks through WebCrypto (`crypto.subtle`), available in
//! browsers, workers and Node alike. The WebCrypto calls are in `web.js`.

use crate::core::error::{AuthError, ErrorCode};
use crate::ports::RsaKey;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Resolves to 1 (valid), 0 (not valid), -1 (unusable key) or -2 (no WebCrypto).
    #[wasm_bindgen(js_name = verifyRs256)]
    fn verify(n: &str, e: &str, signature: &[u8], data: &[u8]) -> Promise;
}

/// Verifies an RSASSA-PKCS1-v1_5 / SHA-256 signature with a JWK's `n` and `e`.
pub async fn verify_rs256(key: &RsaKey, input: &[u8], signature: &[u8]) -> Result<bool, AuthError> {
    let answer = JsFuture::from(verify(&key.n, &key.e, signature, input))
        .await
        .ok()
        .and_then(|a| a.as_f64());
    match answer {
        Some(1.0) => Ok(true),
        Some(0.0) => Ok(false),
        // A malformed key from the JWKS fails the import: the token cannot be trusted.
        Some(-1.0) => Err(AuthError::new(
            ErrorCode::InvalidIdToken,
            "the JWKS key cannot be used for RS256",
        )),
        _ => Err(AuthError::new(
            ErrorCode::InvalidIdToken,
            "WebCrypto could not check the ID token's signature",
        )),
    }
}
