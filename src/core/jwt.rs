//! JSON Web Tokens (RFC 7519) as far as a client needs them: decoding the ID
//! token, picking its key from the JWKS, and checking its claims (OIDC Core
//! §3.1.3.7, §3.2.2.11). The signature itself (RS256, PS256 or ES256) is
//! checked by the WebCrypto adapter.

use super::error::{fail, AuthError, ErrorCode};
use super::one_or_many::OneOrMany;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};

/// The signing algorithms an ID token may use (RFC 7518 §3.3, §3.4, §3.5):
/// the provider's RS256, and the two others WebCrypto verifies. Everything
/// else, `none` and the HMAC family above all, is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (the provider's, docs/provider.md "Tokens").
    Rs256,
    /// RSASSA-PSS with SHA-256 and MGF1 with SHA-256.
    Ps256,
    /// ECDSA on P-256 with SHA-256; the signature is `r || s`, 64 bytes.
    Es256,
}

impl Algorithm {
    /// Every algorithm accepted.
    pub const ALL: [Algorithm; 3] = [Algorithm::Rs256, Algorithm::Ps256, Algorithm::Es256];

    /// The JOSE name (`alg`), compared exactly: `rs256` is not RS256.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
            Algorithm::Es256 => "ES256",
        }
    }

    /// The JWK key type its keys have (RFC 7518 §6.1).
    pub fn key_type(self) -> &'static str {
        match self {
            Algorithm::Rs256 | Algorithm::Ps256 => "RSA",
            Algorithm::Es256 => "EC",
        }
    }

    fn named(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// Longest compact JWT read (64 KiB): ID tokens are a few KiB at most.
pub const MAX_JWT_LEN: usize = 64 * 1024;

/// A compact JWS split into its parts, not yet trusted: the header and
/// claims as JSON text, for the JSON reader.
#[derive(Clone, PartialEq, Debug)]
pub struct JwtParts {
    pub header: String,
    pub claims: String,
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: what the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

/// The JOSE header (RFC 7515 §4.1) as far as a client reads it.
#[derive(Clone, Default, Deserialize)]
pub struct JwsHeader {
    pub alg: Option<String>,
    pub kid: Option<String>,
    /// Whether the header has a `crit` member at all, whatever its value:
    /// it names extensions the verifier must understand (§4.1.11), and this
    /// SDK understands none, so any `crit` (even `null`, which a plain
    /// `Option` would read as absent) refuses the token.
    #[serde(default, deserialize_with = "present")]
    pub crit: bool,
}

/// True for a member that is present, whatever its value (`null` included).
fn present<'de, D: Deserializer<'de>>(member: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(member).map(|_| true)
}

/// The ID token claims the SDK checks (OIDC Core §2). Numbers are seconds.
#[derive(Clone, Default, Deserialize)]
pub struct IdTokenClaims {
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Option<OneOrMany>,
    pub azp: Option<String>,
    pub exp: Option<f64>,
    pub iat: Option<f64>,
    pub nbf: Option<f64>,
    pub nonce: Option<String>,
    pub auth_time: Option<f64>,
    pub at_hash: Option<String>,
}

/// A JWK (RFC 7517 §4) as far as key selection reads it.
#[derive(Clone, Default, Deserialize)]
pub struct Jwk {
    pub kty: Option<String>,
    pub kid: Option<String>,
    #[serde(rename = "use")]
    pub use_: Option<String>,
    pub alg: Option<String>,
    /// RSA: modulus and exponent (RFC 7518 §6.3.1).
    pub n: Option<String>,
    pub e: Option<String>,
    /// EC: curve and point (RFC 7518 §6.2.1).
    pub crv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
}

/// A JWK Set (RFC 7517 §5).
#[derive(Clone, Default, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

fn bad(message: &'static str) -> AuthError {
    AuthError::new(ErrorCode::InvalidIdToken, message)
}

/// The error for a header or claims set the JSON reader could not read.
pub fn unreadable(part: &'static str) -> AuthError {
    bad(part)
}

fn segment_text(segment: &str) -> Result<String, AuthError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| bad("a JWT segment is not base64url"))?;
    String::from_utf8(bytes).map_err(|_| bad("a JWT segment is not UTF-8"))
}

/// Splits and decodes a compact JWS (RFC 7515 §7.1): exactly three segments.
pub fn split(token: &str) -> Result<JwtParts, AuthError> {
    if token.len() > MAX_JWT_LEN {
        return Err(bad("the ID token is too long"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("a JWT has three segments"));
    };
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| bad("the JWT signature is not base64url"))?;
    if signature.is_empty() {
        return Err(bad("the ID token has no signature"));
    }
    Ok(JwtParts {
        header: segment_text(h)?,
        claims: segment_text(p)?,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// Checks the header before anything else: one of [`Algorithm::ALL`], no
/// `crit`. Returns the algorithm the signature must be checked with.
pub fn check_header(header: &JwsHeader) -> Result<Algorithm, AuthError> {
    let Some(alg) = header.alg.as_deref().and_then(Algorithm::named) else {
        return Err(bad(
            "the ID token is not signed with RS256, PS256 or ES256 (alg)",
        ));
    };
    if header.crit {
        return Err(bad(
            "the ID token names critical header extensions (crit) this SDK does not implement",
        ));
    }
    Ok(alg)
}

/// A public key from the JWKS, as its base64url members.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PublicKey {
    /// An RSA key (RS256, PS256): modulus and exponent.
    Rsa { n: String, e: String },
    /// A P-256 key (ES256): the point's coordinates.
    P256 { x: String, y: String },
}

/// Where a JWKS lookup stands.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum KeyLookup {
    Found(PublicKey),
    /// No key with that `kid` fits: refetch the JWKS once (the provider may have rotated).
    UnknownKid,
}

/// The key of `jwk` for `alg`, when the JWK is one (its `kty`, and its
/// `crv` for EC, fit the algorithm, and every member is there).
fn key_for(jwk: &Jwk, alg: Algorithm) -> Option<PublicKey> {
    if jwk.kty.as_deref() != Some(alg.key_type()) {
        return None;
    }
    match alg {
        Algorithm::Rs256 | Algorithm::Ps256 => Some(PublicKey::Rsa {
            n: jwk.n.clone()?,
            e: jwk.e.clone()?,
        }),
        Algorithm::Es256 if jwk.crv.as_deref() == Some("P-256") => Some(PublicKey::P256 {
            x: jwk.x.clone()?,
            y: jwk.y.clone()?,
        }),
        Algorithm::Es256 => None,
    }
}

/// Picks the key that verifies a token signed with `alg` (from
/// [`check_header`]) naming `kid`, from a JWKS (RFC 7517 §5): by `kid` when
/// the token names one, else the only candidate. A candidate is a signing key
/// (`use` absent or `sig`) of the algorithm's key type (and curve), whose own
/// `alg`, when it has one, is the token's: a key the provider pinned to
/// ES256 never checks an RS256 token, and an RSA key never an ES256 one.
pub fn select_key(jwks: &Jwks, alg: Algorithm, kid: Option<&str>) -> Result<KeyLookup, AuthError> {
    let usable = jwks.keys.iter().filter(|k| {
        k.kty.as_deref() == Some(alg.key_type())
            && k.use_.as_deref().is_none_or(|u| u == "sig")
            && k.alg.as_deref().is_none_or(|a| a == alg.name())
            && kid.is_none_or(|want| k.kid.as_deref() == Some(want))
    });
    let mut found = None;
    for k in usable {
        if found.is_some() {
            // Two candidates and no kid to choose: refuse rather than guess.
            return Err(bad("the JWKS has several keys and the ID token names none"));
        }
        found = Some(k);
    }
    match found.and_then(|k| key_for(k, alg)) {
        Some(key) => Ok(KeyLookup::Found(key)),
        None => Ok(KeyLookup::UnknownKid),
    }
}

/// What an ID token must match.
pub struct IdTokenCheck<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce of the pending login; `None` after a refresh (OIDC Core §12.2).
    pub nonce: Option<&'a str>,
    pub now_s: f64,
    pub skew_s: f64,
    pub max_age: Option<u32>,
    /// The access token issued with it, for `at_hash` (§3.2.2.9).
    pub access_token: Option<&'a str>,
    /// Whether `at_hash` is required (implicit `id_token token`).
    pub require_at_hash: bool,
    /// After a refresh, the `sub` of the session's ID token: the new one must
    /// name the same user (OIDC Core §12.2).
    pub sub: Option<&'a str>,
}

/// `at_hash`: base64url of the left half of SHA-256 of the access token
/// (OIDC Core §3.2.2.9; SHA-256 is the hash of all three [`Algorithm`]s).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn audience_contains(claims: &IdTokenClaims, client_id: &str) -> Result<bool, AuthError> {
    let Some(aud) = &claims.aud else {
        return Err(bad("aud is missing"));
    };
    let items = aud.as_slice();
    // OIDC Core §3.1.3.7 (3, 5): several audiences need azp to be us.
    if items.len() > 1 && claims.azp.as_deref() != Some(client_id) {
        return Ok(false);
    }
    Ok(items.iter().any(|a| a == client_id))
}

/// Checks the ID token's claims (OIDC Core §3.1.3.7 steps 2-3, 9-11, 13).
pub fn validate_id_token(c: &IdTokenClaims, check: &IdTokenCheck<'_>) -> Result<(), AuthError> {
    if c.iss.as_deref() != Some(check.issuer) {
        return fail(
            ErrorCode::IssuerMismatch,
            "the ID token's issuer is not ours",
        );
    }
    if c.sub.as_deref().is_none_or(str::is_empty) {
        return Err(bad("the ID token has no sub"));
    }
    if check.sub.is_some_and(|s| c.sub.as_deref() != Some(s)) {
        return fail(
            ErrorCode::LoginRequired,
            "the refreshed ID token names another user: log in again",
        );
    }
    if !audience_contains(c, check.client_id)? {
        return Err(bad("the ID token is not for this client"));
    }
    if let Some(azp) = c.azp.as_deref() {
        if azp != check.client_id {
            return Err(bad("the ID token's azp is another client"));
        }
    }
    let exp = c.exp.ok_or_else(|| bad("the ID token has no exp"))?;
    if exp + check.skew_s <= check.now_s {
        return Err(bad("the ID token has expired"));
    }
    let iat = c.iat.ok_or_else(|| bad("the ID token has no iat"))?;
    if iat - check.skew_s > check.now_s {
        return Err(bad("the ID token was issued in the future"));
    }
    if let Some(nbf) = c.nbf {
        if nbf - check.skew_s > check.now_s {
            return Err(bad("the ID token is not valid yet"));
        }
    }
    if let Some(expected) = check.nonce {
        if c.nonce.as_deref() != Some(expected) {
            return fail(
                ErrorCode::NonceMismatch,
                "the ID token's nonce is not the login's",
            );
        }
    }
    if let Some(max_age) = check.max_age {
        // §3.1.2.1: with max_age, auth_time is required and bounds the session's age.
        let auth_time = c
            .auth_time
            .ok_or_else(|| bad("the ID token has no auth_time"))?;
        if auth_time + f64::from(max_age) + check.skew_s < check.now_s {
            return fail(
                ErrorCode::LoginRequired,
                "the sign-in is older than max_age",
            );
        }
    }
    match (c.at_hash.as_deref(), check.access_token) {
        (Some(h), Some(t)) if h != at_hash(t) => {
            Err(bad("at_hash does not match the access token"))
        }
        (None, Some(_)) if check.require_at_hash => Err(bad("the ID token has no at_hash")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text.as_bytes())
    }

    fn token(header: &str, claims: &str) -> String {
        format!("{}.{}.c2ln", b64(header), b64(claims))
    }

    /// A token read as the client reads it: split, both JSON parts read, header checked.
    struct Decoded {
        header: JwsHeader,
        alg: Algorithm,
        claims: IdTokenClaims,
        parts: JwtParts,
    }

    fn decode(token: &str) -> Result<Decoded, AuthError> {
        let parts = split(token)?;
        let header: JwsHeader =
            serde_json::from_str(&parts.header).map_err(|_| unreadable("header"))?;
        let alg = check_header(&header)?;
        let claims = serde_json::from_str(&parts.claims).map_err(|_| unreadable("claims"))?;
        Ok(Decoded {
            header,
            alg,
            claims,
            parts,
        })
    }

    const ISS: &str = "https://auth.example";
    const CID: &str = "client-1";

    fn claims(extra: &str) -> String {
        format!(
            r#"{{"iss":"{ISS}","sub":"urn:x:user:1","aud":["{CID}"],"exp":2000,"iat":1000,"nonce":"n1"{extra}}}"#
        )
    }

    fn check() -> IdTokenCheck<'static> {
        IdTokenCheck {
            issuer: ISS,
            client_id: CID,
            nonce: Some("n1"),
            now_s: 1500.0,
            skew_s: 60.0,
            max_age: None,
            access_token: None,
            require_at_hash: false,
            sub: None,
        }
    }

    fn verify(claims_json: &str, check: &IdTokenCheck<'_>) -> Result<(), AuthError> {
        let jwt = decode(&token(r#"{"alg":"RS256","kid":"k1"}"#, claims_json))?;
        validate_id_token(&jwt.claims, check)
    }

    #[test]
    fn accepts_a_good_token() {
        verify(&claims(""), &check()).unwrap();
        let jwt = decode(&token(r#"{"alg":"RS256"}"#, &claims(""))).unwrap();
        assert_eq!(jwt.parts.signature, b"sig");
        assert!(jwt.parts.signing_input.ends_with(&b64(&claims(""))));
    }

    #[test]
    fn refuses_malformed_tokens() {
        for t in ["a.b", "a.b.c.d", "!!.e30.c2ln", "e30", ""] {
            assert_eq!(decode(t).err().unwrap().code(), "invalid_id_token", "{t}");
        }
        let none = token(r#"{"alg":"none"}"#, &claims(""));
        assert_eq!(decode(&none).err().unwrap().code(), "invalid_id_token");
        let hs = token(r#"{"alg":"HS256"}"#, &claims(""));
        assert_eq!(decode(&hs).err().unwrap().code(), "invalid_id_token");
        // RFC 7515 §4.1.11: an extension the verifier does not understand.
        for crit in [r#"["exp"],"exp":1"#, "[]", "null", "false", "{}"] {
            let t = token(&format!(r#"{{"alg":"RS256","crit":{crit}}}"#), &claims(""));
            assert_eq!(
                decode(&t).err().unwrap().code(),
                "invalid_id_token",
                "{crit}"
            );
        }
        let long = token(
            r#"{"alg":"RS256"}"#,
            &claims(&format!(",\"x\":\"{}\"", "a".repeat(MAX_JWT_LEN))),
        );
        assert_eq!(split(&long).unwrap_err().code(), "invalid_id_token");
        let unsigned = token(r#"{"alg":"RS256"}"#, &claims("")).replace(".c2ln", ".");
        assert_eq!(decode(&unsigned).err().unwrap().code(), "invalid_id_token");
    }

    #[test]
    fn a_refreshed_token_must_name_the_sessions_user() {
        let same = IdTokenCheck {
            sub: Some("urn:x:user:1"),
            ..check()
        };
        verify(&claims(""), &same).unwrap();
        let other = IdTokenCheck {
            sub: Some("urn:x:user:2"),
            ..check()
        };
        assert_eq!(
            verify(&claims(""), &other).unwrap_err().code(),
            "login_required"
        );
    }

    #[test]
    fn checks_each_claim() {
        let c = check();
        let e = verify(&claims("").replace(ISS, "https://evil"), &c).unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
        let e = verify(&claims("").replace(CID, "other"), &c).unwrap_err();
        assert_eq!(e.code(), "invalid_id_token");
        let e = verify(&claims("").replace("\"n1\"", "\"n2\""), &c).unwrap_err();
        assert_eq!(e.code(), "nonce_mismatch");
        let late = IdTokenCheck {
            now_s: 2061.0,
            ..check()
        };
        assert_eq!(
            verify(&claims(""), &late).unwrap_err().code(),
            "invalid_id_token"
        );
        let within_skew = IdTokenCheck {
            now_s: 2059.0,
            ..check()
        };
        verify(&claims(""), &within_skew).unwrap();
        let early = IdTokenCheck {
            now_s: 939.0,
            ..check()
        };
        assert_eq!(
            verify(&claims(""), &early).unwrap_err().code(),
            "invalid_id_token"
        );
    }

    #[test]
    fn several_audiences_need_azp() {
        let multi = claims("").replace(&format!("[\"{CID}\"]"), &format!("[\"{CID}\",\"api\"]"));
        assert_eq!(
            verify(&multi, &check()).unwrap_err().code(),
            "invalid_id_token"
        );
        let with_azp = multi.replace("\"nonce\"", &format!("\"azp\":\"{CID}\",\"nonce\""));
        verify(&with_azp, &check()).unwrap();
        let foreign_azp = claims(",\"azp\":\"other\"");
        assert_eq!(
            verify(&foreign_azp, &check()).unwrap_err().code(),
            "invalid_id_token"
        );
    }

    #[test]
    fn max_age_needs_recent_auth_time() {
        let c = IdTokenCheck {
            max_age: Some(100),
            ..check()
        };
        assert_eq!(
            verify(&claims(""), &c).unwrap_err().code(),
            "invalid_id_token"
        );
        verify(&claims(",\"auth_time\":1450"), &c).unwrap();
        assert_eq!(
            verify(&claims(",\"auth_time\":1000"), &c)
                .unwrap_err()
                .code(),
            "login_required"
        );
    }

    fn jwks(keys: &str) -> Jwks {
        serde_json::from_str(&format!(r#"{{"keys":[{keys}]}}"#)).unwrap()
    }

    /// The key `select_key` picks for a token with `header` from `set`.
    fn lookup(header: &str, set: &Jwks) -> Result<KeyLookup, AuthError> {
        let jwt = decode(&token(header, &claims("")))?;
        select_key(set, jwt.alg, jwt.header.kid.as_deref())
    }

    fn rsa(n: &str) -> KeyLookup {
        KeyLookup::Found(PublicKey::Rsa {
            n: n.into(),
            e: "AQAB".into(),
        })
    }

    #[test]
    fn selects_the_key_by_kid() {
        let set = jwks(
            r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB"},{"kty":"RSA","kid":"k2","use":"sig","alg":"RS256","n":"Ag","e":"AQAB"}"#,
        );
        assert_eq!(lookup(r#"{"alg":"RS256","kid":"k2"}"#, &set), Ok(rsa("Ag")));
        let only_k1 = jwks(r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB"}"#);
        assert_eq!(
            lookup(r#"{"alg":"RS256","kid":"k2"}"#, &only_k1),
            Ok(KeyLookup::UnknownKid)
        );
    }

    #[test]
    fn accepts_rs256_ps256_and_es256_only() {
        for (alg, want) in [
            ("RS256", Algorithm::Rs256),
            ("PS256", Algorithm::Ps256),
            ("ES256", Algorithm::Es256),
        ] {
            let jwt = decode(&token(&format!(r#"{{"alg":"{alg}"}}"#), &claims(""))).unwrap();
            assert_eq!(jwt.alg, want);
            assert_eq!(want.name(), alg);
        }
        for alg in [
            "none", "HS256", "RS384", "PS384", "ES384", "ES256K", "EdDSA", "es256", "ps256", "",
        ] {
            let t = token(&format!(r#"{{"alg":"{alg}"}}"#), &claims(""));
            assert_eq!(
                decode(&t).err().unwrap().code(),
                "invalid_id_token",
                "{alg}"
            );
        }
    }

    #[test]
    fn the_key_type_and_alg_of_the_jwk_must_fit_the_header() {
        let ec = r#"{"kty":"EC","kid":"k1","crv":"P-256","x":"AQ","y":"Ag"}"#;
        let rsa_key = r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB"}"#;
        let p256 = KeyLookup::Found(PublicKey::P256 {
            x: "AQ".into(),
            y: "Ag".into(),
        });
        // ES256 takes the P-256 key, never the RSA one; RS256 and PS256 the reverse.
        assert_eq!(lookup(r#"{"alg":"ES256","kid":"k1"}"#, &jwks(ec)), Ok(p256));
        for header in [
            r#"{"alg":"RS256","kid":"k1"}"#,
            r#"{"alg":"PS256","kid":"k1"}"#,
        ] {
            assert_eq!(lookup(header, &jwks(rsa_key)), Ok(rsa("AQ")), "{header}");
            assert_eq!(
                lookup(header, &jwks(ec)),
                Ok(KeyLookup::UnknownKid),
                "{header}"
            );
        }
        assert_eq!(
            lookup(r#"{"alg":"ES256","kid":"k1"}"#, &jwks(rsa_key)),
            Ok(KeyLookup::UnknownKid)
        );
        // A JWK pinned to one alg checks no other, even of its own key type.
        for (header, key) in [
            (
                r#"{"alg":"PS256","kid":"k1"}"#,
                r#"{"kty":"RSA","kid":"k1","alg":"RS256","n":"AQ","e":"AQAB"}"#,
            ),
            (
                r#"{"alg":"RS256","kid":"k1"}"#,
                r#"{"kty":"RSA","kid":"k1","alg":"PS256","n":"AQ","e":"AQAB"}"#,
            ),
            (
                r#"{"alg":"ES256","kid":"k1"}"#,
                r#"{"kty":"EC","kid":"k1","alg":"ES384","crv":"P-256","x":"AQ","y":"AQ"}"#,
            ),
            // Another curve, or a point without y.
            (
                r#"{"alg":"ES256","kid":"k1"}"#,
                r#"{"kty":"EC","kid":"k1","crv":"P-384","x":"AQ","y":"AQ"}"#,
            ),
            (
                r#"{"alg":"ES256","kid":"k1"}"#,
                r#"{"kty":"EC","kid":"k1","crv":"P-256","x":"AQ"}"#,
            ),
        ] {
            assert_eq!(
                lookup(header, &jwks(key)),
                Ok(KeyLookup::UnknownKid),
                "{header} {key}"
            );
        }
        let pinned = r#"{"kty":"RSA","kid":"k1","alg":"PS256","n":"AQ","e":"AQAB"}"#;
        assert_eq!(
            lookup(r#"{"alg":"PS256","kid":"k1"}"#, &jwks(pinned)),
            Ok(rsa("AQ"))
        );
    }

    #[test]
    fn skips_keys_for_other_uses_or_algorithms() {
        let header = r#"{"alg":"RS256","kid":"k1"}"#;
        for key in [
            r#"{"kty":"RSA","kid":"k1","use":"enc","n":"AQ","e":"AQAB"}"#,
            r#"{"kty":"RSA","kid":"k1","alg":"PS256","n":"AQ","e":"AQAB"}"#,
            r#"{"kty":"EC","kid":"k1","crv":"P-256","x":"AQ","y":"AQ"}"#,
            r#"{"kty":"oct","kid":"k1","k":"c2VjcmV0"}"#,
        ] {
            assert_eq!(
                lookup(header, &jwks(key)),
                Ok(KeyLookup::UnknownKid),
                "{key}"
            );
        }
        assert_eq!(lookup(header, &Jwks::default()), Ok(KeyLookup::UnknownKid));
        assert!(serde_json::from_str::<Jwks>("{}").is_err());
    }

    #[test]
    fn without_kid_needs_a_single_candidate() {
        let header = r#"{"alg":"RS256"}"#;
        let one = jwks(r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB"}"#);
        assert_eq!(lookup(header, &one), Ok(rsa("AQ")));
        let two = jwks(
            r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB"},{"kty":"RSA","kid":"k2","n":"Ag","e":"AQAB"}"#,
        );
        assert_eq!(lookup(header, &two).unwrap_err().code(), "invalid_id_token");
        // A key of another type is no candidate: the RSA key is the only one.
        let mixed = jwks(
            r#"{"kty":"RSA","kid":"k1","n":"AQ","e":"AQAB"},{"kty":"EC","kid":"k2","crv":"P-256","x":"AQ","y":"AQ"}"#,
        );
        assert_eq!(lookup(header, &mixed), Ok(rsa("AQ")));
    }

    #[test]
    fn at_hash_matches_the_access_token() {
        // OIDC Core §3.2.2.9 computation checked against a known value:
        // SHA-256("jHkWEdUXMU1BwAsC4vtUsZwnNNMOTQ2OJhH_Lfb4yRw") left half.
        let good = at_hash("access-token-1");
        let c = IdTokenCheck {
            access_token: Some("access-token-1"),
            require_at_hash: true,
            ..check()
        };
        verify(&claims(&format!(",\"at_hash\":\"{good}\"")), &c).unwrap();
        let e = verify(&claims(",\"at_hash\":\"AAAA\""), &c).unwrap_err();
        assert_eq!(e.code(), "invalid_id_token");
        assert_eq!(
            verify(&claims(""), &c).unwrap_err().code(),
            "invalid_id_token"
        );
        assert_eq!(good.len(), 22);
    }
}
