//! The ID token: `jwt::decode`, then `validate_id_token` against fixed checks.
//!
//! Byte 0 picks how the rest becomes a token: 0, the rest as the token text;
//! 1, three parts split on NUL (header JSON, claims JSON, signature bytes),
//! each base64url-encoded here; 2, the rest as the claims JSON under a fixed
//! RS256 header and signature. The last two reach the claim checks far sooner.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::base64url;
use wasm_oauth::core::jwt::{at_hash, decode, validate_id_token, IdTokenCheck};

const ISSUER: &str = "https://auth.example";
const CLIENT_ID: &str = "client-1";
const NONCE: &str = "n1";
const ACCESS_TOKEN: &str = "access-token-1";
const NOW_S: f64 = 1_700_000_000.0;
const SKEW_S: f64 = 60.0;

fn token_from(data: &[u8]) -> Option<String> {
    let (&mode, rest) = data.split_first()?;
    match mode % 3 {
        0 => std::str::from_utf8(rest).ok().map(str::to_string),
        1 => {
            let mut parts = rest.splitn(3, |&b| b == 0);
            let header = parts.next().unwrap_or_default();
            let claims = parts.next().unwrap_or_default();
            let signature = parts.next().unwrap_or_default();
            Some([header, claims, signature].map(base64url::encode).join("."))
        }
        _ => Some(
            [
                base64url::encode(br#"{"alg":"RS256","kid":"k1"}"#),
                base64url::encode(rest),
                base64url::encode(b"signature"),
            ]
            .join("."),
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(token) = token_from(data) else {
        return;
    };
    let jwt = match decode(&token) {
        Ok(jwt) => jwt,
        Err(e) => {
            assert_eq!(e.code(), "invalid_id_token");
            return;
        }
    };
    assert_eq!(jwt.header.str("alg"), Some("RS256"), "only RS256 decodes");
    assert!(!jwt.signature.is_empty());
    let (signed, _) = token.rsplit_once('.').unwrap_or_default();
    assert_eq!(jwt.signing_input, signed);

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
            max_age: Some(300),
            access_token: Some(ACCESS_TOKEN),
            require_at_hash: true,
            sub: Some("urn:xeonr:user:alice"),
        },
    ];
    for check in &checks {
        match validate_id_token(&jwt, check) {
            Ok(()) => {
                let c = &jwt.claims;
                assert_eq!(c.str("iss"), Some(ISSUER));
                assert!(c.str("sub").is_some_and(|s| !s.is_empty()));
                if let Some(sub) = check.sub {
                    assert_eq!(c.str("sub"), Some(sub), "another user's token accepted");
                }
                assert_eq!(c.str("nonce"), Some(NONCE));
                assert!(c.str("azp").is_none_or(|a| a == CLIENT_ID));
                let exp = c.num("exp").expect("exp was checked");
                assert!(exp + SKEW_S > NOW_S, "expired token accepted");
                let iat = c.num("iat").expect("iat was checked");
                assert!(iat - SKEW_S <= NOW_S, "future token accepted");
                let expected_hash = at_hash(ACCESS_TOKEN);
                match c.str("at_hash") {
                    Some(h) => assert_eq!(h, expected_hash),
                    None => assert!(!check.require_at_hash),
                }
                if check.max_age.is_some() {
                    let auth_time = c.num("auth_time").expect("auth_time was checked");
                    assert!(auth_time + 300.0 + SKEW_S >= NOW_S);
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
