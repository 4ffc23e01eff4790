//! Server-runtime grants: client credentials (RFC 6749 §4.4) and service
//! tokens (RFC 7523 §2.1, jwt-bearer). They need a client secret or a
//! pre-issued assertion, so they are refused in a browser before anything is
//! sent. Token sets are cached in memory until shortly before they expire;
//! neither grant has a refresh token.

use super::{Client, DEFAULT_MIN_VALIDITY_SECONDS};
use crate::core::error::{fail, AuthError, ErrorCode};
use crate::core::tokens::{token_set, TokenResponse, TokenSet, TokenType};
use crate::ports::Adapters;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// RFC 7523 §2.1.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

impl<A: Adapters> Client<A> {
    fn cached_grant(&self, key: &str) -> Option<TokenSet> {
        let margin = u64::from(DEFAULT_MIN_VALIDITY_SECONDS) * 1000;
        let now = self.now();
        let mut cache = self.grant_cache.borrow_mut();
        cache.retain(|(_, t)| t.is_valid_for(now, margin));
        cache.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone())
    }

    async fn grant(
        &self,
        cache_key: String,
        pairs: &[(&str, &str)],
    ) -> Result<TokenSet, AuthError> {
        if let Some(t) = self.cached_grant(&cache_key) {
            return Ok(t);
        }
        let endpoints = self.endpoints().await?;
        let r = self.post_form(&endpoints.token, pairs).await?;
        let now = self.now();
        self.track_date(&r, now);
        let tokens = token_set(
            self.read_answer::<TokenResponse>(&r)?,
            now,
            TokenType::Bearer,
        )?;
        let mut cache = self.grant_cache.borrow_mut();
        cache.retain(|(k, _)| *k != cache_key);
        cache.push((cache_key, tokens.clone()));
        Ok(tokens)
    }

    /// Client credentials: a token for the client itself. Server runtimes only.
    pub async fn client_credentials(&self, scope: Option<&str>) -> Result<TokenSet, AuthError> {
        self.refuse_in_browser()?;
        let Some(secret) = &self.config.client_secret else {
            return fail(
                ErrorCode::InvalidOptions,
                "clientCredentials needs the clientSecret option",
            );
        };
        let mut pairs = vec![
            ("grant_type", "client_credentials"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", secret.secret()),
        ];
        if let Some(s) = scope {
            pairs.push(("scope", s));
        }
        self.grant(format!("cc:{}", scope.unwrap_or("")), &pairs)
            .await
    }

    /// Exchanges a service account's pre-issued JWT for an access token
    /// (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`). Server runtimes only.
    pub async fn exchange_service_token(
        &self,
        assertion: &str,
        scope: Option<&str>,
    ) -> Result<TokenSet, AuthError> {
        self.refuse_in_browser()?;
        if assertion.split('.').count() != 3 {
            return fail(
                ErrorCode::InvalidOptions,
                "the assertion must be a compact JWT",
            );
        }
        let mut pairs = vec![
            ("grant_type", JWT_BEARER),
            ("assertion", assertion),
            ("client_id", self.config.client_id.as_str()),
        ];
        if let Some(secret) = &self.config.client_secret {
            pairs.push(("client_secret", secret.secret()));
        }
        if let Some(s) = scope {
            pairs.push(("scope", s));
        }
        // Keyed by a hash: the cache never holds the assertion itself.
        let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(assertion.as_bytes()));
        let key = format!("jwt:{digest}:{}", scope.unwrap_or(""));
        self.grant(key, &pairs).await
    }
}
