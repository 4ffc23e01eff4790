//! JWS signature checks (RS256, PS256, ES256) through WebCrypto
//! (`crypto.subtle`, by web-sys), available in browsers, workers and Node alike.

use super::plain_object;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Algorithm, PublicKey, SignatureVerifier};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A WebCrypto algorithm object (`RsaHashedImportParams`, `EcKeyImportParams`,
/// `RsaPssParams`, `EcKeyGenParams`, `EcdsaParams`): `name` and the one
/// member each needs.
pub(crate) fn algorithm(name: &str, member: &str, value: JsValue) -> js_sys::Object {
    plain_object(&[("name", name.into()), (member, value)])
}

/// What `importKey` and `verify` are given for `alg` (RFC 7518 §3.3-3.5).
fn params(alg: Algorithm) -> (js_sys::Object, js_sys::Object) {
    let sha256 = || JsValue::from_str("SHA-256");
    match alg {
        Algorithm::Rs256 => (
            algorithm("RSASSA-PKCS1-v1_5", "hash", sha256()),
            plain_object(&[("name", "RSASSA-PKCS1-v1_5".into())]),
        ),
        // RFC 7518 §3.5: the salt is as long as the hash, 32 bytes.
        Algorithm::Ps256 => (
            algorithm("RSA-PSS", "hash", sha256()),
            algorithm("RSA-PSS", "saltLength", 32.into()),
        ),
        Algorithm::Es256 => (
            algorithm("ECDSA", "namedCurve", "P-256".into()),
            algorithm("ECDSA", "hash", sha256()),
        ),
    }
}

fn unavailable() -> AuthError {
    AuthError::new(
        ErrorCode::InvalidIdToken,
        "WebCrypto could not check the ID token's signature",
    )
}

/// `crypto.subtle` of this runtime.
pub(crate) fn subtle() -> Result<web_sys::SubtleCrypto, AuthError> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .ok()
        .filter(JsValue::is_object)
        .ok_or_else(unavailable)?;
    Ok(crypto.unchecked_into::<web_sys::Crypto>().subtle())
}

/// The signature checker: WebCrypto's `verify`.
pub struct WebCryptoVerifier;

impl SignatureVerifier for WebCryptoVerifier {
    fn verify(
        &self,
        alg: Algorithm,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> impl std::future::Future<Output = Result<bool, AuthError>> {
        verify_signature(alg, key, signing_input, signature)
    }
}

/// Verifies a JWS signature made with `alg` by `key`. An ES256 signature is
/// JWS's `r || s` (RFC 7518 §3.4), which is what WebCrypto's ECDSA takes.
pub async fn verify_signature(
    alg: Algorithm,
    key: &PublicKey,
    input: &[u8],
    signature: &[u8],
) -> Result<bool, AuthError> {
    // A malformed key, or one of another type than `alg` needs, fails the
    // import: the token cannot be trusted.
    let unusable = || {
        AuthError::new(
            ErrorCode::InvalidIdToken,
            "the JWKS key cannot be used for the ID token's alg",
        )
    };
    // The public key as a JWK for `importKey`.
    let jwk = match (alg, key) {
        (Algorithm::Rs256 | Algorithm::Ps256, PublicKey::Rsa { n, e }) => plain_object(&[
            ("kty", "RSA".into()),
            ("n", n.into()),
            ("e", e.into()),
            ("alg", alg.name().into()),
            ("ext", true.into()),
        ]),
        (Algorithm::Es256, PublicKey::P256 { x, y }) => plain_object(&[
            ("kty", "EC".into()),
            ("crv", "P-256".into()),
            ("x", x.into()),
            ("y", y.into()),
            ("alg", alg.name().into()),
            ("ext", true.into()),
        ]),
        _ => return Err(unusable()),
    };
    let subtle = subtle()?;
    let (import_params, verify_params) = params(alg);
    let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
    let import = subtle
        .import_key_with_object("jwk", &jwk, &import_params, false, &usages)
        .map_err(|_| unusable())?;
    let crypto_key: web_sys::CryptoKey = JsFuture::from(import)
        .await
        .map_err(|_| unusable())?
        .unchecked_into();
    let verify = subtle
        .verify_with_object_and_u8_array_and_u8_array(&verify_params, &crypto_key, signature, input)
        .map_err(|_| unavailable())?;
    let valid = JsFuture::from(verify).await.map_err(|_| unavailable())?;
    Ok(valid.as_bool() == Some(true))
}
