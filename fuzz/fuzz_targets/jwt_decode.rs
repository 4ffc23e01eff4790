//! The ID token, read as the client reads it (src/client/mod.rs
//! `check_id_token`): `split`, the header through serde_json into `JwsHeader`,
//! `check_header`, the claims into `IdTokenClaims`, then `validate_id_token`
//! against fixed checks; and `select_key` on a fuzzed JWKS.
//!
//! Byte 0 picks how the rest becomes input: 0, the rest as the token text;
//! 1, three parts split on NUL (header JSON, claims JSON, signature bytes),
//! each base64url-encoded here; 2, the rest as the claims JSON under a fixed
//! RS256 header and signature; 3, header JSON and a JWKS JSON split on NUL,
//! for key selection (of the header's alg). Modes 1 and 2 reach the claim checks far sooner.
#![no_main]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::read_json;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wasm_oauth::core::jwt::{
    at_hash, check_header, select_key, split, validate_id_token, Algorithm, IdTokenCheck,
    IdTokenClaims, Jwks, JwsHeader, KeyLookup, PublicKey, MAX_JWT_LEN,
};

const ISSUER: &str = "https://auth.example";
const CLIENT_ID: &str = "client-1";
const NONCE: &str = "n1";
const ACCESS_TOKEN: &str = "access-token-1";
const NOW_S: f64 = 1_700_000_000.0;
const SKEW_S: f64 = 60.0;
const MAX_AGE: u32 = 300;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_from(mode: u8, rest: &[u8]) -> Option<String> {
    match mode {
        0 => std::str::from_utf8(rest).ok().map(str::to_string),
        1 => {
            let mut parts = rest.splitn(3, |&b| b == 0);
            let header = parts.next().unwrap_or_default();
            let claims = parts.next().unwrap_or_default();
            let signature = parts.next().unwrap_or_default();
            Some([header, claims, signature].map(b64).join("."))
        }
        _ => Some([b64(br#"{"alg":"RS256","kid":"k1"}"#), b64(rest), b64(b"signature")].join(".")),
    }
}

/// The header and JWKS as a plain JSON reader sees them: the keys that can
/// sign `alg` for a token naming `kid` (RFC 7517 §4.2-4.4, RFC 7518 §6.1).
fn candidates<'a>(jwks: &'a Value, alg: Algorithm, kid: Option<&str>) -> Vec<&'a Value> {
    let s = |k: &'a Value, name: &str| k.get(name).and_then(Value::as_str);
    let kty = if alg == Algorithm::Es256 { "EC" } else { "RSA" };
    jwks["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| {
            s(k, "kty") == Some(kty)
                && s(k, "use").is_none_or(|u| u == "sig")
                && s(k, "alg").is_none_or(|a| a == alg.name())
                && kid.is_none_or(|want| s(k, "kid") == Some(want))
        })
        .collect()
}

fn fuzz_key_selection(rest: &[u8]) {
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (header_text, jwks_text) = text.split_once('\0').unwrap_or((text, r#"{"keys":[]}"#));
    let (Some(header), Some(jwks)) = (
        read_json::<JwsHeader>(header_text),
        read_json::<Jwks>(jwks_text),
    ) else {
        return;
    };
    // A member the type ignores may hold a number no f64 holds (1e699999900):
    // serde_json skips it unread, but a serde_json::Value cannot hold it. Only
    // documents a Value can hold are cross-checked.
    let Some(jwks_value) = read_json::<Value>(jwks_text) else {
        return;
    };
    // serde_json reads a key given as an array member by member; the
    // browser's reader sees an object with no members. Neither is a key.
    if jwks_value["keys"].as_array().is_some_and(|keys| keys.iter().any(Value::is_array)) {
        return;
    }
    let Ok(alg) = check_header(&header) else {
        return;
    };
    let found = candidates(&jwks_value, alg, header.kid.as_deref());
    // The members a usable key of `alg` has, in the order PublicKey keeps them.
    let (a, b) = if alg == Algorithm::Es256 { ("x", "y") } else { ("n", "e") };
    let complete = |k: &Value| {
        k[a].is_string() && k[b].is_string() && (alg != Algorithm::Es256 || k["crv"] == "P-256")
    };
    match select_key(&jwks, alg, header.kid.as_deref()) {
        Ok(KeyLookup::Found(key)) => {
            assert_eq!(found.len(), 1, "exactly one usable key");
            let (x, y) = match (&key, alg) {
                (PublicKey::Rsa { n, e }, Algorithm::Rs256 | Algorithm::Ps256) => (n, e),
                (PublicKey::P256 { x, y }, Algorithm::Es256) => (x, y),
                _ => panic!("a key of another type than {alg:?}"),
            };
            assert!(complete(found[0]));
            assert_eq!(found[0][a].as_str(), Some(x.as_str()));
            assert_eq!(found[0][b].as_str(), Some(y.as_str()));
        }
        Ok(KeyLookup::UnknownKid) => assert!(
            found.len() <= 1 && !found.iter().any(|k| complete(k)),
            "a usable key was missed"
        ),
        Err(e) => {
            assert_eq!(e.code(), "invalid_id_token");
            assert!(found.len() > 1, "refused only with several candidates");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 4 == 3 {
        return fuzz_key_selection(rest);
    }
    let Some(token) = token_from(mode % 4, rest) else {
        return;
    };
    let parts = match split(&token) {
        Ok(parts) => parts,
        Err(e) => {
            assert_eq!(e.code(), "invalid_id_token");
            return;
        }
    };
    // Three base64url segments, the signing input the first two as sent.
    assert!(token.len() <= MAX_JWT_LEN);
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(segments.len(), 3);
    assert_eq!(parts.signing_input, format!("{}.{}", segments[0], segments[1]));
    assert_eq!(URL_SAFE_NO_PAD.decode(segments[0]).ok(), Some(parts.header.clone().into_bytes()));
    assert_eq!(URL_SAFE_NO_PAD.decode(segments[1]).ok(), Some(parts.claims.clone().into_bytes()));
    assert_eq!(URL_SAFE_NO_PAD.decode(segments[2]).ok().as_ref(), Some(&parts.signature));
    assert!(!parts.signature.is_empty());

    let Some(header) = read_json::<JwsHeader>(&parts.header) else {
        return;
    };
    if let Err(e) = check_header(&header) {
        assert_eq!(e.code(), "invalid_id_token");
        return;
    }
    // Only RS256, PS256 and ES256, and no critical extension.
    // A member the type ignores may hold a number no f64 holds (1e699999900):
    // serde_json skips it unread, but a serde_json::Value cannot hold it. Only
    // documents a Value can hold are cross-checked.
    let Some(h) = read_json::<Value>(&parts.header) else {
        return;
    };
    assert!(
        matches!(h["alg"].as_str(), Some("RS256" | "PS256" | "ES256")),
        "only RS256, PS256 and ES256 pass"
    );
    assert!(h.get("crit").is_none(), "crit passed");

    let Some(claims) = read_json::<IdTokenClaims>(&parts.claims) else {
        return;
    };
    let checks = [
        IdTokenCheck {
            issuer: ISSUER,
            client_id: CLIENT_ID,
            nonce: Some(NONCE),
            now_s: NOW_S,
            skew_s: SKEW_S,
            max_age: None,
            access_token: Some(ACCESS_TOKEN),
            require_at_hash: false,
            sub: None,
        },
        IdTokenCheck {
            issuer: ISSUER,
            client_id: CLIENT_ID,
            nonce: Some(NONCE),
            now_s: NOW_S,
            skew_s: SKEW_S,
            max_age: Some(MAX_AGE),
            access_token: Some(ACCESS_TOKEN),
            require_at_hash: true,
            sub: Some("urn:xeonr:user:alice"),
        },
    ];
    for check in &checks {
        match validate_id_token(&claims, check) {
            Ok(()) => {
                // Every property below is read from the JSON, not the struct.
                // A member the type ignores may hold a number no f64 holds (1e699999900):
                // serde_json skips it unread, but a serde_json::Value cannot hold it. Only
                // documents a Value can hold are cross-checked.
                let Some(c) = read_json::<Value>(&parts.claims) else {
                    return;
                };
                let s = |k: &str| c.get(k).and_then(Value::as_str);
                let n = |k: &str| c.get(k).and_then(Value::as_f64);
                assert_eq!(s("iss"), Some(ISSUER));
                assert!(s("sub").is_some_and(|sub| !sub.is_empty()));
                if let Some(sub) = check.sub {
                    assert_eq!(s("sub"), Some(sub), "another user's token accepted");
                }
                let aud: Vec<&str> = match &c["aud"] {
                    Value::String(a) => vec![a.as_str()],
                    Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                    _ => panic!("accepted without aud"),
                };
                assert!(aud.contains(&CLIENT_ID), "a token for another client accepted");
                if aud.len() > 1 {
                    assert_eq!(s("azp"), Some(CLIENT_ID), "several audiences without azp");
                }
                assert!(s("azp").is_none_or(|a| a == CLIENT_ID));
                assert_eq!(s("nonce"), Some(NONCE));
                let exp = n("exp").expect("exp was checked");
                assert!(exp + SKEW_S > NOW_S, "expired token accepted");
                let iat = n("iat").expect("iat was checked");
                assert!(iat - SKEW_S <= NOW_S, "future token accepted");
                assert!(n("nbf").is_none_or(|nbf| nbf - SKEW_S <= NOW_S), "not yet valid");
                match s("at_hash") {
                    Some(h) => assert_eq!(h, at_hash(ACCESS_TOKEN)),
                    None => assert!(!check.require_at_hash),
                }
                if check.max_age.is_some() {
                    let auth_time = n("auth_time").expect("auth_time was checked");
                    assert!(auth_time + f64::from(MAX_AGE) + SKEW_S >= NOW_S);
                }
            }
            Err(e) => assert!(
                matches!(
                    e.code(),
                    "invalid_id_token" | "issuer_mismatch" | "nonce_mismatch" | "login_required"
                ),
                "unexpected code {}",
                e.code()
            ),
        }
    }
});
