//! Access tokens per API (`getAccessToken({ resource, scope })`, RFC 8707):
//! each served from its own cache entry while it is good for long enough,
//! else asked for with the session's refresh token.
//!
//! The session has one refresh token, and every request that sends it may
//! rotate it. So a per-API request runs under the same in-page turn and
//! cross-tab lock as the session's own refresh, reads the session as it is
//! once both are held (the newest refresh token, handed over by another tab
//! or rotated by the request before), and a rotated refresh token goes into
//! the session's token set at once: stored, and published to the other tabs
//! before the lock is released. Per-API entries never hold a refresh token.

use super::refresh::RefreshFor;
use super::{Client, DpopKey};
use crate::core::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use crate::core::keys;
use crate::core::log::Level;
use crate::core::resource::{
    api_token_from_stored, entries_to_drop, ApiTokenRequest, MAX_API_TOKENS, MAX_ENTRY_LEN,
};
use crate::core::secret::AccessToken;
use crate::core::tokens::{StoredTokens, TokenSet};
use crate::ports::{Adapters, Event, Events, Storage, Tabs};

impl<A: Adapters> Client<A> {
    /// `getAccessToken`: the session's own access token, or with `resource`
    /// or `scope` the token for that API (`invalid_options` when either is
    /// malformed, before any request).
    pub async fn access_token_for(
        &self,
        resource: Option<String>,
        scope: Option<String>,
        min_validity_seconds: u32,
        force_refresh: bool,
    ) -> Result<AccessToken, AuthError> {
        match ApiTokenRequest::new(resource, scope, self.adapters.urls())? {
            None => self.access_token(min_validity_seconds, force_refresh).await,
            Some(request) => {
                self.api_access_token(&request, min_validity_seconds, force_refresh)
                    .await
            }
        }
    }

    /// The access token for `request`: the cached one while it has more
    /// than `min_validity_seconds` left (and `force_refresh` is off), else a
    /// new one from the token endpoint. A failure is also an `error` event.
    pub async fn api_access_token(
        &self,
        request: &ApiTokenRequest,
        min_validity_seconds: u32,
        force_refresh: bool,
    ) -> Result<AccessToken, AuthError> {
        self.storage_ready().await;
        self.check_dpop_binding().await?;
        if self.tokens().is_none() {
            return fail(ErrorCode::LoginRequired, "no session: log in first");
        }
        let key = self.key(&request.cache_key());
        let margin = u64::from(min_validity_seconds) * 1000;
        if !force_refresh {
            if let Some(t) = self.cached_api_token(&key, margin) {
                self.log(Level::Debug, "API token served from cache", &[]);
                return Ok(t.access_token);
            }
        }
        let result = self
            .fetch_api_token(request, &key, margin, force_refresh)
            .await;
        if let Err(e) = &result {
            self.log_failure("API token request failed", e);
            self.adapters.events().emit(Event::Error(e));
        }
        result
    }

    async fn fetch_api_token(
        &self,
        request: &ApiTokenRequest,
        key: &str,
        margin: u64,
        force_refresh: bool,
    ) -> Result<AccessToken, AuthError> {
        let _turn = self.refresh_turns.take().await;
        let _lock = self.adapters.tabs().lock().await;
        // A call that held the turn before this one may have fetched it.
        if !force_refresh {
            if let Some(t) = self.cached_api_token(key, margin) {
                self.log(Level::Debug, "API token served from cache", &[]);
                return Ok(t.access_token);
            }
        }
        // The session now: its newest refresh token.
        let Some(session) = self.tokens() else {
            return fail(
                ErrorCode::LoginRequired,
                "the session ended in another tab: log in again",
            );
        };
        let Some(refresh_token) = &session.refresh_token else {
            return fail(
                ErrorCode::LoginRequired,
                "a token per API is asked for with the refresh token, and the session has none: log in with the offline_access scope",
            );
        };
        let token = self
            .redeem_refresh_token(&session, refresh_token, RefreshFor::Api(request))
            .await?;
        self.store_api_token(key, &token);
        Ok(token.access_token)
    }

    /// The cached token under `key` while it has more than `margin` ms left.
    fn cached_api_token(&self, key: &str, margin: u64) -> Option<TokenSet> {
        self.read_api_token(key)
            .filter(|t| t.is_valid_for(self.now(), margin))
    }

    /// The per-API entry under `key`. One that is too long, not JSON of the
    /// stored form, or not ours is removed, never fatal.
    fn read_api_token(&self, key: &str) -> Option<TokenSet> {
        let text = self.storage().get(key)?;
        let token = Some(text)
            .filter(|t| t.len() <= MAX_ENTRY_LEN)
            .and_then(|t| self.read_json::<StoredTokens>(&t))
            .and_then(api_token_from_stored);
        if token.is_none() {
            self.storage().remove(key);
            self.log(Level::Warn, "corrupt stored entry removed", &[]);
        }
        token
    }

    /// Stores a per-API token under `key`, first dropping the entries
    /// `core::resource::entries_to_drop` names (unreadable, expired, over
    /// the cap). A write the storage refuses (quota) is an `error` event:
    /// the token is still handed to the app, only not cached.
    fn store_api_token(&self, key: &str, token: &TokenSet) {
        let mut entries = Vec::new();
        for k in self.storage().keys_with_prefix(&self.key(keys::API_TOKENS)) {
            let at = self.read_api_token(&k).map(|t| t.expires_at_ms);
            entries.push((k, at));
        }
        for k in entries_to_drop(&entries, key, self.now()) {
            self.storage().remove(&k);
        }
        let text = self.write_json(&token.to_stored()).unwrap_or_default();
        if let Err(e) = self.storage().set(key, &text) {
            self.log_warning("storage refused a write", &e);
            self.adapters.events().emit(Event::Error(&e));
        }
    }

    /// Removes every per-API entry of this client, and returns the readable
    /// ones (at most `MAX_API_TOKENS`: for logout to revoke).
    pub(super) fn take_api_tokens(&self) -> Vec<TokenSet> {
        let mut taken = Vec::new();
        for k in self.storage().keys_with_prefix(&self.key(keys::API_TOKENS)) {
            if taken.len() < MAX_API_TOKENS {
                if let Some(t) = self.read_api_token(&k) {
                    taken.push(t);
                }
            }
            self.storage().remove(&k);
        }
        taken
    }

    /// Revokes per-API access tokens (RFC 7009); each failure is an `error`
    /// event, and the others are still tried. A provider that cannot revoke
    /// such a token (`unsupported_token_type`, RFC 7009 §2.2.1: typically a
    /// self-contained JWT) leaves it to run out: nothing to report.
    pub(super) async fn revoke_api_tokens(
        &self,
        endpoint: &str,
        tokens: &[TokenSet],
        key: Option<&DpopKey<A>>,
    ) {
        for t in tokens {
            match self.revoke(endpoint, t, key).await {
                Err(e) if e.server_code() != Some(&OAuthErrorCode::UnsupportedTokenType) => {
                    self.log_warning("revocation failed", &e);
                    self.adapters.events().emit(Event::Error(&e));
                }
                _ => {}
            }
        }
    }
}
