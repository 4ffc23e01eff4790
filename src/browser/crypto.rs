//! JWS signature checks (RS256, PS256, ES256) through WebCrypto
//! (`crypto.subtle`, by web-sys), available in browsers, workers and Node alike.

use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Algorithm, PublicKey, SignatureVerifier};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A WebCrypto algorithm object (`RsaHashedImportParams`, `EcKeyImportParams`,
/// `RsaPssParams`, `EcdsaParams`): the members each needs, no others.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Params {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    named_curve: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salt_length: Option<u8>,
}

/// What `importKey` and `verify` are given for `alg` (RFC 7518 §3.3-3.5).
fn params(alg: Algorithm) -> (Params, Params) {
    let with = |name, hash, named_curve, salt_length| Params {
        name,
        hash,
        named_curve,
        salt_length,
    };
    match alg {
        Algorithm::Rs256 => (
            with("RSASSA-PKCS1-v1_5", Some("SHA-256"), None, None),
            with("RSASSA-PKCS1-v1_5", None, None, None),
        ),
        // RFC 7518 §3.5: the salt is as long as the hash, 32 bytes.
        Algorithm::Ps256 => (
            with("RSA-PSS", Some("SHA-256"), None, None),
            with("RSA-PSS", None, None, Some(32)),
        ),
        Algorithm::Es256 => (
            with("ECDSA", None, Some("P-256"), None),
            with("ECDSA", Some("SHA-256"), None, None),
        ),
    }
}

/// The public key as a JWK for `importKey`.
#[derive(Serialize)]
#[serde(tag = "kty")]
enum PublicJwk<'a> {
    #[serde(rename = "RSA")]
    Rsa {
        n: &'a str,
        e: &'a str,
        alg: &'static str,
        ext: bool,
    },
    #[serde(rename = "EC")]
    Ec {
        crv: &'static str,
        x: &'a str,
        y: &'a str,
        alg: &'static str,
        ext: bool,
    },
}

fn unavailable() -> AuthError {
    AuthError::new(
        ErrorCode::InvalidIdToken,
        "WebCrypto could not check the ID token's signature",
    )
}

pub(crate) fn object<T: Serialize>(value: &T) -> Result<js_sys::Object, AuthError> {
    serde_wasm_bindgen::to_value(value)
        .map(JsCast::unchecked_into)
        .map_err(|_| unavailable())
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
    let jwk = match (alg, key) {
        (Algorithm::Rs256 | Algorithm::Ps256, PublicKey::Rsa { n, e }) => PublicJwk::Rsa {
            n,
            e,
            alg: alg.name(),
            ext: true,
        },
        (Algorithm::Es256, PublicKey::P256 { x, y }) => PublicJwk::Ec {
            crv: "P-256",
            x,
            y,
            alg: alg.name(),
            ext: true,
        },
        _ => return Err(unusable()),
    };
    let subtle = subtle()?;
    let (import_params, verify_params) = params(alg);
    let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
    let import = subtle
        .import_key_with_object(
            "jwk",
            &object(&jwk)?,
            &object(&import_params)?,
            false,
            &usages,
        )
        .map_err(|_| unusable())?;
    let crypto_key: web_sys::CryptoKey = JsFuture::from(import)
        .await
        .map_err(|_| unusable())?
        .unchecked_into();
    let verify = subtle
        .verify_with_object_and_u8_array_and_u8_array(
            &object(&verify_params)?,
            &crypto_key,
            signature,
            input,
        )
        .map_err(|_| unavailable())?;
    let valid = JsFuture::from(verify).await.map_err(|_| unavailable())?;
    Ok(valid.as_bool() == Some(true))
}
