//! DPoP (RFC 9449): the proof a client signs for each request so that a
//! stolen access or refresh token is useless without the client's private key.
//!
//! The key itself lives in the browser (WebCrypto, never extractable); here
//! are the pure parts: the proof's header and claims as serde types, the
//! signing input, the key's thumbprint (`dpop_jkt`), the access-token hash
//! (`ath`), and reading the server's nonces (`DPoP-Nonce`,
//! `WWW-Authenticate: DPoP error="use_dpop_nonce"`).
//!
//! ```
//! use wasm_oauth::core::dpop::{htu, ProofClaims};
//! let claims = ProofClaims::new("POST", "https://as.example/token?x=1#f", 1_562_262_616, "jti-1".into(), None, None);
//! assert_eq!(claims.htu, "https://as.example/token");
//! assert_eq!(htu("https://api.example/me#top"), "https://api.example/me");
//! ```

use super::error::{fail, AuthError, ErrorCode};
use super::secret::AccessToken;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The proof's `typ` (RFC 9449 §4.2).
pub const PROOF_TYPE: &str = "dpop+jwt";
/// The one algorithm this SDK signs with: ECDSA P-256 SHA-256, which every
/// browser's WebCrypto has (RFC 9449 §4.2 leaves the choice to the client).
pub const PROOF_ALG: &str = "ES256";
/// Bytes of a P-256 coordinate.
const COORDINATE_LEN: usize = 32;
/// Longest nonce kept (RFC 9449 §8.1 sets no limit; a real one is a few dozen characters).
pub const MAX_NONCE_LEN: usize = 512;
/// Longest `WWW-Authenticate` value read.
pub const MAX_CHALLENGE_LEN: usize = 4096;
/// Origins whose nonce is remembered at once; the oldest is forgotten first.
pub const MAX_NONCE_ORIGINS: usize = 16;

/// The public half of the client's P-256 key as a JWK (RFC 7518 §6.2.1).
///
/// Its members are declared in lexicographic order, so its JSON (no
/// whitespace, as `JSON.stringify` and serde_json write it) is exactly the
/// input RFC 7638 §3.2 hashes for the thumbprint: see [`jwk_thumbprint`].
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DpopJwk {
    crv: &'static str,
    kty: &'static str,
    x: String,
    y: String,
}

impl DpopJwk {
    /// The key with base64url coordinates `x` and `y`, as WebCrypto exports
    /// them; `invalid_options` when either is not 32 bytes of base64url.
    pub fn p256(x: &str, y: &str) -> Result<DpopJwk, AuthError> {
        let coordinate = |c: &str| {
            URL_SAFE_NO_PAD
                .decode(c)
                .is_ok_and(|bytes| bytes.len() == COORDINATE_LEN)
        };
        if !coordinate(x) || !coordinate(y) {
            return fail(
                ErrorCode::InvalidOptions,
                "the DPoP public key is not a P-256 point in base64url",
            );
        }
        Ok(DpopJwk {
            crv: "P-256",
            kty: "EC",
            x: x.to_string(),
            y: y.to_string(),
        })
    }
}

/// The JOSE header of a proof (RFC 9449 §4.2).
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ProofHeader<'a> {
    pub typ: &'static str,
    pub alg: &'static str,
    pub jwk: &'a DpopJwk,
}

impl<'a> ProofHeader<'a> {
    /// The header naming `jwk` as the key that signed the proof.
    pub fn new(jwk: &'a DpopJwk) -> Self {
        ProofHeader {
            typ: PROOF_TYPE,
            alg: PROOF_ALG,
            jwk,
        }
    }
}

/// The claims of a proof (RFC 9449 §4.2). `iat` is seconds, an `f64` as
/// JSON numbers are.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct ProofClaims {
    pub jti: String,
    pub htm: String,
    pub htu: String,
    pub iat: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ath: Option<String>,
}

impl ProofClaims {
    /// The claims of a proof for `htm` (the method, upper case) at `url`,
    /// made at `iat` seconds (the measured clock: our clock corrected by the
    /// server's `Date`), with a fresh `jti`, the server's `nonce` when one is
    /// known, and the hash of `access_token` on a resource request (§7.1).
    pub fn new(
        htm: &str,
        url: &str,
        iat: u64,
        jti: String,
        nonce: Option<&str>,
        access_token: Option<&AccessToken>,
    ) -> Self {
        ProofClaims {
            jti,
            htm: htm.to_ascii_uppercase(),
            htu: htu(url).to_string(),
            iat: iat as f64,
            nonce: nonce.map(str::to_string),
            ath: access_token.map(ath),
        }
    }
}

/// A `jti` from 16 random bytes (RFC 9449 §4.2 asks for at least 96 bits).
pub fn jti(random: &[u8; 16]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// `htu`: the request's URL without query and fragment (RFC 9449 §4.2).
/// The URL is absolute and already serialized by a URL parser (a config
/// endpoint or `Request.url`), so the first `?` or `#` starts what is cut.
pub fn htu(url: &str) -> &str {
    match url.find(['?', '#']) {
        Some(i) => &url[..i],
        None => url,
    }
}

/// `ath`: base64url of SHA-256 of the access token's ASCII (RFC 9449 §4.2).
pub fn ath(access_token: &AccessToken) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.secret().as_bytes()))
}

/// The RFC 7638 thumbprint (`dpop_jkt`, `cnf.jkt`) of the key whose JWK,
/// written as JSON, is `jwk_json` (see [`DpopJwk`] for why its JSON is the
/// canonical form).
pub fn jwk_thumbprint(jwk_json: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(jwk_json.as_bytes()))
}

/// What the signature covers: `BASE64URL(header) '.' BASE64URL(claims)`
/// (RFC 7515 §5.1), from the header and claims written as JSON.
pub fn signing_input(header_json: &str, claims_json: &str) -> String {
    let mut input = URL_SAFE_NO_PAD.encode(header_json);
    input.push('.');
    URL_SAFE_NO_PAD.encode_string(claims_json, &mut input);
    input
}

/// The compact proof: the signing input, `.`, and the base64url signature
/// (ES256's `r || s`, RFC 7518 §3.4, as WebCrypto's ECDSA signs).
pub fn compact(signing_input: &str, signature: &[u8]) -> String {
    let mut proof = String::with_capacity(signing_input.len() + 1 + signature.len() * 4 / 3 + 2);
    proof.push_str(signing_input);
    proof.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut proof);
    proof
}

/// A `DPoP-Nonce` header value, when it is one (RFC 9449 §8.1:
/// `1*NQCHAR`, that is visible ASCII but `"` and `\`), at most
/// [`MAX_NONCE_LEN`] long.
pub fn read_nonce(header: &str) -> Option<&str> {
    let nqchar = |b: u8| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
    let nonce = header.trim_matches([' ', '\t']);
    (!nonce.is_empty() && nonce.len() <= MAX_NONCE_LEN && nonce.bytes().all(nqchar))
        .then_some(nonce)
}

/// The `error` of the `DPoP` challenge in a `WWW-Authenticate` value
/// (RFC 9449 §7.1, RFC 9110 §11.6.1), such as `use_dpop_nonce` or
/// `invalid_token`; `None` when there is no DPoP challenge with an `error`,
/// or the value is longer than [`MAX_CHALLENGE_LEN`].
///
/// ```
/// use wasm_oauth::core::dpop::dpop_challenge_error;
/// let h = r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#;
/// assert_eq!(dpop_challenge_error(h).as_deref(), Some("use_dpop_nonce"));
/// ```
pub fn dpop_challenge_error(header: &str) -> Option<String> {
    challenge_error(header, "DPoP")
}

/// The `error` of the `scheme` challenge (`DPoP` or `Bearer`, RFC 6750 §3)
/// in a `WWW-Authenticate` value; see [`dpop_challenge_error`].
pub fn challenge_error(header: &str, scheme: &str) -> Option<String> {
    if header.len() > MAX_CHALLENGE_LEN {
        return None;
    }
    let mut reader = Challenges::new(header);
    while let Some(item) = reader.next_item() {
        if let Item::Param(of, name, value) = item {
            if of.eq_ignore_ascii_case(scheme) && name.eq_ignore_ascii_case("error") {
                return Some(value);
            }
        }
    }
    None
}

/// What to do after a resource server's answer to a request with an
/// access token (`auth.fetch`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ApiRetry {
    /// Hand the answer to the app.
    No,
    /// Send again with the nonce it just sent (RFC 9449 §9: `401` with
    /// `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce`).
    WithNonce,
    /// Refresh the tokens, then send again (RFC 6750 §3.1 `invalid_token`:
    /// expired or revoked before its time).
    AfterRefresh,
}

/// The decision for an answer with `status` and `WWW-Authenticate`
/// `challenge`, to a request whose token was of `scheme` (`DPoP` or
/// `Bearer`); `new_nonce` when it carried a nonce that was remembered.
pub fn api_retry(status: u16, challenge: Option<&str>, scheme: &str, new_nonce: bool) -> ApiRetry {
    if status != 401 {
        return ApiRetry::No;
    }
    match challenge
        .and_then(|c| challenge_error(c, scheme))
        .as_deref()
    {
        Some("use_dpop_nonce") if new_nonce && scheme == "DPoP" => ApiRetry::WithNonce,
        Some("invalid_token") => ApiRetry::AfterRefresh,
        _ => ApiRetry::No,
    }
}

/// One piece of a `WWW-Authenticate` value: a scheme, or an `auth-param` of
/// the scheme before it.
enum Item<'a> {
    Scheme,
    Param(&'a str, &'a str, String),
}

/// A linear reader of `#challenge` (RFC 9110 §11.2): `scheme [ token68 /
/// #auth-param ]`, comma separated; one pass over the bytes.
struct Challenges<'a> {
    text: &'a str,
    at: usize,
    scheme: &'a str,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl<'a> Challenges<'a> {
    fn new(text: &'a str) -> Self {
        Challenges {
            text,
            at: 0,
            scheme: "",
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.at;
        while self.peek().is_some_and(&f) {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    fn skip_space(&mut self) {
        self.skip_while(|b| b == b' ' || b == b'\t');
    }

    /// A quoted-string's content, unescaped; the opening quote is next.
    fn quoted(&mut self) -> String {
        self.at += 1;
        let mut value = String::new();
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Some(c) = self.text[self.at..].chars().next() {
                        value.push(c);
                        self.at += c.len_utf8();
                    }
                }
                _ => {
                    let c = self.text[self.at - 1..]
                        .chars()
                        .next()
                        .unwrap_or('\u{fffd}');
                    value.push(c);
                    self.at += c.len_utf8() - 1;
                }
            }
        }
        value
    }

    /// The next scheme or parameter; `None` at the end.
    fn next_item(&mut self) -> Option<Item<'a>> {
        loop {
            self.skip_while(|b| b == b' ' || b == b'\t' || b == b',');
            let token = self.skip_while(is_tchar);
            if token.is_empty() {
                // Not a token: skip one character so every step advances.
                let c = self.text[self.at..].chars().next()?;
                self.at += c.len_utf8();
                continue;
            }
            let after_token = self.at;
            self.skip_space();
            if self.peek() == Some(b'=') {
                self.at += 1;
                // token68 ends with `=` padding: `Basic abc==`, not a parameter.
                if self.peek() == Some(b'=') || matches!(self.peek(), None | Some(b',')) {
                    self.skip_while(|b| b == b'=');
                    continue;
                }
                self.skip_space();
                let value = if self.peek() == Some(b'"') {
                    self.quoted()
                } else {
                    self.skip_while(is_tchar).to_string()
                };
                return Some(Item::Param(self.scheme, token, value));
            }
            // A token not followed by `=` is a new challenge's scheme.
            self.at = after_token;
            self.scheme = token;
            return Some(Item::Scheme);
        }
    }
}

/// The newest `DPoP-Nonce` each server origin sent (RFC 9449 §8, §9: the
/// authorization server and each resource server keep their own), at most
/// [`MAX_NONCE_ORIGINS`] of them.
#[derive(Clone, Default, Debug)]
pub struct NonceBook {
    /// Oldest first.
    entries: Vec<(String, String)>,
}

impl NonceBook {
    /// The nonce to send to `origin`, when one is known.
    pub fn nonce_for(&self, origin: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(o, _)| o == origin)
            .map(|(_, n)| n.as_str())
    }

    /// Remembers the `DPoP-Nonce` header `origin` answered with, when it is a
    /// nonce; returns whether it was one.
    pub fn remember(&mut self, origin: &str, header: &str) -> bool {
        let Some(nonce) = read_nonce(header) else {
            return false;
        };
        // One entry per origin: its old one goes, or at the cap the oldest.
        if let Some(i) = self.entries.iter().position(|(o, _)| o == origin) {
            self.entries.remove(i);
        } else if self.entries.len() == MAX_NONCE_ORIGINS {
            self.entries.remove(0);
        }
        self.entries.push((origin.to_string(), nonce.to_string()));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// RFC 9449 §4.1's example key.
    fn example_jwk() -> DpopJwk {
        DpopJwk::p256(
            "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
            "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
        )
        .unwrap()
    }

    fn decoded(segment: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
    }

    #[test]
    fn builds_the_rfc_9449_example_proof() {
        let jwk = example_jwk();
        let header = serde_json::to_string(&ProofHeader::new(&jwk)).unwrap();
        let claims = ProofClaims::new(
            "post",
            "https://server.example.com/token",
            1_562_262_616,
            "-BwC3ESc6acc2lTc".into(),
            None,
            None,
        );
        let claims = serde_json::to_string(&claims).unwrap();
        let input = signing_input(&header, &claims);
        let (h, c) = input.split_once('.').unwrap();
        assert_eq!(
            decoded(h),
            json!({"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC",
                "x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
                "y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}})
        );
        assert_eq!(
            decoded(c),
            json!({"jti":"-BwC3ESc6acc2lTc","htm":"POST",
                "htu":"https://server.example.com/token","iat":1562262616.0})
        );
        let proof = compact(&input, &[7; 64]);
        assert_eq!(proof.split('.').count(), 3);
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(proof.rsplit('.').next().unwrap())
                .unwrap(),
            [7; 64]
        );
    }

    #[test]
    fn resource_proofs_carry_nonce_and_ath() {
        let token = AccessToken::new("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");
        let claims = ProofClaims::new(
            "GET",
            "https://resource.example.org/protectedresource?x=1",
            1_562_262_618,
            "e1j3V_bKic8-LAEB".into(),
            Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
            Some(&token),
        );
        let value: Value = serde_json::to_value(&claims).unwrap();
        // RFC 9449 §7.1's example `ath` for that token.
        assert_eq!(value["ath"], "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        assert_eq!(value["nonce"], "eyJ7S_zG.eyJH0-Z.HX4w-7v");
        assert_eq!(
            value["htu"],
            "https://resource.example.org/protectedresource"
        );
    }

    #[test]
    fn token_request_proofs_have_neither_nonce_nor_ath_members_when_absent() {
        let claims = ProofClaims::new("POST", "https://a/t", 1, "j".into(), None, None);
        let value: Value = serde_json::to_value(&claims).unwrap();
        assert!(value.get("nonce").is_none() && value.get("ath").is_none());
    }

    #[test]
    fn htu_drops_query_and_fragment() {
        assert_eq!(htu("https://a.example/p?q=1#f"), "https://a.example/p");
        assert_eq!(htu("https://a.example/p#f?q"), "https://a.example/p");
        assert_eq!(htu("https://a.example/p"), "https://a.example/p");
        assert_eq!(htu("https://a.example/?"), "https://a.example/");
    }

    #[test]
    fn thumbprint_of_the_rfc_9449_example_key() {
        let canonical = serde_json::to_string(&example_jwk()).unwrap();
        assert_eq!(
            canonical,
            r#"{"crv":"P-256","kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}"#
        );
        // RFC 9449 §6.1: the `jkt` of the example key (jose's
        // calculateJwkThumbprint gives the same).
        assert_eq!(
            jwk_thumbprint(&canonical),
            "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
        );
    }

    #[test]
    fn rejects_keys_that_are_not_p256_points() {
        let x = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs";
        for (x, y) in [
            (x, ""),
            (x, "AAAA"),
            (x, "l8tFrhx+34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"),
            ("", x),
        ] {
            assert_eq!(DpopJwk::p256(x, y).unwrap_err().code(), "invalid_options");
        }
    }

    #[test]
    fn jti_is_16_random_bytes_in_base64url() {
        assert_eq!(jti(&[0xff; 16]), "_____________________w");
    }

    #[test]
    fn reads_nonces_and_refuses_what_is_not_one() {
        assert_eq!(
            read_nonce("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
            Some("eyJ7S_zG.eyJH0-Z.HX4w-7v")
        );
        assert_eq!(read_nonce(" abc "), Some("abc"));
        for bad in ["", " ", "a b", "a\"b", "a\\b", "a\nb", "ä"] {
            assert_eq!(read_nonce(bad), None, "{bad:?}");
        }
        assert_eq!(
            read_nonce(&"n".repeat(MAX_NONCE_LEN)).map(str::len),
            Some(MAX_NONCE_LEN)
        );
        assert_eq!(read_nonce(&"n".repeat(MAX_NONCE_LEN + 1)), None);
    }

    #[test]
    fn finds_the_dpop_challenge_error() {
        let cases = [
            (
                r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
                Some("use_dpop_nonce"),
            ),
            (
                r#"Bearer error="invalid_token", DPoP algs="ES256 PS256", error="invalid_token""#,
                Some("invalid_token"),
            ),
            (
                r#"Basic realm="x", dpop error=use_dpop_nonce"#,
                Some("use_dpop_nonce"),
            ),
            (r#"Basic abc==, DPoP error = "a\"b""#, Some("a\"b")),
            (r#"Bearer error="use_dpop_nonce""#, None),
            (r#"DPoP algs="ES256""#, None),
            ("DPoP", None),
            ("", None),
            (r#"DPoP error=""#, Some("")),
            ("\u{e4}DPoP error=x", Some("x")),
        ];
        for (header, error) in cases {
            assert_eq!(dpop_challenge_error(header).as_deref(), error, "{header}");
        }
        let long = format!("DPoP error=x{}", " ".repeat(MAX_CHALLENGE_LEN));
        assert_eq!(dpop_challenge_error(&long), None);
    }

    #[test]
    fn challenge_reading_is_linear_on_hostile_input() {
        for junk in [
            "=".repeat(4000),
            "\"".repeat(4000),
            ",".repeat(4000),
            "a=".repeat(2000),
            "\\".repeat(4000),
        ] {
            let _ = dpop_challenge_error(&junk);
        }
    }

    #[test]
    fn api_answers_are_retried_only_for_a_nonce_or_an_invalid_token() {
        let nonce = r#"DPoP error="use_dpop_nonce", algs="ES256""#;
        let invalid = r#"DPoP error="invalid_token", algs="ES256""#;
        assert_eq!(
            api_retry(401, Some(nonce), "DPoP", true),
            ApiRetry::WithNonce
        );
        assert_eq!(api_retry(401, Some(nonce), "DPoP", false), ApiRetry::No);
        assert_eq!(api_retry(400, Some(nonce), "DPoP", true), ApiRetry::No);
        assert_eq!(
            api_retry(401, Some(invalid), "DPoP", false),
            ApiRetry::AfterRefresh
        );
        assert_eq!(
            api_retry(
                401,
                Some(r#"Bearer error="invalid_token""#),
                "Bearer",
                false
            ),
            ApiRetry::AfterRefresh
        );
        assert_eq!(
            api_retry(
                401,
                Some(r#"Bearer error="use_dpop_nonce""#),
                "Bearer",
                true
            ),
            ApiRetry::No
        );
        assert_eq!(
            api_retry(401, Some(r#"Bearer realm="api""#), "Bearer", false),
            ApiRetry::No
        );
        assert_eq!(api_retry(401, None, "DPoP", true), ApiRetry::No);
        assert_eq!(api_retry(403, Some(invalid), "DPoP", false), ApiRetry::No);
    }

    #[test]
    fn nonce_book_keeps_the_newest_nonce_per_origin() {
        let mut book = NonceBook::default();
        assert!(book.remember("https://as", "n1"));
        assert!(book.remember("https://api", "m1"));
        assert!(book.remember("https://as", "n2"));
        assert!(!book.remember("https://as", "bad nonce"));
        assert_eq!(book.nonce_for("https://as"), Some("n2"));
        assert_eq!(book.nonce_for("https://api"), Some("m1"));
        assert_eq!(book.nonce_for("https://other"), None);
    }

    #[test]
    fn nonce_book_forgets_the_oldest_origin_first() {
        let mut book = NonceBook::default();
        for i in 0..=MAX_NONCE_ORIGINS {
            book.remember(&format!("https://o{i}"), "n");
        }
        assert_eq!(book.nonce_for("https://o0"), None);
        assert_eq!(
            book.nonce_for(&format!("https://o{MAX_NONCE_ORIGINS}")),
            Some("n")
        );
    }
}
