//! The signed-in session: access tokens on demand, refresh (single flight in
//! the page and across tabs), userinfo, logout.

use super::refresh::RefreshFor;
use super::{Client, DpopKey, SilentReason};
use crate::core::error::{fail, AuthError, ErrorCode};
use crate::core::form::encode_pairs;
use crate::core::log::Level;
use crate::core::secret::{AccessToken, RefreshToken};
use crate::core::tokens::{error_from_answer, TokenSet};
use crate::core::url::with_query;
use crate::ports::{Adapters, Event, Events, JsonCodec, Random, Tabs};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

/// The member of a userinfo response (OIDC Core §5.3.2) the SDK checks.
#[derive(Deserialize)]
struct UserInfoSubject {
    sub: Option<String>,
}

impl<A: Adapters> Client<A> {
    /// A usable access token: the stored one while it has more than
    /// `min_validity_seconds` left, else refreshed first. Concurrent calls
    /// share one refresh.
    pub async fn access_token(
        &self,
        min_validity_seconds: u32,
        force_refresh: bool,
    ) -> Result<AccessToken, AuthError> {
        self.storage_ready().await;
        self.check_dpop_binding().await?;
        let in_flight = self.refreshing.borrow().clone();
        if let Some(flight) = in_flight {
            self.log(Level::Debug, "refresh shared with a call in flight", &[]);
            return flight.wait().await.map(|t| t.access_token);
        }
        // No session here: no frame either. After a logout that left the
        // provider's session alone, a silent sign-in would sign the user
        // straight back in; an app restores a session on purpose with
        // `loginSilently()`.
        let Some(tokens) = self.tokens() else {
            return fail(ErrorCode::LoginRequired, "no session: log in first");
        };
        let margin = u64::from(min_validity_seconds) * 1000;
        if !force_refresh && tokens.is_valid_for(self.now(), margin) {
            return Ok(tokens.access_token);
        }
        // Without a refresh token, silent sign-in (when on) renews.
        if tokens.refresh_token.is_none() && self.silent_sign_in_enabled() {
            let held = tokens.access_token;
            let reason = SilentReason::Renewing { held };
            return self.login_silently(reason).await.map(|t| t.access_token);
        }
        let refresh = Box::pin(self.refresh_across_tabs(tokens));
        self.single_flight(&self.refreshing, "refresh failed", refresh)
            .await
            .map(|t| t.access_token)
    }

    /// Refreshes in the page's refresh-token turn (`turn`), under the
    /// session's cross-tab lock. Once the lock is ours,
    /// a newer token set than the one we started from (handed over by the tab
    /// that refreshed while we waited, or in storage) is used as it is: a
    /// rotated refresh token must never be sent twice.
    async fn refresh_across_tabs(&self, started_from: TokenSet) -> Result<TokenSet, AuthError> {
        let _turn = self.refresh_turns.take().await;
        let _guard = self.adapters.tabs().lock().await;
        // `tokens()` already prefers what another tab handed over.
        let current = match self.tokens() {
            None => {
                return fail(
                    ErrorCode::LoginRequired,
                    "the session ended in another tab: log in again",
                )
            }
            Some(newer)
                if newer.access_token != started_from.access_token
                    && newer.is_valid_for(self.now(), 0) =>
            {
                self.log(Level::Debug, "refresh handed over by another tab", &[]);
                return Ok(newer);
            }
            // Refreshed from as it is now: a per-API request may have
            // rotated its refresh token since `started_from` was read.
            Some(current) => current,
        };
        self.refresh(&current).await
    }

    /// RFC 6749 §6: the session's tokens renewed with its refresh token
    /// (`redeem_refresh_token` says how each failure ends).
    pub async fn refresh(&self, current: &TokenSet) -> Result<TokenSet, AuthError> {
        let Some(refresh_token) = &current.refresh_token else {
            return fail(
                ErrorCode::LoginRequired,
                "the access token expired and there is no refresh token",
            );
        };
        self.redeem_refresh_token(current, refresh_token, RefreshFor::Session)
            .await
    }

    /// OIDC Core §12.2: a refreshed ID token has no nonce to check, and
    /// must name the session's user. One carried over from before was
    /// checked when it arrived. On a failure the session keeps its tokens,
    /// with the `rotated` refresh token, never the unchecked ID token.
    pub(super) async fn check_refreshed_id_token(
        &self,
        current: &TokenSet,
        tokens: &TokenSet,
        rotated: Option<&RefreshToken>,
    ) -> Result<(), AuthError> {
        if tokens.id_token == current.id_token {
            return Ok(());
        }
        let claims = current
            .id_token
            .as_deref()
            .and_then(|t| self.read_claims(t));
        let sub = claims.as_ref().and_then(|c| c.sub.as_deref());
        match self.check_id_token(tokens, None, None, false, sub).await {
            Ok(()) => Ok(()),
            // Another user: this session cannot go on.
            Err(e) if e.is(ErrorCode::LoginRequired) => {
                self.clear_session();
                Err(e)
            }
            Err(e) => {
                if let (Some(rotated), true) = (rotated, self.still_current(current)) {
                    let mut keep = current.clone();
                    keep.refresh_token = Some(rotated.clone());
                    self.store_tokens(&keep);
                }
                Err(e)
            }
        }
    }

    pub(super) fn still_current(&self, current: &TokenSet) -> bool {
        self.tokens()
            .is_some_and(|t| t.refresh_token == current.refresh_token)
    }

    /// The userinfo response (OIDC Core §5.3), as the JSON reader parsed it.
    pub async fn userinfo(&self) -> Result<<A::Json as JsonCodec>::Value, AuthError> {
        let access_token = self
            .access_token(super::DEFAULT_MIN_VALIDITY_SECONDS, false)
            .await?;
        let endpoints = self.endpoints().await?;
        let r = self
            .get_with_token(endpoints.userinfo.clone(), &access_token)
            .await?;
        let not_an_object = || {
            AuthError::new(
                ErrorCode::InvalidResponse,
                "the userinfo response is not a JSON object with a string sub",
            )
        };
        if !(200..300).contains(&r.status) {
            return Err(error_from_answer(r.status, self.read_json(&r.body)));
        }
        if r.body.len() > super::MAX_BODY_LEN {
            return Err(not_an_object());
        }
        let json = self.adapters.json();
        let document = json.parse(&r.body).ok_or_else(not_an_object)?;
        let subject: UserInfoSubject = json.read(&document).ok_or_else(not_an_object)?;
        // OIDC Core §5.3.2: the sub must be the ID token's.
        let id_sub = self
            .tokens()
            .and_then(|t| t.id_token)
            .and_then(|t| self.read_claims(&t))
            .and_then(|c| c.sub);
        match (subject.sub, id_sub) {
            (None, _) => fail(
                ErrorCode::InvalidResponse,
                "the userinfo response has no sub",
            ),
            (Some(a), Some(b)) if a != b => fail(
                ErrorCode::InvalidResponse,
                "the userinfo sub is not the ID token's",
            ),
            _ => Ok(document),
        }
    }

    /// Logs out: clears the session, revokes its tokens when asked (RFC 7009;
    /// a failed revocation is reported as an `error` event and does not keep
    /// the session), and returns the end-session URL to visit when one is known.
    pub async fn logout(
        &self,
        revoke: bool,
        return_to: Option<&str>,
    ) -> Result<Option<String>, AuthError> {
        self.storage_ready().await;
        let tokens = self.tokens();
        let api_tokens = self.take_api_tokens();
        self.clear_session();
        // Retired now, not after the revocations: a login started meanwhile
        // gets a new key and keeps it. The revocations prove the old one.
        let key = self.retire_dpop_key().await;
        self.log(Level::Debug, "logged out", &[]);
        // The session is over here whatever follows; what cannot be done
        // without the provider's endpoints is reported as an `error` event.
        let endpoints = match self.endpoints().await {
            Ok(e) => e,
            Err(e) => {
                self.log_failure("logout could not read the provider's endpoints", &e);
                self.adapters.events().emit(Event::Error(&e));
                return Ok(None);
            }
        };
        if let (true, Some(t)) = (revoke, &tokens) {
            if let Err(e) = self.revoke(&endpoints.revocation, t, key.as_ref()).await {
                self.log_warning("revocation failed", &e);
                self.adapters.events().emit(Event::Error(&e));
            }
        }
        if revoke {
            self.revoke_api_tokens(&endpoints.revocation, &api_tokens, key.as_ref())
                .await;
        }
        let Some(end_session) = endpoints.end_session.as_deref() else {
            return Ok(None);
        };
        // OIDC RP-Initiated Logout §2.
        let mut state_bytes = [0u8; 16];
        self.adapters.random().fill(&mut state_bytes)?;
        let state = URL_SAFE_NO_PAD.encode(state_bytes);
        let mut pairs = vec![("client_id", self.config.client_id.as_str())];
        if let Some(t) = tokens.as_ref().and_then(|t| t.id_token.as_deref()) {
            pairs.push(("id_token_hint", t));
        }
        if let Some(r) = return_to {
            pairs.push(("post_logout_redirect_uri", r));
            pairs.push(("state", &state));
        }
        Ok(Some(with_query(end_session, &encode_pairs(&pairs))))
    }

    /// Revokes `tokens` (RFC 7009); with `dpop`, proved by `key`, the one
    /// they are bound to (the key in use when `None`).
    pub(super) async fn revoke(
        &self,
        endpoint: &str,
        tokens: &TokenSet,
        key: Option<&DpopKey<A>>,
    ) -> Result<(), AuthError> {
        // The refresh token first: revoking it usually ends the whole grant.
        let pairs = [
            (
                tokens.refresh_token.as_ref().map(RefreshToken::secret),
                "refresh_token",
            ),
            (Some(tokens.access_token.secret()), "access_token"),
        ];
        // Each is tried even when the other failed; the first failure is reported.
        let mut outcome = Ok(());
        for (token, hint) in pairs {
            if let Some(token) = token {
                // With `dpop`, proved by the key the tokens are bound to
                // (some servers revoke a bound refresh token of a public
                // client only then), with the nonce retry of token requests.
                let sent = self
                    .post_token_form(
                        endpoint,
                        &[
                            ("token", token),
                            ("token_type_hint", hint),
                            ("client_id", &self.config.client_id),
                        ],
                        key,
                    )
                    .await;
                // RFC 7009 §2.2: 200 whether or not the token was still valid.
                let result = sent.and_then(|r| match r.status {
                    200 => Ok(()),
                    _ => Err(error_from_answer(r.status, self.read_json(&r.body))),
                });
                if outcome.is_ok() {
                    outcome = result;
                }
            }
        }
        outcome
    }
}
