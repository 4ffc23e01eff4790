//! Proof Key for Code Exchange (RFC 7636), S256 only.
//!
//! `plain` is never produced: it protects nothing against an attacker who can
//! read the authorization request (RFC 7636 §4.2, OAuth 2.0 Security BCP §2.1.1).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Bytes of entropy in a verifier: 32 bytes give the 43-character verifier
/// RFC 7636 §4.1 recommends.
pub const VERIFIER_ENTROPY: usize = 32;

/// The `code_verifier`: a secret, so its `Debug` shows nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl core::fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CodeVerifier([redacted])")
    }
}

impl CodeVerifier {
    /// A verifier made of random bytes (RFC 7636 §4.1: base64url of 32 octets).
    pub fn from_entropy(bytes: &[u8; VERIFIER_ENTROPY]) -> Self {
        CodeVerifier(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Takes a verifier given from outside, checking RFC 7636 §4.1's alphabet and length.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = (43..=128).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        ok.then(|| CodeVerifier(text.to_string()))
    }

    /// The verifier text, for the token request.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// The only method we send.
pub const CHALLENGE_METHOD: &str = "S256";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        // RFC 7636 Appendix B: the octets, the verifier, and its S256 challenge.
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let v = CodeVerifier::from_entropy(&octets);
        assert_eq!(v.secret(), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifier_is_43_chars_of_the_unreserved_alphabet() {
        let v = CodeVerifier::from_entropy(&[0xff; 32]);
        assert_eq!(v.secret().len(), 43);
        assert!(CodeVerifier::parse(v.secret()).is_some());
    }

    #[test]
    fn parse_refuses_wrong_length_or_alphabet() {
        assert!(CodeVerifier::parse(&"a".repeat(42)).is_none());
        assert!(CodeVerifier::parse(&"a".repeat(129)).is_none());
        assert!(CodeVerifier::parse(&"a".repeat(128)).is_some());
        assert!(CodeVerifier::parse(&format!("{}+", "a".repeat(43))).is_none());
    }

    #[test]
    fn debug_hides_the_secret() {
        let v = CodeVerifier::from_entropy(&[7; 32]);
        assert_eq!(format!("{v:?}"), "CodeVerifier([redacted])");
    }
}
